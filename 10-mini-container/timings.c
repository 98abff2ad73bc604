/* 10-mini-container/timings.c - the steps of a start and --timings; see
 * timings.h. `make bench` reads the lines this prints.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <sys/mman.h>
#include <time.h>

#include "err.h"
#include "timings.h"

/* The name each step goes by, and its number in the story (0: a
 * measure across steps, printed in parentheses). */
static const struct {
    const char *name;
    int number;
} steps[STEP_COUNT] = {
    [STEP_CHECK] = {"check", 1},         [STEP_STATE] = {"state", 2},
    [STEP_CGROUP] = {"cgroup", 3},       [STEP_CLONE] = {"clone", 4},
    [STEP_CHILD_UP] = {"(child up)", 0}, [STEP_NETWORK] = {"network", 5},
    [STEP_ROOT] = {"root", 6},           [STEP_MOUNTS] = {"mounts", 7},
    [STEP_PIVOT] = {"pivot", 8},         [STEP_WAITED] = {"(waited)", 0},
    [STEP_SECURITY] = {"security", 9},   [STEP_START] = {"start", 10},
    [STEP_EXEC] = {"exec", 11},          [STEP_COMMAND] = {"(command)", 0},
    [STEP_DELETE] = {"delete", 12},
};

/* In memory shared with the child (MAP_SHARED survives clone and fork,
 * not exec): each step's begin and end, in ns of CLOCK_MONOTONIC. NULL
 * without --timings, and then every mark is a no-op. */
static struct {
    long long begin[STEP_COUNT], end[STEP_COUNT];
} * marks;
static long long started_ns;

static long long now_ns(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

void timings_started(void)
{
    started_ns = now_ns();
}

void timings_enable(void)
{
    marks = mmap(NULL, sizeof(*marks), PROT_READ | PROT_WRITE,
                 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (marks == MAP_FAILED)
        marks = NULL;
}

void step_begin(enum step s)
{
    if (steps[s].number)
        trace("--- %d. %s ---", steps[s].number, steps[s].name);
    if (marks)
        marks->begin[s] = now_ns();
}

void step_end(enum step s)
{
    int before = (int)s - 1;

    if (!marks)
        return;
    marks->end[s] = now_ns();
    while (before >= 0 && !marks->end[before]) /* one not reached */
        before--;
    if (!marks->begin[s])
        marks->begin[s] = before >= 0 ? marks->end[before] : started_ns;
}

void step_begin_at_end_of(enum step s, enum step other)
{
    if (marks)
        marks->begin[s] = marks->end[other];
}

void timings_print(void)
{
    long long command_ns = 0;

    if (!marks)
        return;
    for (int s = 0; s < STEP_COUNT; s++) {
        long long ns = marks->end[s] && marks->begin[s]
                           ? marks->end[s] - marks->begin[s]
                           : 0;
        if (s == STEP_COMMAND)
            command_ns = ns;
        fprintf(stderr, "timing %-10s %7lld\n", steps[s].name, ns / 1000);
    }
    /* Wall time: the child's mounts overlap the parent's network, so
     * the steps add up to more than this. */
    fprintf(stderr,
            "timing %-10s %7lld  (minictr's own: start to end, less the "
            "command)\n",
            "total",
            (marks->end[STEP_DELETE] - started_ns - command_ns) / 1000);
}
