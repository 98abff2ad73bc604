/* 09-caps/capabilities.c - apply a capability plan; see capabilities.h.
 *
 * Root's power is split into about 40 capabilities (CAP_NET_RAW for raw
 * sockets, CAP_CHOWN for chown, CAP_SYS_ADMIN for most of the rest). Each
 * process has five sets of them:
 *
 *   permitted    what it may use at all
 *   effective    what the kernel checks right now (within permitted)
 *   inheritable  what may pass through execve, with a file's consent
 *   bounding     the ceiling: nothing outside it can ever be gained,
 *                not through a setuid-root program nor file capabilities
 *   ambient      what passes through execve of an ordinary program
 *                (Linux 4.3), so a non-root user can keep a capability
 *
 * Read: capabilities(7), prctl(2), cap_set_proc(3), cap_drop_bound(3).
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "capabilities.h"
#include "err.h"
#include "file.h"

const char *const docker_default_caps[] = {
    "CHOWN",
    "DAC_OVERRIDE",
    "FSETID",
    "FOWNER",
    "MKNOD",
    "NET_RAW",
    "SETGID",
    "SETUID",
    "SETFCAP",
    "SETPCAP",
    "NET_BIND_SERVICE",
    "SYS_CHROOT",
    "KILL",
    "AUDIT_WRITE",
    NULL,
};

/* The kernel's highest capability number. Read once: it cannot change
 * while we run, and the loops below ask for it at every step (reading
 * it each time cost a container start about 0.8 ms). */
static int last_cap(void)
{
    static int last = -1;
    char text[16];

    if (last >= 0)
        return last;
    if (read_first_line("/proc/sys/kernel/cap_last_cap", text, sizeof(text)) <
        0)
        last = CAP_LAST_CAP; /* what this was built against */
    else
        last = atoi(text);
    return last;
}

cap_mask all_caps(void)
{
    int last = last_cap();

    return last >= 63 ? ~(cap_mask)0 : CAP_BIT(last + 1) - 1;
}

/* This process's set FLAG now (CAP_PERMITTED, CAP_INHERITABLE). */
static cap_mask process_set(cap_flag_t flag)
{
    cap_t caps = cap_get_proc();
    cap_mask mask = 0;
    cap_flag_value_t on;

    if (!caps)
        return 0;
    for (int c = 0; c <= last_cap() && c < 64; c++)
        if (cap_get_flag(caps, c, flag, &on) == 0 && on == CAP_SET)
            mask |= CAP_BIT(c);
    cap_free(caps);
    return mask;
}

cap_mask cap_permitted_now(void)
{
    return process_set(CAP_PERMITTED);
}

/* This process's bounding set, one prctl(PR_CAPBSET_READ) a capability
 * (cap_get_bound(3)). */
static cap_mask bounding_now(void)
{
    cap_mask mask = 0;

    for (int c = 0; c <= last_cap() && c < 64; c++)
        if (cap_get_bound(c) == 1)
            mask |= CAP_BIT(c);
    return mask;
}

/* Levenshtein distance, for "did you mean". */
static size_t distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b), row[64], i, j;

    if (lb >= 64)
        return 99;
    for (j = 0; j <= lb; j++)
        row[j] = j;
    for (i = 1; i <= la; i++) {
        size_t diagonal = row[0], above;
        row[0] = i;
        for (j = 1; j <= lb; j++) {
            above = row[j];
            size_t cost = tolower((unsigned char)a[i - 1]) ==
                                  tolower((unsigned char)b[j - 1])
                              ? 0
                              : 1;
            size_t best = diagonal + cost;
            if (row[j] + 1 < best)
                best = row[j] + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diagonal = above;
        }
    }
    return row[lb];
}

