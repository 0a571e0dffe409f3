#!/usr/bin/env bats
# The systemd cgroup driver (--systemd-cgroup) against a real systemd: the
# transient scope systemd makes for a container, its place and properties
# as systemctl reports them, and that delete and every failure take it
# away.  Needs systemd as PID 1 with the D-Bus system bus and a pure cgroup
# v2 hierarchy, which tests/vm/run-in-vm --systemd boots:
#
#   tests/vm/run-in-vm --systemd env BUILD_DIR=$PWD/_build bats tests/vm/systemd.bats

load ../integration/helpers

setup() {
    common_setup
    [ -d /run/systemd/system ] ||
        skip "systemd is not PID 1 here (run it in tests/vm/run-in-vm --systemd)"
    berth_only "runc and crun name their scopes runc-/crun-<id>.scope"
}

teardown() {
    common_teardown
    # Slices a test asked for stay active until stopped.
    [ -z "${TEST_SLICE:-}" ] || systemctl stop "$TEST_SLICE" 2>/dev/null || true
}

sd() { rt --systemd-cgroup "$@"; }

# Sets output and lines to the unit's properties as NAME=VALUE lines: one
# systemctl call per test where possible (each costs a second under TCG).
show_unit() { # show_unit UNIT PROPERTY...
    local unit=$1
    shift
    run systemctl show "${@/#/--property=}" -- "$unit"
    assert_success
}

# systemctl knows no such unit (it is stopped and collected).
unit_gone() {
    ! systemctl list-units --all --plain --no-legend -- "$1" | grep -q .
}

assert_unit_gone() {
    wait_for unit_gone "$1" || fail "unit $1 is still there: $(systemctl status "$1" 2>&1 | head -5)"
}

# A bundle whose container prints its cgroup and stays; no cgroup
# namespace, so /proc/self/cgroup shows the path on the host.
cgroup_bundle() {
    make_bundle /bin/sh -c 'cat /proc/self/cgroup; exec sleep 1000'
    del_ns cgroup
}

@test "machine.slice:berth:ID makes berth-ID.scope in machine.slice, delegated, holding the container" {
    cgroup_bundle
    cfg --arg cp "machine.slice:berth:$ID" '.linux.cgroupsPath = $cp'
    run_detached sd run -d --bundle "$BUNDLE" "$ID"
    assert_success
    unit=berth-$ID.scope
    show_unit "$unit" ActiveState ControlGroup Slice Delegate
    assert_line ActiveState=active
    assert_line "ControlGroup=/machine.slice/$unit"
    assert_line Slice=machine.slice
    assert_line Delegate=yes
    # The init and what the container itself sees.
    pid=$(container_pid "$ID")
    assert_equal "$(awk -F: '$1 == 0 { print $3 }' "/proc/$pid/cgroup")" "/machine.slice/$unit"
    wait_for grep -q "^0::/machine.slice/$unit\$" "$DETACHED_OUT" ||
        fail "the container saw: $(cat "$DETACHED_OUT")"
    # state.json keeps the unit for delete; the cgroup path is the scope's.
    run jq -r '.berth.systemdUnit, .berth.cgroupPath' "$ROOT/$ID/state.json"
    assert_output "$unit
/sys/fs/cgroup/machine.slice/$unit"
}

