#!/usr/bin/env bats
# Chapter 11: the rest of minictr's runc command line, beside the
# lifecycle that tests/11-oci.bats holds to the runtime-spec: spec,
# features, the global --log, exec (--process, --detach), list and ps,
# pause and resume, update, run --bundle, and how `run` tells the OCI
# form from the docker-like one. Every claim is read from the kernel or
# from the files the engines read (pid files, the log).

bats_require_minimum_version 1.5.0

# One test runs the docker-like minictr, whose state base /run/ctlab is
# made on first use: gc removes it after, if it was not there before.
setup_file() {
    [ -e /run/ctlab ] && export CLI_HAD_RUN_CTLAB=1
    return 0
}

teardown_file() {
    [ -n "${CLI_HAD_RUN_CTLAB:-}" ] || "$BATS_TEST_DIRNAME/../10-mini-container/minictr" gc >/dev/null
}

setup() {
    load test_helper/common
    requires root
    WORK=$(mktemp -d /tmp/ctlab-cli.XXXXXX)
    CTLAB_TEMP_DIRS+=("$WORK")
    STATE=$WORK/state
    ID=ctlab-cli-$$
    mkdir "$WORK/bundle"
    cp -a "$CTLAB_ROOT/rootfs" "$WORK/bundle/rootfs"
    cp "$PROBE" "$WORK/bundle/rootfs/bin/"
    (cd "$WORK/bundle" && minictr spec)
    edit_config '.process.terminal = false | .root = {path: "rootfs", readonly: false}
        | .linux.cgroupsPath = "/ctlab-cli/" + env.ID
        | .process.args = ["/bin/sleep", "60"]'
}

