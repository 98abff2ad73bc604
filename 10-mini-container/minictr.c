/* 10-mini-container/minictr.c - a mini container runtime: every chapter's
 * mechanism, in the order a container is born.
 *
 *     sudo ./minictr -v run --memory 64m --cpus 0.5 --pids 64 -- /bin/sh
 *     sudo ./minictr ps;  sudo ./minictr gc
 *
 * `minictr -v run` tells the story, one header per step (timings.h names
 * them once, for -v, --timings and the lab sheet):
 *   1. check: the spec, from the flags (spec_flags.c, starting from
 *      minictr's defaults, spec_defaults.c); the seccomp filter compiled
 *   2. state: /run/ctlab/NAME, locked, with the start gate (a fifo) and
 *      the spec as config.json, which exec reads back     (state.c)
 *   3. cgroup: the limits and docker's device rules         (chapter 05)
 *   4. clone: clone3 with new PID, mount, UTS, IPC and network namespaces
 *      (and a user namespace, rootless), straight into the cgroup (01-05)
 *   5. network: the parent writes the id maps (rootless) and plugs a veth
 *      into the new network namespace, on bridge ctlab0 (02, 04; network.c)
 *   6. root: the child, released: every inherited fd closed, not
 *      dumpable; a cgroup namespace; mounts private; the overlay root,
 *      the image read-only below a writable upper          (03, 07; child.c)
 *   7. mounts: the spec's /proc, /dev, /sys and volumes, the device
 *      nodes, /proc's and /sys's dangerous paths masked   (06; mounts.c)
 *   8. pivot: hostname; pivot_root, old root detached     (06)
 *   9. security: setsid; the pty (-t); docker's capabilities only (09);
 *      no_new_privs; the seccomp profile LAST              (08)
 *  10. start: the child waits at the gate; run opens it (create.c)
 *  11. exec: PID 1 is the init of chapter 01; it runs the command, reaps,
 *      and forwards signals                                (01)
 *  12. delete: the cgroup and the state removed
 * Several of these steps close a door that root inside a container has
 * gone through in real runtimes (runc's CVE-2024-21626: an inherited fd):
 * the lab sheet's "Break it" shows each attack, and tests/10 performs it.
 * minictr holds no second copy of any chapter's logic: it links their
 * .c files. This file is the command line: a table of verbs, each a
 * short function. The rest, by phase and by who runs it:
 *   spec.h, spec_defaults.c, spec_flags.c   the container, described
 *   oci_*.c                                 ... and read from config.json
 *   check.c, create.c                       the runtime's side of create
 *   mounts.c, mount_kinds.c, devices.c      the container's filesystem
 *   child.c                                 the container's side
 *   network.c, rootless.c, hooks.c          what create calls on the way
 *   run.c                                   the docker-like run
 *   oci.c, oci_state.c, oci_info.c          the runc command line
 *   verbs.c, exec.c, relay.c                verbs on existing containers
 *   state.c, console.c, timings.c           their state, pty, clock
 *
 * Read: every chapter's lab sheet, runc's libcontainer/standard_init_linux.go
 * for the same order, and the OCI runtime spec.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "checks.h"
#include "err.h"
#include "oci.h"
#include "spec_flags.h"
#include "state.h"
#include "timings.h"
#include "verbs.h"

/* --- the command line -------------------------------------------------- */

static void usage(FILE *out)
{
    fprintf(
        out,
        "Usage: %s [-v] run [OPTIONS] [--] CMD [ARG...]\n"
        "       %s exec NAME [--] CMD [ARG...]\n"
        "       %s stop NAME | kill NAME [SIG] | rm NAME | ps | gc | doctor\n"
        "A mini container runtime built from ctlab's chapters.\n"
        "\n"
        "  --name NAME        default: ctlab-PID\n"
        "  --rootfs DIR       default: the rootfs `make rootfs` built\n"
        "  --hostname NAME    default: the container name\n"
        "  --memory SIZE, --cpus F, --pids N   cgroup limits\n"
        "  --net bridge|none|host   default bridge (ctlab0, "
        "10.200.0.0/16)\n"
        "  --ip ADDR          on the bridge; default: the next free one\n"
        "  --cap-add CAP, --cap-drop CAP   (ALL; default: docker's 14)\n"
        "  --seccomp default|unconfined|FILE\n"
        "  --read-only        a read-only root\n"
        "  --init=false       the command itself is PID 1\n"
        "  -e KEY=VAL, -w DIR, --volume /HOST:/CTR[:ro]\n"
        "  --rootless         in a user namespace, you as its root "
        "(implied when not root)\n"
        "  -t, --tty          a terminal: a pty of the container's own\n"
        "  -d, --detach       print the name and return; output in the "
        "state dir's log\n"
        "  --timings          print the microseconds each step took\n"
        "  -v                 trace every step\n"
        "Exit status: the command's (run, exec); 125 when minictr itself "
        "fails or\nis used wrongly (docker's rule: 2 may be the command's "
        "own).\n"
        "\n"
        "As an OCI runtime (the runc command line; exit status 0, or 1 and "
        "one line):\n"
        "  %s [--root DIR] [--log FILE] [--log-format text|json] [--debug] "
        "COMMAND\n"
        "  create --bundle B [--pid-file F] [--console-socket S] "
        "[--preserve-fds N] ID\n"
        "  start ID | state ID | kill [--all] ID [SIGNAL] | delete [--force] "
        "ID\n"
        "  run --bundle B [--detach] [--pid-file F] [--console-socket S] "
        "[--timings] ID\n"
        "  list | ps [--format json] ID | pause ID | resume ID\n"
        "  spec [--rootless] [--bundle B] | features | --version\n"
        "`run` is the OCI one when given --bundle, or a single word (the id)"
        " and a\nconfig.json in the current directory; else the docker-like "
        "one above.\n",
        program_name, program_name, program_name, program_name);
}

