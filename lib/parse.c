/* lib/parse.c - strict number and size parsers; see parse.h. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "parse.h"

/* strtoull() alone accepts " 12", "-1" (as a huge number) and "12abc":
 * check that the text starts with a digit and let the caller judge the
 * rest. */
static int parse_leading_digits(const char *text, unsigned long long *value,
                                char **end)
{
    if (!isdigit((unsigned char)text[0])) {
        errno = EINVAL;
        return -1;
    }
    errno = 0;
    *value = strtoull(text, end, 10);
    if (errno == ERANGE)
        return -1;
    return 0;
}

int parse_ulong(const char *text, unsigned long max, unsigned long *value)
{
    unsigned long long number;
    char *end;

    if (parse_leading_digits(text, &number, &end) < 0)
        return -1;
    if (*end != '\0') {
        errno = EINVAL;
        return -1;
    }
    if (number > max) {
        errno = ERANGE;
        return -1;
    }
    *value = (unsigned long)number;
    return 0;
}

int parse_size(const char *text, uint64_t *bytes)
{
    static const char units[] = "kmgt"; /* 1024^1 .. 1024^4 */
    unsigned long long number;
    unsigned shift = 0;
    char *end;

    if (parse_leading_digits(text, &number, &end) < 0)
        return -1;
    if (*end != '\0') {
        const char *unit = strchr(units, tolower((unsigned char)*end));
        if (!unit) {
            errno = EINVAL;
            return -1;
        }
        shift = 10 * (unsigned)(unit - units + 1);
        end++;
        /* Optional suffix: "b" or "ib", in either case. */
        if (strcasecmp(end, "b") != 0 && strcasecmp(end, "ib") != 0 &&
            *end != '\0') {
            errno = EINVAL;
            return -1;
        }
    }
    if (shift && number > (UINT64_MAX >> shift)) {
        errno = ERANGE;
        return -1;
    }
    *bytes = (uint64_t)number << shift;
    return 0;
}

int parse_ipv4_cidr(const char *text, struct ipv4_cidr *cidr)
{
    char address[INET_ADDRSTRLEN];
    const char *slash = strchr(text, '/');
    unsigned long prefix;
    size_t length;

    if (!slash) {
        errno = EINVAL;
        return -1;
    }
    length = (size_t)(slash - text);
    if (length >= sizeof(address)) {
        errno = EINVAL;
        return -1;
    }
    memcpy(address, text, length);
    address[length] = '\0';
    if (inet_pton(AF_INET, address, &cidr->address) != 1) {
        errno = EINVAL;
        return -1;
    }
    if (parse_ulong(slash + 1, 32, &prefix) < 0 || prefix == 0) {
        errno = EINVAL;
        return -1;
    }
    cidr->prefix = (unsigned)prefix;
    return 0;
}
