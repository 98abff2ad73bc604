/* 04-user-ns/mini-unshare.c - util-linux unshare(1), in a page of C.
 *
 * The chapter's "fully isolated environment" (section 3):
 *
 *     unshare --pid --fork --net --mount --uts --ipc --user --map-root-user
 * bash
 *     ./mini-unshare -v --pid --fork --net --mount --uts --ipc --user \
 *         --map-root-user --mount-proc -- sh
 *     ./mini-unshare -v -- sh      # no namespace flags: all eight, with
 *                                  # --map-root-user --fork --mount-proc
 *
 * One unshare(2) call creates every namespace asked for. When the user
 * namespace is among them, the kernel creates it first and makes it the
 * owner of the others: that is how a normal user may create them all.
 * Two kinds do not move the caller: a new PID or time namespace is for
 * the caller's *children*, so --fork is needed for the command to be in
 * them (and time offsets must be written before that first child).
 *
 * Read: unshare(2), unshare(1), namespaces(7), time_namespaces(7).
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
#include <sys/prctl.h>
#include <unistd.h>

#include "err.h"
#include "exec.h"
#include "file.h"
#include "flags.h"
#include "namespaces.h"
#include "process.h"
#include "userns.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

struct options {
    int flags;             /* CLONE_NEW* to unshare */
    bool map_root;         /* --map-root-user */
    bool fork;             /* --fork */
    bool mount_proc;       /* --mount-proc */
    int kill_child_signal; /* --kill-child[=SIG]; 0: off */
    const char *hostname;  /* --hostname */
    enum propagation propagation;
    long monotonic, boottime; /* --monotonic/--boottime offsets, seconds */
    char **command;
};

/* --- the steps ------------------------------------------------------------*/

/* Explain the two common refusals. */
static void report_unshare_error(int flags)
{
    char names[160];
    int err = errno;

    flags_to_string(clone_flag_names, flags, names, sizeof(names));
    if (err == EPERM && geteuid() != 0 && !(flags & CLONE_NEWUSER))
        error_msg("unshare(%s): %s (not root: add --user --map-root-user)",
                  names, strerror(err));
    else if (err == EINVAL)
        error_msg("unshare(%s): %s (this kernel lacks one of these namespace "
                  "types; see: make doctor)",
                  names, strerror(err));
    else
        error_msg("unshare(%s): %s", names, strerror(err));
}

/* A new time namespace starts with zero offsets; they can be set until
 * the first process enters it (time_namespaces(7)). Both in one write. */
static int set_time_offsets(long monotonic, long boottime)
{
    char text[96];

    snprintf(text, sizeof(text), "monotonic %ld 0\nboottime %ld 0", monotonic,
             boottime);
    if (write_file("/proc/self/timens_offsets", text) < 0)
        return error_errno("write /proc/self/timens_offsets");
    return 0;
}

static int mount_proc(void)
{
    trace("mount(\"proc\", \"/proc\", \"proc\", "
          "MS_NOSUID|MS_NODEV|MS_NOEXEC)");
    if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) <
        0)
        return error_errno("mount proc on /proc");
    return 0;
}

/* Everything after unshare, in the process that will exec: with --fork
 * the child (PID 1 of a new PID namespace), else ourselves. */
static void finish_and_exec(const struct options *opt)
{
    if (opt->mount_proc && mount_proc() < 0)
        _exit(EXIT_TOOL_FAILED);
    exec_command(opt->command);
}

/* --fork: the command runs in a child, which enters the PID and time
 * namespaces we created; we wait and pass its status on. With
 * --kill-child, the child gets a signal if we die (checked for the
 * window before prctl through a pipe, as in lib/process.c). */
