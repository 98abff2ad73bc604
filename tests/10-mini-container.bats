#!/usr/bin/env bats
# Chapter 10: minictr, every isolation property end to end. Each container
# runs on a private copy of the busybox rootfs with the probe and
# chroot-escape in it; each claim is read from the kernel inside and
# compared with the host.

bats_require_minimum_version 1.5.0

setup_file() {
    # ctlab0 and /run/ctlab are made on first use; gc removes them when no
    # container is left. Only if this file made them.
    if ip link show ctlab0 >/dev/null 2>&1; then export BRIDGE_BEFORE=1; else export BRIDGE_BEFORE=0; fi
}

teardown_file() {
    [ "$BRIDGE_BEFORE" = 1 ] || "$BATS_TEST_DIRNAME/../10-mini-container/minictr" gc >/dev/null
}

setup() {
    load test_helper/common
    requires root
    ROOT=$(mktemp -d /tmp/ctlab-root.XXXXXX)
    CTLAB_TEMP_DIRS+=("$ROOT")
    chmod 0755 "$ROOT"
    cp -a "$CTLAB_ROOT/rootfs/." "$ROOT/"
    cp "$PROBE" "$CTLAB_ROOT/06-pivot-root/chroot-escape" "$ROOT/bin/"
    mounts_before=$(mount_table)
}

teardown() {
    # Background minictr processes are SIGKILLed here, as in a crash; gc is
    # the documented way to clear what they leave.
    cleanup_test
    minictr gc >/dev/null
    # Nothing of any container remains: state, cgroups, veths, mounts.
    # (One chain: a teardown's status is that of its last command.)
    wait_until 5 no_container_left &&
        assert_equal "$(mount_table)" "$mounts_before"
}

no_container_left() {
    [ -z "$(ls /run/ctlab 2>/dev/null | grep -v '^\.')" ] &&
        [ -z "$(find /sys/fs/cgroup -type d -path '*/ctlab/*' 2>/dev/null)" ] &&
        ! ip -o link | grep -q 'ctlab-h-'
}

# run_ctr [minictr run options] -- CMD...: a container on our rootfs copy.
run_ctr() {
    minictr run --rootfs "$ROOT" "$@"
}

@test "PID 1 is the container's init, and only the container's processes are visible" {
    run -0 run_ctr --name ctlab-t1 -- /bin/sh -c 'echo $$; ps -o pid,comm | wc -l; hostname'
    assert_equal "${lines[0]}" 2           # the command, under init (PID 1)
    assert_equal "${lines[1]}" 5           # header, init, sh, ps, wc
    assert_equal "${lines[2]}" ctlab-t1
    run -0 run_ctr --init=false --hostname web -- /bin/sh -c 'echo $$; hostname'
    assert_equal "${lines[0]}" 1
    assert_equal "${lines[1]}" web
}

@test "namespaces: every one differs from the host's, inside" {
    local ns
    for ns in pid mnt uts ipc net cgroup; do
        inside=$(run_ctr -- /bin/probe ns "$ns")
        refute [ "$inside" = "$(stat -L -c %i /proc/self/ns/$ns)" ]
    done
}

@test "network: only lo and eth0 with the requested address, the bridge reachable, and another container" {
    run -0 run_ctr --ip 10.200.3.4 -- /bin/sh -c 'ls /sys/class/net | tr "\n" " "; echo; ip -o -4 addr show eth0'
    assert_line "eth0 lo "
    assert_line --regexp 'inet 10\.200\.3\.4/16'
    run -0 run_ctr -- /bin/ping -c 1 -W 2 10.200.0.1
    # A second container reaches the first over the bridge.
    start_background "$BATS_TEST_TMPDIR/a" minictr run --rootfs "$ROOT" --name ctlab-a --ip 10.200.7.7 -- /bin/sleep 20
    wait_until 10 test -f /run/ctlab/ctlab-a/ip
    wait_until 10 ip link show "$(cat /run/ctlab/ctlab-a/veth 2>/dev/null || echo none)"
    run -0 run_ctr --name ctlab-b -- /bin/ping -c 1 -W 2 10.200.7.7
    # --net none: only lo.
    run -0 run_ctr --net none -- /bin/sh -c 'ls /sys/class/net'
    assert_output lo
}

@test "the mount table shows nothing of the host; writes land in the upper, the image stays" {
    run -0 run_ctr -- /bin/sh -c 'awk "{print \$5}" /proc/self/mountinfo | sort | tr "\n" " "'
    assert_output --regexp '^/ /dev /dev/pts /dev/shm /proc /proc/acpi.* /sys $'
    run -0 run_ctr -- /bin/sh -c 'echo new > /new-file && rm /bin/true && ls /new-file'
    assert_file_not_exists "$ROOT/new-file"
    assert_file_exists "$ROOT/bin/true"
    run -0 run_ctr --read-only -- /bin/sh -c 'touch /x 2>&1; echo done'
    assert_line --partial "Read-only file system"
}

