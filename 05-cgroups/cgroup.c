/* 05-cgroups/cgroup.c - cgroups on v2, v1 and hybrid hosts; see cgroup.h.
 *
 * A cgroup is a directory in a cgroup filesystem. Making one is mkdir(2);
 * limiting it is writing a number into one of its files; putting a
 * process in it is writing the PID into cgroup.procs; removing it is
 * rmdir(2) once no process is left. Everything else here is about where
 * those directories are and what the files are called:
 *
 *   cgroup v2 (one tree, usually /sys/fs/cgroup): a controller works in a
 *   child only if the parent lists it in cgroup.subtree_control, and a
 *   cgroup that passes controllers down may hold no processes itself (the
 *   no-internal-process rule; the root is exempt).
 *
 *   cgroup v1 (a tree per controller: /sys/fs/cgroup/memory, .../cpu,
 *   ...): every tree is separate, so a process is put into each one.
 *
 * One controller breaks the pattern: devices, which decides which device
 * nodes (/dev/null, a disk) the processes may open or mknod. On v1 it is
 * files like the others (devices.deny, devices.allow). v2 has no such
 * file: the rules become a small BPF program, attached to the cgroup's
 * directory, that the kernel runs on every open and mknod of a node.
 *
 * And one v1 controller has a trap: cpuset, which decides on which CPUs
 * and memory nodes the processes run. A new v1 cpuset directory starts
 * with no CPUs and no nodes at all, and a process cannot join it (ENOSPC)
 * until both are written; so each directory made is given its parent's
 * lists first. On v2 an empty list means "the parent's".
 *
 * Freezing (pausing every process of a cgroup) is a controller of its own
 * on v1, "freezer", with a freezer.state file; on v2 it is in the core,
 * cgroup.freeze, and cgroup.events says when it is done.
 *
 * Where the directories are: ctlab/NAME below each hierarchy's root, or
 * below a delegated --parent; or, as container engines name a cgroup
 * (OCI's cgroupsPath), any path below the roots, "/libpod_parent/ID".
 *
 * Read: cgroups(7), the kernel's Documentation/admin-guide/cgroup-v2.rst
 * (sections "Device controller", "Cpuset" and "Core Interface Files":
 * cgroup.freeze) and the cgroup-v1/ directory beside it (devices.rst,
 * cpusets.rst, freezer-subsystem.rst), clone3(2) (CLONE_INTO_CGROUP),
 * cgroup_namespaces(7), bpf(2), xattr(7).
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h> /* struct bpf_insn, union bpf_attr, BPF_DEVCG_* */
#include <math.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "err.h"
#include "file.h"
#include "flags.h"
#include "parse.h"
#include "syscalls.h"

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL /* Linux 5.7 */
#endif

/* Names: v2's in cgroup.controllers (NULL: part of v2's core), v1's in the
 * hierarchy's mount options. */
static const struct {
    const char *v2;
    const char *v1;
} controllers[CG_COUNT] = {
    [CG_MEMORY] = {"memory", "memory"}, [CG_CPU] = {"cpu", "cpu"},
    [CG_PIDS] = {"pids", "pids"},       [CG_IO] = {"io", "blkio"},
    [CG_CPUACCT] = {NULL, "cpuacct"},   [CG_FREEZER] = {NULL, "freezer"},
    [CG_DEVICES] = {NULL, "devices"},   [CG_CPUSET] = {"cpuset", "cpuset"},
};

/* Device rules as docker writes them for a container that is not
 * --privileged (moby's oci/defaults.go, runc's AllowedDevices): deny
 * everything, then allow mknod of any node (an image may ship nodes; making
 * one is harmless while opening it is refused), and opening only the nodes
 * of a minimal /dev. Without these, root in a container with CAP_MKNOD
 * makes a node for the host's disk and reads it. */
#define ANY (-1L) /* '*' */
const struct cgroup_device_rule cgroup_default_device_rules[] = {
    {'a', ANY, ANY, "rwm", 0}, /* deny all: start from nothing */
    {'c', ANY, ANY, "m", 1},   /* mknod of any char device */
    {'b', ANY, ANY, "m", 1},   /* ... and block device */
    {'c', 1, 3, "rwm", 1},     /* /dev/null */
    {'c', 1, 5, "rwm", 1},     /* /dev/zero */
    {'c', 1, 7, "rwm", 1},     /* /dev/full */
    {'c', 1, 8, "rwm", 1},     /* /dev/random */
    {'c', 1, 9, "rwm", 1},     /* /dev/urandom */
    {'c', 5, 0, "rwm", 1},     /* /dev/tty */
    {'c', 136, ANY, "rwm", 1}, /* /dev/pts/N */
    {'c', 5, 2, "rwm", 1},     /* /dev/ptmx */
};
const int cgroup_default_device_rule_count =
    (int)(sizeof(cgroup_default_device_rules) /
          sizeof(cgroup_default_device_rules[0]));

#define CPU_PERIOD_DEFAULT 100000UL  /* 100 ms, the kernel's default */
#define UNLIMITED          LLONG_MAX /* "max" in stats */

const char *controller_name(enum controller c, int version)
{
    return version == 2 && controllers[c].v2 ? controllers[c].v2
                                             : controllers[c].v1;
}

/* Is WORD one of the blank-separated words of LIST? */
static int has_word(const char *list, const char *word)
{
    size_t length = strlen(word);

    for (const char *p = list; (p = strstr(p, word)); p += length)
        if ((p == list || p[-1] == ' ' || p[-1] == ',') &&
            (p[length] == '\0' || p[length] == ' ' || p[length] == ',' ||
             p[length] == '\n'))
            return 1;
    return 0;
}

/* --- what this machine has ------------------------------------------------ */

int cgroup_host_detect(struct cgroup_host *host)
{
    FILE *mountinfo = fopen("/proc/self/mountinfo", "re");
    char line[4096], path[PATH_MAX + 32];
    int v1_count = 0;

    memset(host, 0, sizeof(*host));
    if (!mountinfo)
        return error_errno("open /proc/self/mountinfo");
    /* "36 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup
     * rw,memory": field 5 is the mount point; after " - " come the
     * filesystem type, the source and the superblock options, which for
     * cgroup v1 name the controllers of that hierarchy. */
    while (fgets(line, sizeof(line), mountinfo)) {
        char mount_point[CG_MOUNT_MAX], type[32], options[1024];
        const char *dash = strstr(line, " - ");

        if (!dash || sscanf(line, "%*s %*s %*s %*s %511s", mount_point) != 1 ||
            sscanf(dash, " - %31s %*s %1023s", type, options) != 2)
            continue;
        if (strcmp(type, "cgroup2") == 0 && !host->v2_mount[0]) {
            snprintf(host->v2_mount, sizeof(host->v2_mount), "%s", mount_point);
        } else if (strcmp(type, "cgroup") == 0) {
            for (int c = 0; c < CG_COUNT; c++)
                if (!host->v1_mount[c][0] &&
                    has_word(options, controllers[c].v1)) {
                    snprintf(host->v1_mount[c], sizeof(host->v1_mount[c]), "%s",
                             mount_point);
                    v1_count++;
                }
        }
    }
    fclose(mountinfo);

    if (host->v2_mount[0]) {
        snprintf(path, sizeof(path), "%s/cgroup.controllers", host->v2_mount);
        if (read_first_line(path, host->v2_controllers,
                            sizeof(host->v2_controllers)) < 0)
            host->v2_controllers[0] = '\0';
    }
    if (host->v2_mount[0])
        host->mode = v1_count ? "hybrid" : "v2";
    else
        host->mode = v1_count ? "v1" : "none";
    return 0;
}

/* --- input ------------------------------------------------------------------
 */

/* Why the LENGTH bytes at NAME (a name, or one component of a path)
 * cannot name a cgroup directory; NULL when they can. */
static const char *name_problem(const char *name, size_t length)
{
    if (length == 0)
        return "empty";
    if (length > NAME_MAX) /* mkdir(2) would say ENAMETOOLONG */
        return "too long (at most 255 bytes)";
    if ((length == 1 && name[0] == '.') ||
        (length == 2 && name[0] == '.' && name[1] == '.'))
        return "not allowed";
    for (size_t i = 0; i < length; i++)
        if (!isalnum((unsigned char)name[i]) && !strchr(".-_", name[i]))
            return "not allowed (letters, digits, '.', '-' and '_' only: it "
                   "becomes a directory name)";
    return NULL;
}

int cgroup_check_name(const char *name)
{
    size_t length = strlen(name);
    const char *problem = name_problem(name, length);

    if (!problem)
        return 0;
    if (length == 0)
        return error_msg("empty cgroup name");
    if (length > NAME_MAX)
        return error_msg("cgroup name '%.20s...' is too long (at most %d "
                         "bytes)",
                         name, NAME_MAX);
    return error_msg("cgroup name '%s' is %s", name, problem);
}

/* "/a/b/c": each component a cgroup name. Nothing is normalised here: a
 * path that would need it ("/a//b", "/a/./b", "/a/") is refused, so the
 * directory made is the one the caller wrote, and ".." can never climb
 * out of the hierarchy. */
int cgroup_check_path(const char *path)
{
    size_t length = strlen(path);
    const char *component = path + 1;

    if (path[0] != '/')
        return error_msg("cgroup path '%s' is not absolute (it starts with "
                         "'/', each hierarchy's root: /ctlab-oci/NAME)",
                         path);
    if (length >= CG_PARENT_MAX)
        return error_msg("cgroup path '%.20s...' is too long (at most %d "
                         "bytes)",
                         path, CG_PARENT_MAX - 1);
    if (length == 1)
        return error_msg("cgroup path '/' is each hierarchy's root, the "
                         "host's own cgroup: name one below it");
    for (;;) {
        size_t size = strcspn(component, "/");
        const char *problem = name_problem(component, size);

        if (problem && size == 0)
            return error_msg("cgroup path '%s' has an empty component (one "
                             "'/' between names, none at the end)",
                             path);
        if (problem && size > NAME_MAX)
            return error_msg("cgroup path '%.20s...' has a component that "
                             "is too long (at most %d bytes)",
                             path, NAME_MAX);
        if (problem)
            return error_msg("cgroup path '%s': '%.*s' is %s", path, (int)size,
                             component, problem);
        if (component[size] == '\0')
            return 0;
        component += size + 1;
    }
}

/* "1.5" CPUs: a quota of 150 ms per 100 ms period. */
static int parse_cpus(const char *value, struct cgroup_limits *limits)
{
    char *end;
    double cpus;
    int online = get_nprocs_conf();

    errno = 0;
    cpus = strtod(value, &end);
    if (errno || end == value || *end != '\0' || !isfinite(cpus) ||
        !isdigit((unsigned char)value[0]) || cpus <= 0)
        return error_msg("--cpus '%s': not a positive number of CPUs, like "
                         "0.5 or 2",
                         value);
    if (cpus > online)
        return error_msg("--cpus %s: this machine has %d CPUs", value, online);
    limits->has_cpu_max = 1;
    limits->cpu_period = CPU_PERIOD_DEFAULT;
    limits->cpu_quota = llround(cpus * (double)CPU_PERIOD_DEFAULT);
    if (limits->cpu_quota < 1000) /* the kernel's minimum quota is 1 ms */
        return error_msg("--cpus %s: too small (at least 0.01)", value);
    return 0;
}

/* "50000 100000" or "max 100000". */
static int parse_cpu_max(const char *value, struct cgroup_limits *limits)
{
    char quota[32];
    unsigned long number, period;
    const char *space = strchr(value, ' ');

    if (!space || (size_t)(space - value) >= sizeof(quota))
        goto bad;
    memcpy(quota, value, (size_t)(space - value));
    quota[space - value] = '\0';
    if (parse_ulong(space + 1, 1000000, &period) < 0 || period < 1000)
        goto bad;
    if (strcmp(quota, "max") == 0) {
        limits->cpu_quota = -1;
    } else {
        if (parse_ulong(quota, 1000000UL * 1024, &number) < 0 || number < 1000)
            goto bad;
        limits->cpu_quota = (long long)number;
    }
    limits->has_cpu_max = 1;
    limits->cpu_period = period;
    return 0;
bad:
    return error_msg("--cpu-max '%s': want \"QUOTA PERIOD\" in microseconds "
                     "(QUOTA 1000.. or max, PERIOD 1000..1000000)",
                     value);
}

