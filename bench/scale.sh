#!/usr/bin/env bash
# bench/scale.sh N - N containers on the bridge at once: start them all
# together (minictr run -d), check that each reaches the next one over
# ctlab0, stop and remove them all, and check that nothing is left.
#
#     sudo bench/scale.sh 100
#
# Prints the total time of each stage and the median start time of one
# container while N start together; exits 1 if a ping fails or anything
# leaks (a state dir, a cgroup, a veth, a process).
set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
N=${1:?usage: scale.sh N}
MINICTR=$TOP/10-mini-container/minictr
ROOTFS=$TOP/rootfs

if [ "$(id -u)" -ne 0 ]; then
    echo "scale.sh: needs root (a bridge, veths, cgroups)" >&2
    exit 1
fi
case $N in '' | *[!0-9]*) echo "scale.sh: N must be a number" >&2; exit 2 ;; esac
[ "$N" -ge 2 ] && [ "$N" -le 1000 ] || { echo "scale.sh: N from 2 to 1000" >&2; exit 2; }

work=$(mktemp -d /tmp/ctlab-scale.XXXXXX)
names=()
for i in $(seq "$N"); do names+=("ctlab-s$i"); done
cleanup() {
    for name in "${names[@]}"; do
        "$MINICTR" kill "$name" 9 >/dev/null 2>&1 || true
    done
    sleep 0.5
    for name in "${names[@]}"; do "$MINICTR" rm "$name" >/dev/null 2>&1 || true; done
    "$MINICTR" gc >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

now_us() { echo $(($(date +%s%N) / 1000)); }
seconds() { awk -v u="$1" 'BEGIN { printf "%.2f s", u / 1e6 }'; }

before_links=$(ip -o link | grep -c ctlab-h- || true)

# --- 1. start all N at once ---------------------------------------------------
echo "starting $N containers at once (minictr run -d, bridge ctlab0) ..."
t0=$(now_us)
for name in "${names[@]}"; do
    (
        s=$(now_us)
        if "$MINICTR" run -d --name "$name" --rootfs "$ROOTFS" -- /bin/sleep 600 >/dev/null 2>"$work/$name.err"; then
            echo $(($(now_us) - s)) >"$work/$name.us"
        fi
    ) &
done
wait
t1=$(now_us)
started=$(ls "$work"/*.us 2>/dev/null | wc -l)
echo "  $started of $N started in $(seconds $((t1 - t0))); one start, median: $(cat "$work"/*.us | sort -n | awk '{ v[NR] = $1 } END { printf "%.1f ms", v[int((NR + 1) / 2)] / 1000 }')"
if [ "$started" -ne "$N" ]; then
    cat "$work"/*.err | sort | uniq -c | head -5 >&2
    exit 1
fi

# --- 2. each reaches the next (the last reaches the first) --------------------
echo "each pings the next over the bridge ..."
t0=$(now_us)
failed=0
for i in $(seq "$N"); do
    next=$((i % N + 1))
    ip=$(cat "/run/ctlab/ctlab-s$next/ip")
    "$MINICTR" exec "ctlab-s$i" -- /bin/ping -c 1 -W 2 "$ip" >/dev/null 2>&1 || {
        echo "  ctlab-s$i cannot reach ctlab-s$next ($ip)" >&2
        failed=$((failed + 1))
    }
done
t1=$(now_us)
echo "  $((N - failed)) of $N reached their neighbour in $(seconds $((t1 - t0)))"

# --- 3. stop and remove all -----------------------------------------------------
echo "stopping and removing all ..."
t0=$(now_us)
for name in "${names[@]}"; do "$MINICTR" stop "$name" >/dev/null & done
wait
for name in "${names[@]}"; do "$MINICTR" rm "$name" >/dev/null; done
"$MINICTR" gc >/dev/null
t1=$(now_us)
echo "  done in $(seconds $((t1 - t0)))"

# --- 4. nothing left ----------------------------------------------------------
leaks=0
check() {
    if [ -n "$2" ]; then
        echo "  LEAK: $1: $2" >&2
        leaks=$((leaks + 1))
    fi
}
for _ in $(seq 50); do # the kernel frees dead namespaces' veths in the background
    [ "$(ip -o link | grep -c ctlab-h- || true)" -le "$before_links" ] && break
    sleep 0.1
done
check "state dirs" "$(ls /run/ctlab 2>/dev/null | grep '^ctlab-s' | tr '\n' ' ')"
check "cgroups" "$(find /sys/fs/cgroup -maxdepth 4 -type d -name 'ctlab-s*' 2>/dev/null | head -3 | tr '\n' ' ')"
check "veths" "$(ip -o link | grep ctlab-h- | awk -F': ' '{print $2}' | head -3 | tr '\n' ' ' | sed 's/ $//' | grep -v '^$' || true)"
check "processes" "$(ps -eo pid,args | grep -F "$MINICTR run -d --name ctlab-s" | grep -v grep | head -3 || true)"
[ "$failed" -eq 0 ] && [ "$leaks" -eq 0 ] || exit 1
echo "$N containers: all started, all reached, nothing left."
