# tests/test_helper/oci.bash - bundles, runtime calls and the leftover
# check for tests/11-oci.bats, which any runtime that speaks the runc
# command line can be put through:
#
#     sudo RUNTIME=runc bats tests/11-oci.bats
#
# RUNTIME is a path or a command name; the default is minictr. It is
# called the way engines call runc, global --root first, with a state
# directory of the test's own, so that nothing touches /run/runc or
# /run/ctlab:  $RUNTIME --root STATE create --bundle B --pid-file F ID.
#
# A bundle is what `$RUNTIME spec` writes, edited with jq (as runc's own
# tests do with update_config): no terminal, a private copy of the
# busybox rootfs with the probe in /bin, the host directory $OUT bound
# on /out (where a container leaves its answers), and its own cgroup,
# /ctlab-oci/ID. Every container the test makes is deleted with --force
# in teardown; then the kernel is asked, without the runtime, what is
# left: processes, cgroups named ctlab-oci, mounts, state, namespaces.
# Load it after common.bash.

RUNTIME=${RUNTIME:-$CTLAB_ROOT/10-mini-container/minictr}
RUNTIME_NAME=${RUNTIME##*/}

# The cgroup parent of every container here (one directory per
# hierarchy on v1, one in the unified tree on v2). Runtimes make it and
# may leave it, empty, when the last container goes (runc does).
OCI_CGROUP_PARENT=ctlab-oci

# oci_setup: call from setup(). Makes $OCI_WORK (world-readable: a root
# mapped to another uid must reach its rootfs), the state directory in
# it, and notes the mount table for teardown's comparison.
oci_setup() {
    if ! command -v "$RUNTIME" >/dev/null; then
        fail "RUNTIME=$RUNTIME: not found (minictr: make -C 10-mini-container)"
        return 1
    fi
    [ -x "$PROBE" ] || { fail "tests/probe is not built (make -C tests)"; return 1; }
    [ -x "$CTLAB_ROOT/rootfs/bin/sh" ] || { fail "no rootfs (make rootfs)"; return 1; }
    command -v jq >/dev/null || { fail "jq is missing (scripts/deps.sh)"; return 1; }
    OCI_WORK=$(mktemp -d /tmp/ctlab-oci.XXXXXX)
    chmod 0755 "$OCI_WORK"
    OCI_STATE=$OCI_WORK/state
    mkdir -m 0700 "$OCI_STATE"
    : >"$OCI_WORK/stdin"
    # IDs unique to this test: a crashed earlier run cannot collide.
    OCI_SUFFIX=${OCI_WORK##*.}
    OCI_IDS=()
    OCI_PIDS=()
    OCI_NS_MOUNTS=()
    OCI_MOUNTS_BEFORE=$(mount_table)
}

# oci ARG...: the runtime under test with the test's state directory.
# fd 3 (bats's own) is closed: a container holding it would make bats
# wait for the container. crun 1.8 fchowns the stdio it hands a container
# with a user namespace to that namespace's root: given /dev/null, it
# changes the owner of the host's /dev/null. It gets an empty file of
# ours as stdin instead (the tests give /dev/null).
oci() {
    if [ "${RUNTIME##*/}" = crun ]; then
        "$RUNTIME" --root "$OCI_STATE" "$@" 3>&- <"$OCI_WORK/stdin"
    else
        "$RUNTIME" --root "$OCI_STATE" "$@" 3>&-
    fi
}

# new_bundle NAME: a bundle for a container named NAME. Sets BUNDLE, ID
# (ctlab-oci-SUFFIX-NAME), ROOTFS, OUT (the host side of /out) and
# PIDFILE. Its process is /bin/sleep 60 until the test says otherwise.
new_bundle() {
    local name=$1
    BUNDLE=$OCI_WORK/$name
    ROOTFS=$BUNDLE/rootfs
    OUT=$OCI_WORK/$name.out
    PIDFILE=$OCI_WORK/$name.pid
    ID=ctlab-oci-$OCI_SUFFIX-$name
    OCI_IDS+=("$ID")
    mkdir "$BUNDLE" "$ROOTFS" "$OUT"
    cp -a "$CTLAB_ROOT/rootfs/." "$ROOTFS/"
    cp "$PROBE" "$ROOTFS/bin/"
    mkdir "$ROOTFS/out"
    chmod 0777 "$OUT"
    (cd "$BUNDLE" && "$RUNTIME" spec >/dev/null) || {
        fail "$RUNTIME spec failed in $BUNDLE"
        return 1
    }
    config '.process.terminal = false
        | .process.args = ["/bin/sleep", "60"]
        | .root = {path: $root, readonly: false}
        | .mounts += [{destination: "/out", type: "bind", source: $out, options: ["rbind", "rw"]}]
        | .linux.cgroupsPath = $cgroup' \
        --arg root "$ROOTFS" --arg out "$OUT" --arg cgroup "/$OCI_CGROUP_PARENT/$ID"
}

# config FILTER [JQ-OPTION...]: edit $BUNDLE/config.json with jq.
# (jq 1.6 turns integers above 2^53 into floats: see config_raw.)
config() {
    local filter=$1
    shift
    jq "$@" "$filter" "$BUNDLE/config.json" >"$BUNDLE/config.json.new" &&
        mv "$BUNDLE/config.json.new" "$BUNDLE/config.json"
}

# config_raw PLACEHOLDER TEXT: replace a placeholder number that jq wrote
# with TEXT, byte for byte, e.g. 18446744073709551615, which jq cannot
# carry. Call it after the last `config`.
config_raw() {
    sed -i "s/\\b$1\\b/$2/g" "$BUNDLE/config.json"
}

# command_is ARG...: the container's process.args. (One --arg each: jq
# 1.6 would take a "-c" after --args for its own option.)
command_is() {
    local options=() names=() i=0 arg
    for arg in "$@"; do
        options+=(--arg "a$i" "$arg")
        names+=("\$a$i")
        i=$((i + 1))
    done
    config ".process.args = [$(IFS=,; echo "${names[*]}")]" "${options[@]}"
}

# oci_create [ID [BUNDLE [PIDFILE]]]: `create`, with the container's
# stdout and stderr (create's own) in files of the bundle: a container
# holding a pipe of `run` would block it. Returns create's status; its
# stderr is in $BUNDLE/create.err. Records the container's PID.
oci_create() {
    local id=${1:-$ID} bundle=${2:-$BUNDLE} pidfile=${3:-$PIDFILE} status=0
    oci create --bundle "$bundle" --pid-file "$pidfile" "$id" \
        </dev/null >"$bundle/create.out" 2>"$bundle/create.err" || status=$?
    record_pid_file "$pidfile"
    return "$status"
}

# record_pid_file PIDFILE: note the process a pid file names, with its
# start time, for the leftover check: a PID alone may be another
# process's by the time teardown looks (and kills).
record_pid_file() {
    local pid
    [ -s "$1" ] || return 0
    pid=$(cat "$1")
    OCI_PIDS+=("$pid:$(start_time_of "$pid")")
}

# start_time_of PID: field 22 of /proc/PID/stat (after the command's
# parentheses, which may hold spaces), empty if there is no such process.
start_time_of() {
    local stat
    { stat=$(<"/proc/$1/stat"); } 2>/dev/null || return 0
    stat=${stat##*) }
    set -- $stat
    echo "${20}"
}

# recorded_alive PID:START: that very process is alive (not a zombie).
recorded_alive() {
    local pid=${1%%:*} start=${1#*:}
    [ -n "$start" ] && [ "$(start_time_of "$pid")" = "$start" ] && ! process_gone "$pid"
}

# create_fails: `create` of $ID must fail with one line on stderr, and
# leave nothing of $ID: no state, no process, no cgroup, no mount. (Had
# it succeeded, teardown deletes the container.)
create_fails() {
    local status=0 err lines
    oci_create || status=$?
    err=$(cat "$BUNDLE/create.err")
    if [ "$status" -eq 0 ]; then
        fail "create succeeded: $(jq -c . "$BUNDLE/config.json" | head -c 400)"
        return 1
    fi
    [ -n "$err" ] || { fail "create failed ($status) and said nothing"; return 1; }
    ! oci state "$ID" >/dev/null 2>&1 || { fail "create failed ($err), yet state knows $ID"; return 1; }
    # (The kernel may take a moment to end a killed process.)
    wait_until 2 no_leftovers_of "$ID" "$PIDFILE" 2>/dev/null ||
        { fail "create failed ($err) and left: $(leftovers_of "$ID" "$PIDFILE")"; return 1; }
    # Last, as it may skip: the rest is checked for every runtime.
    lines=$(printf '%s\n' "$err" | wc -l)
    if [ "$lines" -ne 1 ]; then
        skip_for "runc crun" "(ctlab policy) says $lines lines when this create fails, first: $(head -n 1 <<<"$err")"
        fail "create said $lines lines, not one: $err"
        return 1
    fi
}

# leftovers_of ID PIDFILE: oci_leftovers, for one container: its state
# entry, the process its PIDFILE names, its cgroups and what is in
# them, and any mount under $OCI_WORK.
leftovers_of() {
    local id=$1 pidfile=$2 pid entry
    if [ -s "$pidfile" ]; then
        pid=$(cat "$pidfile")
        for entry in "${OCI_PIDS[@]}"; do
            [ "${entry%%:*}" = "$pid" ] || continue
            ! recorded_alive "$entry" || echo "process $pid ($(cat "/proc/$pid/comm" 2>/dev/null))"
            break
        done
    fi
    oci_leftovers | grep -F -e "/$id" -e "mount " || true
}

no_leftovers_of() {
    [ -z "$(leftovers_of "$@")" ]
}

# oci_start_container: create and start $ID; its host PID in $PID.
oci_start_container() {
    oci_create || { fail "create: $(cat "$BUNDLE/create.err")"; return 1; }
    PID=$(cat "$PIDFILE")
    oci start "$ID" || { fail "start $ID failed"; return 1; }
}

# status_of ID: the status field of `state ID`.
status_of() {
    oci state "$1" | jq -r .status
}

# status_is ID STATUS: for wait_until.
status_is() {
    [ "$(status_of "$1" 2>/dev/null)" = "$2" ]
}

# netns_file PATH: a new network namespace kept alive by a bind mount on
# PATH (unshare --net=PATH), unmounted in teardown; inode in $NETNS_INODE.
netns_file() {
    touch "$1"
    unshare --net="$1" true || { fail "unshare --net=$1"; return 1; }
    OCI_NS_MOUNTS+=("$1")
    NETNS_INODE=$(stat -L -c %i "$1")
}

# --- cgroups, v1 or v2 -------------------------------------------------------
# cgroup_dir PID CONTROLLER: the directory of PID's cgroup that holds
# CONTROLLER's files: the v1 hierarchy that has it, else the cgroup2 tree
# (whose controllers are listed in cgroup.controllers). Empty if neither.
cgroup_dir() {
    local pid=$1 controller=$2 path mnt
    # v1: "4:memory:/ctlab-oci/ID" (or "3:cpu,cpuacct:/...").
    path=$(awk -F: -v c="$controller" '$1 != 0 {
            n = split($2, list, ",")
            for (i = 1; i <= n; i++) if (list[i] == c) { print $3; exit }
        }' "/proc/$pid/cgroup")
    if [ -n "$path" ]; then
        mnt=$(awk -v c="$controller" '{
                for (i = 1; $i != "-"; i++) ;
                if ($(i + 1) != "cgroup") next
                n = split($(i + 3), opts, ",")
                for (j = 1; j <= n; j++) if (opts[j] == c) { print $5; exit }
            }' /proc/self/mountinfo)
    else
        path=$(awk -F: '$1 == 0 { print $3; exit }' "/proc/$pid/cgroup")
        mnt=$(awk '{ for (i = 1; $i != "-"; i++) ; if ($(i + 1) == "cgroup2") { print $5; exit } }' /proc/self/mountinfo)
        grep -qw "$controller" "$mnt$path/cgroup.controllers" 2>/dev/null || return 0
    fi
    [ -z "$mnt" ] || echo "$mnt$path"
}

# cgroup_read PID CONTROLLER FILE...: the first of the FILEs (a v1 name,
# then its v2 twin) that PID's cgroup has, as "FILE VALUE". Fails the
# test when none exists.
cgroup_read() {
    local pid=$1 controller=$2 dir file
    shift 2
    dir=$(cgroup_dir "$pid" "$controller")
    for file in "$@"; do
        if [ -n "$dir" ] && [ -f "$dir/$file" ]; then
            echo "$file $(cat "$dir/$file")"
            return 0
        fi
    done
    fail "no $* for $controller in ${dir:-(no cgroup of $pid has $controller)}"
}

# --- deviations --------------------------------------------------------------
# skip_for RUNTIMES REASON: skip the test when the runtime under test is
# one of RUNTIMES (runc, crun: the names the top of 11-oci.bats
# documents), with REASON. Never for minictr: ctlab follows the spec.
skip_for() {
    local who=$1 name
    shift
    for name in $who; do
        case "$name" in
        runc | crun) ;;
        *)
            fail "skip_for: '$name' is not a documented other runtime"
            return 1
            ;;
        esac
        [ "$RUNTIME_NAME" != "$name" ] || skip "$name: $*"
    done
}

# skip_for_leak RUNTIMES REASON: skip_for, for a known leak of that
# runtime: what it left is swept first, so that teardown checks the rest.
skip_for_leak() {
    local name
    for name in $1; do
        [ "$RUNTIME_NAME" != "$name" ] || oci_sweep
    done
    skip_for "$@"
}

# --- what is left -------------------------------------------------------------
# The ctlab-oci parent in every mounted cgroup hierarchy: v1's one per
# controller, a hybrid host's unified tree, v2's one. Found from the
# mount table: a directory a runtime made on the tmpfs beneath (crun does,
# where the unified tree is hidden for it) is no cgroup.
oci_cgroup_parents() {
    # (The last mount on a mount point is the one seen there.)
    awk -v parent="$OCI_CGROUP_PARENT" '{
            for (i = 1; $i != "-"; i++) ;
            if (!($5 in type)) order[n++] = $5
            type[$5] = $(i + 1)
        }
        END {
            for (j = 0; j < n; j++)
                if (type[order[j]] == "cgroup" || type[order[j]] == "cgroup2") print order[j] "/" parent
        }' /proc/self/mountinfo
}

# The cgroup directories of every container here, deepest first.
oci_cgroup_dirs() {
    local top
    for top in $(oci_cgroup_parents); do
        [ ! -d "$top" ] || find "$top" -mindepth 1 -depth -type d 2>/dev/null
    done
}

# Mount points under $OCI_WORK in our mount namespace, deepest first,
# but for the namespace files the test made itself.
oci_mounts() {
    awk -v work="$OCI_WORK" 'index($5, work "/") == 1 { print length($5), $5 }' /proc/self/mountinfo |
        sort -rn | cut -d' ' -f2- | while read -r mnt; do
        mnt=$(printf '%b' "$mnt")
        [[ " ${OCI_NS_MOUNTS[*]} " == *" $mnt "* ]] || echo "$mnt"
    done
}

# oci_leftovers: one line for each thing of this test's containers that
# is still there; nothing when all is gone. Asks the kernel, not the
# runtime: a recorded container PID alive, any process or directory in a
# ctlab-oci cgroup, an entry of the state directory, a mount under
# $OCI_WORK.
oci_leftovers() {
    local pid dir procs entry mnt
    for entry in "${OCI_PIDS[@]}"; do
        pid=${entry%%:*}
        ! recorded_alive "$entry" || echo "process $pid ($(cat "/proc/$pid/comm" 2>/dev/null))"
    done
    for dir in $(oci_cgroup_dirs); do
        procs=""
        { procs=$(<"$dir/cgroup.procs"); } 2>/dev/null || true
        for pid in $procs; do
            echo "process $pid in $dir"
        done
        echo "cgroup $dir"
    done
    # (Dot files are a runtime's locks, kept between containers.)
    for entry in "$OCI_STATE"/*; do
        [ ! -e "$entry" ] || echo "state $entry"
    done
    for mnt in $(oci_mounts); do
        echo "mount $mnt"
    done
}

no_oci_leftovers() {
    [ -z "$(oci_leftovers)" ]
}

# oci_sweep: remove, without the runtime, what oci_leftovers lists:
# SIGKILL the processes (again until the cgroups are empty), unmount,
# remove the cgroups. Bounded.
oci_sweep() {
    local round entry dir found mnt
    for entry in "${OCI_PIDS[@]}"; do
        ! recorded_alive "$entry" || kill -KILL "${entry%%:*}" 2>/dev/null || true
    done
    for round in $(seq 100); do
        found=""
        for dir in $(oci_cgroup_dirs); do
            { [ ! -f "$dir/freezer.state" ] || echo THAWED >"$dir/freezer.state"; } 2>/dev/null || true
            { [ ! -f "$dir/cgroup.freeze" ] || echo 0 >"$dir/cgroup.freeze"; } 2>/dev/null || true
            found="$found $(cat "$dir/cgroup.procs" 2>/dev/null)"
        done
        [ -n "${found// /}" ] || break
        kill -KILL $found 2>/dev/null || true
        sleep 0.05
    done
    for mnt in $(oci_mounts); do
        umount -l "$mnt" || echo "oci_sweep: cannot unmount $mnt" >&2
    done
    for dir in $(oci_cgroup_dirs); do
        for round in $(seq 100); do
            rmdir "$dir" 2>/dev/null || true
            [ -d "$dir" ] || break
            sleep 0.05
        done
    done
}

# oci_teardown: call from teardown(). Deletes (--force) every container
# the test made, then fails, naming them, if any process, cgroup, state
# or mount is left, or the mount table differs; removes them anyway,
# and the test's files, so that the next test starts clean.
oci_teardown() {
    local id left top mnt
    [ -n "$OCI_WORK" ] || return 0
    for id in "${OCI_IDS[@]}"; do
        oci delete --force "$id" >/dev/null 2>&1 || true
    done
    # A process being killed leaves its cgroup a moment later.
    wait_until 5 no_oci_leftovers 2>/dev/null || true
    left=$(oci_leftovers)
    oci_sweep
    for mnt in "${OCI_NS_MOUNTS[@]}"; do
        umount "$mnt" || true
    done
    # The shared parent: runc leaves it empty. Only when empty.
    for top in $(oci_cgroup_parents); do
        [ ! -d "$top" ] || rmdir "$top" 2>/dev/null || true
    done
    rm -rf --one-file-system "$OCI_WORK"
    OCI_WORK=
    cleanup_test
    [ -z "$left" ] || { fail "left after delete --force: $left"; return 1; }
    assert_equal "$(mount_table)" "$OCI_MOUNTS_BEFORE"
}
