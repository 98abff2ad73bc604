#!/usr/bin/env bash
# tests/vm/fetch-kernel.sh [default|6.12] - a Debian kernel for the test VM,
# unpacked (never installed) into tests/vm/cache/PACKAGE/. Prints the
# directory. The package name is resolved through Debian's metapackage,
# so the ABI number is never hard-coded:
#   default -> linux-image-amd64       -> linux-image-6.1.0-NN-amd64
#   6.12    -> linux-image-6.12-amd64  -> linux-image-6.12.NNN+deb12-amd64
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
case "${1:-default}" in
default) meta=linux-image-amd64 ;;
6.12) meta=linux-image-6.12-amd64 ;;
*) echo "fetch-kernel: unknown kernel '$1' (default or 6.12)" >&2; exit 2 ;;
esac

resolve() {
    apt-cache depends "$meta" 2>/dev/null |
        awk '/Depends: linux-image-[0-9]/ {print $2; exit}'
}
package=$(resolve)
if [ -z "$package" ]; then
    apt-get update -qq >/dev/null 2>&1 || true
    package=$(resolve)
fi
[ -n "$package" ] || { echo "fetch-kernel: apt knows no $meta here" >&2; exit 1; }

cache="$here/cache/$package"
if [ ! -f "$cache/vmlinuz" ]; then
    tmp=$(mktemp -d /tmp/ctlab-kernel.XXXXXX)
    trap 'rm -rf "$tmp"' EXIT
    echo "fetch-kernel: downloading $package" >&2
    if ! (cd "$tmp" && apt-get download -qq "$package" >/dev/null 2>&1); then
        apt-get update -qq >/dev/null 2>&1 || true
        (cd "$tmp" && apt-get download -qq "$package" >/dev/null) ||
            { echo "fetch-kernel: cannot download $package" >&2; exit 1; }
    fi
    rm -rf "$cache"
    mkdir -p "$cache"
    dpkg-deb -x "$tmp"/*.deb "$cache/root"
    cp "$cache"/root/boot/vmlinuz-* "$cache/vmlinuz"
fi
echo "$cache"
