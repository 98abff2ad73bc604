#!/usr/bin/env bats
# Chapter 05: cgroups. Limits are read back from the kernel's own files,
# found from the mount table (not from cgctl), and then triggered: the OOM
# kill happens, fork fails with EAGAIN, the CPU is throttled. The tests run
# on whichever backend this host gives each controller (v1 on a hybrid
# host, v2 on a pure v2 one); tests/06 of the VM harness runs them on v2.
# Only cgroups under a ctlab/ directory, and the ctlab-* directories a
# test makes itself or has cgctl make with --path ($TEST_CGROUPS), are
# ever touched: a ctlab-* cgroup of anyone else's stays as it is.

bats_require_minimum_version 1.5.0

setup() {
    load test_helper/common
    requires cgroup
    before_cgroups=$(host_cgroups)
    TEST_CGROUPS=()
    LOOP_DEVICES=()
}

teardown() {
    remove_ctlab_cgroups
    # The loop devices a test attached (before their files go).
    local loop
    for loop in "${LOOP_DEVICES[@]}"; do losetup -d "$loop" || true; done
    cleanup_test
    # Nobody else's cgroup was created, removed or left behind.
    assert_equal "$(host_cgroups)" "$before_cgroups"
}

# --- helpers: the kernel's files, found without cgctl ---------------------------

# The mount point of the cgroup2 filesystem, or nothing.
v2_mount() {
    awk -F' - ' '{split($1, a, " "); split($2, b, " ");
                  if (b[1] == "cgroup2") {print a[5]; exit}}' /proc/self/mountinfo
}

# The mount point of the v1 hierarchy holding controller $1, or nothing.
v1_mount() {
    awk -F' - ' -v c="$1" '{split($1, a, " "); split($2, b, " ");
                  if (b[1] == "cgroup" && ("," b[3] ",") ~ ("," c ",")) {print a[5]; exit}}' /proc/self/mountinfo
}

# 2 or 1: where controller $1 (v2 name) is usable; v2 wins, as in cgctl.
version_of() {
    local v2
    v2=$(v2_mount)
    if [ -n "$v2" ] && grep -qw "$1" "$v2/cgroup.controllers"; then
        echo 2
    else
        echo 1
    fi
}

# The kernel's file for cgroup $1: controller $2, file $3 on v2, $4 on v1.
kfile() {
    local v1name=$2
    [ "$2" = io ] && v1name=blkio
    if [ "$(version_of "$2")" = 2 ]; then
        echo "$(v2_mount)/ctlab/$1/$3"
    else
        echo "$(v1_mount "$v1name")/ctlab/$1/$4"
    fi
}

kread() {
    cat "$(kfile "$@")"
}

# kread_path PATH CONTROLLER FILE: a --path cgroup's file (one with the
# same name on v1 and v2: pids.max, cgroup.procs).
kread_path() {
    local v1name=$2
    [ "$2" = io ] && v1name=blkio
    if [ "$(version_of "$2")" = 2 ]; then
        cat "$(v2_mount)$1/$3"
    else
        cat "$(v1_mount "$v1name")$1/$3"
    fi
}

# Every cgroup directory on the host except ctlab's: before == after.
host_cgroups() {
    find /sys/fs/cgroup -mindepth 1 -maxdepth 4 -type d 2>/dev/null |
        grep -v -e '/ctlab$' -e '/ctlab/' -e '/ctlab-' | sort
}

# The cgroups a test may have made, deepest first: those below ctlab/ in
# every hierarchy, the ctlab/ parents, and the directories a test made
# itself for --parent (each added to TEST_CGROUPS before its mkdir).
test_cgroup_dirs() {
    local top
    ctlab_cgroup_dirs
    ctlab_cgroup_parents
    for top in "${TEST_CGROUPS[@]}"; do
        [ ! -d "$top" ] || find "$top" -depth -type d 2>/dev/null
    done
}

# Thaw what a test froze (a frozen task dies only once thawed), kill
# what is in them and remove them, deepest first.
remove_ctlab_cgroups() {
    local dir pid
    for dir in $(test_cgroup_dirs); do
        if [ -f "$dir/freezer.state" ]; then echo THAWED >"$dir/freezer.state" || true; fi
        if [ -f "$dir/cgroup.freeze" ]; then echo 0 >"$dir/cgroup.freeze" || true; fi
        for pid in $(cat "$dir/cgroup.procs" 2>/dev/null); do
            kill -KILL "$pid" 2>/dev/null || true
        done
    done
    for dir in $(test_cgroup_dirs); do
        wait_until 5 rmdir_done "$dir" || true
    done
}

rmdir_done() {
    rmdir "$1" 2>/dev/null || [ ! -d "$1" ]
}

# Nothing below ctlab/, and no ctlab/ parent, in any hierarchy.
no_ctlab_cgroups() {
    [ -z "$(ctlab_cgroup_dirs)$(ctlab_cgroup_parents)" ]
}

# The value of a stat line of `cgctl stat NAME [--parent P]`.
stat_of() {
    cgctl stat "$1" ${3:+--parent "$3"} | awk -v k="$2" '$1 == k {print $2}'
}

# Every cgroup hierarchy's root (each v1 hierarchy, the cgroup2 mount).
hierarchy_roots() {
    awk -F' - ' '{split($1, a, " "); split($2, b, " ");
                  if (b[1] == "cgroup" || b[1] == "cgroup2") print a[5]}' /proc/self/mountinfo
}

# A test about to have cgctl make --path /$1/...: teardown removes $1
# from every hierarchy, whatever cgctl did.
track_path_top() {
    local root
    for root in $(hierarchy_roots); do TEST_CGROUPS+=("$root/$1"); done
}

# Where a --path $1 cgroup should be: the root of each hierarchy cgctl
# uses, then $1 (v2 wins where it has the controller, as in cgctl).
expected_path_dirs() {
    local c v1name mnt
    for c in memory cpu pids io cpuset devices cpuacct freezer; do
        v1name=$c
        [ "$c" = io ] && v1name=blkio
        if [ "$(version_of "$c")" = 2 ]; then
            echo "$(v2_mount)$1"
        else
            mnt=$(v1_mount "$v1name")
            [ -z "$mnt" ] || echo "$mnt$1"
        fi
    done | sort -u
}

# Where the kernel has the directory $1 (a path below the roots): each
# hierarchy's root + $1 that exists.
existing_path_dirs() {
    local root
    for root in $(hierarchy_roots); do
        [ ! -d "$root$1" ] || echo "$root$1"
    done | sort -u
}

# The freezer's own word on cgroup ctlab/$1: "FROZEN" or "THAWED" from
# v1 freezer.state, "frozen 1" or "frozen 0" from v2 cgroup.events,
# whichever cgctl froze it through (v2 where it has a directory there).
freezer_says() {
    if [ -n "$(v2_mount)" ] && [ -d "$(v2_mount)/ctlab/$1" ]; then
        grep '^frozen ' "$(v2_mount)/ctlab/$1/cgroup.events"
    else
        cat "$(v1_mount freezer)/ctlab/$1/freezer.state"
    fi
}

size_of() {
    stat -c %s "$1"
}

# start_appender FILE: a shell appending to FILE without end: its PID
# in $BG_PID. The file's size is its progress.
start_appender() {
    : >"$1"
    start_background "$BATS_TEST_TMPDIR/appender.out" sh -c 'while :; do echo x >>"$1"; done' sh "$1"
}

# Has the file $1 grown past $2 bytes?
grown_past() {
    [ "$(size_of "$1")" -gt "$2" ]
}