static int command_run(int argc, char **argv)
{
    struct ctr_spec spec;
    struct ctr_context ctx = {0};

    spec_init(&spec);
    if (spec_from_flags(argc, argv, &spec, &ctx, usage) < 0)
        return EXIT_TOOL_FAILED;
    if (ctx.timings)
        timings_enable();
    return run_container(&spec, &ctx);
}

static int command_exec(int argc, char **argv)
{
    int first;

    if (argc > 1 && argv[1][0] == '-') /* options first: runc's exec */
        return oci_exec(argc, argv);
    first = argc >= 3 && strcmp(argv[2], "--") == 0 ? 3 : 2;
    if (argc < 3 || first >= argc)
        return -1;
    return exec_in_container(argv[1], argv + first);
}

static int command_ps(int argc, char **argv)
{
    (void)argv;
    return argc != 1 ? -1 : list_containers(0) < 0 ? 1 : 0;
}

static int command_gc(int argc, char **argv)
{
    (void)argv;
    return argc != 1 ? -1 : list_containers(1) < 0 ? 1 : 0;
}

static int command_rm(int argc, char **argv)
{
    return argc != 2 ? -1 : remove_container(argv[1]);
}

static int command_stop(int argc, char **argv)
{
    return argc != 2 ? -1 : signal_container(argv[1], SIGTERM, 1);
}

static int command_kill(int argc, char **argv)
{
    int sig = argc == 3 ? parse_signal(argv[2]) : SIGKILL;

    if (argc != 2 && argc != 3)
        return -1;
    if (sig < 0) {
        error_msg("kill: signal '%s': want a number 1-%d or a name (TERM, "
                  "SIGTERM)",
                  argv[2], SIGRTMAX);
        return EXIT_TOOL_FAILED;
    }
    return signal_container(argv[1], sig, 0);
}

static int command_doctor(int argc, char **argv)
{
    (void)argv;
    return argc != 1 ? -1 : doctor_run() ? 1 : 0;
}

/* OCI or docker-like run? The OCI form names a bundle: --bundle (-b),
 * or one word, the id, with a config.json here. Never guessed from a
 * command: `run -- CMD` and `run --name x CMD` are docker-like. */
static int is_oci_run(int argc, char **argv)
{
    struct stat st;

    for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
        if (strcmp(argv[i], "--bundle") == 0 || strcmp(argv[i], "-b") == 0 ||
            strncmp(argv[i], "--bundle=", 9) == 0)
            return 1;
    return argc == 2 && argv[1][0] != '-' && stat("config.json", &st) == 0;
}

static int command_run_either(int argc, char **argv)
{
    return is_oci_run(argc, argv) ? oci_run(argc, argv)
                                  : command_run(argc, argv);
}

/* `ps` alone lists minictr's containers; `ps ID` is runc's. */
static int command_ps_either(int argc, char **argv)
{
    return argc == 1 ? command_ps(argc, argv) : oci_ps(argc, argv);
}

/* `kill NAME [SIG]` means two things: docker kill sends SIGKILL by
 * default, runc kill SIGTERM. The container decides: one an OCI create
 * made (its state has the bundle's path) is killed the runc way, with
 * runc's errors and exit status; so is any kill with an option (--all). */
static int command_kill_either(int argc, char **argv)
{
    char bundle[PATH_MAX + 16];
    int oci = argc > 1 && argv[1][0] == '-';

    /* (A name that could not be an id is the docker-like kill's to
     * refuse.) */
    if (!oci && argc > 1 && !strchr(argv[1], '/') && argv[1][0] != '.' &&
        strlen(argv[1]) < 256) {
        snprintf(bundle, sizeof(bundle), "%s/%s/bundle", state_base(), argv[1]);
        oci = access(bundle, F_OK) == 0;
    }
    return oci ? oci_kill(argc, argv) : command_kill(argc, argv);
}

/* The verbs. Each gets its own word and what follows it; -1 is a usage
 * error (the wrong number of words). */
