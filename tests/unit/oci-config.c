/* tests/unit/oci-config.c - drives minictr's OCI front end and writer
 * (10-mini-container/oci_config.h) on files, for tests/11-oci-config.bats.
 *
 *   oci-config [-v] read CONFIG [BUNDLE]   read config.json, write it back
 *   oci-config [-v] saved CONFIG           the same, as minictr's own copy
 *   oci-config [-v] process P.json         read a process.json, write it
 *   oci-config [-v] seccomp CONFIG [BUNDLE]  compile its linux.seccomp
 *                                          with chapter 08's filter_from_rules
 *   oci-config features                    the features document
 *
 * Exit 0 with the JSON on stdout; 1 with the one error line on stderr;
 * 2 on bad usage. -v turns trace mode on (fields ignored with a trace).
 */
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "oci_config.h"
#include "spec.h"

static int read_config(const char *path, const char *bundle, int saved)
{
    struct ctr_spec spec;
    int rc;

    spec_init(&spec);
    rc = saved ? oci_config_read_saved(path, &spec)
               : oci_config_read(path, bundle, &spec);
    if (rc == 0)
        rc = oci_config_write(&spec, stdout);
    spec_free(&spec);
    return rc < 0 ? 1 : 0;
}

/* The profile as read, compiled: what the create path will load. */
static int compile_seccomp(const char *path, const char *bundle)
{
    struct ctr_spec spec;
    scmp_filter_ctx filter = NULL;

    spec_init(&spec);
    if (oci_config_read(path, bundle, &spec) == 0 && spec.has_seccomp)
        filter = filter_from_rules(&spec.seccomp, UNKNOWN_SKIP);
    if (filter) {
        printf("%d rules compiled\n", spec.seccomp.rule_count);
        seccomp_release(filter);
    }
    spec_free(&spec);
    return filter ? 0 : 1;
}

static int read_process(const char *path)
{
    struct spec_process process;
    int rc;

    spec_process_init(&process);
    rc = oci_process_read(path, &process);
    if (rc == 0)
        rc = oci_process_write(&process, stdout);
    spec_process_free(&process);
    return rc < 0 ? 1 : 0;
}

int main(int argc, char **argv)
{
    set_program_name(argv[0]);
    if (argc > 1 && strcmp(argv[1], "-v") == 0) {
        trace_on = true;
        argv++;
        argc--;
    }
    if ((argc == 3 || argc == 4) && strcmp(argv[1], "read") == 0)
        return read_config(argv[2], argc == 4 ? argv[3] : NULL, 0);
    if (argc == 3 && strcmp(argv[1], "saved") == 0)
        return read_config(argv[2], NULL, 1);
    if (argc == 3 && strcmp(argv[1], "process") == 0)
        return read_process(argv[2]);
    if ((argc == 3 || argc == 4) && strcmp(argv[1], "seccomp") == 0)
        return compile_seccomp(argv[2], argc == 4 ? argv[3] : NULL);
    if (argc == 2 && strcmp(argv[1], "features") == 0)
        return oci_features_write(stdout) < 0 ? 1 : 0;
    fprintf(stderr, "usage: oci-config [-v] read CONFIG [BUNDLE] | saved "
                    "CONFIG | process P.json | seccomp CONFIG [BUNDLE] | "
                    "features\n");
    return 2;
}
