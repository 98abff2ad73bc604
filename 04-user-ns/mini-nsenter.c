/* 04-user-ns/mini-nsenter.c - util-linux nsenter(1), the heart of
 * `docker exec`: run a command inside a running process's namespaces.
 *
 *     sudo ./mini-nsenter -v -t 4242 --all -- sh
 *     sudo ./mini-nsenter -t 4242 --net -- ip addr     # host's ip, their net
 *
 * Two ways to join, both shown with -v:
 *   - Linux 5.8+: pidfd_open(PID) and ONE setns(pidfd, CLONE_NEW...) that
 *     joins all chosen namespaces at once: atomic, and no race with the
 *     process exiting and its PID being reused between steps.
 *   - Before 5.8 (or with --proc-files): open every /proc/PID/ns/TYPE
 *     first -- after joining the mount namespace, /proc is theirs -- then
 *     setns() each file in turn. Then the order of the user namespace
 *     matters; see join_by_files().
 * Joining a PID namespace, like creating one, only affects children, so
 * we fork afterwards and the child runs the command.
 *
 * Read: setns(2), pidfd_open(2), nsenter(1), namespaces(7).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "exec.h"
#include "flags.h"
#include "namespaces.h"
#include "parse.h"
#include "process.h"

/* The PATH a command gets unless --preserve-env: the chapter's tip of
 * `env -i PATH=...`, so a host PATH does not leak in and miss. */
#define CLEAN_PATH                                                             \
    "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

struct options {
    pid_t target;
    int flags;         /* CLONE_NEW* asked for */
    bool all;          /* --all: every namespace that differs from ours */
    bool preserve_env; /* --preserve-env */
    bool proc_files;   /* --proc-files: the pre-5.8 way */
    char **command;
};

/* --- choosing
 * ---------------------------------------------------------------*/

/* Is the target in the same TYPE namespace as we are? Then there is
 * nothing to join, and joining our own user namespace is even an error
 * (EINVAL: no regaining capabilities by re-entering it). */
static bool same_namespace(pid_t target, const char *type)
{
    char path[64];
    struct stat ours, theirs;

    snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)target, type);
    if (stat(path, &theirs) < 0)
        return false; /* let setns report it */
    snprintf(path, sizeof(path), "/proc/self/ns/%s", type);
    return stat(path, &ours) == 0 && ours.st_ino == theirs.st_ino &&
           ours.st_dev == theirs.st_dev;
}

/* The flags to join: those asked for (all, with --all), minus the ones
 * we share with the target already. */
static int namespaces_to_join(const struct options *opt)
{
    int flags = 0;

    for (const struct namespace_type *t = namespace_types; t->name; t++) {
        if (!opt->all && !(opt->flags & t->flag))
            continue;
        if (same_namespace(opt->target, t->proc_file)) {
            trace("%s: already shared with %d, skipped", t->name,
                  (int)opt->target);
            continue;
        }
        flags |= t->flag;
    }
    return flags;
}

/* --- joining
 * ----------------------------------------------------------------*/

/* Linux 5.8+: all at once. Returns 1 if the kernel is too old (EINVAL
 * for a pidfd in setns), so the caller falls back to /proc files. */
static int join_by_pidfd(int pidfd, pid_t target, int flags)
{
    char names[160];

    flags_to_string(clone_flag_names, flags, names, sizeof(names));
    trace("setns(pidfd, %s)  <- every namespace in one atomic step", names);
    if (setns(pidfd, flags) == 0)
        return 0;
    if (errno == EINVAL) {
        trace("setns with a pidfd: EINVAL (kernel < 5.8?), using "
              "/proc/PID/ns files");
        return 1;
    }
    if (errno == EPERM && geteuid() != 0 && !(flags & CLONE_NEWUSER))
        return error_msg("setns(pidfd of %d, %s): %s (joining needs "
                         "CAP_SYS_ADMIN over those namespaces: as a normal "
                         "user, also join their user namespace, -U)",
                         (int)target, names, strerror(EPERM));
    return error_errno("setns(pidfd of %d, %s)", (int)target, names);
}

