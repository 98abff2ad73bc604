/* 10-mini-container/oci_write_linux.c - the spec's Linux part as
 * config.json's "linux" object: the reverse of oci_linux.c,
 * oci_resources.c and oci_seccomp.c, with the same tables.
 */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "oci_tables.h"
#include "oci_write.h"

static json_object *id_map(struct oci_writer *w, const struct id_map *map)
{
    json_object *array = json_object_new_array();

    for (int i = 0; i < map->count; i++) {
        json_object *entry = json_object_new_object();

        oci_set(w, entry, "containerID",
                json_object_new_uint64(map->ranges[i].inside));
        oci_set(w, entry, "hostID",
                json_object_new_uint64(map->ranges[i].outside));
        oci_set(w, entry, "size", json_object_new_uint64(map->ranges[i].count));
        oci_push(w, array, entry);
    }
    return array;
}

/* --- resources ----------------------------------------------------------- */

static json_object *device_rules(struct oci_writer *w,
                                 const struct cgroup_limits *limits)
{
    json_object *array = json_object_new_array();

    for (int i = 0; i < limits->device_count; i++) {
        const struct cgroup_device_rule *rule = &limits->devices[i];
        json_object *entry = json_object_new_object();
        char type[2] = {rule->type, '\0'};

        oci_set(w, entry, "allow", json_object_new_boolean(rule->allow));
        /* Left out, each means "all", as the spec reads it. */
        if (rule->type != 'a')
            oci_set(w, entry, "type", json_object_new_string(type));
        if (rule->major >= 0)
            oci_set(w, entry, "major", json_object_new_int64(rule->major));
        if (rule->minor >= 0)
            oci_set(w, entry, "minor", json_object_new_int64(rule->minor));
        oci_set(w, entry, "access", json_object_new_string(rule->access));
        oci_push(w, array, entry);
    }
    return array;
}

static json_object *memory(struct oci_writer *w,
                           const struct cgroup_limits *limits)
{
    json_object *obj = json_object_new_object();

    if (limits->memory)
        oci_set(w, obj, "limit",
                json_object_new_int64((int64_t)limits->memory));
    /* memory + swap: UINT64_MAX no limit; 0 with a limit, no swap. */
    if (limits->memory_swap == UINT64_MAX)
        oci_set(w, obj, "swap", json_object_new_int64(-1));
    else if (limits->memory_swap || limits->memory)
        oci_set(w, obj, "swap",
                json_object_new_int64((int64_t)(limits->memory_swap
                                                    ? limits->memory_swap
                                                    : limits->memory)));
    if (limits->memory_reservation)
        oci_set(w, obj, "reservation",
                json_object_new_int64((int64_t)limits->memory_reservation));
    return obj;
}

static json_object *cpu(struct oci_writer *w,
                        const struct cgroup_limits *limits)
{
    json_object *obj = json_object_new_object();

    if (limits->cpu_shares)
        oci_set(w, obj, "shares", json_object_new_uint64(limits->cpu_shares));
    if (limits->has_cpu_max) {
        oci_set(w, obj, "quota", json_object_new_int64(limits->cpu_quota));
        oci_set(w, obj, "period", json_object_new_uint64(limits->cpu_period));
    }
    if (limits->cpuset_cpus[0])
        oci_set(w, obj, "cpus", json_object_new_string(limits->cpuset_cpus));
    if (limits->cpuset_mems[0])
        oci_set(w, obj, "mems", json_object_new_string(limits->cpuset_mems));
    if (limits->cpu_weight) /* v2's own weight: OCI says shares */
        oci_cannot_write(w, "a cpu weight (OCI has cpu.shares)");
    return obj;
}

