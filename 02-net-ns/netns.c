/* 02-net-ns/netns.c - named network namespaces, veth pairs and bridges.
 *
 * The C version of `ip netns`, `ip link add ... type veth`, `ip addr`,
 * `ip route` and a docker0-style bridge, without running `ip`:
 *
 *     sudo ./netns add ctlab1
 *     sudo ./netns -v veth ctlab1 --host 10.200.0.1/24 --peer 10.200.0.2/24
 *     sudo ./netns exec ctlab1 ip addr
 *     sudo ./netns del ctlab1
 *
 * A network namespace is a whole network stack: devices, addresses,
 * routes, firewall rules, sockets. A new one has only a loopback device,
 * down. It lives while something refers to it: a process inside, an open
 * /proc/PID/ns/net file, or a bind mount of that file. `ip netns add`
 * names a namespace with such a bind mount under /run/netns, so it
 * outlives the process that made it; this tool does exactly the same, so
 * the two interoperate.
 *
 * A veth pair is a virtual cable: what goes in one end comes out of the
 * other. Put one end in the namespace and keep the other here (or plug it
 * into a bridge, a virtual switch) and the namespace is on a network.
 * The link, address and route work is in netlink.c; this file is the
 * command line and the namespace files.
 *
 * Read: network_namespaces(7), ip-netns(8), veth(4), setns(2).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "err.h"
#include "exec.h"
#include "netlink.h"
#include "parse.h"

/* Where `ip netns` keeps its names (iproute2's NETNS_RUN_DIR). */
#define NETNS_DIR "/run/netns"

/* --- named namespaces ---------------------------------------------------- */

/* The name becomes a file name in NETNS_DIR: no '/', no "." or "..". */
static int check_netns_name(const char *name)
{
    if (name[0] == '\0')
        return error_msg("empty namespace name");
    if (strchr(name, '/') || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
        return error_msg("namespace name '%s' is not allowed (no '/', '.' "
                         "or '..': it becomes a file in " NETNS_DIR ")",
                         name);
    if (strlen(name) > 200)
        return error_msg("namespace name '%.20s...' is too long", name);
    return 0;
}

static void netns_path(const char *name, char *path, size_t size)
{
    snprintf(path, size, NETNS_DIR "/%s", name);
}

/* Make NETNS_DIR a mount point with shared propagation, as ip does. A pin
 * is a mount; mount namespaces made later (ip netns exec, a container)
 * get copies of it. Shared propagation lets a later `del` reach those
 * copies too, so the namespace can really go away. */
static int make_netns_dir_shared(void)
{
    if (mkdir(NETNS_DIR, 0755) < 0 && errno != EEXIST)
        return error_errno("mkdir %s", NETNS_DIR);
    trace("mount(NULL, \"%s\", NULL, MS_SHARED|MS_REC)", NETNS_DIR);
    if (mount(NULL, NETNS_DIR, NULL, MS_SHARED | MS_REC, NULL) == 0)
        return 0;
    if (errno != EINVAL) /* EINVAL: not a mount point yet */
        return error_errno("make %s shared", NETNS_DIR);
    trace("mount(\"%s\", \"%s\", NULL, MS_BIND|MS_REC)  (now a mount point)",
          NETNS_DIR, NETNS_DIR);
    if (mount(NETNS_DIR, NETNS_DIR, NULL, MS_BIND | MS_REC, NULL) < 0)
        return error_errno("bind-mount %s on itself", NETNS_DIR);
    trace("mount(NULL, \"%s\", NULL, MS_SHARED|MS_REC)", NETNS_DIR);
    if (mount(NULL, NETNS_DIR, NULL, MS_SHARED | MS_REC, NULL) < 0)
        return error_errno("make %s shared", NETNS_DIR);
    return 0;
}

/* `ip netns add NAME`: an empty file, a new namespace, and a bind mount of
 * /proc/self/ns/net on the file that keeps the namespace alive. */
static int add_netns(const char *name)
{
    char path[256];
    int fd;

    netns_path(name, path, sizeof(path));
    if (make_netns_dir_shared() < 0)
        return -1;
    trace("open(\"%s\", O_CREAT|O_EXCL)", path);
    fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
    if (fd < 0) {
        if (errno == EEXIST)
            return error_msg("network namespace '%s' already exists (%s)", name,
                             path);
        return error_errno("create %s", path);
    }
    close(fd);
    /* Only this process moves into the new namespace, and it exits soon:
     * the bind mount is what keeps the namespace. */
    trace("unshare(CLONE_NEWNET)");
    if (unshare(CLONE_NEWNET) < 0) {
        error_errno("unshare(CLONE_NEWNET)");
        goto undo;
    }
    trace("mount(\"/proc/self/ns/net\", \"%s\", NULL, MS_BIND)", path);
    if (mount("/proc/self/ns/net", path, NULL, MS_BIND, NULL) < 0) {
        error_errno("bind-mount /proc/self/ns/net on %s", path);
        goto undo;
    }
    return 0;
undo:
    unlink(path);
    return -1;
}

/* `ip netns del NAME`: unmount the pin (MNT_DETACH: even while a process
 * has the file open) and remove the file. Devices in the namespace are
 * freed by the kernel once nothing else holds it. */
static int delete_netns(const char *name)
{
    char path[256];
    struct stat st;

    netns_path(name, path, sizeof(path));
    if (lstat(path, &st) < 0) {
        if (errno == ENOENT)
            return error_msg("no network namespace '%s' (%s does not exist)",
                             name, path);
        return error_errno("stat %s", path);
    }
    trace("umount2(\"%s\", MNT_DETACH)", path);
    if (umount2(path, MNT_DETACH) < 0 && errno != EINVAL)
        return error_errno("unmount %s", path);
    trace("unlink(\"%s\")", path);
    if (unlink(path) < 0)
        return error_errno("remove %s", path);
    return 0;
}

static int list_netns(void)
{
    struct dirent **names;
    int count = scandir(NETNS_DIR, &names, NULL, alphasort);

    if (count < 0)
        return errno == ENOENT ? 0 : error_errno("read %s", NETNS_DIR);
    for (int i = 0; i < count; i++) {
        if (names[i]->d_name[0] != '.')
            printf("%s\n", names[i]->d_name);
        free(names[i]);
    }
    free(names);
    return 0;
}

/* An open file for namespace NAME: what setns(2) and IFLA_NET_NS_FD take. */
static int open_netns(const char *name)
{
    char path[256];
    int fd;

    netns_path(name, path, sizeof(path));
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return error_msg("no network namespace '%s' (create it with: "
                             "netns add %s)",
                             name, name);
        return error_errno("open %s", path);
    }
    return fd;
}

