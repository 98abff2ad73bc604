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

# A failure before any test ran is still a failed test in the counts.
give_up() {
    echo "test-vm: $1"
    echo "not ok 1 the VM (kernel $kernel) ran: $1"
    echo "0 passed, 1 failed"
    exit 1
}

command -v qemu-system-x86_64 >/dev/null ||
    give_up "qemu-system-x86_64 is missing (sudo scripts/deps.sh vm)"
kdir=$("$here/fetch-kernel.sh" "$kernel") || give_up "no kernel '$kernel'"
initramfs=$("$here/build-initramfs.sh" "$kdir") ||
    give_up "cannot build the initramfs"

results=$(mktemp -d /tmp/ctlab-vm.XXXXXX)
disk="$results/disk.img" # a disk for io.max to limit
trap 'rm -rf "$results"' EXIT
truncate -s 64M "$disk"

# One boot of the VM; the TAP lands in $results.
boot() {
    rm -f "$results/finished" "$results/tap" "$results/console"
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
}

# The console's end; with "tap", also the TAP written so far (not
# before a retry: CI counts every TAP line it sees).
show_console() {
    echo "test-vm: the VM's console ends with:"
    tail -30 "$results/console" | sed 's/^/  /'
    if [ "${1:-}" = tap ] && [ -f "$results/tap" ]; then
        cat "$results/tap"
    fi
}

boot
# The guest kernel itself can die under TCG's emulation (seen once in
# get_page_from_freelist on 6.12, in a test that passes on every other
# boot). Say so, and boot once more; a second panic is a failure.
if [ ! -f "$results/finished" ] && grep -q "Kernel panic" "$results/console"; then
    show_console
    [ -f "$results/tap" ] && sed 's/^/  (lost) /' "$results/tap"
    echo "test-vm: the guest kernel panicked after ${seconds}s (above); booting once more"
    boot
fi
if [ ! -f "$results/finished" ]; then
    show_console tap
    give_up "the VM did not finish (qemu status $status after ${seconds}s)"
fi
cat "$results/tap"
passed=$(grep -cE '^ok [0-9]+' "$results/tap")
failed=$(grep -cE '^not ok [0-9]+' "$results/tap")
skipped=$(grep -cE '^ok [0-9]+ .*# skip' "$results/tap")
echo "# vm kernel=$kernel ($(basename "$kdir")) tests=$tests: ${seconds}s"
echo "$((passed - skipped)) passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
