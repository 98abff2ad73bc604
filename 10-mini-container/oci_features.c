/* 10-mini-container/oci_features.c - `minictr features`: what minictr
 * reads in a config.json, as the runtime-spec's features document
 * (features.md, features-linux.md) says it.
 *
 * Each list is generated from the table the parser reads with
 * (oci_tables.c), leaving out what the table marks as not implemented;
 * the capabilities are those cap_parse() takes, this kernel's. So the
 * document cannot claim what the parser refuses, nor miss what it takes.
 */
#define _GNU_SOURCE
#include <seccomp.h>
#include <stdio.h>

#include "capabilities.h"
#include "oci_config.h"
#include "oci_tables.h"
#include "oci_write.h"

/* The implemented names of TABLE (all of them with ALL). */
static json_object *names(struct oci_writer *w, const struct oci_name *table,
                          int all)
{
    json_object *array = json_object_new_array();

    for (; table->name; table++)
        if (all || !table->not_implemented)
            oci_push(w, array, json_object_new_string(table->name));
    return array;
}

static json_object *mount_options(struct oci_writer *w)
{
    json_object *array = json_object_new_array();

    for (const struct oci_mount_option *o = oci_mount_options; o->name; o++)
        if (o->kind != OPTION_REFUSED)
            oci_push(w, array, json_object_new_string(o->name));
    return array;
}

static json_object *enabled(struct oci_writer *w, int yes)
{
    json_object *obj = json_object_new_object();

    oci_set(w, obj, "enabled", json_object_new_boolean(yes));
    return obj;
}

static json_object *linux_features(struct oci_writer *w)
{
    json_object *obj = json_object_new_object(), *cgroup, *seccomp, *ext;

    oci_set(w, obj, "namespaces", names(w, oci_namespaces, 0));
    oci_set(w, obj, "capabilities", oci_capability_names(w, all_caps()));
    /* Chapter 05 drives v1 and v2 itself; no systemd, no rdma. */
    cgroup = json_object_new_object();
    oci_set(w, cgroup, "v1", json_object_new_boolean(1));
    oci_set(w, cgroup, "v2", json_object_new_boolean(1));
    oci_set(w, cgroup, "systemd", json_object_new_boolean(0));
    oci_set(w, cgroup, "systemdUser", json_object_new_boolean(0));
    oci_set(w, cgroup, "rdma", json_object_new_boolean(0));
    oci_set(w, obj, "cgroup", cgroup);
    seccomp = json_object_new_object();
    oci_set(w, seccomp, "enabled", json_object_new_boolean(1));
    oci_set(w, seccomp, "actions", names(w, oci_seccomp_actions, 0));
    oci_set(w, seccomp, "operators", names(w, oci_seccomp_operators, 0));
    oci_set(w, seccomp, "archs", names(w, oci_seccomp_archs, 0));
    oci_set(w, seccomp, "knownFlags", names(w, oci_seccomp_flags, 1));
    oci_set(w, seccomp, "supportedFlags", names(w, oci_seccomp_flags, 0));
    oci_set(w, obj, "seccomp", seccomp);
    oci_set(w, obj, "apparmor", enabled(w, 0));
    oci_set(w, obj, "selinux", enabled(w, 0));
    oci_set(w, obj, "intelRdt", enabled(w, 0));
    ext = json_object_new_object();
    oci_set(w, ext, "idmap", enabled(w, 0));
    oci_set(w, obj, "mountExtensions", ext);
    return obj;
}

int oci_features_write(FILE *out)
{
    struct oci_writer w = {0};
    const struct scmp_version *libseccomp = seccomp_version();
    json_object *doc = json_object_new_object(), *hooks, *annotations;
    char version[32];

    oci_set(&w, doc, "ociVersionMin", json_object_new_string(OCI_VERSION_MIN));
    oci_set(&w, doc, "ociVersionMax", json_object_new_string(OCI_VERSION_MAX));
    hooks = json_object_new_array();
    for (int kind = 0; kind < HOOK_KIND_COUNT; kind++)
        oci_push(&w, hooks, json_object_new_string(oci_hook_names[kind]));
    oci_set(&w, doc, "hooks", hooks);
    oci_set(&w, doc, "mountOptions", mount_options(&w));
    oci_set(&w, doc, "linux", linux_features(&w));
    annotations = json_object_new_object();
    snprintf(version, sizeof(version), "%u.%u.%u", libseccomp->major,
             libseccomp->minor, libseccomp->micro);
    oci_set(&w, annotations, "io.github.seccomp.libseccomp.version",
            json_object_new_string(version));
    oci_set(&w, doc, "annotations", annotations);
    return oci_print(&w, doc, out);
}
