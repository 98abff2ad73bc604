/* doctor/doctor.c - the first thing a student runs: `make doctor`.
 *
 * Prints one line per kernel feature the labs use -- OK, WARN or FAIL with
 * a hint -- and exits 0 when everything the labs need is there, 1 when
 * something is missing. Run it as root to check everything; as a user it
 * shows what works rootless. See checks.c for how each item is tried.
 */
#include <stdio.h>
#include <string.h>

#include "checks.h"
#include "err.h"

int main(int argc, char **argv)
{
    int failures;

    set_program_name(argv[0]);
    if (argc > 1) {
        if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
            printf("Usage: %s\nCheck what this machine supports for the "
                   "ctlab labs.\n",
                   program_name);
            return 0;
        }
        error_msg("takes no arguments (see: %s --help)", program_name);
        return EXIT_USAGE;
    }
    failures = doctor_run();
    printf("\n%s\n", failures ? "Some labs cannot run here: see FAIL above."
                              : "Everything the labs need is here.");
    return failures ? 1 : 0;
}
