/* 09-caps/caps.c - show, decode and drop Linux capabilities.
 *
 *     ./caps show                 this process's five sets, as names
 *     ./caps decode 0x3000        like capsh --decode
 *     sudo ./caps run --drop ALL --add NET_BIND_SERVICE --user nobody -- CMD
 *
 * `caps run` is what a runtime does last before execve: keep the
 * capabilities the container should have and drop the others from every
 * set, the bounding set included, so that nothing (not a setuid-root
 * program, not a file capability) can bring them back.
 *
 * Read: capabilities(7), capsh(1), prctl(2), and LWN's "Inheriting
 * capabilities" (ambient capabilities, 2015).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "capabilities.h"
#include "err.h"
#include "exec.h"
#include "parse.h"

/* The five sets as /proc/PID/status spells them. */
static const struct {
    const char *field;
    const char *label;
} sets[] = {
    {"CapInh", "inheritable"}, {"CapPrm", "permitted"}, {"CapEff", "effective"},
    {"CapBnd", "bounding"},    {"CapAmb", "ambient"},
};

static int show(const char *pid)
{
    char path[64], line[256], names[1024];
    cap_mask masks[5] = {0};
    int no_new_privs = -1;
    FILE *status;

    snprintf(path, sizeof(path), "/proc/%s/status", pid);
    status = fopen(path, "re");
    if (!status)
        return error_errno("open %s", path);
    while (fgets(line, sizeof(line), status)) {
        for (size_t i = 0; i < 5; i++) {
            size_t length = strlen(sets[i].field);
            if (strncmp(line, sets[i].field, length) == 0 &&
                line[length] == ':')
                masks[i] = strtoull(line + length + 1, NULL, 16);
        }
        if (strncmp(line, "NoNewPrivs:", 11) == 0)
            no_new_privs = atoi(line + 11);
    }
    fclose(status);
    for (size_t i = 0; i < 5; i++)
        printf("%-12s %s\n", sets[i].label,
               cap_mask_to_names(masks[i], names, sizeof(names)));
    printf("%-12s %d\n", "no_new_privs", no_new_privs);
    /* Securebits are readable by the process itself only. */
    if (strcmp(pid, "self") == 0)
        printf("%-12s %#x\n", "securebits", prctl(PR_GET_SECUREBITS));
    return 0;
}

static int decode(const char *hex)
{
    char names[1024], *end;
    cap_mask mask;

    errno = 0;
    mask = strtoull(hex, &end, 16);
    if (errno || *end || end == hex)
        return error_msg("decode: '%s' is not a hex number", hex);
    printf("0x%016llx=%s\n", (unsigned long long)mask,
           mask ? cap_mask_to_names(mask, names, sizeof(names)) : "");
    return 0;
}

/* "1000", "1000:1000", "nobody", "nobody:nogroup" (gid default: the
 * user's primary group, or the uid). */
static int parse_user(const char *text, struct cap_plan *plan)
{
    char user[64];
    const char *colon = strchr(text, ':');
    unsigned long number;
    struct passwd *pw;

    snprintf(user, sizeof(user), "%.*s",
             (int)(colon ? (size_t)(colon - text) : strlen(text)), text);
    if (parse_ulong(user, 0xfffffffeUL, &number) == 0) {
        plan->uid = (uid_t)number;
        plan->gid = (gid_t)number;
    } else if ((pw = getpwnam(user))) {
        plan->uid = pw->pw_uid;
        plan->gid = pw->pw_gid;
    } else {
        return error_msg("--user %s: no such user", user);
    }
    if (colon && parse_ulong(colon + 1, 0xfffffffeUL, &number) < 0)
        return error_msg("--user %s: the group must be a number", text);
    if (colon)
        plan->gid = (gid_t)number;
    plan->change_user = 1;
    return 0;
}

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: %s show [PID]\n"
            "       %s decode HEX\n"
            "       %s [-v] run [--drop CAP|ALL]... [--add CAP]... [--user "
            "UID[:GID]]\n"
            "              [--ambient CAP]... [--no-new-privs] "
            "[--docker-default]\n"
            "              [--] CMD [ARG...]\n"
            "Show and drop Linux capabilities.\n"
            "\n"
            "  --drop CAP|ALL   remove from every set, bounding included\n"
            "  --add CAP        keep (after --drop ALL: the only ones kept)\n"
            "  --user U[:G]     run as this user; the kept capabilities "
            "stay,\n"
            "                   through ambient capabilities\n"
            "  --ambient CAP    raise in the ambient set (must be kept)\n"
            "  --no-new-privs   setuid programs and file capabilities add "
            "nothing\n"
            "  --docker-default keep only docker's 14 default capabilities\n"
            "  -v               trace every step\n"
            "CAP: a name as in capabilities(7), with or without CAP_ "
            "(NET_RAW).\n",
            program_name, program_name, program_name);
}

