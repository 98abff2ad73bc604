/* 07-overlay/layer.c - unpack an image layer; see layer.h.
 *
 * Docker's image layers are tar files of directories meant to be stacked
 * by overlayfs, and they spell a deletion as a ".wh.NAME" entry and an
 * opaque directory as ".wh..wh..opq". Unpacking one is where a hostile
 * image tries to write outside its directory: "../", absolute paths, a
 * symlink followed by a file "through" it, a hard link out. So the whole
 * archive is checked before anything is written (pass 1), and then
 * extracted with libarchive's own checks on as a second fence (pass 2).
 *
 * Read: libarchive's archive_read(3) and archive_write_disk(3), the OCI
 * image spec's layer.md ("Whiteouts").
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
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "err.h"
#include "layer.h"

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
