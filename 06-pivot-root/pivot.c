/* 06-pivot-root/pivot.c - run a command with a directory as its root,
 * the way container runtimes do it: pivot_root, not chroot.
 *
 *     sudo ./pivot -v ../rootfs -- /bin/sh
 *
 * In new mount and PID namespaces the child makes / private (so nothing
 * leaks to the host), bind-mounts ROOTFS onto itself (pivot_root wants a
 * mount point), gives it a minimal /dev and a fresh /proc, pivots into
 * it, detaches the old root, and execs CMD. Afterwards the host's
 * filesystems are not hidden but gone from the namespace: no `..`, no
 * /proc/1/root, no open directory leads back. Without root it works in a
 * user namespace of its own.
 *
 * Read: pivot_root(2), mount_namespaces(7), and chroot-escape.c for why
 * chroot alone is not enough.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "exec.h"
#include "namespaces.h"
#include "process.h"
#include "rootfs.h"
#include "userns.h"

struct options {
    char rootfs[PATH_MAX];        /* absolute */
    enum propagation propagation; /* of the old root: private or slave */
    char **command;
};

/* The child: PID 1 of the new namespaces, in the new root by the end. */
static void run_child(const struct options *opt, const sigset_t *saved_mask,
                      int sync_fd)
{
    child_wait_for_parent(sync_fd);
    /* 1. Our mounts must not propagate to the host (chapter 03). */
    if (set_root_propagation(opt->propagation) < 0 ||
        /* 2. A mount point to pivot to. */
        rootfs_bind_self(opt->rootfs) < 0 ||
        /* 3. A /dev of its own, made before the old root goes away. */
        rootfs_make_dev(opt->rootfs) < 0 ||
        /* 4. A /proc of the new PID namespace. */
        rootfs_mount_proc(opt->rootfs) < 0 ||
        /* 5. Swap roots, drop the old one. */
        rootfs_pivot(opt->rootfs) < 0 ||
        /* 6. No inherited fd may lead back to the host's files. */
        close_inherited_fds() < 0)
        _exit(EXIT_TOOL_FAILED);
    sigprocmask(SIG_SETMASK, saved_mask, NULL);
    exec_command(opt->command);
}

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: %s [-v] [--propagation private|slave] ROOTFS [--] "
            "[CMD [ARG...]]\n"
            "Run CMD (default /bin/sh) with ROOTFS as its root, through "
            "pivot_root.\n"
            "\n"
            "  --propagation P  what the old root's mounts become first "
            "(default private)\n"
            "  -v               trace every step\n"
            "  -h, --help       show this help\n",
            program_name);
}

static int parse_options(int argc, char **argv, struct options *opt)
{
    static const struct option longopts[] = {
        {"propagation", required_argument, NULL, 'p'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    static char *default_command[] = {"/bin/sh", NULL};
    int c;

    opt->propagation = PROPAGATION_PRIVATE;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+vh", longopts, NULL)) != -1) {
        switch (c) {
        case 'p':
            if (parse_propagation(optarg, &opt->propagation) < 0 ||
                (opt->propagation != PROPAGATION_PRIVATE &&
                 opt->propagation != PROPAGATION_SLAVE))
                return error_msg("--propagation %s: want private or slave "
                                 "(shared would leak our mounts to the "
                                 "host)",
                                 optarg);
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
    if (optind == argc)
        return error_msg("no rootfs given (see: %s --help)", program_name);
    if (rootfs_check(argv[optind]) < 0)
        return -1;
    if (!realpath(argv[optind], opt->rootfs))
        return error_errno("rootfs %s", argv[optind]);
    optind++;
    if (optind < argc && strcmp(argv[optind], "--") == 0)
        optind++;
    opt->command = optind < argc ? argv + optind : default_command;
    return 0;
}

int main(int argc, char **argv)
{
    struct options opt = {0};
    sigset_t saved_mask;
    int sync_pipe[2];
    pid_t child;

    set_program_name(argv[0]);
    if (parse_options(argc, argv, &opt) < 0)
        return EXIT_USAGE;

    /* 1. Root, or root in a user namespace of our own. */
    if (become_root_if_needed("a mount namespace") < 0)
        return EXIT_TOOL_FAILED;

    /* 2. The child: PID 1 in new mount and PID namespaces. A new PID
     *    namespace too, or /proc/1/root would be the host's init's root:
     *    a way back out. */
    if (pipe2(sync_pipe, O_CLOEXEC) < 0) {
        error_errno("pipe2");
        return EXIT_TOOL_FAILED;
    }
    if (block_forwarded_signals(&saved_mask) < 0)
        return EXIT_TOOL_FAILED;
    child = clone_child(CLONE_NEWNS | CLONE_NEWPID, "<- PID 1 in the new root");
    if (child < 0)
        return EXIT_TOOL_FAILED;
    if (child == 0) {
        close(sync_pipe[1]);
        run_child(&opt, &saved_mask, sync_pipe[0]);
    }
    close(sync_pipe[0]);

    /* 3. Forward signals, let it go, wait: its status is ours. */
    if (forward_signals_to(child) < 0 || release_child(sync_pipe[1]) < 0) {
        kill(child, SIGKILL);
        wait_for_exit_code(child);
        return EXIT_TOOL_FAILED;
    }
    sigprocmask(SIG_SETMASK, &saved_mask, NULL);
    return wait_for_exit_code(child);
}
