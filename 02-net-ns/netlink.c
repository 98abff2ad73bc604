/* 02-net-ns/netlink.c - links, addresses and routes over rtnetlink.
 *
 * `ip` is a netlink client: every `ip link add`, `ip addr add` or `ip route
 * add` becomes one message to the kernel on a NETLINK_ROUTE socket: a
 * struct nlmsghdr (type such as RTM_NEWLINK, flags such as NLM_F_CREATE), a
 * fixed header for the object (struct ifinfomsg for a link, ifaddrmsg for
 * an address, rtmsg for a route), then attributes (type-length-value, some
 * nested). The kernel answers with an error code, 0 being the
 * acknowledgement, and for a query with the objects themselves.
 *
 * libmnl writes the headers and attributes with the right alignment and
 * nesting; what goes into them stays visible here, one function a message.
 *
 * Read: rtnetlink(7), netlink(7), rtnetlink(3), ip-link(8), veth(4), and
 * libmnl's examples (examples/rtnl/ in its source).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "err.h"
#include "flags.h"
#include "netlink.h"

#ifndef NLM_F_ACK_TLVS
#define NLM_F_ACK_TLVS 0x200 /* Linux 4.12: extended ack attributes follow */
#define NLM_F_CAPPED   0x100 /* the request is not echoed in the error */
#endif

/* Names for trace lines. The flag bits 0x100-0x400 mean one thing in a
 * request that creates (NLM_F_REPLACE, EXCL, CREATE) and another in one
 * that reads (NLM_F_ROOT|NLM_F_MATCH = NLM_F_DUMP), hence two tables. */
// clang-format off
#define NAME(f) { .flag = (unsigned long)(f), .name = #f }
// clang-format on
static const struct flag_name new_flag_names[] = {
    NAME(NLM_F_REQUEST), NAME(NLM_F_ACK),     NAME(NLM_F_CREATE),
    NAME(NLM_F_EXCL),    NAME(NLM_F_REPLACE), {0, NULL},
};
static const struct flag_name get_flag_names[] = {
    NAME(NLM_F_REQUEST),
    NAME(NLM_F_ACK),
    NAME(NLM_F_DUMP),
    {0, NULL},
};

static const char *message_type_name(unsigned type)
{
    switch (type) {
    case RTM_NEWLINK:
        return "RTM_NEWLINK";
    case RTM_DELLINK:
        return "RTM_DELLINK";
    case RTM_GETLINK:
        return "RTM_GETLINK";
    case RTM_NEWADDR:
        return "RTM_NEWADDR";
    case RTM_GETADDR:
        return "RTM_GETADDR";
    case RTM_NEWROUTE:
        return "RTM_NEWROUTE";
    default:
        return "RTM_?";
    }
}

/* --- the socket ---------------------------------------------------------- */

struct netlink *netlink_open(const char *where)
{
    struct timeval patience = {.tv_sec = 5};
    struct netlink *nl = calloc(1, sizeof(*nl)); /* 32 KiB: not the stack */
    int one = 1;

    if (!nl) {
        error_errno("calloc");
        return NULL;
    }
    nl->where = where;
    nl->socket = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
    if (!nl->socket) {
        error_errno("socket(AF_NETLINK, NETLINK_ROUTE) in %s", where);
        free(nl);
        return NULL;
    }
    /* Ask for the kernel's reason in words, not only an errno:
     * "Invalid prefix for given prefix length" beats "Invalid argument".
     * Kernels before 4.12 lack it; the errno still comes. */
    mnl_socket_setsockopt(nl->socket, NETLINK_EXT_ACK, &one, sizeof(one));
    /* The kernel answers at once; never wait forever (the tools block
     * Ctrl-C while they work, so a hang could only be SIGKILLed). */
    setsockopt(mnl_socket_get_fd(nl->socket), SOL_SOCKET, SO_RCVTIMEO,
               &patience, sizeof(patience));
    if (mnl_socket_bind(nl->socket, 0, MNL_SOCKET_AUTOPID) < 0) {
        error_errno("bind netlink socket in %s", where);
        netlink_close(nl);
        return NULL;
    }
    nl->port = mnl_socket_get_portid(nl->socket);
    trace("%s: socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE) port %u", where,
          nl->port);
    return nl;
}

struct netlink *netlink_open_in_netns(int netns_fd, const char *where)
{
    struct netlink *nl = NULL;
    int home;

