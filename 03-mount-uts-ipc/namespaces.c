/* 03-mount-uts-ipc/namespaces.c - namespace table and mount propagation.
 *
 * A new mount namespace starts as a copy of its parent's mount table, and
 * each copied mount keeps its propagation type. On a systemd host "/" is
 * *shared*: mounts made under it in the copy appear in the parent too.
 * That is right for some services and wrong for a container, which is why
 * util-linux unshare, runc and every ctlab tool first make / private
 * (recursively) in the new namespace. See mount_namespaces(7).
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stddef.h>
#include <string.h>
#include <sys/mount.h>

#include "err.h"
#include "flags.h"
#include "namespaces.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080 /* Linux 5.6 */
#endif

const struct namespace_type namespace_types[] = {
    {CLONE_NEWUSER, "user", "user", 'U'},
    {CLONE_NEWCGROUP, "cgroup", "cgroup", 'C'},
    {CLONE_NEWIPC, "ipc", "ipc", 'i'},
    {CLONE_NEWUTS, "uts", "uts", 'u'},
    {CLONE_NEWNET, "net", "net", 'n'},
    {CLONE_NEWPID, "pid", "pid", 'p'},
    {CLONE_NEWNS, "mnt", "mnt", 'm'},
    {CLONE_NEWTIME, "time", "time", 'T'},
    {0, NULL, NULL, 0},
};

const struct namespace_type *namespace_by_name(const char *name)
{
    for (const struct namespace_type *t = namespace_types; t->name; t++)
        if (strcmp(t->name, name) == 0)
            return t;
    return NULL;
}

const struct namespace_type *namespace_by_option(int letter)
{
    for (const struct namespace_type *t = namespace_types; t->name; t++)
        if (t->option == letter)
            return t;
    return NULL;
}

static const struct {
    const char *name;
    unsigned long flag;
} propagation_modes[] = {
    [PROPAGATION_PRIVATE] = {"private", MS_PRIVATE},
    [PROPAGATION_SLAVE] = {"slave", MS_SLAVE},
    [PROPAGATION_SHARED] = {"shared", MS_SHARED},
    [PROPAGATION_UNCHANGED] = {"unchanged", 0},
};

int parse_propagation(const char *text, enum propagation *mode)
{
    for (int m = PROPAGATION_PRIVATE; m <= PROPAGATION_UNCHANGED; m++) {
        if (strcmp(text, propagation_modes[m].name) == 0) {
            *mode = (enum propagation)m;
            return 0;
        }
    }
    return -1;
}

int set_root_propagation(enum propagation mode)
{
    unsigned long flags = MS_REC | propagation_modes[mode].flag;
    char names[64];

    if (mode == PROPAGATION_UNCHANGED) {
        trace("propagation unchanged: mounts keep the types they were "
              "copied with");
        return 0;
    }
    trace("mount(NULL, \"/\", NULL, %s)",
          flags_to_string(mount_flag_names, flags, names, sizeof(names)));
    if (mount(NULL, "/", NULL, flags, NULL) < 0)
        return error_errno("make / %s: mount(NULL, \"/\", NULL, %s)",
                           propagation_modes[mode].name, names);
    return 0;
}
