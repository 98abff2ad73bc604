/* 10-mini-container/oci_resources.c - linux.resources into chapter 05's
 * struct cgroup_limits, and the device rules into its device controller.
 *
 *     "resources": {
 *         "devices": [{"allow": false, "access": "rwm"},
 *                     {"allow": true, "type": "c", "major": 1,
 *                      "minor": 3, "access": "rwm"}],
 *         "memory": {"limit": 536870912, "swap": 536870912},
 *         "cpu": {"shares": 1024, "quota": 50000, "period": 100000,
 *                 "cpus": "0-1"},
 *         "pids": {"limit": 100},
 *         "blockIO": {"weight": 500, "throttleReadBpsDevice":
 *                     [{"major": 8, "minor": 0, "rate": 1048576}]}
 *     }
 *
 * -1 means "no limit" where the spec allows it, and 0 means "not set"
 * where runc reads it so; either leaves the field 0 in cgroup_limits. A
 * controller minictr does not drive (hugetlb, net_cls, rdma) or a raw v2
 * file (unified) is refused when asked for.
 *
 * Read: the runtime-spec's config-linux.md (Control groups); the
 * kernel's Documentation/admin-guide/cgroup-v2.rst and cgroup-v1/.
 */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "oci_json.h"

#define MAJOR_MAX 4095
#define MINOR_MAX 1048575

/* The kernel's default CFS period, for a quota given without one. */
#define CPU_PERIOD_KERNEL 100000

/* --- devices ------------------------------------------------------------- */

/* cgroup_limits has room for CG_MAX_DEVICE_RULES. */
static int check_device_rules(struct oci_reader *r, size_t length, void *data)
{
    (void)data;
    if (length > CG_MAX_DEVICE_RULES)
        return oci_fail(r, "%zu rules, more than the %d minictr takes", length,
                        CG_MAX_DEVICE_RULES);
    return 0;
}

static int read_device_rule(struct oci_reader *r, json_object *entry,
                            void *data)
{
    struct cgroup_limits *limits = data;
    struct cgroup_device_rule *rule = &limits->devices[limits->device_count];
    char *text = NULL;
    int64_t number;
    int got;

    if (oci_value_type(r, entry, json_type_object) < 0)
        return -1;
    got = oci_bool(r, entry, "allow", &rule->allow);
    if (got <= 0)
        return got < 0 ? -1 : oci_missing(r, "allow");
    rule->type = 'a'; /* "Unset values mean all" */
    got = oci_string(r, entry, "type", &text);
    if (got < 0)
        return -1;
    if (got) {
        rule->type = text[0];
        got = strlen(text) == 1 && strchr("acb", text[0]);
        free(text);
        text = NULL;
        if (!got) {
            oci_enter(r, "type");
            return oci_fail(r, "want \"a\" (all), \"c\" or \"b\"");
        }
    }
    rule->major = rule->minor = -1; /* '*' */
    got = oci_int64(r, entry, "major", -1, MAJOR_MAX, &number);
    if (got < 0)
        return -1;
    if (got && rule->type != 'a')
        rule->major = (long)number;
    got = oci_int64(r, entry, "minor", -1, MINOR_MAX, &number);
    if (got < 0)
        return -1;
    if (got && rule->type != 'a')
        rule->minor = (long)number;
    strcpy(rule->access, "rwm");
    got = oci_string(r, entry, "access", &text);
    if (got < 0)
        return -1;
    if (got && text[0]) {
        size_t length = strlen(text);

        got = length <= 3 && strspn(text, "rwm") == length &&
              !(strchr(text, 'r') != strrchr(text, 'r') ||
                strchr(text, 'w') != strrchr(text, 'w') ||
                strchr(text, 'm') != strrchr(text, 'm'));
        if (got)
            strcpy(rule->access, text);
        free(text);
        if (!got) {
            oci_enter(r, "access");
            return oci_fail(r, "want some of r, w and m (\"rwm\", \"r\")");
        }
    } else {
        free(text);
    }
    limits->device_count++;
    return 0;
}

/* --- memory -------------------------------------------------------------- */

