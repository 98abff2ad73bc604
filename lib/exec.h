/* lib/exec.h - the last step of every tool that runs a command. */
#ifndef CTLAB_EXEC_H
#define CTLAB_EXEC_H

/* Flush stdio, execvp(COMMAND[0], COMMAND) (traced), and if that fails,
 * say why and _exit() like a shell: 127 when not found, 126 otherwise. */
__attribute__((noreturn)) void exec_command(char **command);

/* Mark every file descriptor from 3 up close-on-exec (close_range(2),
 * Linux 5.11; a loop on older kernels), so a command we start inherits
 * only stdin, stdout and stderr, and no handle on the host's files. */
int close_inherited_fds(void);

/* Really close every file descriptor from 3 up but KEEP_A and KEEP_B (-1:
 * none), for a process that will not exec: a container's init. CLOEXEC
 * would leave them open in it, where root inside reaches them through
 * /proc/1/fd or pidfd_getfd(2) (runc's CVE-2024-21626). */
int close_fds_except(int keep_a, int keep_b);

/* The same from LOWEST up (an OCI runtime's --preserve-fds N keeps
 * 3..3+N-1 for the container). */
int close_fds_from(int lowest, int keep_a, int keep_b);

#endif
