/* 10-mini-container/spec_defaults.h - minictr's defaults, as entries of a
 * container spec: what `minictr run` gives a container unless told
 * otherwise, and what `minictr spec` writes into a config.json. Each
 * default is written once, here, with its reason.
 */
#ifndef CTLAB_SPEC_DEFAULTS_H
#define CTLAB_SPEC_DEFAULTS_H

#include "spec.h"

#define DEFAULT_PATH                                                           \
    "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* Append one mount (strings copied). -1 on error (reported). */
int spec_add_mount(struct ctr_spec *spec, const char *destination,
                   const char *type, const char *source, unsigned long flags,
                   const char *data);

/* Append a copy of TEXT to a NULL-terminated list of COUNT strings. */
int spec_add_string(char ***list, int *count, const char *text);

/* The isolation every minictr container gets: new PID, mount, UTS, IPC
 * and cgroup namespaces (and network unless NET_HOST; user if rootless);
 * /proc, a tmpfs /dev with its devpts and shm, an mqueue, and a read-
 * only /sys (unless NET_HOST: sysfs shows the network namespace's
 * devices); docker's masked and read-only paths; docker's 14
 * capabilities, no_new_privs; the default seccomp profile; docker's
 * device rules (as root). SPEC's net and rootless must be set. */
int spec_set_defaults(struct ctr_spec *spec);

/* After a config's device rules, where it has any, the ones runc and
 * crun add: mknod of any node, opening the default nodes, then each node
 * of linux.devices (spec_defaults.c says why). -1 (reported) if the
 * rules would be too many. */
int spec_add_runtime_devices(struct ctr_spec *spec);

#endif
