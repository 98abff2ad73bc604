/* 10-mini-container/spec.c - a container spec's "not given" and its
 * release; see spec.h.
 *
 * The spec owns every string and array it points to: both front ends
 * store each allocation in it at once, so on any error one spec_free()
 * releases everything read so far, and a failed read leaks nothing.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "spec.h"

void spec_process_init(struct spec_process *process)
{
    memset(process, 0, sizeof(*process));
    process->umask = -1; /* inherit minictr's */
}

void spec_init(struct ctr_spec *spec)
{
    memset(spec, 0, sizeof(*spec));
    spec_process_init(&spec->process);
    spec->uid_map.kind = "uid";
    spec->gid_map.kind = "gid";
    /* rootfs_propagation 0: the create path applies MS_PRIVATE|MS_REC.
     * namespaces[] all 0: none wanted. net NET_NONE, limits all 0: none. */
}

/* A NULL-terminated array of strings, and the strings. */
static void free_strings(char **strings)
{
    if (!strings)
        return;
    for (char **s = strings; *s; s++)
        free(*s);
    free(strings);
}

/* An array of COUNT strings (masked paths), not NULL-terminated. */
static void free_string_array(char **strings, int count)
{
    for (int i = 0; strings && i < count; i++)
        free(strings[i]);
    free(strings);
}

void spec_process_free(struct spec_process *process)
{
    free_strings(process->args);
    free_strings(process->env);
    free(process->cwd);
    free(process->additional_gids);
    free(process->rlimits);
    spec_process_init(process);
}

static void free_hooks(struct spec_hooks *hooks)
{
    for (int i = 0; hooks->list && i < hooks->count; i++) {
        free(hooks->list[i].path);
        free_strings(hooks->list[i].args);
        free_strings(hooks->list[i].env);
    }
    free(hooks->list);
}

void spec_free(struct ctr_spec *spec)
{
    free(spec->root);
    spec_process_free(&spec->process);
    free(spec->hostname);
    free(spec->domainname);
    for (int ns = 0; ns < SPEC_NS_COUNT; ns++)
        free(spec->namespaces[ns].path);
    for (int i = 0; spec->mounts && i < spec->mount_count; i++) {
        free(spec->mounts[i].destination);
        free(spec->mounts[i].type);
        free(spec->mounts[i].source);
        free(spec->mounts[i].data);
    }
    free(spec->mounts);
    for (int i = 0; spec->devices && i < spec->device_count; i++)
        free(spec->devices[i].path);
    free(spec->devices);
    free_string_array(spec->masked_paths, spec->masked_count);
    free_string_array(spec->readonly_paths, spec->readonly_count);
    for (int i = 0; spec->sysctls && i < spec->sysctl_count; i++) {
        free(spec->sysctls[i].key);
        free(spec->sysctls[i].value);
    }
    free(spec->sysctls);
    free(spec->cgroups_path);
    /* A profile half read is freed too: its pointers start NULL. */
    filter_profile_free(&spec->seccomp);
    for (int kind = 0; kind < HOOK_KIND_COUNT; kind++)
        free_hooks(&spec->hooks[kind]);
    free_strings(spec->annotations);
    spec_init(spec);
}