teardown() {
    local id
    for id in $(minictr --root "$STATE" list -q 2>/dev/null); do
        minictr --root "$STATE" delete --force "$id" >/dev/null 2>&1 || true
    done
    local dir
    for dir in /sys/fs/cgroup/*/ctlab-cli /sys/fs/cgroup/ctlab-cli; do
        [ ! -d "$dir" ] || find "$dir" -depth -type d -exec rmdir {} \; 2>/dev/null || true
    done
    cleanup_test
}

oci() {
    minictr --root "$STATE" "$@"
}

edit_config() {
    export ID
    jq "$1" "$WORK/bundle/config.json" >"$WORK/config.json.new"
    mv "$WORK/config.json.new" "$WORK/bundle/config.json"
}

started() {
    oci create --bundle "$WORK/bundle" --pid-file "$WORK/pid" "$ID"
    oci start "$ID"
    PID=$(cat "$WORK/pid")
}

@test "spec: a config.json with minictr's defaults, which minictr runs as it is; never over another" {
    mkdir "$WORK/b2"
    cd "$WORK/b2"
    run -0 minictr spec
    run -0 jq -r '.ociVersion, .process.args[0], .root.path, (.linux.namespaces | length), (.linux.seccomp.syscalls | length > 10), .process.noNewPrivileges' config.json
    assert_output "$(printf '%s\n' 1.0.2 sh rootfs 6 true true)"
    run -1 minictr spec
    assert_output --partial "config.json"
    assert_output --partial "remove it first"
    mkdir "$WORK/b3"
    run -0 minictr spec --rootless --bundle "$WORK/b3"
    run -0 jq -c '[.linux.uidMappings[0].containerID, (.linux.namespaces | map(.type) | index("user") != null)]' "$WORK/b3/config.json"
    assert_output '[0,true]'
}

@test "features: what the parser implements, from its own tables" {
    run -0 minictr features
    run -0 jq -r '.ociVersionMin, (.hooks | length), (.linux.namespaces | index("pid") != null), (.mountOptions | index("rbind") != null)' <<<"$output"
    assert_output "$(printf '%s\n' 1.0.0 6 true true)"
}

@test "--log FILE --log-format json: an error is one JSON line with level, msg and time" {
    run -1 minictr --root "$STATE" --log "$WORK/log.json" --log-format json start ctlab-cli-nothing
    assert_output 'minictr: container "ctlab-cli-nothing" does not exist'
    run -0 jq -r '.level + " " + .msg' "$WORK/log.json"
    assert_output 'error container "ctlab-cli-nothing" does not exist'
    run -0 jq -r '.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T")' "$WORK/log.json"
    assert_output true
    # The engine's global options refused: runc's exit status, 1.
    run -1 minictr --log-format yaml list
    assert_output "minictr: --log-format yaml: text or json"
    run -1 minictr --systemd-cgroup list
    assert_output --partial "--systemd-cgroup: not implemented by minictr"
    # A bad --root is in the log too: containerd reports the log's last
    # error line, and the log is opened before --root is looked at.
    run -1 minictr --root relative --log "$WORK/log2.json" --log-format json list
    assert_output "minictr: --root relative: want an absolute path"
    run -0 jq -r .msg "$WORK/log2.json"
    assert_output "--root relative: want an absolute path"
    # Whatever the order: an unknown option before --log is logged too.
    run -1 minictr --bogus --log "$WORK/log3.json" --log-format json list
    assert_output --partial "'--bogus'"
    run -0 jq -r .msg "$WORK/log3.json"
    assert_output --partial "'--bogus'"
}

@test "--root is made with its parents (containerd's shim names /run/containerd/runc/NS, which nothing made)" {
    run -0 minictr --root "$WORK/a/b/state" list -q
    assert_output ""
    run -0 stat -c %a "$WORK/a" "$WORK/a/b" "$WORK/a/b/state"
    assert_output "$(printf '%s\n' 711 711 700)"
}

@test "exec --process P.json: its args, env, cwd and user, in the container; its exit status" {
    started
    cat >"$WORK/process.json" <<'EOF'
{"args": ["/bin/sh", "-c", "echo $GREETING; pwd; id -u; id -g; exit 3"],
 "env": ["GREETING=hello", "PATH=/bin"], "cwd": "/tmp", "user": {"uid": 1000, "gid": 1000}}
EOF
    run -3 oci exec --process "$WORK/process.json" "$ID"
    assert_output "$(printf '%s\n' hello /tmp 1000 1000)"
    # It ran in the container's namespaces: the same pid namespace as PID 1.
    run -0 oci exec "$ID" /bin/sh -c 'readlink /proc/self/ns/pid'
    assert_output "$(readlink "/proc/$PID/ns/pid")"
    run -1 oci exec --process "$WORK/process.json" "$ID" /bin/true
    assert_output "minictr: exec: a command or --process, not both"
}

@test "exec --detach --pid-file: returns at once, the pid file names the process, which lives in the container" {
    started
    # Its stdio are ours (an engine gives its own pipes): not bats' pipe,
    # which `run` would wait on until the process ends.
    timeout 5 minictr --root "$STATE" exec --detach --pid-file "$WORK/exec.pid" "$ID" /bin/sleep 30 </dev/null >/dev/null 2>&1
    local exec_pid
    exec_pid=$(cat "$WORK/exec.pid")
    [ -d "/proc/$exec_pid" ] || fail "no process $exec_pid"
    assert_equal "$(readlink "/proc/$exec_pid/ns/mnt")" "$(readlink "/proc/$PID/ns/mnt")"
    assert_equal "$(tr '\0' ' ' <"/proc/$exec_pid/cmdline")" "/bin/sleep 30 "
}

# An engine's monitor (conmon, containerd's shim): a child subreaper that
# runs `exec --detach --pid-file F`, then waits for the process F names
# and prints its exit status (or "lost" if another process reaped it).
write_subreaper() {
    cat >"$WORK/subreaper.py" <<'EOF'
import ctypes, os, subprocess, sys

PR_SET_CHILD_SUBREAPER = 36
ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
pid_file = sys.argv[1]
subprocess.run(sys.argv[2:], stdin=subprocess.DEVNULL, check=True)
pid = int(open(pid_file).read())
while True:
    try:
        child, status = os.waitpid(-1, 0)
    except ChildProcessError:
        print("lost")
        break
    if child == pid:
        print("exit %d" % os.waitstatus_to_exitcode(status))
        break
EOF
}

@test "exec --detach: the engine's subreaper reaps the process and gets its exit status" {
    command -v python3 >/dev/null || fail "python3 is missing (scripts/deps.sh test installs it)"
    started
    write_subreaper
    run -0 timeout 20 python3 "$WORK/subreaper.py" "$WORK/exec.pid" \
        minictr --root "$STATE" exec --detach --pid-file "$WORK/exec.pid" "$ID" /bin/sh -c 'sleep 0.3; exit 7'
    assert_output "exit 7"
}

@test "mounts: tmpcopyup copies the directory's files into the tmpfs (modes, owners, links not followed); writes stay there" {
    local data=$WORK/bundle/rootfs/data
    mkdir -p "$data/sub"
    echo hello >"$data/file"
    chmod 0640 "$data/file"
    chown 1000:1001 "$data/file"
    echo deep >"$data/sub/deep"
    mkdir -m 1777 "$data/shared"
    cp /bin/true "$data/suid" && chmod 4755 "$data/suid"
    chown 1000:1001 "$data"
    chmod 0750 "$data"
    ln -s file "$data/link"
    ln -s /etc/shadow "$data/escape" # the host's, if it were followed now
    edit_config '.mounts += [{destination: "/data", type: "tmpfs", source: "tmpfs", options: ["nosuid", "tmpcopyup"]}]
        | .process.args = ["/bin/sh", "-c", "stat -c \"%n %a %u:%g\" /data /data/file /data/shared /data/suid; readlink /data/link; readlink /data/escape; cat /data/sub/deep; echo new >/data/file; cat /data/file; grep \" /data \" /proc/mounts | cut -d\" \" -f3"]'
    run -0 oci run --bundle "$WORK/bundle" "$ID"
    # Modes as the image has them, set-user-ID and sticky bits included,
    # and the tmpfs's root as the directory it hides.
    assert_output "$(printf '%s\n' '/data 750 1000:1001' '/data/file 640 1000:1001' '/data/shared 1777 0:0' \
        '/data/suid 4755 0:0' file /etc/shadow deep new tmpfs)"
    # The image's file is as it was: the write went to the tmpfs.
    assert_equal "$(cat "$data/file")" hello
    # Control: without tmpcopyup the same tmpfs hides the files.
    edit_config '.mounts[-1].options = ["nosuid"] | .process.args = ["/bin/ls", "-A", "/data"]'
    run -0 oci run --bundle "$WORK/bundle" "$ID"
    assert_output ""
    # tmpcopyup is a tmpfs's only: refused on a bind, nothing made.
    edit_config '.mounts[-1] = {destination: "/data", type: "bind", source: "/tmp", options: ["rbind", "tmpcopyup"]}'
    run -1 oci create --bundle "$WORK/bundle" "$ID"
    assert_output --regexp '^minictr: .*config.json: mounts\[[0-9]+\]: tmpcopyup: for a tmpfs only$'
    assert_equal "$(ls "$STATE" 2>/dev/null)" ""
}

@test "a cgroup mount shows the container's own cgroups, with or without a cgroup namespace; never the host's tree" {
    [ -d /sys/fs/cgroup/pids ] || skip "no v1 pids hierarchy here (the v2 mount is tested in the VM)"
    # The host's pids tree has a cgroup the container must not see: a
    # plain cgroup mount would show ctlab-cli/other (teardown removes it).
    mkdir -p /sys/fs/cgroup/pids/ctlab-cli/other
    # One line each: pids.max; the directories below the container's pids
    # cgroup; what the systemd and the memory directories hold; a write.
    edit_config '.linux.resources.pids = {limit: 42}
        | .mounts += [{destination: "/sys/fs/cgroup", type: "cgroup", source: "cgroup", options: ["nosuid", "noexec", "nodev", "ro"]}]
        | .process.args = ["/bin/sh", "-c", "cat /sys/fs/cgroup/pids/pids.max; ls -d /sys/fs/cgroup/pids/*/ 2>/dev/null | wc -l; ls -A /sys/fs/cgroup/systemd 2>/dev/null | wc -l; [ -n \"$(ls -A /sys/fs/cgroup/memory)\" ] && echo memory || echo no memory; echo 1 2>/dev/null >/sys/fs/cgroup/pids/pids.max || echo refused"]'
    local mode
    for mode in namespace host; do
        [ "$mode" = host ] && edit_config 'del(.linux.namespaces[] | select(.type == "cgroup"))'
        run -0 oci run --bundle "$WORK/bundle" "$ID"
        assert_equal "$mode: $output" "$mode: $(printf '%s\n' 42 0 0 memory refused)"
    done
    # Without cgroupsPath the container joins only the hierarchies its
    # limits need: memory is not one, and its directory stays empty (a
    # mount there would show the caller's cgroup, and what is below it).
    edit_config 'del(.linux.cgroupsPath)'
    run -0 oci run --bundle "$WORK/bundle" "$ID"
    assert_equal "no cgroupsPath: $output" "no cgroupsPath: $(printf '%s\n' 42 0 0 'no memory' refused)"
    # Control: the host's side of it.
    [ -d /sys/fs/cgroup/pids/ctlab-cli/other ]
}

