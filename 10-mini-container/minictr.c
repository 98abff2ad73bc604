/* 10-mini-container/minictr.c - a mini container runtime: every chapter's
 * mechanism, in the order a container is born.
 *
 *     sudo ./minictr -v run --memory 64m --cpus 0.5 --pids 64 -- /bin/sh
 *     sudo ./minictr ps;  sudo ./minictr gc
 *
 * `minictr -v run` tells the story:
 *   1. check everything, before touching the system; signals held; a
 *      state directory /run/ctlab/NAME with a lock, and in it what exec
 *      will need: the environment, and the policy (capabilities, the
 *      seccomp filter as BPF)                         (policy.c)
 *   2. a cgroup with the limits and docker's device rules   (chapter 05)
 *   3. clone3 with new PID, mount, UTS, IPC and network namespaces (and
 *      a user namespace, rootless), straight into the cgroup; a cgroup
 *      namespace once inside                            (01-05)
 *   4. the parent writes the id maps (rootless) and plugs a veth into the
 *      new network namespace, its peer born inside, on bridge ctlab0 (02, 04)
 *   5. the child, released: every inherited fd closed, not dumpable;
 *      mounts private; the overlay root, the image read-only below a
 *      writable upper                                 (03, 07)
 *   6. a minimal /dev, /proc with the dangerous files masked, /sys read-
 *      only with /sys/firmware masked, the volumes; hostname; pivot_root,
 *      old root detached                              (06)
 *   7. setsid; the pty (-t); docker's capabilities only (09);
 *      no_new_privs; the seccomp profile LAST           (08)
 *   8. PID 1 is the init of chapter 01; it runs the command, reaps, and
 *      forwards signals                                 (01)
 * Several of these steps close a door that root inside a container has
 * gone through in real runtimes (runc's CVE-2024-21626: an inherited fd):
 * the lab sheet's "Break it" shows each attack, and tests/10 performs it.
 * minictr holds no second copy of any chapter's logic: it links their
 * .c files. Its own are the order, the state directory (state.c), the
 * persisted policy (policy.c), the pty (console.c), the masked /proc
 * paths, volumes, and --timings, which prints how long each step took.
 *
 * Read: every chapter's lab sheet, runc's libcontainer/standard_init_linux.go
 * for the same order, and the OCI runtime spec.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "capabilities.h"
#include "cgroup.h"
#include "checks.h"
#include "console.h"
#include "err.h"
#include "exec.h"
#include "filter.h"
#include "flags.h"
#include "init.h"
#include "namespaces.h"
#include "netlink.h"
#include "overlay.h"
#include "parse.h"
#include "policy.h"
#include "process.h"
#include "rootfs.h"
#include "state.h"
#include "syscalls.h"
#include "userns.h"

#define BRIDGE         "ctlab0"
#define BRIDGE_ADDRESS "10.200.0.1/16"
#define MAX_ENV        64
#define MAX_VOLUMES    16
#define DEFAULT_PATH                                                           \
    "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* What docker masks in /proc: files get /dev/null bound on them,
 * directories an empty read-only tmpfs. */
static const char *const masked_paths[] = {
    "acpi", "asound",      "interrupts", "kcore",       "keys", "latency_stats",
    "scsi", "sched_debug", "timer_list", "timer_stats", NULL,
};
static const char *const readonly_paths[] = {
    "bus", "fs", "irq", "sys", "sysrq-trigger", NULL,
};

struct volume {
    char host[PATH_MAX];   /* resolved, absolute */
    const char *container; /* absolute, no ".." */
    int read_only;
};

struct options {
    char name[STATE_NAME_MAX];
    char rootfs[PATH_MAX];
    const char *hostname;
    struct cgroup_limits limits;
    int limit_count;
    enum { NET_BRIDGE, NET_NONE, NET_HOST } net;
    struct in_addr ip;
    int ip_given;
    cap_mask keep_caps;
    const char *seccomp;    /* "default", "unconfined" or a file */
    scmp_filter_ctx filter; /* built from it before anything is made */
    int timings;            /* --timings */
    int read_only;
    int use_init;
    int detach;   /* -d */
    int tty;      /* -t */
    int rootless; /* a user namespace, minictr run by a user */
    int cap_add_all;
    const char *env[MAX_ENV + 4]; /* KEY=VAL: the defaults, then -e's */
    int env_count;
    const char *workdir; /* -w */
    struct volume volumes[MAX_VOLUMES];
    int volume_count;
    char **command;
};

/* --- --timings: where a container's start goes --------------------------- */

enum phase {
    PHASE_VALIDATE, /* main() to the end of the checks */
    PHASE_CGROUP,   /* state dir, cgroup, limits */
    PHASE_CLONE,    /* clone3 returns in the parent */
    PHASE_CHILD_UP, /* clone3 to the child's first step: the namespaces
                     * made, and on v1 the cgroups joined (overlaps clone) */
    PHASE_NETWORK,  /* ids, bridge, veth, address; the child released */
    PHASE_OVERLAY,  /* the child: cgroupns, propagation, the overlay */
    PHASE_MOUNTS,   /* /dev, /proc and its masks, /sys, volumes */
    PHASE_PIVOT,    /* hostname, pivot_root, workdir, --read-only */
    PHASE_WAIT,     /* the child, done first, waits for the network */
    PHASE_SECURITY, /* setsid, fds, capabilities, seccomp */
    PHASE_EXEC,     /* PID 1's fork, up to execve of the command */
    PHASE_COMMAND,  /* the command itself, until the container ends */
    PHASE_TEARDOWN, /* cgroup and state removed */
    PHASE_COUNT
};
static const char *const phase_names[PHASE_COUNT] = {
    "validate", "cgroup",    "clone",    "(child up)", "network",
    "overlay",  "mounts",    "pivot",    "(waited)",   "security",
    "exec",     "(command)", "teardown",
};

/* In memory shared with the child (MAP_SHARED survives clone and fork,
 * not exec): each phase's start and end, in ns of CLOCK_MONOTONIC. NULL
 * without --timings, and then every mark is a no-op. */
static struct {
    long long begin[PHASE_COUNT], end[PHASE_COUNT];
} * timings;
static long long started_ns;

