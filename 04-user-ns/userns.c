/* 04-user-ns/userns.c - run a command in a new user namespace, with the
 * uid and gid maps you ask for.
 *
 *     ./userns -v --map-root -- id          # as a normal user: root inside
 *     sudo ./userns --map-user 0:100000:65536 --map-group 0:100000:65536 -- id
 *     ./userns --subids -- cat /proc/self/uid_map   # ranges from /etc/subuid
 *
 * A new user namespace starts with no ids mapped: its processes show up as
 * the overflow id 65534 ("nobody"), inside and on files. The maps say
 * which host ids stand behind which ids inside. Each file, uid_map and
 * gid_map, is written once, in one write, by a process outside: here the
 * parent, while the child waits on a pipe. Then the child execs.
 *
 * Who may write what (user_namespaces(7), "Defining user and group ID
 * mappings"):
 *   - root (CAP_SETUID/CAP_SETGID over the parent namespace): any ids;
 *   - anyone else: one line mapping their own id, and for gid_map only
 *     after writing "deny" to /proc/PID/setgroups;
 *   - newuidmap/newgidmap (setuid helpers from shadow): the ranges that
 *     /etc/subuid and /etc/subgid grant the user (--subids).
 *
 * Read: user_namespaces(7), newuidmap(1), subuid(5), LWN "Namespaces in
 * operation, part 5: User namespaces".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "err.h"
#include "exec.h"
#include "file.h"
#include "parse.h"
#include "process.h"
#include "userns.h"

#define MAX_ID 4294967294UL /* (uid_t)-1 is never a valid id */

struct options {
    struct id_map uids, gids;
    bool subids;         /* use newuidmap/newgidmap and /etc/sub[ug]id */
    bool skip_setgroups; /* --no-setgroups-deny: show the pitfall */
    char **command;
};

/* --- checking the maps before any system call ----------------------------*/

/* Do [a, a+n) and [b, b+m) share an id? */
static bool ranges_overlap(unsigned long a, unsigned long n, unsigned long b,
                           unsigned long m)
{
    return a < b + m && b < a + n;
}

/* Parse "INSIDE:OUTSIDE:COUNT" and add it to MAP. The kernel refuses maps
 * whose ranges overlap, inside or outside: say so now, clearly. */
static int add_range(struct id_map *map, const char *option, const char *text)
{
    struct id_range r;
    char extra;

    if (sscanf(text, "%lu:%lu:%lu%c", &r.inside, &r.outside, &r.count,
               &extra) != 3 ||
        text[0] == '-' || strchr(text, '-') || r.count == 0)
        return error_msg("%s '%s': expected INSIDE:OUTSIDE:COUNT, e.g. "
                         "0:100000:65536",
                         option, text);
    if (r.inside + r.count - 1 > MAX_ID || r.outside + r.count - 1 > MAX_ID)
        return error_msg("%s '%s': ids go up to %lu", option, text, MAX_ID);
    if (map->count == ID_MAP_MAX_RANGES)
        return error_msg("%s: at most %d ranges", option, ID_MAP_MAX_RANGES);
    for (int i = 0; i < map->count; i++) {
        const struct id_range *o = &map->ranges[i];
        if (ranges_overlap(r.inside, r.count, o->inside, o->count) ||
            ranges_overlap(r.outside, r.count, o->outside, o->count))
            return error_msg("%s '%s' overlaps %lu:%lu:%lu (the kernel "
                             "refuses overlapping ranges)",
                             option, text, o->inside, o->outside, o->count);
    }
    map->ranges[map->count++] = r;
    return 0;
}

/* Without root or newuidmap, the kernel takes one line: our own id. */
static int check_unprivileged_map(const struct id_map *map,
                                  unsigned long own_id)
{
    const struct id_range *r = &map->ranges[0];

    if (map->count == 0)
        return 0;
    if (map->count == 1 && r->outside == own_id && r->count == 1)
        return 0;
    return error_msg("cannot map %s %lu:%lu:%lu: without root you may map "
                     "only your own %s (N:%lu:1); use --subids for ranges "
                     "from /etc/sub%s, or run as root",
                     map->kind, r->inside, r->outside, r->count, map->kind,
                     own_id, map->kind);
}

