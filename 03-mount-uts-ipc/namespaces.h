/* 03-mount-uts-ipc/namespaces.h - the namespace types, and mount
 * propagation: the mechanism chapter 04 and minictr reuse.
 */
#ifndef CTLAB_NAMESPACES_H
#define CTLAB_NAMESPACES_H

#include <stdbool.h>

struct namespace_type {
    int flag;              /* CLONE_NEWNS ...                          */
    const char *name;      /* "mnt": the name util-linux uses          */
    const char *proc_file; /* "mnt": the entry in /proc/PID/ns          */
    char option;           /* 'm': unshare(1)/nsenter(1)'s short option */
};

/* All eight types, user first (chapter 04 joins it first or last). Ends
 * with { 0, NULL, NULL, 0 }. */
extern const struct namespace_type namespace_types[];

/* The entry for NAME ("net"), or NULL. */
const struct namespace_type *namespace_by_name(const char *name);

/* The entry for a short option letter ('n'), or NULL. */
const struct namespace_type *namespace_by_option(int letter);

/* What happens to mounts between the new mount namespace and its parent.
 * See mount_namespaces(7), "Shared subtrees". */
enum propagation {
    PROPAGATION_PRIVATE,   /* nothing crosses, either way (the default)   */
    PROPAGATION_SLAVE,     /* the host's new mounts come in, ours stay    */
    PROPAGATION_SHARED,    /* both ways, where the host's mounts are shared */
    PROPAGATION_UNCHANGED, /* leave it as copied: the leak, on a shared /  */
};

/* Parse "private", "slave", "shared", "unchanged". -1 if none of them. */
int parse_propagation(const char *text, enum propagation *mode);

/* In a new mount namespace: mount(NULL, "/", NULL, MS_REC | MODE) so that
 * every mount under / gets MODE, as `unshare --propagation MODE` does.
 * Nothing for PROPAGATION_UNCHANGED. Reports its errors. */
int set_root_propagation(enum propagation mode);

#endif
