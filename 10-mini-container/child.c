/* 10-mini-container/child.c - the container's side of create: what the
 * cloned child does in its new namespaces, steps 6 to 11 of the story
 * (timings.h), until it execs the command. The runtime's side is
 * create.c; they talk over the sync channel:
 *
 *     create.c (the parent)               child.c (the container)
 *     clone3 -------------------------->  fds closed; namespaces joined
 *     id maps, veth                       root, mounts, pivot_root
 *     "g" (go) ------------------------>  (waits here for the network)
 *                                         caps, seccomp LAST
 *     (create returns) <---------------- "r" (ready)
 *     start: opens the fifo ----------->  the start gate opens: execve
 *
 * Read: runc's libcontainer/standard_init_linux.go (the same order),
 * crun's container_init_setup, and the lab sheets of chapters 01-09.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "console.h"
#include "create.h"
#include "err.h"
#include "exec.h"
#include "filter.h"
#include "hooks.h"
#include "init.h"
#include "mounts.h"
#include "namespaces.h"
#include "process.h"
#include "rootfs.h"
#include "timings.h"

/* setns(2)'s flag for each of the spec's namespaces. */
static const int ns_flags[SPEC_NS_COUNT] = {
    [SPEC_NS_USER] = CLONE_NEWUSER,     [SPEC_NS_PID] = CLONE_NEWPID,
    [SPEC_NS_NET] = CLONE_NEWNET,       [SPEC_NS_IPC] = CLONE_NEWIPC,
    [SPEC_NS_UTS] = CLONE_NEWUTS,       [SPEC_NS_MOUNT] = CLONE_NEWNS,
    [SPEC_NS_CGROUP] = CLONE_NEWCGROUP,
};

/* An error in the child before the parent has let it go: the parent may
 * still be making the network in our namespace. Wait for it all the
 * same (the read ends when it writes or is gone), so that it finishes
 * what it started and reports nothing of its own; then fail. */
static int released;

__attribute__((noreturn)) static void fail(const struct container *c)
{
    char go;

    if (!released)
        (void)!read(c->sync_fd, &go, 1); /* any outcome: we fail next */
    _exit(EXIT_TOOL_FAILED);
}

/* In a user namespace of our own, with its maps written: uid and gid 0
 * in it. Until then the kernel sees us as the host's root, which the
 * maps may not name (an OCI config mapping 0 to 100000): files we would
 * make could not be owned by anyone in there (EOVERFLOW). */
static int become_mapped_root(const struct ctr_spec *spec)
{
    if (!spec->namespaces[SPEC_NS_USER].wanted ||
        spec->namespaces[SPEC_NS_USER].path)
        return 0;
    trace("setresgid(0, 0, 0); setresuid(0, 0, 0)  <- root of the user "
          "namespace");
    if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
        return error_errno("become root of the user namespace");
    return 0;
}

/* Namespaces given by path (an OCI config's linux.namespaces[].path):
 * joined, the user namespace first, so that the others are ours to
 * join. The PID namespace is not among them: setns(CLONE_NEWPID) moves
 * only the children, so the parent joined it before the clone. */
static int join_namespaces(const struct ctr_spec *spec)
{
    for (int ns = 0; ns < SPEC_NS_COUNT; ns++) {
        const char *path = spec->namespaces[ns].path;
        int fd;

        if (!path || ns == SPEC_NS_PID)
            continue;
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            return error_errno("open namespace %s", path);
        trace("setns(open(\"%s\"), %s)", path,
              ns == SPEC_NS_USER ? "CLONE_NEWUSER" : "its type");
        if (setns(fd, ns_flags[ns]) < 0) {
            close(fd);
            return error_errno("join namespace %s", path);
        }
        close(fd);
    }
    return 0;
}

/* linux.sysctl: written into the container's /proc/sys, before it is
 * made read-only. Only the namespaced ones mean anything here (the
 * kernel refuses the rest inside a namespace, or they would change the
 * host: the check step allows only kernel.shm*, kernel.msg*, kernel.sem,
 * fs.mqueue.* and net.*, as runc does). */
static int write_sysctls(const struct ctr_spec *spec, const char *root)
{
    for (int i = 0; i < spec->sysctl_count; i++) {
        char path[PATH_MAX * 2];
        int fd;

        snprintf(path, sizeof(path), "%s/proc/sys/%s", root,
                 spec->sysctls[i].key);
        for (char *dot = path + strlen(root) + 10; *dot; dot++)
            if (*dot == '.')
                *dot = '/';
        trace("write %s \"%s\"", path, spec->sysctls[i].value);
        fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0 || write(fd, spec->sysctls[i].value,
                            strlen(spec->sysctls[i].value)) < 0) {
            error_errno("sysctl %s", spec->sysctls[i].key);
            if (fd >= 0)
                close(fd);
            return -1;
        }
        close(fd);
    }
    return 0;
}

