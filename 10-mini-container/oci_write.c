/* 10-mini-container/oci_write.c - struct ctr_spec as config.json; see
 * oci_config.h.
 *
 * minictr keeps the spec it decided on in the container's state
 * directory in this form, and exec, kill and delete read it back with
 * the same parser: so whatever is written must read back as the very
 * same spec (the round trip tests/11-oci-config.bats checks). Keys come
 * in the order runc's specs-go declares them, which is the order `runc
 * spec` prints; a field that is not set is left out, as Go's omitempty
 * does, except the capability sets, always all five: to runc an absent
 * set means "keep what root has", to minictr "none".
 *
 * Read: json-c's json_object.h.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>

#include "err.h"
#include "oci_config.h"
#include "oci_tables.h"
#include "oci_write.h"

/* --- building ------------------------------------------------------------ */

/* json-c's constructors return NULL when out of memory; set() and push()
 * take NULL too, and remember the failure for the end. */
void oci_set(struct oci_writer *w, json_object *obj, const char *key,
             json_object *value)
{
    if (!obj || !value || json_object_object_add(obj, key, value) < 0) {
        json_object_put(value);
        w->failed = 1;
    }
}

void oci_push(struct oci_writer *w, json_object *array, json_object *value)
{
    if (!array || !value || json_object_array_add(array, value) < 0) {
        json_object_put(value);
        w->failed = 1;
    }
}

void oci_set_some(struct oci_writer *w, json_object *obj, const char *key,
                  json_object *value)
{
    if (value && (json_object_is_type(value, json_type_object)
                      ? json_object_object_length(value) == 0
                      : json_object_array_length(value) == 0)) {
        json_object_put(value);
        return;
    }
    oci_set(w, obj, key, value);
}

json_object *oci_strings(struct oci_writer *w, char *const *strings, int count)
{
    json_object *array = json_object_new_array();

    for (int i = 0; strings && (count < 0 ? strings[i] != NULL : i < count);
         i++)
        oci_push(w, array, json_object_new_string(strings[i]));
    return array;
}

void oci_cannot_write(struct oci_writer *w, const char *what)
{
    if (!w->failed)
        error_msg("cannot write the spec as config.json: %s", what);
    w->failed = 2;
}

/* TEXT, with json-c's empty "[\n\t\t]" and "{\n\t}" written "[]" and
 * "{}". A newline inside a JSON string is "\n", two characters, so a
 * bracket and a real newline are always structure. */
static int print_compact_empties(const char *text, FILE *out)
{
    for (const char *c = text; *c; c++) {
        if (*c == '[' || *c == '{') {
            const char *end = c + 1;

            if (*end == '\n') {
                end++;
                end += strspn(end, "\t");
                if (*end == (*c == '[' ? ']' : '}')) {
                    if (fputc(*c, out) == EOF || fputc(*end, out) == EOF)
                        return -1;
                    c = end;
                    continue;
                }
            }
        }
        if (fputc(*c, out) == EOF)
            return -1;
    }
    return 0;
}

int oci_print(struct oci_writer *w, json_object *root, FILE *out)
{
    const char *text;

    if (w->failed) {
        if (w->failed == 1)
            error_msg("cannot write the spec as config.json: out of memory");
        json_object_put(root);
        return -1;
    }
    /* Tabs and "key": value, as `runc spec` writes; "/" not escaped. */
    text = json_object_to_json_string_ext(
        root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
                  JSON_C_TO_STRING_PRETTY_TAB | JSON_C_TO_STRING_NOSLASHESCAPE);
    if (!text || print_compact_empties(text, out) < 0 ||
        fputc('\n', out) == EOF || fflush(out) == EOF) {
        error_errno("cannot write config.json");
        json_object_put(root);
        return -1;
    }
    json_object_put(root);
    return 0;
}

/* --- process ------------------------------------------------------------- */

json_object *oci_capability_names(struct oci_writer *w, cap_mask set)
{
    json_object *array = json_object_new_array();

    for (int cap = 0; cap < 64; cap++) {
        char *name, *c;

        if (!(set & CAP_BIT(cap)))
            continue;
        name = cap_to_name(cap); /* "cap_chown" */
        if (!name) {
            w->failed = 1;
            continue;
        }
        for (c = name; *c; c++)
            *c = (char)(*c >= 'a' && *c <= 'z' ? *c - 'a' + 'A' : *c);
        oci_push(w, array, json_object_new_string(name));
        cap_free(name);
    }
    return array;
}