/* "8:0 rbps=1048576 wiops=100", or a path for the device: one device per
 * --io-max, added to the list (io.max takes one line per device too). */
static int parse_io_max(const char *value, struct cgroup_limits *limits)
{
    char device[256], key[16];
    const char *rest = strchr(value, ' ');
    unsigned major_number, minor_number;
    unsigned long long number;
    struct cgroup_io_max entry = {0};
    struct stat st;
    int used;

    if (!rest || (size_t)(rest - value) >= sizeof(device))
        return error_msg("--io-max '%s': want \"DEV rbps=N wbps=N riops=N "
                         "wiops=N\" (DEV as MAJ:MIN or a path)",
                         value);
    memcpy(device, value, (size_t)(rest - value));
    device[rest - value] = '\0';
    if (sscanf(device, "%u:%u%n", &major_number, &minor_number, &used) == 2 &&
        device[used] == '\0') {
        snprintf(entry.device, sizeof(entry.device), "%u:%u", major_number,
                 minor_number);
    } else if (stat(device, &st) == 0 && S_ISBLK(st.st_mode)) {
        snprintf(entry.device, sizeof(entry.device), "%u:%u", major(st.st_rdev),
                 minor(st.st_rdev));
    } else {
        return error_msg("--io-max: '%s' is neither MAJ:MIN nor a block "
                         "device",
                         device);
    }
    for (int i = 0; i < limits->io_max_count; i++)
        if (strcmp(limits->io_max[i].device, entry.device) == 0)
            return error_msg("--io-max: device %s given twice (one "
                             "--io-max per device, with all its limits)",
                             entry.device);
    if (limits->io_max_count == CG_MAX_IO_DEVICES)
        return error_msg("--io-max: at most %d devices", CG_MAX_IO_DEVICES);
    while (*rest == ' ') {
        rest++;
        if (sscanf(rest, "%15[a-z]=%llu%n", key, &number, &used) != 2 ||
            number == 0 || (rest[used] != ' ' && rest[used] != '\0'))
            return error_msg("--io-max: bad limit '%s' (want KEY=N, N > 0)",
                             rest);
        if (strcmp(key, "rbps") == 0)
            entry.rbps = number;
        else if (strcmp(key, "wbps") == 0)
            entry.wbps = number;
        else if (strcmp(key, "riops") == 0)
            entry.riops = number;
        else if (strcmp(key, "wiops") == 0)
            entry.wiops = number;
        else
            return error_msg("--io-max: unknown key '%s' (rbps, wbps, riops, "
                             "wiops)",
                             key);
        rest += used;
    }
    limits->io_max[limits->io_max_count++] = entry;
    return 0;
}

/* The highest number in a kernel list like "0-3" or "0,2-5", plus one. */
static unsigned count_from_list(const char *list)
{
    const char *last = list;

    for (const char *p = list; *p; p++)
        if (*p == '-' || *p == ',')
            last = p + 1;
    return (unsigned)strtoul(last, NULL, 10) + 1;
}

/* How many memory nodes there may be: /sys/devices/system/node/possible
 * ("0", "0-3"). A kernel without NUMA has no such file, and node 0 only. */
static unsigned count_memory_nodes(void)
{
    char list[256];

    if (read_first_line("/sys/devices/system/node/possible", list,
                        sizeof(list)) <= 0)
        return 1;
    return count_from_list(list);
}

/* "0-2,5": CPU or memory node numbers and ranges, as cpuset.cpus and
 * cpuset.mems take them, each below COUNT (what this machine has). The
 * kernel would refuse a bad list too, but only once the cgroup is made;
 * here the user hears why before anything is. */
static int parse_cpuset_list(const char *option, const char *value,
                             unsigned count, const char *what, char *list,
                             size_t size)
{
    const char *p = value;
    unsigned long first, last;
    char *end;

    if (strlen(value) >= size)
        return error_msg("%s: list too long (at most %zu bytes)", option,
                         size - 1);
    for (;;) {
        if (!isdigit((unsigned char)*p))
            goto bad;
        errno = 0;
        first = last = strtoul(p, &end, 10);
        if (*end == '-') {
            if (!isdigit((unsigned char)end[1]))
                goto bad;
            last = strtoul(end + 1, &end, 10);
        }
        if (last < first)
            goto bad;
        if (errno || last >= count)
            return error_msg("%s %s: no such %s (this machine has %s%u)",
                             option, value, what, count > 1 ? "0-" : "",
                             count - 1);
        if (*end == '\0')
            break;
        if (*end != ',')
            goto bad;
        p = end + 1;
    }
    snprintf(list, size, "%s", value);
    return 0;
bad:
    return error_msg("%s '%s': want %s numbers and ranges, like 0-2,5", option,
                     value, what);
}

/* One side of "1:3" or "136:*": a number up to MAX, or '*' (ANY).
 * Returns how many bytes it took; 0: neither; -1: above MAX. */
static int parse_device_number(const char *text, long max, long *number)
{
    char *end;

    if (text[0] == '*') {
        *number = ANY;
        return 1;
    }
    if (!isdigit((unsigned char)text[0]))
        return 0;
    errno = 0;
    *number = strtol(text, &end, 10);
    if (errno || *number > max)
        return -1;
    return (int)(end - text);
}

int cgroup_parse_device_rule(const char *text, int allow,
                             struct cgroup_device_rule *rule)
{
    const char *p;
    int used;

    memset(rule, 0, sizeof(*rule));
    rule->allow = allow ? 1 : 0;
    /* "a" alone (devices.list shows it as "a *:* rwm": take that too). */
    if (strcmp(text, "a") == 0 || strcmp(text, "a *:* rwm") == 0) {
        rule->type = 'a';
        rule->major = rule->minor = ANY;
        snprintf(rule->access, sizeof(rule->access), "rwm");
        return 0;
    }
    if (text[0] == '\0' || text[1] != ' ')
        goto bad;
    if (text[0] != 'c' && text[0] != 'b')
        return error_msg("device rule '%s': type '%c' is not c (char), b "
                         "(block), or a alone (all devices)",
                         text, text[0]);
    rule->type = text[0];
    p = text + 2;
    /* A dev_t has 12 bits of major and 20 of minor (kdev_t.h). */
    used = parse_device_number(p, 4095, &rule->major);
    if (used < 0)
        return error_msg("device rule '%s': major number out of range "
                         "(0..4095, or *)",
                         text);
    if (used == 0 || p[used] != ':')
        goto bad;
    p += used + 1;
    used = parse_device_number(p, 1048575, &rule->minor);
    if (used < 0)
        return error_msg("device rule '%s': minor number out of range "
                         "(0..1048575, or *)",
                         text);
    if (used == 0 || p[used] != ' ')
        goto bad;
    p += used + 1;
    /* The access letters, kept in the kernel's order: "mr" is "rm". */
    used = 0;
    for (const char *letter = "rwm"; *letter; letter++)
        if (strchr(p, *letter))
            rule->access[used++] = *letter;
    if (!*p || strspn(p, "rwm") != strlen(p) || strlen(p) != (size_t)used)
        return error_msg("device rule '%s': access '%s' is not some of r "
                         "(read), w (write) and m (mknod), each once",
                         text, p);
    return 0;
bad:
    return error_msg("device rule '%s': want \"TYPE MAJOR:MINOR ACCESS\" "
                     "like \"c 1:3 rwm\" or \"b *:* m\" (TYPE c or b), or "
                     "\"a\" for all devices",
                     text);
}

const char *cgroup_device_rule_text(const struct cgroup_device_rule *rule,
                                    char *buf, size_t size)
{
    char major[16] = "*", minor[16] = "*";

    if (rule->type == 'a') {
        snprintf(buf, size, "a");
        return buf;
    }
    if (rule->major != ANY)
        snprintf(major, sizeof(major), "%ld", rule->major);
    if (rule->minor != ANY)
        snprintf(minor, sizeof(minor), "%ld", rule->minor);
    snprintf(buf, size, "%c %s:%s %s", rule->type, major, minor, rule->access);
    return buf;
}

static int is_deny_all(const struct cgroup_device_rule *rule)
{
    return rule->type == 'a' && !rule->allow;
}

/* Append RULE; a list starts from "deny all", so put it first if the
 * list is empty and RULE is not it. */
static int add_device_rule(struct cgroup_limits *limits,
                           const struct cgroup_device_rule *rule)
{
    int needed = 1 + (limits->device_count == 0 && !is_deny_all(rule));

    if (limits->device_count + needed > CG_MAX_DEVICE_RULES)
        return error_msg("too many device rules (at most %d, \"deny all\" "
                         "included)",
                         CG_MAX_DEVICE_RULES);
    if (needed == 2)
        limits->devices[limits->device_count++] =
            cgroup_default_device_rules[0];
    limits->devices[limits->device_count++] = *rule;
    return 0;
}

static int parse_device_option(const char *option, const char *value,
                               struct cgroup_limits *limits)
{
    struct cgroup_device_rule rule;

    if (strcmp(option, "--devices") == 0) {
        if (strcmp(value, "default") != 0)
            return error_msg("--devices '%s': the only set is \"default\" "
                             "(docker's)",
                             value);
        if (limits->device_count)
            return error_msg("--devices default: give it before any "
                             "--device or --device-deny (it starts from "
                             "\"deny all\")");
        for (int i = 0; i < cgroup_default_device_rule_count; i++)
            if (add_device_rule(limits, &cgroup_default_device_rules[i]) < 0)
                return -1;
        return 0;
    }
    if (cgroup_parse_device_rule(value, strcmp(option, "--device") == 0,
                                 &rule) < 0)
        return -1;
    return add_device_rule(limits, &rule);
}

int cgroup_limit_from_option(const char *option, const char *value,
                             struct cgroup_limits *limits)
{
    unsigned long number;
    uint64_t bytes;

    if (strcmp(option, "--memory") == 0 ||
        strcmp(option, "--memory-swap") == 0) {
        if (parse_size(value, &bytes) < 0)
            return error_msg("%s '%s': not a size, like 64m, 1g or 67108864",
                             option, value);
        if (bytes < 1024 * 1024)
            return error_msg("%s %s: at least 1m (with less, nothing can "
                             "start)",
                             option, value);
        if (option[8] == '\0')
            limits->memory = bytes;
        else
            limits->memory_swap = bytes;
        return 0;
    }
    if (strcmp(option, "--memory-reservation") == 0) {
        if (parse_size(value, &bytes) < 0)
            return error_msg("%s '%s': not a size, like 32m, 1g or 33554432",
                             option, value);
        if (bytes == 0)
            return error_msg("%s %s: want a size above 0 (to reserve "
                             "nothing, leave it out)",
                             option, value);
        limits->memory_reservation = bytes;
        return 0;
    }
    if (strcmp(option, "--cpus") == 0)
        return parse_cpus(value, limits);
    if (strcmp(option, "--cpu-max") == 0)
        return parse_cpu_max(value, limits);
    if (strcmp(option, "--cpu-weight") == 0 ||
        strcmp(option, "--cpu-shares") == 0) {
        int shares = strcmp(option, "--cpu-shares") == 0;

        /* Two spellings of one file (cpu.weight, v1 cpu.shares). */
        if (shares ? limits->cpu_weight : limits->cpu_shares)
            return error_msg("--cpu-shares and --cpu-weight set the same "
                             "file (cpu.weight on v2, cpu.shares on v1): "
                             "give one of them");
        if (shares) {
            if (parse_ulong(value, 262144, &number) < 0 || number < 2)
                return error_msg("--cpu-shares '%s': want 2..262144 "
                                 "(default 1024)",
                                 value);
            limits->cpu_shares = number;
            return 0;
        }
        if (parse_ulong(value, 10000, &number) < 0 || number < 1)
            return error_msg("--cpu-weight '%s': want 1..10000 (default "
                             "100)",
                             value);
        limits->cpu_weight = number;
        return 0;
    }
    if (strcmp(option, "--cpuset-cpus") == 0)
        return parse_cpuset_list(option, value, (unsigned)get_nprocs_conf(),
                                 "CPU", limits->cpuset_cpus,
                                 sizeof(limits->cpuset_cpus));
    if (strcmp(option, "--cpuset-mems") == 0)
        return parse_cpuset_list(option, value, count_memory_nodes(),
                                 "memory node", limits->cpuset_mems,
                                 sizeof(limits->cpuset_mems));
    if (strcmp(option, "--pids") == 0) {
        if (parse_ulong(value, 4194304, &number) < 0 || number < 1)
            return error_msg("--pids '%s': want a number of tasks from 1 "
                             "to 4194304",
                             value);
        limits->pids = number;
        return 0;
    }
    if (strcmp(option, "--io-max") == 0)
        return parse_io_max(value, limits);
    if (strcmp(option, "--io-weight") == 0) {
        if (parse_ulong(value, 1000, &number) < 0 || number < 10)
            return error_msg("--io-weight '%s': want 10..1000", value);
        limits->io_weight = (unsigned)number;
        return 0;
    }
    if (strcmp(option, "--device") == 0 ||
        strcmp(option, "--device-deny") == 0 ||
        strcmp(option, "--devices") == 0)
        return parse_device_option(option, value, limits);
    return error_msg("%s: not a cgroup limit", option);
}