int child_runs_hooks(const struct ctr_spec *spec)
{
    return spec->hooks[HOOK_CREATE_CONTAINER].count ||
           spec->hooks[HOOK_START_CONTAINER].count;
}

/* The state our hooks get: the pid as the container sees it (the
 * spec: "for hooks executed in the container namespace, it is the pid as
 * seen by the container"), 1 in a PID namespace of its own. */
static int make_hook_state(struct container *c)
{
    if (!child_runs_hooks(c->spec))
        return 0;
    c->hook_state =
        hooks_state(c->spec, c->ctx->id, "created", getpid(), c->ctx->bundle);
    return c->hook_state ? 0 : -1;
}

/* 6-8. Root, mounts, pivot: the container's filesystem. */
static int make_filesystem(struct container *c)
{
    const struct ctr_spec *spec = c->spec;
    char root[PATH_MAX + 16];

    step_begin(STEP_ROOT);
    /* A cgroup namespace now, not at clone: on v1 the child joined its
     * cgroups only after the clone, and the namespace's root is the
     * cgroup it is in when it is made. */
    if (spec->namespaces[SPEC_NS_CGROUP].wanted &&
        !spec->namespaces[SPEC_NS_CGROUP].path) {
        trace("unshare(CLONE_NEWCGROUP)");
        if (unshare(CLONE_NEWCGROUP) < 0)
            return error_errno("unshare(CLONE_NEWCGROUP)");
    }
    if (set_root_propagation(PROPAGATION_PRIVATE) < 0 ||
        mounts_prepare_root(spec, c->state_dir, root, sizeof(root)) < 0)
        return -1;
    step_end(STEP_ROOT);
    step_begin(STEP_MOUNTS);
    if (mounts_make(spec, root, c->cgroup_made > 0 ? &c->cgroup : NULL) < 0 ||
        write_sysctls(spec, root) < 0 || mounts_protect(spec, root) < 0)
        return -1;
    /* createContainer: in our namespaces, the host's paths still in
     * sight, before pivot_root. */
    if (hooks_run(spec, HOOK_CREATE_CONTAINER, c->hook_state) < 0)
        return -1;
    step_end(STEP_MOUNTS);
    step_begin(STEP_PIVOT);
    if (spec->hostname) {
        trace("sethostname(\"%s\")", spec->hostname);
        if (sethostname(spec->hostname, strlen(spec->hostname)) < 0)
            return error_errno("sethostname");
    }
    if (spec->domainname) {
        trace("setdomainname(\"%s\")", spec->domainname);
        if (setdomainname(spec->domainname, strlen(spec->domainname)) < 0)
            return error_errno("setdomainname");
    }
    if (rootfs_pivot(root) < 0)
        return -1;
    if (spec->root_readonly) {
        trace("mount(\"/\", MS_BIND|MS_REMOUNT|MS_RDONLY)");
        if (mount(NULL, "/", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL) < 0)
            return error_errno("make / read-only");
    }
    /* rootfsPropagation: private until now, so that nothing we mounted
     * reached the host; what the spec asks for from here on. */
    if (spec->rootfs_propagation &&
        spec->rootfs_propagation != (MS_PRIVATE | MS_REC)) {
        trace("mount(\"/\", rootfsPropagation %#lx)", spec->rootfs_propagation);
        if (mount(NULL, "/", NULL, spec->rootfs_propagation, NULL) < 0)
            return error_errno("rootfsPropagation of /");
    }
    step_end(STEP_PIVOT);
    return 0;
}

/* The process's limits and user, before the capabilities go. */
int child_set_process_limits(const struct spec_process *p)
{
    char text[16];
    int fd;

    for (int i = 0; i < p->rlimit_count; i++) {
        struct rlimit limit = {.rlim_cur = p->rlimits[i].soft,
                               .rlim_max = p->rlimits[i].hard};
        trace("setrlimit(%d, %llu, %llu)", p->rlimits[i].resource,
              (unsigned long long)limit.rlim_cur,
              (unsigned long long)limit.rlim_max);
        if (setrlimit((__rlimit_resource_t)p->rlimits[i].resource, &limit) < 0)
            return error_errno("setrlimit %d", p->rlimits[i].resource);
    }
    if (p->has_oom_score_adj) {
        snprintf(text, sizeof(text), "%d", p->oom_score_adj);
        trace("write /proc/self/oom_score_adj \"%s\"", text);
        fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
        if (fd < 0 || write(fd, text, strlen(text)) < 0) {
            error_errno("oomScoreAdj %s", text);
            if (fd >= 0)
                close(fd);
            return -1;
        }
        close(fd);
    }
    if (p->umask >= 0)
        umask((mode_t)p->umask);
    /* The supplementary groups: the spec's, or none of the host's. In a
     * user namespace whose setgroups is "deny", none can be set, and the
     * host's mean nothing in there. */
    trace("setgroups(%d)", p->additional_gid_count);
    if (setgroups((size_t)p->additional_gid_count, p->additional_gids) < 0 &&
        (p->additional_gid_count || errno != EPERM))
        return error_errno("setgroups");
    return 0;
}

