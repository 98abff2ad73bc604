/* 09-caps/capabilities.h - keep a chosen set of capabilities, drop the
 * rest for good, and keep them across a switch to another user.
 *
 * caps (this chapter) and minictr (chapter 10) both use it.
 */
#ifndef CTLAB_CAPABILITIES_H
#define CTLAB_CAPABILITIES_H

#include <stdint.h>
#include <sys/types.h>

/* A set of capabilities, bit N for capability number N (CAP_CHOWN = 0). */
typedef uint64_t cap_mask;

#define CAP_BIT(cap) ((cap_mask)1 << (cap))

/* Docker's default: the 14 capabilities a container keeps unless told
 * otherwise (moby's oci/caps/defaults.go). */
extern const char *const docker_default_caps[];

/* Every capability this kernel knows (/proc/sys/kernel/cap_last_cap). */
cap_mask all_caps(void);

/* This process's permitted set: all it can keep. Root's may lack some
 * (a sandbox may have dropped them from the bounding set). */
cap_mask cap_permitted_now(void);

/* "NET_RAW", "cap_net_raw", "CAP_NET_RAW" to its number. Unknown: one
 * line naming the closest names, and -1. OPTION names the flag. */
int cap_parse(const char *option, const char *name);

/* "cap_chown,cap_net_raw", or "(none)", into BUF. */
const char *cap_mask_to_names(cap_mask mask, char *buf, size_t size);

/* What to end up with: the five sets of capabilities(7), as an OCI
 * config.json names them (process.capabilities), and a user to become. */
struct cap_plan {
    cap_mask bounding;    /* the most it and its children may ever have */
    cap_mask permitted;   /* within bounding */
    cap_mask effective;   /* within permitted */
    cap_mask inheritable; /* kept across execve with file capabilities */
    cap_mask ambient;     /* within permitted and inheritable */
    int change_user;      /* switch to uid/gid below */
    uid_t uid;
    gid_t gid;
    const gid_t *groups; /* the supplementary groups it gets then */
    int group_count;     /* (an OCI process.user.additionalGids) */
    int no_new_privs;
};

/* The plan docker's --cap-add/--cap-drop mean: KEEP bounding, permitted
 * and effective; inheritable and ambient empty (a full inheritable set
 * would let a file's capabilities come back, CVE-2022-29162). */
struct cap_plan cap_plan_keeping(cap_mask keep);

/* Check the plan (each set where the others and this process allow it;
 * else one line naming the set, -1, and nothing changed), then apply it
 * to this process, in the order the kernel needs: bounding set, user
 * switch (keeping permitted), permitted / effective / inheritable,
 * ambient, no_new_privs. Call it just before execve. */
int cap_apply(const struct cap_plan *plan);

#endif
