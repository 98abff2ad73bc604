/* 10-mini-container/oci_info.c - the rest of the runc command line: list
 * and ps, pause and resume (the freezer), spec (a config.json with
 * minictr's defaults) and features (what this runtime implements).
 *
 * Read: runc's man pages runc-list(8), runc-ps(8), runc-pause(8),
 * runc-spec(8); the runtime-spec's features.md.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <unistd.h>

#include "create.h"
#include "err.h"
#include "oci.h"
#include "oci_config.h"
#include "oci_json.h"
#include "spec_defaults.h"
#include "state.h"

/* --format table|json (-f), and -q, as runc list and ps take them. */
static int parse_format(const char *verb, int argc, char **argv, int *json,
                        int *quiet)
{
    static const struct option options[] = {
        {"format", required_argument, NULL, 'f'},
        {"quiet", no_argument, NULL, 'q'},
        {NULL, 0, NULL, 0},
    };
    int c;

    optind = 0;
    while ((c = getopt_long(argc, argv, "+f:q", options, NULL)) != -1) {
        if (c == 'f' &&
            (strcmp(optarg, "json") == 0 || strcmp(optarg, "table") == 0))
            *json = strcmp(optarg, "json") == 0;
        else if (c == 'q' && quiet)
            *quiet = 1;
        else if (c == 'f')
            return error_msg("%s --format %s: table or json", verb, optarg);
        else
            return report_bad_option(argv);
    }
    return 0;
}

/* The container named by the one word left, and its state directory. */
static int container_of(const char *verb, int argc, char **argv, char *dir,
                        size_t size)
{
    if (optind != argc - 1)
        return error_msg("%s: want one container id (see: %s --help)", verb,
                         program_name);
    if (state_check_id(argv[optind]) < 0)
        return -1;
    snprintf(dir, size, "%s/%s", state_base(), argv[optind]);
    if (access(dir, F_OK) < 0)
        return error_msg("container \"%s\" does not exist", argv[optind]);
    return 0;
}

int oci_list(int argc, char **argv)
{
    char dir[PATH_MAX], bundle[PATH_MAX], created[64];
    struct dirent *entry;
    int json = 0, quiet = 0, first = 1;
    DIR *d;

    if (parse_format("list", argc, argv, &json, &quiet) < 0)
        return 1;
    d = opendir(state_base());
    if (json)
        printf("[");
    else if (!quiet)
        printf("%-20s %-8s %-10s %-40s %s\n", "ID", "PID", "STATUS", "BUNDLE",
               "CREATED");
    while (d && (entry = readdir(d))) {
        enum state_status status;
        pid_t pid;

        if (entry->d_name[0] == '.')
            continue;
        snprintf(dir, sizeof(dir), "%s/%s", state_base(), entry->d_name);
        status = state_status(dir, &pid);
        if (state_read(dir, "bundle", bundle, sizeof(bundle)) < 0)
            snprintf(bundle, sizeof(bundle), "-");
        if (state_read(dir, "created", created, sizeof(created)) < 0)
            snprintf(created, sizeof(created), "-");
        if (quiet)
            printf("%s\n", entry->d_name);
        else if (json)
            printf("%s{\"ociVersion\":\"%s\",\"id\":\"%s\",\"pid\":%d,"
                   "\"status\":\"%s\",\"bundle\":\"%s\",\"created\":\"%s\"}",
                   first ? "" : ",", OCI_VERSION, entry->d_name, (int)pid,
                   state_status_names[status], bundle, created);
        else
            printf("%-20s %-8d %-10s %-40s %s\n", entry->d_name, (int)pid,
                   state_status_names[status], bundle, created);
        first = 0;
    }
    if (json)
        printf("]\n");
    if (d)
        closedir(d);
    return 0;
}

/* The command line of PID, its NULs as spaces. */
static void command_line(pid_t pid, char *text, size_t size)
{
    char path[64];
    ssize_t n;
    int fd;

    snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
    text[0] = '\0';
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    n = read(fd, text, size - 1);
    close(fd);
    for (ssize_t i = 0; i < n; i++)
        if (!text[i])
            text[i] = ' ';
    text[n > 0 ? n : 0] = '\0';
}

/* ps ID: the host PIDs of every process in the container's cgroup
 * (containerd asks with --format json). */
