/* lib/process.h - a parent and the child it clones into new namespaces.
 *
 * The pattern every namespace tool that must fork follows (pidns, userns,
 * minictr):
 *
 *     sigset_t saved;
 *     int sync[2];
 *     pipe2(sync, O_CLOEXEC);
 *     block_forwarded_signals(&saved);       // none lost before we know
 *     pid_t child = clone_child(CLONE_NEW..., "note");
 *     if (child == 0) {
 *         close(sync[1]);
 *         child_wait_for_parent(sync[0]);    // parent sets things up
 *         sigprocmask(SIG_SETMASK, &saved, NULL);
 *         ... exec
 *     }
 *     close(sync[0]);
 *     forward_signals_to(child);
 *     ... write maps, move interfaces ...
 *     release_child(sync[1]);
 *     sigprocmask(SIG_SETMASK, &saved, NULL);
 *     exit(wait_for_exit_code(child));
 */
#ifndef CTLAB_PROCESS_H
#define CTLAB_PROCESS_H

#include <signal.h>
#include <sys/types.h>

/* Every ignored signal back to SIG_DFL (glibc's own 32 and 33 too).
 * exec(2) resets caught signals but keeps ignored ones: without this, a
 * command would inherit what its runtime's caller ignored (SIGHUP under
 * nohup, SIGPIPE under some shells and engines). The signal mask is left
 * alone. */
void reset_signal_dispositions(void);

/* clone3() with FLAGS and SIGCHLD as exit signal, falling back to clone()
 * on kernels before 5.3. Returns like fork(). Trace mode prints
 * "clone3(FLAGS) = PID  NOTE" (NOTE may be NULL). Flushes stdio first. */
pid_t clone_child(unsigned long flags, const char *note);

/* In the child: die if the parent dies (PR_SET_PDEATHSIG), and wait for
 * the parent's go-ahead byte. If the parent died before the prctl, read()
 * sees the pipe closed and the child exits 125. */
void child_wait_for_parent(int sync_fd);

/* The same, keeping SYNC_FD open: a socketpair the child answers on. */
void child_await_go(int sync_fd);

/* In the parent: send the go-ahead byte and close the pipe. */
int release_child(int sync_fd);

/* Block SIGINT, SIGTERM, SIGHUP and SIGQUIT (the old mask in SAVED) until
 * forward_signals_to() is in place. */
int block_forwarded_signals(sigset_t *saved);

/* From now on pass SIGINT, SIGTERM, SIGHUP and SIGQUIT that a process
 * sent us on to CHILD. A terminal's ^C (si_code SI_KERNEL) is not passed
 * on: the terminal sent it to the child too, as part of our foreground
 * process group. */
int forward_signals_to(pid_t child);

/* waitpid() for CHILD, through EINTR; its exit code (N, or 128 + signal),
 * or 125 if waiting failed. */
int wait_for_exit_code(pid_t child);

#endif
