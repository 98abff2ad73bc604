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
    [ ! -d "/tmp/ctlab-$NOBODY_UID" ] || minictr_as_nobody gc >/dev/null
    cleanup_test
    minictr gc >/dev/null
    [ -z "$OTHER_NET" ] || remove_other_net
    [ -z "$SUBIDS_SAVED" ] || restore_subids
    [ -z "$DELEG" ] || rmdir "$DELEG/leaf" "$DELEG"
    [ -z "$LOOP" ] || losetup -d "$LOOP"
    # Checked without minictr too: what gc missed, the sweep removes and
    # fails on (it waits, bounded, for veths the kernel is still deleting).
    local swept
    swept=$(ctlab_sweep) || { fail "left after minictr gc, and swept: $swept"; return 1; }
    # Nothing of any container remains: state, cgroups, veths, mounts.
    # (One chain: a teardown's status is that of its last command.)
    wait_until 5 no_container_left &&
        assert_equal "$(mount_table)" "$mounts_before"
}

no_container_left() {
    [ -z "$(ls /run/ctlab 2>/dev/null | grep -v '^\.')" ] &&
        [ ! -e "/tmp/ctlab-$NOBODY_UID" ] &&
        [ -z "$(find /sys/fs/cgroup -type d -path '*/ctlab/*' 2>/dev/null)" ] &&
        ! ip -o link | grep -q 'ctlab-h-'
}

# run_ctr [minictr run options] -- CMD...: a container on our rootfs copy.
run_ctr() {
    minictr run --rootfs "$ROOT" "$@"
}

