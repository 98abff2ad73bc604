/* 10-mini-container/state.h - where minictr keeps what it knows about
 * its containers: /run/ctlab/NAME/ (rootless: $XDG_RUNTIME_DIR/ctlab/NAME,
 * or /tmp/ctlab-UID/NAME), and the bridge's address book.
 */
#ifndef CTLAB_STATE_H
#define CTLAB_STATE_H

#include <netinet/in.h>
#include <sys/types.h>

#define STATE_NAME_MAX 256 /* an OCI id: podman's are 64 hex digits */

/* The base directory, made if missing: /run/ctlab for root;
 * $XDG_RUNTIME_DIR/ctlab, or without one /tmp/ctlab-UID, for a user. */
const char *state_base(void);

/* The base directory an OCI caller chose (the global --root DIR, as
 * containerd gives it): made if missing, and it must be ours. */
int state_set_base(const char *dir);

/* A container name: 1-63 letters, digits, '_', '.' or '-', the first a
 * letter or digit (docker's rule). One line and -1 if not. */
int state_check_name(const char *name);

/* An OCI id, or the name given to a verb: the same rule, up to 255
 * bytes (podman's ids are 64 hex digits). */
int state_check_id(const char *id);

/* Lock BASE itself (BASE/.lock): held while a container's directory is
 * made and locked, while one is removed, and by gc for its whole pass.
 * An fd to close, or -1 (reported). */
int state_lock_base(void);

/* Make BASE/NAME and lock it, under the base lock. Returns the lock's fd
 * (O_CLOEXEC: the container's init must close it, and does), to keep
 * open for as long as the container is ours; -1 if a container of that
 * name exists or on error (reported). */
int state_create(const char *name, char *dir, size_t size);

/* Write VALUE and a newline to BASE/NAME/FILE (ip, veth, cgroup, ...),
 * or SIZE bytes of DATA: whole, to a temporary file renamed into place,
 * every write checked. */
int state_write(const char *dir, const char *file, const char *value);
int state_write_bytes(const char *dir, const char *file, const void *data,
                      size_t size);
int state_read(const char *dir, const char *file, char *value, size_t size);
int state_unlink(const char *dir, const char *file); /* gone already: 0 */

/* Record the container's init: "PID START" in BASE/NAME/init (START from
 * /proc/PID/stat), and PID alone in BASE/NAME/pid for people. */
int state_record_init(const char *dir, pid_t pid);

/* The recorded init, if it is still that process: 1, with its PID and a
 * pidfd (to signal it, or to setns) that the caller closes; 0 if the
 * record is missing, malformed, names PID 0 or 1, or the process is gone
 * or another's (its start time differs). */
int state_open_init(const char *dir, pid_t *pid, int *pidfd);

/* The runtime-spec's lifecycle: where the container whose state is in
 * DIR is now. Its init alive: created (waiting at the start gate) or
 * running; dead or a zombie: stopped; no init yet while its minictr
 * holds the lock: creating. PID: the init's, 0 when stopped. */
enum state_status {
    STATUS_CREATING,
    STATUS_CREATED,
    STATUS_RUNNING,
    STATUS_STOPPED
};
extern const char *const state_status_names[];
enum state_status state_status(const char *dir, pid_t *pid);

/* Is the container's minictr still holding the lock? */
int state_in_use(const char *dir);

/* Remove BASE/NAME and all in it. */
int state_remove(const char *dir);

/* An OCI caller's --pid-file: PID, written whole (a temporary renamed
 * into place): the engine reads it the moment we return. */
int state_write_pid_file(const char *path, pid_t pid);

#endif
