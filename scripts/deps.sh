#!/usr/bin/env bash
# scripts/deps.sh - install what ctlab needs to build, test and demo, with apt.
#
# Idempotent and silent when everything is already installed, so `make test`
# and `make demo` can call it every time. Nothing is downloaded from anywhere
# but the distribution's own package archive.
#
#   scripts/deps.sh          build + test + demo packages
#   scripts/deps.sh test     also runc and crun, the referees of chapter 11's
#                            differential test (one bundle, three runtimes)
#   scripts/deps.sh lint     also the lint tools (clang-format, cppcheck)
#   scripts/deps.sh vm       also qemu, cpio and xz for make test-vm
#   scripts/deps.sh bench    also hyperfine, crun, runc, bubblewrap, GNU time
#                            gnuplot, podman and containerd for make bench
set -euo pipefail

# Debian/Ubuntu package names. Later chapters append theirs here.
packages=(
    build-essential   # gcc, make, libc6-dev (libc.a for the static probe)
    pkg-config
    libseccomp-dev    # chapter 08, minictr
    libcap-dev        # chapter 09, minictr
    libmnl-dev        # chapter 02, minictr (rtnetlink)
    libarchive-dev    # chapter 07 (image layers)
    libjson-c-dev     # minictr's config.json (OCI bundles)
    bats bats-support bats-assert bats-file
    busybox-static    # the container rootfs (make rootfs)
    iproute2          # tests observe links and routes with ip
    jq                # tests read `ip -j` (JSON) output
    attr              # getfattr: tests read overlayfs's xattrs
    util-linux        # unshare, nsenter, setpriv: tests compare with them
    procps            # ps, for the demos
    uidmap            # newuidmap/newgidmap (chapter 04, rootless minictr)
)
if [ "${1:-}" = test ]; then # make test
    packages+=(runc crun python3) # python3: an engine's console socket (11-oci-cli)
    packages+=(podman containerd) # 12-engines: real engines driving minictr
fi
if [ "${1:-}" = lint ]; then
    packages+=(clang-format cppcheck)
fi
if [ "${1:-}" = vm ]; then # make test-vm
    packages+=(qemu-system-x86 cpio xz-utils)
fi
if [ "${1:-}" = bench ]; then # make bench
    packages+=(hyperfine crun runc bubblewrap time gnuplot-nox podman containerd python3)
fi

# Dnf and pacman spellings, printed on machines without apt.
other_names="dnf: gcc make glibc-static pkgconf libseccomp-devel libcap-devel \
libmnl-devel libarchive-devel json-c-devel bats busybox iproute jq attr util-linux procps-ng shadow-utils
pacman: base-devel libseccomp libcap libmnl libarchive json-c bats bats-support bats-assert \
bats-file busybox iproute2 jq attr util-linux procps-ng shadow"

missing=()
if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "deps.sh: this machine has no apt/dpkg; install these yourself:" >&2
    echo "$other_names" | sed 's/^/  /' >&2
    exit 1
fi
for pkg in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    [ "$status" = "install ok installed" ] || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
    echo "deps.sh: missing packages: ${missing[*]}" >&2
    echo "deps.sh: run 'sudo make deps' (or: sudo apt-get install ${missing[*]})" >&2
    exit 1
fi

echo "deps.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# A fresh machine or container may have empty package lists: update once,
# only when the first try cannot find a package.
log=$(mktemp /tmp/ctlab-apt.XXXXXX)
trap 'rm -f "$log"' EXIT
if ! apt-get install -y -qq --no-install-recommends "${missing[@]}" >"$log" 2>&1; then
    apt-get update -qq
    if ! apt-get install -y -qq --no-install-recommends "${missing[@]}" >"$log" 2>&1; then
        cat "$log" >&2
        echo "deps.sh: apt-get install failed (log above)" >&2
        exit 1
    fi
fi
