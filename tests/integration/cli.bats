#!/usr/bin/env bats
# The command line as runc defines it: --version, --help, spec, features,
# --log/--log-format, unknown commands.

load helpers

@test "--version names the runtime, its version and the OCI spec version" {
    run "$RUNTIME" --version
    assert_success
    assert_line --index 0 --regexp "^$RUNTIME_NAME version [0-9]+\.[0-9]+"
    assert_line --regexp '^spec: [0-9]+\.[0-9]+\.[0-9]+'
}

@test "--help of each subcommand describes it and exits 0" {
    cmds=(create start run state kill delete list pause resume ps events update spec features)
    is_berth && cmds=(check "${cmds[@]}")
    # (Older runtimes have no features command: crun 1.8.)
    is_berth || "$RUNTIME" features >/dev/null 2>&1 || unset 'cmds[-1]'
    for cmd in "${cmds[@]}"; do
        run "$RUNTIME" "$cmd" --help
        assert_success
        [[ ${output,,} == *usage* ]] || fail "$cmd --help shows no usage: $output"
        [[ $output == *"$cmd"* ]] || fail "$cmd --help does not name the command: $output"
    done
}

@test "--help lists the subcommands" {
    run "$RUNTIME" --help
    assert_success
    for cmd in create start run state kill delete list pause resume ps events update spec; do
        assert_output --regexp "(^|[[:space:]])$cmd([[:space:]]|,|$)"
    done
}

@test "an unknown subcommand fails and names it" {
    run "$RUNTIME" no-such-command
    assert_failure
    assert_output --partial no-such-command
}

@test "spec writes a config.json that is a valid starting point" {
    cd "$BATS_TEST_TMPDIR"
    run "$RUNTIME" spec
    assert_success
    jq -e '
        (.ociVersion | test("^1\\.")) and
        (.process.args | length > 0) and (.process.cwd | startswith("/")) and
        (.root.path == "rootfs") and
        ([.linux.namespaces[].type] | contains(["pid", "mount", "ipc", "uts"])) and
        ([.mounts[].destination] | contains(["/proc", "/dev", "/dev/pts", "/sys"]))' config.json ||
        fail "unexpected config: $(cat config.json)"
}

@test "spec refuses to overwrite an existing config.json" {
    cd "$BATS_TEST_TMPDIR"
    echo '{"keep": true}' >config.json
    run "$RUNTIME" spec
    assert_failure
    assert_output --partial config.json
    assert_equal "$(cat config.json)" '{"keep": true}'
}

@test "spec --bundle writes into the bundle directory" {
    mkdir -p "$BATS_TEST_TMPDIR/b"
    cd /
    run "$RUNTIME" spec --bundle "$BATS_TEST_TMPDIR/b"
    assert_success
    jq -e .ociVersion "$BATS_TEST_TMPDIR/b/config.json" >/dev/null || fail "no config in the bundle"
}

@test "spec --rootless writes a user namespace mapping the caller, and no network namespace" {
    cd "$BATS_TEST_TMPDIR"
    run "$RUNTIME" spec --rootless
    assert_success
    jq -e --argjson uid "$(id -u)" --argjson gid "$(id -g)" '
        ([.linux.namespaces[].type] | index("user")) and
        ([.linux.namespaces[].type] | index("network") | not) and
        .linux.uidMappings[0] == {containerID: 0, hostID: $uid, size: 1} and
        .linux.gidMappings[0] == {containerID: 0, hostID: $gid, size: 1}' config.json ||
        fail "unexpected rootless config: $(cat config.json)"
}

@test "a container from an unedited spec config runs" {
    mkdir -p "$BUNDLE"
    cd "$BUNDLE"
    "$RUNTIME" spec
    cp -a "$TEST_ROOTFS" rootfs
    # Only what a terminal-less test needs; everything else as spec made it.
    cfg --arg init "$INIT" --arg mark "BERTH_TEST_MARK=$MARK" \
        '.process.terminal = false | .process.args = [$init, "hostname"] | .process.env += [$mark]'
    run rt run "$ID"
    assert_success
    assert_output "$(jq -r .hostname config.json)"
}

@test "features prints JSON with the OCI versions, namespaces and mount options" {
    requires_runtime_feature features
    run "$RUNTIME" features
    assert_success
    jq -e '
        (.ociVersionMin | test("^1\\.")) and (.ociVersionMax | test("^1\\.")) and
        ([.linux.namespaces[]] | contains(["pid", "mount", "network", "ipc", "uts", "user", "cgroup"])) and
        (.mountOptions | index("bind")) and (.linux.capabilities | index("CAP_SYS_ADMIN"))' <<<"$output" ||
        fail "unexpected features: $output"
}

@test "features says berth implements cgroup v2 with the cgroupfs and systemd drivers and rdma, not cgroup v1" {
    berth_only "what berth implements"
    run "$RUNTIME" features
    assert_success
    run jq -c .linux.cgroup <<<"$output"
    assert_output '{"v1":false,"v2":true,"systemd":true,"systemdUser":false,"rdma":true}'
}

@test "--log with --log-format json writes JSON lines with level, msg and time on an error" {
    log=$BATS_TEST_TMPDIR/runtime.log
    run rt --log "$log" --log-format json state no-such-container
    assert_failure
    [ -s "$log" ] || fail "nothing logged"
    while read -r line; do
        jq -e 'has("level") and has("msg") and has("time")' <<<"$line" >/dev/null ||
            fail "not a JSON log line with level, msg and time: $line"
    done <"$log"
    jq -e -s 'map(select(.level == "error" and (.msg | length > 0))) | length > 0' "$log" >/dev/null ||
        fail "no error line: $(cat "$log")"
}

@test "--log with the default text format writes the error to the log file, not JSON" {
    log=$BATS_TEST_TMPDIR/runtime.log
    run rt --log "$log" state no-such-container
    assert_failure
    [ -s "$log" ] || fail "nothing logged"
    ! jq -e . "$log" >/dev/null 2>&1 || fail "the default log format is JSON: $(cat "$log")"
}

@test "--debug adds debug lines to the log" {
    make_bundle "$INIT" exit 0
    log=$BATS_TEST_TMPDIR/runtime.log
    run rt --debug --log "$log" --log-format json run --bundle "$BUNDLE" "$ID"
    assert_success
    jq -e -s 'map(select(.level == "debug")) | length > 0' "$log" >/dev/null ||
        fail "no debug line: $(cat "$log")"
}

@test "an unknown --log-format value is refused" {
    run rt --log-format yaml list
    assert_failure
}
