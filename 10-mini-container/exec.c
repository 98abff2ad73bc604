/* 10-mini-container/exec.c - a process in a running container, with the
 * policy it was given (its saved spec, never defaults):
 *
 *     minictr exec NAME [--] CMD...             the docker-like one
 *     minictr exec [--process P.json | --cwd D --env K=V --tty ...]
 *                  [--detach] [--pid-file F] [--console-socket S] ID [CMD...]
 *                                               the runc one
 *
 * Three processes: this one keeps the caller's stdio (relayed to the
 * command through pipes, docker-like; handed on as they are, OCI: an
 * engine gives its own pipes); the joiner enters the container and
 * restricts itself; the command is the joiner's child.
 *
 * Read: setns(2) (a pidfd joins several namespaces at once, Linux 5.8),
 * nsenter(1), and runc's CVE-2024-21626 and CVE-2019-5736 advisories.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "console.h"
#include "create.h"
#include "err.h"
#include "exec.h"
#include "mounts.h"
#include "oci.h"
#include "oci_config.h"
#include "process.h"
#include "relay.h"
#include "spec_defaults.h"
#include "state.h"
#include "verbs.h"

/* What to run, and how. */
struct exec_request {
    struct ctr_spec spec;        /* the container's, as saved at create */
    struct spec_process process; /* the one to run, made from these: */
    const char *process_file;    /* OCI --process P.json; else */
    char **command;              /* this command, as the container's process */
    const char *cwd;             /* --cwd */
    const char *env[64];         /* --env, over the container's */
    int env_count;
    int terminal; /* --tty */
    int relay;    /* docker-like: stdio through pipes */
    int detach;   /* OCI --detach: return once it runs */
    const char *pid_file;
    const char *console_socket;
    int console_fd; /* the socket, connected; -1: none */
};

/* Is PID's namespace KIND another than ours? */
static int ns_differs(pid_t pid, const char *kind)
{
    char path[64];
    struct stat theirs, ours;

    snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, kind);
    if (stat(path, &theirs) < 0)
        return 0;
    snprintf(path, sizeof(path), "/proc/self/ns/%s", kind);
    return stat(path, &ours) == 0 &&
           (theirs.st_ino != ours.st_ino || theirs.st_dev != ours.st_dev);
}

/* The joiner: into the container's cgroup and every namespace of its
 * init, then restricted to the process's policy (its capabilities, the
 * container's seccomp filter), then the command in a child. REPORT gets
 * the command's PID. Never returns. */
__attribute__((noreturn)) static void
join_and_exec(const char *name, const char *dir, pid_t init, int pidfd,
              struct exec_request *r, int report)
{
    unsigned long flags = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC |
                          CLONE_NEWNET | CLONE_NEWPID | CLONE_NEWCGROUP;
    struct spec_process *p = &r->process;
    struct cap_plan plan = p->caps;
    scmp_filter_ctx filter = NULL;
    struct cgroup cg;
    int has_cgroup;
    pid_t child;

