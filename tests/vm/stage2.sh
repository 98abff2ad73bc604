#!/bin/bash
# tests/vm/stage2.sh - PID 1 of the test VM after switch_root: run the
# bats tests named on the kernel command line (ctlab.tests=...), write
# their TAP output to the results share, and power off.
#
#   ctlab.tests=default   all of chapter 05 (the cgroup v2 paths) and one
#                         smoke test of every other chapter
#   ctlab.tests=NN        all of tests/NN-*.bats
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root LANG=C.UTF-8
root=$(sed -n 's/.*ctlab\.root=\([^ ]*\).*/\1/p' /proc/cmdline)
tests=$(sed -n 's/.*ctlab\.tests=\([^ ]*\).*/\1/p' /proc/cmdline)
results=/ctlab-results
cd "$root" || exit 1
hostname ctlab-vm
ip link set lo up

# One representative test per chapter: "file|name regex".
smoke=(
    "00-setup.bats|doctor reports the cgroup mode"
    "01-pid-ns.bats|the command is PID 1 of the new namespace"
    "02-net-ns.bats|veth: packets go both ways"
    "03-mount-uts-ipc.bats|hostname and domainname change inside"
    "04-user-ns.bats|maps read back"
    "06-pivot-root.bats|inside a pivot root the same escape finds nothing"
    "07-overlay.bats|the union view"
    "08-seccomp.bats|every system call on the default list gets EPERM"
    "09-caps.bats|--docker-default keeps exactly"
    "10-mini-container.bats|limits: OOM kill is 137"
    "10-mini-container.bats|devices: any node may be made, only the minimal"
    "10-mini-container.bats|--rootless in a cgroup v2 subtree delegated"
    "11-oci-diff.bats|minictr and crun give the same isolation"
    "11-oci-cli.bats|pause and resume"
    "11-oci-cli.bats|update --resources"
)

{
    echo "# kernel $(uname -r), cgroup controllers: $(cat /sys/fs/cgroup/cgroup.controllers)"
    if [ "$tests" = default ]; then
        bats --tap tests/05-cgroups.bats
        for entry in "${smoke[@]}"; do
            file=${entry%%|*}
            [ -f "tests/$file" ] && bats --tap -f "${entry#*|}" "tests/$file"
        done
    else
        bats --tap tests/"$tests"-*.bats
    fi
} >"$results/tap" 2>&1
echo done >"$results/finished"
sync
echo o >/proc/sysrq-trigger
sleep 10
