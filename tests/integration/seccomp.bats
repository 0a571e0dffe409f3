#!/usr/bin/env bats
# linux.seccomp as the container sees it: the errno a denied syscall
# returns, argument conditions and how they combine, the kill actions'
# exit status, flags, architectures, the Docker/Podman default profile, and
# the SCMP_ACT_NOTIFY listener that answers a syscall for the container.

load helpers

DEFAULT_PROFILE=/usr/share/containers/seccomp.json

# The test's seccomp object: set_seccomp JSON
set_seccomp() {
    cfg --argjson s "$1" '.linux.seccomp = $s'
}

# A profile that allows everything but applies ACTION to mkdir (both
# syscalls a libc may use for it): deny_mkdir ACTION [EXTRA_JQ_OBJECT]
deny_mkdir() {
    local extra='{}'
    [ $# -lt 2 ] || extra=$2
    set_seccomp "$(jq -n -c --arg a "$1" --argjson extra "$extra" \
        '{defaultAction: "SCMP_ACT_ALLOW",
          syscalls: [({names: ["mkdir", "mkdirat"], action: $a} + $extra)]}')"
}

# runc before 1.2 refuses linux.seccomp.flags and has no SPEC_ALLOW default.
requires_seccomp_flags() {
    is_berth && return 0
    local version
    version=$("$RUNTIME" --version 2>/dev/null | head -1 | grep -oE '[0-9]+\.[0-9]+(\.[0-9]+)?' | head -1)
    if [ "$RUNTIME_NAME" = runc ] && version_lt "$version" 1.2; then
        skip "$RUNTIME_NAME $version does not support seccomp flags (runc >= 1.2 does)"
    fi
}

# personality(2) under one argument condition: errno name or "ok" for each
# value in PROBES, on one line.  personality_under CONDITIONS_JSON
PROBES=(0x0 0x8 0x10 0x18)
personality_under() {
    set_seccomp "$(jq -n -c --argjson args "$1" \
        '{defaultAction: "SCMP_ACT_ALLOW",
          syscalls: [{names: ["personality"], action: "SCMP_ACT_ERRNO", args: $args}]}')"
    set_args /bin/sh -c "for v in ${PROBES[*]}; do $INIT personality \$v; done; exit 0"
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    result=$(printf '%s\n' "${lines[@]}" | sed 's/.*: //' | paste -sd' ')
}

@test "SCMP_ACT_ERRNO without errnoRet denies a syscall with EPERM, and the rest still runs" {
    make_bundle /bin/sh -c "$INIT mkdir /tmp/a; $INIT write /tmp/b x; $INIT print-caps | grep Seccomp"
    deny_mkdir SCMP_ACT_ERRNO
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_line --index 0 "mkdir /tmp/a: EPERM"
    assert_line --index 1 ok
    assert_line --index 2 Seccomp=2
}

@test "create then start: the filter loaded at create holds for the process start runs" {
    make_bundle "$INIT" mkdir /tmp/a
    deny_mkdir SCMP_ACT_ERRNO
    run_detached rt create --bundle "$BUNDLE" "$ID"
    assert_success
    run rt start "$ID"
    assert_success
    wait_status "$ID" stopped
    read_output "$DETACHED_OUT"
    assert_output "mkdir /tmp/a: EPERM"
    run rt delete "$ID"
    assert_success
}

@test "errnoRet is the errno the denied syscall returns" {
    make_bundle "$INIT" mkdir /tmp/a
    deny_mkdir SCMP_ACT_ERRNO '{"errnoRet": 18}'
    run rt run --bundle "$BUNDLE" "$ID"
    assert_failure 1
    assert_output "mkdir /tmp/a: EXDEV"
}

