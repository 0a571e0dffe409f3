#!/usr/bin/env bats
# Process attributes beyond identity and limits, as the container sees
# them: process.scheduler, process.ioPriority, linux.memoryPolicy,
# process.execCPUAffinity; and the settings a runtime must refuse when it
# cannot honour them (LSM labels on a host without that LSM,
# linux.intelRdt), which must leave nothing behind.

load helpers

# Skip when the runtime under test is a runc older than the release that
# implemented a setting (older ones ignore it silently).
requires_runc() { # requires_runc VERSION WHAT
    is_berth && return 0
    local version
    version=$("$RUNTIME" --version 2>/dev/null | head -1 | grep -oE '[0-9]+\.[0-9]+(\.[0-9]+)?' | head -1)
    if [ "$RUNTIME_NAME" = runc ] && version_lt "$version" "$1"; then
        skip "$RUNTIME_NAME $version ignores $2 (runc >= $1 implements it)"
    fi
}

# A create that must fail: the error names $1 (berth's JSON path or, for
# another runtime, the setting), and nothing is left behind.
assert_refused() { # assert_refused PATTERN
    run_detached rt create --bundle "$BUNDLE" "$ID"
    assert_failure
    if is_berth; then
        assert_output --partial "$1"
    fi
    assert_clean
}

# ---- process.scheduler -------------------------------------------------------

@test "scheduler: SCHED_BATCH with nice 5 applies to the process" {
    requires_runc 1.2 process.scheduler
    make_bundle "$INIT" sched
    cfg '.process.scheduler = {policy: "SCHED_BATCH", nice: 5}'
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_output "policy=SCHED_BATCH priority=0 nice=5 flags="
}

@test "scheduler: SCHED_FIFO priority 10 with RESET_ON_FORK; the process's children are SCHED_OTHER" {
    requires_runc 1.2 process.scheduler
    make_bundle "$INIT" sched
    cfg '.process.scheduler = {policy: "SCHED_FIFO", priority: 10, flags: ["SCHED_FLAG_RESET_ON_FORK"]}'
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_output "policy=SCHED_FIFO priority=10 nice=0 flags=SCHED_FLAG_RESET_ON_FORK"

    # sh runs as the configured process; the berth-test-init it forks (not
    # the last command, so sh does not exec it) has the policy reset, as
    # the flag asks.
    set_args /bin/sh -c "$INIT sched; true"
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_output "policy=SCHED_OTHER priority=0 nice=0 flags="
}

@test "scheduler: SCHED_RR and SCHED_IDLE apply" {
    requires_runc 1.2 process.scheduler
    make_bundle "$INIT" sched
    cfg '.process.scheduler = {policy: "SCHED_RR", priority: 1}'
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_output "policy=SCHED_RR priority=1 nice=0 flags="

    cfg '.process.scheduler = {policy: "SCHED_IDLE"}'
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_output --regexp '^policy=SCHED_IDLE priority=0 '
}

@test "scheduler: SCHED_DEADLINE gets its runtime, deadline and period" {
    requires_runc 1.2 process.scheduler
    make_bundle "$INIT" sched
    cfg '.process.scheduler = {policy: "SCHED_DEADLINE", runtime: 1000000, deadline: 10000000, period: 20000000}'
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_output "policy=SCHED_DEADLINE priority=0 nice=0 flags= runtime=1000000 deadline=10000000 period=20000000"
}

@test "scheduler: values sched_setattr would refuse fail create with the JSON path, leaving nothing" {
    requires_runc 1.2 process.scheduler
    make_bundle "$INIT" sched
    cfg '.process.scheduler = {policy: "SCHED_OTHER", priority: 5}'
    assert_refused "config.json: /process/scheduler/priority"

    cfg '.process.scheduler = {policy: "SCHED_FIFO"}'
    assert_refused "config.json: /process/scheduler/priority: SCHED_FIFO needs a priority from 1 to 99, got 0"

    cfg '.process.scheduler = {policy: "SCHED_OTHER", runtime: 1000}'
    assert_refused "config.json: /process/scheduler: runtime, deadline and period are only for SCHED_DEADLINE"

    cfg '.process.scheduler = {policy: "SCHED_DEADLINE", runtime: 2000000, deadline: 1000000}'
    assert_refused "config.json: /process/scheduler: SCHED_DEADLINE needs"
}

