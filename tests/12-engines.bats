#!/usr/bin/env bats
# Real engines drive minictr: podman 4.3 (through conmon) and containerd
# 1.6 (through its runc shim, the path Kubernetes takes), from apt, on
# the busybox rootfs made into an image offline. Each case is checked
# against what the kernel says inside (namespace inodes, CapEff, cgroup
# files, the OOM kill), not only the engine's exit status; each leaves
# nothing in the engines' lists, no minictr state, no cgroup.
# test_helper/engines.bash keeps both engines' state in one temp dir and
# says how; ../shared/oci/*-calls.txt lists the calls they make.

bats_require_minimum_version 1.5.0

setup_file() {
    load test_helper/common
    load test_helper/engines
    [ "$(id -u)" -eq 0 ] || skip "needs root"
    engines_setup
}

teardown_file() {
    load test_helper/common
    load test_helper/engines
    engines_teardown
}

setup() {
    load test_helper/common
    load test_helper/engines
    requires root
    HOST_PID_NS=$(readlink /proc/self/ns/pid)
    HOST_MNT_NS=$(readlink /proc/self/ns/mnt)
}

teardown() {
    engines_remove_containers
    cleanup_test
}

# For wait_until: nothing of the engines' or minictr's left; what is left
# goes to stderr, for the failure's message.
nothing_left() {
    local left
    left=$(engine_leftovers)
    [ -z "$left" ] || { echo "left: $left" >&2; return 1; }
}

@test "make install puts minictr in DESTDIR/PREFIX/bin, where an engine finds it; uninstall removes it" {
    local dest=$ENGINES/install
    run -0 make -C "$CTLAB_ROOT" --no-print-directory install DESTDIR="$dest" PREFIX=/usr
    [ -x "$dest/usr/bin/minictr" ]
    run -0 "$dest/usr/bin/minictr" --version
    assert_line --index 0 --regexp '^minictr version '
    run -0 make -C "$CTLAB_ROOT" --no-print-directory uninstall DESTDIR="$dest" PREFIX=/usr
    [ ! -e "$dest/usr/bin/minictr" ]
}

# --- podman ---------------------------------------------------------------

@test "podman run --rm: the output, exit status 0 and 3, new namespaces, nothing left" {
    run -0 pm run --rm "${PM_RUN[@]}" "$ENGINE_IMAGE" sh -c 'echo hello; readlink /proc/self/ns/pid; readlink /proc/self/ns/mnt'
    assert_line --index 0 hello
    refute_line "$HOST_PID_NS"
    refute_line "$HOST_MNT_NS"
    assert_line --regexp '^pid:\['
    run -3 pm run --rm "${PM_RUN[@]}" "$ENGINE_IMAGE" sh -c 'exit 3'
    wait_until 10 nothing_left
}

@test "podman run --memory 32m: 256 MiB is OOM-killed (137); the limit is the container's cgroup's" {
    run -0 pm run --rm "${PM_RUN[@]}" --memory 32m "$ENGINE_IMAGE" cat /sys/fs/cgroup/memory/memory.limit_in_bytes
    [ -d /sys/fs/cgroup/memory ] && assert_output 33554432
    run -137 pm run --rm "${PM_RUN[@]}" --memory 32m --memory-swap 32m "$ENGINE_IMAGE" /bin/probe memhog 256
    # Control: the same under a limit it fits in.
    run -0 pm run --rm "${PM_RUN[@]}" --memory 512m "$ENGINE_IMAGE" /bin/probe memhog 256
    wait_until 10 nothing_left
}

@test "podman -d, exec (in the init's namespaces, its exit status), stop, rm" {
    run -0 pm run -d --name ctlab-eng-d "${PM_RUN[@]}" "$ENGINE_IMAGE" sleep 600
    local pid
    pid=$(pm inspect --format '{{.State.Pid}}' ctlab-eng-d)
    [ "$pid" -gt 0 ]
    run -0 pm exec ctlab-eng-d sh -c 'readlink /proc/self/ns/pid; readlink /proc/self/ns/mnt; readlink /proc/self/ns/net'
    assert_equal "$output" "$(readlink "/proc/$pid/ns/pid" "/proc/$pid/ns/mnt" "/proc/$pid/ns/net")"
    run -4 pm exec ctlab-eng-d sh -c 'exit 4'
    # sleep, PID 1 with no handler, ignores SIGTERM: podman stop sends
    # KILL after its timeout (1 s here).
    run -0 pm stop -t 1 ctlab-eng-d
    run -0 pm inspect --format '{{.State.Status}}' ctlab-eng-d
    assert_output exited
    ! kill -0 "$pid" 2>/dev/null
    run -0 pm rm ctlab-eng-d
    wait_until 10 nothing_left
}

@test "podman -t: the container's terminal comes through the console socket" {
    run -0 timeout 60 script -qec "$(pm_line) run --rm -t ${PM_RUN[*]} $ENGINE_IMAGE sh -c 'tty; [ -t 0 ] && [ -t 1 ] && echo both; exit 5'; echo status \$?" /dev/null </dev/null
    assert_line --regexp '^/dev/pts/[0-9]+'
    assert_line --regexp '^both'
    assert_line --regexp '^status 5'
    wait_until 10 nothing_left
}

