/* 10-mini-container/oci_state.c - the end of the runtime-spec's
 * lifecycle, and what is asked of a container along the way:
 *
 *     state ID               the state as JSON (runtime.md, "State")
 *     kill [--all] ID [SIG]  a signal, SIGTERM unless told (runc's)
 *     delete [--force] ID    stopped -> gone; poststop hooks run
 *
 * and the hooks run outside the container, poststart (for start and run,
 * oci.c) and poststop.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "err.h"
#include "hooks.h"
#include "oci.h"
#include "oci_config.h"
#include "oci_lifecycle.h"
#include "process.h"
#include "state.h"
#include "verbs.h"

void oci_post_hooks_of(const struct ctr_spec *spec, const char *dir,
                       const char *id, enum spec_hook_kind kind, pid_t pid)
{
    char bundle[PATH_MAX], *state;

    if (!hooks_wanted(spec, kind))
        return;
    if (state_read(dir, "bundle", bundle, sizeof(bundle)) < 0)
        bundle[0] = '\0';
    state = hooks_state(
        spec, id, kind == HOOK_POSTSTART ? "running" : "stopped", pid, bundle);
    if (state && hooks_run(spec, kind, state) < 0)
        error_msg("warning: a %s hook failed; the container goes on",
                  kind == HOOK_POSTSTART ? "poststart" : "poststop");
    free(state);
}

void oci_post_hooks(const char *dir, const char *id, enum spec_hook_kind kind,
                    pid_t pid)
{
    char saved[PATH_MAX + 16];
    struct ctr_spec spec;

    snprintf(saved, sizeof(saved), "%s/config.json", dir);
    spec_init(&spec);
    if (oci_config_read_saved(saved, &spec) == 0)
        oci_post_hooks_of(&spec, dir, id, kind, pid);
    spec_free(&spec);
}

int oci_find_container(const char *id, char *dir, size_t size)
{
    snprintf(dir, size, "%s/%s", state_base(), id);
    if (access(dir, F_OK) < 0)
        return error_msg("container \"%s\" does not exist", id);
    return 0;
}

int oci_state(int argc, char **argv)
{
    struct oci_args a = {0};
    char dir[PATH_MAX], bundle[PATH_MAX], created[64], config[PATH_MAX + 16];
    struct ctr_spec spec;
    enum state_status status;
    const char *status_name;
    pid_t pid;

    if (oci_parse_args("state", argc, argv, 1, &a) < 0 ||
        oci_find_container(a.id, dir, sizeof(dir)) < 0)
        return 1;
    status = state_status(dir, &pid);
    status_name = state_status_names[status];
    if (status == STATUS_RUNNING && state_read(dir, "paused", created, 8) == 0)
        status_name = "paused"; /* runc's word for a frozen one */
    if (state_read(dir, "bundle", bundle, sizeof(bundle)) < 0)
        bundle[0] = '\0';
    if (state_read(dir, "created", created, sizeof(created)) < 0)
        created[0] = '\0';
    snprintf(config, sizeof(config), "%s/config.json", dir);
    spec_init(&spec);
    if (access(config, F_OK) == 0 && oci_config_read(config, bundle, &spec) < 0)
        return 1;
    printf("{\n  \"ociVersion\": \"%s\",\n  \"id\": \"%s\",\n  \"pid\": %d,\n"
           "  \"status\": \"%s\",\n  \"bundle\": \"%s\",\n"
           "  \"rootfs\": \"%s\",\n  \"created\": \"%s\",\n"
           "  \"owner\": \"\"",
           OCI_VERSION, a.id, status == STATUS_STOPPED ? 0 : (int)pid,
           status_name, bundle, spec.root ? spec.root : "", created);
    for (int i = 0; spec.annotations && spec.annotations[i]; i += 2)
        printf("%s\n    \"%s\": \"%s\"", i ? "," : ",\n  \"annotations\": {",
               spec.annotations[i], spec.annotations[i + 1]);
    printf("%s\n}\n", spec.annotations && spec.annotations[0] ? "\n  }" : "");
    spec_free(&spec);
    return 0;
}

int oci_kill(int argc, char **argv)
{
    struct oci_args a = {0};
    char dir[PATH_MAX];
    enum state_status status;
    int sig = SIGTERM;
    pid_t pid;

    if (oci_parse_args("kill", argc, argv, 1, &a) < 0)
        return 1;
    if (a.rest_count > 1)
        return error_msg("kill: one signal at most"), 1;
    if (a.rest_count == 1 && (sig = parse_signal(a.rest[0])) < 0)
        return error_msg("kill: signal '%s': want a number 1-%d or a name "
                         "(TERM, SIGTERM)",
                         a.rest[0], SIGRTMAX),
               1;
    if (oci_find_container(a.id, dir, sizeof(dir)) < 0)
        return 1;
    status = state_status(dir, &pid);
    if (status != STATUS_CREATED && status != STATUS_RUNNING)
        return error_msg("cannot kill container \"%s\": it is %s", a.id,
                         state_status_names[status]),
               1;
    if (a.all && signal_all_processes(dir, a.id, sig) < 0)
        return 1;
    return signal_container(a.id, sig, 0);
}

int oci_delete(int argc, char **argv)
{
    struct oci_args a = {0};
    char dir[PATH_MAX];
    enum state_status status;
    pid_t pid;

    if (oci_parse_args("delete", argc, argv, 1, &a) < 0)
        return 1;
    snprintf(dir, sizeof(dir), "%s/%s", state_base(), a.id);
    if (access(dir, F_OK) < 0) /* containerd deletes twice: fine */
        return a.force
                   ? 0
                   : (error_msg("container \"%s\" does not exist", a.id), 1);
    status = state_status(dir, &pid);
    /* The spec: deleting a container that is not stopped MUST fail and
     * change nothing (runc and crun delete a created one anyway). */
    if (status != STATUS_STOPPED && !a.force)
        return error_msg("cannot delete container \"%s\": it is %s (stop "
                         "it first, or delete --force)",
                         a.id, state_status_names[status]),
               1;
    /* poststop needs the saved spec: before the state goes. */
    if (delete_container(dir, a.id, oci_post_hooks) < 0)
        return 1;
    return 0;
}
