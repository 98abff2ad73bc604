/* 06-pivot-root/rootfs.h - make a directory the root of a mount namespace.
 *
 * The steps every container runtime takes, in order: check the rootfs,
 * make it a mount point, give it a /dev and a /proc of its own,
 * pivot_root into it and detach the old root. pivot (this chapter) and
 * minictr (chapter 10) call these from a child in new mount and PID
 * namespaces.
 *
 * Every function reports its own error and returns -1.
 */
#ifndef CTLAB_ROOTFS_H
#define CTLAB_ROOTFS_H

#include <sys/types.h>

/* ROOTFS must be a directory; its /proc and /dev, if present, must be
 * real directories, never symlinks (a symlink would make us mount on
 * whatever host path it points to). */
int rootfs_check(const char *rootfs);

/* Bind-mount ROOTFS onto itself: pivot_root(2) wants a mount point. */
int rootfs_bind_self(const char *rootfs);

/* A minimal /dev on a tmpfs in ROOTFS: null, zero, full, random, urandom,
 * tty (mknod; bind-mounted from the host's when mknod is not allowed, as
 * in a user namespace), a private devpts with its ptmx, fd/stdin/stdout/
 * stderr links to /proc/self/fd, and a tmpfs on /dev/shm. */
int rootfs_make_dev(const char *rootfs);

/* The nodes of a minimal /dev, and what rootfs_make_dev makes of them. */
struct rootfs_device {
    const char *name;
    unsigned major_nr, minor_nr;
};
extern const struct rootfs_device rootfs_default_devices[]; /* NULL-ended */

/* One node DEV/NAME: TYPE 'c' (or 'u'), 'b' or 'p', MODE, owned by
 * UID:GID. Where mknod is not allowed (a user namespace), an empty file
 * with the host's /dev/NAME bound on it, read-only. */
int rootfs_make_device(const char *dev, const char *name, char type,
                       unsigned major_nr, unsigned minor_nr, mode_t mode,
                       uid_t uid, gid_t gid);

/* DEV/fd, stdin, stdout, stderr (links into /proc/self/fd) and ptmx (a
 * link to pts/ptmx). */
int rootfs_make_dev_links(const char *dev);

/* pivot_root(".", ".") from inside ROOTFS, then detach the old root that
 * now sits on top of the new one, and chdir("/"). */
int rootfs_pivot(const char *rootfs);

/* A fresh proc on ROOTFS/proc, before the pivot (a user namespace may
 * mount proc only while another full proc is visible). It shows the PID
 * namespace of the process that mounts it. */
int rootfs_mount_proc(const char *rootfs);

#endif