int oci_ps(int argc, char **argv)
{
    char dir[PATH_MAX], cmd[256];
    static pid_t pids[65536];
    struct cgroup cg;
    int json = 0, count;

    if (parse_format("ps", argc, argv, &json, NULL) < 0 ||
        container_of("ps", argc, argv, dir, sizeof(dir)) < 0)
        return 1;
    if (container_cgroup(dir, argv[optind], &cg) != 1)
        return error_msg("ps %s: the container has no cgroup", argv[optind]), 1;
    count = cgroup_list_processes(&cg, pids, 65536);
    if (count < 0)
        return 1;
    if (!json)
        printf("%-8s %s\n", "PID", "CMD");
    for (int i = 0; i < count; i++) {
        if (json) {
            printf("%s%d", i ? "," : "[", (int)pids[i]);
            continue;
        }
        command_line(pids[i], cmd, sizeof(cmd));
        printf("%-8d %s\n", (int)pids[i], cmd);
    }
    if (json)
        printf("%s\n", count ? "]" : "[]");
    return 0;
}

/* pause and resume: the freezer (v2 cgroup.freeze, v1 freezer.state). */
static int freeze(int argc, char **argv, int frozen)
{
    const char *verb = frozen ? "pause" : "resume";
    char dir[PATH_MAX];
    struct cgroup cg;
    pid_t pid;

    optind = 1;
    if (container_of(verb, argc, argv, dir, sizeof(dir)) < 0)
        return 1;
    if (state_status(dir, &pid) != STATUS_RUNNING)
        return error_msg("%s: container \"%s\" is not running", verb,
                         argv[optind]),
               1;
    if (container_cgroup(dir, argv[optind], &cg) != 1)
        return error_msg("%s: container \"%s\" has no cgroup", verb,
                         argv[optind]),
               1;
    if (cgroup_freeze(&cg, frozen) < 0)
        return 1;
    if (frozen)
        return state_write(dir, "paused", "1") < 0 ? 1 : 0;
    return state_unlink(dir, "paused") < 0 ? 1 : 0;
}

int oci_pause(int argc, char **argv)
{
    return freeze(argc, argv, 1);
}

int oci_resume(int argc, char **argv)
{
    return freeze(argc, argv, 0);
}

/* spec [--rootless] [--bundle B]: a config.json with minictr's defaults
 * (the isolation `minictr run` gives), the process a shell on a
 * terminal, the root ./rootfs, read-only (runc spec's choices). */
int oci_spec(int argc, char **argv)
{
    static const struct option options[] = {
        {"bundle", required_argument, NULL, 'b'},
        {"rootless", no_argument, NULL, 'r'},
        {NULL, 0, NULL, 0},
    };
    const char *bundle = ".";
    char path[PATH_MAX + 16];
    struct ctr_spec spec;
    int c, rc, fd, args = 0;
    FILE *f;

    spec_init(&spec);
    optind = 0;
    while ((c = getopt_long(argc, argv, "+b:", options, NULL)) != -1) {
        if (c == 'b')
            bundle = optarg;
        else if (c == 'r')
            spec.rootless = 1;
        else
            return report_bad_option(argv), 1;
    }
    if (optind != argc)
        return error_msg("spec: no arguments but --bundle and --rootless"), 1;
    spec.net = NET_NONE; /* an engine makes the network */
    if (spec_set_defaults(&spec) < 0) {
        spec_free(&spec);
        return 1;
    }
    if (spec.rootless) { /* root inside is whoever runs the container */
        spec.uid_map.count = spec.gid_map.count = 1;
        spec.uid_map.ranges[0] =
            (struct id_range){.inside = 0, .outside = geteuid(), .count = 1};
        spec.gid_map.ranges[0] =
            (struct id_range){.inside = 0, .outside = getegid(), .count = 1};
    }
    spec.root = strdup("rootfs");
    spec.root_readonly = 1;
    spec.hostname = strdup("minictr");
    spec.process.cwd = strdup("/");
    spec.process.terminal = 1;
    rc = 1;
    if (!spec.root || !spec.hostname || !spec.process.cwd ||
        spec_add_string(&spec.process.args, &args, "sh") < 0 ||
        spec_add_string(&spec.process.env, &spec.process.env_count,
                        "PATH=" DEFAULT_PATH) < 0 ||
        spec_add_string(&spec.process.env, &spec.process.env_count,
                        "TERM=xterm") < 0)
        goto out;
    snprintf(path, sizeof(path), "%s/config.json", bundle);
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) {
        error_errno("spec: %s%s", path,
                    errno == EEXIST ? " (remove it first)" : "");
        goto out;
    }
    f = fdopen(fd, "w");
    rc = f ? oci_config_write(&spec, f) : -1;
    if (!f || fclose(f) != 0 || rc < 0) {
        error_errno("spec: write %s", path);
        rc = 1;
        goto out;
    }
    rc = 0;
out:
    spec_free(&spec);
    return rc;
}

int oci_features(int argc, char **argv)
{
    (void)argv;
    if (argc != 1)
        return error_msg("features: no arguments"), 1;
    return oci_features_write(stdout) < 0 ? 1 : 0;
}

