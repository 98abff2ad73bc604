# tests/test_helper/engines.bash - real engines driving minictr, for
# tests/12-engines.bats: podman (through conmon) and containerd (through
# its runc shim, as Kubernetes runs containers), each with state of its
# own under one temp dir, so that nothing of the host's podman or
# containerd is read or changed:
#
#   podman      --root, --runroot and --tmpdir in $ENGINES, a
#               containers.conf of ours (cgroupfs, events to a file,
#               minictr as a runtime that speaks JSON logs), --network
#               none, a cgroup parent of ours. minictr keeps podman's
#               containers in its default state dir, /run/ctlab, as runc
#               keeps them in /run/runc: podman gives a runtime no --root
#               (and its --runtime-flag does not reach the delete that
#               conmon's cleanup makes);
#   containerd  started here with a config of ours (root, state and
#               sockets in $ENGINES, no CRI plugin), stopped by its pid;
#               ctr with our namespace (so cgroupsPath /ctlab-engines/ID),
#               --runc-root and --fifo-dir in $ENGINES.
#
# The image is the busybox rootfs with tests/probe, imported offline:
# `podman import` from a tar, then `podman save --format oci-archive` and
# `ctr image import` of that.

ENGINE_IMAGE=localhost/ctlab-busybox:latest
PODMAN_PARENT=ctlab-engines-pm # podman's --cgroup-parent (and conmon's)
CTR_NAMESPACE=ctlab-engines    # containerd's: cgroupsPath /ctlab-engines/ID

# pm ARG...: podman with our storage, config and runtime; pm_line: the
# same as one line of shell, for script(1).
pm_options() {
    PM_OPTIONS=(--root "$ENGINES/podman/root" --runroot "$ENGINES/podman/run"
        --tmpdir "$ENGINES/podman/tmp" --network-config-dir "$ENGINES/podman/networks")
}
pm() {
    pm_options
    CONTAINERS_CONF=$ENGINES/containers.conf podman "${PM_OPTIONS[@]}" "$@"
}
pm_line() {
    pm_options
    echo "CONTAINERS_CONF=$ENGINES/containers.conf podman ${PM_OPTIONS[*]}"
}

# The options every `pm run` of the tests takes. This machine's root
# lacks CAP_SYS_RESOURCE, so podman's default rlimits (nofile and nproc
# 1048576) fail with any runtime; 1024 holds everywhere.
PM_RUN=(--runtime minictr --network none --cgroup-parent "/$PODMAN_PARENT"
    --ulimit nofile=1024:1024 --ulimit nproc=1024:1024)

# ctrc ARG...: ctr on our containerd, in our namespace.
ctrc() {
    ctr --address "$ENGINES/containerd/containerd.sock" --namespace "$CTR_NAMESPACE" "$@"
}

# The options every `ctrc run` takes: minictr as the shim's runc. (Set
# again by each test's load, once engines_setup has made $ENGINES.)
CTR_RUN=(--runc-binary "$CTLAB_ROOT/10-mini-container/minictr"
    --runc-root "${ENGINES:-}/containerd/runc" --fifo-dir "${ENGINES:-}/containerd/fifo")

