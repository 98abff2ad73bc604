/* 10-mini-container/oci_json.c - read config.json with json-c, and give
 * its values back typed, each error naming its JSON path; see oci_json.h.
 *
 * json-c is strict where asked (JSON_TOKENER_STRICT: no comments, no
 * trailing commas, no leading zeros) and reads a uint64 exactly: podman
 * writes 18446744073709551615 for `--ulimit memlock=-1`, which a parser
 * that keeps numbers as int64 or double cannot hold. Two things it still
 * lets through are checked here after it: single-quoted strings, and an
 * integer too big for 64 bits, which it quietly clamps.
 *
 * Read: json-c's json_tokener.h and json_object.h; RFC 8259.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "oci_config.h"
#include "oci_json.h"

/* --- the file ------------------------------------------------------------ */

/* All of FILE, NUL-terminated, if it is a regular file of at most
 * OCI_CONFIG_MAX_BYTES: a fifo or /dev/zero in its place would block or
 * never end. */
static char *read_small_file(const char *file, size_t *length)
{
    int fd = open(file, O_RDONLY | O_CLOEXEC | O_NOCTTY), saved;
    struct stat st;
    char *text = NULL;
    size_t size, used = 0;
    ssize_t got;

    if (fd < 0) {
        error_errno("cannot read %s", file);
        return NULL;
    }
    if (fstat(fd, &st) < 0) {
        error_errno("cannot read %s", file);
        goto fail;
    }
    if (!S_ISREG(st.st_mode)) {
        error_msg("cannot read %s: not a regular file", file);
        goto fail;
    }
    if (st.st_size > OCI_CONFIG_MAX_BYTES) {
        error_msg("%s: %lld bytes, more than the %d a config may have", file,
                  (long long)st.st_size, OCI_CONFIG_MAX_BYTES);
        goto fail;
    }
    /* Room for one byte more than fstat said, to see a file that grew
     * meanwhile, and for the NUL. */
    size = (size_t)st.st_size;
    text = malloc(size + 2);
    if (!text) {
        error_errno("cannot read %s", file);
        goto fail;
    }
    while ((got = read(fd, text + used, size + 1 - used)) > 0) {
        used += (size_t)got;
        if (used > size) {
            error_msg("cannot read %s: it grew while it was read", file);
            goto fail;
        }
    }
    if (got < 0) {
        error_errno("cannot read %s", file);
        goto fail;
    }
    close(fd);
    text[used] = '\0';
    *length = used;
    return text;
fail:
    saved = errno;
    free(text);
    close(fd);
    errno = saved;
    return NULL;
}

/* "LINE:COL" of byte OFFSET: lines and columns from 1, a column counting
 * characters (a UTF-8 sequence is one), as an editor shows them. */
static void line_and_column(const char *text, size_t offset, int *line,
                            int *column)
{
    *line = 1;
    *column = 1;
    for (size_t i = 0; i < offset; i++) {
        if (text[i] == '\n') {
            (*line)++;
            *column = 1;
        } else if (((unsigned char)text[i] & 0xc0) != 0x80) {
            (*column)++;
        }
    }
}

static int syntax_error(const char *file, const char *text, size_t offset,
                        const char *what)
{
    int line, column;

    line_and_column(text, offset, &line, &column);
    return error_msg("%s:%d:%d: %s", file, line, column, what);
}

/* Does the integer of DIGITS (no sign, no leading zero) fit under LIMIT,
 * a number of as many digits or fewer? */
static int digits_fit(const char *digits, size_t count, const char *limit)
{
    size_t limit_count = strlen(limit);

    return count < limit_count ||
           (count == limit_count && strncmp(digits, limit, count) <= 0);
}

/* What json-c let through in a text it parsed: a quote that is not '"',
 * and integers beyond int64's minimum or uint64's maximum (json-c clamps
 * them to the bound, and 2^64 would read as 2^64-1). The text is valid
 * JSON otherwise, so strings are where the '"' say. */
static int check_leniencies(const char *file, const char *text, size_t length)
{
    int in_string = 0;

    for (size_t i = 0; i < length; i++) {
        char c = text[i];

        if (in_string) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_string = 0;
            continue;
        }
        if (c == '"') {
            in_string = 1;
        } else if (c == '\'') {
            return syntax_error(file, text, i,
                                "unexpected character (strings are in \")");
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            size_t start = i, digits = i + (c == '-'), end = digits;
            int integer = 1;

            while (end < length && text[end] &&
                   strchr("0123456789.eE+-", text[end])) {
                if (strchr(".eE", text[end]))
                    integer = 0;
                end++;
            }
            if (integer && !digits_fit(text + digits, end - digits,
                                       c == '-' ? "9223372036854775808"
                                                : "18446744073709551615"))
                return syntax_error(file, text, start,
                                    "number out of range (a whole number "
                                    "from -2^63 to 2^64-1)");
            i = end - 1;
        }
    }
    return 0;
}

int oci_json_parse_file(const char *file, json_object **root)
{
    struct json_tokener *tokener = NULL;
    enum json_tokener_error jerr;
    size_t length = 0;
    char *text = read_small_file(file, &length);
    int rc = -1;

    *root = NULL;
    if (!text)
        return -1;
    tokener = json_tokener_new();
    if (!tokener) {
        error_errno("%s: json_tokener_new", file);
        goto out;
    }
    /* Strict JSON, and UTF-8 that is UTF-8. */
    json_tokener_set_flags(tokener,
                           JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
    *root = json_tokener_parse_ex(tokener, text, (int)length);
    jerr = json_tokener_get_error(tokener);
    if (jerr == json_tokener_continue) { /* the text ended mid-value */
        syntax_error(file, text, length, "unexpected end of data");
        goto out;
    }
    if (jerr != json_tokener_success) {
        /* Where it stopped is the byte it could not take. */
        syntax_error(file, text, json_tokener_get_parse_end(tokener),
                     json_tokener_error_desc(jerr));
        goto out;
    }
    if (check_leniencies(file, text, length) < 0)
        goto out;
    if (!json_object_is_type(*root, json_type_object)) {
        error_msg("%s: not a JSON object ({...})", file);
        goto out;
    }
    rc = 0;
out:
    if (rc < 0 && *root) {
        json_object_put(*root);
        *root = NULL;
    }
    if (tokener)
        json_tokener_free(tokener);
    free(text);
    return rc;
}

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
