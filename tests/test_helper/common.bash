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

PATH="$CTLAB_ROOT/01-pid-ns:$CTLAB_ROOT/doctor:$CTLAB_ROOT/tests:$PATH"
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
        userns)
            # An unprivileged user creating a user namespace.
            as_unprivileged unshare --user --map-root-user true 2>/dev/null ||
                skip "unprivileged user namespaces are disabled here (see: make doctor)"
            ;;
        setpriv)
            command -v setpriv >/dev/null || skip "setpriv (util-linux) is missing"
            ;;
        *)
            fail "requires: unknown feature '$feature'"
            ;;
        esac
    done
}

# --- running as nobody ------------------------------------------------------
# Run a command as uid/gid 65534 with no supplementary groups. As root this
# drops privileges with setpriv; as a user it just runs the command.
as_unprivileged() {
    if [ "$(id -u)" -eq 0 ]; then
        setpriv --reuid="$NOBODY_UID" --regid="$NOBODY_GID" --clear-groups \
            --inh-caps=-all -- "$@"
    else
        "$@"
    fi
}

# nobody may not be able to reach a clone under /root (mode 0700): copy the
# given programs into a fresh world-readable directory and print its path.
# The directory is removed by cleanup_test.
copy_for_unprivileged() {
    local dir
    dir=$(mktemp -d /tmp/ctlab-bin.XXXXXX)
    chmod 0755 "$dir"
    cp "$@" "$dir/"
    CTLAB_TEMP_DIRS+=("$dir")
    echo "$dir"
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
