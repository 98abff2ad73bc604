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
 * short function; exec.c and verbs.c hold the verbs on running
 * containers.
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
#include "console.h"
#include "create.h"
#include "err.h"
#include "exec.h"
#include "oci.h"
#include "process.h"
#include "spec_flags.h"
#include "state.h"
#include "timings.h"
#include "verbs.h"

/* -d: the caller returns once the container runs; a monitor process
 * (this one's child, in a session of its own) stays to wait for it and
 * clean up, with all output in STATE_DIR/log. Returns 1 in the caller, 0
 * in the monitor, -1 on error. */
static int detach_monitor(const char *state_dir, int lock_fd, int *started_fd)
{
    char log[PATH_MAX + 8];
    int started[2], fd;
    pid_t monitor;

    if (pipe2(started, O_CLOEXEC) < 0)
        return error_errno("pipe2");
    fflush(NULL);
    monitor = fork();
    if (monitor < 0)
        return error_errno("fork");
    if (monitor > 0) {
        close(started[1]);
        *started_fd = started[0];
        return 1;
    }
    close(started[0]);
    *started_fd = started[1];
    setsid();
    snprintf(log, sizeof(log), "%s/log", state_dir);
    fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0 || dup2(fd, STDERR_FILENO) < 0)
        _exit(EXIT_TOOL_FAILED);
    close(fd);
    fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (fd >= 0 && fd != STDIN_FILENO) {
        dup2(fd, STDIN_FILENO);
        close(fd);
    }
    /* The monitor outlives its caller: it keeps nothing of the caller's
     * (a lock it held, a pipe the caller's caller waits on), only the
     * state lock and the line back to the caller. */
    if (close_fds_except(lock_fd, *started_fd) < 0)
        _exit(EXIT_TOOL_FAILED);
    trace("detached: monitor PID %d, output in %s", (int)getpid(), log);
    return 0;
}

/* The caller of -d: the container's name once it runs, or its log. */
static int report_start(const char *name, const char *state_dir,
                        int started_fd)
{
    char log[PATH_MAX + 8], byte;
    ssize_t n = read(started_fd, &byte, 1);
    FILE *f;

    close(started_fd);
    if (n == 1) {
        printf("%s\n", name);
        return 0;
    }
    snprintf(log, sizeof(log), "%s/log", state_dir);
    error_msg("container %s did not start; its log (%s):", name, log);
    f = fopen(log, "re");
    for (int c; f && (c = getc(f)) != EOF;)
        fputc(c, stderr);
    if (f)
        fclose(f);
    return EXIT_TOOL_FAILED;
}

/* The docker-like run: create, start at once, wait, delete. With -d, a
 * monitor does all after step 2, and the caller returns once it runs. */
static int run_container(struct ctr_spec *spec, struct ctr_context *ctx)
{
    struct container c = {.spec = spec, .ctx = ctx};
    char text[32];
    int code = EXIT_TOOL_FAILED, started_fd = -1, made, master;

    /* SIGINT/SIGTERM wait from here until the child can have them: a
     * signal in the first milliseconds must not end us between making
     * something and removing it. */
    if (block_forwarded_signals(&c.saved_mask) < 0 || container_check(&c) < 0 ||
        container_make_state(&c) < 0)
        return EXIT_TOOL_FAILED;
    if (ctx->detach &&
        detach_monitor(c.state_dir, c.lock_fd, &started_fd) > 0) {
        close(c.lock_fd); /* the monitor holds it */
        sigprocmask(SIG_SETMASK, &c.saved_mask, NULL);
        return report_start(ctx->id, c.state_dir, started_fd);
    }
    made = container_make(&c);
    if (made < 0)
        goto out;
    /* 10. Open the gate at once: run is create and start in one. */
    if (made == 0 && container_open_gate(c.state_dir) < 0)
        kill(c.pid, SIGKILL);
    sigprocmask(SIG_SETMASK, &c.saved_mask, NULL);
    if (started_fd >= 0) { /* -d: tell the caller it runs */
        if (write(started_fd, "1", 1) < 0)
            trace("the caller is gone");
        close(started_fd);
        started_fd = -1;
    }
    /* -t: our terminal is the container's until it ends. */
    if (c.parent_console_fd >= 0 &&
        (master = console_receive(c.parent_console_fd)) >= 0)
        console_relay(master);
    code = container_wait_and_delete(&c);
out:
    if (ctx->detach) { /* kept, with its log, until rm or gc */
        snprintf(text, sizeof(text), "%d", code);
        if (state_write(c.state_dir, "exit", text) < 0)
            code = EXIT_TOOL_FAILED;
        return code;
    }
    if (made >= 0) /* a failed make removed it */
        container_remove_state(c.state_dir, spec->rootless);
    close(c.lock_fd);
    step_end(STEP_DELETE);
    timings_print();
    return code;
}

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
        "  run --bundle B [--detach] [--pid-file F] [--console-socket S] ID\n"
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

/* `kill NAME [SIG]`: the same for both (kill --all is the OCI one). */
static int command_kill_either(int argc, char **argv)
{
    return argc > 1 && argv[1][0] == '-' ? oci_kill(argc, argv)
                                         : command_kill(argc, argv);
}

/* The verbs. Each gets its own word and what follows it; -1 is a usage
 * error (the wrong number of words). */
static const struct command {
    const char *name;
    int (*run)(int argc, char **argv);
} commands[] = {
    {"run", command_run_either}, {"exec", command_exec},
    {"ps", command_ps_either},   {"gc", command_gc},
    {"rm", command_rm},          {"stop", command_stop},
    {"kill", command_kill_either}, {"doctor", command_doctor},
    /* the runc command line */
    {"create", oci_create},      {"start", oci_start},
    {"state", oci_state},        {"delete", oci_delete},
    {"list", oci_list},          {"pause", oci_pause},
    {"resume", oci_resume},      {"update", oci_update},
    {"spec", oci_spec},          {"features", oci_features},
};

/* The global options, before the command word: -v (--debug), and an OCI
 * caller's --root, --log and --log-format. */
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
    const char *log = NULL;
    int c, json = 0;

    optind = 0;
    while ((c = getopt_long(*argc, *argv, "+vh", options, NULL)) != -1) {
        switch (c) {
        case 'v':
            trace_on = true;
            break;
        case 'r':
            if (state_set_base(optarg) < 0)
                return -1;
            break;
        case 'l':
            log = optarg;
            break;
        case 'f':
            if (strcmp(optarg, "json") != 0 && strcmp(optarg, "text") != 0)
                return error_msg("--log-format %s: text or json", optarg);
            json = strcmp(optarg, "json") == 0;
            break;
        case 's':
            return error_msg("--systemd-cgroup: not implemented by minictr "
                             "(it makes its cgroups itself, chapter 05)");
        case 'h':
            usage(stdout);
            return 0;
        case 'V':
            printf("minictr version 0.11 (ctlab)\nspec: %s\n", OCI_VERSION);
            return 0;
        default:
            return report_bad_option(*argv);
        }
    }
    if (log) {
        FILE *f = fopen(log, "ae");
        if (!f)
            return error_errno("--log %s", log);
        err_set_log(f, json);
    }
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
    rc = global_options(&argc, &argv);
    if (rc <= 0)
        return rc < 0 ? EXIT_TOOL_FAILED : 0;
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
