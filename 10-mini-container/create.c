/* 10-mini-container/create.c - the runtime's side of creating a
 * container, steps 1 to 5 of the story and the end (timings.h); see
 * create.h. The container's side is child.c.
 *
 * Read: runc's libcontainer/process_linux.go (initProcess.start), crun's
 * libcrun_container_run_internal; clone3(2), cgroups(7), user_namespaces(7).
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
#include <sys/ioctl.h>
#include <sys/pidfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <linux/nsfs.h>

#include "create.h"
#include "err.h"
#include "hooks.h"
#include "network.h"
#include "oci_config.h"
#include "process.h"
#include "rootless.h"
#include "state.h"
#include "syscalls.h"
#include "timings.h"
#include "userns.h"

/* 3. The cgroup: ctlab's own as root, or the config's cgroupsPath below
 *    each hierarchy's root (a relative one below ctlab/, minictr's own
 *    place: runc takes it relative to its own cgroup); rootless, only in
 *    a delegated v2 subtree. The "cgroup" state file says which: "ctlab",
 *    "path:/a/b" or the delegated parent. Returns 1 when made, 0 when the
 *    container goes without. */
static int make_cgroup(const struct ctr_spec *spec, const char *name,
                       const char *state_dir, struct cgroup *cg)
{
    char parent[CG_PARENT_MAX] = "", record[CG_PARENT_MAX + 16] = "ctlab";
    struct cgroup_host host;

    if (cgroup_host_detect(&host) < 0)
        return -1;
    if (geteuid() != 0 &&
        !find_delegated_cgroup(&host, parent, sizeof(parent))) {
        if (spec->limit_count)
            return error_msg(
                "--memory/--cpus/--pids as uid %d need a cgroup v2 "
                "subtree delegated to you, and there is none "
                "(try: systemd-run --user --scope -p "
                "Delegate=yes minictr run ...)",
                (int)geteuid());
        trace("no cgroup: not root, and no cgroup v2 subtree is delegated to "
              "uid %d",
              (int)geteuid());
        return 0;
    }
    if (parent[0]) {
        trace("cgroup: %s is delegated to uid %d%s", parent, (int)geteuid(),
              spec->cgroups_path ? "; cgroupsPath not used (it is below "
                                   "the roots, root's)"
                                 : "");
        snprintf(record, sizeof(record), "%s", parent);
        if (cgroup_plan(&host, name, parent, &spec->limits, cg) < 0)
            return -1;
    } else if (spec->cgroups_path) {
        snprintf(record, sizeof(record), "path:%s%s",
                 spec->cgroups_path[0] == '/' ? "" : "/ctlab/",
                 spec->cgroups_path);
        if (cgroup_plan_path(&host, record + 5, &spec->limits, cg) < 0)
            return -1;
    } else if (cgroup_plan(&host, name, NULL, &spec->limits, cg) < 0) {
        return -1;
    }
    /* ctlab's own containers are in the hierarchies their limits need
     * (v1: each is a mkdir, a write, an rmdir); an OCI one in all of
     * them, as runc puts it: its engine reads and changes them. */
    if (!spec->cgroups_path)
        cgroup_plan_only_needed(cg, &spec->limits);
    /* The intent first, then the act: killed between the two, we leave a
     * record of a cgroup that may not exist (gc checks), never a cgroup
     * that no record names (gc could not find it, and the name would be
     * taken for good). */
    if (state_write(state_dir, "cgroup", record) < 0 || cgroup_create(cg) < 0)
        return -1;
    if (cgroup_set_limits(cg, &spec->limits) < 0) {
        cgroup_destroy(cg);
        return -1;
    }
    return 1;
}

