#!/usr/bin/env bats
# minictr's OCI front end and writer (10-mini-container/oci_config.h):
# config.json into the container spec and back, driven through
# tests/unit/oci-config. Real engines' configs read, policy kept, the
# round trip exact, and every bad input one line naming the JSON path.

bats_require_minimum_version 1.5.0

setup() {
    load test_helper/common
    OCI="$CTLAB_ROOT/tests/unit/oci-config"
    FIXTURES="$CTLAB_ROOT/tests/fixtures/oci"
    B="$BATS_TEST_TMPDIR/bundle"
    mkdir -p "$B/rootfs"
    RB=$(realpath "$B") # the bundle as the reader resolves it
    use_fixture minimal
}

teardown() {
    cleanup_test
}

# use_fixture NAME: $B/config.json is tests/fixtures/oci/NAME-config.json.
use_fixture() {
    cp "$FIXTURES/$1-config.json" "$B/config.json"
}

# edit FILTER: $B/config.json edited with jq, as runc's update_config does.
# (jq 1.6 turns 2^64-1 into a double: no edit of a file that holds one.)
edit() {
    jq "$1" "$B/config.json" >"$B/edited.json"
    mv "$B/edited.json" "$B/config.json"
}

# read_config: the driver on $B/config.json, its bundle $B; the written
# JSON in $B/out.json.
read_config() {
    "$OCI" read "$B/config.json" "$B" >"$B/out.json"
}

# same FILTER: jq FILTER gives the same on the fixture and on what the
# spec read from it was written as.
same() {
    assert_equal "$(jq -S "$1" "$B/out.json")" "$(jq -S "$1" "$B/config.json")"
}

# refused FILTER MESSAGE: the minimal config edited with FILTER is refused,
# exit 1, with exactly one line: "oci-config: FILE: MESSAGE".
refused() {
    use_fixture minimal
    edit "$1"
    run -1 "$OCI" read "$B/config.json" "$B"
    assert_output "oci-config: $B/config.json: $2"
}

# accepted FILTER: the minimal config edited with FILTER reads.
accepted() {
    use_fixture minimal
    edit "$1"
    run -0 "$OCI" read "$B/config.json" "$B"
}

# --- real engines' configs ------------------------------------------------

@test "podman's config.json reads; its seccomp profile comes back as it was" {
    use_fixture podman
    read_config
    same '.linux.seccomp'
    assert_equal "$(jq '.linux.seccomp.syscalls | length' "$B/out.json")" 22
}

@test "podman's seccomp profile, as read, compiles with chapter 08's filter_from_rules" {
    use_fixture podman
    run -0 --separate-stderr "$OCI" seccomp "$B/config.json" "$B"
    assert_output "22 rules compiled"
    assert_equal "$stderr" ""
}

@test "podman's config.json: capabilities, rlimits, user, env come back" {
    use_fixture podman
    read_config
    # The same sets (in capability order); the empty ones are written too.
    same '.process.capabilities | map_values(sort) | with_entries(select(.value != []))'
    assert_equal "$(jq -c .process.capabilities.inheritable "$B/out.json")" "[]"
    same '.process.rlimits | sort_by(.type)'
    same '.process.user'
    same '.process.env'
    same '.process.args'
}

@test "podman's config.json: masked and read-only paths, device rules, pids, sysctl, annotations come back" {
    use_fixture podman
    read_config
    same '.linux.maskedPaths'
    same '.linux.readonlyPaths'
    same '.linux.resources.devices'
    same '.linux.resources.pids'
    same '.linux.sysctl'
    same '.linux.cgroupsPath'
    same '.linux.namespaces | sort_by(.type)'
    same '.annotations'
    same '.hostname'
}

@test "podman's config.json: every mount, its options as a set" {
    use_fixture podman
    read_config
    same '[.mounts[] | .options |= sort]'
}

@test "containerd's config.json reads; capabilities, rlimits, masked paths and device rules come back" {
    use_fixture containerd
    read_config
    same '.process.capabilities | map_values(sort) | with_entries(select(.value != []))'
    same '.process.rlimits'
    same '.process.user'
    same '.linux.maskedPaths'
    same '.linux.readonlyPaths'
    # major 136 without a minor: every pty, and still so
    same '.linux.resources.devices'
    same '.linux.resources.cpu'
    same '[.mounts[] | .options |= sort]'
    same '.linux.namespaces | sort_by(.type)'
}

@test "an rlimit of 2^64-1 (podman's --ulimit memlock=-1) reads and is written exactly" {
    cat >"$B/config.json" <<'EOF'
{
	"ociVersion": "1.0.2-dev",
	"root": {"path": "rootfs"},
	"process": {
		"args": ["sh"], "cwd": "/", "user": {"uid": 0, "gid": 0},
		"rlimits": [
			{"type": "RLIMIT_MEMLOCK", "hard": 18446744073709551615,
			 "soft": 18446744073709551615},
			{"type": "RLIMIT_NOFILE", "hard": 1048576, "soft": 1024}
		]
	}
}
EOF
    read_config
    run grep -c '"hard": 18446744073709551615' "$B/out.json"
    assert_output 1
    run grep -c '"soft": 18446744073709551615' "$B/out.json"
    assert_output 1
    run grep -c '"hard": 1048576' "$B/out.json"
    assert_output 1
}

@test "an integer above 2^64-1, or below -2^63, is refused with its line and column" {
    printf '{\n\t"ociVersion": "1.0.2",\n\t"x": 18446744073709551616\n}\n' >"$B/config.json"
    run -1 "$OCI" read "$B/config.json" "$B"
    assert_output "oci-config: $B/config.json:3:7: number out of range (a whole number from -2^63 to 2^64-1)"
    printf '{"x": -9223372036854775809}' >"$B/config.json"
    run -1 "$OCI" read "$B/config.json" "$B"
    assert_output "oci-config: $B/config.json:1:7: number out of range (a whole number from -2^63 to 2^64-1)"
}

# --- the round trip -------------------------------------------------------

