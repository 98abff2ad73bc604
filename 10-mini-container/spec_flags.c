/* 10-mini-container/spec_flags.c - `minictr run`'s docker-like flags
 * into a container spec; see spec_flags.h. It starts from minictr's
 * defaults (spec_defaults.c), the very ones `minictr spec` writes, and
 * each flag changes one field: the create path never sees a flag.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mount.h>
#include <unistd.h>

#include "err.h"
#include "parse.h"
#include "rootfs.h"
#include "spec_defaults.h"
#include "spec_flags.h"
#include "state.h"

/* Names and paths end up in the saved spec, the container's hostname
 * and the trace: a control character in one (a newline above all) has
 * no business there, and is refused. */
static int has_control_character(const char *text)
{
    for (const char *c = text; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            return 1;
    return 0;
}

/* The rootfs next to the binary's tree: <ctlab>/rootfs. */
static void default_rootfs(char *rootfs, size_t size)
{
    char self[PATH_MAX];
    ssize_t length = readlink("/proc/self/exe", self, sizeof(self) - 1);
    char *slash;

    snprintf(rootfs, size, "rootfs");
    if (length <= 0)
        return;
    self[length] = '\0';
    for (int up = 0; up < 2 && (slash = strrchr(self, '/')); up++)
        *slash = '\0';
    snprintf(rootfs, size, "%.*s/rootfs", (int)(size - 8), self);
}

/* A container path in its one spelling: "/a/b", from "//a/./b/" too.
 * Every component is looked at, so "/.", "//" and "/a/.." are what they
 * are: the root, or a way up. Returns 0 with a path below "/", -1 when
 * it is "/" itself or has "..". */
static int normalise_container_path(const char *path, char *out, size_t size)
{
    size_t used = 0;

    for (const char *c = path; *c;) {
        size_t length = strcspn(c, "/");

        if (length == 2 && c[0] == '.' && c[1] == '.')
            return -1;
        if (length > 0 && !(length == 1 && c[0] == '.')) {
            if (used + 1 + length >= size)
                return -1;
            out[used++] = '/';
            memcpy(out + used, c, length);
            used += length;
        }
        c += length;
        c += *c == '/';
    }
    out[used] = '\0';
    return used > 0 ? 0 : -1;
}

/* KEY=VALUE into the environment; one for KEY already there is
 * replaced (-e overrides a default, the last -e wins). */
static int set_env(struct spec_process *process, const char *entry)
{
    size_t key = strcspn(entry, "=") + 1;

    for (int i = 0; i < process->env_count; i++)
        if (strncmp(process->env[i], entry, key) == 0) {
            char *copy = strdup(entry);
            if (!copy)
                return error_errno("strdup");
            free(process->env[i]);
            process->env[i] = copy;
            return 0;
        }
    return spec_add_string(&process->env, &process->env_count, entry);
}

/* -e KEY=VAL, or -e KEY for the host's value of KEY (docker's way). */
static int add_env(struct spec_process *process, const char *text)
{
    char entry[8192];
    const char *value;

    if (!text[0] || text[0] == '=' || strchr(text, '\n'))
        return error_msg("-e: want KEY=VALUE, on one line");
    if (process->env_count >= 256)
        return error_msg("-e: at most 256");
    if (strchr(text, '='))
        return set_env(process, text);
    value = getenv(text);
    if (!value)
        return 0; /* unset on the host: unset inside */
    snprintf(entry, sizeof(entry), "%s=%s", text, value);
    return set_env(process, entry);
}

/* --volume HOST:CTR[:ro|:rw]: a recursive bind mount. */
static int add_volume(struct ctr_spec *spec, const char *text)
{
    char host[PATH_MAX], real[PATH_MAX], container[PATH_MAX], *colon, *mode;
    unsigned long flags = MS_BIND | MS_REC;

    snprintf(host, sizeof(host), "%s", text);
    colon = strchr(host, ':');
    if (!colon || host[0] != '/' || colon[1] != '/')
        return error_msg("--volume %s: want /HOST/PATH:/CONTAINER/PATH[:ro]",
                         text);
    *colon = '\0';
    mode = strchr(colon + 1, ':');
    if (mode) {
        if (strcmp(mode, ":ro") != 0 && strcmp(mode, ":rw") != 0)
            return error_msg("--volume %s: the mode is ro or rw", text);
        if (strcmp(mode, ":ro") == 0)
            flags |= MS_RDONLY;
        *mode = '\0';
    }
    if (normalise_container_path(colon + 1, container, sizeof(container)) < 0)
        return error_msg("--volume %s: the container path must be below / "
                         "and without '..'",
                         text);
    if (!realpath(host, real))
        return error_errno("--volume %s: %s", text, host);
    return spec_add_mount(spec, container, "bind", real, flags, NULL);
}

/* The flags, before the defaults: which defaults apply depends on some
 * of them (--net, --rootless), and the rest change a default. */
struct flags {
    const char *rootfs, *seccomp, *hostname, *workdir;
    int net_given, cap_add_all, read_only, tty, limit_count;
    cap_mask added, dropped;
    struct cgroup_limits limits;
    const char *env[256], *volumes[64];
    int env_count, volume_count;
};

static const struct option longopts[] = {
    {"name", required_argument, NULL, 'n'},
    {"rootfs", required_argument, NULL, 'r'},
    {"hostname", required_argument, NULL, 'H'},
    {"memory", required_argument, NULL, 'm'},
    {"cpus", required_argument, NULL, 'c'},
    {"pids", required_argument, NULL, 'p'},
    {"net", required_argument, NULL, 'N'},
    {"ip", required_argument, NULL, 'i'},
    {"cap-add", required_argument, NULL, 'a'},
    {"cap-drop", required_argument, NULL, 'C'},
    {"seccomp", required_argument, NULL, 's'},
    {"read-only", no_argument, NULL, 'R'},
    {"init", required_argument, NULL, 'I'},
    {"detach", no_argument, NULL, 'D'},
    {"tty", no_argument, NULL, 't'},
    {"env", required_argument, NULL, 'e'},
    {"workdir", required_argument, NULL, 'w'},
    {"volume", required_argument, NULL, 'V'},
    {"rootless", no_argument, NULL, 'U'},
    {"timings", no_argument, NULL, 'T'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* --ip ADDR: on the bridge's /16, not its network, gateway or broadcast. */
static int parse_ip(const char *text, struct ctr_spec *spec)
{
    char cidr_text[64];
    struct ipv4_cidr cidr;

    snprintf(cidr_text, sizeof(cidr_text), "%s/16", text);
    if (parse_ipv4_cidr(cidr_text, &cidr) < 0 ||
        (ntohl(cidr.address.s_addr) & 0xffff0000) != 0x0ac80000 ||
        (ntohl(cidr.address.s_addr) & 0xffff) < 2 ||
        (ntohl(cidr.address.s_addr) & 0xffff) == 0xffff)
        return error_msg("--ip %s: want an address in 10.200.0.0/16 other "
                         "than 10.200.0.0, .0.1 (the bridge) and .255.255",
                         text);
    spec->ip = cidr.address;
    spec->ip_given = 1;
    return 0;
}

static int parse_flag(int c, int index, struct flags *f, struct ctr_spec *spec,
                      struct ctr_context *ctx)
{
    char option[32];
    int cap;

    switch (c) {
    case 'n':
        if (state_check_name(optarg) < 0)
            return -1;
        snprintf(ctx->id, sizeof(ctx->id), "%s", optarg);
        return 0;
    case 'r':
        f->rootfs = optarg;
        return 0;
    case 'H':
        if (strlen(optarg) > 64 || !optarg[0])
            return error_msg("--hostname: 1 to 64 bytes");
        if (has_control_character(optarg))
            return error_msg("--hostname: no control characters");
        f->hostname = optarg;
        return 0;
    case 'm':
    case 'c':
    case 'p':
        snprintf(option, sizeof(option), "--%s", longopts[index].name);
        if (cgroup_limit_from_option(option, optarg, &f->limits) < 0)
            return -1;
        f->limit_count++;
        return 0;
    case 'N':
        f->net_given = 1;
        if (strcmp(optarg, "bridge") == 0)
            spec->net = NET_BRIDGE;
        else if (strcmp(optarg, "none") == 0)
            spec->net = NET_NONE;
        else if (strcmp(optarg, "host") == 0)
            spec->net = NET_HOST;
        else
            return error_msg("--net %s: bridge, none or host", optarg);
        return 0;
    case 'i':
        return parse_ip(optarg, spec);
    case 'a':
    case 'C':
        if (strcasecmp(optarg, "ALL") == 0) {
            f->cap_add_all = c == 'a';
            f->dropped = c == 'C' ? ~(cap_mask)0 : 0;
            f->added = 0;
            return 0;
        }
        cap = cap_parse(c == 'a' ? "--cap-add" : "--cap-drop", optarg);
        if (cap < 0)
            return -1;
        if (c == 'a') {
            f->added |= CAP_BIT(cap);
            f->dropped &= ~CAP_BIT(cap);
        } else {
            f->dropped |= CAP_BIT(cap);
            f->added &= ~CAP_BIT(cap);
        }
        return 0;
    case 's':
        f->seccomp = optarg;
        return 0;
    case 'R':
        f->read_only = 1;
        return 0;
    case 'd': /* -d */
    case 'D':
        ctx->detach = 1;
        return 0;
    case 't':
        f->tty = 1;
        return 0;
    case 'e':
        if (f->env_count == 256)
            return error_msg("-e: at most 256");
        f->env[f->env_count++] = optarg;
        return 0;
    case 'w':
        if (optarg[0] != '/' || has_control_character(optarg))
            return error_msg("-w: want an absolute path, without control "
                             "characters");
        f->workdir = optarg;
        return 0;
    case 'V':
        if (f->volume_count == 64)
            return error_msg("--volume: at most 64");
        f->volumes[f->volume_count++] = optarg;
        return 0;
    case 'U':
        spec->rootless = 1;
        return 0;
    case 'T':
        ctx->timings = 1;
        return 0;
    case 'I':
        if (strcmp(optarg, "false") != 0 && strcmp(optarg, "true") != 0)
            return error_msg("--init=%s: true or false", optarg);
        spec->use_init = strcmp(optarg, "true") == 0;
        return 0;
    case 'v':
        trace_on = true;
        return 0;
    }
    return -2; /* not ours */
}

/* The checks across flags: what no single flag can tell. */
static int check_flags(const struct flags *f, const struct ctr_spec *spec,
                       const struct ctr_context *ctx)
{
    /* A user namespace maps root inside to whoever runs us: run by root,
     * that is uid 0 itself, and the container's root owns the host's
     * files (the /dev nodes bound in, /proc/sys once unmounted) as much
     * as before. Rootless means run by a user. */
    if (spec->rootless && geteuid() == 0)
        return error_msg("--rootless as root would map root inside to the "
                         "host's uid 0; run it as a user (sudo -u nobody "
                         "minictr run ...)");
    if (spec->rootless && spec->net == NET_BRIDGE && geteuid() != 0)
        return error_msg("--net bridge needs root: a veth on the host's "
                         "bridge is the host's to make (rootless: --net "
                         "none, or --net host)");
    if (spec->ip_given && spec->net != NET_BRIDGE)
        return error_msg("--ip needs --net bridge");
    if (f->tty && ctx->detach)
        return error_msg("-t with -d: a detached container has no "
                         "terminal to attach (run it in the foreground)");
    return 0;
}

/* The defaults, then what the flags change in them. */
static int apply_flags(const struct flags *f, struct ctr_spec *spec,
                       const struct ctr_context *ctx, char **command)
{
    char rootfs[PATH_MAX], real[PATH_MAX], hostname[80];
    cap_mask keep;

    if (f->rootfs)
        snprintf(rootfs, sizeof(rootfs), "%s", f->rootfs);
    else
        default_rootfs(rootfs, sizeof(rootfs));
    if (rootfs_check(rootfs) < 0 || !realpath(rootfs, real))
        return -1;
    if (spec_set_defaults(spec) < 0)
        return -1;
    spec->root = strdup(real);
    spec->root_overlay = 1; /* the image stays as it is */
    spec->root_readonly = f->read_only;
    spec->hostname = strdup(f->hostname ? f->hostname : ctx->id);
    spec->process.cwd = strdup(f->workdir ? f->workdir : "/");
    spec->process.terminal = f->tty;
    spec->process.umask = -1;
    spec->limits.memory = f->limits.memory;
    spec->limits.memory_swap = f->limits.memory_swap;
    spec->limits.has_cpu_max = f->limits.has_cpu_max;
    spec->limits.cpu_quota = f->limits.cpu_quota;
    spec->limits.cpu_period = f->limits.cpu_period;
    spec->limits.pids = f->limits.pids;
    spec->limit_count = f->limit_count;
    if (!spec->root || !spec->hostname || !spec->process.cwd)
        return error_errno("strdup");

    /* Docker's 14 capabilities, changed by --cap-add and --cap-drop;
     * with --cap-add ALL, all this process has (in a user namespace, we
     * have them all). */
    keep = spec->process.caps.bounding;
    if (f->cap_add_all)
        keep = spec->rootless ? all_caps() : cap_permitted_now();
    keep = (keep & ~f->dropped) | f->added;
    spec->process.caps = cap_plan_keeping(keep);
    spec->process.caps.no_new_privs = 1;

    /* The seccomp profile: default, unconfined, or a file of the host's
     * (not one in the image), read now. */
    if (f->seccomp && strcmp(f->seccomp, "default") != 0) {
        filter_profile_free(&spec->seccomp);
        spec->has_seccomp = strcmp(f->seccomp, "unconfined") != 0;
        if (spec->has_seccomp &&
            filter_profile_read_file(f->seccomp, &spec->seccomp) < 0)
            return -1;
    }

    /* The environment: nothing of the host's (no SUDO_USER, no host
     * PATH), only docker's defaults, then -e. */
    snprintf(hostname, sizeof(hostname), "HOSTNAME=%s", spec->hostname);
    if (set_env(&spec->process, "PATH=" DEFAULT_PATH) < 0 ||
        set_env(&spec->process, hostname) < 0 ||
        set_env(&spec->process, "HOME=/root") < 0 ||
        (f->tty && set_env(&spec->process, "TERM=xterm") < 0))
        return -1;
    for (int i = 0; i < f->env_count; i++)
        if (add_env(&spec->process, f->env[i]) < 0)
            return -1;
    for (int i = 0; i < f->volume_count; i++)
        if (add_volume(spec, f->volumes[i]) < 0)
            return -1;
    for (int i = 0, count = 0; command[i]; i++)
        if (spec_add_string(&spec->process.args, &count, command[i]) < 0)
            return -1;
    return 0;
}

int spec_from_flags(int argc, char **argv, struct ctr_spec *spec,
                    struct ctr_context *ctx, void (*usage)(FILE *))
{
    struct flags f = {0};
    int c, index = 0;

    /* Not root: a user namespace gives us root's powers over the new
     * namespaces (and nothing on the host), as podman does. */
    spec->rootless = geteuid() != 0;
    spec->use_init = 1;
    spec->net = NET_BRIDGE;
    optind = 0;
    while ((c = getopt_long(argc, argv, "+vhdte:w:", longopts, &index)) != -1) {
        int rc;

        if (c == 'h') {
            usage(stdout);
            exit(0);
        }
        rc = parse_flag(c, index, &f, spec, ctx);
        if (rc == -2)
            return report_bad_option(argv);
        if (rc < 0)
            return -1;
    }
    if (optind == argc)
        return error_msg("run: no command given (see: %s --help)",
                         program_name);
    if (!ctx->id[0])
        snprintf(ctx->id, sizeof(ctx->id), "ctlab-%d", (int)getpid());
    if (!f.net_given && spec->rootless)
        spec->net = NET_NONE;
    if (check_flags(&f, spec, ctx) < 0)
        return -1;
    return apply_flags(&f, spec, ctx, argv + optind);
}
