/* lib/exec.c - exec a command or exit with a shell's status; see exec.h. */
#include <errno.h>
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
