/* 10-mini-container/verbs.c - the verbs on containers that exist: ps and
 * gc, rm, stop and kill. The state directory (state.c) is what they
 * read; the init is reached through a pidfd checked against its start
 * time, never a bare PID.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/pidfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup.h"
#include "create.h"
#include "err.h"
#include "flags.h"
#include "network.h"
#include "rootless.h"
#include "state.h"
#include "verbs.h"

int find_running(const char *name, char *dir, size_t size, pid_t *pid,
                 int *pidfd)
{
    enum state_status status;
    pid_t ignored;

    if (state_check_id(name) < 0)
        return -1;
    snprintf(dir, size, "%s/%s", state_base(), name);
    /* Its init alive: a zombie (ended, its parent not yet done with it)
     * still has a pidfd, but the container has stopped. */
    status = state_status(dir, &ignored);
    if ((status != STATUS_RUNNING && status != STATUS_CREATED) ||
        state_open_init(dir, pid, pidfd) != 1)
        return error_msg("no running container '%s' (see: minictr ps)", name);
    return 0;
}

/* Is the container in DIR alive: its minictr at work on it, or its init
 * up? An OCI container that has stopped is not garbage either: it waits
 * for its engine's delete (the spec's "stopped" state). */
static int in_use(const char *dir, enum state_status *status)
{
    char bundle[8];
    pid_t pid;

    *status = state_status(dir, &pid);
    return *status != STATUS_STOPPED ||
           (state_read(dir, "bundle", bundle, sizeof(bundle)) == 0 &&
            state_read(dir, "created", bundle, sizeof(bundle)) == 0);
}

/* With no container left, what they shared goes too: ctlab's parent
 * cgroups, the bridge, the address book and the base directory itself.
 * Called by gc with the base lock held (a run makes its cgroup only
 * once its state directory exists, and removes it before that: none is
 * touching cgroups now); the network's lock too, as run holds it while
 * it makes the bridge. */
static void remove_shared_if_unused(void)
{
    char path[PATH_MAX];
    struct dirent *entry;
    struct cgroup_host cgroups;
    int containers = 0, book_lock;
    DIR *d = opendir(state_base());

    while (d && (entry = readdir(d)))
        containers += entry->d_name[0] != '.';
    if (d)
        closedir(d);
    if (containers)
        return;
    /* A run killed between mkdir ctlab/ and mkdir ctlab/NAME (or rmdir
     * of the one and the other) left an empty parent no state names. */
    if (geteuid() == 0 && cgroup_host_detect(&cgroups) == 0)
        cgroup_remove_empty_parents(&cgroups);
    book_lock = network_lock();
    if (book_lock < 0)
        return;
    if (geteuid() == 0 && network_remove_bridge()) /* root's bridge */
        printf("removed bridge %s\n", BRIDGE);
    /* A run waiting for a lock we unlink finds its file gone once it has
     * it, and starts again on a new one (state_lock_base). */
    snprintf(path, sizeof(path), "%s/.ipam.lock", state_base());
    unlink(path);
    close(book_lock);
    snprintf(path, sizeof(path), "%s/.lock", state_base());
    unlink(path);
    rmdir(state_base());
}

/* Up, or its minictr still at work (a run cleaning up after it). */
static int running(const char *dir)
{
    pid_t pid;
    enum state_status status = state_status(dir, &pid);

    return status == STATUS_RUNNING || status == STATUS_CREATED ||
           state_in_use(dir);
}

int list_containers(int collect_garbage)
{
    char dir[PATH_MAX], pid[32], ip[64], text[32];
    struct dirent *entry;
    int base_lock = -1;
    DIR *d;

    /* gc holds the base lock for its whole pass: no run makes or removes
     * a container meanwhile, so none is seen half made or half gone. */
    if (collect_garbage && (base_lock = state_lock_base()) < 0)
        return -1;
    d = opendir(state_base());
    if (!d) {
        if (base_lock >= 0)
            close(base_lock);
        return errno == ENOENT ? 0 : error_errno("open %s", state_base());
    }
    if (!collect_garbage)
        printf("%-20s %-8s %-16s %s\n", "NAME", "PID", "IP", "STATUS");
    while ((entry = readdir(d))) {
        enum state_status status;
        int alive;

        if (entry->d_name[0] == '.') /* the locks; no name starts so */
            continue;
        snprintf(dir, sizeof(dir), "%s/%s", state_base(), entry->d_name);
        alive = in_use(dir, &status);
        if (collect_garbage) {
            struct cgroup cg;

            if (alive)
                continue;
            /* A SIGKILLed minictr left these: its cgroup and its state. */
            trace("gc: %s is dead", entry->d_name);
            if (container_cgroup(dir, entry->d_name, &cg) == 1 &&
                cgroup_exists(&cg))
                cgroup_destroy(&cg);
            remove_as_mapped_root(dir);
            printf("removed %s\n", entry->d_name);
            continue;
        }
        if (state_read(dir, "pid", pid, sizeof(pid)) < 0)
            snprintf(pid, sizeof(pid), "-");
        if (state_read(dir, "ip", ip, sizeof(ip)) < 0)
            snprintf(ip, sizeof(ip), "-");
        if (alive)
            printf("%-20s %-8s %-16s %s\n", entry->d_name,
                   status == STATUS_STOPPED ? "-" : pid, ip,
                   state_status_names[status]);
        else if (state_read(dir, "exit", text, sizeof(text)) == 0)
            printf("%-20s %-8s %-16s exited (%s)\n", entry->d_name, "-", ip,
                   text);
        else
            printf("%-20s %-8s %-16s dead (see: minictr gc)\n", entry->d_name,
                   pid, ip);
    }
    closedir(d);
    if (collect_garbage) {
        remove_shared_if_unused();
        close(base_lock);
    }
    return 0;
}