# A scratch directory for device nodes, /tmp/ctlab-dev.*, in $NODES: on
# the root filesystem or a tmpfs, neither mounted nodev, so opening a
# node there is up to the device controller. cleanup_test removes it.
make_node_dir() {
    NODES=$(mktemp -d /tmp/ctlab-dev.XXXXXX)
    CTLAB_TEMP_DIRS+=("$NODES")
}

# attach_loop_device FILE: a loop device over FILE (made 1 MiB long) in
# $LOOP_DEVICE, its numbers in $LOOP_MAJMIN ("7:0"); teardown detaches
# it. Skips the test where no loop device can be attached.
attach_loop_device() {
    truncate -s 1M "$1"
    LOOP_DEVICE=$(losetup -f --show "$1" 2>/dev/null) ||
        skip "losetup cannot attach a loop device here"
    LOOP_DEVICES+=("$LOOP_DEVICE")
    LOOP_MAJMIN="$((16#$(stat -c %t "$LOOP_DEVICE"))):$((16#$(stat -c %T "$LOOP_DEVICE")))"
}

# The I/O weight file cgctl writes for cgroup $1, or nothing: v2
# io.bfq.weight or io.weight (iocost); v1 blkio.weight (CFQ) or
# blkio.bfq.weight.
io_weight_file() {
    local dir file files
    if [ "$(version_of io)" = 2 ]; then
        dir="$(v2_mount)/ctlab/$1" files="io.bfq.weight io.weight"
    else
        dir="$(v1_mount blkio)/ctlab/$1" files="blkio.weight blkio.bfq.weight"
    fi
    for file in $files; do
        if [ -f "$dir/$file" ]; then
            echo "$dir/$file"
            return
        fi
    done
}

# docker's default device rules, as v1's devices.list shows them.
DOCKER_DEVICES_LIST='c *:* m
b *:* m
c 1:3 rwm
c 1:5 rwm
c 1:7 rwm
c 1:8 rwm
c 1:9 rwm
c 5:0 rwm
c 136:* rwm
c 5:2 rwm'

# --- info ---------------------------------------------------------------------

@test "info reports the cgroup mode the mount table shows" {
    local v1 v2 mode
    v1=$(awk -F' - ' '$2 ~ /^cgroup / && $2 ~ /(memory|cpu|pids)/' /proc/self/mountinfo | wc -l)
    v2=$(v2_mount)
    if [ -n "$v2" ] && [ "$v1" -gt 0 ]; then mode=hybrid
    elif [ -n "$v2" ]; then mode=v2
    else mode=v1; fi
    run -0 cgctl info
    assert_line "mode: $mode"
    assert_line --regexp "^  memory +v$(version_of memory) "
    assert_line --regexp "^  pids +v$(version_of pids) "
    # The caller's own cgroup, as the kernel reports it.
    assert_line "  $(head -1 /proc/self/cgroup)"
}

# --- limits read back -----------------------------------------------------------

@test "limits read back from the kernel's files match the request, whatever the spelling" {
    run -0 cgctl create ctlab-a --memory 64m --cpus 0.5 --pids 20 --cpu-weight 100
    assert_output ""
    assert_equal "$(kread ctlab-a memory memory.max memory.limit_in_bytes)" 67108864
    assert_equal "$(kread ctlab-a pids pids.max pids.max)" 20
    if [ "$(version_of cpu)" = 2 ]; then
        assert_equal "$(kread ctlab-a cpu cpu.max x)" "50000 100000"
        assert_equal "$(kread ctlab-a cpu cpu.weight x)" 100
    else
        assert_equal "$(kread ctlab-a cpu x cpu.cfs_quota_us)" 50000
        assert_equal "$(kread ctlab-a cpu x cpu.cfs_period_us)" 100000
        # weight 1..10000 -> shares 2..262144, as runc converts it
        assert_equal "$(kread ctlab-a cpu x cpu.shares)" $((2 + (99 * 262142) / 9999))
    fi
    # Swap off: v2 swap.max 0; v1 memory+swap = memory.
    swapfile=$(kfile ctlab-a memory memory.swap.max memory.memsw.limit_in_bytes)
    if [ -f "$swapfile" ]; then
        if [ "$(version_of memory)" = 2 ]; then expected=0; else expected=67108864; fi
        assert_equal "$(cat "$swapfile")" "$expected"
    fi
    # The same limits in other spellings.
    run -0 cgctl set ctlab-a --memory 67108864 --cpu-max "25000 50000" --pids 7
    assert_equal "$(kread ctlab-a memory memory.max memory.limit_in_bytes)" 67108864
    assert_equal "$(kread ctlab-a pids pids.max pids.max)" 7
    if [ "$(version_of cpu)" = 2 ]; then
        assert_equal "$(kread ctlab-a cpu cpu.max x)" "25000 50000"
    else
        assert_equal "$(kread ctlab-a cpu x cpu.cfs_quota_us)/$(kread ctlab-a cpu x cpu.cfs_period_us)" 25000/50000
    fi
    run -0 cgctl set ctlab-a --memory 64MiB
    assert_equal "$(kread ctlab-a memory memory.max memory.limit_in_bytes)" 67108864
}

@test "set raises memory above the old memory+swap limit (v1 wants memsw first)" {
    cgctl create ctlab-a --memory 32m
    run -0 cgctl set ctlab-a --memory 128m
    assert_equal "$(kread ctlab-a memory memory.max memory.limit_in_bytes)" 134217728
    run -0 cgctl set ctlab-a --memory 96m --memory-swap 160m
    assert_equal "$(kread ctlab-a memory memory.max memory.limit_in_bytes)" 100663296
    swapfile=$(kfile ctlab-a memory memory.swap.max memory.memsw.limit_in_bytes)
    if [ -f "$swapfile" ]; then
        if [ "$(version_of memory)" = 2 ]; then expected=67108864; else expected=167772160; fi
        assert_equal "$(cat "$swapfile")" "$expected"
    fi
}

@test "io-max: bytes and operations per second on a block device, by path or MAJ:MIN" {
    disk=$(lsblk -dno NAME,MAJ:MIN,TYPE | awk '$3 == "disk" {print $1, $2; exit}')
    [ -n "$disk" ] || skip "no block device here"
    read -r name majmin <<<"$disk"
    run -0 cgctl create ctlab-a --io-max "/dev/$name rbps=1048576 wiops=100"
    if [ "$(version_of io)" = 2 ]; then
        run -0 cat "$(kfile ctlab-a io io.max x)"
        assert_output --regexp "^$majmin rbps=1048576 wbps=max riops=max wiops=100$"
    else
        assert_equal "$(kread ctlab-a io x blkio.throttle.read_bps_device)" "$majmin 1048576"
        assert_equal "$(kread ctlab-a io x blkio.throttle.write_iops_device)" "$majmin 100"
    fi
    run -0 cgctl set ctlab-a --io-max "$majmin wbps=2097152"
}

@test "io-max: two devices (loop devices), each with its own line in the same file" {
    make_node_dir
    attach_loop_device "$NODES/a.img"
    a=$LOOP_MAJMIN
    attach_loop_device "$NODES/b.img"
    b=$LOOP_MAJMIN b_path=$LOOP_DEVICE
    run -0 --separate-stderr cgctl -v create ctlab-a --io-max "$a rbps=1048576" --io-max "$b_path rbps=2097152 wiops=50"
    lines=("${stderr_lines[@]}")
    if [ "$(version_of io)" = 2 ]; then
        assert_line "[cgctl] write $(kfile ctlab-a io io.max x) \"$a rbps=1048576\""
        assert_line "[cgctl] write $(kfile ctlab-a io io.max x) \"$b rbps=2097152 wiops=50\""
        run -0 cat "$(kfile ctlab-a io io.max x)"
        assert_equal "${#lines[@]}" 2
        assert_line "$a rbps=1048576 wbps=max riops=max wiops=max"
        assert_line "$b rbps=2097152 wbps=max riops=max wiops=50"
    else
        assert_line "[cgctl] write $(kfile ctlab-a io x blkio.throttle.read_bps_device) \"$a 1048576\""
        assert_line "[cgctl] write $(kfile ctlab-a io x blkio.throttle.read_bps_device) \"$b 2097152\""
        run -0 sort "$(kfile ctlab-a io x blkio.throttle.read_bps_device)"
        assert_output "$(printf '%s 1048576\n%s 2097152\n' "$a" "$b" | sort)"
        assert_equal "$(kread ctlab-a io x blkio.throttle.write_iops_device)" "$b 50"
        assert_equal "$(kread ctlab-a io x blkio.throttle.write_bps_device)" ""
    fi
}