@test "the limits are the scope's properties, converted as runc converts them, and in its cgroup files" {
    make_bundle /bin/sh -c 'exec sleep 1000'
    cfg --arg cp "machine.slice:berth:$ID" '.linux.cgroupsPath = $cp
        | .linux.resources = {memory: {limit: 67108864, reservation: 33554432},
                              cpu: {shares: 1024, quota: 50000, period: 100000, cpus: "0"},
                              pids: {limit: 42}}'
    run_detached sd run -d --bundle "$BUNDLE" "$ID"
    assert_success
    unit=berth-$ID.scope
    show_unit "$unit" MemoryMax MemoryLow CPUWeight CPUQuotaPerSecUSec CPUQuotaPeriodUSec TasksMax \
        AllowedCPUs MemoryAccounting CPUAccounting IOAccounting TasksAccounting
    assert_line MemoryMax=67108864
    assert_line MemoryLow=33554432
    # shares 1024 -> 1 + (1024 - 2) * 9999 / 262142 = 39
    assert_line CPUWeight=39
    assert_line CPUQuotaPerSecUSec=500ms
    assert_line CPUQuotaPeriodUSec=100ms
    assert_line TasksMax=42
    assert_line AllowedCPUs=0
    for p in MemoryAccounting CPUAccounting IOAccounting TasksAccounting; do
        assert_line "$p=yes"
    done
    group=/sys/fs/cgroup/machine.slice/$unit
    assert_equal "$(cat "$group/memory.max")" 67108864
    assert_equal "$(cat "$group/memory.low")" 33554432
    assert_equal "$(cat "$group/cpu.weight")" 39
    assert_equal "$(cat "$group/cpu.max")" "50000 100000"
    assert_equal "$(cat "$group/pids.max")" 42
    assert_equal "$(cat "$group/cpuset.cpus")" 0
}

@test "unlimited values (-1) are systemd's infinity" {
    make_bundle /bin/sh -c 'exec sleep 1000'
    cfg --arg cp "machine.slice:berth:$ID" '.linux.cgroupsPath = $cp
        | .linux.resources = {memory: {limit: -1}, pids: {limit: -1}}'
    run_detached sd run -d --bundle "$BUNDLE" "$ID"
    assert_success
    show_unit "berth-$ID.scope" MemoryMax MemorySwapMax TasksMax
    assert_line MemoryMax=infinity
    assert_line MemorySwapMax=infinity
    assert_line TasksMax=infinity
}

@test "delete --force stops the scope: systemctl no longer knows it and its group is gone" {
    make_bundle /bin/sh -c 'exec sleep 1000'
    cfg --arg cp "machine.slice:berth:$ID" '.linux.cgroupsPath = $cp'
    run_detached sd run -d --bundle "$BUNDLE" "$ID"
    assert_success
    unit=berth-$ID.scope
    [ -d "/sys/fs/cgroup/machine.slice/$unit" ] || fail "no group for $unit"
    run rt delete --force "$ID"
    assert_success
    assert_unit_gone "$unit"
    run systemctl status "$unit"
    assert_equal "$status" 4
    assert_output --partial "could not be found"
    [ ! -e "/sys/fs/cgroup/machine.slice/$unit" ] || fail "the scope's group is still there"
    assert_clean
}

@test "create then delete: the scope of a container that never started goes too" {
    make_bundle /bin/sh -c 'exec sleep 1000'
    run_detached sd create --bundle "$BUNDLE" "$ID"
    assert_success
    unit=berth-$ID.scope
    [ -d "/sys/fs/cgroup/system.slice/$unit" ] || fail "no group for $unit"
    run rt delete "$ID"
    assert_success
    assert_unit_gone "$unit"
    assert_clean
}

@test "no cgroupsPath: berth-ID.scope in system.slice" {
    cgroup_bundle
    cfg 'del(.linux.cgroupsPath)'
    run_detached sd run -d --bundle "$BUNDLE" "$ID"
    assert_success
    unit=berth-$ID.scope
    show_unit "$unit" ControlGroup Delegate
    assert_line "ControlGroup=/system.slice/$unit"
    assert_line Delegate=yes
    wait_for grep -q "^0::/system.slice/$unit\$" "$DETACHED_OUT" ||
        fail "the container saw: $(cat "$DETACHED_OUT")"
}

@test "an empty slice and prefix: system.slice and the default-less name -ID.scope, as runc" {
    make_bundle /bin/sh -c 'exec sleep 1000'
    cfg --arg cp "::$ID" '.linux.cgroupsPath = $cp'
    run_detached sd run -d --bundle "$BUNDLE" "$ID"
    assert_success
    show_unit "-$ID.scope" ControlGroup
    assert_output "ControlGroup=/system.slice/-$ID.scope"
}

