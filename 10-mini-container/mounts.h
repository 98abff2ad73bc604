/* 10-mini-container/mounts.h - the container's filesystem, made from its
 * spec by the child before pivot_root: the root, every entry of the
 * spec's mounts in order (the default /proc, /dev, /sys are entries like
 * a volume), the device nodes, the masked and read-only paths.
 *
 * Every path in the container is opened with openat2(RESOLVE_IN_ROOT), so
 * a symlink in the image resolves inside the root and a mount can never
 * land on a host path; every mount goes through one traced helper, so the
 * -v line is made from the very arguments of the call.
 */
#ifndef CTLAB_MOUNTS_H
#define CTLAB_MOUNTS_H

#include <stddef.h>

#include "spec.h"

/* The root, made a mount point: minictr's overlay (the image read-only
 * under a writable layer in memory, in STATE_DIR) or the bundle's
 * directory bound onto itself. Its path in ROOT. */
int mounts_prepare_root(const struct ctr_spec *spec, const char *state_dir,
                        char *root, size_t size);

/* "/proc/self/fd/N": the name by which mount(2) reaches an fd. */
struct fd_path {
    char text[32];
};
struct fd_path fd_path(int fd);

/* The one mount(2) of the container's filesystem (mounts.c), traced from
 * its own arguments. The target is TARGET_FD, named TARGET in the trace
 * and in errors (the container's path); SOURCE_NAME likewise names
 * SOURCE where that is an fd's path; WHY, if any, ends the trace line. */
int do_mount(const char *source, const char *source_name, int target_fd,
             const char *target, const char *type, unsigned long flags,
             const char *data, const char *why);

/* SOURCE bound on TARGET_FD (named TARGET), with FLAGS' attributes
 * (MS_RDONLY ...; MS_REC: the mounts below it too) and a PROPAGATION. */
int bind_mount(const char *source, int target_fd, const char *target,
               unsigned long flags, unsigned long propagation);

/* A "cgroup" mount M on TARGET_FD (named TARGET), as its comment in
 * mount_kinds.c says: the hierarchies where the container has a cgroup
 * of its own (CG's; NULL: none); OWN_NAMESPACE: it has a cgroup
 * namespace. */
int mount_cgroups(int root_fd, const struct spec_mount *m, int target_fd,
                  const char *target, const struct cgroup *cg,
                  int own_namespace);

/* A tmpfs mount M on the directory TARGET_FD (named TARGET), then the
 * files it hides copied into it ("tmpcopyup"). */
int mount_tmpfs_copy_up(int root_fd, const struct spec_mount *m, int fd,
                        const char *target);

/* The device nodes in ROOT_FD's /dev: the default ones, the spec's, the
 * links (devices.c). */
int mounts_make_devices(int root_fd, const struct ctr_spec *spec);

/* The spec's mounts, in order, and its device nodes, inside ROOT. CG:
 * the container's cgroups (NULL: none), for a "cgroup" mount. */
int mounts_make(const struct ctr_spec *spec, const char *root,
                const struct cgroup *cg);

/* Then its masked and read-only paths, after the sysctls are written
 * (devices.c). */
int mounts_protect(const struct ctr_spec *spec, const char *root);

/* Open PATH inside ROOT_FD as the container will see it (symlinks and
 * ".." resolved as if ROOT_FD were "/"); CREATE: missing directories are
 * made on the way, and the last component too (a directory when IS_DIR,
 * else an empty file). An O_PATH fd; -1 reported; with CREATE 0, a
 * missing path returns -1 with errno ENOENT and nothing reported. */
int open_in_root(int root_fd, const char *path, int create, int is_dir);

/* chdir to WORKDIR inside the current root, made if missing (docker's
 * -w), resolved inside it. */
int enter_workdir(const char *workdir);

#endif
