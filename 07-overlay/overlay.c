/* 07-overlay/overlay.c - overlay mounts and image layers; see overlay.h.
 *
 * overlayfs shows several directories as one. A lookup goes from the
 * upper directory down through the lowers and stops at the first hit.
 * Writing a file that only a lower layer has first copies it up; deleting
 * one leaves a "whiteout" in the upper (a 0/0 character device) that
 * hides the lower file. A directory removed and made again is marked
 * "opaque" (an xattr), so the lower one's entries stay hidden. Docker's
 * image layers are such directories, shipped as tar files that spell
 * whiteouts as ".wh.NAME" entries.
 *
 * Read: the kernel's Documentation/filesystems/overlayfs.rst, fsopen(2),
 * fsconfig(2), move_mount(2), libarchive's archive_read(3) and
 * archive_write_disk(3), and the OCI image spec's layer.md
 * ("Whiteouts").
 */
#define _GNU_SOURCE
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "err.h"
#include "overlay.h"

/* --- mounting ------------------------------------------------------------ */

static int check_dir(const char *what, const char *path, struct stat *st)
{
    if (stat(path, st) < 0)
        return error_errno("%s %s", what, path);
    if (!S_ISDIR(st->st_mode))
        return error_msg("%s %s: not a directory", what, path);
    /* The option string separates with ':' and ','; keep paths plain. */
    if (strpbrk(path, ":,"))
        return error_msg("%s %s: ':' and ',' are not allowed in overlay "
                         "paths",
                         what, path);
    return 0;
}

int overlay_check(const struct overlay_spec *spec)
{
    struct stat st, upper, work;

    if (spec->lower_count < 1)
        return error_msg("at least one --lower directory is needed");
    for (int i = 0; i < spec->lower_count; i++)
        if (check_dir("lower", spec->lowers[i], &st) < 0)
            return -1;
    if (!!spec->upper != !!spec->work)
        return error_msg("--upper and --work go together (or neither: a "
                         "read-only overlay)");
    if (spec->upper) {
        if (check_dir("upper", spec->upper, &upper) < 0 ||
            check_dir("work", spec->work, &work) < 0)
            return -1;
        /* The work directory is where copy-up prepares a file before
         * renaming it into the upper: rename(2) works within one
         * filesystem only. */
        if (upper.st_dev != work.st_dev)
            return error_msg("upper %s and work %s are on different "
                             "filesystems; overlayfs needs them on one (it "
                             "renames from work into upper)",
                             spec->upper, spec->work);
    }
    return check_dir("target", spec->target, &st);
}

/* After fsconfig() fails, the kernel's reason waits on the fs fd as
 * lines of "e overlayfs: ...". Read them into LOG (if not NULL) or print
 * them. */
static void read_kernel_log(int fs_fd, char *log, size_t size)
{
    char line[512];
    ssize_t n;
    size_t used = 0;

    if (log)
        log[0] = '\0';
    while ((n = read(fs_fd, line, sizeof(line) - 1)) > 0) {
        line[n] = '\0';
        if (!log)
            error_msg("kernel: %s", line);
        else if (used < size)
            used += (size_t)snprintf(log + used, size - used, "%s%s",
                                     used ? "; " : "", line);
    }
}

static void report_kernel_log(int fs_fd)
{
    read_kernel_log(fs_fd, NULL, 0);
}

static int set_string(int fs_fd, const char *key, const char *value)
{
    trace("fsconfig(FSCONFIG_SET_STRING, \"%s\", \"%s\")", key, value);
    if (fsconfig(fs_fd, FSCONFIG_SET_STRING, key, value, 0) < 0) {
        int saved = errno;
        error_errno("fsconfig %s=%s", key, value);
        report_kernel_log(fs_fd);
        errno = saved;
        return -1;
    }
    return 0;
}