# A config with every field minictr reads, some in an odd spelling.
full_config() {
    edit '
    .hostname = "c1" | .domainname = "example.org"
    | .process += {terminal: true, consoleSize: {height: 24, width: 80},
        env: ["PATH=/bin", "A=b=c"], noNewPrivileges: true, oomScoreAdj: -500,
        user: {uid: 1000, gid: 1000, umask: 18, additionalGids: [5, 6]},
        capabilities: {bounding: ["CAP_CHOWN", "CAP_NET_RAW"],
            effective: ["CAP_CHOWN"], permitted: ["CAP_CHOWN", "CAP_NET_RAW"],
            inheritable: ["CAP_CHOWN"], ambient: ["CAP_CHOWN"]},
        rlimits: [{type: "RLIMIT_NOFILE", soft: 1024, hard: 4096},
                  {type: "RLIMIT_CORE", soft: 0, hard: 0}]}
    | .mounts = [
        {destination: "/proc", type: "proc", source: "proc",
         options: ["nosuid", "noexec", "nodev"]},
        {destination: "//data/./x/", type: "bind", source: "vol",
         options: ["rbind", "ro", "rslave"]},
        {destination: "/tmp", type: "tmpfs", source: "tmpfs",
         options: ["nosuid", "size=64m", "mode=1777", "strictatime"]}]
    | .hooks = {prestart: [{path: "/bin/true"}],
        createRuntime: [{path: "/bin/echo", args: ["echo", "hi"],
                         env: ["A=1"], timeout: 5}],
        poststop: [{path: "/bin/true"}]}
    | .annotations = {"a.b": "c", "org.ctlab.minictr.net": "bridge",
        "org.ctlab.minictr.ip": "10.200.0.9", "org.ctlab.minictr.init": "true",
        "org.ctlab.minictr.root-overlay": "true",
        "org.ctlab.minictr.rootless": "false"}
    | .linux = {
        namespaces: [{type: "user"}, {type: "pid"},
            {type: "network", path: "/var/run/netns/n1"}, {type: "ipc"},
            {type: "uts"}, {type: "mount"}, {type: "cgroup"}],
        uidMappings: [{containerID: 0, hostID: 100000, size: 65536}],
        gidMappings: [{containerID: 0, hostID: 100000, size: 65536},
                      {containerID: 65536, hostID: 5, size: 1}],
        devices: [{type: "c", path: "/dev/fuse", major: 10, minor: 229,
                   fileMode: 438, uid: 1, gid: 2}, {type: "p", path: "/dev/fifo"}],
        sysctl: {"net.ipv4.ip_forward": "1", "kernel.shmmax": "1000000"},
        resources: {
            devices: [{allow: false, access: "rwm"},
                {allow: true, type: "c", major: 10, minor: 229, access: "rw"},
                {allow: true, type: "b", major: 8, access: "r"}],
            memory: {limit: 536870912, reservation: 268435456,
                     swap: 1073741824},
            cpu: {shares: 512, quota: 50000, period: 100000, cpus: "0",
                  mems: "0"},
            pids: {limit: 100},
            blockIO: {weight: 500,
                throttleReadBpsDevice: [{major: 8, minor: 0, rate: 1048576}],
                throttleWriteIOPSDevice: [{major: 8, minor: 0, rate: 100},
                                          {major: 8, minor: 16, rate: 200}]}},
        cgroupsPath: "/ctlab/c1",
        seccomp: {defaultAction: "SCMP_ACT_ERRNO", defaultErrnoRet: 38,
            architectures: ["SCMP_ARCH_X86_64"],
            flags: ["SECCOMP_FILTER_FLAG_LOG"],
            syscalls: [{names: ["read", "write"], action: "SCMP_ACT_ALLOW"},
                {names: ["personality"], action: "SCMP_ACT_ALLOW",
                 args: [{index: 0, value: 255, valueTwo: 8,
                         op: "SCMP_CMP_MASKED_EQ"}]},
                {names: ["bpf"], action: "SCMP_ACT_ERRNO"}]},
        rootfsPropagation: "slave",
        maskedPaths: ["/proc/kcore"], readonlyPaths: ["/proc/sys/"]}'
}

# round_trip: write(read(x)) is write(read(write(read(x)))), byte for byte,
# by the reader of config.json and by the reader of minictr's own copy.
round_trip() {
    read_config
    run -0 "$OCI" read "$B/out.json" "$B"
    assert_equal "$output" "$(cat "$B/out.json")"
    run -0 "$OCI" saved "$B/out.json"
    assert_equal "$output" "$(cat "$B/out.json")"
}

@test "round trip: podman's config" {
    use_fixture podman
    round_trip
}

@test "round trip: containerd's config" {
    use_fixture containerd
    round_trip
}

@test "round trip: the minimal config" {
    round_trip
}

@test "round trip: a config with every field minictr reads" {
    full_config
    round_trip
}

@test "a config with every field: each lands where it should" {
    full_config
    read_config
    # paths written one way; a relative bind source is under the bundle
    assert_equal "$(jq -r '.mounts[1].destination' "$B/out.json")" /data/x
    assert_equal "$(jq -r '.mounts[1].source' "$B/out.json")" "$RB/vol"
    assert_equal "$(jq -c '.mounts[1].options' "$B/out.json")" '["ro","rbind","rslave"]'
    assert_equal "$(jq -c '.mounts[2].options' "$B/out.json")" '["nosuid","strictatime","size=64m","mode=1777"]'
    assert_equal "$(jq -c '.linux.readonlyPaths' "$B/out.json")" '["/proc/sys"]'
    # SCMP_ACT_ERRNO without errnoRet is EPERM, not defaultErrnoRet
    assert_equal "$(jq -c '.linux.seccomp.syscalls[2]' "$B/out.json")" '{"names":["bpf"],"action":"SCMP_ACT_ERRNO","errnoRet":1}'
    assert_equal "$(jq '.linux.seccomp.defaultErrnoRet' "$B/out.json")" 38
    same '.linux.seccomp.syscalls[1]'
    # throttles merged per device, and written back per list
    same '.linux.resources.blockIO'
    same '.linux.resources.memory'
    same '.linux.resources.cpu'
    same '.linux.resources.devices'
    same '.linux.devices'
    same '.linux.uidMappings'
    same '.linux.gidMappings'
    same '.linux.sysctl'
    same '.linux.namespaces'
    same '.hooks'
    same '.process.capabilities | map_values(sort)'
    same '.process.user'
    same '.process.consoleSize'
    same '.process.oomScoreAdj'
    # minictr's own annotations: read, and written only when set
    assert_equal "$(jq -c '.annotations' "$B/out.json")" \
        '{"a.b":"c","org.ctlab.minictr.root-overlay":"true","org.ctlab.minictr.net":"bridge","org.ctlab.minictr.ip":"10.200.0.9","org.ctlab.minictr.init":"true"}'
}

