#!/usr/bin/env bats
# Chapter 09: capabilities. Every claim is a real operation the kernel
# allows or refuses (bind port 80, a raw socket, chown), compared with the
# same operation without the restriction, and the sets are read from
# /proc/PID/status and decoded by capsh, not by our own tool alone.

bats_require_minimum_version 1.5.0

setup() {
    load test_helper/common
    requires root setpriv
}

teardown() {
    cleanup_test
}

# The value of field $2 ("CapEff") in /proc/$1/status, as hex.
cap_field() {
    awk -v f="$2:" '$1 == f {print $2}' "/proc/$1/status"
}

# True when process $1's CapEff is $2 (re-read on every call).
effective_caps_are() {
    [ "$(cap_field "$1" CapEff)" = "$2" ]
}

# A copy of the probe nobody can run, in $BIN.
probe_for_nobody() {
    copy_for_unprivileged "$PROBE"
}

@test "--drop ALL --add NET_BIND_SERVICE --user nobody: port 80 binds, a raw socket does not" {
    run -0 caps run --drop ALL --add NET_BIND_SERVICE --user nobody -- "$PROBE" bind 80
    assert_output ok
    run -0 caps run --drop ALL --add NET_BIND_SERVICE --user nobody -- "$PROBE" raw-socket
    assert_output EPERM
    # Without the capability, nobody gets EACCES on port 80 ...
    run -0 caps run --drop ALL --user nobody -- "$PROBE" bind 80
    assert_output EACCES
    # ... and so does a plain switch to nobody: the capability was kept
    # only through the ambient set.
    run -0 "${AS_NOBODY[@]}" "$PROBE" bind 80
    assert_output EACCES
    run -0 caps run --drop ALL --add NET_BIND_SERVICE --user nobody -- "$PROBE" status CapAmb
    assert_output --regexp $'^CapAmb:\t0000000000000400$'
}

@test "as root, --drop NET_RAW: a raw socket gets EPERM; --drop CHOWN: chown gets EPERM" {
    run -0 "$PROBE" raw-socket
    assert_output ok
    run -0 caps run --drop NET_RAW -- "$PROBE" raw-socket
    assert_output EPERM
    touch "$BATS_TEST_TMPDIR/file"
    run -0 caps run --drop CHOWN -- "$PROBE" chown "$BATS_TEST_TMPDIR/file" 65534
    assert_output EPERM
    assert_equal "$(stat -c %u "$BATS_TEST_TMPDIR/file")" 0
    run -0 caps run --drop NET_RAW -- "$PROBE" chown "$BATS_TEST_TMPDIR/file" 65534
    assert_output ok
    assert_equal "$(stat -c %u "$BATS_TEST_TMPDIR/file")" 65534
}

@test "a capability dropped from the bounding set is not regained through a setuid-root program" {
    probe_for_nobody
    chown root:root "$BIN/probe"
    chmod 4755 "$BIN/probe"
    # Control: a setuid-root probe run by nobody has root's capabilities.
    run -0 "${AS_NOBODY[@]}" "$BIN/probe" raw-socket
    assert_output ok
    # Dropped from the bounding set, the same program cannot get it back.
    run -0 caps run --drop NET_RAW --user nobody -- "$BIN/probe" raw-socket
    assert_output EPERM
    run -0 caps run --drop NET_RAW --user nobody -- "$BIN/probe" status Uid
    assert_output --regexp $'^Uid:\t65534\t0\t0\t0$' # euid 0, still no NET_RAW
}

@test "... nor through file capabilities (setcap)" {
    command -v setcap >/dev/null || skip "setcap (libcap2-bin) is missing"
    probe_for_nobody
    setcap cap_net_raw+ep "$BIN/probe"
    run -0 "${AS_NOBODY[@]}" "$BIN/probe" raw-socket
    assert_output ok
    # The file asks for NET_RAW as effective ("+ep"); the kernel cannot
    # grant it outside the bounding set, so it refuses the execve itself.
    run -126 caps run --drop NET_RAW --user nobody -- "$BIN/probe" raw-socket
    assert_output --partial "Operation not permitted"
}

