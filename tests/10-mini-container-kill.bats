#!/usr/bin/env bats
# Chapter 10: minictr killed while a container starts. DESIGN.md promises
# that nothing leaks, "including the tool's own SIGINT/SIGTERM", and that
# `minictr gc` removes what a SIGKILLed runtime left behind. Each test
# stops `minictr run` at many points of its start (tests/killafter sends
# the signal a given number of microseconds after the exec, and reaps
# every process the runtime leaves), then asks the kernel what is left:
# processes and directories in ctlab cgroups, ctlab veths on the host,
# mounts under /run/ctlab, the state directory. The run has the bridge
# network and a memory limit, so that every kind of resource is in play.
# A network namespace lives while a process, a mount or an fd holds it:
# no process of the run is left (killafter reaped them all), no mount,
# and its veth is gone, which the kernel does only when it dismantles the
# namespace.
#
# The points are not exact: on a busy machine a step takes longer one run
# than the next. What counts is that they are many and distinct: each test
# records the last trace line (minictr -v) before each kill (without -v:
# what the kill left for gc), and checks that the kills landed at many
# different ones. CTLAB_KILL_REPORT=FILE appends that distribution, and
# the leaks, to FILE.

bats_require_minimum_version 1.5.0

setup_file() {
    # As in 10-mini-container.bats: gc removes ctlab0 at the end only if
    # this file made it.
    if ip link show ctlab0 >/dev/null 2>&1; then export BRIDGE_BEFORE=1; else export BRIDGE_BEFORE=0; fi
}

teardown_file() {
    [ "$BRIDGE_BEFORE" = 1 ] || "$BATS_TEST_DIRNAME/../10-mini-container/minictr" gc >/dev/null
}

setup() {
    load test_helper/common
    requires root cgroup
    [ -x "$CTLAB_ROOT/tests/killafter" ] || fail "tests/killafter is not built (make)"
    ROOT=$(mktemp -d /tmp/ctlab-root.XXXXXX)
    CTLAB_TEMP_DIRS+=("$ROOT")
    chmod 0755 "$ROOT"
    cp -a "$CTLAB_ROOT/rootfs/." "$ROOT/"
    mounts_before=$(mount_table)
    LEAKS="$BATS_TEST_TMPDIR/leaks"
    POINTS="$BATS_TEST_TMPDIR/points"
    : >"$LEAKS"
    : >"$POINTS"
}

teardown() {
    local swept
    cleanup_test
    minictr gc >/dev/null
    # Not trusting gc: what is left now, the sweep removes, and fails on.
    # (bats runs teardown in an || list, so no errexit: each failure
    # returns, or only the last command's status would count.)
    swept=$(ctlab_sweep) || { fail "left after minictr gc, and swept: $swept"; return 1; }
    assert_equal "$(mount_table)" "$mounts_before"
}

# kill_start SIGNAL MICROSECONDS NAME [MINICTR_OPTION...]: one run of
# `minictr [OPTIONS] run` on our rootfs copy, with the bridge network and
# a memory limit, sent SIGNAL that long after its exec; every process it
# leaves is reaped before this returns (killafter, bounded). Its line
# ("SIGKILL at 262 us, stderr at byte 4242: status 137; 1 orphan reaped")
# is in $KILLED; in $LAST_LINE, the last line minictr had written to
# stderr when the signal came (the step it hit). Returns killafter's
# status (1: a process of the run outlived it by 10 s).
kill_start() {
    local sig=$1 delay=$2 name=$3 out="$BATS_TEST_TMPDIR/out" trace="$BATS_TEST_TMPDIR/trace"
    local rc=0 bytes
    shift 3
    # (Files, not $(...): a process left holding the pipe would block it.)
    killafter "$sig" "$delay" minictr "$@" run --rootfs "$ROOT" --name "$name" \
        --memory 64m -- /bin/true >"$out" 2>"$trace" || rc=$?
    KILLED=$(tail -n 1 "$out")
    bytes=$(echo "$KILLED" | sed -n 's/.*stderr at byte \([0-9]*\).*/\1/p')
    if [ -n "$bytes" ]; then
        LAST_LINE=$(head -c "$bytes" "$trace" | tail -n 1)
    else
        LAST_LINE="(it ended first)"
    fi
    # Without -v, what the kill left for gc tells how far the run got:
    # which state files, which cgroups.
    if [ -z "$LAST_LINE" ] && [ -n "$bytes" ] && [ "$bytes" = 0 ]; then
        LAST_LINE="(no trace) left for gc: state $(ls "/run/ctlab/$name" 2>/dev/null | tr '\n' ' ')"
        LAST_LINE+="cgroups $(ctlab_cgroup_dirs | grep -c "/$name\$")"
    fi
    # For the distribution: names, PIDs and the like made alike.
    echo "${LAST_LINE:-(nothing yet)}" | sed -E "s/$name/NAME/g; s/ctlab-h-[0-9a-f]+/VETH/g;
        s/ctlab-root\.[A-Za-z0-9]+/ROOT/g; s/[0-9]{3,}/N/g" >>"$POINTS"
    return "$rc"
}

# wait_for_veths SECONDS: the kernel deletes a dead network namespace's
# devices in the background; wait (bounded) for ctlab veths to go.
wait_for_veths() {
    local deadline=$((SECONDS + $1))
    while [ -n "$(ctlab_host_veths)" ] && [ "$SECONDS" -lt "$deadline" ]; do
        sleep 0.02
    done
}

