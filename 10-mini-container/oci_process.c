/* 10-mini-container/oci_process.c - config.json's "process" (and exec's
 * process.json, the same object) into struct spec_process.
 *
 *     "process": {
 *         "args": ["sh"], "env": ["PATH=/bin"], "cwd": "/",
 *         "user": {"uid": 0, "gid": 0, "umask": 18, "additionalGids": [5]},
 *         "capabilities": {"bounding": ["CAP_CHOWN"], ...},
 *         "rlimits": [{"type": "RLIMIT_NOFILE", "soft": 1024,
 *                      "hard": 1024}],
 *         "noNewPrivileges": true, "oomScoreAdj": 0, "terminal": false
 *     }
 *
 * Read: the runtime-spec's config.md (Process), capabilities(7),
 * getrlimit(2), proc(5) (/proc/PID/oom_score_adj).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oci_json.h"
#include "oci_tables.h"

/* uid_t and gid_t are 32 bits; (uid_t)-1 means "no change" to
 * setresuid(2), never a user. */
#define ID_MAX 4294967294u

/* The five sets, as process.capabilities names them. */
static const struct {
    const char *key;
    size_t offset;
} cap_sets[] = {
    {.key = "bounding", .offset = offsetof(struct cap_plan, bounding)},
    {.key = "effective", .offset = offsetof(struct cap_plan, effective)},
    {.key = "inheritable", .offset = offsetof(struct cap_plan, inheritable)},
    {.key = "permitted", .offset = offsetof(struct cap_plan, permitted)},
    {.key = "ambient", .offset = offsetof(struct cap_plan, ambient)},
};

static int read_args(struct oci_reader *r, json_object *obj,
                     struct spec_process *process)
{
    int got = oci_string_array(r, obj, "args", NULL, &process->args, NULL);

    if (got < 0)
        return -1;
    if (got == 0)
        return oci_missing(r, "args");
    if (!process->args[0]) {
        oci_enter(r, "args");
        return oci_fail(r, "empty (the command to run is args[0])");
    }
    return 0;
}

static int read_cwd(struct oci_reader *r, json_object *obj,
                    struct spec_process *process)
{
    size_t back;
    int got = oci_string(r, obj, "cwd", &process->cwd);

    if (got <= 0)
        return got < 0 ? -1 : oci_missing(r, "cwd");
    back = oci_enter(r, "cwd");
    if (oci_container_path(r, process->cwd, &process->cwd) < 0)
        return -1;
    oci_leave(r, back);
    return 0;
}

/* setgroups(2) takes at most NGROUPS_MAX groups. */
static int allocate_gids(struct oci_reader *r, size_t length, void *data)
{
    struct spec_process *process = data;

    if (length > NGROUPS_MAX)
        return oci_fail(r, "more than %d groups", NGROUPS_MAX);
    if (length == 0)
        return 0;
    process->additional_gids = calloc(length, sizeof(gid_t));
    return process->additional_gids ? 0 : oci_fail(r, "%s", strerror(errno));
}

static int read_gid(struct oci_reader *r, json_object *element, void *data)
{
    struct spec_process *process = data;
    uint64_t number;

    if (oci_value_uint64(r, element, ID_MAX, &number) < 0)
        return -1;
    process->additional_gids[process->additional_gid_count++] = (gid_t)number;
    return 0;
}

static int read_user(struct oci_reader *r, json_object *obj,
                     struct spec_process *process)
{
    json_object *user;
    uint64_t number;
    size_t back;
    int got = oci_member(r, obj, "user", json_type_object, &user);

    if (got <= 0)
        return got < 0 ? -1 : oci_missing(r, "user");
    back = oci_enter(r, "user");
    got = oci_uint64(r, user, "uid", ID_MAX, &number);
    if (got <= 0)
        return got < 0 ? -1 : oci_missing(r, "uid");
    process->uid = (uid_t)number;
    got = oci_uint64(r, user, "gid", ID_MAX, &number);
    if (got <= 0)
        return got < 0 ? -1 : oci_missing(r, "gid");
    process->gid = (gid_t)number;
    got = oci_uint64(r, user, "umask", 0777, &number);
    if (got < 0)
        return -1;
    if (got)
        process->umask = (int)number;

    got = oci_each(r, user, "additionalGids", allocate_gids, read_gid, process);
    if (got < 0)
        return -1;
    /* Windows' user.username is not Linux's: ignored, as unknown. */
    oci_leave(r, back);
    return 0;
}

/* "CAP_NET_RAW": the spec's spelling only (cap_parse would take
 * "net_raw" too), and a name this kernel knows. The spec says a name
 * that cannot be mapped MUST fail the create; runc and crun only warn. */
