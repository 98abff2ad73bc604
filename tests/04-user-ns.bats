#!/usr/bin/env bats
# Chapter 04: user namespaces (userns), unshare and nsenter in C. Run as an
# unprivileged user (nobody) where that is the point; claims are checked in
# /proc/PID/uid_map, file ownership, namespace inodes and clocks, and
# compared with util-linux unshare and nsenter.

bats_require_minimum_version 1.5.0

setup() {
    load test_helper/common
    ALL_TYPES="pid net mnt uts ipc user cgroup time"
}

teardown() {
    restore_subids
    cleanup_test
}

# Copy chapter 04's tools and the probe where nobody can run them: $bin.
tools_for_nobody() {
    copy_for_unprivileged "$CTLAB_ROOT"/04-user-ns/{userns,mini-unshare,mini-nsenter} "$PROBE"
    bin=$BIN
}

# The long option of mini-unshare / unshare(1) for a namespace type.
option_for() {
    case $1 in mnt) echo --mount ;; *) echo "--$1" ;; esac
}

host_ns() {
    stat -L -c %i "/proc/$$/ns/$1"
}

# --- /etc/subuid for the --subids test: added, then restored exactly ---------
add_subids_for_nobody() {
    local f
    for f in /etc/subuid /etc/subgid; do
        if [ -e "$f" ]; then
            cp -p "$f" "$BATS_TEST_TMPDIR/${f##*/}.orig"
        else
            : >"$BATS_TEST_TMPDIR/${f##*/}.absent"
        fi
        echo "nobody:300000:65536" >>"$f"
    done
}

restore_subids() {
    local f
    for f in /etc/subuid /etc/subgid; do
        if [ -e "$BATS_TEST_TMPDIR/${f##*/}.orig" ]; then
            cat "$BATS_TEST_TMPDIR/${f##*/}.orig" >"$f"
        elif [ -e "$BATS_TEST_TMPDIR/${f##*/}.absent" ]; then
            rm -f "$f"
        fi
    done
}

# --- userns -------------------------------------------------------------------

@test "userns --map-root as nobody: uid and gid 0 inside, and the maps say 0 -> 65534" {
    requires userns
    tools_for_nobody
    run -0 as_unprivileged "$bin/userns" --map-root -- sh -c 'id -u; id -g; cat /proc/self/uid_map /proc/self/gid_map'
    assert_equal "${lines[0]}" 0
    assert_equal "${lines[1]}" 0
    assert_line --index 2 --regexp "^ +0 +$NOBODY_UID +1$"
    assert_line --index 3 --regexp "^ +0 +$NOBODY_GID +1$"
}

@test "userns as root: the maps read back as requested, with several ranges" {
    requires root
    run -0 userns --map-user 0:100000:1000 --map-user 1000:200000:10 \
        --map-group 0:100000:65536 -- sh -c 'id -u; cat /proc/self/uid_map /proc/self/gid_map'
    assert_equal "${lines[0]}" 0
    assert_line --index 1 --regexp '^ +0 +100000 +1000$'
    assert_line --index 2 --regexp '^ +1000 +200000 +10$'
    assert_line --index 3 --regexp '^ +0 +100000 +65536$'
    [ "$(userns --map-root "$PROBE" ns user)" != "$(host_ns user)" ]
}

@test "root in the namespace is not root on the host: a root-owned 0600 file stays unreadable" {
    requires userns
    tools_for_nobody
    local dir
    dir=$(mktemp -d /tmp/ctlab-secret.XXXXXX)
    CTLAB_TEMP_DIRS+=("$dir")
    chmod 0755 "$dir"
    echo secret >"$dir/secret"
    chmod 0600 "$dir/secret"
    run as_unprivileged "$bin/userns" --map-root -- sh -c "id -u; cat '$dir/secret'"
    assert_failure
    assert_line --index 0 0
    assert_output --partial "Permission denied"
    refute_output --partial secret$'\n'
}

@test "files of unmapped ids show the overflow id; our own files show 0" {
    requires userns
    tools_for_nobody
    run -0 as_unprivileged "$bin/userns" --map-root -- stat -c '%u %g' /etc/passwd "$bin/userns"
    assert_line --index 0 "$NOBODY_UID $NOBODY_GID" # root:root, unmapped
    [ "$(stat -c %u "$bin/userns")" -eq 0 ]          # also root-owned on the host
    # A file nobody owns on the host is root's inside.
    chown "$NOBODY_UID:$NOBODY_GID" "$bin/probe"
    run -0 as_unprivileged "$bin/userns" --map-root -- stat -c '%u %g' "$bin/probe"
    assert_output "0 0"
}

