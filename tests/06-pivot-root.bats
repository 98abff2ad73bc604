#!/usr/bin/env bats
# Chapter 06: chroot versus pivot_root. A marker file on the host, outside
# the rootfs, is what every escape attempt tries to read: chroot-escape
# reaches it from a chroot jail, and nothing reaches it from a pivot root.

bats_require_minimum_version 1.5.0

setup() {
    load test_helper/common
    requires root
    # A private copy of the busybox rootfs with the two static programs.
    ROOT=$(mktemp -d /tmp/ctlab-root.XXXXXX)
    CTLAB_TEMP_DIRS+=("$ROOT")
    chmod 0755 "$ROOT"
    cp -a "$CTLAB_ROOT/rootfs/." "$ROOT/"
    cp "$CTLAB_ROOT/06-pivot-root/chroot-escape" "$PROBE" "$ROOT/"
    # The secret, on the host only.
    SECRET_DIR=$(mktemp -d /tmp/ctlab-secret.XXXXXX)
    CTLAB_TEMP_DIRS+=("$SECRET_DIR")
    MARKER="$SECRET_DIR/marker"
    echo "ctlab host secret $$" >"$MARKER"
    mounts_before=$(mount_table)
}

teardown() {
    cleanup_test
    assert_equal "$(mount_table)" "$mounts_before"
}

# --- chroot ------------------------------------------------------------------------

@test "chroot alone: the jail looks closed, and chroot-escape reads the host's marker" {
    run ! chroot "$ROOT" /bin/cat "$MARKER"
    run -0 chroot "$ROOT" /chroot-escape cat "$MARKER"
    assert_output "ctlab host secret $$"
    # It left no stepping-stone directory behind.
    assert_file_not_exists "$ROOT/ctlab-escape-sub"
}

@test "chroot-escape --jail builds the jail, goes in, and gets out" {
    run -0 --separate-stderr chroot-escape -v --jail "$ROOT/jail" cat "$MARKER"
    assert_output "ctlab host secret $$"
    lines=("${stderr_lines[@]}")
    assert_line "[chroot-escape] chroot(\"$ROOT/jail\"); chdir(\"/\")  <- now in the jail"
    assert_line --regexp '^\[chroot-escape\] chdir\(".."\) x [0-9]+  <- at the real root$'
    assert_file_executable "$ROOT/jail/chroot-escape"
}

# --- pivot_root ----------------------------------------------------------------------

@test "inside a pivot root the same escape finds nothing, and /.. is /" {
    run ! pivot "$ROOT" -- /chroot-escape cat "$MARKER"
    assert_output --partial "No such file or directory"
    run -0 pivot "$ROOT" -- /bin/sh -c 'stat -c %d:%i / /.. | uniq | wc -l'
    assert_output 1
}

@test "after pivot nothing of the host is reachable through /proc/1/root, open fds or the cwd" {
    run -0 pivot "$ROOT" -- /bin/sh -c "
        readlink /proc/1/root; readlink /proc/1/cwd
        ls /proc/1/fd | tr '\n' ' '; echo
        test -e '/proc/1/root$MARKER' && echo reachable || echo unreachable"
    assert_equal "${lines[0]}" /
    assert_equal "${lines[1]}" /
    assert_equal "${lines[2]}" "0 1 2 "
    assert_equal "${lines[3]}" unreachable
    # The same look from the host, through our own shell's entry: there
    # /proc/PID/root is the host's root, and the marker is in it.
    run -0 test -e "/proc/$$/root$MARKER"
}

@test "/dev holds exactly the minimal set, and /dev/null is the 1:3 char device" {
    run -0 pivot "$ROOT" -- /bin/sh -c 'ls -A /dev | tr "\n" " "'
    assert_output "fd full null ptmx pts random shm stderr stdin stdout tty urandom zero "
    run -0 pivot "$ROOT" -- /bin/sh -c 'stat -c "%t:%T %F" /dev/null; echo x > /dev/null && echo writable'
    assert_line "1:3 character special file"
    assert_line writable
    # Not the host's /dev: no disks.
    run -0 pivot "$ROOT" -- /bin/sh -c 'ls /dev | grep -c -e vda -e sda -e mem -e kmsg || true'
    assert_output 0
}

@test "mountinfo inside shows none of the host's mounts" {
    run -0 pivot "$ROOT" -- /bin/cat /proc/self/mountinfo
    run -0 awk '{print $5}' <<<"$output"
    assert_equal "$(sort <<<"$output" | tr '\n' ' ')" "/ /dev /dev/pts /dev/shm /proc "
}

@test "the command's exit status comes back; -v tells the story" {
    run -7 pivot "$ROOT" -- /bin/sh -c 'exit 7'
    run -127 pivot "$ROOT" -- /ctlab-no-such-command
    run -0 --separate-stderr pivot -v "$ROOT" -- /bin/true
    lines=("${stderr_lines[@]}")
    assert_line --regexp '^\[pivot\] clone3\(CLONE_NEWPID\|CLONE_NEWNS\) = [0-9]+  <- PID 1 in the new root$'
    assert_line "[pivot] pivot_root(\".\", \".\")"
    assert_line "[pivot] umount2(\".\", MNT_DETACH)  <- the old root"
    assert_line "[pivot] mknod $ROOT/dev/null c 1 3"
}

@test "a rootfs whose /dev is a symlink to a host directory is refused; the directory is untouched" {
    target=$(mktemp -d /tmp/ctlab-devtarget.XXXXXX)
    CTLAB_TEMP_DIRS+=("$target")
    touch "$target/keep"
    rm -rf "$ROOT/dev"
    ln -s "$target" "$ROOT/dev"
    run -2 pivot "$ROOT" -- /bin/true
    assert_output "pivot: rootfs $ROOT: /dev is a symlink, not a directory; refusing to mount over it (a symlink would put the mount on the host)"
    assert_equal "$(ls -A "$target")" keep
    rm "$ROOT/dev"
    rm -rf "$ROOT/proc"
    ln -s /tmp "$ROOT/proc"
    run -2 pivot "$ROOT" -- /bin/true
    assert_output --partial "/proc is a symlink"
}

@test "bad input: a missing rootfs, a file as rootfs, no rootfs" {
    run -2 pivot /ctlab-no-such-dir -- /bin/true
    assert_output "pivot: rootfs /ctlab-no-such-dir: No such file or directory"
    run -2 pivot "$MARKER" -- /bin/true
    assert_output "pivot: rootfs $MARKER: not a directory"
    run -2 pivot
    assert_output "pivot: no rootfs given (see: pivot --help)"
    run -2 pivot --propagation shared "$ROOT"
    assert_output "pivot: --propagation shared: want private or slave (shared would leak our mounts to the host)"
}

@test "rootless: as nobody, pivot works in a user namespace (host device nodes bound)" {
    requires userns
    copy_for_unprivileged "$CTLAB_ROOT/06-pivot-root/pivot"
    run -0 as_unprivileged "$BIN/pivot" "$ROOT" -- /bin/sh -c 'id -u; echo x > /dev/null && echo null-ok; test -e "'"$MARKER"'" || echo no-marker'
    assert_line 0
    assert_line null-ok
    assert_line no-marker
}