# engines_setup: once per file (setup_file). Exports what the tests use.
engines_setup() {
    local tool
    for tool in podman conmon containerd containerd-shim-runc-v2 ctr python3 script; do
        command -v "$tool" >/dev/null || {
            echo "$tool is missing (scripts/deps.sh test installs it)" >&2
            return 1
        }
    done
    [ -x "$CTLAB_ROOT/rootfs/bin/sh" ] || { echo "no rootfs (make rootfs)" >&2; return 1; }
    [ -x "$PROBE" ] || { echo "tests/probe is not built (make -C tests)" >&2; return 1; }
    ENGINES=$(mktemp -d /tmp/ctlab-engines.XXXXXX)
    export ENGINES
    # What exists before, to remove only what the engines made beside
    # their own directories (containerd 1.6's shims put their sockets in
    # /run/containerd/s whatever its state dir).
    # (and podman 4.3's network backend makes /run/containers/networks
    # whatever its network config dir).
    [ -e /run/containerd ] && export ENGINES_HAD_RUN_CONTAINERD=1
    [ -e /run/containers ] && export ENGINES_HAD_RUN_CONTAINERS=1
    [ -e /run/ctlab ] && export ENGINES_HAD_RUN_CTLAB=1
    # (podman's image copies keep a blob cache in /var/lib/containers/cache
    # whatever --root says.)
    [ -e /var/lib/containers ] && export ENGINES_HAD_VAR_LIB_CONTAINERS=1
    mkdir -p "$ENGINES"/{podman/tmp,podman/networks,containerd/runc,containerd/fifo,image}
    cat >"$ENGINES/containers.conf" <<EOF
[engine]
runtime = "minictr"
cgroup_manager = "cgroupfs"
events_logger = "file"
runtime_supports_json = ["crun", "runc", "minictr"]

[engine.runtimes]
minictr = ["$CTLAB_ROOT/10-mini-container/minictr"]
EOF
    cp -a "$CTLAB_ROOT/rootfs/." "$ENGINES/image/"
    cp "$PROBE" "$ENGINES/image/bin/"
    tar -C "$ENGINES/image" -c . | pm import - "$ENGINE_IMAGE" >/dev/null || return 1
    pm save --format oci-archive -o "$ENGINES/image.tar" "$ENGINE_IMAGE" >/dev/null 2>&1 || return 1
    containerd_start || return 1
    ctrc image import --base-name localhost/ctlab-busybox "$ENGINES/image.tar" >/dev/null || return 1
}

# containerd_config DIR: the start of a containerd config that keeps
# everything of containerd's (root, state, sockets) in DIR.
containerd_config() {
    local dir=$1
    cat <<EOF
version = 2
root = "$dir/root"
state = "$dir/state"
[grpc]
  address = "$dir/containerd.sock"
[ttrpc]
  address = "$dir/containerd.sock.ttrpc"
[debug]
  address = "$dir/debug.sock"
EOF
}

# containerd with a config of ours (no CRI plugin), in the background;
# its pid in $ENGINES/containerd/pid. Waits (bounded) for its socket.
containerd_start() {
    local dir=$ENGINES/containerd i
    { echo 'disabled_plugins = ["io.containerd.grpc.v1.cri"]'
      containerd_config "$dir"; } >"$dir/config.toml"
    containerd --config "$dir/config.toml" >"$dir/log" 2>&1 3>&- &
    echo $! >"$dir/pid"
    for i in $(seq 100); do
        ctrc version >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    echo "containerd did not answer in 10 s: $(tail -3 "$dir/log")" >&2
    return 1
}

# cri_config DIR BINARY: the containerd config of 11-oci/README.md (the
# CRI plugin's runtime handler "minictr", the one a Kubernetes
# RuntimeClass names), with everything of containerd's in DIR.
cri_config() {
    local dir=$1 binary=$2
    containerd_config "$dir"
    cat <<EOF
[plugins."io.containerd.grpc.v1.cri".cni]
  bin_dir = "$dir/cni/bin"
  conf_dir = "$dir/cni/net.d"
[plugins."io.containerd.grpc.v1.cri".containerd]
  default_runtime_name = "minictr"
[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.minictr]
  runtime_type = "io.containerd.runc.v2"
[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.minictr.options]
  BinaryName = "$binary"
  Root = "$dir/minictr"
EOF
}

# engines_remove_containers: every podman container, containerd task and
# container of ours, whatever state it is in.
engines_remove_containers() {
    local id
    pm rm -a -f -t 0 >/dev/null 2>&1 || true
    for id in $(ctrc task ls -q 2>/dev/null); do
        ctrc task kill -s KILL "$id" >/dev/null 2>&1 || true
        ctrc task rm -f "$id" >/dev/null 2>&1 || true
    done
    for id in $(ctrc container ls -q 2>/dev/null); do
        ctrc container rm "$id" >/dev/null 2>&1 || true
    done
}

