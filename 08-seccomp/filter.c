/* 08-seccomp/filter.c - build a seccomp filter from a profile; see
 * filter.h for the format.
 *
 * seccomp (secure computing) lets a process give up system calls for good.
 * It hands the kernel a small BPF program that runs on every system call
 * it makes, sees the call's number and six arguments, and answers: allow,
 * fail with an errno, or kill. Writing that BPF by hand means jumps over
 * instruction counts and checking the architecture first; libseccomp
 * compiles rules into it. `seccomp-run --dump` shows the result.
 *
 * It takes two steps, so that the text format and an OCI config.json's
 * linux.seccomp (chapter 10) share the second: the text is parsed into a
 * struct filter_profile, plain data; filter_from_rules() compiles any
 * such profile into a filter.
 *
 * Read: seccomp(2), seccomp_rule_add(3), seccomp_export_pfc(3), and the
 * kernel's Documentation/userspace-api/seccomp_filter.rst.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/seccomp.h> /* SECCOMP_FILTER_FLAG_* */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "filter.h"

// clang-format off
const char default_profile[] =
    "# ctlab's default profile: allow everything except what Docker's\n"
    "# default profile blocks that matters (the lab sheet says why).\n"
    "default allow\n"
    "# change the running kernel\n"
    "deny kexec_load\n"
    "deny kexec_file_load\n"
    "deny init_module\n"
    "deny finit_module\n"
    "deny delete_module\n"
    "# mounts: the container's were made before the filter\n"
    "deny mount\n"
    "deny umount2\n"
    "deny pivot_root\n"
    "# the new mount API (Linux 5.2, 5.12, 6.15) mounts without mount():\n"
    "# with CAP_SYS_ADMIN, denying mount alone would stop nothing\n"
    "deny fsopen\n"
    "deny fsconfig\n"
    "deny fsmount\n"
    "deny fspick\n"
    "deny move_mount\n"
    "deny open_tree\n"
    "deny open_tree_attr\n"
    "deny mount_setattr\n"
    "# new namespaces, and joining other ones\n"
    "deny unshare\n"
    "deny setns\n"
    "deny clone arg0&0x10000000  # CLONE_NEWUSER\n"
    "deny clone arg0&0x20000000  # CLONE_NEWPID\n"
    "deny clone arg0&0x40000000  # CLONE_NEWNET\n"
    "deny clone arg0&0x00020000  # CLONE_NEWNS\n"
    "deny clone arg0&0x04000000  # CLONE_NEWUTS\n"
    "deny clone arg0&0x08000000  # CLONE_NEWIPC\n"
    "deny clone arg0&0x02000000  # CLONE_NEWCGROUP\n"
    "# clone3's flags are in memory, where seccomp cannot look: ENOSYS\n"
    "# makes libc fall back to clone, whose flags it can check\n"
    "deny clone3 ENOSYS\n"
    "# the kernel keyring is not namespaced\n"
    "deny keyctl\n"
    "deny add_key\n"
    "deny request_key\n"
    "# programs in the kernel, tracing, other processes' memory\n"
    "deny bpf\n"
    "deny perf_event_open\n"
    "deny ptrace\n"
    "deny process_vm_readv\n"
    "deny process_vm_writev\n"
    "# file handles skip path lookup: the 'shocker' escape\n"
    "deny open_by_handle_at\n"
    "# the whole machine\n"
    "deny reboot\n"
    "deny swapon\n"
    "deny swapoff\n"
    "deny acct\n"
    "deny quotactl\n"
    "# the clock is not namespaced; adjtimex and clock_adjtime set it\n"
    "# too (their read-only form, modes 0, is denied with them: seccomp\n"
    "# cannot read the struct timex the mode is in)\n"
    "deny settimeofday\n"
    "deny clock_settime\n"
    "deny adjtimex\n"
    "deny clock_adjtime\n"
    "# favourite tools of kernel exploits\n"
    "deny userfaultfd\n"
    "deny io_uring_setup\n"
    "deny io_uring_enter\n"
    "deny io_uring_register\n"
    "# personality flags that weaken the process (the lab sheet explains\n"
    "# why not docker's five allowed values)\n"
    "deny personality arg0&0x0040000  # ADDR_NO_RANDOMIZE: ASLR off\n"
    "deny personality arg0&0x0400000  # READ_IMPLIES_EXEC\n"
    "deny personality arg0&0x0100000  # MMAP_PAGE_ZERO\n"
    "deny personality arg0&0x0200000  # ADDR_COMPAT_LAYOUT\n";