/* One namespace file: setns(fd, its type). */
static int join_one(const struct namespace_type *t, int fd)
{
    char name[32];

    trace("setns(fd of /proc/PID/ns/%s, %s)", t->proc_file,
          flags_to_string(clone_flag_names, t->flag, name, sizeof(name)));
    if (setns(fd, t->flag) < 0)
        return error_errno("setns %s namespace", t->name);
    return 0;
}

/* The pre-5.8 way. Order matters for the user namespace:
 *   - root joining a container (dropping privilege): the other namespaces
 *     first, while we still hold our capabilities over them; the user
 *     namespace last, after which we hold only what it grants.
 *   - a user joining their own rootless container (gaining privilege):
 *     the user namespace first, because it owns the others and is what
 *     gives us CAP_SYS_ADMIN over them.
 * (util-linux nsenter gets the same effect with two passes.) */
static int join_by_files(pid_t target, int flags)
{
    /* fds[i] for namespace_types[i]; [0] is the user namespace. */
    int fds[8] = {-1, -1, -1, -1, -1, -1, -1, -1};
    const struct namespace_type *user = &namespace_types[0];
    bool user_first = geteuid() != 0;
    char path[64];
    int i, ret = -1;

    /* 1. Open every file before joining anything: after the mount
     *    namespace, /proc would be the target's. */
    for (i = 0; namespace_types[i].name; i++) {
        if (!(flags & namespace_types[i].flag))
            continue;
        snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)target,
                 namespace_types[i].proc_file);
        fds[i] = open(path, O_RDONLY | O_CLOEXEC);
        if (fds[i] < 0) {
            error_errno("open %s", path);
            goto out;
        }
    }
    /* 2. Join: the user namespace first or last, as explained above. */
    if (flags & CLONE_NEWUSER)
        trace("user namespace %s (%s)", user_first ? "first" : "last",
              user_first
                  ? "not root: it gives us the privilege to join the rest"
                  : "root: keep our privilege until the others are joined");
    if (user_first && (flags & CLONE_NEWUSER) && join_one(user, fds[0]) < 0)
        goto out;
    for (i = 1; namespace_types[i].name; i++)
        if (fds[i] >= 0 && join_one(&namespace_types[i], fds[i]) < 0)
            goto out;
    if (!user_first && (flags & CLONE_NEWUSER) && join_one(user, fds[0]) < 0)
        goto out;
    ret = 0;
out:
    for (i = 0; i < 8; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    return ret;
}

/* Unless --preserve-env: only a clean PATH (and TERM, for the terminal). */
static void clean_environment(void)
{
    const char *term = getenv("TERM");
    char *saved_term = term ? strdup(term) : NULL;

    trace("clearenv(); PATH=%s%s", CLEAN_PATH, saved_term ? " TERM kept" : "");
    clearenv();
    setenv("PATH", CLEAN_PATH, 1);
    if (saved_term)
        setenv("TERM", saved_term, 1);
    free(saved_term);
}

/* --- command line
 * -----------------------------------------------------------*/

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: %s [-v] -t PID [-a|--all] [namespaces] [--preserve-env] "
            "[--] CMD [ARG...]\n"
            "Run CMD in the namespaces of process PID, like nsenter(1).\n"
            "\n"
            "  -t, --target PID   the process whose namespaces to join\n"
            "  -a, --all          every namespace it does not share with us\n"
            "  -U --user  -C --cgroup  -i --ipc  -u --uts  -n --net\n"
            "  -p --pid  -m --mount  -T --time      or pick them\n"
            "  --preserve-env     keep our environment (default: PATH only)\n"
            "  --proc-files       join through /proc/PID/ns files, one by\n"
            "                     one, as before Linux 5.8 (default: pidfd)\n"
            "  -v  trace every step;  -h, --help  this help\n",
            program_name);
}