static int fork_and_wait(const struct options *opt)
{
    int sync_pipe[2];
    pid_t child;

    if (pipe2(sync_pipe, O_CLOEXEC) < 0)
        return error_errno("pipe2"), EXIT_TOOL_FAILED;
    fflush(NULL);
    child = fork();
    if (child < 0)
        return error_errno("fork"), EXIT_TOOL_FAILED;
    if (child == 0) {
        char go;
        close(sync_pipe[1]);
        if (opt->kill_child_signal)
            prctl(PR_SET_PDEATHSIG, opt->kill_child_signal);
        if (read(sync_pipe[0], &go, 1) != 1)
            _exit(EXIT_TOOL_FAILED); /* the parent is gone */
        close(sync_pipe[0]);
        finish_and_exec(opt);
    }
    close(sync_pipe[0]);
    trace("fork() = %d%s", (int)child,
          opt->flags & CLONE_NEWPID ? "  <- PID 1 of the new PID namespace"
                                    : "");
    if (forward_signals_to(child) < 0 || release_child(sync_pipe[1]) < 0) {
        kill(child, SIGKILL);
        wait_for_exit_code(child);
        return EXIT_TOOL_FAILED;
    }
    return wait_for_exit_code(child);
}

/* --- command line ---------------------------------------------------------*/

#define ALL_NAMESPACES                                                         \
    (CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | \
     CLONE_NEWUSER | CLONE_NEWCGROUP | CLONE_NEWTIME)

static void usage(FILE *out)
{
    fprintf(
        out,
        "Usage: %s [-v] [options] [--] CMD [ARG...]\n"
        "Run CMD in new namespaces, like unshare(1).\n"
        "\n"
        "  -p, --pid  -n, --net  -m, --mount  -u, --uts  -i, --ipc\n"
        "  -U, --user  -C, --cgroup  -T, --time     namespaces to create\n"
        "  -r, --map-root-user   map your uid/gid to root (implies --user)\n"
        "  -f, --fork            run CMD as a child (needed for --pid)\n"
        "  --mount-proc          mount a new /proc (implies --mount)\n"
        "  --hostname NAME       set the hostname (implies --uts)\n"
        "  --propagation MODE    private (default), slave, shared, "
        "unchanged\n"
        "  --kill-child[=SIG]    the child gets SIG (SIGKILL) if we die\n"
        "  --monotonic S, --boottime S   clock offsets (imply --time)\n"
        "  -v  trace every step;  -h, --help  this help\n"
        "With no namespace option: all eight, with --map-root-user\n"
        "--fork --mount-proc.\n",
        program_name);
}

static int parse_seconds(const char *option, const char *text, long *value)
{
    char *end;

    errno = 0;
    *value = strtol(text, &end, 10);
    if (errno || end == text || *end != '\0')
        return error_msg("%s: not a number of seconds: '%s'", option, text);
    return 0;
}

