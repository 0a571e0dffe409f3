#!/usr/bin/env bats
# The container's filesystem: its mounts, /dev, masked and read-only
# paths, a read-only root, --no-pivot, and symlinks that try to escape.

load helpers

# Run the bundle and keep its mountinfo in $BATS_TEST_TMPDIR/mountinfo.
run_mountinfo() {
    set_args "$INIT" mounts
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/mountinfo"
}

mount_options_of() { # per-mount options (field 6) of MOUNTPOINT
    mountinfo_line "$BATS_TEST_TMPDIR/mountinfo" "$1" | awk '{ print $6 }'
}

super_options_of() { # filesystem options (last field) of MOUNTPOINT
    mountinfo_line "$BATS_TEST_TMPDIR/mountinfo" "$1" | awk '{ print $NF }'
}

@test "the spec's default mounts are there: proc, tmpfs /dev, devpts, shm, mqueue, sysfs" {
    make_bundle
    run_mountinfo
    declare -A want=([/proc]=proc [/dev]=tmpfs [/dev/pts]=devpts [/dev/shm]=tmpfs
        [/dev/mqueue]=mqueue [/sys]=sysfs)
    for mp in "${!want[@]}"; do
        assert_equal "$mp $(mountinfo_fstype "$BATS_TEST_TMPDIR/mountinfo" "$mp")" "$mp ${want[$mp]}"
    done
    # The rootfs is the root, the host's mounts are not visible.
    [ -n "$(mountinfo_line "$BATS_TEST_TMPDIR/mountinfo" /)" ] || fail "no / mount"
    awk -v dir="$BATS_TEST_TMPDIR" 'index($5, dir) == 1 { bad = 1 } END { exit bad }' \
        "$BATS_TEST_TMPDIR/mountinfo" || fail "host paths visible as mount points"
}

@test "a bind mount is writable and shared with the host, a ro bind mount is not writable" {
    mkdir -p "$BATS_TEST_TMPDIR/rw" "$BATS_TEST_TMPDIR/ro"
    echo host-data >"$BATS_TEST_TMPDIR/ro/existing"
    make_bundle /bin/sh -c "$INIT write /mnt/rw/f from-container; $INIT cat /mnt/ro/existing; $INIT write /mnt/ro/f x"
    add_mount /mnt/rw bind "$BATS_TEST_TMPDIR/rw" rbind rw
    add_mount /mnt/ro bind "$BATS_TEST_TMPDIR/ro" bind ro
    run rt run --bundle "$BUNDLE" "$ID"
    assert_equal "$status" 1 # the last command, the write to the ro mount, fails
    assert_line --index 0 ok
    assert_line --index 1 host-data
    assert_line --index 2 "write /mnt/ro/f: EROFS"
    assert_equal "$(cat "$BATS_TEST_TMPDIR/rw/f")" from-container
    [ ! -e "$BATS_TEST_TMPDIR/ro/f" ] || fail "the ro mount was written"
}

@test "mount options show in the container's mount table (ro bind, nosuid/nodev/noexec)" {
    mkdir -p "$BATS_TEST_TMPDIR/src"
    make_bundle
    add_mount /mnt/ro bind "$BATS_TEST_TMPDIR/src" rbind ro nosuid nodev noexec
    run_mountinfo
    opts=$(mount_options_of /mnt/ro)
    for o in ro nosuid nodev noexec; do
        [[ ,$opts, == *,$o,* ]] || fail "/mnt/ro options '$opts' lack $o"
    done
}

@test "a tmpfs mount gets its size and mode options" {
    make_bundle
    add_mount /mnt/tmp tmpfs tmpfs size=1m mode=1770
    run_mountinfo
    assert_equal "$(mountinfo_fstype "$BATS_TEST_TMPDIR/mountinfo" /mnt/tmp)" tmpfs
    opts=$(super_options_of /mnt/tmp)
    [[ ,$opts, == *,size=1024k,* ]] || fail "tmpfs options '$opts' lack size=1024k"
    [[ ,$opts, == *,mode=1770,* ]] || fail "tmpfs options '$opts' lack mode=1770"
}

