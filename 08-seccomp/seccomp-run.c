/* 08-seccomp/seccomp-run.c - run a command under a seccomp filter.
 *
 *     ./seccomp-run --default -- unshare -U true    # Operation not permitted
 *     ./seccomp-run --profile my.profile -- CMD
 *     ./seccomp-run --default --dump                # the filter, readable
 *     ./seccomp-run --learn my.profile -- CMD       # record an allowlist
 *     ./seccomp-run --strict-demo                   # the original seccomp
 *
 * A filter is loaded into this process just before it execs CMD. Filters
 * survive execve and are inherited by every child, and nothing can remove
 * them: after the load the command and everything it starts live with
 * the same rules. No root is needed: the kernel only wants no_new_privs
 * set first (filter.c does it).
 *
 * Read: seccomp(2), prctl(2) (PR_SET_NO_NEW_PRIVS), seccomp_rule_add(3).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "err.h"
#include "exec.h"
#include "filter.h"
#include "learn.h"

struct options {
    const char *profile;   /* --profile FILE */
    int use_default;       /* --default */
    int dump;              /* --dump */
    int strict_demo;       /* --strict-demo */
    const char *learn_out; /* --learn FILE */
    int show_default;      /* --show-default */
    enum unknown_names unknown;
};

/* SECCOMP_MODE_STRICT (Linux 2.6.12): the first seccomp. Only read, write,
 * _exit and sigreturn; any other call and the kernel sends SIGKILL. It
 * cannot even exec, so the demo is a child of ours. */
static int strict_demo(void)
{
    static const char said[] = "in strict mode: write() still works\n";
    int status;
    pid_t child;

    fflush(NULL);
    child = fork();
    if (child < 0)
        return error_errno("fork");
    if (child == 0) {
        trace("PID %d: prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT)",
              (int)getpid());
        if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT) < 0) {
            error_errno("prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT)");
            _exit(EXIT_TOOL_FAILED);
        }
        if (write(STDOUT_FILENO, said, sizeof(said) - 1) < 0)
            syscall(SYS_exit, 1);
        syscall(SYS_getpid); /* not on the list: SIGKILL */
        syscall(SYS_exit, 0);
    }
    if (waitpid(child, &status, 0) < 0)
        return error_errno("waitpid");
    if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) {
        printf("getpid() in strict mode: the kernel killed the child with "
               "SIGKILL\n");
        return 0;
    }
    return error_msg("the child ended with status %#x: strict mode did not "
                     "stop it",
                     (unsigned)status);
}

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: %s [-v] (--profile FILE | --default) [--dump] "
            "[--strict-names] [--] CMD [ARG...]\n"
            "       %s [-v] --learn FILE [--] CMD [ARG...]\n"
            "       %s [-v] --strict-demo\n"
            "Run CMD under a seccomp filter.\n"
            "\n"
            "  --profile FILE   rules from FILE (format: see the lab sheet;\n"
            "                   text, at most 4096 rules)\n"
            "  --default        the built-in profile (what docker blocks "
            "that matters)\n"
            "  --dump           print the filter as pseudo-code and stop\n"
            "  --strict-names   an unknown system call name is an error\n"
            "                   (default: warn and skip it, as runc and crun "
            "do)\n"
            "  --learn FILE     run CMD traced; write the calls it made as "
            "an allowlist\n"
            "  --strict-demo    show SECCOMP_MODE_STRICT and its SIGKILL\n"
            "  --show-default   print the default profile's text\n"
            "  -v               trace every step\n"
            "  -h, --help       show this help\n",
            program_name, program_name, program_name);
}

static int parse_options(int argc, char **argv, struct options *opt)
{
    static const struct option longopts[] = {
        {"profile", required_argument, NULL, 'p'},
        {"default", no_argument, NULL, 'D'},
        {"dump", no_argument, NULL, 'd'},
        {"strict-names", no_argument, NULL, 'S'},
        {"learn", required_argument, NULL, 'l'},
        {"strict-demo", no_argument, NULL, 's'},
        {"show-default", no_argument, NULL, 'P'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;

    opterr = 0;
    while ((c = getopt_long(argc, argv, "+vh", longopts, NULL)) != -1) {
        switch (c) {
        case 'p':
            opt->profile = optarg;
            break;
        case 'D':
            opt->use_default = 1;
            break;
        case 'd':
            opt->dump = 1;
            break;
        case 'S':
            opt->unknown = UNKNOWN_ERROR;
            break;
        case 'l':
            opt->learn_out = optarg;
            break;
        case 's':
            opt->strict_demo = 1;
            break;
        case 'P':
            opt->show_default = 1;
            break;
        case 'v':
            trace_on = true;
            break;
        case 'h':
            usage(stdout);
            exit(0);
        default:
            return report_bad_option(argv);
        }
    }
    if (opt->show_default)
        return optind;
    if (opt->strict_demo + !!opt->learn_out +
            !!(opt->profile || opt->use_default) !=
        1)
        return error_msg("choose one of --profile/--default, --learn and "
                         "--strict-demo (see: %s --help)",
                         program_name);
    if (opt->profile && opt->use_default)
        return error_msg("--profile and --default: choose one");
    if (optind == argc && !opt->dump && !opt->strict_demo)
        return error_msg("no command given (see: %s --help)", program_name);
    return optind;
}

int main(int argc, char **argv)
{
    struct options opt = {0};
    scmp_filter_ctx filter;
    int first;

    set_program_name(argv[0]);
    first = parse_options(argc, argv, &opt);
    if (first < 0)
        return EXIT_USAGE;

    if (opt.show_default) {
        fputs(default_profile, stdout); /* a start for your own profile */
        return 0;
    }
    if (opt.strict_demo)
        return strict_demo() < 0 ? 1 : 0;
    if (opt.learn_out)
        return learn_profile(argv + first, opt.learn_out);

    /* 1. Rules into a filter (libseccomp compiles them to BPF). */
    filter = opt.use_default
                 ? filter_from_profile(default_profile, "the default profile",
                                       opt.unknown)
                 : filter_from_file(opt.profile, opt.unknown);
    if (!filter)
        return EXIT_USAGE;

    /* 2. --dump: show it, run nothing. */
    if (opt.dump) {
        fflush(stdout);
        int rc = filter_dump(filter, STDOUT_FILENO);
        seccomp_release(filter);
        return rc < 0 ? EXIT_TOOL_FAILED : 0;
    }

    /* 3. Load it into ourselves, then become CMD: the filter stays. */
    if (filter_load(filter) < 0) {
        seccomp_release(filter);
        return EXIT_TOOL_FAILED;
    }
    seccomp_release(filter);
    exec_command(argv + first);
}
