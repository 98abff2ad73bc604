/* lib/parse.h - strict parsers for command-line values.
 *
 * They print nothing: on bad input they return -1 with errno set to EINVAL
 * (not a number of that form) or ERANGE (too large), and the caller reports
 * the error with the option's name.
 */
#ifndef CTLAB_PARSE_H
#define CTLAB_PARSE_H

#include <netinet/in.h>
#include <stdint.h>

/* A size: "67108864", "512k", "64m", "1g", "2t" (powers of 1024; the unit
 * may be upper case and may be followed by "b" or "ib": "64MiB", "64mb").
 * Rejects "", "-1", "10xb", "1.5g", blanks, and anything over UINT64_MAX. */
int parse_size(const char *text, uint64_t *bytes);

/* A decimal number from 0 to MAX: no sign, no blanks, no trailing junk. */
int parse_ulong(const char *text, unsigned long max, unsigned long *value);

/* An IPv4 address with its prefix length, "10.200.0.2/24". The address
 * must be a dotted quad of four decimal numbers 0..255 (inet_pton(3) rules:
 * "10.200.0.300", "10.200.2" and "010.1.1.1" are refused) and the prefix
 * 1..32. */
struct ipv4_cidr {
    struct in_addr address; /* network byte order */
    unsigned prefix;        /* 1..32 */
};
int parse_ipv4_cidr(const char *text, struct ipv4_cidr *cidr);

#endif