@test "PID 1 is the container's init, and only the container's processes are visible" {
    # (ps to a file first: in a pipe, wc may or may not be running yet.)
    run -0 run_ctr --name ctlab-t1 -- /bin/sh -c 'echo $$; ps -o pid,comm >/tmp/ps; wc -l </tmp/ps; hostname'
    assert_equal "${lines[0]}" 2           # the command, under init (PID 1)
    assert_equal "${lines[1]}" 4           # header, init, sh, ps
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
    # (/sys/firmware: masked where the host has one; its own test below.)
    assert_output --regexp '^/ /dev /dev/mqueue /dev/pts /dev/shm /proc /proc/acpi.* /sys( /sys/firmware)? $'
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
    assert_line "fd full mqueue null ptmx pts random shm stderr stdin stdout tty urandom zero "
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
    # No signal: docker kill's SIGKILL (an OCI container gets runc's
    # SIGTERM: tests/11-oci-cli.bats).
    start_container ctlab-k3 -- /bin/sleep 60
    run -0 minictr kill ctlab-k3
    wait_exit 5 "$BG_PID"
    assert_equal "$STATUS" 137
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
    rm -rf "$ROOT/dev" && ln -s /dev "$ROOT/dev"
    run -125 run_ctr -- /bin/true
    assert_output --partial "/dev is a symlink"
    rm "$ROOT/dev" && mkdir "$ROOT/dev"
    run -125 run_ctr --name .. -- /bin/true
    assert_output "minictr: container name '..': want 1-63 letters, digits, '_', '.' or '-', starting with a letter or digit"
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

@test "IPC: a message queue made on either side is invisible on the other" {
    "$PROBE" mq-create /ctlab-host-q
    run -0 run_ctr -- /bin/probe mq-exists /ctlab-host-q
    "$PROBE" mq-unlink /ctlab-host-q
    assert_output no
    # Made inside: seen by the container itself (exec), not by the host.
    start_container ctlab-ipc -- /bin/sh -c '/bin/probe mq-create /ctlab-ctr-q; sleep 30'
    wait_until 10 bash -c "minictr exec ctlab-ipc -- /bin/probe mq-exists /ctlab-ctr-q | grep -qx yes"
    run -0 "$PROBE" mq-exists /ctlab-ctr-q
    assert_output no
    # And the namespaces themselves differ.
    refute [ "$(stat -L -c %i "/proc/$INIT_PID/ns/ipc")" = "$(stat -L -c %i /proc/self/ns/ipc)" ]
}

@test "cpu: --cpus 0.2 throttles 2 s of spinning to about 0.4 CPU-seconds" {
    run -0 run_ctr --cpus 0.2 -- /bin/probe cpuburn 2
    used=$(awk '{print $2}' <<<"$output")
    # 0.2 CPUs for 2 s is 0.4 CPU-seconds; the scheduler is within 30%.
    awk -v u="$used" 'BEGIN { exit !(u >= 0.28 && u <= 0.52) }' || fail "used $used CPU-seconds"
    run -0 run_ctr -- /bin/probe cpuburn 1
    used=$(awk '{print $2}' <<<"$output")
    awk -v u="$used" 'BEGIN { exit !(u >= 0.8) }' || fail "unlimited: only $used CPU-seconds"
}

# The namespace and bridge of the next test; /run/netns too if netns add
# made it (as `ip netns add` does, it stays a shared mount point).
remove_other_net() {
    netns del ctlabN9
    netns bridge del ctlabbr9
    if [ "$OTHER_NET" = made-run-netns ] && [ -z "$(ls -A /run/netns)" ]; then
        umount /run/netns && rmdir /run/netns
    fi
    OTHER_NET=
}

@test "network: a namespace on another bridge, same subnet, is out of reach" {
    OTHER_NET=1
    [ -e /run/netns ] || OTHER_NET=made-run-netns
    netns add ctlabN9
    netns bridge add ctlabbr9 10.200.200.1/24
    netns attach ctlabbr9 ctlabN9 --peer 10.200.200.9/16
    # It is alive on its own switch...
    netns exec ctlabN9 busybox ping -c 1 -W 2 10.200.200.1
    # ...but not from a container on ctlab0.
    run -1 run_ctr -- /bin/ping -c 1 -W 1 10.200.200.9
}

@test "-t: the container's own pty is its terminal; input, output and the exit code pass through" {
    run -7 bash -c "printf 'echo hi-\$((1+2)); tty; ls /dev/pts | tr \"\\\\n\" \" \"; echo; echo \$TERM\nexit 7\n' |
        timeout 20 minictr run --rootfs '$ROOT' -t -- /bin/sh"
    assert_line --partial "hi-3"
    assert_line --partial "/dev/pts/0"
    assert_line --partial "0 ptmx "   # a devpts of its own: one pty, ours
    assert_line --partial "xterm"
    run -125 run_ctr -t -d -- /bin/true
    assert_output --partial "-t with -d"
    # A child that fails before its terminal is made: its one line only.
    run -125 run_ctr -t -w /etc/passwd/sub -- /bin/true </dev/null
    assert_output "minictr: open /etc/passwd/sub in the container: Not a directory"
}

@test "-e, -w, --volume: the environment is clean, the workdir is made, volumes bind (ro holds)" {
    run -0 env CTLAB_HOST_SECRET=leak minictr run --rootfs "$ROOT" -e A=1 -e PATH=/bin -w /srv/app -- /bin/sh -c 'env | sort; pwd'
    assert_line A=1
    assert_line PATH=/bin
    assert_line HOME=/root
    assert_line /srv/app
    refute_output --partial CTLAB_HOST_SECRET
    mkdir "$BATS_TEST_TMPDIR/vol"
    echo from-host >"$BATS_TEST_TMPDIR/vol/in"
    run -0 run_ctr --volume "$BATS_TEST_TMPDIR/vol:/data" -- /bin/sh -c 'cat /data/in; echo from-ctr > /data/out'
    assert_output from-host
    assert_equal "$(cat "$BATS_TEST_TMPDIR/vol/out")" from-ctr
    run -0 run_ctr --volume "$BATS_TEST_TMPDIR/vol:/data:ro" -- /bin/sh -c 'echo x > /data/out2 2>&1; echo done'
    assert_line --partial "Read-only file system"
    assert_file_not_exists "$BATS_TEST_TMPDIR/vol/out2"
    # A symlink in the image cannot aim a volume at a host path: /evil ->
    # /tmp resolves to the container's /tmp, not the host's.
    ln -s /tmp "$ROOT/evil"
    run -0 run_ctr --volume "$BATS_TEST_TMPDIR/vol:/evil/ctlab-vol-$$" -- /bin/cat "/tmp/ctlab-vol-$$/in"
    assert_output from-host
    assert_file_not_exists "/tmp/ctlab-vol-$$"
    ln -s /ctlab-missing "$ROOT/dangling"
    run -125 run_ctr --volume "$BATS_TEST_TMPDIR/vol:/dangling/x" -- /bin/true
    assert_output "minictr: /dangling in the container is a symlink to a missing path"
    run -125 run_ctr --volume relative:/data -- /bin/true
    assert_output "minictr: --volume relative:/data: want /HOST/PATH:/CONTAINER/PATH[:ro]"
    run -125 run_ctr --volume "$BATS_TEST_TMPDIR/vol:/a/../b" -- /bin/true
    assert_output --partial "without '..'"
    run -125 run_ctr --volume /ctlab-no-such:/data -- /bin/true
    assert_output "minictr: --volume /ctlab-no-such:/data: /ctlab-no-such: No such file or directory"
}

# As nobody, with no XDG_RUNTIME_DIR: state in /tmp/ctlab-65534.
minictr_as_nobody() {
    as_unprivileged env -u XDG_RUNTIME_DIR "$BIN/minictr" "$@"
}

@test "--rootless as nobody: root inside is nobody outside, no network, nothing left" {
    requires userns
    copy_for_unprivileged "$CTLAB_ROOT/10-mini-container/minictr"
    run -0 minictr_as_nobody run --rootfs "$ROOT" -- /bin/sh -c 'id -u; cat /proc/self/uid_map; ls /sys/class/net; grep -E "^(CapEff|Seccomp):" /proc/self/status; echo new > /new; hostname'
    assert_line 0
    assert_line --regexp "^ +0 +$NOBODY_UID +1\$"
    assert_line lo
    refute_line eth0
    assert_line $'CapEff:\t00000000a80425fb'
    assert_line $'Seccomp:\t2'
    assert_file_not_exists "$ROOT/new"
    # The user namespace is a new one: inside differs from the host's.
    inside=$(minictr_as_nobody run --rootfs "$ROOT" -- /bin/probe ns user)
    refute [ "$inside" = "$(stat -L -c %i /proc/self/ns/user)" ]
    # What needs root says so.
    run -125 minictr_as_nobody run --rootfs "$ROOT" --net bridge -- /bin/true
    assert_output --partial "--net bridge needs root"
    run -125 minictr_as_nobody run --rootfs "$ROOT" --memory 32m -- /bin/true
    assert_output --partial "need a cgroup v2 subtree delegated to you, and there is none"
    # exec, stop and gc work on nobody's own containers.
    run -0 minictr_as_nobody run -d --name ctlab-rl --rootfs "$ROOT" -- /bin/sleep 30
    run -0 minictr_as_nobody exec ctlab-rl -- /bin/sh -c 'id -u; cat /proc/1/cmdline | tr "\0" " "'
    assert_line 0
    run -0 minictr_as_nobody stop ctlab-rl
    run -0 minictr_as_nobody rm ctlab-rl
    run -0 minictr_as_nobody gc
}

save_subids() {
    SUBIDS_SAVED=$BATS_TEST_TMPDIR/subids
    mkdir "$SUBIDS_SAVED"
    cp -a /etc/subuid /etc/subgid "$SUBIDS_SAVED/"
}
restore_subids() {
    cp -a "$SUBIDS_SAVED/subuid" "$SUBIDS_SAVED/subgid" /etc/
    SUBIDS_SAVED=
}

@test "--rootless with a range in /etc/subuid: newuidmap maps 65536 more ids; chowned files are still removed" {
    requires userns
    command -v newuidmap >/dev/null || skip "newuidmap (uidmap) is missing"
    copy_for_unprivileged "$CTLAB_ROOT/10-mini-container/minictr"
    save_subids
    echo "$NOBODY_UID:300000:65536" >>/etc/subuid
    echo "$NOBODY_UID:300000:65536" >>/etc/subgid
    run -0 minictr_as_nobody -v run --rootfs "$ROOT" -- /bin/sh -c 'cat /proc/self/uid_map; mkdir /d && echo x > /d/f && chown -R 1000:1000 /d && chmod 700 /d && ls -ln /d'
    assert_line --partial "run newuidmap"
    assert_line --regexp '^ +1 +300000 +65536$'
    assert_line --regexp '^-rw-r--r-- +1 1000 +1000 '
    restore_subids
    # Its upper dir (owned by 301000 on the host) went with it; only
    # the base's lock is left, for gc to remove.
    assert_equal "$(ls -A "/tmp/ctlab-$NOBODY_UID" 2>/dev/null)" ".lock"
}

@test "mini-container.sh: the chapter's script done right with ctlab's tools; nothing left, even after SIGTERM" {
    local script="$CTLAB_ROOT/10-mini-container/mini-container.sh"
    run -4 env IMAGE="$ROOT" "$script" /bin/sh -c 'hostname; echo pid=$$; ip -o -4 addr show eth0; ls -A /dev | tr "\n" " "; echo; ping -c 1 -W 2 10.200.250.1 >/dev/null && echo host-reached; exit 4'
    assert_line --regexp '^ctlab-mc-[0-9]+$'
    assert_line pid=1
    assert_line --regexp 'inet 10\.200\.250\.2/30'
    assert_line "fd full null ptmx pts random shm stderr stdin stdout tty urandom zero "
    assert_line host-reached
    # The limits are the host's real files: 128 MiB OOM-kills.
    run -137 env IMAGE="$ROOT" "$script" /bin/probe memhog 256
    run -0 env IMAGE="$ROOT" "$script" /bin/probe forkbomb 100
    assert_output --partial "then EAGAIN"
    # SIGTERM mid-run: the trap undoes everything it made.
    start_background "$BATS_TEST_TMPDIR/mc.out" env IMAGE="$ROOT" "$script" /bin/sleep 30
    wait_until 30 grep -q "start: /bin/sleep" "$BATS_TEST_TMPDIR/mc.out"
    kill -TERM "$BG_PID"
    wait_exit 15 "$BG_PID"
    assert_equal "$STATUS" 143
    assert_equal "$(ls -d /tmp/ctlab-mc-* /run/netns/ctlab-mc-* 2>/dev/null)" ""
}

@test "--rootless in a cgroup v2 subtree delegated to nobody: the limits apply there" {
    requires cgroup2 userns
    copy_for_unprivileged "$CTLAB_ROOT/10-mini-container/minictr"
    local v2
    v2=$(awk '$9 == "cgroup2" { print $5; exit }' /proc/self/mountinfo)
    # What systemd's Delegate=yes does: a subtree whose directory and
    # cgroup.procs/subtree_control/threads belong to the user, with the
    # user's processes in a leaf below it.
    echo "+memory +pids" >"$v2/cgroup.subtree_control"
    DELEG="$v2/ctlab-deleg"
    mkdir "$DELEG" "$DELEG/leaf"
    chown -R "$NOBODY_UID:$NOBODY_GID" "$DELEG"
    in_leaf_as_nobody() {
        bash -c 'echo $$ >"$1/leaf/cgroup.procs" && shift && exec "$@"' - "$DELEG" \
            "${AS_NOBODY[@]}" env -u XDG_RUNTIME_DIR "$BIN/minictr" "$@"
    }
    run -137 in_leaf_as_nobody -v run --rootfs "$ROOT" --memory 32m -- /bin/probe memhog 256
    assert_output --partial "cgroup: $DELEG is delegated to uid $NOBODY_UID"
    assert_output --partial "write $DELEG/"
    run -0 in_leaf_as_nobody run --rootfs "$ROOT" --pids 10 -- /bin/probe forkbomb 100
    assert_output "forked 8, then EAGAIN"
    # Its cgroup went with it; the delegated directory stays the user's.
    assert_equal "$(find "$DELEG" -mindepth 1 -type d)" "$DELEG/leaf"
}

@test "--timings: every phase in microseconds on stderr, the command's output and status untouched" {
    run -3 --separate-stderr minictr run --rootfs "$ROOT" --timings -- /bin/sh -c 'echo out; exit 3'
    assert_output out
    local phase
    for phase in check state cgroup clone '(child up)' network root mounts pivot '(waited)' security start exec '(command)' delete total; do
        printf '%s\n' "${stderr_lines[@]}" | grep -qE "^timing ${phase//[()]/.} +[0-9]+\b" || fail "no line for $phase"
    done
    # The phases the run went through took time; the total is wall time.
    for phase in check state cgroup clone root mounts security start exec total; do
        value=$(printf '%s\n' "${stderr_lines[@]}" | awk -v p="$phase" '$2 == p { print $3 }')
        [ "$value" -gt 0 ] || fail "$phase: $value"
    done
}

@test "-v: each of the twelve steps says its header once, in order" {
    run -0 --separate-stderr minictr -v run --rootfs "$ROOT" --net none -- /bin/true
    run -0 grep -oE -- '--- [0-9]+\. [a-z]+ ---' <<<"$stderr"
    assert_equal "$output" "$(printf -- '--- %s ---\n' '1. check' '2. state' '3. cgroup' \
        '4. clone' '5. network' '6. root' '7. mounts' '8. pivot' '9. security' \
        '10. start' '11. exec' '12. delete')"
}

@test "bench/scale.sh 100: a hundred bridged containers at once, each reaches another, nothing left" {
    run -0 "$CTLAB_ROOT/bench/scale.sh" 100
    assert_line --regexp '^  100 of 100 started in '
    assert_line --regexp '^  100 of 100 reached their neighbour in '
    assert_line "100 containers: all started, all reached, nothing left."
    run -2 "$CTLAB_ROOT/bench/scale.sh" 1
    assert_output "scale.sh: N from 2 to 1000"
    run -2 "$CTLAB_ROOT/bench/scale.sh" many
    assert_output "scale.sh: N must be a number"
}

@test "bench scripts: clear refusals, nothing made" {
    # (Copies: nobody may not reach a clone under /root. They stop at
    # the root check, before they look for anything next to them.)
    copy_for_unprivileged "$CTLAB_ROOT"/bench/{bench,layers,scale}.sh
    run -1 as_unprivileged "$BIN/bench.sh"
    assert_output "bench.sh: needs root (runtimes with cgroups and networks)"
    run -1 as_unprivileged "$BIN/layers.sh"
    assert_output "layers.sh: needs root (overlay mounts)"
    run -1 as_unprivileged "$BIN/scale.sh" 3
    assert_output "scale.sh: needs root (a bridge, veths, cgroups)"
    run -1 "$CTLAB_ROOT/bench/oci-bundle.sh"
    assert_output --partial "usage: oci-bundle.sh BUNDLE [ROOTFS]"
    assert_equal "$(ls -d /tmp/ctlab-bench.* /tmp/ctlab-layers.* /tmp/ctlab-scale.* 2>/dev/null)" ""
}

# --- Attacks from inside a default container (issue 15). Each test
# performs the attack and expects it refused, with a control that shows
# the same check sees the attack succeed where the defence is absent.

@test "devices: any node may be made, only the minimal /dev opened; a host disk and /dev/kmsg are refused" {
    command -v losetup >/dev/null || skip "losetup (util-linux) is missing"
    truncate -s 1M "$BATS_TEST_TMPDIR/disk"
    echo "ctlab disk secret" | dd of="$BATS_TEST_TMPDIR/disk" conv=notrunc status=none
    LOOP=$(losetup -f --show "$BATS_TEST_TMPDIR/disk") || skip "no loop device here"
    local majmin
    majmin=$(printf '%d %d' "0x$(stat -c %t "$LOOP")" "0x$(stat -c %T "$LOOP")")
    run -0 run_ctr -- /bin/sh -c "mknod /tmp/disk b $majmin && mknod /tmp/kmsg c 1 11 && echo made;
        /bin/probe open /tmp/disk r; /bin/probe open /tmp/kmsg w; /bin/probe open /dev/null rw;
        /bin/probe open /dev/urandom r; /bin/probe open /dev/ptmx rw"
    assert_equal "$output" "$(printf 'made\nEPERM\nEPERM\nok\nok\nok')"
    # Control: the same node, made on the host, opens and shows the data.
    mknod "$BATS_TEST_TMPDIR/node" b $majmin
    run -0 "$PROBE" open "$BATS_TEST_TMPDIR/node" r
    assert_output ok
    assert_equal "$(head -c 17 "$BATS_TEST_TMPDIR/node")" "ctlab disk secret"
}

@test "devices: the kernel holds docker's rules for the running container (v1 devices.list)" {
    [ -d /sys/fs/cgroup/devices ] || skip "no cgroup v1 devices hierarchy (v2 uses a BPF program: tests/05)"
    start_container ctlab-dev -- /bin/sleep 30
    run -0 cat /sys/fs/cgroup/devices/ctlab/ctlab-dev/devices.list
    assert_equal "$(echo "$output" | LC_ALL=C sort | tr '\n' ' ')" "b *:* m c *:* m c 136:* rwm c 1:3 rwm c 1:5 rwm c 1:7 rwm c 1:8 rwm c 1:9 rwm c 5:0 rwm c 5:2 rwm "
    # The init is in it (the kernel's view of its cgroup).
    run -0 grep -E '^[0-9]+:devices:/ctlab/ctlab-dev$' "/proc/$INIT_PID/cgroup"
}

@test "host fds: PID 1 and the command hold only 0-2; a caller's open directory is out of reach (CVE-2024-21626)" {
    # The caller holds fd 7 on the host's /, as a shell with `exec 7</` would.
    run -0 bash -c 'exec 7</; exec "$0" run --rootfs "$1" -- /bin/sh -c \
        "ls /proc/1/fd | tr \"\n\" \" \"; echo; /bin/probe fds; ls /proc/1/fd/7/ 2>&1; /bin/probe getfd 1 1"' \
        "$(command -v minictr)" "$ROOT"
    assert_line "0 1 2 "
    assert_line --regexp '^ls: /proc/1/fd/7/: No such file or directory$'
    assert_line EPERM # pidfd_getfd on PID 1: not dumpable
    refute_line --regexp '^[3-9] '
    refute_output --partial "vmlinuz"
    # Seen from the host: the init's fds (no state lock, no host path).
    start_container ctlab-fd -- /bin/sleep 30
    assert_equal "$(ls "/proc/$INIT_PID/fd" | sort -n | tr '\n' ' ')" "0 1 2 "
    # Control: an fd a process in the container opens itself is listed.
    run -0 run_ctr -- /bin/sh -c 'exec 9</etc; /bin/probe fds'
    assert_line "9 /etc"
}

@test "PID 1 is not dumpable: its memory cannot be opened from inside, a process's own can" {
    run -0 run_ctr -- /bin/sh -c '/bin/probe open /proc/1/mem rw; /bin/probe open /proc/self/mem rw'
    assert_equal "$output" "$(printf 'EACCES\nok')"
}

@test "exec: no process of it is caught unfiltered and open to write, even with SYS_PTRACE; unconfined, the hunter catches some" {
    # A hunter inside looks for processes without a filter and opens their
    # memory while twenty execs come and go. With CAP_SYS_PTRACE, not
    # being dumpable protects nothing: the command must be born with its
    # filter (the joiner restricts itself first, outside the container's
    # PID namespace).
    local profile
    declare -A options=([default]="" [ptrace]="--cap-add SYS_PTRACE" [unconfined]="--seccomp unconfined")
    for profile in default ptrace unconfined; do
        run -0 run_ctr -d --name "ctlab-hunt-$profile" ${options[$profile]} -- /bin/probe hunt-mem 3
        for _ in $(seq 20); do
            minictr exec "ctlab-hunt-$profile" -- /bin/sleep 0.02 || break
        done
        wait_until 10 bash -c "minictr ps | grep -q '^ctlab-hunt-$profile .*exited (0)$'"
    done
    for profile in default ptrace; do
        run -0 cat "/run/ctlab/ctlab-hunt-$profile/log"
        assert_line --regexp '^looked at [0-9]+ processes$'
        refute_line --regexp '^opened '
    done
    run -0 cat /run/ctlab/ctlab-hunt-unconfined/log
    assert_line --regexp '^opened [0-9]+$'
}

@test "exec applies run's own policy: dropped capabilities stay dropped, run's profile stays loaded" {
    start_container ctlab-pol --cap-drop ALL -- /bin/sleep 30
    run -0 minictr exec ctlab-pol -- /bin/sh -c 'grep -E "^(CapEff|CapBnd|Seccomp):" /proc/self/status'
    assert_line $'CapEff:\t0000000000000000'
    assert_line $'CapBnd:\t0000000000000000'
    assert_line $'Seccomp:\t2'
    # A profile of its own: exec gets it, not the default.
    printf 'default allow\ndeny mkdir\ndeny mkdirat\n' >"$BATS_TEST_TMPDIR/profile"
    start_container ctlab-pol2 --seccomp "$BATS_TEST_TMPDIR/profile" -- /bin/sleep 30
    run -1 minictr exec ctlab-pol2 -- /bin/mkdir /d
    assert_output --partial "Operation not permitted"
    run -0 minictr exec ctlab-pol2 -- /bin/probe try-syscall unshare # default profile's, not this one's
    assert_output EINVAL
    # Run's additions too, and unconfined stays unconfined.
    start_container ctlab-pol3 --cap-add SYS_ADMIN --seccomp unconfined -- /bin/sleep 30
    run -0 minictr exec ctlab-pol3 -- /bin/sh -c 'grep -E "^(CapEff|Seccomp):" /proc/self/status'
    assert_line $'CapEff:\t00000000a82425fb'
    assert_line $'Seccomp:\t0'
}

@test "exec: the command's stdio are pipes that minictr relays, never the caller's terminal" {
    command -v script >/dev/null || skip "script (util-linux) is missing"
    start_container ctlab-tty -- /bin/sleep 30
    # Control: under script(1) the caller's stdin is a terminal.
    run -0 script -qec 'readlink /proc/self/fd/0' /dev/null
    assert_output --regexp '^/dev/pts/[0-9]+'
    run -0 script -qec "minictr exec ctlab-tty -- /bin/sh -c 'for fd in 0 1 2; do readlink /proc/self/fd/\$fd; done; exit 3'; echo status \$?" /dev/null
    assert_equal "$(echo "$output" | tr -d '\r' | sed -E 's/[0-9]+/N/g' | tr '\n' ' ')" "pipe:[N] pipe:[N] pipe:[N] status N "
    assert_line --partial "status 3"
    # Data passes both ways, the status comes back, and a process left
    # in the background does not hold exec.
    run -7 bash -c 'echo piped-in | minictr exec ctlab-tty -- /bin/sh -c "cat; echo to-stderr >&2; sleep 30 & exit 7"'
    assert_equal "$output" "$(printf 'piped-in\nto-stderr')"
}

@test "/proc masks are the container's own /dev/null: the host's node cannot be changed through them" {
    local before
    before=$(stat -c '%a %u %g %Z' /dev/null)
    run -0 run_ctr -- /bin/sh -c 'stat -c "%i %d" /proc/interrupts /dev/null | uniq | wc -l; chmod 600 /proc/interrupts; chown 1:1 /proc/kcore /proc/keys 2>/dev/null; true'
    assert_output 1 # one inode for both: the container's
    assert_equal "$(stat -c '%a %u %g %Z' /dev/null)" "$before"
}

@test "--rootless as root is refused: it would map root inside to the host's root" {
    run -125 run_ctr --rootless -- /bin/true
    assert_output "minictr: --rootless as root would map root inside to the host's uid 0; run it as a user (sudo -u nobody minictr run ...)"
}

@test "-d: the monitor keeps none of its caller's fds, only the state lock" {
    run -0 bash -c 'exec 7</ 8>"$2/held"; exec "$0" run -d --rootfs "$1" --name ctlab-mon -- /bin/sleep 30' \
        "$(command -v minictr)" "$ROOT" "$BATS_TEST_TMPDIR"
    local init monitor
    init=$(cat /run/ctlab/ctlab-mon/pid)
    monitor=$(awk '/^PPid:/ {print $2}' "/proc/$init/status")
    run -0 bash -c "ls -l /proc/$monitor/fd | awk 'NR > 1 {print \$NF}' | sort"
    assert_equal "$(echo "$output" | tr '\n' ' ')" "/dev/null /run/ctlab/ctlab-mon/lock /run/ctlab/ctlab-mon/log /run/ctlab/ctlab-mon/log "
    minictr stop ctlab-mon
}

@test "exec's workdir: a symlink the container plants stays inside its root; a magic link is refused" {
    start_container ctlab-wd -w /work -- /bin/sleep 30
    minictr exec ctlab-wd -- /bin/sh -c 'cd / && rm -r /work && ln -s ../../../../.. /work'
    run -0 minictr exec ctlab-wd -- /bin/sh -c 'pwd -P; test -x /bin/probe && echo own-root'
    assert_output "$(printf '/\nown-root')"
    # Control: a plain symlink inside the image is followed.
    minictr exec ctlab-wd -- /bin/sh -c 'rm /work && ln -s /tmp /work'
    run -0 minictr exec ctlab-wd -- /bin/pwd
    assert_output /tmp
    minictr exec ctlab-wd -- /bin/sh -c 'rm /work && ln -s /proc/1/fd/1 /work'
    run -125 minictr exec ctlab-wd -- /bin/pwd
    assert_output "minictr: open /work in the container: Too many levels of symbolic links"
}

@test "stop and kill: an empty, zero or stranger's init record is refused; signals by name or number, strictly" {
    start_container ctlab-sig -- /bin/sleep 60
    local record stranger
    record=$(cat /run/ctlab/ctlab-sig/init)
    sleep 60 &
    stranger=$!
    CTLAB_BG_PIDS+=("$stranger")
    for bad in "" "0 0" "1 1" "-1 5" "$stranger 1" "$INIT_PID" "$record x"; do
        printf '%s\n' "$bad" >/run/ctlab/ctlab-sig/init
        run -1 minictr kill ctlab-sig TERM
        assert_equal "[$bad] $output" "[$bad] minictr: no running container 'ctlab-sig' (see: minictr ps)"
    done
    kill -0 "$stranger"      # never signalled
    kill -0 "$INIT_PID"      # nor the container
    echo "$record" >/run/ctlab/ctlab-sig/init
    for bad in 9x "" -9 0 65 SIGNOPE TERM2; do
        run -125 minictr kill ctlab-sig "$bad"
        assert_output --partial "kill: signal '$bad': want a number"
    done
    run -0 minictr kill ctlab-sig SIGUSR1 # init forwards it; sleep dies of it
    wait_exit 5 "$BG_PID"
    assert_equal "$STATUS" 138
    start_container ctlab-sig2 -- /bin/sleep 60
    run -0 minictr kill ctlab-sig2 term
    wait_exit 5 "$BG_PID"
    assert_equal "$STATUS" 143
}

@test "names: a leading dot, control characters in a hostname or workdir, are refused; nothing is made" {
    for name in .hidden .. -x _x 'a b' "$(printf 'a\nb')"; do
        run -125 run_ctr --name "$name" -- /bin/true
        assert_output --regexp "^minictr: container name '.*': want 1-63 letters"
        assert_equal "${#lines[@]}" 1
    done
    run -125 run_ctr --hostname "$(printf 'h\nPATH=/evil')" -- /bin/true
    assert_output "minictr: --hostname: no control characters"
    run -125 run_ctr -w "$(printf '/w\nx')" -- /bin/true
    assert_output "minictr: -w: want an absolute path, without control characters"
    for verb in "stop .hidden" "kill .hidden" "rm .hidden" "exec .hidden -- /bin/true"; do
        run minictr $verb
        assert_line --regexp "^minictr: container name '.hidden'"
    done
    assert_equal "$(ls -A /run/ctlab 2>/dev/null | grep -v '^\.[a-z]*lock$')" ""
}

@test "usage errors: one line, exit 125 (docker's rule, documented in --help)" {
    run -125 minictr run --bogus -- /bin/true
    assert_output "minictr: unknown option or missing argument: '--bogus' (see: minictr --help)"
    run -125 minictr bogus
    assert_output "minictr: unknown command or wrong arguments: 'bogus' (see: minictr --help)"
    run -125 minictr kill
    assert_equal "${#lines[@]}" 1
    run -125 minictr run --rootfs "$ROOT"
    assert_output "minictr: run: no command given (see: minictr --help)"
    run -0 minictr --help
    assert_line --partial "125 when minictr itself fails or"
}

@test "volumes: DIR:/. and DIR:// cannot replace the container's root" {
    local spec
    for spec in /tmp:/. /tmp:// /tmp:/./ /tmp:/a/.. /tmp:/a/../ /tmp:/.//:ro; do
        run -125 run_ctr --volume "$spec" -- /bin/true
        assert_output --partial "the container path must be below / and without '..'"
    done
    # Control: the same spellings of a real path are one path.
    mkdir "$BATS_TEST_TMPDIR/vol" && echo in-volume >"$BATS_TEST_TMPDIR/vol/f"
    run -0 run_ctr --volume "$BATS_TEST_TMPDIR/vol:/.//mnt/./v/:ro" -- /bin/cat /mnt/v/f
    assert_output in-volume
}

@test "/sys/firmware is masked (the host's ACPI tables, EFI variables, DMI)" {
    [ -n "$(ls -A /sys/firmware 2>/dev/null)" ] || skip "this machine has nothing in /sys/firmware"
    run -0 run_ctr -- /bin/sh -c 'ls -A /sys/firmware | wc -l; touch /sys/firmware/x 2>&1; true'
    assert_line 0
    assert_line --partial "Read-only file system"
}

@test "the new mount API is denied even with --cap-add SYS_ADMIN; unconfined it gets through" {
    local call
    for call in fsopen fsmount move_mount open_tree mount_setattr fspick; do
        run -0 run_ctr --cap-add SYS_ADMIN -- /bin/probe try-syscall "$call"
        assert_equal "$call: $output" "$call: EPERM"
        run -0 run_ctr --cap-add SYS_ADMIN --seccomp unconfined -- /bin/probe try-syscall "$call"
        refute [ "$output" = EPERM ]
    done
}

@test "gc beside twenty runs: no run loses its state or its bridge" {
    local pids=() i
    for i in $(seq 20); do
        minictr run --rootfs "$ROOT" --name "ctlab-gc$i" -- /bin/true >"$BATS_TEST_TMPDIR/run$i" 2>&1 &
        pids+=($!)
        minictr gc >/dev/null 2>>"$BATS_TEST_TMPDIR/gc" &
        pids+=($!)
    done
    for i in "${!pids[@]}"; do
        wait_exit 30 "${pids[$i]}"
        assert_equal "process $i: $STATUS" "process $i: 0"
    done
    assert_equal "$(cat "$BATS_TEST_TMPDIR"/run* "$BATS_TEST_TMPDIR/gc")" ""
}

@test "a full /run: run says so on one line, exits 125 and leaves no state, cgroup or half-written record" {
    # A full tmpfs over /run, in a mount namespace of the test's own: the
    # host's /run is not touched (not even by a mkdir).
    run -125 unshare -m --propagation private bash -c '
        mount -t tmpfs -o size=8k ctlab-full /run && mkdir -m 0700 /run/ctlab &&
        { dd if=/dev/zero of=/run/ctlab/fill bs=1k count=64 status=none 2>/dev/null; true; } &&
        "$0" run --rootfs "$1" --name ctlab-full -- /bin/true 2>&1; status=$?
        ls -A /run/ctlab | grep -v -e "^fill$" -e "^\.lock$"; exit $status' \
        "$(command -v minictr)" "$ROOT"
    assert_output "minictr: write /run/ctlab/ctlab-full/.config.json.new: No space left on device"
}
