#!/usr/bin/env bats
# Chapter 09: capabilities. Every claim is a real operation the kernel
# allows or refuses (bind port 80, a raw socket, chown), compared with the
# same operation without the restriction, and the sets are read from
# /proc/PID/status and decoded by capsh, not by our own tool alone.

bats_require_minimum_version 1.5.0

setup() {
    load test_helper/common
    requires root setpriv
    # Applies a plan whose five sets are given one by one, as an OCI
    # config.json's process.capabilities gives them (caps run keeps one
    # set for bounding, permitted and effective, as docker does).
    PLAN="$CTLAB_ROOT/tests/unit/test-caps"
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

# A plan whose five sets all differ (capsh --decode names them):
#   bounding    242b  chown dac_override fowner kill net_bind_service net_raw
#   permitted   0429  chown fowner kill net_bind_service
#   effective   0021  chown kill
#   inheritable 2420  kill net_bind_service net_raw
#   ambient     0400  net_bind_service
FIVE_SETS=(242b 429 21 2420 400)

@test "five different sets, applied as nobody: each reads back from /proc/self/status before execve" {
    run -0 "$PLAN" -u 65534:65534 "${FIVE_SETS[@]}"
    assert_line --regexp $'^CapBnd:\t000000000000242b$'
    assert_line --regexp $'^CapPrm:\t0000000000000429$'
    assert_line --regexp $'^CapEff:\t0000000000000021$'
    assert_line --regexp $'^CapInh:\t0000000000002420$'
    assert_line --regexp $'^CapAmb:\t0000000000000400$'
    # And the user switch happened, capabilities kept through it.
    run -0 "$PLAN" -u 65534:65534 "${FIVE_SETS[@]}" grep Uid /proc/self/status
    assert_output --regexp $'^Uid:\t65534\t65534\t65534\t65534$'
}

@test "execve then recomputes permitted and effective; bounding, inheritable and ambient pass" {
    # nobody running a program without file capabilities: permitted and
    # effective become the ambient set (capabilities(7), "Transformation
    # of capabilities during execve").
    run -0 "$PLAN" -u 65534:65534 "${FIVE_SETS[@]}" grep Cap /proc/self/status
    assert_line --regexp $'^CapBnd:\t000000000000242b$'
    assert_line --regexp $'^CapPrm:\t0000000000000400$'
    assert_line --regexp $'^CapEff:\t0000000000000400$'
    assert_line --regexp $'^CapInh:\t0000000000002420$'
    assert_line --regexp $'^CapAmb:\t0000000000000400$'
    # root: every program counts as having all file capabilities, so
    # permitted and effective become bounding | inheritable.
    run -0 "$PLAN" "${FIVE_SETS[@]}" grep Cap /proc/self/status
    assert_line --regexp $'^CapPrm:\t000000000000242b$'
    assert_line --regexp $'^CapEff:\t000000000000242b$'
    assert_line --regexp $'^CapInh:\t0000000000002420$'
}

@test "each rule between the sets refuses a plan on its own, with one line" {
    # effective within permitted
    run -125 "$PLAN" 242b 429 23 2420 400
    assert_output "test-caps: effective cap_dac_override: not in the permitted set"
    # ambient within permitted ...
    run -125 "$PLAN" 242b 429 21 2420 2000
    assert_output "test-caps: ambient cap_net_raw: not both permitted and inheritable (the kernel raises only those)"
    # ... and within inheritable
    run -125 "$PLAN" 242b 429 21 2420 1
    assert_output "test-caps: ambient cap_chown: not both permitted and inheritable (the kernel raises only those)"
    # permitted within bounding
    run -125 "$PLAN" 42b 2429 21 420 400
    assert_output "test-caps: permitted cap_net_raw: not in the bounding set (it is the ceiling)"
    # inheritable within bounding (cap_sys_module, bit 16)
    run -125 "$PLAN" 242b 429 21 12420 400
    assert_output "test-caps: inheritable cap_sys_module: not in the bounding set (a program's file capabilities would bring it back)"
    # Control: the plan that differs from each by one set is applied.
    run -0 "$PLAN" "${FIVE_SETS[@]}"
    assert_line --regexp $'^CapEff:\t0000000000000021$'
}

@test "nothing beyond what the process has: permitted, bounding, inheritable, each on its own" {
    copy_for_unprivileged "$PLAN"
    # nobody has no permitted capability ...
    run -125 "${AS_NOBODY[@]}" "$BIN/test-caps" 1 1 0 0 0
    assert_output "test-caps: cannot keep cap_chown: this process does not have it (see: caps show)"
    # ... so capset(2) cannot make one inheritable either, though the
    # bounding set still holds it.
    run -125 "${AS_NOBODY[@]}" "$BIN/test-caps" 1 0 0 1 0
    assert_output "test-caps: cannot make cap_chown inheritable: this process does not have it (see: caps show)"
    # A bounding set only shrinks: root without NET_RAW in it.
    run -125 setpriv --bounding-set=-net_raw -- "$PLAN" 242b 429 21 420 400
    assert_output "test-caps: cannot keep cap_net_raw in the bounding set: this process's bounding set lacks it (see: caps show)"
    # Control: the same plan without NET_RAW in the bounding set.
    run -0 setpriv --bounding-set=-net_raw -- "$PLAN" 42b 429 21 420 400
    assert_line --regexp $'^CapBnd:\t000000000000042b$'
}

@test "-v traces one line per set, in the kernel's order" {
    run -0 --separate-stderr caps -v run --drop ALL --add NET_BIND_SERVICE --user nobody -- true
    mapfile -t lines < <(grep -E '^\[caps\] (bounding|capset|ambient|prctl\(PR_SET_KEEPCAPS)' <<<"$stderr")
    assert_equal "${#lines[@]}" 6
    assert_equal "${lines[0]}" "[caps] bounding set = cap_net_bind_service: prctl(PR_CAPBSET_DROP) on every other"
    assert_equal "${lines[1]}" "[caps] prctl(PR_SET_KEEPCAPS, 1); setgroups(0); setgid(65534); setuid(65534)"
    assert_equal "${lines[2]}" "[caps] capset: permitted = cap_net_bind_service"
    assert_equal "${lines[3]}" "[caps] capset: effective = cap_net_bind_service"
    assert_equal "${lines[4]}" "[caps] capset: inheritable = cap_net_bind_service"
    assert_equal "${lines[5]}" "[caps] ambient set = cap_net_bind_service: prctl(PR_CAP_AMBIENT_CLEAR_ALL), then PR_CAP_AMBIENT_RAISE on each"
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