@test "memory: a limit without swap leaves swap unlimited (-1); quota without period takes 100000" {
    edit '.linux.resources = {memory: {limit: 1048576}, cpu: {quota: 20000}}'
    read_config
    assert_equal "$(jq -c '.linux.resources.memory' "$B/out.json")" '{"limit":1048576,"swap":-1}'
    assert_equal "$(jq -c '.linux.resources.cpu' "$B/out.json")" '{"quota":20000,"period":100000}'
}

@test "0 and -1 are \"no limit\" where runc reads them so: nothing is written" {
    edit '.linux.resources = {memory: {limit: -1, reservation: 0}, pids: {limit: -1},
        cpu: {shares: 0, quota: 0, period: 0},
        blockIO: {weight: 0, throttleReadBpsDevice: [{major: 8, minor: 0, rate: 0}]}}'
    read_config
    assert_equal "$(jq -c '.linux.resources' "$B/out.json")" null
}

@test "kernel and kernelTCP memory limits are ignored, with a trace line" {
    edit '.linux.resources.memory = {limit: 1048576, kernel: 1048576, kernelTCP: -1}'
    run -0 --separate-stderr "$OCI" -v read "$B/config.json" "$B"
    assert_equal "$(jq -c .linux.resources.memory <<<"$output")" '{"limit":1048576,"swap":-1}'
    assert_equal "${#stderr_lines[@]}" 2
    [[ "${stderr_lines[0]}" == "[oci-config] $B/config.json: linux.resources.memory.kernel: ignored (NOT RECOMMENDED"* ]]
    [[ "${stderr_lines[1]}" == "[oci-config] $B/config.json: linux.resources.memory.kernelTCP: ignored"* ]]
}

@test "exec's process.json reads with the same parser; errors name its own paths" {
    jq .process "$FIXTURES/podman-config.json" >"$B/process.json"
    run -0 "$OCI" process "$B/process.json"
    assert_equal "$(jq -S '.capabilities | map_values(sort) | with_entries(select(.value != []))' <<<"$output")" \
        "$(jq -S '.process.capabilities | map_values(sort)' "$FIXTURES/podman-config.json")"
    jq '.process | del(.args)' "$FIXTURES/minimal-config.json" >"$B/process.json"
    run -1 "$OCI" process "$B/process.json"
    assert_output "oci-config: $B/process.json: args: missing (required)"
}

# --- the bundle -------------------------------------------------------------

@test "a relative root.path is the bundle's, resolved, from any directory" {
    ln -s rootfs "$B/link"
    edit '.root.path = "link"'
    cd /
    read_config
    assert_equal "$(jq -r .root.path "$B/out.json")" "$RB/rootfs"
    cd "$B"
    "$OCI" read config.json >"$B/out.json"
    assert_equal "$(jq -r .root.path "$B/out.json")" "$RB/rootfs"
}

@test "root.path missing, or not a directory, is refused" {
    refused '.root.path = "nothere"' "root.path: $RB/nothere: No such file or directory"
    touch "$B/file"
    refused '.root.path = "file"' "root.path: $RB/file: not a directory"
    refused 'del(.root)' "root: missing (required)"
    refused '.root.path = ""' "root.path: empty"
}

@test "minictr's own copy is read without looking at the root (gone by delete)" {
    read_config
    rmdir "$B/rootfs"
    run -0 "$OCI" saved "$B/out.json"
    run -1 "$OCI" read "$B/out.json" "$B"
    assert_output "oci-config: $B/out.json: root.path: $RB/rootfs: No such file or directory"
    # its paths must be absolute, and errors name their fields as ever
    jq '.root.path = "rootfs"' "$B/out.json" >"$B/saved.json"
    run -1 "$OCI" saved "$B/saved.json"
    assert_output "oci-config: $B/saved.json: root.path: \"rootfs\" is not an absolute path"
    jq '.process.args = [1]' "$B/out.json" >"$B/saved.json"
    run -1 "$OCI" saved "$B/saved.json"
    assert_output "oci-config: $B/saved.json: process.args[0]: not a string"
    jq '.mounts = [{destination: "/d", type: "bind", source: "vol"}]' "$B/out.json" >"$B/saved.json"
    run -1 "$OCI" saved "$B/saved.json"
    assert_output "oci-config: $B/saved.json: mounts[0].source: \"vol\" is not an absolute path"
}

# --- bad input: the file ----------------------------------------------------

@test "a missing config.json: one line with the cause" {
    run -1 "$OCI" read "$B/nothing.json" "$B"
    assert_output "oci-config: cannot read $B/nothing.json: No such file or directory"
}

@test "an unreadable config.json: one line with the cause" {
    requires root setpriv
    copy_for_unprivileged "$OCI"
    cp "$B/config.json" "$BIN/config.json"
    chmod 0600 "$BIN/config.json"
    run -1 as_unprivileged "$BIN/oci-config" read "$BIN/config.json" "$B"
    assert_output "oci-config: cannot read $BIN/config.json: Permission denied"
}

@test "a directory, or a file over 4 MiB, in place of config.json is refused" {
    run -1 "$OCI" read "$B/rootfs" "$B"
    assert_output "oci-config: cannot read $B/rootfs: not a regular file"
    truncate -s 5M "$B/config.json"
    run -1 "$OCI" read "$B/config.json" "$B"
    assert_output "oci-config: $B/config.json: 5242880 bytes, more than the 4194304 a config may have"
}

@test "invalid JSON: the line and column of the fault" {
    printf '{\n\t"ociVersion": "1.0.2",\n\t"root": {"path": rootfs}\n}\n' >"$B/config.json"
    run -1 "$OCI" read "$B/config.json" "$B"
    assert_output "oci-config: $B/config.json:3:19: unexpected character"
    # cut short
    printf '{\n\t"ociVersion": "1.0.2",\n' >"$B/config.json"
    run -1 "$OCI" read "$B/config.json" "$B"
    assert_output "oci-config: $B/config.json:3:1: unexpected end of data"
    # a trailing comma (strict JSON)
    printf '{"ociVersion": "1.0.2",}' >"$B/config.json"
    run -1 "$OCI" read "$B/config.json" "$B"
    assert_output "oci-config: $B/config.json:1:24: unexpected character"
    # single quotes, which json-c would take
    printf "{\n  'ociVersion': \"1.0.2\"}" >"$B/config.json"
    run -1 "$OCI" read "$B/config.json" "$B"
    assert_output "oci-config: $B/config.json:2:3: unexpected character (strings are in \")"
    # a column counts characters, not bytes
    printf '{"é": x}' >"$B/config.json"
    run -1 "$OCI" read "$B/config.json" "$B"
    assert_output "oci-config: $B/config.json:1:7: unexpected character"
    # not UTF-8
    printf '{"a": "\xff"}' >"$B/config.json"
    run -1 "$OCI" read "$B/config.json" "$B"
    assert_output "oci-config: $B/config.json:1:8: invalid utf-8 string"
    # something after the object
    printf '{"ociVersion": "1.0.2"} {}' >"$B/config.json"
    run -1 "$OCI" read "$B/config.json" "$B"
    assert_output "oci-config: $B/config.json:1:25: unexpected character"
    # not an object
    printf '["ociVersion"]' >"$B/config.json"
    run -1 "$OCI" read "$B/config.json" "$B"
    assert_output "oci-config: $B/config.json: not a JSON object ({...})"
    # empty
    : >"$B/config.json"
    run -1 "$OCI" read "$B/config.json" "$B"
    assert_output "oci-config: $B/config.json:1:1: unexpected end of data"
}

