/* 10-mini-container/check.c - step 1 of the story: what can be checked
 * and built before anything is made, for both front ends (the flags'
 * and config.json's own checks are theirs: spec_flags.c, oci_config.c).
 * What is left is what needs the host: a namespace path is a namespace
 * of its type, a sysctl is one the container's namespaces hold, the
 * seccomp profile compiles.
 *
 * Read: ioctl_ns(2) (NS_GET_NSTYPE), the runtime-spec's config-linux.md
 * ("Sysctl"), seccomp_init(3).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/nsfs.h>

#include "create.h"
#include "err.h"
#include "timings.h"

/* Is the file at PATH a namespace of the kind FLAG (CLONE_NEWNET ...)?
 * ioctl(NS_GET_NSTYPE), Linux 4.11. */
static int check_namespace_path(const char *path, int flag)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC), type;

    if (fd < 0)
        return error_errno("linux.namespaces: %s", path);
    type = ioctl(fd, NS_GET_NSTYPE);
    close(fd);
    if (type < 0 || type != flag)
        return error_msg("linux.namespaces: %s is not a namespace of its "
                         "type%s",
                         path, type < 0 ? " (not a namespace at all)" : "");
    return 0;
}

/* The sysctls a container may set: those its namespaces hold (runc's
 * list). Any other would be the host's, or refused by the kernel. */
static int check_sysctl(const struct ctr_spec *spec, const char *key)
{
    static const char *const ipc[] = {
        "kernel.msgmax", "kernel.msgmnb",         "kernel.msgmni",
        "kernel.sem",    "kernel.shmall",         "kernel.shmmax",
        "kernel.shmmni", "kernel.shm_rmid_forced"};

    for (size_t i = 0; i < sizeof(ipc) / sizeof(ipc[0]); i++)
        if (strcmp(key, ipc[i]) == 0 || strncmp(key, "fs.mqueue.", 10) == 0)
            return spec->namespaces[SPEC_NS_IPC].wanted
                       ? 0
                       : error_msg("linux.sysctl %s: needs an ipc namespace",
                                   key);
    if (strncmp(key, "net.", 4) == 0)
        return spec->namespaces[SPEC_NS_NET].wanted
                   ? 0
                   : error_msg("linux.sysctl %s: needs a network namespace",
                               key);
    if (strcmp(key, "kernel.hostname") == 0 ||
        strcmp(key, "kernel.domainname") == 0)
        return spec->namespaces[SPEC_NS_UTS].wanted
                   ? 0
                   : error_msg("linux.sysctl %s: needs a uts namespace", key);
    return error_msg("linux.sysctl %s: not namespaced; it would change the "
                     "host",
                     key);
}

/* The five capability sets as capabilities(7) lets them be: what a
 * process cannot hold is refused here, by name (runc would drop an
 * ambient capability that is not inheritable without a word). */
static int check_capabilities(const struct cap_plan *caps)
{
    const struct {
        cap_mask set, within;
        const char *what;
    } rules[] = {
        {caps->permitted, caps->bounding, "permitted must be within bounding"},
        {caps->effective, caps->permitted,
         "effective must be within permitted"},
        {caps->inheritable, caps->bounding,
         "inheritable must be within bounding"},
        {caps->ambient, caps->permitted & caps->inheritable,
         "ambient must be permitted and inheritable"},
    };
    char names[1024];

    for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
        if (rules[i].set & ~rules[i].within)
            return error_msg("process.capabilities: %s (%s is not)",
                             rules[i].what,
                             cap_mask_to_names(rules[i].set & ~rules[i].within,
                                               names, sizeof(names)));
    return 0;
}

int container_check(struct container *c)
{
    static const int flags[SPEC_NS_COUNT] = {
        [SPEC_NS_USER] = CLONE_NEWUSER,     [SPEC_NS_PID] = CLONE_NEWPID,
        [SPEC_NS_NET] = CLONE_NEWNET,       [SPEC_NS_IPC] = CLONE_NEWIPC,
        [SPEC_NS_UTS] = CLONE_NEWUTS,       [SPEC_NS_MOUNT] = CLONE_NEWNS,
        [SPEC_NS_CGROUP] = CLONE_NEWCGROUP,
    };
    const struct ctr_spec *spec = c->spec;

    step_begin(STEP_CHECK);
    c->lock_fd = c->sync_fd = c->console_fd = c->gate_fd = -1;
    c->parent_sync_fd = c->parent_console_fd = -1;
    for (int ns = 0; ns < SPEC_NS_COUNT; ns++)
        if (spec->namespaces[ns].path &&
            check_namespace_path(spec->namespaces[ns].path, flags[ns]) < 0)
            return -1;
    for (int i = 0; i < spec->sysctl_count; i++)
        if (check_sysctl(spec, spec->sysctls[i].key) < 0)
            return -1;
    if (check_capabilities(&spec->process.caps) < 0)
        return -1;
    if (geteuid() != 0 && !spec->namespaces[SPEC_NS_USER].wanted)
        return error_msg("not root: a container made by uid %d needs a user "
                         "namespace",
                         (int)geteuid());
    /* The seccomp filter, compiled here on the host, so a bad profile
     * stops us before anything is made. */
    if (spec->has_seccomp) {
        c->filter = filter_from_rules(
            &spec->seccomp, c->ctx->oci ? UNKNOWN_TRACE : UNKNOWN_SKIP);
        if (!c->filter)
            return -1;
    }
    step_end(STEP_CHECK);
    return 0;
}