@test "--no-new-privs: a setuid-root program does not raise the euid" {
    probe_for_nobody
    chown root:root "$BIN/probe"
    chmod 4755 "$BIN/probe"
    run -0 caps run --user nobody -- "$BIN/probe" status Uid
    assert_output --regexp $'^Uid:\t65534\t0\t0\t0$'
    run -0 caps run --user nobody --no-new-privs -- "$BIN/probe" status Uid
    assert_output --regexp $'^Uid:\t65534\t65534\t65534\t65534$'
    run -0 caps run --no-new-privs -- "$PROBE" status NoNewPrivs
    assert_output --regexp $'^NoNewPrivs:\t1$'
}

@test "inheritable holds no more than ambient needs (CVE-2022-29162)" {
    run -0 caps run --drop ALL --add NET_BIND_SERVICE --add KILL --user nobody -- "$PROBE" status CapInh
    assert_output --regexp $'^CapInh:\t0000000000000420$'
    run -0 caps run --drop NET_RAW -- "$PROBE" status CapInh
    assert_output --regexp $'^CapInh:\t0000000000000000$'
    # As root, --ambient raises one on request.
    run -0 caps run --ambient NET_RAW -- "$PROBE" status CapAmb
    assert_output --regexp $'^CapAmb:\t0000000000002000$'
}

@test "caps show agrees with /proc/PID/status decoded by capsh" {
    start_background "$BATS_TEST_TMPDIR/out" caps run --drop ALL --add KILL --add NET_BIND_SERVICE --user nobody -- "$PROBE" sleep 30
    wait_until 5 effective_caps_are "$BG_PID" 0000000000000420
    run -0 caps show "$BG_PID"
    local field label hex names
    for pair in CapInh:inheritable CapPrm:permitted CapEff:effective CapBnd:bounding CapAmb:ambient; do
        field=${pair%%:*}
        label=${pair#*:}
        hex=$(cap_field "$BG_PID" "$field")
        names=$(capsh --decode="$hex" | sed 's/^.*=//')
        [ -n "$names" ] || names="(none)"
        assert_line --regexp "^$label +$names$"
    done
    # And for the caller itself, as root, bounding is what the kernel says.
    run -0 caps show
    assert_line --regexp "^bounding +$(capsh --decode="$(cap_field self CapBnd)" | sed 's/^.*=//')$"
}

@test "--docker-default keeps exactly docker's 14 capabilities" {
    run -0 caps run --docker-default -- "$PROBE" status CapEff
    # chown dac_override fowner fsetid kill setgid setuid setpcap
    # net_bind_service net_raw sys_chroot mknod audit_write setfcap
    assert_output --regexp $'^CapEff:\t00000000a80425fb$'
    assert_equal "$(capsh --decode=a80425fb | tr ',' '\n' | wc -l)" 14
    run -0 caps run --docker-default -- "$PROBE" raw-socket
    assert_output ok
    # swapon checks CAP_SYS_ADMIN first, which is not among them.
    run -0 caps run --docker-default -- "$PROBE" try-syscall swapon
    assert_output EPERM
    run -0 "$PROBE" try-syscall swapon
    assert_output ENOENT
}

@test "decode prints what capsh --decode prints" {
    local hex
    for hex in 0x3000 0x400 0x0 0xa80425fb 1ffffffffff; do
        assert_equal "$(caps decode "$hex")" "$(capsh --decode="$hex")"
    done
}

@test "bad input: unknown names suggest close ones, ambient not kept, users, commands" {
    run -2 caps run --drop NET_RWA -- true
    assert_output "caps: --drop NET_RWA: no such capability (did you mean net_raw?)"
    run -2 caps run --add SYS_ADMINN -- true
    assert_output "caps: --add SYS_ADMINN: no such capability (did you mean sys_admin?)"
    run -2 caps run --add FLYING_CARPET -- true
    assert_output "caps: --add FLYING_CARPET: no such capability (see: capabilities(7))"
    run -125 caps run --drop NET_RAW --ambient NET_RAW -- true
    assert_output "caps: --ambient cap_net_raw: not kept in the permitted set (add it with --add)"
    run -2 caps run --user ctlab-no-such-user -- true
    assert_output "caps: --user ctlab-no-such-user: no such user"
    run -2 caps run --drop ALL
    assert_output "caps: run: no command given (see: caps --help)"
    run -2 caps frob
    assert_output "caps: unknown command 'frob' (see: caps --help)"
    run -2 caps decode xyz
    assert_output "caps: decode: 'xyz' is not a hex number"
    run -127 caps run --drop NET_RAW -- ctlab-no-such-command
}
