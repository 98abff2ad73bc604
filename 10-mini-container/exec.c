/* 10-mini-container/exec.c - `minictr exec NAME CMD`: a process in a
 * running container, with the environment, workdir and policy run gave
 * it (read back from its state, never defaults). Three processes: this
 * one keeps the caller's stdio and relays it; the joiner enters the
 * container and restricts itself; the command is the joiner's child.
 *
 * Read: setns(2) (a pidfd joins several namespaces at once, Linux 5.8),
 * nsenter(1), and runc's CVE-2024-21626 and CVE-2019-5736 advisories.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "create.h"
#include "err.h"
#include "exec.h"
#include "mounts.h"
#include "policy.h"
#include "process.h"
#include "state.h"
#include "verbs.h"

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

/* exec gets the environment run gave the container (its state's env). */
static void exec_environment(const char *dir)
{
    char path[PATH_MAX + 8], *line = NULL;
    size_t size = 0;
    ssize_t length;
    FILE *f;

    snprintf(path, sizeof(path), "%s/env", dir);
    f = fopen(path, "re");
    if (!f)
        return;
    clearenv();
    while ((length = getline(&line, &size, f)) > 0) {
        if (line[length - 1] == '\n')
            line[length - 1] = '\0';
        putenv(strdup(line));
    }
    free(line);
    fclose(f);
}

/* exec's stdio, relayed: the caller's terminal (or pipes) stays out here,
 * and the command gets pipes. Passed in, the caller's fds would be
 * reachable from the container (the command is dumpable once it execs:
 * /proc/PID/fd/0, pidfd_getfd), and a process that outlives the exec
 * could keep reading the caller's terminal. docker exec relays too. */
struct relay {
    int from[3]; /* our stdin, the command's stdout, stderr; -1: done */
    int to[3];   /* the command's stdin, our stdout, stderr */
};

/* Move what one stream has; 0 at its end (or a reader gone), 1 else. */
static int relay_once(int from, int to)
{
    char buffer[16384];
    ssize_t n = read(from, buffer, sizeof(buffer));

    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return 1;
    for (ssize_t done = 0, w; n > 0 && done < n; done += w) {
        w = write(to, buffer + done, (size_t)(n - done));
        if (w < 0 && errno == EINTR)
            w = 0;
        else if (w < 0)
            return 0;
    }
    return n > 0;
}

/* Relay until the command's stdout and stderr end, or the process that
 * waits for it (JOINER) has ended and nothing is left to read: a
 * background process in the container holding the pipes must not hold
 * the caller forever. */
static void relay_stdio(struct relay *r, pid_t joiner)
{
    int pidfd = pidfd_open(joiner, 0), joiner_done = 0;

    while (r->from[1] >= 0 || r->from[2] >= 0) {
        struct pollfd fds[4] = {{.fd = -1}, {.fd = -1}, {.fd = -1}, {.fd = -1}};

        for (int i = 0; i < 3; i++)
            fds[i] = (struct pollfd){.fd = r->from[i], .events = POLLIN};
        fds[3] =
            (struct pollfd){.fd = joiner_done ? -1 : pidfd, .events = POLLIN};
        if (poll(fds, 4, joiner_done ? 0 : -1) < 0 && errno != EINTR)
            break;
        if (fds[3].revents)
            joiner_done = 1; /* drain what is there, then stop */
        for (int i = 0; i < 3; i++) {
            /* POLLNVAL/POLLERR too: read then fails, and the stream
             * ends (poll would report them again at once, forever). */
            if (r->from[i] < 0 ||
                !(fds[i].revents & (POLLIN | POLLHUP | POLLERR | POLLNVAL)))
                continue;
            if (!relay_once(r->from[i], r->to[i])) {
                if (i > 0 || r->from[0] != STDIN_FILENO)
                    close(r->from[i]);
                if (i == 0)
                    close(r->to[0]); /* the command sees its stdin end */
                r->from[i] = -1;
            }
        }
        if (joiner_done && !(fds[1].revents | fds[2].revents))
            break;
    }
    if (pidfd >= 0)
        close(pidfd);
}

/* The joiner: into every namespace of the container's init and its
 * cgroup, then restricted to the policy run gave the container (its
 * state's caps and seccomp filter, not defaults), then CMD in a child.
 * Never returns. */