@test "cpu-shares: v1 cpu.shares as given; v2 cpu.weight by crun's formula, 2..262144 onto 1..10000" {
    run -0 --separate-stderr cgctl -v create ctlab-a --cpu-shares 512
    lines=("${stderr_lines[@]}")
    if [ "$(version_of cpu)" = 2 ]; then
        assert_line "[cgctl] write $(kfile ctlab-a cpu cpu.weight x) \"20\""
    else
        assert_line "[cgctl] write $(kfile ctlab-a cpu x cpu.shares) \"512\""
    fi
    # 1 + ((shares - 2) * 9999) / 262142: docker's default 1024 is 39.
    while read -r shares weight; do
        run -0 cgctl set ctlab-a --cpu-shares "$shares"
        if [ "$(version_of cpu)" = 2 ]; then
            assert_equal "$(kread ctlab-a cpu cpu.weight x)" "$weight"
            assert_equal "$(stat_of ctlab-a cpu.weight)" "$weight"
        else
            assert_equal "$(kread ctlab-a cpu x cpu.shares)" "$shares"
            assert_equal "$(stat_of ctlab-a cpu.shares)" "$shares"
        fi
    done <<'EOF'
2 1
512 20
1024 39
262144 10000
EOF
}

@test "memory-reservation: read back as v2 memory.low or v1 memory.soft_limit_in_bytes" {
    run -0 --separate-stderr cgctl -v create ctlab-a --memory 64m --memory-reservation 32m
    lines=("${stderr_lines[@]}")
    assert_line "[cgctl] write $(kfile ctlab-a memory memory.low memory.soft_limit_in_bytes) \"33554432\""
    assert_equal "$(kread ctlab-a memory memory.low memory.soft_limit_in_bytes)" 33554432
    assert_equal "$(stat_of ctlab-a memory.low)" 33554432
    run -0 cgctl set ctlab-a --memory-reservation 16MiB
    assert_equal "$(kread ctlab-a memory memory.low memory.soft_limit_in_bytes)" 16777216
}

@test "io-weight: read back from io.weight or blkio.weight, or BFQ's file where that is missing" {
    run -0 cgctl create ctlab-a
    file=$(io_weight_file ctlab-a)
    [ -n "$file" ] || skip "no I/O weight file in this kernel (the next test checks the error)"
    run -0 --separate-stderr cgctl -v set ctlab-a --io-weight 300
    lines=("${stderr_lines[@]}")
    # v2's io.weight counts 1..10000: 300 on blkio's 10..1000 is runc's
    # 1 + (300 - 10) * 9999 / 990. BFQ's files count as blkio does.
    weight=300
    [ "$(basename "$file")" = io.weight ] && weight=$((1 + (300 - 10) * 9999 / 990))
    if [ "$(version_of io)" = 2 ]; then
        assert_line "[cgctl] write $file \"default $weight\""
        assert_equal "$(head -1 "$file")" "default $weight"
    else
        assert_line "[cgctl] write $file \"300\""
        assert_equal "$(cat "$file")" 300
    fi
    assert_equal "$(stat_of ctlab-a io.weight)" "$weight"
}

@test "io-weight where the kernel has no weight file: one clear line naming the file, nothing left" {
    run -0 cgctl create ctlab-a
    file=$(io_weight_file ctlab-a)
    [ -z "$file" ] || skip "this kernel has $(basename "$file"): the weight is set, not refused"
    run -1 cgctl create ctlab-w --io-weight 300
    assert_equal "${#lines[@]}" 1
    assert_output --regexp "^cgctl: cannot set (io|blkio)\.weight on ctlab-w: /.*/ctlab/ctlab-w/(io|blkio)\.weight does not exist, nor (io|blkio)\.bfq\.weight \(the weight belongs to .* or the BFQ I/O scheduler, and neither is in this kernel; try: modprobe bfq\)$"
    run -0 cgctl delete ctlab-a
    no_ctlab_cgroups
}

@test "cpuset: cpus and mems read back; on v1 ctlab/ and the new directory got their parent's lists first" {
    requires cpuset
    run -0 --separate-stderr cgctl -v create ctlab-a --cpuset-cpus 0 --cpuset-mems 0
    lines=("${stderr_lines[@]}")
    assert_line "[cgctl] write $(kfile ctlab-a cpuset cpuset.cpus cpuset.cpus) \"0\""
    assert_line "[cgctl] write $(kfile ctlab-a cpuset cpuset.mems cpuset.mems) \"0\""
    assert_equal "$(kread ctlab-a cpuset cpuset.cpus cpuset.cpus)" 0
    assert_equal "$(kread ctlab-a cpuset cpuset.mems cpuset.mems)" 0
    assert_equal "$(stat_of ctlab-a cpuset.cpus)" 0
    assert_equal "$(stat_of ctlab-a cpuset.mems)" 0
    if [ "$(version_of cpuset)" = 1 ]; then
        # A new v1 cpuset has no CPUs and no nodes: each directory made
        # was given its parent's, the host's root's for ctlab/.
        root=$(v1_mount cpuset)
        for file in cpuset.cpus cpuset.mems; do
            assert_line "[cgctl] write $root/ctlab/$file \"$(cat "$root/$file")\""
            assert_line "[cgctl] write $root/ctlab/ctlab-a/$file \"$(cat "$root/$file")\""
            assert_equal "$(cat "$root/ctlab/$file")" "$(cat "$root/$file")"
        done
    fi
    # A cgroup without a cpuset limit can be joined all the same.
    run -0 cgctl run --name ctlab-b -- true
}

@test "cpuset: a process run under --cpuset-cpus 0 may run on CPU 0 only" {
    requires cpuset
    host=$(grep Cpus_allowed_list /proc/self/status)
    [ "$host" != "$(printf 'Cpus_allowed_list:\t0')" ] ||
        skip "this process may use CPU 0 only: --cpuset-cpus 0 would change nothing"
    run -0 cgctl run --cpuset-cpus 0 -- grep Cpus_allowed_list /proc/self/status
    assert_output "$(printf 'Cpus_allowed_list:\t0')"
    # The control: without it, the CPUs this process has.
    run -0 cgctl run -- grep Cpus_allowed_list /proc/self/status
    assert_output "$host"
    no_ctlab_cgroups
}

# --- the limits, triggered --------------------------------------------------------

@test "memory: 256 MiB under --memory 32m is OOM-killed (137), and stat counts the kill" {
    cgctl create ctlab-m --memory 32m
    run -137 cgctl run --name ctlab-m -- "$PROBE" memhog 256
    refute_output --partial touched
    [ "$(stat_of ctlab-m memory.oom_kill)" -ge 1 ]
    [ "$(stat_of ctlab-m memory.peak)" -le $((32 << 20)) ]
}

@test "memory: the same 256 MiB under --memory 512m completes" {
    run -0 cgctl run --memory 512m -- "$PROBE" memhog 256
    assert_output "touched 256 MiB"
}

