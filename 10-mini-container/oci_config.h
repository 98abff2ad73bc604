/* 10-mini-container/oci_config.h - an OCI bundle's config.json into
 * struct ctr_spec, and back.
 *
 *     minictr create --bundle B ID    -> oci_config_read(B/config.json)
 *     (state directory)               <- oci_config_write(spec)
 *     minictr exec / kill / delete    -> oci_config_read_saved(state)
 *     minictr exec --process P.json   -> oci_process_read(P.json)
 *     minictr spec | minictr features -> oci_config_write, oci_features_write
 *
 * What is read, and how (the runtime-spec's config.md and
 * config-linux.md, 1.0 to 1.2):
 *
 * - Every field ctlab's chapters implement is honoured; spec.h says where
 *   each lands. Types are checked everywhere, and a value that cannot be
 *   right (a relative cwd, a ".." in a mount destination, a soft rlimit
 *   above its hard one, an unknown capability) is refused.
 * - A known field minictr does not implement (linux.intelRdt,
 *   process.scheduler, a seccomp listenerPath, ...) is refused with its
 *   JSON path and "not implemented by minictr": a security field dropped
 *   without a word is an isolation the user asked for and did not get.
 *   Such a field that asks for nothing (null, {}, [], "") is accepted.
 * - Unknown properties are ignored, as the spec requires.
 * - process.apparmorProfile, process.selinuxLabel and linux.mountLabel
 *   are refused where that LSM is enabled on this host (minictr cannot
 *   apply them), and ignored with a warning where it is not (crun does
 *   the same): there, no label could confine anything anyway.
 * - memory.kernel and memory.kernelTCP are ignored with a trace line: the
 *   spec marks them NOT RECOMMENDED, and kernels since 5.4 (v1) or any v2
 *   have no such limit.
 *
 * Where OCI and the spec's fields differ in meaning:
 * - memory.swap is memory + swap, as cgroup_limits.memory_swap is; -1
 *   (unlimited), or a memory limit given without swap (which leaves swap
 *   alone in OCI), is memory_swap = UINT64_MAX. memory_swap 0 is the
 *   docker-like flags' "no swap" and is written as swap = limit.
 * - cpu.quota without cpu.period takes the kernel's default period,
 *   100000 us (cgroup_limits has no "period unchanged").
 * - A seccomp rule's SCMP_ACT_ERRNO without errnoRet is EPERM, as the
 *   spec says (and runc and crun do); defaultErrnoRet is the default
 *   action's only. errnoRet on an action that takes none is refused.
 * - process.capabilities absent, or one set absent, is an empty set
 *   (runc would keep every capability root has).
 *
 * minictr's own fields (the docker-like flags' network plan and so on)
 * round-trip through annotations, each validated like any field:
 *     org.ctlab.minictr.root-overlay  "true": the root is the image below
 *                                     a writable layer in memory
 *     org.ctlab.minictr.net           "bridge", "none" or "host"
 *     org.ctlab.minictr.ip            "10.200.0.2" (with net bridge)
 *     org.ctlab.minictr.init          "true": chapter 01's init is PID 1
 *     org.ctlab.minictr.rootless      "true": made by a user
 * They land in the spec's fields, not in spec->annotations, and are
 * written only when set.
 *
 * Every function reports its one error line through error_msg() and
 * returns -1; a spec that failed to read is left as spec_init() made it.
 */
#ifndef CTLAB_OCI_CONFIG_H
#define CTLAB_OCI_CONFIG_H

#include <stdio.h>

#include "spec.h"

/* The runtime-spec versions minictr reads (any 1.x is accepted) and
 * writes. */
#define OCI_VERSION_MIN "1.0.0"
#define OCI_VERSION_MAX "1.2.0"

/* The version a config.json minictr writes says it is (`minictr spec`,
 * the state's copy): every field minictr writes is in 1.0.2, and older
 * runtimes refuse a version they do not know (crun 1.8: "unknown version
 * specified" for 1.2.0), so a bundle from `minictr spec` runs under
 * runc and crun too. */
#define OCI_VERSION_WRITTEN "1.0.2"

/* A config.json is at most this big: a real one is 5 to 30 KiB (podman's,
 * with its seccomp profile, 20 KiB). */
#define OCI_CONFIG_MAX_BYTES (4 * 1024 * 1024)

/* Fill SPEC (from spec_init) from config.json at PATH. A relative
 * root.path, or a relative bind mount source, is relative to BUNDLE (NULL:
 * the current directory); root.path must be a directory, and is stored
 * resolved (realpath). Messages name PATH, then the field's JSON path:
 *     config.json:12:7: unexpected character
 *     config.json: linux.resources.memory.limit: not a number */
int oci_config_read(const char *path, const char *bundle,
                    struct ctr_spec *spec);

/* The same, for a spec minictr wrote itself at create (the state
 * directory's copy): every path in it is absolute already, and the root
 * is not looked at (delete must work after the engine removed it). */
int oci_config_read_saved(const char *path, struct ctr_spec *spec);

/* Fill PROCESS from a process.json (`exec --process`): the object that
 * is config.json's "process", parsed by the same code. Free it with
 * spec_process_free(). */
int oci_process_read(const char *path, struct spec_process *process);

/* SPEC as config.json: pretty, keys in a fixed order (runc spec's), so
 * that reading what was written gives back the same spec. */
int oci_config_write(const struct ctr_spec *spec, FILE *out);

/* PROCESS as a process.json. */
int oci_process_write(const struct spec_process *process, FILE *out);

/* The runtime-spec's features document (features.md), generated from the
 * tables the parser reads with (oci_tables.c). */
int oci_features_write(FILE *out);

#endif
