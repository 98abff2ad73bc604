/* 10-mini-container/policy.c - the container's policy, persisted; see
 * policy.h.
 *
 * The seccomp filter is kept compiled, as the BPF program the kernel
 * loaded for `run` (seccomp_export_bpf), not as the profile it came
 * from: a profile file on the host may have changed since, and the
 * default profile may be another in a newer minictr. exec loads the very
 * same instructions with seccomp(2), no parser involved.
 *
 * Man pages: seccomp(2) (SECCOMP_SET_MODE_FILTER, struct sock_fprog),
 * seccomp_export_bpf(3), capabilities(7).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/seccomp.h>

#include "err.h"
#include "policy.h"
#include "state.h"

#define MAX_FILTER_BYTES (BPF_MAXINSNS * sizeof(struct sock_filter))

/* libseccomp writes the program to an fd: a memfd, read back whole. */
static int export_filter(scmp_filter_ctx filter, void **program, size_t *size)
{
    int fd = memfd_create("ctlab-seccomp", MFD_CLOEXEC), rc;
    struct stat st;

    if (fd < 0)
        return error_errno("memfd_create");
    rc = seccomp_export_bpf(filter, fd);
    if (rc < 0 || fstat(fd, &st) < 0 || st.st_size <= 0 ||
        (size_t)st.st_size > MAX_FILTER_BYTES) {
        errno = rc < 0 ? -rc : EINVAL;
        close(fd);
        return error_errno("export the seccomp filter");
    }
    *size = (size_t)st.st_size;
    *program = malloc(*size);
    if (!*program || pread(fd, *program, *size, 0) != (ssize_t)*size) {
        error_errno("read the exported seccomp filter");
        free(*program);
        *program = NULL;
        close(fd);
        return -1;
    }
    close(fd);
    return 0;
}

int policy_save(const char *state_dir, cap_mask keep_caps,
                scmp_filter_ctx filter)
{
    char caps[32];
    void *program = NULL;
    size_t size = 0;
    int rc;

    snprintf(caps, sizeof(caps), "%llx", (unsigned long long)keep_caps);
    if (state_write(state_dir, "caps", caps) < 0)
        return -1;
    if (filter && export_filter(filter, &program, &size) < 0)
        return -1;
    rc = state_write_bytes(state_dir, "seccomp.bpf", program, size);
    free(program);
    return rc;
}

int policy_load(const char *state_dir, struct policy *policy)
{
    char path[4200], caps[32], *end;
    struct sock_filter *program = NULL;
    struct stat st;
    FILE *f;

    memset(policy, 0, sizeof(*policy));
    if (state_read(state_dir, "caps", caps, sizeof(caps)) < 0)
        return error_errno("read %s/caps", state_dir);
    errno = 0;
    policy->keep_caps = strtoull(caps, &end, 16);
    if (errno || end == caps || *end)
        return error_msg("%s/caps: not a capability mask: '%s'", state_dir,
                         caps);
    snprintf(path, sizeof(path), "%s/seccomp.bpf", state_dir);
    f = fopen(path, "re");
    if (!f || fstat(fileno(f), &st) < 0) {
        error_errno("open %s", path);
        goto fail;
    }
    /* Whole instructions, at most the kernel's limit; 0: unconfined. */
    if (st.st_size % sizeof(struct sock_filter) ||
        (size_t)st.st_size > MAX_FILTER_BYTES) {
        error_msg("%s: not a seccomp program (%lld bytes)", path,
                  (long long)st.st_size);
        goto fail;
    }
    if (st.st_size > 0) {
        program = malloc((size_t)st.st_size);
        if (!program ||
            fread(program, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
            error_errno("read %s", path);
            goto fail;
        }
    }
    fclose(f);
    policy->filter.len =
        (unsigned short)(st.st_size / (off_t)sizeof(struct sock_filter));
    policy->filter.filter = program;
    return 0;
fail:
    if (f)
        fclose(f);
    free(program);
    return -1;
}

int policy_load_filter(const struct policy *policy)
{
    if (!policy->filter.len) {
        trace("seccomp: unconfined, as run was");
        return 0;
    }
    /* As filter_load() (chapter 08) does through libseccomp: without
     * CAP_SYS_ADMIN the kernel takes a filter only after no_new_privs. */
    trace("prctl(PR_SET_NO_NEW_PRIVS, 1); seccomp(SECCOMP_SET_MODE_FILTER, "
          "%u instructions)  <- run's filter, from its state",
          (unsigned)policy->filter.len);
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
        syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &policy->filter) < 0)
        return error_errno("load the container's seccomp filter");
    return 0;
}