    /* 1. The container's filter, built on the host from its saved
     *    spec: the very profile create loaded. */
    trace("policy from %s/config.json: caps %llx, seccomp %s", dir,
          (unsigned long long)plan.bounding,
          r->spec.has_seccomp ? "the container's profile, compiled again"
                              : "none");
    if (r->spec.has_seccomp) {
        bool tracing = trace_on; /* run traced each rule already */
        trace_on = false;
        filter = filter_from_rules(&r->spec.seccomp, UNKNOWN_TRACE);
        trace_on = tracing;
        if (!filter)
            _exit(EXIT_TOOL_FAILED);
    }
    /* 2. Its cgroup (05), then all its namespaces in one setns (04):
     *    its user namespace too if it has one (rootless; as a user,
     *    always: we could join nothing else); setns puts us in that
     *    first, so the others are ours to join. */
    has_cgroup = container_cgroup(dir, name, &cg);
    if (has_cgroup < 0 || (has_cgroup && cgroup_attach(&cg, getpid()) < 0))
        _exit(EXIT_TOOL_FAILED);
    if (geteuid() != 0 || ns_differs(init, "user"))
        flags |= CLONE_NEWUSER;
    trace("setns(pidfd, %sCLONE_NEWNS|CLONE_NEWUTS|CLONE_NEWIPC|CLONE_NEWNET|"
          "CLONE_NEWPID|CLONE_NEWCGROUP)",
          flags & CLONE_NEWUSER ? "CLONE_NEWUSER|" : "");
    if (setns(pidfd, (int)flags) < 0) {
        error_errno("setns into %s", name);
        _exit(EXIT_TOOL_FAILED);
    }
    close(pidfd);
    /* 3. Joining a mount namespace moves our root and cwd to its root,
     *    with what is mounted on it: the container's / after its
     *    pivot_root (mount_namespaces(7); nsenter -m shows the same).
     *    Then the workdir, resolved inside that root (openat2
     *    RESOLVE_IN_ROOT): a workdir the container made a symlink, say
     *    to /proc/1/fd/3, cannot lead us out. */
    if (enter_workdir(p->cwd) < 0)
        _exit(EXIT_TOOL_FAILED);
    /* 4. Restricted here, before anything of ours is in the container:
     *    setns put only our children in its PID namespace, so nothing
     *    inside can reach this process. Our child is born with the
     *    capabilities and filter. Had it applied them itself, it would
     *    have been for a moment a process of the container with all of
     *    ours and no filter: one holding CAP_SYS_PTRACE could write its
     *    memory (not being dumpable stops only those without). */
    plan.change_user = p->uid != 0 || p->gid != 0;
    plan.uid = p->uid;
    plan.gid = p->gid;
    plan.groups = p->additional_gids;
    plan.group_count = p->additional_gid_count;
    plan.no_new_privs = p->no_new_privileges;
    reset_signal_dispositions(); /* before the filter, as in child.c */
    if (close_fds_except(report, r->console_fd) < 0 ||
        child_set_process_limits(p) < 0 || cap_apply(&plan) < 0 ||
        (filter && filter_load(filter) < 0))
        _exit(EXIT_TOOL_FAILED);
    clearenv();
    for (int i = 0; i < p->env_count; i++)
        putenv(p->env[i]);
    fflush(NULL);
    child = fork();
    if (child < 0) {
        error_errno("fork");
        _exit(EXIT_TOOL_FAILED);
    }
    if (child == 0) {
        close(report);
        setsid();
        if (r->console_fd >= 0 && console_setup_child(r->console_fd) < 0)
            _exit(EXIT_TOOL_FAILED);
        exec_command(p->args);
    }
    if (r->console_fd >= 0)
        close(r->console_fd);
    /* Its PID as the host sees it: we are outside its PID namespace. */
    (void)!write(report, &child, sizeof(child));
    close(report);
    /* --detach: we end, and the command is orphaned to the nearest
     * subreaper above us, the engine's (conmon, containerd's shim): it
     * must be the one to reap it, or it never learns the exit status. */
    if (r->detach)
        _exit(0);
    _exit(wait_for_exit_code(child));
}

/* The running container NAME and its saved spec. */
static int load_container(const char *name, char *dir, size_t size, pid_t *init,
                          int *pidfd, struct exec_request *r)
{
    char saved[PATH_MAX + 16];

    if (find_running(name, dir, size, init, pidfd) < 0)
        return -1;
    trace("pidfd_open(%d)  <- the container's init, checked", (int)*init);
    snprintf(saved, sizeof(saved), "%s/config.json", dir);
    spec_init(&r->spec);
    if (oci_config_read_saved(saved, &r->spec) < 0) {
        close(*pidfd);
        return -1;
    }
    return 0;
}

