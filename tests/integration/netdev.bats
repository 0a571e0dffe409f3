#!/usr/bin/env bats
# linux.netDevices: host interfaces moved into the container's network
# namespace under their new names, up, with their permanent global
# addresses; refused clearly when the move cannot work, and undone when a
# later device fails.  The interfaces are ifb devices (this host's kernel
# has no dummy driver), named after the test and removed by the teardown.

load helpers

# Interfaces this test made on the host (or in a namespace it made): the
# teardown deletes whichever still exist.
NETDEVS=()

setup() {
    common_setup
    requires_netdevices
}

teardown() {
    local dev
    for dev in "${NETDEVS[@]}"; do
        ip link del "$dev" 2>/dev/null || true
    done
    common_teardown
}

requires_netdevices() {
    is_berth && return 0
    local version
    version=$("$RUNTIME" --version 2>/dev/null | head -1 | grep -oE '[0-9]+\.[0-9]+(\.[0-9]+)?' | head -1)
    if [ "$RUNTIME_NAME" = runc ] && version_lt "$version" 1.3; then
        skip "$RUNTIME_NAME $version ignores linux.netDevices (runc >= 1.3 implements it)"
    fi
}

# A new host interface named after the test: new_dev SUFFIX [TYPE] sets
# DEV (not printed: a $(...) subshell would lose the teardown's record).
# At most 15 characters: "b" + pid + "n" + test number + suffix.
new_dev() {
    DEV="b$$n${BATS_TEST_NUMBER}$1"
    ip link add "$DEV" type "${2:-ifb}" || fail "cannot create interface $DEV"
    NETDEVS+=("$DEV")
}

host_has_dev() {
    ip link show dev "$1" >/dev/null 2>&1
}

@test "an interface moves in under its new name, up, with its permanent addresses; the host loses it" {
    new_dev a
    dev=$DEV
    ip addr add 192.0.2.10/24 dev "$dev"
    ip -6 addr add 2001:db8::10/64 dev "$dev" nodad
    make_bundle /bin/sh -c 'ip -o link show dev ctr0; ip -o addr show dev ctr0'
    cfg --arg d "$dev" '.linux.netDevices = {($d): {name: "ctr0"}}'
    run_detached rt create --bundle "$BUNDLE" "$ID"
    assert_success
    ! host_has_dev "$dev" || fail "$dev is still on the host"
    rt start "$ID"
    wait_status "$ID" stopped
    read_output "$DETACHED_OUT"
    assert_line --regexp '^[0-9]+: ctr0: <[A-Z,_]*\bUP\b'
    assert_line --regexp 'ctr0 +inet 192\.0\.2\.10/24 .*scope global'
    assert_line --regexp 'ctr0 +inet6 2001:db8::10/64 scope global'
}

@test "an interface without a new name keeps its host name" {
    new_dev a
    dev=$DEV
    make_bundle /bin/sh -c "ip -o link show dev $dev"
    cfg --arg d "$dev" '.linux.netDevices = {($d): {}}'
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_output --regexp "^[0-9]+: $dev: "
}

@test "a new name with %d is a template the kernel numbers" {
    new_dev a
    dev=$DEV
    make_bundle /bin/sh -c 'ip -o link show | grep -o "net[0-9]*:"'
    cfg --arg d "$dev" '.linux.netDevices = {($d): {name: "net%d"}}'
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_output "net0:"
}

@test "several interfaces move together" {
    new_dev a
    a=$DEV
    new_dev b
    b=$DEV
    make_bundle /bin/sh -c 'ip -o link show | grep -o "eth[0-9]:" | sort'
    cfg --arg a "$a" --arg b "$b" '.linux.netDevices = {($a): {name: "eth0"}, ($b): {name: "eth1"}}'
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_output "eth0:
eth1:"
}

@test "into a namespace given by path, the interface stays there after the container ends" {
    new_dev a
    dev=$DEV
    ns=$TEST_TAG
    ip netns add "$ns"
    NETNS+=("$ns")
    make_bundle /bin/sh -c 'ip -o link show dev inner0'
    add_ns network "/var/run/netns/$ns"
    cfg --arg d "$dev" '.linux.netDevices = {($d): {name: "inner0"}}'
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_output --regexp '^[0-9]+: inner0: '
    # The spec: the runtime never moves it back; the namespace's owner
    # decides (here the teardown deletes the namespace, and it with it).
    ip -n "$ns" link show dev inner0 >/dev/null || fail "inner0 left the namespace"
    ! host_has_dev "$dev" || fail "$dev came back to the host"
}

