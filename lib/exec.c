/* lib/exec.c - exec a command or exit with a shell's status; see exec.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "err.h"
#include "exec.h"

void exec_command(char **command)
{
    trace("PID %d: execvp(\"%s\")", (int)getpid(), command[0]);
    fflush(NULL); /* what is buffered now would be lost by exec */
    execvp(command[0], command);
    error_errno("exec %s", command[0]);
    _exit(exit_code_from_exec_errno(errno));
}

int close_inherited_fds(void)
{
    trace("close_range(3, ~0U, CLOSE_RANGE_CLOEXEC)");
    if (close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) == 0)
        return 0;
    if (errno != ENOSYS && errno != EINVAL)
        return error_errno("close_range");
    for (int fd = 3; fd < 65536; fd++) /* before 5.11 */
        fcntl(fd, F_SETFD, FD_CLOEXEC);
    return 0;
}

int close_fds_except(int keep_a, int keep_b)
{
    return close_fds_from(3, keep_a, keep_b);
}

int close_fds_from(int lowest, int keep_a, int keep_b)
{
    int keep[2] = {keep_a < keep_b ? keep_a : keep_b,
                   keep_a < keep_b ? keep_b : keep_a};
    unsigned first = (unsigned)lowest;

    trace("close_range(%d, ~0U, 0)  <- every fd but 0-%d%s", lowest, lowest - 1,
          keep[1] >= lowest ? " and the ones still needed" : "");
    /* close_range(2) takes a range: close around the (at most two) fds
     * to keep, lowest first. */
    for (int i = 0; i < 2; i++) {
        if (keep[i] < (int)first)
            continue; /* below LOWEST: kept anyway */
        if (keep[i] > (int)first &&
            close_range(first, (unsigned)keep[i] - 1, 0) < 0)
            goto fallback;
        first = (unsigned)keep[i] + 1;
    }
    if (close_range(first, ~0U, 0) == 0)
        return 0;
fallback:
    if (errno != ENOSYS && errno != EINVAL)
        return error_errno("close_range");
    for (int fd = lowest; fd < 65536; fd++) /* before 5.9 */
        if (fd != keep_a && fd != keep_b)
            close(fd);
    return 0;
}
