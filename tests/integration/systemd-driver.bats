#!/usr/bin/env bats
# --systemd-cgroup where systemd is not the init (this host, CI): a clear
# one-line error that says so and how to go on, and nothing left behind.
# Against a real systemd: tests/vm/systemd.bats.

load helpers

setup() {
    common_setup
    berth_only "the wording of berth's errors"
    [ ! -d /run/systemd/system ] ||
        skip "systemd runs this host: tests/vm/systemd.bats covers the driver with it"
}

@test "--systemd-cgroup run without systemd: one line saying so and to drop the option; nothing left" {
    make_bundle
    cfg --arg cp "machine.slice:berth:$ID" '.linux.cgroupsPath = $cp'
    run rt --systemd-cgroup run -d --bundle "$BUNDLE" "$ID"
    assert_failure
    assert_equal "${#lines[@]}" 1
    assert_output "berth: --systemd-cgroup: systemd is not running on this host (no /run/systemd/system); drop --systemd-cgroup and berth manages the container's cgroup itself"
    assert_clean
}

@test "--systemd-cgroup create without systemd and no cgroupsPath: the same error, nothing left" {
    make_bundle
    cfg 'del(.linux.cgroupsPath)'
    run rt --systemd-cgroup create --bundle "$BUNDLE" "$ID"
    assert_failure
    assert_output --partial "systemd is not running on this host"
    assert_clean
}

@test "--systemd-cgroup: a cgroupsPath not of the form slice:prefix:name is a config error first" {
    make_bundle
    cfg '.linux.cgroupsPath = "/berth/not-systemd"'
    run rt --systemd-cgroup run -d --bundle "$BUNDLE" "$ID"
    assert_failure
    assert_output --partial 'config.json: /linux/cgroupsPath: "/berth/not-systemd" is not of the form "slice:prefix:name"'
    assert_clean
}

@test "--systemd-cgroup: slice names systemd refuses are config errors" {
    make_bundle
    for slice in a--b.slice -a.slice a-.slice machine system.sl/ice; do
        cfg --arg cp "$slice:berth:$ID" '.linux.cgroupsPath = $cp'
        run rt --systemd-cgroup run -d --bundle "$BUNDLE" "$ID"
        assert_failure
        assert_output --partial "\"$slice\" is not a valid slice name"
    done
    assert_clean
}

@test "--systemd-cgroup: an id with a character systemd refuses in unit names needs a cgroupsPath" {
    make_bundle
    cfg 'del(.linux.cgroupsPath)'
    run rt --systemd-cgroup run -d --bundle "$BUNDLE" "$ID+1"
    assert_failure
    assert_output --partial "makes the unit name \"berth-$ID+1.scope\": systemd does not allow '+' in unit names"
    assert_clean
}

@test "--systemd-cgroup: a limit systemd cannot take (swap below memory) is refused before systemd is asked" {
    make_bundle
    cfg '.linux.resources = {memory: {limit: 67108864, swap: 1048576}}'
    run rt --systemd-cgroup run -d --bundle "$BUNDLE" "$ID"
    assert_failure
    assert_output --partial /linux/resources/memory/swap
    refute_output --partial systemd
    assert_clean
}