    /* The socket's namespace is the one its creator is in at socket()
     * time. Step in, open it, step back: afterwards this process runs in
     * its own namespace and talks to the other through the socket. */
    home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
    if (home < 0) {
        error_errno("open /proc/self/ns/net");
        return NULL;
    }
    trace("setns(%s, CLONE_NEWNET)", where);
    if (setns(netns_fd, CLONE_NEWNET) < 0) {
        error_errno("setns into network namespace %s", where);
        goto out;
    }
    nl = netlink_open(where);
    trace("setns(back to our own, CLONE_NEWNET)");
    if (setns(home, CLONE_NEWNET) < 0) {
        /* Carrying on in the wrong namespace would configure the wrong
         * devices: give up. */
        error_errno("setns back to our own network namespace");
        netlink_close(nl);
        nl = NULL;
    }
out:
    close(home);
    return nl;
}

void netlink_close(struct netlink *nl)
{
    if (!nl)
        return;
    if (nl->socket)
        mnl_socket_close(nl->socket);
    free(nl);
}

/* --- one request, its answers ---------------------------------------------
 */

/* One request in flight: every callback of mnl_cb_run2() gets the same
 * pointer, this, whether the message is data or control. */
struct exchange {
    struct netlink *nl;
    mnl_cb_t on_answer; /* for the objects a query returns; may be NULL */
    void *data;         /* on_answer's */
};

static int on_data_message(const struct nlmsghdr *nlh, void *data)
{
    const struct exchange *exchange = data;

    if (!exchange->on_answer)
        return MNL_CB_OK;
    return exchange->on_answer(nlh, exchange->data);
}

/* NLMSG_ERROR carries the answer: 0 for "done", else -errno, and with
 * NETLINK_EXT_ACK an attribute NLMSGERR_ATTR_MSG with the kernel's text. */
static int on_error_attribute(const struct nlattr *attr, void *data)
{
    struct netlink *nl = data;

    if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
        mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
        snprintf(nl->kernel_says, sizeof(nl->kernel_says), "%s",
                 mnl_attr_get_str(attr));
    return MNL_CB_OK;
}

static int on_error_message(const struct nlmsghdr *nlh, void *data)
{
    const struct exchange *exchange = data;
    const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
    unsigned offset = sizeof(*err);

    if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*err))) {
        errno = EBADMSG;
        return MNL_CB_ERROR;
    }
    if (err->error == 0)
        return MNL_CB_STOP; /* the acknowledgement */
    if (nlh->nlmsg_flags & NLM_F_ACK_TLVS) {
        /* Unless capped, our request is echoed before the attributes. */
        if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
            offset += err->msg.nlmsg_len - sizeof(struct nlmsghdr);
        mnl_attr_parse(nlh, offset, on_error_attribute, exchange->nl);
    }
    errno = -err->error;
    return MNL_CB_ERROR;
}

/* NLMSG_DONE ends a dump. */
static int on_done_message(const struct nlmsghdr *nlh, void *data)
{
    (void)nlh;
    (void)data;
    return MNL_CB_STOP;
}

/* Send the request NLH and read answers until the acknowledgement (or, for
 * a dump, NLMSG_DONE), handing each object to ON_ANSWER. WHAT describes the
 * key attributes for the trace line and the error message. QUIET_ERRNO: an
 * errno the caller handles itself, reported by nobody. */
