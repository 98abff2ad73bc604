/* 10-mini-container/mount_kinds.c - the two kinds of mount in a spec
 * that are more than one mount(2) (mounts.c makes the rest):
 *
 *   type "cgroup"       the container's own cgroups, read-only: on v2 one
 *                       cgroup2 mount; on v1 a tmpfs with a mount of each
 *                       hierarchy in it, or, without a cgroup namespace,
 *                       a bind of the container's directory of each
 *   option "tmpcopyup"  a tmpfs that starts with the files it hides (runc's
 *                       extension; podman asks for it with --read-only)
 *
 * Read: cgroups(7), cgroup_namespaces(7); runc's
 * libcontainer/rootfs_linux.go (mountCgroupV1, tmpcopyup).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "mounts.h"

/* The container's own directory in the v1 hierarchy mounted at POINT:
 * the one of CG's directories below it, or NULL (it has no cgroup
 * there: the hierarchy holds nothing of its limits, or is a named one,
 * name=systemd, with no controller). */
static const char *own_directory(const struct cgroup *cg, const char *point)
{
    size_t length = strlen(point);

    for (int c = 0; cg && c < CG_COUNT; c++)
        if (cg->version[c] == 1 && strncmp(cg->dir[c], point, length) == 0 &&
            cg->dir[c][length] == '/')
            return cg->dir[c];
    return NULL;
}

/* A "cgroup" mount: the container's own cgroups, read-only as its spec
 * says. On v2 a cgroup2 mount, which in the container's cgroup namespace
 * shows its cgroup as the root. On v1, as runc does, a tmpfs with a
 * directory for each hierarchy the host has mounted, and in each where
 * the container has a cgroup of its own (CG's): with a cgroup namespace,
 * a mount of that hierarchy (the same controllers: the kernel refuses
 * another combination), rooted at the container's cgroup by the
 * namespace; without one, a bind of the container's directory. Any other
 * hierarchy is left empty: mounted, it would show a cgroup that is not
 * the container's (the caller's, conmon's) and what is below it. */
int mount_cgroups(int root_fd, const struct spec_mount *m, int target_fd,
                  const char *target, const struct cgroup *cg,
                  int own_namespace)
{
    struct {
        char name[64], controllers[192], point[PATH_MAX];
    } hierarchies[16] = {{"", "", ""}};
    char line[4096], point[PATH_MAX], options[256], where[PATH_MAX * 3];
    unsigned long flags = m->flags & ~MS_RDONLY; /* read-only at the end */
    int count = 0, rc = 0;
    FILE *f;

    if (access("/sys/fs/cgroup/cgroup.controllers", F_OK) == 0)
        return do_mount("cgroup2", NULL, target_fd, target, "cgroup2", m->flags,
                        NULL, NULL);
    /* The host's hierarchies first, all of them: the mounts made below
     * would show up in the table while we read it. A line is "ID PARENT
     * MAJ:MIN ROOT POINT OPTIONS ... - cgroup SOURCE rw,cpu,cpuacct". */
    f = fopen("/proc/self/mountinfo", "re");
    if (!f)
        return error_errno("open /proc/self/mountinfo");
    while (count < 16 && fgets(line, sizeof(line), f)) {
        const char *dash = strstr(line, " - cgroup "), *name, *controllers;

        if (!dash || sscanf(line, "%*s %*s %*s %*s %4095s", point) != 1 ||
            sscanf(dash, " - cgroup %*s %255s", options) != 1 ||
            !(name = strrchr(point, '/')) ||
            !(controllers = strchr(options, ',')))
            continue;
        snprintf(hierarchies[count].name, sizeof(hierarchies[count].name), "%s",
                 name);
        snprintf(hierarchies[count].controllers,
                 sizeof(hierarchies[count].controllers), "%s", controllers + 1);
        snprintf(hierarchies[count].point, sizeof(hierarchies[count].point),
                 "%s", point);
        count++;
    }
    fclose(f);
    if (!count)
        return error_msg("mount cgroup on %s: this host mounts no cgroup "
                         "hierarchy",
                         target);
    if (do_mount("tmpfs", NULL, target_fd, target, "tmpfs", flags, "mode=755",
                 "for the cgroup hierarchies") < 0)
        return -1;
    /* Paths again from the root: TARGET_FD is the directory the tmpfs
     * now covers. */
    for (int i = 0; rc == 0 && i < count; i++) {
        char path[PATH_MAX * 2 + 64];
        const char *own;
        int dir;

        snprintf(path, sizeof(path), "%s%.63s", m->destination,
                 hierarchies[i].name);
        dir = open_in_root(root_fd, path, 1, 1);
        if (dir < 0)
            return -1;
        snprintf(where, sizeof(where), "%s%.63s", target, hierarchies[i].name);
        own = own_directory(cg, hierarchies[i].point);
        if (!own)
            trace("%s: no cgroup of the container's in %s: left empty", where,
                  hierarchies[i].point);
        else if (own_namespace)
            rc = do_mount("cgroup", NULL, dir, where, "cgroup",
                          flags | MS_RDONLY, hierarchies[i].controllers, NULL);
        else
            rc =
                bind_mount(own, dir, where,
                           MS_BIND | MS_REC | MS_RDONLY | (flags & ~MS_REC), 0);
        close(dir);
    }
    if (rc < 0 || !(m->flags & MS_RDONLY))
        return rc;
    target_fd = open_in_root(root_fd, m->destination, 0, 1);
    if (target_fd < 0)
        return -1;
    rc = do_mount(NULL, NULL, target_fd, target, NULL,
                  MS_REMOUNT | MS_BIND | MS_RDONLY | (flags & ~MS_REC), NULL,
                  NULL);
    close(target_fd);
    return rc;
}

static int copy_tree(int from, int to, int depth);

