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

/* pivot_root(".", ".") from inside ROOTFS, then detach the old root that
 * now sits on top of the new one, and chdir("/"). */
int rootfs_pivot(const char *rootfs);

/* A fresh proc on ROOTFS/proc, before the pivot (a user namespace may
 * mount proc only while another full proc is visible). It shows the PID
 * namespace of the process that mounts it. */
int rootfs_mount_proc(const char *rootfs);

#endif
