/* tests/unit/test-caps.c - apply a capability plan whose five sets are
 * given one by one, as an OCI config.json's process.capabilities gives
 * them, and show what the kernel then holds.
 *
 *   test-caps [-v] [-u UID:GID] BOUNDING PERMITTED EFFECTIVE INHERITABLE
 *             AMBIENT [CMD [ARG...]]
 *
 * Each set is a hex mask (capsh --decode spells them). cap_apply() is
 * called with that plan (and a switch to UID:GID with -u); then, without
 * CMD, the five Cap lines of /proc/self/status are printed as the kernel
 * reports them, before any execve changes them; with CMD, CMD is run
 * (execve applies its rules, capabilities(7)). Exit 125 when cap_apply()
 * refuses the plan (its message on stderr).
 *
 * `caps run` cannot make these plans: its --drop and --add keep one set
 * for bounding, permitted and effective, as docker does.
 * tests/09-caps.bats drives it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capabilities.h"
#include "err.h"

/* Print the Cap* lines of /proc/self/status. */
static int print_sets(void)
{
    char line[256];
    FILE *status = fopen("/proc/self/status", "re");

    if (!status)
        return error_errno("open /proc/self/status");
    while (fgets(line, sizeof(line), status))
        if (strncmp(line, "Cap", 3) == 0)
            fputs(line, stdout);
    fclose(status);
    return 0;
}

int main(int argc, char **argv)
{
    struct cap_plan plan = {0};
    cap_mask *sets[] = {&plan.bounding, &plan.permitted, &plan.effective,
                        &plan.inheritable, &plan.ambient};
    unsigned uid, gid;
    int c;

    set_program_name(argv[0]);
    while ((c = getopt(argc, argv, "+vu:")) != -1) {
        if (c == 'v') {
            trace_on = true;
        } else if (c == 'u' && sscanf(optarg, "%u:%u", &uid, &gid) == 2) {
            plan.change_user = 1;
            plan.uid = uid;
            plan.gid = gid;
        } else {
            fprintf(stderr, "usage: test-caps [-v] [-u UID:GID] BOUNDING "
                            "PERMITTED EFFECTIVE INHERITABLE AMBIENT "
                            "[CMD...]\n");
            return EXIT_USAGE;
        }
    }
    if (argc - optind < 5) {
        error_msg("want five hex masks (see the header of test-caps.c)");
        return EXIT_USAGE;
    }
    for (int i = 0; i < 5; i++)
        *sets[i] = strtoull(argv[optind + i], NULL, 16);

    if (cap_apply(&plan) < 0)
        return EXIT_TOOL_FAILED;
    if (argc - optind == 5)
        return print_sets() < 0 ? 1 : 0;
    fflush(stdout);
    execvp(argv[optind + 5], argv + optind + 5);
    error_errno("exec %s", argv[optind + 5]);
    return exit_code_from_exec_errno(errno);
}