// clang-format on

/* ---- Step 1: profile text into a struct filter_profile ---- */

#define MAX_WORDS 12

/* The most rules a profile may have. The kernel runs a filter of at most
 * 4096 BPF instructions (BPF_MAXINSNS), and a rule costs at least one
 * unless it repeats another, so a bigger profile could never load; and
 * libseccomp's seccomp_rule_add() takes time in proportion to the rules
 * already added, so 200,000 rules would take minutes to be refused. The
 * parser counts rule lines; filter_from_rules() counts the rules it adds
 * (one per name), for profiles that do not come from text. */
#define MAX_RULES 4096

/* "EPERM" or "1" to 1. */
static int parse_errno(const char *word)
{
    char *end;
    long number = strtol(word, &end, 10);

    if (*end == '\0' && end != word && number > 0 && number < 4096)
        return (int)number;
    for (int e = 1; e < 4096; e++) {
        const char *name = strerrorname_np(e);
        if (name && strcmp(name, word) == 0)
            return e;
    }
    return -1;
}

/* An action word and what follows it: "allow", "errno EPERM", "kill",
 * "log". WORDS[0] is the action; for errno the next word is consumed. */
static int parse_default_action(char **words, int count, uint32_t *action)
{
    if (count == 1 && strcmp(words[0], "allow") == 0)
        *action = SCMP_ACT_ALLOW;
    else if (count == 1 && strcmp(words[0], "kill") == 0)
        *action = SCMP_ACT_KILL_PROCESS;
    else if (count == 1 && strcmp(words[0], "log") == 0)
        *action = SCMP_ACT_LOG;
    else if (count == 2 && strcmp(words[0], "errno") == 0 &&
             parse_errno(words[1]) > 0)
        *action = SCMP_ACT_ERRNO((uint32_t)parse_errno(words[1]));
    else
        return -1;
    return 0;
}

/* Split LINE into words (in place), dropping a '#' comment. */
static int split_words(char *line, char **words)
{
    char *hash = strchr(line, '#'), *save = NULL, *word;
    int count = 0;

    if (hash)
        *hash = '\0';
    for (word = strtok_r(line, " \t\r\n", &save); word && count < MAX_WORDS;
         word = strtok_r(NULL, " \t\r\n", &save))
        words[count++] = word;
    return word ? -1 : count; /* -1: too many words */
}

/* Room for one more rule at the end of PROFILE, zeroed. The array
 * doubles, so a long profile is read in linear time. */
static struct filter_rule *append_rule(struct filter_profile *profile,
                                       int *capacity)
{
    struct filter_rule *rule;

    if (profile->rule_count == *capacity) {
        int bigger = *capacity ? 2 * *capacity : 16;
        struct filter_rule *rules =
            realloc(profile->rules, (size_t)bigger * sizeof(*rules));
        if (!rules) {
            error_errno("read %s", profile->source);
            return NULL;
        }
        profile->rules = rules;
        *capacity = bigger;
    }
    rule = &profile->rules[profile->rule_count++];
    memset(rule, 0, sizeof(*rule));
    return rule;
}

