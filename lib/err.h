/* lib/err.h - how every ctlab tool reports errors and narrates (-v).
 *
 * Two tiers (see STYLE.md): library code reports a failure with
 * error_errno()/error_msg() and returns -1 so its caller can undo what it
 * did; only main() (or a child just before exec) decides to exit.
 *
 * Trace mode is a feature: with -v, trace() prints every kernel-facing step
 * as "[tool] step" on stderr, so the output reads like the story of what
 * the tool asked of the kernel.
 */
#ifndef CTLAB_ERR_H
#define CTLAB_ERR_H

#include <stdbool.h>
#include <stdio.h>

/* Exit codes of tools that run a command (the `docker run` convention). */
enum {
    EXIT_TOOL_FAILED = 125, /* the tool itself failed */
    EXIT_CANNOT_EXEC = 126, /* the command exists but is not executable */
    EXIT_NOT_FOUND = 127,   /* the command was not found */
    EXIT_SIGNAL_BASE = 128, /* + N: the command was killed by signal N */
    EXIT_USAGE = 2,         /* bad command line */
};

extern const char *program_name; /* "pidns", set by set_program_name() */
extern bool trace_on;            /* set by -v */

/* Remember the tool's name (the basename of argv[0]) for messages. */
void set_program_name(const char *argv0);

/* Also write every error line (and trace line) to FILE: as text, or
 * with JSON as {"level":"error","msg":"...","time":"..."} lines (what
 * containerd's shim reads back from an OCI runtime's --log). */
void err_set_log(FILE *file, bool json);

/* "tool: MESSAGE\n" on stderr. Returns -1 so callers can `return
 * error_msg(...)`. */
int error_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "tool: MESSAGE: strerror(errno)\n" on stderr. Returns -1; errno is kept. */
int error_errno(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "[tool] STEP\n" on stderr, only in trace mode. errno is kept. */
void trace(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* After getopt_long() returned '?' (with opterr = 0): print one line,
 * "tool: unknown option '-x' (see: tool --help)", and return -1. */
int report_bad_option(char **argv);

/* For tools of the form "tool [-v]... COMMAND ...": turn trace mode on
 * for each -v in front of the command word and drop it from *ARGC and
 * *ARGV, so that (*ARGV)[1] is the command. Returns 1 when there is one;
 * 0 after -h or --help (USAGE printed on stdout); -1 after "no command
 * given" on stderr. */
int take_leading_options(int *argc, char ***argv, void (*usage)(FILE *));

/* Map a wait() status to a shell-style exit code: N, or 128 + signal. */
int exit_code_from_wait_status(int status);

/* The exit code for a failed execvp(): 127 when not found, else 126. */
int exit_code_from_exec_errno(int err);

#endif