/* 9. Give up what the command must not have, the filter last. */
static int restrict_process(const struct container *c)
{
    const struct ctr_spec *spec = c->spec;
    struct cap_plan plan = spec->process.caps;

    step_begin(STEP_SECURITY);
    /* The workdir first: a failure there is reported on our stderr,
     * not on a terminal nobody reads yet. */
    if (enter_workdir(spec->process.cwd) < 0)
        return -1;
    trace("setsid()");
    setsid();
    if (c->console_fd >= 0 && console_setup_child(c->console_fd) < 0)
        return -1;
    /* Nothing but the stdio, the sync channel and the gate (and the
     * --preserve-fds) from here: whatever the steps above opened. */
    if (close_fds_from(3 + c->ctx->preserve_fds, c->sync_fd, c->gate_fd) < 0 ||
        child_set_process_limits(&spec->process) < 0)
        return -1;
    plan.change_user = spec->process.uid != 0 || spec->process.gid != 0;
    plan.uid = spec->process.uid;
    plan.gid = spec->process.gid;
    plan.groups = spec->process.additional_gids;
    plan.group_count = spec->process.additional_gid_count;
    plan.no_new_privs = spec->process.no_new_privileges;
    /* Every signal back to SIG_DFL, before the filter (which may deny
     * rt_sigaction): nothing ignored by minictr's caller reaches the
     * command. */
    reset_signal_dispositions();
    /* Without no_new_privs the kernel loads a filter only for a process
     * with CAP_SYS_ADMIN: then before the capabilities go (runc's way). */
    if (c->filter && !plan.no_new_privs) {
        seccomp_attr_set(c->filter, SCMP_FLTATR_CTL_NNP, 0);
        if (filter_load(c->filter) < 0)
            return -1;
    }
    if (cap_apply(&plan) < 0 ||
        (c->filter && plan.no_new_privs && filter_load(c->filter) < 0))
        return -1;
    /* Run by a user, the init must be dumpable again, now that it is no
     * more than any process of the container (its capabilities, its
     * filter, no fd but 0-2 and the gate's): `minictr exec` as that user
     * joins it by setns(2) on its pidfd, which asks for ptrace read
     * access, and without CAP_SYS_PTRACE the kernel gives none to a
     * process that is not dumpable. As root, exec has CAP_SYS_PTRACE:
     * it stays 0. */
    if (spec->rootless) {
        trace("prctl(PR_SET_DUMPABLE, 1)  <- for an unprivileged exec");
        prctl(PR_SET_DUMPABLE, 1);
    }
    step_end(STEP_SECURITY);
    return 0;
}

/* 10. The start gate: ready, then blocked in open(2) of the fifo until
 * start (or run) opens it for reading. */
static void wait_at_gate(struct container *c)
{
    char fd_path[32];
    int gate;

    /* From here the container outlives an OCI create: no death signal
     * when it exits. (`minictr run` stays, and keeps it.) */
    if (c->ctx->oci)
        prctl(PR_SET_PDEATHSIG, 0);
    /* Ready: create returns now, and an exec finds the container whole.
     * (The parent may have closed its end: no SIGPIPE for that.) */
    (void)!send(c->sync_fd, "r", 1, MSG_NOSIGNAL);
    close(c->sync_fd);
    step_begin(STEP_START);
    snprintf(fd_path, sizeof(fd_path), "/proc/self/fd/%d", c->gate_fd);
    gate = open(fd_path, O_WRONLY | O_CLOEXEC);
    if (gate < 0) {
        error_errno("the start gate");
        _exit(EXIT_TOOL_FAILED);
    }
    /* startContainer: just before the process, in the container. Start
     * hears of a failure as the gate closing without a word. */
    if (hooks_run(c->spec, HOOK_START_CONTAINER, c->hook_state) < 0)
        _exit(EXIT_TOOL_FAILED);
    if (write(gate, "0", 1) != 1) {
        error_errno("the start gate");
        _exit(EXIT_TOOL_FAILED);
    }
    close(gate);
    close(c->gate_fd);
    step_end(STEP_START);
}

