/* 05-cgroups/cgctl.c - make cgroups, limit them, run commands in them.
 *
 * The C version of the chapter's `mkdir /sys/fs/cgroup/NAME; echo ... >
 * memory.max; echo $$ > cgroup.procs`, on any host:
 *
 *     sudo ./cgctl info
 *     sudo ./cgctl -v run --memory 64m --cpus 0.5 --pids 20 -- sh
 *     sudo ./cgctl create web --memory 128m; sudo ./cgctl stat web
 *     sudo ./cgctl -v run --devices default -- sh
 *     sudo ./cgctl run --cpuset-cpus 0 --cpu-shares 512 -- sh
 *     sudo ./cgctl freeze web; sudo ./cgctl procs web; sudo ./cgctl thaw web
 *     sudo ./cgctl create --path /ctlab-oci/c1 --pids 20
 *
 * A cgroup groups processes so the kernel can count what they use and
 * limit it: memory (the OOM killer acts inside the group), CPU time (a
 * quota per period), the CPUs and memory nodes it may use, the number of
 * tasks (fork fails with EAGAIN), block I/O, which device nodes may be
 * opened. Children start in their parent's
 * cgroup, so putting one process in puts in everything it will ever start.
 *
 * This machine may be cgroup v2 (one tree), v1 (a tree per controller) or
 * hybrid (both). `cgctl info` says which; cgroup.c hides the difference,
 * and -v shows every file it writes, so you see both.
 *
 * Read: cgroups(7), cgroup_namespaces(7), clone3(2), and the kernel's
 * Documentation/admin-guide/cgroup-v2.rst.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup.h"
#include "err.h"
#include "exec.h"
#include "process.h"

struct options {
    const char *name;   /* --name (run) or the NAME argument */
    const char *parent; /* --parent: a delegated v2 directory */
    const char *path;   /* --path: below each hierarchy's root, not ctlab/ */
    int cgroupns;       /* --cgroupns (run) */
    int limit_count;    /* how many limit options were given */
    struct cgroup_limits limits;
};

/* --- info and ls ------------------------------------------------------------
 */

static void print_controller(const struct cgroup_host *host, const char *name,
                             enum controller c)
{
    const char *v2_name = controller_name(c, 2);

    if (host->v2_mount[0] && (c < CG_CPUACCT || c == CG_CPUSET)) {
        /* v2_controllers is a blank-separated word list. */
        char words[sizeof(host->v2_controllers) + 2];
        char word[40];

        snprintf(words, sizeof(words), " %s ", host->v2_controllers);
        snprintf(word, sizeof(word), " %s ", v2_name);
        if (strstr(words, word)) {
            printf("  %-8s v2  %s\n", name, host->v2_mount);
            return;
        }
    }
    if (host->v1_mount[c][0])
        printf("  %-8s v1  %s\n", name, host->v1_mount[c]);
    else if (c == CG_DEVICES && host->v2_mount[0])
        printf("  %-8s v2  a BPF program on each cgroup directory\n", name);
    else
        printf("  %-8s -   not available\n", name);
}

static int show_info(void)
{
    struct cgroup_host host;
    char line[512];
    FILE *self;

    if (cgroup_host_detect(&host) < 0)
        return -1;
    printf("mode: %s\n", host.mode);
    if (host.v2_mount[0])
        printf("cgroup2: %s (controllers: %s)\n", host.v2_mount,
               host.v2_controllers[0] ? host.v2_controllers : "none");
    printf("controllers:\n");
    print_controller(&host, "memory", CG_MEMORY);
    print_controller(&host, "cpu", CG_CPU);
    print_controller(&host, "pids", CG_PIDS);
    print_controller(&host, "io", CG_IO);
    print_controller(&host, "cpuset", CG_CPUSET);
    print_controller(&host, "devices", CG_DEVICES);
    if (strcmp(host.mode, "v2") != 0) {
        print_controller(&host, "cpuacct", CG_CPUACCT);
        print_controller(&host, "freezer", CG_FREEZER);
    }
    printf("this process (/proc/self/cgroup):\n");
    self = fopen("/proc/self/cgroup", "re");
    if (!self)
        return error_errno("open /proc/self/cgroup");
    while (fgets(line, sizeof(line), self))
        printf("  %s", line);
    fclose(self);
    return 0;
}

