/* 10-mini-container/hooks.c - OCI hooks: programs of the engine's that
 * the runtime runs at fixed points of a container's life, each given the
 * container's state as JSON on its stdin; see hooks.h.
 *
 *     create: prestart, createRuntime    (the runtime's namespaces;
 *                                         status "creating")
 *             createContainer            (the container's, before
 *                                         pivot_root; "created")
 *     start:  startContainer             (the container's, just before
 *                                         the process; "created")
 *             poststart                  (the runtime's; "running")
 *     delete: poststop                   (the runtime's; "stopped")
 *
 * A hook that fails or outlives its timeout fails create (or start); a
 * poststart or poststop hook that fails is only reported, as the spec
 * says.
 *
 * Read: the runtime-spec's config.md ("POSIX-platform Hooks") and
 * runtime.md ("Lifecycle").
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "err.h"
#include "hooks.h"
#include "oci.h"

static const char *const kind_names[HOOK_KIND_COUNT] = {
    [HOOK_PRESTART] = "prestart",
    [HOOK_CREATE_RUNTIME] = "createRuntime",
    [HOOK_CREATE_CONTAINER] = "createContainer",
    [HOOK_START_CONTAINER] = "startContainer",
    [HOOK_POSTSTART] = "poststart",
    [HOOK_POSTSTOP] = "poststop",
};

/* TEXT as a JSON string, appended to OUT. */
static void put_json_string(FILE *out, const char *text)
{
    fputc('"', out);
    for (const unsigned char *c = (const unsigned char *)text; *c; c++) {
        if (*c == '"' || *c == '\\')
            fprintf(out, "\\%c", *c);
        else if (*c < 0x20)
            fprintf(out, "\\u%04x", *c);
        else
            fputc(*c, out);
    }
    fputc('"', out);
}

char *hooks_state(const struct ctr_spec *spec, const char *id,
                  const char *status, pid_t pid, const char *bundle)
{
    char *json = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&json, &size);

    if (!out) {
        error_errno("open_memstream");
        return NULL;
    }
    fprintf(out, "{\"ociVersion\":\"%s\",\"id\":", OCI_VERSION);
    put_json_string(out, id);
    fprintf(out, ",\"status\":\"%s\",\"pid\":%d,\"bundle\":", status, (int)pid);
    put_json_string(out, bundle ? bundle : "");
    fprintf(out, ",\"annotations\":{");
    for (int i = 0; spec->annotations && spec->annotations[i]; i += 2) {
        if (i)
            fputc(',', out);
        put_json_string(out, spec->annotations[i]);
        fputc(':', out);
        put_json_string(out, spec->annotations[i + 1]);
    }
    fprintf(out, "}}");
    if (fclose(out) != 0) {
        free(json);
        error_errno("open_memstream");
        return NULL;
    }
    return json;
}

int hooks_wanted(const struct ctr_spec *spec, enum spec_hook_kind kind)
{
    return spec->hooks[kind].count > 0;
}

/* One hook: its stdin the state, its stdout and stderr ours; waited for
 * at most its timeout. */
static int run_hook(const struct spec_hook *hook, const char *kind,
                    const char *state)
{
    char *default_args[2] = {hook->path, NULL};
    char *no_env[1] = {NULL};
    int input[2], pidfd, status;
    struct pollfd ended;
    pid_t child;

    if (hook->timeout > 0)
        trace("hook %s: %s (state on stdin, timeout %d s)", kind, hook->path,
              hook->timeout);
    else
        trace("hook %s: %s (state on stdin, no timeout)", kind, hook->path);
    if (pipe2(input, O_CLOEXEC) < 0)
        return error_errno("hook %s: pipe2", kind);
    fflush(NULL);
    child = fork();
    if (child < 0)
        return error_errno("hook %s: fork", kind);
    if (child == 0) {
        dup2(input[0], STDIN_FILENO);
        execve(hook->path, hook->args ? hook->args : default_args,
               hook->env ? hook->env : no_env);
        error_errno("hook %s: exec %s", kind, hook->path);
        _exit(EXIT_CANNOT_EXEC);
    }
    close(input[0]);
    /* The state is small: it fits in the pipe whether the hook reads it
     * or not. A hook gone already is no error of the write's. */
    signal(SIGPIPE, SIG_IGN);
    if (write(input[1], state, strlen(state)) < 0 && errno != EPIPE)
        error_errno("hook %s: write the state", kind);
    close(input[1]);
    pidfd = pidfd_open(child, 0);
    ended = (struct pollfd){.fd = pidfd, .events = POLLIN};
    if (pidfd >= 0 && hook->timeout > 0 &&
        poll(&ended, 1, hook->timeout * 1000) == 0) {
        kill(child, SIGKILL);
        waitpid(child, &status, 0);
        close(pidfd);
        return error_msg("hook %s: %s timed out after %d s", kind, hook->path,
                         hook->timeout);
    }
    if (pidfd >= 0)
        close(pidfd);
    if (waitpid(child, &status, 0) < 0)
        return error_errno("hook %s: waitpid", kind);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return error_msg("hook %s: %s failed (exit status %d)", kind,
                         hook->path, exit_code_from_wait_status(status));
    return 0;
}

int hooks_run(const struct ctr_spec *spec, enum spec_hook_kind kind,
              const char *state)
{
    const struct spec_hooks *hooks = &spec->hooks[kind];

    for (int i = 0; i < hooks->count; i++)
        if (run_hook(&hooks->list[i], kind_names[kind], state) < 0)
            return -1;
    return 0;
}
