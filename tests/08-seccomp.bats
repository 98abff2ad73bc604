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
    # Builds filters from a struct filter_profile, as chapter 10 fills it
    # from a config.json: the actions, comparisons, architectures and
    # flags the text format has no words for.
    FILTER="$CTLAB_ROOT/tests/unit/test-filter"
}

teardown() {
    cleanup_test
}

# The calls the default profile denies outright (EPERM, no condition),
# read from the profile itself: a line added there is tested here, and the
# probe must have a recipe for it. The conditional lines (clone, personality)
# and clone3's ENOSYS have tests of their own.
default_denied() {
    seccomp-run --show-default |
        awk '$1 == "deny" && (NF == 2 || $3 ~ /^#/) { print $2 }'
}

@test "inside, the kernel reports a filter (Seccomp: 2); outside, none" {
    run -0 "$PROBE" status Seccomp
    assert_output --regexp $'^Seccomp:\t0$'
    run -0 seccomp-run --default -- "$PROBE" status Seccomp
    assert_output --regexp $'^Seccomp:\t2$'
    run -0 seccomp-run --default -- "$PROBE" status Seccomp_filters
    assert_output --regexp $'^Seccomp_filters:\t1$'
}

@test "every system call on the default list gets EPERM; unfiltered, each fails otherwise" {
    local name names
    mapfile -t names < <(default_denied)
    # The list is the profile's: the old mount API and the new, the clock.
    for name in mount umount2 pivot_root fsopen fsconfig fsmount fspick move_mount \
        open_tree open_tree_attr mount_setattr settimeofday clock_settime adjtimex \
        clock_adjtime; do
        printf '%s\n' "${names[@]}" | grep -qx "$name" || fail "$name is not on the list"
    done
    assert_equal "${#names[@]}" 40
    names+=(personality-noaslr)
    for name in "${names[@]}"; do
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
    # Every name is one this libseccomp or filter.c's table resolves.
    run -0 --separate-stderr seccomp-run --strict-names --default -- true
    assert_equal "$stderr" ""
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

@test "one rule for several calls: 'deny setns,unshare' refuses both, and only them" {
    printf 'default allow\ndeny setns,unshare\n' >"$PROFILE"
    run -0 seccomp-run --profile "$PROFILE" -- "$PROBE" try-syscall setns
    assert_output EPERM
    run -0 seccomp-run --profile "$PROFILE" -- "$PROBE" try-syscall unshare
    assert_output EPERM
    run -0 seccomp-run --profile "$PROFILE" -- "$PROBE" try-syscall getpid
    assert_output ok
    # Unfiltered, each fails otherwise.
    run -0 "$PROBE" try-syscall setns
    assert_output EBADF
    run -0 "$PROBE" try-syscall unshare
    assert_output EINVAL
}

@test "two conditions on one argument: either is enough (one rule each, as runc)" {
    # setns(-1, 0): arg1 is 0. Both conditions can never hold at once, so
    # EPERM means the first one alone was enough.
    printf 'default allow\ndeny setns arg1==0 arg1==0x40000000\n' >"$PROFILE"
    run -0 seccomp-run --profile "$PROFILE" -- "$PROBE" try-syscall setns
    assert_output EPERM
    printf 'default allow\ndeny setns arg1==0x40000000 arg1==0\n' >"$PROFILE"
    run -0 seccomp-run --profile "$PROFILE" -- "$PROBE" try-syscall setns
    assert_output EPERM
    # Neither holds: the call gets through.
    printf 'default allow\ndeny setns arg1==0x20000000 arg1==0x40000000\n' >"$PROFILE"
    run -0 seccomp-run --profile "$PROFILE" -- "$PROBE" try-syscall setns
    assert_output EBADF
    # On two arguments, both must still hold (arg0 is -1, the bad fd).
    printf 'default allow\ndeny setns arg0==1 arg1==0\n' >"$PROFILE"
    run -0 seccomp-run --profile "$PROFILE" -- "$PROBE" try-syscall setns
    assert_output EBADF
}

@test "a rule with the default's action is skipped (libseccomp refuses it), the others kept" {
    printf 'default allow\nallow setns\ndeny unshare\n' >"$PROFILE"
    run -0 --separate-stderr seccomp-run -v --profile "$PROFILE" -- "$PROBE" try-syscall unshare
    assert_output EPERM
    assert_equal "$(grep -c 'setns: allow is the default already' <<<"$stderr")" 1
    run -0 seccomp-run --profile "$PROFILE" -- "$PROBE" try-syscall setns
    assert_output EBADF
}

@test "each comparison of OCI's args (SCMP_CMP_*) matches exactly where it should" {
    # test-filter compare OP VALUE VALUE_TWO NSTYPE: EPERM when the rule
    # on setns's arg1 matched NSTYPE, EBADF when it did not.
    run -0 "$FILTER" compare ne 5 0 4
    assert_output EPERM
    run -0 "$FILTER" compare ne 5 0 5
    assert_output EBADF
    run -0 "$FILTER" compare lt 5 0 4
    assert_output EPERM
    run -0 "$FILTER" compare lt 5 0 5
    assert_output EBADF
    run -0 "$FILTER" compare le 5 0 5
    assert_output EPERM
    run -0 "$FILTER" compare le 5 0 6
    assert_output EBADF
    run -0 "$FILTER" compare eq 5 0 5
    assert_output EPERM
    run -0 "$FILTER" compare eq 5 0 4
    assert_output EBADF
    run -0 "$FILTER" compare ge 5 0 5
    assert_output EPERM
    run -0 "$FILTER" compare ge 5 0 4
    assert_output EBADF
    run -0 "$FILTER" compare gt 5 0 6
    assert_output EPERM
    run -0 "$FILTER" compare gt 5 0 5
    assert_output EBADF
    # masked_eq: (arg1 & VALUE) == VALUE_TWO, OCI's value and valueTwo
    run -0 "$FILTER" compare masked_eq 0x3 0x1 0x5
    assert_output EPERM
    run -0 "$FILTER" compare masked_eq 0x3 0x1 0x7
    assert_output EBADF
}

@test "errno N, trace without a tracer and log: what the filtered call returns" {
    run -0 "$FILTER" action errno:38
    assert_line --index 0 ENOSYS
    run -0 "$FILTER" action errno:13
    assert_line --index 0 EACCES
    # SCMP_ACT_TRACE with no tracer attached: ENOSYS (seccomp(2)).
    run -0 "$FILTER" action trace:7
    assert_line --index 0 ENOSYS
    # log lets the call through (and logs it): the kernel's own EBADF.
    run -0 "$FILTER" action log
    assert_line --index 0 EBADF
}

@test "trap sends a SIGSYS the process may catch; kill-thread ends a thread, kill-process them all" {
    # The call is made by a second thread; the first one reports after.
    run -0 "$FILTER" action trap
    assert_line --index 0 --regexp '^SIGSYS caught \(SYS_SECCOMP, syscall [0-9]+\)$'
    assert_line --index 1 "the process goes on"
    run -0 "$FILTER" action kill-thread
    assert_output "the process goes on"
    run -0 "$FILTER" action kill-process
    assert_output "killed by SIGSYS"
}

@test "an architecture the profile adds is filtered; one it leaves out is killed" {
    run -0 "$FILTER" arch unfiltered
    [ "$output" = EBADF ] || skip "no 32-bit system calls here (x86-64 with IA32 emulation): $output"
    # A 32-bit setns (int 0x80) under a filter for x86-64 alone ...
    run -0 "$FILTER" arch none
    assert_output "killed by SIGSYS"
    # ... and with x86 added: the rule, translated to x86's number.
    run -0 "$FILTER" arch x86
    assert_output EPERM
}

@test "SECCOMP_FILTER_FLAG_TSYNC puts the filter on the process's other threads too" {
    run -0 "$FILTER" tsync off
    assert_output --regexp $'^other thread Seccomp:\t0$'
    run -0 "$FILTER" tsync on
    assert_output --regexp $'^other thread Seccomp:\t2$'
}

@test "flags: _LOG and _SPEC_ALLOW load; any other is refused with one line" {
    run -0 "$FILTER" flag 0x2
    assert_output EPERM
    run -0 "$FILTER" flag 0x4
    assert_output EPERM
    run -1 "$FILTER" flag 0x8
    assert_output "test-filter: the profile: seccomp flag 0x8 is not supported (only SECCOMP_FILTER_FLAG_TSYNC, _LOG and _SPEC_ALLOW)"
}

@test "a profile not from text: an unknown name warns and is skipped, or refused, naming the rule" {
    run -0 --separate-stderr "$FILTER" unknown skip
    assert_output built
    assert_equal "$stderr" "test-filter: warning: the profile rule 1: unknown system call 'ctlab_no_such_call' here, skipped"
    run -1 "$FILTER" unknown error
    assert_output "test-filter: the profile rule 1: unknown system call 'ctlab_no_such_call'"
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
    printf 'default allow\ndeny setns,,unshare\n' >"$PROFILE"
    run -2 seccomp-run --profile "$PROFILE" -- true
    assert_output "seccomp-run: $PROFILE line 2: an empty system call name in 'setns,,unshare'"
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

@test "a profile with a NUL byte is refused, naming its line" {
    # Read as a C string, the rules after the NUL would be dropped silently.
    printf 'default allow\ndeny mount\n\0deny setns\n' >"$PROFILE"
    run -2 seccomp-run --profile "$PROFILE" -- "$PROBE" try-syscall setns
    assert_output "seccomp-run: $PROFILE line 3: a NUL byte (a profile is text; the rules after it would be lost)"
    # Control: without the NUL byte the last rule is in force.
    printf 'default allow\ndeny mount\ndeny setns\n' >"$PROFILE"
    run -0 seccomp-run --profile "$PROFILE" -- "$PROBE" try-syscall setns
    assert_output EPERM
}

@test "a 200,000-line profile is read in linear time; more than 4096 rules are refused at once" {
    # Comments and blank lines cost nothing: 200,000 lines, 3 rules.
    { echo 'default allow'; yes '# a comment' | head -n 100000; yes '' | head -n 99998
        echo 'deny setns'; } >"$PROFILE"
    run -0 timeout 20 seccomp-run --profile "$PROFILE" -- "$PROBE" try-syscall setns
    assert_output EPERM
    # 4096 rules load (the cap) ...
    { echo 'default allow'; yes 'deny setns' | head -n 4096; } >"$PROFILE"
    run -0 timeout 20 seccomp-run --profile "$PROFILE" -- "$PROBE" try-syscall setns
    assert_output EPERM
    # ... 200,000 are refused at rule 4097, without adding the rest
    # (libseccomp's rule_add is quadratic: that took minutes).
    { echo 'default allow'; yes 'deny setns' | head -n 200000; } >"$PROFILE"
    run -2 timeout 20 seccomp-run --profile "$PROFILE" -- true
    assert_output "seccomp-run: $PROFILE line 4098: more than 4096 rules (a filter holds at most 4096 BPF instructions)"
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
