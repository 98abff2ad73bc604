/* 10-mini-container/oci_seccomp.c - linux.seccomp into chapter 08's
 * struct filter_profile, the profile as data that filter_from_rules()
 * compiles.
 *
 *     "seccomp": {
 *         "defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 38,
 *         "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"],
 *         "syscalls": [
 *             {"names": ["personality"], "action": "SCMP_ACT_ALLOW",
 *              "args": [{"index": 0, "value": 8, "op": "SCMP_CMP_EQ"}]},
 *             {"names": ["bpf"], "action": "SCMP_ACT_ERRNO",
 *              "errnoRet": 1}
 *         ]
 *     }
 *
 * Names, actions, operators and architectures are libseccomp's
 * (oci_tables.c). A system call name is not checked here: one this
 * kernel or libseccomp does not know is the compiler's business, which
 * warns and skips it as runc and crun do (filter.h, UNKNOWN_SKIP).
 *
 * Read: the runtime-spec's config-linux.md (Seccomp); seccomp(2),
 * seccomp_rule_add(3), seccomp_init(3).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oci_json.h"
#include "oci_tables.h"

/* The highest errno the kernel returns as an error (MAX_ERRNO); a
 * tracer's message (SCMP_ACT_TRACE) may use all 16 bits. */
#define ERRNO_MAX         4095
#define TRACE_MESSAGE_MAX 65535

static int read_action(struct oci_reader *r, json_object *obj, const char *key,
                       uint32_t *action)
{
    const struct oci_name *known;
    char *name = NULL, names[400];
    size_t back;
    int got = oci_string(r, obj, key, &name);

    if (got <= 0)
        return got < 0 ? -1 : oci_missing(r, key);
    back = oci_enter(r, key);
    known = oci_name_find(oci_seccomp_actions, name);
    if (!known)
        oci_fail(r, "unknown action \"%s\" (%s)", name,
                 oci_names_list(oci_seccomp_actions, names, sizeof(names)));
    else if (known->not_implemented)
        oci_fail(r, "\"%s\" is not implemented by minictr", name);
    free(name);
    if (!known || known->not_implemented)
        return -1;
    *action = (uint32_t)known->value;
    oci_leave(r, back);
    return 0;
}

/* errnoRet or defaultErrnoRet for ACTION: "When the action doesn't
 * support an errno, the runtime MUST print and error and fail. If not
 * specified then its default value is EPERM." */
static int read_errno(struct oci_reader *r, json_object *obj, const char *key,
                      uint32_t *action)
{
    uint64_t number = EPERM;
    int trace = oci_action_base(*action) == SCMP_ACT_TRACE(0);
    int got =
        oci_uint64(r, obj, key, trace ? TRACE_MESSAGE_MAX : ERRNO_MAX, &number);

    if (got < 0)
        return -1;
    if (!oci_action_takes_errno(*action)) {
        if (!got)
            return 0;
        oci_enter(r, key);
        return oci_fail(r, "%s takes no errno",
                        oci_name_of(oci_seccomp_actions, *action));
    }
    *action |= (uint32_t)number;
    return 0;
}

/* An architecture's or a flag's name, from TABLE, into its value. */
static int read_name(struct oci_reader *r, json_object *element,
                     const struct oci_name *table, const char *what,
                     unsigned long *value)
{
    const struct oci_name *known;
    const char *name;
    char names[600];

    if (oci_value_string(r, element, &name) < 0)
        return -1;
    known = oci_name_find(table, name);
    if (!known)
        return oci_fail(r, "unknown %s \"%s\" (%s)", what, name,
                        oci_names_list(table, names, sizeof(names)));
    if (known->not_implemented)
        return oci_fail(r, "\"%s\" is not implemented by minictr", name);
    *value = known->value;
    return 0;
}

static int allocate_architectures(struct oci_reader *r, size_t length,
                                  void *data)
{
    struct filter_profile *profile = data;

    profile->architectures =
        calloc(length ? length : 1, sizeof(*profile->architectures));
    return profile->architectures ? 0 : oci_fail(r, "%s", strerror(errno));
}

static int read_architecture(struct oci_reader *r, json_object *element,
                             void *data)
{
    struct filter_profile *profile = data;
    unsigned long value;

    if (read_name(r, element, oci_seccomp_archs, "architecture", &value) < 0)
        return -1;
    profile->architectures[profile->architecture_count++] = (uint32_t)value;
    return 0;
}

