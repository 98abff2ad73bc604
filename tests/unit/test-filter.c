/* tests/unit/test-filter.c - what filter_from_rules() builds from a struct
 * filter_profile, with the kernel as referee.
 *
 * An OCI config.json's linux.seccomp is not text: chapter 10 fills a
 * struct filter_profile from it, with actions, comparisons, flags and
 * architectures the text format has no words for. Each command here
 * fills one such profile, forks, loads the filter in the child, makes a
 * system call and prints what the kernel answered:
 *
 *   test-filter compare OP VALUE VALUE_TWO NSTYPE
 *       errno EPERM for setns when arg1 OP VALUE (masked_eq: arg1 & VALUE
 *       == VALUE_TWO); then setns(-1, NSTYPE): "EPERM" (the rule
 *       matched) or "EBADF" (the kernel's answer to fd -1). OP: ne lt le
 *       eq ge gt masked_eq
 *   test-filter action ACTION
 *       ACTION for setns, called from a second thread: "EBADF" (let
 *       through), an errno name, "SIGSYS caught (SYS_SECCOMP, syscall N)",
 *       then "the process goes on"; or "killed by SIGSYS". ACTION: log
 *       errno:N trace:N trap kill-thread kill-process
 *   test-filter arch none|x86|unfiltered
 *       a 32-bit setns through int 0x80 (x86-64 only) under a filter for
 *       the native architecture only, or with x86 added, or no filter
 *   test-filter tsync off|on
 *       the Seccomp: line of a thread started before the load
 *   test-filter flag HEX       load with these seccomp(2) flags
 *   test-filter unknown skip|error   a rule for a call nobody knows
 *
 * tests/08-seccomp.bats drives it, so each case is a line there.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "err.h"
#include "filter.h"

static char *setns_only[] = {"setns", NULL};

/* The profile every command starts from: allow all but one rule. */
static struct filter_rule rule = {.names = setns_only,
                                  .action = SCMP_ACT_ERRNO(EPERM)};
static struct filter_profile profile = {
    .default_action = SCMP_ACT_ALLOW, .rules = &rule, .rule_count = 1};

/* What the command's child does once the filter is loaded. */
static void (*try_call)(void);
static long nstype; /* setns's second argument */

static void print_result(long rc)
{
    printf("%s\n", rc < 0 ? strerrorname_np(errno) : "ok");
}

static void try_setns(void)
{
    print_result(syscall(SYS_setns, -1, nstype));
}

/* si_code of seccomp's SIGSYS (asm-generic/siginfo.h; glibc lacks it) */
#ifndef SYS_SECCOMP
#define SYS_SECCOMP 1
#endif

/* SIGSYS from a trap rule: the call did not happen; which was it? */
static volatile sig_atomic_t trapped_code, trapped_call;

static void on_sigsys(int sig, siginfo_t *info, void *context)
{
    (void)sig;
    (void)context;
    trapped_code = info->si_code;
    trapped_call = info->si_syscall;
}

static void *setns_thread(void *unused)
{
    long rc;

    (void)unused;
    rc = syscall(SYS_setns, -1, 0);
    if (trapped_call) /* and the call "returned" its own number */
        printf("SIGSYS caught (%s, syscall %d)\n",
               trapped_code == SYS_SECCOMP ? "SYS_SECCOMP" : "?",
               (int)trapped_call);
    else
        print_result(rc);
    fflush(stdout);
    return NULL;
}

/* The call from a second thread, so that kill-thread and kill-process
 * differ: one ends that thread, the other every thread. */
static void try_setns_in_thread(void)
{
    struct sigaction act = {.sa_sigaction = on_sigsys, .sa_flags = SA_SIGINFO};
    pthread_t thread;

    sigaction(SIGSYS, &act, NULL);
    if (pthread_create(&thread, NULL, setns_thread, NULL) != 0) {
        printf("pthread_create failed\n");
        return;
    }
    pthread_join(thread, NULL);
    printf("the process goes on\n");
}

#ifdef __x86_64__
/* A 32-bit system call from 64-bit code: int 0x80 takes i386 numbers
 * and the kernel (and seccomp) see AUDIT_ARCH_I386. */
static long syscall_i386(long nr, long a, long b)
{
    long rc;

    __asm__ volatile("int $0x80"
                     : "=a"(rc)
                     : "a"(nr), "b"(a), "c"(b)
                     : "memory", "r8", "r9", "r10", "r11");
    return rc;
}

static void try_setns_i386(void)
{
    long rc = syscall_i386(346, -1, 0); /* setns on i386 */

    errno = (int)-rc;
    print_result(rc < 0 && rc > -4096 ? -1 : rc);
}
#endif

static int thread_ready[2], thread_go[2];

static void *status_thread(void *unused)
{
    char line[256];
    FILE *status;

    (void)unused;
    if (write(thread_ready[1], "r", 1) < 0 || read(thread_go[0], line, 1) < 0)
        return NULL;
    status = fopen("/proc/thread-self/status", "re");
    while (status && fgets(line, sizeof(line), status))
        if (strncmp(line, "Seccomp:", 8) == 0)
            printf("other thread %s", line);
    if (status)
        fclose(status);
    return NULL;
}

/* Fork; in the child start a thread when TSYNC_TEST, load the filter,
 * try the call. Print how the child ended if not by exit 0. */