/* "arg0&0x10000000", "arg1==5", "arg0!=0x8". */
static int parse_condition(const char *word, struct filter_arg *arg)
{
    unsigned index;
    char op[3] = "";
    long long value; /* %lli: decimal, 0x hex or 0 octal */
    int used = 0;

    if (sscanf(word, "arg%u%2[&=!]%lli%n", &index, op, &value, &used) != 3 ||
        word[used] != '\0' || index > 5)
        return -1;
    arg->index = index;
    arg->value = (uint64_t)value;
    arg->value_two = 0;
    if (strcmp(op, "&") == 0) {
        arg->op = SCMP_CMP_MASKED_EQ; /* (arg & MASK) == MASK */
        arg->value_two = (uint64_t)value;
    } else if (strcmp(op, "==") == 0) {
        arg->op = SCMP_CMP_EQ;
    } else if (strcmp(op, "!=") == 0) {
        arg->op = SCMP_CMP_NE;
    } else {
        return -1;
    }
    return 0;
}

/* "setns" or "setns,unshare" into RULE's NULL-terminated names. */
static int parse_names(const char *list, const char *where,
                       struct filter_rule *rule)
{
    size_t count = 1, i = 0;
    const char *start = list;

    for (const char *c = list; *c; c++)
        count += *c == ',';
    rule->names = calloc(count + 1, sizeof(*rule->names));
    if (!rule->names)
        return error_errno("%s", where);
    for (;;) {
        const char *comma = strchr(start, ',');
        size_t length = comma ? (size_t)(comma - start) : strlen(start);

        if (length == 0)
            return error_msg("%s: an empty system call name in '%s'", where,
                             list);
        rule->names[i] = strndup(start, length);
        if (!rule->names[i++])
            return error_errno("%s", where);
        if (!comma)
            return 0;
        start = comma + 1;
    }
}

/* One rule line: ACTION NAME[,NAME...] [CONDITION...] [ERRNO]. */
static int parse_rule(char **words, int count, const char *where,
                      struct filter_rule *rule)
{
    int err = EPERM, given;

    if (count < 2)
        return error_msg("%s: want ACTION SYSCALL [CONDITION...]", where);
    for (int i = 2; i < count; i++) {
        if (strncmp(words[i], "arg", 3) == 0) {
            if (rule->arg_count == 6 ||
                parse_condition(words[i], &rule->args[rule->arg_count]) < 0)
                return error_msg("%s: bad condition '%s' (argN&MASK, "
                                 "argN==V or argN!=V, N 0..5)",
                                 where, words[i]);
            rule->arg_count++;
        } else if (i == count - 1 && strcmp(words[0], "deny") == 0 &&
                   (given = parse_errno(words[i])) > 0) {
            err = given;
        } else {
            return error_msg("%s: unexpected '%s'", where, words[i]);
        }
    }
    if (strcmp(words[0], "allow") == 0)
        rule->action = SCMP_ACT_ALLOW;
    else if (strcmp(words[0], "deny") == 0)
        rule->action = SCMP_ACT_ERRNO((uint32_t)err);
    else if (strcmp(words[0], "kill") == 0)
        rule->action = SCMP_ACT_KILL_PROCESS;
    else if (strcmp(words[0], "log") == 0)
        rule->action = SCMP_ACT_LOG;
    else
        return error_msg("%s: unknown action '%s' (allow, deny, kill, log)",
                         where, words[0]);
    return parse_names(words[1], where, rule);
}

int filter_profile_parse(const char *text, const char *source,
                         struct filter_profile *profile)
{
    char *copy = strdup(text), *line, *next;
    char *words[MAX_WORDS];
    char where[300];
    int number = 0, count, capacity = 0, have_default = 0;
    struct filter_rule *rule;