# --- bad input: fields --------------------------------------------------------

@test "a wrong type in any section: one line with the JSON path" {
    refused '.ociVersion = 1' 'ociVersion: not a string'
    refused '.root.path = 5' 'root.path: not a string'
    refused '.root.readonly = "yes"' 'root.readonly: not true or false'
    refused '.root = "rootfs"' 'root: not an object ({...})'
    refused '.process.args = "sh"' 'process.args: not an array ([...])'
    refused '.process.args = ["sh", 1]' 'process.args[1]: not a string'
    refused '.process.env = ["A=1", {}]' 'process.env[1]: not a string'
    refused '.process.cwd = ["/"]' 'process.cwd: not a string'
    refused '.process.user.uid = "0"' 'process.user.uid: not a number'
    refused '.process.user.uid = -1' 'process.user.uid: must not be negative'
    refused '.process.user.gid = 1.5' 'process.user.gid: not a whole number'
    refused '.process.user.umask = 512' 'process.user.umask: out of range (0 to 511)'
    refused '.process.user.additionalGids = [5, "6"]' 'process.user.additionalGids[1]: not a number'
    refused '.process.capabilities = ["CAP_CHOWN"]' 'process.capabilities: not an object ({...})'
    refused '.process.capabilities.bounding = "CAP_CHOWN"' 'process.capabilities.bounding: not an array ([...])'
    refused '.process.capabilities.ambient = [true]' 'process.capabilities.ambient[0]: not a string'
    refused '.process.rlimits = [{type: "RLIMIT_NOFILE", soft: "1", hard: 2}]' 'process.rlimits[0].soft: not a number'
    refused '.process.rlimits = [{type: "RLIMIT_NOFILE", soft: 1, hard: -2}]' 'process.rlimits[0].hard: must not be negative'
    refused '.process.noNewPrivileges = 1' 'process.noNewPrivileges: not true or false'
    refused '.process.terminal = "true"' 'process.terminal: not true or false'
    refused '.process.consoleSize = {height: -1, width: 80}' 'process.consoleSize.height: must not be negative'
    refused '.process.oomScoreAdj = 1001' 'process.oomScoreAdj: out of range (-1000 to 1000)'
    refused '.process.oomScoreAdj = "0"' 'process.oomScoreAdj: not a number'
    refused '.hostname = 1' 'hostname: not a string'
    refused '.mounts = {}' 'mounts: not an array ([...])'
    refused '.mounts = [{destination: 1, type: "tmpfs"}]' 'mounts[0].destination: not a string'
    refused '.mounts = [{destination: "/t", type: "tmpfs", options: "ro"}]' 'mounts[0].options: not an array ([...])'
    refused '.mounts = [{destination: "/t", type: "tmpfs", options: ["ro", 1]}]' 'mounts[0].options[1]: not a string'
    refused '.hooks.prestart = [{path: "/bin/true", timeout: "5"}]' 'hooks.prestart[0].timeout: not a number'
    refused '.hooks.poststop = {path: "/bin/true"}' 'hooks.poststop: not an array ([...])'
    refused '.annotations = {"a.b": 1}' 'annotations["a.b"]: not a string'
    refused '.linux = []' 'linux: not an object ({...})'
    refused '.linux.namespaces = [{type: 1}]' 'linux.namespaces[0].type: not a string'
    refused '.linux.namespaces = [{type: "user"}] | .linux.uidMappings = [{containerID: 0, hostID: 1, size: "1"}]' \
        'linux.uidMappings[0].size: not a number'
    refused '.linux.devices = [{type: "c", path: "/dev/x", major: "1", minor: 2}]' 'linux.devices[0].major: not a number'
    refused '.linux.sysctl = {"net.ipv4.ip_forward": 1}' 'linux.sysctl["net.ipv4.ip_forward"]: not a string'
    refused '.linux.resources.memory.limit = "1g"' 'linux.resources.memory.limit: not a number'
    refused '.linux.resources.memory.swap = -2' 'linux.resources.memory.swap: out of range (-1 to 9223372036854775807)'
    refused '.linux.resources.cpu.shares = -1' 'linux.resources.cpu.shares: must not be negative'
    refused '.linux.resources.cpu.cpus = 1' 'linux.resources.cpu.cpus: not a string'
    refused '.linux.resources.pids.limit = "10"' 'linux.resources.pids.limit: not a number'
    refused '.linux.resources.blockIO.weight = 1.5' 'linux.resources.blockIO.weight: not a whole number'
    refused '.linux.resources.blockIO.throttleReadBpsDevice = [{major: 8, minor: 0, rate: "1"}]' \
        'linux.resources.blockIO.throttleReadBpsDevice[0].rate: not a number'
    refused '.linux.resources.devices = [{allow: "true"}]' 'linux.resources.devices[0].allow: not true or false'
    refused '.linux.resources.devices = [{allow: true, access: "rwx"}]' 'linux.resources.devices[0].access: want some of r, w and m ("rwm", "r")'
    refused '.linux.seccomp = {defaultAction: 1}' 'linux.seccomp.defaultAction: not a string'
    refused '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: "read", action: "SCMP_ACT_ERRNO"}]}' \
        'linux.seccomp.syscalls[0].names: not an array ([...])'
    refused '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["read"], action: "SCMP_ACT_ERRNO", args: [{index: 0, value: -1, op: "SCMP_CMP_EQ"}]}]}' \
        'linux.seccomp.syscalls[0].args[0].value: must not be negative'
    refused '.linux.maskedPaths = ["/proc/kcore", 1]' 'linux.maskedPaths[1]: not a string'
    refused '.linux.cgroupsPath = 1' 'linux.cgroupsPath: not a string'
}