@test "an interface the host does not have fails create, naming it, leaving nothing" {
    make_bundle "$INIT" pid
    cfg --arg d "b$$n${BATS_TEST_NUMBER}none" '.linux.netDevices = {($d): {}}'
    run_detached rt create --bundle "$BUNDLE" "$ID"
    assert_failure
    if is_berth; then
        assert_output --partial "config.json: /linux/netDevices/b$$n${BATS_TEST_NUMBER}none: no network interface"
    fi
    assert_clean
}

@test "new names that would clash fail create before anything moves" {
    berth_only "the checks and their messages are berth's"
    new_dev a
    a=$DEV
    new_dev b
    b=$DEV
    make_bundle "$INIT" pid
    cfg --arg a "$a" --arg b "$b" '.linux.netDevices = {($a): {name: "eth0"}, ($b): {name: "eth0"}}'
    run_detached rt create --bundle "$BUNDLE" "$ID"
    assert_failure
    assert_output --partial "config.json: /linux/netDevices/$b: \"eth0\" is also the container name of $a"
    assert_clean

    cfg --arg a "$a" '.linux.netDevices = {($a): {name: "lo"}}'
    run_detached rt create --bundle "$BUNDLE" "$ID"
    assert_failure
    assert_output --partial "config.json: /linux/netDevices/$a: every network namespace already has \"lo\""
    assert_clean

    cfg --arg a "$a" '.linux.netDevices = {($a): {name: "e%d%d"}}'
    run_detached rt create --bundle "$BUNDLE" "$ID"
    assert_failure
    assert_output --partial "config.json: /linux/netDevices/$a/name: \"e%d%d\": a name template holds one %d"
    assert_clean
    host_has_dev "$a" && host_has_dev "$b" || fail "an interface left the host"
}

@test "a name the joined namespace already has, or the host's own namespace, fails create" {
    berth_only "the checks and their messages are berth's"
    new_dev a
    dev=$DEV
    ns=$TEST_TAG
    ip netns add "$ns"
    NETNS+=("$ns")
    ip -n "$ns" link add taken0 type ifb
    make_bundle "$INIT" pid
    add_ns network "/var/run/netns/$ns"
    cfg --arg d "$dev" '.linux.netDevices = {($d): {name: "taken0"}}'
    run_detached rt create --bundle "$BUNDLE" "$ID"
    assert_failure
    assert_output --partial "config.json: /linux/netDevices/$dev: the container's network namespace already has \"taken0\""
    assert_clean

    add_ns network /proc/self/ns/net
    cfg --arg d "$dev" '.linux.netDevices = {($d): {}}'
    run_detached rt create --bundle "$BUNDLE" "$ID"
    assert_failure
    assert_output --partial "config.json: /linux/netDevices: the network namespace /proc/self/ns/net is the host's"
    assert_clean
    host_has_dev "$dev" || fail "$dev left the host"
}

@test "when one interface cannot move, those moved before it return to the host as they were" {
    berth_only "runc leaves the interfaces it moved in the dead container's namespace"
    new_dev a
    first=$DEV
    ip addr add 192.0.2.20/24 dev "$first"
    ip link set "$first" up
    # A bridge's namespace is immutable: its move fails after the first.
    new_dev b bridge
    bridge=$DEV
    make_bundle "$INIT" pid
    cfg --arg a "$first" --arg b "$bridge" '.linux.netDevices = {($a): {name: "eth0"}, ($b): {name: "eth1"}}'
    run_detached rt create --bundle "$BUNDLE" "$ID"
    assert_failure
    assert_output --partial "config.json: /linux/netDevices/$bridge: move the interface"
    assert_clean
    run ip -o addr show dev "$first"
    assert_success
    assert_output --regexp "inet 192\.0\.2\.20/24"
    run ip -o link show dev "$first"
    assert_output --regexp "<[A-Z,_]*\bUP\b"
}