    memset(profile, 0, sizeof(*profile));
    profile->source = strdup(source);
    if (!copy || !profile->source) {
        error_errno("read %s", source);
        goto fail;
    }
    for (line = copy; line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        number++;
        snprintf(where, sizeof(where), "%s line %d", source, number);
        count = split_words(line, words);
        if (count < 0) {
            error_msg("%s: too many words", where);
            goto fail;
        }
        if (count == 0)
            continue;
        if (strcmp(words[0], "default") == 0) {
            if (have_default) {
                error_msg("%s: a second 'default' line", where);
                goto fail;
            }
            if (parse_default_action(words + 1, count - 1,
                                     &profile->default_action) < 0) {
                error_msg("%s: want 'default allow', 'default errno ENAME', "
                          "'default kill' or 'default log'",
                          where);
                goto fail;
            }
            have_default = 1;
            continue;
        }
        if (!have_default) {
            error_msg("%s: the first rule must be 'default ACTION'", where);
            goto fail;
        }
        if (profile->rule_count == MAX_RULES) {
            error_msg("%s: more than %d rules (a filter holds at most 4096 "
                      "BPF instructions)",
                      where, MAX_RULES);
            goto fail;
        }
        rule = append_rule(profile, &capacity);
        if (!rule)
            goto fail;
        rule->line = number;
        if (parse_rule(words, count, where, rule) < 0)
            goto fail;
    }
    if (!have_default) {
        error_msg("%s: no 'default ACTION' line", source);
        goto fail;
    }
    free(copy);
    return 0;
fail:
    free(copy);
    filter_profile_free(profile);
    return -1;
}

/* The whole of file PATH in *TEXT (NUL-terminated, for the parser) and
 * its length in *LENGTH, which counts any NUL byte inside it. */
static int read_whole_file(const char *path, char **text, size_t *length)
{
    FILE *f = fopen(path, "re");
    size_t size = 4096, used = 0, got;
    char *buffer = NULL, *bigger;
    int saved;

    if (!f)
        return error_errno("open profile %s", path);
    buffer = malloc(size + 1);
    if (!buffer) {
        error_errno("read profile %s", path);
        goto fail;
    }
    /* Doubling the buffer keeps the copying linear in the file's size. */
    while ((got = fread(buffer + used, 1, size - used, f)) > 0) {
        used += got;
        if (used == size) {
            bigger = realloc(buffer, 2 * size + 1);
            if (!bigger) {
                error_errno("read profile %s", path);
                goto fail;
            }
            buffer = bigger;
            size *= 2;
        }
    }
    if (ferror(f)) {
        error_errno("read profile %s", path);
        goto fail;
    }
    fclose(f);
    buffer[used] = '\0';
    *text = buffer;
    *length = used;
    return 0;
fail:
    saved = errno;
    fclose(f);
    free(buffer);
    errno = saved;
    return -1;
}

int filter_profile_read_file(const char *path, struct filter_profile *profile)
{
    char *text = NULL, *nul;
    size_t length = 0;
    int line = 1, rc;

    memset(profile, 0, sizeof(*profile));
    if (read_whole_file(path, &text, &length) < 0)
        return -1;
    /* The parser reads C strings: it would stop at a NUL byte and
     * silently drop every rule after it. A profile is text; refuse. */
    nul = memchr(text, '\0', length);
    if (nul) {
        for (const char *c = text; c < nul; c++)
            line += *c == '\n';
        error_msg("%s line %d: a NUL byte (a profile is text; the rules after "
                  "it would be lost)",
                  path, line);
        free(text);
        return -1;
    }
    rc = filter_profile_parse(text, path, profile);
    free(text);
    return rc;
}

void filter_profile_free(struct filter_profile *profile)
{
    for (int i = 0; i < profile->rule_count; i++) {
        char **names = profile->rules[i].names;
        for (size_t n = 0; names && names[n]; n++)
            free(names[n]);
        free(names);
    }
    free(profile->rules);
    free(profile->architectures);
    free(profile->source);
    memset(profile, 0, sizeof(*profile));
}

/* ---- Step 2: a struct filter_profile into a libseccomp filter ---- */

/* seccomp(2)'s filter flags, and the libseccomp attribute that makes
 * seccomp_load() pass each to the kernel. */