/* `ip netns exec NAME CMD`: join the namespace, then give CMD a /sys of
 * its own. sysfs shows the devices of the namespace it was mounted from,
 * so the old /sys would list the host's interfaces. Remounting it needs a
 * private mount namespace, made a slave so the host's mounts still appear
 * but ours never leak back. */
static int enter_netns(const char *name)
{
    struct statvfs sys;
    unsigned long sys_flags = 0;
    int fd = open_netns(name);

    if (fd < 0)
        return -1;
    trace("setns(%s, CLONE_NEWNET)", name);
    if (setns(fd, CLONE_NEWNET) < 0) {
        error_errno("setns into network namespace '%s'", name);
        close(fd);
        return -1;
    }
    close(fd);
    trace("unshare(CLONE_NEWNS)");
    if (unshare(CLONE_NEWNS) < 0)
        return error_errno("unshare(CLONE_NEWNS)");
    trace("mount(NULL, \"/\", NULL, MS_SLAVE|MS_REC)");
    if (mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) < 0)
        return error_errno("make / a slave mount");
    if (statvfs("/sys", &sys) == 0 && (sys.f_flag & ST_RDONLY))
        sys_flags = MS_RDONLY;
    trace("umount2(\"/sys\", MNT_DETACH)");
    if (umount2("/sys", MNT_DETACH) < 0 && errno != EINVAL)
        return error_errno("unmount /sys");
    trace("mount(\"%s\", \"/sys\", \"sysfs\", %s)", name,
          sys_flags ? "MS_RDONLY" : "0");
    if (mount(name, "/sys", "sysfs", sys_flags, NULL) < 0)
        return error_errno("mount sysfs on /sys");
    return 0;
}

/* --- veth pairs and bridges --------------------------------------------- */

