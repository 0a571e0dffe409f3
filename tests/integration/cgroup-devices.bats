#!/usr/bin/env bats
# linux.resources.devices on cgroup v2: the device program on the
# container's group lets the standard devices through, stops the others at
# open(2) even for root, and leaves mknod alone.

load helpers

# The list every runtime's `spec` starts with: deny everything.
deny_all() {
    cfg '.linux.resources = {devices: [{allow: false, access: "rwm"}]}'
}

# A node with the numbers of /dev/fuse (c 10:229), which is not one of the
# devices every container gets, created by linux.devices.
add_fuse_node() {
    cfg '.linux.devices = [{path: "/dev/bt-fuse", type: "c", major: 10, minor: 229, fileMode: 438}]'
}

# Opening an unmounted fuse device works; reading it fails (EPERM from the
# fuse driver, not from the cgroup), so the tests open with the shell.
open_in_sh() { # open_in_sh PATH [<|>]: prints "opened PATH" or the shell's error
    echo "( exec 3${2:-<}$1 && echo opened $1 ) 2>&1"
}

@test "with everything denied, the standard devices still open: null, zero, full, random, urandom, tty" {
    make_bundle /bin/sh -c "for d in null zero full random urandom tty; do $INIT open /dev/\$d; done; $INIT write /dev/null x"
    deny_all
    run rt run --bundle "$BUNDLE" "$ID"
    assert_line --index 0 "ok 0"
    assert_line --index 1 "ok 256"
    assert_line --index 2 "ok 256"
    assert_line --index 3 "ok 256"
    assert_line --index 4 "ok 256"
    # No controlling terminal (process.terminal is false): the tty driver
    # says ENXIO, after the device list let the open through.
    assert_line --index 5 --regexp '^(ok [0-9]+|open /dev/tty: ENXIO)$'
    assert_line --index 6 ok
    assert_clean
}

@test "a linux.devices node the list does not allow cannot be opened, even by root" {
    make_bundle /bin/sh -c "$(open_in_sh /dev/bt-fuse); $INIT devnum /dev/bt-fuse"
    deny_all
    add_fuse_node
    run rt run --bundle "$BUNDLE" "$ID"
    assert_line --index 0 --partial "Operation not permitted"
    refute_output --partial "opened"
    # The node is there: it is the open that is refused.
    assert_line --index 1 --regexp '^c 10:229 0666 '
    assert_clean
}

@test "an allow rule for the node makes it openable" {
    [ -e /dev/fuse ] || skip "this host has no fuse driver to open"
    make_bundle /bin/sh -c "$(open_in_sh /dev/bt-fuse)"
    cfg '.linux.resources = {devices: [{allow: false, access: "rwm"},
        {allow: true, type: "c", major: 10, minor: 229, access: "rwm"}]}'
    add_fuse_node
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_output "opened /dev/bt-fuse"
}

@test "a rule allowing only r lets the node be opened for reading, not for writing" {
    [ -e /dev/fuse ] || skip "this host has no fuse driver to open"
    make_bundle /bin/sh -c "$(open_in_sh /dev/bt-fuse '<'); $(open_in_sh /dev/bt-fuse '>')"
    cfg '.linux.resources = {devices: [{allow: false, access: "rwm"},
        {allow: true, type: "c", major: 10, minor: 229, access: "r"}]}'
    add_fuse_node
    run rt run --bundle "$BUNDLE" "$ID"
    assert_line --index 0 "opened /dev/bt-fuse"
    assert_line --index 1 --partial "Operation not permitted"
}

@test "the last matching rule wins: a deny after an allow for the same device closes it again" {
    berth_only "runc refuses to punch a hole in an earlier wildcard rule"
    make_bundle /bin/sh -c "$(open_in_sh /dev/bt-fuse)"
    cfg '.linux.resources = {devices: [{allow: false, access: "rwm"},
        {allow: true, type: "c", major: 10, access: "rwm"},
        {allow: false, type: "c", major: 10, minor: 229, access: "rwm"}]}'
    add_fuse_node
    run rt run --bundle "$BUNDLE" "$ID"
    assert_output --partial "Operation not permitted"
}

@test "mknod of a denied device works inside the container, opening it does not" {
    make_bundle /bin/sh -c "mknod /dev/bt-made c 10 229 && echo made; $INIT devnum /dev/bt-made; $(open_in_sh /dev/bt-made);
        mknod /dev/bt-blk b 7 0 && echo made; $(open_in_sh /dev/bt-blk)"
    deny_all
    cfg '.process.capabilities |= with_entries(.value += ["CAP_MKNOD"])'
    run rt run --bundle "$BUNDLE" "$ID"
    assert_line --index 0 made
    assert_line --index 1 --regexp '^c 10:229 '
    assert_line --index 2 --partial "Operation not permitted"
    assert_line --index 3 made
    assert_line --index 4 --partial "Operation not permitted"
    assert_clean
}

@test "without a devices list every device node opens" {
    berth_only "runc's list starts from deny-all even when the config has no deny rule"
    [ -e /dev/fuse ] || skip "this host has no fuse driver to open"
    make_bundle /bin/sh -c "$(open_in_sh /dev/bt-fuse)"
    add_fuse_node
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_output "opened /dev/bt-fuse"
}

@test "a group with a device program on it is removed by delete" {
    make_bundle "$INIT" pause
    deny_all
    run_detached rt run --detach --bundle "$BUNDLE" "$ID"
    assert_success
    group=$(cgroup_dir_of "$(container_pid "$ID")")
    run rt delete --force "$ID"
    assert_success
    [ ! -d "$group" ] || fail "$group left behind"
    assert_clean
}
