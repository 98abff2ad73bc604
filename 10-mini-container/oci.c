/* 10-mini-container/oci.c - minictr speaks the runc command line: how
 * podman (through conmon) and containerd (through its shim, and so
 * Kubernetes) drive an OCI runtime. A bundle is a directory with a
 * config.json (oci_config.c reads it into the same container spec the
 * docker-like flags fill) and, usually, the rootfs; the rest is the
 * runtime-spec's lifecycle:
 *
 *     create --bundle B ID   creating -> created: the process waits at
 *                            its start gate; the pid file is written
 *     start ID               created -> running: the gate opens
 *     state ID               the state as JSON
 *     kill ID [SIGNAL]       to a created or running container
 *     delete [--force] ID    stopped -> gone (--force: whatever it is)
 *
 * Here: the options they share, create, start and run (create and start
 * in one); state, kill and delete are in oci_state.c.
 *
 * Why create and start are two commands: between them the engine
 * (podman, containerd's CNI) makes the network in the container's new
 * network namespace, and hooks run, while nothing of the user's has run
 * yet.
 *
 * Read: the runtime-spec's runtime.md (the lifecycle, "state") and
 * runtime-linux.md; runc's man pages runc-create(8), runc-start(8).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <time.h>
#include <unistd.h>

#include "create.h"
#include "err.h"
#include "hooks.h"
#include "oci.h"
#include "oci_config.h"
#include "oci_lifecycle.h"
#include "process.h"
#include "spec_defaults.h"
#include "state.h"
#include "timings.h"
#include "verbs.h"

/* The options of the lifecycle verbs, as runc spells them. */
enum {
    OPT_BUNDLE = 'b',
    OPT_PID_FILE = 'p',
    OPT_CONSOLE = 'c',
    OPT_DETACH = 'd',
    OPT_FORCE = 'f',
    OPT_ALL = 'a',
    OPT_PRESERVE = 'P',
    OPT_NO_PIVOT = 'N',
    OPT_NO_KEYRING = 'K',
    OPT_ROOTLESS = 'R',
    OPT_TIMINGS = 'T'
};

static const struct option lifecycle_options[] = {
    {"bundle", required_argument, NULL, OPT_BUNDLE},
    {"pid-file", required_argument, NULL, OPT_PID_FILE},
    {"console-socket", required_argument, NULL, OPT_CONSOLE},
    {"detach", no_argument, NULL, OPT_DETACH},
    {"force", no_argument, NULL, OPT_FORCE},
    {"all", no_argument, NULL, OPT_ALL},
    {"preserve-fds", required_argument, NULL, OPT_PRESERVE},
    {"no-pivot", no_argument, NULL, OPT_NO_PIVOT},
    {"no-new-keyring", no_argument, NULL, OPT_NO_KEYRING},
    {"rootless", no_argument, NULL, OPT_ROOTLESS},
    {"timings", no_argument, NULL, OPT_TIMINGS},
    {NULL, 0, NULL, 0},
};

int oci_parse_args(const char *verb, int argc, char **argv, int needs_id,
                   struct oci_args *a)
{
    int c;
    char *end;

    optind = 0;
    while ((c = getopt_long(argc, argv, "+b:d", lifecycle_options, NULL)) !=
           -1) {
        switch (c) {
        case OPT_BUNDLE:
            a->bundle = optarg;
            break;
        case OPT_PID_FILE:
            a->pid_file = optarg;
            break;
        case OPT_CONSOLE:
            a->console_socket = optarg;
            break;
        case OPT_DETACH:
            a->detach = 1;
            break;
        case OPT_FORCE:
            a->force = 1;
            break;
        case OPT_ALL:
            a->all = 1;
            break;
        case OPT_ROOTLESS:
            a->rootless = 1;
            break;
        case OPT_PRESERVE:
            errno = 0;
            a->preserve_fds = (int)strtol(optarg, &end, 10);
            if (errno || *end || a->preserve_fds < 0 || a->preserve_fds > 1000)
                return error_msg("%s --preserve-fds %s: want 0-1000", verb,
                                 optarg);
            break;
        case OPT_TIMINGS: /* minictr's own, as in docker-like run */
            if (strcmp(verb, "run") != 0)
                return error_msg("%s --timings: only run times its steps",
                                 verb);
            a->timings = 1;
            break;
        case OPT_NO_KEYRING: /* minictr never makes a session keyring */
            break;
        case OPT_NO_PIVOT:
            return error_msg("%s --no-pivot: not implemented by minictr "
                             "(pivot_root is the point: see chapter 06)",
                             verb);
        default:
            return report_bad_option(argv);
        }
    }
    if (needs_id) {
        if (optind >= argc)
            return error_msg("%s: no container id given (see: %s --help)", verb,
                             program_name);
        a->id = argv[optind++];
        if (state_check_id(a->id) < 0)
            return -1;
    }
    a->rest = argv + optind;
    a->rest_count = argc - optind;
    return 0;
}

/* The bundle's spec, read and persisted: config.json in the state
 * directory is what exec, kill and delete read from now on. */
static int load_bundle(const struct oci_args *a, char *bundle, size_t size,
                       struct ctr_spec *spec)
{
    char config[PATH_MAX + 16];