/* --- where each controller goes ------------------------------------------- */

static int limits_need(const struct cgroup_limits *limits, enum controller c)
{
    switch (c) {
    case CG_MEMORY:
        return limits->memory || limits->memory_swap ||
               limits->memory_reservation;
    case CG_CPU:
        return limits->has_cpu_max || limits->cpu_weight || limits->cpu_shares;
    case CG_PIDS:
        return limits->pids != 0;
    case CG_IO:
        return limits->io_max_count > 0 || limits->io_weight;
    case CG_DEVICES:
        return limits->device_count > 0;
    case CG_CPUSET:
        return limits->cpuset_cpus[0] || limits->cpuset_mems[0];
    case CG_FREEZER: /* v1 only: v2 freezes in its core */
        return limits->freezable;
    default:
        return 0;
    }
}

/* Say why controller C cannot be used, and what to change. */
static int report_unusable(const struct cgroup_host *host, enum controller c,
                           const char *parent, const char *parent_controllers)
{
    if (c == CG_DEVICES)
        return error_msg("device rules need a cgroup v1 \"devices\" "
                         "hierarchy or a cgroup2 mount (where they are a "
                         "BPF program); neither is here (see: make doctor)");
    if (host->v2_mount[0] && (parent || !host->v1_mount[c][0]))
        return error_msg("controller \"%s\" is not available in "
                         "%s/cgroup.controllers (it lists: %s); on a v2 "
                         "host enable it in the parent's "
                         "cgroup.subtree_control, on a hybrid host it may "
                         "be bound to a v1 hierarchy (see: make doctor)",
                         controllers[c].v2, parent ? parent : host->v2_mount,
                         parent_controllers[0] ? parent_controllers
                                               : "nothing");
    return error_msg("controller \"%s\" is not mounted on this machine (no "
                     "cgroup v1 hierarchy for it, and no cgroup2 that has "
                     "it; see: make doctor)",
                     controllers[c].v1);
}

/* Decide, for each controller, v2 or v1 or nothing, and name CG's
 * directories: v2 CG->v2_parent/NAME; v1 each controller's mount, then
 * CG->path or ctlab/NAME. DELEGATED: CG->v2_parent is a --parent.
 * PARENT_CONTROLLERS: what the v2 parent's cgroup.controllers offers (for
 * the v2 root's, what cgroup_create() will enable down the way). */
static int place_controllers(const struct cgroup_host *host, int delegated,
                             const char *parent_controllers,
                             const struct cgroup_limits *limits,
                             struct cgroup *cg)
{
    const char *parent = delegated ? cg->v2_parent : NULL;
    int on_v2 = 0, on_v1 = 0;

    /* Each controller: v2 if the parent can have it, else v1 (never
     * with --parent: delegation is a v2 idea), else unusable. devices:
     * v1 wherever its hierarchy is mounted (its files there are what the
     * kernel checks, even on a hybrid host), planned like every v1
     * controller so that the directory is found again to remove it; else
     * with rules, the v2 directory that will carry the BPF program.
     * cpuacct and the freezer come after: wherever v1 is used. */
    for (int c = 0; c < CG_COUNT; c++) {
        if (c == CG_CPUACCT || c == CG_FREEZER)
            continue;
        if (c == CG_DEVICES) {
            if (!parent && host->v1_mount[c][0]) {
                cg->version[c] = 1;
                on_v1 = 1;
            } else if (limits_need(limits, c) && cg->v2_parent[0]) {
                cg->version[c] = 2;
                on_v2 = 1;
            } else if (limits_need(limits, c)) {
                return report_unusable(host, (enum controller)c, parent,
                                       parent_controllers);
            }
        } else if (controllers[c].v2 && cg->v2_parent[0] &&
                   has_word(parent_controllers, controllers[c].v2)) {
            cg->version[c] = 2;
            on_v2 = 1;
        } else if (controllers[c].v2 && !parent && host->v1_mount[c][0]) {
            cg->version[c] = 1;
            on_v1 = 1;
        } else if (limits_need(limits, c)) {
            return report_unusable(host, (enum controller)c, parent,
                                   parent_controllers);
        }
    }
    /* v2 counts CPU time and freezes by itself; v1 needs cpuacct and the
     * freezer, where they are mounted. A pure v2 host always gets its
     * directory, even with no controller, to group the processes. */
    if (cg->v2_parent[0] && (on_v2 || !on_v1))
        snprintf(cg->v2_dir, sizeof(cg->v2_dir), "%s/%s", cg->v2_parent,
                 cg->name);
    for (int c = CG_CPUACCT; c <= CG_FREEZER; c++)
        if (on_v1 && !parent && host->v1_mount[c][0])
            cg->version[c] = 1;
    for (int c = 0; c < CG_COUNT; c++) {
        if (cg->version[c] == 2)
            snprintf(cg->dir[c], sizeof(cg->dir[c]), "%s", cg->v2_dir);
        else if (cg->version[c] == 1 && cg->path[0])
            snprintf(cg->dir[c], sizeof(cg->dir[c]), "%s%s", host->v1_mount[c],
                     cg->path);
        else if (cg->version[c] == 1)
            snprintf(cg->dir[c], sizeof(cg->dir[c]), "%s/ctlab/%s",
                     host->v1_mount[c], cg->name);
    }
    if (!cg->v2_dir[0] && !on_v1)
        return error_msg("no usable cgroup hierarchy on this machine (see: "
                         "make doctor)");
    return 0;
}

int cgroup_plan(const struct cgroup_host *host, const char *name,
                const char *parent, const struct cgroup_limits *limits,
                struct cgroup *cg)
{
    char path[PATH_MAX + 32], parent_controllers[256] = "";

    memset(cg, 0, sizeof(*cg));
    if (cgroup_check_name(name) < 0)
        return -1;
    snprintf(cg->name, sizeof(cg->name), "%s", name);

    /* The v2 parent: a delegated directory, or ctlab/ under the root. */
    if (parent) {
        if (!host->v2_mount[0] ||
            strncmp(parent, host->v2_mount, strlen(host->v2_mount)) != 0)
            return error_msg("--parent %s: not inside the cgroup2 hierarchy "
                             "(%s)",
                             parent,
                             host->v2_mount[0] ? host->v2_mount : "none here");
        if (strlen(parent) >= CG_PARENT_MAX)
            return error_msg("--parent: path too long");
        snprintf(cg->v2_parent, sizeof(cg->v2_parent), "%s", parent);
        snprintf(path, sizeof(path), "%s/cgroup.controllers", parent);
        if (read_first_line(path, parent_controllers,
                            sizeof(parent_controllers)) < 0)
            return error_errno("--parent %s: read %s", parent, path);
    } else if (host->v2_mount[0]) {
        snprintf(cg->v2_parent, sizeof(cg->v2_parent), "%s/ctlab",
                 host->v2_mount);
        cg->v2_parent_is_ours = 1;
        snprintf(parent_controllers, sizeof(parent_controllers), "%s",
                 host->v2_controllers);
    }
    return place_controllers(host, parent != NULL, parent_controllers, limits,
                             cg);
}

int cgroup_plan_path(const struct cgroup_host *host, const char *path,
                     const struct cgroup_limits *limits, struct cgroup *cg)
{
    const char *leaf = strrchr(path, '/');

    memset(cg, 0, sizeof(*cg));
    if (cgroup_check_path(path) < 0)
        return -1;
    snprintf(cg->path, sizeof(cg->path), "%s", path);
    snprintf(cg->name, sizeof(cg->name), "%s", leaf + 1);
    /* The v2 parent is the path's, below the root; the controllers it
     * will have are those the root offers, handed down one level at a
     * time by cgroup_create(). */
    if (host->v2_mount[0])
        snprintf(cg->v2_parent, sizeof(cg->v2_parent), "%s%.*s", host->v2_mount,
                 (int)(leaf - path), path);
    return place_controllers(host, 0, host->v2_controllers, limits, cg);
}

/* The distinct directories of CG, v2's first: each is one mkdir, one
 * cgroup.procs, one rmdir. Returns how many, up to CG_COUNT + 1. */
static int distinct_dirs(const struct cgroup *cg, const char *dirs[])
{
    int count = 0;

    if (cg->v2_dir[0])
        dirs[count++] = cg->v2_dir;
    for (int c = 0; c < CG_COUNT; c++) {
        int seen = 0;

        if (cg->version[c] != 1)
            continue;
        for (int i = 0; i < count; i++)
            seen |= strcmp(dirs[i], cg->dir[c]) == 0;
        if (!seen)
            dirs[count++] = cg->dir[c];
    }
    return count;
}

int cgroup_exists(const struct cgroup *cg)
{
    const char *dirs[CG_COUNT + 1];
    int count = distinct_dirs(cg, dirs);
    struct stat st;

    for (int i = 0; i < count; i++)
        if (stat(dirs[i], &st) < 0)
            return 0;
    return count > 0;
}

/* --- making and removing directories -----------------------------------------
 */

/* Enable the v2 controllers CG uses in DIR/cgroup.subtree_control, those
 * not enabled yet: "+memory +cpu +pids". */
static int enable_controllers(const struct cgroup *cg, const char *dir)
{
    char path[PATH_MAX + 32], enabled[256] = "", request[128] = "";
    size_t used = 0;

    snprintf(path, sizeof(path), "%s/cgroup.subtree_control", dir);
    if (read_first_line(path, enabled, sizeof(enabled)) < 0 && errno != ENODATA)
        return error_errno("read %s", path);
    for (int c = 0; c < CG_COUNT; c++)
        if (cg->version[c] == 2 && controllers[c].v2 &&
            !has_word(enabled, controllers[c].v2))
            used +=
                (size_t)snprintf(request + used, sizeof(request) - used,
                                 "%s+%s", used ? " " : "", controllers[c].v2);
    if (used == 0)
        return 0;
    if (write_file(path, request) < 0) {
        if (errno == EBUSY)
            return error_errno("enable %s in %s (the no-internal-process "
                               "rule: a cgroup with processes of its own "
                               "cannot hand controllers to children)",
                               request, path);
        return error_errno("enable %s in %s", request, path);
    }
    return 0;
}

static int make_directory(const char *path, int *created)
{
    trace("mkdir %s", path);
    if (mkdir(path, 0755) == 0) {
        *created = 1;
        return 0;
    }
    *created = 0;
    if (errno == EEXIST)
        return 0;
    return error_errno("mkdir %s", path);
}

/* v1 cpuset: DIR starts with empty cpuset.cpus and cpuset.mems, and no
 * process can join it (ENOSPC) until both are written. Give it its
 * parent's, where still empty (cgroup.clone_children in the parent would
 * do the copy in the kernel, but that is a flag in a directory that may
 * not be ours). */
