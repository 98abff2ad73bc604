/* 01-pid-ns/init.c - PID 1's duties: reap orphans, forward signals.
 *
 * Read init.h first. The design is tini's: block the signals we care
 * about and take them one at a time with sigwaitinfo(2), so there are no
 * signal handlers, no races with fork, and the loop reads top to bottom.
 *
 * Man pages: pid_namespaces(7), sigwaitinfo(2), waitpid(2), signal(7).
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/wait.h>

#include "err.h"
#include "flags.h"
#include "init.h"

/* The signals a user or a runtime sends to stop or poke a container. */
static const int forwarded_signals[] = {
    SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH,
};

#define N_FORWARDED (sizeof(forwarded_signals) / sizeof(forwarded_signals[0]))

static void fill_init_signal_set(sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGCHLD);
    for (unsigned i = 0; i < N_FORWARDED; i++)
        sigaddset(set, forwarded_signals[i]);
}

int init_block_signals(sigset_t *saved)
{
    sigset_t set;

    fill_init_signal_set(&set);
    if (sigprocmask(SIG_BLOCK, &set, saved) < 0)
        return error_errno("init: sigprocmask(SIG_BLOCK)");
    return 0;
}

/* Reap every child that has ended: the main child or an orphan that the
 * kernel re-parented to us. One SIGCHLD may stand for many deaths (pending
 * signals do not queue), so loop until waitpid() finds nobody. Returns true
 * once the main child is among them, with its wait status in *STATUS. */
static bool reap_children(pid_t main_child, int *status)
{
    bool main_done = false;
    int wstatus;
    pid_t pid;

    while ((pid = waitpid(-1, &wstatus, WNOHANG)) > 0) {
        if (pid == main_child) {
            *status = wstatus;
            main_done = true;
            trace("init: main child %d ended, exit code %d", (int)pid,
                  exit_code_from_wait_status(wstatus));
        } else {
            trace("init: reaped orphan %d", (int)pid);
        }
    }
    return main_done;
}

int init_supervise(pid_t main_child)
{
    char name[32];
    siginfo_t info;
    sigset_t set;
    int status = 0;

    fill_init_signal_set(&set);
    for (;;) {
        int sig = sigwaitinfo(&set, &info);
        if (sig < 0) {
            if (errno == EINTR)
                continue;
            error_errno("init: sigwaitinfo");
            return EXIT_TOOL_FAILED;
        }
        if (sig == SIGCHLD) {
            if (reap_children(main_child, &status))
                return exit_code_from_wait_status(status);
            continue;
        }
        /* A terminal's ^C or ^\ (si_code SI_KERNEL) already went to the
         * whole foreground process group, the main child included:
         * forwarding it again would deliver it twice. Forward what a
         * process sent us with kill(2), such as `docker stop`'s SIGTERM. */
        if (info.si_code == SI_KERNEL)
            continue;
        trace("init: forward %s to %d", signal_name(sig, name, sizeof(name)),
              (int)main_child);
        if (kill(main_child, sig) < 0 && errno != ESRCH)
            error_errno("init: kill(%d, %d)", (int)main_child, sig);
    }
}