@test "required fields: one line naming the missing one" {
    refused 'del(.ociVersion)' 'ociVersion: missing (required)'
    refused 'del(.process)' 'process: missing (required)'
    refused 'del(.process.args)' 'process.args: missing (required)'
    refused '.process.args = []' 'process.args: empty (the command to run is args[0])'
    refused 'del(.process.cwd)' 'process.cwd: missing (required)'
    refused 'del(.process.user.gid)' 'process.user.gid: missing (required)'
    refused '.process.rlimits = [{type: "RLIMIT_NOFILE", soft: 1}]' 'process.rlimits[0].hard: missing (required)'
    refused '.mounts = [{type: "tmpfs"}]' 'mounts[0].destination: missing (required)'
    refused '.mounts = [{destination: "/t"}]' 'mounts[0].type: missing (required)'
    refused '.mounts = [{destination: "/t", type: "bind"}]' 'mounts[0].source: missing (required)'
    refused '.hooks.poststart = [{args: ["x"]}]' 'hooks.poststart[0].path: missing (required)'
    refused '.linux.namespaces = [{path: "/proc/1/ns/pid"}]' 'linux.namespaces[0].type: missing (required)'
    refused '.linux.resources.devices = [{access: "rwm"}]' 'linux.resources.devices[0].allow: missing (required)'
    refused '.linux.seccomp = {syscalls: []}' 'linux.seccomp.defaultAction: missing (required)'
    refused '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: [], action: "SCMP_ACT_LOG"}]}' \
        'linux.seccomp.syscalls[0].names: empty ("names MUST contain at least one entry")'
}

@test "values that cannot be right are refused with their path" {
    refused '.ociVersion = "2.0.0"' 'ociVersion: "2.0.0": minictr reads version 1 (1.0.0 to 1.2.0 and later 1.x)'
    refused '.process.cwd = "tmp"' 'process.cwd: "tmp" is not an absolute path'
    refused '.process.env = ["A=1", "NOVALUE"]' 'process.env[1]: "NOVALUE" is not KEY=VALUE'
    refused '.process.rlimits = [{type: "RLIMIT_NOFILE", soft: 2, hard: 1}]' 'process.rlimits[0]: soft 2 is above hard 1'
    refused '.process.rlimits = [{type: "RLIMIT_NOFILE", soft: 1, hard: 1}, {type: "RLIMIT_NOFILE", soft: 1, hard: 1}]' \
        'process.rlimits[1].type: a second RLIMIT_NOFILE'
    refused '.hostname = "c1"' 'hostname: needs a UTS namespace (linux.namespaces: {"type": "uts"}), or it would be the host'"'"'s'
    refused '.hooks.prestart = [{path: "true"}]' 'hooks.prestart[0].path: "true" is not an absolute path'
    refused '.hooks.prestart = [{path: "/bin/true", timeout: 0}]' 'hooks.prestart[0].timeout: out of range (1 to 2147483647)'
    refused '.mounts = [{destination: "/", type: "tmpfs"}]' 'mounts[0].destination: "/" is the root itself (root.path)'
    refused '.mounts = [{destination: "t", type: "tmpfs"}]' 'mounts[0].destination: "t" is not an absolute path'
    refused '.linux.devices = [{type: "x", path: "/dev/x", major: 1, minor: 2}]' 'linux.devices[0].type: want "c", "b", "u" or "p" (mknod(1))'
    refused '.linux.devices = [{type: "c", path: "/etc/x", major: 1, minor: 2}]' 'linux.devices[0].path: "/etc/x" is not in /dev'
    refused '.linux.sysctl = {"kernel.panic": "1"}' 'linux.sysctl["kernel.panic"]: not in any namespace: it would be set on the host'
    refused '.linux.sysctl = {"net.ipv4.ip_forward": "1"}' 'linux.sysctl["net.ipv4.ip_forward"]: needs the container'"'"'s own network namespace'
    refused '.linux.sysctl = {"net..x": "1"}' 'linux.sysctl["net..x"]: not a sysctl'"'"'s name (words and dots: net.ipv4.ip_forward)'
    refused '.linux.cgroupsPath = "/a/../../b"' 'linux.cgroupsPath: ".." is not allowed'
    refused '.linux.rootfsPropagation = "sideways"' 'linux.rootfsPropagation: "sideways": want shared, slave, private or unbindable (or rshared, rslave, rprivate, runbindable)'
    refused '.linux.resources.memory = {limit: 2048, swap: 1024}' 'linux.resources.memory.swap: 1024 is below the limit 2048 (swap is memory + swap)'
    refused '.linux.resources.cpu.quota = 999' 'linux.resources.cpu.quota: below the kernel'"'"'s least quota, 1000 (1 ms)'
    refused '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", defaultErrnoRet: 1}' 'linux.seccomp.defaultErrnoRet: SCMP_ACT_ALLOW takes no errno'
    refused '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["bpf"], action: "SCMP_ACT_KILL_PROCESS", errnoRet: 1}]}' \
        'linux.seccomp.syscalls[0].errnoRet: SCMP_ACT_KILL_PROCESS takes no errno'
    refused '.linux.seccomp = {defaultAction: "SCMP_ACT_DENY"}' \
        'linux.seccomp.defaultAction: unknown action "SCMP_ACT_DENY" (SCMP_ACT_KILL, SCMP_ACT_KILL_PROCESS, SCMP_ACT_KILL_THREAD, SCMP_ACT_TRAP, SCMP_ACT_ERRNO, SCMP_ACT_TRACE, SCMP_ACT_ALLOW, SCMP_ACT_LOG)'
    refused '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", architectures: ["SCMP_ARCH_Z80"]}' \
        'linux.seccomp.architectures[0]: unknown architecture "SCMP_ARCH_Z80" (SCMP_ARCH_X86, SCMP_ARCH_X86_64, SCMP_ARCH_X32, SCMP_ARCH_ARM, SCMP_ARCH_AARCH64, SCMP_ARCH_MIPS, SCMP_ARCH_MIPS64, SCMP_ARCH_MIPS64N32, SCMP_ARCH_MIPSEL, SCMP_ARCH_MIPSEL64, SCMP_ARCH_MIPSEL64N32, SCMP_ARCH_PPC, SCMP_ARCH_PPC64, SCMP_ARCH_PPC64LE, SCMP_ARCH_S390, SCMP_ARCH_S390X, SCMP_ARCH_PARISC, SCMP_ARCH_PARISC64, SCMP_ARCH_RISCV64)'
    refused '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["x"], action: "SCMP_ACT_LOG", args: [{index: 6, value: 0, op: "SCMP_CMP_EQ"}]}]}' \
        'linux.seccomp.syscalls[0].args[0].index: out of range (0 to 5)'
    refused '.annotations = {"org.ctlab.minictr.net": "wifi"}' 'annotations["org.ctlab.minictr.net"]: "wifi": want bridge, none or host'
    refused '.annotations = {"org.ctlab.minictr.init": "yes"}' 'annotations["org.ctlab.minictr.init"]: "yes": want "true" or "false"'
    refused '.annotations = {"org.ctlab.minictr.ip": "10.200.0.300", "org.ctlab.minictr.net": "bridge"}' \
        'annotations["org.ctlab.minictr.ip"]: "10.200.0.300" is not an IPv4 address'
    refused '.annotations = {"org.ctlab.minictr.ip": "10.200.0.3"}' 'annotations["org.ctlab.minictr.ip"]: an address needs org.ctlab.minictr.net "bridge"'
    refused '.annotations = {"org.ctlab.minictr.nett": "none"}' \
        'annotations["org.ctlab.minictr.nett"]: not one of minictr'"'"'s (org.ctlab.minictr.root-overlay, net, ip, init, rootless)'
    # a NUL inside a string would cut it short in C
    refused '.process.args = ["sh\u0000-c"]' 'process.args[0]: a NUL character (\u0000) in a string'
}