int cap_parse(const char *option, const char *name)
{
    char full[64], suggestions[128] = "";
    size_t used = 0;
    cap_value_t cap;
    int last = last_cap();

    /* libcap knows "cap_net_raw"; accept NET_RAW and CAP_NET_RAW too. */
    snprintf(full, sizeof(full), "%s%s",
             strncasecmp(name, "cap_", 4) == 0 ? "" : "cap_", name);
    for (char *c = full; *c; c++)
        *c = (char)tolower((unsigned char)*c);
    if (cap_from_name(full, &cap) == 0 && cap <= last)
        return cap;
    for (int c = 0; c <= last; c++) {
        char *known = cap_to_name(c);
        if (known && distance(full, known) <= 3 && used < sizeof(suggestions))
            used +=
                (size_t)snprintf(suggestions + used, sizeof(suggestions) - used,
                                 "%s%s", used ? ", " : "", known + 4);
        cap_free(known);
    }
    if (used)
        error_msg("%s %s: no such capability (did you mean %s?)", option, name,
                  suggestions);
    else
        error_msg("%s %s: no such capability (see: capabilities(7))", option,
                  name);
    return -1;
}

const char *cap_mask_to_names(cap_mask mask, char *buf, size_t size)
{
    size_t used = 0;

    buf[0] = '\0';
    for (int c = 0; c < 64 && used < size; c++) {
        if (!(mask & CAP_BIT(c)))
            continue;
        char *name = cap_to_name(c);
        used += (size_t)snprintf(buf + used, size - used, "%s%s",
                                 used ? "," : "", name ? name : "?");
        cap_free(name);
    }
    if (used == 0)
        snprintf(buf, size, "(none)");
    return buf;
}

struct cap_plan cap_plan_keeping(cap_mask keep)
{
    struct cap_plan plan = {
        .bounding = keep, .permitted = keep, .effective = keep,
        /* inheritable and ambient: none */
    };

    return plan;
}

/* One line, BEFORE the names of the capabilities in EXTRA, then AFTER;
 * or nothing when EXTRA is empty. */
static int refuse(cap_mask extra, const char *before, const char *after)
{
    char names[1024];

    if (!extra)
        return 0;
    return error_msg("%s%s%s", before,
                     cap_mask_to_names(extra, names, sizeof(names)), after);
}

/* The plan must be one the kernel can apply whole, and one that keeps
 * the sets' order (capabilities(7)): bounding above permitted, permitted
 * above effective, ambient within permitted and inheritable. Checked
 * before any change, so a refused plan leaves the process as it was. */
static int check_plan(const struct cap_plan *plan)
{
    cap_mask have = cap_permitted_now();

    /* Nothing beyond what this process has: permitted and bounding only
     * ever shrink, and capset(2) adds to inheritable only what is
     * permitted or inheritable now. */
    if (refuse(plan->permitted & ~have, "cannot keep ",
               ": this process does not have it (see: caps show)") < 0 ||
        refuse(plan->bounding & ~bounding_now(), "cannot keep ",
               " in the bounding set: this process's bounding set lacks it "
               "(see: caps show)") < 0 ||
        refuse(plan->inheritable & ~(have | process_set(CAP_INHERITABLE)),
               "cannot make ",
               " inheritable: this process does not have it (see: caps "
               "show)") < 0)
        return -1;
    /* The bounding set is the ceiling: a permitted capability outside it
     * could still pass execve as an ambient one; an inheritable one would
     * come back through a program's inheritable file capabilities. */
    if (refuse(plan->permitted & ~plan->bounding, "permitted ",
               ": not in the bounding set (it is the ceiling)") < 0 ||
        refuse(plan->inheritable & ~plan->bounding, "inheritable ",
               ": not in the bounding set (a program's file capabilities "
               "would bring it back)") < 0)
        return -1;
    /* Effective (what the kernel checks) is taken from permitted; an
     * ambient capability must be permitted and inheritable (prctl(2)). */
    if (refuse(plan->effective & ~plan->permitted, "effective ",
               ": not in the permitted set") < 0 ||
        refuse(plan->ambient & ~(plan->permitted & plan->inheritable),
               "ambient ",
               ": not both permitted and inheritable (the kernel raises "
               "only those)") < 0)
        return -1;
    return 0;
}

/* 1. The bounding set: drop what is not kept. Needs CAP_SETPCAP, so it
 *    comes first, while we still have everything. */
static int drop_bounding(cap_mask keep)
{
    int last = last_cap();
    char names[1024];

    trace("bounding set = %s: prctl(PR_CAPBSET_DROP) on every other",
          cap_mask_to_names(keep, names, sizeof(names)));
    for (int c = 0; c <= last; c++) {
        if (keep & CAP_BIT(c))
            continue;
        if (cap_drop_bound(c) < 0 && errno != EINVAL)
            return error_errno("prctl(PR_CAPBSET_DROP, %d)", c);
    }
    return 0;
}