static long long now_ns(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void phase_begin(enum phase p)
{
    if (timings)
        timings->begin[p] = now_ns();
}

/* A phase ends; one that has no begin of its own began where the last
 * phase before it that was reached ended. Returns 0, to sit in a chain
 * of "|| step() < 0". */
static int phase_end(enum phase p)
{
    if (timings) {
        int before = (int)p - 1;
        timings->end[p] = now_ns();
        while (before >= 0 && !timings->end[before]) /* one not reached */
            before--;
        if (!timings->begin[p])
            timings->begin[p] = before >= 0 ? timings->end[before] : started_ns;
    }
    return 0;
}

/* "timing PHASE MICROSECONDS" lines on stderr, for people and for make
 * bench; a phase never reached (an error, --net none) prints 0. */
static void print_timings(void)
{
    long long command_ns = 0;

    if (!timings)
        return;
    for (int p = 0; p < PHASE_COUNT; p++) {
        long long ns = timings->end[p] && timings->begin[p]
                           ? timings->end[p] - timings->begin[p]
                           : 0;
        if (p == PHASE_COMMAND)
            command_ns = ns;
        fprintf(stderr, "timing %-10s %7lld\n", phase_names[p], ns / 1000);
    }
    /* Wall time: the child's mounts overlap the parent's network, so
     * the phases add up to more than this. */
    fprintf(stderr,
            "timing %-10s %7lld  (minictr's own: start to end, less the "
            "command)\n",
            "total",
            (timings->end[PHASE_TEARDOWN] - started_ns - command_ns) / 1000);
}

/* --- the child: steps 5 to 8 ---------------------------------------------- */

/* Cover /proc's dangerous entries inside ROOT (before the pivot), with
 * the container's own /dev/null (made in ROOT/dev just before): the
 * host's /dev/null bound here would let root inside chmod or chown the
 * host's node through the mask. */
static int mask_proc_paths(const char *root)
{
    char path[PATH_MAX + 64], null[PATH_MAX + 64];
    struct stat st;

    snprintf(null, sizeof(null), "%s/dev/null", root);
    for (const char *const *p = masked_paths; *p; p++) {
        snprintf(path, sizeof(path), "%s/proc/%s", root, *p);
        if (lstat(path, &st) < 0)
            continue; /* not on this kernel */
        if (S_ISDIR(st.st_mode)) {
            trace("mount(\"tmpfs\", \"%s\", MS_RDONLY)  <- masked", path);
            if (mount("tmpfs", path, "tmpfs", MS_RDONLY, "size=0") < 0)
                return error_errno("mask %s", path);
        } else {
            trace("mount(\"%s\", \"%s\", MS_BIND)  <- masked", null, path);
            if (mount(null, path, NULL, MS_BIND, NULL) < 0)
                return error_errno("mask %s", path);
        }
    }
    for (const char *const *p = readonly_paths; *p; p++) {
        snprintf(path, sizeof(path), "%s/proc/%s", root, *p);
        if (lstat(path, &st) < 0)
            continue;
        trace("mount(\"%s\", MS_BIND|MS_REMOUNT|MS_RDONLY)  <- read-only",
              path);
        if (mount(path, path, NULL, MS_BIND | MS_REC, NULL) < 0 ||
            mount(NULL, path, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL) < 0)
            return error_errno("make %s read-only", path);
    }
    return 0;
}

/* /sys, read-only, with /sys/firmware covered as docker does: the
 * machine's ACPI tables, EFI variables and DMI data (serial numbers)
 * are the host's, and nothing a container needs. */
static int mount_sys(const char *root)
{
    char path[PATH_MAX + 64];
    struct stat st;

    snprintf(path, sizeof(path), "%s/sys", root);
    mkdir(path, 0555);
    trace("mount(\"sysfs\", \"%s\", MS_RDONLY|MS_NOSUID|MS_NODEV|MS_NOEXEC)",
          path);
    if (mount("sysfs", path, "sysfs",
              MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
        return error_errno("mount sysfs on %s", path);
    snprintf(path, sizeof(path), "%s/sys/firmware", root);
    if (lstat(path, &st) < 0 || !S_ISDIR(st.st_mode))
        return 0; /* not on this machine */
    trace("mount(\"tmpfs\", \"%s\", MS_RDONLY)  <- masked", path);
    if (mount("tmpfs", path, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV,
              "size=0") < 0)
        return error_errno("mask %s", path);
    return 0;
}

static int mount_overlay_root(const char *state_dir, char *rootfs, char *merged,
                              size_t size, int userxattr)
{
    char upper[PATH_MAX + 16], work[PATH_MAX + 16];
    char *lowers[1] = {rootfs};
    struct overlay_spec spec = {
        .lowers = lowers, .lower_count = 1, .upper = upper, .work = work};

    /* As root, the writable layer is a tmpfs of this mount namespace,
     * over the state dir (which the host still sees as it is): the
     * kernel frees it with the namespace, and nothing is left to remove
     * on disk. Rootless, it stays on disk: tmpfs has user xattrs, which
     * userxattr needs, only since Linux 6.6. */
    if (!userxattr) {
        trace("mount(\"tmpfs\", \"%s\", \"tmpfs\", MS_NOSUID|MS_NODEV, "
              "\"mode=0700\")  <- the writable layer, in memory",
              state_dir);
        if (mount("tmpfs", state_dir, "tmpfs", MS_NOSUID | MS_NODEV,
                  "mode=0700") < 0)
            return error_errno("mount a tmpfs on %s", state_dir);
    }
    snprintf(upper, sizeof(upper), "%s/upper", state_dir);
    snprintf(work, sizeof(work), "%s/work", state_dir);
    snprintf(merged, size, "%s/rootfs", state_dir);
    if (mkdir(upper, 0755) < 0 || mkdir(work, 0700) < 0 ||
        mkdir(merged, 0755) < 0)
        return error_errno("make the overlay directories in %s", state_dir);
    spec.target = merged;
    spec.userxattr = userxattr; /* trusted.* is for the host's root */
    /* The upper is thrown away after: no sync of it, not even at umount
     * (a journal commit per container on disk). */
    spec.volatile_upper = 1;
    return overlay_mount(&spec);
}

/* Open PATH inside ROOT_FD the way the container will see it: symlinks
 * and ".." resolved as if ROOT_FD were "/" (openat2 RESOLVE_IN_ROOT), so
 * an image's symlink cannot send a volume onto a host path. Missing
 * directories are made on the way; the last component too, a directory
 * when IS_DIR, else an empty file (the mount point for a file). */
static int open_in_root(int root_fd, const char *path, int is_dir)
{
    const uint64_t resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
    struct open_how how = {.flags = O_PATH | O_CLOEXEC, .resolve = resolve};
    struct open_how dir_how = {.flags = O_DIRECTORY | O_CLOEXEC,
                               .resolve = resolve};
    char prefix[PATH_MAX];
    size_t length = strlen(path);
    int fd = -1;

    /* One prefix at a time: "/a", "/a/b", ... "/a/b/c". */
    for (size_t end = 1; end <= length; end++) {
        int last = end == length, parent, made;
        char *name;

        if (!last && path[end] != '/')
            continue;
        snprintf(prefix, sizeof(prefix), "%.*s", (int)end, path);
        fd = sys_openat2(root_fd, prefix, &how);
        if (fd < 0 && errno == ENOENT) {
            /* Missing: make it in its parent, found the same safe way,
             * and open it again. */
            name = strrchr(prefix, '/');
            *name++ = '\0';
            parent = sys_openat2(root_fd, prefix[0] ? prefix : "/", &dir_how);
            if (parent < 0)
                return error_errno("open %s in the container", prefix);
            if (!last || is_dir)
                made = mkdirat(parent, name, 0755) == 0 || errno == EEXIST;
            else
                made = (fd = openat(parent, name,
                                    O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
                                    0644)) >= 0 &&
                       close(fd) == 0;
            close(parent);
            if (!made)
                return error_errno("make %s in the container", path);
            snprintf(prefix, sizeof(prefix), "%.*s", (int)end, path);
            fd = sys_openat2(root_fd, prefix, &how);
            if (fd < 0 && errno == ENOENT) /* it was there: a symlink */
                return error_msg("%s in the container is a symlink to a "
                                 "missing path",
                                 prefix);
        }
        if (fd < 0)
            return error_errno("open %s in the container", prefix);
        if (!last)
            close(fd);
    }
    return fd;
}

/* --volume HOST:CTR[:ro]: a recursive bind of the host's directory or
 * file, made with the new mount API so ":ro" holds for every mount below
 * it too (mount_setattr AT_RECURSIVE, Linux 5.12). */
static int mount_volumes(const char *root, const struct options *opt)
{
    int root_fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);

    if (root_fd < 0)
        return error_errno("open %s", root);
    for (int i = 0; i < opt->volume_count; i++) {
        const struct volume *v = &opt->volumes[i];
        struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY};
        struct stat st;
        int target, tree;

        if (stat(v->host, &st) < 0)
            return error_errno("--volume %s", v->host);
        target = open_in_root(root_fd, v->container, S_ISDIR(st.st_mode));
        if (target < 0)
            return -1;
        trace("open_tree(\"%s\", OPEN_TREE_CLONE|AT_RECURSIVE)%s; "
              "move_mount(-> %s%s)",
              v->host, v->read_only ? "; mount_setattr(MOUNT_ATTR_RDONLY)" : "",
              root, v->container);
        tree = open_tree(AT_FDCWD, v->host,
                         OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
        if (tree < 0 ||
            (v->read_only &&
             mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr,
                           sizeof(attr)) < 0) ||
            move_mount(tree, "", target, "",
                       MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
            return error_errno("--volume %s:%s", v->host, v->container);
        close(tree);
        close(target);
    }
    close(root_fd);
    return 0;
}

/* The command's environment: nothing of the host's (no SUDO_USER, no
 * host PATH), only docker's defaults and -e. */
static void set_environment(const struct options *opt)
{
    clearenv();
    for (int i = 0; i < opt->env_count; i++)
        putenv((char *)opt->env[i]);
}

/* -w DIR: made if missing (as docker does), then the command's cwd. */
static int enter_workdir(const char *workdir)
{
    int root_fd, fd;

    if (!workdir)
        return 0;
    root_fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (root_fd < 0)
        return error_errno("open /");
    fd = open_in_root(root_fd, workdir, 1);
    if (fd < 0)
        return -1;
    if (fchdir(fd) < 0)
        return error_errno("-w %s", workdir);
    trace("chdir(\"%s\")", workdir);
    close(fd);
    close(root_fd);
    return 0;
}

/* An error in the child before the parent has let it go: the parent may
 * still be making the network in our namespace. Wait for it all the
 * same (the read ends when it writes or is gone), so that it finishes
 * what it started and reports nothing of its own; then fail. */
static int released;

__attribute__((noreturn)) static void fail_before_release(int sync_fd)
{
    char go;

    if (!released)
        (void)!read(sync_fd, &go, 1); /* any outcome: we fail next */
    _exit(EXIT_TOOL_FAILED);
}

/* -t: the command leads its own process group, the terminal's
 * foreground one, so ^C and SIGWINCH go to it and not to PID 1. SIGTTOU
 * is blocked while it takes the terminal from the background (the mask
 * is restored before exec). */
static void take_terminal(void)
{
    sigset_t ttou;

    sigemptyset(&ttou);
    sigaddset(&ttou, SIGTTOU);
    sigprocmask(SIG_BLOCK, &ttou, NULL);
    setpgid(0, 0);
    if (tcsetpgrp(STDIN_FILENO, getpid()) < 0)
        error_errno("tcsetpgrp");
}

static void run_child(const struct options *opt, const char *state_dir,
                      const sigset_t *saved_mask, int sync_fd, int console_fd)
{
    char merged[PATH_MAX + 16], rootfs[PATH_MAX];
    struct cap_plan plan = {.keep = opt->keep_caps, .no_new_privs = 1};
    int in_order = opt->rootless || trace_on;
    sigset_t init_saved;
    pid_t main_child;

    /* Here since clone3: on v1 the cgroup joins happened on the way. */
    if (timings) {
        timings->begin[PHASE_CHILD_UP] = timings->end[PHASE_CGROUP];
        phase_end(PHASE_CHILD_UP);
    }
    /* First, the fds: every one we got from our caller or opened
     * ourselves (the state lock) really closed, not just close-on-exec:
     * PID 1 never execs, and would keep them for life, reachable from
     * the container through /proc/1/fd (runc's CVE-2024-21626). */
    if (close_fds_except(sync_fd, console_fd) < 0)
        fail_before_release(sync_fd);
    /* 5. The mounts, while the parent makes the network: nothing here
     *    needs it, and the two take about as long. They live and die
     *    with this mount namespace: nothing to clean up on the host.
     *    Rootless, the ids must be mapped first; with -v, we wait too,
     *    so that the story is told in order and not interleaved. */
    if (in_order) {
        child_await_go(sync_fd);
        released = 1;
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
        fail_before_release(sync_fd);
    }
    phase_begin(PHASE_OVERLAY);
    /* --rootless: the host's supplementary groups mean nothing in here;
     * drop them where the map allows it (not after setgroups "deny"). */
    if (opt->rootless && setgroups(0, NULL) == 0)
        trace("setgroups(0, NULL)");
    /* A cgroup namespace now, not at clone: on v1 the child joined its
     * cgroups only after the clone, and the namespace's root is the
     * cgroup it is in when it is made. */
    trace("unshare(CLONE_NEWCGROUP)");
    if (unshare(CLONE_NEWCGROUP) < 0) {
        error_errno("unshare(CLONE_NEWCGROUP)");
        fail_before_release(sync_fd);
    }
    snprintf(rootfs, sizeof(rootfs), "%s", opt->rootfs);
    if (set_root_propagation(PROPAGATION_PRIVATE) < 0 ||
        mount_overlay_root(state_dir, rootfs, merged, sizeof(merged),
                           opt->rootless) < 0 ||
        phase_end(PHASE_OVERLAY) ||
        /* 6. /dev, /proc, /sys, hostname, and the switch of roots. */
        rootfs_make_dev(merged) < 0 || rootfs_mount_proc(merged) < 0 ||
        mask_proc_paths(merged) < 0 ||
        (opt->net != NET_HOST && mount_sys(merged) < 0) ||
        mount_volumes(merged, opt) < 0)
        fail_before_release(sync_fd);
    phase_end(PHASE_MOUNTS);
    trace("sethostname(\"%s\")", opt->hostname);
    if (sethostname(opt->hostname, strlen(opt->hostname)) < 0) {
        error_errno("sethostname");
        fail_before_release(sync_fd);
    }
    if (rootfs_pivot(merged) < 0 || enter_workdir(opt->workdir) < 0)
        fail_before_release(sync_fd);
    if (opt->read_only) {
        trace("mount(\"/\", MS_BIND|MS_REMOUNT|MS_RDONLY)");
        if (mount(NULL, "/", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL) <
            0) {
            error_errno("make / read-only");
            fail_before_release(sync_fd);
        }
    }

    phase_end(PHASE_PIVOT);
    if (!in_order) {
        phase_begin(PHASE_WAIT);
        child_await_go(sync_fd); /* the network is ready */
        released = 1;
        phase_end(PHASE_WAIT);
    }

    /* 7. Give up what the command must not have, the filter (built by
     *    the parent, before anything was made) last. */
    trace("setsid()");
    setsid();
    if ((console_fd >= 0 && console_setup_child(console_fd) < 0) ||
        close_fds_except(sync_fd, -1) < 0 || cap_apply(&plan) < 0 ||
        (opt->filter && filter_load(opt->filter) < 0))
        _exit(EXIT_TOOL_FAILED);
    /* Run by a user, the init must be dumpable again, now that it is no
     * more than any process of the container (its capabilities, its
     * filter, no fd but 0-2): `minictr exec` as that user joins it by
     * setns(2) on its pidfd, which asks for ptrace read access, and
     * without CAP_SYS_PTRACE the kernel gives none to a process that is
     * not dumpable. As root, exec has CAP_SYS_PTRACE: it stays 0. */
    if (opt->rootless) {
        trace("prctl(PR_SET_DUMPABLE, 1)  <- for an unprivileged exec");
        prctl(PR_SET_DUMPABLE, 1);
    }
    /* Ready: -d returns now, and an exec finds the container whole.
     * (The parent may have closed its end: no SIGPIPE for that.) */
    (void)!send(sync_fd, "r", 1, MSG_NOSIGNAL);
    close(sync_fd);
    phase_end(PHASE_SECURITY);

    /* 8. PID 1: chapter 01's init, or the command itself. */
    set_environment(opt);
    if (!opt->use_init) {
        sigprocmask(SIG_SETMASK, saved_mask, NULL);
        phase_end(PHASE_EXEC);
        exec_command(opt->command);
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
        if (opt->tty)
            take_terminal();
        sigprocmask(SIG_SETMASK, saved_mask, NULL);
        phase_end(PHASE_EXEC);
        exec_command(opt->command);
    }
    _exit(init_supervise(main_child));
}

/* --- the parent: steps 1 to 4 and the end -----------------------------------
 */

/* Bridge ctlab0 with 10.200.0.1/16, made on first use (docker0's way).
 * Returns its index. */
static int ensure_bridge(struct netlink *host)
{
    struct ipv4_cidr address;
    char kind[32];
    int index = link_lookup(host, BRIDGE, kind, sizeof(kind), 1);

    if (index > 0)
        return strcmp(kind, "bridge") == 0
                   ? index
                   : error_msg("'%s' exists and is not a bridge", BRIDGE);
    parse_ipv4_cidr(BRIDGE_ADDRESS, &address);
    if (create_bridge(host, BRIDGE) < 0 ||
        add_ipv4_address(host, BRIDGE, &address) < 0 ||
        set_link_up(host, BRIDGE) < 0)
        return -1;
    return link_lookup(host, BRIDGE, NULL, 0, 0);
}

/* The container's eth0, born inside its network namespace. */
static int connect_container(const struct options *opt, const char *state_dir,
                             pid_t child)
{
    char netns_path[64], host_if[IFNAMSIZ], unused[IFNAMSIZ];
    char run_id[STATE_NAME_MAX + 16];
    int lock;
    struct in_addr gateway;
    struct veth_plan plan = {0};
    struct netlink *host;
    int rc = -1;

    host = netlink_open("host");
    if (!host)
        return -1;
    lock = state_lock_network(); /* one maker of ctlab0 */
    plan.bridge_index = lock < 0 ? -1 : ensure_bridge(host);
    if (lock >= 0)
        close(lock);
    if (plan.bridge_index < 0 ||
        state_allocate_ip(state_dir, opt->ip_given ? &opt->ip : NULL,
                          &plan.peer_address.address) < 0)
        goto out;
    plan.peer_address.prefix = 16;
    inet_pton(AF_INET, "10.200.0.1", &gateway);
    /* Named for this run, not just the name: the last run's veth may
     * still be on its way out (the kernel frees a dead namespace's
     * devices in the background), and a new run must not wait for it. */
    snprintf(run_id, sizeof(run_id), "%s/%d", opt->name, (int)child);
    veth_names_for(run_id, host_if, unused);
    if (state_write(state_dir, "veth", host_if) < 0)
        goto out;
    snprintf(netns_path, sizeof(netns_path), "/proc/%d/ns/net", (int)child);
    plan.netns_fd = open(netns_path, O_RDONLY | O_CLOEXEC);
    if (plan.netns_fd < 0) {
        error_errno("open %s", netns_path);
        goto out;
    }
    plan.host_if = host_if;
    plan.peer_if = "eth0";
    plan.peer_temp = "eth0";
    plan.born_inside = 1;
    plan.netns_name = opt->name;
    plan.bridge = BRIDGE;
    plan.gateway = &gateway;
    rc = setup_veth_pair(host, &plan);
    close(plan.netns_fd);
out:
    netlink_close(host);
    return rc;
}

/* -d: the caller returns once the container runs; a monitor process
 * (this one's child, in a session of its own) stays to wait for it and
 * clean up, with all output in STATE_DIR/log. Returns 1 in the caller, 0
 * in the monitor, -1 on error. */
static int detach_monitor(const struct options *opt, const char *state_dir,
                          int lock_fd, int *started_fd)
{
    char log[PATH_MAX + 8];
    int started[2], fd;
    pid_t monitor;

    (void)opt;
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
static int report_start(const struct options *opt, const char *state_dir,
                        int started_fd)
{
    char log[PATH_MAX + 8], byte;
    ssize_t n = read(started_fd, &byte, 1);
    FILE *f;

    close(started_fd);
    if (n == 1) {
        printf("%s\n", opt->name);
        return 0;
    }
    snprintf(log, sizeof(log), "%s/log", state_dir);
    error_msg("container %s did not start; its log (%s):", opt->name, log);
    f = fopen(log, "re");
    for (int c; f && (c = getc(f)) != EOF;)
        fputc(c, stderr);
    if (f)
        fclose(f);
    return EXIT_TOOL_FAILED;
}

/* --rootless: the nearest cgroup v2 directory above our own that is ours
 * (systemd's Delegate=yes chowns a subtree to the user): its path in
 * PARENT, or 0 if there is none. */
static int find_delegated_cgroup(const struct cgroup_host *host, char *parent,
                                 size_t size)
{
    char line[CG_PARENT_MAX], path[CG_PARENT_MAX + CG_MOUNT_MAX + 32], *slash;
    struct stat st;
    FILE *f;

    if (!host->v2_mount[0] || !(f = fopen("/proc/self/cgroup", "re")))
        return 0;
    while (fgets(line, sizeof(line), f) && strncmp(line, "0::", 3) != 0)
        ;
    fclose(f);
    if (strncmp(line, "0::/", 4) != 0)
        return 0;
    line[strcspn(line, "\n")] = '\0';
    snprintf(path, sizeof(path), "%s%s", host->v2_mount, line + 3);
    /* Our own cgroup has us in it: the no-internal-process rule keeps
     * controllers out of its children. Start one up. */
    while ((slash = strrchr(path, '/')) &&
           slash > path + strlen(host->v2_mount)) {
        char file[sizeof(path) + 32];
        *slash = '\0';
        snprintf(file, sizeof(file), "%s/cgroup.subtree_control", path);
        if (stat(path, &st) == 0 && st.st_uid == geteuid() &&
            access(file, W_OK) == 0 && strlen(path) < size) {
            memcpy(parent, path, strlen(path) + 1);
            return 1;
        }
    }
    return 0;
}

/* --rootless: map root inside to us; with newuidmap and a range of ours
 * in /etc/subuid, ids 1.. to that range too, so the image's other users
 * (and chown) work. */
static int write_id_maps(pid_t child)
{
    static struct id_map uids, gids;

    if (geteuid() != 0 && access("/usr/bin/newuidmap", X_OK) == 0 &&
        subid_maps(&uids, &gids, 1) == 0)
        return run_id_helper("newuidmap", child, &uids) < 0 ||
                       run_id_helper("newgidmap", child, &gids) < 0
                   ? -1
                   : 0;
    trace("write /proc/%d/setgroups \"deny\", uid_map \"0 %d 1\", gid_map "
          "\"0 %d 1\"  <- one id: no newuidmap range for us",
          (int)child, (int)getuid(), (int)getgid());
    return map_root_to_ids(child, getuid(), getgid());
}

/* Files the container made as one of the subordinate ids are not ours on
 * the host: remove DIR from inside a user namespace with the same maps,
 * as `podman unshare rm` does. */
static int remove_as_mapped_root(const char *dir)
{
    int go[2];
    char byte;
    pid_t child;

    if (geteuid() == 0)
        return state_remove(dir);
    if (pipe2(go, O_CLOEXEC) < 0)
        return error_errno("pipe2");
    child =
        clone_child(CLONE_NEWUSER, "to remove what the container's ids own");
    if (child < 0)
        return -1;
    if (child == 0) {
        close(go[1]);
        _exit(read(go[0], &byte, 1) == 1 && state_remove(dir) == 0 ? 0 : 1);
    }
    close(go[0]);
    if (write_id_maps(child) == 0 && write(go[1], "1", 1) == 1) {
        close(go[1]);
        return wait_for_exit_code(child) == 0 ? 0 : -1;
    }
    close(go[1]);
    wait_for_exit_code(child);
    return state_remove(dir);
}

/* 2. The cgroup: ctlab's own as root; rootless, only in a delegated v2
 *    subtree. Returns 1 when made, 0 when the container goes without. */
static int make_cgroup(const struct options *opt, const char *state_dir,
                       struct cgroup *cg)
{
    char parent[CG_PARENT_MAX] = "";
    struct cgroup_host host;

    if (cgroup_host_detect(&host) < 0)
        return -1;
    if (geteuid() != 0 &&
        !find_delegated_cgroup(&host, parent, sizeof(parent))) {
        if (opt->limit_count)
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
    if (parent[0])
        trace("cgroup: %s is delegated to uid %d", parent, (int)geteuid());
    if (cgroup_plan(&host, opt->name, parent[0] ? parent : NULL, &opt->limits,
                    cg) < 0)
        return -1;
    cgroup_plan_only_needed(cg, &opt->limits);
    /* The intent first, then the act: killed between the two, we leave a
     * record of a cgroup that may not exist (gc checks), never a cgroup
     * that no record names (gc could not find it, and the name would be
     * taken for good). */
    if (state_write(state_dir, "cgroup", parent[0] ? parent : "ctlab") < 0 ||
        cgroup_create(cg) < 0)
        return -1;
    if (cgroup_set_limits(cg, &opt->limits) < 0) {
        cgroup_destroy(cg);
        return -1;
    }
    return 1;
}

/* What exec needs later, written now: the environment and workdir run
 * gave the container, and its policy (capabilities, seccomp filter). */
static int save_for_exec(const struct options *opt, const char *state_dir)
{
    char *env = NULL;
    size_t size = 0;
    FILE *text = open_memstream(&env, &size);
    int rc;

    if (!text)
        return error_errno("open_memstream");
    for (int i = 0; i < opt->env_count; i++) /* one per line */
        fprintf(text, "%s\n", opt->env[i]);
    if (fclose(text) != 0)
        return error_errno("open_memstream");
    rc = state_write_bytes(state_dir, "env", env, size);
    free(env);
    if (rc < 0 ||
        (opt->workdir && state_write(state_dir, "workdir", opt->workdir) < 0))
        return -1;
    return policy_save(state_dir, opt->keep_caps, opt->filter);
}

/* Remove the state directory, under the base's lock (gc's): gc never
 * sees it half removed. */
static void remove_state(const char *state_dir, int rootless)
{
    int base_lock = state_lock_base();

    if (rootless)
        remove_as_mapped_root(state_dir);
    else
        state_remove(state_dir);
    if (base_lock >= 0)
        close(base_lock);
}

static int run_container(struct options *opt)
{
    unsigned long flags = CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS |
                          CLONE_NEWIPC; /* CLONE_NEWCGROUP: in the child */
    char state_dir[PATH_MAX], text[32];
    struct cgroup cg;
    sigset_t saved_mask;
    int sync_channel[2] = {-1, -1}, console[2] = {-1, -1}; /* 0: the child's */
    int code = EXIT_TOOL_FAILED, cg_made = 0, started_fd = -1, master;
    int lock_fd;
    pid_t child = -1;

    if (opt->net != NET_HOST)
        flags |= CLONE_NEWNET;
    if (opt->rootless)
        flags |= CLONE_NEWUSER;

    /* 1. The state directory and its lock: one container per name.
     *    SIGINT/SIGTERM wait from here until the child can have them: a
     *    signal in the first milliseconds must not end us between
     *    making something and removing it. */
    if (block_forwarded_signals(&saved_mask) < 0)
        return EXIT_TOOL_FAILED;
    lock_fd = state_create(opt->name, state_dir, sizeof(state_dir));
    if (lock_fd < 0)
        return EXIT_TOOL_FAILED;
    if (opt->detach &&
        detach_monitor(opt, state_dir, lock_fd, &started_fd) > 0) {
        close(lock_fd); /* the monitor holds it */
        sigprocmask(SIG_SETMASK, &saved_mask, NULL);
        return report_start(opt, state_dir, started_fd);
    }
    if (save_for_exec(opt, state_dir) < 0)
        goto out;

    /* 2. The cgroup, limits set before anything runs in it. */
    cg_made = make_cgroup(opt, state_dir, &cg);
    if (cg_made < 0)
        goto out;
    phase_end(PHASE_CGROUP);

    /* 3. The child, in its namespaces and its cgroup from the start. */
    /* The sync channel, both ways: "go" to the child once its network
     * is made, "ready" back once it is set up (for -d). */
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sync_channel) < 0 ||
        (opt->tty &&
         socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, console) < 0)) {
        error_errno("pipe2/socketpair");
        goto out;
    }
    child = cg_made ? cgroup_clone_into(&cg, flags)
                    : clone_child(flags, "the container");
    if (child < 0)
        goto out;
    if (child == 0) {
        close(sync_channel[1]);
        if (console[0] >= 0)
            close(console[0]);
        run_child(opt, state_dir, &saved_mask, sync_channel[0], console[1]);
    }
    phase_end(PHASE_CLONE);
    close(sync_channel[0]);
    if (console[1] >= 0)
        close(console[1]);

    /* 4. Its ids (--rootless) and its network, then let it go. */
    if (state_record_init(state_dir, child) < 0 ||
        forward_signals_to(child) < 0 ||
        (opt->rootless && write_id_maps(child) < 0) ||
        (opt->net == NET_BRIDGE &&
         connect_container(opt, state_dir, child) < 0) ||
        phase_end(PHASE_NETWORK)) {
        kill(child, SIGKILL);
        wait_for_exit_code(child);
        goto out;
    }
    /* Let it go. It may have failed on its own meanwhile (its error is
     * on stderr, its exit code comes below): then the write finds no
     * reader, which is no error of ours (SIGPIPE ignored here only; the
     * child keeps the default for its command). */
    signal(SIGPIPE, SIG_IGN);
    if (write(sync_channel[1], "g", 1) != 1)
        trace("the container ended before it was released");
    if (started_fd >= 0) { /* -d: wait for it to be whole (or gone) */
        char ready;
        if (read(sync_channel[1], &ready, 1) != 1)
            trace("the container ended before it was ready");
    }
    close(sync_channel[1]);
    sigprocmask(SIG_SETMASK, &saved_mask, NULL);
    if (started_fd >= 0) { /* -d: tell the caller it runs */
        if (write(started_fd, "1", 1) < 0)
            trace("the caller is gone");
        close(started_fd);
        started_fd = -1;
    }
    /* -t: our terminal is the container's until it ends. */
    if (opt->tty && (master = console_receive(console[0])) >= 0)
        console_relay(master);
    code = wait_for_exit_code(child);
    if (timings) { /* the command ran from its exec to now */
        timings->begin[PHASE_COMMAND] = timings->end[PHASE_EXEC];
        phase_end(PHASE_COMMAND);
    }
    trace("container %s ended: exit code %d", opt->name, code);
out:
    /* The namespaces went with their last process: the veth, the mounts
     * and the overlay with them. The cgroup and the state remain. */
    if (console[0] >= 0)
        close(console[0]);
    if (cg_made > 0 && cgroup_destroy(&cg) < 0)
        code = EXIT_TOOL_FAILED;
    if (opt->detach) { /* kept, with its log, until rm or gc */
        snprintf(text, sizeof(text), "%d", code);
        if (state_write(state_dir, "exit", text) < 0)
            code = EXIT_TOOL_FAILED;
        return code;
    }
    remove_state(state_dir, opt->rootless);
    close(lock_fd);
    phase_end(PHASE_TEARDOWN);
    print_timings();
    return code;
}

/* --- ps and gc ---------------------------------------------------------------
 */

/* The cgroup of the container whose state is in DIR, as run made it:
 * 1, or 0 when it has none (rootless without delegation). */
static int container_cgroup(const char *dir, const char *name,
                            struct cgroup *cg)
{
    struct cgroup_limits none = {0};
    struct cgroup_host host;
    char parent[CG_PARENT_MAX];

    if (state_read(dir, "cgroup", parent, sizeof(parent)) < 0)
        return 0;
    if (cgroup_host_detect(&host) < 0 ||
        cgroup_plan(&host, name, strcmp(parent, "ctlab") == 0 ? NULL : parent,
                    &none, cg) < 0)
        return -1;
    cgroup_plan_only_existing(cg); /* run made only what it needed */
    return 1;
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
    struct netlink *host;
    int containers = 0, network_lock;
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
    network_lock = state_lock_network();
    if (network_lock < 0)
        return;
    host = geteuid() == 0 ? netlink_open("host") : NULL; /* root's bridge */
    if (host && link_lookup(host, BRIDGE, NULL, 0, 1) > 0 &&
        delete_link(host, BRIDGE) == 0)
        printf("removed bridge %s\n", BRIDGE);
    netlink_close(host);
    /* A run waiting for a lock we unlink finds its file gone once it has
     * it, and starts again on a new one (state_lock_base). */
    snprintf(path, sizeof(path), "%s/.ipam.lock", state_base());
    unlink(path);
    close(network_lock);
    snprintf(path, sizeof(path), "%s/.lock", state_base());
    unlink(path);
    rmdir(state_base());
}

static int list_containers(int collect_garbage)
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
        int alive;

        if (entry->d_name[0] == '.') /* the locks; no name starts so */
            continue;
        snprintf(dir, sizeof(dir), "%s/%s", state_base(), entry->d_name);
        alive = state_in_use(dir);
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
            printf("%-20s %-8s %-16s running\n", entry->d_name, pid, ip);
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

/* --- exec, stop, kill ------------------------------------------------------
 */

/* The running container NAME: its state dir, its init's host PID and a
 * pidfd for it (checked against the init's recorded start time). */
static int find_running(const char *name, char *dir, size_t size, pid_t *pid,
                        int *pidfd)
{
    if (state_check_name(name) < 0)
        return -1;
    snprintf(dir, size, "%s/%s", state_base(), name);
    if (!state_in_use(dir) || state_open_init(dir, pid, pidfd) != 1)
        return error_msg("no running container '%s' (see: minictr ps)", name);
    return 0;
}

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
    struct cap_plan plan = {.no_new_privs = 1};
    struct policy policy;
    struct cgroup cg;
    int has_cgroup;
    pid_t child;

    /* 1. Run's policy, -w and -e, while the state dir is in sight. */
    if (policy_load(dir, &policy) < 0)
        _exit(EXIT_TOOL_FAILED);
    plan.keep = policy.keep_caps;
    trace("policy from %s: caps %llx, seccomp %u instructions", dir,
          (unsigned long long)plan.keep, (unsigned)policy.filter.len);
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
static int exec_in_container(const char *name, char **command)
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

/* rm: what an ended (-d) container left: its log and state. */
static int remove_container(const char *name)
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
    else if (state_in_use(dir))
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
static int signal_container(const char *name, int sig, int then_kill)
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
        for (int i = 0; i < 100 && state_in_use(dir); i++)
            usleep(100000);
        if (state_in_use(dir)) {
            trace("still running after 10 s: pidfd_send_signal(pidfd of %d, "
                  "SIGKILL)",
                  (int)init);
            pidfd_send_signal(pidfd, SIGKILL, NULL, 0);
            for (int i = 0; i < 50 && state_in_use(dir); i++)
                usleep(100000);
        }
    }
    close(pidfd);
    return 0;
}