static int inherit_cpuset(const char *dir)
{
    static const char *const files[] = {"cpuset.cpus", "cpuset.mems"};
    char path[PATH_MAX + 32], parent[PATH_MAX], list[4096];
    int told = 0;

    snprintf(parent, sizeof(parent), "%s", dir);
    *strrchr(parent, '/') = '\0';
    for (int i = 0; i < 2; i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
        if (read_first_line(path, list, sizeof(list)) < 0)
            return error_errno("read %s", path);
        if (list[0]) /* set already: a ctlab/ parent made before */
            continue;
        snprintf(path, sizeof(path), "%s/%s", parent, files[i]);
        if (read_first_line(path, list, sizeof(list)) < 0)
            return error_errno("read %s", path);
        if (!told++)
            trace("%s: a new v1 cpuset, no CPUs and no memory nodes yet: "
                  "its parent's",
                  dir);
        snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
        if (write_file(path, list) < 0)
            return error_errno("cannot give %s its parent's CPUs and memory "
                               "nodes: write %s \"%s\"",
                               dir, path, list);
    }
    return 0;
}

/* rmdir the ctlab/ parent of DIR if it is empty; another ctlab cgroup
 * may still be in it (ENOTEMPTY, EBUSY): then leave it. */
static void remove_parent_if_empty(const char *dir)
{
    char parent[PATH_MAX];
    char *slash;

    snprintf(parent, sizeof(parent), "%s", dir);
    slash = strrchr(parent, '/');
    if (!slash)
        return;
    *slash = '\0';
    if (strcmp(slash - 6 >= parent ? slash - 6 : parent, "/ctlab") != 0)
        return;
    if (rmdir(parent) == 0)
        trace("rmdir %s  (empty now)", parent);
}

/* --- the parents of a cgroup path --------------------------------------- */

/* How many bytes of DIR, a v1 directory or a path's v2 one, are its
 * hierarchy's root: what comes after is CG->path, or /ctlab/NAME. */
static size_t root_length(const struct cgroup *cg, const char *dir)
{
    size_t below =
        cg->path[0] ? strlen(cg->path) : strlen("/ctlab/") + strlen(cg->name);

    return strlen(dir) - below;
}

/* A parent that cgroup_create() made for a path carries this extended
 * attribute (xattr(7); cgroupfs keeps trusted.* ones, for CAP_SYS_ADMIN).
 * The cgroup is removed later, by another process (cgctl delete, minictr
 * delete, gc), which must tell the parents ctlab made, to remove them
 * once empty, from those that were there before (an engine's, systemd's),
 * to leave them. Only the directory itself can carry that fact from one
 * process to the next; systemd marks its cgroups the same way
 * (trusted.delegate, trusted.invocation_id). */
#define MADE_BY_CTLAB "trusted.ctlab.made"

static int mark_made_by_ctlab(const char *dir)
{
    trace("setxattr %s %s=1  (made by ctlab)", dir, MADE_BY_CTLAB);
    if (setxattr(dir, MADE_BY_CTLAB, "1", 1, 0) < 0)
        return error_errno("mark %s as made by ctlab: setxattr %s", dir,
                           MADE_BY_CTLAB);
    return 0;
}

static int made_by_ctlab(const char *dir)
{
    return getxattr(dir, MADE_BY_CTLAB, NULL, 0) >= 0;
}

/* mkdir -p for a path: make the missing directories between the root and
 * DIR's parent, top down, each marked as made by ctlab. On v2 (ENABLE)
 * the controllers must flow down through every one of them: enabled in
 * the root's cgroup.subtree_control, they can be used in the first level;
 * enabled there, in the second; and so on to DIR's parent, as for ctlab/
 * below. */
static int make_parents(const struct cgroup *cg, const char *dir, int enable)
{
    char parent[CG_DIR_MAX];
    const char *leaf = strrchr(dir, '/');
    size_t length = root_length(cg, dir);
    int created;

    snprintf(parent, sizeof(parent), "%.*s", (int)length, dir);
    while (dir + length < leaf) {
        if (enable && enable_controllers(cg, parent) < 0)
            return -1;
        length += 1 + strcspn(dir + length + 1, "/");
        snprintf(parent, sizeof(parent), "%.*s", (int)length, dir);
        if (make_directory(parent, &created) < 0)
            return -1;
        if (created && mark_made_by_ctlab(parent) < 0) {
            rmdir(parent);
            return -1;
        }
    }
    return enable ? enable_controllers(cg, parent) : 0;
}

/* After DIR, a path's cgroup, is gone: rmdir its parents that ctlab made,
 * deepest first, while they are empty; stop at one that was there before
 * or that holds another cgroup still (ENOTEMPTY). One missing (a create
 * that failed half way) is passed over. ctlab/ under the root is ctlab's
 * by its name, as everywhere in this file. */
static void remove_made_parents(const struct cgroup *cg, const char *dir)
{
    char parent[CG_DIR_MAX];
    size_t length = root_length(cg, dir);
    struct stat st;
    char *slash;

    snprintf(parent, sizeof(parent), "%s", dir);
    while ((slash = strrchr(parent, '/')) &&
           (size_t)(slash - parent) > length) {
        *slash = '\0';
        if (stat(parent, &st) < 0)
            continue;
        if (!made_by_ctlab(parent) && strcmp(parent + length, "/ctlab") != 0) {
            trace("%s: not made by ctlab (no %s), stays", parent,
                  MADE_BY_CTLAB);
            return;
        }
        if (rmdir(parent) < 0)
            return;
        trace("rmdir %s  (made by ctlab, empty now)", parent);
    }
}

/* v1 cpuset: each directory between the root and DIR, DIR included, gets
 * its parent's CPUs and memory nodes where it has none yet, top down. */
static int inherit_cpuset_down(const struct cgroup *cg, const char *dir)
{
    char path[CG_DIR_MAX];
    size_t length = root_length(cg, dir);

    while (dir[length]) {
        length += 1 + strcspn(dir + length + 1, "/");
        snprintf(path, sizeof(path), "%.*s", (int)length, dir);
        if (inherit_cpuset(path) < 0)
            return -1;
    }
    return 0;
}

int cgroup_create(struct cgroup *cg)
{
    const char *dirs[CG_COUNT + 1];
    int count = distinct_dirs(cg, dirs), made = 0, created;
    char parent[PATH_MAX];

    /* 1. v2: controllers flow down from the root one level at a time:
     * enabled in the root's subtree_control, they can be used in ctlab/;
     * enabled in ctlab/'s, in ctlab/NAME. A path's parents the same way,
     * each one in turn. */
    if (cg->v2_dir[0] && cg->path[0]) {
        if (make_parents(cg, cg->v2_dir, 1) < 0)
            goto undo;
    } else if (cg->v2_dir[0]) {
        if (cg->v2_parent_is_ours) {
            snprintf(parent, sizeof(parent), "%s", cg->v2_parent);
            *strrchr(parent, '/') = '\0';
            if (enable_controllers(cg, parent) < 0 ||
                make_directory(cg->v2_parent, &cg->v2_created_parent) < 0)
                return -1;
        }
        if (enable_controllers(cg, cg->v2_parent) < 0)
            goto undo;
    }
    /* 2. One directory per hierarchy (v1: with its ctlab/ parent, or a
     *    path's parents). */
    for (made = 0; made < count; made++) {
        if ((made > 0 || !cg->v2_dir[0]) && cg->path[0]) {
            if (make_parents(cg, dirs[made], 0) < 0)
                goto undo;
        } else if (made > 0 || !cg->v2_dir[0]) {
            snprintf(parent, sizeof(parent), "%s", dirs[made]);
            *strrchr(parent, '/') = '\0';
            if (make_directory(parent, &created) < 0)
                goto undo;
        }
        trace("mkdir %s", dirs[made]);
        if (mkdir(dirs[made], 0755) < 0) {
            if (errno == EEXIST)
                error_msg("cgroup '%s' already exists (%s)",
                          cg->path[0] ? cg->path : cg->name, dirs[made]);
            else
                error_errno("mkdir %s", dirs[made]);
            goto undo;
        }
        /* 3. v1 cpuset: CPUs and memory nodes for ctlab/ (or each of a
         *    path's parents), then for the new directory, before any
         *    process is to join. */
        if (cg->version[CG_CPUSET] == 1 &&
            strcmp(dirs[made], cg->dir[CG_CPUSET]) == 0 &&
            inherit_cpuset_down(cg, dirs[made]) < 0) {
            made++; /* it was made: undo removes it */
            goto undo;
        }
    }
    return 0;
undo:
    /* A path's parents: those of the directory that failed too. */
    if (cg->path[0] && made < count)
        remove_made_parents(cg, dirs[made]);
    while (made-- > 0) {
        rmdir(dirs[made]);
        if (cg->path[0])
            remove_made_parents(cg, dirs[made]);
        else if (made > 0 || !cg->v2_dir[0])
            remove_parent_if_empty(dirs[made]);
    }
    if (cg->v2_created_parent)
        rmdir(cg->v2_parent);
    return -1;
}

/* --- limits --------------------------------------------------------------- */

/* Write VALUE into FILE of controller C's directory. */
static int set_file(const struct cgroup *cg, enum controller c,
                    const char *file, const char *value)
{
    char path[PATH_MAX + 64];

    snprintf(path, sizeof(path), "%s/%s", cg->dir[c], file);
    if (write_file(path, value) < 0)
        return error_errno("cannot set %s on %s: write %s \"%s\"", file,
                           cg->name, path, value);
    return 0;
}

static int file_exists(const struct cgroup *cg, enum controller c,
                       const char *file)
{
    char path[PATH_MAX + 64];

    snprintf(path, sizeof(path), "%s/%s", cg->dir[c], file);
    return access(path, F_OK) == 0;
}

/* memory.max and memory.swap.max (v2: swap alone), or v1's
 * memory.limit_in_bytes and memory.memsw.limit_in_bytes (memory + swap).
 * Without --memory-swap, no swap: the limit is the limit. */
static int set_memory(const struct cgroup *cg,
                      const struct cgroup_limits *limits)
{
    uint64_t total = limits->memory_swap ? limits->memory_swap : limits->memory;
    char memory[32], swap[32];

    if (limits->memory_swap && limits->memory_swap < limits->memory)
        return error_msg("--memory-swap is memory + swap: it must be at "
                         "least --memory");
    snprintf(memory, sizeof(memory), "%llu",
             (unsigned long long)limits->memory);
    if (cg->version[CG_MEMORY] == 2) {
        if (limits->memory && set_file(cg, CG_MEMORY, "memory.max", memory))
            return -1;
        snprintf(swap, sizeof(swap), "%llu",
                 (unsigned long long)(total - limits->memory));
        if (!file_exists(cg, CG_MEMORY, "memory.swap.max")) {
            trace("no memory.swap.max (no swap accounting): swap not "
                  "limited");
            return 0;
        }
        return set_file(cg, CG_MEMORY, "memory.swap.max", swap);
    }
    snprintf(swap, sizeof(swap), "%llu", (unsigned long long)total);
    /* v1 refuses a memory limit above memory+swap: when raising, the
     * memsw limit goes first. */
    if (limits->memory) {
        char path[PATH_MAX + 64];

        snprintf(path, sizeof(path), "%s/memory.limit_in_bytes",
                 cg->dir[CG_MEMORY]);
        if (write_file(path, memory) == 0)
            goto swap;
        if (errno != EINVAL ||
            !file_exists(cg, CG_MEMORY, "memory.memsw.limit_in_bytes"))
            return error_errno("cannot set memory.limit_in_bytes on %s: "
                               "write %s \"%s\"",
                               cg->name, path, memory);
        if (set_file(cg, CG_MEMORY, "memory.memsw.limit_in_bytes", swap) ||
            set_file(cg, CG_MEMORY, "memory.limit_in_bytes", memory))
            return -1;
    }
swap:
    if (!file_exists(cg, CG_MEMORY, "memory.memsw.limit_in_bytes")) {
        trace("no memory.memsw.limit_in_bytes (swapaccount=0): swap not "
              "limited");
        return 0;
    }
    return set_file(cg, CG_MEMORY, "memory.memsw.limit_in_bytes", swap);
}

/* cpu.weight 1..10000 (default 100) as v1 cpu.shares 2..262144 (default
 * 1024), the conversion runc and systemd use. */
static unsigned long weight_to_shares(unsigned long weight)
{
    return 2 + ((weight - 1) * 262142) / 9999;
}

