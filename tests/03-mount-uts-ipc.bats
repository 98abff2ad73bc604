#!/usr/bin/env bats
# Chapter 03: mount, UTS and IPC namespaces. Each claim is checked in the
# kernel's own records: /proc/self/mountinfo, uname, ipcs, mq_open.

bats_require_minimum_version 1.5.0

setup() {
    load test_helper/common
    HOST_IPC_IDS=()
}

teardown() {
    local entry
    for entry in "${HOST_IPC_IDS[@]}"; do
        ipcrm "$entry" 2>/dev/null || true # e.g. "-q 3"
    done
    "$PROBE" mq-unlink /ctlab-host-q 2>/dev/null || true
    if [ -n "${SHARED_DIR:-}" ]; then
        umount -R "$SHARED_DIR" 2>/dev/null || umount -R -l "$SHARED_DIR" 2>/dev/null || true
        rmdir "$SHARED_DIR"
    fi
    cleanup_test
}

# A tmpfs of our own, made shared (as systemd makes /), with a sub/
# directory to mount on: then the test does not depend on the host's /.
make_shared_mount_point() {
    SHARED_DIR=$(mktemp -d /tmp/ctlab-mnt.XXXXXX)
    mount -t tmpfs ctlab-shared "$SHARED_DIR"
    mount --make-shared "$SHARED_DIR"
    mkdir "$SHARED_DIR/sub"
}

# Count the host's mounts whose source is $1.
host_mounts_of() {
    awk -v src="$1" '{for (i = 7; i <= NF; i++) if ($i == "-") {if ($(i + 2) == src) n++; break}}
                     END {print n + 0}' /proc/self/mountinfo
}

# --- mount namespaces ---------------------------------------------------------

@test "mntns: the mnt namespace differs from the host's; uts, ipc, net, pid do not" {
    requires root
    local type inside
    for type in mnt uts ipc net pid; do
        inside=$(mntns "$PROBE" ns "$type")
        if [ "$type" = mnt ]; then
            [ "$inside" != "$(stat -L -c %i /proc/$$/ns/mnt)" ] || fail "mnt is the host's"
        else
            assert_equal "$inside" "$(stat -L -c %i /proc/$$/ns/$type)"
        fi
    done
}

@test "mntns (private, the default): a mount made inside stays out of the host's table" {
    requires root
    make_shared_mount_point
    run -0 mntns -- sh -c "mount -t tmpfs ctlab-inner '$SHARED_DIR/sub' && grep -c ' - tmpfs ctlab-inner ' /proc/self/mountinfo"
    assert_output 1 # it was there, inside
    assert_equal "$(host_mounts_of ctlab-inner)" 0
}

@test "mntns --propagation slave: the inside mount does not come out either" {
    requires root
    make_shared_mount_point
    run -0 mntns --propagation slave -- mount -t tmpfs ctlab-inner "$SHARED_DIR/sub"
    assert_equal "$(host_mounts_of ctlab-inner)" 0
}

@test "mntns --propagation slave: a host mount made later comes in" {
    requires root
    make_shared_mount_point
    local out="$BATS_TEST_TMPDIR/out"
    start_background "$out" mntns --propagation slave -- sh -c \
        "echo ready; for i in \$(seq 100); do grep -q ' - tmpfs ctlab-late ' /proc/self/mountinfo && { echo seen; exit 0; }; sleep 0.05; done; echo unseen"
    wait_until 5 grep -q ready "$out"
    mount -t tmpfs ctlab-late "$SHARED_DIR/sub"
    wait_exit 10 "$BG_PID"
    run cat "$out"
    assert_line seen
}

@test "mntns --propagation unchanged on a shared mount: the mount leaks to the host" {
    requires root
    make_shared_mount_point
    run -0 mntns --propagation unchanged -- mount -t tmpfs ctlab-inner "$SHARED_DIR/sub"
    assert_equal "$(host_mounts_of ctlab-inner)" 1
}

@test "mntns --propagation shared: the mount shows on the host too" {
    requires root
    make_shared_mount_point
    run -0 mntns --propagation shared -- mount -t tmpfs ctlab-inner "$SHARED_DIR/sub"
    assert_equal "$(host_mounts_of ctlab-inner)" 1
}

# --- UTS namespaces -----------------------------------------------------------

@test "utsns: hostname and domainname change inside; the host's stay as they were" {
    requires root
    local host_before domain_before
    host_before=$(hostname)
    domain_before=$(cat /proc/sys/kernel/domainname)
    run -0 utsns --hostname ctlab-web1 --domainname ctlab.lab -- sh -c 'uname -n; cat /proc/sys/kernel/domainname'
    assert_equal "${lines[0]}" ctlab-web1
    assert_equal "${lines[1]}" ctlab.lab
    assert_equal "$(hostname)" "$host_before"
    assert_equal "$(cat /proc/sys/kernel/domainname)" "$domain_before"
    [ "$(utsns "$PROBE" ns uts)" != "$(stat -L -c %i /proc/$$/ns/uts)" ]
}

