/* lib/process.c - clone a child, synchronise with it, wait; see process.h.
 * Man pages: clone(2), prctl(2) (PR_SET_PDEATHSIG), sigaction(2). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "err.h"
#include "flags.h"
#include "process.h"
#include "syscalls.h"

static const int forwarded_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};

#define N_FORWARDED (sizeof(forwarded_signals) / sizeof(forwarded_signals[0]))

static volatile pid_t forward_target = -1;

pid_t clone_child(unsigned long flags, const char *note)
{
    struct clone_args args = {.flags = flags, .exit_signal = SIGCHLD};
    char names[160];
    pid_t pid;

    flags_to_string(clone_flag_names, flags, names, sizeof(names));
    fflush(NULL); /* or buffered output would be written twice */
    pid = sys_clone3(&args, sizeof(args));
    if (pid < 0 && errno == ENOSYS) {
        trace("clone3: ENOSYS (kernel < 5.3), using clone()");
        pid = sys_clone_fork(flags | SIGCHLD);
    }
    if (pid > 0)
        trace("clone3(%s) = %d%s%s", names, (int)pid, note ? "  " : "",
              note ? note : "");
    else if (pid < 0)
        error_errno("clone3(%s)", names);
    return pid;
}

void child_await_go(int sync_fd)
{
    char go;

    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (read(sync_fd, &go, 1) != 1)
        _exit(EXIT_TOOL_FAILED);
}

void child_wait_for_parent(int sync_fd)
{
    child_await_go(sync_fd);
    close(sync_fd);
}

int release_child(int sync_fd)
{
    int ret = 0;

    if (write(sync_fd, "g", 1) != 1)
        ret = error_errno("write to the child's sync pipe");
    close(sync_fd);
    return ret;
}

int block_forwarded_signals(sigset_t *saved)
{
    sigset_t set;

    sigemptyset(&set);
    for (unsigned i = 0; i < N_FORWARDED; i++)
        sigaddset(&set, forwarded_signals[i]);
    if (sigprocmask(SIG_BLOCK, &set, saved) < 0)
        return error_errno("sigprocmask(SIG_BLOCK)");
    return 0;
}

/* The handler: kill(2) is async-signal-safe. */
static void forward_signal(int sig, siginfo_t *info, void *context)
{
    (void)context;
    if (info->si_code != SI_KERNEL && forward_target > 0)
        kill(forward_target, sig);
}

int forward_signals_to(pid_t child)
{
    struct sigaction action = {
        .sa_sigaction = forward_signal,
        .sa_flags = SA_SIGINFO | SA_RESTART,
    };

    forward_target = child;
    sigemptyset(&action.sa_mask);
    for (unsigned i = 0; i < N_FORWARDED; i++)
        if (sigaction(forwarded_signals[i], &action, NULL) < 0)
            return error_errno("sigaction");
    return 0;
}

int wait_for_exit_code(pid_t child)
{
    int status;

    while (waitpid(child, &status, 0) < 0) {
        if (errno != EINTR) {
            error_errno("waitpid(%d)", (int)child);
            return EXIT_TOOL_FAILED;
        }
    }
    return exit_code_from_wait_status(status);
}

/* The kernel's struct sigaction (rt_sigaction(2), NOTES): glibc's
 * sigaction() refuses signals 32 and 33, which it keeps for itself, yet
 * a caller may hand those down ignored too (seen: a CI job's). */
struct kernel_sigaction {
    void (*handler)(int);
    unsigned long flags;
    void (*restorer)(void);
    unsigned long mask;
};

void reset_signal_dispositions(void)
{
    const struct kernel_sigaction default_action = {.handler = SIG_DFL};

    /* Only the ignored ones: exec(2) resets the caught ones itself. */
    for (int sig = 1; sig < NSIG; sig++) {
        struct kernel_sigaction now;

        if (sig == SIGKILL || sig == SIGSTOP ||
            syscall(SYS_rt_sigaction, sig, NULL, &now, sizeof(now.mask)) < 0)
            continue;
        if (now.handler == SIG_IGN)
            syscall(SYS_rt_sigaction, sig, &default_action, NULL,
                    sizeof(default_action.mask));
    }
}