/* And back, for OCI's cpu.shares on v2: crun's formula, a straight line
 * from 2..262144 onto 1..10000. The defaults do not meet: 1024 shares
 * become a weight of 39, not 100. */
static unsigned long shares_to_weight(unsigned long shares)
{
    return 1 + ((shares - 2) * 9999) / 262142;
}

static int set_cpu(const struct cgroup *cg, const struct cgroup_limits *limits)
{
    char quota[32], period[32], value[80];

    snprintf(period, sizeof(period), "%lu", limits->cpu_period);
    if (limits->cpu_quota < 0)
        snprintf(quota, sizeof(quota), "%s",
                 cg->version[CG_CPU] == 2 ? "max" : "-1");
    else
        snprintf(quota, sizeof(quota), "%lld", limits->cpu_quota);
    if (limits->has_cpu_max) {
        if (cg->version[CG_CPU] == 2) {
            snprintf(value, sizeof(value), "%s %s", quota, period);
            if (set_file(cg, CG_CPU, "cpu.max", value) < 0)
                return -1;
        } else if (set_file(cg, CG_CPU, "cpu.cfs_period_us", period) < 0 ||
                   set_file(cg, CG_CPU, "cpu.cfs_quota_us", quota) < 0) {
            return -1;
        }
    }
    if (limits->cpu_weight || limits->cpu_shares) {
        unsigned long weight = limits->cpu_weight, shares = limits->cpu_shares;

        if (cg->version[CG_CPU] == 2)
            snprintf(value, sizeof(value), "%lu",
                     weight ? weight : shares_to_weight(shares));
        else
            snprintf(value, sizeof(value), "%lu",
                     shares ? shares : weight_to_shares(weight));
        return set_file(cg, CG_CPU,
                        cg->version[CG_CPU] == 2 ? "cpu.weight" : "cpu.shares",
                        value);
    }
    return 0;
}

/* A reservation: memory the processes keep when the host must reclaim.
 * v2's memory.low protects that much from reclaim (best effort); v1's
 * soft limit works the other way round: under pressure the kernel takes
 * memory back first from groups above theirs. docker writes its
 * --memory-reservation to one or the other. */
static int set_memory_reservation(const struct cgroup *cg,
                                  const struct cgroup_limits *limits)
{
    char value[32];

    snprintf(value, sizeof(value), "%llu",
             (unsigned long long)limits->memory_reservation);
    return set_file(cg, CG_MEMORY,
                    cg->version[CG_MEMORY] == 2 ? "memory.low"
                                                : "memory.soft_limit_in_bytes",
                    value);
}

/* cpuset.cpus and cpuset.mems: the same names and lists on v1 and v2. */
static int set_cpuset(const struct cgroup *cg,
                      const struct cgroup_limits *limits)
{
    if (limits->cpuset_cpus[0] &&
        set_file(cg, CG_CPUSET, "cpuset.cpus", limits->cpuset_cpus) < 0)
        return -1;
    if (limits->cpuset_mems[0] &&
        set_file(cg, CG_CPUSET, "cpuset.mems", limits->cpuset_mems) < 0)
        return -1;
    return 0;
}

/* One device's io.max "MAJ:MIN rbps=N wbps=N ..." on v2; one
 * blkio.throttle file per kind on v1, "MAJ:MIN N". Each write adds or
 * changes that device's line, and leaves the other devices' alone. */
static int set_io_max(const struct cgroup *cg,
                      const struct cgroup_io_max *device)
{
    static const char *const v1_files[] = {
        "blkio.throttle.read_bps_device",
        "blkio.throttle.write_bps_device",
        "blkio.throttle.read_iops_device",
        "blkio.throttle.write_iops_device",
    };
    static const char *const v2_keys[] = {"rbps", "wbps", "riops", "wiops"};
    const unsigned long long values[] = {device->rbps, device->wbps,
                                         device->riops, device->wiops};
    char line[256];
    size_t used;

    if (cg->version[CG_IO] == 2) {
        used = (size_t)snprintf(line, sizeof(line), "%s", device->device);
        for (int i = 0; i < 4; i++)
            if (values[i])
                used += (size_t)snprintf(line + used, sizeof(line) - used,
                                         " %s=%llu", v2_keys[i], values[i]);
        return set_file(cg, CG_IO, "io.max", line);
    }
    for (int i = 0; i < 4; i++) {
        if (!values[i])
            continue;
        snprintf(line, sizeof(line), "%s %llu", device->device, values[i]);
        if (set_file(cg, CG_IO, v1_files[i], line) < 0)
            return -1;
    }
    return 0;
}

/* A proportional share of the disks, 10..1000. The weight is the I/O
 * scheduler's or the cost model's, so its file comes and goes with them:
 * v2 BFQ's io.bfq.weight (runc's first choice: the scheduler the disk
 * really uses), else io.weight (the iocost controller); v1 blkio.weight
 * (CFQ's, gone since Linux 5.0), else blkio.bfq.weight. Without either,
 * say so: a weight silently dropped is a share the user asked for and did
 * not get. */
static int set_io_weight(const struct cgroup *cg,
                         const struct cgroup_limits *limits)
{
    int v2 = cg->version[CG_IO] == 2;
    const char *file = v2 ? "io.bfq.weight" : "blkio.weight";
    const char *other = v2 ? "io.weight" : "blkio.bfq.weight";
    char value[32];

    /* v2's files take "default N" (and "MAJ:MIN N" per device). BFQ's
     * count 1..1000 and take the weight as it is. */
    snprintf(value, sizeof(value), v2 ? "default %u" : "%u", limits->io_weight);
    if (file_exists(cg, CG_IO, file))
        return set_file(cg, CG_IO, file, value);
    if (file_exists(cg, CG_IO, other)) {
        trace("no %s/%s: %s instead", cg->dir[CG_IO], file, other);
        /* v2's io.weight counts 1..10000 (default 100): the weight, given
         * on blkio's scale, goes there by runc's line from 10..1000. */
        if (v2)
            snprintf(value, sizeof(value), "default %u",
                     1 + (limits->io_weight - 10) * 9999 / 990);
        return set_file(cg, CG_IO, other, value);
    }
    errno = ENOENT;
    return error_msg("cannot set %s on %s: %s/%s does not exist, nor %s (the "
                     "weight belongs to %s or the BFQ I/O scheduler, and "
                     "neither is in this kernel; try: modprobe bfq)",
                     v2 ? "io.weight" : file, cg->name, cg->dir[CG_IO],
                     v2 ? "io.weight" : file, v2 ? file : other,
                     v2 ? "the iocost controller" : "CFQ (gone since 5.0)");
}

/* --- devices --------------------------------------------------------------
 */

/* v1: "a" written to devices.deny empties the cgroup's list of allowed
 * devices and makes "deny" the default; each allow rule then adds an entry
 * to the list, each deny rule takes access away from an entry it names.
 * devices.list shows the list. (A list, not the rules: denying "c 1:11"
 * after allowing "c *:*" changes nothing there, while v2's program below
 * would deny it. Keep deny rules for whole entries, or for "a".) */
static int set_devices_v1(const struct cgroup *cg,
                          const struct cgroup_limits *limits)
{
    char text[48];

    for (int i = 0; i < limits->device_count; i++) {
        const struct cgroup_device_rule *rule = &limits->devices[i];

        if (set_file(cg, CG_DEVICES,
                     rule->allow ? "devices.allow" : "devices.deny",
                     cgroup_device_rule_text(rule, text, sizeof(text))) < 0)
            return -1;
    }
    return 0;
}

/* v2: a BPF_PROG_TYPE_CGROUP_DEVICE program (Linux 4.15). On every open
 * and mknod of a device node by a process of the cgroup, the kernel runs
 * it with R1 pointing at a struct bpf_cgroup_dev_ctx:
 *
 *     access_type   the node's type in the low 16 bits (BPF_DEVCG_DEV_BLOCK
 *                   1, BPF_DEVCG_DEV_CHAR 2), the access asked for above
 *                   them (BPF_DEVCG_ACC_MKNOD 1, _READ 2, _WRITE 4)
 *     major, minor  the node's numbers
 *
 * and takes R0 as the verdict: 1 lets the access through, 0 makes the
 * open or mknod fail with EPERM. It is assembled here by hand, one
 * struct bpf_insn at a time, as runc and crun do (no compiler, no libbpf):
 * load the fields into R2..R5, then test the rules, the LAST rule first,
 * so that a later rule overrides an earlier one as in the rule list. The
 * first rule that matches decides; if none does, deny. */
#define DEVICE_PROGRAM_MAX (6 + 8 * CG_MAX_DEVICE_RULES + 2)
#define DEVCG_ACC_ALL                                                          \
    (BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE | BPF_DEVCG_ACC_MKNOD)

struct device_program {
    struct bpf_insn insns[DEVICE_PROGRAM_MAX];
    char comments[DEVICE_PROGRAM_MAX][40]; /* what each one does, for -v */
    int count;
};

/* Append one instruction. A struct bpf_insn is 8 bytes: an opcode (class
 * | operation | source: BPF_JMP | BPF_JNE | BPF_K is "jump if not equal
 * to the immediate"), a destination and a source register (R0-R10), a
 * jump offset OFF (in instructions, from the next one) and an immediate
 * IMM. */
static void emit(struct device_program *program, int code, int dst, int src,
                 int off, int imm, const char *comment)
{
    struct bpf_insn *insn = &program->insns[program->count];

    memset(insn, 0, sizeof(*insn));
    insn->code = (uint8_t)code;
    insn->dst_reg = (uint8_t)(dst & 0xf);
    insn->src_reg = (uint8_t)(src & 0xf);
    insn->off = (int16_t)off;
    insn->imm = imm;
    snprintf(program->comments[program->count], sizeof(program->comments[0]),
             "%s", comment);
    program->count++;
}

/* One rule: each test jumps to the next rule as soon as the request
 * differs; a request that passes them all gets the rule's verdict. */
static void emit_rule(struct device_program *program,
                      const struct cgroup_device_rule *rule)
{
    int first = program->count, access = 0;
    char text[48], comment[40];

    for (const char *letter = rule->access; *letter; letter++)
        access |= *letter == 'r'   ? BPF_DEVCG_ACC_READ
                  : *letter == 'w' ? BPF_DEVCG_ACC_WRITE
                                   : BPF_DEVCG_ACC_MKNOD;
    if (rule->type != 'a') {
        snprintf(comment, sizeof(comment), "%s device?",
                 rule->type == 'b' ? "block" : "char");
        emit(program, BPF_JMP | BPF_JNE | BPF_K, BPF_REG_2, 0, 0,
             rule->type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR,
             comment);
    }
    if (access != DEVCG_ACC_ALL) {
        emit(program, BPF_ALU | BPF_MOV | BPF_X, BPF_REG_1, BPF_REG_3, 0, 0,
             "the access asked for");
        emit(program, BPF_ALU | BPF_AND | BPF_K, BPF_REG_1, 0, 0, access,
             "... & the rule's");
        /* allow: every access asked for is in the rule ("rw" is not
         * within "r"); deny: any of them is. */
        snprintf(comment, sizeof(comment), "%s %s?",
                 rule->allow ? "all within" : "any of", rule->access);
        if (rule->allow)
            emit(program, BPF_JMP | BPF_JNE | BPF_X, BPF_REG_1, BPF_REG_3, 0, 0,
                 comment);
        else
            emit(program, BPF_JMP | BPF_JEQ | BPF_K, BPF_REG_1, 0, 0, 0,
                 comment);
    }
    if (rule->major != ANY) {
        snprintf(comment, sizeof(comment), "major %ld?", rule->major);
        emit(program, BPF_JMP | BPF_JNE | BPF_K, BPF_REG_4, 0, 0,
             (int)rule->major, comment);
    }
    if (rule->minor != ANY) {
        snprintf(comment, sizeof(comment), "minor %ld?", rule->minor);
        emit(program, BPF_JMP | BPF_JNE | BPF_K, BPF_REG_5, 0, 0,
             (int)rule->minor, comment);
    }
    snprintf(comment, sizeof(comment), "%s %s", rule->allow ? "allow" : "deny",
             cgroup_device_rule_text(rule, text, sizeof(text)));
    emit(program, BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, rule->allow,
         comment);
    emit(program, BPF_JMP | BPF_EXIT, 0, 0, 0, 0, "");
    /* Each test jumps past this rule's exit: offsets count from the
     * instruction after the jump. */
    for (int i = first; i < program->count - 2; i++)
        if (BPF_CLASS(program->insns[i].code) == BPF_JMP)
            program->insns[i].off = (int16_t)(program->count - i - 1);
}

