/* 10-mini-container/oci_lifecycle.h - what the lifecycle verbs share:
 * their options, as runc spells them (oci.c), the container named by an
 * id, and the hooks run outside the container (oci_state.c).
 */
#ifndef CTLAB_OCI_LIFECYCLE_H
#define CTLAB_OCI_LIFECYCLE_H

#include <stddef.h>
#include <sys/types.h>

#include "spec.h"

struct oci_args {
    const char *bundle, *pid_file, *console_socket, *id;
    int detach, force, all, preserve_fds, rootless, timings;
    char **rest; /* the words after the id */
    int rest_count;
};

/* VERB's options, then the id (when NEEDS_ID). -1 on a bad one
 * (reported). */
int oci_parse_args(const char *verb, int argc, char **argv, int needs_id,
                   struct oci_args *a);

/* The state directory of container ID into DIR; -1 (reported) if there
 * is none. */
int oci_find_container(const char *id, char *dir, size_t size);

/* poststart and poststop: the saved spec's hooks of KIND, in our
 * namespaces; a failure is reported, and changes nothing (the spec:
 * "the runtime MUST log a warning"). */
void oci_post_hooks(const char *dir, const char *id, enum spec_hook_kind kind,
                    pid_t pid);

/* The same with the spec in hand (run has it: no second read). */
void oci_post_hooks_of(const struct ctr_spec *spec, const char *dir,
                       const char *id, enum spec_hook_kind kind, pid_t pid);

#endif
