/* 03-mount-uts-ipc/utsns.c - run a command with its own hostname.
 *
 * The C version of `unshare --uts sh -c 'hostname NAME; CMD'`:
 *
 *     sudo ./utsns -v --hostname web1 -- hostname
 *
 * A UTS namespace holds the two names uname(2) reports besides the
 * kernel's own: the hostname and the NIS domain name ("UTS" is the
 * UNIX Time-sharing System structure they live in). After
 * unshare(CLONE_NEWUTS), sethostname(2) changes our copy only.
 *
 * Read: uts_namespaces(7), sethostname(2), setdomainname(2), uname(2).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "exec.h"
#include "userns.h"

/* The kernel's limit for both names (__NEW_UTS_LEN, without the NUL). */
#define UTS_NAME_MAX 64

struct options {
    const char *hostname;   /* NULL: keep the copied one */
    const char *domainname; /* NULL: keep the copied one */
};

/* Refuse a name the kernel would refuse, before touching anything. */
static int check_name(const char *option, const char *name)
{
    if (name[0] == '\0')
        return error_msg("%s: empty name", option);
    if (strlen(name) > UTS_NAME_MAX)
        return error_msg("%s: '%.20s...' is %zu bytes; the kernel allows %d",
                         option, name, strlen(name), UTS_NAME_MAX);
    return 0;
}

static int set_names(const struct options *opt)
{
    if (opt->hostname) {
        trace("sethostname(\"%s\")", opt->hostname);
        if (sethostname(opt->hostname, strlen(opt->hostname)) < 0)
            return error_errno("sethostname(\"%s\")", opt->hostname);
    }
    if (opt->domainname) {
        trace("setdomainname(\"%s\")", opt->domainname);
        if (setdomainname(opt->domainname, strlen(opt->domainname)) < 0)
            return error_errno("setdomainname(\"%s\")", opt->domainname);
    }
    return 0;
}

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: %s [-v] [--hostname NAME] [--domainname NAME] [--] CMD "
            "[ARG...]\n"
            "Run CMD in a new UTS namespace, with its own host and domain "
            "names.\n"
            "\n"
            "  --hostname NAME    at most 64 bytes\n"
            "  --domainname NAME  the NIS domain name, at most 64 bytes\n"
            "  -v                 trace every step on stderr\n"
            "  -h, --help         show this help\n",
            program_name);
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"hostname", required_argument, NULL, 'n'},
        {"domainname", required_argument, NULL, 'd'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct options opt = {NULL, NULL};
    int c;

    set_program_name(argv[0]);

    /* 1. Options; the names are checked before any system call. */
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+vh", longopts, NULL)) != -1) {
        switch (c) {
        case 'v':
            trace_on = true;
            break;
        case 'n':
            if (check_name("--hostname", optarg) < 0)
                return EXIT_USAGE;
            opt.hostname = optarg;
            break;
        case 'd':
            if (check_name("--domainname", optarg) < 0)
                return EXIT_USAGE;
            opt.domainname = optarg;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            report_bad_option(argv);
            return EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        error_msg("no command given (try: %s --hostname box -- sh)",
                  program_name);
        return EXIT_USAGE;
    }

    /* 2. Root, or root of a new user namespace. */
    if (become_root_if_needed("a UTS namespace") < 0)
        return EXIT_TOOL_FAILED;

    /* 3. Our own copy of the names... */
    trace("unshare(CLONE_NEWUTS)");
    if (unshare(CLONE_NEWUTS) < 0) {
        error_errno("unshare(CLONE_NEWUTS)");
        return EXIT_TOOL_FAILED;
    }

    /* 4. ...changed without the host noticing. */
    if (set_names(&opt) < 0)
        return EXIT_TOOL_FAILED;

    /* 5. Run the command. */
    exec_command(argv + optind);
}
