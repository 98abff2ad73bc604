#!/usr/bin/env bash
# scripts/demo.sh - what `sudo make demo` shows.
#
# Until minictr exists (chapter 10), the demo is chapter 01: a PID
# namespace seen from inside and from the host. Every command it runs is
# printed first, so you can type it yourself.
set -euo pipefail
cd "$(dirname "$0")/.."

pidns=01-pid-ns/pidns
nsls=01-pid-ns/nsls
probe=tests/probe

if [ -t 1 ]; then bold=$'\e[1m' plain=$'\e[0m'; else bold='' plain=''; fi
say() { printf '\n%s%s%s\n' "$bold" "$*" "$plain"; }
show() { printf '$ %s\n' "$*"; }

if [ "$(id -u)" -ne 0 ]; then
    echo "demo: run it as root: sudo make demo (pidns needs root or a user namespace)" >&2
    exit 1
fi

say "1. In a new PID namespace, the command is PID 1 and sees only its namespace:"
show "$pidns -- busybox sh -c 'echo \"inside: my PID is \$\$\"; busybox ps'"
"$pidns" -- busybox sh -c 'echo "inside: my PID is $$"; busybox ps'

say "2. The host sees that PID 1 under another PID. NSpid lists both:"
out=$(mktemp /tmp/ctlab-demo.XXXXXX)
pid1=""
cleanup() {
    [ -n "$pid1" ] && kill -KILL "$pid1" 2>/dev/null
    wait 2>/dev/null
    rm -f "$out"
}
trap cleanup EXIT
show "$pidns -- $probe sleep 30 &"
"$pidns" -- "$probe" sleep 30 >"$out" &
outer=$!
for _ in $(seq 50); do
    grep -q ready "$out" && break
    sleep 0.1
done
pid1=$(cat /proc/$outer/task/*/children)
pid1=${pid1// /}
show "grep NSpid /proc/$pid1/status"
grep NSpid "/proc/$pid1/status"

say "3. Its pid and mnt namespaces are new; it shares the others with us:"
show "$nsls $$ $pid1"
"$nsls" $$ "$pid1"

say "4. PID 1 ignores signals it has no handler for, even SIGTERM; SIGKILL works:"
show "kill -TERM $pid1; sleep 0.5"
kill -TERM "$pid1"
sleep 0.5
if kill -0 "$pid1" 2>/dev/null; then echo "still running"; fi
show "kill -KILL $pid1"
kill -KILL "$pid1"
wait "$outer" || echo "pidns exited with $? (128 + 9: killed by SIGKILL)"
pid1=""

say "5. PID 1 must reap orphans. A plain command does not; pidns --init does:"
show "$pidns -- $probe orphan"
"$pidns" -- "$probe" orphan
show "$pidns --init -- $probe orphan"
"$pidns" --init -- "$probe" orphan

say "Next: read 01-pid-ns/README.md, then run 'sudo $pidns -v --init -- sh' yourself."
