/* 10-mini-container/oci_tables.c - the names config.json may use; see
 * oci_tables.h.
 *
 * Read: mount(8) (FILESYSTEM-INDEPENDENT MOUNT OPTIONS), mount(2),
 * getrlimit(2), seccomp_rule_add(3), seccomp_arch_add(3), seccomp(2).
 */
#define _GNU_SOURCE
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>

#include "oci_tables.h"

/* runc's table (libcontainer/specconv), in the order the writer looks for
 * each flag: "rbind" before "bind", so MS_BIND|MS_REC is written once.
 * The "r" forms (rro, rnosuid, ...) set attributes on every mount below
 * with mount_setattr(2), and idmap maps a mount's owners: neither is
 * implemented. tmpcopyup copies the directory's files into a tmpfs
 * mounted on it (podman asks for it on /tmp, /var/tmp and /run with
 * --read-only). */
const struct oci_mount_option oci_mount_options[] = {
    {.name = "ro", .kind = OPTION_SET, .value = MS_RDONLY},
    {.name = "rw", .kind = OPTION_CLEAR, .value = MS_RDONLY},
    {.name = "nosuid", .kind = OPTION_SET, .value = MS_NOSUID},
    {.name = "suid", .kind = OPTION_CLEAR, .value = MS_NOSUID},
    {.name = "nodev", .kind = OPTION_SET, .value = MS_NODEV},
    {.name = "dev", .kind = OPTION_CLEAR, .value = MS_NODEV},
    {.name = "noexec", .kind = OPTION_SET, .value = MS_NOEXEC},
    {.name = "exec", .kind = OPTION_CLEAR, .value = MS_NOEXEC},
    {.name = "sync", .kind = OPTION_SET, .value = MS_SYNCHRONOUS},
    {.name = "async", .kind = OPTION_CLEAR, .value = MS_SYNCHRONOUS},
    {.name = "dirsync", .kind = OPTION_SET, .value = MS_DIRSYNC},
    {.name = "mand", .kind = OPTION_SET, .value = MS_MANDLOCK},
    {.name = "nomand", .kind = OPTION_CLEAR, .value = MS_MANDLOCK},
    {.name = "noatime", .kind = OPTION_SET, .value = MS_NOATIME},
    {.name = "atime", .kind = OPTION_CLEAR, .value = MS_NOATIME},
    {.name = "nodiratime", .kind = OPTION_SET, .value = MS_NODIRATIME},
    {.name = "diratime", .kind = OPTION_CLEAR, .value = MS_NODIRATIME},
    {.name = "relatime", .kind = OPTION_SET, .value = MS_RELATIME},
    {.name = "norelatime", .kind = OPTION_CLEAR, .value = MS_RELATIME},
    {.name = "strictatime", .kind = OPTION_SET, .value = MS_STRICTATIME},
    {.name = "nostrictatime", .kind = OPTION_CLEAR, .value = MS_STRICTATIME},
    {.name = "lazytime", .kind = OPTION_SET, .value = MS_LAZYTIME},
    {.name = "nolazytime", .kind = OPTION_CLEAR, .value = MS_LAZYTIME},
    {.name = "iversion", .kind = OPTION_SET, .value = MS_I_VERSION},
    {.name = "noiversion", .kind = OPTION_CLEAR, .value = MS_I_VERSION},
    {.name = "acl", .kind = OPTION_SET, .value = MS_POSIXACL},
    {.name = "noacl", .kind = OPTION_CLEAR, .value = MS_POSIXACL},
    {.name = "silent", .kind = OPTION_SET, .value = MS_SILENT},
    {.name = "loud", .kind = OPTION_CLEAR, .value = MS_SILENT},
    {.name = "nosymfollow", .kind = OPTION_SET, .value = MS_NOSYMFOLLOW},
    {.name = "symfollow", .kind = OPTION_CLEAR, .value = MS_NOSYMFOLLOW},
    {.name = "rbind", .kind = OPTION_SET, .value = MS_BIND | MS_REC},
    {.name = "bind", .kind = OPTION_SET, .value = MS_BIND},
    {.name = "defaults", .kind = OPTION_NONE},
    {.name = "private", .kind = OPTION_PROPAGATION, .value = MS_PRIVATE},
    {.name = "rprivate",
     .kind = OPTION_PROPAGATION,
     .value = MS_PRIVATE | MS_REC},
    {.name = "shared", .kind = OPTION_PROPAGATION, .value = MS_SHARED},
    {.name = "rshared",
     .kind = OPTION_PROPAGATION,
     .value = MS_SHARED | MS_REC},
    {.name = "slave", .kind = OPTION_PROPAGATION, .value = MS_SLAVE},
    {.name = "rslave", .kind = OPTION_PROPAGATION, .value = MS_SLAVE | MS_REC},
    {.name = "unbindable", .kind = OPTION_PROPAGATION, .value = MS_UNBINDABLE},
    {.name = "runbindable",
     .kind = OPTION_PROPAGATION,
     .value = MS_UNBINDABLE | MS_REC},
    {.name = "remount", .kind = OPTION_REFUSED},
    {.name = "rro", .kind = OPTION_REFUSED},
    {.name = "rrw", .kind = OPTION_REFUSED},
    {.name = "rnosuid", .kind = OPTION_REFUSED},
    {.name = "rsuid", .kind = OPTION_REFUSED},
    {.name = "rnodev", .kind = OPTION_REFUSED},
    {.name = "rdev", .kind = OPTION_REFUSED},
    {.name = "rnoexec", .kind = OPTION_REFUSED},
    {.name = "rexec", .kind = OPTION_REFUSED},
    {.name = "rnodiratime", .kind = OPTION_REFUSED},
    {.name = "rdiratime", .kind = OPTION_REFUSED},
    {.name = "rrelatime", .kind = OPTION_REFUSED},
    {.name = "rnorelatime", .kind = OPTION_REFUSED},
    {.name = "rnoatime", .kind = OPTION_REFUSED},
    {.name = "ratime", .kind = OPTION_REFUSED},
    {.name = "rstrictatime", .kind = OPTION_REFUSED},
    {.name = "rnostrictatime", .kind = OPTION_REFUSED},
    {.name = "rnosymfollow", .kind = OPTION_REFUSED},
    {.name = "rsymfollow", .kind = OPTION_REFUSED},
    {.name = "idmap", .kind = OPTION_REFUSED},
    {.name = "ridmap", .kind = OPTION_REFUSED},
    {.name = "tmpcopyup", .kind = OPTION_COPY_UP},
    {.name = NULL},
};

