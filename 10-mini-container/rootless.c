/* 10-mini-container/rootless.c - what minictr does differently when a
 * user runs it: a cgroup only where systemd delegated one, the id maps
 * (with newuidmap where /etc/subuid gives a range), and removal of what
 * the container's mapped ids own; see rootless.h.
 *
 * Read: user_namespaces(7), newuidmap(1), subuid(5), the kernel's
 * Documentation/admin-guide/cgroup-v2.rst ("Delegation").
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "process.h"
#include "rootless.h"
#include "state.h"
#include "userns.h"

/* --rootless: the nearest cgroup v2 directory above our own that is ours
 * (systemd's Delegate=yes chowns a subtree to the user): its path in
 * PARENT, or 0 if there is none. */
int find_delegated_cgroup(const struct cgroup_host *host, char *parent,
                          size_t size)
{
    char line[CG_PARENT_MAX], path[CG_PARENT_MAX + CG_MOUNT_MAX + 32], *slash;
    struct stat st;
    FILE *f;

    if (!host->v2_mount[0] || !(f = fopen("/proc/self/cgroup", "re")))
        return 0;
    while (fgets(line, sizeof(line), f) && strncmp(line, "0::", 3) != 0)
        ;
    fclose(f);
    if (strncmp(line, "0::/", 4) != 0)
        return 0;
    line[strcspn(line, "\n")] = '\0';
    snprintf(path, sizeof(path), "%s%s", host->v2_mount, line + 3);
    /* Our own cgroup has us in it: the no-internal-process rule keeps
     * controllers out of its children. Start one up. */
    while ((slash = strrchr(path, '/')) &&
           slash > path + strlen(host->v2_mount)) {
        char file[sizeof(path) + 32];
        *slash = '\0';
        snprintf(file, sizeof(file), "%s/cgroup.subtree_control", path);
        if (stat(path, &st) == 0 && st.st_uid == geteuid() &&
            access(file, W_OK) == 0 && strlen(path) < size) {
            memcpy(parent, path, strlen(path) + 1);
            return 1;
        }
    }
    return 0;
}

/* --rootless: map root inside to us; with newuidmap and a range of ours
 * in /etc/subuid, ids 1.. to that range too, so the image's other users
 * (and chown) work. */
int write_id_maps(pid_t child)
{
    static struct id_map uids, gids;

    if (geteuid() != 0 && access("/usr/bin/newuidmap", X_OK) == 0 &&
        subid_maps(&uids, &gids, 1) == 0)
        return run_id_helper("newuidmap", child, &uids) < 0 ||
                       run_id_helper("newgidmap", child, &gids) < 0
                   ? -1
                   : 0;
    trace("write /proc/%d/setgroups \"deny\", uid_map \"0 %d 1\", gid_map "
          "\"0 %d 1\"  <- one id: no newuidmap range for us",
          (int)child, (int)getuid(), (int)getgid());
    return map_root_to_ids(child, getuid(), getgid());
}

/* Files the container made as one of the subordinate ids are not ours on
 * the host: remove DIR from inside a user namespace with the same maps,
 * as `podman unshare rm` does. */
int remove_as_mapped_root(const char *dir)
{
    int go[2];
    char byte;
    pid_t child;

    if (geteuid() == 0)
        return state_remove(dir);
    if (pipe2(go, O_CLOEXEC) < 0)
        return error_errno("pipe2");
    child =
        clone_child(CLONE_NEWUSER, "to remove what the container's ids own");
    if (child < 0)
        return -1;
    if (child == 0) {
        close(go[1]);
        _exit(read(go[0], &byte, 1) == 1 && state_remove(dir) == 0 ? 0 : 1);
    }
    close(go[0]);
    if (write_id_maps(child) == 0 && write(go[1], "1", 1) == 1) {
        close(go[1]);
        return wait_for_exit_code(child) == 0 ? 0 : -1;
    }
    close(go[1]);
    wait_for_exit_code(child);
    return state_remove(dir);
}