int container_cgroup(const char *dir, const char *name, struct cgroup *cg)
{
    struct cgroup_limits none = {0};
    struct cgroup_host host;
    char record[CG_PARENT_MAX + 16];

    if (state_read(dir, "cgroup", record, sizeof(record)) < 0)
        return 0;
    if (cgroup_host_detect(&host) < 0)
        return -1;
    if (strncmp(record, "path:", 5) == 0) {
        if (cgroup_plan_path(&host, record + 5, &none, cg) < 0)
            return -1;
    } else if (cgroup_plan(&host, name,
                           strcmp(record, "ctlab") == 0 ? NULL : record, &none,
                           cg) < 0) {
        return -1;
    }
    cgroup_plan_only_existing(cg); /* run made only what it needed */
    return 1;
}

/* The spec, persisted: exec, kill, update and delete read it back (as
 * config.json, oci_config.c), and give a process exactly the policy the
 * container was given, never defaults rebuilt later. */
static int save_spec(const struct container *c)
{
    char *json = NULL;
    size_t size = 0;
    FILE *text = open_memstream(&json, &size);
    int rc;

    if (!text)
        return error_errno("open_memstream");
    rc = oci_config_write(c->spec, text);
    if (fclose(text) != 0 || rc < 0) {
        free(json);
        return error_errno("the spec as JSON");
    }
    trace("write %s/config.json  <- the spec, for exec, update and delete",
          c->state_dir);
    rc = state_write_bytes(c->state_dir, "config.json", json, size);
    free(json);
    return rc;
}

int container_make_state(struct container *c)
{
    char gate[PATH_MAX + 16];

    /* 2. The state directory and its lock: one container per name. */
    step_begin(STEP_STATE);
    c->lock_fd = state_create(c->ctx->id, c->state_dir, sizeof(c->state_dir));
    if (c->lock_fd < 0)
        return -1;
    /* The start gate: open to anyone for writing (the process may have
     * become another user by the time it gets there), runc's 0622. */
    snprintf(gate, sizeof(gate), "%s/" GATE_FIFO, c->state_dir);
    trace("mkfifo %s  <- the start gate", gate);
    if (mkfifo(gate, 0600) < 0 || chmod(gate, 0622) < 0) {
        error_errno("mkfifo %s", gate);
        container_remove_state(c->state_dir, c->spec->rootless);
        return -1;
    }
    if (save_spec(c) < 0) {
        container_remove_state(c->state_dir, c->spec->rootless);
        return -1;
    }
    step_end(STEP_STATE);
    return 0;
}

/* The console's line to the child: a socketpair to us (`run -t`), or
 * the OCI caller's --console-socket, connected (the child sends the
 * pty's master there, and the caller holds it). */
static int open_console_channel(struct container *c)
{
    struct sockaddr_un address = {.sun_family = AF_UNIX};
    int pair[2];

    if (!c->spec->process.terminal)
        return 0;
    if (!c->ctx->console_socket) {
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) < 0)
            return error_errno("socketpair");
        c->parent_console_fd = pair[0];
        c->console_fd = pair[1];
        return 0;
    }
    if (strlen(c->ctx->console_socket) >= sizeof(address.sun_path))
        return error_msg("--console-socket %s: path too long",
                         c->ctx->console_socket);
    strcpy(address.sun_path, c->ctx->console_socket);
    c->console_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (c->console_fd < 0 || connect(c->console_fd, (struct sockaddr *)&address,
                                     sizeof(address)) < 0)
        return error_errno("--console-socket %s", c->ctx->console_socket);
    return 0;
}

/* The id maps of a new user namespace: the spec's (an OCI config), or
 * rootless minictr's own (root inside is us). */
static int map_ids(const struct container *c)
{
    char text[ID_MAP_MAX_RANGES * 40];

    if (!c->spec->namespaces[SPEC_NS_USER].wanted ||
        c->spec->namespaces[SPEC_NS_USER].path)
        return 0;
    if (!c->spec->uid_map.count)
        return write_id_maps(c->pid);
    format_id_map(&c->spec->uid_map, text, sizeof(text));
    if (write_id_map(c->pid, "uid_map", text) < 0)
        return -1;
    format_id_map(&c->spec->gid_map, text, sizeof(text));
    return c->spec->gid_map.count ? write_id_map(c->pid, "gid_map", text) : 0;
}