/* A number of bytes, -1 for no limit: 0 when not set. */
static int read_bytes(struct oci_reader *r, json_object *obj, const char *key,
                      int64_t *bytes)
{
    int got = oci_int64(r, obj, key, -1, INT64_MAX, bytes);

    if (got <= 0)
        *bytes = 0;
    return got;
}

static int read_memory(struct oci_reader *r, json_object *resources,
                       struct ctr_spec *spec)
{
    struct cgroup_limits *limits = &spec->limits;
    json_object *memory;
    int64_t limit, swap, reservation, ignored;
    int hierarchy = 1;
    size_t back;
    int got = oci_member(r, resources, "memory", json_type_object, &memory);

    if (got <= 0)
        return got;
    back = oci_enter(r, "memory");
    if (read_bytes(r, memory, "limit", &limit) < 0 ||
        read_bytes(r, memory, "swap", &swap) < 0 ||
        read_bytes(r, memory, "reservation", &reservation) < 0)
        return -1;
    if (limit > 0) {
        limits->memory = (uint64_t)limit;
        spec->limit_count++;
    }
    /* swap is memory + swap, as in cgroup_limits. Not given, OCI leaves
     * swap alone: no limit on it, which cgroup_limits says with
     * UINT64_MAX (0 would be the docker-like flags' "no swap"). */
    if (swap > 0) {
        if (limit > 0 && swap < limit) {
            oci_enter(r, "swap");
            return oci_fail(r,
                            "%lld is below the limit %lld (swap is "
                            "memory + swap)",
                            (long long)swap, (long long)limit);
        }
        limits->memory_swap = (uint64_t)swap;
        spec->limit_count++;
    } else if (swap == -1 || limit > 0) {
        limits->memory_swap = UINT64_MAX;
    }
    if (reservation > 0) {
        limits->memory_reservation = (uint64_t)reservation;
        spec->limit_count++;
    }
    /* NOT RECOMMENDED by the spec, and gone from the kernel (v1's
     * kmem limits since 5.4; v2 never had them): ignored. */
    got = oci_int64(r, memory, "kernel", INT64_MIN, INT64_MAX, &ignored);
    if (got < 0)
        return -1;
    if (got)
        trace("%s: %s.kernel: ignored (NOT RECOMMENDED by the runtime-spec; "
              "no kernel memory limit since Linux 5.4)",
              r->file, r->path);
    got = oci_int64(r, memory, "kernelTCP", INT64_MIN, INT64_MAX, &ignored);
    if (got < 0)
        return -1;
    if (got)
        trace("%s: %s.kernelTCP: ignored (NOT RECOMMENDED by the "
              "runtime-spec)",
              r->file, r->path);
    /* Refused when they ask for what minictr does not do: any swappiness
     * (v1 only), the OOM killer off, a check on update, hierarchy off
     * (v1 only, and always on since Linux 5.15). */
    if (oci_refuse(r, memory, "swappiness") < 0 ||
        oci_refuse(r, memory, "disableOOMKiller") < 0 ||
        oci_refuse(r, memory, "checkBeforeUpdate") < 0)
        return -1;
    got = oci_bool(r, memory, "useHierarchy", &hierarchy);
    if (got < 0)
        return -1;
    if (got && !hierarchy) {
        oci_enter(r, "useHierarchy");
        return oci_fail(r, "false is not implemented by minictr");
    }
    oci_leave(r, back);
    return 0;
}

/* --- cpu ----------------------------------------------------------------- */

/* "0-3,7": what cpuset.cpus and cpuset.mems take. */
static int read_cpu_list(struct oci_reader *r, json_object *cpu,
                         const char *key, char *list, size_t size)
{
    char *text = NULL;
    size_t back;
    int got = oci_string(r, cpu, key, &text);

    if (got <= 0)
        return got;
    back = oci_enter(r, key);
    if (strspn(text, "0123456789,-") != strlen(text) || strlen(text) >= size) {
        oci_fail(r,
                 "\"%.40s\" is not a list like \"0-3,7\" (at most %zu "
                 "bytes)",
                 text, size - 1);
        free(text);
        return -1;
    }
    snprintf(list, size, "%s", text);
    free(text);
    oci_leave(r, back);
    return list[0] != '\0';
}