@test "a nested slice name (machine-NAME.slice) is a slice of its own that holds the container" {
    make_bundle /bin/sh -c 'cat /proc/self/cgroup; exec sleep 1000'
    del_ns cgroup
    TEST_SLICE=machine-${ID//-/_}.slice
    cfg --arg cp "machine.slice:ignored:$TEST_SLICE" '.linux.cgroupsPath = $cp'
    run_detached sd run -d --bundle "$BUNDLE" "$ID"
    assert_success
    show_unit "$TEST_SLICE" ControlGroup
    assert_output "ControlGroup=/machine.slice/$TEST_SLICE"
    wait_for grep -q "^0::/machine.slice/$TEST_SLICE\$" "$DETACHED_OUT" ||
        fail "the container saw: $(cat "$DETACHED_OUT")"
    run rt delete --force "$ID"
    assert_success
    assert_unit_gone "$TEST_SLICE"
}

@test "run in the foreground: the container sees its scope, which is gone when run returns" {
    make_bundle /bin/sh -c 'cat /proc/self/cgroup'
    del_ns cgroup
    cfg --arg cp "machine.slice:berth:$ID" '.linux.cgroupsPath = $cp'
    run sd run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_output "0::/machine.slice/berth-$ID.scope"
    assert_unit_gone "berth-$ID.scope"
    assert_clean
}

@test "a second container with the same cgroupsPath is refused; the first keeps its scope" {
    make_bundle /bin/sh -c 'exec sleep 1000'
    cfg --arg cp "machine.slice:berth:shared$ID" '.linux.cgroupsPath = $cp'
    run_detached sd run -d --bundle "$BUNDLE" "$ID"
    assert_success
    run_detached sd run -d --bundle "$BUNDLE" "${ID}x"
    assert_failure
    assert_output --partial "unit berth-shared$ID.scope already exists"
    [ ! -e "$ROOT/${ID}x" ] || fail "the refused container left its state"
    show_unit "berth-shared$ID.scope" ActiveState
    assert_output ActiveState=active
    status_is "$ID" running || fail "the first container is $(state_field "$ID" status)"
}

@test "a bad cgroupsPath is refused before systemd is asked for anything" {
    make_bundle
    cfg '.linux.cgroupsPath = "machine.slice:berth"'
    run sd run -d --bundle "$BUNDLE" "$ID"
    assert_failure
    assert_output --partial 'config.json: /linux/cgroupsPath: "machine.slice:berth" is not of the form "slice:prefix:name"'
    assert_clean
}

@test "a limit that cannot be converted (swap below memory) leaves no scope" {
    make_bundle
    cfg --arg cp "machine.slice:berth:$ID" '.linux.cgroupsPath = $cp
        | .linux.resources = {memory: {limit: 67108864, swap: 1048576}}'
    run sd run -d --bundle "$BUNDLE" "$ID"
    assert_failure
    assert_output --partial /linux/resources/memory/swap
    unit_gone "berth-$ID.scope" || fail "a unit was made"
    assert_clean
}

@test "a failure after systemd made the scope (a bind mount of a missing source) stops it again" {
    make_bundle
    cfg --arg cp "machine.slice:berth:$ID" '.linux.cgroupsPath = $cp'
    add_mount /tmp bind "$BATS_TEST_TMPDIR/no-such-dir" rbind
    run sd run -d --bundle "$BUNDLE" "$ID"
    assert_failure
    assert_output --partial no-such-dir
    assert_unit_gone "berth-$ID.scope"
    assert_clean
}

@test "update changes the scope's properties as well as its cgroup files" {
    make_bundle /bin/sh -c 'exec sleep 1000'
    cfg --arg cp "machine.slice:berth:$ID" '.linux.cgroupsPath = $cp
        | .linux.resources = {memory: {limit: 67108864}, pids: {limit: 42}}'
    run_detached sd run -d --bundle "$BUNDLE" "$ID"
    assert_success
    unit=berth-$ID.scope
    run sd update --memory 268435456 --pids-limit 64 "$ID"
    assert_success
    # (This VM's systemd sees only the run share's units, so a
    # daemon-reload here would lose every transient unit's settings: the
    # properties are checked as systemd holds them.)
    show_unit "$unit" MemoryMax TasksMax
    assert_line MemoryMax=268435456
    assert_line TasksMax=64
    group=/sys/fs/cgroup/machine.slice/$unit
    assert_equal "$(cat "$group/memory.max") $(cat "$group/pids.max")" "268435456 64"
}