static json_object *block_io(struct oci_writer *w,
                             const struct cgroup_limits *limits)
{
    static const struct {
        const char *key;
        size_t offset;
    } throttles[] = {
        {"throttleReadBpsDevice", offsetof(struct cgroup_io_max, rbps)},
        {"throttleWriteBpsDevice", offsetof(struct cgroup_io_max, wbps)},
        {"throttleReadIOPSDevice", offsetof(struct cgroup_io_max, riops)},
        {"throttleWriteIOPSDevice", offsetof(struct cgroup_io_max, wiops)},
    };
    json_object *obj = json_object_new_object();

    if (limits->io_weight)
        oci_set(w, obj, "weight", json_object_new_uint64(limits->io_weight));
    for (size_t t = 0; t < sizeof(throttles) / sizeof(*throttles); t++) {
        json_object *array = json_object_new_array();

        for (int i = 0; i < limits->io_max_count; i++) {
            const struct cgroup_io_max *io = &limits->io_max[i];
            unsigned long long rate =
                *(const unsigned long long *)((const char *)io +
                                              throttles[t].offset);
            long major, minor;
            json_object *entry;

            if (!rate)
                continue;
            if (sscanf(io->device, "%ld:%ld", &major, &minor) != 2) {
                oci_cannot_write(w, "an io device that is not MAJOR:MINOR");
                continue;
            }
            entry = json_object_new_object();
            oci_set(w, entry, "major", json_object_new_int64(major));
            oci_set(w, entry, "minor", json_object_new_int64(minor));
            oci_set(w, entry, "rate", json_object_new_uint64(rate));
            oci_push(w, array, entry);
        }
        if (json_object_array_length(array))
            oci_set(w, obj, throttles[t].key, array);
        else
            json_object_put(array);
    }
    return obj;
}

static json_object *resources(struct oci_writer *w, const struct ctr_spec *spec)
{
    const struct cgroup_limits *limits = &spec->limits;
    json_object *obj = json_object_new_object(), *pids;

    oci_set_some(w, obj, "devices", device_rules(w, limits));
    oci_set_some(w, obj, "memory", memory(w, limits));
    oci_set_some(w, obj, "cpu", cpu(w, limits));
    if (limits->pids) {
        pids = json_object_new_object();
        oci_set(w, pids, "limit", json_object_new_uint64(limits->pids));
        oci_set(w, obj, "pids", pids);
    }
    oci_set_some(w, obj, "blockIO", block_io(w, limits));
    return obj;
}

/* --- seccomp ------------------------------------------------------------- */

/* The action's name, and its errno (or a tracer's message) in KEY. */
static void set_action(struct oci_writer *w, json_object *obj,
                       const char *name_key, const char *errno_key,
                       uint32_t action)
{
    const char *name =
        oci_name_of(oci_seccomp_actions, oci_action_base(action));

    if (!name)
        oci_cannot_write(w, "a seccomp action with no SCMP_ACT_* name");
    oci_set(w, obj, name_key, json_object_new_string(name ? name : ""));
    if (oci_action_takes_errno(action))
        oci_set(w, obj, errno_key, json_object_new_int(action & 0xffff));
}

static json_object *seccomp_rule(struct oci_writer *w,
                                 const struct filter_rule *rule)
{
    json_object *entry = json_object_new_object(), *args;

    oci_set(w, entry, "names", oci_strings(w, rule->names, -1));
    set_action(w, entry, "action", "errnoRet", rule->action);
    if (!rule->arg_count)
        return entry;
    args = json_object_new_array();
    for (int a = 0; a < rule->arg_count; a++) {
        const struct filter_arg *arg = &rule->args[a];
        const char *op = oci_name_of(oci_seccomp_operators, arg->op);
        json_object *cmp = json_object_new_object();

        if (!op)
            oci_cannot_write(w, "a seccomp operator with no SCMP_CMP_* name");
        oci_set(w, cmp, "index", json_object_new_uint64(arg->index));
        oci_set(w, cmp, "value", json_object_new_uint64(arg->value));
        if (arg->value_two)
            oci_set(w, cmp, "valueTwo", json_object_new_uint64(arg->value_two));
        oci_set(w, cmp, "op", json_object_new_string(op ? op : ""));
        oci_push(w, args, cmp);
    }
    oci_set(w, entry, "args", args);
    return entry;
}

static json_object *seccomp(struct oci_writer *w,
                            const struct filter_profile *profile)
{
    json_object *obj = json_object_new_object(), *array;

    set_action(w, obj, "defaultAction", "defaultErrnoRet",
               profile->default_action);
    if (profile->architecture_count) {
        array = json_object_new_array();
        for (int i = 0; i < profile->architecture_count; i++) {
            const char *name =
                oci_name_of(oci_seccomp_archs, profile->architectures[i]);

            if (!name)
                oci_cannot_write(w, "an architecture with no SCMP_ARCH_* "
                                    "name");
            oci_push(w, array, json_object_new_string(name ? name : ""));
        }
        oci_set(w, obj, "architectures", array);
    }
    if (profile->flags) {
        unsigned left = profile->flags;

        array = json_object_new_array();
        for (const struct oci_name *f = oci_seccomp_flags; f->name; f++)
            if (!f->not_implemented && (left & f->value)) {
                oci_push(w, array, json_object_new_string(f->name));
                left &= ~(unsigned)f->value;
            }
        if (left)
            oci_cannot_write(w, "a seccomp flag with no name");
        oci_set(w, obj, "flags", array);
    }
    if (profile->rule_count) {
        array = json_object_new_array();
        for (int i = 0; i < profile->rule_count; i++)
            oci_push(w, array, seccomp_rule(w, &profile->rules[i]));
        oci_set(w, obj, "syscalls", array);
    }
    return obj;
}