@test "with no map at all, the command runs as the overflow user" {
    requires userns
    tools_for_nobody
    run -0 as_unprivileged "$bin/userns" -- sh -c 'id -u; cat /proc/self/uid_map | wc -l'
    assert_equal "${lines[0]}" 65534
    assert_equal "${lines[1]}" 0
}

@test "the pitfall: gid_map without setgroups deny is refused for an unprivileged user" {
    requires userns
    tools_for_nobody
    run -125 --separate-stderr as_unprivileged "$bin/userns" --map-root --no-setgroups-deny -- true
    [[ $stderr == *"/gid_map: Operation not permitted (an unprivileged gid_map needs \"deny\" in /proc/PID/setgroups first"* ]]
    # With the deny step (the default) the same map is taken.
    run -0 as_unprivileged "$bin/userns" --map-root -- true
}

@test "--subids maps ranges from /etc/subuid and /etc/subgid through newuidmap" {
    requires userns
    command -v newuidmap >/dev/null || skip "newuidmap (uidmap package) is missing"
    tools_for_nobody
    add_subids_for_nobody
    local uid_range gid_range
    uid_range=$(awk -F: '$1 == "nobody" {print $2, $3; exit}' /etc/subuid)
    gid_range=$(awk -F: '$1 == "nobody" {print $2, $3; exit}' /etc/subgid)
    run -0 as_unprivileged "$bin/userns" --subids -- sh -c 'cat /proc/self/uid_map /proc/self/gid_map; id -u'
    assert_line --index 0 --regexp "^ +0 +$NOBODY_UID +1$"
    assert_line --index 1 --regexp "^ +1 +${uid_range% *} +${uid_range#* }$"
    assert_line --index 2 --regexp "^ +0 +$NOBODY_GID +1$"
    assert_line --index 3 --regexp "^ +1 +${gid_range% *} +${gid_range#* }$"
    assert_line --index 4 0
}

@test "userns bad input: overlapping ranges, malformed maps (2); an id we do not own (125)" {
    run -2 --separate-stderr userns --map-user 0:1000:10 --map-user 5:2000:10 true
    assert_equal "$stderr" "userns: --map-user '5:2000:10' overlaps 0:1000:10 (the kernel refuses overlapping ranges)"
    run -2 --separate-stderr userns --map-user 0:2000:10 --map-user 100:2005:3 true
    [[ $stderr == *"overlaps"* ]]
    run -2 --separate-stderr userns --map-user 0:1000 true
    assert_equal "$stderr" "userns: --map-user '0:1000': expected INSIDE:OUTSIDE:COUNT, e.g. 0:100000:65536"
    run -2 userns --map-user 0:-1:1 true
    run -2 userns --map-user 0:1000:0 true
    run -2 userns
    requires setpriv
    tools_for_nobody
    run -125 --separate-stderr as_unprivileged "$bin/userns" --map-user 0:0:1 -- true
    assert_equal "$stderr" "userns: cannot map uid 0:0:1: without root you may map only your own uid (N:$NOBODY_UID:1); use --subids for ranges from /etc/subuid, or run as root"
}

# --- mini-unshare ---------------------------------------------------------------

@test "mini-unshare: each requested namespace is new, the others are the host's; util-linux agrees" {
    requires root
    local asked type ours theirs
    for asked in $ALL_TYPES; do
        for type in $ALL_TYPES; do
            ours=$(mini-unshare "$(option_for "$asked")" --fork "$PROBE" ns "$type")
            theirs=$(unshare "$(option_for "$asked")" --fork "$PROBE" ns "$type")
            if [ "$type" = "$asked" ]; then
                [ "$ours" != "$(host_ns "$type")" ] || fail "--$asked: $type is the host's"
                [ "$theirs" != "$(host_ns "$type")" ] || fail "unshare --$asked: $type is the host's"
            else
                assert_equal "$ours" "$(host_ns "$type")"
                assert_equal "$theirs" "$(host_ns "$type")"
            fi
        done
    done
}