static json_object *build_user(struct oci_writer *w,
                               const struct spec_process *process)
{
    json_object *user = json_object_new_object(), *gids;

    oci_set(w, user, "uid", json_object_new_uint64(process->uid));
    oci_set(w, user, "gid", json_object_new_uint64(process->gid));
    if (process->umask >= 0)
        oci_set(w, user, "umask", json_object_new_int(process->umask));
    if (process->additional_gid_count) {
        gids = json_object_new_array();
        for (int i = 0; i < process->additional_gid_count; i++)
            oci_push(w, gids,
                     json_object_new_uint64(process->additional_gids[i]));
        oci_set(w, user, "additionalGids", gids);
    }
    return user;
}

json_object *oci_build_process(struct oci_writer *w,
                               const struct spec_process *process)
{
    json_object *obj = json_object_new_object(), *caps, *rlimits, *box;
    const struct cap_plan *plan = &process->caps;

    if (process->terminal)
        oci_set(w, obj, "terminal", json_object_new_boolean(1));
    if (process->console_height || process->console_width) {
        box = json_object_new_object();
        oci_set(w, box, "height",
                json_object_new_uint64(process->console_height));
        oci_set(w, box, "width",
                json_object_new_uint64(process->console_width));
        oci_set(w, obj, "consoleSize", box);
    }
    oci_set(w, obj, "user", build_user(w, process));
    oci_set(w, obj, "args", oci_strings(w, process->args, -1));
    if (process->env_count)
        oci_set(w, obj, "env",
                oci_strings(w, process->env, process->env_count));
    oci_set(w, obj, "cwd",
            json_object_new_string(process->cwd ? process->cwd : "/"));

    caps = json_object_new_object();
    oci_set(w, caps, "bounding", oci_capability_names(w, plan->bounding));
    oci_set(w, caps, "effective", oci_capability_names(w, plan->effective));
    oci_set(w, caps, "inheritable", oci_capability_names(w, plan->inheritable));
    oci_set(w, caps, "permitted", oci_capability_names(w, plan->permitted));
    oci_set(w, caps, "ambient", oci_capability_names(w, plan->ambient));
    oci_set(w, obj, "capabilities", caps);

    if (process->rlimit_count) {
        rlimits = json_object_new_array();
        for (int i = 0; i < process->rlimit_count; i++) {
            const struct spec_rlimit *limit = &process->rlimits[i];
            const char *name =
                oci_name_of(oci_rlimits, (unsigned long)limit->resource);
            json_object *entry = json_object_new_object();

            if (!name)
                oci_cannot_write(w, "an rlimit with no RLIMIT_* name");
            oci_set(w, entry, "type", json_object_new_string(name ? name : ""));
            oci_set(w, entry, "hard", json_object_new_uint64(limit->hard));
            oci_set(w, entry, "soft", json_object_new_uint64(limit->soft));
            oci_push(w, rlimits, entry);
        }
        oci_set(w, obj, "rlimits", rlimits);
    }
    if (process->no_new_privileges)
        oci_set(w, obj, "noNewPrivileges", json_object_new_boolean(1));
    if (process->has_oom_score_adj)
        oci_set(w, obj, "oomScoreAdj",
                json_object_new_int(process->oom_score_adj));
    return obj;
}

/* --- mounts -------------------------------------------------------------- */

static json_object *mount_options(struct oci_writer *w,
                                  const struct spec_mount *mount)
{
    json_object *options = json_object_new_array();
    unsigned long left = mount->flags;
    const char *propagation = NULL;

    /* Each flag by the option that sets it, "rbind" before "bind". */
    for (const struct oci_mount_option *o = oci_mount_options; o->name; o++) {
        if (o->kind == OPTION_SET && (left & o->value) == o->value) {
            oci_push(w, options, json_object_new_string(o->name));
            left &= ~o->value;
        }
        if (o->kind == OPTION_PROPAGATION && o->value == mount->propagation)
            propagation = o->name;
    }
    if (left)
        oci_cannot_write(w, "a mount flag with no option for it");
    if (mount->propagation && !propagation)
        oci_cannot_write(w, "a mount propagation with no option for it");
    if (propagation)
        oci_push(w, options, json_object_new_string(propagation));
    if (mount->copy_up)
        oci_push(w, options, json_object_new_string("tmpcopyup"));
    /* The filesystem's own, one option each: "mode=755", "size=64m". */
    if (mount->data) {
        char *copy = strdup(mount->data), *word, *save = NULL;

        if (!copy)
            w->failed = 1;
        for (word = copy ? strtok_r(copy, ",", &save) : NULL; word;
             word = strtok_r(NULL, ",", &save))
            oci_push(w, options, json_object_new_string(word));
        free(copy);
    }
    return options;
}

