/* 10-mini-container/network.h - `minictr run --net bridge`: a veth from
 * the bridge ctlab0 (10.200.0.1/16, made on first use) into the
 * container's network namespace (chapter 02's netlink).
 */
#ifndef CTLAB_NETWORK_H
#define CTLAB_NETWORK_H

#include <sys/types.h>

#include "spec.h"

#define BRIDGE "ctlab0"

/* Lock the network's book (BASE/.ipam.lock): for the bridge's making and
 * every address allocation, so that containers started at once neither
 * make ctlab0 twice nor take one address twice. An fd to close, or -1. */
int network_lock(void);

/* The next free address on the bridge's /16 after the bridge's own
 * (10.200.0.1), or ADDRESS itself if free; recorded in BASE/NAME/ip. The
 * book is the set of ip files of the state dirs, read under a lock. */
int network_allocate_ip(const char *dir, const struct in_addr *wanted,
                        struct in_addr *address);

/* Plug container NAME (init CHILD, state in STATE_DIR) into the bridge:
 * its address (SPEC's --ip, or the next free one) recorded in the state,
 * its eth0 born inside its namespace. */
int network_connect(const struct ctr_spec *spec, const char *name,
                    const char *state_dir, pid_t child);

/* Delete the bridge (gc, once no container is left): 1 if it was. */
int network_remove_bridge(void);

#endif