/* Join the PID namespace the spec names by path: setns(CLONE_NEWPID)
 * changes only where our children are born. */
static int join_pid_namespace(const struct ctr_spec *spec)
{
    const char *path = spec->namespaces[SPEC_NS_PID].path;
    int fd, rc;

    if (!path)
        return 0;
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return error_errno("open %s", path);
    trace("setns(open(\"%s\"), CLONE_NEWPID)  <- for the child", path);
    rc = setns(fd, CLONE_NEWPID);
    close(fd);
    return rc < 0 ? error_errno("join %s", path) : 0;
}

/* prestart and createRuntime: in our namespaces, the container's
 * state "creating". */
static int run_create_hooks(const struct container *c)
{
    char *state;
    int rc;

    if (!hooks_wanted(c->spec, HOOK_PRESTART) &&
        !hooks_wanted(c->spec, HOOK_CREATE_RUNTIME))
        return 0;
    state =
        hooks_state(c->spec, c->ctx->id, "creating", c->pid, c->ctx->bundle);
    rc = !state || hooks_run(c->spec, HOOK_PRESTART, state) < 0 ||
                 hooks_run(c->spec, HOOK_CREATE_RUNTIME, state) < 0
             ? -1
             : 0;
    free(state);
    return rc;
}

/* Undo what container_make made, the child first. */
static void undo(struct container *c)
{
    if (c->parent_sync_fd >= 0)
        close(c->parent_sync_fd);
    if (c->parent_console_fd >= 0)
        close(c->parent_console_fd);
    c->parent_sync_fd = c->parent_console_fd = -1;
    if (c->pid > 0) {
        kill(c->pid, SIGKILL);
        wait_for_exit_code(c->pid);
    }
    if (c->cgroup_made > 0)
        cgroup_destroy(&c->cgroup);
    /* -d: the monitor keeps the state, with its log and exit code */
    if (!c->ctx->detach)
        container_remove_state(c->state_dir, c->spec->rootless);
}

int container_make(struct container *c)
{
    static const unsigned long flags[SPEC_NS_COUNT] = {
        [SPEC_NS_USER] = CLONE_NEWUSER, [SPEC_NS_PID] = CLONE_NEWPID,
        [SPEC_NS_NET] = CLONE_NEWNET,   [SPEC_NS_IPC] = CLONE_NEWIPC,
        [SPEC_NS_UTS] = CLONE_NEWUTS,   [SPEC_NS_MOUNT] = CLONE_NEWNS,
        /* CLONE_NEWCGROUP: in the child, once in its cgroup */
    };
    const struct ctr_spec *spec = c->spec;
    unsigned long clone_flags = 0;
    int sync[2];
    char ready;

    /* 3. The cgroup, limits set before anything runs in it. */
    step_begin(STEP_CGROUP);
    c->cgroup_made = make_cgroup(spec, c->ctx->id, c->state_dir, &c->cgroup);
    if (c->cgroup_made < 0)
        goto fail;
    step_end(STEP_CGROUP);

    /* 4. The child, in its namespaces and its cgroup from the start.
     *    The sync channel, both ways: "go" to the child once its
     *    network is made, "ready" back once it waits at the gate. */
    step_begin(STEP_CLONE);
    for (int ns = 0; ns < SPEC_NS_COUNT; ns++)
        if (spec->namespaces[ns].wanted && !spec->namespaces[ns].path)
            clone_flags |= flags[ns];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sync) < 0) {
        error_errno("socketpair");
        goto fail;
    }
    c->parent_sync_fd = sync[0];
    c->sync_fd = sync[1];
    if (open_console_channel(c) < 0 || join_pid_namespace(spec) < 0)
        goto fail;
    c->pid = c->cgroup_made ? cgroup_clone_into(&c->cgroup, clone_flags)
                            : clone_child(clone_flags, "the container");
    if (c->pid < 0)
        goto fail;
    if (c->pid == 0) {
        close(c->parent_sync_fd);
        if (c->parent_console_fd >= 0)
            close(c->parent_console_fd);
        child_main(c);
    }
    step_end(STEP_CLONE);
    /* The child's ends are the child's: ours would keep its channels
     * open after it ended (a receive waiting for a terminal forever). */
    close(c->sync_fd);
    if (c->console_fd >= 0)
        close(c->console_fd);
    c->sync_fd = c->console_fd = -1;

    /* 5. Its ids and its network, then let it go. */
    step_begin(STEP_NETWORK);
    if (state_record_init(c->state_dir, c->pid) < 0 ||
        forward_signals_to(c->pid) < 0 || map_ids(c) < 0 ||
        (spec->net == NET_BRIDGE &&
         network_connect(spec, c->ctx->id, c->state_dir, c->pid) < 0))
        goto fail;
    step_end(STEP_NETWORK);
    /* The engine's hooks for this moment: the namespaces are there,
     * nothing of the container's has run yet. */
    if (run_create_hooks(c) < 0)
        goto fail;
    /* It may have failed on its own meanwhile (its error is on stderr):
     * then the write finds no reader, which is no error of ours (SIGPIPE
     * ignored here only; the child keeps the default for its command). */
    signal(SIGPIPE, SIG_IGN);
    if (write(c->parent_sync_fd, "g", 1) != 1 ||
        read(c->parent_sync_fd, &ready, 1) != 1) {
        trace("the container ended before it was ready");
        ready = 0;
    }
    close(c->parent_sync_fd);
    c->parent_sync_fd = -1;
    return ready == 'r' ? 0 : 1;
