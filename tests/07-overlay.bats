#!/usr/bin/env bats
# Chapter 07: overlayfs. The union view, copy-up, whiteouts and opaque
# directories are checked in the upper and lower directories themselves
# (file contents, device numbers, xattrs), and image layers are built
# here with tar, including malicious ones.

bats_require_minimum_version 1.5.0

setup() {
    load test_helper/common
    requires overlay
    T=$(mktemp -d /tmp/ctlab-ovl.XXXXXX)
    CTLAB_TEMP_DIRS+=("$T")
    chmod 0755 "$T"
    mounts_before=$(mount_table)
}

teardown() {
    # Our mounts, deepest first, before the directories go.
    awk -v t="$T" '$5 ~ "^" t {print $5}' /proc/self/mountinfo | sort -r |
        while read -r m; do umount -l "$m"; done
    cleanup_test
    assert_equal "$(mount_table)" "$mounts_before"
}

# The chapter's example: lower1, lower2 (on top), upper, work, merged.
chapter_layers() {
    mkdir -p "$T"/{lower1,lower2,upper,work,merged}
    echo "from lower1" >"$T/lower1/file1.txt"
    echo "from lower2" >"$T/lower2/file2.txt"
    echo "original" >"$T/lower1/shared.txt"
    echo "lower2's copy" >"$T/lower2/both.txt"
    echo "lower1's copy" >"$T/lower1/both.txt"
    mkdir "$T/lower1/dir" && touch "$T/lower1/dir/old"
}

mount_chapter() {
    ovl mount --lower "$T/lower2:$T/lower1" --upper "$T/upper" --work "$T/work" "$T/merged"
}

@test "the union view: both lowers show, and the leftmost lower wins" {
    chapter_layers
    run -0 mount_chapter
    assert_equal "$(ls "$T/merged" | tr '\n' ' ')" "both.txt dir file1.txt file2.txt shared.txt "
    assert_equal "$(cat "$T/merged/file1.txt")" "from lower1"
    assert_equal "$(cat "$T/merged/file2.txt")" "from lower2"
    assert_equal "$(cat "$T/merged/both.txt")" "lower2's copy"
    # The kernel's record of the mount.
    run -0 findmnt -n -o FSTYPE "$T/merged"
    assert_output overlay
}

@test "copy-up: writing changes the upper's copy, never the lower" {
    chapter_layers
    mount_chapter
    echo modified >"$T/merged/shared.txt"
    assert_equal "$(cat "$T/upper/shared.txt")" modified
    assert_equal "$(cat "$T/lower1/shared.txt")" original
    assert_equal "$(cat "$T/merged/shared.txt")" modified
}

@test "rm leaves a 0/0 whiteout in the upper; the lower file stays" {
    chapter_layers
    mount_chapter
    rm "$T/merged/file1.txt"
    assert_file_not_exists "$T/merged/file1.txt"
    assert_equal "$(stat -c '%F %t:%T' "$T/upper/file1.txt")" "character special file 0:0"
    assert_equal "$(cat "$T/lower1/file1.txt")" "from lower1"
}

@test "rmdir then mkdir of a lower directory makes an opaque directory" {
    chapter_layers
    mount_chapter
    rm -r "$T/merged/dir"
    mkdir "$T/merged/dir"
    assert_equal "$(ls -A "$T/merged/dir")" ""
    run -0 getfattr --absolute-names --only-values -n trusted.overlay.opaque "$T/upper/dir"
    assert_output y
    assert_file_exists "$T/lower1/dir/old"
}

@test "inspect names whiteouts, opaque directories, copied-up and new files" {
    chapter_layers
    mount_chapter
    echo modified >"$T/merged/shared.txt"
    rm "$T/merged/file1.txt"
    rm -r "$T/merged/dir" && mkdir "$T/merged/dir"
    touch "$T/merged/brand-new"
    run -0 ovl inspect "$T/upper" --lower "$T/lower2:$T/lower1"
    assert_line "copied-up  shared.txt"
    assert_line "whiteout   file1.txt"
    assert_line "opaque     dir/"
    assert_line "new        brand-new"
    assert_equal "${#lines[@]}" 4
}

@test "a read-only overlay without --upper; umount" {
    chapter_layers
    run -0 ovl mount --lower "$T/lower2:$T/lower1" "$T/merged"
    run ! touch "$T/merged/x"
    run -0 ovl -v umount "$T/merged"
    assert_output "[ovl] umount2(\"$T/merged\", 0)"
    run ! findmnt "$T/merged"
}

@test "128 lowers mount through the new API; mount(2)'s one-page option string cannot" {
    requires overlay-lowerdir-plus
    local list="" i d
    for i in $(seq 1 128); do
        d="$T/layers/layer-with-a-rather-long-directory-name-number-$i"
        mkdir -p "$d" && echo "$i" >"$d/f$i"
        list="$list${list:+:}$d"
    done
    mkdir "$T/merged"
    [ "${#list}" -gt 4096 ]
    run -0 --separate-stderr ovl -v mount --lower "$list" "$T/merged"
    assert_equal "$(ls "$T/merged" | wc -l)" 128
    assert_equal "$(grep -c 'lowerdir+' <<<"$stderr")" 128
    ovl umount "$T/merged"
    run -1 ovl mount --legacy --lower "$list" "$T/merged"
    assert_output --partial "more than the one page mount(2) copies; use the new mount API"
    # A short list works with mount(2) too (read-only: at least two lowers).
    run -0 ovl mount --legacy --lower "$T/layers/layer-with-a-rather-long-directory-name-number-1:$T/layers/layer-with-a-rather-long-directory-name-number-2" "$T/merged"
    assert_equal "$(cat "$T/merged/f1")" 1
}