@test "mini-unshare with no namespace option: all eight are new, as root and as nobody" {
    requires userns
    tools_for_nobody
    local type
    for type in $ALL_TYPES; do
        [ "$(mini-unshare "$PROBE" ns "$type")" != "$(host_ns "$type")" ] || fail "$type (root)"
        [ "$(as_unprivileged "$bin/mini-unshare" "$bin/probe" ns "$type")" != "$(host_ns "$type")" ] ||
            fail "$type (nobody)"
    done
    run -0 as_unprivileged "$bin/mini-unshare" sh -c 'id -u; echo $$'
    assert_output $'0\n1'
}

@test "mini-unshare --mount-proc: ps sees only the new PID namespace" {
    requires root
    run -0 mini-unshare --pid --fork --mount-proc "$PROBE" ps
    assert_output 1
    # Without a new /proc, the host's processes still show.
    run -0 mini-unshare --pid --fork "$PROBE" ps
    [ "${#output}" -gt 10 ]
}

@test "mini-unshare --time: --boottime and --monotonic offsets show in the clocks inside" {
    requires root
    local host_boot host_mono inside_boot inside_mono
    host_boot=$("$PROBE" clock boottime)
    host_mono=$("$PROBE" clock monotonic)
    inside_boot=$(mini-unshare --boottime 100000 --fork "$PROBE" clock boottime)
    inside_mono=$(mini-unshare --monotonic 50000 --fork "$PROBE" clock monotonic)
    [ $((inside_boot - host_boot)) -ge 99999 ] && [ $((inside_boot - host_boot)) -le 100002 ]
    [ $((inside_mono - host_mono)) -ge 49999 ] && [ $((inside_mono - host_mono)) -le 50002 ]
}

@test "mini-unshare --hostname sets the name in a new UTS namespace only" {
    requires root
    local before
    before=$(hostname)
    run -0 mini-unshare --hostname ctlab-mu hostname
    assert_output ctlab-mu
    assert_equal "$(hostname)" "$before"
}

@test "mini-unshare --kill-child: the child dies with mini-unshare; without it, it survives" {
    requires root
    local child
    start_background "$BATS_TEST_TMPDIR/out" mini-unshare --pid --fork --kill-child "$PROBE" sleep 20
    wait_until 5 grep -q ready "$BATS_TEST_TMPDIR/out"
    child=$(children_of "$BG_PID")
    kill -KILL "$BG_PID"
    wait_until 5 process_gone "$child"

    start_background "$BATS_TEST_TMPDIR/out2" mini-unshare --pid --fork "$PROBE" sleep 20
    wait_until 5 grep -q ready "$BATS_TEST_TMPDIR/out2"
    child=$(children_of "$BG_PID")
    kill -KILL "$BG_PID"
    sleep 0.3
    process_gone "$child" && fail "the child died without --kill-child"
    kill -KILL "$child"
}

@test "mini-unshare bad input: a namespace type the kernel lacks (125), bad options (2)" {
    requires root
    # The probe's seccomp filter answers unshare(CLONE_NEWTIME) with EINVAL,
    # as a kernel without time namespaces does.
    run -125 --separate-stderr "$PROBE" no-ns 80 mini-unshare --time --fork true
    assert_equal "$stderr" "mini-unshare: unshare(CLONE_NEWTIME): Invalid argument (this kernel lacks one of these namespace types; see: make doctor)"
    run -2 --separate-stderr mini-unshare --propagation sideways true
    assert_equal "$stderr" "mini-unshare: unknown propagation 'sideways' (private, slave, shared or unchanged)"
    run -2 --separate-stderr mini-unshare --monotonic soon true
    assert_equal "$stderr" "mini-unshare: --monotonic: not a number of seconds: 'soon'"
    run -2 mini-unshare --kill-child=SIGNOPE --pid true
    run -2 mini-unshare --net
    run -127 mini-unshare --net /nonexistent
}

# --- mini-nsenter ---------------------------------------------------------------

# A target: PID 1 of new pid, net, uts, ipc and mnt namespaces, hostname
# ctlab-target, its own /proc. $TARGET is its host PID.
start_target() {
    start_background "$BATS_TEST_TMPDIR/target" "$@" "$PROBE" sleep 20
    wait_until 5 grep -q ready "$BATS_TEST_TMPDIR/target"
    TARGET=$(children_of "$BG_PID")
    [ -n "$TARGET" ]
}

