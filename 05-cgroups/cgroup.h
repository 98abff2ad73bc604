/* 05-cgroups/cgroup.h - make a cgroup, limit it, put processes in it,
 * read what they used, and remove it; on cgroup v2, v1 and hybrid hosts.
 *
 * A ctlab cgroup is one name, ctlab/NAME, made in every hierarchy it
 * needs: on a v2 host one directory, /sys/fs/cgroup/ctlab/NAME; on a v1
 * host one per controller, /sys/fs/cgroup/memory/ctlab/NAME and so on; on
 * a hybrid host each controller where it is usable, v2 first. Or, as an
 * engine names one (OCI's cgroupsPath), a path below each hierarchy's
 * root: /libpod_parent/libpod-ID is /sys/fs/cgroup/memory/libpod_parent/
 * libpod-ID on v1. cgctl (this chapter) and minictr (chapter 10) both
 * use it.
 *
 * Every function reports its own error and returns -1 (errno kept).
 */
#ifndef CTLAB_CGROUP_H
#define CTLAB_CGROUP_H

#include <limits.h>
#include <stdint.h>
#include <sys/types.h>

/* The controllers ctlab limits or reads. cpuacct and freezer exist only on
 * v1 (v2 counts CPU time and freezes in its core). devices has no file on
 * v2: there it is a BPF program attached to the cgroup's directory. */
enum controller {
    CG_MEMORY,
    CG_CPU,
    CG_PIDS,
    CG_IO, /* "io" on v2, "blkio" on v1 */
    CG_CPUACCT,
    CG_FREEZER,
    CG_DEVICES, /* v1 "devices"; v2: a BPF_PROG_TYPE_CGROUP_DEVICE program */
    CG_CPUSET,  /* the cpus and memory nodes it may use */
    CG_COUNT
};

/* Sizes: mount points are short (/sys/fs/cgroup/memory); a --parent or
 * a cgroup path may be long, up to CG_PARENT_MAX - 1 bytes; a cgroup name
 * is a directory name, up to NAME_MAX (255) bytes: podman's "libpod-" and
 * 64 hex digits fit. A v2 parent is a mount point and a path; a directory
 * that and a name. */
#define CG_MOUNT_MAX     512
#define CG_PARENT_MAX    1024
#define CG_NAME_MAX      (NAME_MAX + 1)
#define CG_V2_PARENT_MAX (CG_MOUNT_MAX + CG_PARENT_MAX)
#define CG_DIR_MAX       (CG_V2_PARENT_MAX + CG_NAME_MAX)

/* What this machine has: found by reading /proc/self/mountinfo. */
struct cgroup_host {
    char v2_mount[CG_MOUNT_MAX];           /* "" when no cgroup2 is mounted */
    char v2_controllers[256];              /* its root's cgroup.controllers */
    char v1_mount[CG_COUNT][CG_MOUNT_MAX]; /* "" when not mounted on v1 */
    const char *mode;                      /* "v2", "v1", "hybrid" or "none" */
};

/* One ctlab cgroup. dir[c] is where controller c lives for it (the same v2
 * directory for every v2 controller), "" when not used. */
struct cgroup {
    char name[CG_NAME_MAX];   /* the last directory's name */
    char path[CG_PARENT_MAX]; /* cgroup_plan_path()'s "/a/b/NAME"; "" for
                               * ctlab/NAME or a --parent */
    int version[CG_COUNT];    /* 1 or 2; 0: not used */
    char dir[CG_COUNT][CG_DIR_MAX];
    char v2_dir[CG_DIR_MAX];          /* "" when no controller is on v2 */
    char v2_parent[CG_V2_PARENT_MAX]; /* .../ctlab, --parent, or the
                                       * path's */
    int v2_parent_is_ours;            /* ctlab's own parent, not a --parent */
    int v2_created_parent;            /* we made v2_parent just now */
};

/* One device rule, as the v1 devices.allow file writes it: "c 1:3 rwm".
 * major/minor -1 stand for '*'; type 'a' (all), 'c' or 'b'; access a
 * subset of "rwm". */
struct cgroup_device_rule {
    char type;
    long major, minor;
    char access[4];
    int allow; /* 1: allow, 0: deny */
};
#define CG_MAX_DEVICE_RULES 64
#define CG_MAX_IO_DEVICES   8

