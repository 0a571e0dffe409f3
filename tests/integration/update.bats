#!/usr/bin/env bats
# berth update on this host: flags and --resources documents, their
# errors, and a limit the container then sees.  That updated limits are
# enforced is measured in the cgroup v2 VM (tests/vm/cgroup-limits.bats).

load helpers

v2_offers() { grep -qw "$1" "$CGROUP_MNT/cgroup.controllers"; }

# A container that, each time /shared/goN appears, copies FILE of its own
# cgroup to /shared/outN.
watch_bundle() { # watch_bundle FILE
    make_bundle /bin/sh -c "for n in 1 2; do
            while [ ! -e /shared/go\$n ]; do sleep 0.1; done
            cat /sys/fs/cgroup/$1 >/shared/out\$n
        done; exec $INIT pause"
    add_ns cgroup
}

@test "update --resources - (stdin): the container sees its new hugetlb limit" {
    berth_only "runc 1.1's update leaves hugepageLimits alone (the only controller this host's v2 has)"
    v2_offers hugetlb || skip "this host's cgroup v2 has no hugetlb controller"
    [ -d /sys/kernel/mm/hugepages/hugepages-2048kB ] || skip "no 2 MB huge pages on this host"
    watch_bundle hugetlb.2MB.max
    cfg '.linux.resources = {hugepageLimits: [{pageSize: "2MB", limit: 2097152}]}'
    run_detached rt run --detach --bundle "$BUNDLE" "$ID"
    assert_success
    touch "$SHARED/go1"
    wait_for test -s "$SHARED/out1"
    assert_equal "$(cat "$SHARED/out1")" 2097152

    run rt update --resources - "$ID" <<<'{"hugepageLimits": [{"pageSize": "2MB", "limit": 8388608}]}'
    assert_success
    touch "$SHARED/go2"
    wait_for test -s "$SHARED/out2"
    assert_equal "$(cat "$SHARED/out2")" 8388608
}

@test "update --resources FILE with a bad value names the file and the JSON path" {
    berth_only "berth's message"
    make_bundle "$INIT" pause
    run_detached rt run --detach --bundle "$BUNDLE" "$ID"
    assert_success
    echo '{"memory": {"limit": "lots"}}' >"$BATS_TEST_TMPDIR/res.json"
    run rt update --resources "$BATS_TEST_TMPDIR/res.json" "$ID"
    assert_failure
    assert_output "berth: $BATS_TEST_TMPDIR/res.json: /memory/limit: expected an integer"
}

@test "update flags: a value that does not parse is a usage error naming the flag" {
    berth_only "berth's message"
    make_bundle "$INIT" pause
    run_detached rt run --detach --bundle "$BUNDLE" "$ID"
    assert_success
    run rt update --memory lots "$ID"
    assert_failure
    assert_output --partial 'berth: update: --memory: invalid value "lots"'
    run rt update --cpu-rt-runtime 950000 "$ID"
    assert_failure
    assert_output "berth: update: /cpu/realtimeRuntime: cgroup v2 has no real-time CPU bandwidth for groups (cpu.rt_* is cgroup v1 only)"
}

@test "update of a limit whose controller cgroup v2 lacks names the controller and changes nothing" {
    berth_only "berth's message; runc uses cgroup v1 on a hybrid host"
    v2_offers memory && skip "this host's cgroup v2 has the memory controller"
    make_bundle "$INIT" pause
    run_detached rt run --detach --bundle "$BUNDLE" "$ID"
    assert_success
    run rt update --memory 64m "$ID"
    assert_failure
    assert_output --partial "berth: update: /memory/limit: the memory controller is not available on the cgroup v2 hierarchy at $CGROUP_MNT: "
    assert_equal "$(state_field "$ID" status)" running
}

@test "update of a stopped container fails clearly" {
    berth_only "berth's message"
    make_bundle "$INIT" exit 0
    run rt run --keep --bundle "$BUNDLE" "$ID"
    assert_success
    run rt update --pids-limit 10 "$ID"
    assert_failure
    assert_output "berth: container $ID is stopped: there is nothing to update"
}

@test "update of a container that does not exist fails clearly" {
    run rt update --pids-limit 10 nosuch-$TEST_TAG
    assert_failure
    is_berth || return 0
    assert_output "berth: container nosuch-$TEST_TAG does not exist"
}