static const struct {
    unsigned flag;
    enum scmp_filter_attr attribute;
    const char *name;
} filter_flags[] = {
    /* every thread of the process gets the filter, not just the caller */
    {.flag = SECCOMP_FILTER_FLAG_TSYNC,
     .attribute = SCMP_FLTATR_CTL_TSYNC,
     .name = "SECCOMP_FILTER_FLAG_TSYNC"},
    /* log every action but allow (to the audit log, dmesg) */
    {.flag = SECCOMP_FILTER_FLAG_LOG,
     .attribute = SCMP_FLTATR_CTL_LOG,
     .name = "SECCOMP_FILTER_FLAG_LOG"},
    /* do not turn on the Spectre store-bypass mitigation for us */
    {.flag = SECCOMP_FILTER_FLAG_SPEC_ALLOW,
     .attribute = SCMP_FLTATR_CTL_SSB,
     .name = "SECCOMP_FILTER_FLAG_SPEC_ALLOW"},
};

/* Architecture names as libseccomp spells them, to name a token. */
static const char *const architecture_names[] = {
    "x86",         "x86_64", "x32",      "arm",      "aarch64",
    "mips",        "mipsel", "mips64",   "mipsel64", "mips64n32",
    "mipsel64n32", "ppc",    "ppc64",    "ppc64le",  "s390",
    "s390x",       "parisc", "parisc64", "riscv64",
};

/* System calls newer than the name table of the libseccomp we may be
 * built with (2.5.4 does not know open_tree_attr). Since Linux 5.1 a new
 * call has one number on every architecture (alpha adds 110), so a rule
 * for it can be made from the number. */
static const struct {
    const char *name;
    int number;
} newer_calls[] = {
    {.name = "open_tree_attr", .number = 467}, /* Linux 6.15 */
};

/* ACTION in words, into BUF ("errno EPERM", "kill-process"); -1 if it is
 * not an action ctlab handles. */
static int describe_action(uint32_t action, char *buf, size_t size)
{
    uint32_t data = action & 0xffffU;
    const char *errno_name;

    switch (action) {
    case SCMP_ACT_ALLOW:
        snprintf(buf, size, "allow");
        return 0;
    case SCMP_ACT_LOG: /* allow, and log it */
        snprintf(buf, size, "log");
        return 0;
    case SCMP_ACT_TRAP: /* SIGSYS, which the process may catch */
        snprintf(buf, size, "trap");
        return 0;
    case SCMP_ACT_KILL_THREAD: /* the calling thread dies of SIGSYS */
        snprintf(buf, size, "kill-thread");
        return 0;
    case SCMP_ACT_KILL_PROCESS: /* every thread dies of SIGSYS */
        snprintf(buf, size, "kill-process");
        return 0;
    }
    if (action - data == SCMP_ACT_ERRNO(0) && data < 4096) {
        errno_name = strerrorname_np((int)data);
        if (errno_name)
            snprintf(buf, size, "errno %s", errno_name);
        else
            snprintf(buf, size, "errno %u", data);
        return 0;
    }
    if (action - data == SCMP_ACT_TRACE(0)) { /* a ptrace tracer decides */
        snprintf(buf, size, "trace %u", data);
        return 0;
    }
    return -1;
}

/* PROFILE's name in messages. */
static const char *profile_name(const struct filter_profile *profile)
{
    return profile->source ? profile->source : "the profile";
}

/* Where rule I is, for messages: its line, or its place in the list. */
static const char *rule_place(const struct filter_profile *profile, int i,
                              char *buf, size_t size)
{
    const char *source = profile_name(profile);

    if (profile->rules[i].line > 0)
        snprintf(buf, size, "%s line %d", source, profile->rules[i].line);
    else
        snprintf(buf, size, "%s rule %d", source, i + 1);
    return buf;
}

