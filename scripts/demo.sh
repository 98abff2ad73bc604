#!/usr/bin/env bash
# scripts/demo.sh - what `sudo make demo` shows: a container built from
# ctlab's chapters (minictr), printing the evidence of its isolation, then
# (on a terminal) a shell inside it. Every command is printed first, so
# you can type it yourself.
set -euo pipefail
cd "$(dirname "$0")/.."

minictr=10-mini-container/minictr

if [ -t 1 ]; then bold=$'\e[1m' plain=$'\e[0m'; else bold='' plain=''; fi
say() { printf '\n%s%s%s\n' "$bold" "$*" "$plain"; }
show() { printf '$ %s\n' "$*"; }

if [ "$(id -u)" -ne 0 ]; then
    echo "demo: run it as root: sudo make demo (the demo shows a bridged network and cgroup limits, which need root; as a user, minictr run is rootless)" >&2
    exit 1
fi
trap '"$minictr" gc >/dev/null 2>&1 || true' EXIT

evidence='echo "hostname:    $(hostname)"
echo "my PID:      $$ (PID 1 is minictr'"'"'s init)"
echo "processes:"; ps -o pid,comm
echo "interfaces:"; ip -o -4 addr | awk "{print \"  \" \$2, \$4}"
echo "uid map:     $(cat /proc/self/uid_map)"
echo "cgroup:      $(head -1 /proc/self/cgroup) (a cgroup namespace)"
echo "mounts:      $(awk "{print \$5}" /proc/self/mountinfo | sort | tr "\n" " ")"
grep -E "^(CapEff|NoNewPrivs|Seccomp):" /proc/self/status
unshare -U true 2>&1 | sed "s/^/unshare -U:  /"'

say "A container: new namespaces, cgroup limits, an overlay root, a veth on ctlab0, docker's capabilities, seccomp:"
show "$minictr run --name demo --memory 64m --cpus 0.5 --pids 64 -- /bin/sh -c '...'"
"$minictr" run --name demo --memory 64m --cpus 0.5 --pids 64 -- /bin/sh -c "$evidence"

say "The host, meanwhile, is untouched (the container's veth went with its network namespace; the kernel frees it in the background, within moments):"
for _ in $(seq 20); do # at most 2 s
    ip -br link | grep -q ctlab-h- || break
    sleep 0.1
done
show "hostname; ip -br link | grep -c ctlab-h-"
hostname
ip -br link | grep -c ctlab-h- || true

if [ -t 0 ] && [ -t 1 ]; then
    say "Now a shell inside a container (type exit to leave):"
    show "$minictr run -t --name demo-shell -- /bin/sh"
    "$minictr" run -t --name demo-shell -- /bin/sh || true
fi
say "Next: read 10-mini-container/README.md, then 'sudo $minictr -v run -- /bin/true' shows every step."
