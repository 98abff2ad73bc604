/* 01-pid-ns/init.h - a minimal init for PID 1 of a PID namespace.
 *
 * PID 1 has two duties nobody else has (see pid_namespaces(7)):
 *   - orphans are re-parented to it, so it must reap them or they stay
 *     zombies, holding PIDs, until the namespace ends;
 *   - the kernel delivers to it only the signals it has a handler for
 *     (SIGKILL from an ancestor namespace excepted), so a program that never
 *     installed a SIGTERM handler cannot be stopped with SIGTERM.
 * A shell or an application is written for neither. This init does both,
 * for one main child, like tini or docker's --init:
 *
 *     sigset_t saved;
 *     init_block_signals(&saved);    // before fork: no signal is lost
 *     pid_t child = fork();
 *     if (child == 0) {              // the command
 *         sigprocmask(SIG_SETMASK, &saved, NULL);
 *         execvp(...);
 *     }
 *     exit(init_supervise(child));   // reap, forward, return its status
 *
 * minictr runs the same code as its containers' PID 1.
 */
#ifndef CTLAB_INIT_H
#define CTLAB_INIT_H

#include <signal.h>
#include <sys/types.h>

/* Block SIGCHLD and the forwarded signals (SIGINT, SIGTERM, SIGHUP,
 * SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH) so init_supervise() can collect them
 * with sigwaitinfo(2); the old mask is saved for the child to restore. */
int init_block_signals(sigset_t *saved);

/* Forward signals to MAIN_CHILD and reap every child, the main one and
 * orphans alike, until the main child has ended. Returns the exit code to
 * leave with: its exit status, or 128 + N when signal N killed it. When PID
 * 1 exits, the kernel kills whatever is left in the namespace. */
int init_supervise(pid_t main_child);

#endif
