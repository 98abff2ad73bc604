/* 10-mini-container/oci_config.c - an OCI bundle's config.json into
 * struct ctr_spec; see oci_config.h for what is honoured, refused and
 * ignored.
 *
 *     minictr create --bundle /b c1    reads /b/config.json:
 *     {
 *         "ociVersion": "1.0.2",
 *         "root": {"path": "rootfs", "readonly": true},   -> /b/rootfs
 *         "process": {...},                  oci_process.c
 *         "hostname": "c1",
 *         "mounts": [{"destination": "/proc", "type": "proc",
 *                     "source": "proc", "options": ["nosuid"]}, ...],
 *                                            oci_mounts.c
 *         "hooks": {"poststop": [{"path": "/usr/bin/cleanup"}]},
 *         "annotations": {"key": "value"},
 *         "linux": {...}                     oci_linux.c, oci_resources.c
 *     }
 *
 * Parse first, then act: this file only reads and checks. Nothing here
 * makes a mount or a namespace; the create path does, from the spec.
 *
 * Read: the runtime-spec's config.md and bundle.md; mount(2), mount(8).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "file.h"
#include "oci_config.h"
#include "oci_json.h"
#include "oci_tables.h"

/* sethostname(2) and setdomainname(2): at most 64 bytes. */
#define HOSTNAME_MAX 64

#define MINICTR_ANNOTATION "org.ctlab.minictr."

/* --- root ---------------------------------------------------------------- */

static int read_root(struct oci_reader *r, json_object *config,
                     struct ctr_spec *spec)
{
    json_object *root;
    char resolved[PATH_MAX];
    struct stat st;
    size_t back;
    int got = oci_member(r, config, "root", json_type_object, &root);

    if (got <= 0)
        return got < 0 ? -1 : oci_missing(r, "root");
    back = oci_enter(r, "root");
    got = oci_string(r, root, "path", &spec->root);
    if (got <= 0)
        return got < 0 ? -1 : oci_missing(r, "path");
    if (oci_bool(r, root, "readonly", &spec->root_readonly) < 0)
        return -1;
    oci_enter(r, "path");
    if (!spec->root[0]) /* not the bundle itself */
        return oci_fail(r, "empty");
    if (r->saved) { /* checked when it was made; may be gone by delete */
        if (oci_check_absolute(r, spec->root) < 0)
            return -1;
        oci_leave(r, back);
        return 0;
    }
    if (oci_host_path(r, spec->root, &spec->root) < 0)
        return -1;
    /* "A directory MUST exist at the path declared by the field." */
    if (!realpath(spec->root, resolved) || stat(resolved, &st) < 0)
        return oci_fail(r, "%s: %s", spec->root, strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return oci_fail(r, "%s: not a directory", spec->root);
    free(spec->root);
    spec->root = strdup(resolved);
    if (!spec->root)
        return oci_fail(r, "%s", strerror(errno));
    oci_leave(r, back);
    return 0;
}

/* --- hooks --------------------------------------------------------------- */

static int allocate_hooks(struct oci_reader *r, size_t length, void *data)
{
    struct spec_hooks *these = data;

    these->list = calloc(length ? length : 1, sizeof(struct spec_hook));
    return these->list ? 0 : oci_fail(r, "%s", strerror(errno));
}

static int read_hook(struct oci_reader *r, json_object *entry, void *data)
{
    struct spec_hooks *these = data;
    /* Counted first: spec_free() frees a hook half read. */
    struct spec_hook *hook = &these->list[these->count++];
    int64_t timeout;
    size_t back;
    int got;

    if (oci_value_type(r, entry, json_type_object) < 0)
        return -1;
    got = oci_string(r, entry, "path", &hook->path);
    if (got <= 0)
        return got < 0 ? -1 : oci_missing(r, "path");
    back = oci_enter(r, "path");
    if (oci_check_absolute(r, hook->path) < 0)
        return -1;
    oci_leave(r, back);
    if (oci_string_array(r, entry, "args", NULL, &hook->args, NULL) < 0 ||
        oci_string_array(r, entry, "env", oci_check_env, &hook->env, NULL) < 0)
        return -1;
    /* "If set, timeout MUST be greater than zero." */
    got = oci_int64(r, entry, "timeout", 1, INT_MAX, &timeout);
    if (got < 0)
        return -1;
    hook->timeout = got ? (int)timeout : 0;
    return 0;
}

static int read_hooks(struct oci_reader *r, json_object *config,
                      struct ctr_spec *spec)
{
    json_object *hooks;
    size_t back;
    int got = oci_member(r, config, "hooks", json_type_object, &hooks);

