/* 10-mini-container/hooks.h - OCI hooks (config.json's "hooks"): the
 * engine's programs, run at fixed points of create, start and delete,
 * with the container's state as JSON on their stdin.
 */
#ifndef CTLAB_HOOKS_H
#define CTLAB_HOOKS_H

#include <sys/types.h>

#include "spec.h"

/* The state the spec's runtime.md defines: ociVersion, id, status, pid,
 * bundle, annotations. A malloc'd string, or NULL (reported). */
char *hooks_state(const struct ctr_spec *spec, const char *id,
                  const char *status, pid_t pid, const char *bundle);

/* Does SPEC have hooks of KIND? */
int hooks_wanted(const struct ctr_spec *spec, enum spec_hook_kind kind);

/* Run SPEC's hooks of KIND in order, each with STATE on its stdin: -1 at
 * the first that fails or outlives its timeout (reported). */
int hooks_run(const struct ctr_spec *spec, enum spec_hook_kind kind,
              const char *state);

#endif