@test "limits: OOM kill is 137, the fork bomb stops, and the cgroup is the container's" {
    run -137 run_ctr --memory 32m -- /bin/probe memhog 256
    run -0 run_ctr --pids 10 -- /bin/probe forkbomb 100
    # init and the probe are two of the ten.
    assert_output "forked 8, then EAGAIN"
    run -0 run_ctr --name ctlab-cg -- /bin/cat /proc/self/cgroup
    assert_output --partial ":/"
    refute_output --partial ctlab-cg # cgroup namespace: the host's path is hidden
}

@test "/proc: masked files read empty, /proc/sys is read-only; /dev is the minimal set" {
    local file checked=0
    for file in kcore keys timer_list sched_debug latency_stats interrupts; do
        [ -f "/proc/$file" ] || continue # not on this kernel
        [ -n "$(head -c 1 "/proc/$file" 2>/dev/null)" ] || continue # empty anyway
        run -0 run_ctr -- /bin/sh -c "cat /proc/$file | wc -c"
        assert_equal "$file: $output" "$file: 0"
        checked=$((checked + 1))
    done
    [ "$checked" -ge 2 ]
    run -0 run_ctr -- /bin/sh -c 'echo 1 > /proc/sys/kernel/ns_last_pid 2>&1; ls -A /dev | tr "\n" " "'
    assert_line --partial "Read-only file system"
    assert_line "fd full null ptmx pts random shm stderr stdin stdout tty urandom zero "
}

@test "capabilities are docker's 14, none inheritable or ambient, no_new_privs; seccomp is on" {
    run -0 run_ctr -- /bin/sh -c 'grep -E "^(CapEff|CapInh|CapAmb|NoNewPrivs|Seccomp):" /proc/self/status'
    assert_line $'CapEff:\t00000000a80425fb'
    assert_line $'CapInh:\t0000000000000000'
    assert_line $'CapAmb:\t0000000000000000'
    assert_line $'NoNewPrivs:\t1'
    assert_line $'Seccomp:\t2'
    for call in unshare mount keyctl; do
        run -0 run_ctr -- /bin/probe try-syscall "$call"
        assert_equal "$call: $output" "$call: EPERM"
    done
    # --cap-drop ALL and --seccomp unconfined change what the kernel sees.
    run -0 run_ctr --cap-drop ALL --seccomp unconfined -- /bin/sh -c 'grep -E "^(CapEff|Seccomp):" /proc/self/status'
    assert_line $'CapEff:\t0000000000000000'
    assert_line $'Seccomp:\t0'
}

@test "chroot-escape inside stays inside" {
    echo "ctlab host secret" >"$BATS_TEST_TMPDIR/marker"
    run ! run_ctr --cap-add SYS_CHROOT -- /bin/chroot-escape cat "$BATS_TEST_TMPDIR/marker"
    refute_output --partial "ctlab host secret"
}

@test "exit codes: 0, 3, 126, 127, 137" {
    run -0 run_ctr -- /bin/true
    run -3 run_ctr -- /bin/sh -c 'exit 3'
    run -126 run_ctr -- /etc/passwd
    run -127 run_ctr -- /ctlab-no-such-command
    run -137 run_ctr -- /bin/sh -c 'kill -9 $$'
}

# start_container NAME [options] -- CMD: run it in the background and wait
# until its init is up; its host PID in $INIT_PID.
start_container() {
    local name=$1
    shift
    start_background "$BATS_TEST_TMPDIR/$name.out" minictr run --rootfs "$ROOT" --name "$name" "$@"
    wait_until 10 test -s "/run/ctlab/$name/pid"
    INIT_PID=$(cat "/run/ctlab/$name/pid")
}

@test "exec joins the init's namespaces, root and restrictions; its status comes back" {
    start_container ctlab-e -- /bin/sleep 30
    local ns
    for ns in pid mnt uts ipc net cgroup; do
        inside=$(minictr exec ctlab-e -- /bin/probe ns "$ns")
        assert_equal "$ns: $inside" "$ns: $(stat -L -c %i "/proc/$INIT_PID/ns/$ns")"
    done
    run -0 minictr exec ctlab-e -- /bin/sh -c 'hostname; test -x /bin/probe && echo own-root; grep -E "^(CapEff|Seccomp):" /proc/self/status'
    assert_line ctlab-e
    assert_line own-root
    assert_line $'CapEff:\t00000000a80425fb'
    assert_line $'Seccomp:\t2'
    run -5 minictr exec ctlab-e -- /bin/sh -c 'exit 5'
    run -125 minictr exec ctlab-nope -- /bin/true
    assert_output "minictr: no running container 'ctlab-nope' (see: minictr ps)"
}