/* Limits; a field that is 0 (or has_* 0) is not set. */
struct cgroup_limits {
    uint64_t memory;      /* bytes */
    uint64_t memory_swap; /* memory + swap, bytes (docker's --memory-swap) */
    int has_cpu_max;
    long long cpu_quota;      /* microseconds per period; -1: no limit */
    unsigned long cpu_period; /* microseconds */
    unsigned long cpu_weight; /* 1..10000 (v2 cpu.weight) */
    unsigned long pids;
    unsigned long cpu_shares; /* 2..262144 (v1 cpu.shares; OCI cpu.shares),
                               * on v2 converted to a weight as crun does */
    char cpuset_cpus[128];    /* "0-1,3"; "" not set (cpuset controller) */
    char cpuset_mems[128];
    uint64_t memory_reservation; /* bytes: v2 memory.low, v1
                                  * memory.soft_limit_in_bytes */
    unsigned io_weight; /* 10..1000 (v1 blkio.weight; v2 io.weight 1..10000) */
    struct cgroup_io_max {
        char device[32];                             /* "MAJ:MIN" */
        unsigned long long rbps, wbps, riops, wiops; /* 0: none */
    } io_max[CG_MAX_IO_DEVICES];
    int io_max_count;
    /* Device rules in order, later ones winning; the first is usually
     * "deny all" (type 'a'), and the rest open holes in it. */
    struct cgroup_device_rule devices[CG_MAX_DEVICE_RULES];
    int device_count; /* 0: no device controller (nothing set) */
    /* Keep the v1 freezer hierarchy in the plan, so the cgroup can be
     * paused (cgroup_freeze), though no limit needs it. */
    int freezable;
};

/* docker's default rules, in order (deny all first), and how many: mknod
 * of any node, and open only the minimal /dev, /dev/pts and /dev/ptmx. */
extern const struct cgroup_device_rule cgroup_default_device_rules[];
extern const int cgroup_default_device_rule_count;

/* What the processes used, with the same names on v1 and v2. -1: the
 * kernel does not report it here. */
struct cgroup_stats {
    long long memory_current, memory_peak, memory_max;
    long long oom, oom_kill;
    long long cpu_usage_usec, cpu_nr_periods, cpu_nr_throttled,
        cpu_throttled_usec;
    long long pids_current, pids_max, pids_denied;
    long long io_read_bytes, io_write_bytes;
    long long device_programs; /* v2: BPF device programs on the directory */
    /* The limits that have no usage beside them, read back: v2 memory.low
     * or v1's soft limit; cpu.weight (v2) and cpu.shares (v1), each -1 on
     * the other version; the I/O weight; the CPUs and memory nodes the
     * processes may use (the effective lists; "" when not reported). */
    long long memory_low, cpu_weight, cpu_shares, io_weight;
    char cpuset_cpus[128], cpuset_mems[128];
};

/* Read the mount table: which hierarchies exist, and where. */
int cgroup_host_detect(struct cgroup_host *host);

/* "memory" or, on v1, "blkio" for CG_IO. */
const char *controller_name(enum controller c, int version);

/* A cgroup name: 1-255 bytes, letters, digits, '.', '-', '_', not "." or
 * "..". */
int cgroup_check_name(const char *name);

/* A cgroup path as engines write OCI's cgroupsPath: "/" then one or more
 * cgroup names separated by single '/' ("/ctlab-oci/c1"), up to
 * CG_PARENT_MAX - 1 bytes: no "..", no empty component, nothing to
 * normalise. One clear line and -1 otherwise. */
int cgroup_check_path(const char *path);

/* Parse one limit option of cgctl or minictr ("--memory", "64m") into
 * LIMITS. Prints one clear line and returns -1 on bad input. "--io-max"
 * may come once per device, up to CG_MAX_IO_DEVICES. The device
 * options: "--device RULE" (allow), "--device-deny RULE", "--devices
 * default" (docker's set; before any other). A device list always starts
 * from "deny all" (added here when the first rule is not it), so --device
 * rules form an allow-list; "--device a" first starts from "allow all". */
int cgroup_limit_from_option(const char *option, const char *value,
                             struct cgroup_limits *limits);

/* Parse "c 1:3 rwm" / "b *:* m" / "a" (deny or allow decided by the
 * caller's option) into RULE; one clear error line and -1 on bad input. */
int cgroup_parse_device_rule(const char *text, int allow,
                             struct cgroup_device_rule *rule);

/* RULE as devices.allow spells it: "c 1:3 rwm", "c 136:* rwm", "a". */
const char *cgroup_device_rule_text(const struct cgroup_device_rule *rule,
                                    char *buf, size_t size);

/* Decide where each controller goes for cgroup NAME (no directory is
 * made). PARENT: a delegated v2 directory, or NULL for ctlab's default.
 * WANTED: a bit per controller the limits need; those must be usable. */