/* Refuse what libseccomp would refuse less clearly, or not at all. */
static int check_rule(const struct filter_rule *rule, const char *where)
{
    char action[64];

    if (describe_action(rule->action, action, sizeof(action)) < 0)
        return error_msg("%s: action %#x is not one of allow, errno, "
                         "kill-thread, kill-process, trap, trace, log",
                         where, rule->action);
    if (!rule->names || !rule->names[0])
        return error_msg("%s: no system call named", where);
    if (rule->arg_count < 0 || rule->arg_count > 6)
        return error_msg("%s: %d conditions (at most 6)", where,
                         rule->arg_count);
    for (int a = 0; a < rule->arg_count; a++) {
        if (rule->args[a].index > 5)
            return error_msg("%s: a condition on argument %u (0..5)", where,
                             rule->args[a].index);
        if (rule->args[a].op < SCMP_CMP_NE ||
            rule->args[a].op > SCMP_CMP_MASKED_EQ)
            return error_msg("%s: comparison %d is not one of SCMP_CMP_NE "
                             "... SCMP_CMP_MASKED_EQ",
                             where, (int)rule->args[a].op);
    }
    return 0;
}

/* Set the seccomp(2) flags PROFILE asks for; refuse any other. */
static int set_flags(scmp_filter_ctx filter,
                     const struct filter_profile *profile)
{
    unsigned rest = profile->flags;
    int rc;

    for (size_t i = 0; i < sizeof(filter_flags) / sizeof(*filter_flags); i++) {
        if (!(rest & filter_flags[i].flag))
            continue;
        rest &= ~filter_flags[i].flag;
        trace("seccomp_attr_set: load with %s", filter_flags[i].name);
        rc = seccomp_attr_set(filter, filter_flags[i].attribute, 1);
        if (rc < 0) {
            errno = -rc;
            return error_errno("%s: %s", profile_name(profile),
                               filter_flags[i].name);
        }
    }
    if (rest)
        return error_msg("%s: seccomp flag %#x is not supported (only "
                         "SECCOMP_FILTER_FLAG_TSYNC, _LOG and _SPEC_ALLOW)",
                         profile_name(profile), rest);
    return 0;
}

/* An architecture token's name ("x86"), or its number in BUF. */
static const char *architecture_name(uint32_t token, char *buf, size_t size)
{
    for (size_t i = 0;
         i < sizeof(architecture_names) / sizeof(*architecture_names); i++)
        if (seccomp_arch_resolve_name(architecture_names[i]) == token)
            return architecture_names[i];
    snprintf(buf, size, "%#x", token);
    return buf;
}

/* The profile's architectures besides the native one, which seccomp_init
 * put in already: the filter checks a call's architecture first (a 32-bit
 * call on x86-64 has other numbers) and kills one it does not list. */
static int add_architectures(scmp_filter_ctx filter,
                             const struct filter_profile *profile)
{
    char number[16];
    int rc;

    for (int i = 0; i < profile->architecture_count; i++) {
        uint32_t token = profile->architectures[i];
        const char *name = architecture_name(token, number, sizeof(number));

        rc = seccomp_arch_add(filter, token);
        if (rc == -EEXIST) /* the native one, or listed twice */
            continue;
        if (rc < 0) {
            errno = -rc;
            return error_errno("%s: add architecture %s", profile_name(profile),
                               name);
        }
        trace("seccomp_arch_add(%s)", name);
    }
    return 0;
}

/* Does PROFILE list an architecture besides the native one? */
static int other_architectures(const struct filter_profile *profile)
{
    for (int i = 0; i < profile->architecture_count; i++)
        if (profile->architectures[i] != SCMP_ARCH_NATIVE &&
            profile->architectures[i] != seccomp_arch_native())
            return 1;
    return 0;
}

/* NAME's number: libseccomp's table first (a negative "pseudo" number
 * for a call another architecture has), then newer_calls, which sets
 * *BY_NUMBER. __NR_SCMP_ERROR: neither knows it. */