static void build_device_program(struct device_program *program,
                                 const struct cgroup_limits *limits)
{
    program->count = 0;
    emit(program, BPF_LDX | BPF_MEM | BPF_W, BPF_REG_2, BPF_REG_1,
         offsetof(struct bpf_cgroup_dev_ctx, access_type), 0, "access_type");
    emit(program, BPF_ALU | BPF_AND | BPF_K, BPF_REG_2, 0, 0, 0xffff,
         "r2: the type (1 b, 2 c)");
    emit(program, BPF_LDX | BPF_MEM | BPF_W, BPF_REG_3, BPF_REG_1,
         offsetof(struct bpf_cgroup_dev_ctx, access_type), 0, "access_type");
    emit(program, BPF_ALU | BPF_RSH | BPF_K, BPF_REG_3, 0, 0, 16,
         "r3: the access (1 m, 2 r, 4 w)");
    emit(program, BPF_LDX | BPF_MEM | BPF_W, BPF_REG_4, BPF_REG_1,
         offsetof(struct bpf_cgroup_dev_ctx, major), 0, "r4: major");
    emit(program, BPF_LDX | BPF_MEM | BPF_W, BPF_REG_5, BPF_REG_1,
         offsetof(struct bpf_cgroup_dev_ctx, minor), 0, "r5: minor");
    for (int i = limits->device_count - 1; i >= 0; i--) {
        emit_rule(program, &limits->devices[i]);
        /* "a" matches everything: the rules before it can never be
         * reached, and the verifier refuses unreachable instructions. */
        if (limits->devices[i].type == 'a')
            return;
    }
    emit(program, BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 0,
         "no rule matched: deny");
    emit(program, BPF_JMP | BPF_EXIT, 0, 0, 0, 0, "");
}

/* One instruction in the notation of the kernel's verifier log and
 * bpftool ("w" is the lower 32 bits of an "r" register). */
static void disassemble(const struct bpf_insn *insn, char *buf, size_t size)
{
    switch (insn->code) {
    case BPF_LDX | BPF_MEM | BPF_W:
        snprintf(buf, size, "r%d = *(u32 *)(r%d + %d)", insn->dst_reg,
                 insn->src_reg, insn->off);
        break;
    case BPF_ALU | BPF_AND | BPF_K:
        snprintf(buf, size, "w%d &= %#x", insn->dst_reg, (unsigned)insn->imm);
        break;
    case BPF_ALU | BPF_RSH | BPF_K:
        snprintf(buf, size, "w%d >>= %d", insn->dst_reg, insn->imm);
        break;
    case BPF_ALU | BPF_MOV | BPF_X:
        snprintf(buf, size, "w%d = w%d", insn->dst_reg, insn->src_reg);
        break;
    case BPF_ALU64 | BPF_MOV | BPF_K:
        snprintf(buf, size, "r%d = %d", insn->dst_reg, insn->imm);
        break;
    case BPF_JMP | BPF_JNE | BPF_K:
    case BPF_JMP | BPF_JEQ | BPF_K:
        snprintf(buf, size, "if r%d %s %d goto +%d", insn->dst_reg,
                 BPF_OP(insn->code) == BPF_JNE ? "!=" : "==", insn->imm,
                 insn->off);
        break;
    case BPF_JMP | BPF_JNE | BPF_X:
        snprintf(buf, size, "if r%d != r%d goto +%d", insn->dst_reg,
                 insn->src_reg, insn->off);
        break;
    case BPF_JMP | BPF_EXIT:
        snprintf(buf, size, "exit");
        break;
    default:
        snprintf(buf, size, "(code %#x)", insn->code);
    }
}

static void trace_device_program(const struct device_program *program)
{
    char text[64];

    if (!trace_on)
        return;
    trace("BPF_PROG_TYPE_CGROUP_DEVICE program, %d instructions (R1: "
          "struct bpf_cgroup_dev_ctx; the last rule is tested first):",
          program->count);
    for (int i = 0; i < program->count; i++) {
        disassemble(&program->insns[i], text, sizeof(text));
        if (program->comments[i][0])
            trace("  %3d: %-28s ; %s", i, text, program->comments[i]);
        else
            trace("  %3d: %s", i, text);
    }
}

/* bpf(BPF_PROG_LOAD): the verifier checks the program and the kernel
 * returns an fd for it (always close-on-exec). On refusal, load it again
 * with a log buffer and quote the verifier's last line. */
static int load_device_program(const struct device_program *program,
                               const char *dir)
{
    char log[4096] = "", *last_line;
    const char *hint = "";
    union bpf_attr attr;
    int fd, saved_errno;

    memset(&attr, 0, sizeof(attr));
    attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
    attr.insns = (uint64_t)(uintptr_t)program->insns;
    attr.insn_cnt = (uint32_t)program->count;
    attr.license = (uint64_t)(uintptr_t) "GPL";
    fd = sys_bpf(BPF_PROG_LOAD, &attr, sizeof(attr));
    if (fd >= 0) {
        trace("bpf(BPF_PROG_LOAD, BPF_PROG_TYPE_CGROUP_DEVICE, %d "
              "instructions) = %d",
              program->count, fd);
        return fd;
    }
    saved_errno = errno;
    if (errno == EINVAL || errno == EACCES) {
        attr.log_buf = (uint64_t)(uintptr_t)log;
        attr.log_size = sizeof(log);
        attr.log_level = 1;
        fd = sys_bpf(BPF_PROG_LOAD, &attr, sizeof(attr));
        if (fd >= 0) /* accepted the second time: nothing to quote */
            return fd;
    }
    /* The log's last line says why (the log ends with a newline). */
    log[sizeof(log) - 1] = '\0';
    while (*log && log[strlen(log) - 1] == '\n')
        log[strlen(log) - 1] = '\0';
    last_line = strrchr(log, '\n');
    last_line = last_line ? last_line + 1 : log;
    if (saved_errno == EPERM)
        hint = " (it needs CAP_SYS_ADMIN, or CAP_BPF)";
    errno = saved_errno;
    return error_errno("device rules for %s: bpf(BPF_PROG_LOAD, "
                       "BPF_PROG_TYPE_CGROUP_DEVICE)%s%s%s%s",
                       dir, *last_line ? " (verifier: " : "", last_line,
                       *last_line ? ")" : "", hint);
}

/* Attach program PROGRAM_FD to the cgroup directory DIR, then detach the
 * programs a previous cgroup_set_limits() attached there, so the new rules
 * replace the old ones (v1's "a" does that). BPF_F_ALLOW_MULTI: several
 * programs may sit on one directory and on its ancestors (systemd puts its
 * own on units, a runtime nested inside may add one below); the kernel runs
 * them all and an access needs every one to say 1. So, attaching the new
 * one first, there is never a moment without rules. */
static int attach_device_program(int program_fd, const char *dir)
{
    uint32_t old_ids[64];
    union bpf_attr attr;
    int dir_fd, rc = -1;
    uint32_t old_count;

    dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir_fd < 0)
        return error_errno("open %s", dir);

    /* 1. Which programs does the directory carry now (a previous set)? */
    memset(&attr, 0, sizeof(attr));
    attr.query.target_fd = (uint32_t)dir_fd;
    attr.query.attach_type = BPF_CGROUP_DEVICE;
    attr.query.prog_ids = (uint64_t)(uintptr_t)old_ids;
    attr.query.prog_cnt = sizeof(old_ids) / sizeof(old_ids[0]);
    if (sys_bpf(BPF_PROG_QUERY, &attr, sizeof(attr)) < 0) {
        error_errno("bpf(BPF_PROG_QUERY, %s, BPF_CGROUP_DEVICE)", dir);
        goto out;
    }
    old_count = attr.query.prog_cnt;
    trace("bpf(BPF_PROG_QUERY, %s, BPF_CGROUP_DEVICE) = 0  (%u program%s "
          "attached)",
          dir, old_count, old_count == 1 ? "" : "s");

    /* 2. The new program guards the directory from now on. */
    memset(&attr, 0, sizeof(attr));
    attr.target_fd = (uint32_t)dir_fd;
    attr.attach_bpf_fd = (uint32_t)program_fd;
    attr.attach_type = BPF_CGROUP_DEVICE;
    attr.attach_flags = BPF_F_ALLOW_MULTI;
    if (sys_bpf(BPF_PROG_ATTACH, &attr, sizeof(attr)) < 0) {
        error_errno("device rules for %s: bpf(BPF_PROG_ATTACH, "
                    "BPF_CGROUP_DEVICE, BPF_F_ALLOW_MULTI)",
                    dir);
        goto out;
    }
    trace("bpf(BPF_PROG_ATTACH, prog fd %d, %s, BPF_CGROUP_DEVICE, "
          "BPF_F_ALLOW_MULTI) = 0",
          program_fd, dir);

    /* 3. The old ones go: by id to an fd, and detached by that fd. */
    for (uint32_t i = 0; i < old_count; i++) {
        int old_fd;

        memset(&attr, 0, sizeof(attr));
        attr.prog_id = old_ids[i];
        old_fd = sys_bpf(BPF_PROG_GET_FD_BY_ID, &attr, sizeof(attr));
        if (old_fd < 0 && errno == ENOENT) /* gone meanwhile */
            continue;
        if (old_fd < 0) {
            error_errno("bpf(BPF_PROG_GET_FD_BY_ID, %u)", old_ids[i]);
            goto out;
        }
        memset(&attr, 0, sizeof(attr));
        attr.target_fd = (uint32_t)dir_fd;
        attr.attach_bpf_fd = (uint32_t)old_fd;
        attr.attach_type = BPF_CGROUP_DEVICE;
        if (sys_bpf(BPF_PROG_DETACH, &attr, sizeof(attr)) < 0 &&
            errno != ENOENT) {
            error_errno("bpf(BPF_PROG_DETACH, program %u, %s)", old_ids[i],
                        dir);
            close(old_fd);
            goto out;
        }
        trace("bpf(BPF_PROG_DETACH, program id %u, %s, BPF_CGROUP_DEVICE) "
              "= 0  (the previous rules)",
              old_ids[i], dir);
        close(old_fd);
    }
    rc = 0;
out:
    close(dir_fd);
    return rc;
}

/* The program needs no pinning: the attachment holds a reference to it,
 * and goes when the cgroup directory is removed. */
static int set_devices_v2(const struct cgroup *cg,
                          const struct cgroup_limits *limits)
{
    struct device_program program;
    int program_fd, rc;

    build_device_program(&program, limits);
    trace_device_program(&program);
    program_fd = load_device_program(&program, cg->dir[CG_DEVICES]);
    if (program_fd < 0)
        return -1;
    rc = attach_device_program(program_fd, cg->dir[CG_DEVICES]);
    close(program_fd);
    return rc;
}

int cgroup_set_limits(const struct cgroup *cg,
                      const struct cgroup_limits *limits)
{
    char value[32];

    if (limits->memory_reservation && limits->memory &&
        limits->memory_reservation > limits->memory)
        return error_msg("--memory-reservation is what stays when memory is "
                         "short: it must not exceed --memory");
    if ((limits->memory || limits->memory_swap) && set_memory(cg, limits) < 0)
        return -1;
    if (limits->memory_reservation && set_memory_reservation(cg, limits) < 0)
        return -1;
    if ((limits->has_cpu_max || limits->cpu_weight || limits->cpu_shares) &&
        set_cpu(cg, limits) < 0)
        return -1;
    if ((limits->cpuset_cpus[0] || limits->cpuset_mems[0]) &&
        set_cpuset(cg, limits) < 0)
        return -1;
    if (limits->pids) {
        snprintf(value, sizeof(value), "%lu", limits->pids);
        if (set_file(cg, CG_PIDS, "pids.max", value) < 0)
            return -1;
    }
    for (int i = 0; i < limits->io_max_count; i++)
        if (set_io_max(cg, &limits->io_max[i]) < 0)
            return -1;
    if (limits->io_weight && set_io_weight(cg, limits) < 0)
        return -1;
    if (limits->device_count) {
        if (cg->version[CG_DEVICES] == 1)
            return set_devices_v1(cg, limits);
        if (cg->version[CG_DEVICES] == 2)
            return set_devices_v2(cg, limits);
        return error_msg("device rules for %s: no devices controller in "
                         "its plan",
                         cg->name);
    }
    return 0;
}