@test "podman pause and unpause: the freezer stops a counter, which then goes on" {
    mkdir "$ENGINES/out-pause"
    run -0 pm run -d --name ctlab-eng-p "${PM_RUN[@]}" -v "$ENGINES/out-pause:/out" "$ENGINE_IMAGE" \
        sh -c 'i=0; while :; do i=$((i + 1)); echo $i >/out/n; sleep 0.02; done'
    wait_until 10 test -s "$ENGINES/out-pause/n"
    run -0 pm pause ctlab-eng-p
    run -0 pm inspect --format '{{.State.Status}}' ctlab-eng-p
    assert_output paused
    local before after
    before=$(cat "$ENGINES/out-pause/n")
    sleep 0.5
    after=$(cat "$ENGINES/out-pause/n")
    assert_equal "$after" "$before"
    run -0 pm unpause ctlab-eng-p
    sleep 0.5
    [ "$(cat "$ENGINES/out-pause/n")" -gt "$after" ]
    run -0 pm rm -f -t 0 ctlab-eng-p
    wait_until 10 nothing_left
}

@test "podman --cap-drop ALL, --read-only, --pids-limit: what the kernel shows and refuses" {
    run -0 pm run --rm "${PM_RUN[@]}" --cap-drop ALL "$ENGINE_IMAGE" grep CapEff /proc/self/status
    assert_output "CapEff:	0000000000000000"
    # Control: podman's default set is not empty.
    run -0 pm run --rm "${PM_RUN[@]}" "$ENGINE_IMAGE" grep CapEff /proc/self/status
    refute_output "CapEff:	0000000000000000"
    # --read-only: / refuses writes; /tmp is a tmpfs with the image's
    # files copied in (tmpcopyup).
    run -0 pm run --rm "${PM_RUN[@]}" --read-only "$ENGINE_IMAGE" sh -c 'touch /x 2>/dev/null || echo root refused; touch /tmp/y && echo tmp written'
    assert_output "$(printf '%s\n' 'root refused' 'tmp written')"
    run -0 pm run --rm "${PM_RUN[@]}" --pids-limit 10 "$ENGINE_IMAGE" /bin/probe forkbomb 100
    assert_output --regexp '^forked [0-9], then EAGAIN$'
    wait_until 10 nothing_left
}

# --- containerd -------------------------------------------------------------

@test "ctr run --rm --runc-binary minictr: the output, exit status 3, the cgroup containerd named" {
    run -3 ctrc run --rm "${CTR_RUN[@]}" "$ENGINE_IMAGE" ctlab-eng-c1 \
        sh -c 'echo hello; readlink /proc/self/ns/pid; grep pids /proc/self/cgroup; exit 3'
    assert_line --index 0 hello
    refute_line "$HOST_PID_NS"
    [ ! -d /sys/fs/cgroup/pids ] || assert_line --regexp "^[0-9]+:pids:/$CTR_NAMESPACE/ctlab-eng-c1\$"
    wait_until 10 nothing_left
}

@test "ctr run -d, task exec (in the init's namespaces, its exit status), task kill, rm" {
    run -0 ctrc run -d "${CTR_RUN[@]}" "$ENGINE_IMAGE" ctlab-eng-c2 sleep 600
    local pid
    pid=$(ctrc task ls | awk '$1 == "ctlab-eng-c2" {print $2}')
    [ "$pid" -gt 0 ]
    run -0 ctrc task exec --exec-id e1 ctlab-eng-c2 sh -c 'readlink /proc/self/ns/pid; readlink /proc/self/ns/mnt'
    assert_equal "$output" "$(readlink "/proc/$pid/ns/pid" "/proc/$pid/ns/mnt")"
    run -4 ctrc task exec --exec-id e2 ctlab-eng-c2 sh -c 'exit 4'
    run -0 ctrc task ps ctlab-eng-c2
    assert_line --regexp "^$pid "
    run -0 ctrc task kill -s KILL ctlab-eng-c2
    wait_until 10 eval '! kill -0 '"$pid"' 2>/dev/null'
    run -0 ctrc task rm ctlab-eng-c2
    run -0 ctrc container rm ctlab-eng-c2
    wait_until 10 nothing_left
}

@test "ctr run -t: the terminal through the shim's console socket" {
    run -0 timeout 60 script -qec "ctr --address $ENGINES/containerd/containerd.sock --namespace $CTR_NAMESPACE run --rm -t ${CTR_RUN[*]} $ENGINE_IMAGE ctlab-eng-c3 sh -c 'tty; [ -t 0 ] && echo terminal; exit 6'; echo status \$?" /dev/null </dev/null
    # (ctr sends a NUL to the terminal first, which it echoes as "^@":
    # runc's run shows the same.)
    assert_line --regexp '^(\^@)?/dev/pts/[0-9]+'
    assert_line --regexp '^terminal'
    assert_line --regexp '^status 6'
    wait_until 10 nothing_left
}

@test "containerd loads the CRI config with minictr as a runtime handler (what a RuntimeClass names)" {
    # Kubernetes cannot run here and Debian has no CRI client (crictl):
    # what is proved is that containerd takes the handler as configured.
    local dir=$ENGINES/cri pid
    mkdir -p "$dir/cni/net.d"
    cri_config "$dir" "$CTLAB_ROOT/10-mini-container/minictr" >"$dir/config.toml"
    containerd --config "$dir/config.toml" >"$dir/log" 2>&1 3>&- &
    pid=$!
    CTLAB_BG_PIDS+=("$pid")
    wait_until 10 ctr --address "$dir/containerd.sock" version
    run -0 ctr --address "$dir/containerd.sock" plugins ls
    assert_line --regexp '^io\.containerd\.grpc\.v1 +cri +[^ ]+ +ok *$'
    run -0 containerd --config "$dir/config.toml" config dump
    assert_line --regexp "^ +BinaryName = \"$CTLAB_ROOT/10-mini-container/minictr\"\$"
    assert_line --regexp '^ +default_runtime_name = "minictr"$'
    kill -TERM "$pid"
    wait_exit 10 "$pid"
}
