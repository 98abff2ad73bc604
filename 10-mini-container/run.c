/* 10-mini-container/run.c - `minictr run`, the docker-like one: create,
 * start at once, wait, delete; with -d, a monitor process does it all
 * after the state directory is made, and the caller returns once the
 * container runs.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include "console.h"
#include "create.h"
#include "err.h"
#include "exec.h"
#include "process.h"
#include "state.h"
#include "timings.h"
#include "verbs.h"

/* -d: the caller returns once the container runs; a monitor process
 * (this one's child, in a session of its own) stays to wait for it and
 * clean up, with all output in STATE_DIR/log. Returns 1 in the caller, 0
 * in the monitor, -1 on error. */
static int detach_monitor(const char *state_dir, int lock_fd, int *started_fd)
{
    char log[PATH_MAX + 8];
    int started[2], fd;
    pid_t monitor;

    if (pipe2(started, O_CLOEXEC) < 0)
        return error_errno("pipe2");
    fflush(NULL);
    monitor = fork();
    if (monitor < 0)
        return error_errno("fork");
    if (monitor > 0) {
        close(started[1]);
        *started_fd = started[0];
        return 1;
    }
    close(started[0]);
    *started_fd = started[1];
    setsid();
    snprintf(log, sizeof(log), "%s/log", state_dir);
    fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0 || dup2(fd, STDERR_FILENO) < 0)
        _exit(EXIT_TOOL_FAILED);
    close(fd);
    fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (fd >= 0 && fd != STDIN_FILENO) {
        dup2(fd, STDIN_FILENO);
        close(fd);
    }
    /* The monitor outlives its caller: it keeps nothing of the caller's
     * (a lock it held, a pipe the caller's caller waits on), only the
     * state lock and the line back to the caller. */
    if (close_fds_except(lock_fd, *started_fd) < 0)
        _exit(EXIT_TOOL_FAILED);
    trace("detached: monitor PID %d, output in %s", (int)getpid(), log);
    return 0;
}

/* The caller of -d: the container's name once it runs, or its log. */
static int report_start(const char *name, const char *state_dir, int started_fd)
{
    char log[PATH_MAX + 8], byte;
    ssize_t n = read(started_fd, &byte, 1);
    FILE *f;

    close(started_fd);
    if (n == 1) {
        printf("%s\n", name);
        return 0;
    }
    snprintf(log, sizeof(log), "%s/log", state_dir);
    error_msg("container %s did not start; its log (%s):", name, log);
    f = fopen(log, "re");
    for (int c; f && (c = getc(f)) != EOF;)
        fputc(c, stderr);
    if (f)
        fclose(f);
    return EXIT_TOOL_FAILED;
}

/* The docker-like run: create, start at once, wait, delete. With -d, a
 * monitor does all after step 2, and the caller returns once it runs. */
int run_container(struct ctr_spec *spec, struct ctr_context *ctx)
{
    struct container c = {.spec = spec, .ctx = ctx};
    char text[32];
    int code = EXIT_TOOL_FAILED, started_fd = -1, made, master;

    /* SIGINT/SIGTERM wait from here until the child can have them: a
     * signal in the first milliseconds must not end us between making
     * something and removing it. */
    if (block_forwarded_signals(&c.saved_mask) < 0 || container_check(&c) < 0 ||
        container_make_state(&c) < 0)
        return EXIT_TOOL_FAILED;
    if (ctx->detach &&
        detach_monitor(c.state_dir, c.lock_fd, &started_fd) > 0) {
        close(c.lock_fd); /* the monitor holds it */
        sigprocmask(SIG_SETMASK, &c.saved_mask, NULL);
        return report_start(ctx->id, c.state_dir, started_fd);
    }
    made = container_make(&c);
    if (made < 0)
        goto out;
    /* 10. Open the gate at once: run is create and start in one. */
    if (made == 0 && container_open_gate(c.state_dir) < 0)
        kill(c.pid, SIGKILL);
    sigprocmask(SIG_SETMASK, &c.saved_mask, NULL);
    if (started_fd >= 0) { /* -d: tell the caller it runs */
        if (write(started_fd, "1", 1) < 0)
            trace("the caller is gone");
        close(started_fd);
        started_fd = -1;
    }
    /* -t: our terminal is the container's until it ends. */
    if (c.parent_console_fd >= 0 &&
        (master = console_receive(c.parent_console_fd)) >= 0)
        console_relay(master);
    code = container_wait_and_delete(&c);
out:
    if (ctx->detach) { /* kept, with its log, until rm or gc */
        snprintf(text, sizeof(text), "%d", code);
        if (state_write(c.state_dir, "exit", text) < 0)
            code = EXIT_TOOL_FAILED;
        return code;
    }
    if (made >= 0) /* a failed make removed it */
        container_remove_state(c.state_dir, spec->rootless);
    close(c.lock_fd);
    step_end(STEP_DELETE);
    timings_print();
    return code;
}