static int talk(struct netlink *nl, struct nlmsghdr *nlh, const char *what,
                mnl_cb_t on_answer, void *data, int quiet_errno)
{
    /* Handlers for the control messages; given an array, libmnl uses
     * only these (so NLMSG_DONE needs one). It wants it non-const. */
    static mnl_cb_t controls[NLMSG_MIN_TYPE] = {
        [NLMSG_ERROR] = on_error_message,
        [NLMSG_DONE] = on_done_message,
    };
    struct exchange exchange = {nl, on_answer, data};
    const char *type = message_type_name(nlh->nlmsg_type);
    int is_get = (nlh->nlmsg_type & 3) == 2; /* RTM_GET* (rtnetlink.h) */
    int is_dump = is_get && (nlh->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
    char flags[128];
    ssize_t got;
    int rc;

    nlh->nlmsg_flags |= NLM_F_REQUEST;
    if (!is_dump)                      /* a dump ends with NLMSG_DONE instead */
        nlh->nlmsg_flags |= NLM_F_ACK; /* say when done, or why not */
    nlh->nlmsg_seq = ++nl->sequence;
    nl->kernel_says[0] = '\0';
    trace("%s: %s(%s) %s", nl->where, type,
          flags_to_string(is_get ? get_flag_names : new_flag_names,
                          nlh->nlmsg_flags, flags, sizeof(flags)),
          what);

    if (mnl_socket_sendto(nl->socket, nlh, nlh->nlmsg_len) < 0)
        return error_errno("send %s %s", type, what);
    do {
        got = mnl_socket_recvfrom(nl->socket, nl->buffer, sizeof(nl->buffer));
        if (got < 0)
            return error_errno("receive the answer to %s %s", type, what);
        rc = mnl_cb_run2(nl->buffer, (size_t)got, nl->sequence, nl->port,
                         on_data_message, &exchange, controls, NLMSG_MIN_TYPE);
    } while (rc > 0); /* MNL_CB_OK: more to read */

    if (rc < 0) {
        if (errno == quiet_errno)
            return -1;
        if (nl->kernel_says[0])
            return error_msg("%s %s in %s: %s (kernel: %s)", type, what,
                             nl->where, strerror(errno), nl->kernel_says);
        return error_errno("%s %s in %s", type, what, nl->where);
    }
    return 0;
}

/* Start a request: header, then the fixed part for its object. */
static struct nlmsghdr *start_request(struct netlink *nl, unsigned type,
                                      unsigned flags)
{
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(nl->buffer);

    nlh->nlmsg_type = (uint16_t)type;
    nlh->nlmsg_flags = (uint16_t)flags;
    return nlh;
}

static struct ifinfomsg *put_link_header(struct nlmsghdr *nlh, int index)
{
    struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

    ifi->ifi_family = AF_UNSPEC;
    ifi->ifi_index = index; /* 0: the kernel finds the link by IFLA_IFNAME */
    return ifi;
}

/* --- names ------------------------------------------------------------- */

int check_interface_name(const char *what, const char *name)
{
    size_t length = strlen(name);

    if (length == 0)
        return error_msg("%s: empty interface name", what);
    if (length >= IFNAMSIZ)
        return error_msg("%s: interface name '%s' is %zu bytes; the kernel "
                         "allows %d (IFNAMSIZ %d, with the final NUL)",
                         what, name, length, IFNAMSIZ - 1, IFNAMSIZ);
    if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0 ||
        strpbrk(name, "/: \t\n\v\f\r"))
        return error_msg("%s: interface name '%s' is not allowed (no '/', "
                         "':', blanks, '.' or '..')",
                         what, name);
    return 0;
}

void veth_names_for(const char *netns_name, char host[IFNAMSIZ],
                    char peer[IFNAMSIZ])
{
    uint32_t hash = 2166136261u; /* FNV-1a: short, and good enough here */

    for (const char *c = netns_name; *c; c++)
        hash = (hash ^ (unsigned char)*c) * 16777619u;
    snprintf(host, IFNAMSIZ, "ctlab-h-%07x", hash & 0xfffffff);
    snprintf(peer, IFNAMSIZ, "ctlab-c-%07x", hash & 0xfffffff);
}

/* --- links --------------------------------------------------------------- */

struct link_answer {
    int index;
    char *kind;
    size_t kind_size;
};

static int on_link_info(const struct nlattr *attr, void *data)
{
    struct link_answer *answer = data;

    if (mnl_attr_get_type(attr) == IFLA_INFO_KIND &&
        mnl_attr_validate(attr, MNL_TYPE_STRING) == 0)
        snprintf(answer->kind, answer->kind_size, "%.*s",
                 (int)mnl_attr_get_payload_len(attr),
                 (const char *)mnl_attr_get_payload(attr));
    return MNL_CB_OK;
}

static int on_link_attribute(const struct nlattr *attr, void *data)
{
    struct link_answer *answer = data;

    if (answer->kind && mnl_attr_get_type(attr) == IFLA_LINKINFO)
        mnl_attr_parse_nested(attr, on_link_info, data);
    return MNL_CB_OK;
}

static int on_link(const struct nlmsghdr *nlh, void *data)
{
    const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
    struct link_answer *answer = data;

    answer->index = ifi->ifi_index;
    return mnl_attr_parse(nlh, sizeof(*ifi), on_link_attribute, data);
}

