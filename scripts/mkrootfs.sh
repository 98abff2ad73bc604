#!/usr/bin/env bash
# scripts/mkrootfs.sh DIR - build the default container root filesystem.
#
# Everything comes from this machine's busybox-static: one static binary
# that is every command (an "applet") by the name it is called with. No
# download, no image registry: a rootfs is just a directory tree.
#
#   DIR/bin/busybox, DIR/bin/APPLET -> busybox     the commands
#   DIR/sbin, DIR/usr/bin, DIR/usr/sbin -> bin     so /usr/bin/env works
#   DIR/etc/{passwd,group,hostname}                root and nobody
#   DIR/{proc,sys,dev,run,root} DIR/tmp (1777)     mount points, homes
#
# Built in a temporary directory beside DIR, then renamed into place, so an
# interrupted build never leaves half a rootfs.
set -euo pipefail

dir=${1:?usage: mkrootfs.sh DIR}
busybox=${BUSYBOX:-/bin/busybox}

if [ ! -x "$busybox" ]; then
    echo "mkrootfs: $busybox not found: install busybox-static (make deps)" >&2
    exit 1
fi
if ! "$busybox" --list >/dev/null 2>&1; then
    echo "mkrootfs: $busybox does not run" >&2
    exit 1
fi
case "$(file -b "$busybox" 2>/dev/null || echo unknown)" in
*dynamically*)
    echo "mkrootfs: $busybox is dynamically linked; install busybox-static" >&2
    exit 1 ;;
esac

parent=$(dirname "$dir")
tmp=$(mktemp -d "$parent/.ctlab-rootfs.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

mkdir -p "$tmp"/{bin,etc,proc,sys,dev,run,root,tmp,usr}
chmod 1777 "$tmp/tmp"
chmod 0700 "$tmp/root"
install -m 0755 "$busybox" "$tmp/bin/busybox"
for applet in $("$busybox" --list); do
    [ "$applet" = busybox ] || ln -s busybox "$tmp/bin/$applet"
done
ln -s bin "$tmp/sbin"
ln -s ../bin "$tmp/usr/bin"
ln -s ../bin "$tmp/usr/sbin"

cat >"$tmp/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
PASSWD
cat >"$tmp/etc/group" <<'GROUP'
root:x:0:
nogroup:x:65534:
GROUP
echo ctlab >"$tmp/etc/hostname"
# The applets that read this file need it; no name server is configured.
: >"$tmp/etc/resolv.conf"
date -u +%FT%TZ >"$tmp/.ctlab-rootfs"
chmod 0755 "$tmp"

rm -rf "$dir"
mv "$tmp" "$dir"
trap - EXIT
echo "mkrootfs: $dir ready ($(ls "$dir/bin" | wc -l) commands from $busybox)"
