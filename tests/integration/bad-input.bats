#!/usr/bin/env bats
# Bad bundles and configs: each fails with an error a user can act on and
# leaves no state dir, cgroup, mount or process behind.

load helpers

# create must fail, the error must contain $1, and nothing may remain.
create_fails_with() {
    run_detached rt create --bundle "$BUNDLE" "$ID"
    assert_failure
    assert_output --partial "$1"
    run rt state "$ID"
    assert_failure
    assert_clean
}

@test "a bundle without config.json fails naming the file and leaves nothing behind" {
    make_bundle
    rm "$BUNDLE/config.json"
    create_fails_with config.json
}

@test "a bundle directory that does not exist fails and leaves nothing behind" {
    BUNDLE=$BATS_TEST_TMPDIR/no-such-bundle
    create_fails_with no-such-bundle
}

@test "invalid JSON in config.json fails and leaves nothing behind" {
    make_bundle
    printf '{\n  "ociVersion": "1.0.2",\n  "process": {,\n}\n' >"$BUNDLE/config.json"
    run_detached rt create --bundle "$BUNDLE" "$ID"
    assert_failure
    assert_clean
}

@test "invalid JSON errors name config.json with the line and column" {
    berth_only "the error format is berth's"
    make_bundle
    # The stray comma is on line 3, column 15.
    printf '{\n  "ociVersion": "1.0.2",\n  "process": {,\n}\n' >"$BUNDLE/config.json"
    run_detached rt create --bundle "$BUNDLE" "$ID"
    assert_failure
    assert_output --partial config.json
    assert_output --regexp 'line 3'
    assert_output --regexp 'column 1[45]'
    assert_clean
}

@test "a field of the wrong type fails and leaves nothing behind" {
    make_bundle
    cfg '.process.args = "not-an-array"'
    run_detached rt create --bundle "$BUNDLE" "$ID"
    assert_failure
    assert_output --partial args
    assert_clean
}

@test "config errors name the JSON path: config.json: /process/args" {
    berth_only "the error format is berth's"
    make_bundle
    cfg '.process.args = "not-an-array"'
    create_fails_with "config.json: /process/args"
}

@test "config errors name the JSON path inside arrays: /mounts/N/destination" {
    berth_only "the error format is berth's"
    make_bundle
    cfg '.mounts[1].destination = 42'
    create_fails_with "config.json: /mounts/1/destination"
}

@test "an empty process.args is refused and leaves nothing behind" {
    make_bundle
    cfg '.process.args = []'
    run_detached rt create --bundle "$BUNDLE" "$ID"
    assert_failure
    assert_output --partial args
    assert_clean
}

@test "a config without process is refused by create and leaves nothing behind" {
    make_bundle
    cfg 'del(.process)'
    run_detached rt create --bundle "$BUNDLE" "$ID"
    assert_failure
    assert_clean
}

@test "an unknown namespace type is refused and leaves nothing behind" {
    make_bundle
    add_ns no-such-namespace
    run_detached rt create --bundle "$BUNDLE" "$ID"
    assert_failure
    assert_output --partial no-such-namespace
    assert_clean
}

@test "a namespace path that does not exist fails naming it and leaves nothing behind" {
    make_bundle
    add_ns network "$BATS_TEST_TMPDIR/no-such-netns"
    create_fails_with no-such-netns
}

@test "a rootfs that does not exist fails naming it and leaves nothing behind" {
    make_bundle
    cfg '.root.path = "no-such-rootfs"'
    create_fails_with no-such-rootfs
}

@test "an unknown capability is warned about, as the spec asks, and the container still runs" {
    make_bundle "$INIT" exit 0
    cfg '.process.capabilities.bounding += ["CAP_NO_SUCH_THING"]'
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_output --partial CAP_NO_SUCH_THING
    assert_clean
}

@test "an unknown rlimit type is refused and leaves nothing behind" {
    make_bundle
    cfg '.process.rlimits = [{type: "RLIMIT_NO_SUCH", soft: 1, hard: 1}]'
    run_detached rt create --bundle "$BUNDLE" "$ID"
    assert_failure
    assert_output --partial RLIMIT_NO_SUCH
    assert_clean
}

@test "a mount whose source does not exist fails and leaves nothing behind" {
    make_bundle
    add_mount /mnt/x bind "$BATS_TEST_TMPDIR/no-such-source" rbind
    create_fails_with no-such-source
}

@test "a failure late in create (missing executable) leaves nothing behind" {
    make_bundle /no/such/executable
    run_detached rt create --bundle "$BUNDLE" "$ID"
    # runc checks the executable at create; a runtime may also fail at start.
    if [ "$status" = 0 ]; then
        run rt start "$ID"
        assert_failure
        rt delete --force "$ID"
    else
        assert_output --partial /no/such/executable
    fi
    assert_clean
}
