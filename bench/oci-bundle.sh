#!/usr/bin/env bash
# bench/oci-bundle.sh BUNDLE [ROOTFS] - an OCI bundle for minictr, crun and
# runc that isolates what `minictr run` isolates, over the same rootfs:
# `minictr spec` writes minictr's own defaults (the namespaces, docker's 14
# capabilities, no_new_privs, the masked and read-only paths, the default
# seccomp profile as OCI JSON, docker's device rules), and jq sets:
#   - the rootfs, and the command /bin/true with no terminal;
#   - --memory 64m, --cpus 0.5, --pids 64 as linux.resources;
#   - a cgroupsPath of ctlab's (/ctlab-bench/...), the same for each runtime.
# What it cannot match: the runtime makes no veth (a CNI plugin would), and
# the rootfs is used as it is, not under an overlay.
#
# Needs jq and a built minictr.
set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUNDLE=${1:?usage: oci-bundle.sh BUNDLE [ROOTFS]}
ROOTFS=$(realpath "${2:-$TOP/rootfs}")

mkdir -p "$BUNDLE"
cd "$BUNDLE"
rm -f config.json
"$TOP/10-mini-container/minictr" spec
jq --arg root "$ROOTFS" '
    .root = {path: $root, readonly: true}
    | .process.terminal = false
    | .process.args = ["/bin/true"]
    | .hostname = "ctlab-oci"
    | .linux.cgroupsPath = "/ctlab-bench/oci"
    | .linux.resources += {
        memory: {limit: 67108864, swap: 67108864},
        cpu: {quota: 50000, period: 100000},
        pids: {limit: 64}
      }
' config.json >config.json.new
mv config.json.new config.json