@test "apply-layer: .wh. entries become whiteouts and opaque dirs; stacked layers merge" {
    mkdir -p "$T"/l1src/etc "$T"/l1src/dir "$T"/l2src/etc "$T"/l2src/dir "$T"/L1 "$T"/L2 "$T"/merged
    echo a >"$T/l1src/etc/a"
    echo b >"$T/l1src/etc/b"
    echo x >"$T/l1src/dir/x"
    touch "$T/l2src/etc/.wh.a" "$T/l2src/dir/.wh..wh..opq"
    echo y >"$T/l2src/dir/y"
    echo new >"$T/l2src/new"
    tar -C "$T/l1src" -czf "$T/layer1.tar.gz" .
    tar -C "$T/l2src" -cf "$T/layer2.tar" .
    run -0 ovl apply-layer "$T/layer1.tar.gz" "$T/L1"
    run -0 ovl apply-layer "$T/layer2.tar" "$T/L2"
    assert_equal "$(stat -c '%F %t:%T' "$T/L2/etc/a")" "character special file 0:0"
    assert_equal "$(getfattr --absolute-names --only-values -n trusted.overlay.opaque "$T/L2/dir")" y
    assert_file_not_exists "$T/L2/etc/.wh.a"
    ovl mount --lower "$T/L2:$T/L1" "$T/merged"
    assert_equal "$(cd "$T/merged" && find . | sort | tr '\n' ' ')" ". ./dir ./dir/y ./etc ./etc/b ./new "
}

@test "malicious layers (../, /abs, a write through a symlink) are refused; nothing is written" {
    mkdir -p "$T/src" "$T/out" "$T/outside" "$T/s2/d"
    echo pwn >"$T/src/x"
    tar -C "$T/src" -cPf "$T/dotdot.tar" --transform 's,^x,../escape,' x
    tar -cPf "$T/abs.tar" "$T/src/x"
    ln -s "$T/outside" "$T/s2/link"
    echo pwn >"$T/s2/d/file"
    tar -C "$T/s2" -cf "$T/link.tar" link d/file --transform 's,^d/,link/,'
    run -1 ovl apply-layer "$T/dotdot.tar" "$T/out"
    assert_output "ovl: layer member '../escape': '..' would leave the directory"
    run -1 ovl apply-layer "$T/abs.tar" "$T/out"
    assert_output "ovl: layer member '$T/src/x': an absolute path"
    run -1 ovl apply-layer "$T/link.tar" "$T/out"
    assert_output "ovl: layer member 'link/file': its path goes through a symlink, which could lead outside $T/out"
    assert_equal "$(ls -A "$T/out")" ""
    assert_equal "$(ls -A "$T/outside")" ""
    assert_file_not_exists "$T/escape"
    # A symlink already in DIR (from an earlier layer) is a way out too.
    ln -s "$T/outside" "$T/out/etc"
    mkdir -p "$T/s3/etc" && echo pwn >"$T/s3/etc/passwd"
    tar -C "$T/s3" -cf "$T/through.tar" etc/passwd
    run -1 ovl apply-layer "$T/through.tar" "$T/out"
    assert_output --partial "goes through a symlink"
    assert_equal "$(ls -A "$T/outside")" ""
}

@test "rootless: an overlay in a user namespace with --userxattr" {
    requires userns
    copy_for_unprivileged "$CTLAB_ROOT/07-overlay/ovl"
    mkdir -p "$T/u"/{lo,up,wk,mg}
    echo hi >"$T/u/lo/f"
    chown -R "$NOBODY_UID:$NOBODY_GID" "$T/u"
    run -0 as_unprivileged unshare -Urm sh -c "
        cd '$T/u' && '$BIN/ovl' mount --userxattr --lower lo --upper up --work wk mg &&
        echo changed > mg/f && cat lo/f up/f && rm mg/f && stat -c '%F %t:%T' up/f"
    assert_line hi
    assert_line changed
    assert_line "character special file 0:0"
}

@test "bad input: missing dirs, upper and work on different filesystems, bad commands" {
    chapter_layers
    run -2 ovl mount --lower "$T/nope" "$T/merged"
    assert_output "ovl: lower $T/nope: No such file or directory"
    run -2 ovl mount --lower "$T/lower1" --upper "$T/upper" "$T/merged"
    assert_output "ovl: --upper and --work go together (or neither: a read-only overlay)"
    run -2 ovl mount "$T/merged"
    assert_output "ovl: at least one --lower directory is needed"
    mkdir "$T/other-fs"
    mount -t tmpfs ctlab-ovl-tmpfs "$T/other-fs"
    mkdir "$T/other-fs/work"
    run -2 ovl mount --lower "$T/lower1" --upper "$T/upper" --work "$T/other-fs/work" "$T/merged"
    assert_output "ovl: upper $T/upper and work $T/other-fs/work are on different filesystems; overlayfs needs them on one (it renames from work into upper)"
    umount "$T/other-fs"
    run ! findmnt "$T/merged"
    run -2 ovl frob
    assert_output "ovl: unknown command 'frob' (see: ovl --help)"
    run -2 ovl mount
    assert_output "ovl: usage: wrong number of arguments for mount (see: ovl --help)"
    run -1 ovl apply-layer "$T/no.tar" "$T/upper"
    assert_output --partial "ovl: open layer $T/no.tar"
}
