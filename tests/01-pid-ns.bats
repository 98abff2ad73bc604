#!/usr/bin/env bats
# Chapter 01: PID namespaces. pidns runs a command as PID 1 of a new PID
# namespace; nsls shows namespace identities. Claims are checked against
# what the kernel says: /proc/PID/status NSpid, /proc/PID/ns inodes, the
# process table, wait statuses.

bats_require_minimum_version 1.5.0

setup() {
    load test_helper/common
}

teardown() {
    cleanup_test
}

# Start `pidns ARGS...` in the background and wait until its command said
# "ready"; HOST_PID1 is then the host PID of the namespace's PID 1.
start_pidns() {
    OUT="$BATS_TEST_TMPDIR/out"
    start_background "$OUT" pidns "$@"
    wait_until 5 grep -q ready "$OUT"
    HOST_PID1=$(children_of "$BG_PID")
    [ -n "$HOST_PID1" ]
}

# --- isolation: inside versus outside ---------------------------------------

@test "the command is PID 1 of the new namespace" {
    requires root
    run -0 pidns "$PROBE" pid
    assert_output 1
}

@test "inside, /proc shows only the namespace's processes" {
    requires root
    # Without a new PID namespace (or a new /proc) this lists every host PID.
    run -0 pidns "$PROBE" ps
    assert_output 1
    run -0 pidns --init "$PROBE" ps
    assert_output "1 2"
}

@test "the host sees PID 1 under another PID (NSpid in /proc/PID/status)" {
    requires root
    start_pidns "$PROBE" sleep 10
    [ "$HOST_PID1" -ne 1 ]
    # NSpid lists the PID in each namespace, outermost first.
    run -0 grep NSpid "/proc/$HOST_PID1/status"
    assert_output "$(printf 'NSpid:\t%s\t1' "$HOST_PID1")"
}

@test "pid and mnt namespaces differ from the host's; the others are the same" {
    requires root
    local type inside outside
    for type in pid mnt net uts ipc user cgroup time; do
        inside=$(pidns "$PROBE" ns "$type")
        outside=$(stat -L -c %i "/proc/$$/ns/$type")
        case $type in
        pid | mnt) [ "$inside" != "$outside" ] || fail "$type is shared with the host" ;;
        *) [ "$inside" = "$outside" ] || fail "$type is not the host's" ;;
        esac
    done
}

@test "the /proc mounted inside does not appear in the host's mount table" {
    requires root
    local before
    before=$(mount_table)
    run -0 pidns "$PROBE" ps
    assert_equal "$(mount_table)" "$before"
}

@test "even under a shared /, the /proc mounted inside does not propagate out" {
    requires root
    # systemd makes / shared; this host's may be private. So make a mount
    # namespace whose / is shared and run pidns there: without pidns's
    # MS_PRIVATE step, its /proc would cover this namespace's /proc.
    run -0 unshare --mount --propagation shared -- sh -c '
        grep -c " /proc " /proc/self/mountinfo
        pidns "$1" ps
        grep -c " /proc " /proc/self/mountinfo
        readlink /proc/self' sh "$PROBE"
    assert_equal "${lines[0]}" 1
    assert_equal "${lines[1]}" 1 # probe ps inside: only PID 1
    assert_equal "${lines[2]}" 1
    [ "${lines[3]}" -gt 1 ]
}

# --- PID 1's duties: reaping orphans and signals ----------------------------

@test "with --init, an orphaned zombie is reaped" {
    requires root
    run -0 pidns --init "$PROBE" orphan
    assert_output "orphan reaped"
}

@test "without --init, the orphan stays a zombie (the command is PID 1 and never waits)" {
    requires root
    run -0 pidns "$PROBE" orphan
    assert_output "orphan zombie"
}

@test "with --init, SIGTERM to pidns reaches the command and its exit code comes back" {
    requires root
    start_pidns --init "$PROBE" trap 42
    kill -TERM "$BG_PID"
    wait_exit 5 "$BG_PID"
    assert_equal "$STATUS" 42
}

@test "with --init, SIGTERM to PID 1 from the host reaches the command" {
    requires root
    start_pidns --init "$PROBE" trap 43
    kill -TERM "$HOST_PID1"
    wait_exit 5 "$BG_PID"
    assert_equal "$STATUS" 43
}

@test "without --init, PID 1 with no handler ignores SIGTERM; SIGKILL still works (137)" {
    requires root
    start_pidns "$PROBE" sleep 20
    kill -TERM "$HOST_PID1"
    sleep 0.5
    process_gone "$HOST_PID1" && fail "PID 1 died of SIGTERM: it should ignore it"
    kill -KILL "$HOST_PID1"
    wait_exit 5 "$BG_PID"
    assert_equal "$STATUS" 137
}

@test "killing PID 1 kills every process of the namespace" {
    requires root
    local ns pid
    start_pidns "$PROBE" spawn 3 20
    ns=$(stat -L -c %i "/proc/$HOST_PID1/ns/pid")
    run -0 processes_in_pidns "$ns"
    assert_equal "${#lines[@]}" 4
    kill -KILL "$HOST_PID1"
    wait_exit 5 "$BG_PID"
    assert_equal "$STATUS" 137
    for pid in $(processes_in_pidns "$ns"); do
        wait_until 5 process_gone "$pid"
    done
}