static int parse_options(int argc, char **argv, struct options *opt)
{
    enum { PRESERVE_ENV = 256, PROC_FILES };
    static const struct option longopts[] = {
        {"target", required_argument, NULL, 't'},
        {"all", no_argument, NULL, 'a'},
        {"user", no_argument, NULL, 'U'},
        {"cgroup", no_argument, NULL, 'C'},
        {"ipc", no_argument, NULL, 'i'},
        {"uts", no_argument, NULL, 'u'},
        {"net", no_argument, NULL, 'n'},
        {"pid", no_argument, NULL, 'p'},
        {"mount", no_argument, NULL, 'm'},
        {"time", no_argument, NULL, 'T'},
        {"preserve-env", no_argument, NULL, PRESERVE_ENV},
        {"proc-files", no_argument, NULL, PROC_FILES},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    unsigned long pid;
    int c;

    opterr = 0;
    while ((c = getopt_long(argc, argv, "+vt:aUCiunpmTh", longopts, NULL)) !=
           -1) {
        /* -U -C -i -u -n -p -m -T: letters from chapter 03's table. */
        const struct namespace_type *type = namespace_by_option(c);
        if (type) {
            opt->flags |= type->flag;
            continue;
        }
        switch (c) {
        case 'v':
            trace_on = true;
            break;
        case 't':
            if (parse_ulong(optarg, 4194304, &pid) < 0 || pid == 0)
                return error_msg("-t: not a PID: '%s'", optarg);
            opt->target = (pid_t)pid;
            break;
        case 'a':
            opt->all = true;
            break;
        case PRESERVE_ENV:
            opt->preserve_env = true;
            break;
        case PROC_FILES:
            opt->proc_files = true;
            break;
        case 'h':
            usage(stdout);
            exit(0);
        default:
            return report_bad_option(argv);
        }
    }
    if (!opt->target)
        return error_msg("no target: -t PID is required");
    if (!opt->all && !opt->flags)
        return error_msg("no namespace chosen: --all, or some of --user "
                         "--cgroup --ipc --uts --net --pid --mount --time");
    if (optind >= argc)
        return error_msg("no command given (try: %s -t PID --all -- sh)",
                         program_name);
    opt->command = argv + optind;
    return 0;
}

int main(int argc, char **argv)
{
    struct options opt = {0};
    int pidfd, flags, joined;
    pid_t child;

    set_program_name(argv[0]);

    /* 1. Options. */
    if (parse_options(argc, argv, &opt) < 0)
        return EXIT_USAGE;

    /* 2. A pidfd: a handle on the process itself, not on a PID number
     *    that could be reused if it exits. */
    trace("pidfd_open(%d)", (int)opt.target);
    pidfd = pidfd_open(opt.target, 0);
    if (pidfd < 0) {
        if (errno == ESRCH)
            error_msg("no process with PID %d", (int)opt.target);
        else
            error_errno("pidfd_open(%d)", (int)opt.target);
        return EXIT_TOOL_FAILED;
    }

    /* 3. Which namespaces to join. */
    flags = namespaces_to_join(&opt);

    /* 4. Join them: one setns() with the pidfd, or file by file. */
    joined = 1;
    if (flags && !opt.proc_files)
        joined = join_by_pidfd(pidfd, opt.target, flags);
    if (flags && joined == 1)
        joined = join_by_files(opt.target, flags);
    close(pidfd);
    if (joined < 0)
        return EXIT_TOOL_FAILED;

    /* 5. The environment the command sees. */
    if (!opt.preserve_env)
        clean_environment();

    /* 6. In a joined PID namespace only children are inside: fork. */
    if (!(flags & CLONE_NEWPID))
        exec_command(opt.command);
    trace("fork: only children enter a joined PID namespace");
    child = clone_child(0, "<- inside the target's PID namespace");
    if (child < 0)
        return EXIT_TOOL_FAILED;
    if (child == 0)
        exec_command(opt.command);
    if (forward_signals_to(child) < 0) {
        kill(child, SIGKILL);
        wait_for_exit_code(child);
        return EXIT_TOOL_FAILED;
    }
    return wait_for_exit_code(child);
}
