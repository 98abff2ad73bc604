/* 10-mini-container/spec_defaults.c - minictr's defaults as spec
 * entries; see spec_defaults.h. The flags front end starts from these,
 * and `minictr spec` writes them: both give the same isolation.
 *
 * Read: the runtime-spec's config-linux.md ("Default Filesystems",
 * "Default Devices"), moby's oci/defaults.go (the masked and read-only
 * paths), runc's `runc spec` output.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "err.h"
#include "spec_defaults.h"

/* What docker masks: files get /dev/null bound on them, directories an
 * empty read-only tmpfs. /sys/firmware: the machine's ACPI tables, EFI
 * variables and DMI data (serial numbers) are the host's. */
static const char *const masked_paths[] = {
    "/proc/acpi",        "/proc/asound",      "/proc/interrupts",
    "/proc/kcore",       "/proc/keys",        "/proc/latency_stats",
    "/proc/scsi",        "/proc/sched_debug", "/proc/timer_list",
    "/proc/timer_stats", "/sys/firmware",     NULL,
};
/* ... and what it makes read-only: the kernel's knobs. */
static const char *const readonly_paths[] = {
    "/proc/bus",           "/proc/fs", "/proc/irq", "/proc/sys",
    "/proc/sysrq-trigger", NULL,
};

int spec_add_string(char ***list, int *count, const char *text)
{
    char **grown = realloc(*list, sizeof(char *) * (size_t)(*count + 2));

    if (!grown)
        return error_errno("realloc");
    *list = grown;
    grown[*count] = strdup(text);
    if (!grown[*count])
        return error_errno("strdup");
    grown[++*count] = NULL;
    return 0;
}

static char *copy_or_null(const char *text)
{
    return text ? strdup(text) : NULL;
}

int spec_add_mount(struct ctr_spec *spec, const char *destination,
                   const char *type, const char *source, unsigned long flags,
                   const char *data)
{
    struct spec_mount *grown =
        realloc(spec->mounts, sizeof(*grown) * (size_t)(spec->mount_count + 1));
    struct spec_mount *m;

    if (!grown)
        return error_errno("realloc");
    spec->mounts = grown;
    m = &grown[spec->mount_count];
    *m = (struct spec_mount){.flags = flags};
    m->destination = strdup(destination);
    m->type = copy_or_null(type);
    m->source = copy_or_null(source);
    m->data = copy_or_null(data);
    if (!m->destination || (type && !m->type) || (source && !m->source) ||
        (data && !m->data)) {
        free(m->destination);
        free(m->type);
        free(m->source);
        free(m->data);
        return error_errno("strdup");
    }
    spec->mount_count++;
    return 0;
}

