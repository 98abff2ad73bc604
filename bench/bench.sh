#!/usr/bin/env bash
# bench/bench.sh - how long a container takes to start and end, minictr
# beside crun, runc, bubblewrap, the chapter's script and /bin/true, all in
# ONE hyperfine run; then minictr's own phases (--timings) and its peak
# memory. `sudo make bench` runs it (with scale.sh and layers.sh).
#
#     sudo bench/bench.sh            # RUNS=40 by default
#     sudo RUNS=100 bench/bench.sh
#
# Every runtime starts /bin/true from the same busybox rootfs with the same
# isolation where it has it: minictr's OCI side, crun and runc run one
# bundle made by `minictr spec` (oci-bundle.sh). On a hybrid cgroup host crun 1.8 refuses to run, so the whole
# measurement runs in a private mount namespace in which
# /sys/fs/cgroup/unified is hidden under a tmpfs: every runtime sees the
# same v1 host.
# Results: a table on stdout; hyperfine's JSON, the phases and the summary
# in bench/out/.
set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RUNS=${RUNS:-40}
OUT=$TOP/bench/out
ROOTFS=$TOP/rootfs
MINICTR=$TOP/10-mini-container/minictr
LIMITS="--memory 64m --cpus 0.5 --pids 64"

if [ "$(id -u)" -ne 0 ]; then
    echo "bench.sh: needs root (runtimes with cgroups and networks)" >&2
    exit 1
fi
for tool in hyperfine crun runc bwrap jq /usr/bin/time; do
    command -v "$tool" >/dev/null || {
        echo "bench.sh: $tool is missing (run: sudo scripts/deps.sh bench)" >&2
        exit 1
    }
done
[ -x "$MINICTR" ] && [ -x "$ROOTFS/bin/sh" ] || {
    echo "bench.sh: build first (make all rootfs)" >&2
    exit 1
}

