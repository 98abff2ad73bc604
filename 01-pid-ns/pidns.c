/* 01-pid-ns/pidns.c - run a command as PID 1 of a new PID namespace.
 *
 * The C version of `unshare --pid --fork --mount-proc CMD`:
 *
 *     sudo ./pidns -v -- sh -c 'echo "my PID is $$"; ps'
 *     sudo ./pidns --init -- sleep 100     # with a real init as PID 1
 *
 * Steps: clone3() a child into new PID and mount namespaces; in the child,
 * which is PID 1 over there, make / private and mount a fresh /proc (so `ps`
 * sees only the namespace); then exec the command -- or, with --init, run a
 * small init that runs the command as PID 2, reaps orphans and forwards
 * signals. The parent stays outside, waits, and exits with the command's
 * status.
 *
 * Without root it first enters a new user namespace in which it is root
 * (like `unshare --user --map-root-user`), since creating a PID namespace
 * needs CAP_SYS_ADMIN in the user namespace that will own it.
 *
 * Read: pid_namespaces(7), clone(2) (clone3), mount_namespaces(7),
 * proc(5), LWN "Namespaces in operation, part 3: PID namespaces".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "err.h"
#include "exec.h"
#include "flags.h"
#include "init.h"
#include "process.h"
#include "userns.h"

struct options {
    bool use_init;  /* --init: our init is PID 1, the command PID 2 */
    char **command; /* argv of the command */
};

/* In the child, PID 1 of the new namespace: a private / and a new /proc.
 * Without MS_PRIVATE, on a host whose / is shared (systemd makes it so),
 * the /proc mount below would propagate back to the host and hide the
 * host's /proc behind ours. */
static int mount_private_proc(void)
{
    char names[64];

    trace("PID 1: mount(NULL, \"/\", NULL, %s)  <- stop propagation",
          flags_to_string(mount_flag_names, MS_REC | MS_PRIVATE, names,
                          sizeof(names)));
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
        return error_errno("make / private: mount(MS_REC|MS_PRIVATE)");

    trace("PID 1: mount(\"proc\", \"/proc\", \"proc\", %s)  <- a /proc "
          "for this PID namespace",
          flags_to_string(mount_flag_names, MS_NOSUID | MS_NODEV | MS_NOEXEC,
                          names, sizeof(names)));
    if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) <
        0)
        return error_errno("mount proc on /proc");
    return 0;
}

/* Everything the child does. It never returns. */
static void run_child(const struct options *opt, const sigset_t *saved_mask,
                      int sync_fd)
{
    sigset_t init_saved;
    pid_t main_child;

    child_wait_for_parent(sync_fd);
    if (mount_private_proc() < 0)
        _exit(EXIT_TOOL_FAILED);

    if (!opt->use_init) {
        /* The command itself becomes PID 1, with PID 1's duties. */
        sigprocmask(SIG_SETMASK, saved_mask, NULL);
        exec_command(opt->command);
    }

    /* --init: we stay PID 1 and run the command as our child. */
    if (init_block_signals(&init_saved) < 0)
        _exit(EXIT_TOOL_FAILED);
    fflush(NULL);
    main_child = fork();
    if (main_child < 0) {
        error_errno("fork");
        _exit(EXIT_TOOL_FAILED);
    }
    if (main_child == 0) {
        sigprocmask(SIG_SETMASK, saved_mask, NULL);
        exec_command(opt->command);
    }
    trace("PID 1: init runs the command as PID %d", (int)main_child);
    _exit(init_supervise(main_child));
}

/* Wait for PID 1 and report how it ended. */
static int wait_for_namespace(pid_t child)
{
    int code = wait_for_exit_code(child);

    trace("PID 1 (host PID %d) ended: exit code %d", (int)child, code);
    return code;
}

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: %s [-v] [--init] [--] CMD [ARG...]\n"
            "Run CMD as PID 1 of a new PID namespace, with its own /proc.\n"
            "\n"
            "  --init      PID 1 is a small init that runs CMD as PID 2,\n"
            "              reaps orphans and forwards signals\n"
            "  -v          trace every step on stderr\n"
            "  -h, --help  show this help\n"
            "\n"
            "Exit status: CMD's; 125 if pidns failed, 126 if CMD is not\n"
            "executable, 127 if not found, 128+N if signal N killed it.\n",
            program_name);
}

static int parse_options(int argc, char **argv, struct options *opt)
{
    static const struct option longopts[] = {
        {"init", no_argument, NULL, 'i'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;

    opterr = 0; /* we print our own one-line message */
    /* "+": stop at the first non-option, so CMD's options stay CMD's. */
    while ((c = getopt_long(argc, argv, "+vh", longopts, NULL)) != -1) {
        switch (c) {
        case 'v':
            trace_on = true;
            break;
        case 'i':
            opt->use_init = true;
            break;
        case 'h':
            usage(stdout);
            exit(0);
        default:
            return report_bad_option(argv);
        }
    }
    if (optind >= argc) {
        error_msg("no command given (try: %s -- sh)", program_name);
        return -1;
    }
    opt->command = argv + optind;
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

    /* 1. Be root, really or in a new user namespace (lib/userns.c): a PID
     *    namespace needs CAP_SYS_ADMIN in the user namespace owning it. */
    if (become_root_if_needed("a PID namespace") < 0)
        return EXIT_TOOL_FAILED;

    /* 2. A pipe on which the child waits for our go-ahead. */
    if (pipe2(sync_pipe, O_CLOEXEC) < 0) {
        error_errno("pipe2");
        return EXIT_TOOL_FAILED;
    }

    /* 3. Block the signals we forward until we know the child's PID, so
     *    none arrives while there is nobody to forward it to. */
    if (block_forwarded_signals(&saved_mask) < 0)
        return EXIT_TOOL_FAILED;

    /* 4. The child: PID 1 in a new PID namespace, in a new mount namespace
     *    so that the /proc it mounts is its own (lib/process.c). */
    child = clone_child(CLONE_NEWPID | CLONE_NEWNS,
                        "<- PID 1 of the new namespace, as the host sees it");
    if (child < 0)
        return EXIT_TOOL_FAILED;
    if (child == 0) {
        close(sync_pipe[1]);
        run_child(&opt, &saved_mask, sync_pipe[0]);
    }
    close(sync_pipe[0]);

    /* 5. Forward SIGTERM and friends to PID 1, let it go, and wait. */
    if (forward_signals_to(child) < 0 || release_child(sync_pipe[1]) < 0) {
        kill(child, SIGKILL);
        wait_for_namespace(child);
        return EXIT_TOOL_FAILED;
    }
    sigprocmask(SIG_SETMASK, &saved_mask, NULL);
    return wait_for_namespace(child);
}