int spec_set_defaults(struct ctr_spec *spec)
{
    const unsigned long nsd = MS_NOSUID | MS_NODEV | MS_NOEXEC;
    cap_mask keep = 0;

    for (int ns = 0; ns < SPEC_NS_COUNT; ns++)
        spec->namespaces[ns].wanted = 1;
    spec->namespaces[SPEC_NS_NET].wanted = spec->net != NET_HOST;
    spec->namespaces[SPEC_NS_USER].wanted = spec->rootless;

    /* The filesystems every container has (config-linux.md). The pty
     * mode: 0620, as a terminal's owner would have it; no gid=5 (the tty
     * group of most images), which a rootless map may not have. */
    if (spec_add_mount(spec, "/proc", "proc", "proc", nsd, NULL) < 0 ||
        spec_add_mount(spec, "/dev", "tmpfs", "tmpfs",
                       MS_NOSUID | MS_STRICTATIME,
                       "mode=755,size=65536k") < 0 ||
        spec_add_mount(spec, "/dev/pts", "devpts", "devpts",
                       MS_NOSUID | MS_NOEXEC,
                       "newinstance,ptmxmode=0666,mode=0620") < 0 ||
        spec_add_mount(spec, "/dev/shm", "tmpfs", "shm", nsd,
                       "mode=1777,size=65536k") < 0 ||
        spec_add_mount(spec, "/dev/mqueue", "mqueue", "mqueue", nsd, NULL) <
            0 ||
        (spec->net != NET_HOST && spec_add_mount(spec, "/sys", "sysfs", "sysfs",
                                                 nsd | MS_RDONLY, NULL) < 0))
        return -1;
    for (const char *const *p = masked_paths; *p; p++)
        if (spec_add_string(&spec->masked_paths, &spec->masked_count, *p) < 0)
            return -1;
    for (const char *const *p = readonly_paths; *p; p++)
        if (spec_add_string(&spec->readonly_paths, &spec->readonly_count, *p) <
            0)
            return -1;

    /* Docker's 14 capabilities, and no way back to more (no_new_privs). */
    for (const char *const *name = docker_default_caps; *name; name++)
        keep |= CAP_BIT(cap_parse("default", *name));
    spec->process.caps = cap_plan_keeping(keep);
    spec->process.no_new_privileges = 1;
    spec->process.caps.no_new_privs = 1;

    /* The default seccomp profile (chapter 08). */
    if (filter_profile_parse(default_profile, "the default profile",
                             &spec->seccomp) < 0)
        return -1;
    spec->has_seccomp = 1;

    /* Docker's device rules (chapter 05): CAP_MKNOD stays, so a node of
     * any device may be made, but only the minimal /dev's, the ptys and
     * ptmx may be opened; without them, root inside could mknod the
     * host's disk and read it. Rootless needs none: a user namespace may
     * not make device nodes, and its mounts ignore them (nodev). */
    if (!spec->rootless) {
        memcpy(spec->limits.devices, cgroup_default_device_rules,
               sizeof(spec->limits.devices[0]) *
                   (size_t)cgroup_default_device_rule_count);
        spec->limits.device_count = cgroup_default_device_rule_count;
    }
    return 0;
}

/* Device rules, as runc and crun complete them. Where the bundle has
 * rules (runc's spec and podman's start with "deny all"), the runtime
 * adds, after them so that they win: mknod of any node, and opening the
 * nodes every container gets (null, zero, full, random, urandom, tty,
 * /dev/pts/N, ptmx: chapter 05's default list without its "deny all"),
 * then each node linux.devices asks for. Without them /dev/null is EPERM
 * and a terminal fails at /dev/ptmx. (runc 1.1 also allows c 10:200,
 * /dev/net/tun; runc 1.2 dropped it, and so do we.) No rules means no
 * device controller: nothing is added. */
static void add_device_rule(struct cgroup_limits *limits,
                            const struct cgroup_device_rule *rule)
{
    for (int i = 0; i < limits->device_count; i++) {
        const struct cgroup_device_rule *had = &limits->devices[i];

        if (had->allow && had->type == rule->type &&
            had->major == rule->major && had->minor == rule->minor &&
            strcmp(had->access, rule->access) == 0)
            return; /* the config has it already (minictr spec's do) */
    }
    limits->devices[limits->device_count++] = *rule;
}

int spec_add_runtime_devices(struct ctr_spec *spec)
{
    struct cgroup_limits *limits = &spec->limits;
    int nodes = 0;

    if (!limits->device_count)
        return 0;
    for (int i = 0; i < spec->device_count; i++)
        nodes += spec->devices[i].type != 'p'; /* a fifo is no device */
    if (limits->device_count + cgroup_default_device_rule_count - 1 + nodes >
        CG_MAX_DEVICE_RULES)
        return error_msg("linux.devices and linux.resources.devices: more "
                         "than %d device rules in all, with the %d every "
                         "container gets",
                         CG_MAX_DEVICE_RULES,
                         cgroup_default_device_rule_count - 1);
    for (int i = 1; i < cgroup_default_device_rule_count; i++)
        add_device_rule(limits, &cgroup_default_device_rules[i]);
    for (int i = 0; i < spec->device_count; i++) {
        const struct spec_device *d = &spec->devices[i];

        if (d->type != 'p')
            add_device_rule(limits, &(struct cgroup_device_rule){
                                        .type = d->type == 'b' ? 'b' : 'c',
                                        .major = d->major,
                                        .minor = d->minor,
                                        .access = "rwm",
                                        .allow = 1,
                                    });
    }
    return 0;
}
