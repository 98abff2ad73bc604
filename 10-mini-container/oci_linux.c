/* 10-mini-container/oci_linux.c - config.json's "linux" object into
 * struct ctr_spec: namespaces, id maps, device nodes, sysctls, masked and
 * read-only paths, propagation, the cgroup path; resources and seccomp
 * have a file each (oci_resources.c, oci_seccomp.c).
 *
 *     "linux": {
 *         "namespaces": [{"type": "pid"}, {"type": "network",
 *                         "path": "/var/run/netns/n1"}],
 *         "uidMappings": [{"containerID": 0, "hostID": 100000,
 *                          "size": 65536}],
 *         "devices": [{"type": "c", "path": "/dev/fuse", "major": 10,
 *                      "minor": 229, "fileMode": 438}],
 *         "sysctl": {"net.ipv4.ip_forward": "1"},
 *         "maskedPaths": ["/proc/kcore"], "readonlyPaths": ["/proc/sys"],
 *         "rootfsPropagation": "slave", "cgroupsPath": "/ctlab/c1",
 *         "resources": {...}, "seccomp": {...}
 *     }
 *
 * Read: the runtime-spec's config-linux.md; namespaces(7),
 * user_namespaces(7), mknod(2), sysctl(8), mount_namespaces(7).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oci_json.h"
#include "oci_tables.h"

/* A device number's parts, as the kernel holds them (kdev_t): 12 bits of
 * major, 20 of minor. */
#define MAJOR_MAX 4095
#define MINOR_MAX 1048575

/* --- namespaces ---------------------------------------------------------- */

static int read_namespace(struct oci_reader *r, json_object *entry, void *data)
{
    struct ctr_spec *spec = data;
    const struct oci_name *known;
    struct spec_namespace *ns;
    char *type = NULL, names[200];
    size_t back;
    int got;

    if (oci_value_type(r, entry, json_type_object) < 0)
        return -1;
    got = oci_string(r, entry, "type", &type);
    if (got <= 0)
        return got < 0 ? -1 : oci_missing(r, "type");
    back = oci_enter(r, "type");
    known = oci_name_find(oci_namespaces, type);
    if (!known || known->not_implemented) {
        if (known)
            oci_fail(r, "\"%s\" is not implemented by minictr", type);
        else
            oci_fail(r, "unknown namespace \"%s\" (%s)", type,
                     oci_names_list(oci_namespaces, names, sizeof(names)));
        free(type);
        return -1;
    }
    free(type);
    ns = &spec->namespaces[known->value];
    /* "If a namespaces field contains duplicated namespaces with same
     * type, the runtime MUST generate an error." */
    if (ns->wanted)
        return oci_fail(r, "a second \"%s\" namespace", known->name);
    ns->wanted = 1;
    oci_leave(r, back);
    if (oci_string_given(r, entry, "path", &ns->path) < 0)
        return -1;
    if (ns->path) { /* a namespace to join: a file on the host */
        back = oci_enter(r, "path");
        if (oci_check_absolute(r, ns->path) < 0)
            return -1;
        oci_leave(r, back);
    }
    return 0;
}

/* --- id maps ------------------------------------------------------------- */

/* uidMappings, gidMappings: as many ranges as the kernel takes. */
static int check_id_ranges(struct oci_reader *r, size_t length, void *data)
{
    (void)data;
    if (length > ID_MAP_MAX_RANGES)
        return oci_fail(r, "%zu ranges, more than the kernel's %d", length,
                        ID_MAP_MAX_RANGES);
    return 0;
}

static int read_id_range(struct oci_reader *r, json_object *entry, void *data)
{
    static const char *const keys[] = {"containerID", "hostID", "size"};
    struct id_map *map = data;
    struct id_range *range = &map->ranges[map->count];
    unsigned long *fields[] = {&range->inside, &range->outside, &range->count};
    uint64_t number;
    int got;

    if (oci_value_type(r, entry, json_type_object) < 0)
        return -1;
    for (int k = 0; k < 3; k++) {
        got = oci_uint64(r, entry, keys[k], UINT32_MAX, &number);
        if (got <= 0)
            return got < 0 ? -1 : oci_missing(r, keys[k]);
        *fields[k] = (unsigned long)number;
    }
    if (range->count == 0) {
        oci_enter(r, "size");
        return oci_fail(r, "0 ids (at least 1)");
    }
    map->count++;
    return 0;
}