int link_lookup(struct netlink *nl, const char *name, char *kind,
                size_t kind_size, int quiet)
{
    struct link_answer answer = {
        .index = 0, .kind = kind, .kind_size = kind_size};
    struct nlmsghdr *nlh = start_request(nl, RTM_GETLINK, 0);
    char what[64];

    if (kind)
        kind[0] = '\0';
    put_link_header(nlh, 0);
    mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
    snprintf(what, sizeof(what), "ifname=%s", name);
    if (talk(nl, nlh, what, on_link, &answer, ENODEV) < 0) {
        if (errno == ENODEV && !quiet)
            error_msg("no interface '%s' in %s", name, nl->where);
        else if (errno == ENODEV)
            trace("%s: no link '%s' (ENODEV)", nl->where, name);
        return -1;
    }
    trace("%s: '%s' is link %d%s%s", nl->where, name, answer.index,
          kind && kind[0] ? ", kind " : "", kind ? kind : "");
    return answer.index;
}

/* The RTM_NEWLINK of create_veth_pair(); with MASTER_INDEX > 0 also
 * IFLA_MASTER and IFF_UP for this end, so the kernel makes it a ready
 * bridge port in the same message (`ip link add ... master BR up`). The
 * peer cannot be up at birth: veth_open() wants its other end, which is
 * linked only after both are registered. */
static int new_veth(struct netlink *nl, const char *name, const char *peer,
                    int peer_netns_fd, int master_index)
{
    struct nlmsghdr *nlh =
        start_request(nl, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
    struct nlattr *linkinfo, *info_data, *peer_info;
    struct ifinfomsg *ifi;
    char what[160];
    int used;

    ifi = put_link_header(nlh, 0);
    if (master_index > 0)
        ifi->ifi_change = ifi->ifi_flags = IFF_UP;
    mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
    if (master_index > 0)
        mnl_attr_put_u32(nlh, IFLA_MASTER, (uint32_t)master_index);
    linkinfo = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
    mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
    info_data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
    /* The peer is described like a link of its own: an ifinfomsg, then
     * its attributes, inside VETH_INFO_PEER (drivers/net/veth.c). Its
     * own IFLA_NET_NS_FD makes it be born in that namespace. */
    peer_info = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
    put_link_header(nlh, 0); /* not IFF_UP: it has no peer yet (ENOTCONN) */
    mnl_attr_put_strz(nlh, IFLA_IFNAME, peer);
    if (peer_netns_fd >= 0)
        mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)peer_netns_fd);
    mnl_attr_nest_end(nlh, peer_info);
    mnl_attr_nest_end(nlh, info_data);
    mnl_attr_nest_end(nlh, linkinfo);

    used =
        snprintf(what, sizeof(what), "ifname=%s kind=veth peer=%s", name, peer);
    if (peer_netns_fd >= 0)
        used += snprintf(what + used, sizeof(what) - (size_t)used,
                         " peer_net_ns_fd=%d", peer_netns_fd);
    if (master_index > 0)
        snprintf(what + used, sizeof(what) - (size_t)used,
                 " master=%d flags=IFF_UP", master_index);
    return talk(nl, nlh, what, NULL, NULL, 0);
}

int create_veth_pair(struct netlink *nl, const char *name, const char *peer,
                     int peer_netns_fd)
{
    return new_veth(nl, name, peer, peer_netns_fd, 0);
}

int create_bridge(struct netlink *nl, const char *name)
{
    struct nlmsghdr *nlh =
        start_request(nl, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
    struct nlattr *linkinfo;
    char what[64];

    put_link_header(nlh, 0);
    mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
    linkinfo = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
    mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "bridge");
    mnl_attr_nest_end(nlh, linkinfo);

    snprintf(what, sizeof(what), "ifname=%s kind=bridge", name);
    return talk(nl, nlh, what, NULL, NULL, 0);
}

int move_link_to_netns(struct netlink *nl, const char *name, int netns_fd,
                       const char *new_name)
{
    int index = link_lookup(nl, name, NULL, 0, 0);
    struct nlmsghdr *nlh;
    char what[96];

    if (index < 0)
        return -1;
    nlh = start_request(nl, RTM_NEWLINK, 0);
    put_link_header(nlh, index);
    /* IFLA_NET_NS_FD names the target by an open namespace file, like
     * `ip link set NAME netns NS` does; IFLA_NET_NS_PID would name it by
     * a process in it. With ifi_index set, IFLA_IFNAME is the new name. */
    mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)netns_fd);
    mnl_attr_put_strz(nlh, IFLA_IFNAME, new_name);
    snprintf(what, sizeof(what), "index=%d net_ns_fd=%d ifname=%s", index,
             netns_fd, new_name);
    return talk(nl, nlh, what, NULL, NULL, 0);
}