/* 2. Switch user. setuid() to non-zero clears permitted and effective,
 *    unless PR_SET_KEEPCAPS says to keep permitted. */
static int switch_user(const struct cap_plan *plan)
{
    trace("prctl(PR_SET_KEEPCAPS, 1); setgroups(%d); setgid(%u); setuid(%u)",
          plan->group_count, (unsigned)plan->gid, (unsigned)plan->uid);
    if (prctl(PR_SET_KEEPCAPS, 1) < 0)
        return error_errno("prctl(PR_SET_KEEPCAPS)");
    if (setgroups((size_t)plan->group_count, plan->groups) < 0)
        return error_errno("setgroups(%d)", plan->group_count);
    if (setresgid(plan->gid, plan->gid, plan->gid) < 0)
        return error_errno("setresgid(%u)", (unsigned)plan->gid);
    if (setresuid(plan->uid, plan->uid, plan->uid) < 0)
        return error_errno("setresuid(%u)", (unsigned)plan->uid);
    return 0;
}

/* 3. Permitted, effective and inheritable, in one capset(2). Docker's
 *    plan keeps inheritable empty: a full one is how runc let programs
 *    with inheritable file capabilities gain them (CVE-2022-29162). */
static int set_process_caps(const struct cap_plan *plan)
{
    static const struct {
        cap_flag_t flag;
        const char *name;
    } flags[] = {
        {.flag = CAP_PERMITTED, .name = "permitted"},
        {.flag = CAP_EFFECTIVE, .name = "effective"},
        {.flag = CAP_INHERITABLE, .name = "inheritable"},
    };
    cap_mask masks[] = {plan->permitted, plan->effective, plan->inheritable};
    cap_t caps = cap_init(); /* all three sets empty */
    char names[1024];
    int rc = 0;

    if (!caps)
        return error_errno("cap_init");
    for (size_t i = 0; i < sizeof(flags) / sizeof(*flags); i++) {
        trace("capset: %s = %s", flags[i].name,
              cap_mask_to_names(masks[i], names, sizeof(names)));
        for (int c = 0; c < 64; c++) {
            cap_value_t value = c;
            if (masks[i] & CAP_BIT(c))
                cap_set_flag(caps, flags[i].flag, 1, &value, CAP_SET);
        }
    }
    if (cap_set_proc(caps) < 0)
        rc = error_errno("cap_set_proc");
    cap_free(caps);
    return rc;
}

/* 4. Ambient: kept through execve of ordinary programs. Each one must
 *    be in permitted and inheritable already. */
static int raise_ambient(cap_mask ambient)
{
    char names[1024];

    trace("ambient set = %s: prctl(PR_CAP_AMBIENT_CLEAR_ALL), then "
          "PR_CAP_AMBIENT_RAISE on each",
          cap_mask_to_names(ambient, names, sizeof(names)));
    if (cap_reset_ambient() < 0 && errno != EINVAL)
        return error_errno("prctl(PR_CAP_AMBIENT_CLEAR_ALL)");
    for (int c = 0; c < 64; c++) {
        if (!(ambient & CAP_BIT(c)))
            continue;
        if (cap_set_ambient(c, CAP_SET) < 0)
            return error_errno("raise ambient capability %d", c);
    }
    return 0;
}

int cap_apply(const struct cap_plan *plan)
{
    if (check_plan(plan) < 0)
        return -1;
    if (drop_bounding(plan->bounding) < 0)
        return -1;
    if (plan->change_user && switch_user(plan) < 0)
        return -1;
    if (set_process_caps(plan) < 0)
        return -1;
    if (raise_ambient(plan->ambient) < 0)
        return -1;
    /* 5. No setuid program or file capability can add anything now. */
    if (plan->no_new_privs) {
        trace("prctl(PR_SET_NO_NEW_PRIVS, 1)");
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
            return error_errno("prctl(PR_SET_NO_NEW_PRIVS)");
    }
    return 0;
}
