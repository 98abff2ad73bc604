#!/usr/bin/env bash
# bench/layers.sh - how long an overlay mount takes with 1, 8, 32 and 128
# lower layers: the new mount API (one fsconfig "lowerdir+" per layer,
# Linux 6.8) against mount(2) with one option string, which the kernel
# reads only one page (4096 bytes) of, as long as the string fits.
#
#     sudo bench/layers.sh        # writes bench/out/layers.{json,dat} and
#                                 # docs/overlay-layers.png (gnuplot)
#
# Each point is hyperfine's median of `ovl mount` (the chapter 07 tool)
# with the previous mount removed before each run.
set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OVL=$TOP/07-overlay/ovl
OUT=$TOP/bench/out
RUNS=${RUNS:-30}
COUNTS=(1 8 32 128)

if [ "$(id -u)" -ne 0 ]; then
    echo "layers.sh: needs root (overlay mounts)" >&2
    exit 1
fi
for tool in hyperfine jq gnuplot; do
    command -v "$tool" >/dev/null || {
        echo "layers.sh: $tool is missing (run: sudo scripts/deps.sh bench)" >&2
        exit 1
    }
done

work=$(mktemp -d /tmp/ctlab-layers.XXXXXX)
cleanup() {
    mountpoint -q "$work/m" && umount "$work/m"
    rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$OUT" "$TOP/docs" "$work/m" "$work/u" "$work/w"
# 128 small layers, each with a file of its own and one they all share.
for i in $(seq -f "%03g" 1 128); do
    mkdir "$work/$i"
    echo "$i" >"$work/$i/own-$i"
    echo "$i" >"$work/$i/shared"
done
lowers() { seq -f "%03g" 1 "$1" | sed "s|^|$work/|" | paste -sd: -; }

# Can this kernel take lowerdir+ at all?
new_api=yes
if ! "$OVL" mount --lower "$(lowers 1)" --upper "$work/u" --work "$work/w" "$work/m" 2>/dev/null ||
    ! grep -q "lowerdir+" <(grep " $work/m " /proc/self/mountinfo); then
    new_api=no
fi
mountpoint -q "$work/m" && umount "$work/m"

printf '# layers new_api_ms mount2_ms (median of %d; - = not possible)\n' "$RUNS" >"$OUT/layers.dat"
args=()
for n in "${COUNTS[@]}"; do
    base="--lower $(lowers "$n") --upper $work/u --work $work/w $work/m"
    options="lowerdir=$(lowers "$n"),upperdir=$work/u,workdir=$work/w"
    [ "$new_api" = yes ] && args+=(-n "new API, $n" "$OVL mount $base")
    if [ ${#options} -lt 4096 ]; then
        args+=(-n "mount(2), $n" "$OVL mount --legacy $base")
    fi
    echo "$n layers: option string ${#options} bytes"
done
# Before each run the last one's mount goes (so something is mounted
# before the first: an overlay of one layer).
"$OVL" mount --lower "$(lowers 1)" --upper "$work/u" --work "$work/w" "$work/m"
hyperfine -N --warmup 3 --runs "$RUNS" --style basic \
    --prepare "umount $work/m" --export-json "$OUT/layers.json" "${args[@]}" >"$work/log" || {
    cat "$work/log" >&2
    exit 1
}

median() { jq -r --arg n "$1" '.results[] | select(.command == $n) | .median * 1000' "$OUT/layers.json"; }
printf '%-8s %14s %14s\n' layers "new API" "mount(2)"
for n in "${COUNTS[@]}"; do
    a=$(median "new API, $n")
    b=$(median "mount(2), $n")
    printf '%-8s %11s ms %11s ms\n' "$n" "$(printf '%.3f' "${a:-0}")" "$(printf '%.3f' "${b:-0}")"
    echo "$n ${a:--} ${b:--}" >>"$OUT/layers.dat"
done

gnuplot <<EOF
set terminal png size 720,420
set output '$TOP/docs/overlay-layers.png'
set title 'overlay mount time by number of lower layers ($(uname -r))'
set xlabel 'lower layers'
set ylabel 'median of ovl mount (ms)'
set logscale x 2
set xrange [0.8:180]
set yrange [0:*]
set xtics (1, 8, 32, 128)
set key left bottom
set datafile missing '-'
set grid
plot '$OUT/layers.dat' using 1:2 with linespoints lw 2 title 'new mount API (fsconfig lowerdir+)', \
     '$OUT/layers.dat' using 1:3 with linespoints lw 2 title 'mount(2), one option string'
EOF
echo "plot: docs/overlay-layers.png; data: bench/out/layers.dat"