static int read_flag(struct oci_reader *r, json_object *element, void *data)
{
    struct filter_profile *profile = data;
    unsigned long value;

    if (read_name(r, element, oci_seccomp_flags, "flag", &value) < 0)
        return -1;
    profile->flags |= (unsigned)value;
    return 0;
}

/* One condition per argument of the call: at most six. */
static int check_conditions(struct oci_reader *r, size_t length, void *data)
{
    (void)data;
    if (length > 6)
        return oci_fail(r, "%zu conditions (at most 6: one per argument)",
                        length);
    return 0;
}

static int read_arg(struct oci_reader *r, json_object *entry, void *data)
{
    struct filter_rule *rule = data;
    struct filter_arg *arg = &rule->args[rule->arg_count];
    const struct oci_name *known;
    char *op = NULL, names[300];
    uint64_t number;
    int got;

    if (oci_value_type(r, entry, json_type_object) < 0)
        return -1;
    got = oci_uint64(r, entry, "index", 5, &number);
    if (got <= 0)
        return got < 0 ? -1 : oci_missing(r, "index");
    arg->index = (unsigned)number;
    got = oci_uint64(r, entry, "value", UINT64_MAX, &arg->value);
    if (got <= 0)
        return got < 0 ? -1 : oci_missing(r, "value");
    if (oci_uint64(r, entry, "valueTwo", UINT64_MAX, &arg->value_two) < 0)
        return -1;
    got = oci_string(r, entry, "op", &op);
    if (got <= 0)
        return got < 0 ? -1 : oci_missing(r, "op");
    known = oci_name_find(oci_seccomp_operators, op);
    if (!known) {
        oci_enter(r, "op");
        oci_fail(r, "unknown operator \"%s\" (%s)", op,
                 oci_names_list(oci_seccomp_operators, names, sizeof(names)));
    }
    free(op);
    if (!known)
        return -1;
    arg->op = (enum scmp_compare)known->value;
    rule->arg_count++;
    return 0;
}

static int check_name(struct oci_reader *r, const char *name)
{
    return name[0] ? 0 : oci_fail(r, "an empty system call name");
}

static int read_rule(struct oci_reader *r, json_object *entry, void *data)
{
    struct filter_profile *profile = data;
    /* Counted first: filter_profile_free() frees a rule half read. */
    struct filter_rule *rule = &profile->rules[profile->rule_count++];
    int got, count = 0;

    if (oci_value_type(r, entry, json_type_object) < 0)
        return -1;
    got = oci_string_array(r, entry, "names", check_name, &rule->names, &count);
    if (got <= 0)
        return got < 0 ? -1 : oci_missing(r, "names");
    if (count == 0) {
        oci_enter(r, "names");
        return oci_fail(r, "empty (\"names MUST contain at least one "
                           "entry\")");
    }
    if (read_action(r, entry, "action", &rule->action) < 0 ||
        read_errno(r, entry, "errnoRet", &rule->action) < 0)
        return -1;
    return oci_each(r, entry, "args", check_conditions, read_arg, rule);
}

static int allocate_rules(struct oci_reader *r, size_t length, void *data)
{
    struct filter_profile *profile = data;

    profile->rules = calloc(length ? length : 1, sizeof(struct filter_rule));
    return profile->rules ? 0 : oci_fail(r, "%s", strerror(errno));
}

int oci_read_seccomp(struct oci_reader *r, json_object *seccomp,
                     struct filter_profile *profile)
{
    int got;

    /* What filter_from_rules() calls it: "config.json: linux.seccomp". */
    if (asprintf(&profile->source, "%s: %s", r->file, r->path) < 0) {
        profile->source = NULL;
        return oci_fail(r, "%s", strerror(errno));
    }
    if (read_action(r, seccomp, "defaultAction", &profile->default_action) <
            0 ||
        read_errno(r, seccomp, "defaultErrnoRet", &profile->default_action) <
            0 ||
        oci_each(r, seccomp, "architectures", allocate_architectures,
                 read_architecture, profile) < 0 ||
        oci_each(r, seccomp, "flags", NULL, read_flag, profile) < 0)
        return -1;
    /* SCMP_ACT_NOTIFY's supervisor: not implemented (the action is
     * refused by name, and these with it). */
    if (oci_refuse(r, seccomp, "listenerPath") < 0 ||
        oci_refuse(r, seccomp, "listenerMetadata") < 0)
        return -1;
    got = oci_each(r, seccomp, "syscalls", allocate_rules, read_rule, profile);
    return got < 0 ? -1 : 0;
}