/* One entry NAME of FROM (ST: its lstat) made again in TO. */
static int copy_entry(int from, int to, const char *name, const struct stat *st,
                      int depth)
{
    char link[PATH_MAX], buffer[16384];
    ssize_t length, n = 1;
    int in = -1, out = -1, rc = 0;

    if (S_ISDIR(st->st_mode)) {
        if (mkdirat(to, name, st->st_mode & 07777) < 0 ||
            (in = openat(from, name, O_PATH | O_NOFOLLOW | O_CLOEXEC)) < 0 ||
            (out = openat(to, name, O_PATH | O_NOFOLLOW | O_CLOEXEC)) < 0)
            rc = error_errno("tmpcopyup: directory %s", name);
        else
            rc = copy_tree(in, out, depth + 1);
    } else if (S_ISREG(st->st_mode)) {
        struct stat opened;

        /* Non-blocking, and checked to be the file lstat saw: a fifo or
         * a device swapped in meanwhile is neither waited on nor read. */
        in = openat(from, name,
                    O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
        if (in >= 0 &&
            (fstat(in, &opened) < 0 || !S_ISREG(opened.st_mode) ||
             opened.st_dev != st->st_dev || opened.st_ino != st->st_ino)) {
            close(in);
            in = -1;
            errno = ESTALE;
        }
        out = in < 0 ? -1
                     : openat(to, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
                              0600);
        /* read and write: copy_file_range(2) refuses between two kinds
         * of filesystem (EXDEV), as the image's and a tmpfs are. */
        while (in >= 0 && out >= 0 && n > 0 &&
               (n = read(in, buffer, sizeof(buffer))) > 0)
            if (write(out, buffer, (size_t)n) != n)
                n = -1;
        if (in < 0 || out < 0 || n < 0)
            rc = error_errno("tmpcopyup: file %s", name);
    } else if (S_ISLNK(st->st_mode)) {
        length = readlinkat(from, name, link, sizeof(link) - 1);
        if (length >= 0)
            link[length] = '\0';
        if (length < 0 || symlinkat(link, to, name) < 0)
            rc = error_errno("tmpcopyup: link %s", name);
    } else if (mknodat(to, name, st->st_mode, st->st_rdev) < 0) {
        rc = error_errno("tmpcopyup: node %s", name);
    }
    if (in >= 0)
        close(in);
    if (out >= 0)
        close(out);
    if (rc == 0 &&
        fchownat(to, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0)
        rc = error_errno("tmpcopyup: chown %s", name);
    /* The mode last: the umask cut it at creation, and chown(2) clears
     * set-user-ID and set-group-ID. (A link has no mode of its own.) */
    if (rc == 0 && !S_ISLNK(st->st_mode) &&
        fchmodat(to, name, st->st_mode & 07777, 0) < 0)
        rc = error_errno("tmpcopyup: chmod %s", name);
    return rc;
}

/* tmpcopyup: what FROM holds (files, directories, links, nodes, with
 * their modes and owners) made again in TO, as runc does before a tmpfs
 * hides it. Every name is opened beneath FROM without following a link
 * (O_NOFOLLOW), so an image's symlink cannot point the copy outside the
 * root; DEPTH bounds a deep tree. A sparse file or a file with many hard
 * links is copied whole each time: what that costs is bounded by the
 * tmpfs's size and charged to the container's memory cgroup, as the
 * command's own writes to it would be. */
static int copy_tree(int from, int to, int depth)
{
    struct dirent *entry;
    struct stat st;
    int rc = 0, dir_fd = openat(from, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *dir = dir_fd >= 0 ? fdopendir(dir_fd) : NULL;

    if (!dir)
        return error_errno("tmpcopyup: open the directory");
    if (depth > 64)
        rc = error_msg("tmpcopyup: more than 64 directories deep");
    while (rc == 0 && (entry = readdir(dir))) {
        if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
            continue;
        if (fstatat(from, entry->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
            rc = error_errno("tmpcopyup: stat %s", entry->d_name);
        else
            rc = copy_entry(from, to, entry->d_name, &st, depth);
    }
    closedir(dir);
    return rc;
}

/* A tmpfs on the directory FD (O_PATH, the files beneath), then those
 * files copied into it. */
int mount_tmpfs_copy_up(int root_fd, const struct spec_mount *m, int fd,
                        const char *target)
{
    int below = openat(fd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC), above;
    struct stat st;
    int rc;

    if (below < 0)
        return error_errno("tmpcopyup: %s is not a directory", target);
    rc = do_mount(m->source ? m->source : "tmpfs", NULL, fd, target, "tmpfs",
                  m->flags & ~MS_RDONLY, m->data, "then its files copied in");
    above = rc == 0 ? open_in_root(root_fd, m->destination, 0, 1) : -1;
    if (rc == 0 && above < 0)
        rc = -1;
    /* The tmpfs's root takes the hidden directory's owner and mode (a
     * fresh tmpfs is 1777 root: /run would become writable by all). */
    if (rc == 0 &&
        (fstat(below, &st) < 0 ||
         fchownat(above, "", st.st_uid, st.st_gid, AT_EMPTY_PATH) < 0 ||
         chmod(fd_path(above).text, st.st_mode & 07777) < 0))
        rc = error_errno("tmpcopyup: %s's owner and mode", target);
    if (rc == 0)
        rc = copy_tree(below, above, 0);
    /* Read-only, if asked, once the copy is in. */
    if (rc == 0 && (m->flags & MS_RDONLY))
        rc = do_mount(NULL, NULL, above, target, NULL,
                      MS_REMOUNT | MS_RDONLY | (m->flags & ~MS_REC), m->data,
                      NULL);
    close(below);
    if (above >= 0)
        close(above);
    return rc;
}
