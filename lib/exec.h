/* lib/exec.h - the last step of every tool that runs a command. */
#ifndef CTLAB_EXEC_H
#define CTLAB_EXEC_H

/* Flush stdio, execvp(COMMAND[0], COMMAND) (traced), and if that fails,
 * say why and _exit() like a shell: 127 when not found, 126 otherwise. */
__attribute__((noreturn)) void exec_command(char **command);

#endif