/* KEY=VALUE into ENV, replacing KEY's entry if there is one. */
static int set_env(struct spec_process *p, const char *entry)
{
    size_t key = strcspn(entry, "=") + 1;

    for (int i = 0; i < p->env_count; i++)
        if (strncmp(p->env[i], entry, key) == 0) {
            p->env[i] = (char *)entry; /* ours for the rest of our life */
            return 0;
        }
    return spec_add_string(&p->env, &p->env_count, entry);
}

/* The process to run: P.json's, or the container's own with another
 * command (its user, capabilities, environment and workdir), changed by
 * --cwd, --env and --tty. */
static int make_process(struct exec_request *r)
{
    struct spec_process *p = &r->process;
    int args = 0;

    if (r->process_file)
        return oci_process_read(r->process_file, p);
    *p = r->spec.process;
    p->args = NULL;
    p->env = NULL;
    p->env_count = 0;
    for (int i = 0; r->command[i]; i++)
        if (spec_add_string(&p->args, &args, r->command[i]) < 0)
            return -1;
    for (int i = 0; i < r->spec.process.env_count; i++)
        if (spec_add_string(&p->env, &p->env_count, r->spec.process.env[i]) < 0)
            return -1;
    for (int i = 0; i < r->env_count; i++)
        if (set_env(p, r->env[i]) < 0)
            return -1;
    if (r->cwd)
        p->cwd = (char *)r->cwd;
    p->terminal = r->terminal;
    return 0;
}

/* --console-socket: connected now, for the command's terminal. */
static int connect_console(struct exec_request *r)
{
    struct sockaddr_un address = {.sun_family = AF_UNIX};

    if (!r->process.terminal)
        return r->console_socket
                   ? error_msg("--console-socket without a terminal (--tty, "
                               "or process.terminal)")
                   : 0;
    if (!r->console_socket)
        return error_msg("a terminal needs --console-socket to send it to");
    if (strlen(r->console_socket) >= sizeof(address.sun_path))
        return error_msg("--console-socket %s: path too long",
                         r->console_socket);
    strcpy(address.sun_path, r->console_socket);
    r->console_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (r->console_fd < 0 || connect(r->console_fd, (struct sockaddr *)&address,
                                     sizeof(address)) < 0)
        return error_errno("--console-socket %s", r->console_socket);
    return 0;
}

