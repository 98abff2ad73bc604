/* 10-mini-container/rootless.h - minictr run by a user (rootless). */
#ifndef CTLAB_ROOTLESS_H
#define CTLAB_ROOTLESS_H

#include <stddef.h>
#include <sys/types.h>

#include "cgroup.h"

/* The nearest cgroup v2 directory above our own that is ours (systemd's
 * Delegate=yes chowns a subtree to the user): its path in PARENT, 1; or
 * 0 if there is none. */
int find_delegated_cgroup(const struct cgroup_host *host, char *parent,
                          size_t size);

/* Map root inside CHILD's user namespace to us; with newuidmap and a
 * range of ours in /etc/subuid, ids 1.. to that range too. */
int write_id_maps(pid_t child);

/* Remove DIR, whose files may be owned by the container's mapped ids,
 * from inside a user namespace with the same maps (podman unshare rm);
 * as root, just remove it. */
int remove_as_mapped_root(const char *dir);

#endif
