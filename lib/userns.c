/* lib/userns.c - writing uid_map, gid_map and setgroups; see userns.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <pwd.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "err.h"
#include "file.h"
#include "process.h"
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

/* The first range /etc/subuid (or subgid) grants USER (by name or uid),
 * as "USER:START:COUNT" lines; see subuid(5). */
static int find_subid_range(const char *file, const char *user,
                            unsigned long id, struct id_range *range, int quiet)
{
    char line[256], name[128];
    FILE *f = fopen(file, "r");

    if (!f)
        return quiet ? -1 : error_errno("open %s", file);
    while (fgets(line, sizeof(line), f)) {
        unsigned long start, count;
        char *end;
        if (sscanf(line, "%127[^:]:%lu:%lu", name, &start, &count) != 3)
            continue;
        if (strcmp(name, user) == 0 ||
            (strtoul(name, &end, 10) == id && *end == '\0')) {
            *range = (struct id_range){1, start, count};
            fclose(f);
            return 0;
        }
    }
    fclose(f);
    if (quiet)
        return -1;
    return error_msg("%s has no range for %s (add one: sudo "
                     "usermod --add-subuids 100000-165535 --add-subgids "
                     "100000-165535 %s)",
                     file, user, user);
}

int subid_maps(struct id_map *uids, struct id_map *gids, int quiet)
{
    struct passwd *pw = getpwuid(getuid());
    struct id_range sub;

    if (!pw)
        return quiet ? -1
                     : error_msg("uid %d has no name in /etc/passwd",
                                 (int)getuid());
    uids->kind = "uid";
    gids->kind = "gid";
    uids->count = gids->count = 0;
    uids->ranges[uids->count++] = (struct id_range){0, getuid(), 1};
    if (find_subid_range("/etc/subuid", pw->pw_name, getuid(), &sub, quiet) < 0)
        return -1;
    uids->ranges[uids->count++] = sub;
    gids->ranges[gids->count++] = (struct id_range){0, getgid(), 1};
    if (find_subid_range("/etc/subgid", pw->pw_name, getuid(), &sub, quiet) < 0)
        return -1;
    gids->ranges[gids->count++] = sub;
    return 0;
}

/* "0 1000 1\n1 100000 65536": the format of /proc/PID/uid_map, one range
 * a line (the last newline is optional). */
void format_id_map(const struct id_map *map, char *buf, size_t size)
{
    size_t used = 0;

    buf[0] = '\0';
    for (int i = 0; i < map->count && used < size; i++)
        used += snprintf(buf + used, size - used, "%s%lu %lu %lu",
                         i ? "\n" : "", map->ranges[i].inside,
                         map->ranges[i].outside, map->ranges[i].count);
}

/* Run newuidmap or newgidmap: PROGRAM PID INSIDE OUTSIDE COUNT ... */
int run_id_helper(const char *program, pid_t child, const struct id_map *map)
{
    char *argv[2 + 3 * ID_MAP_MAX_RANGES + 1];
    char numbers[1 + 3 * ID_MAP_MAX_RANGES][24];
    char line[256] = "";
    int argc = 0, status;
    pid_t pid;

    snprintf(numbers[0], sizeof(numbers[0]), "%d", (int)child);
    argv[argc++] = (char *)program;
    argv[argc++] = numbers[0];
    for (int i = 0; i < map->count; i++) {
        const struct id_range *r = &map->ranges[i];
        snprintf(numbers[1 + 3 * i], 24, "%lu", r->inside);
        snprintf(numbers[2 + 3 * i], 24, "%lu", r->outside);
        snprintf(numbers[3 + 3 * i], 24, "%lu", r->count);
        for (int j = 1; j <= 3; j++)
            argv[argc++] = numbers[j + 3 * i];
    }
    argv[argc] = NULL;
    for (int i = 0; i < argc; i++)
        snprintf(line + strlen(line), sizeof(line) - strlen(line), "%s%s",
                 i ? " " : "", argv[i]);
    trace("run %s  <- setuid root: it checks /etc/sub%cid, then writes the "
          "map for us",
          line, program[3]);

    fflush(NULL);
    pid = fork();
    if (pid < 0)
        return error_errno("fork");
    if (pid == 0) {
        execvp(program, argv);
        error_errno("exec %s (install the uidmap package)", program);
        _exit(EXIT_NOT_FOUND);
    }
    if (waitpid(pid, &status, 0) < 0)
        return error_errno("waitpid(%s)", program);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return error_msg("%s failed (exit code %d)", program,
                         exit_code_from_wait_status(status));
    return 0;
}
