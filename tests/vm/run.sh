#!/usr/bin/env bash
# tests/vm/run.sh [KERNEL] [TESTS] - run bats tests in a qemu VM with a
# pure cgroup v2 hierarchy, on a Debian kernel (default: Debian 12's own;
# 6.12: the backport). TESTS: "default" (all of chapter 05 plus a smoke
# test of each other chapter) or a chapter number ("05").
#
# The VM sees the host's / read-only (9p) and writes its TAP output to a
# share; qemu's own exit status means nothing (it exits 0 after a kernel
# panic too), so only that output decides. Prints the TAP lines and
# "N passed, N failed".
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
kernel=${1:-default}
tests=${2:-default}
limit=${CTLAB_VM_TIMEOUT:-1500} # seconds

command -v qemu-system-x86_64 >/dev/null ||
    { echo "test-vm: qemu-system-x86_64 is missing (sudo make deps-vm)"; echo "0 passed, 1 failed"; exit 1; }
kdir=$("$here/fetch-kernel.sh" "$kernel") ||
    { echo "test-vm: no kernel '$kernel'"; echo "0 passed, 1 failed"; exit 1; }
initramfs=$("$here/build-initramfs.sh" "$kdir") ||
    { echo "test-vm: cannot build the initramfs"; echo "0 passed, 1 failed"; exit 1; }

results=$(mktemp -d /tmp/ctlab-vm.XXXXXX)
disk="$results/disk.img" # a disk for io.max to limit
trap 'rm -rf "$results"' EXIT
truncate -s 64M "$disk"

started=$(date +%s)
# TCG: this machine's /dev/kvm cannot run a normal guest.
timeout --kill-after=10 "$limit" qemu-system-x86_64 \
    -machine q35 -accel tcg,thread=multi -smp 2 -m 1024 \
    -kernel "$kdir/vmlinuz" -initrd "$initramfs" \
    -append "console=ttyS0 quiet panic=-1 ctlab.root=$root ctlab.tests=$tests" \
    -nographic -no-reboot -nic none \
    -virtfs local,path=/,mount_tag=hostroot,security_model=passthrough,readonly=on,multidevs=remap \
    -virtfs local,path="$results",mount_tag=results,security_model=passthrough \
    -drive file="$disk",if=virtio,format=raw \
    >"$results/console" 2>&1
status=$?
seconds=$(($(date +%s) - started))

if [ ! -f "$results/finished" ]; then
    echo "test-vm: the VM did not finish (qemu status $status after ${seconds}s); its console:"
    tail -30 "$results/console" | sed 's/^/  /'
    echo "0 passed, 1 failed"
    exit 1
fi
cat "$results/tap"
passed=$(grep -cE '^ok [0-9]+' "$results/tap")
failed=$(grep -cE '^not ok [0-9]+' "$results/tap")
skipped=$(grep -cE '^ok [0-9]+ .*# skip' "$results/tap")
echo "# vm kernel=$kernel tests=$tests: ${seconds}s"
echo "$((passed - skipped)) passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