static int read_cpu(struct oci_reader *r, json_object *resources,
                    struct ctr_spec *spec)
{
    struct cgroup_limits *limits = &spec->limits;
    json_object *cpu;
    int64_t quota = 0, idle = 0;
    uint64_t shares = 0, period = 0;
    size_t back;
    int got = oci_member(r, resources, "cpu", json_type_object, &cpu), cpus,
        mems;

    if (got <= 0)
        return got;
    back = oci_enter(r, "cpu");
    /* 0 is "not set" for each, as runc reads them. */
    if (oci_uint64(r, cpu, "shares", 262144, &shares) < 0 ||
        oci_int64(r, cpu, "quota", -1, INT64_MAX, &quota) < 0 ||
        oci_uint64(r, cpu, "period", 1000000, &period) < 0)
        return -1;
    if (shares == 1) { /* the kernel's cpu.shares is 2..262144 */
        oci_enter(r, "shares");
        return oci_fail(r, "out of range (2 to 262144)");
    }
    if (quota > 0 && quota < 1000) {
        oci_enter(r, "quota");
        return oci_fail(r, "below the kernel's least quota, 1000 (1 ms)");
    }
    if (period > 0 && period < 1000) {
        oci_enter(r, "period");
        return oci_fail(r, "out of range (1000 to 1000000)");
    }
    if (shares) {
        limits->cpu_shares = (unsigned long)shares;
        spec->limit_count++;
    }
    if (quota || period) {
        limits->has_cpu_max = 1;
        limits->cpu_quota = quota ? quota : -1;
        limits->cpu_period = period ? (unsigned long)period : CPU_PERIOD_KERNEL;
        spec->limit_count++;
    }
    cpus = read_cpu_list(r, cpu, "cpus", limits->cpuset_cpus,
                         sizeof(limits->cpuset_cpus));
    mems = read_cpu_list(r, cpu, "mems", limits->cpuset_mems,
                         sizeof(limits->cpuset_mems));
    if (cpus < 0 || mems < 0)
        return -1;
    spec->limit_count += cpus + mems;
    /* The realtime scheduler's budget, burst (5.14) and SCHED_IDLE
     * groups (5.15): not implemented. idle 0 is the default. */
    if (oci_refuse(r, cpu, "realtimeRuntime") < 0 ||
        oci_refuse(r, cpu, "realtimePeriod") < 0 ||
        oci_refuse(r, cpu, "burst") < 0 ||
        oci_int64(r, cpu, "idle", INT64_MIN, INT64_MAX, &idle) < 0)
        return -1;
    if (idle != 0) {
        oci_enter(r, "idle");
        return oci_fail(r, "not implemented by minictr");
    }
    oci_leave(r, back);
    return 0;
}

/* --- pids ---------------------------------------------------------------- */

static int read_pids(struct oci_reader *r, json_object *resources,
                     struct ctr_spec *spec)
{
    json_object *pids;
    int64_t limit;
    size_t back;
    int got = oci_member(r, resources, "pids", json_type_object, &pids);

    if (got <= 0)
        return got;
    back = oci_enter(r, "pids");
    got = oci_int64(r, pids, "limit", -1, INT64_MAX, &limit);
    if (got <= 0)
        return got < 0 ? -1 : oci_missing(r, "limit");
    if (limit > 0) { /* 0 and -1: no limit, as runc reads them */
        spec->limits.pids = (unsigned long)limit;
        spec->limit_count++;
    }
    oci_leave(r, back);
    return 0;
}

/* --- block io ------------------------------------------------------------ */

/* The io_max entry of device MAJOR:MINOR, made when new. */
static struct cgroup_io_max *io_device(struct oci_reader *r,
                                       struct cgroup_limits *limits, long major,
                                       long minor)
{
    char device[32];

    snprintf(device, sizeof(device), "%ld:%ld", major, minor);
    for (int i = 0; i < limits->io_max_count; i++)
        if (strcmp(limits->io_max[i].device, device) == 0)
            return &limits->io_max[i];
    if (limits->io_max_count == CG_MAX_IO_DEVICES) {
        oci_fail(r, "more than %d devices with limits", CG_MAX_IO_DEVICES);
        return NULL;
    }
    snprintf(limits->io_max[limits->io_max_count].device, sizeof(device), "%s",
             device);
    return &limits->io_max[limits->io_max_count++];
}