/* The names under every ctlab/ directory, each once. */
static int list_cgroups(void)
{
    char seen[64][CG_NAME_MAX], path[PATH_MAX + 16];
    struct cgroup_host host;
    struct dirent *entry;
    int count = 0;

    if (cgroup_host_detect(&host) < 0)
        return -1;
    for (int c = -1; c < CG_COUNT; c++) {
        const char *mount = c < 0 ? host.v2_mount : host.v1_mount[c];
        DIR *d;

        if (!mount[0])
            continue;
        snprintf(path, sizeof(path), "%s/ctlab", mount);
        d = opendir(path);
        if (!d)
            continue;
        while ((entry = readdir(d))) {
            int known = 0;

            if (entry->d_type != DT_DIR || entry->d_name[0] == '.')
                continue;
            for (int i = 0; i < count; i++)
                known |= strcmp(seen[i], entry->d_name) == 0;
            if (!known && count < 64) {
                snprintf(seen[count++], sizeof(seen[0]), "%s", entry->d_name);
                printf("%s\n", entry->d_name);
            }
        }
        closedir(d);
    }
    return 0;
}

/* --- one cgroup -------------------------------------------------------------
 */

/* Find where NAME lives (or would): detect the host, plan the cgroup. */
static int find_cgroup(const struct options *opt, struct cgroup *cg)
{
    struct cgroup_host host;

    if (cgroup_host_detect(&host) < 0)
        return -1;
    trace("cgroup mode: %s", host.mode);
    if (opt->path)
        return cgroup_plan_path(&host, opt->path, &opt->limits, cg);
    return cgroup_plan(&host, opt->name, opt->parent, &opt->limits, cg);
}

static int require_existing(const struct cgroup *cg)
{
    if (cgroup_exists(cg))
        return 0;
    errno = ENOENT;
    if (cg->path[0])
        return error_msg("no cgroup '%s' (create it with: %s create --path "
                         "%s)",
                         cg->path, program_name, cg->path);
    return error_msg("no cgroup '%s' (create it with: %s create %s)", cg->name,
                     program_name, cg->name);
}

/* cgctl procs: one PID a line, as cgroup.procs lists them, the child
 * cgroups' too. The list grows until it holds them all. */
static int print_processes(const struct cgroup *cg)
{
    pid_t *pids = NULL, *bigger;
    int count, max = 256;

    for (;; max *= 2) {
        bigger = realloc(pids, (size_t)max * sizeof(*pids));
        if (!bigger) {
            free(pids);
            return error_errno("list the processes of %s", cg->name);
        }
        pids = bigger;
        count = cgroup_list_processes(cg, pids, max);
        if (count < max)
            break;
    }
    for (int i = 0; i < count; i++)
        printf("%d\n", (int)pids[i]);
    free(pids);
    return count < 0 ? -1 : 0;
}

static void describe_backends(const struct cgroup *cg, char *buf, size_t size)
{
    static const enum controller shown[] = {CG_MEMORY, CG_CPU,    CG_PIDS,
                                            CG_IO,     CG_CPUSET, CG_DEVICES};
    size_t used = 0;

    buf[0] = '\0';
    for (size_t i = 0; i < sizeof(shown) / sizeof(shown[0]); i++)
        if (cg->version[shown[i]])
            used += (size_t)snprintf(
                buf + used, size - used, "%s%s:v%d", used ? " " : "",
                controller_name(shown[i], cg->version[shown[i]]),
                cg->version[shown[i]]);
}