int set_link_up(struct netlink *nl, const char *name)
{
    struct nlmsghdr *nlh = start_request(nl, RTM_NEWLINK, 0);
    struct ifinfomsg *ifi = put_link_header(nlh, 0);
    char what[64];

    /* ifi_change says which flags to touch, ifi_flags their new values. */
    ifi->ifi_change = IFF_UP;
    ifi->ifi_flags = IFF_UP;
    mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
    snprintf(what, sizeof(what), "ifname=%s flags=IFF_UP", name);
    return talk(nl, nlh, what, NULL, NULL, 0);
}

int set_link_master(struct netlink *nl, const char *name, const char *master)
{
    int master_index = link_lookup(nl, master, NULL, 0, 0);
    struct nlmsghdr *nlh;
    char what[96];

    if (master_index < 0)
        return -1;
    nlh = start_request(nl, RTM_NEWLINK, 0);
    put_link_header(nlh, 0);
    mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
    mnl_attr_put_u32(nlh, IFLA_MASTER, (uint32_t)master_index);
    snprintf(what, sizeof(what), "ifname=%s master=%d (%s)", name, master_index,
             master);
    return talk(nl, nlh, what, NULL, NULL, 0);
}

int delete_link(struct netlink *nl, const char *name)
{
    struct nlmsghdr *nlh = start_request(nl, RTM_DELLINK, 0);
    char what[64];

    put_link_header(nlh, 0);
    mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
    snprintf(what, sizeof(what), "ifname=%s", name);
    return talk(nl, nlh, what, NULL, NULL, 0);
}

/* --- addresses and routes ------------------------------------------------ */

int add_ipv4_address(struct netlink *nl, const char *name,
                     const struct ipv4_cidr *address)
{
    int index = link_lookup(nl, name, NULL, 0, 0);
    struct nlmsghdr *nlh;
    struct ifaddrmsg *ifa;
    char what[96];

    if (index < 0)
        return -1;
    nlh = start_request(nl, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL);
    ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
    ifa->ifa_family = AF_INET;
    ifa->ifa_prefixlen = (unsigned char)address->prefix;
    ifa->ifa_scope = RT_SCOPE_UNIVERSE;
    ifa->ifa_index = (unsigned)index;
    /* IFA_LOCAL is this host's address; IFA_ADDRESS the same on a
     * broadcast link (it differs only for point-to-point peers). The
     * kernel adds the prefix route, 10.200.0.0/24 dev NAME, itself. */
    mnl_attr_put(nlh, IFA_LOCAL, sizeof(address->address), &address->address);
    mnl_attr_put(nlh, IFA_ADDRESS, sizeof(address->address), &address->address);
    snprintf(what, sizeof(what), "index=%d (%s) local=%s/%u", index, name,
             inet_ntoa(address->address), address->prefix);
    return talk(nl, nlh, what, NULL, NULL, 0);
}

struct address_answer {
    unsigned index;
    int found;
    struct ipv4_cidr *address;
};

static int on_address_attribute(const struct nlattr *attr, void *data)
{
    struct address_answer *answer = data;

    if (!answer->found && mnl_attr_get_type(attr) == IFA_LOCAL &&
        mnl_attr_get_payload_len(attr) == sizeof(struct in_addr)) {
        memcpy(&answer->address->address, mnl_attr_get_payload(attr),
               sizeof(struct in_addr));
        answer->found = 1;
    }
    return MNL_CB_OK;
}

static int on_address(const struct nlmsghdr *nlh, void *data)
{
    const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
    struct address_answer *answer = data;

    /* A dump lists every address of the namespace: keep our link's. */
    if (ifa->ifa_index != answer->index || answer->found)
        return MNL_CB_OK;
    answer->address->prefix = ifa->ifa_prefixlen;
    return mnl_attr_parse(nlh, sizeof(*ifa), on_address_attribute, data);
}

int first_ipv4_address(struct netlink *nl, const char *name,
                       struct ipv4_cidr *address)
{
    int index = link_lookup(nl, name, NULL, 0, 0);
    struct address_answer answer = {.found = 0, .address = address};
    struct nlmsghdr *nlh;
    struct ifaddrmsg *ifa;

