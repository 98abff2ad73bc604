/* lib/flags.h - decode flag words to names for trace mode.
 *
 * "clone3(CLONE_NEWPID|CLONE_NEWNS)" teaches; "clone3(0x20020000)" does not.
 */
#ifndef CTLAB_FLAGS_H
#define CTLAB_FLAGS_H

#include <stddef.h>

struct flag_name {
    unsigned long flag;
    const char *name;
};

/* Tables end with { 0, NULL }. */
extern const struct flag_name clone_flag_names[]; /* CLONE_*  (clone(2))   */
extern const struct flag_name mount_flag_names[]; /* MS_*     (mount(2))   */

/* Write "NAME|NAME|0x..." for FLAGS into BUF (unknown bits in hex at the
 * end, "0" for none) and return BUF. */
const char *flags_to_string(const struct flag_name *table, unsigned long flags,
                            char *buf, size_t size);

/* "SIGTERM" for 15 (glibc's sigabbrev_np, with "SIG" in front). */
const char *signal_name(int sig, char *buf, size_t size);

#endif