@test "pids: a fork loop under --pids 10 never has more than 10 tasks and sees EAGAIN" {
    cgctl create ctlab-p --pids 10
    run -0 cgctl run --name ctlab-p -- "$PROBE" forkbomb 100
    # The probe itself is one task: 9 children make 10.
    assert_output "forked 9, then EAGAIN"
    [ "$(stat_of ctlab-p pids.denied)" -ge 1 ]
    # Without the limit, the same loop makes all 100.
    run -0 cgctl run -- "$PROBE" forkbomb 100
    assert_output "forked 100"
}

@test "cpu: 2 s of spinning under --cpus 0.2 gets 0.4 CPU-seconds (±30%), and is throttled" {
    cgctl create ctlab-c --cpus 0.2
    run -0 cgctl run --name ctlab-c -- "$PROBE" cpuburn 2
    cpu=$(awk '{print $2}' <<<"$output")
    awk -v c="$cpu" 'BEGIN {exit !(c >= 0.28 && c <= 0.52)}' || fail "used $cpu CPU-seconds"
    [ "$(stat_of ctlab-c cpu.nr_throttled)" -gt 0 ]
    [ "$(stat_of ctlab-c cpu.throttled_usec)" -gt 0 ]
    # Without the limit the same loop gets far more.
    run -0 cgctl run -- "$PROBE" cpuburn 1
    cpu=$(awk '{print $2}' <<<"$output")
    awk -v c="$cpu" 'BEGIN {exit !(c >= 0.7)}' || fail "unlimited: only $cpu CPU-seconds"
}

# --- where the process is -----------------------------------------------------------

@test "the child is in the cgroup before its first instruction" {
    run -0 cgctl run --name ctlab-r --memory 64m -- "$PROBE" cgroup
    if [ "$(version_of memory)" = 2 ]; then
        assert_line "0::/ctlab/ctlab-r"
    else
        assert_line --regexp "^[0-9]+:memory:/ctlab/ctlab-r$"
        assert_line --regexp "^[0-9]+:pids:/ctlab/ctlab-r$"
    fi
    # ... and the cgroup it made is gone after.
    no_ctlab_cgroups
}

@test "attach moves a running process; stat counts it" {
    cgctl create ctlab-a
    start_background "$BATS_TEST_TMPDIR/out" "$PROBE" sleep 30
    run -0 cgctl attach ctlab-a "$BG_PID"
    if [ "$(version_of pids)" = 2 ]; then
        grep -qx "0::/ctlab/ctlab-a" "/proc/$BG_PID/cgroup"
    else
        grep -qE "^[0-9]+:pids:/ctlab/ctlab-a$" "/proc/$BG_PID/cgroup"
    fi
    assert_equal "$(stat_of ctlab-a pids.current)" 1
    grep -qx "$BG_PID" "$(kfile ctlab-a pids cgroup.procs cgroup.procs)"
}

@test "delete with live processes kills them and removes every directory" {
    cgctl create ctlab-d --pids 50
    start_background "$BATS_TEST_TMPDIR/out" cgctl run --name ctlab-d -- "$PROBE" spawn 5 60
    wait_until 5 test -s "$BATS_TEST_TMPDIR/out"
    wait_until 5 test "$(stat_of ctlab-d pids.current)" = 6
    pids=$(cat "$(kfile ctlab-d pids cgroup.procs cgroup.procs)")
    run -0 cgctl delete ctlab-d
    for pid in $pids; do
        wait_until 5 process_gone "$pid"
    done
    no_ctlab_cgroups
    wait_exit 5 "$BG_PID"
    assert_equal "$STATUS" 137 # the command cgctl run waited for was killed
}

@test "cgroupns: /proc/self/cgroup inside shows the root; the host sees the full path" {
    run -0 cgctl run --name ctlab-n --cgroupns -- "$PROBE" cgroup
    if [ "$(version_of memory)" = 2 ]; then
        assert_line "0::/"
    else
        assert_line --regexp "^[0-9]+:memory:/$"
    fi
    refute_output --partial ctlab-n
    # Without --cgroupns the same command sees where it really is.
    run -0 cgctl run --name ctlab-n -- "$PROBE" cgroup
    assert_output --partial /ctlab/ctlab-n
    # And the cgroup namespace itself is a new one.
    inside=$(cgctl run --cgroupns -- "$PROBE" ns cgroup)
    refute [ "$inside" = "$("$PROBE" ns cgroup)" ]
}

@test "run passes the exit status through; SIGTERM reaches the command and the cgroup goes" {
    run -3 cgctl run -- sh -c 'exit 3'
    run -127 cgctl run -- ctlab-no-such-command
    start_background "$BATS_TEST_TMPDIR/out" cgctl run --name ctlab-t -- "$PROBE" trap 42
    wait_until 5 grep -q ready "$BATS_TEST_TMPDIR/out"
    kill -TERM "$BG_PID"
    wait_exit 5 "$BG_PID"
    assert_equal "$STATUS" 42
    no_ctlab_cgroups
}

@test "-v tells the story: every directory made and file written" {
    run -0 --separate-stderr cgctl -v create ctlab-v --memory 64m --pids 5
    lines=("${stderr_lines[@]}")
    assert_line "[cgctl] mkdir $(dirname "$(kfile ctlab-v memory memory.max memory.limit_in_bytes)")"
    assert_line "[cgctl] write $(kfile ctlab-v memory memory.max memory.limit_in_bytes) \"67108864\""
    assert_line "[cgctl] write $(kfile ctlab-v pids pids.max pids.max) \"5\""
    run -0 cgctl ls
    assert_output ctlab-v
    # How the child gets in, and how the rest gets killed, per version.
    # The command leaves a process behind, for the end to kill (its
    # output elsewhere: run must not wait for it to close the pipes).
    run -0 --separate-stderr cgctl -v run --name ctlab-w --pids 5 -- /bin/sh -c "\"$PROBE\" sleep 30 >/dev/null 2>&1 & exit 0"
    lines=("${stderr_lines[@]}")
    if [ "$(version_of pids)" = 2 ]; then
        assert_line --regexp '^\[cgctl\] clone3\(CLONE_INTO_CGROUP, cgroup=/.*/ctlab/ctlab-w\) = [0-9]+$'
        assert_line --regexp '^\[cgctl\] write /.*/ctlab/ctlab-w/cgroup.kill "1"$'
    else
        assert_line --regexp '^\[cgctl\] clone3\(0\) = [0-9]+  \(it joins its cgroups before exec\)$'
        assert_line --regexp '^\[cgctl\] write /.*/pids/ctlab/ctlab-w/tasks "0"$'
    fi
}

@test "v2: the no-internal-process rule is named when a --parent holds processes" {
    requires cgroup2
    v2=$(v2_mount)
    TEST_CGROUPS+=("$v2/ctlab-busy")
    mkdir "$v2/ctlab-busy"
    start_background "$BATS_TEST_TMPDIR/out" "$PROBE" sleep 30
    echo "$BG_PID" >"$v2/ctlab-busy/cgroup.procs"
    run -1 cgctl create ctlab-x --parent "$v2/ctlab-busy" --memory 64m
    assert_output --regexp "^cgctl: enable \+memory.* in $v2/ctlab-busy/cgroup.subtree_control \(the no-internal-process rule: a cgroup with processes of its own cannot hand controllers to children\): Device or resource busy$"
    assert_file_not_exists "$v2/ctlab-busy/ctlab-x"
}

# --- freezing ----------------------------------------------------------------------
# A frozen process gets no CPU at all until thawed: not stopped by a
# signal (its state is not T), just never scheduled. The proof is a
# counter that does not move: a shell appending to a file.