@test "defaultErrnoRet is the errno of every syscall no rule allows" {
    [ -f "$DEFAULT_PROFILE" ] || skip "$DEFAULT_PROFILE missing (scripts/setup installs golang-github-containers-common)"
    make_bundle /bin/sh -c "$INIT mkdir /tmp/a; $INIT write /tmp/b x"
    # The default profile's unconditional allow list, without mkdir.
    set_seccomp "$(jq -c '{defaultAction: "SCMP_ACT_ERRNO", defaultErrnoRet: 18,
        syscalls: [{action: "SCMP_ACT_ALLOW",
                    names: ([.syscalls[] | select(.action == "SCMP_ACT_ALLOW" and (.args | length) == 0)
                             | .names[]] - ["mkdir", "mkdirat"])}]}' "$DEFAULT_PROFILE")"
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_line --index 0 "mkdir /tmp/a: EXDEV"
    assert_line --index 1 ok
}

@test "an argument condition denies personality(0xffffffff) only" {
    make_bundle /bin/sh -c "$INIT personality 0xffffffff; $INIT personality 0x0"
    set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["personality"],
        "action": "SCMP_ACT_ERRNO", "args": [{"index": 0, "value": 4294967295, "op": "SCMP_CMP_EQ"}]}]}'
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_line --index 0 "personality 0xffffffff: EPERM"
    assert_line --index 1 ok
}

@test "each comparison operator denies exactly the values it matches" {
    make_bundle
    # Probes 0x0 0x8 0x10 0x18 against 8 (MASKED_EQ: value & 8 == 8).
    local op expected
    while read -r op expected; do
        personality_under "[{\"index\": 0, \"value\": 8, \"valueTwo\": 8, \"op\": \"$op\"}]"
        [ "$result" = "$expected" ] || fail "$op 8: got '$result', want '$expected'"
    done <<'EOF'
SCMP_CMP_NE EPERM ok EPERM EPERM
SCMP_CMP_LT EPERM ok ok ok
SCMP_CMP_LE EPERM EPERM ok ok
SCMP_CMP_EQ ok EPERM ok ok
SCMP_CMP_GE ok EPERM EPERM EPERM
SCMP_CMP_GT ok ok EPERM EPERM
SCMP_CMP_MASKED_EQ ok EPERM ok EPERM
EOF
}

@test "conditions on different arguments must all match (socket(AF_INET, SOCK_DGRAM) only)" {
    make_bundle /bin/sh -c "$INIT socket inet dgram; $INIT socket inet stream; $INIT socket unix dgram"
    # AF_INET is 2; SOCK_DGRAM is 2 in the low bits of the type.
    set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["socket"],
        "action": "SCMP_ACT_ERRNO", "args": [{"index": 0, "value": 2, "op": "SCMP_CMP_EQ"},
                                             {"index": 1, "value": 15, "valueTwo": 2, "op": "SCMP_CMP_MASKED_EQ"}]}]}'
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_line --index 0 "socket inet dgram: EPERM"
    assert_line --index 1 ok
    assert_line --index 2 ok
}

@test "conditions on the same argument are each a rule of their own (either matches), as in runc and crun" {
    make_bundle
    personality_under '[{"index": 0, "value": 8, "op": "SCMP_CMP_EQ"}, {"index": 0, "value": 16, "op": "SCMP_CMP_EQ"}]'
    assert_equal "$result" "ok EPERM EPERM ok"
}

@test "SCMP_ACT_KILL_PROCESS, KILL_THREAD, KILL and TRAP end the container by SIGSYS (status 159)" {
    make_bundle "$INIT" mkdir /tmp/a
    # No core file from the SIGSYS, whatever the host's core limit.
    cfg '.process.rlimits = [{type: "RLIMIT_CORE", soft: 0, hard: 0}]'
    local action
    for action in SCMP_ACT_KILL_PROCESS SCMP_ACT_KILL_THREAD SCMP_ACT_KILL SCMP_ACT_TRAP; do
        deny_mkdir "$action"
        run rt run --bundle "$BUNDLE" "$ID"
        [ "$status" -eq 159 ] || fail "$action: status $status, want 159 (output: $output)"
        refute_output --partial ok
    done
}

@test "SCMP_ACT_TRACE without a tracer fails the syscall with ENOSYS; SCMP_ACT_LOG allows it" {
    make_bundle "$INIT" mkdir /tmp/a
    deny_mkdir SCMP_ACT_TRACE
    run rt run --bundle "$BUNDLE" "$ID"
    assert_failure 1
    assert_output "mkdir /tmp/a: ENOSYS"

    deny_mkdir SCMP_ACT_LOG
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_output ok
}

