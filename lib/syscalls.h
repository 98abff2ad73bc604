/* lib/syscalls.h - wrappers for system calls glibc does not wrap.
 *
 * Each wrapper is named sys_NAME, cites its man page and the kernel that
 * added the call, and fails with ENOSYS when the headers this was built
 * against do not know the call. glibc 2.36 already wraps fsopen(),
 * mount_setattr(), pidfd_open() and friends: use those, do not redeclare.
 */
#ifndef CTLAB_SYSCALLS_H
#define CTLAB_SYSCALLS_H

#include <errno.h>
#include <linux/openat2.h> /* struct open_how, RESOLVE_* */
#include <linux/sched.h>   /* struct clone_args */
#include <stddef.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

/* clone3(2), Linux 5.3. With no stack given it works like fork(): it
 * returns twice, 0 in the child. Flush stdio before calling it, or buffered
 * output is written twice. */
static inline pid_t sys_clone3(struct clone_args *args, size_t size)
{
#ifdef SYS_clone3
    return (pid_t)syscall(SYS_clone3, args, size);
#else
    (void)args;
    (void)size;
    errno = ENOSYS;
    return -1;
#endif
}

/* The raw clone(2) system call used like fork() (no new stack), for
 * kernels older than 5.3. x86-64 argument order: flags, stack, parent_tid,
 * child_tid, tls. */
static inline pid_t sys_clone_fork(unsigned long flags)
{
    return (pid_t)syscall(SYS_clone, flags, NULL, NULL, NULL, 0);
}

/* pivot_root(2), Linux 2.3.41: glibc has never wrapped it. */
static inline int sys_pivot_root(const char *new_root, const char *put_old)
{
#ifdef SYS_pivot_root
    return (int)syscall(SYS_pivot_root, new_root, put_old);
#else
    (void)new_root;
    (void)put_old;
    errno = ENOSYS;
    return -1;
#endif
}

/* openat2(2), Linux 5.6: openat() with HOW->resolve rules, e.g.
 * RESOLVE_IN_ROOT, which resolves PATH (symlinks and ".." included) as if
 * DIRFD were "/": the way to open a path inside a container's rootfs from
 * outside it without a symlink leading out. */
static inline int sys_openat2(int dirfd, const char *path,
                              const struct open_how *how)
{
#ifdef SYS_openat2
    return (int)syscall(SYS_openat2, dirfd, path, how, sizeof(*how));
#else
    (void)dirfd;
    (void)path;
    (void)how;
    errno = ENOSYS;
    return -1;
#endif
}

/* bpf(2), Linux 3.18: load a BPF program, attach it to a hook, query the
 * hook. glibc has never wrapped it. CMD is a BPF_* command of
 * <linux/bpf.h>; ATTR the union for that command (only its declaration is
 * needed here), SIZE its size. */
union bpf_attr;
static inline int sys_bpf(int cmd, union bpf_attr *attr, unsigned int size)
{
#ifdef SYS_bpf
    return (int)syscall(SYS_bpf, cmd, attr, size);
#else
    (void)cmd;
    (void)attr;
    (void)size;
    errno = ENOSYS;
    return -1;
#endif
}

#endif
