/* 10-mini-container/spec_flags.h - the docker-like front end:
 * `minictr run [flags] [--] CMD` into a container spec.
 */
#ifndef CTLAB_SPEC_FLAGS_H
#define CTLAB_SPEC_FLAGS_H

#include <stdio.h>

#include "spec.h"

/* ARGV from "run" on: fill SPEC (from minictr's defaults, then the
 * flags) and CTX (the name, -d, --timings). -1 on a bad flag (reported:
 * one line). -h prints USAGE and exits 0. */
int spec_from_flags(int argc, char **argv, struct ctr_spec *spec,
                    struct ctr_context *ctx, void (*usage)(FILE *));

#endif
