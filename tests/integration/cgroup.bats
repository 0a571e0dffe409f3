#!/usr/bin/env bats
# cgroup v2 placement: the container's own group, cgroupsPath, removal on
# delete, and linux.resources on a host whose cgroup v2 lacks most
# controllers (their enforcement is measured in the VM: tests/vm/).

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

# The cgroup v2 hierarchy the suite sees offers a controller, or says why not.
v2_offers() { grep -qw "$1" "$CGROUP_MNT/cgroup.controllers"; }
v1_hierarchy_of() { awk -v c="$1" '$1 == c { print $2 }' /proc/cgroups; }

@test "a limit whose controller cgroup v2 lacks fails in one line: the controller, why, what to do" {
    berth_only "berth's message; runc and crun fall back to cgroup v1 on a hybrid host"
    ! v2_offers memory || skip "this host's cgroup v2 has the memory controller"
    make_bundle "$INIT" exit 0
    cfg '.linux.resources = {memory: {limit: 67108864}}'
    run_detached rt create --bundle "$BUNDLE" "$ID"
    assert_failure
    assert_equal "${#lines[@]}" 1
    assert_output --partial "berth: config.json: /linux/resources/memory/limit: the memory controller is not available on the cgroup v2 hierarchy at $CGROUP_MNT: "
    if [ "$(v1_hierarchy_of memory)" -gt 0 ]; then
        assert_output --partial "this host mounts it on a cgroup v1 hierarchy (hybrid mode); boot with cgroup_no_v1=all or systemd.unified_cgroup_hierarchy=1 to move it to cgroup v2, or remove the limit"
    fi
    assert_clean
}

@test "every missing controller is named by the limit that needs it (cpu, pids, io)" {
    berth_only "berth's message"
    make_bundle "$INIT" exit 0
    local key path controller
    for key in 'cpu: {shares: 1024}|/linux/resources/cpu/shares|cpu' \
        'pids: {limit: 20}|/linux/resources/pids/limit|pids' \
        'blockIO: {weight: 500}|/linux/resources/blockIO/weight|io'; do
        IFS='|' read -r res path controller <<<"$key"
        v2_offers "$controller" && continue
        cfg ".linux.resources = {$res}"
        run rt create --bundle "$BUNDLE" "$ID"
        assert_failure
        assert_output --partial "berth: config.json: $path: the $controller controller is not available on the cgroup v2 hierarchy at $CGROUP_MNT: "
        assert_clean
    done
}

@test "pids limit 0 or -1 (no limit, as Podman sends it) runs where the pids controller is missing" {
    berth_only "runc and crun fall back to cgroup v1 on a hybrid host"
    v2_offers pids && skip "this host's cgroup v2 has the pids controller"
    make_bundle "$INIT" exit 0
    for limit in 0 -1; do
        cfg --argjson l "$limit" '.linux.resources = {pids: {limit: $l}}'
        run rt run --bundle "$BUNDLE" "$ID-$((limit + 1))"
        assert_success
    done
}

@test "hugepageLimits: the container's own group has hugetlb.<size>.max set" {
    v2_offers hugetlb || skip "this host's cgroup v2 has no hugetlb controller"
    [ -e "$CGROUP_MNT/hugetlb.2MB.max" ] || [ -d /sys/kernel/mm/hugepages/hugepages-2048kB ] ||
        skip "no 2 MB huge pages on this host"
    make_bundle "$INIT" cat /sys/fs/cgroup/hugetlb.2MB.max
    add_ns cgroup
    cfg '.linux.resources = {hugepageLimits: [{pageSize: "2MB", limit: 4194304}]}'
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_output 4194304
}

@test "a unified key the kernel does not have fails, naming it, and leaves nothing behind" {
    berth_only "berth's message"
    v2_offers hugetlb || skip "this host's cgroup v2 has no hugetlb controller"
    make_bundle "$INIT" exit 0
    cfg '.linux.resources = {unified: {"hugetlb.3MB.max": "0"}}'
    run rt create --bundle "$BUNDLE" "$ID"
    assert_failure
    assert_output --regexp "^berth: config.json: /linux/resources/unified/hugetlb.3MB.max: .* has no file hugetlb.3MB.max: this kernel's hugetlb controller does not have it$"
    assert_clean
}

@test "a resource cgroup v2 cannot honour is a config error before anything exists" {
    berth_only "berth's message"
    make_bundle "$INIT" exit 0
    cfg '.linux.resources = {cpu: {realtimeRuntime: 950000, realtimePeriod: 1000000}}'
    run rt create --bundle "$BUNDLE" "$ID"
    assert_failure
    assert_output "berth: config.json: /linux/resources/cpu/realtimeRuntime: cgroup v2 has no real-time CPU bandwidth for groups (cpu.rt_* is cgroup v1 only)"
    assert_clean
}

@test "nested delegation: a container with a cgroup namespace creates child groups and moves into one" {
    make_bundle /bin/sh -c 'mkdir /sys/fs/cgroup/leaf /sys/fs/cgroup/leaf/inner &&
        echo $$ >/sys/fs/cgroup/leaf/inner/cgroup.procs && grep "^0::" /proc/self/cgroup &&
        echo +hugetlb >/sys/fs/cgroup/cgroup.subtree_control 2>/dev/null; echo +hugetlb >/sys/fs/cgroup/leaf/cgroup.subtree_control 2>/dev/null;
        cat /sys/fs/cgroup/leaf/inner/cgroup.controllers'
    add_ns cgroup
    # The default spec mounts cgroup read-only; delegation needs it writable.
    cfg '(.mounts[] | select(.destination == "/sys/fs/cgroup") | .options) |= map(select(. != "ro")) + ["rw"]'
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_line --index 0 "0::/leaf/inner"
    # hugetlb is what this host's cgroup v2 offers: handed down two levels.
    if grep -qw hugetlb "$CGROUP_MNT/cgroup.controllers"; then
        assert_line --index 1 hugetlb
    fi
    # delete removed the whole subtree the container made.
    assert_clean
}