static void print_stat(FILE *out, const char *prefix, const char *key,
                       long long value)
{
    if (value < 0)
        fprintf(out, "%s%-20s -\n", prefix, key);
    else if (value == LLONG_MAX)
        fprintf(out, "%s%-20s max\n", prefix, key);
    else
        fprintf(out, "%s%-20s %lld\n", prefix, key, value);
}

static void print_list(FILE *out, const char *prefix, const char *key,
                       const char *list)
{
    fprintf(out, "%s%-20s %s\n", prefix, key, list[0] ? list : "-");
}

/* The same names whatever the version ("-": not reported here). */
static int print_stats(FILE *out, const char *prefix, const struct cgroup *cg)
{
    struct cgroup_stats s;
    char backends[128];

    if (cgroup_read_stats(cg, &s) < 0)
        return -1;
    describe_backends(cg, backends, sizeof(backends));
    fprintf(out, "%scgroup %s (%s)\n", prefix, cg->name, backends);
    print_stat(out, prefix, "memory.current", s.memory_current);
    print_stat(out, prefix, "memory.peak", s.memory_peak);
    print_stat(out, prefix, "memory.max", s.memory_max);
    print_stat(out, prefix, "memory.low", s.memory_low);
    print_stat(out, prefix, "memory.oom", s.oom);
    print_stat(out, prefix, "memory.oom_kill", s.oom_kill);
    print_stat(out, prefix, "cpu.usage_usec", s.cpu_usage_usec);
    print_stat(out, prefix, "cpu.nr_periods", s.cpu_nr_periods);
    print_stat(out, prefix, "cpu.nr_throttled", s.cpu_nr_throttled);
    print_stat(out, prefix, "cpu.throttled_usec", s.cpu_throttled_usec);
    print_stat(out, prefix, "cpu.weight", s.cpu_weight);
    print_stat(out, prefix, "cpu.shares", s.cpu_shares);
    print_list(out, prefix, "cpuset.cpus", s.cpuset_cpus);
    print_list(out, prefix, "cpuset.mems", s.cpuset_mems);
    print_stat(out, prefix, "pids.current", s.pids_current);
    print_stat(out, prefix, "pids.max", s.pids_max);
    print_stat(out, prefix, "pids.denied", s.pids_denied);
    print_stat(out, prefix, "io.read_bytes", s.io_read_bytes);
    print_stat(out, prefix, "io.write_bytes", s.io_write_bytes);
    print_stat(out, prefix, "io.weight", s.io_weight);
    print_stat(out, prefix, "devices.bpf_programs", s.device_programs);
    return 0;
}

/* cgctl run: the command starts inside, and the cgroup goes with it. */
static int run_in_cgroup(const struct options *opt, char **command)
{
    struct cgroup cg;
    sigset_t saved_mask;
    int created = 0, code;
    pid_t child;

    /* 1. The cgroup: an existing --name is joined (and re-limited);
     *    otherwise it is made now and removed at the end. */
    if (find_cgroup(opt, &cg) < 0)
        return EXIT_TOOL_FAILED;
    if (!cgroup_exists(&cg)) {
        if (cgroup_create(&cg) < 0)
            return EXIT_TOOL_FAILED;
        created = 1;
    }
    if (cgroup_set_limits(&cg, &opt->limits) < 0)
        goto fail;

    /* 2. The child is in the cgroup before its first instruction. */
    if (block_forwarded_signals(&saved_mask) < 0)
        goto fail;
    child = cgroup_clone_into(&cg, 0);
    if (child < 0)
        goto fail;
    if (child == 0) {
        sigprocmask(SIG_SETMASK, &saved_mask, NULL);
        /* 3. A cgroup namespace rooted at the cgroup just joined: inside,
         *    /proc/self/cgroup shows "/", the host's layout stays hidden. */
        if (opt->cgroupns) {
            trace("unshare(CLONE_NEWCGROUP)");
            if (unshare(CLONE_NEWCGROUP) < 0) {
                error_errno("unshare(CLONE_NEWCGROUP)");
                _exit(EXIT_TOOL_FAILED);
            }
        }
        exec_command(command);
    }

    /* 4. Pass signals on, wait, report, clean up. */
    forward_signals_to(child);
    sigprocmask(SIG_SETMASK, &saved_mask, NULL);
    code = wait_for_exit_code(child);
    if (trace_on)
        print_stats(stderr, "[cgctl] ", &cg);
    if (created && cgroup_destroy(&cg) < 0)
        return EXIT_TOOL_FAILED;
    return code;
fail:
    if (created)
        cgroup_destroy(&cg);
    return EXIT_TOOL_FAILED;
}