static int parse_address_option(const char *option, const char *text,
                                struct ipv4_cidr *cidr)
{
    if (parse_ipv4_cidr(text, cidr) < 0)
        return error_msg("%s '%s': not an IPv4 address with a prefix, like "
                         "10.200.0.2/24 (four numbers 0-255, prefix 1-32)",
                         option, text);
    return 0;
}

/* Fail early and clearly when a name is taken, rather than with the
 * kernel's bare "File exists" half-way through. */
static int check_link_free(struct netlink *nl, const char *name,
                           const char *option)
{
    if (link_lookup(nl, name, NULL, 0, 1) > 0)
        return error_msg("interface '%s' already exists in %s (remove it, or "
                         "choose another name with %s)",
                         name, nl->where, option);
    return errno == ENODEV ? 0 : -1;
}

/* What `veth` and `attach` were asked for. */
struct veth_request {
    const char *netns_name;
    const char *bridge;    /* attach only */
    const char *host_if;   /* --host-if, default ctlab-h-HASH */
    const char *peer_if;   /* --peer-if, default eth0 */
    const char *host_text; /* --host (veth only) */
    const char *peer_text; /* --peer */
    int gateway;           /* --gateway */
    int born_inside;       /* --born-inside */
};

static int connect_netns(const struct veth_request *req)
{
    char default_host[IFNAMSIZ], peer_temp[IFNAMSIZ], kind[32];
    struct ipv4_cidr host_address, gateway;
    struct veth_plan plan = {0};
    struct netlink *host = NULL;
    int rc = -1;

    /* 1. Check everything before changing anything. */
    if (check_netns_name(req->netns_name) < 0)
        return -1;
    veth_names_for(req->netns_name, default_host, peer_temp);
    plan.netns_name = req->netns_name;
    plan.host_if = req->host_if ? req->host_if : default_host;
    plan.peer_if = req->peer_if ? req->peer_if : "eth0";
    plan.peer_temp = peer_temp;
    plan.bridge = req->bridge;
    plan.born_inside = req->born_inside;
    if (check_interface_name("--host-if", plan.host_if) < 0 ||
        check_interface_name("--peer-if", plan.peer_if) < 0)
        return -1;
    if (!req->peer_text)
        return error_msg("--peer IP/PREFIX is required");
    if (parse_address_option("--peer", req->peer_text, &plan.peer_address))
        return -1;
    if (!req->bridge) {
        if (!req->host_text)
            return error_msg("--host IP/PREFIX is required");
        if (parse_address_option("--host", req->host_text, &host_address) < 0)
            return -1;
        plan.host_address = &host_address;
    }

    plan.netns_fd = open_netns(req->netns_name);
    if (plan.netns_fd < 0)
        return -1;
    host = netlink_open("host");
    if (!host)
        goto out;
    if (check_link_free(host, plan.host_if, "--host-if") < 0 ||
        check_link_free(host, plan.peer_temp, "--host-if") < 0)
        goto out;

    /* 2. The gateway: our end of the cable, or the bridge's address. */
    if (req->bridge) {
        if (link_lookup(host, req->bridge, kind, sizeof(kind), 0) < 0)
            goto out;
        if (strcmp(kind, "bridge") != 0) {
            error_msg("'%s' is not a bridge (its kind is '%s')", req->bridge,
                      kind);
            goto out;
        }
        if (req->gateway) {
            if (first_ipv4_address(host, req->bridge, &gateway) < 0)
                goto out;
            plan.gateway = &gateway.address;
        }
    } else if (req->gateway) {
        plan.gateway = &host_address.address;
    }

    /* 3. Cable, addresses, links up, route (netlink.c). */
    rc = setup_veth_pair(host, &plan);
out:
    netlink_close(host);
    close(plan.netns_fd);
    return rc;
}

static int add_bridge(const char *name, const char *address_text)
{
    struct ipv4_cidr address;
    struct netlink *nl;
    int rc = -1;

    if (check_interface_name("bridge", name) < 0 ||
        parse_address_option("bridge address", address_text, &address) < 0)
        return -1;
    nl = netlink_open("host");
    if (!nl)
        return -1;
    /* `ip link add BR type bridge; ip addr add A dev BR; ip link set BR up` */
    if (check_link_free(nl, name, "another bridge name") < 0 ||
        create_bridge(nl, name) < 0)
        goto out;
    if (add_ipv4_address(nl, name, &address) < 0 || set_link_up(nl, name) < 0) {
        trace("undo: delete %s", name);
        delete_link(nl, name);
        goto out;
    }
    rc = 0;
out:
    netlink_close(nl);
    return rc;
}