@test "signals the runtime's caller ignored (nohup's SIGHUP, SIGPIPE) are not ignored in the container, nor in exec" {
    # Control: such a caller hands them down (SIGHUP is bit 0, SIGPIPE
    # bit 12; it may ignore more: a background job ignores SIGINT and
    # SIGQUIT too).
    local ignored
    ignored=$(bash -c 'trap "" HUP PIPE; exec grep SigIgn /proc/self/status' | cut -f2)
    [ $((0x$ignored & 0x1001)) -eq $((0x1001)) ] || fail "the caller's SigIgn is $ignored"
    edit_config '.process.args = ["/bin/grep", "SigIgn", "/proc/self/status"]'
    run -0 bash -c 'trap "" HUP PIPE; exec "$@"' _ minictr --root "$STATE" run --bundle "$WORK/bundle" "$ID"
    assert_output "SigIgn:	0000000000000000"
    edit_config '.process.args = ["/bin/sleep", "60"]'
    started
    run -0 bash -c 'trap "" HUP PIPE; exec "$@"' _ minictr --root "$STATE" exec "$ID" /bin/grep SigIgn /proc/self/status
    assert_output "SigIgn:	0000000000000000"
    oci delete --force "$ID"
    # The same under a filter that denies rt_sigaction: the dispositions
    # are reset before the filter is loaded.
    edit_config '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["rt_sigaction"], action: "SCMP_ACT_ERRNO"}]}
        | .process.args = ["/bin/grep", "SigIgn", "/proc/self/status"]'
    run -0 bash -c 'trap "" HUP PIPE; exec "$@"' _ minictr --root "$STATE" run --bundle "$WORK/bundle" "$ID"
    assert_output "SigIgn:	0000000000000000"
}