static int run_request(const char *name, struct exec_request *r)
{
    char dir[PATH_MAX];
    int pidfd, in[2], out[2], err[2], report[2], code;
    struct relay relay;
    pid_t init, joiner, command = 0;

    /* 0. Not dumpable, and so our children: the joiner holds all our
     *    capabilities until it restricts itself. */
    trace("prctl(PR_SET_DUMPABLE, 0)");
    if (prctl(PR_SET_DUMPABLE, 0) < 0)
        return error_errno("prctl(PR_SET_DUMPABLE, 0)"), EXIT_TOOL_FAILED;
    /* 1. The init, as a pidfd checked against its record; what to run. */
    if (load_container(name, dir, sizeof(dir), &init, &pidfd, r) < 0)
        return EXIT_TOOL_FAILED;
    if (make_process(r) < 0 || connect_console(r) < 0) {
        close(pidfd);
        return EXIT_TOOL_FAILED;
    }
    /* 2. The pipes the command gets instead of our stdio (relayed), and
     *    the line its PID comes back on. */
    if (pipe2(report, O_CLOEXEC) < 0 ||
        (r->relay && (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0 ||
                      pipe2(err, O_CLOEXEC) < 0))) {
        error_errno("pipe2");
        return EXIT_TOOL_FAILED;
    }
    fflush(NULL);
    joiner = fork();
    if (joiner < 0) {
        error_errno("fork");
        return EXIT_TOOL_FAILED;
    }
    if (joiner == 0) {
        close(report[0]);
        if (r->relay &&
            (dup2(in[0], STDIN_FILENO) < 0 || dup2(out[1], STDOUT_FILENO) < 0 ||
             dup2(err[1], STDERR_FILENO) < 0))
            _exit(EXIT_TOOL_FAILED);
        join_and_exec(name, dir, init, pidfd, r, report[1]);
    }
    close(pidfd);
    close(report[1]);
    if (r->console_fd >= 0)
        close(r->console_fd);
    if (read(report[0], &command, sizeof(command)) != sizeof(command))
        command = 0; /* the joiner failed: it said why */
    close(report[0]);
    /* --detach: the command runs; its PID for the engine. The joiner
     * has ended (reaped here), leaving it to the engine's subreaper. */
    if (r->detach) {
        wait_for_exit_code(joiner);
        if (!command)
            return 1;
        trace("the joiner ended: process %d goes to the nearest subreaper",
              (int)command);
        return r->pid_file && state_write_pid_file(r->pid_file, command) < 0
                   ? 1
                   : 0;
    }
    if (r->pid_file && command &&
        state_write_pid_file(r->pid_file, command) < 0)
        trace("--pid-file: not written");
    if (r->relay) {
        close(in[0]);
        close(out[1]);
        close(err[1]);
        signal(SIGPIPE, SIG_IGN); /* a command that stops reading stdin */
        relay = (struct relay){.from = {STDIN_FILENO, out[0], err[0]},
                               .to = {in[1], STDOUT_FILENO, STDERR_FILENO}};
        relay_stdio(&relay, joiner);
    }
    code = wait_for_exit_code(joiner);
    trace("exec in %s ended: exit code %d", name, code);
    return code;
}

int exec_in_container(const char *name, char **command)
{
    struct exec_request r = {.command = command, .relay = 1, .console_fd = -1};

    return run_request(name, &r);
}

/* exec as runc takes it. Exit status: the command's, or with --detach 0
 * once it runs; 1 when minictr fails. */
int oci_exec(int argc, char **argv)
{
    static const struct option options[] = {
        {"process", required_argument, NULL, 'p'},
        {"detach", no_argument, NULL, 'd'},
        {"pid-file", required_argument, NULL, 'P'},
        {"console-socket", required_argument, NULL, 'c'},
        {"tty", no_argument, NULL, 't'},
        {"cwd", required_argument, NULL, 'w'},
        {"env", required_argument, NULL, 'e'},
        {NULL, 0, NULL, 0},
    };
    struct exec_request r = {.console_fd = -1};
    int c;

    optind = 0;
    while ((c = getopt_long(argc, argv, "+p:dte:", options, NULL)) != -1) {
        switch (c) {
        case 'p':
            r.process_file = optarg;
            break;
        case 'd':
            r.detach = 1;
            break;
        case 'P':
            r.pid_file = optarg;
            break;
        case 'c':
            r.console_socket = optarg;
            break;
        case 't':
            r.terminal = 1;
            break;
        case 'w':
            if (optarg[0] != '/')
                return error_msg("exec --cwd %s: want an absolute path",
                                 optarg),
                       1;
            r.cwd = optarg;
            break;
        case 'e':
            if (!strchr(optarg, '=') || optarg[0] == '=' || r.env_count == 64)
                return error_msg("exec --env %s: want KEY=VALUE (64 at most)",
                                 optarg),
                       1;
            r.env[r.env_count++] = optarg;
            break;
        default:
            return report_bad_option(argv), 1;
        }
    }
    if (optind >= argc)
        return error_msg("exec: no container id (see: %s --help)",
                         program_name),
               1;
    r.command = argv + optind + 1;
    if (!r.process_file && !r.command[0])
        return error_msg("exec: no command, and no --process"), 1;
    if (r.process_file && r.command[0])
        return error_msg("exec: a command or --process, not both"), 1;
    c = run_request(argv[optind], &r);
    return c == EXIT_TOOL_FAILED && r.detach ? 1 : c;
}