@test "stop ends a container that ignores SIGTERM within 10 s; kill sends one signal" {
    start_container ctlab-s --init=false -- /bin/sh -c 'trap "" TERM; sleep 60 & wait; sleep 60'
    SECONDS=0
    run -0 minictr stop ctlab-s
    [ "$SECONDS" -le 12 ]
    wait_exit 5 "$BG_PID"
    assert_equal "$STATUS" 137
    start_container ctlab-k2 -- /bin/sleep 60
    run -0 minictr kill ctlab-k2 15
    wait_exit 5 "$BG_PID"
    assert_equal "$STATUS" 143
}

@test "-d detaches: the name comes back at once, output goes to the log, rm removes what is left" {
    run -0 run_ctr -d --name ctlab-det -- /bin/sh -c 'echo hello from inside; sleep 2'
    assert_output ctlab-det
    run -0 minictr ps
    assert_line --regexp '^ctlab-det +[0-9]+ +10\.200\.[0-9.]+ +running$'
    run -1 minictr rm ctlab-det
    assert_output "minictr: container 'ctlab-det' is running (stop it first: minictr stop ctlab-det)"
    wait_until 10 bash -c "minictr ps | grep -q '^ctlab-det .*exited (0)$'"
    assert_equal "$(cat /run/ctlab/ctlab-det/log)" "hello from inside"
    run -0 minictr rm ctlab-det
    assert_file_not_exists /run/ctlab/ctlab-det
    run -1 minictr rm ctlab-det
    assert_output "minictr: no container 'ctlab-det' (see: minictr ps)"
}

@test "kill -9 of minictr mid-run, then gc: nothing is left" {
    start_background "$BATS_TEST_TMPDIR/out" minictr run --rootfs "$ROOT" --name ctlab-k --memory 64m -- /bin/sleep 60
    wait_until 10 test -f /run/ctlab/ctlab-k/pid
    kill -KILL "$BG_PID"
    # The container's init dies with its parent (PDEATHSIG) or keeps the
    # lock; either way gc must clean up once it is gone.
    pid=$(cat /run/ctlab/ctlab-k/pid)
    wait_until 10 process_gone "$pid" || kill -KILL "$pid"
    run -0 minictr ps
    assert_line --regexp '^ctlab-k .* dead \(see: minictr gc\)$'
    run -0 minictr gc
    assert_line "removed ctlab-k"
    no_container_left
}

@test "bad input: one clear line, exit 125, nothing left" {
    run -125 run_ctr --memory 10xb -- /bin/true
    assert_output "minictr: --memory '10xb': not a size, like 64m, 1g or 67108864"
    run -125 minictr run --rootfs /ctlab-no-such-dir -- /bin/true
    assert_output "minictr: rootfs /ctlab-no-such-dir: No such file or directory"
    rm -rf "$ROOT/proc" && ln -s /proc "$ROOT/proc"
    run -125 run_ctr -- /bin/true
    assert_output --partial "/proc is a symlink"
    rm "$ROOT/proc" && mkdir "$ROOT/proc"
    run -125 run_ctr --name .. -- /bin/true
    assert_output --partial "--name '..'"
    run -125 run_ctr --name a/b -- /bin/true
    run -125 run_ctr --name "$(printf 'x%.0s' $(seq 70))" -- /bin/true
    run -125 run_ctr --hostname "$(printf 'h%.0s' $(seq 65))" -- /bin/true
    assert_output "minictr: --hostname: 1 to 64 bytes"
    run -125 run_ctr --cap-add NET_RWA -- /bin/true
    assert_output "minictr: --cap-add NET_RWA: no such capability (did you mean net_raw?)"
    run -125 run_ctr --ip 10.300.0.2 -- /bin/true
    assert_output --partial "--ip 10.300.0.2: want an address in 10.200.0.0/16"
    run -125 run_ctr --ip 192.168.1.2 -- /bin/true
    run -125 run_ctr --ip 10.200.0.1 -- /bin/true
    # A duplicate name, and an address in use.
    start_background "$BATS_TEST_TMPDIR/out" minictr run --rootfs "$ROOT" --name ctlab-dup --ip 10.200.9.9 -- /bin/sleep 20
    wait_until 10 test -f /run/ctlab/ctlab-dup/ip
    run -125 run_ctr --name ctlab-dup -- /bin/true
    assert_output --partial "a container named 'ctlab-dup' exists"
    run -125 run_ctr --ip 10.200.9.9 -- /bin/true
    assert_output "minictr: --ip 10.200.9.9: already used by another container"
}
