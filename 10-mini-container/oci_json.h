/* 10-mini-container/oci_json.h - reading config.json with json-c
 * (oci_json.c: the file; oci_values.c: its values), for the OCI front
 * end's section parsers (oci_config.c, oci_process.c, oci_mounts.c,
 * oci_linux.c, oci_resources.c, oci_seccomp.c).
 *
 * A reader knows which file it reads and where in it it is, as a JSON
 * path ("linux.resources.memory.limit", "mounts[3].destination"), so that
 * every error names both:
 *     config.json: mounts[3].destination: ".." is not allowed
 *
 * The getters share one convention (an expected miss is a return value):
 *     1   the member is there, with the right type, stored in *OUT
 *     0   absent, or null (Go's omitempty writes neither)
 *    -1   there with a wrong type or value: reported
 * A getter enters its key into the path, and leaves it on success; after
 * -1 the path is left where the error was, for nobody: the read stops.
 */
#ifndef CTLAB_OCI_JSON_H
#define CTLAB_OCI_JSON_H

#include <json-c/json.h>
#include <stdint.h>

#include "spec.h"

struct oci_reader {
    const char *file;   /* as the caller named it: "config.json" */
    const char *bundle; /* relative paths are relative to it; NULL: "." */
    int saved;          /* minictr's own persisted spec: trust the paths */
    char path[512];     /* the JSON path of the value being read */
    size_t length;
};

/* Read FILE (at most OCI_CONFIG_MAX_BYTES) and parse it, strictly, into
 * *ROOT, which must be a JSON object. Syntax errors give "FILE:LINE:COL:
 * what". The caller puts *ROOT with json_object_put(). */
int oci_json_parse_file(const char *file, json_object **root);

/* Append ".KEY" (or "[\"KEY\"]" when KEY is not a plain word, such as
 * an annotation's "io.podman.annotations.init") or "[INDEX]" to the
 * path; return the length to leave back to. */
size_t oci_enter(struct oci_reader *r, const char *key);
size_t oci_enter_index(struct oci_reader *r, size_t index);
void oci_leave(struct oci_reader *r, size_t length);

/* "FILE: PATH: MESSAGE" (the path left out when empty). Returns -1. */
int oci_fail(struct oci_reader *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* "FILE: PATH.KEY: missing (required)". Returns -1. */
int oci_missing(struct oci_reader *r, const char *key);

/* "FILE: PATH: not implemented by minictr", when KEY of OBJ asks for
 * something (not null, {}, [], "" nor false). 0 when it does not. */
int oci_refuse(struct oci_reader *r, json_object *obj, const char *key);

/* Typed members of OBJ. */
int oci_member(struct oci_reader *r, json_object *obj, const char *key,
               json_type type, json_object **out);
int oci_string(struct oci_reader *r, json_object *obj, const char *key,
               char **out); /* malloc'd; *OUT freed first */
/* The same, "" being absent: Go's omitempty never writes it, and an
 * optional string that says nothing asks for nothing. */
int oci_string_given(struct oci_reader *r, json_object *obj, const char *key,
                     char **out);
int oci_bool(struct oci_reader *r, json_object *obj, const char *key, int *out);
int oci_int64(struct oci_reader *r, json_object *obj, const char *key,
              int64_t min, int64_t max, int64_t *out);
int oci_uint64(struct oci_reader *r, json_object *obj, const char *key,
               uint64_t max, uint64_t *out);

/* A NULL-terminated array of strings (*COUNT strings), each checked by
 * CHECK when not NULL (it reports, and returns -1, for a bad one). */
int oci_string_array(struct oci_reader *r, json_object *obj, const char *key,
                     int (*check)(struct oci_reader *, const char *),
                     char ***out, int *count);

/* Each element of the array OBJ.KEY, in order, to READ_ELEMENT(r,
 * element, DATA), with the path at KEY[i] for its messages; it reports
 * and returns -1 to stop. PREPARE, when not NULL, comes first, with the
 * path at KEY and the array's length: to refuse too many elements, or to
 * make room for them. 1 when read, 0 when absent (or null), -1 at the
 * first failure. */
int oci_each(struct oci_reader *r, json_object *obj, const char *key,
             int (*prepare)(struct oci_reader *r, size_t length, void *data),
             int (*read_element)(struct oci_reader *r, json_object *element,
                                 void *data),
             void *data);

/* The same checks on a value already in hand (an array's element); the
 * path already names it. */
int oci_value_string(struct oci_reader *r, json_object *value,
                     const char **out);
int oci_value_int64(struct oci_reader *r, json_object *value, int64_t min,
                    int64_t max, int64_t *out);
int oci_value_uint64(struct oci_reader *r, json_object *value, uint64_t max,
                     uint64_t *out);
int oci_value_type(struct oci_reader *r, json_object *value, json_type type);

/* TEXT, a path on the host, as an absolute one: itself, or under the
 * bundle when relative (bundle.md), not resolved. Into a malloc'd *OUT. */
int oci_host_path(struct oci_reader *r, const char *text, char **out);

/* A path in the container: absolute, no "..", written one way
 * ("/a//b/./c/" is "/a/b/c"). Into a malloc'd *OUT. */
int oci_container_path(struct oci_reader *r, const char *text, char **out);

/* The common checks for CHECK above. */
int oci_check_absolute(struct oci_reader *r, const char *text);
int oci_check_env(struct oci_reader *r, const char *text); /* KEY=VALUE */

/* process.apparmorProfile and the like, for LSM "apparmor" or "selinux":
 * refused where it is enabled here, else ignored with a warning. */
int oci_lsm_field(struct oci_reader *r, json_object *obj, const char *key,
                  const char *lsm);

/* The sections, in the order oci_config.c reads them. */
int oci_read_process(struct oci_reader *r, json_object *obj,
                     struct spec_process *process);
int oci_read_mounts(struct oci_reader *r, json_object *config,
                    struct ctr_spec *spec);
int oci_read_linux(struct oci_reader *r, json_object *linux_obj,
                   struct ctr_spec *spec);
int oci_read_resources(struct oci_reader *r, json_object *resources,
                       struct ctr_spec *spec);
int oci_read_seccomp(struct oci_reader *r, json_object *seccomp,
                     struct filter_profile *profile);

#endif