/* --- processes ------------------------------------------------------------ */

int cgroup_attach(const struct cgroup *cg, pid_t pid)
{
    const char *dirs[CG_COUNT + 1];
    int count = distinct_dirs(cg, dirs);
    char path[PATH_MAX + 32], text[24];

    snprintf(text, sizeof(text), "%d", (int)pid);
    for (int i = 0; i < count; i++) {
        snprintf(path, sizeof(path), "%s/cgroup.procs", dirs[i]);
        if (write_file(path, text) < 0)
            return error_errno("move PID %s into %s: write %s", text, cg->name,
                               path);
    }
    return 0;
}

pid_t cgroup_clone_into(const struct cgroup *cg, unsigned long extra_flags)
{
    struct clone_args args = {.exit_signal = SIGCHLD};
    char names[160];
    int cgroup_fd = -1;
    pid_t pid = -1;

    fflush(NULL);
    if (cg->v2_dir[0]) {
        /* v2: the kernel puts the child in the cgroup as it creates it;
         * there is no moment at which it runs outside. */
        cgroup_fd = open(cg->v2_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (cgroup_fd < 0)
            return error_errno("open %s", cg->v2_dir);
        args.flags = CLONE_INTO_CGROUP | extra_flags;
        args.cgroup = (unsigned long long)cgroup_fd;
        pid = sys_clone3(&args, sizeof(args));
        flags_to_string(clone_flag_names, args.flags, names, sizeof(names));
        if (pid > 0)
            trace("clone3(%s, cgroup=%s) = %d", names, cg->v2_dir, (int)pid);
        else if (pid < 0 && errno != ENOSYS && errno != E2BIG &&
                 errno != EINVAL) {
            error_errno("clone3(%s) into %s", names, cg->v2_dir);
            close(cgroup_fd);
            return -1;
        }
        close(cgroup_fd);
        if (pid < 0)
            trace("clone3(CLONE_INTO_CGROUP): %s (kernel < 5.7?); the child "
                  "joins by itself",
                  strerror(errno));
    }
    if (pid < 0) {
        args.flags = extra_flags;
        args.cgroup = 0;
        pid = sys_clone3(&args, sizeof(args));
        if (pid < 0 && errno == ENOSYS)
            pid = sys_clone_fork(extra_flags | SIGCHLD);
        if (pid < 0)
            return error_errno("clone");
        if (pid > 0)
            trace("clone3(%s) = %d  (it joins its cgroups before exec)",
                  flags_to_string(clone_flag_names, extra_flags, names,
                                  sizeof(names)),
                  (int)pid);
        if (pid == 0 && cg->v2_dir[0]) {
            char path[PATH_MAX + 32];

            snprintf(path, sizeof(path), "%s/cgroup.procs", cg->v2_dir);
            if (write_file(path, "0") < 0) {
                error_errno("join %s", path);
                _exit(EXIT_TOOL_FAILED);
            }
        }
    }
    if (pid == 0) {
        /* v1: each hierarchy is joined separately, before exec. Writing
         * "0" moves the writer itself, and to "tasks", not cgroup.procs:
         * moving a whole process takes a global lock whose writer waits
         * for an RCU grace period (1 to 10 ms, measured), while moving
         * the calling thread itself skips it (kernel/cgroup/cgroup.c,
         * cgroup_procs_write_start()). This child has one thread, so it
         * is the same move. */
        for (int c = 0; c < CG_COUNT; c++) {
            char path[PATH_MAX + 32];

            if (cg->version[c] != 1)
                continue;
            snprintf(path, sizeof(path), "%s/tasks", cg->dir[c]);
            if (write_file(path, "0") < 0) {
                error_errno("join %s", path);
                _exit(EXIT_TOOL_FAILED);
            }
        }
    }
    return pid;
}

/* Call ON_PID(pid, CONTEXT) for every PID in DIR/cgroup.procs and its
 * child cgroups (ON_PID may be NULL: just count). Returns how many there
 * were. */
static int for_each_process(const char *dir,
                            void (*on_pid)(pid_t pid, void *context),
                            void *context)
{
    char path[PATH_MAX + 32];
    struct dirent *entry;
    int count = 0, pid;
    FILE *procs;
    DIR *d;

    snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
    procs = fopen(path, "re");
    if (procs) {
        while (fscanf(procs, "%d", &pid) == 1) {
            if (on_pid)
                on_pid(pid, context);
            count++;
        }
        fclose(procs);
    }
    d = opendir(dir);
    if (!d)
        return count;
    while ((entry = readdir(d)))
        if (entry->d_type == DT_DIR && entry->d_name[0] != '.') {
            snprintf(path, sizeof(path), "%s/%s", dir, entry->d_name);
            count += for_each_process(path, on_pid, context);
        }
    closedir(d);
    return count;
}

void cgroup_plan_only_needed(struct cgroup *cg,
                             const struct cgroup_limits *limits)
{
    int kept = 0, any_needed = 0;

    for (int c = 0; c < CG_COUNT; c++)
        any_needed |= limits_need(limits, (enum controller)c);
    for (int c = 0; c < CG_COUNT; c++) {
        if (cg->version[c] != 1)
            continue;
        if (limits_need(limits, (enum controller)c) ||
            (c == CG_PIDS && !kept && !any_needed)) {
            kept++;
            continue;
        }
        trace("cgroup: %s not needed, not used", controller_name(c, 1));
        cg->version[c] = 0;
        cg->dir[c][0] = '\0';
    }
}

void cgroup_plan_only_existing(struct cgroup *cg)
{
    struct stat st;

    for (int c = 0; c < CG_COUNT; c++)
        if (cg->version[c] == 1 && stat(cg->dir[c], &st) < 0) {
            cg->version[c] = 0;
            cg->dir[c][0] = '\0';
        }
}

int cgroup_count_processes(const struct cgroup *cg)
{
    const char *dirs[CG_COUNT + 1];

    if (distinct_dirs(cg, dirs) == 0)
        return -1;
    return for_each_process(dirs[0], NULL, NULL);
}

/* Where cgroup_list_processes() puts the PIDs it is shown. */
struct pid_list {
    pid_t *pids;
    int count, max;
};

static void add_to_list(pid_t pid, void *context)
{
    struct pid_list *list = context;

    if (list->count < list->max)
        list->pids[list->count++] = pid;
}

int cgroup_list_processes(const struct cgroup *cg, pid_t *pids, int max)
{
    const char *dirs[CG_COUNT + 1];
    struct pid_list list = {.pids = pids, .max = max};

    /* Every hierarchy holds the same processes: the first is enough. */
    if (distinct_dirs(cg, dirs) == 0)
        return error_msg("cgroup %s: no directory in its plan", cg->name);
    if (access(dirs[0], F_OK) < 0)
        return error_errno("list the processes of %s: %s", cg->name, dirs[0]);
    for_each_process(dirs[0], add_to_list, &list);
    return list.count;
}

/* --- stats ---------------------------------------------------------------- */

/* The number in file FILE of controller C, or -1. "max" is UNLIMITED. */
static long long read_number(const struct cgroup *cg, enum controller c,
                             const char *file)
{
    char path[PATH_MAX + 64], text[64];

    if (!cg->version[c])
        return -1;
    snprintf(path, sizeof(path), "%s/%s", cg->dir[c], file);
    if (read_first_line(path, text, sizeof(text)) < 0)
        return -1;
    if (strcmp(text, "max") == 0)
        return UNLIMITED;
    return strtoll(text, NULL, 10);
}

/* The value after KEY in a "key value" file (memory.events, cpu.stat). */
static long long read_key(const struct cgroup *cg, enum controller c,
                          const char *file, const char *key)
{
    char path[PATH_MAX + 64], line[256], name[64];
    long long value = -1, number;
    FILE *f;

    if (!cg->version[c])
        return -1;
    snprintf(path, sizeof(path), "%s/%s", cg->dir[c], file);
    f = fopen(path, "re");
    if (!f)
        return -1;
    while (fgets(line, sizeof(line), f))
        if (sscanf(line, "%63s %lld", name, &number) == 2 &&
            strcmp(name, key) == 0) {
            value = number;
            break;
        }
    fclose(f);
    return value;
}

/* The first line of FILE of controller C into BUF; "" when missing. */
static void read_text(const struct cgroup *cg, enum controller c,
                      const char *file, char *buf, size_t size)
{
    char path[PATH_MAX + 64];

    buf[0] = '\0';
    if (!cg->version[c])
        return;
    snprintf(path, sizeof(path), "%s/%s", cg->dir[c], file);
    if (read_first_line(path, buf, size) < 0)
        buf[0] = '\0';
}

/* The I/O weight from whichever file set_io_weight() wrote: v2's are
 * "default N" (then a line per device), v1's a number. */
static long long read_io_weight(const struct cgroup *cg)
{
    int v2 = cg->version[CG_IO] == 2;
    const char *files[] = {v2 ? "io.bfq.weight" : "blkio.weight",
                           v2 ? "io.weight" : "blkio.bfq.weight"};
    char text[64];
    long long weight;

    for (int i = 0; i < 2; i++) {
        read_text(cg, CG_IO, files[i], text, sizeof(text));
        if (sscanf(text, v2 ? "default %lld" : "%lld", &weight) == 1)
            return weight;
    }
    return -1;
}

/* Sum "KEY=N" over the devices of v2 io.stat, or "MAJ:MIN KEY N" over
 * v1's blkio.throttle.io_service_bytes. */
static long long sum_io(const struct cgroup *cg, const char *key)
{
    char path[PATH_MAX + 64], line[512], pattern[32];
    long long total = 0, number;
    FILE *f;

    if (!cg->version[CG_IO])
        return -1;
    snprintf(path, sizeof(path), "%s/%s", cg->dir[CG_IO],
             cg->version[CG_IO] == 2 ? "io.stat"
                                     : "blkio.throttle.io_service_bytes");
    f = fopen(path, "re");
    if (!f)
        return -1;
    while (fgets(line, sizeof(line), f)) {
        if (cg->version[CG_IO] == 2) {
            snprintf(pattern, sizeof(pattern),
                     " %s=", key[0] == 'R' ? "rbytes" : "wbytes");
            char *at = strstr(line, pattern);
            if (at && sscanf(at + strlen(pattern), "%lld", &number) == 1)
                total += number;
        } else {
            char kind[16];
            if (sscanf(line, "%*s %15s %lld", kind, &number) == 2 &&
                strcmp(kind, key) == 0)
                total += number;
        }
    }
    fclose(f);
    return total;
}

/* v2: how many device programs the directory carries (bpf(2)
 * BPF_PROG_QUERY, Linux 4.19): the one readback of rules that have no
 * file. v1 has devices.list instead: -1. */
static long long count_device_programs(const struct cgroup *cg)
{
    union bpf_attr attr;
    int dir_fd;
    long long count = -1;

    if (!cg->v2_dir[0])
        return -1;
    dir_fd = open(cg->v2_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir_fd < 0)
        return -1;
    memset(&attr, 0, sizeof(attr));
    attr.query.target_fd = (uint32_t)dir_fd;
    attr.query.attach_type = BPF_CGROUP_DEVICE;
    if (sys_bpf(BPF_PROG_QUERY, &attr, sizeof(attr)) == 0)
        count = attr.query.prog_cnt;
    close(dir_fd);
    return count;
}

int cgroup_read_stats(const struct cgroup *cg, struct cgroup_stats *s)
{
    int v2_memory = cg->version[CG_MEMORY] == 2;
    long long value;

    if (v2_memory) {
        s->memory_current = read_number(cg, CG_MEMORY, "memory.current");
        s->memory_peak = read_number(cg, CG_MEMORY, "memory.peak");
        s->memory_max = read_number(cg, CG_MEMORY, "memory.max");
        s->memory_low = read_number(cg, CG_MEMORY, "memory.low");
        s->oom = read_key(cg, CG_MEMORY, "memory.events", "oom");
        s->oom_kill = read_key(cg, CG_MEMORY, "memory.events", "oom_kill");
    } else {
        s->memory_current = read_number(cg, CG_MEMORY, "memory.usage_in_bytes");
        s->memory_peak =
            read_number(cg, CG_MEMORY, "memory.max_usage_in_bytes");
        s->memory_max = read_number(cg, CG_MEMORY, "memory.limit_in_bytes");
        if (s->memory_max >= (1LL << 62)) /* v1 spells "no limit" so */
            s->memory_max = UNLIMITED;
        s->memory_low =
            read_number(cg, CG_MEMORY, "memory.soft_limit_in_bytes");
        if (s->memory_low >= (1LL << 62))
            s->memory_low = UNLIMITED;
        s->oom = -1; /* v1 counts no OOM events, only kills */
        s->oom_kill = read_key(cg, CG_MEMORY, "memory.oom_control", "oom_kill");
    }

    if (cg->v2_dir[0]) {
        /* cpu.stat is in v2's core: there even without the cpu controller. */
        struct cgroup core = *cg;

        core.version[CG_CPU] = 2;
        snprintf(core.dir[CG_CPU], sizeof(core.dir[CG_CPU]), "%s", cg->v2_dir);
        s->cpu_usage_usec = read_key(&core, CG_CPU, "cpu.stat", "usage_usec");
        s->cpu_nr_periods = read_key(&core, CG_CPU, "cpu.stat", "nr_periods");
        s->cpu_nr_throttled =
            read_key(&core, CG_CPU, "cpu.stat", "nr_throttled");
        s->cpu_throttled_usec =
            read_key(&core, CG_CPU, "cpu.stat", "throttled_usec");
    }
    if (cg->version[CG_CPU] == 1) {
        value = read_number(cg, CG_CPUACCT, "cpuacct.usage"); /* ns */
        s->cpu_usage_usec = value < 0 ? -1 : value / 1000;
        s->cpu_nr_periods = read_key(cg, CG_CPU, "cpu.stat", "nr_periods");
        s->cpu_nr_throttled = read_key(cg, CG_CPU, "cpu.stat", "nr_throttled");
        value = read_key(cg, CG_CPU, "cpu.stat", "throttled_time"); /* ns */
        s->cpu_throttled_usec = value < 0 ? -1 : value / 1000;
    }

    /* Each version's own file, not converted: -1 on the other one. */
    s->cpu_weight =
        cg->version[CG_CPU] == 2 ? read_number(cg, CG_CPU, "cpu.weight") : -1;
    s->cpu_shares =
        cg->version[CG_CPU] == 1 ? read_number(cg, CG_CPU, "cpu.shares") : -1;
    /* What the processes may use: v2's cpuset.cpus may be empty (the
     * parent's), its effective list never is. */
    read_text(cg, CG_CPUSET,
              cg->version[CG_CPUSET] == 2 ? "cpuset.cpus.effective"
                                          : "cpuset.effective_cpus",
              s->cpuset_cpus, sizeof(s->cpuset_cpus));
    read_text(cg, CG_CPUSET,
              cg->version[CG_CPUSET] == 2 ? "cpuset.mems.effective"
                                          : "cpuset.effective_mems",
              s->cpuset_mems, sizeof(s->cpuset_mems));

    s->pids_current = read_number(cg, CG_PIDS, "pids.current");
    s->pids_max = read_number(cg, CG_PIDS, "pids.max");
    s->pids_denied = read_key(cg, CG_PIDS, "pids.events", "max");
    s->io_read_bytes = sum_io(cg, "Read");
    s->io_write_bytes = sum_io(cg, "Write");
    s->io_weight = read_io_weight(cg);
    s->device_programs = count_device_programs(cg);
    return 0;
}

/* --- freezing ------------------------------------------------------------ */

static void sleep_ms(long ms)
{
    struct timespec t = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000};
    nanosleep(&t, NULL);
}