static int parse_run_options(int argc, char **argv, struct cap_plan *plan)
{
    static const struct option longopts[] = {
        {"drop", required_argument, NULL, 'd'},
        {"add", required_argument, NULL, 'a'},
        {"user", required_argument, NULL, 'u'},
        {"ambient", required_argument, NULL, 'A'},
        {"no-new-privs", no_argument, NULL, 'n'},
        {"docker-default", no_argument, NULL, 'D'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    cap_mask dropped = 0, added = 0, ambient = 0, keep;
    struct cap_plan docker_plan;
    int c, cap;

    optind = 0; /* a fresh getopt pass over the words after "run" */
    while ((c = getopt_long(argc, argv, "+vh", longopts, NULL)) != -1) {
        switch (c) {
        case 'd':
        case 'a':
        case 'A':
            if (c == 'd' && strcasecmp(optarg, "ALL") == 0) {
                dropped = all_caps();
                break;
            }
            cap = cap_parse(c == 'd'   ? "--drop"
                            : c == 'a' ? "--add"
                                       : "--ambient",
                            optarg);
            if (cap < 0)
                return -1;
            if (c == 'd')
                dropped |= CAP_BIT(cap);
            else if (c == 'a')
                added |= CAP_BIT(cap);
            else
                ambient |= CAP_BIT(cap);
            break;
        case 'u':
            if (parse_user(optarg, plan) < 0)
                return -1;
            break;
        case 'n':
            plan->no_new_privs = 1;
            break;
        case 'D': /* = --drop ALL --add each of docker's 14 */
            dropped = all_caps();
            for (const char *const *name = docker_default_caps; *name; name++)
                added |= CAP_BIT(cap_parse("--docker-default", *name));
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
    /* Start from what we have, take away, put back: docker's plan, one
     * set for bounding, permitted and effective. */
    keep = (cap_permitted_now() & ~dropped) | added;
    docker_plan = cap_plan_keeping(keep);
    plan->bounding = docker_plan.bounding;
    plan->permitted = docker_plan.permitted;
    plan->effective = docker_plan.effective;
    /* A non-root user loses every capability at execve unless it is
     * ambient: make the kept ones ambient, as the user asked to keep them.
     * Ambient ones must be inheritable too, and inheritable holds no more
     * than that (see capabilities.c, CVE-2022-29162). */
    plan->ambient = ambient;
    if (plan->change_user && plan->uid != 0)
        plan->ambient |= keep;
    plan->inheritable = plan->ambient;
    if (optind == argc)
        return error_msg("run: no command given (see: %s --help)",
                         program_name);
    return optind;
}

int main(int argc, char **argv)
{
    struct cap_plan plan = {0};
    int first;

    set_program_name(argv[0]);
    opterr = 0;
    /* 1. -v before the command word. */
    switch (take_leading_options(&argc, &argv, usage)) {
    case 0:
        return 0;
    case -1:
        return EXIT_USAGE;
    }

    /* 2. show and decode only read. */
    if (strcmp(argv[1], "show") == 0 && argc <= 3)
        return show(argc == 3 ? argv[2] : "self") < 0 ? 1 : 0;
    if (strcmp(argv[1], "decode") == 0 && argc == 3)
        return decode(argv[2]) < 0 ? EXIT_USAGE : 0;
    if (strcmp(argv[1], "run") != 0) {
        error_msg("unknown command '%s' (see: %s --help)", argv[1],
                  program_name);
        return EXIT_USAGE;
    }

    /* 3. run: the plan, applied just before exec. */
    first = parse_run_options(argc - 1, argv + 1, &plan);
    if (first < 0)
        return EXIT_USAGE;
    /* cap_apply() would refuse it too, in the words of the five sets;
     * say it in the words of our options. */
    if (plan.ambient & ~plan.permitted) {
        char names[1024];
        error_msg("--ambient %s: not kept in the permitted set (add it with "
                  "--add)",
                  cap_mask_to_names(plan.ambient & ~plan.permitted, names,
                                    sizeof(names)));
        return EXIT_TOOL_FAILED;
    }
    if (cap_apply(&plan) < 0)
        return EXIT_TOOL_FAILED;
    exec_command(argv + 1 + first);
}