# engines_teardown: once per file. Every container and task gone (each
# test removes its own; this is the net), the daemon stopped by its pid,
# the images, mounts, cgroups and directories the engines made removed.
engines_teardown() {
    [ -n "${ENGINES:-}" ] && [ -d "$ENGINES" ] || return 0
    local pid mnt dir i
    engines_remove_containers
    ctrc image rm "$ENGINE_IMAGE" >/dev/null 2>&1 || true
    if [ -s "$ENGINES/containerd/pid" ]; then
        pid=$(cat "$ENGINES/containerd/pid")
        kill -TERM "$pid" 2>/dev/null || true
        for i in $(seq 100); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$pid" 2>/dev/null || true
    fi
    pm rmi -a -f >/dev/null 2>&1 || true
    # conmon's exit command (podman container cleanup, then minictr
    # delete) may still run after podman returned: wait for every process
    # that names our dir, bounded, before removing what it could make.
    for i in $(seq 100); do
        pgrep -f -- "$ENGINES" >/dev/null || break
        sleep 0.1
    done
    # Mounts left under our dir (podman's overlay and shm), deepest first.
    for mnt in $(awk -v top="$ENGINES" 'index($5, top) == 1 {print $5}' /proc/self/mountinfo | sort -r); do
        umount -l "$mnt" 2>/dev/null || true
    done
    # podman's cgroup parent (conmon's cgroups are in it), containerd's.
    for dir in /sys/fs/cgroup/*/"$PODMAN_PARENT" /sys/fs/cgroup/"$PODMAN_PARENT" \
        /sys/fs/cgroup/*/"$CTR_NAMESPACE" /sys/fs/cgroup/"$CTR_NAMESPACE"; do
        [ ! -d "$dir" ] || find "$dir" -depth -type d -exec rmdir {} \; 2>/dev/null || true
    done
    if [ -z "${ENGINES_HAD_RUN_CONTAINERD:-}" ]; then
        rmdir /run/containerd/s /run/containerd/fifo /run/containerd 2>/dev/null || true
    fi
    if [ -z "${ENGINES_HAD_RUN_CTLAB:-}" ]; then
        rm -f /run/ctlab/.lock /run/ctlab/.ipam.lock
        rmdir /run/ctlab 2>/dev/null || true
    fi
    if [ -z "${ENGINES_HAD_VAR_LIB_CONTAINERS:-}" ]; then
        rm -f /var/lib/containers/cache/blob-info-cache-v1.boltdb
        rmdir /var/lib/containers/cache /var/lib/containers 2>/dev/null || true
    fi
    if [ -z "${ENGINES_HAD_RUN_CONTAINERS:-}" ]; then
        rmdir /run/containers/networks /run/containers 2>/dev/null || true
    fi
    rm -rf "$ENGINES"
}

# What the engines and minictr still hold: containers in podman's list
# or containerd's, minictr state under either runtime root, cgroups of
# theirs but conmon's. Empty when all is gone.
engine_leftovers() {
    local dir
    pm ps -a -q 2>/dev/null | sed 's/^/podman container /'
    ctrc container ls -q 2>/dev/null | sed 's/^/containerd container /'
    ctrc task ls -q 2>/dev/null | sed 's/^/containerd task /'
    { find /run/ctlab -mindepth 1 -maxdepth 1 -type d -regextype egrep -regex '.*/[0-9a-f]{64}'
      find "$ENGINES/containerd/runc" -mindepth 2 -maxdepth 2 -type d; } 2>/dev/null |
        sed 's/^/minictr state /'
    for dir in /sys/fs/cgroup/*/"$PODMAN_PARENT" /sys/fs/cgroup/*/"$CTR_NAMESPACE"; do
        [ -d "$dir" ] || continue
        find "$dir" -mindepth 1 -maxdepth 1 -type d ! -name conmon | sed 's/^/cgroup /'
    done
}
