/* lib/userns.c - writing uid_map, gid_map and setgroups; see userns.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>
#include <stdio.h>

#include "err.h"
#include "file.h"
#include "userns.h"

static void proc_path(char *buf, size_t size, pid_t pid, const char *file)
{
    if (pid == 0)
        snprintf(buf, size, "/proc/self/%s", file);
    else
        snprintf(buf, size, "/proc/%d/%s", (int)pid, file);
}

int write_id_map(pid_t pid, const char *file, const char *map)
{
    char path[64];

    proc_path(path, sizeof(path), pid, file);
    if (write_file(path, map) < 0)
        return error_errno("write %s", path);
    return 0;
}

int deny_setgroups(pid_t pid)
{
    char path[64];

    proc_path(path, sizeof(path), pid, "setgroups");
    if (write_file(path, "deny") < 0 && errno != ENOENT)
        return error_errno("write %s", path);
    return 0;
}

int map_root_to_ids(pid_t pid, uid_t outside_uid, gid_t outside_gid)
{
    char map[64];

    /* setgroups must be denied before an unprivileged gid_map write. */
    if (deny_setgroups(pid) < 0)
        return -1;
    snprintf(map, sizeof(map), "0 %u 1", (unsigned)outside_uid);
    if (write_id_map(pid, "uid_map", map) < 0)
        return -1;
    snprintf(map, sizeof(map), "0 %u 1", (unsigned)outside_gid);
    return write_id_map(pid, "gid_map", map);
}

int become_root_if_needed(const char *what)
{
    uid_t uid = geteuid(); /* read now: after unshare they read 65534 */
    gid_t gid = getegid();

    if (uid == 0)
        return 0;
    trace("not root: unshare(CLONE_NEWUSER) to be root in a user namespace");
    if (unshare(CLONE_NEWUSER) < 0)
        return error_msg("cannot create %s: not root, and "
                         "unshare(CLONE_NEWUSER) failed: %s (run as root, or "
                         "see: make doctor)",
                         what, strerror(errno));
    return map_root_to_ids(0, uid, gid);
}