/* 1 mounted, 0 "lowerdir+" not supported here (fall back), -1 failed. */
static int mount_new_api(const struct overlay_spec *spec)
{
    int fs_fd, mount_fd = -1, rc = -1;

    trace("fsopen(\"overlay\")");
    fs_fd = fsopen("overlay", FSOPEN_CLOEXEC);
    if (fs_fd < 0) {
        if (errno == ENOSYS)
            return 0; /* before Linux 5.2 */
        return error_errno("fsopen overlay");
    }
    if (set_string(fs_fd, "source", "ctlab-overlay") < 0)
        goto out;
    /* One call per layer: no string to outgrow. */
    for (int i = 0; i < spec->lower_count; i++) {
        trace("fsconfig(FSCONFIG_SET_STRING, \"lowerdir+\", \"%s\")",
              spec->lowers[i]);
        if (fsconfig(fs_fd, FSCONFIG_SET_STRING, "lowerdir+", spec->lowers[i],
                     0) < 0) {
            if (i == 0 && errno == EINVAL) {
                trace("no \"lowerdir+\" here (Linux 6.5-6.7): use mount(2)");
                rc = 0;
                goto out;
            }
            error_errno("fsconfig lowerdir+=%s", spec->lowers[i]);
            report_kernel_log(fs_fd);
            goto out;
        }
    }
    if (spec->upper && (set_string(fs_fd, "upperdir", spec->upper) < 0 ||
                        set_string(fs_fd, "workdir", spec->work) < 0))
        goto out;
    if (spec->userxattr) {
        trace("fsconfig(FSCONFIG_SET_FLAG, \"userxattr\")");
        if (fsconfig(fs_fd, FSCONFIG_SET_FLAG, "userxattr", NULL, 0) < 0) {
            error_errno("fsconfig userxattr");
            goto out;
        }
    }
    trace("fsconfig(FSCONFIG_CMD_CREATE)");
    if (fsconfig(fs_fd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) {
        char log[1024];
        int saved = errno;

        read_kernel_log(fs_fd, log, sizeof(log));
        /* Before Linux 6.5 overlayfs parsed the options itself, as one
         * string: the keys were only checked here, and "lowerdir+"
         * (Linux 6.8) is unknown. Try mount(2) then. */
        if (saved == EINVAL && (!log[0] || strstr(log, "lowerdir+"))) {
            trace("the kernel refused \"lowerdir+\"%s%s: use mount(2)",
                  log[0] ? ": " : "", log);
            rc = 0;
            goto out;
        }
        errno = saved;
        error_errno("create the overlay on %s", spec->target);
        if (log[0])
            error_msg("kernel: %s", log);
        goto out;
    }
    trace("fsmount(); move_mount(\"%s\")", spec->target);
    mount_fd = fsmount(fs_fd, FSMOUNT_CLOEXEC, 0);
    if (mount_fd < 0) {
        error_errno("fsmount");
        goto out;
    }
    if (move_mount(mount_fd, "", AT_FDCWD, spec->target,
                   MOVE_MOUNT_F_EMPTY_PATH) < 0) {
        error_errno("move_mount onto %s", spec->target);
        goto out;
    }
    rc = 1;
out:
    if (mount_fd >= 0)
        close(mount_fd);
    close(fs_fd);
    return rc;
}

static int mount_legacy(const struct overlay_spec *spec)
{
    size_t size = 64, used;
    char *options;
    int rc;

    for (int i = 0; i < spec->lower_count; i++)
        size += strlen(spec->lowers[i]) + 1;
    size += (spec->upper ? strlen(spec->upper) + strlen(spec->work) : 0) + 32;
    options = malloc(size);
    if (!options)
        return error_errno("malloc");
    used = (size_t)snprintf(options, size, "lowerdir=");
    for (int i = 0; i < spec->lower_count; i++)
        used += (size_t)snprintf(options + used, size - used, "%s%s",
                                 i ? ":" : "", spec->lowers[i]);
    if (spec->upper)
        used += (size_t)snprintf(options + used, size - used,
                                 ",upperdir=%s,workdir=%s", spec->upper,
                                 spec->work);
    if (spec->userxattr)
        used += (size_t)snprintf(options + used, size - used, ",userxattr");
    trace("mount(\"overlay\", \"%s\", \"overlay\", 0, \"%.60s...\")  (%zu "
          "bytes of options; the kernel copies at most one page, %ld)",
          spec->target, options, used, sysconf(_SC_PAGESIZE));
    rc = mount("overlay", spec->target, "overlay", 0, options);
    if (rc < 0) {
        if ((long)used >= sysconf(_SC_PAGESIZE))
            error_errno("mount overlay on %s (the option string is %zu "
                        "bytes: more than the one page mount(2) copies; use "
                        "the new mount API)",
                        spec->target, used);
        else
            error_errno("mount overlay on %s", spec->target);
    }
    free(options);
    return rc;
}

int overlay_mount(const struct overlay_spec *spec)
{
    if (!spec->legacy) {
        int rc = mount_new_api(spec);
        if (rc != 0)
            return rc < 0 ? -1 : 0;
    }
    return mount_legacy(spec);
}

int overlay_umount(const char *target)
{
    trace("umount2(\"%s\", 0)", target);
    if (umount2(target, 0) < 0)
        return error_errno("umount %s", target);
    return 0;
}

/* --- image layers -----------------------------------------------------------
 */

#define WHITEOUT_PREFIX ".wh."
#define OPAQUE_MARKER   ".wh..wh..opq"

/* The member's path without "./" and trailing "/"; refuse "..", an
 * absolute path, and an empty one. */
static int clean_member_path(const char *raw, char *out, size_t size)
{
    const char *p = raw;
    size_t length;

    while (p[0] == '.' && p[1] == '/')
        p += 2;
    if (p[0] == '/')
        return error_msg("layer member '%s': an absolute path", raw);
    length = strlen(p);
    while (length > 0 && p[length - 1] == '/')
        length--;
    if (length == 0 || length >= size)
        return length == 0 ? 1 : error_msg("layer member '%s': bad path", raw);
    memcpy(out, p, length);
    out[length] = '\0';
    for (char *c = out; c; c = strchr(c, '/')) {
        if (*c == '/')
            c++;
        if (strncmp(c, "..", 2) == 0 && (c[2] == '/' || c[2] == '\0'))
            return error_msg("layer member '%s': '..' would leave the "
                             "directory",
                             raw);
    }
    return 0;
}

/* Symlinks met so far: the archive's own, by member path. */
struct symlinks {
    char **paths;
    size_t count, size;
};

static int remember_symlink(struct symlinks *links, const char *path)
{
    if (links->count == links->size) {
        size_t size = links->size ? 2 * links->size : 64;
        char **grown = realloc(links->paths, size * sizeof(*grown));
        if (!grown)
            return error_errno("realloc");
        links->paths = grown;
        links->size = size;
    }
    links->paths[links->count] = strdup(path);
    return links->paths[links->count++] ? 0 : error_errno("strdup");
}

/* Does a parent of PATH (relative to DIR) go through a symlink, one in DIR
 * already or one made earlier in this archive? Writing there would land
 * wherever the link points. */
static int through_symlink(const char *dir, const char *path,
                           const struct symlinks *links)
{
    char prefix[PATH_MAX], full[PATH_MAX * 2];
    struct stat st;

    for (const char *slash = strchr(path, '/'); slash;
         slash = strchr(slash + 1, '/')) {
        snprintf(prefix, sizeof(prefix), "%.*s", (int)(slash - path), path);
        for (size_t i = 0; i < links->count; i++)
            if (strcmp(links->paths[i], prefix) == 0)
                return 1;
        snprintf(full, sizeof(full), "%s/%s", dir, prefix);
        if (lstat(full, &st) == 0 && S_ISLNK(st.st_mode))
            return 1;
    }
    return 0;
}

static struct archive *open_layer(const char *archive_path)
{
    struct archive *a = archive_read_new();

    archive_read_support_filter_all(a); /* gzip, zstd, ... or none */
    archive_read_support_format_tar(a);
    if (archive_read_open_filename(a, archive_path, 65536) != ARCHIVE_OK) {
        error_msg("open layer %s: %s", archive_path, archive_error_string(a));
        archive_read_free(a);
        return NULL;
    }
    return a;
}

/* Pass 1: read every member, write nothing. */
static int check_layer(const char *archive_path, const char *dir)
{
    struct symlinks links = {0};
    struct archive_entry *entry;
    struct archive *a = open_layer(archive_path);
    char path[PATH_MAX];
    int rc = 0, r;

    if (!a)
        return -1;
    while ((r = archive_read_next_header(a, &entry)) == ARCHIVE_OK) {
        const char *hardlink = archive_entry_hardlink(entry);
        int cleaned = clean_member_path(archive_entry_pathname(entry), path,
                                        sizeof(path));

        if (cleaned < 0) {
            rc = -1;
            break;
        }
        if (cleaned > 0) /* "./": the layer's root itself */
            continue;
        if (through_symlink(dir, path, &links)) {
            rc = error_msg("layer member '%s': its path goes through a "
                           "symlink, which could lead outside %s",
                           path, dir);
            break;
        }
        if (hardlink) {
            char target[PATH_MAX];
            if (clean_member_path(hardlink, target, sizeof(target)) != 0 ||
                through_symlink(dir, target, &links)) {
                rc = error_msg("layer member '%s': a hard link to '%s' "
                               "outside the layer",
                               path, hardlink);
                break;
            }
        }
        if (archive_entry_filetype(entry) == AE_IFLNK &&
            remember_symlink(&links, path) < 0) {
            rc = -1;
            break;
        }
    }
    if (rc == 0 && r != ARCHIVE_EOF)
        rc = error_msg("read layer %s: %s", archive_path,
                       archive_error_string(a));
    archive_read_free(a);
    for (size_t i = 0; i < links.count; i++)
        free(links.paths[i]);
    free(links.paths);
    return rc;
}

/* ".wh.NAME" in directory D: a whiteout D/NAME (what overlayfs itself
 * writes when NAME is deleted); ".wh..wh..opq": D is opaque. PATH is
 * relative to the layer directory, which is our cwd. */
static int apply_whiteout(const char *path, int userxattr)
{
    char full[PATH_MAX * 2], parent[PATH_MAX];
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;

    snprintf(parent, sizeof(parent), "%.*s", slash ? (int)(slash - path) : 1,
             slash ? path : ".");
    if (strcmp(base, OPAQUE_MARKER) == 0) {
        const char *name =
            userxattr ? "user.overlay.opaque" : "trusted.overlay.opaque";
        trace("setxattr(\"%s\", \"%s\", \"y\")  <- opaque", parent, name);
        if (mkdir(parent, 0755) < 0 && errno != EEXIST)
            return error_errno("mkdir %s", parent);
        if (setxattr(parent, name, "y", 1, 0) < 0)
            return error_errno("setxattr %s on %s", name, parent);
        return 0;
    }
    snprintf(full, sizeof(full), "%s/%s", parent,
             base + strlen(WHITEOUT_PREFIX));
    trace("mknod(\"%s\", S_IFCHR, 0:0)  <- whiteout", full);
    unlink(full); /* a previous layer's file of that name */
    if (mknod(full, S_IFCHR | 0000, makedev(0, 0)) < 0)
        return error_errno("make whiteout %s", full);
    return 0;
}

/* Pass 2: write, from inside DIR with relative names, so that
 * libarchive's own checks (no "..", no absolute path, no symlink on the
 * way) stay on as a second fence. */
static int extract_layer(const char *archive_path, int userxattr)
{
    struct archive *a = open_layer(archive_path), *disk;
    struct archive_entry *entry;
    char path[PATH_MAX];
    int rc = 0, r;

    if (!a)
        return -1;
    disk = archive_write_disk_new();
    archive_write_disk_set_options(
        disk, ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_TIME |
                  ARCHIVE_EXTRACT_OWNER | ARCHIVE_EXTRACT_XATTR |
                  ARCHIVE_EXTRACT_UNLINK | ARCHIVE_EXTRACT_SECURE_NODOTDOT |
                  ARCHIVE_EXTRACT_SECURE_SYMLINKS |
                  ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS);
    while ((r = archive_read_next_header(a, &entry)) == ARCHIVE_OK) {
        const char *hardlink = archive_entry_hardlink(entry);
        const char *base;

        if (clean_member_path(archive_entry_pathname(entry), path,
                              sizeof(path)) != 0)
            continue; /* "./" (pass 1 refused anything worse) */
        base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
        if (strncmp(base, WHITEOUT_PREFIX, strlen(WHITEOUT_PREFIX)) == 0) {
            if (apply_whiteout(path, userxattr) < 0) {
                rc = -1;
                break;
            }
            continue;
        }
        archive_entry_set_pathname(entry, path);
        if (hardlink) {
            char target[PATH_MAX];
            clean_member_path(hardlink, target, sizeof(target));
            archive_entry_set_hardlink(entry, target);
        }
        trace("extract %s", path);
        if (archive_write_header(disk, entry) != ARCHIVE_OK) {
            rc = error_msg("extract %s: %s", path, archive_error_string(disk));
            break;
        }
        /* Copy the member's data. */
        for (;;) {
            const void *block;
            size_t size;
            la_int64_t offset;
            int got = archive_read_data_block(a, &block, &size, &offset);
            if (got == ARCHIVE_EOF)
                break;
            if (got != ARCHIVE_OK ||
                archive_write_data_block(disk, block, size, offset) !=
                    ARCHIVE_OK) {
                rc = error_msg(
                    "extract %s: %s", path,
                    archive_error_string(got != ARCHIVE_OK ? a : disk));
                break;
            }
        }
        if (rc < 0 || archive_write_finish_entry(disk) != ARCHIVE_OK) {
            if (rc == 0)
                rc = error_msg("extract %s: %s", path,
                               archive_error_string(disk));
            break;
        }
    }
    if (rc == 0 && r != ARCHIVE_EOF)
        rc = error_msg("read layer %s: %s", archive_path,
                       archive_error_string(a));
    archive_write_free(disk);
    archive_read_free(a);
    return rc;
}

int layer_apply(const char *archive_path, const char *dir, int userxattr)
{
    struct stat st;
    int home, rc = -1;

    if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
        return error_msg("apply-layer: %s is not a directory", dir);
    trace("check every member of %s before writing anything", archive_path);
    if (check_layer(archive_path, dir) < 0)
        return -1;
    home = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (home < 0)
        return error_errno("open .");
    trace("chdir(\"%s\")", dir);
    if (chdir(dir) < 0) {
        error_errno("chdir %s", dir);
    } else {
        rc = extract_layer(archive_path, userxattr);
        if (fchdir(home) < 0)
            rc = error_errno("fchdir back");
    }
    close(home);
    return rc;
}
