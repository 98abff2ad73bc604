/* tests/killafter.c - start a command, send it a signal a given number of
 * microseconds after its exec, and wait for everything it leaves behind.
 * The tests use it to stop `minictr run` at one precise point of its start
 * and then look for what the dead runtime left.
 *
 *     killafter KILL 250 minictr -v run --name c1 -- /bin/true
 *
 * prints one line, the signal, when it was sent, the command's status as a
 * shell shows it, and the orphans it reaped:
 *
 *     SIGKILL at 262 us: status 137; 1 orphan reaped
 *     SIGKILL not sent: it ended first, status 0; 0 orphans reaped
 *
 * With stderr a file, also its size at that moment, "SIGKILL at 262 us,
 * stderr at byte 4242: ...": what the command had said (minictr -v tells
 * each step) when the signal came, and so which step it hit.
 *
 * Why not `timeout -s KILL 0.00005`: GNU timeout arms its timer after the
 * fork, so the delay includes the exec and the dynamic loader, and its
 * wake-up competes for the CPU with the command it is to stop. Here the
 * clock starts at the exec itself (a close-on-exec pipe reads end of file
 * then), the sleep has no timer slack (prctl(2) PR_SET_TIMERSLACK, 50 us by
 * default), and as root it wakes at a real-time priority (below).
 *
 * It is a child subreaper (PR_SET_CHILD_SUBREAPER): whatever the killed
 * command leaves, the container's init for one (which PR_SET_PDEATHSIG
 * kills), is reparented here, and is waited for, 10 s at most.
 *
 * Exit status: 0 when every descendant is gone; 1 when some were still
 * alive after 10 s (their PIDs on stderr; then they are SIGKILLed, so that
 * nothing outlives a test); 2 bad usage; 125 it could not run the command.
 *
 * Read: prctl(2) (PR_SET_CHILD_SUBREAPER, PR_SET_TIMERSLACK),
 * sched_setscheduler(2) (SCHED_FIFO, SCHED_RESET_ON_FORK), clock_nanosleep(2),
 * waitpid(2), proc(5) /proc/PID/task/TID/children.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "err.h"

#define ORPHAN_WAIT_US (10 * 1000000LL) /* the bound on every wait */

static long long now_us(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000LL + t.tv_nsec / 1000;
}

static void sleep_until_us(long long when)
{
    struct timespec t = {.tv_sec = when / 1000000,
                         .tv_nsec = (when % 1000000) * 1000};

    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, NULL) == EINTR)
        ;
}

/* waitpid(PID) until DEADLINE: the PID reaped, 0 when time ran out, -1
 * when there is no such child (ECHILD). Polls every millisecond: simple,
 * and a millisecond is nothing next to the bound. */
static pid_t wait_until_us(pid_t pid, int *status, long long deadline)
{
    for (;;) {
        pid_t got = waitpid(pid, status, WNOHANG);

        if (got != 0 || now_us() >= deadline)
            return got;
        sleep_until_us(now_us() + 1000);
    }
}

/* A signal by name, "KILL" or "SIGKILL", or by number. */
static int parse_signal(const char *text)
{
    char *end;
    long number;

    if (strncmp(text, "SIG", 3) == 0)
        text += 3;
    if (strcmp(text, "KILL") == 0)
        return SIGKILL;
    if (strcmp(text, "TERM") == 0)
        return SIGTERM;
    if (strcmp(text, "INT") == 0)
        return SIGINT;
    errno = 0;
    number = strtol(text, &end, 10);
    return errno || *end || end == text || number < 1 || number >= NSIG
               ? -1
               : (int)number;
}

/* Our children still alive, from the kernel's list (the orphans the
 * subreaper took in are there too), on stderr, then SIGKILLed. */
static void kill_leftovers(void)
{
    char path[64];
    int pid;
    FILE *f;

    snprintf(path, sizeof(path), "/proc/self/task/%d/children", (int)getpid());
    f = fopen(path, "re");
    fprintf(stderr, "%s: still alive after %lld s:", program_name,
            ORPHAN_WAIT_US / 1000000);
    while (f && fscanf(f, "%d", &pid) == 1) {
        fprintf(stderr, " %d", pid);
        kill(pid, SIGKILL);
    }
    fprintf(stderr, " (SIGKILLed)\n");
    if (f)
        fclose(f);
    while (wait_until_us(-1, NULL, now_us() + ORPHAN_WAIT_US) > 0)
        ;
}