@test "the command's exit code comes back, with and without --init" {
    requires root
    run -3 pidns "$PROBE" exit 3
    run -3 pidns --init "$PROBE" exit 3
    run -0 pidns --init "$PROBE" exit 0
}

@test "a command killed by a signal gives 128+N" {
    requires root
    run -137 pidns --init sh -c 'kill -KILL $$'
    run -143 pidns --init sh -c 'kill -TERM $$'
}

# --- rootless ---------------------------------------------------------------

@test "as an unprivileged user, pidns makes a PID namespace inside a user namespace" {
    requires setpriv userns
    local bin
    copy_for_unprivileged "$CTLAB_ROOT/01-pid-ns/pidns" "$PROBE"
    bin=$BIN
    run -0 as_unprivileged "$bin/pidns" "$bin/probe" pid
    assert_output 1
    # uid 0 inside is nobody outside: the map says so.
    run -0 as_unprivileged "$bin/pidns" cat /proc/self/uid_map
    assert_output --regexp "^ +0 +$NOBODY_UID +1$"
}

# --- nsls -------------------------------------------------------------------

@test "nsls lists each namespace's inode as /proc/PID/ns says" {
    local type
    run -0 nsls "$$"
    for type in pid mnt net uts ipc user cgroup; do
        assert_line --regexp "^$type +$(stat -L -c %i /proc/$$/ns/$type)\$"
    done
}

@test "nsls PID PID2 tells shared from isolated namespaces" {
    requires root
    start_pidns "$PROBE" sleep 10
    run -0 nsls "$$" "$HOST_PID1"
    assert_line --regexp '^pid +[0-9]+ +[0-9]+ +isolated$'
    assert_line --regexp '^mnt +[0-9]+ +[0-9]+ +isolated$'
    assert_line --regexp '^net +[0-9]+ +[0-9]+ +shared$'
    assert_line --regexp '^uts +[0-9]+ +[0-9]+ +shared$'
}

# --- bad input --------------------------------------------------------------

@test "pidns with no command: usage error (2), one line" {
    run -2 --separate-stderr pidns
    assert_equal "${#stderr_lines[@]}" 1
    assert_equal "$stderr" "pidns: no command given (try: pidns -- sh)"
}

@test "pidns with an unknown option: usage error (2), one line" {
    run -2 --separate-stderr pidns --bogus true
    assert_equal "$stderr" "pidns: unknown option or missing argument: '--bogus' (see: pidns --help)"
}

@test "pidns -h prints usage and exits 0" {
    run -0 pidns -h
    assert_line --partial "Usage: pidns"
}

@test "a command that does not exist: 127; not executable: 126" {
    requires root
    run -127 --separate-stderr pidns /nonexistent/cmd
    assert_equal "$stderr" "pidns: exec /nonexistent/cmd: No such file or directory"
    printf 'not a program\n' >"$BATS_TEST_TMPDIR/data"
    chmod 0644 "$BATS_TEST_TMPDIR/data"
    run -126 --separate-stderr pidns "$BATS_TEST_TMPDIR/data"
    assert_equal "$stderr" "pidns: exec $BATS_TEST_TMPDIR/data: Permission denied"
}

@test "not root and no user namespace possible: 125, a clear error naming make doctor" {
    requires setpriv
    local bin
    copy_for_unprivileged "$CTLAB_ROOT/01-pid-ns/pidns" "$PROBE"
    bin=$BIN
    # The probe's seccomp filter refuses CLONE_NEWUSER, as docker's does.
    run -125 --separate-stderr as_unprivileged "$bin/probe" deny-userns "$bin/pidns" "$bin/probe" pid
    assert_equal "${#stderr_lines[@]}" 1
    [[ $stderr == "pidns: cannot create a PID namespace: not root, and unshare(CLONE_NEWUSER) failed: Operation not permitted"*"make doctor)" ]]
}

@test "nsls: a bad PID is a usage error, a missing process a clear error" {
    run -2 --separate-stderr nsls abc
    assert_equal "$stderr" "nsls: not a PID: 'abc'"
    run -2 nsls 0
    run -2 nsls 1 2 3
    # A PID that existed a moment ago and is gone now.
    sh -c 'exit 0' &
    local gone=$!
    wait "$gone"
    run -1 --separate-stderr nsls "$gone"
    assert_equal "$stderr" "nsls: no process with PID $gone"
}

@test "pidns leaves nothing behind: no mounts, no processes" {
    requires root
    local before ns
    before=$(mount_table)
    start_pidns --init "$PROBE" spawn 2 20
    ns=$(stat -L -c %i "/proc/$HOST_PID1/ns/pid")
    kill -TERM "$BG_PID" # init forwards it; the probe has no handler: dies
    wait_exit 5 "$BG_PID"
    assert_equal "$STATUS" 143
    wait_until 5 test -z "$(processes_in_pidns "$ns")"
    assert_equal "$(mount_table)" "$before"
}