@test "the filter also holds with noNewPrivileges false (loaded while the init is still privileged)" {
    make_bundle /bin/sh -c "$INIT mkdir /tmp/a; $INIT print-caps | grep NoNewPrivs"
    cfg '.process.noNewPrivileges = false'
    deny_mkdir SCMP_ACT_ERRNO
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_line --index 0 "mkdir /tmp/a: EPERM"
    assert_line --index 1 NoNewPrivs=0
}

@test "flags TSYNC, LOG and SPEC_ALLOW are accepted and the filter applies" {
    requires_seccomp_flags
    make_bundle "$INIT" mkdir /tmp/a
    deny_mkdir SCMP_ACT_ERRNO
    cfg '.linux.seccomp.flags = ["SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
                                 "SECCOMP_FILTER_FLAG_SPEC_ALLOW"]'
    run rt run --bundle "$BUNDLE" "$ID"
    assert_failure 1
    assert_output "mkdir /tmp/a: EPERM"
}

@test "without flags SPEC_ALLOW is the default; an empty flags list leaves the SSB mitigation on" {
    grep -q seccomp /sys/devices/system/cpu/vulnerabilities/spec_store_bypass 2>/dev/null ||
        skip "this host does not mitigate Speculative Store Bypass for seccomp processes"
    requires_seccomp_flags
    make_bundle "$INIT" cat /proc/self/status
    deny_mkdir SCMP_ACT_ERRNO
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_line --regexp '^Speculation_Store_Bypass:[[:space:]]+thread vulnerable$'

    cfg '.linux.seccomp.flags = []'
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_line --regexp '^Speculation_Store_Bypass:[[:space:]]+thread force mitigated$'
}

@test "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV without a notify rule is accepted" {
    berth_only "runc 1.1 does not know SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"
    make_bundle "$INIT" mkdir /tmp/a
    deny_mkdir SCMP_ACT_ERRNO
    cfg '.linux.seccomp.flags = ["SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"]'
    run rt run --bundle "$BUNDLE" "$ID"
    assert_failure 1
    assert_output "mkdir /tmp/a: EPERM"
}

@test "listed architectures join the native one, and the native rules still apply" {
    make_bundle "$INIT" mkdir /tmp/a
    deny_mkdir SCMP_ACT_ERRNO
    cfg '.linux.seccomp.architectures = ["SCMP_ARCH_X86", "SCMP_ARCH_X32", "SCMP_ARCH_X86_64"]'
    run rt run --bundle "$BUNDLE" "$ID"
    assert_failure 1
    assert_output "mkdir /tmp/a: EPERM"
}

@test "an architecture libseccomp does not know fails create, naming it, and leaves nothing behind" {
    make_bundle
    deny_mkdir SCMP_ACT_ERRNO
    cfg '.linux.seccomp.architectures = ["SCMP_ARCH_X86_64", "SCMP_ARCH_M68K"]'
    run rt create --bundle "$BUNDLE" "$ID"
    assert_failure
    if is_berth; then
        assert_output --regexp "config.json: /linux/seccomp/architectures/1: SCMP_ARCH_M68K is not known to libseccomp [0-9.]+$"
    fi
    assert_clean
}

@test "a syscall name libseccomp does not know is skipped" {
    make_bundle "$INIT" mkdir /tmp/a
    set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["no_such_syscall", "mkdir", "mkdirat"],
        "action": "SCMP_ACT_ERRNO"}]}'
    run rt run --bundle "$BUNDLE" "$ID"
    assert_failure 1
    assert_output "mkdir /tmp/a: EPERM"
}

