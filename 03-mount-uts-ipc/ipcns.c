/* 03-mount-uts-ipc/ipcns.c - run a command with its own IPC objects.
 *
 * The C version of `unshare --ipc --mount CMD` plus a fresh mqueue mount:
 *
 *     sudo ./ipcns -v -- ipcs        # empty: the host's objects are gone
 *
 * An IPC namespace holds System V shared memory segments, semaphore sets
 * and message queues (ipcs(1) lists them) and POSIX message queues
 * (mq_overview(7)). Identifiers and keys are looked up in the caller's
 * namespace only, so a key like 0x1234 can mean different objects in two
 * containers, and neither can attach to the other's.
 *
 * POSIX queues show up as files in an mqueue file system. Its contents
 * belong to the IPC namespace of whoever mounted it, so an IPC namespace
 * needs its own mount (and a mount namespace to mount it in) for
 * `ls /dev/mqueue` to tell the truth, just as a PID namespace needs its
 * own /proc.
 *
 * Read: ipc_namespaces(7), sysvipc(7), mq_overview(7), ipcs(1).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "err.h"
#include "exec.h"
#include "namespaces.h"
#include "userns.h"

#define MQUEUE_DIR "/dev/mqueue"

/* Mount the new namespace's mqueue file system on /dev/mqueue. Where the
 * host has no /dev/mqueue we do not create one: /dev is the host's own
 * devtmpfs, and a mkdir there would show on the host. The queues are
 * isolated either way; only `ls` needs the mount. */
static int mount_own_mqueue(void)
{
    struct stat st;

    if (stat(MQUEUE_DIR, &st) < 0 || !S_ISDIR(st.st_mode)) {
        trace("no %s here: not mounting mqueue (queues stay isolated; "
              "only ls cannot show them)",
              MQUEUE_DIR);
        return 0;
    }
    trace("mount(\"mqueue\", \"%s\", \"mqueue\", MS_NOSUID|MS_NODEV|"
          "MS_NOEXEC)",
          MQUEUE_DIR);
    if (mount("mqueue", MQUEUE_DIR, "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC,
              NULL) < 0)
        return error_errno("mount mqueue on %s", MQUEUE_DIR);
    return 0;
}

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: %s [-v] [--] CMD [ARG...]\n"
            "Run CMD in a new IPC namespace (System V IPC and POSIX\n"
            "message queues), with its own mqueue mount on %s.\n"
            "\n"
            "  -v          trace every step on stderr\n"
            "  -h, --help  show this help\n",
            program_name, MQUEUE_DIR);
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;

    set_program_name(argv[0]);

    /* 1. Options. */
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+vh", longopts, NULL)) != -1) {
        switch (c) {
        case 'v':
            trace_on = true;
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
        error_msg("no command given (try: %s -- ipcs)", program_name);
        return EXIT_USAGE;
    }

    /* 2. Root, or root of a new user namespace. */
    if (become_root_if_needed("an IPC namespace") < 0)
        return EXIT_TOOL_FAILED;

    /* 3. New IPC and mount namespaces in one call. */
    trace("unshare(CLONE_NEWIPC|CLONE_NEWNS)");
    if (unshare(CLONE_NEWIPC | CLONE_NEWNS) < 0) {
        error_errno("unshare(CLONE_NEWIPC|CLONE_NEWNS)");
        return EXIT_TOOL_FAILED;
    }

    /* 4. Private propagation, so our mqueue mount stays ours. */
    if (set_root_propagation(PROPAGATION_PRIVATE) < 0 || mount_own_mqueue() < 0)
        return EXIT_TOOL_FAILED;

    /* 5. Run the command. */
    exec_command(argv + optind);
}
