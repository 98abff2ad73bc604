/* 10-mini-container/state.c - the state directory; see state.h.
 *
 * One directory per container, with a lock: an flock(2) on NAME/lock
 * held by the minictr that runs it. The kernel drops the lock when that
 * process dies, even by SIGKILL, so `minictr gc` can tell a live
 * container from the remains of a dead one without trusting a PID file.
 *
 * Three rules keep the state honest against a crash, a racing gc and a
 * reader that comes at the wrong moment:
 *   - a directory is made and locked under the base's own lock
 *     (BASE/.lock), which gc holds for its whole pass: gc never sees a
 *     container that exists but is not locked yet;
 *   - every file is written whole to a temporary name and renamed into
 *     place: a reader sees the old content or the new, never a half;
 *   - the init is recorded with its start time, and found again through
 *     a pidfd checked against it: a PID that was reused, or a file that
 *     says 0, never becomes kill(0, ...) or a stranger's signal.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/pidfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "file.h"
#include "state.h"

static int base_given; /* --root: the engine's directory */

/* Make the base directory if it is missing (gc removes it when the last
 * container goes) and check that it is ours alone: private, or, when an
 * engine gave it (--root; containerd makes its runc root 0711), at least
 * written by nobody else. */
static void ensure_base(const char *base)
{
    struct stat st;

    if (mkdir(base, 0700) < 0 && errno != EEXIST)
        error_errno("mkdir %s", base);
    /* In a shared /tmp, someone else could have made it first. */
    if (lstat(base, &st) == 0 &&
        (!S_ISDIR(st.st_mode) || st.st_uid != geteuid() ||
         (st.st_mode & (base_given ? 022 : 077)))) {
        if (base_given)
            error_msg("--root %s: want a directory of uid %d that no one "
                      "else can write",
                      base, (int)geteuid());
        else
            error_msg("%s is not a private directory of uid %d: remove it",
                      base, (int)geteuid());
        exit(EXIT_TOOL_FAILED); /* never keep state in another's dir */
    }
}

static char base[4096];

/* mkdir -p DIR: its missing parents 0711 (runc's mode for its root), DIR
 * itself MODE. -1 with errno set. */
static int make_directories(const char *dir, mode_t mode)
{
    char prefix[sizeof(base)];

    for (size_t end = 1; dir[end - 1]; end++) {
        int last = dir[end] == '\0';

        if (!last && dir[end] != '/')
            continue;
        snprintf(prefix, sizeof(prefix), "%.*s", (int)end, dir);
        if (mkdir(prefix, last ? mode : 0711) < 0 && errno != EEXIST)
            return -1;
    }
    return 0;
}

int state_set_base(const char *dir)
{
    struct stat st;

    if (dir[0] != '/' || strlen(dir) > sizeof(base) - 128)
        return error_msg("--root %s: want an absolute path", dir);
    /* Made with its parents, as runc does: containerd's shim names
     * /run/containerd/runc/NAMESPACE before anything made it. */
    if (make_directories(dir, 0700) < 0)
        return error_errno("--root: mkdir %s", dir);
    if (lstat(dir, &st) < 0)
        return error_errno("--root %s", dir);
    if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid())
        return error_msg("--root %s: not a directory of uid %d", dir,
                         (int)geteuid());
    snprintf(base, sizeof(base), "%s", dir);
    base_given = 1;
    return 0;
}

const char *state_base(void)
{
    const char *runtime = getenv("XDG_RUNTIME_DIR");

    if (!base[0]) {
        if (geteuid() == 0)
            snprintf(base, sizeof(base), "/run/ctlab");
        else if (runtime && runtime[0] == '/')
            snprintf(base, sizeof(base), "%s/ctlab", runtime);
        else /* no login session (su, setpriv): a directory of our own */
            snprintf(base, sizeof(base), "/tmp/ctlab-%d", (int)geteuid());
        ensure_base(base);
    }
    return base;
}

/* Docker's rule, [a-zA-Z0-9][a-zA-Z0-9_.-]*, up to MAX bytes: a leading
 * '.' would hide the directory from ps and gc, which skip dot files
 * (their locks), and no '/' can lead out of the base. */