@test "the Docker/Podman default profile loads as it is, and a busybox shell works under it" {
    [ -f "$DEFAULT_PROFILE" ] || skip "$DEFAULT_PROFILE missing (scripts/setup installs golang-github-containers-common)"
    make_bundle /bin/sh -c "echo hello; ls / | grep -x bin; $INIT mkdir /tmp/a; $INIT personality 0x8;
                            $INIT personality 0x18; $INIT print-caps | grep Seccomp"
    cfg --slurpfile p "$DEFAULT_PROFILE" '.linux.seccomp = $p[0]'
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_line --index 0 hello
    assert_line --index 1 bin
    assert_line --index 2 ok
    # personality is allowed for a few personas only; the rest get the
    # profile's defaultErrnoRet, ENOSYS.
    assert_line --index 3 ok
    assert_line --index 4 "personality 0x18: ENOSYS"
    assert_line --index 5 Seccomp=2
}

# ---- SCMP_ACT_NOTIFY -----------------------------------------------------

# Start the test init's listener on the host, answering REPLY; the process
# state document goes to $STATE_DOC.
start_listener() {
    SOCK=$BATS_TEST_TMPDIR/listener.sock
    STATE_DOC=$BATS_TEST_TMPDIR/process-state.json
    start_bg "$TEST_ROOTFS$INIT" seccomp-listener "$SOCK" "$STATE_DOC" "$1"
    wait_for test -S "$SOCK" || fail "the listener did not start: $(cat "$BATS_TEST_TMPDIR/bg.out")"
}

notify_mkdir() {
    set_seccomp "$(jq -n -c --arg sock "$SOCK" \
        '{defaultAction: "SCMP_ACT_ALLOW", listenerPath: $sock, listenerMetadata: "berth-test",
          syscalls: [{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_NOTIFY"}]}')"
}

@test "SCMP_ACT_NOTIFY: the listener gets the fd and the process state, and its errno is what the container sees" {
    make_bundle "$INIT" mkdir /tmp/a
    start_listener 95 # EOPNOTSUPP
    notify_mkdir
    run rt run --bundle "$BUNDLE" "$ID"
    assert_failure 1
    assert_output "mkdir /tmp/a: EOPNOTSUPP"

    # The listener ends once no process uses the filter.
    wait_for pid_gone "$BG_PID" || fail "the listener is still running"
    run cat "$BATS_TEST_TMPDIR/bg.out"
    assert_output --regexp '^notified [0-9]+$'
    run jq -r '[(.fds | join(",")), .metadata, .state.id, .state.status, (.pid == .state.pid and .pid > 0),
                .state.bundle] | join(" ")' "$STATE_DOC"
    assert_output "seccompFd berth-test $ID creating true $BUNDLE"
}

@test "SCMP_ACT_NOTIFY: a listener can make a syscall succeed without running it" {
    make_bundle /bin/sh -c "$INIT mkdir /tmp/a; test -d /tmp/a && echo made || echo not-made"
    start_listener ok
    notify_mkdir
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_line --index 0 ok
    assert_line --index 1 not-made
}

@test "SCMP_ACT_NOTIFY with a listenerPath nobody listens on fails create and leaves nothing behind" {
    make_bundle
    SOCK=$BATS_TEST_TMPDIR/nobody.sock
    notify_mkdir
    run rt create --bundle "$BUNDLE" "$ID"
    assert_failure
    if is_berth; then
        assert_output --partial "config.json: /linux/seccomp/listenerPath: connect to $SOCK"
    fi
    assert_clean
}

@test "SCMP_ACT_NOTIFY without listenerPath is a config error naming the rule" {
    make_bundle
    set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ALLOW"},
        {"names": ["mkdirat"], "action": "SCMP_ACT_NOTIFY"}]}'
    run rt create --bundle "$BUNDLE" "$ID"
    assert_failure
    if is_berth; then
        assert_output "berth: config.json: /linux/seccomp/syscalls/1/action: SCMP_ACT_NOTIFY needs /linux/seccomp/listenerPath"
    fi
    assert_clean
}

