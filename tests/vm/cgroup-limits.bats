#!/usr/bin/env bats
# Resource limits measured, not read back: run inside the pure cgroup v2 VM
# (tests/vm/run-in-vm, every controller enabled), each test makes a
# container do something the limit must stop or shape and checks what
# happened to it.  Tolerances are wide for an emulated (TCG) machine and
# still exclude what an unlimited container does: with a build that skips
# the cgroup writes, every test here but the under-the-limit one fails
# (quota: 962/1000 CPU used; shares: 1:1; pids: 51 processes).
#
#   tests/vm/run-in-vm bats tests/vm/cgroup-limits.bats

load ../integration/helpers

# Run only where the limits can exist; tests/run.sh boots the VM for this.
require_controllers() {
    local c
    for c in "$@"; do
        grep -qw "$c" "$CGROUP_MNT/cgroup.controllers" ||
            skip "no $c controller on this cgroup v2 hierarchy (run it in tests/vm/run-in-vm)"
    done
}

usage_usec() { awk '$1 == "usage_usec" { print $2 }' "$1/cpu.stat"; }
now_ns() { date +%s%N; }

# CPU time a group used per second of wall time over SECONDS, in
# thousandths of a CPU.
cpu_millis() { # cpu_millis GROUP SECONDS
    local u0 u1 t0 t1
    u0=$(usage_usec "$1")
    t0=$(now_ns)
    sleep "$2"
    u1=$(usage_usec "$1")
    t1=$(now_ns)
    echo $(((u1 - u0) * 1000000 / (t1 - t0)))
}

spin_bundle() { make_bundle /bin/sh -c 'while :; do :; done'; }

@test "memory limit 64 MiB: allocating 256 MiB is OOM-killed and run exits 137 (SIGKILL)" {
    require_controllers memory
    make_bundle "$INIT" alloc 256
    cfg '.linux.resources = {memory: {limit: 67108864}}'
    run rt run --bundle "$BUNDLE" "$ID"
    assert_equal "$status" 137
    refute_output --partial allocated
}

@test "memory limit 64 MiB: a container that stays under it (32 MiB) runs to the end" {
    require_controllers memory
    make_bundle "$INIT" alloc 32
    cfg '.linux.resources = {memory: {limit: 67108864}}'
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_output "allocated 32 MiB"
}

@test "an OOM kill: state says stopped, memory.events counts it and events reports it" {
    require_controllers memory
    make_bundle /bin/sh -c "while [ ! -e /shared/go ]; do sleep 0.1; done; exec $INIT alloc 256"
    cfg '.linux.resources = {memory: {limit: 67108864}}'
    run_detached rt run --detach --bundle "$BUNDLE" "$ID"
    assert_success
    group=$(cgroup_dir_of "$(container_pid "$ID")")
    start_bg rt events --interval 1s "$ID"
    sleep 1.5 # the stream is running before the OOM happens
    touch "$SHARED/go"
    wait_status "$ID" stopped || fail "the container did not stop: $(rt state "$ID")"
    assert_equal "$(awk '$1 == "oom_kill" { print $2 }' "$group/memory.events")" 1
    wait_for pid_gone "$BG_PID" || fail "events did not end with the container"
    run jq -r 'select(.type == "oom") | .id' "$BATS_TEST_TMPDIR/bg.out"
    assert_success
    assert_output "$ID"
}

@test "cpu quota 0.5 CPU: a spinning container uses 0.35 to 0.65 CPU-seconds per second" {
    require_controllers cpu
    spin_bundle
    cfg '.linux.resources = {cpu: {quota: 50000, period: 100000}}'
    run_detached rt run --detach --bundle "$BUNDLE" "$ID"
    assert_success
    group=$(cgroup_dir_of "$(container_pid "$ID")")
    sleep 0.5
    millis=$(cpu_millis "$group" 2)
    echo "# used $millis/1000 CPU" >&3
    [ "$millis" -ge 350 ] && [ "$millis" -le 650 ] || fail "used $millis/1000 CPU, not 350..650"
}