@test "mount propagation options are applied: rshared, rslave and rprivate binds" {
    mkdir -p "$BATS_TEST_TMPDIR/s" "$BATS_TEST_TMPDIR/p"
    make_bundle
    add_mount /mnt/shared bind "$BATS_TEST_TMPDIR/s" rbind rshared
    add_mount /mnt/private bind "$BATS_TEST_TMPDIR/p" rbind rprivate
    cfg '.linux.rootfsPropagation = "rslave"'
    run_mountinfo
    # Optional fields (between the options and " - ") carry shared:N.
    line=$(mountinfo_line "$BATS_TEST_TMPDIR/mountinfo" /mnt/shared)
    [[ $line == *" shared:"* ]] || fail "/mnt/shared is not shared: $line"
    line=$(mountinfo_line "$BATS_TEST_TMPDIR/mountinfo" /mnt/private)
    [[ $line != *" shared:"* && $line != *" master:"* ]] || fail "/mnt/private is not private: $line"
}

@test "the default devices exist with the right type, major:minor and mode" {
    make_bundle /bin/sh -c "for d in null zero full random urandom tty; do echo \"\$d \$($INIT devnum /dev/\$d)\"; done"
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_line "null c 1:3 0666 0:0"
    assert_line "zero c 1:5 0666 0:0"
    assert_line "full c 1:7 0666 0:0"
    assert_line "random c 1:8 0666 0:0"
    assert_line "urandom c 1:9 0666 0:0"
    assert_line "tty c 5:0 0666 0:0"
}

@test "the default devices work: /dev/null swallows, /dev/zero reads zeros, /dev/full is full" {
    make_bundle /bin/sh -c 'echo x > /dev/null && echo null-ok
        [ "$(head -c 4 /dev/zero | od -An -tx1 | tr -d " ")" = 00000000 ] && echo zero-ok
        echo x > /dev/full 2>/dev/null || echo full-ok'
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_output "$(printf 'null-ok\nzero-ok\nfull-ok')"
}

@test "/dev has the fd, stdin, stdout, stderr symlinks and a ptmx for its devpts" {
    make_bundle /bin/sh -c 'for l in fd stdin stdout stderr; do echo "$l $(readlink /dev/$l)"; done
        if [ -L /dev/ptmx ]; then echo "ptmx $(readlink /dev/ptmx)"; else echo "ptmx $(/bin/berth-test-init devnum /dev/ptmx | cut -d" " -f1,2)"; fi'
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_line "fd /proc/self/fd"
    assert_line "stdin /proc/self/fd/0"
    assert_line "stdout /proc/self/fd/1"
    assert_line "stderr /proc/self/fd/2"
    assert_line --regexp '^ptmx (pts/ptmx|/dev/pts/ptmx|c 5:2)$'
}

@test "linux.devices creates device nodes with the given type, numbers, mode and owner" {
    make_bundle /bin/sh -c "$INIT devnum /dev/bt-null; $INIT devnum /dev/bt-fifo; $INIT write /dev/bt-null data"
    # 0620 (400): an unusual mode shows it was applied, not defaulted; the
    # process runs as the owner so the write tests the device itself.
    cfg '.linux.devices = [
        {path: "/dev/bt-null", type: "c", major: 1, minor: 3, fileMode: 400, uid: 1000, gid: 1001},
        {path: "/dev/bt-fifo", type: "p", fileMode: 384}]
        | .process.user = {uid: 1000, gid: 1001}'
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_line --index 0 "c 1:3 0620 1000:1001"
    assert_line --index 1 --regexp '^p 0:0 0600 '
    assert_line --index 2 ok
}

@test "maskedPaths hide a /proc file behind /dev/null and a directory behind an empty read-only dir" {
    # /proc/kcore where the kernel has it (not on every kernel), else /proc/keys.
    masked=/proc/kcore
    [ -e $masked ] || masked=/proc/keys
    make_bundle /bin/sh -c "$INIT devnum $masked; $INIT open $masked; ls -A /mnt/secret | wc -l; $INIT write /mnt/secret/new x"
    mkdir -p "$BUNDLE/rootfs/mnt/secret"
    echo hidden >"$BUNDLE/rootfs/mnt/secret/data"
    cfg --arg m "$masked" '.linux.maskedPaths = [$m, "/mnt/secret", "/no/such/path"]'
    run rt run --bundle "$BUNDLE" "$ID"
    assert_line --index 0 --regexp '^c 1:3 '
    assert_line --index 1 "ok 0"
    assert_line --index 2 0
    assert_line --index 3 --regexp '^write /mnt/secret/new: (EROFS|EACCES|EPERM)$'
    [ ! -e "$BUNDLE/rootfs/mnt/secret/new" ] || fail "wrote through the mask"
}