    if (index < 0)
        return -1;
    answer.index = (unsigned)index;
    nlh = start_request(nl, RTM_GETADDR, NLM_F_DUMP);
    ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
    ifa->ifa_family = AF_INET;
    if (talk(nl, nlh, "family=AF_INET", on_address, &answer, 0) < 0)
        return -1;
    if (!answer.found) {
        errno = EADDRNOTAVAIL;
        return error_msg("'%s' has no IPv4 address in %s", name, nl->where);
    }
    trace("%s: '%s' has %s/%u", nl->where, name, inet_ntoa(address->address),
          address->prefix);
    return 0;
}

int add_default_route(struct netlink *nl, struct in_addr gateway)
{
    struct nlmsghdr *nlh =
        start_request(nl, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL);
    struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
    char what[96];

    rtm->rtm_family = AF_INET;
    rtm->rtm_dst_len = 0; /* 0.0.0.0/0: everything */
    rtm->rtm_table = RT_TABLE_MAIN;
    rtm->rtm_protocol = RTPROT_BOOT; /* "added by an admin", as ip does */
    rtm->rtm_scope = RT_SCOPE_UNIVERSE;
    rtm->rtm_type = RTN_UNICAST;
    mnl_attr_put(nlh, RTA_GATEWAY, sizeof(gateway), &gateway);
    snprintf(what, sizeof(what), "dst=0.0.0.0/0 gateway=%s table=main",
             inet_ntoa(gateway));
    return talk(nl, nlh, what, NULL, NULL, 0);
}

/* --- a veth pair, end to end --------------------------------------------- */

/* The steps inside the namespace, through a socket opened there. */
static int configure_peer(struct netlink *inside, const struct veth_plan *plan)
{
    if (set_link_up(inside, "lo") < 0)
        return -1;
    if (add_ipv4_address(inside, plan->peer_if, &plan->peer_address) < 0)
        return -1;
    if (set_link_up(inside, plan->peer_if) < 0)
        return -1;
    if (plan->gateway && add_default_route(inside, *plan->gateway) < 0)
        return -1;
    return 0;
}

int setup_veth_pair(struct netlink *host, const struct veth_plan *plan)
{
    struct netlink *inside = NULL;
    int created = 0, rc = -1, master_index = 0;

    /* 0. Born inside a bridge's port: one message does 1 and 2. */
    if (plan->born_inside && plan->bridge &&
        (master_index = plan->bridge_index > 0
                            ? plan->bridge_index
                            : link_lookup(host, plan->bridge, NULL, 0, 0)) < 0)
        return -1;
    /* 1. The cable: `ip link add H type veth peer name P`, both ends
     * here; or with plan->born_inside, `... peer name eth0 netns NS`,
     * and with a bridge also `master BR up`. */
    if (new_veth(host, plan->host_if,
                 plan->born_inside ? plan->peer_if : plan->peer_temp,
                 plan->born_inside ? plan->netns_fd : -1, master_index) < 0)
        goto out;
    created = 1;
    /* 2. This end: a bridge port (`ip link set H master BR`) or an address
     * of its own (`ip addr add A dev H`); then `ip link set H up`. */
    if (plan->bridge && !master_index &&
        set_link_master(host, plan->host_if, plan->bridge) < 0)
        goto out;
    if (plan->host_address &&
        add_ipv4_address(host, plan->host_if, plan->host_address) < 0)
        goto out;
    if (!master_index && set_link_up(host, plan->host_if) < 0)
        goto out;
    /* 3. The other end moves: `ip link set P netns NS name eth0`. The
     * kernel unregisters the device here, waits until no CPU can still be
     * using it (RCU grace periods: most of this command's time), and
     * registers it there. Born inside, it skips all that. */
    if (!plan->born_inside &&
        move_link_to_netns(host, plan->peer_temp, plan->netns_fd,
                           plan->peer_if) < 0)
        goto out;
    /* 4. Inside: `ip netns exec NS ip link set lo up`, addr, up, route */
    inside = netlink_open_in_netns(plan->netns_fd, plan->netns_name);
    if (!inside)
        goto out;
    if (configure_peer(inside, plan) < 0)
        goto out;
    rc = 0;
out:
    netlink_close(inside);
    if (rc < 0 && created) {
        trace("undo: delete %s (its peer goes with it)", plan->host_if);
        delete_link(host, plan->host_if);
    }
    return rc;
}