/* In enum spec_ns order, which is also the order they are written in.
 * The time namespace (Linux 5.6) needs linux.timeOffsets written before
 * its first process runs; minictr has neither. */
const struct oci_name oci_namespaces[] = {
    {.name = "user", .value = SPEC_NS_USER},
    {.name = "pid", .value = SPEC_NS_PID},
    {.name = "network", .value = SPEC_NS_NET},
    {.name = "ipc", .value = SPEC_NS_IPC},
    {.name = "uts", .value = SPEC_NS_UTS},
    {.name = "mount", .value = SPEC_NS_MOUNT},
    {.name = "cgroup", .value = SPEC_NS_CGROUP},
    {.name = "time", .not_implemented = 1},
    {.name = NULL},
};

const struct oci_name oci_rlimits[] = {
    {.name = "RLIMIT_AS", .value = RLIMIT_AS},
    {.name = "RLIMIT_CORE", .value = RLIMIT_CORE},
    {.name = "RLIMIT_CPU", .value = RLIMIT_CPU},
    {.name = "RLIMIT_DATA", .value = RLIMIT_DATA},
    {.name = "RLIMIT_FSIZE", .value = RLIMIT_FSIZE},
    {.name = "RLIMIT_LOCKS", .value = RLIMIT_LOCKS},
    {.name = "RLIMIT_MEMLOCK", .value = RLIMIT_MEMLOCK},
    {.name = "RLIMIT_MSGQUEUE", .value = RLIMIT_MSGQUEUE},
    {.name = "RLIMIT_NICE", .value = RLIMIT_NICE},
    {.name = "RLIMIT_NOFILE", .value = RLIMIT_NOFILE},
    {.name = "RLIMIT_NPROC", .value = RLIMIT_NPROC},
    {.name = "RLIMIT_RSS", .value = RLIMIT_RSS},
    {.name = "RLIMIT_RTPRIO", .value = RLIMIT_RTPRIO},
    {.name = "RLIMIT_RTTIME", .value = RLIMIT_RTTIME},
    {.name = "RLIMIT_SIGPENDING", .value = RLIMIT_SIGPENDING},
    {.name = "RLIMIT_STACK", .value = RLIMIT_STACK},
    {.name = NULL},
};

