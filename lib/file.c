/* lib/file.c - single-write file helpers; see file.h. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "file.h"

int write_file(const char *path, const char *text)
{
    size_t length = strlen(text);
    ssize_t written;
    int fd, saved_errno;

    trace("write %s \"%s\"", path, text);
    fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    written = write(fd, text, length);
    saved_errno = errno;
    if (close(fd) < 0 && written >= 0) /* cgroup files may fail on close */
        return -1;
    if (written < 0) {
        errno = saved_errno;
        return -1;
    }
    if ((size_t)written != length) {
        errno = EIO; /* a short write: the kernel took only part of it */
        return -1;
    }
    return 0;
}

ssize_t read_first_line(const char *path, char *buf, size_t size)
{
    ssize_t n;
    int fd, saved_errno;
    char *newline;

    if (size == 0) {
        errno = EINVAL;
        return -1;
    }
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    n = read(fd, buf, size - 1);
    saved_errno = errno;
    close(fd);
    if (n < 0) {
        errno = saved_errno;
        return -1;
    }
    buf[n] = '\0';
    newline = strchr(buf, '\n');
    if (newline)
        *newline = '\0';
    return (ssize_t)strlen(buf);
}