int cgroup_plan(const struct cgroup_host *host, const char *name,
                const char *parent, const struct cgroup_limits *limits,
                struct cgroup *cg);

/* The same for a cgroup named by PATH (cgroup_check_path) below each
 * hierarchy's root, as an engine names one: v1 MOUNT/PATH for each
 * controller, v2 the cgroup2 mount's PATH. cgroup_create() then makes the
 * missing parents too (mkdir -p), and on v2 enables the controllers in
 * every one of them, the root's first; it marks each parent it makes (an
 * extended attribute, trusted.ctlab.made), and cgroup_destroy() removes
 * a marked parent with the last cgroup in it. A parent that was there
 * before stays. */
int cgroup_plan_path(const struct cgroup_host *host, const char *path,
                     const struct cgroup_limits *limits, struct cgroup *cg);

/* On v1, drop from the plan every hierarchy the limits do not need,
 * cpuacct and freezer too (pids stays when nothing else is left, to group
 * the processes; the freezer when LIMITS->freezable). Each v1 hierarchy
 * costs a mkdir, a cgroup.procs write and an rmdir; a container in a PID
 * namespace needs no freezer to be killed, since its processes die with
 * its init. minictr's choice; cgctl keeps all. */
void cgroup_plan_only_needed(struct cgroup *cg,
                             const struct cgroup_limits *limits);

/* On v1, drop from the plan the hierarchies where its directory is
 * missing: to find again a cgroup that cgroup_plan_only_needed() made. */
void cgroup_plan_only_existing(struct cgroup *cg);

/* True when the cgroup's directories exist (every one of them). */
int cgroup_exists(const struct cgroup *cg);

/* mkdir each directory (enabling controllers in the v2 parents'
 * cgroup.subtree_control first). On failure, removes what it made. */
int cgroup_create(struct cgroup *cg);

/* Write the limits into the kernel's files, translated for each version.
 * Device rules: v1 devices.deny/devices.allow; v2 a BPF program built from
 * them, loaded and attached to the cgroup directory (it replaces one this
 * function attached before, and goes away with the directory). Call it
 * before any process runs in the cgroup. */
int cgroup_set_limits(const struct cgroup *cg,
                      const struct cgroup_limits *limits);

/* Move process PID (0: the caller) into the cgroup, in every hierarchy. */
int cgroup_attach(const struct cgroup *cg, pid_t pid);

/* Start a child already inside the cgroup, before its first instruction:
 * on v2 clone3(CLONE_INTO_CGROUP); the child then joins the v1
 * hierarchies itself. Returns like fork(). EXTRA_FLAGS: more clone flags
 * (CLONE_NEWCGROUP is not one of them: unshare it in the child after). */
pid_t cgroup_clone_into(const struct cgroup *cg, unsigned long extra_flags);

/* Read usage and events. */
int cgroup_read_stats(const struct cgroup *cg, struct cgroup_stats *stats);

/* Kill every process in it (cgroup.kill on v2; on v1 freeze, kill, thaw),
 * wait for them to go (bounded), and remove the directories, and the ctlab
 * parents when they are empty (for a path: the parents ctlab made). */
int cgroup_destroy(struct cgroup *cg);

/* Pause (FROZEN 1) or resume (0) every process in the cgroup and its
 * children: v2 writes cgroup.freeze and waits (up to 2 s) for
 * cgroup.events to say "frozen 1" or "frozen 0"; v1 writes freezer.state
 * FROZEN or THAWED and waits for it to read so. A frozen process is not
 * stopped by a signal: it simply gets no CPU until thawed, and SIGKILL
 * waits too. Fails with one line where the cgroup has no freezer. */
int cgroup_freeze(const struct cgroup *cg, int frozen);

/* Remove ctlab's own parent directory (ctlab/) in every hierarchy where
 * it is empty. cgroup_destroy() removes it with the last cgroup in it;
 * this is for a runtime killed between making that parent and the
 * cgroup in it (or removing the one and the other). */
void cgroup_remove_empty_parents(const struct cgroup_host *host);

/* PIDs now in the cgroup and its children (from the first hierarchy):
 * count, or -1. */
int cgroup_count_processes(const struct cgroup *cg);

/* The same PIDs, the first MAX of them, into PIDS (as the caller's PID
 * namespace numbers them): how many, or -1 with the error said. A count
 * of MAX may mean there are more. */
int cgroup_list_processes(const struct cgroup *cg, pid_t *pids, int max);

#endif