/* --- the command line
 * --------------------------------------------------------- */

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: %s [-v] COMMAND ...\n"
            "Make cgroups, limit them, run commands in them (v2, v1, "
            "hybrid).\n"
            "\n"
            "  info                    the cgroup mode, where each "
            "controller is\n"
            "  create NAME [LIMITS]    ctlab/NAME in every hierarchy it "
            "needs\n"
            "  set NAME LIMITS         change its limits\n"
            "  attach NAME PID         move a process into it\n"
            "  run [--name N] [LIMITS] [--cgroupns] [--] CMD [ARG...]\n"
            "                          run CMD inside from its first "
            "instruction;\n"
            "                          a new cgroup is removed after\n"
            "  stat NAME               usage and events, the same names on "
            "v1 and v2\n"
            "  freeze NAME, thaw NAME  stop every process in it (no CPU at "
            "all), go on\n"
            "  procs NAME              the PIDs in it and its children\n"
            "  delete NAME             kill what is left, remove it\n"
            "  ls                      ctlab's cgroups\n"
            "\n"
            "LIMITS:\n"
            "  --memory SIZE           64m, 1g, 67108864 (swap off unless "
            "--memory-swap)\n"
            "  --memory-swap SIZE      memory + swap, as docker counts it\n"
            "  --memory-reservation SIZE\n"
            "                          kept when memory is short: v2 "
            "memory.low, v1\n"
            "                          memory.soft_limit_in_bytes\n"
            "  --cpus F                0.5 = half a CPU (quota per 100 ms "
            "period)\n"
            "  --cpu-max \"QUOTA PERIOD\"  in microseconds; QUOTA may be "
            "max\n"
            "  --cpu-weight W          1..10000 (v1: converted to "
            "cpu.shares)\n"
            "  --cpu-shares N          2..262144 (v2: converted to "
            "cpu.weight)\n"
            "  --cpuset-cpus LIST      the CPUs it may run on: 0-2,5\n"
            "  --cpuset-mems LIST      the memory nodes it may use: 0\n"
            "  --pids N                at most N tasks\n"
            "  --io-max \"DEV rbps=N wbps=N riops=N wiops=N\"  DEV: MAJ:MIN "
            "or a path;\n"
            "                          once per device, up to 8\n"
            "  --io-weight N           10..1000, a share of the disks "
            "(io.weight,\n"
            "                          blkio.weight or BFQ's)\n"
            "  --device RULE           allow RULE: \"c 1:3 rwm\", \"b *:* m\", "
            "\"a\" (all);\n"
            "                          r read, w write, m mknod; * any "
            "number. A device\n"
            "                          list starts from deny all, later "
            "rules win\n"
            "  --device-deny RULE      deny RULE\n"
            "  --devices default       docker's rules (before any --device): "
            "mknod\n"
            "                          anything, open only null zero full "
            "random\n"
            "                          urandom tty, /dev/pts/*, /dev/ptmx\n"
            "\n"
            "  --parent PATH           a delegated cgroup2 directory instead "
            "of ctlab/\n"
            "  --path /A/B             instead of NAME (run: --name): A/B "
            "below each\n"
            "                          hierarchy's root, as engines name "
            "cgroups; the\n"
            "                          parents it makes go with it\n"
            "  -v                      trace every file written; run: a "
            "usage summary\n"
            "  -h, --help              show this help\n",
            program_name);
}