static int check_name(const char *name, size_t max)
{
    size_t length = strlen(name);
    int ok = length > 0 && length <= max && isalnum((unsigned char)name[0]);
    char shown[72];

    for (const char *c = name; ok && *c; c++)
        ok = isalnum((unsigned char)*c) || strchr("_.-", *c);
    if (ok)
        return 0;
    /* Said on one line: a newline in the name is shown as '?'. */
    snprintf(shown, sizeof(shown), "%s", name);
    for (char *c = shown; *c; c++)
        if (!isprint((unsigned char)*c))
            *c = '?';
    return error_msg("container name '%s%s': want 1-%zu letters, digits, "
                     "'_', '.' or '-', starting with a letter or digit",
                     shown, length >= sizeof(shown) ? "..." : "", max);
}

int state_check_name(const char *name)
{
    return check_name(name, 63);
}

int state_check_id(const char *id)
{
    return check_name(id, STATE_NAME_MAX - 1);
}

int state_lock_base(void)
{
    char path[4200];
    struct stat held, now;

    /* gc may remove the base, lock file and all, while we wait for its
     * lock: then we hold a lock on a file that no longer has a name, and
     * must start again on the new one. */
    snprintf(path, sizeof(path), "%s/.lock", state_base());
    for (int tries = 0; tries < 100; tries++) {
        int fd;

        ensure_base(state_base());
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd < 0)
            return error_errno("open %s", path);
        if (flock(fd, LOCK_EX) < 0) {
            error_errno("lock %s", path);
            close(fd);
            return -1;
        }
        if (fstat(fd, &held) == 0 && stat(path, &now) == 0 &&
            held.st_ino == now.st_ino && held.st_dev == now.st_dev)
            return fd;
        close(fd); /* removed while we waited: again */
    }
    return error_msg("lock %s: removed under us again and again", path);
}

int state_create(const char *name, char *dir, size_t size)
{
    char lock[4200];
    int base_lock, fd = -1;

    snprintf(dir, size, "%s/%s", state_base(), name);
    base_lock = state_lock_base();
    if (base_lock < 0)
        return -1;
    trace("mkdir %s", dir);
    if (mkdir(dir, 0700) < 0) {
        if (errno == EEXIST)
            error_msg("a container named '%s' exists (%s; see: minictr ps, "
                      "minictr gc)",
                      name, dir);
        else
            error_errno("mkdir %s", dir);
        close(base_lock);
        return -1;
    }
    /* O_CLOEXEC, and closed in the container's init: only minictr holds
     * it (and a -d monitor, which inherits it by fork). An fd left in
     * the container would be reachable from inside through /proc/1/fd. */
    snprintf(lock, sizeof(lock), "%s/lock", dir);
    fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB) < 0) {
        error_errno("lock %s", lock);
        state_remove(dir);
        if (fd >= 0)
            close(fd);
        fd = -1;
    }
    close(base_lock);
    return fd;
}

int state_write_bytes(const char *dir, const char *file, const void *data,
                      size_t size)
{
    char path[8400], temporary[8420];
    const char *next = data;
    int fd;

    snprintf(path, sizeof(path), "%s/%s", dir, file);
    snprintf(temporary, sizeof(temporary), "%s/.%s.new", dir, file);
    fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
              0600);
    if (fd < 0)
        return error_errno("create %s", temporary);
    while (size > 0) { /* a full /run: ENOSPC here, said and undone */
        ssize_t n = write(fd, next, size);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            error_errno("write %s", temporary);
            close(fd);
            unlink(temporary);
            return -1;
        }
        next += n;
        size -= (size_t)n;
    }
    if (close(fd) < 0 || rename(temporary, path) < 0) {
        error_errno("write %s", path);
        unlink(temporary);
        return -1;
    }
    return 0;
}

int state_write(const char *dir, const char *file, const char *value)
{
    char line[4200];
    int length = snprintf(line, sizeof(line), "%s\n", value);

    if (length < 0 || (size_t)length >= sizeof(line))
        return error_msg("%s/%s: value too long", dir, file);
    return state_write_bytes(dir, file, line, (size_t)length);
}

int state_unlink(const char *dir, const char *file)
{
    char path[8400];

    snprintf(path, sizeof(path), "%s/%s", dir, file);
    if (unlink(path) < 0 && errno != ENOENT)
        return error_errno("remove %s", path);
    return 0;
}

int state_read(const char *dir, const char *file, char *value, size_t size)
{
    char path[8400];

    snprintf(path, sizeof(path), "%s/%s", dir, file);
    return read_first_line(path, value, size) < 0 ? -1 : 0;
}

/* Field 22 of /proc/PID/stat, the start time in clock ticks after boot:
 * with the PID, a name for one process that a reused PID cannot take. */
