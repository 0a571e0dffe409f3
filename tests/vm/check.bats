#!/usr/bin/env bats
# berth check on a pure cgroup v2 host: run inside the VM,
#
#   tests/vm/run-in-vm bats --tap tests/vm/check.bats
#
# (BUILD_DIR or RUNTIME, passed with `run-in-vm env ...`, pick the berth.)
# There every controller is on cgroup v2, which this hybrid development
# host cannot show.

load /usr/lib/bats/bats-support/load
load /usr/lib/bats/bats-assert/load

REPO=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
RUNTIME=${RUNTIME:-${BUILD_DIR:-$REPO/_build}/berth}

setup() {
    [ -x "$RUNTIME" ] || fail "no berth at $RUNTIME (scripts/build)"
    [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ] ||
        skip "not the cgroup v2 VM: run through tests/vm/run-in-vm"
}

@test "in the cgroup v2 VM, memory, cpu, pids and io are available on cgroup v2" {
    run "$RUNTIME" check
    assert_success
    assert_line --regexp '^  cgroup2 +yes +berth uses the cgroup2 mount at /sys/fs/cgroup$'
    for c in memory cpu pids io; do
        assert_line --regexp "^  $c +yes +on cgroup v2 \\(/sys/fs/cgroup/cgroup.controllers\\)\$"
    done
    run "$RUNTIME" check --format json
    assert_success
    run jq -c '[.controllers | (.memory, .cpu, .pids, .io) | [.available, .value]]' <<<"$output"
    assert_output '[[true,"v2"],[true,"v2"],[true,"v2"],[true,"v2"]]'
}

@test "in the cgroup v2 VM, the host is unified and every controller the root offers is reported as v2" {
    run "$RUNTIME" check --format json
    assert_success
    json=$output
    assert_equal "$(jq -r '.cgroup.unified | "\(.available) \(.value)"' <<<"$json")" "true unified"
    for c in cpu cpuset memory io pids hugetlb rdma misc; do
        if grep -qw "$c" /sys/fs/cgroup/cgroup.controllers; then
            assert_equal "$c $(jq -r --arg c "$c" '.controllers[$c].value' <<<"$json")" "$c v2"
        else
            assert_equal "$c $(jq -r --arg c "$c" '.controllers[$c].available' <<<"$json")" "$c false"
        fi
    done
}

@test "in the cgroup v2 VM, cgroup.kill and cgroup.freeze follow the kernel's version" {
    run "$RUNTIME" check --format json
    assert_success
    json=$output
    # Debian 12's kernel is 6.1: both files exist (5.14 and 5.2).
    assert_equal "$(jq -r '.cgroup["cgroup.kill"].available' <<<"$json")" true
    assert_equal "$(jq -r '.cgroup["cgroup.freeze"].available' <<<"$json")" true
}