static int resolve_syscall(const char *name, int *by_number)
{
    int nr = seccomp_syscall_resolve_name(name);

    *by_number = 0;
    for (size_t i = 0; nr == __NR_SCMP_ERROR &&
                       i < sizeof(newer_calls) / sizeof(*newer_calls);
         i++)
        if (strcmp(newer_calls[i].name, name) == 0) {
            nr = newer_calls[i].number;
            *by_number = 1;
        }
    return nr;
}

/* Does RULE test one argument twice? */
static int repeats_an_argument(const struct filter_rule *rule)
{
    for (int a = 0; a < rule->arg_count; a++)
        for (int b = a + 1; b < rule->arg_count; b++)
            if (rule->args[a].index == rule->args[b].index)
                return 1;
    return 0;
}

/* RULE for the call numbered NR. libseccomp refuses two conditions on one
 * argument in a rule (EINVAL). runc then adds one rule per condition
 * (libcontainer/seccomp/seccomp_linux.go, matchCall), so that any one of
 * them is enough: OR, where the profile may have meant AND. We do the
 * same, so that a profile means here what it means under runc. For a
 * deny rule that denies more: "arg0!=0 arg0!=8" denies every value. */
static int add_rule_for(scmp_filter_ctx filter, const struct filter_rule *rule,
                        int nr, const char *where, const char *name)
{
    struct scmp_arg_cmp conditions[6];
    int split = repeats_an_argument(rule), rc = 0;

    for (int a = 0; a < rule->arg_count; a++)
        conditions[a] = (struct scmp_arg_cmp){
            .arg = rule->args[a].index,
            .op = rule->args[a].op,
            .datum_a = rule->args[a].value, /* MASKED_EQ: the mask */
            .datum_b = rule->args[a].value_two,
        };
    if (!split)
        rc = seccomp_rule_add_array(filter, rule->action, nr,
                                    (unsigned)rule->arg_count, conditions);
    for (int a = 0; split && a < rule->arg_count && rc == 0; a++)
        rc =
            seccomp_rule_add_array(filter, rule->action, nr, 1, &conditions[a]);
    if (rc < 0) {
        errno = -rc;
        return error_errno("%s: cannot add the rule for %s", where, name);
    }
    return 0;
}

/* The rules of PROFILE for the calls known only by number (BY_NUMBER 1)
 * or for the others (0); *ADDED counts the libseccomp rules made. */
static int add_rules(scmp_filter_ctx filter,
                     const struct filter_profile *profile, int by_number,
                     enum unknown_names unknown, int *added)
{
    char where[300], action[64];
    int nr, numbered, count;

    for (int i = 0; i < profile->rule_count; i++) {
        const struct filter_rule *rule = &profile->rules[i];

        rule_place(profile, i, where, sizeof(where));
        describe_action(rule->action, action, sizeof(action));
        for (char **name = rule->names; *name; name++) {
            nr = resolve_syscall(*name, &numbered);
            if (nr == __NR_SCMP_ERROR && by_number)
                continue;
            if (nr == __NR_SCMP_ERROR && unknown == UNKNOWN_ERROR)
                return error_msg("%s: unknown system call '%s'", where, *name);
            if (nr == __NR_SCMP_ERROR && unknown == UNKNOWN_TRACE) {
                trace("%s: unknown system call '%s' here, skipped", where,
                      *name);
                continue;
            }
            if (nr == __NR_SCMP_ERROR) {
                fprintf(stderr,
                        "%s: warning: %s: unknown system call '%s' here, "
                        "skipped\n",
                        program_name, where, *name);
                continue;
            }
            if (numbered != by_number)
                continue;
            if (rule->action == profile->default_action) {
                trace("%s: %s: %s is the default already", where, *name,
                      action);
                continue;
            }
            count = repeats_an_argument(rule) ? rule->arg_count : 1;
            if (*added + count > MAX_RULES)
                return error_msg("%s: more than %d rules (a filter holds at "
                                 "most 4096 BPF instructions)",
                                 where, MAX_RULES);
            if (add_rule_for(filter, rule, nr, where, *name) < 0)
                return -1;
            *added += count;
            if (numbered && other_architectures(profile))
                fprintf(stderr,
                        "%s: warning: %s: %s is filtered on the native "
                        "architecture only (libseccomp knows it by number "
                        "only)\n",
                        program_name, where, *name);
            trace("%s: %s (nr %d): %s%s", where, *name, nr, action,
                  count > 1         ? ", with conditions, one rule each"
                  : rule->arg_count ? ", with conditions"
                                    : "");
        }
    }
    return 0;
}

