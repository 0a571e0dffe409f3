#!/usr/bin/env bats
# berth on the host as it is, outside the suite's private mount namespace:
# on a hybrid host cgroup2 is only /sys/fs/cgroup/unified, and the v1
# hierarchies beside it must not be touched.

load ../helpers

setup() {
    # runc and crun would place the container in the v1 hierarchies too.
    if ! is_berth && host_has_cgroup_v1; then
        skip "$RUNTIME_NAME would create groups in this host's v1 hierarchies, which the suite never touches"
    fi
    common_setup
}

# The test process's v1 lines of /proc/PID/cgroup ("N:controllers:path").
v1_lines() {
    grep -v '^0::' "/proc/$1/cgroup" || true
}

@test "a container runs in its own group on the host's cgroup2 mount and delete removes it" {
    make_bundle "$INIT" pause
    run_detached rt run --detach --bundle "$BUNDLE" "$ID"
    assert_success
    pid=$(container_pid "$ID")
    group=$(cgroup_dir_of "$pid")
    [ "$group" != "$CGROUP_MNT" ] || fail "the container is in the root group"
    [[ $group == "$CGROUP_MNT"/* ]] || fail "$group is not under $CGROUP_MNT"
    assert_equal "$(cat "$group/cgroup.procs")" "$pid"

    run rt delete --force "$ID"
    assert_success
    [ ! -d "$group" ] || fail "$group left behind"
    assert_clean
}

@test "the host's v1 hierarchies are left alone: no group made, no process moved" {
    host_has_cgroup_v1 || skip "this host has no v1 hierarchies"
    make_bundle "$INIT" pause
    run_detached rt run --detach --bundle "$BUNDLE" "$ID"
    assert_success
    pid=$(container_pid "$ID")
    # Same v1 groups as the process that started it.
    assert_equal "$(v1_lines "$pid")" "$(v1_lines $$)"
    made=$(awk '$9 == "cgroup" { print $5 }' /proc/self/mountinfo | while read -r mp; do
        find "$mp" -maxdepth 3 -type d -name "*$TEST_TAG*"
    done)
    assert_equal "$made" ""
}

@test "run passes the exit code through on the host as well" {
    make_bundle "$INIT" exit 3
    run rt run --bundle "$BUNDLE" "$ID"
    assert_equal "$status" 3
    assert_clean
}

@test "a container with a cgroup namespace sees its group as the root on the host too" {
    make_bundle /bin/sh -c 'grep "^0::" /proc/self/cgroup'
    add_ns cgroup
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_output "0::/"
}
