/* 10-mini-container/mounts.c - the container's filesystem from its spec;
 * see mounts.h. Run by the child, in its own mount namespace, before
 * pivot_root: the host's filesystems are still in sight, so every path
 * inside the new root is opened with openat2(RESOLVE_IN_ROOT) and the
 * mount made on that fd (through its /proc/self/fd/N name, as runc does),
 * never on a path string an image's symlink could redirect.
 *
 * Read: mount(2), mount_setattr(2), open_tree(2), move_mount(2),
 * openat2(2); the runtime-spec's config.md (mounts) and config-linux.md
 * (devices, maskedPaths, readonlyPaths).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <dirent.h>
#include <unistd.h>

#include "err.h"
#include "flags.h"
#include "mounts.h"
#include "overlay.h"
#include "rootfs.h"
#include "syscalls.h"

struct fd_path fd_path(int fd)
{
    struct fd_path p;

    snprintf(p.text, sizeof(p.text), "/proc/self/fd/%d", fd);
    return p;
}

static const char *quoted(const char *text, char *buf, size_t size)
{
    if (!text)
        return "NULL";
    snprintf(buf, size, "\"%s\"", text);
    return buf;
}

int do_mount(const char *source, const char *source_name, int target_fd,
             const char *target, const char *type, unsigned long flags,
             const char *data, const char *why)
{
    char names[256], s[PATH_MAX + 2], t[32], d[PATH_MAX + 2];
    struct fd_path into = fd_path(target_fd);

    trace("mount(%s, \"%s\", %s, %s, %s)%s%s",
          quoted(source_name ? source_name : source, s, sizeof(s)), target,
          quoted(type, t, sizeof(t)),
          flags_to_string(mount_flag_names, flags, names, sizeof(names)),
          quoted(data, d, sizeof(d)), why ? "  <- " : "", why ? why : "");
    if (mount(source, into.text, type, flags, data) < 0)
        return error_errno("mount %s on %s%s%s", type ? type : source, target,
                           data ? " with " : "", data ? data : "");
    return 0;
}

/* MS_* per-mount flags as mount_setattr(2) spells them. */
static uint64_t mount_attributes(unsigned long flags)
{
    return (flags & MS_RDONLY ? MOUNT_ATTR_RDONLY : 0) |
           (flags & MS_NOSUID ? MOUNT_ATTR_NOSUID : 0) |
           (flags & MS_NODEV ? MOUNT_ATTR_NODEV : 0) |
           (flags & MS_NOEXEC ? MOUNT_ATTR_NOEXEC : 0) |
           (flags & MS_NOATIME ? MOUNT_ATTR_NOATIME : 0) |
           (flags & MS_NODIRATIME ? MOUNT_ATTR_NODIRATIME : 0) |
           (flags & MS_STRICTATIME ? MOUNT_ATTR_STRICTATIME : 0);
}

/* A bind mount (a volume, an OCI "bind"), made with the new mount API:
 * a copy of SOURCE's tree (all of it with MS_REC), its flags set on
 * every mount of the copy at once (mount_setattr AT_RECURSIVE, Linux
 * 5.12: a read-only volume stays read-only below too), then moved onto
 * the target. */
