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

static int last_cap(void)
{
    char text[16];

    if (read_first_line("/proc/sys/kernel/cap_last_cap", text, sizeof(text)) <
        0)
        return CAP_LAST_CAP; /* what this was built against */
    return atoi(text);
}

cap_mask all_caps(void)
{
    int last = last_cap();

    return last >= 63 ? ~(cap_mask)0 : CAP_BIT(last + 1) - 1;
}

cap_mask cap_permitted_now(void)
{
    cap_t caps = cap_get_proc();
    cap_mask mask = 0;
    cap_flag_value_t on;

    if (!caps)
        return 0;
    for (int c = 0; c <= last_cap() && c < 64; c++)
        if (cap_get_flag(caps, c, CAP_PERMITTED, &on) == 0 && on == CAP_SET)
            mask |= CAP_BIT(c);
    cap_free(caps);
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

/* 1. The bounding set: drop what is not kept. Needs CAP_SETPCAP, so it
 *    comes first, while we still have everything. */
static int drop_bounding(cap_mask keep)
{
    int last = last_cap();

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
    trace("prctl(PR_SET_KEEPCAPS, 1); setgroups(0); setgid(%u); setuid(%u)",
          (unsigned)plan->gid, (unsigned)plan->uid);
    if (prctl(PR_SET_KEEPCAPS, 1) < 0)
        return error_errno("prctl(PR_SET_KEEPCAPS)");
    if (setgroups(0, NULL) < 0)
        return error_errno("setgroups(0)");
    if (setresgid(plan->gid, plan->gid, plan->gid) < 0)
        return error_errno("setresgid(%u)", (unsigned)plan->gid);
    if (setresuid(plan->uid, plan->uid, plan->uid) < 0)
        return error_errno("setresuid(%u)", (unsigned)plan->uid);
    return 0;
}

/* 3. Permitted and effective = keep; inheritable = ambient only. A full
 *    inheritable set is how runc let programs with file capabilities gain
 *    them (CVE-2022-29162): inheritable holds no more than ambient needs. */
static int set_process_caps(const struct cap_plan *plan)
{
    cap_t caps = cap_init(); /* all three sets empty */
    char names[1024];
    int rc = 0;

    if (!caps)
        return error_errno("cap_init");
    for (int c = 0; c < 64; c++) {
        cap_value_t value = c;
        if (plan->keep & CAP_BIT(c)) {
            cap_set_flag(caps, CAP_PERMITTED, 1, &value, CAP_SET);
            cap_set_flag(caps, CAP_EFFECTIVE, 1, &value, CAP_SET);
        }
        if (plan->ambient & CAP_BIT(c))
            cap_set_flag(caps, CAP_INHERITABLE, 1, &value, CAP_SET);
    }
    trace("capset(permitted = effective = %s; inheritable = %s)",
          cap_mask_to_names(plan->keep, names, sizeof(names)),
          plan->ambient ? "the ambient ones" : "(none)");
    if (cap_set_proc(caps) < 0)
        rc = error_errno("cap_set_proc");
    cap_free(caps);
    return rc;
}

int cap_apply(const struct cap_plan *plan)
{
    char names[1024];

    if (plan->keep & ~cap_permitted_now())
        return error_msg("cannot keep %s: this process does not have it (see: "
                         "caps show)",
                         cap_mask_to_names(plan->keep & ~cap_permitted_now(),
                                           names, sizeof(names)));
    if (plan->ambient & ~plan->keep)
        return error_msg("--ambient %s: not kept in the permitted set (add "
                         "it with --add)",
                         cap_mask_to_names(plan->ambient & ~plan->keep, names,
                                           sizeof(names)));
    trace("bounding set: keep %s",
          cap_mask_to_names(plan->keep, names, sizeof(names)));
    if (drop_bounding(plan->keep) < 0)
        return -1;
    if (plan->change_user && switch_user(plan) < 0)
        return -1;
    if (set_process_caps(plan) < 0)
        return -1;
    /* 4. Ambient: kept through execve of ordinary programs. Each one must
     *    be in permitted and inheritable already. */
    if (cap_reset_ambient() < 0 && errno != EINVAL)
        return error_errno("prctl(PR_CAP_AMBIENT_CLEAR_ALL)");
    for (int c = 0; c < 64; c++) {
        if (!(plan->ambient & CAP_BIT(c)))
            continue;
        trace("prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, %d)", c);
        if (cap_set_ambient(c, CAP_SET) < 0)
            return error_errno("raise ambient capability %d", c);
    }
    /* 5. No setuid program or file capability can add anything now. */
    if (plan->no_new_privs) {
        trace("prctl(PR_SET_NO_NEW_PRIVS, 1)");
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
            return error_errno("prctl(PR_SET_NO_NEW_PRIVS)");
    }
    return 0;
}
