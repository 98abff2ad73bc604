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
 * Read: seccomp(2), seccomp_rule_add(3), seccomp_export_pfc(3), and the
 * kernel's Documentation/userspace-api/seccomp_filter.rst.
 */
#define _GNU_SOURCE
#include <errno.h>
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

/* "arg0&0x10000000", "arg1==5", "arg0!=0x8". */
static int parse_condition(const char *word, struct scmp_arg_cmp *cmp)
{
    unsigned arg;
    char op[3] = "";
    long long value; /* %lli: decimal, 0x hex or 0 octal */
    int used = 0;

    if (sscanf(word, "arg%u%2[&=!]%lli%n", &arg, op, &value, &used) != 3 ||
        word[used] != '\0' || arg > 5)
        return -1;
    cmp->arg = arg;
    cmp->datum_a = (scmp_datum_t)value;
    cmp->datum_b = 0;
    if (strcmp(op, "&") == 0) {
        cmp->op = SCMP_CMP_MASKED_EQ; /* (arg & MASK) == MASK */
        cmp->datum_b = (scmp_datum_t)value;
    } else if (strcmp(op, "==") == 0) {
        cmp->op = SCMP_CMP_EQ;
    } else if (strcmp(op, "!=") == 0) {
        cmp->op = SCMP_CMP_NE;
    } else {
        return -1;
    }
    return 0;
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

#define MAX_WORDS 12

/* The most rule lines a profile may have. The kernel runs a filter of at
 * most 4096 BPF instructions (BPF_MAXINSNS), and a rule costs at least one
 * unless it repeats another, so a bigger profile could never load; and
 * libseccomp's seccomp_rule_add() takes time in proportion to the rules
 * already added, so 200,000 rules would take minutes to be refused. */
#define MAX_RULES 4096

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

/* NAME's number: libseccomp's table first, then newer_calls. */
static int resolve_syscall(const char *name)
{
    int nr = seccomp_syscall_resolve_name(name);

    for (size_t i = 0; nr == __NR_SCMP_ERROR &&
                       i < sizeof(newer_calls) / sizeof(*newer_calls);
         i++)
        if (strcmp(newer_calls[i].name, name) == 0)
            nr = newer_calls[i].number;
    return nr;
}

/* One rule line: ACTION SYSCALL [CONDITION...] [ERRNO]. */
static int add_rule(scmp_filter_ctx filter, uint32_t default_action,
                    char **words, int count, const char *where,
                    enum unknown_names unknown)
{
    struct scmp_arg_cmp conditions[6];
    unsigned condition_count = 0;
    uint32_t action;
    int nr, rc, i, err = EPERM;

    if (count < 2)
        return error_msg("%s: want ACTION SYSCALL [CONDITION...]", where);
    for (i = 2; i < count; i++) {
        if (strncmp(words[i], "arg", 3) == 0) {
            if (condition_count == 6 ||
                parse_condition(words[i], &conditions[condition_count]) < 0)
                return error_msg("%s: bad condition '%s' (argN&MASK, "
                                 "argN==V or argN!=V, N 0..5)",
                                 where, words[i]);
            condition_count++;
        } else if (i == count - 1 && strcmp(words[0], "deny") == 0 &&
                   (err = parse_errno(words[i])) > 0) {
            continue;
        } else {
            return error_msg("%s: unexpected '%s'", where, words[i]);
        }
    }
    if (strcmp(words[0], "allow") == 0)
        action = SCMP_ACT_ALLOW;
    else if (strcmp(words[0], "deny") == 0)
        action = SCMP_ACT_ERRNO((uint32_t)err);
    else if (strcmp(words[0], "kill") == 0)
        action = SCMP_ACT_KILL_PROCESS;
    else if (strcmp(words[0], "log") == 0)
        action = SCMP_ACT_LOG;
    else
        return error_msg("%s: unknown action '%s' (allow, deny, kill, log)",
                         where, words[0]);

    nr = resolve_syscall(words[1]);
    if (nr == __NR_SCMP_ERROR) {
        if (unknown == UNKNOWN_ERROR)
            return error_msg("%s: unknown system call '%s'", where, words[1]);
        fprintf(stderr,
                "%s: warning: %s: unknown system call '%s' here, skipped\n",
                program_name, where, words[1]);
        return 0;
    }
    if (action == default_action) {
        trace("%s: %s %s is the default already", where, words[0], words[1]);
        return 0;
    }
    rc =
        seccomp_rule_add_array(filter, action, nr, condition_count, conditions);
    if (rc < 0) {
        errno = -rc;
        return error_errno("%s: cannot add the rule for %s", where, words[1]);
    }
    trace("%s: %s %s (nr %d)%s", where, words[0], words[1], nr,
          condition_count ? " with conditions" : "");
    return 0;
}

scmp_filter_ctx filter_from_profile(const char *text, const char *source,
                                    enum unknown_names unknown)
{
    scmp_filter_ctx filter = NULL;
    uint32_t default_action = 0;
    char *copy = strdup(text), *line, *next;
    char *words[MAX_WORDS];
    char where[300];
    int number = 0, count, rules = 0;

    if (!copy) {
        error_errno("strdup");
        return NULL;
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
            if (filter) {
                error_msg("%s: a second 'default' line", where);
                goto fail;
            }
            if (parse_default_action(words + 1, count - 1, &default_action) <
                0) {
                error_msg("%s: want 'default allow', 'default errno ENAME', "
                          "'default kill' or 'default log'",
                          where);
                goto fail;
            }
            filter = seccomp_init(default_action);
            if (!filter) {
                error_msg("%s: seccomp_init failed", where);
                goto fail;
            }
            continue;
        }
        if (!filter) {
            error_msg("%s: the first rule must be 'default ACTION'", where);
            goto fail;
        }
        if (++rules > MAX_RULES) {
            error_msg("%s: more than %d rules (a filter holds at most 4096 "
                      "BPF instructions)",
                      where, MAX_RULES);
            goto fail;
        }
        if (add_rule(filter, default_action, words, count, where, unknown) < 0)
            goto fail;
    }
    if (!filter)
        error_msg("%s: no 'default ACTION' line", source);
    free(copy);
    return filter;
fail:
    if (filter)
        seccomp_release(filter);
    free(copy);
    return NULL;
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

scmp_filter_ctx filter_from_file(const char *path, enum unknown_names unknown)
{
    scmp_filter_ctx filter;
    char *text = NULL, *nul;
    size_t length = 0;
    int line = 1;

    if (read_whole_file(path, &text, &length) < 0)
        return NULL;
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
        return NULL;
    }
    filter = filter_from_profile(text, path, unknown);
    free(text);
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