__attribute__((noreturn)) static void join_and_exec(const char *name,
                                                    const char *dir, pid_t init,
                                                    int pidfd, char **command)
{
    char workdir[PATH_MAX] = "/";
    unsigned long flags = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC |
                          CLONE_NEWNET | CLONE_NEWPID | CLONE_NEWCGROUP;
    struct cap_plan plan;
    struct policy policy;
    struct cgroup cg;
    int has_cgroup;
    pid_t child;

    /* 1. Run's policy, -w and -e, while the state dir is in sight. */
    if (policy_load(dir, &policy) < 0)
        _exit(EXIT_TOOL_FAILED);
    plan = cap_plan_keeping(policy.keep_caps);
    plan.no_new_privs = 1;
    trace("policy from %s: caps %llx, seccomp %u instructions", dir,
          (unsigned long long)plan.bounding, (unsigned)policy.filter.len);
    state_read(dir, "workdir", workdir, sizeof(workdir));
    exec_environment(dir);
    /* 2. Its cgroup (05), then all its namespaces in one setns (04):
     *    its user namespace too if it has one (--rootless; as a user,
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
     *    Then run's -w, resolved inside that root (openat2
     *    RESOLVE_IN_ROOT): a workdir the container made a symlink, say
     *    to /proc/1/fd/3, cannot lead us out. */
    if (enter_workdir(workdir) < 0)
        _exit(EXIT_TOOL_FAILED);
    /* 4. Restricted here, before anything of ours is in the container:
     *    setns put only our children in its PID namespace, so nothing
     *    inside can reach this process. Our child is born with run's
     *    capabilities and filter. Had it applied them itself, it would
     *    have been for a moment a process of the container with all of
     *    ours and no filter: one holding CAP_SYS_PTRACE could write its
     *    memory (not being dumpable stops only those without). */
    if (close_fds_except(-1, -1) < 0 || cap_apply(&plan) < 0 ||
        policy_load_filter(&policy) < 0)
        _exit(EXIT_TOOL_FAILED);
    fflush(NULL);
    child = fork();
    if (child < 0) {
        error_errno("fork");
        _exit(EXIT_TOOL_FAILED);
    }
    if (child == 0) {
        setsid();
        exec_command(command);
    }
    _exit(wait_for_exit_code(child));
}

/* exec: a process in the container, with run's environment, workdir and
 * policy. Three of us: this one keeps the caller's stdio and relays it;
 * the joiner enters the container and restricts itself; the command is
 * the joiner's child. */
int exec_in_container(const char *name, char **command)
{
    char dir[PATH_MAX];
    int pidfd, in[2], out[2], err[2], code;
    struct relay relay;
    pid_t init, joiner;

    /* 0. Not dumpable, and so our children: the joiner holds all our
     *    capabilities until it restricts itself. */
    trace("prctl(PR_SET_DUMPABLE, 0)");
    if (prctl(PR_SET_DUMPABLE, 0) < 0) {
        error_errno("prctl(PR_SET_DUMPABLE, 0)");
        return EXIT_TOOL_FAILED;
    }
    /* 1. The init, as a pidfd checked against its record. */
    if (find_running(name, dir, sizeof(dir), &init, &pidfd) < 0)
        return EXIT_TOOL_FAILED;
    trace("pidfd_open(%d)  <- the container's init, checked", (int)init);
    /* 2. The pipes the command gets instead of our stdio. */
    if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0 ||
        pipe2(err, O_CLOEXEC) < 0) {
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
        if (dup2(in[0], STDIN_FILENO) < 0 || dup2(out[1], STDOUT_FILENO) < 0 ||
            dup2(err[1], STDERR_FILENO) < 0)
            _exit(EXIT_TOOL_FAILED);
        join_and_exec(name, dir, init, pidfd, command);
    }
    close(pidfd);
    close(in[0]);
    close(out[1]);
    close(err[1]);
    signal(SIGPIPE, SIG_IGN); /* a command that stops reading its stdin */
    relay = (struct relay){.from = {STDIN_FILENO, out[0], err[0]},
                           .to = {in[1], STDOUT_FILENO, STDERR_FILENO}};
    relay_stdio(&relay, joiner);
    code = wait_for_exit_code(joiner);
    trace("exec in %s ended: exit code %d", name, code);
    return code;
}