@test "list and ps ID: the container, its status, and the PIDs of its cgroup" {
    started
    oci exec --detach --pid-file "$WORK/exec.pid" "$ID" /bin/sleep 30 </dev/null >/dev/null 2>&1
    run -0 oci list -q
    assert_output "$ID"
    run -0 oci list --format json
    run -0 jq -r '.[0].id + " " + .[0].status + " " + (.[0].pid | tostring)' <<<"$output"
    assert_output "$ID running $PID"
    run -0 oci ps --format json "$ID"
    run -0 jq -r 'sort | map(tostring) | join(" ")' <<<"$output"
    # The container's processes: its init and the exec'd one (the joiner
    # that waits for it is in the cgroup too).
    assert_output --partial "$PID"
    assert_output --partial "$(cat "$WORK/exec.pid")"
}

@test "pause and resume: the processes freeze and thaw, state says paused, then running" {
    edit_config '.process.args = ["/bin/sh", "-c", "while :; do echo x >> /tmp/ticks; sleep 0.05; done"]'
    started
    local ticks=/proc/$PID/root/tmp/ticks before
    wait_until 5 test -s "$ticks"
    run -0 oci pause "$ID"
    run -0 jq -r .status <<<"$(oci state "$ID")"
    assert_output paused
    # Frozen: no tick in half a second.
    before=$(wc -l <"$ticks")
    sleep 0.5
    assert_equal "$(wc -l <"$ticks")" "$before"
    run -0 oci resume "$ID"
    run -0 jq -r .status <<<"$(oci state "$ID")"
    assert_output running
    wait_until 5 test "$(wc -l <"$ticks")" -gt "$before"
    run -1 oci resume "$ID-nothing"
}

