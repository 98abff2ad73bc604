# tests/test_helper/common.bash - loaded by every tests/NN-*.bats file.
#
# Gives each test: bats-support, bats-assert and bats-file; the built tools
# on PATH; `requires FEATURE...` (skip with the reason, by trying the
# feature); bounded waiting; running as an unprivileged user; and
# bookkeeping of background processes so nothing outlives its test.

CTLAB_ROOT="$(cd "$BATS_TEST_DIRNAME/.." && pwd)"
export CTLAB_ROOT

bats_load_library bats-support
bats_load_library bats-assert
bats_load_library bats-file

PATH="$CTLAB_ROOT/01-pid-ns:$CTLAB_ROOT/02-net-ns:$CTLAB_ROOT/03-mount-uts-ipc:$CTLAB_ROOT/04-user-ns:$CTLAB_ROOT/05-cgroups:$CTLAB_ROOT/06-pivot-root:$CTLAB_ROOT/07-overlay:$CTLAB_ROOT/08-seccomp:$CTLAB_ROOT/09-caps:$CTLAB_ROOT/10-mini-container:$CTLAB_ROOT/doctor:$CTLAB_ROOT/tests:$PATH"
export PATH
PROBE="$CTLAB_ROOT/tests/probe"
NOBODY_UID=65534
NOBODY_GID=65534

# --- requires ---------------------------------------------------------------
# `requires root userns` skips the test, with the reason, unless every
# feature works here. Each is found by trying it, never by kernel version.
# An unknown keyword fails the test: a typo must not turn into a skip.
requires() {
    local feature
    for feature in "$@"; do
        case "$feature" in
        root)
            [ "$(id -u)" -eq 0 ] || skip "needs root"
            ;;
        setpriv)
            command -v setpriv >/dev/null || skip "setpriv (util-linux) is missing"
            ;;
        userns)
            requires setpriv
            tried userns try_userns ||
                skip "unprivileged user namespaces are disabled here (see: make doctor)"
            ;;
        cgroup1)
            requires root
            tried cgroup1 try_cgroup1 ||
                skip "no writable cgroup v1 hierarchy for cpu, memory and pids"
            ;;
        cgroup2)
            requires root
            tried cgroup2 try_cgroup2 ||
                skip "cgroup2 lacks the cpu, memory or pids controller here"
            ;;
        cgroup)
            requires root
            tried cgroup1 try_cgroup1 || tried cgroup2 try_cgroup2 ||
                skip "neither cgroup v1 nor cgroup2 has cpu, memory and pids here"
            ;;
        cgroup2fs)
            grep -q ' - cgroup2 ' /proc/self/mountinfo || skip "no cgroup2 filesystem is mounted"
            ;;
        cpuset)
            requires root
            tried cpuset try_cpuset ||
                skip "no cpuset controller: not in cgroup2's cgroup.controllers, no v1 cpuset hierarchy"
            ;;
        overlay)
            requires root
            tried overlay try_overlay || skip "overlayfs cannot be mounted here"
            ;;
        overlay-lowerdir-plus)
            requires overlay
            tried lowerdir-plus try_lowerdir_plus ||
                skip "the kernel's overlayfs has no \"lowerdir+\" (Linux 6.8)"
            ;;
        seccomp)
            tried seccomp try_seccomp || skip "seccomp filters cannot be loaded here"
            ;;
        *)
            fail "requires: unknown feature '$feature'"
            ;;
        esac
    done
}

# tried NAME FUNCTION: run FUNCTION once per suite run and remember whether
# it worked, so a feature is tried once, not once per test.
tried() {
    local cache="$BATS_RUN_TMPDIR/requires-$1"
    if [ ! -f "$cache" ]; then
        if "$2" >/dev/null 2>&1; then echo yes >"$cache"; else echo no >"$cache"; fi
    fi
    [ "$(cat "$cache")" = yes ]
}

try_userns() {
    as_unprivileged unshare --user --map-root-user true
}

# Make and remove a ctlab cgroup in each v1 hierarchy the labs use.
try_cgroup1() {
    local controller dir
    for controller in cpu memory pids; do
        dir="/sys/fs/cgroup/$controller/ctlab-requires.$$"
        grep -q " /sys/fs/cgroup/$controller .* - cgroup cgroup .*$controller" \
            /proc/self/mountinfo || return 1
        mkdir "$dir" && rmdir "$dir" || return 1
    done
}