work=$(mktemp -d /tmp/ctlab-bench.XXXXXX)
trap 'rm -rf "$work"; "$MINICTR" gc >/dev/null 2>&1 || true
      for d in /sys/fs/cgroup/*/ctlab-bench /sys/fs/cgroup/ctlab-bench; do
          [ ! -d "$d" ] || find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null || true
      done' EXIT
mkdir -p "$OUT"
"$TOP/bench/oci-bundle.sh" "$work/bundle" "$ROOTFS"

# The machine, for the record.
cgroup_mode=$("$TOP/05-cgroups/cgctl" info 2>/dev/null | awk -F': *' '/mode/ {print $2; exit}')
machine="$(nproc) cores, kernel $(uname -r), cgroups ${cgroup_mode:-unknown}"
echo "machine: $machine"
echo "tools:   $(hyperfine --version), $(crun --version | head -1), $(runc --version | head -1), $(bwrap --version)"

# --- 1. one hyperfine run, every runtime --------------------------------------
# Inside the private mount namespace. -N: no shell between hyperfine and
# the command (a shell would add ~1 ms to each).
inside=$(
    cat <<EOF
set -e
# hybrid: crun 1.8 wants pure v1 or v2. A tmpfs hides the unified tree
# (unmounting it would let crun make directories on the tmpfs beneath,
# where they stay, hidden, after this namespace ends).
if mountpoint -q /sys/fs/cgroup/unified && [ -d /sys/fs/cgroup/memory ]; then
    mount -t tmpfs -o size=1m ctlab-hide /sys/fs/cgroup/unified
fi
hyperfine -N --warmup 5 --runs $RUNS --export-json '$OUT/start.json' --style basic \
    -n 'minictr (bridge, limits, overlay)' '$MINICTR run --name ctlab-bench-a $LIMITS -- /bin/true' \
    -n 'minictr --net none' '$MINICTR run --name ctlab-bench-b --net none $LIMITS -- /bin/true' \
    -n 'minictr run --bundle (OCI)' '$MINICTR --root $work/minictr-state run --bundle $work/bundle ctlab-bench-oci' \
    -n 'crun run' 'crun --root $work/crun-state run -b $work/bundle ctlab-bench-crun' \
    -n 'runc run' 'runc --root $work/runc-state run -b $work/bundle ctlab-bench-runc' \
    -n 'bwrap --unshare-all' 'bwrap --unshare-all --die-with-parent --ro-bind $ROOTFS / --proc /proc --dev /dev --tmpfs /tmp /bin/true' \
    -n 'mini-container.sh' 'env IMAGE=$ROOTFS $TOP/10-mini-container/mini-container.sh /bin/true' \
    -n '/bin/true' '/bin/true' >'$work/hyperfine.log'

# minictr's phases, in the same namespace.
for net in bridge none; do
    for i in \$(seq $RUNS); do
        '$MINICTR' run --timings --net \$net $LIMITS -- /bin/true 2>&1 | sed "s/^/\$net /"
    done
done >'$OUT/phases.txt'

# Peak memory of minictr run (the largest of it and its children), and
# of the same bundle under minictr and crun.
/usr/bin/time -v '$MINICTR' run $LIMITS -- /bin/true 2>'$work/time.txt'
/usr/bin/time -v '$MINICTR' --root $work/minictr-state run --bundle $work/bundle ctlab-bench-oci 2>'$work/time-oci.txt'
/usr/bin/time -v crun --root $work/crun-state run -b $work/bundle ctlab-bench-crun 2>'$work/time-crun.txt'
EOF
)
unshare -m --propagation private bash -c "$inside"

# --- 2. the table ------------------------------------------------------------
ms() { awk -v s="$1" 'BEGIN { printf "%.2f", s * 1000 }'; }
median_of() { jq -r --arg n "$1" '.results[] | select(.command == $n) | .median' "$OUT/start.json"; }
base=$(median_of 'minictr (bridge, limits, overlay)')
echo
printf '%-36s %10s %14s\n' "command ($RUNS runs each)" "median" "vs minictr"
jq -r '.results[] | "\(.command)\t\(.median)"' "$OUT/start.json" |
    while IFS=$'\t' read -r name median; do
        printf '%-36s %7s ms %13s\n' "$name" "$(ms "$median")" \
            "$(awk -v m="$median" -v b="$base" 'BEGIN { printf "%.2fx", m / b }')"
    done

# --- 3. minictr's phases ------------------------------------------------------
echo
echo "minictr run --timings, median microseconds of $RUNS runs:"
printf '  %-10s %8s %8s\n' phase bridge none
for phase in check state cgroup clone '(child up)' network root mounts pivot '(waited)' security start exec '(command)' delete total; do
    row=""
    for net in bridge none; do
        value=$(awk -v n="$net" -v p="$phase" '$1 == n && $2 == "timing" { sub(/^[a-z]+ timing +/, ""); if (index($0, p " ") == 1) { $0 = substr($0, length(p) + 1); print $1 } }' "$OUT/phases.txt" |
            sort -n | awk '{ v[NR] = $1 } END { print NR ? v[int((NR + 1) / 2)] : "-" }')
        row="$row $(printf '%8s' "$value")"
    done
    printf '  %-10s%s\n' "$phase" "$row"
done

# --- 4. memory and the targets -----------------------------------------------
rss=$(awk -F': *' '/Maximum resident set size/ { print $2 }' "$work/time.txt")
rss_oci=$(awk -F': *' '/Maximum resident set size/ { print $2 }' "$work/time-oci.txt")
rss_crun=$(awk -F': *' '/Maximum resident set size/ { print $2 }' "$work/time-crun.txt")
echo
echo "peak RSS of minictr run: $rss KiB; of the bundle: minictr $rss_oci KiB, crun $rss_crun KiB (GNU time -v)"
crun=$(median_of 'crun run')
oci=$(median_of 'minictr run --bundle (OCI)')
none=$(median_of 'minictr --net none')
bwrap=$(median_of 'bwrap --unshare-all')
script=$(median_of 'mini-container.sh')
verdict() { if awk "BEGIN { exit !($1) }"; then echo "met"; else echo "MISSED"; fi; }
{
    echo "machine: $machine"
    echo "target minictr <= 0.5 x crun:     $(ms "$base") ms vs $(ms "$crun") ms (x$(awk -v a="$base" -v b="$crun" 'BEGIN { printf "%.2f", a / b }')): $(verdict "$base <= 0.5 * $crun")"
    echo "target OCI bundle <= 0.7 x crun:  $(ms "$oci") ms vs $(ms "$crun") ms (x$(awk -v a="$oci" -v b="$crun" 'BEGIN { printf "%.2f", a / b }')): $(verdict "$oci <= 0.7 * $crun")"
    echo "target --net none <= bwrap:       $(ms "$none") ms vs $(ms "$bwrap") ms: $(verdict "$none <= $bwrap")"
    echo "target >= 20 x mini-container.sh: $(awk -v a="$script" -v b="$base" 'BEGIN { printf "%.1f", a / b }') x: $(verdict "$script >= 20 * $base")"
    echo "target peak RSS < 2 MiB:          $rss KiB: $(verdict "$rss < 2048")"
    echo "target bundle RSS below crun's:   $rss_oci KiB vs $rss_crun KiB: $(verdict "$rss_oci < $rss_crun")"
} | tee "$OUT/summary.txt"
echo
echo "JSON: $OUT/start.json; phases: $OUT/phases.txt"