@test "cpu shares 1024 and 3072 on one CPU: the spinning containers split it 1:3 (within 20%)" {
    require_controllers cpu cpuset
    spin_bundle
    cfg '.linux.resources = {cpu: {shares: 1024, cpus: "0"}}'
    run_detached rt run --detach --bundle "$BUNDLE" "$ID-low"
    assert_success
    cfg '.linux.resources = {cpu: {shares: 3072, cpus: "0"}}'
    run_detached rt run --detach --bundle "$BUNDLE" "$ID-high"
    assert_success
    low=$(cgroup_dir_of "$(container_pid "$ID-low")")
    high=$(cgroup_dir_of "$(container_pid "$ID-high")")
    sleep 0.5
    local l0 h0 l1 h1
    l0=$(usage_usec "$low")
    h0=$(usage_usec "$high")
    sleep 3
    l1=$(usage_usec "$low")
    h1=$(usage_usec "$high")
    ratio=$(((h1 - h0) * 100 / (l1 - l0)))
    echo "# high:low = $ratio/100" >&3
    [ "$ratio" -ge 240 ] && [ "$ratio" -le 360 ] || fail "high:low = $ratio/100, not 2.4..3.6"
    # runc's conversion of the shares.
    assert_equal "$(cat "$low/cpu.weight") $(cat "$high/cpu.weight")" "39 118"
}

@test "pids limit 20: the container's 21st process cannot be forked" {
    require_controllers pids
    make_bundle "$INIT" forks 50
    cfg '.linux.resources = {pids: {limit: 20}}'
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_output "processes 20, then fork: EAGAIN"
}

@test "update raises the memory limit of a running container: an allocation that was killed then succeeds" {
    require_controllers memory
    make_bundle /bin/sh -c "for n in 1 2; do
            while [ ! -e /shared/go\$n ]; do sleep 0.1; done
            $INIT alloc 100 >/shared/alloc\$n 2>&1; echo \"exit \$?\" >>/shared/alloc\$n
        done; exec $INIT pause"
    cfg '.linux.resources = {memory: {limit: 67108864}}'
    run_detached rt run --detach --bundle "$BUNDLE" "$ID"
    assert_success
    touch "$SHARED/go1"
    wait_for grep -q exit "$SHARED/alloc1"
    # The shell may add "Killed"; the allocation never completed.
    run cat "$SHARED/alloc1"
    assert_line --index -1 "exit 137"
    refute_output --partial allocated

    run rt update --memory 268435456 "$ID"
    assert_success
    touch "$SHARED/go2"
    wait_for grep -q exit "$SHARED/alloc2"
    assert_equal "$(cat "$SHARED/alloc2")" "allocated 100 MiB
exit 0"
}

@test "update with checkBeforeUpdate refuses a memory limit below the container's usage, and changes nothing" {
    require_controllers memory
    if [ "$RUNTIME_NAME" = runc ]; then
        version=$("$RUNTIME" --version | grep -oE '[0-9]+\.[0-9]+(\.[0-9]+)?' | head -1)
        ! version_lt "$version" 1.2 || skip "runc $version ignores checkBeforeUpdate (runc 1.2 added it)"
    fi
    make_bundle "$INIT" alloc 48 hold
    cfg '.linux.resources = {memory: {limit: 134217728}}'
    run_detached rt run --detach --bundle "$BUNDLE" "$ID"
    assert_success
    group=$(cgroup_dir_of "$(container_pid "$ID")")
    wait_for test "$(cat "$group/memory.current")" -gt 50331648

    run rt update --resources - "$ID" <<<'{"memory": {"limit": 16777216, "checkBeforeUpdate": true}}'
    assert_failure
    if is_berth; then
        assert_output --regexp '^berth: standard input: /memory/limit: 16777216 is below the [0-9]+ bytes the container uses now \(checkBeforeUpdate\)$'
    fi
    assert_equal "$(cat "$group/memory.max")" 134217728
    assert_equal "$(state_field "$ID" status)" running
}