/* 11. PID 1: the command itself (OCI), or chapter 01's init running it. */
__attribute__((noreturn)) static void exec_process(const struct container *c)
{
    const struct ctr_spec *spec = c->spec;
    sigset_t init_saved;
    pid_t main_child;

    step_begin(STEP_EXEC);
    /* The command's environment: the spec's, nothing of the host's. */
    clearenv();
    for (int i = 0; i < spec->process.env_count; i++)
        putenv(spec->process.env[i]);
    if (!spec->use_init) {
        sigprocmask(SIG_SETMASK, &c->saved_mask, NULL);
        step_end(STEP_EXEC);
        exec_command(spec->process.args);
    }
    if (init_block_signals(&init_saved) < 0)
        _exit(EXIT_TOOL_FAILED);
    fflush(NULL);
    main_child = fork();
    if (main_child < 0) {
        error_errno("fork");
        _exit(EXIT_TOOL_FAILED);
    }
    if (main_child == 0) {
        /* -t: the command leads its own process group, the terminal's
         * foreground one, so ^C and SIGWINCH go to it and not to PID 1.
         * SIGTTOU is blocked while it takes the terminal (the mask is
         * restored before exec). */
        if (spec->process.terminal) {
            sigset_t ttou;
            sigemptyset(&ttou);
            sigaddset(&ttou, SIGTTOU);
            sigprocmask(SIG_BLOCK, &ttou, NULL);
            setpgid(0, 0);
            if (tcsetpgrp(STDIN_FILENO, getpid()) < 0)
                error_errno("tcsetpgrp");
        }
        sigprocmask(SIG_SETMASK, &c->saved_mask, NULL);
        step_end(STEP_EXEC);
        exec_command(spec->process.args);
    }
    _exit(init_supervise(main_child));
}

void child_main(struct container *c)
{
    const struct ctr_spec *spec = c->spec;
    char gate[PATH_MAX + 16];
    /* Rootless, the parent writes our id maps first; with -v we wait
     * too, so that the story is told in order and not interleaved. */
    int in_order = (spec->namespaces[SPEC_NS_USER].wanted &&
                    !spec->namespaces[SPEC_NS_USER].path) ||
                   trace_on || hooks_wanted(spec, HOOK_PRESTART) ||
                   hooks_wanted(spec, HOOK_CREATE_RUNTIME);

    /* Here since clone3: on v1 the cgroup joins happened on the way. */
    step_begin_at_end_of(STEP_CHILD_UP, STEP_CGROUP);
    step_end(STEP_CHILD_UP);
    /* First, the fds: every one we got from our caller or opened
     * ourselves (the state lock) really closed, not just close-on-exec:
     * PID 1 never execs, and would keep them for life, reachable from
     * the container through /proc/1/fd (runc's CVE-2024-21626). An OCI
     * caller's --preserve-fds stay, for the command. */
    if (close_fds_from(3 + c->ctx->preserve_fds, c->sync_fd, c->console_fd) < 0)
        fail(c);
    /* The gate, while we are still the host's root to the state
     * directory (not yet the mapped root of a user namespace, and before
     * the overlay's writable layer covers it): an O_PATH fd, opened for
     * writing through /proc/self/fd at the gate. */
    snprintf(gate, sizeof(gate), "%s/" GATE_FIFO, c->state_dir);
    c->gate_fd = open(gate, O_PATH | O_CLOEXEC);
    if (c->gate_fd < 0) {
        error_errno("open %s", gate);
        fail(c);
    }
    if (in_order) {
        child_await_go(c->sync_fd);
        released = 1;
        if (become_mapped_root(spec) < 0)
            _exit(EXIT_TOOL_FAILED);
    } else {
        prctl(PR_SET_PDEATHSIG, SIGKILL); /* and the wait below checks */
    }
    /* Then not dumpable: while this process holds every capability, and
     * for good in PID 1 (only an exec makes a process dumpable again,
     * and the init never execs), nothing in the container may open its
     * /proc/PID/mem, fd/ or environ, or pidfd_getfd(2) one of its fds
     * (ptrace(2), "Ptrace access mode checking"). Rootless, not before
     * the parent has written our id maps: /proc/PID/uid_map of a process
     * that is not dumpable belongs to the host's root. */
    trace("prctl(PR_SET_DUMPABLE, 0)");
    if (prctl(PR_SET_DUMPABLE, 0) < 0) {
        error_errno("prctl(PR_SET_DUMPABLE, 0)");
        fail(c);
    }
    if (join_namespaces(spec) < 0 || make_hook_state(c) < 0 ||
        make_filesystem(c) < 0)
        fail(c);
    if (!in_order) {
        step_begin(STEP_WAITED);
        child_await_go(c->sync_fd); /* the network is ready */
        released = 1;
        step_end(STEP_WAITED);
    }
    if (restrict_process(c) < 0)
        _exit(EXIT_TOOL_FAILED);
    wait_at_gate(c);
    exec_process(c);
}
