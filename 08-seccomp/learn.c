/* 08-seccomp/learn.c - record the system calls a command makes, with
 * ptrace(2), and write them as an allowlist profile; see learn.h.
 *
 * The tracer is a loop around waitpid(): each traced process stops at
 * every system call entry and exit (PTRACE_SYSCALL), and the tracer reads
 * the call's number (PTRACE_GET_SYSCALL_INFO, Linux 5.3) before letting
 * it go on. PTRACE_O_TRACEFORK/VFORK/CLONE attach every child too, so a
 * shell script's commands are recorded as well.
 *
 * Read: ptrace(2) ("Syscall-stops", "PTRACE_O_TRACESYSGOOD"), strace(1).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#include "err.h"
#include "exec.h"
#include "learn.h"

#define MAX_SYSCALL 1024 /* numbers on x86-64 end near 470 */
#define MAX_TRACEES 4096

struct tracer {
    unsigned char seen[MAX_SYSCALL];
    pid_t known[MAX_TRACEES]; /* tracees whose first stop we have seen */
    int known_count;
};

static int is_known(struct tracer *t, pid_t pid)
{
    for (int i = 0; i < t->known_count; i++)
        if (t->known[i] == pid)
            return 1;
    if (t->known_count < MAX_TRACEES)
        t->known[t->known_count++] = pid;
    return 0;
}

/* At a syscall stop: if it is an entry, note the call's number. */
static void record_syscall(struct tracer *t, pid_t pid)
{
    struct __ptrace_syscall_info info; /* glibc 2.32 names it so */

    if (ptrace(PTRACE_GET_SYSCALL_INFO, pid, (void *)sizeof(info), &info) <= 0)
        return;
    if (info.op == PTRACE_SYSCALL_INFO_ENTRY && info.entry.nr < MAX_SYSCALL)
        t->seen[info.entry.nr] = 1;
}

/* Trace until no tracee is left; the exit code of FIRST. */
static int trace_all(struct tracer *t, pid_t first)
{
    int status, code = EXIT_TOOL_FAILED;
    pid_t pid;

    while ((pid = waitpid(-1, &status, __WALL)) != -1 || errno == EINTR) {
        int deliver = 0, sig;

        if (pid < 0)
            continue;
        if (WIFEXITED(status) || WIFSIGNALED(status)) {
            if (pid == first)
                code = exit_code_from_wait_status(status);
            continue;
        }
        sig = WSTOPSIG(status);
        if (sig == (SIGTRAP | 0x80))
            record_syscall(t, pid); /* TRACESYSGOOD marks syscall stops */
        else if (sig == SIGTRAP)
            ; /* a fork/clone/exec event: the new child stops by itself */
        else if (sig == SIGSTOP && !is_known(t, pid))
            ; /* a new tracee's first stop: not a real signal */
        else
            deliver = sig; /* a signal for the tracee: pass it on */
        ptrace(PTRACE_SYSCALL, pid, NULL, (void *)(long)deliver);
    }
    return code;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int write_profile(const struct tracer *t, const char *path,
                         char **command)
{
    char *names[MAX_SYSCALL];
    int count = 0, rc = 0;
    FILE *out;

    for (int nr = 0; nr < MAX_SYSCALL; nr++)
        if (t->seen[nr]) {
            char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
            if (name)
                names[count++] = name;
        }
    qsort(names, (size_t)count, sizeof(names[0]), compare_names);

    out = fopen(path, "we");
    if (!out) {
        rc = error_errno("create %s", path);
        goto out;
    }
    fprintf(out, "# learned by %s --learn from:", program_name);
    for (char **word = command; *word; word++)
        fprintf(out, " %s", *word);
    fprintf(out,
            "\n# %d system calls; any other fails with EPERM\n"
            "default errno EPERM\n",
            count);
    for (int i = 0; i < count; i++)
        fprintf(out, "allow %s\n", names[i]);
    if (fclose(out) != 0)
        rc = error_errno("write %s", path);
    else
        trace("wrote %s: %d system calls", path, count);
out:
    for (int i = 0; i < count; i++)
        free(names[i]);
    return rc;
}

int learn_profile(char **command, const char *out_path)
{
    struct tracer *t = calloc(1, sizeof(*t));
    int status, code;
    pid_t child;

    if (!t) {
        error_errno("calloc");
        return EXIT_TOOL_FAILED;
    }
    fflush(NULL);
    child = fork();
    if (child < 0) {
        error_errno("fork");
        free(t);
        return EXIT_TOOL_FAILED;
    }
    if (child == 0) {
        /* Be traced, stop so the tracer can set its options, then exec:
         * execve is the first call recorded. */
        ptrace(PTRACE_TRACEME, 0, NULL, NULL);
        raise(SIGSTOP);
        exec_command(command);
    }
    is_known(t, child);
    if (waitpid(child, &status, 0) < 0 || !WIFSTOPPED(status)) {
        error_errno("wait for the traced child");
        free(t);
        return EXIT_TOOL_FAILED;
    }
    trace("ptrace(PTRACE_SETOPTIONS, %d, TRACESYSGOOD|TRACEFORK|TRACEVFORK|"
          "TRACECLONE|EXITKILL)",
          (int)child);
    if (ptrace(PTRACE_SETOPTIONS, child, NULL,
               (void *)(PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK |
                        PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE |
                        PTRACE_O_EXITKILL)) < 0) {
        error_errno("ptrace(PTRACE_SETOPTIONS)");
        kill(child, SIGKILL);
        waitpid(child, NULL, 0);
        free(t);
        return EXIT_TOOL_FAILED;
    }
    ptrace(PTRACE_SYSCALL, child, NULL, NULL);
    code = trace_all(t, child);
    if (write_profile(t, out_path, command) < 0)
        code = EXIT_TOOL_FAILED;
    free(t);
    return code;
}
