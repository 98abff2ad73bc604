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