/* --- device nodes -------------------------------------------------------- */

static int allocate_devices(struct oci_reader *r, size_t length, void *data)
{
    struct ctr_spec *spec = data;

    spec->devices = calloc(length ? length : 1, sizeof(struct spec_device));
    return spec->devices ? 0 : oci_fail(r, "%s", strerror(errno));
}

static int read_device(struct oci_reader *r, json_object *entry, void *data)
{
    struct ctr_spec *spec = data;
    /* Counted first: spec_free() frees a device half read. */
    struct spec_device *device = &spec->devices[spec->device_count++];
    char *text = NULL;
    int64_t number;
    uint64_t id;
    size_t back;
    int got;

    if (oci_value_type(r, entry, json_type_object) < 0)
        return -1;
    got = oci_string(r, entry, "type", &text);
    if (got <= 0)
        return got < 0 ? -1 : oci_missing(r, "type");
    device->type = text[0];
    got = strlen(text) == 1 && strchr("cbup", text[0]);
    free(text);
    text = NULL;
    if (!got) {
        oci_enter(r, "type");
        return oci_fail(r, "want \"c\", \"b\", \"u\" or \"p\" (mknod(1))");
    }
    got = oci_string(r, entry, "path", &text);
    if (got <= 0)
        return got < 0 ? -1 : oci_missing(r, "path");
    back = oci_enter(r, "path");
    got = oci_container_path(r, text, &device->path);
    free(text);
    if (got < 0)
        return -1;
    /* minictr makes the nodes in the container's own /dev (a tmpfs). */
    if (strncmp(device->path, "/dev/", 5) != 0)
        return oci_fail(r, "\"%s\" is not in /dev", device->path);
    oci_leave(r, back);
    got = oci_int64(r, entry, "major", 0, MAJOR_MAX, &number);
    if (got < 0 || (got == 0 && device->type != 'p'))
        return got < 0 ? -1 : oci_missing(r, "major");
    device->major = got ? (long)number : 0;
    got = oci_int64(r, entry, "minor", 0, MINOR_MAX, &number);
    if (got < 0 || (got == 0 && device->type != 'p'))
        return got < 0 ? -1 : oci_missing(r, "minor");
    device->minor = got ? (long)number : 0;
    /* Go's os.FileMode may carry its own type bits up high: only the
     * permission bits are a mode. */
    got = oci_uint64(r, entry, "fileMode", UINT32_MAX, &id);
    if (got < 0)
        return -1;
    device->mode = got ? (mode_t)(id & 07777) : 0;
    got = oci_uint64(r, entry, "uid", UINT32_MAX - 1, &id);
    if (got < 0)
        return -1;
    device->uid = got ? (uid_t)id : 0;
    got = oci_uint64(r, entry, "gid", UINT32_MAX - 1, &id);
    if (got < 0)
        return -1;
    device->gid = got ? (gid_t)id : 0;
    return 0;
}

/* --- sysctls ------------------------------------------------------------- */

/* Only a namespaced sysctl may be set, and only with its namespace: any
 * other writes the host's kernel (runc's rule, from sysctl's docs). */