# check_nothing_left NAME WHAT: after a kill (and gc, for SIGKILL): every
# leftover, with the kill that made it, goes to $LEAKS; then the sweep
# clears it so that the next kill starts clean. Also: NAME can be used
# again, and that run leaves nothing either. Returns 1 on a leak.
check_nothing_left() {
    local name=$1 what=$2 left
    wait_for_veths 5
    left=$(ctlab_leftovers)
    if [ -z "$left" ]; then
        if ! minictr run --rootfs "$ROOT" --name "$name" --memory 64m -- /bin/true \
            >"$BATS_TEST_TMPDIR/again" 2>&1; then
            left="the name is not usable again: $(cat "$BATS_TEST_TMPDIR/again")"
        else
            wait_for_veths 5
            left=$(ctlab_leftovers | sed 's/^/after a normal run of the name again: /')
        fi
    fi
    [ -n "$left" ] || return 0
    {
        echo "$what: $KILLED"
        echo "  last trace line: ${LAST_LINE:-(none)}"
        echo "$left" | sed 's/^/  left: /'
    } >>"$LEAKS"
    ctlab_sweep >/dev/null || true
    return 1
}

# kill_many SIGNAL GC(yes|no) FROM STEP TO [FROM STEP TO...] -- [OPTION...]:
# kill_start at every delay of each range (microseconds), each its own
# name, then gc if asked, then check. Stops after 5 leaks (each is
# written down in $LEAKS).
kill_many() {
    local sig=$1 gc=$2 i=0 leaks=0 from step to delay range name what
    local ranges=()
    shift 2
    while [ $# -ge 3 ] && [ "$1" != -- ]; do
        ranges+=("$1 $2 $3")
        shift 3
    done
    shift
    for range in "${ranges[@]}"; do
        read -r from step to <<<"$range"
        for ((delay = from; delay <= to; delay += step)); do
            i=$((i + 1))
            name="ctlab-k$i"
            what="kill $i ($sig after ${delay} us asked)"
            if ! kill_start "$sig" "$delay" "$name" "$@"; then
                echo "$what: a process of the run outlived it: $KILLED" >>"$LEAKS"
            fi
            if [ "$gc" = yes ] && ! minictr gc >"$BATS_TEST_TMPDIR/gc" 2>&1; then
                echo "$what: minictr gc failed: $(cat "$BATS_TEST_TMPDIR/gc")" >>"$LEAKS"
            fi
            check_nothing_left "$name" "$what" || leaks=$((leaks + 1))
            [ "$leaks" -lt 5 ] || return 0
        done
    done
}

# kill_many, in a plain bash: bats traps every command of a test (its
# DEBUG trap, to say where a test failed), which makes a loop of a few
# hundred runs and checks several times slower.
kill_many_outside_bats() {
    export -f kill_many kill_start wait_for_veths check_nothing_left ctlab_sweep \
        ctlab_leftovers ctlab_cgroup_dirs ctlab_cgroup_parents ctlab_host_veths \
        ctlab_state_mounts
    ROOT="$ROOT" LEAKS="$LEAKS" POINTS="$POINTS" NOBODY_UID="$NOBODY_UID" \
        BATS_TEST_TMPDIR="$BATS_TEST_TMPDIR" \
        bash -c 'kill_many "$@"' kill_many "$@" 3>&-
}

# The kills landed at DISTINCT different last trace lines at least, and
# nothing leaked; the distribution goes to $CTLAB_KILL_REPORT if set.
assert_many_points_and_no_leak() {
    local kills distinct
    kills=$(wc -l <"$POINTS")
    distinct=$(sort -u "$POINTS" | wc -l)
    if [ -n "$CTLAB_KILL_REPORT" ]; then
        {
            echo "== $BATS_TEST_DESCRIPTION: $kills kills, $distinct distinct last lines"
            sort "$POINTS" | uniq -c | sort -rn
            cat "$LEAKS"
        } >>"$CTLAB_KILL_REPORT"
    fi
    [ ! -s "$LEAKS" ] || fail "$(printf 'leaks after %s kills:\n%s' "$kills" "$(cat "$LEAKS")")"
    [ "$distinct" -ge "$1" ] ||
        fail "the $kills kills landed at only $distinct distinct points: $(sort "$POINTS" | uniq -c)"
}

@test "SIGKILL at any point of minictr -v run's start: gc leaves nothing, the name is usable again" {
    # Every 50 us over the first 5 ms (the checks, the state directory,
    # the cgroup), then every 250 us to 25 ms (the clone, the network,
    # the child's mounts, the end); past that the run is over.
    kill_many_outside_bats KILL yes 0 50 5000 5250 250 25000 -- -v
    assert_many_points_and_no_leak 15
}

@test "SIGKILL during minictr run's start without -v (the child mounts while the network is made): gc leaves nothing" {
    # Without -v the child does not wait for the parent before its mounts
    # (with -v it does, to tell the story in order): another interleaving.
    kill_many_outside_bats KILL yes 0 100 12000 --
    assert_many_points_and_no_leak 4
}

@test "SIGTERM at any point of minictr -v run's start: it cleans up itself, no gc needed" {
    # minictr blocks SIGINT/SIGTERM from its first step and forwards them
    # to the container; it ends and removes everything itself.
    kill_many_outside_bats TERM no 0 100 5000 5500 500 20000 -- -v
    assert_many_points_and_no_leak 10
}