/* --- writing the maps (in the parent) ------------------------------------*/

/* Write /proc/CHILD/FILE in one write; say what was refused and why. */
static int write_map_file(pid_t child, const char *file, const char *text,
                          const char *hint)
{
    char path[64];

    snprintf(path, sizeof(path), "/proc/%d/%s", (int)child, file);
    if (write_file(path, text) < 0)
        return error_msg("write %s: %s%s", path, strerror(errno),
                         hint ? hint : "");
    return 0;
}

static int write_maps(const struct options *opt, pid_t child)
{
    char text[ID_MAP_MAX_RANGES * 40];

    if (opt->subids)
        return run_id_helper("newuidmap", child, &opt->uids) < 0 ||
                       run_id_helper("newgidmap", child, &opt->gids) < 0
                   ? -1
                   : 0;

    if (opt->uids.count) {
        format_id_map(&opt->uids, text, sizeof(text));
        if (write_map_file(child, "uid_map", text, NULL) < 0)
            return -1;
    }
    if (opt->gids.count) {
        /* Without this, a process could drop a supplementary group that a
         * file uses to *deny* it access (CVE-2014-8989). So since 3.19 an
         * unprivileged gid_map write needs setgroups(2) disabled first. */
        if (!opt->skip_setgroups && geteuid() != 0) {
            trace("setgroups must be denied before an unprivileged gid_map "
                  "write:");
            if (write_map_file(child, "setgroups", "deny", NULL) < 0)
                return -1;
        }
        format_id_map(&opt->gids, text, sizeof(text));
        if (write_map_file(child, "gid_map", text,
                           opt->skip_setgroups
                               ? " (an unprivileged gid_map needs \"deny\" "
                                 "in /proc/PID/setgroups first: drop "
                                 "--no-setgroups-deny)"
                               : NULL) < 0)
            return -1;
    }
    return 0;
}

/* --- the child ------------------------------------------------------------*/

/* Is ID 0 mapped in MAP? Then the child can become root inside. */
static bool maps_root(const struct id_map *map)
{
    for (int i = 0; i < map->count; i++)
        if (map->ranges[i].inside == 0)
            return true;
    return false;
}

/* After the maps are written: if root is mapped and we are not it yet
 * (root ran us with a range not covering its own uid), become it. We
 * hold every capability in our new namespace until exec. */
static void become_mapped_root(const struct options *opt)
{
    if (maps_root(&opt->gids) && getgid() != 0) {
        trace("setresgid(0, 0, 0)");
        if (setresgid(0, 0, 0) < 0)
            error_errno("setresgid(0)");
    }
    if (maps_root(&opt->uids) && getuid() != 0) {
        trace("setresuid(0, 0, 0)");
        if (setresuid(0, 0, 0) < 0)
            error_errno("setresuid(0)");
    }
}

/* --- command line ---------------------------------------------------------*/

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: %s [-v] [--map-root] [--map-user IN:OUT:N]... "
            "[--map-group IN:OUT:N]...\n"
            "          [--subids] [--no-setgroups-deny] [--] CMD [ARG...]\n"
            "Run CMD in a new user namespace with the given id maps.\n"
            "\n"
            "  --map-root            root inside is you outside (uid and gid)\n"
            "  --map-user IN:OUT:N   uids IN..IN+N-1 inside are OUT.. outside\n"
            "  --map-group IN:OUT:N  the same for gids\n"
            "  --subids              0 is you, 1.. your /etc/subuid and\n"
            "                        /etc/subgid range (newuidmap/newgidmap)\n"
            "  --no-setgroups-deny   skip the setgroups \"deny\" step, to see\n"
            "                        the gid_map write fail\n"
            "  -v                    trace every step on stderr\n"
            "  -h, --help            show this help\n"
            "With no map, the command runs unmapped: as 65534 (nobody).\n",
            program_name);
}