static int check_sysctl(struct oci_reader *r, const char *key,
                        const struct ctr_spec *spec)
{
    static const char *const ipc_keys[] = {
        "kernel.msgmax", "kernel.msgmnb",         "kernel.msgmni",
        "kernel.sem",    "kernel.shmall",         "kernel.shmmax",
        "kernel.shmmni", "kernel.shm_rmid_forced"};
    const char *needs = NULL;
    int ns = -1;

    /* Dots between words: "net.ipv4.ip_forward" is /proc/sys/net/ipv4/
     * ip_forward. No "/", no empty word, so no ".." either. */
    if (!key[0] || key[0] == '.' || key[strlen(key) - 1] == '.' ||
        strstr(key, "..") ||
        strspn(key, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                    "0123456789_-.") != strlen(key))
        return oci_fail(r, "not a sysctl's name (words and dots: "
                           "net.ipv4.ip_forward)");
    if (strncmp(key, "net.", 4) == 0) {
        ns = SPEC_NS_NET;
        needs = "network";
    } else if (strncmp(key, "fs.mqueue.", 10) == 0) {
        ns = SPEC_NS_IPC;
        needs = "ipc";
    } else if (strcmp(key, "kernel.domainname") == 0) {
        ns = SPEC_NS_UTS;
        needs = "uts";
    } else if (strcmp(key, "kernel.hostname") == 0) {
        return oci_fail(r, "set \"hostname\" instead");
    }
    for (size_t i = 0; ns < 0 && i < sizeof(ipc_keys) / sizeof(*ipc_keys); i++)
        if (strcmp(key, ipc_keys[i]) == 0) {
            ns = SPEC_NS_IPC;
            needs = "ipc";
        }
    if (ns < 0)
        return oci_fail(r, "not in any namespace: it would be set on the "
                           "host");
    if (!spec->namespaces[ns].wanted)
        return oci_fail(r, "needs the container's own %s namespace", needs);
    return 0;
}

static int read_sysctls(struct oci_reader *r, json_object *linux_obj,
                        struct ctr_spec *spec)
{
    json_object *sysctl;
    const char *text;
    size_t back;
    int got = oci_member(r, linux_obj, "sysctl", json_type_object, &sysctl);

    if (got <= 0)
        return got;
    back = oci_enter(r, "sysctl");
    spec->sysctls = calloc((size_t)json_object_object_length(sysctl) + 1,
                           sizeof(struct spec_sysctl));
    if (!spec->sysctls)
        return oci_fail(r, "%s", strerror(errno));
    json_object_object_foreach(sysctl, key, value)
    {
        struct spec_sysctl *entry = &spec->sysctls[spec->sysctl_count];
        size_t element = oci_enter(r, key);

        if (!value) {
            oci_leave(r, element);
            continue;
        }
        if (oci_value_string(r, value, &text) < 0 ||
            check_sysctl(r, key, spec) < 0)
            return -1;
        spec->sysctl_count++;
        entry->key = strdup(key);
        entry->value = strdup(text);
        if (!entry->key || !entry->value)
            return oci_fail(r, "%s", strerror(errno));
        oci_leave(r, element);
    }
    oci_leave(r, back);
    return 0;
}

/* --- paths --------------------------------------------------------------- */

/* maskedPaths, readonlyPaths: container paths, each written one way. */
static int read_paths(struct oci_reader *r, json_object *linux_obj,
                      const char *key, char ***paths, int *count)
{
    int got =
        oci_string_array(r, linux_obj, key, oci_check_absolute, paths, count);
    size_t back;

    if (got <= 0)
        return got;
    back = oci_enter(r, key);
    for (int i = 0; i < *count; i++) {
        size_t element = oci_enter_index(r, (size_t)i);

        if (oci_container_path(r, (*paths)[i], &(*paths)[i]) < 0)
            return -1;
        oci_leave(r, element);
    }
    oci_leave(r, back);
    return 0;
}

static int read_propagation(struct oci_reader *r, json_object *linux_obj,
                            struct ctr_spec *spec)
{
    const struct oci_mount_option *option;
    char *text = NULL;
    size_t back;
    int got = oci_string_given(r, linux_obj, "rootfsPropagation", &text);

    if (got <= 0)
        return got;
    back = oci_enter(r, "rootfsPropagation");
    option = oci_mount_option_find(text);
    if (!option || option->kind != OPTION_PROPAGATION) {
        oci_fail(r,
                 "\"%s\": want shared, slave, private or unbindable "
                 "(or rshared, rslave, rprivate, runbindable)",
                 text);
        free(text);
        return -1;
    }
    free(text);
    spec->rootfs_propagation = option->value;
    oci_leave(r, back);
    return 0;
}