@test "an unknown namespace type is refused" {
    refused '.linux.namespaces = [{type: "pid"}, {type: "pidd"}]' \
        'linux.namespaces[1].type: unknown namespace "pidd" (user, pid, network, ipc, uts, mount, cgroup)'
}

@test "a namespace given twice is refused" {
    refused '.linux.namespaces = [{type: "pid"}, {type: "mount"}, {type: "pid", path: "/proc/1/ns/pid"}]' \
        'linux.namespaces[2].type: a second "pid" namespace'
}

@test "a namespace to join must be an absolute path; an empty one is a new namespace" {
    refused '.linux.namespaces = [{type: "network", path: "netns/n1"}]' 'linux.namespaces[0].path: "netns/n1" is not an absolute path'
    edit '.linux.namespaces = [{type: "network", path: ""}]'
    read_config
    assert_equal "$(jq -c .linux.namespaces "$B/out.json")" '[{"type":"network"}]'
}

@test "uid or gid mappings without a user namespace are refused" {
    refused '.linux.uidMappings = [{containerID: 0, hostID: 1000, size: 1}]' \
        'linux.uidMappings: mappings need a user namespace (linux.namespaces: {"type": "user"})'
    refused '.linux.gidMappings = [{containerID: 0, hostID: 1000, size: 1}]' \
        'linux.gidMappings: mappings need a user namespace (linux.namespaces: {"type": "user"})'
    accepted '.linux.namespaces = [{type: "user"}] | .linux.uidMappings = [{containerID: 0, hostID: 1000, size: 1}]'
    refused '.linux.namespaces = [{type: "user"}] | .linux.uidMappings = [{containerID: 0, hostID: 1000, size: 0}]' \
        'linux.uidMappings[0].size: 0 ids (at least 1)'
}

@test "a mount destination with .. is refused, however it is spelled" {
    refused '.mounts = [{destination: "/../etc", type: "tmpfs"}]' 'mounts[0].destination: ".." is not allowed'
    refused '.mounts = [{destination: "/proc", type: "proc"}, {destination: "/a/b/../../../c", type: "tmpfs"}]' \
        'mounts[1].destination: ".." is not allowed'
    refused '.linux.maskedPaths = ["/proc/../etc/shadow"]' 'linux.maskedPaths[0]: ".." is not allowed'
    refused '.process.cwd = "/../"' 'process.cwd: ".." is not allowed'
    # a name with two dots in it is a name
    accepted '.mounts = [{destination: "/a..b/..c", type: "tmpfs"}]'
}

@test "an unknown capability is refused, though runc and crun take it" {
    use_fixture minimal
    edit '.process.capabilities = {bounding: ["CAP_CHOWN", "CAP_NET_RAWW"]}'
    run -1 "$OCI" read "$B/config.json" "$B"
    assert_equal "${#lines[@]}" 1
    assert_output --partial "oci-config: $B/config.json: process.capabilities.bounding[1]: CAP_NET_RAWW: no such capability (did you mean "
    refused '.process.capabilities = {effective: ["cap_chown"]}' \
        'process.capabilities.effective[0]: "cap_chown" is not a capability'"'"'s name (CAP_CHOWN, CAP_NET_RAW, ...)'
}

@test "an unknown rlimit is refused" {
    refused '.process.rlimits = [{type: "RLIMIT_NOFILES", soft: 1, hard: 1}]' \
        'process.rlimits[0].type: unknown rlimit "RLIMIT_NOFILES" (RLIMIT_AS, RLIMIT_CORE, RLIMIT_CPU, RLIMIT_DATA, RLIMIT_FSIZE, RLIMIT_LOCKS, RLIMIT_MEMLOCK, RLIMIT_MSGQUEUE, RLIMIT_NICE, RLIMIT_NOFILE, RLIMIT_NPROC, RLIMIT_RSS, RLIMIT_RTPRIO, RLIMIT_RTTIME, RLIMIT_SIGPENDING, RLIMIT_STACK)'
}

@test "sizes are bounded: id map ranges, device rules, io devices" {
    refused '.linux.namespaces = [{type: "user"}] | .linux.uidMappings = [range(341) | {containerID: ., hostID: ., size: 1}]' \
        'linux.uidMappings: 341 ranges, more than the kernel'"'"'s 340'
    accepted '.linux.namespaces = [{type: "user"}] | .linux.uidMappings = [range(340) | {containerID: ., hostID: ., size: 1}]'
    refused '.linux.resources.devices = [range(65) | {allow: true}]' \
        'linux.resources.devices: 65 rules, more than the 64 minictr takes'
    accepted '.linux.resources.devices = [range(64) | {allow: true}]'
    refused '.linux.resources.blockIO.throttleReadBpsDevice = [range(9) | {major: 8, minor: ., rate: 1}]' \
        'linux.resources.blockIO.throttleReadBpsDevice[8]: more than 8 devices with limits'
    accepted '.linux.resources.blockIO.throttleReadBpsDevice = [range(8) | {major: 8, minor: ., rate: 1}]'
}