try_cgroup2() {
    local mnt controller
    mnt=$(awk '$0 ~ / - cgroup2 / {print $5; exit}' /proc/self/mountinfo)
    [ -n "$mnt" ] || return 1
    for controller in cpu memory pids; do
        grep -qw "$controller" "$mnt/cgroup.controllers" || return 1
    done
}

# The cpuset controller where cgctl would take it: offered by the cgroup2
# root, or a v1 hierarchy in which a ctlab cgroup can be made.
try_cpuset() {
    local mnt
    mnt=$(awk '$0 ~ / - cgroup2 / {print $5; exit}' /proc/self/mountinfo)
    [ -n "$mnt" ] && grep -qw cpuset "$mnt/cgroup.controllers" && return 0
    mnt=$(awk '$0 ~ / - cgroup cgroup [^ ]*[,]cpuset([, ]|$)/ {print $5; exit}' /proc/self/mountinfo)
    [ -n "$mnt" ] && mkdir "$mnt/ctlab-requires.$$" && rmdir "$mnt/ctlab-requires.$$"
}

# Mount an overlay on a tmpfs in a throwaway mount namespace.
try_overlay() {
    unshare --mount --propagation private sh -ec '
        mount -t tmpfs ctlab-requires /mnt
        mkdir /mnt/l /mnt/u /mnt/w /mnt/m
        mount -t overlay overlay -o lowerdir=/mnt/l,upperdir=/mnt/u,workdir=/mnt/w /mnt/m
        touch /mnt/m/file && test -f /mnt/u/file'
}

# One fsconfig("lowerdir+") per layer: does ovl take the new-API path?
try_lowerdir_plus() {
    unshare --mount --propagation private sh -ec '
        mount -t tmpfs ctlab-requires /mnt
        mkdir /mnt/a /mnt/b /mnt/m
        trace=$("$1" -v mount --lower /mnt/a:/mnt/b /mnt/m 2>&1)
        case "$trace" in *"use mount(2)"*) exit 1 ;; esac' \
        sh "$CTLAB_ROOT/07-overlay/ovl"
}

try_seccomp() {
    "$PROBE" deny-userns true
}

# --- running as nobody ------------------------------------------------------
# Run a command as uid/gid 65534 with no supplementary groups. As root this
# drops privileges with setpriv; as a user it just runs the command.
# AS_NOBODY is the same as a command prefix, for start_background, which
# must exec the command itself (a shell function would run in a subshell,
# and $BG_PID would be that subshell).
if [ "$(id -u)" -eq 0 ]; then
    AS_NOBODY=(setpriv --reuid="$NOBODY_UID" --regid="$NOBODY_GID" --clear-groups --inh-caps=-all --)
else
    AS_NOBODY=()
fi
as_unprivileged() {
    "${AS_NOBODY[@]}" "$@"
}

# nobody may not be able to reach a clone under /root (mode 0700): copy the
# given programs into a fresh world-readable directory, named in $BIN.
# cleanup_test removes it. (Not `bin=$(copy_for_unprivileged ...)`: in a
# $(...) subshell the bookkeeping would be lost, and the directory leak.)
copy_for_unprivileged() {
    BIN=$(mktemp -d /tmp/ctlab-bin.XXXXXX)
    CTLAB_TEMP_DIRS+=("$BIN")
    chmod 0755 "$BIN"
    cp "$@" "$BIN/"
}

# --- bounded waiting --------------------------------------------------------
# wait_until SECONDS CMD...: run CMD every 50 ms until it succeeds; fail
# the test when SECONDS pass first.
wait_until() {
    local seconds=$1
    shift
    local tries=$((seconds * 20))
    while ! "$@"; do
        tries=$((tries - 1))
        if [ "$tries" -le 0 ]; then
            fail "timed out after ${seconds}s waiting for: $*"
            return 1
        fi
        sleep 0.05
    done
}

# --- background processes ---------------------------------------------------
# start_background OUTFILE CMD...: start CMD in the background with its
# output in OUTFILE; its PID is in $BG_PID and is killed by cleanup_test.
# fd 3 is closed: bats waits for it to close before finishing a test.
CTLAB_BG_PIDS=()
CTLAB_TEMP_DIRS=()
start_background() {
    local out=$1
    shift
    "$@" >"$out" 2>&1 3>&- &
    BG_PID=$!
    CTLAB_BG_PIDS+=("$BG_PID")
}

# wait_exit SECONDS PID: wait (bounded) for a background PID to end and put
# its exit status in $STATUS. (`run wait PID` cannot work: run forks a
# subshell, and only the parent may wait for a child.)
wait_exit() {
    wait_until "$1" process_gone "$2" || return 1
    STATUS=0
    wait "$2" || STATUS=$?
}

