/* 10-mini-container/oci_values.c - config.json's values, typed and
 * checked, each error naming its JSON path; see oci_json.h.
 *
 * json-c hands back a tree of json_object; these getters walk it for the
 * section parsers, so that a section reads as the list of its fields:
 *
 *     got = oci_uint64(r, user, "uid", ID_MAX, &number);
 *     if (got <= 0)
 *         return got < 0 ? -1 : oci_missing(r, "uid");
 *
 * and "config.json: process.user.uid: must not be negative" is said here,
 * once, for every field.
 *
 * Read: json-c's json_object.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "oci_json.h"

/* --- where we are -------------------------------------------------------- */

static int is_plain_key(const char *key)
{
    if (!*key)
        return 0;
    for (const char *c = key; *c; c++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                    "0123456789_",
                    *c))
            return 0;
    return 1;
}

/* Append to the path, truncating (a message with a cut path is still
 * better than none). */
static void append(struct oci_reader *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void append(struct oci_reader *r, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(r->path + r->length, sizeof(r->path) - r->length, fmt, ap);
    va_end(ap);
    if (n > 0)
        r->length += (size_t)n;
    if (r->length >= sizeof(r->path))
        r->length = sizeof(r->path) - 1;
}

size_t oci_enter(struct oci_reader *r, const char *key)
{
    size_t before = r->length;

    if (!is_plain_key(key))
        append(r, "[\"%s\"]", key);
    else
        append(r, "%s%s", r->length ? "." : "", key);
    return before;
}

size_t oci_enter_index(struct oci_reader *r, size_t index)
{
    size_t before = r->length;

    append(r, "[%zu]", index);
    return before;
}

void oci_leave(struct oci_reader *r, size_t length)
{
    r->length = length;
    r->path[length] = '\0';
}

int oci_fail(struct oci_reader *r, const char *fmt, ...)
{
    char message[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(message, sizeof(message), fmt, ap);
    va_end(ap);
    if (r->length)
        return error_msg("%s: %s: %s", r->file, r->path, message);
    return error_msg("%s: %s", r->file, message);
}

/* --- values -------------------------------------------------------------- */

static const char *type_wanted(json_type type)
{
    switch (type) {
    case json_type_string:
        return "not a string";
    case json_type_boolean:
        return "not true or false";
    case json_type_object:
        return "not an object ({...})";
    case json_type_array:
        return "not an array ([...])";
    case json_type_int:
    case json_type_double:
        return "not a number";
    case json_type_null:
        break;
    }
    return "not null";
}

int oci_value_type(struct oci_reader *r, json_object *value, json_type type)
{
    if (json_object_is_type(value, type))
        return 0;
    return oci_fail(r, "%s", type_wanted(type));
}

/* A JSON string holds any character, "\u0000" too; a C string stops
 * there, and a path or an argument would quietly lose its tail. */
int oci_value_string(struct oci_reader *r, json_object *value, const char **out)
{
    if (oci_value_type(r, value, json_type_string) < 0)
        return -1;
    *out = json_object_get_string(value);
    if (strlen(*out) != (size_t)json_object_get_string_len(value))
        return oci_fail(r, "a NUL character (\\u0000) in a string");
    return 0;
}

static int check_integer(struct oci_reader *r, json_object *value)
{
    if (json_object_is_type(value, json_type_int))
        return 0;
    if (json_object_is_type(value, json_type_double))
        return oci_fail(r, "not a whole number");
    return oci_fail(r, "not a number");
}

int oci_value_int64(struct oci_reader *r, json_object *value, int64_t min,
                    int64_t max, int64_t *out)
{
    int64_t number;

    if (check_integer(r, value) < 0)
        return -1;
    number = json_object_get_int64(value);
    /* Above INT64_MAX, json-c holds a uint64 and get_int64 says
     * INT64_MAX. */
    if ((number == INT64_MAX && json_object_get_uint64(value) > INT64_MAX) ||
        number < min || number > max)
        return oci_fail(r, "out of range (%lld to %lld)", (long long)min,
                        (long long)max);
    *out = number;
    return 0;
}

int oci_value_uint64(struct oci_reader *r, json_object *value, uint64_t max,
                     uint64_t *out)
{
    uint64_t number;

    if (check_integer(r, value) < 0)
        return -1;
    if (json_object_get_int64(value) < 0)
        return oci_fail(r, "must not be negative");
    number = json_object_get_uint64(value);
    if (number > max)
        return oci_fail(r, "out of range (0 to %llu)", (unsigned long long)max);
    *out = number;
    return 0;
}

/* --- members ------------------------------------------------------------- */

int oci_member(struct oci_reader *r, json_object *obj, const char *key,
               json_type type, json_object **out)
{
    json_object *value = NULL;
    size_t back;

    if (!json_object_object_get_ex(obj, key, &value) || !value)
        return 0;
    back = oci_enter(r, key);
    if (oci_value_type(r, value, type) < 0)
        return -1;
    oci_leave(r, back);
    *out = value;
    return 1;
}

int oci_missing(struct oci_reader *r, const char *key)
{
    oci_enter(r, key);
    return oci_fail(r, "missing (required)");
}

/* Present (and not null): enter KEY and hand the value over. */
static int enter_member(struct oci_reader *r, json_object *obj, const char *key,
                        json_object **value, size_t *back)
{
    if (!json_object_object_get_ex(obj, key, value) || !*value)
        return 0;
    *back = oci_enter(r, key);
    return 1;
}

int oci_refuse(struct oci_reader *r, json_object *obj, const char *key)
{
    json_object *value;
    size_t back;
    int asks;

    if (!enter_member(r, obj, key, &value, &back))
        return 0;
    switch (json_object_get_type(value)) {
    case json_type_object:
        asks = json_object_object_length(value) > 0;
        break;
    case json_type_array:
        asks = json_object_array_length(value) > 0;
        break;
    case json_type_string:
        asks = json_object_get_string_len(value) > 0;
        break;
    case json_type_boolean:
        asks = json_object_get_boolean(value);
        break;
    default:
        asks = 1;
        break;
    }
    if (asks)
        return oci_fail(r, "not implemented by minictr");
    oci_leave(r, back);
    return 0;
}

int oci_string(struct oci_reader *r, json_object *obj, const char *key,
               char **out)
{
    json_object *value;
    const char *text;
    size_t back;

    if (!enter_member(r, obj, key, &value, &back))
        return 0;
    if (oci_value_string(r, value, &text) < 0)
        return -1;
    free(*out);
    *out = strdup(text);
    if (!*out)
        return oci_fail(r, "%s", strerror(errno));
    oci_leave(r, back);
    return 1;
}

int oci_string_given(struct oci_reader *r, json_object *obj, const char *key,
                     char **out)
{
    int got = oci_string(r, obj, key, out);

    if (got > 0 && !**out) {
        free(*out);
        *out = NULL;
        return 0;
    }
    return got;
}

int oci_bool(struct oci_reader *r, json_object *obj, const char *key, int *out)
{
    json_object *value;
    size_t back;

    if (!enter_member(r, obj, key, &value, &back))
        return 0;
    if (oci_value_type(r, value, json_type_boolean) < 0)
        return -1;
    *out = json_object_get_boolean(value);
    oci_leave(r, back);
    return 1;
}

int oci_int64(struct oci_reader *r, json_object *obj, const char *key,
              int64_t min, int64_t max, int64_t *out)
{
    json_object *value;
    size_t back;

    if (!enter_member(r, obj, key, &value, &back))
        return 0;
    if (oci_value_int64(r, value, min, max, out) < 0)
        return -1;
    oci_leave(r, back);
    return 1;
}

int oci_uint64(struct oci_reader *r, json_object *obj, const char *key,
               uint64_t max, uint64_t *out)
{
    json_object *value;
    size_t back;

    if (!enter_member(r, obj, key, &value, &back))
        return 0;
    if (oci_value_uint64(r, value, max, out) < 0)
        return -1;
    oci_leave(r, back);
    return 1;
}

int oci_string_array(struct oci_reader *r, json_object *obj, const char *key,
                     int (*check)(struct oci_reader *, const char *),
                     char ***out, int *count)
{
    json_object *array;
    size_t length, back;
    const char *text;
    int got = oci_member(r, obj, key, json_type_array, &array);

    if (got <= 0)
        return got;
    length = json_object_array_length(array);
    back = oci_enter(r, key);
    /* Stored in *OUT at once, NULL-terminated as it grows: on an error
     * the spec's free releases what was read. */
    *out = calloc(length + 1, sizeof(**out));
    if (!*out)
        return oci_fail(r, "%s", strerror(errno));
    if (count)
        *count = 0;
    for (size_t i = 0; i < length; i++) {
        size_t inside = oci_enter_index(r, i);

        if (oci_value_string(r, json_object_array_get_idx(array, i), &text) <
                0 ||
            (check && check(r, text) < 0))
            return -1;
        (*out)[i] = strdup(text);
        if (!(*out)[i])
            return oci_fail(r, "%s", strerror(errno));
        if (count)
            *count = (int)i + 1;
        oci_leave(r, inside);
    }
    oci_leave(r, back);
    return 1;
}

/* The loop every list in config.json needs, written once: the path
 * enters "linux.namespaces[2]" around each element, so that whatever
 * READ_ELEMENT reports names the element. */
int oci_each(struct oci_reader *r, json_object *obj, const char *key,
             int (*prepare)(struct oci_reader *r, size_t length, void *data),
             int (*read_element)(struct oci_reader *r, json_object *element,
                                 void *data),
             void *data)
{
    json_object *array;
    size_t back, length;
    int got = oci_member(r, obj, key, json_type_array, &array);

    if (got <= 0)
        return got;
    back = oci_enter(r, key);
    length = json_object_array_length(array);
    if (prepare && prepare(r, length, data) < 0)
        return -1;
    for (size_t i = 0; i < length; i++) {
        size_t element = oci_enter_index(r, i);

        if (read_element(r, json_object_array_get_idx(array, i), data) < 0)
            return -1;
        oci_leave(r, element);
    }
    oci_leave(r, back);
    return 1;
}

/* --- paths --------------------------------------------------------------- */

int oci_check_absolute(struct oci_reader *r, const char *text)
{
    if (text[0] != '/')
        return oci_fail(r, "\"%s\" is not an absolute path", text);
    return 0;
}

int oci_check_env(struct oci_reader *r, const char *text)
{
    const char *equals = strchr(text, '=');

    if (!equals || equals == text)
        return oci_fail(r, "\"%s\" is not KEY=VALUE", text);
    return 0;
}

int oci_container_path(struct oci_reader *r, const char *text, char **out)
{
    char *copy, *word, *save = NULL, *path;
    size_t used = 0;

    if (oci_check_absolute(r, text) < 0)
        return -1;
    copy = strdup(text);
    path = malloc(strlen(text) + 2);
    if (!copy || !path) {
        free(copy);
        free(path);
        return oci_fail(r, "%s", strerror(errno));
    }
    for (word = strtok_r(copy, "/", &save); word;
         word = strtok_r(NULL, "/", &save)) {
        if (strcmp(word, ".") == 0)
            continue;
        if (strcmp(word, "..") == 0) {
            free(copy);
            free(path);
            return oci_fail(r, "\"..\" is not allowed");
        }
        used += (size_t)sprintf(path + used, "/%s", word);
    }
    if (used == 0)
        strcpy(path, "/");
    free(copy);
    free(*out);
    *out = path;
    return 0;
}

/* TEXT as an absolute path: itself, or under the bundle (bundle.md: "a
 * relative root.path is relative to the bundle", and so is a bind
 * mount's source). Not resolved: that is for the caller to decide. */
int oci_host_path(struct oci_reader *r, const char *text, char **out)
{
    char base[PATH_MAX], *joined;

    if (text[0] == '/') {
        joined = strdup(text);
    } else {
        if (!realpath(r->bundle ? r->bundle : ".", base))
            return oci_fail(r, "bundle %s: %s", r->bundle ? r->bundle : ".",
                            strerror(errno));
        if (asprintf(&joined, "%s/%s", base, text) < 0)
            joined = NULL;
    }
    if (!joined)
        return oci_fail(r, "%s", strerror(errno));
    free(*out);
    *out = joined;
    return 0;
}
