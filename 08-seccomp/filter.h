/* 08-seccomp/filter.h - seccomp filters from a small readable profile.
 *
 * A profile is text, one rule a line (the lab sheet documents it):
 *
 *     # comments start with '#'
 *     default allow                 or: default errno EPERM | kill | log
 *     deny mount                    EPERM unless another errno is named
 *     deny clone arg0&0x10000000    only when CLONE_NEWUSER is set
 *     deny clone3 ENOSYS
 *     deny setns,unshare            one rule for several calls
 *     allow read                    (in an allowlist: default errno EPERM)
 *     kill ptrace                   the process dies with SIGSYS
 *
 * Conditions: argN&MASK (all MASK bits set), argN==V, argN!=V; several
 * on one line must all hold, except when two test the same argument:
 * then each is a rule of its own and any one is enough (libseccomp
 * refuses the pair; runc splits it the same way). seccomp-run (this
 * chapter) and minictr build and load filters with these functions.
 *
 * Two steps: the text is parsed into a struct filter_profile, which an
 * OCI config.json's linux.seccomp fills too, and filter_from_rules()
 * compiles any profile into a filter.
 */
#ifndef CTLAB_FILTER_H
#define CTLAB_FILTER_H

#include <seccomp.h>
#include <stdint.h>

/* How to treat a system call name this kernel or architecture does not
 * know. SKIP (what runc and crun do): warn and go on, so one profile works
 * on many kernels. ERROR: refuse the profile. TRACE: skip with a trace
 * line only (an OCI runtime given an engine's profile of 400 names, some
 * newer than this libseccomp: runc logs them at debug level). */
enum unknown_names { UNKNOWN_SKIP, UNKNOWN_ERROR, UNKNOWN_TRACE };

/* A profile as data: what the text format and an OCI config.json's
 * linux.seccomp both say, and what filter_from_rules compiles. */
struct filter_arg {
    unsigned index;            /* the argument, 0-5 */
    enum scmp_compare op;      /* SCMP_CMP_EQ, SCMP_CMP_MASKED_EQ, ... */
    uint64_t value, value_two; /* MASKED_EQ: (arg & value) == value_two */
};

struct filter_rule {
    char **names;    /* the calls it applies to, NULL-terminated; a name
                      * libseccomp does not know may be one ctlab knows by
                      * number (open_tree_attr) */
    uint32_t action; /* SCMP_ACT_ERRNO(EPERM), SCMP_ACT_ALLOW, ... */
    struct filter_arg args[6];
    int arg_count; /* all must hold (one argument twice: either, as runc) */
    int line;      /* its line in a text profile, for messages; 0: none */
};

struct filter_profile {
    uint32_t default_action;
    uint32_t *architectures; /* SCMP_ARCH_*; none: the native one */
    int architecture_count;
    unsigned flags; /* SECCOMP_FILTER_FLAG_TSYNC, _LOG, _SPEC_ALLOW */
    struct filter_rule *rules;
    int rule_count;
    char *source; /* names it in messages ("profile.txt"); NULL: none */
};

/* Parse profile TEXT into PROFILE (every rule, nothing compiled). SOURCE
 * names it in messages; errors give the line. -1 on error (reported),
 * and PROFILE is left empty. */
int filter_profile_parse(const char *text, const char *source,
                         struct filter_profile *profile);

/* Read profile file PATH and parse it (a profile holds no NUL byte). */
int filter_profile_read_file(const char *path, struct filter_profile *profile);

/* Compile PROFILE into a filter: its architectures added to the native
 * one, its flags set, a rule for each name (skipped where its action is
 * the default's). NULL on error (reported). */
scmp_filter_ctx filter_from_rules(const struct filter_profile *profile,
                                  enum unknown_names unknown);

/* Free what PROFILE owns, and empty it. */
void filter_profile_free(struct filter_profile *profile);

/* ctlab's default profile: what Docker's default profile blocks that
 * matters, as profile text (the lab sheet gives each reason). */
extern const char default_profile[];

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