static const struct command {
    const char *name;
    int (*run)(int argc, char **argv);
} commands[] = {
    {"run", command_run_either},
    {"exec", command_exec},
    {"ps", command_ps_either},
    {"gc", command_gc},
    {"rm", command_rm},
    {"stop", command_stop},
    {"kill", command_kill_either},
    {"doctor", command_doctor},
    /* the runc command line */
    {"create", oci_create},
    {"start", oci_start},
    {"state", oci_state},
    {"delete", oci_delete},
    {"list", oci_list},
    {"pause", oci_pause},
    {"resume", oci_resume},
    {"update", oci_update},
    {"spec", oci_spec},
    {"features", oci_features},
};

/* Did an engine call us? It gives the runc command line's global options
 * (--root, --log, --log-format, --systemd-cgroup) before the command. */
static int called_by_engine(int argc, char **argv)
{
    static const char *const engine_options[] = {"--root", "--log",
                                                 "--systemd-cgroup", NULL};

    for (int i = 1; i < argc && argv[i][0] == '-'; i++)
        for (int k = 0; engine_options[k]; k++)
            if (strncmp(argv[i], engine_options[k],
                        strlen(engine_options[k])) == 0)
                return 1;
    return 0;
}

/* The global options, before the command word: -v (--debug), and an
 * engine's --root, --log and --log-format. All are read first, then the
 * log opened, then the first error reported: an engine reads in its log
 * why its call was refused. Returns 1 to go on, 0 when done (--help,
 * --version), -1 on an error (reported). */
static int global_options(int *argc, char ***argv)
{
    static const struct option options[] = {
        {"root", required_argument, NULL, 'r'},
        {"log", required_argument, NULL, 'l'},
        {"log-format", required_argument, NULL, 'f'},
        {"debug", no_argument, NULL, 'v'},
        {"systemd-cgroup", no_argument, NULL, 's'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    const char *log = NULL, *root = NULL, *format = NULL;
    int c, bad_optind = 0, bad_optopt = 0, systemd = 0, help = 0, version = 0;

    optind = 0;
    while ((c = getopt_long(*argc, *argv, "+vh", options, NULL)) != -1) {
        switch (c) {
        case 'v':
            trace_on = true;
            break;
        case 'r':
            root = optarg;
            break;
        case 'l':
            log = optarg;
            break;
        case 'f':
            format = optarg;
            break;
        case 's':
            systemd = 1;
            break;
        case 'h':
            help = 1;
            break;
        case 'V':
            version = 1;
            break;
        default: /* the first one, reported once the log is open */
            if (!bad_optind) {
                bad_optind = optind;
                bad_optopt = optopt;
            }
        }
    }
    if (log) {
        FILE *f = fopen(log, "ae");
        if (!f)
            return error_errno("--log %s", log);
        err_set_log(f, format && strcmp(format, "json") == 0);
    }
    if (bad_optind) {
        optind = bad_optind; /* as getopt left them at that option */
        optopt = bad_optopt;
        return report_bad_option(*argv);
    }
    if (format && strcmp(format, "json") != 0 && strcmp(format, "text") != 0)
        return error_msg("--log-format %s: text or json", format);
    if (systemd)
        return error_msg("--systemd-cgroup: not implemented by minictr "
                         "(it makes its cgroups itself, chapter 05)");
    if (help || version) {
        if (help)
            usage(stdout);
        else
            printf("minictr version 0.11 (ctlab)\nspec: %s\n", OCI_VERSION);
        return 0;
    }
    if (root && state_set_base(root) < 0)
        return -1;
    if (optind >= *argc)
        return error_msg("no command given (see: %s --help)", program_name);
    *argc -= optind - 1;
    *argv += optind - 1;
    return 1;
}

int main(int argc, char **argv)
{
    int rc;

    timings_started();
    set_program_name(argv[0]);
    opterr = 0;
    /* stdin, stdout and stderr open: started with one closed, our own
     * first open (a pipe, the state lock) would become fd 0, 1 or 2 and
     * be handed on as the container's stdio. */
    for (int fd = 0; fd < 3; fd++)
        if (fcntl(fd, F_GETFD) < 0 && open("/dev/null", O_RDWR) != fd)
            return EXIT_TOOL_FAILED;
    /* A bad global option: runc's exit status 1 for an engine (it gave
     * --root, --log or --log-format), docker's 125 otherwise. */
    rc = global_options(&argc, &argv);
    if (rc <= 0)
        return rc == 0                        ? 0
               : called_by_engine(argc, argv) ? 1
                                              : EXIT_TOOL_FAILED;
    /* COMMAND --help: the usage above, whichever command (runc's way). */
    if (argc > 2 && strcmp(argv[2], "--help") == 0) {
        usage(stdout);
        return 0;
    }
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        if (strcmp(argv[1], commands[i].name) != 0)
            continue;
        rc = commands[i].run(argc - 1, argv + 1);
        if (rc != -1)
            return rc;
        break;
    }
    error_msg("unknown command or wrong arguments: '%s' (see: %s --help)",
              argv[1], program_name);
    return EXIT_TOOL_FAILED;
}
