#!/usr/bin/env bash
# 10-mini-container/mini-container.sh - the chapter's final script, done
# right, with ctlab's own chapter tools instead of ip, unshare and mount.
#
#     sudo ./mini-container.sh                  # an interactive busybox shell
#     sudo ./mini-container.sh /bin/sh -c 'hostname; ip addr'
#     sudo VERBOSE=1 ./mini-container.sh /bin/true   # every tool traces (-v)
#
# Each step is one tool of one chapter; the container is the last tool's
# command, and each tool execs the next, so every one of them holds the
# process on its way in:
#
#     cgctl run --name ID --cgroupns     05: in the cgroup from its first
#       netns exec ID                    02: into the network namespace
#         utsns --hostname ID            03: its own hostname
#           mini-unshare --ipc           04: its own IPC objects
#             pivot MERGED -- CMD        06: new mount and PID namespaces,
#                                            a minimal /dev, /proc, pivot_root
#
# What the chapter's script gets wrong, and how this one differs (the lab
# sheet, README.md section 2, has the whole table):
#   - its veth names are 18 bytes; a name has at most 15 (netns makes them);
#   - it writes cgroup v2 files even on v1 or hybrid hosts, where they are
#     plain files that limit nothing, and hides the errors (cgctl writes the
#     files this host really has, and fails loudly);
#   - it moves the container into the cgroup after it started (cgctl run
#     starts it inside);
#   - `nsenter -t PID --net=... true` runs `true` in the netns: the
#     container never joins it (netns exec runs the container in it);
#   - `mount --bind /dev` hands the container the host's disks (pivot
#     makes six device nodes on a tmpfs);
#   - proc and /dev are mounted before a non-recursive self-bind, so both
#     are empty after pivot_root (pivot binds first);
#   - its MASQUERADE rule outlives it (there is none: the container reaches
#     the host, not the world; chapter 02's sheet shows NAT and its cleanup);
#   - its cleanup runs even for what it never made, and ignores every
#     error. This one undoes exactly what it made, in reverse.
set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ID="ctlab-mc-$$"
BASE="/tmp/$ID"                     # ctlab- prefix: easy to spot if left
IMAGE="${IMAGE:-$TOP/rootfs}"       # `make rootfs` builds it from busybox-static
HOST_IP=10.200.250.1/30             # a /30: the host end and the container
CONT_IP=10.200.250.2/30
V=()
[ -z "${VERBOSE:-}" ] || V=(-v)

cgctl()        { "$TOP/05-cgroups/cgctl" "${V[@]}" "$@"; }
netns()        { "$TOP/02-net-ns/netns" "${V[@]}" "$@"; }
ovl()          { "$TOP/07-overlay/ovl" "${V[@]}" "$@"; }
log()          { echo "[mini-container] $*" >&2; }

if [ "$(id -u)" -ne 0 ]; then
    echo "mini-container.sh: needs root (cgroups, a network namespace, an overlay mount)" >&2
    exit 125
fi
if [ ! -x "$IMAGE/bin/sh" ]; then
    echo "mini-container.sh: no image at $IMAGE (run: make rootfs)" >&2
    exit 125
fi
[ $# -gt 0 ] || set -- /bin/sh

# --- undo exactly what was made, newest first ------------------------------
made=()
netns_dir_made=
child=
cleanup() {
    local status=$? i
    trap - EXIT INT TERM
    for ((i = ${#made[@]} - 1; i >= 0; i--)); do
        case ${made[i]} in
        cgroup) # kills what is left in it; then its runner ends too
            cgctl delete "$ID" || status=125
            [ -z "$child" ] || wait "$child" 2>/dev/null || true ;;
        netns)  netns del "$ID" || status=125 ;;  # the kernel frees the veth
        overlay) ovl umount "$BASE/merged" || status=125 ;;
        base)   rm -rf "$BASE" ;;
        esac
    done
    # `netns add` made /run/netns a mount point, as `ip netns add` does.
    if [ -n "$netns_dir_made" ] && [ -z "$(ls -A /run/netns)" ]; then
        umount /run/netns && rmdir /run/netns
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# === 1. the image's layers: overlay, writes to this container's upper ===
log "overlay: $IMAGE (read-only) under $BASE/upper"
mkdir -m 0700 "$BASE"
made+=(base)
mkdir "$BASE/upper" "$BASE/work" "$BASE/merged"
ovl mount --lower "$IMAGE" --upper "$BASE/upper" --work "$BASE/work" "$BASE/merged"
made+=(overlay)

# === 2. the network: a namespace, a veth pair born inside it ===
log "network: netns $ID, eth0 $CONT_IP, host end $HOST_IP"
[ -e /run/netns ] || netns_dir_made=1
netns add "$ID"
made+=(netns)
netns veth "$ID" --host "$HOST_IP" --peer "$CONT_IP" --gateway --born-inside

# === 3. the cgroup, its limits set before anything runs in it ===
log "cgroup: $ID, --cpus 0.25 --memory 128m --pids 50"
cgctl create "$ID" --cpus 0.25 --memory 128m --pids 50
made+=(cgroup)

# === 4. the container: every tool execs the next ===
# In the background with `wait`, because bash runs a trap only after the
# foreground command ends: a SIGTERM must not wait for the container.
# (<&0: a background job's stdin would be /dev/null.)
log "start: $*"
status=0
cgctl run --name "$ID" --cgroupns -- \
    "$TOP/02-net-ns/netns" "${V[@]}" exec "$ID" -- \
    "$TOP/03-mount-uts-ipc/utsns" "${V[@]}" --hostname "$ID" -- \
    "$TOP/04-user-ns/mini-unshare" "${V[@]}" --ipc -- \
    "$TOP/06-pivot-root/pivot" "${V[@]}" "$BASE/merged" -- "$@" <&0 &
child=$!
wait "$child" || status=$?
child=
log "exited with status $status"
exit "$status"