/* Does the file at PATH have a line that reads LINE ("FROZEN",
 * "frozen 1")? */
static int file_has_line(const char *path, const char *line)
{
    char text[256];
    int found = 0;
    FILE *f = fopen(path, "re");

    if (!f)
        return 0;
    while (!found && fgets(text, sizeof(text), f)) {
        text[strcspn(text, "\n")] = '\0';
        found = strcmp(text, line) == 0;
    }
    fclose(f);
    return found;
}

/* Freezing is not instant: each task stops on its way back to user space,
 * and one in an uninterruptible sleep (state D, a slow disk) only when it
 * wakes. Wait up to 2 s for PATH to say LINE: 1 when it does, 0 when
 * time ran out. */
static int wait_for_line(const char *path, const char *line)
{
    for (int ms = 0; ms <= 2000; ms += 10) {
        if (file_has_line(path, line)) {
            trace("%s says \"%s\" (after %d ms)", path, line, ms);
            return 1;
        }
        sleep_ms(10);
    }
    return 0;
}

/* v2: cgroup.freeze (Linux 5.2) is in the core of every v2 cgroup, no
 * controller needed; the kernel says "frozen 1" in cgroup.events once
 * every task below has stopped. v1: the freezer controller's
 * freezer.state, FREEZING until every task has stopped, then FROZEN. */
int cgroup_freeze(const struct cgroup *cg, int frozen)
{
    const char *verb = frozen ? "freeze" : "thaw";
    char path[PATH_MAX + 32], watched[PATH_MAX + 32];
    const char *value, *wanted, *thawed = "THAWED";

    snprintf(path, sizeof(path), "%s/cgroup.freeze", cg->v2_dir);
    if (cg->v2_dir[0] && access(path, F_OK) == 0) {
        snprintf(watched, sizeof(watched), "%s/cgroup.events", cg->v2_dir);
        value = frozen ? "1" : "0";
        wanted = frozen ? "frozen 1" : "frozen 0";
        thawed = "0";
    } else if (cg->version[CG_FREEZER] == 1) {
        snprintf(path, sizeof(path), "%s/freezer.state", cg->dir[CG_FREEZER]);
        snprintf(watched, sizeof(watched), "%s", path);
        value = wanted = frozen ? "FROZEN" : "THAWED";
    } else {
        errno = EOPNOTSUPP;
        return error_msg("cannot %s %s: it has no freezer (cgroup v1 "
                         "freezes through the \"freezer\" hierarchy, not "
                         "mounted here or left out of its plan; cgroup v2 "
                         "through cgroup.freeze, Linux 5.2)",
                         verb, cg->name);
    }
    if (write_file(path, value) < 0)
        return error_errno("cannot %s %s: write %s \"%s\"", verb, cg->name,
                           path, value);
    if (wait_for_line(watched, wanted))
        return 0;
    /* Half frozen helps nobody: let them all go on again, as runc does. */
    if (frozen)
        write_file(path, thawed);
    errno = ETIMEDOUT;
    return error_msg("cannot %s %s: %s does not say \"%s\" after 2 s (a "
                     "task in uninterruptible sleep?)%s",
                     verb, cg->name, watched, wanted,
                     frozen ? "; thawed again" : "");
}

/* --- removing ----------------------------------------------------------------
 */

static void kill_process(pid_t pid, void *context)
{
    (void)context;
    trace("kill(%d, SIGKILL)", (int)pid);
    kill(pid, SIGKILL);
}

/* v1 has no cgroup.kill. Killing PIDs one by one races with fork: a
 * process may fork after we read the list. Frozen, nobody forks; then
 * kill every one, and thaw so the kills are delivered. */
static int kill_v1(const struct cgroup *cg)
{
    char state_path[PATH_MAX + 32];
    const char *dir = cg->dir[CG_FREEZER];

    if (!cg->version[CG_FREEZER]) {
        /* No freezer: repeat until a pass finds nobody. */
        const char *dirs[CG_COUNT + 1];
        int count = distinct_dirs(cg, dirs);

        for (int round = 0; round < 100; round++) {
            int found = 0;
            for (int i = 0; i < count; i++)
                found += for_each_process(dirs[i], kill_process, NULL);
            if (!found)
                return 0;
            sleep_ms(10);
        }
        return error_msg("processes in %s keep appearing", cg->name);
    }
    snprintf(state_path, sizeof(state_path), "%s/freezer.state", dir);
    if (write_file(state_path, "FROZEN") < 0)
        return error_errno("freeze %s: write %s", cg->name, state_path);
    wait_for_line(state_path, "FROZEN"); /* FREEZING first; kill anyway */
    for_each_process(dir, kill_process, NULL);
    if (write_file(state_path, "THAWED") < 0)
        return error_errno("thaw %s: write %s", cg->name, state_path);
    return 0;
}

static int kill_all(const struct cgroup *cg)
{
    char path[PATH_MAX + 32];

    /* Empty already (a PID namespace's processes die with its init):
     * nothing can join it now, so no freezing and killing. */
    if (cgroup_count_processes(cg) == 0) {
        trace("cgroup %s is empty: nothing to kill", cg->name);
        return 0;
    }

    if (cg->v2_dir[0]) {
        /* Linux 5.14: one write kills the whole subtree, race-free. */
        snprintf(path, sizeof(path), "%s/cgroup.kill", cg->v2_dir);
        if (access(path, F_OK) == 0) {
            if (write_file(path, "1") < 0)
                return error_errno("write %s", path);
        } else {
            snprintf(path, sizeof(path), "%s/cgroup.freeze", cg->v2_dir);
            write_file(path, "1");
            for_each_process(cg->v2_dir, kill_process, NULL);
            write_file(path, "0");
        }
    }
    for (int c = 0; c < CG_COUNT; c++)
        if (cg->version[c] == 1)
            return kill_v1(cg);
    return 0;
}

/* rmdir DIR after its child cgroups (made by the processes inside). */
static int remove_tree(const char *dir)
{
    char path[PATH_MAX + 32];
    struct dirent *entry;
    DIR *d = opendir(dir);

    if (d) {
        while ((entry = readdir(d)))
            if (entry->d_type == DT_DIR && entry->d_name[0] != '.') {
                snprintf(path, sizeof(path), "%s/%s", dir, entry->d_name);
                remove_tree(path);
            }
        closedir(d);
    }
    trace("rmdir %s", dir);
    /* A killed process leaves its cgroup a moment after the signal:
     * EBUSY until then. Wait up to 5 s. */
    for (int i = 0; i < 500; i++) {
        if (rmdir(dir) == 0 || errno == ENOENT)
            return 0;
        if (errno != EBUSY)
            break;
        sleep_ms(10);
    }
    return error_errno("rmdir %s", dir);
}

int cgroup_destroy(struct cgroup *cg)
{
    const char *dirs[CG_COUNT + 1];
    int count = distinct_dirs(cg, dirs), rc = 0;

    if (kill_all(cg) < 0)
        rc = -1;
    for (int i = 0; i < count; i++) {
        if (remove_tree(dirs[i]) < 0) {
            rc = -1;
            continue;
        }
        if (cg->path[0])
            remove_made_parents(cg, dirs[i]);
        else if (i > 0 || !cg->v2_dir[0])
            remove_parent_if_empty(dirs[i]);
    }
    if (cg->v2_dir[0] && cg->v2_parent_is_ours && rmdir(cg->v2_parent) == 0)
        trace("rmdir %s  (empty now)", cg->v2_parent);
    return rc;
}

void cgroup_remove_empty_parents(const struct cgroup_host *host)
{
    char dir[CG_MOUNT_MAX + 16];

    /* rmdir fails (ENOTEMPTY, EBUSY) while any cgroup is below: then
     * the parent is still in use, and stays. */
    if (host->v2_mount[0]) {
        snprintf(dir, sizeof(dir), "%s/ctlab", host->v2_mount);
        if (rmdir(dir) == 0)
            trace("rmdir %s  (empty)", dir);
    }
    for (int c = 0; c < CG_COUNT; c++) {
        if (!host->v1_mount[c][0])
            continue;
        snprintf(dir, sizeof(dir), "%s/ctlab", host->v1_mount[c]);
        if (rmdir(dir) == 0)
            trace("rmdir %s  (empty)", dir);
    }
}