@test "mini-nsenter --all: the command is in the target's namespaces (pidfd and /proc files), as with nsenter" {
    requires root
    local type way
    start_target mini-unshare --pid --net --uts --ipc --mount --fork --mount-proc --hostname ctlab-target
    for type in $ALL_TYPES; do
        for way in "" --proc-files; do
            assert_equal "$(mini-nsenter $way -t "$TARGET" --all "$PROBE" ns "$type")" \
                "$(stat -L -c %i "/proc/$TARGET/ns/$type")"
        done
        assert_equal "$(nsenter -t "$TARGET" --all "$PROBE" ns "$type")" \
            "$(stat -L -c %i "/proc/$TARGET/ns/$type")"
    done
}

@test "mini-nsenter sees the target's hostname, interfaces and PID view" {
    requires root
    start_target mini-unshare --pid --net --uts --ipc --mount --fork --mount-proc --hostname ctlab-target
    run -0 mini-nsenter -t "$TARGET" --all hostname
    assert_output ctlab-target
    run -0 mini-nsenter -t "$TARGET" --net ip -o link
    assert_equal "${#lines[@]}" 1
    assert_output --regexp '^1: lo: '
    # PID 1 is the target; the probe is the second process in there.
    run -0 mini-nsenter -t "$TARGET" --all "$PROBE" ps
    assert_output --regexp '^1 [0-9]+$'
    run -0 nsenter -t "$TARGET" --all "$PROBE" ps
    assert_output --regexp '^1 [0-9]+$'
}

@test "mini-nsenter sets a clean PATH unless --preserve-env" {
    requires root
    start_target mini-unshare --uts --fork
    run -0 env CTLAB_MARK=1 mini-nsenter -t "$TARGET" --uts env
    refute_line CTLAB_MARK=1
    assert_line PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
    run -0 env CTLAB_MARK=1 mini-nsenter -t "$TARGET" --uts --preserve-env env
    assert_line CTLAB_MARK=1
}

@test "as nobody, mini-nsenter joins a rootless container (user namespace first)" {
    requires userns
    tools_for_nobody
    local type
    start_target "${AS_NOBODY[@]}" "$bin/mini-unshare" --map-root-user --pid --fork --mount-proc --net --uts --hostname ctlab-rootless
    for type in user pid net uts mnt; do
        assert_equal "$(as_unprivileged "$bin/mini-nsenter" --proc-files -t "$TARGET" --all "$bin/probe" ns "$type")" \
            "$(stat -L -c %i "/proc/$TARGET/ns/$type")"
    done
    run -0 as_unprivileged "$bin/mini-nsenter" -t "$TARGET" --all sh -c 'hostname; id -u'
    assert_output $'ctlab-rootless\n0'
    # Without its user namespace, nobody has no right to the others.
    run -125 --separate-stderr as_unprivileged "$bin/mini-nsenter" -t "$TARGET" --uts hostname
    [[ $stderr == *"Operation not permitted (joining needs CAP_SYS_ADMIN"* ]]
}

@test "mini-nsenter bad input: missing PID (125), bad PID, no namespace, no target (2)" {
    sh -c 'exit 0' &
    local gone=$!
    wait "$gone"
    run -125 --separate-stderr mini-nsenter -t "$gone" --all true
    assert_equal "$stderr" "mini-nsenter: no process with PID $gone"
    run -2 --separate-stderr mini-nsenter -t abc --all true
    assert_equal "$stderr" "mini-nsenter: -t: not a PID: 'abc'"
    run -2 --separate-stderr mini-nsenter -t 1 true
    [[ $stderr == "mini-nsenter: no namespace chosen"* ]]
    run -2 --separate-stderr mini-nsenter --all true
    assert_equal "$stderr" "mini-nsenter: no target: -t PID is required"
}

@test "chapter 04's tools leave no mounts behind" {
    requires root
    local before
    before=$(mount_table)
    mini-unshare "$PROBE" ps >/dev/null
    userns --map-root true
    start_target mini-unshare --pid --mount --fork --mount-proc
    mini-nsenter -t "$TARGET" --all true
    cleanup_test
    assert_equal "$(mount_table)" "$before"
}