static int parse_options(int argc, char **argv, int stop_at_command,
                         struct options *opt)
{
    static const struct option longopts[] = {
        {"memory", required_argument, NULL, 'm'},
        {"memory-swap", required_argument, NULL, 's'},
        {"memory-reservation", required_argument, NULL, 'r'},
        {"cpus", required_argument, NULL, 'c'},
        {"cpu-max", required_argument, NULL, 'C'},
        {"cpu-weight", required_argument, NULL, 'w'},
        {"cpu-shares", required_argument, NULL, 'S'},
        {"cpuset-cpus", required_argument, NULL, 'u'},
        {"cpuset-mems", required_argument, NULL, 'M'},
        {"pids", required_argument, NULL, 'p'},
        {"io-max", required_argument, NULL, 'i'},
        {"io-weight", required_argument, NULL, 'W'},
        {"device", required_argument, NULL, 'd'},
        {"device-deny", required_argument, NULL, 'D'},
        {"devices", required_argument, NULL, 'E'},
        {"name", required_argument, NULL, 'n'},
        {"parent", required_argument, NULL, 'P'},
        {"path", required_argument, NULL, 'A'},
        {"cgroupns", no_argument, NULL, 'N'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c, index;

    optind = 0; /* a fresh getopt pass over the words after the command */
    while ((c = getopt_long(argc, argv, stop_at_command ? "+vh" : "vh",
                            longopts, &index)) != -1) {
        char option[32];

        switch (c) {
        case 'm':
        case 's':
        case 'r':
        case 'c':
        case 'C':
        case 'w':
        case 'S':
        case 'u':
        case 'M':
        case 'p':
        case 'i':
        case 'W':
        case 'd':
        case 'D':
        case 'E':
            snprintf(option, sizeof(option), "--%s", longopts[index].name);
            if (cgroup_limit_from_option(option, optarg, &opt->limits) < 0)
                return -1;
            opt->limit_count++;
            break;
        case 'n':
            opt->name = optarg;
            break;
        case 'P':
            opt->parent = optarg;
            break;
        case 'A':
            opt->path = optarg;
            break;
        case 'N':
            opt->cgroupns = 1;
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
    return optind;
}

/* Root, or a --parent subtree delegated to the caller (the kernel then
 * decides, by the directory's owner). */
static int require_root(const char *command, const struct options *opt)
{
    if (geteuid() == 0 || opt->parent)
        return 0;
    return error_msg("%s needs root: cgroup directories belong to root "
                     "unless a subtree was delegated to you (then use "
                     "--parent); try: sudo %s %s",
                     command, program_name, command);
}

/* Exit status for the commands that change things: 0, 1 on failure.
 * PID_TEXT: attach's PID argument. */
static int manage(const char *command, struct options *opt,
                  const char *pid_text)
{
    struct cgroup cg;
    unsigned long pid;
    char *end;

    if (require_root(command, opt) < 0 || find_cgroup(opt, &cg) < 0)
        return 1;
    if (strcmp(command, "create") == 0) {
        if (cgroup_create(&cg) < 0)
            return 1;
        if (cgroup_set_limits(&cg, &opt->limits) < 0) {
            cgroup_destroy(&cg);
            return 1;
        }
        return 0;
    }
    if (require_existing(&cg) < 0)
        return 1;
    if (strcmp(command, "set") == 0)
        return cgroup_set_limits(&cg, &opt->limits) < 0 ? 1 : 0;
    if (strcmp(command, "stat") == 0)
        return print_stats(stdout, "", &cg) < 0 ? 1 : 0;
    if (strcmp(command, "delete") == 0)
        return cgroup_destroy(&cg) < 0 ? 1 : 0;
    if (strcmp(command, "freeze") == 0 || strcmp(command, "thaw") == 0)
        return cgroup_freeze(&cg, command[0] == 'f') < 0 ? 1 : 0;
    if (strcmp(command, "procs") == 0)
        return print_processes(&cg) < 0 ? 1 : 0;
    /* attach NAME PID */
    errno = 0;
    pid = strtoul(pid_text, &end, 10);
    if (errno || *end || pid == 0 || pid > 4194304) {
        error_msg("attach: want a PID, got '%s'", pid_text);
        return EXIT_USAGE;
    }
    if (kill((pid_t)pid, 0) < 0 && errno == ESRCH) {
        error_msg("attach: no process %lu", pid);
        return 1;
    }
    return cgroup_attach(&cg, (pid_t)pid) < 0 ? 1 : 0;
}

int main(int argc, char **argv)
{
    struct options opt = {0};
    const char *command;
    char default_name[32];
    int first, nargs;

    set_program_name(argv[0]);
    opterr = 0;

    /* 1. -v before the command, then the command word. */
    switch (take_leading_options(&argc, &argv, usage)) {
    case 0:
        return 0;
    case -1:
        return EXIT_USAGE;
    }
    command = argv[1];
    argc--;
    argv++;

    /* 2. The command's options and arguments. */
    first = parse_options(argc, argv, strcmp(command, "run") == 0, &opt);
    if (first < 0)
        return EXIT_USAGE;
    nargs = argc - first;

    /* 3. Commands that only read. */
    if (strcmp(command, "info") == 0 || strcmp(command, "ls") == 0) {
        if (nargs != 0 || opt.limit_count) {
            error_msg("usage: %s %s", program_name, command);
            return EXIT_USAGE;
        }
        return (command[0] == 'i' ? show_info() : list_cgroups()) < 0 ? 1 : 0;
    }

    /* A cgroup is named one way: NAME (run: --name), --parent and NAME,
     * or --path alone. */
    if (opt.path && (opt.parent || opt.name)) {
        error_msg("--path names the cgroup by itself: give no %s with it",
                  opt.parent ? "--parent" : "--name");
        return EXIT_USAGE;
    }

    /* 4. run: its exit status is the command's. */
    if (strcmp(command, "run") == 0) {
        if (nargs < 1) {
            error_msg("usage: %s run [--name N | --path /A/B] [LIMITS] [--] "
                      "CMD [ARG...]",
                      program_name);
            return EXIT_USAGE;
        }
        if (!opt.name && !opt.path) {
            snprintf(default_name, sizeof(default_name), "run-%d",
                     (int)getpid());
            opt.name = default_name;
        }
        if (require_root("run", &opt) < 0)
            return EXIT_TOOL_FAILED;
        return run_in_cgroup(&opt, argv + first);
    }

    /* 5. Commands on one named cgroup (with --path, no NAME). */
    if (strcmp(command, "create") == 0 || strcmp(command, "set") == 0 ||
        strcmp(command, "stat") == 0 || strcmp(command, "delete") == 0 ||
        strcmp(command, "attach") == 0 || strcmp(command, "freeze") == 0 ||
        strcmp(command, "thaw") == 0 || strcmp(command, "procs") == 0) {
        int takes_limits = command[0] == 'c' || strcmp(command, "set") == 0;
        int wanted = (strcmp(command, "attach") == 0 ? 2 : 1) - !!opt.path;

        if (nargs != wanted) {
            error_msg("usage: %s %s %s%s", program_name, command,
                      opt.path ? "--path /A/B" : "NAME",
                      strcmp(command, "attach") == 0 ? " PID"
                      : takes_limits                 ? " [LIMITS]"
                                                     : "");
            return EXIT_USAGE;
        }
        if (opt.limit_count && !takes_limits) {
            error_msg("%s takes no limits (see: %s --help)", command,
                      program_name);
            return EXIT_USAGE;
        }
        if (strcmp(command, "set") == 0 && !opt.limit_count) {
            error_msg("set: no limit given (see: %s --help)", program_name);
            return EXIT_USAGE;
        }
        if (!opt.path)
            opt.name = argv[first];
        return manage(command, &opt, argv[argc - 1]);
    }
    error_msg("unknown command '%s' (see: %s --help)", command, program_name);
    return EXIT_USAGE;
}
