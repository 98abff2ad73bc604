/* 10-mini-container/devices.c - what the container's /dev and /proc
 * hold once its filesystems are mounted: the device nodes, and the paths
 * it must not read or change (masked and read-only); see mounts.h. Every
 * path is opened inside the root (openat2 RESOLVE_IN_ROOT), and every
 * mount goes through mounts.c's one traced helper.
 *
 * Read: the runtime-spec's config-linux.md ("Devices", "Default
 * Devices", "Masked Paths", "Readonly Paths"), mknod(2), statvfs(3).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "err.h"
#include "mounts.h"
#include "rootfs.h"

/* The device nodes: the minimal set every container gets (the spec
 * says a runtime MUST supply them), the spec's own, and the links. */
int mounts_make_devices(int root_fd, const struct ctr_spec *spec)
{
    struct fd_path dev;
    int dev_fd = open_in_root(root_fd, "/dev", 1, 1), rc = 0;

    if (dev_fd < 0)
        return -1;
    dev = fd_path(dev_fd);
    for (const struct rootfs_device *d = rootfs_default_devices;
         rc == 0 && d->name; d++)
        rc = rootfs_make_device(dev.text, d->name, 'c', d->major_nr,
                                d->minor_nr, 0666, 0, 0);
    for (int i = 0; rc == 0 && i < spec->device_count; i++) {
        const struct spec_device *d = &spec->devices[i];
        char parent_path[PATH_MAX];
        const char *name = strrchr(d->path, '/') + 1;
        int parent;

        snprintf(parent_path, sizeof(parent_path), "%.*s",
                 (int)(name - d->path), d->path);
        parent = open_in_root(root_fd, parent_path, 1, 1);
        if (parent < 0)
            return -1;
        rc = rootfs_make_device(fd_path(parent).text, name, d->type,
                                (unsigned)d->major, (unsigned)d->minor,
                                d->mode ? d->mode : 0666, d->uid, d->gid);
        close(parent);
    }
    if (rc == 0)
        rc = rootfs_make_dev_links(dev.text);
    close(dev_fd);
    return rc;
}

/* maskedPaths: a file gets the container's own /dev/null bound on it
 * (the host's would let root inside chmod or chown the host's node
 * through the mask), a directory an empty read-only tmpfs. A path this
 * kernel or image does not have is skipped. */
static int mask_paths(int root_fd, const char *root,
                      const struct ctr_spec *spec)
{
    char target[PATH_MAX * 2];
    int null = open_in_root(root_fd, "/dev/null", 0, 0), rc = 0;

    if (null < 0)
        return error_errno("the container's /dev/null");
    for (int i = 0; rc == 0 && i < spec->masked_count; i++) {
        int fd = open_in_root(root_fd, spec->masked_paths[i], 0, 0);
        struct stat st;

        if (fd < 0) {
            rc = errno == ENOENT ? 0 : -1;
            continue;
        }
        snprintf(target, sizeof(target), "%s%s", root, spec->masked_paths[i]);
        if (fstat(fd, &st) < 0)
            rc = error_errno("stat %s", target);
        else if (S_ISDIR(st.st_mode))
            rc = do_mount("tmpfs", NULL, fd, target, "tmpfs",
                          MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
                          "size=0", "masked");
        else
            rc = do_mount(fd_path(null).text, "/dev/null", fd, target, NULL,
                          MS_BIND, NULL, "masked");
        close(fd);
    }
    close(null);
    return rc;
}

/* A remount keeps only the flags it is given: nosuid, nodev and noexec
 * of the mount under FD are given again (in a user namespace they are
 * locked, and a remount without them fails). */
static unsigned long locked_flags(int fd)
{
    struct statvfs st;

    if (fstatvfs(fd, &st) < 0)
        return 0;
    return (st.f_flag & ST_NOSUID ? MS_NOSUID : 0) |
           (st.f_flag & ST_NODEV ? MS_NODEV : 0) |
           (st.f_flag & ST_NOEXEC ? MS_NOEXEC : 0);
}

/* readonlyPaths: bound onto themselves, then that bind remounted
 * read-only. */
static int make_readonly(int root_fd, const char *root,
                         const struct ctr_spec *spec)
{
    char target[PATH_MAX * 2];
    int rc = 0;

    for (int i = 0; rc == 0 && i < spec->readonly_count; i++) {
        const char *path = spec->readonly_paths[i];
        int fd = open_in_root(root_fd, path, 0, 0), again;

        if (fd < 0) {
            rc = errno == ENOENT ? 0 : -1;
            continue;
        }
        snprintf(target, sizeof(target), "%s%s", root, path);
        rc = do_mount(fd_path(fd).text, target, fd, target, NULL,
                      MS_BIND | MS_REC, NULL, "read-only:");
        close(fd);
        if (rc < 0)
            break;
        again = open_in_root(root_fd, path, 0, 0); /* the bind, now */
        rc = again < 0 ? -1
                       : do_mount(NULL, NULL, again, target, NULL,
                                  MS_BIND | MS_REMOUNT | MS_RDONLY |
                                      locked_flags(again),
                                  NULL, "read-only");
        if (again >= 0)
            close(again);
    }
    return rc;
}

int mounts_protect(const struct ctr_spec *spec, const char *root)
{
    int root_fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC), rc;

    if (root_fd < 0)
        return error_errno("open %s", root);
    rc = mask_paths(root_fd, root, spec);
    if (rc == 0)
        rc = make_readonly(root_fd, root, spec);
    close(root_fd);
    return rc;
}
