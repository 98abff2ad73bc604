/* 10-mini-container/spec.h - one container, described: what minictr's two
 * front ends fill and its create path reads.
 *
 *     minictr run [flags] -- CMD      -> spec_flags.c  --+
 *     minictr create --bundle B ID    -> oci_config.c  --+-> struct ctr_spec
 *
 * A spec holds no live object (no fd, no built seccomp filter, no
 * process): it is what the user asked for, checked. So it can be written
 * into the state directory at create (as config.json, oci_config.c) and
 * read back by exec, kill and delete: exec gets exactly the policy the
 * container was given, never defaults rebuilt later (crun copies
 * config.json into its state for the same reason).
 *
 * What one invocation of minictr needs besides (where the state lives, a
 * console socket, a pid file, the log, -d) is struct ctr_context, kept
 * apart as crun keeps its context apart from the container.
 *
 * Read: the OCI runtime-spec's config.md and config-linux.md, which this
 * struct follows field by field.
 */
#ifndef CTLAB_SPEC_H
#define CTLAB_SPEC_H

#include <netinet/in.h>
#include <stdint.h>
#include <sys/types.h>

#include "capabilities.h"
#include "cgroup.h"
#include "filter.h"
#include "userns.h"

/* The namespaces, in the order setns(2) wants them joined: the user
 * namespace first, so that the others are ours to join. */
enum spec_ns {
    SPEC_NS_USER,
    SPEC_NS_PID,
    SPEC_NS_NET,
    SPEC_NS_IPC,
    SPEC_NS_UTS,
    SPEC_NS_MOUNT,
    SPEC_NS_CGROUP,
    SPEC_NS_COUNT
};

struct spec_namespace {
    int wanted; /* listed: a new one, or PATH's */
    char *path; /* join this one (setns) instead of making one; NULL: new */
};

/* One mount, in the order made. Bind mounts (MS_BIND in flags) take
 * SOURCE from the host; the others are a filesystem TYPE made fresh. */
struct spec_mount {
    char *destination; /* absolute in the container, no "..", one spelling */
    char *type;        /* "proc", "sysfs", "tmpfs", "devpts", "mqueue",
                        * "cgroup", "bind" (MS_BIND set), ... */
    char *source;
    unsigned long flags;       /* MS_RDONLY, MS_NOSUID, MS_BIND|MS_REC ... */
    unsigned long propagation; /* MS_PRIVATE|MS_REC ..., after; 0: none */
    char *data;                /* the filesystem's options: "mode=755" */
    int copy_up; /* tmpfs "tmpcopyup": the directory's files copied in */
};

/* A device node the container gets in its /dev (linux.devices). */
struct spec_device {
    char type; /* 'c', 'b', 'u' (= c) or 'p' (fifo) */
    char *path;
    long major, minor;
    mode_t mode; /* permission bits; 0: 0666 */
    uid_t uid;
    gid_t gid;
};

struct spec_rlimit {
    int resource; /* RLIMIT_NOFILE ... */
    uint64_t soft, hard;
};

/* An OCI hook: a program on the host, given the container's state on
 * its stdin. */
struct spec_hook {
    char *path;
    char **args; /* NULL-terminated; NULL: just the path */
    char **env;  /* NULL-terminated; NULL: empty */
    int timeout; /* seconds; 0: none */
};

enum spec_hook_kind {
    HOOK_PRESTART, /* deprecated in the spec; runs with createRuntime */
    HOOK_CREATE_RUNTIME,
    HOOK_CREATE_CONTAINER,
    HOOK_START_CONTAINER,
    HOOK_POSTSTART,
    HOOK_POSTSTOP,
    HOOK_KIND_COUNT
};

struct spec_hooks {
    struct spec_hook *list;
    int count;
};

struct spec_sysctl {
    char *key; /* "net.ipv4.ip_forward" */
    char *value;
};

/* minictr's own network plan (the docker-like --net): an OCI bundle has
 * none; its engine makes the network between create and start. */
enum spec_net { NET_NONE, NET_BRIDGE, NET_HOST };

struct spec_process {
    char **args; /* NULL-terminated */
    char **env;  /* NULL-terminated, KEY=VALUE */
    int env_count;
    char *cwd; /* absolute; "/" when not given */
    uid_t uid;
    gid_t gid;
    gid_t *additional_gids;
    int additional_gid_count;
    int umask; /* -1: inherit */
    struct cap_plan caps;
    struct spec_rlimit *rlimits;
    int rlimit_count;
    int no_new_privileges;
    int terminal;
    unsigned short console_height, console_width; /* 0: not given */
    int has_oom_score_adj;
    int oom_score_adj;
};

struct ctr_spec {
    /* The root: a directory used as it is (OCI), or minictr's overlay,
     * the image read-only below a writable layer in memory. */
    char *root;
    int root_readonly;
    int root_overlay;

    struct spec_process process;
    char *hostname; /* NULL: keep the UTS namespace's */
    char *domainname;

    struct spec_namespace namespaces[SPEC_NS_COUNT];
    struct id_map uid_map, gid_map; /* .count 0: none given */

    struct spec_mount *mounts;
    int mount_count;
    struct spec_device *devices;
    int device_count;
    char **masked_paths; /* absolute container paths */
    int masked_count;
    char **readonly_paths;
    int readonly_count;
    unsigned long rootfs_propagation; /* MS_PRIVATE|MS_REC when not given */
    struct spec_sysctl *sysctls;
    int sysctl_count;

    struct cgroup_limits limits;
    int limit_count;    /* the limits the user set (not the device rules) */
    char *cgroups_path; /* OCI cgroupsPath; NULL: ctlab/ID */

    int has_seccomp;
    struct filter_profile seccomp;

    struct spec_hooks hooks[HOOK_KIND_COUNT];
    char **annotations; /* "key", "value", ... NULL-terminated */

    /* minictr's own, from the docker-like flags. */
    enum spec_net net;
    struct in_addr ip;
    int ip_given;
    int use_init; /* PID 1 is chapter 01's init, which runs the command */
    int rootless; /* made by a user: a user namespace, ids mapped to us */
};

/* One invocation of minictr: where its state is, what it was handed. */
struct ctr_context {
    char id[256];               /* the container's name or OCI id */
    const char *bundle;         /* OCI: the bundle directory; NULL: flags */
    const char *pid_file;       /* --pid-file: the init's host PID, written */
    const char *console_socket; /* --console-socket: the pty master sent */
    int detach;                 /* -d, --detach */
    int timings;                /* --timings */
    int preserve_fds;           /* --preserve-fds N: fds 3..3+N-1 kept */
    int oci;                    /* created by the runc command line */
};

/* A spec with every field at "not given", the namespaces none. */
void spec_init(struct ctr_spec *spec);

/* Free what the spec owns (every string and array). */
void spec_free(struct ctr_spec *spec);

/* The same for a process alone (exec --process P.json): "not given",
 * and free what it owns. */
void spec_process_init(struct spec_process *process);
void spec_process_free(struct spec_process *process);

#endif
