#!/usr/bin/env bash
# bench/engines.sh - the start a user sees: `podman run --rm IMAGE true`
# and `ctr run --rm IMAGE ID true` with minictr as the runtime, beside the
# same with crun and runc, in ONE hyperfine run. `sudo make bench` runs it.
#
#     sudo bench/engines.sh          # RUNS=20 by default
#
# The engines are the ones tests/12-engines.bats drives, set up the same
# way (tests/test_helper/engines.bash): state of their own in a temp dir,
# containerd started here and stopped by its pid, the busybox rootfs as
# the image, no network. Everything runs in a private mount namespace in
# which /sys/fs/cgroup/unified is hidden under a tmpfs, so that crun 1.8
# runs on a hybrid host (bench.sh says why).
# Results: a table on stdout; hyperfine's JSON in bench/out/engines.json.
set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RUNS=${RUNS:-20}
OUT=$TOP/bench/out

if [ "$(id -u)" -ne 0 ]; then
    echo "engines.sh: needs root" >&2
    exit 1
fi
for tool in hyperfine podman containerd ctr crun runc; do
    command -v "$tool" >/dev/null || {
        echo "engines.sh: $tool is missing (run: sudo scripts/deps.sh bench)" >&2
        exit 1
    }
done
[ -x "$TOP/10-mini-container/minictr" ] && [ -x "$TOP/rootfs/bin/sh" ] &&
    [ -x "$TOP/tests/probe" ] || {
    echo "engines.sh: build first (make all rootfs)" >&2
    exit 1
}
mkdir -p "$OUT"

# The rest in the private mount namespace, with the helpers of the tests.
exec unshare -m --propagation private bash -s "$TOP" "$RUNS" "$OUT" <<'INSIDE'
set -euo pipefail
TOP=$1 RUNS=$2 OUT=$3
CTLAB_ROOT=$TOP PROBE=$TOP/tests/probe
if mountpoint -q /sys/fs/cgroup/unified && [ -d /sys/fs/cgroup/memory ]; then
    mount -t tmpfs -o size=1m ctlab-hide /sys/fs/cgroup/unified
fi
# shellcheck source=../tests/test_helper/engines.bash
. "$TOP/tests/test_helper/engines.bash"
# podman gives crun and runc no --root: they keep state in /run/crun and
# /run/runc, removed after if they were not there before.
had_crun=$([ -e /run/crun ] && echo 1 || true)
had_runc=$([ -e /run/runc ] && echo 1 || true)
trap 'engines_teardown
      [ -n "$had_crun" ] || rmdir /run/crun 2>/dev/null || true
      [ -n "$had_runc" ] || rmdir /run/runc 2>/dev/null || true' EXIT
engines_setup
cat >>"$ENGINES/containers.conf" <<EOF
crun = ["$(command -v crun)"]
runc = ["$(command -v runc)"]
EOF

pm_cmd="$(pm_line) run --rm ${PM_RUN[*]}"
ctr_cmd="ctr --address $ENGINES/containerd/containerd.sock --namespace $CTR_NAMESPACE run --rm --runc-root $ENGINES/containerd/runc --fifo-dir $ENGINES/containerd/fifo"
hyperfine --warmup 3 --runs "$RUNS" --export-json "$OUT/engines.json" --style basic \
    -n 'podman --runtime minictr' "$pm_cmd $ENGINE_IMAGE true" \
    -n 'podman --runtime crun' "${pm_cmd/--runtime minictr/--runtime crun} $ENGINE_IMAGE true" \
    -n 'podman --runtime runc' "${pm_cmd/--runtime minictr/--runtime runc} $ENGINE_IMAGE true" \
    -n 'ctr --runc-binary minictr' "$ctr_cmd --runc-binary $TOP/10-mini-container/minictr $ENGINE_IMAGE ctlab-bench-m true" \
    -n 'ctr --runc-binary crun' "$ctr_cmd --runc-binary $(command -v crun) $ENGINE_IMAGE ctlab-bench-c true" \
    -n 'ctr --runc-binary runc' "$ctr_cmd --runc-binary $(command -v runc) $ENGINE_IMAGE ctlab-bench-r true" \
    >"$ENGINES/hyperfine.log"

echo "median of $RUNS runs each (bench/out/engines.json):"
jq -r '.results[] | "\(.command)\t\(.median)"' "$OUT/engines.json" |
    awk -F'\t' '{ m[NR] = $2; n[NR] = $1 }
        END { for (i = 1; i <= NR; i++) {
                  base = (i <= 3) ? m[1] : m[4]
                  printf "  %-28s %8.1f ms  %5.2fx minictr\n", n[i], m[i] * 1000, m[i] / base } }'
INSIDE