/* A signal as `kill` takes it: a number 1-64, or a name with or without
 * SIG (TERM, SIGTERM, sigterm). The whole word, or -1: "9x" is no 9. */
static int parse_signal(const char *text)
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

/* --- the command line
 * ---------------------------------------------------------- */

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
        "  --timings          print the microseconds each phase took\n"
        "  -v                 trace every step\n"
        "Exit status: the command's (run, exec); 125 when minictr itself "
        "fails or\nis used wrongly (docker's rule: 2 may be the command's "
        "own).\n",
        program_name, program_name, program_name);
}

/* Names and paths go into line-based state files that exec reads back:
 * a newline in one would add a line of the attacker's choosing. */
static int has_control_character(const char *text)
{
    for (const char *c = text; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            return 1;
    return 0;
}

/* The rootfs next to the binary's tree: <ctlab>/rootfs. */
static void default_rootfs(char *rootfs, size_t size)
{
    char self[PATH_MAX];
    ssize_t length = readlink("/proc/self/exe", self, sizeof(self) - 1);
    char *slash;

    snprintf(rootfs, size, "rootfs");
    if (length <= 0)
        return;
    self[length] = '\0';
    for (int up = 0; up < 2 && (slash = strrchr(self, '/')); up++)
        *slash = '\0';
    snprintf(rootfs, size, "%.*s/rootfs", (int)(size - 8), self);
}

/* -e KEY=VAL, or -e KEY for the host's value of KEY (docker's way). */
static int add_env(struct options *opt, const char *text)
{
    const char *value;
    char *entry;

    if (!text[0] || text[0] == '=' || strchr(text, '\n'))
        return error_msg("-e: want KEY=VALUE, on one line");
    if (opt->env_count == MAX_ENV)
        return error_msg("-e: at most %d", MAX_ENV);
    if (!strchr(text, '=')) {
        value = getenv(text);
        if (!value)
            return 0; /* unset on the host: unset inside */
        if (asprintf(&entry, "%s=%s", text, value) < 0)
            return error_errno("-e");
        text = entry;
    }
    opt->env[opt->env_count++] = text;
    return 0;
}

/* The defaults go first, so that -e overrides them (putenv, in order). */
static int finish_env(struct options *opt)
{
    const char *defaults[4];
    char *hostname;
    int n = 0;

    if (asprintf(&hostname, "HOSTNAME=%s", opt->hostname) < 0)
        return error_errno("asprintf");
    defaults[n++] = "PATH=" DEFAULT_PATH;
    defaults[n++] = hostname;
    defaults[n++] = "HOME=/root";
    if (opt->tty)
        defaults[n++] = "TERM=xterm";
    memmove(opt->env + n, opt->env, sizeof(opt->env[0]) * opt->env_count);
    memcpy(opt->env, defaults, sizeof(defaults[0]) * n);
    opt->env_count += n;
    return 0;
}

/* A container path in its one spelling: "/a/b", from "//a/./b/" too.
 * Every component is looked at, so "/.", "//" and "/a/.." are what they
 * are: the root, or a way up. Returns 0 with a path below "/", -1 when
 * it is "/" itself or has "..". */
static int normalise_container_path(const char *path, char *out, size_t size)
{
    size_t used = 0;

    for (const char *c = path; *c;) {
        size_t length = strcspn(c, "/");

        if (length == 2 && c[0] == '.' && c[1] == '.')
            return -1;
        if (length > 0 && !(length == 1 && c[0] == '.')) {
            if (used + 1 + length >= size)
                return -1;
            out[used++] = '/';
            memcpy(out + used, c, length);
            used += length;
        }
        c += length;
        c += *c == '/';
    }
    out[used] = '\0';
    return used > 0 ? 0 : -1;
}

/* --volume HOST:CTR[:ro|:rw]. */
static int add_volume(struct options *opt, const char *text)
{
    struct volume *v = &opt->volumes[opt->volume_count];
    char host[PATH_MAX], container[PATH_MAX], *colon, *mode;

    if (opt->volume_count == MAX_VOLUMES)
        return error_msg("--volume: at most %d", MAX_VOLUMES);
    snprintf(host, sizeof(host), "%s", text);
    colon = strchr(host, ':');
    if (!colon || host[0] != '/' || colon[1] != '/')
        return error_msg("--volume %s: want /HOST/PATH:/CONTAINER/PATH[:ro]",
                         text);
    *colon = '\0';
    mode = strchr(colon + 1, ':');
    if (mode) {
        if (strcmp(mode, ":ro") != 0 && strcmp(mode, ":rw") != 0)
            return error_msg("--volume %s: the mode is ro or rw", text);
        v->read_only = strcmp(mode, ":ro") == 0;
        *mode = '\0';
    }
    if (normalise_container_path(colon + 1, container, sizeof(container)) < 0)
        return error_msg("--volume %s: the container path must be below / "
                         "and without '..'",
                         text);
    v->container = strdup(container);
    if (!v->container)
        return error_errno("strdup");
    if (!realpath(host, v->host))
        return error_errno("--volume %s: %s", text, host);
    opt->volume_count++;
    return 0;
}

static int parse_run_options(int argc, char **argv, struct options *opt)
{
    static const struct option longopts[] = {
        {"name", required_argument, NULL, 'n'},
        {"rootfs", required_argument, NULL, 'r'},
        {"hostname", required_argument, NULL, 'H'},
        {"memory", required_argument, NULL, 'm'},
        {"cpus", required_argument, NULL, 'c'},
        {"pids", required_argument, NULL, 'p'},
        {"net", required_argument, NULL, 'N'},
        {"ip", required_argument, NULL, 'i'},
        {"cap-add", required_argument, NULL, 'a'},
        {"cap-drop", required_argument, NULL, 'C'},
        {"seccomp", required_argument, NULL, 's'},
        {"read-only", no_argument, NULL, 'R'},
        {"init", required_argument, NULL, 'I'},
        {"detach", no_argument, NULL, 'D'},
        {"tty", no_argument, NULL, 't'},
        {"env", required_argument, NULL, 'e'},
        {"workdir", required_argument, NULL, 'w'},
        {"volume", required_argument, NULL, 'V'},
        {"rootless", no_argument, NULL, 'U'},
        {"timings", no_argument, NULL, 'T'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    char rootfs[PATH_MAX];
    struct ipv4_cidr cidr;
    int c, index, cap, net_given = 0;

    /* Docker's 14 capabilities unless told otherwise. */
    for (const char *const *name = docker_default_caps; *name; name++)
        opt->keep_caps |= CAP_BIT(cap_parse("default", *name));
    opt->seccomp = "default";
    opt->use_init = 1;
    default_rootfs(rootfs, sizeof(rootfs));
    optind = 0;
    while ((c = getopt_long(argc, argv, "+vhdte:w:", longopts, &index)) != -1) {
        char option[32];

        switch (c) {
        case 'n':
            if (state_check_name(optarg) < 0)
                return -1;
            snprintf(opt->name, sizeof(opt->name), "%s", optarg);
            break;
        case 'r':
            snprintf(rootfs, sizeof(rootfs), "%s", optarg);
            break;
        case 'H':
            if (strlen(optarg) > 64 || !optarg[0])
                return error_msg("--hostname: 1 to 64 bytes");
            if (has_control_character(optarg))
                return error_msg("--hostname: no control characters");
            opt->hostname = optarg;
            break;
        case 'm':
        case 'c':
        case 'p':
            snprintf(option, sizeof(option), "--%s", longopts[index].name);
            if (cgroup_limit_from_option(option, optarg, &opt->limits) < 0)
                return -1;
            opt->limit_count++;
            break;
        case 'N':
            net_given = 1;
            if (strcmp(optarg, "bridge") == 0)
                opt->net = NET_BRIDGE;
            else if (strcmp(optarg, "none") == 0)
                opt->net = NET_NONE;
            else if (strcmp(optarg, "host") == 0)
                opt->net = NET_HOST;
            else
                return error_msg("--net %s: bridge, none or host", optarg);
            break;
        case 'i': {
            char text[64];
            snprintf(text, sizeof(text), "%s/16", optarg);
            if (parse_ipv4_cidr(text, &cidr) < 0 ||
                (ntohl(cidr.address.s_addr) & 0xffff0000) != 0x0ac80000 ||
                (ntohl(cidr.address.s_addr) & 0xffff) < 2 ||
                (ntohl(cidr.address.s_addr) & 0xffff) == 0xffff)
                return error_msg("--ip %s: want an address in 10.200.0.0/16 "
                                 "other than 10.200.0.0, .0.1 (the bridge) "
                                 "and .255.255",
                                 optarg);
            opt->ip = cidr.address;
            opt->ip_given = 1;
            break;
        }
        case 'a':
        case 'C':
            if (strcasecmp(optarg, "ALL") == 0) {
                opt->cap_add_all = c == 'a';
                opt->keep_caps = 0;
                break;
            }
            cap = cap_parse(c == 'a' ? "--cap-add" : "--cap-drop", optarg);
            if (cap < 0)
                return -1;
            if (c == 'a')
                opt->keep_caps |= CAP_BIT(cap);
            else
                opt->keep_caps &= ~CAP_BIT(cap);
            break;
        case 's':
            opt->seccomp = optarg;
            break;
        case 'R':
            opt->read_only = 1;
            break;
        case 'd': /* -d */
        case 'D':
            opt->detach = 1;
            break;
        case 't':
            opt->tty = 1;
            break;
        case 'e':
            if (add_env(opt, optarg) < 0)
                return -1;
            break;
        case 'w':
            if (optarg[0] != '/' || has_control_character(optarg))
                return error_msg("-w: want an absolute path, without "
                                 "control characters");
            opt->workdir = optarg;
            break;
        case 'V':
            if (add_volume(opt, optarg) < 0)
                return -1;
            break;
        case 'U':
            opt->rootless = 1;
            break;
        case 'T':
            opt->timings = 1;
            break;
        case 'I':
            if (strcmp(optarg, "false") != 0 && strcmp(optarg, "true") != 0)
                return error_msg("--init=%s: true or false", optarg);
            opt->use_init = strcmp(optarg, "true") == 0;
            break;
        case 'v':
            trace_on = true;
            break;
        case 'h':
            usage(stdout);
            exit(0);
        default:
            return report_bad_option(argv);
        }
    }
    if (optind == argc)
        return error_msg("run: no command given (see: %s --help)",
                         program_name);
    opt->command = argv + optind;
    if (rootfs_check(rootfs) < 0 || !realpath(rootfs, opt->rootfs))
        return -1;
    if (!opt->name[0])
        snprintf(opt->name, sizeof(opt->name), "ctlab-%d", (int)getpid());
    if (!opt->hostname)
        opt->hostname = opt->name;
    if (opt->cap_add_all) /* in a user namespace we have them all */
        opt->keep_caps |= opt->rootless ? all_caps() : cap_permitted_now();
    /* Docker's device rules (chapter 05): CAP_MKNOD stays, so a node of
     * any device may be made, but only the minimal /dev's, the ptys and
     * ptmx may be opened; without them, root inside could mknod the
     * host's disk and read it. Rootless needs none: a user namespace may
     * not make device nodes, and its mounts ignore them (nodev). */
    if (!opt->rootless) {
        memcpy(opt->limits.devices, cgroup_default_device_rules,
               sizeof(opt->limits.devices[0]) *
                   (size_t)cgroup_default_device_rule_count);
        opt->limits.device_count = cgroup_default_device_rule_count;
    }
    /* A user namespace maps root inside to whoever runs us: run by root,
     * that is uid 0 itself, and the container's root owns the host's
     * files (the /dev nodes bound in, /proc/sys once unmounted) as much
     * as before. Rootless means run by a user. */
    if (opt->rootless && geteuid() == 0)
        return error_msg("--rootless as root would map root inside to the "
                         "host's uid 0; run it as a user (sudo -u nobody "
                         "minictr run ...)");
    if (!net_given && opt->rootless)
        opt->net = NET_NONE;
    if (opt->rootless && opt->net == NET_BRIDGE && geteuid() != 0)
        return error_msg("--net bridge needs root: a veth on the host's "
                         "bridge is the host's to make (rootless: --net "
                         "none, or --net host)");
    if (opt->ip_given && opt->net != NET_BRIDGE)
        return error_msg("--ip needs --net bridge");
    if (opt->tty && opt->detach)
        return error_msg("-t with -d: a detached container has no "
                         "terminal to attach (run it in the foreground)");
    /* The seccomp profile too: read and compiled here, on the host, so
     * a bad one stops us before anything is made (and --seccomp FILE is
     * the host's file, not one in the image). */
    if (strcmp(opt->seccomp, "unconfined") != 0) {
        opt->filter =
            strcmp(opt->seccomp, "default") == 0
                ? filter_from_profile(default_profile, "the default profile",
                                      UNKNOWN_SKIP)
                : filter_from_file(opt->seccomp, UNKNOWN_SKIP);
        if (!opt->filter)
            return -1;
    }
    return finish_env(opt);
}

int main(int argc, char **argv)
{
    struct options opt = {0};

    started_ns = now_ns();
    set_program_name(argv[0]);
    opterr = 0;
    /* 0. stdin, stdout and stderr open: started with one closed, our own
     *    first open (a pipe, the state lock) would become fd 0, 1 or 2
     *    and be handed on as the container's stdio. */
    for (int fd = 0; fd < 3; fd++)
        if (fcntl(fd, F_GETFD) < 0 && open("/dev/null", O_RDWR) != fd)
            return EXIT_TOOL_FAILED;
    /* 1. -v before the command word. */
    switch (take_leading_options(&argc, &argv, usage)) {
    case 0:
        return 0;
    case -1:
        return EXIT_TOOL_FAILED;
    }
    if (strcmp(argv[1], "doctor") == 0 && argc == 2) /* make doctor's */
        return doctor_run() ? 1 : 0;
    if (strcmp(argv[1], "ps") == 0 || strcmp(argv[1], "gc") == 0)
        return list_containers(argv[1][0] == 'g') < 0 ? 1 : 0;
    if (strcmp(argv[1], "exec") == 0 && argc >= 4) {
        int first = strcmp(argv[3], "--") == 0 ? 4 : 3;
        if (first < argc)
            return exec_in_container(argv[2], argv + first);
    }
    if (strcmp(argv[1], "rm") == 0 && argc == 3)
        return remove_container(argv[2]);
    if (strcmp(argv[1], "stop") == 0 && argc == 3)
        return signal_container(argv[2], SIGTERM, 1);
    if (strcmp(argv[1], "kill") == 0 && (argc == 3 || argc == 4)) {
        int sig = argc == 4 ? parse_signal(argv[3]) : SIGKILL;
        if (sig < 0) {
            error_msg("kill: signal '%s': want a number 1-%d or a name "
                      "(TERM, SIGTERM)",
                      argv[3], SIGRTMAX);
            return EXIT_TOOL_FAILED;
        }
        return signal_container(argv[2], sig, 0);
    }
    if (strcmp(argv[1], "run") != 0) {
        error_msg("unknown command or wrong arguments: '%s' (see: %s "
                  "--help)",
                  argv[1], program_name);
        return EXIT_TOOL_FAILED;
    }
    /* Not root: a user namespace gives us root's powers over the new
     * namespaces (and nothing on the host), as podman does. */
    opt.rootless = geteuid() != 0;
    if (parse_run_options(argc - 1, argv + 1, &opt) < 0)
        return EXIT_TOOL_FAILED;
    if (opt.timings) {
        timings = mmap(NULL, sizeof(*timings), PROT_READ | PROT_WRITE,
                       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        if (timings == MAP_FAILED)
            timings = NULL;
        phase_end(PHASE_VALIDATE);
    }
    return run_container(&opt);
}