@test "freeze: a frozen process makes no progress and the kernel says frozen; thaw lets it go on" {
    run -0 cgctl create ctlab-f
    counter="$BATS_TEST_TMPDIR/counter"
    start_appender "$counter"
    run -0 cgctl attach ctlab-f "$BG_PID"
    wait_until 5 grown_past "$counter" 0
    run -0 --separate-stderr cgctl -v freeze ctlab-f
    lines=("${stderr_lines[@]}")
    # The trace: the write, then the wait for the kernel's word.
    assert_line --regexp '^\[cgctl\] write /.*/ctlab/ctlab-f/(freezer\.state "FROZEN"|cgroup\.freeze "1")$'
    assert_line --regexp '^\[cgctl\] /.*/ctlab/ctlab-f/(freezer\.state says "FROZEN"|cgroup\.events says "frozen 1") \(after [0-9]+ ms\)$'
    run -0 freezer_says ctlab-f
    assert_output --regexp '^(FROZEN|frozen 1)$'
    # Frozen, not stopped (T): D on v1 (in the refrigerator), S on v2.
    run -0 grep '^State:' "/proc/$BG_PID/status"
    assert_output --regexp $'^State:\t[DS] '
    # No progress while frozen ...
    before=$(size_of "$counter")
    sleep 0.5
    assert_equal "$(size_of "$counter")" "$before"
    # ... and progress again once thawed.
    run -0 cgctl thaw ctlab-f
    run -0 freezer_says ctlab-f
    assert_output --regexp '^(THAWED|frozen 0)$'
    wait_until 5 grown_past "$counter" "$before"
}

@test "freeze on cgroup2: cgroup.freeze written, cgroup.events says frozen 1 (a --parent: even on a hybrid host)" {
    requires cgroup2fs
    parent="$(v2_mount)/ctlab-fz"
    TEST_CGROUPS+=("$parent")
    mkdir "$parent"
    run -0 cgctl create ctlab-f2 --parent "$parent"
    counter="$BATS_TEST_TMPDIR/counter"
    start_appender "$counter"
    run -0 cgctl attach ctlab-f2 --parent "$parent" "$BG_PID"
    wait_until 5 grown_past "$counter" 0
    run -0 --separate-stderr cgctl -v freeze ctlab-f2 --parent "$parent"
    lines=("${stderr_lines[@]}")
    assert_line "[cgctl] write $parent/ctlab-f2/cgroup.freeze \"1\""
    assert_line --regexp "^\[cgctl\] $parent/ctlab-f2/cgroup.events says \"frozen 1\" \(after [0-9]+ ms\)$"
    run -0 grep -x 'frozen 1' "$parent/ctlab-f2/cgroup.events"
    before=$(size_of "$counter")
    sleep 0.5
    assert_equal "$(size_of "$counter")" "$before"
    run -0 cgctl thaw ctlab-f2 --parent "$parent"
    run -0 grep -x 'frozen 0' "$parent/ctlab-f2/cgroup.events"
    wait_until 5 grown_past "$counter" "$before"
    run -0 cgctl delete ctlab-f2 --parent "$parent"
    rmdir "$parent"
}

@test "delete kills a frozen cgroup's processes and removes it" {
    cgctl create ctlab-f
    start_background "$BATS_TEST_TMPDIR/out" "$PROBE" sleep 60
    cgctl attach ctlab-f "$BG_PID"
    run -0 cgctl freeze ctlab-f
    run -0 cgctl delete ctlab-f
    wait_until 5 process_gone "$BG_PID"
    no_ctlab_cgroups
}

# --- listing the processes ------------------------------------------------------------

@test "procs lists the PIDs cgroup.procs lists, a child cgroup's too" {
    cgctl create ctlab-l --pids 50
    start_background "$BATS_TEST_TMPDIR/out" cgctl run --name ctlab-l -- "$PROBE" spawn 5 60
    wait_until 5 grep -q ready "$BATS_TEST_TMPDIR/out"
    assert_equal "$(stat_of ctlab-l pids.current)" 6
    # The first hierarchy, where cgctl reads: v2's directory, or v1 memory.
    procs=$(kfile ctlab-l memory cgroup.procs cgroup.procs)
    run -0 cgctl procs ctlab-l
    assert_equal "${#lines[@]}" 6
    assert_equal "$(printf '%s\n' "${lines[@]}" | sort -n)" "$(sort -n "$procs")"
    # One of them moved into a child cgroup (as a process inside may
    # do) is listed still: the list is of the whole subtree.
    child="$(dirname "$procs")/sub"
    mkdir "$child"
    moved=$(head -1 "$procs")
    echo "$moved" >"$child/cgroup.procs"
    run -1 grep -qx "$moved" "$procs"
    run -0 cgctl procs ctlab-l
    assert_equal "${#lines[@]}" 6
    assert_line "$moved"
    # An empty cgroup lists nothing; a missing one is an error.
    run -0 cgctl create ctlab-e
    run -0 cgctl procs ctlab-e
    assert_output ""
    run -1 cgctl procs ctlab-missing
    assert_output "cgctl: no cgroup 'ctlab-missing' (create it with: cgctl create ctlab-missing)"
}

# --- cgroup paths, as engines name them -----------------------------------------------
# podman names a container's cgroup /libpod_parent/libpod-ID, containerd
# /default/ID: a path below each hierarchy's root, parents made as needed.

@test "--path: the cgroup is PATH below every hierarchy's root; delete removes it and the parents it made, not one that was there" {
    track_path_top ctlab-pre
    track_path_top ctlab-new
    # A parent that was there before, in every hierarchy cgctl will use.
    for dir in $(expected_path_dirs /ctlab-pre); do mkdir "$dir"; done
    run -0 cgctl create --path /ctlab-pre/made/c1 --pids 20
    assert_output ""
    assert_equal "$(existing_path_dirs /ctlab-pre/made/c1)" "$(expected_path_dirs /ctlab-pre/made/c1)"
    assert_equal "$(kread_path /ctlab-pre/made/c1 pids pids.max)" 20
    # Nothing under ctlab/.
    no_ctlab_cgroups
    # Another, whose every parent is new, with a process in it.
    run -0 cgctl create --path /ctlab-new/a/c2
    assert_equal "$(existing_path_dirs /ctlab-new/a/c2)" "$(expected_path_dirs /ctlab-new/a/c2)"
    start_background "$BATS_TEST_TMPDIR/out" "$PROBE" sleep 60
    run -0 cgctl attach --path /ctlab-new/a/c2 "$BG_PID"
    run -0 cgctl procs --path /ctlab-new/a/c2
    assert_output "$BG_PID"
    run -0 --separate-stderr cgctl -v delete --path /ctlab-new/a/c2
    lines=("${stderr_lines[@]}")
    assert_line --regexp '^\[cgctl\] rmdir /.*/ctlab-new  \(made by ctlab, empty now\)$'
    wait_until 5 process_gone "$BG_PID"
    assert_equal "$(existing_path_dirs /ctlab-new)" ""
    # The first: its leaf and the parent made for it go; the one that
    # was there stays, in every hierarchy.
    run -0 --separate-stderr cgctl -v delete --path /ctlab-pre/made/c1
    lines=("${stderr_lines[@]}")
    assert_line --regexp '^\[cgctl\] /.*/ctlab-pre: not made by ctlab \(no trusted.ctlab.made\), stays$'
    assert_equal "$(existing_path_dirs /ctlab-pre/made)" ""
    assert_equal "$(existing_path_dirs /ctlab-pre)" "$(expected_path_dirs /ctlab-pre)"
}

@test "--path: a parent made for two cgroups goes with the last of them" {
    track_path_top ctlab-two
    run -0 cgctl create --path /ctlab-two/c1
    run -0 cgctl create --path /ctlab-two/c2
    run -0 cgctl delete --path /ctlab-two/c1
    assert_equal "$(existing_path_dirs /ctlab-two)" "$(expected_path_dirs /ctlab-two)"
    run -0 cgctl delete --path /ctlab-two/c2
    assert_equal "$(existing_path_dirs /ctlab-two)" ""
}

