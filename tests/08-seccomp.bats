#!/usr/bin/env bats
# Chapter 08: seccomp filters. Each system call is made for real by the
# probe, with arguments that make it fail harmlessly when it gets through
# (EBADF, EFAULT, EINVAL...): then EPERM can only be the filter's answer.
# The same calls are made unfiltered, to show what the filter replaced.

bats_require_minimum_version 1.5.0

setup() {
    load test_helper/common
    requires seccomp
    PROFILE="$BATS_TEST_TMPDIR/profile"
}

teardown() {
    cleanup_test
}

# The list the default profile blocks with EPERM (clone3: ENOSYS).
DEFAULT_DENIED=(kexec_load kexec_file_load init_module finit_module delete_module
    mount umount2 pivot_root unshare setns keyctl add_key request_key bpf
    perf_event_open ptrace process_vm_readv process_vm_writev open_by_handle_at
    reboot swapon swapoff acct quotactl settimeofday clock_settime userfaultfd
    io_uring_setup io_uring_enter io_uring_register personality-noaslr)

@test "inside, the kernel reports a filter (Seccomp: 2); outside, none" {
    run -0 "$PROBE" status Seccomp
    assert_output --regexp $'^Seccomp:\t0$'
    run -0 seccomp-run --default -- "$PROBE" status Seccomp
    assert_output --regexp $'^Seccomp:\t2$'
    run -0 seccomp-run --default -- "$PROBE" status Seccomp_filters
    assert_output --regexp $'^Seccomp_filters:\t1$'
}

@test "every system call on the default list gets EPERM; unfiltered, each fails otherwise" {
    local name
    for name in "${DEFAULT_DENIED[@]}"; do
        run -0 seccomp-run --default -- "$PROBE" try-syscall "$name"
        assert_equal "$name: $output" "$name: EPERM"
        run -0 "$PROBE" try-syscall "$name"
        refute [ "$output" = EPERM ]
    done
    # clone3's flags cannot be inspected: ENOSYS makes libc use clone.
    run -0 seccomp-run --default -- "$PROBE" try-syscall clone3
    assert_output ENOSYS
    run -0 "$PROBE" try-syscall clone3
    assert_output EINVAL
}

@test "clone(CLONE_NEWUSER) is blocked while a plain fork works; personality(PER_LINUX) still works" {
    run -0 seccomp-run --default -- "$PROBE" try-syscall clone-newuser
    assert_output EPERM
    run -0 seccomp-run --default -- "$PROBE" try-syscall fork
    assert_output ok
    run -0 seccomp-run --default -- "$PROBE" try-syscall personality
    assert_output ok
    # And a real program: unshare(1) is refused, a shell's subshells are not.
    run -1 seccomp-run --default -- unshare --user true
    assert_output --partial "Operation not permitted"
    run -0 seccomp-run --default -- sh -c 'echo $( (echo nested) )'
    assert_output nested
}

@test "the filter survives exec and is inherited by children and grandchildren" {
    run -0 seccomp-run --default -- sh -c "exec '$PROBE' try-syscall mount"
    assert_output EPERM
    run -0 seccomp-run --default -- sh -c "sh -c \"'$PROBE' try-syscall mount; '$PROBE' status Seccomp\""
    assert_line EPERM
    assert_line --regexp $'^Seccomp:\t2$'
}

@test "a kill rule ends the process with SIGSYS (exit 159)" {
    printf 'default allow\nkill getpid\n' >"$PROFILE"
    run -159 seccomp-run --profile "$PROFILE" -- "$PROBE" pid
    refute_output --regexp '^[0-9]+$'
    # Without the rule the same command prints its PID.
    printf 'default allow\n' >"$PROFILE"
    run -0 seccomp-run --profile "$PROFILE" -- "$PROBE" pid
    assert_output --regexp '^[0-9]+$'
}

@test "profile format: errno names, conditions, comments, blank lines" {
    cat >"$PROFILE" <<'EOF'
# a comment line

default allow
deny mount EACCES          # another errno
deny unshare arg0==0x1     # only this exact flag word
EOF
    run -0 seccomp-run --profile "$PROFILE" -- "$PROBE" try-syscall mount
    assert_output EACCES
    run -0 seccomp-run --profile "$PROFILE" -- "$PROBE" try-syscall unshare
    assert_output EPERM
    run -0 seccomp-run --profile "$PROFILE" -- "$PROBE" try-syscall setns
    assert_output EBADF
}

@test "an allowlist: default errno EPERM, allow only what is listed" {
    run -0 seccomp-run --learn "$PROFILE" -- "$PROBE" pid
    assert_output --regexp '^[0-9]+$'
    grep -qx 'default errno EPERM' "$PROFILE"
    grep -qx 'allow execve' "$PROFILE"
    grep -qx 'allow getpid' "$PROFILE"
    refute grep -qx 'allow mount' "$PROFILE"
    # Round trip: the command runs under what was learned ...
    run -0 seccomp-run --profile "$PROFILE" -- "$PROBE" pid
    assert_output --regexp '^[0-9]+$'
    # ... and a call it never made is stopped.
    run -0 seccomp-run --profile "$PROFILE" -- "$PROBE" try-syscall mount
    assert_output EPERM
    run -0 seccomp-run --profile "$PROFILE" -- "$PROBE" try-syscall setns
    assert_output EPERM
}

