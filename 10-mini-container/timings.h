/* 10-mini-container/timings.h - the steps of a container's start, named
 * once: the code marks them, -v prints each one's header as it begins,
 * and --timings prints how long each took. The lab sheet tells the same
 * story in the same order.
 */
#ifndef CTLAB_TIMINGS_H
#define CTLAB_TIMINGS_H

enum step {
    STEP_CHECK,    /* 1. the spec, from flags or config.json, checked */
    STEP_STATE,    /* 2. the state directory, its lock, the spec saved */
    STEP_CGROUP,   /* 3. the cgroup, its limits and device rules */
    STEP_CLONE,    /* 4. clone3 into the namespaces and the cgroup */
    STEP_CHILD_UP, /*    (clone3 to the child's first step; overlaps) */
    STEP_NETWORK,  /* 5. the parent: id maps, the veth; the child let go */
    STEP_ROOT,     /* 6. the child: cgroup namespace, propagation, root */
    STEP_MOUNTS,   /* 7. /proc, /dev, /sys, volumes, devices, masks */
    STEP_PIVOT,    /* 8. hostname, pivot_root, workdir, read-only root */
    STEP_WAITED,   /*    (the child, done first, waits for the network) */
    STEP_SECURITY, /* 9. setsid, terminal, limits, user, caps, seccomp */
    STEP_START,    /* 10. the start gate: opened by start (or run) */
    STEP_EXEC,     /* 11. PID 1: execve of the command (or the init's fork) */
    STEP_COMMAND,  /*    (the command itself, until the container ends) */
    STEP_DELETE,   /* 12. cgroup and state removed */
    STEP_COUNT
};

/* Turn --timings on: the marks live in memory shared with the child. */
void timings_enable(void);

/* The process started (main's first line). */
void timings_started(void);

/* Step S begins: with -v, its header ("--- 3. cgroup ---"). */
void step_begin(enum step s);

/* Step S ends. One that had no begin of its own began where the last
 * step reached before it ended. */
void step_end(enum step s);

/* S's begin is another step's end (a step measured across processes). */
void step_begin_at_end_of(enum step s, enum step other);

/* "timing STEP MICROSECONDS" lines on stderr, and the total. */
void timings_print(void);

#endif
