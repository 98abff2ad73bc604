/* 10-mini-container/state.h - where minictr keeps what it knows about
 * its containers: /run/ctlab/NAME/ (rootless: $XDG_RUNTIME_DIR/ctlab/NAME,
 * or /tmp/ctlab-UID/NAME), and the bridge's address book.
 */
#ifndef CTLAB_STATE_H
#define CTLAB_STATE_H

#include <netinet/in.h>
#include <sys/types.h>

#define STATE_NAME_MAX 64

/* The base directory, made if missing: /run/ctlab for root;
 * $XDG_RUNTIME_DIR/ctlab, or without one /tmp/ctlab-UID, for a user. */
const char *state_base(void);

/* Make BASE/NAME and hold its lock for as long as the process lives (and
 * its children, which inherit the fd). -1 with EEXIST if a container of
 * that name exists; the error is reported. */
int state_create(const char *name, char *dir, size_t size);

/* Write VALUE to BASE/NAME/FILE (pid, ip, veth, cgroup, ...). */
int state_write(const char *dir, const char *file, const char *value);
/* Add the line VALUE to BASE/NAME/FILE. */
int state_append(const char *dir, const char *file, const char *value);
int state_read(const char *dir, const char *file, char *value, size_t size);

/* Is the container's minictr still holding the lock? */
int state_in_use(const char *dir);

/* Remove BASE/NAME and all in it. */
int state_remove(const char *dir);

/* Lock the network's book (BASE/.ipam.lock): for the bridge's making and
 * every address allocation, so that containers started at once neither
 * make ctlab0 twice nor take one address twice. An fd to close, or -1. */
int state_lock_network(void);

/* The next free address on the bridge's /16 after the bridge's own
 * (10.200.0.1), or ADDRESS itself if free; recorded in BASE/NAME/ip. The
 * book is the set of ip files of the state dirs, read under a lock. */
int state_allocate_ip(const char *dir, const struct in_addr *wanted,
                      struct in_addr *address);

#endif
