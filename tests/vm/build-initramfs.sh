#!/usr/bin/env bash
# tests/vm/build-initramfs.sh KERNEL_DIR - an initramfs for the test VM in
# KERNEL_DIR/initramfs.cpio.gz: busybox-static, tests/vm/init, and the
# modules the tests need (9p to reach the host's files, overlay, veth,
# bridge, loop, virtio) with everything they depend on. Prints its path.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
kdir=$1
version=$(ls "$kdir/root/lib/modules")
src="$kdir/root/lib/modules/$version"
out="$kdir/initramfs.cpio.gz"
wanted="9pnet_virtio 9p overlay veth bridge loop virtio_blk virtio_pci"

# Rebuild only when init or this script changed.
if [ -f "$out" ] && [ "$out" -nt "$here/init" ] && [ "$out" -nt "$0" ]; then
    echo "$out"
    exit 0
fi
busybox=$(command -v busybox)
if ldd "$busybox" >/dev/null 2>&1; then
    echo "build-initramfs: $busybox is not static (apt install busybox-static)" >&2
    exit 1
fi

tmp=$(mktemp -d /tmp/ctlab-initramfs.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
# modules.dep of the whole kernel (uncompressed: busybox's modprobe may
# not read .ko.xz), to find what each wanted module needs.
mkdir -p "$tmp/lib/modules"
cp -r "$src" "$tmp/lib/modules/$version"
find "$tmp/lib/modules/$version" -name '*.ko.xz' -exec xz -d {} +
"$busybox" depmod -b "$tmp" "$version"
dep="$tmp/lib/modules/$version/modules.dep"

root="$tmp/root"
mkdir -p "$root"/{bin,dev,proc,sys,lib/modules/"$version"}
cp "$busybox" "$root/bin/busybox"
cp "$here/init" "$root/init"
chmod 0755 "$root/init"
# Each wanted module and its dependencies, by path in modules.dep.
need=""
for name in $wanted; do
    line=$(grep -E "(^|/)$name\.ko:" "$dep" || true)
    [ -n "$line" ] || continue # built in, or not in this kernel
    need="$need ${line/:/}"
done
for path in $need; do
    mkdir -p "$root/lib/modules/$version/$(dirname "$path")"
    cp "$tmp/lib/modules/$version/$path" "$root/lib/modules/$version/$path"
done
cp "$src"/modules.builtin* "$root/lib/modules/$version/" 2>/dev/null || true
"$busybox" depmod -b "$root" "$version"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$out.tmp"
mv "$out.tmp" "$out"
echo "$out"
