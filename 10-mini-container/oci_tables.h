/* 10-mini-container/oci_tables.h - the names config.json may use, each
 * written once: the parser reads with these tables, the writer writes
 * with them, and `minictr features` lists them. A name that is known but
 * not implemented stays in its table, marked, so that it is refused by
 * name instead of being mistaken for a typo.
 */
#ifndef CTLAB_OCI_TABLES_H
#define CTLAB_OCI_TABLES_H

#include "spec.h"

/* A name and the value it stands for. Tables end with { .name = NULL }. */
struct oci_name {
    const char *name;
    unsigned long value;
    int not_implemented; /* known to the spec; refused by minictr */
};

/* What a mount option does to the mount(2) call. */
enum oci_option_kind {
    OPTION_SET,         /* flags |= value */
    OPTION_CLEAR,       /* flags &= ~value */
    OPTION_PROPAGATION, /* propagation = value, applied after the mount */
    OPTION_NONE,        /* "defaults": nothing */
    OPTION_REFUSED,     /* known, not implemented by minictr */
    OPTION_COPY_UP,     /* tmpcopyup: copy_up = 1 (a tmpfs only) */
};

struct oci_mount_option {
    const char *name;
    enum oci_option_kind kind;
    unsigned long value;
};

/* runc's table of mount options (mount(8)'s filesystem-independent ones,
 * and the propagation and recursive ones). Any other option is the
 * filesystem's own ("size=64m", "mode=755") and goes into data. */
extern const struct oci_mount_option oci_mount_options[];

extern const struct oci_name oci_namespaces[];        /* "pid" -> SPEC_NS_PID */
extern const struct oci_name oci_rlimits[];           /* "RLIMIT_NOFILE" */
extern const struct oci_name oci_seccomp_actions[];   /* SCMP_ACT_* */
extern const struct oci_name oci_seccomp_operators[]; /* SCMP_CMP_* */
extern const struct oci_name oci_seccomp_archs[];     /* SCMP_ARCH_* */
extern const struct oci_name oci_seccomp_flags[]; /* SECCOMP_FILTER_FLAG_* */

/* The hooks' names, indexed by enum spec_hook_kind. */
extern const char *const oci_hook_names[HOOK_KIND_COUNT];

/* The entry named NAME, or NULL. */
const struct oci_name *oci_name_find(const struct oci_name *table,
                                     const char *name);

/* The first implemented entry's name for VALUE, or NULL. */
const char *oci_name_of(const struct oci_name *table, unsigned long value);

const struct oci_mount_option *oci_mount_option_find(const char *name);

/* "pid, network, mount, ...": the implemented names, for messages. */
const char *oci_names_list(const struct oci_name *table, char *buf,
                           size_t size);

/* The seccomp actions that carry a number in their low 16 bits: errno
 * for SCMP_ACT_ERRNO, a message for a tracer for SCMP_ACT_TRACE. */
int oci_action_takes_errno(unsigned long action);

/* The action's table value (its number stripped). */
unsigned long oci_action_base(unsigned long action);

#endif