/* Under the cgroup mount, or under minictr's own place when relative:
 * either way, never above it. */
static int read_cgroups_path(struct oci_reader *r, json_object *linux_obj,
                             struct ctr_spec *spec)
{
    size_t back;
    int got =
        oci_string_given(r, linux_obj, "cgroupsPath", &spec->cgroups_path);
    char *copy, *word, *save = NULL;

    if (got <= 0)
        return got;
    back = oci_enter(r, "cgroupsPath");
    copy = strdup(spec->cgroups_path);
    if (!copy)
        return oci_fail(r, "%s", strerror(errno));
    for (word = strtok_r(copy, "/", &save); word;
         word = strtok_r(NULL, "/", &save))
        if (strcmp(word, "..") == 0) {
            free(copy);
            return oci_fail(r, "\"..\" is not allowed");
        }
    free(copy);
    for (const char *c = spec->cgroups_path; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            return oci_fail(r, "a control character");
    oci_leave(r, back);
    return 0;
}

/* --- linux --------------------------------------------------------------- */

int oci_read_linux(struct oci_reader *r, json_object *linux_obj,
                   struct ctr_spec *spec)
{
    json_object *section;
    int got;

    /* Namespaces first: the maps and sysctls are checked against them. */
    if (oci_each(r, linux_obj, "namespaces", NULL, read_namespace, spec) < 0 ||
        oci_each(r, linux_obj, "uidMappings", check_id_ranges, read_id_range,
                 &spec->uid_map) < 0 ||
        oci_each(r, linux_obj, "gidMappings", check_id_ranges, read_id_range,
                 &spec->gid_map) < 0)
        return -1;
    if ((spec->uid_map.count || spec->gid_map.count) &&
        !spec->namespaces[SPEC_NS_USER].wanted) {
        oci_enter(r, spec->uid_map.count ? "uidMappings" : "gidMappings");
        return oci_fail(r, "mappings need a user namespace "
                           "(linux.namespaces: {\"type\": \"user\"})");
    }
    got =
        oci_each(r, linux_obj, "devices", allocate_devices, read_device, spec);
    if (got < 0 || read_sysctls(r, linux_obj, spec) < 0)
        return -1;

    got = oci_member(r, linux_obj, "resources", json_type_object, &section);
    if (got < 0)
        return -1;
    if (got) {
        size_t back = oci_enter(r, "resources");

        if (oci_read_resources(r, section, spec) < 0)
            return -1;
        oci_leave(r, back);
    }
    if (read_cgroups_path(r, linux_obj, spec) < 0)
        return -1;

    got = oci_member(r, linux_obj, "seccomp", json_type_object, &section);
    if (got < 0)
        return -1;
    if (got) {
        size_t back = oci_enter(r, "seccomp");

        spec->has_seccomp = 1;
        if (oci_read_seccomp(r, section, &spec->seccomp) < 0)
            return -1;
        oci_leave(r, back);
    }

    if (read_propagation(r, linux_obj, spec) < 0 ||
        read_paths(r, linux_obj, "maskedPaths", &spec->masked_paths,
                   &spec->masked_count) < 0 ||
        read_paths(r, linux_obj, "readonlyPaths", &spec->readonly_paths,
                   &spec->readonly_count) < 0 ||
        oci_lsm_field(r, linux_obj, "mountLabel", "selinux") < 0)
        return -1;
    /* Known to the spec, not implemented here. */
    if (oci_refuse(r, linux_obj, "intelRdt") < 0 ||
        oci_refuse(r, linux_obj, "personality") < 0 ||
        oci_refuse(r, linux_obj, "timeOffsets") < 0 ||
        oci_refuse(r, linux_obj, "netDevices") < 0 ||
        oci_refuse(r, linux_obj, "memoryPolicy") < 0)
        return -1;
    return 0;
}