static json_object *build_mounts(struct oci_writer *w,
                                 const struct ctr_spec *spec)
{
    json_object *mounts = json_object_new_array();

    for (int i = 0; i < spec->mount_count; i++) {
        const struct spec_mount *mount = &spec->mounts[i];
        json_object *entry = json_object_new_object(), *options;

        oci_set(w, entry, "destination",
                json_object_new_string(mount->destination));
        if (mount->type)
            oci_set(w, entry, "type", json_object_new_string(mount->type));
        if (mount->source)
            oci_set(w, entry, "source", json_object_new_string(mount->source));
        options = mount_options(w, mount);
        if (options && json_object_array_length(options))
            oci_set(w, entry, "options", options);
        else
            json_object_put(options);
        oci_push(w, mounts, entry);
    }
    return mounts;
}

/* --- hooks and annotations ----------------------------------------------- */

static json_object *build_hooks(struct oci_writer *w,
                                const struct ctr_spec *spec)
{
    json_object *hooks = json_object_new_object();

    for (int kind = 0; kind < HOOK_KIND_COUNT; kind++) {
        json_object *list;

        if (!spec->hooks[kind].count)
            continue;
        list = json_object_new_array();
        for (int i = 0; i < spec->hooks[kind].count; i++) {
            const struct spec_hook *hook = &spec->hooks[kind].list[i];
            json_object *entry = json_object_new_object();

            oci_set(w, entry, "path", json_object_new_string(hook->path));
            if (hook->args)
                oci_set(w, entry, "args", oci_strings(w, hook->args, -1));
            if (hook->env)
                oci_set(w, entry, "env", oci_strings(w, hook->env, -1));
            if (hook->timeout > 0)
                oci_set(w, entry, "timeout",
                        json_object_new_int(hook->timeout));
            oci_push(w, list, entry);
        }
        oci_set(w, hooks, oci_hook_names[kind], list);
    }
    return hooks;
}

static json_object *build_annotations(struct oci_writer *w,
                                      const struct ctr_spec *spec)
{
    static const char *const nets[] = {
        [NET_NONE] = "none", [NET_BRIDGE] = "bridge", [NET_HOST] = "host"};
    json_object *annotations = json_object_new_object();
    char ip[INET_ADDRSTRLEN];

    for (char **a = spec->annotations; a && a[0] && a[1]; a += 2)
        oci_set(w, annotations, a[0], json_object_new_string(a[1]));
    /* minictr's own fields, when set (oci_config.h). */
    if (spec->root_overlay)
        oci_set(w, annotations, "org.ctlab.minictr.root-overlay",
                json_object_new_string("true"));
    if (spec->net != NET_NONE)
        oci_set(w, annotations, "org.ctlab.minictr.net",
                json_object_new_string(nets[spec->net]));
    if (spec->ip_given && inet_ntop(AF_INET, &spec->ip, ip, sizeof(ip)))
        oci_set(w, annotations, "org.ctlab.minictr.ip",
                json_object_new_string(ip));
    if (spec->use_init)
        oci_set(w, annotations, "org.ctlab.minictr.init",
                json_object_new_string("true"));
    if (spec->rootless)
        oci_set(w, annotations, "org.ctlab.minictr.rootless",
                json_object_new_string("true"));
    return annotations;
}

int oci_config_write(const struct ctr_spec *spec, FILE *out)
{
    struct oci_writer w = {0};
    json_object *config = json_object_new_object(), *root;

    oci_set(&w, config, "ociVersion",
            json_object_new_string(OCI_VERSION_WRITTEN));
    oci_set(&w, config, "process", oci_build_process(&w, &spec->process));
    if (spec->root) {
        root = json_object_new_object();
        oci_set(&w, root, "path", json_object_new_string(spec->root));
        if (spec->root_readonly)
            oci_set(&w, root, "readonly", json_object_new_boolean(1));
        oci_set(&w, config, "root", root);
    }
    if (spec->hostname)
        oci_set(&w, config, "hostname", json_object_new_string(spec->hostname));
    if (spec->domainname)
        oci_set(&w, config, "domainname",
                json_object_new_string(spec->domainname));
    oci_set_some(&w, config, "mounts", build_mounts(&w, spec));
    oci_set_some(&w, config, "hooks", build_hooks(&w, spec));
    oci_set_some(&w, config, "annotations", build_annotations(&w, spec));
    oci_set_some(&w, config, "linux", oci_build_linux(&w, spec));
    return oci_print(&w, config, out);
}

int oci_process_write(const struct spec_process *process, FILE *out)
{
    struct oci_writer w = {0};
    return oci_print(&w, oci_build_process(&w, process), out);
}