@test "each known field minictr does not implement is refused by its path" {
    local not_implemented="not implemented by minictr"
    refused '.linux.intelRdt = {closID: "x"}' "linux.intelRdt: $not_implemented"
    refused '.linux.personality = {domain: "LINUX32"}' "linux.personality: $not_implemented"
    refused '.linux.timeOffsets = {monotonic: {secs: 1}}' "linux.timeOffsets: $not_implemented"
    refused '.linux.netDevices = {eth0: {name: "eth1"}}' "linux.netDevices: $not_implemented"
    refused '.linux.memoryPolicy = {mode: "MPOL_BIND", nodes: "0"}' "linux.memoryPolicy: $not_implemented"
    refused '.linux.namespaces = [{type: "time"}]' "linux.namespaces[0].type: \"time\" is $not_implemented"
    refused '.process.scheduler = {policy: "SCHED_FIFO", priority: 1}' "process.scheduler: $not_implemented"
    refused '.process.ioPriority = {class: "IOPRIO_CLASS_IDLE", priority: 7}' "process.ioPriority: $not_implemented"
    refused '.process.execCPUAffinity = {initial: "0"}' "process.execCPUAffinity: $not_implemented"
    refused '.mounts = [{destination: "/t", type: "tmpfs", uidMappings: [{containerID: 0, hostID: 1, size: 1}]}]' \
        "mounts[0].uidMappings: $not_implemented"
    refused '.mounts = [{destination: "/t", type: "bind", source: "/", options: ["rbind", "rro"]}]' \
        "mounts[0].options[1]: \"rro\" is $not_implemented"
    refused '.mounts = [{destination: "/t", type: "bind", source: "/", options: ["idmap"]}]' \
        "mounts[0].options[0]: \"idmap\" is $not_implemented"
    refused '.mounts = [{destination: "/t", type: "bind", source: "/", options: ["rbind", "tmpcopyup"]}]' \
        "mounts[0]: tmpcopyup: for a tmpfs only"
    refused '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["mount"], action: "SCMP_ACT_NOTIFY"}]}' \
        "linux.seccomp.syscalls[0].action: \"SCMP_ACT_NOTIFY\" is $not_implemented"
    refused '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", listenerPath: "/run/agent.sock"}' \
        "linux.seccomp.listenerPath: $not_implemented"
    refused '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", listenerMetadata: "x"}' \
        "linux.seccomp.listenerMetadata: $not_implemented"
    refused '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", flags: ["SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"]}' \
        "linux.seccomp.flags[0]: \"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV\" is $not_implemented"
    refused '.linux.resources.hugepageLimits = [{pageSize: "2MB", limit: 1}]' "linux.resources.hugepageLimits: $not_implemented"
    refused '.linux.resources.network = {classID: 1}' "linux.resources.network: $not_implemented"
    refused '.linux.resources.rdma = {mlx5_1: {hcaHandles: 3}}' "linux.resources.rdma: $not_implemented"
    refused '.linux.resources.unified = {"io.max": "8:0 rbps=1"}' "linux.resources.unified: $not_implemented"
    refused '.linux.resources.memory.swappiness = 0' "linux.resources.memory.swappiness: $not_implemented"
    refused '.linux.resources.memory.disableOOMKiller = true' "linux.resources.memory.disableOOMKiller: $not_implemented"
    refused '.linux.resources.memory.checkBeforeUpdate = true' "linux.resources.memory.checkBeforeUpdate: $not_implemented"
    refused '.linux.resources.memory.useHierarchy = false' "linux.resources.memory.useHierarchy: false is $not_implemented"
    refused '.linux.resources.cpu.realtimeRuntime = 950000' "linux.resources.cpu.realtimeRuntime: $not_implemented"
    refused '.linux.resources.cpu.realtimePeriod = 1000000' "linux.resources.cpu.realtimePeriod: $not_implemented"
    refused '.linux.resources.cpu.burst = 1000' "linux.resources.cpu.burst: $not_implemented"
    refused '.linux.resources.cpu.idle = 1' "linux.resources.cpu.idle: $not_implemented"
    refused '.linux.resources.blockIO.leafWeight = 10' "linux.resources.blockIO.leafWeight: $not_implemented"
    refused '.linux.resources.blockIO.weightDevice = [{major: 8, minor: 0, weight: 500}]' \
        "linux.resources.blockIO.weightDevice: $not_implemented"
    refused '.solaris = {milestone: "svc:/milestone/container:default"}' "solaris: $not_implemented"
    refused '.windows = {layerFolders: ["C:\\layers"]}' "windows: $not_implemented"
    refused '.vm = {kernel: {path: "/vmlinuz"}}' "vm: $not_implemented"
    refused '.zos = {devices: [{path: "/dev/x", type: "c", major: 1, minor: 1}]}' "zos: $not_implemented"
}

@test "such a field that asks for nothing is accepted" {
    accepted '.linux.intelRdt = {} | .linux.personality = null | .linux.resources.hugepageLimits = [] | .linux.resources.unified = {}'
    accepted '.linux.resources.memory = {disableOOMKiller: false, useHierarchy: true, checkBeforeUpdate: false} | .linux.resources.cpu.idle = 0'
    accepted '.process.scheduler = null | .linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", listenerPath: ""}'
}

@test "unknown properties, at the top and nested, are ignored" {
    read_config
    mv "$B/out.json" "$B/plain.json"
    edit '.future = {x: 1} | .process.future = [1] | .process.user.future = true
        | .linux.future = "x" | .linux.resources.future = {} | .platform = {os: "linux"}
        | .mounts = [{destination: "/t", type: "tmpfs", future: 1}]
        | .hooks.future = [{path: "relative"}]'
    read_config
    assert_equal "$(jq -S 'del(.mounts)' "$B/out.json")" "$(jq -S . "$B/plain.json")"
    assert_equal "$(jq -c .mounts "$B/out.json")" '[{"destination":"/t","type":"tmpfs"}]'
}

# The same test as minictr makes (oci_config.c, lsm_enabled).
lsm_enabled() {
    case "$1" in
    apparmor) [ -e /sys/kernel/security/apparmor ] ||
        [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ] ;;
    selinux) [ -e /sys/fs/selinux/enforce ] ;;
    esac
}

# lsm_field FILTER PATH LSM: refused where LSM is enabled here, else
# ignored with one warning line on stderr and not written back.
lsm_field() {
    use_fixture minimal
    edit ".linux.namespaces = [{type: \"mount\"}] | $1"
    if lsm_enabled "$3"; then
        run -1 "$OCI" read "$B/config.json" "$B"
        assert_output "oci-config: $B/config.json: $2: not implemented by minictr ($3 is enabled on this host, and minictr cannot apply a label)"
    else
        run -0 --separate-stderr "$OCI" read "$B/config.json" "$B"
        assert_equal "$stderr" "oci-config: warning: $B/config.json: $2: $3 is not enabled on this host: ignored"
        assert_equal "$(jq -c '[.. | strings | select(. == "label")]' <<<"$output")" '[]'
    fi
}