@test "readonlyPaths cannot be written (EROFS) while the rest stays writable" {
    make_bundle /bin/sh -c "$INIT write /proc/sys/kernel/domainname x; $INIT write /mnt/rodir/new x; $INIT write /mnt/rw-file x"
    mkdir -p "$BUNDLE/rootfs/mnt/rodir"
    cfg '.linux.readonlyPaths = ["/proc/sys", "/mnt/rodir", "/no/such/path"]'
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_line --index 0 "write /proc/sys/kernel/domainname: EROFS"
    assert_line --index 1 "write /mnt/rodir/new: EROFS"
    assert_line --index 2 ok
}

@test "root.readonly makes / read-only; the /dev and /dev/shm tmpfs stay writable" {
    make_bundle /bin/sh -c "$INIT write /newfile x; $INIT write /dev/shm/f x; $INIT mounts"
    cfg '.root.readonly = true'
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_line --index 0 "write /newfile: EROFS"
    assert_line --index 1 ok
    printf '%s\n' "${lines[@]:2}" >"$BATS_TEST_TMPDIR/mountinfo"
    opts=$(mount_options_of /)
    [[ ,$opts, == *,ro,* ]] || fail "/ is mounted '$opts'"
}

@test "root.readonly false leaves the rootfs writable, and writes land in the bundle's rootfs" {
    make_bundle "$INIT" write /written-by-container hello
    cfg '.root.readonly = false'
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_equal "$(cat "$BUNDLE/rootfs/written-by-container")" hello
}

@test "an absolute root.path to a shared read-only rootfs works" {
    make_bundle /bin/sh -c "echo \$\$; $INIT write /x y"
    cfg --arg r "$TEST_ROOTFS" '.root = {path: $r, readonly: true}'
    run rt run --bundle "$BUNDLE" "$ID"
    assert_line --index 0 1
    assert_line --index 1 "write /x: EROFS"
    [ ! -e "$TEST_ROOTFS/x" ] || fail "wrote into the shared rootfs"
}

@test "--no-pivot runs the container in its rootfs without pivot_root" {
    make_bundle /bin/sh -c 'echo $$; cat /only-in-this-rootfs; ls /proc/1/root/only-in-this-rootfs'
    echo this-rootfs >"$BUNDLE/rootfs/only-in-this-rootfs"
    run rt run --no-pivot --bundle "$BUNDLE" "$ID"
    assert_success
    assert_line --index 0 1
    assert_line --index 1 this-rootfs
    assert_line --index 2 /proc/1/root/only-in-this-rootfs
}

@test "a symlink in the rootfs pointing outside cannot make a mount land outside the rootfs" {
    outside=$BATS_TEST_TMPDIR/outside
    mkdir -p "$outside/abs" "$outside/rel" "$BATS_TEST_TMPDIR/src"
    make_bundle /bin/sh -c 'touch /evil-abs/mnt/f /evil-rel/mnt/f; echo done'
    # An absolute link to the host directory, and a relative one climbing
    # far above the rootfs to reach it.
    ln -s "$outside/abs" "$BUNDLE/rootfs/evil-abs"
    ln -s "../../../../../../../../../../..$outside/rel" "$BUNDLE/rootfs/evil-rel"
    add_mount /evil-abs/mnt tmpfs tmpfs size=1m
    add_mount /evil-rel/mnt bind "$BATS_TEST_TMPDIR/src" rbind rw
    run rt run --bundle "$BUNDLE" "$ID"
    # Failing or mounting inside the rootfs are both safe; landing outside is not.
    assert_equal "$(find "$outside" -mindepth 2)" ""
    assert_equal "$(leftover_mounts)" ""
    if [ "$status" = 0 ]; then
        assert_output done
        assert_equal "$(ls "$BATS_TEST_TMPDIR/src")" f
        [ -d "$BUNDLE/rootfs$outside/abs/mnt" ] || fail "the tmpfs mount point is not inside the rootfs"
    fi
}
