/* 07-overlay/ovl.c - overlay mounts, what is in an upper layer, and image
 * layers unpacked.
 *
 *     sudo ./ovl -v mount --lower L2:L1 --upper U --work W MERGED
 *     sudo ./ovl inspect U --lower L2:L1
 *     sudo ./ovl apply-layer layer.tar.gz DIR
 *     sudo ./ovl umount MERGED
 *
 * Without root, run it inside a user namespace (unshare -Urm) and add
 * --userxattr: overlayfs then keeps its bookkeeping in user.overlay.*
 * extended attributes (Linux 5.11).
 *
 * Read: the kernel's Documentation/filesystems/overlayfs.rst.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <ftw.h>
#include <getopt.h>
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
#include "overlay.h"

#define MAX_LOWERS 500 /* overlayfs's own limit (OVL_MAX_STACK) */

struct options {
    char *lowers[MAX_LOWERS];
    int lower_count;
    const char *upper, *work;
    int userxattr, legacy;
};

/* "A:B:C" into the lowers list, in order: A is the top layer. Repeated
 * --lower options append. */
static int add_lowers(struct options *opt, char *list)
{
    for (char *save = NULL, *dir = strtok_r(list, ":", &save); dir;
         dir = strtok_r(NULL, ":", &save)) {
        if (opt->lower_count == MAX_LOWERS)
            return error_msg("--lower: at most %d layers", MAX_LOWERS);
        opt->lowers[opt->lower_count++] = dir;
    }
    return 0;
}

/* --- inspect
 * ------------------------------------------------------------------- */

static const struct options *inspected;
static size_t upper_length;

/* Is there an entry at PATH (relative) in any lower layer? */
static int in_a_lower(const char *path)
{
    char full[PATH_MAX * 2];
    struct stat st;

    for (int i = 0; i < inspected->lower_count; i++) {
        snprintf(full, sizeof(full), "%s/%s", inspected->lowers[i], path);
        if (lstat(full, &st) == 0)
            return 1;
    }
    return 0;
}

static int inspect_entry(const char *fpath, const struct stat *st, int type,
                         struct FTW *ftw)
{
    const char *path = fpath + upper_length;
    char value[8];

    (void)type;
    if (ftw->level == 0)
        return 0;
    while (*path == '/')
        path++;
    if (S_ISCHR(st->st_mode) && st->st_rdev == makedev(0, 0)) {
        printf("whiteout   %s\n", path);
    } else if (S_ISDIR(st->st_mode)) {
        if (lgetxattr(fpath, "trusted.overlay.opaque", value, sizeof(value)) ==
                1 ||
            lgetxattr(fpath, "user.overlay.opaque", value, sizeof(value)) == 1)
            printf("opaque     %s/\n", path);
    } else if (inspected->lower_count > 0) {
        printf("%-10s %s\n", in_a_lower(path) ? "copied-up" : "new", path);
    } else {
        printf("changed    %s\n", path);
    }
    return 0;
}

static int inspect(const struct options *opt, const char *upper)
{
    inspected = opt;
    upper_length = strlen(upper);
    if (nftw(upper, inspect_entry, 32, FTW_PHYS) < 0)
        return error_errno("walk %s", upper);
    return 0;
}

/* --- the command line -------------------------------------------------------
 */

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: %s [-v] mount --lower DIR[:DIR...] [--upper DIR --work "
            "DIR] [--userxattr]\n"
            "                 [--legacy] TARGET\n"
            "       %s [-v] umount TARGET\n"
            "       %s inspect UPPER [--lower DIR[:DIR...]]\n"
            "       %s [-v] apply-layer [--userxattr] LAYER.tar[.gz] DIR\n"
            "Overlay mounts and image layers.\n"
            "\n"
            "  --lower A:B      read-only layers, A on top; may be repeated\n"
            "  --upper, --work  the writable layer and its scratch "
            "directory\n"
            "                   (same filesystem); without them: read-only\n"
            "  --userxattr      in a user namespace: user.overlay.* xattrs\n"
            "  --legacy         mount(2) with an option string, not the new "
            "mount API\n"
            "  -v               trace every step\n",
            program_name, program_name, program_name, program_name);
}

static int parse_options(int argc, char **argv, struct options *opt)
{
    static const struct option longopts[] = {
        {"lower", required_argument, NULL, 'l'},
        {"upper", required_argument, NULL, 'u'},
        {"work", required_argument, NULL, 'w'},
        {"userxattr", no_argument, NULL, 'x'},
        {"legacy", no_argument, NULL, 'L'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;

    optind = 0; /* a fresh pass over the words after the command */
    while ((c = getopt_long(argc, argv, "vh", longopts, NULL)) != -1) {
        switch (c) {
        case 'l':
            if (add_lowers(opt, optarg) < 0)
                return -1;
            break;
        case 'u':
            opt->upper = optarg;
            break;
        case 'w':
            opt->work = optarg;
            break;
        case 'x':
            opt->userxattr = 1;
            break;
        case 'L':
            opt->legacy = 1;
            break;
        case 'v':
            trace_on = true;
            break;
        case 'h':
            usage(stdout);
            exit(0);
        default:
            return report_bad_option(argv);
        }
    }
    return optind;
}

int main(int argc, char **argv)
{
    struct options opt = {.lower_count = 0};
    const char *command;
    int first, nargs;

    set_program_name(argv[0]);
    opterr = 0;
    /* 1. -v before the command word, then its options and arguments. */
    switch (take_leading_options(&argc, &argv, usage)) {
    case 0:
        return 0;
    case -1:
        return EXIT_USAGE;
    }
    command = argv[1];
    first = parse_options(argc - 1, argv + 1, &opt);
    if (first < 0)
        return EXIT_USAGE;
    argv += 1 + first;
    nargs = argc - 1 - first;

    /* 2. The commands. */
    if (strcmp(command, "mount") == 0 && nargs == 1) {
        struct overlay_spec spec = {
            .lowers = opt.lowers,
            .lower_count = opt.lower_count,
            .upper = opt.upper,
            .work = opt.work,
            .target = argv[0],
            .userxattr = opt.userxattr,
            .legacy = opt.legacy,
        };
        if (overlay_check(&spec) < 0)
            return EXIT_USAGE;
        return overlay_mount(&spec) < 0 ? 1 : 0;
    }
    if (strcmp(command, "umount") == 0 && nargs == 1)
        return overlay_umount(argv[0]) < 0 ? 1 : 0;
    if (strcmp(command, "inspect") == 0 && nargs == 1)
        return inspect(&opt, argv[0]) < 0 ? 1 : 0;
    if (strcmp(command, "apply-layer") == 0 && nargs == 2)
        return layer_apply(argv[0], argv[1], opt.userxattr) < 0 ? 1 : 0;
    if (strcmp(command, "mount") == 0 || strcmp(command, "umount") == 0 ||
        strcmp(command, "inspect") == 0 || strcmp(command, "apply-layer") == 0)
        error_msg("usage: wrong number of arguments for %s (see: %s --help)",
                  command, program_name);
    else
        error_msg("unknown command '%s' (see: %s --help)", command,
                  program_name);
    return EXIT_USAGE;
}
