/* 10-mini-container/oci_mounts.c - config.json's "mounts" into the
 * spec's mount list, which the create path plays back in order.
 *
 *     "mounts": [
 *         {"destination": "/proc", "type": "proc", "source": "proc",
 *          "options": ["nosuid", "noexec", "nodev"]},
 *         {"destination": "/dev/shm", "type": "tmpfs", "source": "shm",
 *          "options": ["nosuid", "mode=1777", "size=65536k"]},
 *         {"destination": "/data", "type": "bind", "source": "vol",
 *          "options": ["rbind", "ro", "rprivate"]}
 *     ]
 *
 * Each option is either one of mount(8)'s own, a flag for mount(2)
 * (oci_tables.c), a propagation applied after the mount, or the
 * filesystem's (size=, mode=), passed on as data. A bind's source is on
 * the host, relative to the bundle when relative; the destination is in
 * the container, written one way and never with "..".
 *
 * Read: the runtime-spec's config.md (Mounts); mount(2), mount(8),
 * mount_namespaces(7).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "oci_json.h"
#include "oci_tables.h"

/* mount(2) takes the filesystem's options as one page. */
#define MOUNT_DATA_MAX 4095

/* One of mounts[].options: a flag, a propagation, or the filesystem's
 * own ("size=64m"), added to data. */
static int read_mount_option(struct oci_reader *r, json_object *element,
                             void *data)
{
    struct spec_mount *mount = data;
    const struct oci_mount_option *known;
    const char *option;
    char *joined;
    size_t length;

    if (oci_value_string(r, element, &option) < 0)
        return -1;
    known = oci_mount_option_find(option);
    if (known) {
        switch (known->kind) {
        case OPTION_SET:
            mount->flags |= known->value;
            return 0;
        case OPTION_CLEAR:
            mount->flags &= ~known->value;
            return 0;
        case OPTION_PROPAGATION: /* the last one wins */
            mount->propagation = known->value;
            return 0;
        case OPTION_NONE:
            return 0;
        case OPTION_REFUSED:
            return oci_fail(r, "\"%s\" is not implemented by minictr", option);
        case OPTION_COPY_UP:
            mount->copy_up = 1;
            return 0;
        }
    }
    if (!option[0])
        return oci_fail(r, "an empty option");
    length = (mount->data ? strlen(mount->data) + 1 : 0) + strlen(option);
    if (length > MOUNT_DATA_MAX)
        return oci_fail(r,
                        "the filesystem's options are more than %d bytes "
                        "(mount(2) takes one page)",
                        MOUNT_DATA_MAX);
    if (asprintf(&joined, "%s%s%s", mount->data ? mount->data : "",
                 mount->data ? "," : "", option) < 0)
        return oci_fail(r, "%s", strerror(errno));
    free(mount->data);
    mount->data = joined;
    return 0;
}

static int read_mount(struct oci_reader *r, json_object *entry, void *data)
{
    struct ctr_spec *spec = data;
    /* Counted first: spec_free() frees a mount half read. */
    struct spec_mount *mount = &spec->mounts[spec->mount_count++];
    char *destination = NULL;
    size_t back;
    int got;

    if (oci_value_type(r, entry, json_type_object) < 0)
        return -1;
    got = oci_string(r, entry, "destination", &destination);
    if (got <= 0)
        return got < 0 ? -1 : oci_missing(r, "destination");
    back = oci_enter(r, "destination");
    got = oci_container_path(r, destination, &mount->destination);
    free(destination);
    if (got < 0)
        return -1;
    if (strcmp(mount->destination, "/") == 0)
        return oci_fail(r, "\"/\" is the root itself (root.path)");
    oci_leave(r, back);
    if (oci_string_given(r, entry, "type", &mount->type) < 0 ||
        oci_string_given(r, entry, "source", &mount->source) < 0 ||
        oci_each(r, entry, "options", NULL, read_mount_option, mount) < 0)
        return -1;
    /* Id-mapped mounts (Linux 5.12, mount_setattr(2)): not implemented. */
    if (oci_refuse(r, entry, "uidMappings") < 0 ||
        oci_refuse(r, entry, "gidMappings") < 0)
        return -1;

    if (mount->copy_up && (!mount->type || strcmp(mount->type, "tmpfs") != 0))
        return oci_fail(r, "tmpcopyup: for a tmpfs only");
    /* Type "bind", or a bind or rbind option, makes a bind mount. */
    if (mount->type && strcmp(mount->type, "bind") == 0)
        mount->flags |= MS_BIND;
    if (!(mount->flags & MS_BIND))
        return mount->type ? 0 : oci_missing(r, "type");
    free(mount->type);
    mount->type = strdup("bind");
    if (!mount->type)
        return oci_fail(r, "%s", strerror(errno));
    if (!mount->source)
        return oci_missing(r, "source");
    back = oci_enter(r, "source");
    if (r->saved ? oci_check_absolute(r, mount->source) < 0
                 : oci_host_path(r, mount->source, &mount->source) < 0)
        return -1;
    oci_leave(r, back);
    return 0;
}

static int allocate_mounts(struct oci_reader *r, size_t length, void *data)
{
    struct ctr_spec *spec = data;

    spec->mounts = calloc(length ? length : 1, sizeof(struct spec_mount));
    return spec->mounts ? 0 : oci_fail(r, "%s", strerror(errno));
}

int oci_read_mounts(struct oci_reader *r, json_object *config,
                    struct ctr_spec *spec)
{
    if (oci_each(r, config, "mounts", allocate_mounts, read_mount, spec) < 0)
        return -1;
    return 0;
}