static int read_capability(struct oci_reader *r, json_object *value, void *data)
{
    cap_mask *set = data;
    char where[700];
    const char *name;
    int cap;

    if (oci_value_string(r, value, &name) < 0)
        return -1;
    if (strncmp(name, "CAP_", 4) != 0 ||
        strspn(name + 4, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") !=
            strlen(name + 4))
        return oci_fail(r,
                        "\"%s\" is not a capability's name (CAP_CHOWN, "
                        "CAP_NET_RAW, ...)",
                        name);
    /* cap_parse reports "OPTION NAME: no such capability (did you mean
     * ...)": OPTION is our "FILE: PATH:". */
    snprintf(where, sizeof(where), "%s: %s:", r->file, r->path);
    cap = cap_parse(where, name);
    if (cap < 0)
        return -1;
    *set |= CAP_BIT(cap);
    return 0;
}

static int read_capabilities(struct oci_reader *r, json_object *obj,
                             struct cap_plan *plan)
{
    json_object *caps;
    size_t back;
    int got = oci_member(r, obj, "capabilities", json_type_object, &caps);

    /* Absent: no capabilities at all (runc would keep root's every one). */
    if (got <= 0)
        return got;
    back = oci_enter(r, "capabilities");
    for (size_t s = 0; s < sizeof(cap_sets) / sizeof(*cap_sets); s++) {
        cap_mask *set = (cap_mask *)((char *)plan + cap_sets[s].offset);

        if (oci_each(r, caps, cap_sets[s].key, NULL, read_capability, set) < 0)
            return -1;
    }
    oci_leave(r, back);
    return 0;
}

static int allocate_rlimits(struct oci_reader *r, size_t length, void *data)
{
    struct spec_process *process = data;

    process->rlimits = calloc(length ? length : 1, sizeof(struct spec_rlimit));
    return process->rlimits ? 0 : oci_fail(r, "%s", strerror(errno));
}

static int read_rlimit(struct oci_reader *r, json_object *entry, void *data)
{
    struct spec_process *process = data;
    struct spec_rlimit *limit = &process->rlimits[process->rlimit_count];
    const struct oci_name *known;
    char names[400];
    char *type = NULL;
    int got;

    if (oci_value_type(r, entry, json_type_object) < 0)
        return -1;
    got = oci_string(r, entry, "type", &type);
    if (got <= 0)
        return got < 0 ? -1 : oci_missing(r, "type");
    known = oci_name_find(oci_rlimits, type);
    if (!known) {
        oci_enter(r, "type");
        oci_fail(r, "unknown rlimit \"%s\" (%s)", type,
                 oci_names_list(oci_rlimits, names, sizeof(names)));
        free(type);
        return -1;
    }
    free(type);
    limit->resource = (int)known->value;
    for (int i = 0; i < process->rlimit_count; i++)
        if (process->rlimits[i].resource == limit->resource) {
            oci_enter(r, "type");
            return oci_fail(r, "a second %s", known->name);
        }
    got = oci_uint64(r, entry, "soft", UINT64_MAX, &limit->soft);
    if (got <= 0)
        return got < 0 ? -1 : oci_missing(r, "soft");
    got = oci_uint64(r, entry, "hard", UINT64_MAX, &limit->hard);
    if (got <= 0)
        return got < 0 ? -1 : oci_missing(r, "hard");
    if (limit->soft > limit->hard) /* setrlimit(2) would say EINVAL */
        return oci_fail(r, "soft %llu is above hard %llu",
                        (unsigned long long)limit->soft,
                        (unsigned long long)limit->hard);
    process->rlimit_count++;
    return 0;
}

static int read_rlimits(struct oci_reader *r, json_object *obj,
                        struct spec_process *process)
{
    return oci_each(r, obj, "rlimits", allocate_rlimits, read_rlimit, process);
}

static int read_console_size(struct oci_reader *r, json_object *obj,
                             struct spec_process *process)
{
    json_object *box;
    uint64_t number;
    size_t back;
    int got = oci_member(r, obj, "consoleSize", json_type_object, &box);

    if (got <= 0)
        return got;
    back = oci_enter(r, "consoleSize");
    got = oci_uint64(r, box, "height", USHRT_MAX, &number);
    if (got <= 0)
        return got < 0 ? -1 : oci_missing(r, "height");
    process->console_height = (unsigned short)number;
    got = oci_uint64(r, box, "width", USHRT_MAX, &number);
    if (got <= 0)
        return got < 0 ? -1 : oci_missing(r, "width");
    process->console_width = (unsigned short)number;
    oci_leave(r, back);
    return 0;
}

int oci_read_process(struct oci_reader *r, json_object *obj,
                     struct spec_process *process)
{
    int64_t number = 0;
    int got;

    if (read_args(r, obj, process) < 0 ||
        oci_string_array(r, obj, "env", oci_check_env, &process->env,
                         &process->env_count) < 0 ||
        read_cwd(r, obj, process) < 0 || read_user(r, obj, process) < 0 ||
        read_capabilities(r, obj, &process->caps) < 0 ||
        read_rlimits(r, obj, process) < 0 ||
        oci_bool(r, obj, "noNewPrivileges", &process->no_new_privileges) < 0 ||
        oci_bool(r, obj, "terminal", &process->terminal) < 0 ||
        read_console_size(r, obj, process) < 0)
        return -1;
    got = oci_int64(r, obj, "oomScoreAdj", -1000, 1000, &number);
    if (got < 0)
        return -1;
    process->has_oom_score_adj = got;
    process->oom_score_adj = (int)number;

    /* Linux security modules: minictr applies neither. */
    if (oci_lsm_field(r, obj, "apparmorProfile", "apparmor") < 0 ||
        oci_lsm_field(r, obj, "selinuxLabel", "selinux") < 0)
        return -1;
    /* Known to the spec (1.2), not implemented here. */
    if (oci_refuse(r, obj, "scheduler") < 0 ||
        oci_refuse(r, obj, "ioPriority") < 0 ||
        oci_refuse(r, obj, "execCPUAffinity") < 0)
        return -1;

    /* The plan chapter 09 applies: become the user, keep the sets. */
    process->caps.change_user = 1;
    process->caps.uid = process->uid;
    process->caps.gid = process->gid;
    process->caps.no_new_privs = process->no_new_privileges;
    return 0;
}