static int run_filtered(int filtered, int tsync_test)
{
    scmp_filter_ctx filter = NULL;
    pthread_t thread;
    int status;
    pid_t child;

    fflush(NULL);
    child = fork();
    if (child < 0)
        return error_errno("fork");
    if (child == 0) {
        if (tsync_test) {
            char c;
            if (pipe(thread_ready) < 0 || pipe(thread_go) < 0 ||
                pthread_create(&thread, NULL, status_thread, NULL) != 0 ||
                read(thread_ready[0], &c, 1) < 0)
                _exit(EXIT_TOOL_FAILED);
        }
        if (filtered) {
            filter = filter_from_rules(&profile, UNKNOWN_SKIP);
            if (!filter || filter_load(filter) < 0)
                _exit(EXIT_TOOL_FAILED);
            seccomp_release(filter);
        }
        if (tsync_test) {
            if (write(thread_go[1], "g", 1) < 0)
                _exit(EXIT_TOOL_FAILED);
            pthread_join(thread, NULL);
        } else {
            try_call();
        }
        fflush(stdout);
        _exit(0);
    }
    if (waitpid(child, &status, 0) < 0)
        return error_errno("waitpid");
    if (WIFSIGNALED(status))
        printf("killed by SIG%s\n", sigabbrev_np(WTERMSIG(status)));
    else if (WEXITSTATUS(status) != 0)
        return -1;
    return 0;
}

static int cmd_compare(char **argv)
{
    static const char *const ops[] = {"",   "ne", "lt", "le",
                                      "eq", "ge", "gt", "masked_eq"};
    enum scmp_compare op = _SCMP_CMP_MIN;

    for (int i = SCMP_CMP_NE; i <= SCMP_CMP_MASKED_EQ; i++)
        if (strcmp(argv[0], ops[i]) == 0)
            op = (enum scmp_compare)i;
    if (op == _SCMP_CMP_MIN)
        return error_msg("compare: unknown operator '%s'", argv[0]);
    rule.args[0] = (struct filter_arg){.index = 1,
                                       .op = op,
                                       .value = strtoull(argv[1], NULL, 0),
                                       .value_two = strtoull(argv[2], NULL, 0)};
    rule.arg_count = 1;
    nstype = strtol(argv[3], NULL, 0);
    try_call = try_setns;
    return run_filtered(1, 0);
}

static int cmd_action(const char *name)
{
    unsigned data = 0;
    char word[32] = "";

    sscanf(name, "%31[a-z-]:%u", word, &data);
    if (strcmp(word, "log") == 0)
        rule.action = SCMP_ACT_LOG;
    else if (strcmp(word, "errno") == 0)
        rule.action = SCMP_ACT_ERRNO(data);
    else if (strcmp(word, "trace") == 0)
        rule.action = SCMP_ACT_TRACE(data);
    else if (strcmp(word, "trap") == 0)
        rule.action = SCMP_ACT_TRAP;
    else if (strcmp(word, "kill-thread") == 0)
        rule.action = SCMP_ACT_KILL_THREAD;
    else if (strcmp(word, "kill-process") == 0)
        rule.action = SCMP_ACT_KILL_PROCESS;
    else
        return error_msg("action: unknown action '%s'", name);
    try_call = try_setns_in_thread;
    return run_filtered(1, 0);
}

static int cmd_arch(const char *which)
{
#ifdef __x86_64__
    static uint32_t x86[] = {SCMP_ARCH_X86};

    if (strcmp(which, "x86") == 0) {
        profile.architectures = x86;
        profile.architecture_count = 1;
    }
    try_call = try_setns_i386;
    return run_filtered(strcmp(which, "unfiltered") != 0, 0);
#else
    (void)which;
    printf("not x86-64\n");
    return 0;
#endif
}

static int cmd_tsync(const char *on)
{
    profile.flags = strcmp(on, "on") == 0 ? SECCOMP_FILTER_FLAG_TSYNC : 0;
    return run_filtered(1, 1);
}

static int cmd_flag(const char *hex)
{
    profile.flags = (unsigned)strtoul(hex, NULL, 16);
    try_call = try_setns;
    return run_filtered(1, 0);
}

static int cmd_unknown(const char *how)
{
    static char *names[] = {"ctlab_no_such_call", "setns", NULL};
    scmp_filter_ctx filter;

    rule.names = names;
    filter = filter_from_rules(
        &profile, strcmp(how, "error") == 0 ? UNKNOWN_ERROR : UNKNOWN_SKIP);
    if (!filter)
        return -1;
    seccomp_release(filter);
    printf("built\n");
    return 0;
}

int main(int argc, char **argv)
{
    set_program_name(argv[0]);
    if (argc == 6 && strcmp(argv[1], "compare") == 0)
        return cmd_compare(argv + 2) < 0 ? 1 : 0;
    if (argc == 3 && strcmp(argv[1], "action") == 0)
        return cmd_action(argv[2]) < 0 ? 1 : 0;
    if (argc == 3 && strcmp(argv[1], "arch") == 0)
        return cmd_arch(argv[2]) < 0 ? 1 : 0;
    if (argc == 3 && strcmp(argv[1], "tsync") == 0)
        return cmd_tsync(argv[2]) < 0 ? 1 : 0;
    if (argc == 3 && strcmp(argv[1], "flag") == 0)
        return cmd_flag(argv[2]) < 0 ? 1 : 0;
    if (argc == 3 && strcmp(argv[1], "unknown") == 0)
        return cmd_unknown(argv[2]) < 0 ? 1 : 0;
    fprintf(stderr, "usage: test-filter compare OP VALUE VALUE_TWO NSTYPE | "
                    "action ACTION | arch none|x86|unfiltered | tsync off|on "
                    "| flag HEX | unknown skip|error\n");
    return 2;
}