@test "scheduler: SCHED_ISO (in the spec, in no mainline kernel) and a nice value FIFO would ignore are refused" {
    berth_only "runc lets the kernel refuse SCHED_ISO and ignores nice with SCHED_FIFO"
    make_bundle "$INIT" sched
    cfg '.process.scheduler = {policy: "SCHED_ISO"}'
    assert_refused "config.json: /process/scheduler/policy: SCHED_ISO is not a scheduling policy of Linux"

    cfg '.process.scheduler = {policy: "SCHED_FIFO", priority: 10, nice: -5}'
    assert_refused "config.json: /process/scheduler/nice: SCHED_FIFO ignores a nice value"
}

# ---- process.ioPriority ---------------------------------------------------------

@test "ioPriority: each class applies to the process and passes to its children" {
    requires_runc 1.2 process.ioPriority
    make_bundle "$INIT" ioprio
    cfg '.process.ioPriority = {class: "IOPRIO_CLASS_BE", priority: 3}'
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_output "class=IOPRIO_CLASS_BE priority=3"

    cfg '.process.ioPriority = {class: "IOPRIO_CLASS_RT", priority: 1}'
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_output "class=IOPRIO_CLASS_RT priority=1"

    cfg '.process.ioPriority = {class: "IOPRIO_CLASS_IDLE", priority: 7}'
    set_args /bin/sh -c "$INIT ioprio; true"
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_output --regexp '^class=IOPRIO_CLASS_IDLE '
}

# ---- linux.memoryPolicy -----------------------------------------------------------

@test "memoryPolicy: MPOL_BIND, MPOL_INTERLEAVE with static nodes, MPOL_PREFERRED and MPOL_LOCAL apply" {
    requires_runc 1.4 linux.memoryPolicy
    make_bundle "$INIT" mempolicy
    cfg '.linux.memoryPolicy = {mode: "MPOL_BIND", nodes: "0"}'
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_output "mode=MPOL_BIND flags= nodes=0"

    cfg '.linux.memoryPolicy = {mode: "MPOL_INTERLEAVE", nodes: "0", flags: ["MPOL_F_STATIC_NODES"]}'
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_output "mode=MPOL_INTERLEAVE flags=MPOL_F_STATIC_NODES nodes=0"

    cfg '.linux.memoryPolicy = {mode: "MPOL_PREFERRED", nodes: "0"}'
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_output "mode=MPOL_PREFERRED flags= nodes=0"

    cfg '.linux.memoryPolicy = {mode: "MPOL_LOCAL"}'
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_output "mode=MPOL_LOCAL flags= nodes="
}

@test "memoryPolicy: without one the process keeps the default policy" {
    make_bundle "$INIT" mempolicy
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_output "mode=MPOL_DEFAULT flags= nodes="
}

@test "memoryPolicy: a node this host does not have fails create, leaving nothing" {
    requires_runc 1.4 linux.memoryPolicy
    missing=$(( $(sed 's/.*[-,]//' /sys/devices/system/node/online 2>/dev/null || echo 0) + 1 ))
    make_bundle "$INIT" mempolicy
    cfg --arg n "0,$missing" '.linux.memoryPolicy = {mode: "MPOL_BIND", nodes: $n}'
    assert_refused "config.json: /linux/memoryPolicy/nodes: node $missing is not online on this host"
}

# ---- process.execCPUAffinity ---------------------------------------------------------

last_cpu() {
    sed 's/.*[-,]//' /sys/devices/system/cpu/online
}