@test "learn follows children: a shell's commands are recorded too" {
    run -0 seccomp-run --learn "$PROFILE" -- sh -c "'$PROBE' pid >/dev/null; '$PROBE' try-syscall setns"
    assert_output EBADF
    grep -qx 'allow setns' "$PROFILE"
    grep -qE '^allow (fork|clone|vfork)$' "$PROFILE"
    run -0 seccomp-run --profile "$PROFILE" -- sh -c "'$PROBE' pid >/dev/null; '$PROBE' try-syscall setns"
    assert_output EBADF
}

@test "--dump shows the filter as pseudo-code" {
    run -0 seccomp-run --default --dump
    assert_line --partial 'filter for syscall "mount"'
    assert_line --partial 'action ERRNO(1);'
    assert_line --partial 'action ERRNO(38);' # clone3: ENOSYS
    assert_line --partial 'action ALLOW;'
}

@test "--show-default prints the profile --default uses, and it loads as a file" {
    run -0 seccomp-run --show-default
    assert_line "default allow"
    assert_line "deny clone3 ENOSYS"
    seccomp-run --show-default >"$PROFILE"
    assert_equal "$(seccomp-run --profile "$PROFILE" --dump)" "$(seccomp-run --default --dump)"
}

@test "--strict-demo: write works, anything else is SIGKILL" {
    run -0 seccomp-run --strict-demo
    assert_line "in strict mode: write() still works"
    assert_line "getpid() in strict mode: the kernel killed the child with SIGKILL"
}

@test "no root needed: as nobody the filter loads (no_new_privs first)" {
    requires setpriv
    run -0 as_unprivileged seccomp-run --default -- "$PROBE" try-syscall mount
    assert_output EPERM
    run -0 as_unprivileged seccomp-run --default -- "$PROBE" status NoNewPrivs
    assert_output --regexp $'^NoNewPrivs:\t1$'
}

@test "bad profiles: the error names the line; unknown names warn, or fail with --strict-names" {
    printf 'default allow\nforbid mount\n' >"$PROFILE"
    run -2 seccomp-run --profile "$PROFILE" -- true
    assert_output "seccomp-run: $PROFILE line 2: unknown action 'forbid' (allow, deny, kill, log)"
    printf '# header\ndefault allow\n\ndeny mount arg9&1\n' >"$PROFILE"
    run -2 seccomp-run --profile "$PROFILE" -- true
    assert_output "seccomp-run: $PROFILE line 4: bad condition 'arg9&1' (argN&MASK, argN==V or argN!=V, N 0..5)"
    printf 'deny mount\n' >"$PROFILE"
    run -2 seccomp-run --profile "$PROFILE" -- true
    assert_output "seccomp-run: $PROFILE line 1: the first rule must be 'default ACTION'"
    printf 'default maybe\n' >"$PROFILE"
    run -2 seccomp-run --profile "$PROFILE" -- true
    assert_output --partial "line 1: want 'default allow'"
    printf 'default allow\ndeny mount ENOTANERRNO\n' >"$PROFILE"
    run -2 seccomp-run --profile "$PROFILE" -- true
    assert_output "seccomp-run: $PROFILE line 2: unexpected 'ENOTANERRNO'"
    printf '# nothing\n' >"$PROFILE"
    run -2 seccomp-run --profile "$PROFILE" -- true
    assert_output "seccomp-run: $PROFILE: no 'default ACTION' line"
    # Unknown system calls: skipped with a warning, or refused.
    printf 'default allow\ndeny ctlab_no_such_call\ndeny mount\n' >"$PROFILE"
    run -0 --separate-stderr seccomp-run --profile "$PROFILE" -- "$PROBE" try-syscall mount
    assert_output EPERM
    assert_equal "$stderr" "seccomp-run: warning: $PROFILE line 2: unknown system call 'ctlab_no_such_call' here, skipped"
    run -2 seccomp-run --strict-names --profile "$PROFILE" -- true
    assert_output "seccomp-run: $PROFILE line 2: unknown system call 'ctlab_no_such_call'"
}

@test "bad usage: one clear line, exit 2" {
    run -2 seccomp-run --profile /ctlab-no-such-file -- true
    assert_output "seccomp-run: open profile /ctlab-no-such-file: No such file or directory"
    run -2 seccomp-run --default
    assert_output "seccomp-run: no command given (see: seccomp-run --help)"
    run -2 seccomp-run -- true
    assert_output "seccomp-run: choose one of --profile/--default, --learn and --strict-demo (see: seccomp-run --help)"
    run -2 seccomp-run --default --learn x -- true
    assert_output --partial "choose one of"
    run -2 seccomp-run --frob
    assert_output "seccomp-run: unknown option or missing argument: '--frob' (see: seccomp-run --help)"
    run -127 seccomp-run --default -- ctlab-no-such-command
}
