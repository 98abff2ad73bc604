/* 10-mini-container/relay.h - the docker-like exec's stdio, relayed.
 */
#ifndef CTLAB_RELAY_H
#define CTLAB_RELAY_H

#include <sys/types.h>

/* exec's stdio, relayed: the caller's terminal (or pipes) stays out here,
 * and the command gets pipes. Passed in, the caller's fds would be
 * reachable from the container (the command is dumpable once it execs:
 * /proc/PID/fd/0, pidfd_getfd), and a process that outlives the exec
 * could keep reading the caller's terminal. docker exec relays too. */
struct relay {
    int from[3]; /* our stdin, the command's stdout, stderr; -1: done */
    int to[3];   /* the command's stdin, our stdout, stderr */
};

/* Relay until the command's stdout and stderr end, or the process that
 * waits for it (JOINER) has ended and nothing is left to read. */
void relay_stdio(struct relay *r, pid_t joiner);

#endif
