/* 06-pivot-root/rootfs.c - switch a mount namespace to a new root; see
 * rootfs.h.
 *
 * chroot(2) only changes where path lookup starts for one process; the
 * old root is still mounted and reachable (chroot-escape.c shows how).
 * pivot_root(2) changes the root *mount* of the whole mount namespace:
 * the new root becomes "/", the old one is moved aside, and once it is
 * unmounted nothing of the host's filesystems is left in the namespace.
 *
 * Read: pivot_root(2) (including its "pivot_root(".", ".")" note),
 * mount_namespaces(7), devpts in the kernel's
 * Documentation/filesystems/devpts.rst.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "err.h"
#include "rootfs.h"
#include "syscalls.h"

int rootfs_check(const char *rootfs)
{
    static const char *const must_be_dirs[] = {"proc", "dev"};
    char path[4096];
    struct stat st;

    if (stat(rootfs, &st) < 0)
        return error_errno("rootfs %s", rootfs);
    if (!S_ISDIR(st.st_mode))
        return error_msg("rootfs %s: not a directory", rootfs);
    for (size_t i = 0; i < 2; i++) {
        snprintf(path, sizeof(path), "%s/%s", rootfs, must_be_dirs[i]);
        if (lstat(path, &st) < 0) {
            if (errno == ENOENT)
                continue; /* made later */
            return error_errno("lstat %s", path);
        }
        if (!S_ISDIR(st.st_mode))
            return error_msg("rootfs %s: /%s is %s, not a directory; "
                             "refusing to mount over it (a symlink would "
                             "put the mount on the host)",
                             rootfs, must_be_dirs[i],
                             S_ISLNK(st.st_mode) ? "a symlink" : "a file");
    }
    return 0;
}

int rootfs_bind_self(const char *rootfs)
{
    trace("mount(\"%s\", \"%s\", NULL, MS_BIND|MS_REC)", rootfs, rootfs);
    if (mount(rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
        return error_errno("bind-mount %s on itself", rootfs);
    return 0;
}

/* mkdir PATH if it is missing. */
static int ensure_dir(const char *path, mode_t mode)
{
    if (mkdir(path, mode) == 0 || errno == EEXIST)
        return 0;
    return error_errno("mkdir %s", path);
}

int rootfs_make_device(const char *dev, const char *name, char type,
                       unsigned major_nr, unsigned minor_nr, mode_t mode,
                       uid_t uid, gid_t gid)
{
    mode_t kind = type == 'b' ? S_IFBLK : type == 'p' ? S_IFIFO : S_IFCHR;
    char path[4200], host[4200];
    int fd;

    snprintf(path, sizeof(path), "%s/%s", dev, name);
    if (mknod(path, kind | mode, makedev(major_nr, minor_nr)) == 0) {
        trace("mknod %s %c %u %u", path, type == 'u' ? 'c' : type, major_nr,
              minor_nr);
        /* The umask took bits off; and an owner other than root only
         * when asked (an OCI config's linux.devices). */
        if (chmod(path, mode) < 0)
            return error_errno("chmod %s", path);
        if ((uid || gid) && chown(path, uid, gid) < 0)
            return error_errno("chown %s", path);
        return 0;
    }
    if (errno != EPERM)
        return error_errno("mknod %s", path);
    /* One device node: mknod, or (not allowed, say in a user namespace)
     * an empty file with the host's node bind-mounted on it, as runc
     * does for rootless containers. That bind is made read-only: the
     * node is the host's own inode, and whoever is root inside must not
     * chmod or chown it through the bind (a device still opens for
     * writing on a read-only mount: only the inode's metadata is
     * frozen). */
    snprintf(host, sizeof(host), "/dev/%s", name);
    fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0666);
    if (fd < 0)
        return error_errno("create %s", path);
    close(fd);
    trace("mknod not allowed: mount(\"%s\", \"%s\", MS_BIND), then "
          "MS_REMOUNT|MS_RDONLY",
          host, path);
    if (mount(host, path, NULL, MS_BIND, NULL) < 0 ||
        mount(NULL, path, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL) < 0)
        return error_errno("bind-mount %s on %s", host, path);
    return 0;
}

const struct rootfs_device rootfs_default_devices[] = {
    {"null", 1, 3},    {"zero", 1, 5}, {"full", 1, 7}, {"random", 1, 8},
    {"urandom", 1, 9}, {"tty", 5, 0},  {NULL, 0, 0},
};

int rootfs_make_dev_links(const char *dev)
{
    static const struct {
        const char *name, *target;
    } links[] = {
        {"fd", "/proc/self/fd"},       {"stdin", "/proc/self/fd/0"},
        {"stdout", "/proc/self/fd/1"}, {"stderr", "/proc/self/fd/2"},
        {"ptmx", "pts/ptmx"},
    };
    char path[4200];

    for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
        snprintf(path, sizeof(path), "%s/%s", dev, links[i].name);
        trace("symlink(\"%s\", \"%s\")", links[i].target, path);
        if (symlink(links[i].target, path) < 0 && errno != EEXIST)
            return error_errno("symlink %s -> %s", path, links[i].target);
    }
    return 0;
}