/* Delete a bridge, and only a bridge: a typo must not take eth0 down. */
static int delete_bridge(const char *name)
{
    struct netlink *nl;
    char kind[32];
    int rc = -1;

    if (check_interface_name("bridge", name) < 0)
        return -1;
    nl = netlink_open("host");
    if (!nl)
        return -1;
    if (link_lookup(nl, name, kind, sizeof(kind), 0) < 0)
        goto out;
    if (strcmp(kind, "bridge") != 0) {
        error_msg("'%s' is not a bridge (its kind is '%s'); not deleting it",
                  name, kind[0] ? kind : "a physical device");
        goto out;
    }
    rc = delete_link(nl, name);
out:
    netlink_close(nl);
    return rc;
}

/* --- the command line --------------------------------------------------- */

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: %s [-v] COMMAND ...\n"
            "Named network namespaces, veth pairs and bridges, over "
            "rtnetlink.\n"
            "\n"
            "  add NAME             new namespace, pinned at " NETNS_DIR
            "/NAME\n"
            "  del NAME             unpin it; the kernel frees its devices\n"
            "  list                 the pinned namespaces\n"
            "  exec NAME [--] CMD   run CMD in it (with its own /sys)\n"
            "  veth NAME --host IP/PREFIX --peer IP/PREFIX [--gateway]\n"
            "       [--host-if IF] [--peer-if IF] [--born-inside]\n"
            "                       a veth pair from here into NAME: "
            "addresses,\n"
            "                       links up, with --gateway a default "
            "route\n"
            "                       (IF: default ctlab-h-HASH here, eth0 "
            "inside)\n"
            "  bridge add BR IP/PREFIX | bridge del BR\n"
            "  attach BR NAME --peer IP/PREFIX [--gateway] [--host-if IF]\n"
            "       [--peer-if IF] [--born-inside]\n"
            "                       a veth pair from bridge BR into NAME; "
            "the\n"
            "                       gateway is the bridge's address\n"
            "  --born-inside        create the peer inside NAME instead of "
            "moving\n"
            "                       it there (one message, no move: "
            "faster)\n"
            "\n"
            "  -v                   trace every step (netlink messages "
            "too)\n"
            "  -h, --help           show this help\n"
            "Interface names have at most 15 bytes. Needs root, except "
            "list.\n",
            program_name);
}

