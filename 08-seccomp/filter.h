/* 08-seccomp/filter.h - seccomp filters from a small readable profile.
 *
 * A profile is text, one rule a line (the lab sheet documents it):
 *
 *     # comments start with '#'
 *     default allow                 or: default errno EPERM | kill | log
 *     deny mount                    EPERM unless another errno is named
 *     deny clone arg0&0x10000000    only when CLONE_NEWUSER is set
 *     deny clone3 ENOSYS
 *     allow read                    (in an allowlist: default errno EPERM)
 *     kill ptrace                   the process dies with SIGSYS
 *
 * Conditions: argN&MASK (all MASK bits set), argN==V, argN!=V; several
 * on one line must all hold. seccomp-run (this chapter) and minictr build
 * and load filters with these functions.
 */
#ifndef CTLAB_FILTER_H
#define CTLAB_FILTER_H

#include <seccomp.h>

/* ctlab's default profile: what Docker's default profile blocks that
 * matters, as profile text (the lab sheet gives each reason). */
extern const char default_profile[];

/* How to treat a system call name this kernel or architecture does not
 * know. SKIP (what runc and crun do): warn and go on, so one profile works
 * on many kernels. ERROR: refuse the profile. */
enum unknown_names { UNKNOWN_SKIP, UNKNOWN_ERROR };

/* Build a filter from profile TEXT. SOURCE names it in messages
 * ("profile.txt", "the default profile"); errors give the line number.
 * NULL on error (reported). */
scmp_filter_ctx filter_from_profile(const char *text, const char *source,
                                    enum unknown_names unknown);

/* Read a profile file and build its filter. */
scmp_filter_ctx filter_from_file(const char *path, enum unknown_names unknown);

/* The filter as readable pseudo-code (libseccomp's PFC) on FD. */
int filter_dump(scmp_filter_ctx filter, int fd);

/* Set no_new_privs and load the filter into this process. It stays for
 * the rest of its life, across execve, and children inherit it. */
int filter_load(scmp_filter_ctx filter);

#endif