int rootfs_make_dev(const char *rootfs)
{
    char dev[4096], path[4200];

    /* Not the host's /dev: binding it (the chapter's script does) hands
     * the container every disk (/dev/vda), /dev/mem and /dev/kmsg. */
    snprintf(dev, sizeof(dev), "%s/dev", rootfs);
    if (ensure_dir(dev, 0755) < 0)
        return -1;
    trace("mount(\"tmpfs\", \"%s\", \"tmpfs\", MS_NOSUID|MS_STRICTATIME, "
          "\"mode=755,size=65536k\")",
          dev);
    if (mount("tmpfs", dev, "tmpfs", MS_NOSUID | MS_STRICTATIME,
              "mode=755,size=65536k") < 0)
        return error_errno("mount tmpfs on %s", dev);
    for (const struct rootfs_device *d = rootfs_default_devices; d->name; d++)
        if (rootfs_make_device(dev, d->name, 'c', d->major_nr, d->minor_nr,
                               0666, 0, 0) < 0)
            return -1;
    /* A devpts of our own (newinstance): the container's terminals, not
     * the host's; ptmx is a link to its multiplexer. */
    snprintf(path, sizeof(path), "%s/pts", dev);
    if (ensure_dir(path, 0755) < 0)
        return -1;
    trace("mount(\"devpts\", \"%s\", \"devpts\", MS_NOSUID|MS_NOEXEC, "
          "\"newinstance,ptmxmode=0666,mode=0620\")",
          path);
    if (mount("devpts", path, "devpts", MS_NOSUID | MS_NOEXEC,
              "newinstance,ptmxmode=0666,mode=0620") < 0)
        return error_errno("mount devpts on %s", path);
    if (rootfs_make_dev_links(dev) < 0)
        return -1;
    snprintf(path, sizeof(path), "%s/shm", dev);
    if (ensure_dir(path, 01777) < 0)
        return -1;
    trace("mount(\"shm\", \"%s\", \"tmpfs\", MS_NOSUID|MS_NODEV|MS_NOEXEC, "
          "\"mode=1777,size=65536k\")",
          path);
    if (mount("shm", path, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
              "mode=1777,size=65536k") < 0)
        return error_errno("mount tmpfs on %s", path);
    return 0;
}

int rootfs_pivot(const char *rootfs)
{
    /* pivot_root(new_root, put_old) moves the old root to put_old, a
     * directory under new_root, from where it is then unmounted. With
     * ".", "." (runc's way) no such directory is needed: the old root is
     * stacked on top of the new one at "/", and umount2(".", MNT_DETACH)
     * peels it off. A mkdir'd put_old would be left in the rootfs. */
    trace("chdir(\"%s\")", rootfs);
    if (chdir(rootfs) < 0)
        return error_errno("chdir %s", rootfs);
    trace("pivot_root(\".\", \".\")");
    if (sys_pivot_root(".", ".") < 0)
        return error_errno("pivot_root(\".\", \".\") in %s", rootfs);
    /* The old root may be shared; a slave cannot send our unmount back
     * to the host's copy of it. */
    if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
        return error_errno("make the old root a slave");
    trace("umount2(\".\", MNT_DETACH)  <- the old root");
    if (umount2(".", MNT_DETACH) < 0)
        return error_errno("detach the old root");
    if (chdir("/") < 0)
        return error_errno("chdir /");
    return 0;
}

int rootfs_mount_proc(const char *rootfs)
{
    char path[4200];

    /* Before the pivot: in a user namespace the kernel lets us mount proc
     * only while a full proc is visible in the mount namespace (the
     * host's, until the old root is detached). It shows the PID namespace
     * of the process that mounts it: ours. */
    snprintf(path, sizeof(path), "%s/proc", rootfs);
    if (ensure_dir(path, 0555) < 0)
        return -1;
    trace("mount(\"proc\", \"%s\", \"proc\", MS_NOSUID|MS_NODEV|MS_NOEXEC)",
          path);
    if (mount("proc", path, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
        return error_errno("mount proc on %s", path);
    return 0;
}