@test "utsns: a 64-byte hostname is taken; 65 bytes is refused before any system call" {
    requires root
    local name64 name65
    name64=$(printf 'a%.0s' $(seq 64))
    name65=${name64}b
    run -0 utsns --hostname "$name64" -- hostname
    assert_output "$name64"
    run -2 --separate-stderr utsns -v --hostname "$name65" -- hostname
    assert_equal "${#stderr_lines[@]}" 1 # no trace line: nothing was called
    [[ $stderr == "utsns: --hostname: '"*"' is 65 bytes; the kernel allows 64" ]]
}

# --- IPC namespaces -----------------------------------------------------------

@test "ipcns: System V objects made on the host are invisible inside" {
    requires root
    local kind id
    for kind in Q "M 4096" "S 1"; do
        id=$(ipcmk -$kind | awk '{print $NF}')
        case $kind in Q) flag=-q ;; M*) flag=-m ;; S*) flag=-s ;; esac
        HOST_IPC_IDS+=("$flag $id")
        # ipcs -i exits 0 either way; what it says tells.
        run -0 ipcs "$flag" -i "$id"       # the host sees it
        refute_output --partial "not found"
        run ipcns -- ipcs "$flag" -i "$id" # inside does not
        assert_output --partial "id $id not found"
    done
    [ "$(ipcns "$PROBE" ns ipc)" != "$(stat -L -c %i /proc/$$/ns/ipc)" ]
}

@test "ipcns: System V objects made inside are invisible on the host" {
    requires root
    local before
    before=$(ipcs | grep -c '^0x' || true)
    run -0 ipcns -- sh -c 'ipcmk -Q >/dev/null && ipcmk -M 4096 >/dev/null && ipcmk -S 1 >/dev/null && ipcs | grep -c "^0x"'
    assert_output 3
    assert_equal "$(ipcs | grep -c '^0x' || true)" "$before"
}

@test "ipcns: POSIX message queues are isolated both ways" {
    requires root
    run -0 ipcns -- sh -c "'$PROBE' mq-create /ctlab-inner-q && '$PROBE' mq-exists /ctlab-inner-q"
    assert_output yes
    run -0 "$PROBE" mq-exists /ctlab-inner-q
    assert_output no
    "$PROBE" mq-create /ctlab-host-q
    run -0 ipcns "$PROBE" mq-exists /ctlab-host-q
    assert_output no
    run -0 "$PROBE" mq-exists /ctlab-host-q
    assert_output yes
}

# --- rootless -----------------------------------------------------------------

@test "as an unprivileged user, mntns, utsns and ipcns work in a user namespace" {
    requires userns
    local bin
    copy_for_unprivileged "$CTLAB_ROOT"/03-mount-uts-ipc/{mntns,utsns,ipcns} "$PROBE"
    bin=$BIN
    run -0 as_unprivileged "$bin/utsns" --hostname ctlab-rootless -- hostname
    assert_output ctlab-rootless
    run -0 as_unprivileged "$bin/mntns" -- "$bin/probe" ns mnt
    [ "$output" != "$(stat -L -c %i /proc/$$/ns/mnt)" ]
    run -0 as_unprivileged "$bin/ipcns" -- "$bin/probe" ns ipc
    [ "$output" != "$(stat -L -c %i /proc/$$/ns/ipc)" ]
}

# --- bad input ----------------------------------------------------------------

@test "bad input: unknown propagation, no command, unknown option; each one line, exit 2" {
    run -2 --separate-stderr mntns --propagation sideways -- true
    assert_equal "$stderr" "mntns: unknown propagation 'sideways' (private, slave, shared or unchanged)"
    run -2 --separate-stderr mntns
    assert_equal "$stderr" "mntns: no command given (try: mntns -- sh)"
    run -2 --separate-stderr utsns --hostname ""
    assert_equal "$stderr" "utsns: --hostname: empty name"
    run -2 --separate-stderr ipcns --bogus true
    assert_equal "$stderr" "ipcns: unknown option or missing argument: '--bogus' (see: ipcns --help)"
}

@test "a missing command gives 127; nothing is left mounted" {
    requires root
    local before
    before=$(mount_table)
    run -127 mntns /nonexistent
    run -127 utsns --hostname x /nonexistent
    run -127 ipcns /nonexistent
    assert_equal "$(mount_table)" "$before"
}