@test "--path with run: the child is in PATH from its first instruction, and all of it goes after" {
    track_path_top ctlab-run
    run -0 cgctl run --path /ctlab-run/c1 --memory 64m -- "$PROBE" cgroup
    if [ "$(version_of memory)" = 2 ]; then
        assert_line "0::/ctlab-run/c1"
    else
        assert_line --regexp "^[0-9]+:memory:/ctlab-run/c1$"
        assert_line --regexp "^[0-9]+:pids:/ctlab-run/c1$"
    fi
    assert_equal "$(existing_path_dirs /ctlab-run)" ""
}

@test "--path: a create that fails half way leaves nothing of its own, and what was there stays" {
    track_path_top ctlab-half
    # The leaf is there already in one hierarchy, the one cgctl makes
    # last (v1 cpuset, where mounted): the others are made, then undone.
    if [ "$(version_of cpuset)" = 1 ] && [ -n "$(v1_mount cpuset)" ]; then
        there="$(v1_mount cpuset)/ctlab-half/a/c1"
    else
        there=$(expected_path_dirs /ctlab-half/a/c1 | tail -1)
    fi
    mkdir -p "$there"
    run -1 cgctl create --path /ctlab-half/a/c1
    assert_output "cgctl: cgroup '/ctlab-half/a/c1' already exists ($there)"
    assert_equal "$(existing_path_dirs /ctlab-half/a/c1)" "$there"
    assert_equal "$(existing_path_dirs /ctlab-half)" "$(dirname "$(dirname "$there")")"
}

@test "names up to 255 bytes: a 64-character one (podman's id length) works; 256 is refused" {
    name64=ctlab-$(printf '%058d' 0)
    run -0 cgctl create "$name64" --pids 9
    assert_equal "$(kread "$name64" pids pids.max pids.max)" 9
    run -0 cgctl ls
    assert_output "$name64"
    run -0 cgctl delete "$name64"
    run -0 cgctl run --name "ctlab-$(printf '%0249d' 0)" -- true
    run -1 cgctl create "ctlab-$(printf '%0250d' 0)"
    assert_output "cgctl: cgroup name 'ctlab-00000000000000...' is too long (at most 255 bytes)"
    # A path's components too: podman's libpod-<64 hex digits>.
    track_path_top ctlab-libpod
    run -0 cgctl create --path "/ctlab-libpod/libpod-$(printf '%064x' 255)"
    assert_equal "$(existing_path_dirs "/ctlab-libpod/libpod-$(printf '%064x' 255)")" \
        "$(expected_path_dirs "/ctlab-libpod/libpod-$(printf '%064x' 255)")"
    run -0 cgctl delete --path "/ctlab-libpod/libpod-$(printf '%064x' 255)"
    assert_equal "$(existing_path_dirs /ctlab-libpod)" ""
    no_ctlab_cgroups
}