@test "AppArmor and SELinux labels: refused where the LSM is enabled here, else ignored with a warning" {
    lsm_field '.process.apparmorProfile = "label"' process.apparmorProfile apparmor
    lsm_field '.process.selinuxLabel = "label"' process.selinuxLabel selinux
    lsm_field '.linux.mountLabel = "label"' linux.mountLabel selinux
    # an empty label asks for nothing, anywhere
    use_fixture minimal
    edit '.process.apparmorProfile = "" | .process.selinuxLabel = "" | .linux.mountLabel = ""'
    run -0 --separate-stderr "$OCI" read "$B/config.json" "$B"
    assert_equal "$stderr" ""
}

# --- features -----------------------------------------------------------------

@test "features: what it lists, the parser takes; what it refuses, features leaves out" {
    run -0 "$OCI" features
    echo "$output" >"$B/features.json"
    assert_equal "$(jq -r .ociVersionMin "$B/features.json")" 1.0.0
    assert_equal "$(jq -r .ociVersionMax "$B/features.json")" 1.2.0
    assert_equal "$(jq -c '[.mountOptions[] | select(. == "rro" or . == "idmap")]' "$B/features.json")" '[]'
    assert_equal "$(jq -c '[.mountOptions[] | select(. == "tmpcopyup")]' "$B/features.json")" '["tmpcopyup"]'
    assert_equal "$(jq -c '[.linux.namespaces[] | select(. == "time")]' "$B/features.json")" '[]'
    assert_equal "$(jq -c '[.linux.seccomp.actions[] | select(. == "SCMP_ACT_NOTIFY")]' "$B/features.json")" '[]'
    assert_equal "$(jq -c '.linux.seccomp.knownFlags - .linux.seccomp.supportedFlags' "$B/features.json")" \
        '["SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"]'
    assert_equal "$(jq -c '.linux.apparmor, .linux.selinux' "$B/features.json")" $'{"enabled":false}\n{"enabled":false}'

    local name
    for name in $(jq -r '.mountOptions[]' "$B/features.json"); do
        accepted ".mounts = [{destination: \"/t\", type: \"tmpfs\", source: \"/\", options: [\"$name\"]}]"
    done
    for name in $(jq -r '.linux.namespaces[]' "$B/features.json"); do
        accepted ".linux.namespaces = [{type: \"$name\"}]"
    done
    for name in $(jq -r '.linux.capabilities[]' "$B/features.json"); do
        accepted ".process.capabilities = {bounding: [\"$name\"]}"
    done
    for name in $(jq -r '.hooks[]' "$B/features.json"); do
        accepted ".hooks = {\"$name\": [{path: \"/bin/true\"}]}"
    done
    for name in $(jq -r '.linux.seccomp.actions[]' "$B/features.json"); do
        accepted ".linux.seccomp = {defaultAction: \"$name\"}"
    done
    for name in $(jq -r '.linux.seccomp.operators[]' "$B/features.json"); do
        accepted ".linux.seccomp = {defaultAction: \"SCMP_ACT_ALLOW\", syscalls: [{names: [\"x\"], action: \"SCMP_ACT_LOG\", args: [{index: 0, value: 1, op: \"$name\"}]}]}"
    done
    for name in $(jq -r '.linux.seccomp.archs[]' "$B/features.json"); do
        accepted ".linux.seccomp = {defaultAction: \"SCMP_ACT_ALLOW\", architectures: [\"$name\"]}"
    done
    for name in $(jq -r '.linux.seccomp.supportedFlags[]' "$B/features.json"); do
        accepted ".linux.seccomp = {defaultAction: \"SCMP_ACT_ALLOW\", flags: [\"$name\"]}"
    done
}

# --- leaks --------------------------------------------------------------------

@test "no leak, and no bad memory access, reading good configs or failing anywhere" {
    command -v valgrind >/dev/null || skip "valgrind is not installed"
    if nm "$OCI" 2>/dev/null | grep -q __asan_init; then
        skip "built with SANITIZE=1: LeakSanitizer checks every test's run"
    fi
    local filter
    # under valgrind: its own exit status 99 on a leak or a bad access
    check() {
        run valgrind --quiet --leak-check=full --errors-for-leak-kinds=definite,indirect \
            --show-leak-kinds=definite,indirect --error-exitcode=99 "$OCI" "$@"
        [ "$status" -ne 99 ] || fail "valgrind: $output"
    }
    for fixture in podman containerd; do
        use_fixture "$fixture"
        check read "$B/config.json" "$B"
    done
    use_fixture minimal
    full_config
    check read "$B/config.json" "$B"
    check features
    check read "$B/nothing.json" "$B"
    printf '{"ociVersion": "1.0.2", "process": {"args": [' >"$B/bad.json"
    check read "$B/bad.json" "$B"
    # each fails after the sections before it were read and stored
    while read -r filter; do
        use_fixture minimal
        full_config
        edit "$filter"
        check read "$B/config.json" "$B"
    done <<'CASES'
.process.env += [1]
.process.rlimits += [{type: "RLIMIT_NOFILE", soft: 1, hard: 1}]
.process.capabilities.ambient += ["CAP_NOPE"]
.process.user.additionalGids += ["x"]
.linux.devices += [{type: "c", path: "/etc/x", major: 1, minor: 1}]
.linux.sysctl += {"kernel.panic": "1"}
.linux.resources.blockIO.throttleWriteBpsDevice = [{major: 8}]
.linux.seccomp.syscalls += [{names: ["a", "b"], action: "SCMP_ACT_ERRNO", args: [{index: 9}]}]
.linux.seccomp.architectures += ["SCMP_ARCH_NONE"]
.linux.maskedPaths += ["/a/../b"]
.linux.readonlyPaths += ["/a/../b"]
.linux.cgroupsPath = "/.."
.mounts += [{destination: "/t", type: "tmpfs", options: ["rro"]}]
.mounts[1].options += ["size=1", 2]
.hooks.poststop += [{path: "/bin/true", env: ["A"]}]
.annotations += {"org.ctlab.minictr.net": "x"}
.hostname = "x" | .linux.namespaces = [{type: "pid"}]
.linux.intelRdt = {closID: "x"}
CASES
    jq .process "$B/config.json" >"$B/process.json"
    check process "$B/process.json"
}