/* libseccomp's values. SCMP_ACT_KILL is SCMP_ACT_KILL_THREAD, and the
 * writer spells it the older way. SCMP_ACT_NOTIFY hands the call to a
 * supervisor listening on listenerPath: minictr has none. */
const struct oci_name oci_seccomp_actions[] = {
    {.name = "SCMP_ACT_KILL", .value = SCMP_ACT_KILL},
    {.name = "SCMP_ACT_KILL_PROCESS", .value = SCMP_ACT_KILL_PROCESS},
    {.name = "SCMP_ACT_KILL_THREAD", .value = SCMP_ACT_KILL_THREAD},
    {.name = "SCMP_ACT_TRAP", .value = SCMP_ACT_TRAP},
    {.name = "SCMP_ACT_ERRNO", .value = SCMP_ACT_ERRNO(0)},
    {.name = "SCMP_ACT_TRACE", .value = SCMP_ACT_TRACE(0)},
    {.name = "SCMP_ACT_ALLOW", .value = SCMP_ACT_ALLOW},
    {.name = "SCMP_ACT_LOG", .value = SCMP_ACT_LOG},
    {.name = "SCMP_ACT_NOTIFY", .value = SCMP_ACT_NOTIFY, .not_implemented = 1},
    {.name = NULL},
};

const struct oci_name oci_seccomp_operators[] = {
    {.name = "SCMP_CMP_NE", .value = SCMP_CMP_NE},
    {.name = "SCMP_CMP_LT", .value = SCMP_CMP_LT},
    {.name = "SCMP_CMP_LE", .value = SCMP_CMP_LE},
    {.name = "SCMP_CMP_EQ", .value = SCMP_CMP_EQ},
    {.name = "SCMP_CMP_GE", .value = SCMP_CMP_GE},
    {.name = "SCMP_CMP_GT", .value = SCMP_CMP_GT},
    {.name = "SCMP_CMP_MASKED_EQ", .value = SCMP_CMP_MASKED_EQ},
    {.name = NULL},
};