static int parse_options(int argc, char **argv, struct options *opt)
{
    enum { MOUNT_PROC = 256, HOSTNAME, PROPAGATION, KILL_CHILD, MONO, BOOT };
    static const struct option longopts[] = {
        {"pid", no_argument, NULL, 'p'},
        {"net", no_argument, NULL, 'n'},
        {"mount", no_argument, NULL, 'm'},
        {"uts", no_argument, NULL, 'u'},
        {"ipc", no_argument, NULL, 'i'},
        {"user", no_argument, NULL, 'U'},
        {"cgroup", no_argument, NULL, 'C'},
        {"time", no_argument, NULL, 'T'},
        {"map-root-user", no_argument, NULL, 'r'},
        {"fork", no_argument, NULL, 'f'},
        {"mount-proc", no_argument, NULL, MOUNT_PROC},
        {"hostname", required_argument, NULL, HOSTNAME},
        {"propagation", required_argument, NULL, PROPAGATION},
        {"kill-child", optional_argument, NULL, KILL_CHILD},
        {"monotonic", required_argument, NULL, MONO},
        {"boottime", required_argument, NULL, BOOT},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    bool any_namespace = false;
    int c;

    opt->propagation = PROPAGATION_PRIVATE;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+vpnmuiUCTrfh", longopts, NULL)) !=
           -1) {
        /* -p/--pid ... -T/--time: letters from chapter 03's table. */
        const struct namespace_type *type = namespace_by_option(c);
        if (type) {
            opt->flags |= type->flag;
            any_namespace = true;
            continue;
        }
        switch (c) {
        case 'v':
            trace_on = true;
            break;
        case 'r':
            opt->map_root = true;
            opt->flags |= CLONE_NEWUSER;
            any_namespace = true;
            break;
        case 'f':
            opt->fork = true;
            break;
        case MOUNT_PROC:
            opt->mount_proc = true;
            opt->flags |= CLONE_NEWNS;
            any_namespace = true;
            break;
        case HOSTNAME:
            if (strlen(optarg) == 0 || strlen(optarg) > 64)
                return error_msg("--hostname: 1 to 64 bytes, not %zu",
                                 strlen(optarg));
            opt->hostname = optarg;
            opt->flags |= CLONE_NEWUTS;
            any_namespace = true;
            break;
        case PROPAGATION:
            if (parse_propagation(optarg, &opt->propagation) < 0)
                return error_msg("unknown propagation '%s' (private, slave, "
                                 "shared or unchanged)",
                                 optarg);
            break;
        case KILL_CHILD:
            opt->kill_child_signal = SIGKILL;
            if (optarg) {
                const char *name =
                    strncmp(optarg, "SIG", 3) == 0 ? optarg + 3 : optarg;
                opt->kill_child_signal = 0;
                for (int s = 1; s < NSIG; s++)
                    if (sigabbrev_np(s) && strcmp(sigabbrev_np(s), name) == 0)
                        opt->kill_child_signal = s;
                if (!opt->kill_child_signal)
                    return error_msg("--kill-child: unknown signal '%s'",
                                     optarg);
            }
            opt->fork = true;
            break;
        case MONO:
        case BOOT:
            if (parse_seconds(c == MONO ? "--monotonic" : "--boottime", optarg,
                              c == MONO ? &opt->monotonic : &opt->boottime) < 0)
                return -1;
            opt->flags |= CLONE_NEWTIME;
            any_namespace = true;
            break;
        case 'h':
            usage(stdout);
            exit(0);
        default:
            return report_bad_option(argv);
        }
    }
    if (optind >= argc)
        return error_msg("no command given (try: %s -- sh)", program_name);
    if (!any_namespace) {
        /* The chapter's "fully isolated environment", and more. */
        opt->flags = ALL_NAMESPACES;
        opt->map_root = opt->fork = opt->mount_proc = true;
    }
    opt->command = argv + optind;
    return 0;
}

int main(int argc, char **argv)
{
    struct options opt = {0};
    uid_t uid = geteuid(); /* before unshare: afterwards 65534 until mapped */
    gid_t gid = getegid();
    char names[160];

    set_program_name(argv[0]);

    /* 1. Options, all checked before any system call. */
    if (parse_options(argc, argv, &opt) < 0)
        return EXIT_USAGE;

    /* 2. Every namespace in one call; a new user namespace owns the rest. */
    trace("unshare(%s)",
          flags_to_string(clone_flag_names, opt.flags, names, sizeof(names)));
    if (unshare(opt.flags) < 0) {
        report_unshare_error(opt.flags);
        return EXIT_TOOL_FAILED;
    }

    /* 3. Map ourselves to root in the new user namespace (lib/userns.c). */
    if (opt.map_root && map_root_to_ids(0, uid, gid) < 0)
        return EXIT_TOOL_FAILED;

    /* 4. Clock offsets, before any process enters the time namespace. */
    if ((opt.flags & CLONE_NEWTIME) && (opt.monotonic || opt.boottime) &&
        set_time_offsets(opt.monotonic, opt.boottime) < 0)
        return EXIT_TOOL_FAILED;

    /* 5. Cut mount propagation (chapter 03's namespaces.c). */
    if ((opt.flags & CLONE_NEWNS) && set_root_propagation(opt.propagation) < 0)
        return EXIT_TOOL_FAILED;

    /* 6. The hostname, in our own UTS namespace. */
    if (opt.hostname) {
        trace("sethostname(\"%s\")", opt.hostname);
        if (sethostname(opt.hostname, strlen(opt.hostname)) < 0) {
            error_errno("sethostname(\"%s\")", opt.hostname);
            return EXIT_TOOL_FAILED;
        }
    }

    /* 7. Run the command: as a child (--fork), or in place. */
    if (opt.fork)
        return fork_and_wait(&opt);
    if (opt.flags & (CLONE_NEWPID | CLONE_NEWTIME))
        trace("no --fork: the command stays outside the new PID/time "
              "namespace; its first child will be inside");
    finish_and_exec(&opt);
}