static int parse_options(int argc, char **argv, struct options *opt)
{
    static const struct option longopts[] = {
        {"map-root", no_argument, NULL, 'r'},
        {"map-user", required_argument, NULL, 'u'},
        {"map-group", required_argument, NULL, 'g'},
        {"subids", no_argument, NULL, 's'},
        {"no-setgroups-deny", no_argument, NULL, 'S'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    char own[64];
    int c;

    opterr = 0;
    while ((c = getopt_long(argc, argv, "+vh", longopts, NULL)) != -1) {
        switch (c) {
        case 'v':
            trace_on = true;
            break;
        case 'r':
            snprintf(own, sizeof(own), "0:%u:1", (unsigned)geteuid());
            if (add_range(&opt->uids, "--map-root", own) < 0)
                return -1;
            snprintf(own, sizeof(own), "0:%u:1", (unsigned)getegid());
            if (add_range(&opt->gids, "--map-root", own) < 0)
                return -1;
            break;
        case 'u':
            if (add_range(&opt->uids, "--map-user", optarg) < 0)
                return -1;
            break;
        case 'g':
            if (add_range(&opt->gids, "--map-group", optarg) < 0)
                return -1;
            break;
        case 's':
            opt->subids = true;
            break;
        case 'S':
            opt->skip_setgroups = true;
            break;
        case 'h':
            usage(stdout);
            exit(0);
        default:
            return report_bad_option(argv);
        }
    }
    if (optind >= argc)
        return error_msg("no command given (try: %s --map-root -- sh)",
                         program_name);
    if (opt->subids && (opt->uids.count || opt->gids.count))
        return error_msg("--subids makes its own maps: leave out --map-*");
    opt->command = argv + optind;
    return 0;
}

int main(int argc, char **argv)
{
    struct options opt = {.uids = {.kind = "uid"}, .gids = {.kind = "gid"}};
    sigset_t saved_mask;
    int sync_pipe[2];
    pid_t child;

    set_program_name(argv[0]);

    /* 1. Options and maps, checked before any system call. */
    if (parse_options(argc, argv, &opt) < 0)
        return EXIT_USAGE;
    if (opt.subids && subid_maps(&opt.uids, &opt.gids, 0) < 0)
        return EXIT_TOOL_FAILED;
    if (!opt.subids && geteuid() != 0 &&
        (check_unprivileged_map(&opt.uids, geteuid()) < 0 ||
         check_unprivileged_map(&opt.gids, getegid()) < 0))
        return EXIT_TOOL_FAILED;

    /* 2. The child in a new user namespace, waiting for its maps. */
    if (pipe2(sync_pipe, O_CLOEXEC) < 0) {
        error_errno("pipe2");
        return EXIT_TOOL_FAILED;
    }
    if (block_forwarded_signals(&saved_mask) < 0)
        return EXIT_TOOL_FAILED;
    child = clone_child(CLONE_NEWUSER, "<- unmapped until we write its maps");
    if (child < 0)
        return EXIT_TOOL_FAILED;
    if (child == 0) {
        close(sync_pipe[1]);
        child_wait_for_parent(sync_pipe[0]);
        /* 4. (child) Maps in place: be root inside if it is mapped. */
        become_mapped_root(&opt);
        sigprocmask(SIG_SETMASK, &saved_mask, NULL);
        exec_command(opt.command);
    }
    close(sync_pipe[0]);

    /* 3. Write its maps from outside, then let it go. */
    if (write_maps(&opt, child) < 0 || forward_signals_to(child) < 0 ||
        release_child(sync_pipe[1]) < 0) {
        kill(child, SIGKILL);
        wait_for_exit_code(child);
        return EXIT_TOOL_FAILED;
    }
    sigprocmask(SIG_SETMASK, &saved_mask, NULL);

    /* 5. Its exit status is ours. */
    return wait_for_exit_code(child);
}
