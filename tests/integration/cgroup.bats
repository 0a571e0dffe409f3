#!/usr/bin/env bats
# cgroup v2 placement: the container's own group, cgroupsPath, removal on
# delete, and linux.resources (refused by berth for now).

load helpers

@test "the process runs in its own cgroup, the root of its cgroup namespace" {
    make_bundle /bin/sh -c "cat /proc/self/cgroup; exec $INIT pause 0 /shared/ready"
    add_ns cgroup
    run_detached rt run --detach --bundle "$BUNDLE" "$ID"
    assert_success
    wait_for test -e "$SHARED/ready" || fail "container did not start"
    # (A hybrid host lists its v1 hierarchies too: the v2 line is "0::".)
    assert_equal "$(grep '^0::' "$DETACHED_OUT")" "0::/"

    pid=$(container_pid "$ID")
    group=$(cgroup_dir_of "$pid")
    [ "$group" != "$CGROUP_MNT" ] || fail "the container is in the root cgroup"
    [ "$group" != "$(cgroup_dir_of $$)" ] || fail "the container is in the test's own cgroup"
    [ -d "$group" ] || fail "$group does not exist"
    grep -qx "$pid" "$group/cgroup.procs" || fail "$pid not in $group/cgroup.procs"
    assert_equal "$(cat "$group/cgroup.procs")" "$pid"
}

@test "delete removes the container's cgroup" {
    make_bundle "$INIT" pause
    run_detached rt run --detach --bundle "$BUNDLE" "$ID"
    assert_success
    group=$(cgroup_dir_of "$(container_pid "$ID")")
    [ -d "$group" ] || fail "no group $group"
    run rt delete --force "$ID"
    assert_success
    [ ! -d "$group" ] || fail "$group left behind"
}

@test "an absolute cgroupsPath places the container in exactly that group" {
    parent=$CGROUP_MNT/berth-test-$TEST_TAG
    CGROUP_PARENTS+=("$parent")
    make_bundle "$INIT" pause
    cfg --arg p "/berth-test-$TEST_TAG/$ID" '.linux.cgroupsPath = $p'
    run_detached rt run --detach --bundle "$BUNDLE" "$ID"
    assert_success
    pid=$(container_pid "$ID")
    assert_equal "$(cgroup_dir_of "$pid")" "$parent/$ID"
    grep -qx "$pid" "$parent/$ID/cgroup.procs" || fail "$pid not in $parent/$ID"

    run rt delete --force "$ID"
    assert_success
    [ ! -d "$parent/$ID" ] || fail "$parent/$ID left behind"
}

@test "a cgroupsPath group that already holds processes is refused or joined, never emptied" {
    # Another runtime user's group: the container must not kill its members.
    parent=$CGROUP_MNT/berth-test-$TEST_TAG
    CGROUP_PARENTS+=("$parent")
    mkdir -p "$parent/busy"
    CGROUP_PARENTS+=("$parent/busy")
    sleep 300 3>&- &
    sleeper=$!
    BG_PIDS+=("$sleeper")
    echo "$sleeper" >"$parent/busy/cgroup.procs"

    make_bundle "$INIT" exit 0
    cfg --arg p "/berth-test-$TEST_TAG/busy" '.linux.cgroupsPath = $p'
    run rt run --bundle "$BUNDLE" "$ID"
    pid_alive "$sleeper" || fail "the runtime killed a process it did not start"
    grep -qx "$sleeper" "$parent/busy/cgroup.procs" || fail "the group's process was moved"
    kill "$sleeper"
    wait "$sleeper" || true
    # Move nothing back: the group is ours to remove once empty.
    wait_for test -z "$(cat "$parent/busy/cgroup.procs")"
}

@test "a config with linux.resources fails clearly and leaves nothing behind" {
    berth_only "berth refuses linux.resources for now; other runtimes apply them"
    make_bundle "$INIT" exit 0
    cfg '.linux.resources = {memory: {limit: 67108864}}'
    run_detached rt create --bundle "$BUNDLE" "$ID"
    assert_failure
    assert_output --partial "config.json: /linux/resources"
    assert_clean
}
