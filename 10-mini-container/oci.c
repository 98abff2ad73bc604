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

struct oci_args {
    const char *bundle, *pid_file, *console_socket, *id;
    int detach, force, all, preserve_fds, rootless, timings;
    char **rest; /* the words after the id */
    int rest_count;
};

/* VERB's options, then the id (when NEEDS_ID). -1 on a bad one. */
static int parse_args(const char *verb, int argc, char **argv, int needs_id,
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

/* poststart and poststop: the saved spec's hooks of KIND, in our
 * namespaces; a failure is reported, and changes nothing (the spec:
 * "the runtime MUST log a warning"). */
static void run_post_hooks(const char *dir, const char *id,
                           enum spec_hook_kind kind, pid_t pid)
{
    char saved[PATH_MAX + 16], bundle[PATH_MAX], *state;
    struct ctr_spec spec;

    snprintf(saved, sizeof(saved), "%s/config.json", dir);
    spec_init(&spec);
    if (oci_config_read_saved(saved, &spec) < 0)
        return;
    if (hooks_wanted(&spec, kind)) {
        if (state_read(dir, "bundle", bundle, sizeof(bundle)) < 0)
            bundle[0] = '\0';
        state = hooks_state(&spec, id,
                            kind == HOOK_POSTSTART ? "running" : "stopped", pid,
                            bundle);
        if (state && hooks_run(&spec, kind, state) < 0)
            error_msg("warning: a %s hook failed; the container goes on",
                      kind == HOOK_POSTSTART ? "poststart" : "poststop");
        free(state);
    }
    spec_free(&spec);
}

/* The state directory of container ID, which must exist. */
static int find_container(const char *id, char *dir, size_t size)
{
    snprintf(dir, size, "%s/%s", state_base(), id);
    if (access(dir, F_OK) < 0)
        return error_msg("container \"%s\" does not exist", id);
    return 0;
}

/* Device rules, as runc and crun complete them. Where the bundle has
 * rules (runc's spec and podman's start with "deny all"), the runtime
 * adds, after them so that they win: mknod of any node, and opening the
 * nodes every container gets (null, zero, full, random, urandom, tty,
 * /dev/pts/N, ptmx: chapter 05's default list without its "deny all"),
 * then each node linux.devices asks for. Without them /dev/null is EPERM
 * and a terminal fails at /dev/ptmx. (runc 1.1 also allows c 10:200,
 * /dev/net/tun; runc 1.2 dropped it, and so do we.) No rules means no
 * device controller: nothing is added. */
static void add_device_rule(struct cgroup_limits *limits,
                            const struct cgroup_device_rule *rule)
{
    for (int i = 0; i < limits->device_count; i++) {
        const struct cgroup_device_rule *had = &limits->devices[i];

        if (had->allow && had->type == rule->type &&
            had->major == rule->major && had->minor == rule->minor &&
            strcmp(had->access, rule->access) == 0)
            return; /* the config has it already (minictr spec's do) */
    }
    limits->devices[limits->device_count++] = *rule;
}

static int allow_spec_devices(struct ctr_spec *spec)
{
    struct cgroup_limits *limits = &spec->limits;
    int nodes = 0;

    if (!limits->device_count)
        return 0;
    for (int i = 0; i < spec->device_count; i++)
        nodes += spec->devices[i].type != 'p'; /* a fifo is no device */
    if (limits->device_count + cgroup_default_device_rule_count - 1 + nodes >
        CG_MAX_DEVICE_RULES)
        return error_msg("linux.devices and linux.resources.devices: more "
                         "than %d device rules in all, with the %d every "
                         "container gets",
                         CG_MAX_DEVICE_RULES,
                         cgroup_default_device_rule_count - 1);
    for (int i = 1; i < cgroup_default_device_rule_count; i++)
        add_device_rule(limits, &cgroup_default_device_rules[i]);
    for (int i = 0; i < spec->device_count; i++) {
        const struct spec_device *d = &spec->devices[i];

        if (d->type != 'p')
            add_device_rule(limits, &(struct cgroup_device_rule){
                                        .type = d->type == 'b' ? 'b' : 'c',
                                        .major = d->major,
                                        .minor = d->minor,
                                        .access = "rwm",
                                        .allow = 1,
                                    });
    }
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
    return allow_spec_devices(spec);
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

    if (parse_args("create", argc, argv, 1, &a) < 0)
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

    if (parse_args("start", argc, argv, 1, &a) < 0 ||
        find_container(a.id, dir, sizeof(dir)) < 0)
        return 1;
    status = state_status(dir, &pid);
    if (status != STATUS_CREATED)
        return error_msg("cannot start a container that is %s",
                         state_status_names[status]),
               1;
    if (container_open_gate(dir) < 0)
        return 1;
    run_post_hooks(dir, a.id, HOOK_POSTSTART, pid);
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

    if (parse_args("run", argc, argv, 1, &a) < 0)
        return 1;
    if (a.timings && !a.detach)
        timings_enable();
    if (create_container(&a, &spec, &ctx, &c) < 0)
        return 1;
    if (container_open_gate(c.state_dir) < 0)
        kill(c.pid, SIGKILL);
    else
        run_post_hooks(c.state_dir, a.id, HOOK_POSTSTART, c.pid);
    sigprocmask(SIG_SETMASK, &c.saved_mask, NULL);
    if (a.detach) {
        close(c.lock_fd);
        return 0;
    }
    code = container_wait_and_delete(&c);
    run_post_hooks(c.state_dir, a.id, HOOK_POSTSTOP, 0);
    container_remove_state(c.state_dir, spec.rootless);
    close(c.lock_fd);
    step_end(STEP_DELETE);
    timings_print();
    return code;
}

int oci_state(int argc, char **argv)
{
    struct oci_args a = {0};
    char dir[PATH_MAX], bundle[PATH_MAX], created[64], config[PATH_MAX + 16];
    struct ctr_spec spec;
    enum state_status status;
    const char *status_name;
    pid_t pid;

    if (parse_args("state", argc, argv, 1, &a) < 0 ||
        find_container(a.id, dir, sizeof(dir)) < 0)
        return 1;
    status = state_status(dir, &pid);
    status_name = state_status_names[status];
    if (status == STATUS_RUNNING && state_read(dir, "paused", created, 8) == 0)
        status_name = "paused"; /* runc's word for a frozen one */
    if (state_read(dir, "bundle", bundle, sizeof(bundle)) < 0)
        bundle[0] = '\0';
    if (state_read(dir, "created", created, sizeof(created)) < 0)
        created[0] = '\0';
    snprintf(config, sizeof(config), "%s/config.json", dir);
    spec_init(&spec);
    if (access(config, F_OK) == 0 && oci_config_read(config, bundle, &spec) < 0)
        return 1;
    printf("{\n  \"ociVersion\": \"%s\",\n  \"id\": \"%s\",\n  \"pid\": %d,\n"
           "  \"status\": \"%s\",\n  \"bundle\": \"%s\",\n"
           "  \"rootfs\": \"%s\",\n  \"created\": \"%s\",\n"
           "  \"owner\": \"\"",
           OCI_VERSION, a.id, status == STATUS_STOPPED ? 0 : (int)pid,
           status_name, bundle, spec.root ? spec.root : "", created);
    for (int i = 0; spec.annotations && spec.annotations[i]; i += 2)
        printf("%s\n    \"%s\": \"%s\"", i ? "," : ",\n  \"annotations\": {",
               spec.annotations[i], spec.annotations[i + 1]);
    printf("%s\n}\n", spec.annotations && spec.annotations[0] ? "\n  }" : "");
    spec_free(&spec);
    return 0;
}

int oci_kill(int argc, char **argv)
{
    struct oci_args a = {0};
    char dir[PATH_MAX];
    enum state_status status;
    int sig = SIGTERM;
    pid_t pid;

    if (parse_args("kill", argc, argv, 1, &a) < 0)
        return 1;
    if (a.rest_count > 1)
        return error_msg("kill: one signal at most"), 1;
    if (a.rest_count == 1 && (sig = parse_signal(a.rest[0])) < 0)
        return error_msg("kill: signal '%s': want a number 1-%d or a name "
                         "(TERM, SIGTERM)",
                         a.rest[0], SIGRTMAX),
               1;
    if (find_container(a.id, dir, sizeof(dir)) < 0)
        return 1;
    status = state_status(dir, &pid);
    if (status != STATUS_CREATED && status != STATUS_RUNNING)
        return error_msg("cannot kill container \"%s\": it is %s", a.id,
                         state_status_names[status]),
               1;
    if (a.all && signal_all_processes(dir, a.id, sig) < 0)
        return 1;
    return signal_container(a.id, sig, 0);
}

int oci_delete(int argc, char **argv)
{
    struct oci_args a = {0};
    char dir[PATH_MAX];
    enum state_status status;
    pid_t pid;

    if (parse_args("delete", argc, argv, 1, &a) < 0)
        return 1;
    snprintf(dir, sizeof(dir), "%s/%s", state_base(), a.id);
    if (access(dir, F_OK) < 0) /* containerd deletes twice: fine */
        return a.force
                   ? 0
                   : (error_msg("container \"%s\" does not exist", a.id), 1);
    status = state_status(dir, &pid);
    /* The spec: deleting a container that is not stopped MUST fail and
     * change nothing (runc and crun delete a created one anyway). */
    if (status != STATUS_STOPPED && !a.force)
        return error_msg("cannot delete container \"%s\": it is %s (stop "
                         "it first, or delete --force)",
                         a.id, state_status_names[status]),
               1;
    /* poststop needs the saved spec: before the state goes. */
    if (delete_container(dir, a.id, run_post_hooks) < 0)
        return 1;
    return 0;
}