int bind_mount(const char *source, int target_fd, const char *target,
               unsigned long flags, unsigned long propagation)
{
    unsigned recursive = flags & MS_REC ? AT_RECURSIVE : 0;
    struct mount_attr attr = {.attr_set = mount_attributes(flags),
                              .propagation = propagation & ~MS_REC};
    char names[256];
    int tree, rc = 0;

    trace("open_tree(\"%s\", OPEN_TREE_CLONE%s); mount_setattr(%s); "
          "move_mount(-> \"%s\")",
          source, recursive ? "|AT_RECURSIVE" : "",
          flags_to_string(mount_flag_names,
                          (flags & ~(MS_BIND | MS_REC)) | attr.propagation,
                          names, sizeof(names)),
          target);
    tree = open_tree(AT_FDCWD, source,
                     OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | recursive);
    if (tree < 0)
        return error_errno("bind %s: open_tree %s", target, source);
    if ((attr.attr_set || attr.propagation) &&
        mount_setattr(tree, "", AT_EMPTY_PATH | recursive, &attr,
                      sizeof(attr)) < 0)
        rc = error_errno("bind %s: mount_setattr", target);
    else if (move_mount(tree, "", target_fd, "",
                        MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
        rc = error_errno("bind %s on %s", source, target);
    close(tree);
    return rc;
}

int open_in_root(int root_fd, const char *path, int create, int is_dir)
{
    const uint64_t resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
    struct open_how how = {.flags = O_PATH | O_CLOEXEC, .resolve = resolve};
    struct open_how dir_how = {.flags = O_DIRECTORY | O_CLOEXEC,
                               .resolve = resolve};
    char prefix[PATH_MAX];
    size_t length = strlen(path);
    int fd = -1;

    if (!create) {
        fd = sys_openat2(root_fd, path, &how);
        return fd >= 0 || errno == ENOENT
                   ? fd
                   : error_errno("open %s in the container", path);
    }
    /* One prefix at a time: "/a", "/a/b", ... "/a/b/c". */
    for (size_t end = 1; end <= length; end++) {
        int last = end == length, parent, made;
        char *name;

        if (!last && path[end] != '/')
            continue;
        snprintf(prefix, sizeof(prefix), "%.*s", (int)end, path);
        fd = sys_openat2(root_fd, prefix, &how);
        if (fd < 0 && errno == ENOENT) {
            /* Missing: make it in its parent, found the same safe way,
             * and open it again. */
            name = strrchr(prefix, '/');
            *name++ = '\0';
            parent = sys_openat2(root_fd, prefix[0] ? prefix : "/", &dir_how);
            if (parent < 0)
                return error_errno("open %s in the container", prefix);
            if (!last || is_dir)
                made = mkdirat(parent, name, 0755) == 0 || errno == EEXIST;
            else
                made = (fd = openat(parent, name,
                                    O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
                                    0644)) >= 0 &&
                       close(fd) == 0;
            close(parent);
            if (!made)
                return error_errno("make %s in the container", path);
            snprintf(prefix, sizeof(prefix), "%.*s", (int)end, path);
            fd = sys_openat2(root_fd, prefix, &how);
            if (fd < 0 && errno == ENOENT) /* it was there: a symlink */
                return error_msg("%s in the container is a symlink to a "
                                 "missing path",
                                 prefix);
        }
        if (fd < 0)
            return error_errno("open %s in the container", prefix);
        if (!last)
            close(fd);
    }
    return fd;
}

int mounts_prepare_root(const struct ctr_spec *spec, const char *state_dir,
                        char *root, size_t size)
{
    char upper[PATH_MAX + 16], work[PATH_MAX + 16], *lowers[1];
    struct overlay_spec overlay = {.lower_count = 1};

    if (!spec->root_overlay) { /* an OCI bundle's root, used as it is */
        snprintf(root, size, "%s", spec->root);
        return rootfs_bind_self(root);
    }
    /* As root, the writable layer is a tmpfs of this mount namespace,
     * over the state dir (which the host still sees as it is): the
     * kernel frees it with the namespace, and nothing is left to remove
     * on disk. Rootless, it stays on disk: tmpfs has user xattrs, which
     * userxattr needs, only since Linux 6.6. */
    if (!spec->rootless) {
        trace("mount(\"tmpfs\", \"%s\", \"tmpfs\", MS_NOSUID|MS_NODEV, "
              "\"mode=0700\")  <- the writable layer, in memory",
              state_dir);
        if (mount("tmpfs", state_dir, "tmpfs", MS_NOSUID | MS_NODEV,
                  "mode=0700") < 0)
            return error_errno("mount a tmpfs on %s", state_dir);
    }
    snprintf(upper, sizeof(upper), "%s/upper", state_dir);
    snprintf(work, sizeof(work), "%s/work", state_dir);
    snprintf(root, size, "%s/rootfs", state_dir);
    if (mkdir(upper, 0755) < 0 || mkdir(work, 0700) < 0 ||
        mkdir(root, 0755) < 0)
        return error_errno("make the overlay directories in %s", state_dir);
    lowers[0] = spec->root;
    overlay.lowers = lowers;
    overlay.upper = upper;
    overlay.work = work;
    overlay.target = root;
    overlay.userxattr = spec->rootless; /* trusted.* is for the host's root */
    /* The upper is thrown away after: no sync of it, not even at umount
     * (a journal commit per container on disk). */
    overlay.volatile_upper = 1;
    return overlay_mount(&overlay);
}

/* One entry of the spec's mounts. */
static int make_mount(int root_fd, const char *root, const struct spec_mount *m,
                      const struct cgroup *cg, int own_cgroup_namespace)
{
    char target[PATH_MAX * 2];
    struct stat st;
    int is_bind = (m->flags & MS_BIND) != 0, fd, rc;

    snprintf(target, sizeof(target), "%s%s", root, m->destination);
    if (is_bind && stat(m->source, &st) < 0)
        return error_errno("bind %s: %s", m->destination, m->source);
    fd = open_in_root(root_fd, m->destination, 1,
                      !is_bind || S_ISDIR(st.st_mode));
    if (fd < 0)
        return -1;
    if (is_bind)
        rc = bind_mount(m->source, fd, target, m->flags, m->propagation);
    else if (strcmp(m->type, "cgroup") == 0)
        rc = mount_cgroups(root_fd, m, fd, target, cg, own_cgroup_namespace);
    else if (m->copy_up)
        rc = mount_tmpfs_copy_up(root_fd, m, fd, target);
    else {
        rc = do_mount(m->source ? m->source : m->type, NULL, fd, target,
                      m->type, m->flags, m->data, NULL);
        /* sysfs belongs to the network namespace: one we do not own (a
         * user namespace sharing the host's network) may not mount it.
         * The host's, then, read-only, as runc does. */
        if (rc < 0 && errno == EPERM && strcmp(m->type, "sysfs") == 0)
            rc = bind_mount("/sys", fd, target,
                            m->flags | MS_BIND | MS_REC | MS_RDONLY, 0);
    }
    close(fd);
    if (rc == 0 && m->propagation && !is_bind) {
        /* The fd is the directory under the new mount: open it again. */
        fd = open_in_root(root_fd, m->destination, 0, 1);
        rc = fd < 0 ? -1
                    : do_mount(NULL, NULL, fd, target, NULL, m->propagation,
                               NULL, NULL);
        if (fd >= 0)
            close(fd);
    }
    return rc;
}

int mounts_make(const struct ctr_spec *spec, const char *root,
                const struct cgroup *cg)
{
    int root_fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC), rc = 0;

    if (root_fd < 0)
        return error_errno("open %s", root);
    for (int i = 0; rc == 0 && i < spec->mount_count; i++)
        rc = make_mount(root_fd, root, &spec->mounts[i], cg,
                        spec->namespaces[SPEC_NS_CGROUP].wanted);
    if (rc == 0)
        rc = mounts_make_devices(root_fd, spec);
    close(root_fd);
    return rc;
}

int enter_workdir(const char *workdir)
{
    int root_fd, fd;

    if (!workdir)
        return 0;
    root_fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (root_fd < 0)
        return error_errno("open /");
    fd = open_in_root(root_fd, workdir, 1, 1);
    close(root_fd);
    if (fd < 0)
        return -1;
    if (fchdir(fd) < 0) {
        close(fd);
        return error_errno("chdir %s", workdir);
    }
    trace("chdir(\"%s\")", workdir);
    close(fd);
    return 0;
}
