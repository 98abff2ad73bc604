/* lib/userns.h - user namespace id maps (user_namespaces(7)).
 *
 * A new user namespace starts with no ids mapped: its processes run as the
 * overflow uid 65534 until someone writes /proc/PID/uid_map and gid_map,
 * each exactly once. An unprivileged writer may map only its own ids, and
 * must first write "deny" to /proc/PID/setgroups before gid_map (Linux
 * 3.19, CVE-2014-8989): otherwise a process could drop a group that a file
 * uses to deny it access.
 */
#ifndef CTLAB_USERNS_H
#define CTLAB_USERNS_H

#include <sys/types.h>

/* A uid or gid map: up to 340 "INSIDE OUTSIDE COUNT" lines (Linux 4.15;
 * 5 before). */
#define ID_MAP_MAX_RANGES 340

struct id_range {
    unsigned long inside, outside, count;
};

struct id_map {
    const char *kind; /* "uid" or "gid" */
    int count;
    struct id_range ranges[ID_MAP_MAX_RANGES];
};

/* Write MAP ("0 1000 1\n...") to /proc/PID/FILE, FILE being "uid_map" or
 * "gid_map"; PID 0 means this process ("self"). */
int write_id_map(pid_t pid, const char *file, const char *map);

/* Write "deny" to /proc/PID/setgroups (PID 0: self). A kernel without the
 * file (before 3.19) needs no deny: that is not an error. */
int deny_setgroups(pid_t pid);

/* Map root (0) inside PID's user namespace to OUTSIDE_UID/OUTSIDE_GID on
 * the host: setgroups "deny", then uid_map "0 UID 1", then gid_map
 * "0 GID 1" -- what `unshare --user --map-root-user` writes right after
 * unshare(CLONE_NEWUSER). PID 0 means this process. Reports its errors. */
int map_root_to_ids(pid_t pid, uid_t outside_uid, gid_t outside_gid);

/* Creating any namespace but a user namespace needs CAP_SYS_ADMIN in the
 * user namespace that will own it. As root, do nothing. Otherwise
 * unshare(CLONE_NEWUSER) and map our uid and gid to root there, which
 * gives us that capability over the namespaces we create next. On failure
 * print "cannot create WHAT: not root, and unshare(CLONE_NEWUSER) failed:
 * CAUSE (run as root, or see: make doctor)" and return -1. */
int become_root_if_needed(const char *what);

/* Root inside is us (our uid, our gid); ids 1 and up are the first
 * subordinate range /etc/subuid and /etc/subgid grant our user (subuid(5)).
 * -1 if there is none: reported (with the usermod line that adds one)
 * unless QUIET. */
int subid_maps(struct id_map *uids, struct id_map *gids, int quiet);

/* "0 1000 1\n1 100000 65536": MAP in the format of /proc/PID/uid_map. */
void format_id_map(const struct id_map *map, char *buf, size_t size);

/* Run PROGRAM (newuidmap or newgidmap, setuid root from the uidmap
 * package) as "PROGRAM PID INSIDE OUTSIDE COUNT ...": it checks the ranges
 * against /etc/subuid or /etc/subgid and writes the map we may not. */
int run_id_helper(const char *program, pid_t pid, const struct id_map *map);

#endif