/* Our stdin, whole, in a memfd: PATH names it (/proc/self/fd/N). */
static const char *stdin_as_file(char *path)
{
    char buffer[65536];
    int fd = memfd_create("resources", MFD_CLOEXEC);
    ssize_t n;

    if (fd < 0) {
        error_errno("memfd_create");
        return NULL;
    }
    while ((n = read(STDIN_FILENO, buffer, sizeof(buffer))) > 0)
        if (write(fd, buffer, (size_t)n) != n) {
            error_errno("update: copy stdin");
            return NULL;
        }
    snprintf(path, 64, "/proc/self/fd/%d", fd);
    return path;
}

/* Every limit set in FROM replaces TO's (0 or empty: not set). */
static void merge_limits(struct cgroup_limits *to,
                         const struct cgroup_limits *from)
{
    if (from->memory)
        to->memory = from->memory;
    if (from->memory_swap)
        to->memory_swap = from->memory_swap;
    if (from->memory_reservation)
        to->memory_reservation = from->memory_reservation;
    if (from->has_cpu_max) {
        to->has_cpu_max = 1;
        to->cpu_quota = from->cpu_quota;
        to->cpu_period = from->cpu_period;
    }
    if (from->cpu_weight)
        to->cpu_weight = from->cpu_weight;
    if (from->cpu_shares)
        to->cpu_shares = from->cpu_shares;
    if (from->cpuset_cpus[0])
        memcpy(to->cpuset_cpus, from->cpuset_cpus, sizeof(to->cpuset_cpus));
    if (from->cpuset_mems[0])
        memcpy(to->cpuset_mems, from->cpuset_mems, sizeof(to->cpuset_mems));
    if (from->pids)
        to->pids = from->pids;
    if (from->io_weight)
        to->io_weight = from->io_weight;
    if (from->io_max_count) {
        memcpy(to->io_max, from->io_max, sizeof(to->io_max));
        to->io_max_count = from->io_max_count;
    }
    if (from->device_count) {
        memcpy(to->devices, from->devices, sizeof(to->devices));
        to->device_count = from->device_count;
    }
}

/* update --resources FILE|- ID: new limits for a live container, read as
 * config.json's linux.resources (by the same parser), written into its
 * cgroup and into its saved spec. */
int oci_update(int argc, char **argv)
{
    static const struct option options[] = {
        {"resources", required_argument, NULL, 'r'},
        {NULL, 0, NULL, 0},
    };
    const char *file = NULL;
    char dir[PATH_MAX], saved[PATH_MAX + 16], temporary[PATH_MAX + 32];
    char stdin_path[64];
    struct ctr_spec spec, update;
    struct oci_reader reader = {0};
    json_object *object;
    struct cgroup cg;
    int c, rc;
    FILE *f;
    pid_t pid;

    optind = 0;
    while ((c = getopt_long(argc, argv, "+r:", options, NULL)) != -1) {
        if (c != 'r')
            return report_bad_option(argv), 1;
        file = optarg;
    }
    if (!file)
        return error_msg("update: --resources FILE (or -) is the only way "
                         "minictr takes new limits"),
               1;
    if (container_of("update", argc, argv, dir, sizeof(dir)) < 0)
        return 1;
    c = state_status(dir, &pid);
    if (c != STATUS_CREATED && c != STATUS_RUNNING)
        return error_msg("update: container \"%s\" is %s", argv[optind],
                         state_status_names[c]),
               1;
    /* "-": stdin, copied into a file of memory (the reader wants a
     * regular file, read whole). */
    if (file && strcmp(file, "-") == 0 && !(file = stdin_as_file(stdin_path)))
        return 1;
    reader.file = file;
    spec_init(&update);
    if (oci_json_parse_file(file, &object) < 0)
        return 1;
    rc = oci_read_resources(&reader, object, &update);
    json_object_put(object);
    if (rc < 0)
        return 1;
    snprintf(saved, sizeof(saved), "%s/config.json", dir);
    spec_init(&spec);
    if (container_cgroup(dir, argv[optind], &cg) != 1 ||
        oci_config_read_saved(saved, &spec) < 0)
        return error_msg("update: container \"%s\" has no cgroup",
                         argv[optind]),
               1;
    if (cgroup_set_limits(&cg, &update.limits) < 0)
        return 1;
    /* The saved spec says what the container was given: now these. */
    merge_limits(&spec.limits, &update.limits);
    spec.limit_count += update.limit_count;
    snprintf(temporary, sizeof(temporary), "%s.new", saved);
    f = fopen(temporary, "we");
    rc = f ? oci_config_write(&spec, f) : -1;
    if (!f || fclose(f) != 0 || rc < 0 || rename(temporary, saved) < 0)
        return error_errno("update: write %s", saved), 1;
    spec_free(&spec);
    spec_free(&update);
    return 0;
}