    if (!realpath(a->bundle ? a->bundle : ".", bundle))
        return error_errno("--bundle %s", a->bundle ? a->bundle : ".");
    (void)size;
    snprintf(config, sizeof(config), "%s/config.json", bundle);
    spec_init(spec);
    if (oci_config_read(config, bundle, spec) < 0)
        return -1;
    spec->rootless = geteuid() != 0;
    return spec_add_runtime_devices(spec);
}

/* When the container was made, as `state` and `list` show it. Written
 * once it is created: gc leaves a created container to its engine's
 * delete, and takes one whose create was killed. */
static int save_created(const struct container *c)
{
    char when[64];
    struct timespec now;
    struct tm utc;

    clock_gettime(CLOCK_REALTIME, &now);
    gmtime_r(&now.tv_sec, &utc);
    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &utc);
    snprintf(when + strlen(when), sizeof(when) - strlen(when), ".%09ldZ",
             now.tv_nsec);
    return state_write(c->state_dir, "created", when);
}

/* create, and run's first half: up to the gate. Returns 0 with C's
 * process waiting there, and everything undone on failure. */
static int create_container(struct oci_args *a, struct ctr_spec *spec,
                            struct ctr_context *ctx, struct container *c)
{
    char bundle[PATH_MAX];
    int made;

    if (load_bundle(a, bundle, sizeof(bundle), spec) < 0)
        return -1;
    snprintf(ctx->id, sizeof(ctx->id), "%s", a->id);
    ctx->bundle = strdup(bundle); /* for the hooks' state */
    ctx->pid_file = a->pid_file;
    ctx->console_socket = a->console_socket;
    ctx->preserve_fds = a->preserve_fds;
    ctx->oci = 1;
    /* runc: "cannot allocate tty if runc will detach without setting
     * console socket". Nobody would hold the terminal's master. */
    if (spec->process.terminal && !a->console_socket && a->detach)
        return error_msg("process.terminal: a container that is detached "
                         "(create, run --detach) needs a --console-socket "
                         "to send its terminal to");
    if (!spec->process.terminal && a->console_socket)
        return error_msg("--console-socket: process.terminal is false");
    *c = (struct container){.spec = spec, .ctx = ctx};
    spec->limits.freezable = 1; /* an engine may pause it (v1: the freezer) */
    if (block_forwarded_signals(&c->saved_mask) < 0 || container_check(c) < 0 ||
        container_make_state(c) < 0)
        return -1;
    if (state_write(c->state_dir, "bundle", bundle) < 0) {
        container_remove_state(c->state_dir, spec->rootless);
        return -1;
    }
    made = container_make(c);
    if (made < 0) /* undone, state and all */
        return -1;
    /* Ended before it was ready (it said why), or no pid file: reaped,
     * its cgroup and state removed. */
    if (made > 0 ||
        (a->pid_file && state_write_pid_file(a->pid_file, c->pid) < 0) ||
        save_created(c) < 0) {
        kill(c->pid, SIGKILL);
        container_wait_and_delete(c);
        container_remove_state(c->state_dir, spec->rootless);
        return -1;
    }
    return 0;
}

int oci_create(int argc, char **argv)
{
    struct oci_args a = {0};
    struct ctr_spec spec;
    struct ctr_context ctx = {0};
    struct container c;

    if (oci_parse_args("create", argc, argv, 1, &a) < 0)
        return 1;
    a.detach = 1; /* create always returns, leaving the container */
    if (create_container(&a, &spec, &ctx, &c) < 0)
        return 1;
    close(c.lock_fd); /* from here the init's pid is the container */
    return 0;
}

int oci_start(int argc, char **argv)
{
    struct oci_args a = {0};
    char dir[PATH_MAX];
    enum state_status status;
    pid_t pid;

    if (oci_parse_args("start", argc, argv, 1, &a) < 0 ||
        oci_find_container(a.id, dir, sizeof(dir)) < 0)
        return 1;
    status = state_status(dir, &pid);
    if (status != STATUS_CREATED)
        return error_msg("cannot start a container that is %s",
                         state_status_names[status]),
               1;
    if (container_open_gate(dir) < 0)
        return 1;
    oci_post_hooks(dir, a.id, HOOK_POSTSTART, pid);
    return 0;
}

/* run --bundle B ID: create, start, and (unless --detach) wait, then
 * delete: what runc run does. */
int oci_run(int argc, char **argv)
{
    struct oci_args a = {0};
    struct ctr_spec spec;
    struct ctr_context ctx = {0};
    struct container c;
    int code;

    if (oci_parse_args("run", argc, argv, 1, &a) < 0)
        return 1;
    if (a.timings && !a.detach)
        timings_enable();
    if (create_container(&a, &spec, &ctx, &c) < 0)
        return 1;
    if (container_open_gate(c.state_dir) < 0)
        kill(c.pid, SIGKILL);
    else
        oci_post_hooks_of(&spec, c.state_dir, a.id, HOOK_POSTSTART, c.pid);
    sigprocmask(SIG_SETMASK, &c.saved_mask, NULL);
    if (a.detach) {
        close(c.lock_fd);
        return 0;
    }
    code = container_wait_and_delete(&c);
    oci_post_hooks_of(&spec, c.state_dir, a.id, HOOK_POSTSTOP, 0);
    container_remove_state(c.state_dir, spec.rootless);
    close(c.lock_fd);
    step_end(STEP_DELETE);
    timings_print();
    return code;
}