/* rm: what an ended (-d) container left: its log and state. */
int remove_container(const char *name)
{
    char dir[PATH_MAX];
    struct stat st;
    int base_lock, rc = 1;

    if (state_check_name(name) < 0)
        return 1;
    snprintf(dir, sizeof(dir), "%s/%s", state_base(), name);
    base_lock = state_lock_base();
    if (base_lock < 0)
        return 1;
    if (stat(dir, &st) < 0)
        error_msg("no container '%s' (see: minictr ps)", name);
    else if (running(dir))
        error_msg("container '%s' is running (stop it first: minictr stop "
                  "%s)",
                  name, name);
    else
        rc = remove_as_mapped_root(dir) < 0 ? 1 : 0;
    close(base_lock);
    return rc;
}

/* stop: SIGTERM, then SIGKILL after 10 s. kill: one signal. Through the
 * init's pidfd: the very process run recorded, never a PID read from a
 * file that a reused number, or a torn "0", could turn into another
 * (kill(0, sig) is our own process group). */
int signal_container(const char *name, int sig, int then_kill)
{
    char dir[PATH_MAX], signame[32];
    pid_t init;
    int pidfd;

    if (find_running(name, dir, sizeof(dir), &init, &pidfd) < 0)
        return 1;
    trace("pidfd_send_signal(pidfd of %d, %s)", (int)init,
          signal_name(sig, signame, sizeof(signame)));
    if (pidfd_send_signal(pidfd, sig, NULL, 0) < 0) {
        error_errno("signal %s", name);
        close(pidfd);
        return 1;
    }
    if (then_kill) {
        for (int i = 0; i < 100 && running(dir); i++)
            usleep(100000);
        if (running(dir)) {
            trace("still running after 10 s: pidfd_send_signal(pidfd of %d, "
                  "SIGKILL)",
                  (int)init);
            pidfd_send_signal(pidfd, SIGKILL, NULL, 0);
            for (int i = 0; i < 50 && running(dir); i++)
                usleep(100000);
        }
    }
    close(pidfd);
    return 0;
}

/* A signal as `kill` takes it: a number 1-64, or a name with or without
 * SIG (TERM, SIGTERM, sigterm). The whole word, or -1: "9x" is no 9. */
int parse_signal(const char *text)
{
    const char *name = strncasecmp(text, "SIG", 3) == 0 ? text + 3 : text;
    char *end;
    long number;

    if (text[0] >= '0' && text[0] <= '9') {
        errno = 0;
        number = strtol(text, &end, 10);
        return errno || *end || number < 1 || number > SIGRTMAX ? -1
                                                                : (int)number;
    }
    for (int sig = 1; sig < NSIG; sig++) {
        const char *abbrev = sigabbrev_np(sig);
        if (abbrev && strcasecmp(abbrev, name) == 0)
            return sig;
    }
    return -1;
}

int signal_all_processes(const char *dir, const char *id, int sig)
{
    pid_t pids[4096];
    struct cgroup cg;
    int count;

    if (container_cgroup(dir, id, &cg) != 1)
        return error_msg("kill --all %s: the container has no cgroup", id);
    count = cgroup_list_processes(&cg, pids, 4096);
    if (count < 0)
        return -1;
    for (int i = 0; i < count; i++) {
        int pidfd = pidfd_open(pids[i], 0);
        if (pidfd < 0)
            continue; /* gone meanwhile */
        trace("pidfd_send_signal(pidfd of %d, %d)", (int)pids[i], sig);
        pidfd_send_signal(pidfd, sig, NULL, 0);
        close(pidfd);
    }
    return 0;
}

/* The init ended: a zombie counts (its parent, an engine's shim, reaps
 * it in its own time). Polling a pidfd reports exactly that. */
static void wait_for_end(int pidfd, int tenths)
{
    struct pollfd ended = {.fd = pidfd, .events = POLLIN};

    while (tenths-- > 0 && poll(&ended, 1, 100) == 0)
        ;
}

int delete_container(const char *dir, const char *id,
                     void (*before_removal)(const char *dir, const char *id,
                                            enum spec_hook_kind kind,
                                            pid_t pid))
{
    struct cgroup cg;
    pid_t pid;
    int pidfd, has_cgroup;

    /* Its init first, through its pidfd; then every other process of
     * the cgroup (an exec's), killed with the cgroup; then the state. */
    if (state_open_init(dir, &pid, &pidfd) == 1) {
        trace("pidfd_send_signal(pidfd of %d, SIGKILL)", (int)pid);
        pidfd_send_signal(pidfd, SIGKILL, NULL, 0);
        wait_for_end(pidfd, 100);
        close(pidfd);
    }
    has_cgroup = container_cgroup(dir, id, &cg);
    if (has_cgroup == 1 && cgroup_exists(&cg) && cgroup_destroy(&cg) < 0)
        return -1;
    if (before_removal)
        before_removal(dir, id, HOOK_POSTSTOP, 0);
    container_remove_state(dir, geteuid() != 0);
    return has_cgroup < 0 ? -1 : 0;
}