/* Options of `veth` and `attach`, after the command word. */
static int parse_veth_options(int argc, char **argv, struct veth_request *req)
{
    static const struct option longopts[] = {
        {"host", required_argument, NULL, 'H'},
        {"peer", required_argument, NULL, 'P'},
        {"host-if", required_argument, NULL, 'I'},
        {"peer-if", required_argument, NULL, 'J'},
        {"gateway", no_argument, NULL, 'g'},
        {"born-inside", no_argument, NULL, 'b'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;

    /* A second getopt pass, over the words after the command; options may
     * come before or after the names, which getopt moves to the end. */
    optind = 0;
    while ((c = getopt_long(argc, argv, "vh", longopts, NULL)) != -1) {
        switch (c) {
        case 'H':
            req->host_text = optarg;
            break;
        case 'P':
            req->peer_text = optarg;
            break;
        case 'I':
            req->host_if = optarg;
            break;
        case 'J':
            req->peer_if = optarg;
            break;
        case 'g':
            req->gateway = 1;
            break;
        case 'b':
            req->born_inside = 1;
            break;
        case 'v':
            trace_on = true;
            break;
        case 'h':
            usage(stdout);
            exit(0);
        default:
            return report_bad_option(argv);
        }
    }
    return optind;
}

/* Everything but `list` changes the host's network or mounts. */
static int require_root(const char *command)
{
    if (geteuid() == 0)
        return 0;
    return error_msg("%s needs root: it changes the host's network and "
                     "mounts (CAP_NET_ADMIN, CAP_SYS_ADMIN); try: sudo %s %s",
                     command, program_name, command);
}

/* Hold off Ctrl-C and SIGTERM while devices are half made: they take
 * effect when we return, with the work done or undone, never half. */
static void block_interruptions(void)
{
    sigset_t set;

    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGQUIT);
    sigprocmask(SIG_BLOCK, &set, NULL);
}

static int need_args(int argc, int wanted, const char *usage_line)
{
    if (argc == wanted)
        return 0;
    return error_msg("usage: %s %s", program_name, usage_line);
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct veth_request req = {0};
    const char *command;
    int c, first, rc;

    set_program_name(argv[0]);
    opterr = 0;
    /* 1. Options before the command ('+': stop at the command word). */
    while ((c = getopt_long(argc, argv, "+vh", longopts, NULL)) != -1) {
        switch (c) {
        case 'v':
            trace_on = true;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            report_bad_option(argv);
            return EXIT_USAGE;
        }
    }
    argc -= optind;
    argv += optind;
    if (argc < 1) {
        error_msg("no command given (see: %s --help)", program_name);
        return EXIT_USAGE;
    }
    command = argv[0];

    /* 2. Commands that only read. */
    if (strcmp(command, "list") == 0) {
        if (need_args(argc, 1, "list") < 0)
            return EXIT_USAGE;
        return list_netns() < 0 ? 1 : 0;
    }

    /* 3. exec: join, then become the command (its exit status is ours). */
    if (strcmp(command, "exec") == 0) {
        first = argc > 2 && strcmp(argv[2], "--") == 0 ? 3 : 2;
        if (argc <= first) {
            error_msg("usage: %s exec NAME [--] CMD [ARG...]", program_name);
            return EXIT_USAGE;
        }
        if (check_netns_name(argv[1]) < 0 || require_root("exec") < 0 ||
            enter_netns(argv[1]) < 0)
            return EXIT_TOOL_FAILED;
        exec_command(argv + first);
    }

    /* 4. Commands that change things. */
    if (strcmp(command, "add") == 0 || strcmp(command, "del") == 0) {
        int is_add = strcmp(command, "add") == 0;

        if (need_args(argc, 2, is_add ? "add NAME" : "del NAME") < 0)
            return EXIT_USAGE;
        if (check_netns_name(argv[1]) < 0 || require_root(command) < 0)
            return 1;
        block_interruptions();
        rc = is_add ? add_netns(argv[1]) : delete_netns(argv[1]);
        return rc < 0 ? 1 : 0;
    }
    if (strcmp(command, "bridge") == 0) {
        if (argc == 4 && strcmp(argv[1], "add") == 0) {
            if (require_root("bridge") < 0)
                return 1;
            block_interruptions();
            return add_bridge(argv[2], argv[3]) < 0 ? 1 : 0;
        }
        if (argc == 3 && strcmp(argv[1], "del") == 0) {
            if (require_root("bridge") < 0)
                return 1;
            block_interruptions();
            return delete_bridge(argv[2]) < 0 ? 1 : 0;
        }
        error_msg("usage: %s bridge add BR IP/PREFIX | bridge del BR",
                  program_name);
        return EXIT_USAGE;
    }
    if (strcmp(command, "veth") == 0 || strcmp(command, "attach") == 0) {
        int is_attach = command[0] == 'a';
        int wanted = is_attach ? 2 : 1; /* BR NAME, or NAME */

        first = parse_veth_options(argc, argv, &req);
        if (first < 0)
            return EXIT_USAGE;
        if (is_attach && req.host_text) {
            error_msg("attach takes no --host: the bridge's address is the "
                      "host side");
            return EXIT_USAGE;
        }
        if (argc - first != wanted) {
            error_msg("usage: %s %s (see: %s --help)", program_name,
                      is_attach ? "attach BR NAME --peer IP/PREFIX [...]"
                                : "veth NAME --host IP/PREFIX --peer "
                                  "IP/PREFIX [...]",
                      program_name);
            return EXIT_USAGE;
        }
        if (is_attach)
            req.bridge = argv[first++];
        req.netns_name = argv[first];
        if (require_root(command) < 0)
            return 1;
        block_interruptions();
        return connect_netns(&req) < 0 ? 1 : 0;
    }
    error_msg("unknown command '%s' (see: %s --help)", command, program_name);
    return EXIT_USAGE;
}
