/* 10-mini-container/spec.c - a container spec's life: made empty, freed
 * whole; see spec.h.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "spec.h"

void spec_init(struct ctr_spec *spec)
{
    memset(spec, 0, sizeof(*spec));
    spec->process.umask = -1;
    spec->uid_map.kind = "uid";
    spec->gid_map.kind = "gid";
}

static void free_strings(char **list)
{
    for (char **s = list; s && *s; s++)
        free(*s);
    free(list);
}

void spec_free(struct ctr_spec *spec)
{
    struct spec_process *p = &spec->process;

    free(spec->root);
    free_strings(p->args);
    free_strings(p->env);
    free(p->cwd);
    free(p->additional_gids);
    free(p->rlimits);
    free(spec->hostname);
    free(spec->domainname);
    for (int ns = 0; ns < SPEC_NS_COUNT; ns++)
        free(spec->namespaces[ns].path);
    for (int i = 0; i < spec->mount_count; i++) {
        free(spec->mounts[i].destination);
        free(spec->mounts[i].type);
        free(spec->mounts[i].source);
        free(spec->mounts[i].data);
    }
    free(spec->mounts);
    for (int i = 0; i < spec->device_count; i++)
        free(spec->devices[i].path);
    free(spec->devices);
    free_strings(spec->masked_paths);
    free_strings(spec->readonly_paths);
    for (int i = 0; i < spec->sysctl_count; i++) {
        free(spec->sysctls[i].key);
        free(spec->sysctls[i].value);
    }
    free(spec->sysctls);
    free(spec->cgroups_path);
    filter_profile_free(&spec->seccomp);
    for (int kind = 0; kind < HOOK_KIND_COUNT; kind++) {
        for (int i = 0; i < spec->hooks[kind].count; i++) {
            free(spec->hooks[kind].list[i].path);
            free_strings(spec->hooks[kind].list[i].args);
            free_strings(spec->hooks[kind].list[i].env);
        }
        free(spec->hooks[kind].list);
    }
    free_strings(spec->annotations);
    memset(spec, 0, sizeof(*spec));
}