@test "bad paths: one clear line each, nothing made" {
    track_path_top ctlab-bad
    long=$(printf 'a%.0s' $(seq 256))
    while IFS='|' read -r path message; do
        run -1 cgctl create --path "$path"
        assert_equal "${#lines[@]}" 1
        assert_output "cgctl: $message"
    done <<EOF
ctlab-bad/c1|cgroup path 'ctlab-bad/c1' is not absolute (it starts with '/', each hierarchy's root: /ctlab-oci/NAME)
/ctlab-bad/../c1|cgroup path '/ctlab-bad/../c1': '..' is not allowed
/ctlab-bad/./c1|cgroup path '/ctlab-bad/./c1': '.' is not allowed
/..|cgroup path '/..': '..' is not allowed
/ctlab-bad//c1|cgroup path '/ctlab-bad//c1' has an empty component (one '/' between names, none at the end)
/ctlab-bad/c1/|cgroup path '/ctlab-bad/c1/' has an empty component (one '/' between names, none at the end)
/|cgroup path '/' is each hierarchy's root, the host's own cgroup: name one below it
/ctlab-bad/c 1|cgroup path '/ctlab-bad/c 1': 'c 1' is not allowed (letters, digits, '.', '-' and '_' only: it becomes a directory name)
/ctlab-bad/$long|cgroup path '/ctlab-bad/aaaaaaaaa...' has a component that is too long (at most 255 bytes)
EOF
    run -1 cgctl create --path "/ctlab-bad$(printf '/%0250d' 1 2 3 4 5)"
    assert_output "cgctl: cgroup path '/ctlab-bad/000000000...' is too long (at most 1023 bytes)"
    run -1 cgctl create --path ""
    assert_output "cgctl: cgroup path '' is not absolute (it starts with '/', each hierarchy's root: /ctlab-oci/NAME)"
    run -125 cgctl run --path ctlab-bad -- true
    assert_output --partial "is not absolute"
    # A path names the cgroup by itself.
    run -2 cgctl create --path /ctlab-bad/c1 ctlab-x
    assert_output "cgctl: usage: cgctl create --path /A/B [LIMITS]"
    run -2 cgctl create --path /ctlab-bad/c1 --parent /sys/fs/cgroup
    assert_output "cgctl: --path names the cgroup by itself: give no --parent with it"
    run -2 cgctl run --path /ctlab-bad/c1 --name ctlab-x -- true
    assert_output "cgctl: --path names the cgroup by itself: give no --name with it"
    run -1 cgctl delete --path /ctlab-bad/c1
    assert_output "cgctl: no cgroup '/ctlab-bad/c1' (create it with: cgctl create --path /ctlab-bad/c1)"
    assert_equal "$(existing_path_dirs /ctlab-bad)" ""
    no_ctlab_cgroups
}

# --- devices ------------------------------------------------------------------------
# Root with CAP_MKNOD can make a node for any device; what stops it opening
# one is the device controller (v1: devices.list; v2: a BPF program on the
# cgroup directory). Each attack runs with docker's rules, refused, and
# without them, as the control that shows it would get through.

@test "devices v1: docker's rules read back from devices.list; set replaces them; delete removes the directory" {
    devices=$(v1_mount devices)
    [ -n "$devices" ] || skip "no cgroup v1 devices hierarchy (on v2 the rules are a BPF program)"
    run -0 cgctl create ctlab-dv --devices default
    assert_equal "$(cat "$devices/ctlab/ctlab-dv/devices.list")" "$DOCKER_DEVICES_LIST"
    # A cgroup without rules allows everything: the hole docker closes.
    run -0 cgctl create ctlab-dn
    assert_equal "$(cat "$devices/ctlab/ctlab-dn/devices.list")" "a *:* rwm"
    # --device rules are an allow-list: deny all comes first by itself.
    run -0 cgctl set ctlab-dv --device 'c 1:3 rw' --device 'b 7:* mr'
    assert_equal "$(cat "$devices/ctlab/ctlab-dv/devices.list")" "c 1:3 rw
b 7:* rm"
    run -0 cgctl delete ctlab-dv
    run -0 cgctl delete ctlab-dn
    assert_file_not_exists "$devices/ctlab/ctlab-dv"
    no_ctlab_cgroups
}

@test "devices v2: a BPF program on the cgroup directory, replaced by set, gone with it" {
    requires cgroup2fs
    # A --parent on cgroup2 puts the rules on v2 even on a hybrid host
    # (the kernel runs a process's cgroup2 device programs there too).
    parent="$(v2_mount)/ctlab-bpf"
    TEST_CGROUPS+=("$parent")
    mkdir "$parent"
    run -0 --separate-stderr cgctl -v create ctlab-b2 --parent "$parent" --devices default
    lines=("${stderr_lines[@]}")
    assert_line --regexp '^\[cgctl\] bpf\(BPF_PROG_LOAD, BPF_PROG_TYPE_CGROUP_DEVICE, [0-9]+ instructions\) = [0-9]+$'
    assert_line --regexp "^\[cgctl\] bpf\(BPF_PROG_ATTACH, prog fd [0-9]+, $parent/ctlab-b2, BPF_CGROUP_DEVICE, BPF_F_ALLOW_MULTI\) = 0$"
    assert_line --regexp '^\[cgctl\] +[0-9]+: r0 = 1 +; allow c 1:3 rwm$'
    # The kernel's count (BPF_PROG_QUERY): one program.
    assert_equal "$(stat_of ctlab-b2 devices.bpf_programs "$parent")" 1
    # set attaches a new program and detaches the old one: still one,
    # and the new rules are the ones that hold (zero was allowed, is no
    # more).
    run -0 cgctl set ctlab-b2 --parent "$parent" --device 'c 1:3 rwm'
    assert_equal "$(stat_of ctlab-b2 devices.bpf_programs "$parent")" 1
    run -0 sh -c 'echo $$ >"$1/cgroup.procs" && "$2" open /dev/null rw && "$2" open /dev/zero r' \
        sh "$parent/ctlab-b2" "$PROBE"
    assert_output "ok
EPERM"
    run -0 cgctl delete ctlab-b2 --parent "$parent"
    assert_file_not_exists "$parent/ctlab-b2"
    rmdir "$parent"
}

@test "devices: with docker's rules a kmsg node (c 1:11) can be made but not opened; null opens" {
    make_node_dir
    run -0 cgctl run --devices default -- mknod "$NODES/kmsg" c 1 11
    run -0 cgctl run --devices default -- mknod "$NODES/null" c 1 3
    run -0 cgctl run --devices default -- "$PROBE" open "$NODES/kmsg" w
    assert_output EPERM
    run -0 cgctl run --devices default -- "$PROBE" open "$NODES/null" rw
    assert_output ok
    # The control: without the rules the same open gets through.
    run -0 cgctl run -- "$PROBE" open "$NODES/kmsg" w
    assert_output ok
    # run removed its cgroups, the devices directory too.
    no_ctlab_cgroups
}

@test "devices: mknod is refused where no rule allows m" {
    make_node_dir
    run -1 cgctl run --device 'c 1:3 rwm' -- mknod "$NODES/kmsg" c 1 11
    assert_output --partial "Operation not permitted"
    assert_file_not_exists "$NODES/kmsg"
    # The one node allowed can be made and opened; another cannot open.
    run -0 cgctl run --device 'c 1:3 rwm' -- sh -c 'mknod "$1/null" c 1 3 && "$2" open "$1/null" rw && "$2" open /dev/zero r' \
        sh "$NODES" "$PROBE"
    assert_output "ok
EPERM"
}

@test "devices: a node for a host disk (a loop device) is refused with the rules; without them its data is read" {
    make_node_dir
    printf 'ctlab-secret-on-the-host' >"$NODES/disk.img"
    attach_loop_device "$NODES/disk.img"
    major=$((16#$(stat -c %t "$LOOP_DEVICE")))
    minor=$((16#$(stat -c %T "$LOOP_DEVICE")))
    run -0 cgctl run --devices default -- mknod "$NODES/disk" b "$major" "$minor"
    run -0 cgctl run --devices default -- "$PROBE" open "$NODES/disk" r
    assert_output EPERM
    run -0 cgctl run --devices default -- "$PROBE" open "$NODES/disk" rw
    assert_output EPERM
    # The control: without the rules, the host's data comes through.
    run -0 cgctl run -- "$PROBE" open "$NODES/disk" r
    assert_output ok
    run -0 cgctl run -- head -c 24 "$NODES/disk"
    assert_output ctlab-secret-on-the-host
}

@test "devices -v: the story, v1 files written or the v2 program loaded and attached" {
    run -0 --separate-stderr cgctl -v create ctlab-dv --devices default
    lines=("${stderr_lines[@]}")
    devices=$(v1_mount devices)
    if [ -n "$devices" ]; then
        assert_line "[cgctl] write $devices/ctlab/ctlab-dv/devices.deny \"a\""
        assert_line "[cgctl] write $devices/ctlab/ctlab-dv/devices.allow \"c *:* m\""
        assert_line "[cgctl] write $devices/ctlab/ctlab-dv/devices.allow \"c 136:* rwm\""
    else
        assert_line --regexp '^\[cgctl\] BPF_PROG_TYPE_CGROUP_DEVICE program, [0-9]+ instructions'
        assert_line --regexp '^\[cgctl\] +0: r2 = \*\(u32 \*\)\(r1 \+ 0\) +; access_type$'
        assert_line --regexp '^\[cgctl\] +[0-9]+: r0 = 1 +; allow c 136:\* rwm$'
        assert_line --regexp "^\[cgctl\] bpf\(BPF_PROG_ATTACH, prog fd [0-9]+, $(v2_mount)/ctlab/ctlab-dv, BPF_CGROUP_DEVICE, BPF_F_ALLOW_MULTI\) = 0$"
    fi
}

# --- bad input ----------------------------------------------------------------------

@test "bad limits: one clear line, exit 2, no cgroup made" {
    local case
    while IFS='|' read -r option value message; do
        run -2 cgctl create ctlab-b "$option" "$value"
        assert_equal "${#lines[@]}" 1
        assert_output "cgctl: $message"
    done <<'EOF'
--memory|10xb|--memory '10xb': not a size, like 64m, 1g or 67108864
--memory|0|--memory 0: at least 1m (with less, nothing can start)
--memory|-1|--memory '-1': not a size, like 64m, 1g or 67108864
--cpus|-1|--cpus '-1': not a positive number of CPUs, like 0.5 or 2
--cpus|abc|--cpus 'abc': not a positive number of CPUs, like 0.5 or 2
--cpus|0|--cpus '0': not a positive number of CPUs, like 0.5 or 2
--cpus|0.001|--cpus 0.001: too small (at least 0.01)
--pids|0|--pids '0': want a number of tasks from 1 to 4194304
--pids|many|--pids 'many': want a number of tasks from 1 to 4194304
--cpu-weight|0|--cpu-weight '0': want 1..10000 (default 100)
--cpu-max|50000|--cpu-max '50000': want "QUOTA PERIOD" in microseconds (QUOTA 1000.. or max, PERIOD 1000..1000000)
--io-max|/etc/passwd rbps=1|--io-max: '/etc/passwd' is neither MAJ:MIN nor a block device
--device|x 1:3 rwm|device rule 'x 1:3 rwm': type 'x' is not c (char), b (block), or a alone (all devices)
--device|c 1:3|device rule 'c 1:3': want "TYPE MAJOR:MINOR ACCESS" like "c 1:3 rwm" or "b *:* m" (TYPE c or b), or "a" for all devices
--device|c 1:3 rwx|device rule 'c 1:3 rwx': access 'rwx' is not some of r (read), w (write) and m (mknod), each once
--device|c 1:3 rr|device rule 'c 1:3 rr': access 'rr' is not some of r (read), w (write) and m (mknod), each once
--device|c 5000:1 rwm|device rule 'c 5000:1 rwm': major number out of range (0..4095, or *)
--device-deny|b 8:-1 r|device rule 'b 8:-1 r': want "TYPE MAJOR:MINOR ACCESS" like "c 1:3 rwm" or "b *:* m" (TYPE c or b), or "a" for all devices
--device|a 1:3 rwm|device rule 'a 1:3 rwm': type 'a' is not c (char), b (block), or a alone (all devices)
--devices|all|--devices 'all': the only set is "default" (docker's)
--cpu-shares|1|--cpu-shares '1': want 2..262144 (default 1024)
--cpu-shares|262145|--cpu-shares '262145': want 2..262144 (default 1024)
--cpu-shares|half|--cpu-shares 'half': want 2..262144 (default 1024)
--cpuset-cpus|x|--cpuset-cpus 'x': want CPU numbers and ranges, like 0-2,5
--cpuset-cpus|0-|--cpuset-cpus '0-': want CPU numbers and ranges, like 0-2,5
--cpuset-cpus|1-0|--cpuset-cpus '1-0': want CPU numbers and ranges, like 0-2,5
--cpuset-cpus|0,|--cpuset-cpus '0,': want CPU numbers and ranges, like 0-2,5
--cpuset-cpus|-1|--cpuset-cpus '-1': want CPU numbers and ranges, like 0-2,5
--cpuset-mems|node0|--cpuset-mems 'node0': want memory node numbers and ranges, like 0-2,5
--memory-reservation|10xb|--memory-reservation '10xb': not a size, like 32m, 1g or 33554432
--memory-reservation|0|--memory-reservation 0: want a size above 0 (to reserve nothing, leave it out)
--io-weight|9|--io-weight '9': want 10..1000
--io-weight|1001|--io-weight '1001': want 10..1000
--io-weight|heavy|--io-weight 'heavy': want 10..1000
EOF
    run -2 cgctl create ctlab-b --device 'c 1:3 rwm' --devices default
    assert_output "cgctl: --devices default: give it before any --device or --device-deny (it starts from \"deny all\")"
    local many=()
    for minor in $(seq 64); do many+=(--device "c 1:$minor r"); done
    run -2 cgctl create ctlab-b "${many[@]}"
    assert_output "cgctl: too many device rules (at most 64, \"deny all\" included)"
    run -2 cgctl create ctlab-b --cpus 100000
    assert_output --regexp "^cgctl: --cpus 100000: this machine has [0-9]+ CPUs$"
    no_ctlab_cgroups
}

@test "bad new limits: one clear line each, nothing made or left" {
    # Numbers the machine does not have.
    run -2 cgctl create ctlab-b --cpuset-cpus 0,4096
    assert_output --regexp "^cgctl: --cpuset-cpus 0,4096: no such CPU \(this machine has (0-)?[0-9]+\)$"
    run -2 cgctl create ctlab-b --cpuset-mems 4096
    assert_output --regexp "^cgctl: --cpuset-mems 4096: no such memory node \(this machine has (0-)?[0-9]+\)$"
    # Two spellings of one file, in either order.
    run -2 cgctl create ctlab-b --cpu-shares 512 --cpu-weight 100
    assert_output "cgctl: --cpu-shares and --cpu-weight set the same file (cpu.weight on v2, cpu.shares on v1): give one of them"
    run -2 cgctl create ctlab-b --cpu-weight 100 --cpu-shares 512
    assert_output "cgctl: --cpu-shares and --cpu-weight set the same file (cpu.weight on v2, cpu.shares on v1): give one of them"
    # One --io-max per device, at most eight.
    run -2 cgctl create ctlab-b --io-max "7:0 rbps=1" --io-max "7:0 wbps=1"
    assert_output "cgctl: --io-max: device 7:0 given twice (one --io-max per device, with all its limits)"
    local many=()
    for minor in $(seq 9); do many+=(--io-max "7:$minor rbps=1048576"); done
    run -2 cgctl create ctlab-b "${many[@]}"
    assert_output "cgctl: --io-max: at most 8 devices"
    no_ctlab_cgroups
    # A reservation above the limit is found once the cgroup is made:
    # exit 1, and the cgroup made for it is gone.
    run -1 cgctl create ctlab-b --memory 32m --memory-reservation 64m
    assert_output "cgctl: --memory-reservation is what stays when memory is short: it must not exceed --memory"
    no_ctlab_cgroups
}

@test "bad names, missing cgroups, bad commands: one clear line each, nothing made" {
    for name in a/b .. . "" "x y"; do
        run -1 cgctl create "$name"
        assert_equal "${#lines[@]}" 1
        assert_output --regexp "^cgctl: (cgroup name '.*' is not allowed|empty cgroup name)"
    done
    run -1 cgctl attach ctlab-missing $$
    assert_output "cgctl: no cgroup 'ctlab-missing' (create it with: cgctl create ctlab-missing)"
    run -1 cgctl delete ctlab-missing
    assert_output --partial "no cgroup 'ctlab-missing'"
    cgctl create ctlab-e
    run -1 cgctl create ctlab-e
    assert_output --regexp "^cgctl: cgroup 'ctlab-e' already exists \(/sys/fs/cgroup/.*ctlab/ctlab-e\)$"
    run -2 cgctl attach ctlab-e notapid
    assert_output "cgctl: attach: want a PID, got 'notapid'"
    run -1 cgctl attach ctlab-e 4194000
    assert_output "cgctl: attach: no process 4194000"
    run -2 cgctl delete ctlab-e --memory 5m
    assert_output "cgctl: delete takes no limits (see: cgctl --help)"
    run -2 cgctl set ctlab-e
    assert_output "cgctl: set: no limit given (see: cgctl --help)"
    run -2 cgctl frob
    assert_output "cgctl: unknown command 'frob' (see: cgctl --help)"
    run -2 cgctl run
    assert_output --partial "usage: cgctl run"
    run -2 cgctl create ctlab-e2 --colour
    assert_output "cgctl: unknown option or missing argument: '--colour' (see: cgctl --help)"
    cgctl delete ctlab-e
    no_ctlab_cgroups
}

@test "a controller that is not usable: a hint naming the file, nothing made" {
    requires cgroup2fs
    v2=$(v2_mount)
    # A delegated-looking parent that hands no controller down: its
    # subtree_control is empty, so its child has none.
    TEST_CGROUPS+=("$v2/ctlab-deleg")
    mkdir "$v2/ctlab-deleg" "$v2/ctlab-deleg/leaf"
    run -1 cgctl create ctlab-u --parent "$v2/ctlab-deleg/leaf" --memory 64m
    assert_output "cgctl: controller \"memory\" is not available in $v2/ctlab-deleg/leaf/cgroup.controllers (it lists: nothing); on a v2 host enable it in the parent's cgroup.subtree_control, on a hybrid host it may be bound to a v1 hierarchy (see: make doctor)"
    assert_file_not_exists "$v2/ctlab-deleg/leaf/ctlab-u"
    # Without a limit that needs a controller, the same parent works.
    run -0 cgctl create ctlab-u --parent "$v2/ctlab-deleg/leaf"
    assert_file_exists "$v2/ctlab-deleg/leaf/ctlab-u/cgroup.procs"
    run -0 cgctl delete ctlab-u --parent "$v2/ctlab-deleg/leaf"
    assert_file_not_exists "$v2/ctlab-deleg/leaf/ctlab-u"
    rmdir "$v2/ctlab-deleg/leaf" "$v2/ctlab-deleg"
    run -1 cgctl create ctlab-u --parent /tmp
    assert_output --regexp "^cgctl: --parent /tmp: not inside the cgroup2 hierarchy"
}

@test "without root: a clear 'needs root', exit 1, nothing made" {
    requires setpriv
    copy_for_unprivileged "$CTLAB_ROOT/05-cgroups/cgctl"
    run -1 as_unprivileged "$BIN/cgctl" create ctlab-a --memory 64m
    assert_output "cgctl: create needs root: cgroup directories belong to root unless a subtree was delegated to you (then use --parent); try: sudo cgctl create"
    run -125 as_unprivileged "$BIN/cgctl" run -- true
    run -0 as_unprivileged "$BIN/cgctl" info
    no_ctlab_cgroups
}