@test "update --resources: a new pids limit reaches the cgroup, and the saved spec" {
    edit_config '.linux.resources.pids = {limit: 100}'
    started
    local dir
    dir=$(awk -F: '$2 ~ /(^|,)pids(,|$)/ {print $3}' "/proc/$PID/cgroup")
    [ -n "$dir" ] || dir=$(awk -F: '$1 == 0 {print $3}' "/proc/$PID/cgroup")
    local file=/sys/fs/cgroup/pids$dir/pids.max
    [ -e "$file" ] || file=/sys/fs/cgroup$dir/pids.max
    assert_equal "$(cat "$file")" 100
    echo '{"pids": {"limit": 42}}' | oci update --resources - "$ID"
    assert_equal "$(cat "$file")" 42
    run -0 jq .linux.resources.pids.limit "$STATE/$ID/config.json"
    assert_output 42
    run -1 oci update --resources "$WORK/nothing.json" "$ID"
    assert_output --partial "nothing.json"
}

@test "run --bundle: the command's exit status comes back, and nothing is left" {
    edit_config '.process.args = ["/bin/sh", "-c", "exit 7"]'
    run -7 oci run --bundle "$WORK/bundle" "$ID"
    assert_equal "$(ls "$STATE")" ""
    run -0 oci run --detach --bundle "$WORK/bundle" "$ID"
    assert_equal "$(ls "$STATE")" "$ID"
}

@test "run is the OCI one with --bundle, or one word and a config.json here; else the docker-like one" {
    edit_config '.process.args = ["/bin/sh", "-c", "echo oci"]'
    cd "$WORK/bundle"
    run -0 minictr --root "$STATE" run "$ID"
    assert_output oci
    # A command after --: the docker-like run, config.json or not.
    run -0 minictr run --rootfs "$WORK/bundle/rootfs" --net none -- /bin/sh -c 'echo docker-like'
    assert_output docker-like
}

@test "create and exec refuse what minictr does not do, with one line and nothing made" {
    run -1 oci create --no-pivot --bundle "$WORK/bundle" "$ID"
    assert_output --partial "--no-pivot: not implemented by minictr"
    run -1 oci create --bundle "$WORK/bundle" --console-socket "$WORK/sock" "$ID"
    assert_output "minictr: --console-socket: process.terminal is false"
    # A terminal with nobody to take its master (runc refuses the same).
    edit_config '.process.terminal = true'
    run -1 oci create --bundle "$WORK/bundle" "$ID"
    assert_output "minictr: process.terminal: a container that is detached (create, run --detach) needs a --console-socket to send its terminal to"
    run -1 oci run --detach --bundle "$WORK/bundle" "$ID"
    assert_output --partial "needs a --console-socket"
    run -1 oci create --timings --bundle "$WORK/bundle" "$ID"
    assert_output "minictr: create --timings: only run times its steps"
    assert_equal "$(ls "$STATE" 2>/dev/null)" ""
    assert_equal "$(ls -d /sys/fs/cgroup/*/ctlab-cli/"$ID" 2>/dev/null)" ""
}