static int process_start_time(pid_t pid, unsigned long long *start, char *state)
{
    char path[64], text[1024], *field;
    ssize_t n;
    int fd;

    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    n = read(fd, text, sizeof(text) - 1);
    close(fd);
    if (n <= 0)
        return -1;
    text[n] = '\0';
    /* "PID (COMM) S PPID ...": COMM may hold spaces and ')', so count
     * from the last ')'; the state is field 3, the start time field 22. */
    field = strrchr(text, ')');
    if (state && field)
        *state = field[1] ? field[2] : '?';
    for (int i = 2; field && i < 22; i++)
        field = strchr(field + 1, ' ');
    return field && sscanf(field, " %llu", start) == 1 ? 0 : -1;
}

int state_record_init(const char *dir, pid_t pid)
{
    unsigned long long start;
    char text[64];

    if (process_start_time(pid, &start, NULL) < 0)
        return error_errno("read /proc/%d/stat", (int)pid);
    snprintf(text, sizeof(text), "%d %llu", (int)pid, start);
    if (state_write(dir, "init", text) < 0)
        return -1;
    snprintf(text, sizeof(text), "%d", (int)pid);
    return state_write(dir, "pid", text); /* for people and ps */
}

int state_open_init(const char *dir, pid_t *pid, int *pidfd_out)
{
    unsigned long long recorded, now;
    char text[64], extra;
    int pidfd, number;

    /* Strictly "PID START", PID above 1: an empty or torn file is not
     * a container, and never kill(0) (our group) or kill(-1) (all). */
    if (state_read(dir, "init", text, sizeof(text)) < 0 ||
        sscanf(text, "%d %llu %c", &number, &recorded, &extra) != 2 ||
        number <= 1)
        return 0;
    /* The pidfd first, then the check: if the start time still matches,
     * the pidfd is that very process, whatever happens to the PID. */
    pidfd = pidfd_open((pid_t)number, 0);
    if (pidfd < 0)
        return 0;
    if (process_start_time((pid_t)number, &now, NULL) < 0 || now != recorded) {
        close(pidfd);
        return 0;
    }
    *pid = (pid_t)number;
    *pidfd_out = pidfd;
    return 1;
}

const char *const state_status_names[] = {
    [STATUS_CREATING] = "creating",
    [STATUS_CREATED] = "created",
    [STATUS_RUNNING] = "running",
    [STATUS_STOPPED] = "stopped",
};

enum state_status state_status(const char *dir, pid_t *pid)
{
    unsigned long long start;
    char run_state = '?', gate[4200];
    int pidfd;

    *pid = 0;
    if (state_open_init(dir, pid, &pidfd) == 1) {
        close(pidfd);
        /* Ended, but not yet reaped by its parent (an engine's shim, or
         * none left to do it): a zombie has stopped all the same. */
        if (process_start_time(*pid, &start, &run_state) == 0 &&
            (run_state == 'Z' || run_state == 'X'))
            return STATUS_STOPPED;
        snprintf(gate, sizeof(gate), "%s/start.fifo", dir);
        return access(gate, F_OK) == 0 ? STATUS_CREATED : STATUS_RUNNING;
    }
    *pid = 0;
    return state_in_use(dir) ? STATUS_CREATING : STATUS_STOPPED;
}

int state_in_use(const char *dir)
{
    char lock[4200];
    int fd, busy;

    snprintf(lock, sizeof(lock), "%s/lock", dir);
    fd = open(lock, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    busy = flock(fd, LOCK_EX | LOCK_NB) < 0 && errno == EWOULDBLOCK;
    close(fd);
    return busy;
}

static int remove_entry(const char *path, const struct stat *st, int type,
                        struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    if ((type == FTW_DP ? rmdir(path) : unlink(path)) < 0 && errno != ENOENT)
        return error_errno("remove %s", path);
    return 0;
}

int state_remove(const char *dir)
{
    trace("rm -r %s", dir);
    return nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS) < 0 ? -1 : 0;
}

int state_write_pid_file(const char *path, pid_t pid)
{
    char temporary[PATH_MAX + 16];
    FILE *f;

    snprintf(temporary, sizeof(temporary), "%s.tmp", path);
    f = fopen(temporary, "we");
    if (!f)
        return error_errno("--pid-file %s", path);
    fprintf(f, "%d", (int)pid);
    if (fclose(f) != 0 || rename(temporary, path) < 0) {
        unlink(temporary);
        return error_errno("--pid-file %s", path);
    }
    return 0;
}