@test "SCMP_ACT_NOTIFY is refused as the default action and on the syscall that sends the fd" {
    make_bundle
    SOCK=$BATS_TEST_TMPDIR/unused.sock
    set_seccomp "$(jq -n -c --arg sock "$SOCK" '{defaultAction: "SCMP_ACT_NOTIFY", listenerPath: $sock}')"
    run rt create --bundle "$BUNDLE" "$ID"
    assert_failure
    if is_berth; then
        assert_output "berth: config.json: /linux/seccomp/defaultAction: SCMP_ACT_NOTIFY cannot be the default action"
    fi
    assert_clean

    berth_only "runc forbids SCMP_ACT_NOTIFY on write, which its init uses instead"
    set_seccomp "$(jq -n -c --arg sock "$SOCK" '{defaultAction: "SCMP_ACT_ALLOW", listenerPath: $sock,
        syscalls: [{names: ["mkdir", "sendmsg"], action: "SCMP_ACT_NOTIFY"}]}')"
    run rt create --bundle "$BUNDLE" "$ID"
    assert_failure
    assert_output --partial "config.json: /linux/seccomp/syscalls/0/names/1: SCMP_ACT_NOTIFY cannot apply to sendmsg"
    assert_clean
}

@test "an errnoRet the kernel cannot return is a config error" {
    berth_only "runc truncates errnoRet to 16 bits"
    make_bundle
    deny_mkdir SCMP_ACT_ERRNO '{"errnoRet": 5000}'
    run rt create --bundle "$BUNDLE" "$ID"
    assert_failure
    assert_output "berth: config.json: /linux/seccomp/syscalls/0/errnoRet: 5000 is not an errno (the kernel returns at most 4095)"
    assert_clean
}

@test "features lists seccomp with every action, operator and flag berth takes" {
    requires_runtime_feature features
    run rt features
    assert_success
    echo "$output" | jq -e '.linux.seccomp.enabled == true' >/dev/null || fail "seccomp not enabled: $output"
    berth_only "the lists are berth's"
    echo "$output" | jq -e '.linux.seccomp |
        (.actions | sort) == ["SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS",
                              "SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY", "SCMP_ACT_TRACE",
                              "SCMP_ACT_TRAP"]
        and (.operators | sort) == ["SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_LE", "SCMP_CMP_LT",
                                    "SCMP_CMP_MASKED_EQ", "SCMP_CMP_NE"]
        and (.archs | index("SCMP_ARCH_X86_64")) != null
        and (.knownFlags | length) == 4
        and ((.supportedFlags - .knownFlags) | length) == 0' >/dev/null ||
        fail "unexpected seccomp features: $(echo "$output" | jq -c .linux.seccomp)"
}

# Profiles that deny the socket syscalls a runtime's own start-up could use
# (berth's sync channel with its init): the container must still start.
deny_socket_io() {
    set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW",
                  "syscalls": [{"names": ["sendto", "recvfrom", "sendmsg", "recvmsg"],
                                "action": "SCMP_ACT_ERRNO"}]}'
}

@test "a profile denying sendto, recvfrom, sendmsg and recvmsg still lets run start the process" {
    make_bundle "$INIT" exit 5
    deny_socket_io
    run rt run --bundle "$BUNDLE" "$ID"
    assert_equal "$status" 5
    assert_clean
}

@test "a profile denying the socket syscalls still lets create and start run the process" {
    make_bundle /bin/sh -c "echo ran > /shared/marker"
    deny_socket_io
    cfg '.process.noNewPrivileges = false'
    run_detached rt create --bundle "$BUNDLE" "$ID"
    assert_success
    run rt start "$ID"
    assert_success
    wait_for test -e "$SHARED/marker" || fail "the process did not run"
}

@test "with noNewPrivileges the filter does not apply to startContainer hooks" {
    berth_only "where the filter is loaded relative to startContainer hooks is the runtime's choice"
    make_bundle "$INIT" exit 0
    printf '#!/bin/sh\nmkdir /shared/hook-made-this && echo ok > /shared/hook\n' >"$BUNDLE/rootfs/hook.sh"
    chmod +x "$BUNDLE/rootfs/hook.sh"
    cfg '.process.noNewPrivileges = true | .hooks.startContainer = [{path: "/hook.sh"}]'
    deny_mkdir SCMP_ACT_ERRNO
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    [ -d "$SHARED/hook-made-this" ] || fail "the startContainer hook ran under the container's filter"
}