/* --- linux --------------------------------------------------------------- */

static json_object *namespaces(struct oci_writer *w,
                               const struct ctr_spec *spec)
{
    json_object *array = json_object_new_array();

    for (const struct oci_name *n = oci_namespaces; n->name; n++) {
        const struct spec_namespace *ns;
        json_object *entry;

        if (n->not_implemented || !spec->namespaces[n->value].wanted)
            continue;
        ns = &spec->namespaces[n->value];
        entry = json_object_new_object();
        oci_set(w, entry, "type", json_object_new_string(n->name));
        if (ns->path)
            oci_set(w, entry, "path", json_object_new_string(ns->path));
        oci_push(w, array, entry);
    }
    return array;
}

static json_object *devices(struct oci_writer *w, const struct ctr_spec *spec)
{
    json_object *array = json_object_new_array();

    for (int i = 0; i < spec->device_count; i++) {
        const struct spec_device *device = &spec->devices[i];
        json_object *entry = json_object_new_object();
        char type[2] = {device->type, '\0'};

        oci_set(w, entry, "path", json_object_new_string(device->path));
        oci_set(w, entry, "type", json_object_new_string(type));
        if (device->type != 'p') {
            oci_set(w, entry, "major", json_object_new_int64(device->major));
            oci_set(w, entry, "minor", json_object_new_int64(device->minor));
        }
        if (device->mode)
            oci_set(w, entry, "fileMode",
                    json_object_new_uint64(device->mode & 07777));
        if (device->uid)
            oci_set(w, entry, "uid", json_object_new_uint64(device->uid));
        if (device->gid)
            oci_set(w, entry, "gid", json_object_new_uint64(device->gid));
        oci_push(w, array, entry);
    }
    return array;
}

json_object *oci_build_linux(struct oci_writer *w, const struct ctr_spec *spec)
{
    json_object *obj = json_object_new_object(), *sysctl;
    const char *propagation = NULL;

    oci_set_some(w, obj, "uidMappings", id_map(w, &spec->uid_map));
    oci_set_some(w, obj, "gidMappings", id_map(w, &spec->gid_map));
    if (spec->sysctl_count) {
        sysctl = json_object_new_object();
        for (int i = 0; i < spec->sysctl_count; i++)
            oci_set(w, sysctl, spec->sysctls[i].key,
                    json_object_new_string(spec->sysctls[i].value));
        oci_set(w, obj, "sysctl", sysctl);
    }
    oci_set_some(w, obj, "resources", resources(w, spec));
    if (spec->cgroups_path)
        oci_set(w, obj, "cgroupsPath",
                json_object_new_string(spec->cgroups_path));
    oci_set_some(w, obj, "namespaces", namespaces(w, spec));
    oci_set_some(w, obj, "devices", devices(w, spec));
    if (spec->has_seccomp)
        oci_set(w, obj, "seccomp", seccomp(w, &spec->seccomp));
    for (const struct oci_mount_option *o = oci_mount_options; o->name; o++)
        if (o->kind == OPTION_PROPAGATION &&
            o->value == spec->rootfs_propagation)
            propagation = o->name;
    if (spec->rootfs_propagation && !propagation)
        oci_cannot_write(w, "a rootfs propagation with no name");
    if (propagation)
        oci_set(w, obj, "rootfsPropagation",
                json_object_new_string(propagation));
    if (spec->masked_count)
        oci_set(w, obj, "maskedPaths",
                oci_strings(w, spec->masked_paths, spec->masked_count));
    if (spec->readonly_count)
        oci_set(w, obj, "readonlyPaths",
                oci_strings(w, spec->readonly_paths, spec->readonly_count));
    return obj;
}