# The PIDs (host view) of the children of process $1, from the kernel's
# /proc/PID/task/TID/children list (Linux 3.5+, CONFIG_PROC_CHILDREN).
# The file ends with a space; word splitting trims it.
children_of() {
    local pids
    pids=$(cat /proc/"$1"/task/*/children 2>/dev/null)
    echo $pids
}

# True when the process is gone or a zombie.
process_gone() {
    local state
    state=$(awk '{print $3}' /proc/"$1"/stat 2>/dev/null) || return 0
    [ -z "$state" ] || [ "$state" = Z ]
}

# Every process whose PID namespace is the one with inode $1.
processes_in_pidns() {
    local ns=$1 p
    for p in /proc/[0-9]*; do
        [ "$(stat -L -c %i "$p/ns/pid" 2>/dev/null)" = "$ns" ] && echo "${p#/proc/}"
    done
    return 0
}

# Kill what start_background started (and the namespaces under it: a
# PID namespace dies with its PID 1), remove temp dirs. Call it from
# teardown(); it is safe after a failure half way.
cleanup_test() {
    local pid child
    for pid in "${CTLAB_BG_PIDS[@]}"; do
        for child in $(children_of "$pid"); do
            kill -KILL "$child" 2>/dev/null || true
        done
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    CTLAB_BG_PIDS=()
    for pid in "${CTLAB_TEMP_DIRS[@]}"; do
        rm -rf "$pid"
    done
    CTLAB_TEMP_DIRS=()
}

# The mount table, for before/after comparisons: mount point and source.
mount_table() {
    awk '{print $5, $9, $10}' /proc/self/mountinfo | sort
}

# --- a sweep that does not trust minictr -----------------------------------
# ctlab_sweep: find and remove, without minictr, everything a minictr
# container can leave on the host, so that a bug in `minictr gc` cannot
# hide a leak behind a clean-looking teardown. In this order, as each
# holds the next: processes in ctlab cgroups (SIGKILL), ctlab veths on the
# host, mounts under the state bases, ctlab cgroups (deepest first, the
# ctlab/ parents last), container state directories. It prints one line
# per thing removed ("swept cgroup /sys/fs/cgroup/pids/ctlab/c1") and
# returns 1 if it removed anything, 0 if there was nothing to remove.
#
# Only ctlab's own names are touched: cgroups under a "ctlab" directory
# of a hierarchy, links named ctlab-h-*, mounts and entries under
# /run/ctlab and /tmp/ctlab-$NOBODY_UID (root's and the tests' rootless
# state). A base that holds only its lock files (.lock, .ipam.lock) is
# the normal state between runs, and is left alone; a container directory
# in it is a leak. An empty ctlab/ cgroup parent is one too: minictr
# removes it with its last container. Every wait is bounded.
ctlab_sweep() {
    local swept=0 round dir pid link mnt base entry
    local -A seen=()

    # 1. Processes: thaw (a frozen task dies only once thawed), SIGKILL,
    #    again until the cgroups are empty (a process may be forking).
    for round in $(seq 100); do
        local found=""
        for dir in $(ctlab_cgroup_dirs); do
            local state="" freeze="" procs="" comm=""
            { state=$(<"$dir/freezer.state"); } 2>/dev/null || true
            { freeze=$(<"$dir/cgroup.freeze"); } 2>/dev/null || true
            { procs=$(<"$dir/cgroup.procs"); } 2>/dev/null || true
            if [ -n "$state" ] && [ "$state" != THAWED ]; then
                echo THAWED >"$dir/freezer.state" 2>/dev/null || true
            fi
            if [ "$freeze" = 1 ]; then
                echo 0 >"$dir/cgroup.freeze" 2>/dev/null || true
            fi
            for pid in $procs; do
                found="$found $pid"
                if [ -z "${seen[$pid]}" ]; then
                    seen[$pid]=1
                    swept=1
                    { comm=$(<"/proc/$pid/comm"); } 2>/dev/null || comm=gone
                    echo "swept process $pid ($comm) in $dir"
                fi
            done
        done
        [ -n "$found" ] || break
        kill -KILL $found 2>/dev/null || true
        sleep 0.05
    done

    # 2. Host veths. The kernel deletes a dead network namespace's
    #    devices in the background: give it 3 s before calling one left.
    for round in $(seq 40); do
        [ -n "$(ctlab_host_veths)" ] || break
        sleep 0.05
    done
    for link in $(ctlab_host_veths); do
        swept=1
        echo "swept veth $link"
        ip link del "$link" 2>/dev/null || [ -z "$(ip -o link show "$link" 2>/dev/null)" ] ||
            echo "ctlab_sweep: cannot delete veth $link" >&2
    done

    # 3. Mounts under the bases, deepest first; before any rm -r, which
    #    would otherwise delete what a bind mount (a volume) shows.
    for mnt in $(ctlab_state_mounts); do
        swept=1
        echo "swept mount $mnt"
        umount -l "$mnt" || echo "ctlab_sweep: cannot unmount $mnt" >&2
    done

    # 4. Cgroups, deepest first; a cgroup whose last task is still
    #    exiting refuses rmdir (EBUSY) for a moment: retry, bounded.
    for dir in $(ctlab_cgroup_dirs) $(ctlab_cgroup_parents); do
        swept=1
        echo "swept cgroup $dir"
        for round in $(seq 100); do
            rmdir "$dir" 2>/dev/null || true
            [ -d "$dir" ] || break
            sleep 0.05
        done
        [ ! -d "$dir" ] || echo "ctlab_sweep: cannot remove cgroup $dir" >&2
    done

    # 5. State: every container directory (dot files are the locks).
    for base in /run/ctlab "/tmp/ctlab-$NOBODY_UID"; do
        for entry in "$base"/*; do
            [ -e "$entry" ] || [ -L "$entry" ] || continue
            swept=1
            echo "swept state $entry"
            rm -rf --one-file-system "$entry" || echo "ctlab_sweep: cannot remove $entry" >&2
        done
    done
    return "$swept"
}

# ctlab_leftovers: what ctlab_sweep would remove, one line each
# ("cgroup /sys/fs/cgroup/pids/ctlab/c1"), removing nothing; no output
# when nothing is left. A veth whose namespace just died is listed until
# the kernel has deleted it: wait for it (wait_until 5 no_ctlab_leftovers).
ctlab_leftovers() {
    local dir pid procs link mnt base entry
    for dir in $(ctlab_cgroup_dirs); do
        procs=""
        { procs=$(<"$dir/cgroup.procs"); } 2>/dev/null || true
        for pid in $procs; do
            echo "process $pid in $dir"
        done
    done
    for dir in $(ctlab_cgroup_dirs) $(ctlab_cgroup_parents); do
        echo "cgroup $dir"
    done
    for link in $(ctlab_host_veths); do
        echo "veth $link"
    done
    for mnt in $(ctlab_state_mounts); do
        echo "mount $mnt"
    done
    for base in /run/ctlab "/tmp/ctlab-$NOBODY_UID"; do
        for entry in "$base"/*; do
            [ ! -e "$entry" ] || echo "state $entry"
        done
    done
}

no_ctlab_leftovers() {
    [ -z "$(ctlab_leftovers)" ]
}

# Every cgroup directory below a ctlab/ parent, on v1 (one tree per
# controller, /sys/fs/cgroup/CONTROLLER/ctlab), on a hybrid host's
# unified tree (/sys/fs/cgroup/unified/ctlab) and on v2
# (/sys/fs/cgroup/ctlab): deepest first. (Paths without spaces: the
# names are ctlab's.)
ctlab_cgroup_dirs() {
    local top
    for top in /sys/fs/cgroup/ctlab /sys/fs/cgroup/*/ctlab; do
        [ ! -d "$top" ] || find "$top" -mindepth 1 -depth -type d 2>/dev/null
    done
}

# The ctlab/ parents themselves.
ctlab_cgroup_parents() {
    local top
    for top in /sys/fs/cgroup/ctlab /sys/fs/cgroup/*/ctlab; do
        [ ! -d "$top" ] || echo "$top"
    done
}

# Host links named ctlab-h-* (a veth's host end: "ctlab-h-1a2b3c4@if2").
ctlab_host_veths() {
    ip -o link show 2>/dev/null | awk -F': ' '$2 ~ /^ctlab-h-/ {sub(/@.*/, "", $2); print $2}'
}

# Mount points at or under the state bases in our mount namespace,
# deepest first (mountinfo's field 5, octal escapes such as \040 undone).
ctlab_state_mounts() {
    awk -v nobody="/tmp/ctlab-$NOBODY_UID" '{
            mnt = $5
            if (mnt == "/run/ctlab" || index(mnt, "/run/ctlab/") == 1 ||
                mnt == nobody || index(mnt, nobody "/") == 1)
                print length(mnt), mnt
        }' /proc/self/mountinfo | sort -rn | cut -d' ' -f2- |
        while read -r mnt; do printf '%b\n' "$mnt"; done
}