@test "execCPUAffinity is not applied to the container's process, as the spec says" {
    berth_only "runc 1.1 does not know execCPUAffinity"
    [ "$(last_cpu)" -ge 1 ] || skip "needs two CPUs to tell an applied affinity from the default"
    make_bundle "$INIT" affinity
    cfg --arg c "$(last_cpu)" '.process.execCPUAffinity = {initial: "0", final: $c}'
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    # The spec: "not applicable to the container's init process".
    assert_output "$(awk '/^Cpus_allowed_list:/ { print $2 }' /proc/self/status)"
}

@test "execCPUAffinity: a CPU this host does not have fails create, leaving nothing" {
    berth_only "runc applies execCPUAffinity to runc exec only"
    missing=$(( $(last_cpu) + 1 ))
    make_bundle "$INIT" affinity
    cfg --arg c "0-$missing" '.process.execCPUAffinity = {final: $c}'
    assert_refused "config.json: /process/execCPUAffinity/final: CPU $missing is not online on this host"

    cfg '.process.execCPUAffinity = {initial: "3-1"}'
    assert_refused "config.json: /process/execCPUAffinity/initial: expected a list such as \"0-3,7\""
}

# ---- LSM labels -----------------------------------------------------------------------

host_has_apparmor() {
    [ -e /sys/kernel/security/apparmor ] && [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ]
}

host_has_selinux() {
    [ -e /sys/fs/selinux/enforce ]
}

@test "apparmorProfile on a host without AppArmor fails create, leaving nothing" {
    ! host_has_apparmor || skip "this host has AppArmor"
    make_bundle "$INIT" pid
    cfg '.process.apparmorProfile = "berth-test-profile"'
    assert_refused "config.json: /process/apparmorProfile: AppArmor is not enabled on this host"
}

@test "an empty apparmorProfile is no profile" {
    make_bundle "$INIT" pid
    cfg '.process.apparmorProfile = ""'
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_output 1
}

@test "selinuxLabel on a host without SELinux fails create, leaving nothing" {
    ! host_has_selinux || skip "this host has SELinux"
    make_bundle "$INIT" pid
    cfg '.process.selinuxLabel = "system_u:system_r:container_t:s0:c1,c2"'
    assert_refused "config.json: /process/selinuxLabel: SELinux is not enabled on this host"
}

@test "mountLabel on a host without SELinux fails create, leaving nothing" {
    berth_only "runc ignores mountLabel when SELinux is off"
    ! host_has_selinux || skip "this host has SELinux"
    make_bundle "$INIT" pid
    cfg '.linux.mountLabel = "system_u:object_r:container_file_t:s0:c1,c2"'
    assert_refused "config.json: /linux/mountLabel: SELinux is not enabled on this host"
}

# ---- linux.intelRdt ---------------------------------------------------------------------

@test "intelRdt, even empty, fails create clearly, leaving nothing" {
    berth_only "berth has no resctrl support and says so"
    make_bundle "$INIT" pid
    cfg '.linux.intelRdt = {}'
    assert_refused "config.json: /linux/intelRdt: Intel RDT is not supported by berth"

    cfg '.linux.intelRdt = {closID: "guaranteed_group", schemata: ["L3:0=7f0"]}'
    assert_refused "config.json: /linux/intelRdt: Intel RDT is not supported by berth"
}

# ---- features ---------------------------------------------------------------------------

@test "features lists memoryPolicy modes and flags, apparmor and netDevices as supported, intelRdt as not" {
    berth_only "the lists are berth's"
    run rt features
    assert_success
    run jq -c '[.linux.apparmor.enabled, .linux.selinux.enabled, .linux.intelRdt.enabled, .linux.netDevices.enabled]' <<<"$output"
    assert_output '[true,false,false,true]'
    run bash -c "'$RUNTIME' features | jq -c '.linux.memoryPolicy'"
    assert_output '{"modes":["MPOL_DEFAULT","MPOL_BIND","MPOL_INTERLEAVE","MPOL_WEIGHTED_INTERLEAVE","MPOL_PREFERRED","MPOL_PREFERRED_MANY","MPOL_LOCAL"],"flags":["MPOL_F_NUMA_BALANCING","MPOL_F_RELATIVE_NODES","MPOL_F_STATIC_NODES"]}'
}