    if (got <= 0)
        return got;
    back = oci_enter(r, "hooks");
    for (int kind = 0; kind < HOOK_KIND_COUNT; kind++) {
        if (oci_each(r, hooks, oci_hook_names[kind], allocate_hooks, read_hook,
                     &spec->hooks[kind]) < 0)
            return -1;
    }
    oci_leave(r, back);
    return 0;
}

/* --- annotations --------------------------------------------------------- */

static int read_flag_annotation(struct oci_reader *r, const char *value,
                                int *flag)
{
    if (strcmp(value, "true") == 0)
        *flag = 1;
    else if (strcmp(value, "false") == 0)
        *flag = 0;
    else
        return oci_fail(r, "\"%s\": want \"true\" or \"false\"", value);
    return 0;
}

/* org.ctlab.minictr.NAME: minictr's own fields (oci_config.h). */
static int read_minictr_annotation(struct oci_reader *r, const char *name,
                                   const char *value, struct ctr_spec *spec)
{
    if (strcmp(name, "root-overlay") == 0)
        return read_flag_annotation(r, value, &spec->root_overlay);
    if (strcmp(name, "init") == 0)
        return read_flag_annotation(r, value, &spec->use_init);
    if (strcmp(name, "rootless") == 0)
        return read_flag_annotation(r, value, &spec->rootless);
    if (strcmp(name, "net") == 0) {
        if (strcmp(value, "bridge") == 0)
            spec->net = NET_BRIDGE;
        else if (strcmp(value, "none") == 0)
            spec->net = NET_NONE;
        else if (strcmp(value, "host") == 0)
            spec->net = NET_HOST;
        else
            return oci_fail(r, "\"%s\": want bridge, none or host", value);
        return 0;
    }
    if (strcmp(name, "ip") == 0) {
        if (inet_pton(AF_INET, value, &spec->ip) != 1)
            return oci_fail(r, "\"%s\" is not an IPv4 address", value);
        spec->ip_given = 1;
        return 0;
    }
    return oci_fail(r, "not one of minictr's (" MINICTR_ANNOTATION
                       "root-overlay, net, ip, init, rootless)");
}

static int read_annotations(struct oci_reader *r, json_object *config,
                            struct ctr_spec *spec)
{
    json_object *annotations;
    const char *text;
    size_t back;
    int got = oci_member(r, config, "annotations", json_type_object,
                         &annotations),
        used = 0;

