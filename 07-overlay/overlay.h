/* 07-overlay/overlay.h - mount an overlay of image layers (layer.h
 * unpacks them).
 *
 * A container's root is an overlay: the image's layers, read-only, as
 * "lower" directories (the leftmost on top), and one writable "upper"
 * directory of its own, with a "work" directory beside it on the same
 * filesystem. ovl (this chapter) and minictr (chapter 10) use these.
 *
 * Every function reports its own error and returns -1.
 */
#ifndef CTLAB_OVERLAY_H
#define CTLAB_OVERLAY_H

struct overlay_spec {
    char **lowers; /* lowers[0] is the top layer */
    int lower_count;
    const char *upper; /* NULL: a read-only overlay */
    const char *work;  /* with upper, on the same filesystem */
    const char *target;
    int userxattr; /* in a user namespace: user.overlay.* xattrs */
    /* "volatile" (Linux 5.10): never sync the upper, not even at umount.
     * For an upper that is thrown away after: a crash may leave it
     * inconsistent, and the kernel then refuses to mount it again. */
    int volatile_upper;
    int legacy; /* mount(2) with an option string only */
};

/* The directories exist, upper and work are on one filesystem. */
int overlay_check(const struct overlay_spec *spec);

/* The new mount API: fsopen("overlay"), one fsconfig "lowerdir+" per
 * layer (Linux 6.8), fsmount, move_mount. Where that is missing (or with
 * spec->legacy), mount(2) with "lowerdir=A:B,upperdir=..,workdir=..",
 * an option string the kernel reads only one page (4096 bytes) of. */
int overlay_mount(const struct overlay_spec *spec);

int overlay_umount(const char *target);

#endif
