/* 10-mini-container/oci_write.h - building config.json with json-c, for
 * the OCI writers (oci_write.c, oci_write_linux.c, oci_features.c).
 */
#ifndef CTLAB_OCI_WRITE_H
#define CTLAB_OCI_WRITE_H

#include <json-c/json.h>
#include <stdio.h>

#include "spec.h"

/* failed: 1 out of memory (said once, at the end), 2 reported already. */
struct oci_writer {
    int failed;
};

/* OBJ[KEY] = VALUE, and ARRAY += VALUE. Either takes a NULL (a json-c
 * constructor out of memory) and remembers it. */
void oci_set(struct oci_writer *w, json_object *obj, const char *key,
             json_object *value);
void oci_push(struct oci_writer *w, json_object *array, json_object *value);

/* The same, unless VALUE is empty ({} or []): Go's omitempty. */
void oci_set_some(struct oci_writer *w, json_object *obj, const char *key,
                  json_object *value);

/* An array of COUNT strings, or of all up to a NULL when COUNT is -1. */
json_object *oci_strings(struct oci_writer *w, char *const *strings, int count);

/* ["CAP_CHOWN", ...]: the capabilities in SET, by number. */
json_object *oci_capability_names(struct oci_writer *w, cap_mask set);

/* "cannot write the spec as config.json: WHAT": something the spec
 * holds that config.json cannot say (a front end's bug), told once. */
void oci_cannot_write(struct oci_writer *w, const char *what);

/* ROOT, pretty, to OUT, and put ROOT. -1 after any failure (reported). */
int oci_print(struct oci_writer *w, json_object *root, FILE *out);

json_object *oci_build_process(struct oci_writer *w,
                               const struct spec_process *process);
json_object *oci_build_linux(struct oci_writer *w, const struct ctr_spec *spec);

#endif