/* The list the runtime-spec gives (libseccomp 2.5). */
const struct oci_name oci_seccomp_archs[] = {
    {.name = "SCMP_ARCH_X86", .value = SCMP_ARCH_X86},
    {.name = "SCMP_ARCH_X86_64", .value = SCMP_ARCH_X86_64},
    {.name = "SCMP_ARCH_X32", .value = SCMP_ARCH_X32},
    {.name = "SCMP_ARCH_ARM", .value = SCMP_ARCH_ARM},
    {.name = "SCMP_ARCH_AARCH64", .value = SCMP_ARCH_AARCH64},
    {.name = "SCMP_ARCH_MIPS", .value = SCMP_ARCH_MIPS},
    {.name = "SCMP_ARCH_MIPS64", .value = SCMP_ARCH_MIPS64},
    {.name = "SCMP_ARCH_MIPS64N32", .value = SCMP_ARCH_MIPS64N32},
    {.name = "SCMP_ARCH_MIPSEL", .value = SCMP_ARCH_MIPSEL},
    {.name = "SCMP_ARCH_MIPSEL64", .value = SCMP_ARCH_MIPSEL64},
    {.name = "SCMP_ARCH_MIPSEL64N32", .value = SCMP_ARCH_MIPSEL64N32},
    {.name = "SCMP_ARCH_PPC", .value = SCMP_ARCH_PPC},
    {.name = "SCMP_ARCH_PPC64", .value = SCMP_ARCH_PPC64},
    {.name = "SCMP_ARCH_PPC64LE", .value = SCMP_ARCH_PPC64LE},
    {.name = "SCMP_ARCH_S390", .value = SCMP_ARCH_S390},
    {.name = "SCMP_ARCH_S390X", .value = SCMP_ARCH_S390X},
    {.name = "SCMP_ARCH_PARISC", .value = SCMP_ARCH_PARISC},
    {.name = "SCMP_ARCH_PARISC64", .value = SCMP_ARCH_PARISC64},
    {.name = "SCMP_ARCH_RISCV64", .value = SCMP_ARCH_RISCV64},
    {.name = NULL},
};

/* seccomp(2)'s flags. TSYNC syncs every thread (minictr's process has
 * one); WAIT_KILLABLE_RECV is about SCMP_ACT_NOTIFY's supervisor. */
const struct oci_name oci_seccomp_flags[] = {
    {.name = "SECCOMP_FILTER_FLAG_TSYNC", .value = SECCOMP_FILTER_FLAG_TSYNC},
    {.name = "SECCOMP_FILTER_FLAG_LOG", .value = SECCOMP_FILTER_FLAG_LOG},
    {.name = "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
     .value = SECCOMP_FILTER_FLAG_SPEC_ALLOW},
    {.name = "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
     .value = SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV,
     .not_implemented = 1},
    {.name = NULL},
};

const char *const oci_hook_names[HOOK_KIND_COUNT] = {
    [HOOK_PRESTART] = "prestart",
    [HOOK_CREATE_RUNTIME] = "createRuntime",
    [HOOK_CREATE_CONTAINER] = "createContainer",
    [HOOK_START_CONTAINER] = "startContainer",
    [HOOK_POSTSTART] = "poststart",
    [HOOK_POSTSTOP] = "poststop",
};

const struct oci_name *oci_name_find(const struct oci_name *table,
                                     const char *name)
{
    for (; table->name; table++)
        if (strcmp(table->name, name) == 0)
            return table;
    return NULL;
}

const char *oci_name_of(const struct oci_name *table, unsigned long value)
{
    for (; table->name; table++)
        if (!table->not_implemented && table->value == value)
            return table->name;
    return NULL;
}

const struct oci_mount_option *oci_mount_option_find(const char *name)
{
    for (const struct oci_mount_option *o = oci_mount_options; o->name; o++)
        if (strcmp(o->name, name) == 0)
            return o;
    return NULL;
}

const char *oci_names_list(const struct oci_name *table, char *buf, size_t size)
{
    size_t used = 0;

    buf[0] = '\0';
    for (; table->name && used < size; table++)
        if (!table->not_implemented)
            used += (size_t)snprintf(buf + used, size - used, "%s%s",
                                     used ? ", " : "", table->name);
    return buf;
}

int oci_action_takes_errno(unsigned long action)
{
    unsigned long base = oci_action_base(action);

    return base == SCMP_ACT_ERRNO(0) || base == SCMP_ACT_TRACE(0);
}

unsigned long oci_action_base(unsigned long action)
{
    unsigned long base = action & 0xffff0000UL;

    return base == SCMP_ACT_ERRNO(0) || base == SCMP_ACT_TRACE(0) ? base
                                                                  : action;
}
