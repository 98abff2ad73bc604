/* lib/flags.c - flag names for trace mode; see flags.h. */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>

#include "flags.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080 /* Linux 5.6; older glibc lacks the name */
#endif
#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL /* clone3 only, Linux 5.7 */
#endif
#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif

/* { CLONE_NEWPID, "CLONE_NEWPID" }: the name is the macro's own spelling. */
// clang-format off
#define FLAG(f) { .flag = (unsigned long)(f), .name = #f }
// clang-format on

const struct flag_name clone_flag_names[] = {
    FLAG(CLONE_NEWUSER),
    FLAG(CLONE_NEWPID),
    FLAG(CLONE_NEWNS),
    FLAG(CLONE_NEWUTS),
    FLAG(CLONE_NEWIPC),
    FLAG(CLONE_NEWNET),
    FLAG(CLONE_NEWCGROUP),
    FLAG(CLONE_NEWTIME),
    FLAG(CLONE_INTO_CGROUP),
    FLAG(CLONE_PIDFD),
    FLAG(CLONE_VM),
    FLAG(CLONE_FS),
    FLAG(CLONE_FILES),
    FLAG(CLONE_SIGHAND),
    FLAG(CLONE_VFORK),
    FLAG(CLONE_PARENT),
    FLAG(CLONE_THREAD),
    FLAG(CLONE_SYSVSEM),
    FLAG(CLONE_SETTLS),
    FLAG(CLONE_PARENT_SETTID),
    FLAG(CLONE_CHILD_CLEARTID),
    FLAG(CLONE_CHILD_SETTID),
    {0, NULL},
};

const struct flag_name mount_flag_names[] = {
    FLAG(MS_RDONLY),     FLAG(MS_NOSUID),      FLAG(MS_NODEV),
    FLAG(MS_NOEXEC),     FLAG(MS_SYNCHRONOUS), FLAG(MS_REMOUNT),
    FLAG(MS_MANDLOCK),   FLAG(MS_DIRSYNC),     FLAG(MS_NOATIME),
    FLAG(MS_NODIRATIME), FLAG(MS_BIND),        FLAG(MS_MOVE),
    FLAG(MS_REC),        FLAG(MS_SILENT),      FLAG(MS_UNBINDABLE),
    FLAG(MS_PRIVATE),    FLAG(MS_SLAVE),       FLAG(MS_SHARED),
    FLAG(MS_RELATIME),   FLAG(MS_STRICTATIME), FLAG(MS_LAZYTIME),
    {0, NULL},
};

const char *flags_to_string(const struct flag_name *table, unsigned long flags,
                            char *buf, size_t size)
{
    size_t used = 0;

    buf[0] = '\0';
    for (const struct flag_name *f = table; f->name && used < size; f++) {
        if ((flags & f->flag) != f->flag)
            continue;
        used +=
            snprintf(buf + used, size - used, "%s%s", used ? "|" : "", f->name);
        flags &= ~f->flag;
    }
    if (used < size && (flags || used == 0))
        snprintf(buf + used, size - used, "%s%#lx", used ? "|" : "", flags);
    return buf;
}

const char *signal_name(int sig, char *buf, size_t size)
{
    const char *abbrev = sigabbrev_np(sig);

    if (abbrev)
        snprintf(buf, size, "SIG%s", abbrev);
    else
        snprintf(buf, size, "signal %d", sig);
    return buf;
}
