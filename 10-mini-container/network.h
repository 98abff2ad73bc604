/* 10-mini-container/network.h - `minictr run --net bridge`: a veth from
 * the bridge ctlab0 (10.200.0.1/16, made on first use) into the
 * container's network namespace (chapter 02's netlink).
 */
#ifndef CTLAB_NETWORK_H
#define CTLAB_NETWORK_H

#include <sys/types.h>

#include "spec.h"

#define BRIDGE "ctlab0"

/* Plug container NAME (init CHILD, state in STATE_DIR) into the bridge:
 * its address (SPEC's --ip, or the next free one) recorded in the state,
 * its eth0 born inside its namespace. */
int network_connect(const struct ctr_spec *spec, const char *name,
                    const char *state_dir, pid_t child);

/* Delete the bridge (gc, once no container is left): 1 if it was. */
int network_remove_bridge(void);

#endif
