/* 10-mini-container/verbs.h - minictr's verbs on existing containers. */
#ifndef CTLAB_VERBS_H
#define CTLAB_VERBS_H

#include <stddef.h>
#include <sys/types.h>

#include "spec.h"

/* The running container NAME: its state dir, its init's host PID and a
 * pidfd for it (checked against the init's recorded start time). */
int find_running(const char *name, char *dir, size_t size, pid_t *pid,
                 int *pidfd);

/* ps (COLLECT_GARBAGE 0), or gc: remove what dead containers left. */
int list_containers(int collect_garbage);

/* rm: what an ended (-d) container left. 0, or 1 (reported). */
int remove_container(const char *name);

/* kill: SIG to the init; stop: SIGTERM, then SIGKILL after 10 s. */
int signal_container(const char *name, int sig, int then_kill);

/* A signal as kill takes it: 1-SIGRTMAX, or a name with or without SIG;
 * -1 if neither. */
int parse_signal(const char *text);

/* kill --all: SIG to every process of the container's cgroup. */
int signal_all_processes(const char *dir, const char *id, int sig);

/* delete: SIGKILL its init (and the rest of its cgroup), remove its
 * cgroup, call BEFORE_REMOVAL (the poststop hooks; NULL: none), remove
 * its state. Whatever state it is in. */
int delete_container(const char *dir, const char *id,
                     void (*before_removal)(const char *dir, const char *id,
                                            enum spec_hook_kind kind,
                                            pid_t pid));

/* run, the docker-like one (run.c): SPEC and CTX from the flags; the
 * command's exit code. */
int run_container(struct ctr_spec *spec, struct ctr_context *ctx);

/* exec: CMD in the running container NAME; its exit code. */
int exec_in_container(const char *name, char **command);

#endif
