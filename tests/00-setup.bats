#!/usr/bin/env bats
# The foundation: lib/'s parsers and flag names, make doctor, make rootfs.

bats_require_minimum_version 1.5.0

setup() {
    load test_helper/common
    UNIT="$CTLAB_ROOT/tests/unit/test-lib"
}

teardown() {
    cleanup_test
}

# --- lib/parse.c ------------------------------------------------------------

@test "parse_size accepts bytes and k/m/g/t units, any case, optional b/ib" {
    local spec
    while read -r text bytes; do
        run -0 "$UNIT" size "$text"
        assert_output "$bytes"
    done <<'CASES'
0 0
67108864 67108864
512k 524288
64m 67108864
64M 67108864
64mb 67108864
64MiB 67108864
1g 1073741824
2t 2199023255552
16777215t 18446742974197923840
CASES
}

@test "parse_size rejects junk, signs, fractions, blanks and overflow" {
    local text
    for text in "" "10xb" "-1" "+1" "1.5g" " 64m" "64m " "m" "64mm" "64 m" "0x40" "64kib2"; do
        run -1 "$UNIT" size "$text"
        assert_output "error: EINVAL"
    done
    for text in 16777216t 18446744073709551616 99999999999999999999999g; do
        run -1 "$UNIT" size "$text"
        assert_output "error: ERANGE"
    done
}

@test "parse_ulong takes plain decimals up to a maximum" {
    run -0 "$UNIT" ulong 42 100
    assert_output 42
    run -1 "$UNIT" ulong 101 100
    assert_output "error: ERANGE"
    run -1 "$UNIT" ulong -1 100
    assert_output "error: EINVAL"
    run -1 "$UNIT" ulong 4x 100
    assert_output "error: EINVAL"
}

@test "parse_ipv4_cidr takes a dotted quad and a prefix 1..32, nothing else" {
    run -0 "$UNIT" cidr 10.200.0.2/24
    assert_output 10.200.0.2/24
    run -0 "$UNIT" cidr 10.200.0.255/32
    assert_output 10.200.0.255/32
    for text in 10.200.0.300/24 10.200.0.2/33 10.200.0.2/0 10.200.0.2 \
        10.200.0.2/ 10.200.2/24 010.200.0.2/24 garbage "10.200.0.2/24 " \
        " 10.200.0.2/24" 10.200.0.2/-1 10.200.0.2/2x /24 ""; do
        run -1 "$UNIT" cidr "$text"
        assert_output "error: EINVAL"
    done
}

@test "flag words decode to names, unknown bits in hex" {
    run -0 "$UNIT" flags clone 20020000
    assert_output "CLONE_NEWPID|CLONE_NEWNS"
    run -0 "$UNIT" flags mount 44000
    assert_output "MS_REC|MS_PRIVATE"
    run -0 "$UNIT" flags clone 0
    assert_output "0"
    run -0 "$UNIT" flags clone 20000000000000
    assert_output "0x20000000000000"
}

# --- make doctor ------------------------------------------------------------

@test "doctor reports the cgroup mode this machine really has" {
    local v1 v2 mode
    v1=$(awk '$0 ~ / - cgroup / {n++} END {print n+0}' /proc/self/mountinfo)
    v2=$(awk '$0 ~ / - cgroup2 / {n++} END {print n+0}' /proc/self/mountinfo)
    if [ "$v1" -gt 0 ] && [ "$v2" -gt 0 ]; then mode=hybrid
    elif [ "$v1" -gt 0 ]; then mode=v1
    else mode=v2; fi
    run doctor
    assert_line --regexp "^OK +cgroup mode +$mode "
    # Each lab controller's place agrees with the kernel's own lists.
    if [ "$mode" = hybrid ] && ! grep -qw memory /sys/fs/cgroup/unified/cgroup.controllers; then
        assert_line --regexp "^OK +cgroup controllers +cpu=v1 memory=v1 pids=v1"
    fi
}

@test "doctor exits 0 when nothing FAILs, and each namespace type is tried" {
    requires root
    run doctor
    if grep -q '^FAIL' <<<"$output"; then
        assert_equal "$status" 1
    else
        assert_equal "$status" 0
    fi
    assert_line --regexp '^OK +namespaces +all work: pid net mnt uts ipc user cgroup time$'
}

@test "doctor as an unprivileged user says so, and checks rootless features" {
    requires setpriv
    local bin
    copy_for_unprivileged "$CTLAB_ROOT/doctor/doctor"
    bin=$BIN
    run as_unprivileged "$bin/doctor"
    assert_line --regexp "^WARN +root +not root \(uid $NOBODY_UID\)"
    assert_line --regexp '^(OK|WARN) +unprivileged userns '
}

@test "doctor takes no arguments" {
    run -2 --separate-stderr doctor --bogus
    assert_equal "$stderr" "doctor: takes no arguments (see: doctor --help)"
}

# --- make rootfs --------------------------------------------------------------

@test "the rootfs has busybox, its applet links and the usual directories" {
    local r="$CTLAB_ROOT/rootfs"
    assert_file_executable "$r/bin/busybox"
    assert_link_exists "$r/bin/sh"
    assert_equal "$(readlink "$r/bin/sh")" busybox
    assert_equal "$(find "$r/bin" -type l | wc -l)" "$(($(busybox --list | grep -cvx busybox)))"
    for d in proc sys dev tmp run etc root; do
        assert_dir_exists "$r/$d"
    done
    assert_equal "$(stat -c %a "$r/tmp")" 1777
    run -0 grep -c . "$r/etc/passwd" "$r/etc/group" "$r/etc/hostname"
}

@test "a shell in the rootfs runs with only the rootfs (chroot)" {
    requires root
    run -0 chroot "$CTLAB_ROOT/rootfs" /bin/sh -c 'echo hello from $(cat /etc/hostname); /usr/bin/env true; id -un'
    assert_line "hello from ctlab"
    assert_line root
}

# --- the test helper itself -------------------------------------------------

@test "requires fails the test on an unknown feature instead of skipping" {
    run requires no-such-feature
    assert_failure
    assert_output --partial "requires: unknown feature 'no-such-feature'"
}

@test "requires finds this machine's features by trying them" {
    # Each answer must agree with an independent look at the kernel.
    if [ "$(id -u)" -eq 0 ] && grep -q ' - cgroup cgroup .*pids' /proc/self/mountinfo; then
        tried cgroup1 try_cgroup1
    fi
    if grep -q '^Seccomp:' /proc/self/status; then
        tried seccomp try_seccomp
    fi
    [ "$(id -u)" -ne 0 ] || tried overlay try_overlay
    # No ctlab-requires cgroup is left behind.
    run find /sys/fs/cgroup -maxdepth 2 -name 'ctlab-requires*'
    assert_output ""
}
