/* 10-mini-container/relay.c - exec's stdio, relayed through pipes by
 * the process that stays with the caller; see relay.h.
 *
 * Read: poll(2), pipe(7).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <sys/pidfd.h>
#include <unistd.h>

#include "relay.h"

/* Move what one stream has; 0 at its end (or a reader gone), 1 else. */
static int relay_once(int from, int to)
{
    char buffer[16384];
    ssize_t n = read(from, buffer, sizeof(buffer));

    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return 1;
    for (ssize_t done = 0, w; n > 0 && done < n; done += w) {
        w = write(to, buffer + done, (size_t)(n - done));
        if (w < 0 && errno == EINTR)
            w = 0;
        else if (w < 0)
            return 0;
    }
    return n > 0;
}

/* Relay until the command's stdout and stderr end, or the process that
 * waits for it (JOINER) has ended and nothing is left to read: a
 * background process in the container holding the pipes must not hold
 * the caller forever. */
void relay_stdio(struct relay *r, pid_t joiner)
{
    int pidfd = pidfd_open(joiner, 0), joiner_done = 0;

    while (r->from[1] >= 0 || r->from[2] >= 0) {
        struct pollfd fds[4] = {{.fd = -1}, {.fd = -1}, {.fd = -1}, {.fd = -1}};

        for (int i = 0; i < 3; i++)
            fds[i] = (struct pollfd){.fd = r->from[i], .events = POLLIN};
        fds[3] =
            (struct pollfd){.fd = joiner_done ? -1 : pidfd, .events = POLLIN};
        if (poll(fds, 4, joiner_done ? 0 : -1) < 0 && errno != EINTR)
            break;
        if (fds[3].revents)
            joiner_done = 1; /* drain what is there, then stop */
        for (int i = 0; i < 3; i++) {
            /* POLLNVAL/POLLERR too: read then fails, and the stream
             * ends (poll would report them again at once, forever). */
            if (r->from[i] < 0 ||
                !(fds[i].revents & (POLLIN | POLLHUP | POLLERR | POLLNVAL)))
                continue;
            if (!relay_once(r->from[i], r->to[i])) {
                if (i > 0 || r->from[0] != STDIN_FILENO)
                    close(r->from[i]);
                if (i == 0)
                    close(r->to[0]); /* the command sees its stdin end */
                r->from[i] = -1;
            }
        }
        if (joiner_done && !(fds[1].revents | fds[2].revents))
            break;
    }
    if (pidfd >= 0)
        close(pidfd);
}