static void usage(FILE *out)
{
    fprintf(out,
            "usage: %s SIGNAL MICROSECONDS COMMAND [ARG...]\n"
            "  send SIGNAL (KILL, TERM, INT or a number) to COMMAND "
            "MICROSECONDS after\n  its exec, then wait for it and for "
            "every process it left\n",
            program_name);
}

int main(int argc, char **argv)
{
    int exec_pipe[2], sig, status = 0, orphans = 0, left = 0;
    long long delay, exec_at, sent_at = -1, err_bytes = -1;
    struct stat stderr_stat;
    char *end, byte;
    pid_t child;

    set_program_name(argv[0]);
    if (argc > 1 && strcmp(argv[1], "--help") == 0) {
        usage(stdout);
        return 0;
    }
    if (argc < 4 || (sig = parse_signal(argv[1])) < 0 ||
        (errno = 0, delay = strtoll(argv[2], &end, 10), errno) || *end ||
        delay < 0) {
        usage(stderr);
        return EXIT_USAGE;
    }

    /* 1. Orphans come to us, and our sleeps end on time: no slack, and
     *    as root a real-time priority, so that our wake-up does not wait
     *    for the CPU the command is busy on. The command itself runs at
     *    the normal priority (SCHED_RESET_ON_FORK). */
    if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0 ||
        prctl(PR_SET_TIMERSLACK, 1UL) < 0) {
        error_errno("prctl");
        return EXIT_TOOL_FAILED;
    }
    (void)sched_setscheduler(0, SCHED_FIFO | SCHED_RESET_ON_FORK,
                             &(struct sched_param){.sched_priority = 1});

    /* 2. The command; the pipe reads end of file when its exec closes
     *    the write end (O_CLOEXEC), or the errno when exec failed. */
    if (pipe2(exec_pipe, O_CLOEXEC) < 0) {
        error_errno("pipe2");
        return EXIT_TOOL_FAILED;
    }
    fflush(NULL);
    child = fork();
    if (child < 0) {
        error_errno("fork");
        return EXIT_TOOL_FAILED;
    }
    if (child == 0) {
        int err;

        close(exec_pipe[0]);
        execvp(argv[3], argv + 3);
        err = errno;
        error_errno("exec %s", argv[3]);
        (void)!write(exec_pipe[1], &err, sizeof(err));
        _exit(exit_code_from_exec_errno(err));
    }
    close(exec_pipe[1]);
    if (read(exec_pipe[0], &byte, 1) != 0) { /* exec failed: said so */
        waitpid(child, NULL, 0);
        return EXIT_TOOL_FAILED;
    }
    exec_at = now_us();
    close(exec_pipe[0]);

    /* 3. The signal, unless the command ended first. (Our own child is
     *    ours until we reap it: its PID cannot be another's meanwhile.) */
    sleep_until_us(exec_at + delay);
    if (waitpid(child, &status, WNOHANG) == 0) {
        sent_at = now_us() - exec_at;
        if (fstat(STDERR_FILENO, &stderr_stat) == 0 &&
            S_ISREG(stderr_stat.st_mode))
            err_bytes = stderr_stat.st_size;
        kill(child, sig);
        if (wait_until_us(child, &status, now_us() + ORPHAN_WAIT_US) == 0) {
            left = 1;
            kill_leftovers();
            waitpid(child, &status, 0);
        }
    }

    /* 4. Every orphan it left, reparented to us. */
    for (long long deadline = now_us() + ORPHAN_WAIT_US;;) {
        pid_t got = wait_until_us(-1, NULL, deadline);

        if (got < 0)
            break;
        if (got == 0) {
            left = 1;
            kill_leftovers();
            break;
        }
        orphans++;
    }

    if (sent_at >= 0 && err_bytes >= 0)
        printf("SIG%s at %lld us, stderr at byte %lld: ", sigabbrev_np(sig),
               sent_at, err_bytes);
    else if (sent_at >= 0)
        printf("SIG%s at %lld us: ", sigabbrev_np(sig), sent_at);
    else
        printf("SIG%s not sent: it ended first, ", sigabbrev_np(sig));
    printf("status %d; %d orphan%s reaped\n",
           exit_code_from_wait_status(status), orphans,
           orphans == 1 ? "" : "s");
    return left;
}