fail:
    undo(c);
    return -1;
}

int container_open_gate(const char *state_dir)
{
    char gate[PATH_MAX + 16], byte;
    int fd, pidfd, rc = -1;
    pid_t pid;

    snprintf(gate, sizeof(gate), "%s/" GATE_FIFO, state_dir);
    if (state_open_init(state_dir, &pid, &pidfd) != 1)
        return error_msg("no container process to start");
    /* Not blocking: the open succeeds at once, and the child's blocked
     * open for writing completes with it. Then its byte, unless it died
     * first (its pidfd says so). */
    trace("open(\"%s\", O_RDONLY)  <- the start gate opens", gate);
    fd = open(gate, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        close(pidfd);
        return error_errno("open %s", gate);
    }
    for (int i = 0; i < 100 && rc < 0; i++) { /* 10 s at most */
        struct pollfd fds[2] = {{.fd = fd, .events = POLLIN},
                                {.fd = pidfd, .events = POLLIN}};
        if (poll(fds, 2, 100) < 0 && errno != EINTR) {
            error_errno("poll");
            break;
        }
        if (fds[0].revents & POLLIN && read(fd, &byte, 1) == 1)
            rc = 0;
        else if (fds[1].revents) {
            error_msg("the container's process ended before its start");
            break;
        } else if (i == 99)
            error_msg("the container did not come to its start within 10 s");
    }
    if (rc == 0)
        unlink(gate); /* started: the gate is gone for good */
    close(fd);
    close(pidfd);
    return rc;
}

int container_wait_and_delete(struct container *c)
{
    int code = wait_for_exit_code(c->pid);

    step_begin_at_end_of(STEP_COMMAND, STEP_EXEC);
    step_end(STEP_COMMAND);
    trace("container %s ended: exit code %d", c->ctx->id, code);
    /* 12. The namespaces went with their last process: the veth, the
     *     mounts and the overlay with them. The cgroup and the state
     *     remain. */
    step_begin(STEP_DELETE);
    if (c->cgroup_made > 0 && cgroup_destroy(&c->cgroup) < 0)
        code = EXIT_TOOL_FAILED;
    return code;
}

/* Remove the state directory, under the base's lock (gc's): gc never
 * sees it half removed. */
void container_remove_state(const char *state_dir, int rootless)
{
    int base_lock = state_lock_base();

    if (rootless)
        remove_as_mapped_root(state_dir);
    else
        state_remove(state_dir);
    if (base_lock >= 0)
        close(base_lock);
}
