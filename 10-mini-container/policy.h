/* 10-mini-container/policy.h - what a container's processes may do,
 * decided once by `run` and kept in its state directory, so that `exec`
 * gives a process exactly that: the same capabilities, the same seccomp
 * filter, never docker's defaults again. Rebuilding a policy from
 * defaults is how an exec ends up with more power than its run gave
 * (crun keeps config.json in its state for the same reason).
 */
#ifndef CTLAB_POLICY_H
#define CTLAB_POLICY_H

#include <linux/filter.h>
#include <seccomp.h>

#include "capabilities.h"

struct policy {
    cap_mask keep_caps;
    struct sock_fprog filter; /* .len 0: unconfined */
};

/* Write STATE_DIR/caps (the mask in hex) and STATE_DIR/seccomp.bpf (the
 * filter as the kernel gets it, libseccomp's export; empty when
 * FILTER is NULL, unconfined). */
int policy_save(const char *state_dir, cap_mask keep_caps,
                scmp_filter_ctx filter);

/* Read them back into POLICY (its filter is malloc'd, kept for life). */
int policy_load(const char *state_dir, struct policy *policy);

/* Load POLICY's filter into this process (no_new_privs first), if any. */
int policy_load_filter(const struct policy *policy);

#endif
