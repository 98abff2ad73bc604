/* 10-mini-container/state.c - the state directory; see state.h.
 *
 * One directory per container, with a lock: an flock(2) on NAME/lock
 * held by the minictr that runs it. The kernel drops the lock when that
 * process dies, even by SIGKILL, so `minictr gc` can tell a live
 * container from the remains of a dead one without trusting a PID file.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "file.h"
#include "state.h"

const char *state_base(void)
{
    static char base[4096];
    const char *runtime = getenv("XDG_RUNTIME_DIR");

    struct stat st;

    if (!base[0]) {
        if (geteuid() == 0)
            snprintf(base, sizeof(base), "/run/ctlab");
        else if (runtime && runtime[0] == '/')
            snprintf(base, sizeof(base), "%s/ctlab", runtime);
        else /* no login session (su, setpriv): a directory of our own */
            snprintf(base, sizeof(base), "/tmp/ctlab-%d", (int)geteuid());
        if (mkdir(base, 0700) < 0 && errno != EEXIST)
            error_errno("mkdir %s", base);
        /* In a shared /tmp, someone else could have made it first. */
        if (lstat(base, &st) == 0 &&
            (!S_ISDIR(st.st_mode) || st.st_uid != geteuid() ||
             (st.st_mode & 077))) {
            error_msg("%s is not a private directory of uid %d: remove it",
                      base, (int)geteuid());
            exit(EXIT_TOOL_FAILED); /* never keep state in another's dir */
        }
    }
    return base;
}

int state_create(const char *name, char *dir, size_t size)
{
    char lock[4200];
    int fd;

    snprintf(dir, size, "%s/%s", state_base(), name);
    trace("mkdir %s", dir);
    if (mkdir(dir, 0700) < 0) {
        if (errno == EEXIST)
            return error_msg("a container named '%s' exists (%s; see: "
                             "minictr ps, minictr gc)",
                             name, dir);
        return error_errno("mkdir %s", dir);
    }
    snprintf(lock, sizeof(lock), "%s/lock", dir);
    fd = open(lock, O_RDWR | O_CREAT, 0600); /* inherited: held by all */
    if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB) < 0) {
        error_errno("lock %s", lock);
        state_remove(dir);
        return -1;
    }
    return 0;
}

static int write_line(const char *dir, const char *file, const char *value,
                      const char *mode)
{
    char path[8400];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", dir, file);
    f = fopen(path, mode);
    if (!f)
        return error_errno("create %s", path);
    fprintf(f, "%s\n", value);
    if (fclose(f) != 0)
        return error_errno("write %s", path);
    return 0;
}

int state_write(const char *dir, const char *file, const char *value)
{
    return write_line(dir, file, value, "we");
}

int state_append(const char *dir, const char *file, const char *value)
{
    return write_line(dir, file, value, "ae");
}

int state_read(const char *dir, const char *file, char *value, size_t size)
{
    char path[8400];

    snprintf(path, sizeof(path), "%s/%s", dir, file);
    return read_first_line(path, value, size) < 0 ? -1 : 0;
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

int state_lock_network(void)
{
    char path[4200];
    int fd;

    snprintf(path, sizeof(path), "%s/.ipam.lock", state_base());
    fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0 || flock(fd, LOCK_EX) < 0) {
        error_errno("lock %s", path);
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

/* Is ADDRESS recorded by another container? */
static int address_taken(const char *self, struct in_addr address)
{
    char dir[4200], text[64];
    struct dirent *entry;
    int taken = 0;
    DIR *d = opendir(state_base());

    if (!d)
        return 0;
    while (!taken && (entry = readdir(d))) {
        if (entry->d_name[0] == '.')
            continue;
        snprintf(dir, sizeof(dir), "%s/%s", state_base(), entry->d_name);
        if (strcmp(dir, self) == 0 || state_read(dir, "ip", text, sizeof(text)))
            continue;
        taken = strcmp(text, inet_ntoa(address)) == 0;
    }
    closedir(d);
    return taken;
}

int state_allocate_ip(const char *dir, const struct in_addr *wanted,
                      struct in_addr *address)
{
    int fd, rc = -1;

    /* One allocation at a time: a lock on the whole address book. */
    fd = state_lock_network();
    if (fd < 0)
        return -1;
    if (wanted) {
        if (address_taken(dir, *wanted)) {
            error_msg("--ip %s: already used by another container",
                      inet_ntoa(*wanted));
            goto out;
        }
        *address = *wanted;
    } else {
        uint32_t host;
        for (host = 2; host < 0xfffe; host++) {
            address->s_addr = htonl(0x0ac80000 | host); /* 10.200.x.y */
            if (!address_taken(dir, *address))
                break;
        }
        if (host == 0xfffe) {
            error_msg("no free address left in 10.200.0.0/16");
            goto out;
        }
    }
    rc = state_write(dir, "ip", inet_ntoa(*address));
out:
    close(fd);
    return rc;
}
