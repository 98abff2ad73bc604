/* 10-mini-container/oci.h - the runc command line (oci.c, oci_info.c):
 * each verb takes its own word and what follows it, and returns the exit
 * status (0, or 1 with one line on stderr, as runc does).
 */
#ifndef CTLAB_OCI_H
#define CTLAB_OCI_H

#include "oci_config.h"

/* The runtime-spec version minictr implements and reports. */
#define OCI_VERSION OCI_VERSION_MAX

int oci_create(int argc, char **argv);
int oci_start(int argc, char **argv);
int oci_run(int argc, char **argv);
int oci_state(int argc, char **argv);
int oci_kill(int argc, char **argv);
int oci_delete(int argc, char **argv);
int oci_list(int argc, char **argv);
int oci_ps(int argc, char **argv);
int oci_pause(int argc, char **argv);
int oci_resume(int argc, char **argv);
int oci_update(int argc, char **argv);
int oci_spec(int argc, char **argv);
int oci_features(int argc, char **argv);
int oci_exec(int argc, char **argv);

#endif
