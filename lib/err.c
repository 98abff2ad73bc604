/* lib/err.c - error messages and trace mode; see err.h. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "err.h"

const char *program_name = "ctlab";
bool trace_on = false;

/* An OCI caller's --log FILE: every error line there too, as text or
 * as the JSON lines containerd's shim reads back. */
static FILE *log_file;
static bool log_json;

void err_set_log(FILE *file, bool json)
{
    log_file = file;
    log_json = json;
}

/* MESSAGE as a JSON string: quotes, backslashes and control characters
 * escaped. */
static void write_json_string(FILE *f, const char *text)
{
    fputc('"', f);
    for (const unsigned char *c = (const unsigned char *)text; *c; c++) {
        if (*c == '"' || *c == '\\')
            fprintf(f, "\\%c", *c);
        else if (*c < 0x20)
            fprintf(f, "\\u%04x", *c);
        else
            fputc(*c, f);
    }
    fputc('"', f);
}

static void log_line(const char *level, const char *message)
{
    char when[64];
    time_t now = time(NULL);
    struct tm utc;

    if (!log_file)
        return;
    gmtime_r(&now, &utc);
    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &utc);
    if (log_json) {
        fprintf(log_file, "{\"level\":\"%s\",\"msg\":", level);
        write_json_string(log_file, message);
        fprintf(log_file, ",\"time\":\"%s\"}\n", when);
    } else {
        fprintf(log_file, "%s %s: %s\n", when, level, message);
    }
    fflush(log_file);
}

void set_program_name(const char *argv0)
{
    const char *slash = strrchr(argv0, '/');
    program_name = slash ? slash + 1 : argv0;
}

/* Print "PREFIX: MESSAGE[: CAUSE]\n" or "[PREFIX] MESSAGE\n" on stderr
 * without changing errno, which the caller may still need. */
static void print_line(bool as_trace, const char *cause, const char *fmt,
                       va_list ap)
{
    int saved_errno = errno;
    char message[4096];

    vsnprintf(message, sizeof(message), fmt, ap);
    if (cause) {
        size_t used = strlen(message);
        snprintf(message + used, sizeof(message) - used, ": %s", cause);
    }
    fprintf(stderr, as_trace ? "[%s] %s\n" : "%s: %s\n", program_name, message);
    log_line(as_trace ? "debug" : "error", message);
    errno = saved_errno;
}

int error_msg(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    print_line(false, NULL, fmt, ap);
    va_end(ap);
    return -1;
}

int error_errno(const char *fmt, ...)
{
    const char *cause = strerror(errno); /* before anything changes errno */
    va_list ap;

    va_start(ap, fmt);
    print_line(false, cause, fmt, ap);
    va_end(ap);
    return -1;
}

void trace(const char *fmt, ...)
{
    va_list ap;

    if (!trace_on)
        return;
    va_start(ap, fmt);
    print_line(true, NULL, fmt, ap);
    va_end(ap);
}

int report_bad_option(char **argv)
{
    /* optopt names a bad short option; for a bad long option it is 0 and
     * the word itself is the one getopt just stepped over. */
    if (optopt && optopt != '?')
        return error_msg("unknown option or missing argument: '-%c' (see: "
                         "%s --help)",
                         optopt, program_name);
    return error_msg("unknown option or missing argument: '%s' (see: %s "
                     "--help)",
                     argv[optind - 1], program_name);
}

int exit_code_from_wait_status(int status)
{
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    if (WIFSIGNALED(status))
        return EXIT_SIGNAL_BASE + WTERMSIG(status);
    return EXIT_TOOL_FAILED;
}

int exit_code_from_exec_errno(int err)
{
    return (err == ENOENT || err == ENOTDIR) ? EXIT_NOT_FOUND
                                             : EXIT_CANNOT_EXEC;
}

#ifdef __SANITIZE_ADDRESS__
/* SANITIZE=1 builds only. LeakSanitizer stops the world at exit with a
 * helper task that ptraces the process. After unshare(CLONE_NEWPID) or a
 * setns() into another PID namespace, that helper is born in the other
 * namespace, cannot trace us, and LSan aborts or spins. Address and
 * undefined-behaviour checks stay on; only leak checking is off. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
    return "detect_leaks=0";
}
#endif

int take_leading_options(int *argc, char ***argv, void (*usage)(FILE *))
{
    while (*argc > 1 && strcmp((*argv)[1], "-v") == 0) {
        trace_on = true;
        (*argc)--;
        (*argv)++;
    }
    if (*argc < 2) {
        error_msg("no command given (see: %s --help)", program_name);
        return -1;
    }
    if (strcmp((*argv)[1], "-h") == 0 || strcmp((*argv)[1], "--help") == 0) {
        usage(stdout);
        return 0;
    }
    return 1;
}