/* What read_throttle needs: the spec, and which of io_max's fields the
 * list sets. */
struct throttle {
    size_t field;
    struct ctr_spec *spec;
};

static int read_throttle(struct oci_reader *r, json_object *entry, void *data)
{
    const struct throttle *throttle = data;
    struct cgroup_io_max *io;
    int64_t major, minor;
    uint64_t rate;
    int got;

    if (oci_value_type(r, entry, json_type_object) < 0)
        return -1;
    got = oci_int64(r, entry, "major", 0, MAJOR_MAX, &major);
    if (got <= 0)
        return got < 0 ? -1 : oci_missing(r, "major");
    got = oci_int64(r, entry, "minor", 0, MINOR_MAX, &minor);
    if (got <= 0)
        return got < 0 ? -1 : oci_missing(r, "minor");
    got = oci_uint64(r, entry, "rate", UINT64_MAX, &rate);
    if (got <= 0)
        return got < 0 ? -1 : oci_missing(r, "rate");
    if (rate == 0) /* no limit, as runc reads it */
        return 0;
    io = io_device(r, &throttle->spec->limits, (long)major, (long)minor);
    if (!io)
        return -1;
    *(unsigned long long *)((char *)io + throttle->field) = rate;
    throttle->spec->limit_count++;
    return 0;
}

/* throttleReadBpsDevice and the three others: [{major, minor, rate}]. */
static int read_throttles(struct oci_reader *r, json_object *block_io,
                          const char *key, size_t field, struct ctr_spec *spec)
{
    struct throttle throttle = {.field = field, .spec = spec};

    return oci_each(r, block_io, key, NULL, read_throttle, &throttle);
}

static int read_block_io(struct oci_reader *r, json_object *resources,
                         struct ctr_spec *spec)
{
    json_object *block_io;
    uint64_t weight;
    size_t back;
    int got = oci_member(r, resources, "blockIO", json_type_object, &block_io);

    if (got <= 0)
        return got;
    back = oci_enter(r, "blockIO");
    got = oci_uint64(r, block_io, "weight", 1000, &weight);
    if (got < 0)
        return -1;
    if (got && weight > 0 && weight < 10) {
        oci_enter(r, "weight");
        return oci_fail(r, "out of range (10 to 1000)");
    }
    if (got && weight) {
        spec->limits.io_weight = (unsigned)weight;
        spec->limit_count++;
    }
    /* CFQ's leaf weights and per-device weights: not implemented. */
    if (oci_refuse(r, block_io, "leafWeight") < 0 ||
        oci_refuse(r, block_io, "weightDevice") < 0 ||
        read_throttles(r, block_io, "throttleReadBpsDevice",
                       offsetof(struct cgroup_io_max, rbps), spec) < 0 ||
        read_throttles(r, block_io, "throttleWriteBpsDevice",
                       offsetof(struct cgroup_io_max, wbps), spec) < 0 ||
        read_throttles(r, block_io, "throttleReadIOPSDevice",
                       offsetof(struct cgroup_io_max, riops), spec) < 0 ||
        read_throttles(r, block_io, "throttleWriteIOPSDevice",
                       offsetof(struct cgroup_io_max, wiops), spec) < 0)
        return -1;
    oci_leave(r, back);
    return 0;
}

int oci_read_resources(struct oci_reader *r, json_object *resources,
                       struct ctr_spec *spec)
{
    if (oci_each(r, resources, "devices", check_device_rules, read_device_rule,
                 &spec->limits) < 0 ||
        read_memory(r, resources, spec) < 0 ||
        read_cpu(r, resources, spec) < 0 || read_pids(r, resources, spec) < 0 ||
        read_block_io(r, resources, spec) < 0)
        return -1;
    /* Controllers minictr does not drive, and raw cgroup v2 files. */
    if (oci_refuse(r, resources, "hugepageLimits") < 0 ||
        oci_refuse(r, resources, "network") < 0 ||
        oci_refuse(r, resources, "rdma") < 0 ||
        oci_refuse(r, resources, "unified") < 0)
        return -1;
    return 0;
}
