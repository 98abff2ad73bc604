/* 02-net-ns/netlink.h - links, addresses and routes over rtnetlink.
 *
 * What `ip link`, `ip addr` and `ip route` ask of the kernel, as functions
 * that netns (this chapter) and minictr (chapter 10) both call. Each sends
 * one rtnetlink request built with libmnl, waits for the kernel's answer
 * and, in trace mode, prints the message: type, flags, key attributes.
 *
 * A netlink socket belongs to the network namespace it was opened in, for
 * its whole life: to configure a device inside a namespace, open a socket
 * there (netlink_open_in_netns) and talk through it.
 *
 * Every function reports its own error and returns -1 (errno kept).
 */
#ifndef CTLAB_NETLINK_H
#define CTLAB_NETLINK_H

#include <net/if.h>
#include <netinet/in.h>
#include <stddef.h>

#include "parse.h"

/* The biggest answer the kernel sends in one read (a dump part). */
#define NETLINK_BUFFER_SIZE 32768

struct netlink {
    struct mnl_socket *socket;
    unsigned port;         /* our address on the bus (the kernel's is 0) */
    unsigned sequence;     /* of the last request: matches the answers */
    const char *where;     /* "host" or the namespace's name, for traces */
    char kernel_says[160]; /* the kernel's extended-ack text, if any */
    char buffer[NETLINK_BUFFER_SIZE];
};

/* Open and bind a NETLINK_ROUTE socket in the caller's network namespace.
 * NULL on failure (reported). */
struct netlink *netlink_open(const char *where);

/* The same, in the namespace NETNS_FD refers to: setns() there, open,
 * setns() back. The caller stays in its own namespace. */
struct netlink *netlink_open_in_netns(int netns_fd, const char *where);

/* Close and free; NULL is fine. */
void netlink_close(struct netlink *nl);

/* Refuse a name the kernel would refuse (dev_valid_name): empty, "." or
 * "..", 16 bytes or more (IFNAMSIZ counts the NUL), or holding '/', ':'
 * or a blank. WHAT names the option in the message. */
int check_interface_name(const char *what, const char *name);

/* Short, predictable veth names for namespace NETNS_NAME, whatever its
 * length: "ctlab-h-" and "ctlab-c-" followed by 7 hex digits of a hash of
 * the name (15 bytes, the most IFNAMSIZ allows). */
void veth_names_for(const char *netns_name, char host[IFNAMSIZ],
                    char peer[IFNAMSIZ]);

/* RTM_GETLINK: the index of link NAME (> 0) and, if KIND is not NULL,
 * its kind ("veth", "bridge"; "" for a physical device). -1 with errno
 * ENODEV when there is no such link; QUIET then prints nothing. */
int link_lookup(struct netlink *nl, const char *name, char *kind,
                size_t kind_size, int quiet);

/* RTM_NEWLINK with IFLA_INFO_KIND "veth": both ends, in this namespace,
 * or with PEER_NETNS_FD >= 0 the peer directly in that one. */
int create_veth_pair(struct netlink *nl, const char *name, const char *peer,
                     int peer_netns_fd);

/* RTM_NEWLINK with IFLA_INFO_KIND "bridge". */
int create_bridge(struct netlink *nl, const char *name);

/* RTM_NEWLINK with IFLA_NET_NS_FD: move link NAME into another namespace,
 * renamed to NEW_NAME there. */
int move_link_to_netns(struct netlink *nl, const char *name, int netns_fd,
                       const char *new_name);

/* RTM_NEWLINK with IFF_UP in ifi_change and ifi_flags. */
int set_link_up(struct netlink *nl, const char *name);

/* RTM_NEWLINK with IFLA_MASTER: plug link NAME into bridge MASTER. */
int set_link_master(struct netlink *nl, const char *name, const char *master);

/* RTM_NEWADDR: an IPv4 address with its prefix on link NAME. */
int add_ipv4_address(struct netlink *nl, const char *name,
                     const struct ipv4_cidr *address);

/* RTM_GETADDR dump: the first IPv4 address of link NAME. */
int first_ipv4_address(struct netlink *nl, const char *name,
                       struct ipv4_cidr *address);

/* RTM_NEWROUTE: 0.0.0.0/0 via GATEWAY in the main table. */
int add_default_route(struct netlink *nl, struct in_addr gateway);

/* RTM_DELLINK: delete link NAME (for a veth, both ends go). */
int delete_link(struct netlink *nl, const char *name);

/* One veth pair between this namespace and another, set up the way
 * `ip link add`, `ip link set netns`, `ip addr add`, `ip link set up` and
 * `ip route add default` do it together. */
struct veth_plan {
    const char *host_if;   /* the end that stays here */
    const char *peer_if;   /* the other end's name inside the namespace */
    const char *peer_temp; /* its name here, before it moves */
    int born_inside;       /* create the peer in the namespace: no move */
    int netns_fd;          /* the namespace it moves into */
    const char *netns_name;
    const struct ipv4_cidr *host_address; /* NULL: none (a bridge port) */
    const char *bridge;                   /* NULL: none; else enslave host_if */
    int bridge_index;                     /* the bridge's, if known (> 0) */
    struct ipv4_cidr peer_address;
    const struct in_addr *gateway; /* NULL: no default route */
};

/* Do all of it; on any failure delete what was made (deleting one end of
 * a veth deletes both, wherever the other end is) and return -1. */
int setup_veth_pair(struct netlink *host, const struct veth_plan *plan);

#endif