# The engine's side of --console-socket (conmon's, containerd shim's),
# in $WORK/receiver.py: listen, take the pty's master from the one
# message, and write its name and all the container writes to its
# terminal to OUT, until its last process closes it.
write_console_receiver() {
    cat >"$WORK/receiver.py" <<'EOF'
import array, os, socket, sys

server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
server.bind(sys.argv[1])
server.listen(1)
server.settimeout(20)
connection, _ = server.accept()
name, ancillary, _, _ = connection.recvmsg(64, socket.CMSG_SPACE(4))
fds = array.array("i")
fds.frombytes(ancillary[0][2][:4])
with open(sys.argv[2], "w") as out:
    out.write("name %s\n" % name.decode())
    out.flush()
    while True:
        try:
            chunk = os.read(fds[0], 4096)
        except OSError:  # EIO: the last slave closed
            break
        if not chunk:
            break
        out.write(chunk.decode(errors="replace").replace("\r", ""))
EOF
}

state_is() {
    [ "$(oci state "$ID" 2>/dev/null | jq -r .status)" = "$1" ]
}

@test "console socket: the pty master comes over SCM_RIGHTS named /dev/ptmx, and is the command's terminal" {
    command -v python3 >/dev/null || fail "python3 is missing (scripts/deps.sh test installs it)"
    edit_config '.process.terminal = true
        | .process.args = ["/bin/sh", "-c", "tty; [ -t 0 ] && [ -t 1 ] && echo both a terminal"]'
    write_console_receiver
    start_background "$WORK/receiver.log" timeout 30 python3 "$WORK/receiver.py" "$WORK/console.sock" "$WORK/console.out"
    wait_until 10 test -S "$WORK/console.sock"
    run -0 oci create --bundle "$WORK/bundle" --console-socket "$WORK/console.sock" --pid-file "$WORK/pid" "$ID"
    run -0 oci start "$ID"
    wait_exit 20 "$BG_PID"
    assert_equal "$STATUS" 0
    run -0 cat "$WORK/console.out"
    assert_output "$(printf '%s\n' 'name /dev/ptmx' /dev/pts/0 'both a terminal')"
    wait_until 10 state_is stopped
}

@test "kill ID without a signal: runc's SIGTERM for a container an OCI create made" {
    edit_config '.process.args = ["/bin/sh", "-c", "trap \"echo TERM >/term; exit 0\" TERM; while :; do sleep 0.1; done"]'
    started
    run -0 oci kill "$ID"
    wait_until 10 test -s "$WORK/bundle/rootfs/term"
    assert_equal "$(cat "$WORK/bundle/rootfs/term")" TERM
    wait_until 10 state_is stopped
    # Stopped: kill is refused, runc's way (exit 1, one line).
    run -1 oci kill "$ID"
    assert_output "minictr: cannot kill container \"$ID\": it is stopped"
}

@test "run --bundle --timings: every step in microseconds on stderr; the command's output and status untouched" {
    edit_config '.process.args = ["/bin/sh", "-c", "echo out; exit 3"]'
    run -3 --separate-stderr oci run --timings --bundle "$WORK/bundle" "$ID"
    assert_output out
    local step value
    for step in check state cgroup clone root mounts pivot security start exec delete total; do
        value=$(printf '%s\n' "${stderr_lines[@]}" | awk -v s="$step" '$1 == "timing" && $2 == s { print $3 }')
        [ -n "$value" ] && [ "$value" -gt 0 ] || fail "$step: '$value' in: $stderr"
    done
}

@test "--help after any command prints the usage, exit 0" {
    for command in spec create state kill delete features run; do
        run -0 minictr "$command" --help
        assert_line --index 0 --partial "Usage: minictr"
        assert_line --partial "As an OCI runtime"
    done
}
