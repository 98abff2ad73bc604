/* 10-mini-container/console.c - the container's pty; see console.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include "console.h"
#include "err.h"

/* The message that carries the pty's master, both ways: SCM_RIGHTS
 * needs at least one byte of data, and runc sends the master's name,
 * "/dev/ptmx" (conmon and containerd's shim read the fd and ignore the
 * name); we send the same, and take any name up to 64 bytes. */
#define MASTER_NAME "/dev/ptmx"
struct fd_message {
    char name[64];
    struct iovec iov;
    union {
        struct cmsghdr header; /* aligns the buffer for CMSG_* */
        char space[CMSG_SPACE(sizeof(int))];
    } control;
    struct msghdr msg;
};

static void fd_message_init(struct fd_message *m)
{
    memset(m, 0, sizeof(*m));
    strcpy(m->name, MASTER_NAME);
    m->iov = (struct iovec){.iov_base = m->name, .iov_len = sizeof(m->name)};
    m->msg.msg_iov = &m->iov;
    m->msg.msg_iovlen = 1;
    m->msg.msg_control = m->control.space;
    m->msg.msg_controllen = sizeof(m->control.space);
}

/* --- the child ------------------------------------------------------------ */

static int send_fd(int sock, int fd)
{
    struct fd_message m;
    struct cmsghdr *cmsg;

    fd_message_init(&m);
    cmsg = CMSG_FIRSTHDR(&m.msg);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
    m.iov.iov_len = strlen(MASTER_NAME);
    return sendmsg(sock, &m.msg, MSG_NOSIGNAL) == (ssize_t)m.iov.iov_len ? 0
                                                                         : -1;
}

int console_setup_child(int sock)
{
    int master, slave, unlock = 0, number = -1;

    /* /dev/ptmx is the container's (a link to its devpts' pts/ptmx). */
    master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master < 0)
        return error_errno("open /dev/ptmx in the container");
    /* unlockpt(), and the slave opened through the master itself
     * (TIOCGPTPEER, Linux 4.13): no path lookup that a rootfs could
     * redirect. */
    if (ioctl(master, TIOCSPTLCK, &unlock) < 0 ||
        ioctl(master, TIOCGPTN, &number) < 0)
        return error_errno("unlock the pty");
    slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY);
    if (slave < 0)
        return error_errno("open the pty's slave (TIOCGPTPEER)");
    trace("open(\"/dev/ptmx\") = master; slave /dev/pts/%d; sendmsg(SCM_RIGHTS "
          "master) to the parent",
          number);
    if (send_fd(sock, master) < 0)
        return error_errno("send the pty to the parent");
    close(master);
    close(sock);
    /* We are a session leader with no terminal: this one becomes ours. */
    trace("ioctl(/dev/pts/%d, TIOCSCTTY); dup2 to stdin, stdout, stderr",
          number);
    if (ioctl(slave, TIOCSCTTY, 0) < 0)
        return error_errno("make /dev/pts/%d the controlling terminal", number);
    for (int fd = 0; fd < 3; fd++)
        if (dup2(slave, fd) < 0)
            return error_errno("dup2");
    if (slave > 2)
        close(slave);
    return 0;
}

/* --- the parent ----------------------------------------------------------- */

int console_receive(int sock)
{
    struct fd_message m;
    struct cmsghdr *cmsg;
    ssize_t n;
    int fd;

    fd_message_init(&m);
    do
        n = recvmsg(sock, &m.msg, MSG_CMSG_CLOEXEC);
    while (n < 0 && errno == EINTR);
    cmsg = CMSG_FIRSTHDR(&m.msg);
    if (n < 1 || !cmsg || cmsg->cmsg_type != SCM_RIGHTS) {
        /* The child ended before sending: it said why on stderr, and
         * its exit code says the rest. */
        trace("the container ended before its terminal was set up");
        return -1;
    }
    memcpy(&fd, CMSG_DATA(cmsg), sizeof(int));
    trace("recvmsg(SCM_RIGHTS) = the pty's master (fd %d)", fd);
    return fd;
}

static volatile sig_atomic_t window_changed;

static void note_window_change(int sig)
{
    (void)sig;
    window_changed = 1;
}

static void copy_window_size(int master)
{
    struct winsize size;

    if (ioctl(STDIN_FILENO, TIOCGWINSZ, &size) == 0)
        ioctl(master, TIOCSWINSZ, &size); /* the kernel sends SIGWINCH */
}

static int write_all(int fd, const char *buf, size_t length)
{
    while (length > 0) {
        ssize_t n = write(fd, buf, length);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        buf += n;
        length -= (size_t)n;
    }
    return 0;
}

int console_relay(int master)
{
    struct sigaction action = {.sa_handler = note_window_change};
    struct termios saved, raw;
    struct pollfd fds[2] = {
        {.fd = STDIN_FILENO, .events = POLLIN},
        {.fd = master, .events = POLLIN},
    };
    int is_tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0;
    char buf[8192];

    /* Our terminal raw: every key, ^C included, goes to the container's
     * pty, whose line discipline does the cooking. */
    if (is_tty) {
        raw = saved;
        cfmakeraw(&raw);
        tcsetattr(STDIN_FILENO, TCSADRAIN, &raw);
        copy_window_size(master);
        sigemptyset(&action.sa_mask);
        sigaction(SIGWINCH, &action, NULL); /* no SA_RESTART: poll wakes */
    } else {
        struct winsize classic = {.ws_row = 24, .ws_col = 80};
        ioctl(master, TIOCSWINSZ, &classic); /* not 0x0: a VT100's size */
    }
    for (;;) {
        ssize_t n;

        if (window_changed) {
            window_changed = 0;
            copy_window_size(master);
        }
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) {
            n = read(master, buf, sizeof(buf));
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0) /* EIO: the last holder of the slave is gone */
                break;
            if (write_all(STDOUT_FILENO, buf, (size_t)n) < 0)
                break;
        }
        if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            n = read(STDIN_FILENO, buf, sizeof(buf));
            if (n < 0 && errno == EINTR)
                continue;
            if (n > 0) {
                write_all(master, buf, (size_t)n);
            } else {
                /* Our input ended: say so the terminal's way, once. */
                struct termios pty;
                char eof = 4;
                if (tcgetattr(master, &pty) == 0)
                    eof = (char)pty.c_cc[VEOF];
                write_all(master, &eof, 1);
                fds[0].fd = -1;
            }
        }
    }
    if (is_tty) {
        signal(SIGWINCH, SIG_DFL);
        tcsetattr(STDIN_FILENO, TCSADRAIN, &saved);
    }
    close(master);
    return 0;
}
