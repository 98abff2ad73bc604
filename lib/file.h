/* lib/file.h - read and write the small files through which the kernel is
 * configured: /proc/PID/uid_map, cgroup files, sysctls.
 */
#ifndef CTLAB_FILE_H
#define CTLAB_FILE_H

#include <stddef.h>
#include <sys/types.h>

/* Write TEXT to the existing file PATH in a single write(2), as the kernel
 * wants for uid_map and cgroup files (a second write is refused or means
 * something else), and check the close. Trace mode prints
 *   write PATH "TEXT"
 * Returns 0, or -1 with errno set and nothing printed: the caller knows
 * what failed to happen and says so. */
int write_file(const char *path, const char *text);

/* Read the first line of PATH into BUF without its newline. Returns its
 * length, or -1 with errno set and nothing printed. */
ssize_t read_first_line(const char *path, char *buf, size_t size);

#endif
