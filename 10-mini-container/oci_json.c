/* 10-mini-container/oci_json.c - read config.json with json-c: the file
 * and its syntax; oci_values.c has its values. See oci_json.h.
 *
 * json-c is strict where asked (JSON_TOKENER_STRICT: no comments, no
 * trailing commas, no leading zeros) and reads a uint64 exactly: podman
 * writes 18446744073709551615 for `--ulimit memlock=-1`, which a parser
 * that keeps numbers as int64 or double cannot hold. Two things it still
 * lets through are checked here after it: single-quoted strings, and an
 * integer too big for 64 bits, which it quietly clamps. It reports where
 * it stopped as a byte offset; a person wants a line and a column.
 *
 * Read: json-c's json_tokener.h; RFC 8259.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
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
