/* 10-mini-container/network.c - minictr's own network plan (--net
 * bridge): the container's eth0, the peer of a veth on the host's bridge
 * ctlab0, as docker0 does it; see network.h. An OCI bundle has no such
 * plan: its engine makes the network between create and start.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "err.h"
#include "netlink.h"
#include "network.h"
#include "parse.h"
#include "state.h"

#define BRIDGE_ADDRESS "10.200.0.1/16"

/* --- the address book: the ip files of the state directories --------- */

int network_lock(void)
{
    char path[4200];
    int fd;

    snprintf(path, sizeof(path), "%s/.ipam.lock", state_base());
    fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0 || flock(fd, LOCK_EX) < 0) {
        error_errno("lock %s", path);
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

/* Is ADDRESS recorded by another container? */
static int address_taken(const char *self, struct in_addr address)
{
    char dir[4200], text[64];
    struct dirent *entry;
    int taken = 0;
    DIR *d = opendir(state_base());

    if (!d)
        return 0;
    while (!taken && (entry = readdir(d))) {
        if (entry->d_name[0] == '.')
            continue;
        snprintf(dir, sizeof(dir), "%s/%s", state_base(), entry->d_name);
        if (strcmp(dir, self) == 0 || state_read(dir, "ip", text, sizeof(text)))
            continue;
        taken = strcmp(text, inet_ntoa(address)) == 0;
    }
    closedir(d);
    return taken;
}

int network_allocate_ip(const char *dir, const struct in_addr *wanted,
                        struct in_addr *address)
{
    int fd, rc = -1;

    /* One allocation at a time: a lock on the whole address book. */
    fd = network_lock();
    if (fd < 0)
        return -1;
    if (wanted) {
        if (address_taken(dir, *wanted)) {
            error_msg("--ip %s: already used by another container",
                      inet_ntoa(*wanted));
            goto out;
        }
        *address = *wanted;
    } else {
        uint32_t host;
        for (host = 2; host < 0xfffe; host++) {
            address->s_addr = htonl(0x0ac80000 | host); /* 10.200.x.y */
            if (!address_taken(dir, *address))
                break;
        }
        if (host == 0xfffe) {
            error_msg("no free address left in 10.200.0.0/16");
            goto out;
        }
    }
    rc = state_write(dir, "ip", inet_ntoa(*address));
out:
    close(fd);
    return rc;
}

/* --- the bridge and the veth -------------------------------------------- */

/* Bridge ctlab0 with 10.200.0.1/16, made on first use (docker0's way).
 * Returns its index. */
static int ensure_bridge(struct netlink *host)
{
    struct ipv4_cidr address;
    char kind[32];
    int index = link_lookup(host, BRIDGE, kind, sizeof(kind), 1);

    if (index > 0)
        return strcmp(kind, "bridge") == 0
                   ? index
                   : error_msg("'%s' exists and is not a bridge", BRIDGE);
    parse_ipv4_cidr(BRIDGE_ADDRESS, &address);
    if (create_bridge(host, BRIDGE) < 0 ||
        add_ipv4_address(host, BRIDGE, &address) < 0 ||
        set_link_up(host, BRIDGE) < 0)
        return -1;
    return link_lookup(host, BRIDGE, NULL, 0, 0);
}

/* The container's eth0, born inside its network namespace. */
int network_connect(const struct ctr_spec *spec, const char *name,
                    const char *state_dir, pid_t child)
{
    char netns_path[64], host_if[IFNAMSIZ], unused[IFNAMSIZ];
    char run_id[STATE_NAME_MAX + 16];
    int lock;
    struct in_addr gateway;
    struct veth_plan plan = {0};
    struct netlink *host;
    int rc = -1;

    host = netlink_open("host");
    if (!host)
        return -1;
    lock = network_lock(); /* one maker of ctlab0 */
    plan.bridge_index = lock < 0 ? -1 : ensure_bridge(host);
    if (lock >= 0)
        close(lock);
    if (plan.bridge_index < 0 ||
        network_allocate_ip(state_dir, spec->ip_given ? &spec->ip : NULL,
                            &plan.peer_address.address) < 0)
        goto out;
    plan.peer_address.prefix = 16;
    inet_pton(AF_INET, "10.200.0.1", &gateway);
    /* Named for this run, not just the name: the last run's veth may
     * still be on its way out (the kernel frees a dead namespace's
     * devices in the background), and a new run must not wait for it. */
    snprintf(run_id, sizeof(run_id), "%s/%d", name, (int)child);
    veth_names_for(run_id, host_if, unused);
    if (state_write(state_dir, "veth", host_if) < 0)
        goto out;
    snprintf(netns_path, sizeof(netns_path), "/proc/%d/ns/net", (int)child);
    plan.netns_fd = open(netns_path, O_RDONLY | O_CLOEXEC);
    if (plan.netns_fd < 0) {
        error_errno("open %s", netns_path);
        goto out;
    }
    plan.host_if = host_if;
    plan.peer_if = "eth0";
    plan.peer_temp = "eth0";
    plan.born_inside = 1;
    plan.netns_name = name;
    plan.bridge = BRIDGE;
    plan.gateway = &gateway;
    rc = setup_veth_pair(host, &plan);
    close(plan.netns_fd);
out:
    netlink_close(host);
    return rc;
}

int network_remove_bridge(void)
{
    struct netlink *host = netlink_open("host");
    int removed = 0;

    if (host && link_lookup(host, BRIDGE, NULL, 0, 1) > 0 &&
        delete_link(host, BRIDGE) == 0)
        removed = 1;
    netlink_close(host);
    return removed;
}
