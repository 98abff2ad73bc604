#!/usr/bin/env bats
# Chapter 11: one bundle, two runtimes, the kernel as referee. A bundle
# from `minictr spec` runs under minictr and under crun (and runc); what
# the kernel reports inside must be the same: which namespaces are new,
# the five capability sets, no_new_privs, the seccomp mode, the masked
# and read-only paths, the cgroup limits read back. crun 1.8 refuses a
# hybrid cgroup host, so it runs in a private mount namespace with
# /sys/fs/cgroup/unified hidden under a tmpfs (bench/bench.sh does the
# same; unmounted, crun would make directories on the tmpfs beneath it,
# which outlive the namespace, hidden from the host).

bats_require_minimum_version 1.5.0

setup() {
    load test_helper/common
    requires root
    command -v crun >/dev/null || fail "crun is missing (scripts/deps.sh test installs it)"
    command -v runc >/dev/null || fail "runc is missing (scripts/deps.sh test installs it)"
    WORK=$(mktemp -d /tmp/ctlab-diff.XXXXXX)
    CTLAB_TEMP_DIRS+=("$WORK")
    ID=ctlab-diff-$$
    mkdir "$WORK/bundle"
    cp -a "$CTLAB_ROOT/rootfs" "$WORK/bundle/rootfs"
    cp "$PROBE" "$WORK/bundle/rootfs/bin/"
}

teardown() {
    minictr --root "$WORK/minictr" delete --force "$ID-m" >/dev/null 2>&1 || true
    crun_private --root "$WORK/crun" delete --force "$ID-c" >/dev/null 2>&1 || true
    runc --root "$WORK/runc" delete --force "$ID-r" >/dev/null 2>&1 || true
    local dir
    for dir in /sys/fs/cgroup/*/ctlab-diff /sys/fs/cgroup/ctlab-diff; do
        [ ! -d "$dir" ] || find "$dir" -depth -type d -exec rmdir {} \; 2>/dev/null || true
    done
    cleanup_test
}

crun_private() {
    unshare -m --propagation private sh -c \
        'if mountpoint -q /sys/fs/cgroup/unified && [ -d /sys/fs/cgroup/memory ]; then mount -t tmpfs -o size=1m ctlab-hide /sys/fs/cgroup/unified; fi; exec crun "$@"' \
        crun "$@"
}

# What the container reports, one fact a line. HOST_NS_* are the host's
# namespace inodes, given in the environment: "new" or "host" per type.
report='
for ns in cgroup ipc mnt net pid user uts; do
    eval host=\$HOST_NS_$ns
    [ "$(stat -L -c %i /proc/self/ns/$ns)" = "$host" ] && echo "$ns host" || echo "$ns new"
done
grep -E "^(CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs|Seccomp):" /proc/self/status
for f in /proc/timer_list /proc/keys /proc/interrupts /sys/firmware; do
    [ -e $f ] && echo "$f $(cat $f 2>/dev/null | wc -c) bytes"
done
(echo 1 > /proc/sys/kernel/ns_last_pid) 2>/dev/null && echo "/proc/sys writable" || echo "/proc/sys read-only"
probe try-syscall unshare
cat /sys/fs/cgroup/pids/pids.max /sys/fs/cgroup/pids.max 2>/dev/null
cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/memory.max 2>/dev/null
true
'

# The bundle: minictr's defaults, this rootfs, the report as the process,
# limits, a cgroup mount to read them back, a cgroupsPath of ctlab's.
make_bundle() {
    local ns env='[]'
    for ns in cgroup ipc mnt net pid user uts; do
        env=$(jq -c --arg e "HOST_NS_$ns=$(stat -L -c %i /proc/self/ns/$ns)" '. + [$e]' <<<"$env")
    done
    (cd "$WORK/bundle" && minictr spec)
    jq --arg report "$report" --argjson env "$env" '
        .process.terminal = false
        | .process.args = ["/bin/sh", "-c", $report]
        | .process.env += $env
        | .linux.cgroupsPath = "/ctlab-diff/" + env.ID
        | .linux.resources.pids = {limit: 64}
        | .linux.resources.memory = {limit: 67108864}
        | .mounts += [{destination: "/sys/fs/cgroup", type: "cgroup", source: "cgroup",
                       options: ["ro", "nosuid", "nodev", "noexec"]}]
    ' "$WORK/bundle/config.json" >"$WORK/config.json"
    mv "$WORK/config.json" "$WORK/bundle/config.json"
}

@test "one bundle from minictr spec: minictr and crun give the same isolation, as the kernel reports it" {
    export ID
    make_bundle
    run -0 minictr --root "$WORK/minictr" run --bundle "$WORK/bundle" "$ID-m"
    local minictr_says=$output
    run -0 crun_private --root "$WORK/crun" run --bundle "$WORK/bundle" "$ID-c"
    local crun_says=$output
    # The report says something: every namespace but user is new, the
    # masks hold, the limits are there.
    assert_line --partial "pid new"
    assert_line --partial "user host"
    assert_line "/proc/sys read-only"
    assert_line 64
    assert_line 67108864
    assert_equal "$minictr_says" "$crun_says"
}

@test "one bundle from minictr spec: minictr and runc give the same isolation" {
    export ID
    make_bundle
    run -0 minictr --root "$WORK/minictr" run --bundle "$WORK/bundle" "$ID-m"
    local minictr_says=$output
    run -0 runc --root "$WORK/runc" run --bundle "$WORK/bundle" "$ID-r"
    assert_equal "$minictr_says" "$output"
}

@test "the comparison has teeth: a masked path left out for one runtime shows as a difference" {
    export ID
    make_bundle
    run -0 crun_private --root "$WORK/crun" run --bundle "$WORK/bundle" "$ID-c"
    local crun_says=$output
    [ -e /proc/timer_list ] || skip "this kernel has no /proc/timer_list"
    jq '.linux.maskedPaths -= ["/proc/timer_list"]' "$WORK/bundle/config.json" >"$WORK/c.json"
    mv "$WORK/c.json" "$WORK/bundle/config.json"
    run -0 minictr --root "$WORK/minictr" run --bundle "$WORK/bundle" "$ID-m"
    refute_line "/proc/timer_list 0 bytes"
    [ "$output" != "$crun_says" ]
}
