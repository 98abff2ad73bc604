/* tests/unit/test-lib.c - checks lib/'s parsers on good and bad input.
 *
 *   test-lib size TEXT     print the bytes parse_size() makes of TEXT,
 *                          or "error: EINVAL|ERANGE" (exit 1)
 *   test-lib ulong TEXT MAX
 *   test-lib cidr TEXT     "ADDRESS/PREFIX" as parse_ipv4_cidr() read it
 *   test-lib flags clone|mount HEX   the names flags_to_string() prints
 *
 * tests/00-lib.bats drives it, so each case is a line there.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flags.h"
#include "parse.h"

static int print_error(void)
{
    printf("error: %s\n", errno == ERANGE ? "ERANGE" : "EINVAL");
    return 1;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "size") == 0) {
        uint64_t bytes;
        if (parse_size(argv[2], &bytes) < 0)
            return print_error();
        printf("%" PRIu64 "\n", bytes);
        return 0;
    }
    if (argc == 3 && strcmp(argv[1], "cidr") == 0) {
        struct ipv4_cidr cidr;
        if (parse_ipv4_cidr(argv[2], &cidr) < 0)
            return print_error();
        printf("%s/%u\n", inet_ntoa(cidr.address), cidr.prefix);
        return 0;
    }
    if (argc == 4 && strcmp(argv[1], "ulong") == 0) {
        unsigned long value;
        if (parse_ulong(argv[2], strtoul(argv[3], NULL, 0), &value) < 0)
            return print_error();
        printf("%lu\n", value);
        return 0;
    }
    if (argc == 4 && strcmp(argv[1], "flags") == 0) {
        const struct flag_name *table =
            strcmp(argv[2], "clone") == 0 ? clone_flag_names : mount_flag_names;
        char buf[256];
        printf("%s\n", flags_to_string(table, strtoul(argv[3], NULL, 16), buf,
                                       sizeof(buf)));
        return 0;
    }
    fprintf(stderr, "usage: test-lib size TEXT | ulong TEXT MAX | flags "
                    "clone|mount HEX\n");
    return 2;
}