    if (got <= 0)
        return got;
    back = oci_enter(r, "annotations");
    spec->annotations = calloc(
        2 * (size_t)json_object_object_length(annotations) + 1, sizeof(char *));
    if (!spec->annotations)
        return oci_fail(r, "%s", strerror(errno));
    json_object_object_foreach(annotations, key, value)
    {
        size_t element = oci_enter(r, key);

        if (!value) { /* null: as if absent */
            oci_leave(r, element);
            continue;
        }
        if (oci_value_string(r, value, &text) < 0)
            return -1;
        if (strncmp(key, MINICTR_ANNOTATION, strlen(MINICTR_ANNOTATION)) == 0) {
            if (read_minictr_annotation(r, key + strlen(MINICTR_ANNOTATION),
                                        text, spec) < 0)
                return -1;
        } else {
            spec->annotations[used] = strdup(key);
            if (!spec->annotations[used])
                return oci_fail(r, "%s", strerror(errno));
            spec->annotations[++used] = strdup(text);
            if (!spec->annotations[used++])
                return oci_fail(r, "%s", strerror(errno));
        }
        oci_leave(r, element);
    }
    oci_leave(r, back);
    return 0;
}

/* --- the rest ------------------------------------------------------------ */

static int lsm_enabled(const char *lsm)
{
    char text[8];

    if (strcmp(lsm, "selinux") == 0)
        return access("/sys/fs/selinux/enforce", F_OK) == 0;
    return access("/sys/kernel/security/apparmor", F_OK) == 0 ||
           (read_first_line("/sys/module/apparmor/parameters/enabled", text,
                            sizeof(text)) > 0 &&
            text[0] == 'Y');
}

int oci_lsm_field(struct oci_reader *r, json_object *obj, const char *key,
                  const char *lsm)
{
    char *label = NULL;
    size_t back;
    int got = oci_string(r, obj, key, &label);

    if (got <= 0 || !label[0]) {
        free(label);
        return got < 0 ? -1 : 0;
    }
    free(label);
    back = oci_enter(r, key);
    if (lsm_enabled(lsm))
        return oci_fail(r,
                        "not implemented by minictr (%s is enabled on "
                        "this host, and minictr cannot apply a label)",
                        lsm);
    fprintf(stderr,
            "%s: warning: %s: %s: %s is not enabled on this host: ignored\n",
            program_name, r->file, r->path, lsm);
    oci_leave(r, back);
    return 0;
}

static int read_name(struct oci_reader *r, json_object *config, const char *key,
                     char **name)
{
    size_t back;
    int got = oci_string_given(r, config, key, name);

    if (got <= 0)
        return got;
    back = oci_enter(r, key);
    if (strlen(*name) > HOSTNAME_MAX)
        return oci_fail(r, "more than %d bytes", HOSTNAME_MAX);
    for (const char *c = *name; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            return oci_fail(r, "a control character");
    oci_leave(r, back);
    return 0;
}

static int read_version(struct oci_reader *r, json_object *config)
{
    char *version = NULL;
    int got = oci_string(r, config, "ociVersion", &version), major1;

    if (got <= 0)
        return got < 0 ? -1 : oci_missing(r, "ociVersion");
    /* The spec is semantic versioning: any 1.x is compatible. */
    major1 = strncmp(version, "1.", 2) == 0;
    if (!major1) {
        oci_enter(r, "ociVersion");
        oci_fail(r,
                 "\"%s\": minictr reads version 1 (" OCI_VERSION_MIN
                 " to " OCI_VERSION_MAX " and later 1.x)",
                 version);
    }
    free(version);
    return major1 ? 0 : -1;
}

/* What needs another field: checked once everything is read. */
static int check_across(struct oci_reader *r, struct ctr_spec *spec)
{
    int uts = spec->namespaces[SPEC_NS_UTS].wanted;

    if (spec->hostname && !uts) {
        oci_enter(r, "hostname");
        return oci_fail(r, "needs a UTS namespace (linux.namespaces: "
                           "{\"type\": \"uts\"}), or it would be the host's");
    }
    if (spec->domainname && !uts) {
        oci_enter(r, "domainname");
        return oci_fail(r, "needs a UTS namespace (linux.namespaces: "
                           "{\"type\": \"uts\"}), or it would be the host's");
    }
    if (spec->ip_given && spec->net != NET_BRIDGE) {
        oci_enter(r, "annotations");
        oci_enter(r, MINICTR_ANNOTATION "ip");
        return oci_fail(r, "an address needs " MINICTR_ANNOTATION
                           "net \"bridge\"");
    }
    return 0;
}

static int read_config(struct oci_reader *r, json_object *config,
                       struct ctr_spec *spec)
{
    json_object *section;
    int got;

    if (read_version(r, config) < 0 || read_root(r, config, spec) < 0)
        return -1;
    got = oci_member(r, config, "process", json_type_object, &section);
    if (got <= 0) /* OPTIONAL until start; minictr creates to start */
        return got < 0 ? -1 : oci_missing(r, "process");
    oci_enter(r, "process");
    if (oci_read_process(r, section, &spec->process) < 0)
        return -1;
    oci_leave(r, 0);
    /* linux before the names: a hostname needs its UTS namespace. */
    got = oci_member(r, config, "linux", json_type_object, &section);
    if (got < 0)
        return -1;
    if (got) {
        oci_enter(r, "linux");
        if (oci_read_linux(r, section, spec) < 0)
            return -1;
        oci_leave(r, 0);
    }
    if (read_name(r, config, "hostname", &spec->hostname) < 0 ||
        read_name(r, config, "domainname", &spec->domainname) < 0 ||
        oci_read_mounts(r, config, spec) < 0 ||
        read_hooks(r, config, spec) < 0 ||
        read_annotations(r, config, spec) < 0)
        return -1;
    /* Other platforms' sections: this is Linux. */
    if (oci_refuse(r, config, "solaris") < 0 ||
        oci_refuse(r, config, "windows") < 0 ||
        oci_refuse(r, config, "vm") < 0 || oci_refuse(r, config, "zos") < 0)
        return -1;
    return check_across(r, spec);
}

static int read_spec(const char *path, const char *bundle, int saved,
                     struct ctr_spec *spec)
{
    struct oci_reader reader = {.file = path, .bundle = bundle, .saved = saved};
    json_object *config;
    int rc;

    if (oci_json_parse_file(path, &config) < 0)
        return -1;
    rc = read_config(&reader, config, spec);
    json_object_put(config);
    if (rc < 0)
        spec_free(spec); /* all that was read; spec_init()'s again */
    return rc;
}

int oci_config_read(const char *path, const char *bundle, struct ctr_spec *spec)
{
    return read_spec(path, bundle, 0, spec);
}

int oci_config_read_saved(const char *path, struct ctr_spec *spec)
{
    return read_spec(path, NULL, 1, spec);
}

int oci_process_read(const char *path, struct spec_process *process)
{
    struct oci_reader reader = {.file = path};
    json_object *object;
    int rc;

    if (oci_json_parse_file(path, &object) < 0)
        return -1;
    rc = oci_read_process(&reader, object, process);
    json_object_put(object);
    if (rc < 0)
        spec_process_free(process);
    return rc;
}