scmp_filter_ctx filter_from_rules(const struct filter_profile *profile,
                                  enum unknown_names unknown)
{
    const char *source = profile_name(profile);
    scmp_filter_ctx filter = NULL;
    char action[64], where[300];
    int added = 0;

    /* 1. Check every rule before building anything. */
    if (describe_action(profile->default_action, action, sizeof(action)) < 0) {
        error_msg("%s: default action %#x is not one of allow, errno, "
                  "kill-thread, kill-process, trap, trace, log",
                  source, profile->default_action);
        return NULL;
    }
    for (int i = 0; i < profile->rule_count; i++)
        if (check_rule(&profile->rules[i],
                       rule_place(profile, i, where, sizeof(where))) < 0)
            return NULL;

    /* 2. The filter, with its default action and its flags. */
    trace("seccomp_init(%s)", action);
    filter = seccomp_init(profile->default_action);
    if (!filter) {
        error_msg("%s: seccomp_init failed", source);
        return NULL;
    }
    if (set_flags(filter, profile) < 0)
        goto fail;

    /* 3. Calls known only by number, while the native architecture is
     *    the only one: libseccomp 2.5 cannot translate a number it has no
     *    name for to another architecture (EFAULT), and a rule added
     *    before seccomp_arch_add() stays on the native one. */
    if (add_rules(filter, profile, 1, unknown, &added) < 0)
        goto fail;

    /* 4. The other architectures, then every other rule on all of them. */
    if (add_architectures(filter, profile) < 0)
        goto fail;
    if (add_rules(filter, profile, 0, unknown, &added) < 0)
        goto fail;
    return filter;
fail:
    seccomp_release(filter);
    return NULL;
}

scmp_filter_ctx filter_from_profile(const char *text, const char *source,
                                    enum unknown_names unknown)
{
    struct filter_profile profile;
    scmp_filter_ctx filter;

    if (filter_profile_parse(text, source, &profile) < 0)
        return NULL;
    filter = filter_from_rules(&profile, unknown);
    filter_profile_free(&profile);
    return filter;
}

scmp_filter_ctx filter_from_file(const char *path, enum unknown_names unknown)
{
    struct filter_profile profile;
    scmp_filter_ctx filter;

    if (filter_profile_read_file(path, &profile) < 0)
        return NULL;
    filter = filter_from_rules(&profile, unknown);
    filter_profile_free(&profile);
    return filter;
}

int filter_dump(scmp_filter_ctx filter, int fd)
{
    int rc = seccomp_export_pfc(filter, fd);

    if (rc < 0) {
        errno = -rc;
        return error_errno("seccomp_export_pfc");
    }
    return 0;
}

int filter_load(scmp_filter_ctx filter)
{
    int rc;

    /* Without CAP_SYS_ADMIN the kernel wants no_new_privs first, so a
     * filter cannot fool a setuid program; libseccomp sets it (attribute
     * SCMP_FLTATR_CTL_NNP, on by default). */
    trace("prctl(PR_SET_NO_NEW_PRIVS, 1); seccomp(SECCOMP_SET_MODE_FILTER)");
    rc = seccomp_load(filter);
    if (rc == -ECANCELED) /* libseccomp's word for "the kernel said no" */
        return error_msg("load the seccomp filter: the kernel refused it "
                         "(more than 4096 BPF instructions? see --dump)");
    if (rc < 0) {
        errno = -rc;
        return error_errno("load the seccomp filter");
    }
    return 0;
}
