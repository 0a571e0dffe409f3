#!/usr/bin/env bats
# Namespaces as the container sees them: its own PID, UTS, network, IPC,
# mount, cgroup, user and time namespaces, and joining existing ones.

load helpers

@test "the process is PID 1 of its own PID namespace" {
    make_bundle "$INIT" pid
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_output 1
}

@test "the hostname is set inside the container's own UTS namespace" {
    make_bundle "$INIT" hostname
    cfg '.hostname = "berth-box"'
    host_before=$(hostname)
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_output berth-box
    assert_equal "$(hostname)" "$host_before"
}

@test "the domainname is set inside the container's UTS namespace" {
    requires_runtime_feature domainname
    make_bundle /bin/cat /proc/sys/kernel/domainname
    cfg '.domainname = "berth.example"'
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_output berth.example
}

@test "a new network namespace has only the loopback interface, and it is up" {
    make_bundle /bin/busybox ip -o link show
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_equal "${#lines[@]}" 1
    assert_output --regexp '^1: lo: <[A-Z_,]*\bUP\b[A-Z_,]*>'
}

@test "ipc, uts, mount, network, pid and cgroup namespaces differ from the host's" {
    make_bundle "$INIT" ns
    add_ns cgroup
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    for ns in cgroup ipc mnt net pid uts; do
        inside=$(awk -v n="$ns" '$1 == n { print $2 }' <<<"$output")
        [ -n "$inside" ] || fail "no $ns namespace reported: $output"
        [ "$inside" != "$(ns_of self "$ns")" ] || fail "$ns namespace is the host's ($inside)"
    done
    # Not asked for: shared with the host.
    assert_line "user $(ns_of self user)"
}

@test "a namespace left out of the config is shared with the host (network)" {
    make_bundle "$INIT" ns
    del_ns network
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_line "net $(ns_of self net)"
}

@test "a user namespace maps the container's ids to the configured host ids" {
    make_bundle /bin/sh -c "cat /proc/self/uid_map /proc/self/gid_map; $INIT ids; $INIT pause 0 /shared/ready"
    add_ns user
    cfg '.linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
         | .linux.gidMappings = [{containerID: 0, hostID: 200000, size: 65536}]'
    open_bundle_path
    run_detached rt run --detach --bundle "$BUNDLE" "$ID"
    assert_success
    wait_for test -e "$SHARED/ready" || fail "container did not start: $(cat "$DETACHED_OUT")"

    read_output "$DETACHED_OUT"
    assert_line --index 0 --regexp '^ +0 +100000 +65536$'
    assert_line --index 1 --regexp '^ +0 +200000 +65536$'
    assert_line --index 2 --regexp '^uid=0 euid=0 gid=0 egid=0'
    # The host sees the process under the mapped ids.
    pid=$(container_pid "$ID")
    assert_equal "$(stat -c '%u %g' "/proc/$pid")" "100000 200000"
    [ "$(ns_of "$pid" user)" != "$(ns_of self user)" ] || fail "no new user namespace"
}

@test "a container joins a network namespace by path (ip netns add)" {
    ns=$TEST_TAG
    ip netns add "$ns"
    NETNS+=("$ns")
    make_bundle "$INIT" ns
    add_ns network "/run/netns/$ns"
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_line "net net:[$(stat -L -c %i "/run/netns/$ns")]"
    ip netns delete "$ns"
}

@test "a container in a new user namespace joins a host-owned network namespace by path" {
    # The init, born in its user namespace, could not join a namespace the
    # host's user namespace owns: the runtime must join it before.
    ns=$TEST_TAG
    ip netns add "$ns"
    NETNS+=("$ns")
    make_bundle "$INIT" ns
    add_ns user
    cfg '.linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
         | .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]'
    open_bundle_path
    add_ns network "/run/netns/$ns"
    # sysfs cannot be mounted from a user namespace that does not own the
    # network namespace; what /sys becomes then is not this test's subject.
    cfg '.mounts |= map(select(.destination | startswith("/sys") | not))'
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_line "net net:[$(stat -L -c %i "/run/netns/$ns")]"
    refute_line "user $(ns_of self user)"
    ip netns delete "$ns"
}

@test "a container joins another container's namespaces by /proc/PID/ns path" {
    make_bundle "$INIT" pause
    cfg '.hostname = "first-container"'
    run_detached rt run --detach --bundle "$BUNDLE" "$ID"
    assert_success
    first=$(container_pid "$ID")

    set_args /bin/sh -c "hostname; $INIT ns"
    cfg 'del(.hostname)'
    add_ns uts "/proc/$first/ns/uts"
    add_ns ipc "/proc/$first/ns/ipc"
    add_ns network "/proc/$first/ns/net"
    run rt run --bundle "$BUNDLE" "${ID}2"
    assert_success
    assert_line --index 0 first-container
    assert_line "uts $(ns_of "$first" uts)"
    assert_line "ipc $(ns_of "$first" ipc)"
    assert_line "net $(ns_of "$first" net)"
    # Not joined: its own.
    refute_line "pid $(ns_of "$first" pid)"
    refute_line "mnt $(ns_of "$first" mnt)"
}

@test "in a new user namespace the init still sets its oomScoreAdj and time offsets (its own /proc files)" {
    requires_runtime_feature timens
    current=$(cat /proc/self/oom_score_adj)
    want=$(( (current < 0 ? 0 : current) + 100 ))
    [ "$want" -le 1000 ] || want=1000
    make_bundle /bin/sh -c 'cat /proc/self/oom_score_adj; cut -d. -f1 /proc/uptime'
    add_ns user
    add_ns time
    cfg --argjson v "$want" '.process.oomScoreAdj = $v
        | .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
        | .linux.gidMappings = [{containerID: 0, hostID: 200000, size: 65536}]
        | .linux.timeOffsets = {boottime: {secs: 864000, nanosecs: 0}}'
    open_bundle_path
    host_before=$(cut -d. -f1 /proc/uptime)
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_line --index 0 "$want"
    [ "${lines[1]}" -ge $((host_before + 864000)) ] || fail "uptime inside is ${lines[1]}: not offset"
}

@test "a time namespace shifts /proc/uptime by the boottime offset" {
    requires_runtime_feature timens
    make_bundle "$INIT" cat /proc/uptime
    add_ns time
    # Ten days ahead on the boot-time clock, one on the monotonic clock.
    cfg '.linux.timeOffsets = {boottime: {secs: 864000, nanosecs: 0}, monotonic: {secs: 86400, nanosecs: 0}}'
    host_before=$(cut -d. -f1 /proc/uptime)
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    host_after=$(cut -d. -f1 /proc/uptime)
    inside=$(cut -d. -f1 <<<"$output")
    [ "$inside" -ge $((host_before + 864000)) ] && [ "$inside" -le $((host_after + 864000 + 1)) ] ||
        fail "uptime inside is $inside, host went $host_before..$host_after: not offset by 864000"
}

@test "a time namespace shifts CLOCK_MONOTONIC by the monotonic offset" {
    requires_runtime_feature timens
    # /proc/<pid>/timens_offsets shows the offsets the namespace has.
    make_bundle "$INIT" cat /proc/self/timens_offsets
    add_ns time
    cfg '.linux.timeOffsets = {monotonic: {secs: 86400, nanosecs: 5}}'
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_line --regexp '^monotonic +86400 +5$'
    assert_line --regexp '^boottime +0 +0$'
}
