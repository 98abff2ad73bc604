/* 03-mount-uts-ipc/mntns.c - run a command in a new mount namespace.
 *
 * The C version of `unshare --mount --propagation MODE CMD`:
 *
 *     sudo ./mntns -v -- sh -c 'mount -t tmpfs x /mnt; findmnt /mnt'
 *     sudo ./mntns --propagation unchanged -- ...   # the leak, on purpose
 *
 * unshare(CLONE_NEWNS) gives this process a private copy of the mount
 * table at once (no fork needed, unlike a PID namespace). Then / is made
 * recursively private, unless --propagation says otherwise, and the
 * command runs. Without root, a user namespace comes first.
 *
 * Read: mount_namespaces(7) ("Shared subtrees"), unshare(2), mount(2),
 * LWN "Mount namespaces and shared subtrees".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "exec.h"
#include "namespaces.h"
#include "userns.h"

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: %s [-v] [--propagation MODE] [--] CMD [ARG...]\n"
            "Run CMD in a new mount namespace.\n"
            "\n"
            "  --propagation MODE  private (default), slave, shared or\n"
            "                      unchanged: applied to / recursively\n"
            "  -v                  trace every step on stderr\n"
            "  -h, --help          show this help\n",
            program_name);
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"propagation", required_argument, NULL, 'p'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    enum propagation mode = PROPAGATION_PRIVATE;
    int c;

    set_program_name(argv[0]);

    /* 1. Options; all checked before any system call. */
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+vh", longopts, NULL)) != -1) {
        switch (c) {
        case 'v':
            trace_on = true;
            break;
        case 'p':
            if (parse_propagation(optarg, &mode) < 0) {
                error_msg("unknown propagation '%s' (private, slave, shared "
                          "or unchanged)",
                          optarg);
                return EXIT_USAGE;
            }
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            report_bad_option(argv);
            return EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        error_msg("no command given (try: %s -- sh)", program_name);
        return EXIT_USAGE;
    }

    /* 2. Root, or root of a new user namespace. */
    if (become_root_if_needed("a mount namespace") < 0)
        return EXIT_TOOL_FAILED;

    /* 3. A copy of the mount table, ours alone from now on. */
    trace("unshare(CLONE_NEWNS)");
    if (unshare(CLONE_NEWNS) < 0) {
        error_errno("unshare(CLONE_NEWNS)");
        return EXIT_TOOL_FAILED;
    }

    /* 4. Cut (or keep) the propagation links the copy inherited. */
    if (set_root_propagation(mode) < 0)
        return EXIT_TOOL_FAILED;

    /* 5. Run the command. */
    exec_command(argv + optind);
}
