/* 07-overlay/overlay.c - overlay mounts; see overlay.h. (Image layers
 * are in layer.c, so that minictr does not load libarchive.)
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
 * fsconfig(2), move_mount(2).
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
    if (spec->volatile_upper) {
        trace("fsconfig(FSCONFIG_SET_FLAG, \"volatile\")");
        if (fsconfig(fs_fd, FSCONFIG_SET_FLAG, "volatile", NULL, 0) < 0) {
            if (errno != EINVAL) {
                error_errno("fsconfig volatile");
                goto out;
            }
            /* Before 5.10: a speed-up we go without. */
            trace("no \"volatile\" in this kernel (5.10+): the upper is "
                  "synced at umount");
        }
    }
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
    if (spec->volatile_upper)
        used += (size_t)snprintf(options + used, size - used, ",volatile");
    trace("mount(\"overlay\", \"%s\", \"overlay\", 0, \"%.60s...\")  (%zu "
          "bytes of options; the kernel copies at most one page, %ld)",
          spec->target, options, used, sysconf(_SC_PAGESIZE));
    rc = mount("overlay", spec->target, "overlay", 0, options);
    if (rc < 0 && errno == EINVAL && spec->volatile_upper) {
        /* Maybe a kernel before 5.10, which has no "volatile": it is
         * only a speed-up, so once more without it. */
        options[used - strlen(",volatile")] = '\0';
        trace("mount: EINVAL; once more without \"volatile\" (Linux 5.10)");
        rc = mount("overlay", spec->target, "overlay", 0, options);
    }
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
