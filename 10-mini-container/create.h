/* 10-mini-container/create.h - one create path for every front end:
 *
 *     minictr run [flags] -- CMD   create, start, wait, delete
 *     minictr run --bundle B ID    create, start, wait, delete
 *     minictr create --bundle B ID create: returns with the container's
 *                                  process waiting at its start gate
 *     minictr start ID             opens the gate
 *
 * create does steps 2 to 9 of the story (timings.h): the state directory,
 * the cgroup, the clone into the namespaces, and in the child everything
 * up to the seccomp filter; then the child waits at the start gate, a
 * fifo in the state directory that outlives the create process (runc's
 * exec.fifo): start opens it for reading, and the child's open for
 * writing returns. An engine sets up the network and runs hooks in
 * between.
 */
#ifndef CTLAB_CREATE_H
#define CTLAB_CREATE_H

#include <limits.h>
#include <seccomp.h>
#include <signal.h>
#include <sys/types.h>

#include "spec.h"

/* The start gate's name in the state directory. */
#define GATE_FIFO "start.fifo"

/* One container being made: its spec and this invocation's context, and
 * the live objects built from them (which the spec never holds). */
struct container {
    const struct ctr_spec *spec;
    const struct ctr_context *ctx;
    char state_dir[PATH_MAX];
    int lock_fd;            /* the state directory's, while we make it */
    scmp_filter_ctx filter; /* compiled in step 1; NULL: unconfined */
    sigset_t saved_mask;    /* the signal mask to give the command */
    pid_t pid;              /* the container's init, once cloned */
    int cgroup_made;
    struct cgroup cgroup;
    /* The child's ends: the sync channel, the console (-t, or the OCI
     * console socket), the gate (O_PATH, opened for writing at the gate) */
    int sync_fd, console_fd, gate_fd;
    int parent_sync_fd, parent_console_fd; /* ours */
    char *hook_state; /* the child's: for createContainer, startContainer */
};

/* Does the child run hooks (createContainer, startContainer)? */
int child_runs_hooks(const struct ctr_spec *spec);

/* Step 1 for both front ends: what can be checked and built before
 * anything is made (the seccomp filter compiled, the namespaces paths
 * opened and checked). Reports, -1. */
int container_check(struct container *c);

/* Step 2: the state directory, locked, with its start gate. */
int container_make_state(struct container *c);

/* Steps 3-9: the cgroup and the container, up to its start gate: 0 once
 * its process waits there; 1 if it ended before (it reported why; wait
 * for its exit code); -1 on error, with everything made undone (the
 * state directory too). */
int container_make(struct container *c);

/* Open the gate of the container whose state is in STATE_DIR: 0 once its
 * process has gone through, -1 if there is no one at the gate. */
int container_open_gate(const char *state_dir);

/* Wait for the init (we are its parent), then step 12: its cgroup and
 * state removed. Returns the exit code. */
int container_wait_and_delete(struct container *c);

/* Remove the state directory, under the base's lock (gc's), as the
 * mapped root when rootless. */
void container_remove_state(const char *state_dir, int rootless);

/* The cgroup of the container whose state is in DIR, as create made it:
 * 1, or 0 when it has none (rootless without delegation). */
int container_cgroup(const char *dir, const char *name, struct cgroup *cg);

/* The process's rlimits, oomScoreAdj, umask and supplementary groups,
 * set on this process (the child, and exec's joiner). */
int child_set_process_limits(const struct spec_process *p);

/* The container side (child.c): steps 6-9 and 11, never returns. */
__attribute__((noreturn)) void child_main(struct container *c);

#endif
