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

# ---- hostile configs ---------------------------------------------------------
# berth's limits (docs/design.md, "Fuzzing and sanitizers"): config.json at
# most 4 MiB; at most 4096 entries in mounts, linux.devices, maskedPaths,
# readonlyPaths and each hook list; args and env within what execve(2)
# takes; names within what the kernel takes.  Each refusal is one line
# naming config.json (and the JSON path), before anything exists.

# create must fail, leave nothing behind and, with berth, say so in one
# line "berth: config.json: ..." containing $1 (a regexp with --regexp).
create_refused() {
    local how=--partial
    if [ "$1" = --regexp ]; then how=--regexp; shift; fi
    run_detached rt create --bundle "$BUNDLE" "$ID"
    assert_failure
    if is_berth; then
        [ "${#lines[@]}" -eq 1 ] || fail "expected one line, got ${#lines[@]}: $output"
        assert_output --regexp '^berth: config\.json: '
        assert_output "$how" "$1"
    fi
    run rt state "$ID"
    assert_failure
    assert_clean
}

# The compact config with TEXT (raw JSON: "\"key\": value") spliced in as
# its last member; jansson keeps the last of duplicate keys.
splice_member() { # splice_member TEXT
    local compact
    compact=$(jq -c . "$BUNDLE/config.json") || fail "jq failed"
    printf '%s,%s}' "${compact%\}}" "$1" >"$BUNDLE/config.json"
}

# N copies of TEXT joined by commas, fast for a million.
repeat_joined() { # repeat_joined N TEXT
    yes "$2" | head -n "$1" | paste -s -d, -
}

# N copies of one character.
repeat_char() { # repeat_char N CHAR
    head -c "$1" /dev/zero | tr '\0' "$2"
}

@test "a 100 MB hostname is refused quickly, in little memory, naming config.json, and leaves nothing behind" {
    berth_only "the 4 MiB limit is berth's"
    make_bundle
    local compact start rss
    compact=$(jq -c '.hostname = "x"' "$BUNDLE/config.json")
    { printf '%s' "${compact%\"x\"*}\""; repeat_char 100000000 h; printf '"%s' "${compact##*\"x\"}"; } \
        >"$BUNDLE/config.json"
    [ "$(stat -c %s "$BUNDLE/config.json")" -gt 100000000 ] || fail "the config is not that big"
    start=$SECONDS
    run_detached /usr/bin/time -f 'maxrss %M KB' env BERTH_TEST_MARK="$MARK" "$RUNTIME" --root "$ROOT" \
        create --bundle "$BUNDLE" "$ID"
    assert_failure
    [ $((SECONDS - start)) -lt 20 ] || fail "took $((SECONDS - start)) s"
    rss=$(sed -n 's/^maxrss \([0-9]*\) KB$/\1/p' <<<"$output")
    [ -n "$rss" ] && [ "$rss" -lt 150000 ] || fail "used ${rss:-?} KB: $output"
    assert_line --index 0 --regexp '^berth: config\.json: .*/config\.json: larger than 4194304 bytes$'
    run rt state "$ID"
    assert_failure
    assert_clean
}

@test "a hostname longer than the kernel's 64 bytes is refused naming /hostname and leaves nothing behind" {
    make_bundle
    cfg '.hostname = ("h" * 65)'
    create_refused "config.json: /hostname: 65 bytes, the kernel takes at most 64"
}

@test "a million env entries are refused (config.json above 4 MiB) and leave nothing behind" {
    berth_only "the 4 MiB limit is berth's"
    make_bundle
    echo "[$(repeat_joined 1000000 '"V=1"')]" >"$BATS_TEST_TMPDIR/env.json"
    cfg --slurpfile e "$BATS_TEST_TMPDIR/env.json" '.process.env += $e[0]'
    create_refused "larger than 4194304 bytes"
}

@test "env execve(2) could not take is refused at create naming /process and leaves nothing behind" {
    berth_only "the limit is berth's: other runtimes fail at start"
    make_bundle
    # 700000 entries: 3.5 MB of JSON, 7.7 MB for execve(2) with the pointers.
    splice_member "\"process\": {\"cwd\": \"/\", \"args\": [\"$INIT\", \"exit\", \"0\"], \"env\": [$(repeat_joined 700000 '"A="')]}"
    create_refused --regexp 'config\.json: /process: args and env take [0-9]+ bytes with their pointers, execve\(2\) takes at most 6291456$'
}

@test "an argument longer than execve(2) takes is refused naming /process/args/N and leaves nothing behind" {
    berth_only "the limit is berth's: other runtimes fail at start"
    make_bundle
    repeat_char 200000 a >"$BATS_TEST_TMPDIR/arg"
    cfg --rawfile a "$BATS_TEST_TMPDIR/arg" '.process.args = ["/bin/echo", $a]'
    create_refused "config.json: /process/args/1: 200001 bytes, execve(2) takes at most"
}

@test "100000 mounts are refused naming /mounts and leave nothing behind" {
    berth_only "the limit is berth's"
    make_bundle
    cfg '.mounts += [range(100000) | {destination: "/tmp"}]'
    create_refused --regexp 'config\.json: /mounts: 1000[0-9]+ entries, berth takes at most 4096$'
}

@test "4096 tmpfs mounts stacked on /tmp, the most berth takes, run in seconds" {
    berth_only "the limit is berth's"
    make_bundle "$INIT" exit 0
    cfg '(4096 - (.mounts | length)) as $n | .mounts += [range($n) | {destination: "/tmp", type: "tmpfs", source: "tmpfs"}]'
    local start=$SECONDS
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    [ $((SECONDS - start)) -lt 30 ] || fail "took $((SECONDS - start)) s"
    assert_clean
}

@test "100000 nested arrays in an unknown property are refused naming config.json's line and column" {
    make_bundle
    splice_member "\"x\": $(repeat_char 100000 '[')$(repeat_char 100000 ']')"
    create_refused --regexp '^berth: config\.json: line 1, column [0-9]+: maximum parsing depth reached'
}

@test "100000 nested objects in process.args are refused and leave nothing behind" {
    make_bundle
    splice_member "\"process\": {\"cwd\": \"/\", \"args\": [$(yes '{"a":' | head -n 100000 | tr -d '\n') 1 $(repeat_char 100000 '}')]}"
    create_refused "maximum parsing depth reached"
}

@test "nesting within the parser's depth in a known property names its JSON path" {
    make_bundle
    splice_member "\"process\": {\"cwd\": \"/\", \"args\": $(repeat_char 1000 '[')$(repeat_char 1000 ']')}"
    create_refused "config.json: /process/args: expected an array of strings"
}

@test "negative sizes are refused naming their JSON path and leave nothing behind" {
    local filter expected
    while IFS='|' read -r filter expected; do
        rm -rf "$BUNDLE"
        make_bundle
        cfg "$filter"
        create_refused "$expected"
    done <<'CASES'
.linux.resources.memory.limit = -5|config.json: /linux/resources/memory/limit: expected an integer from -1 to 9223372036854775807, got -5
.linux.resources.pids.limit = -7|config.json: /linux/resources/pids/limit: expected an integer from -1 to 9223372036854775807, got -7
.process.rlimits = [{type: "RLIMIT_NOFILE", soft: -1, hard: 1024}]|config.json: /process/rlimits/0/soft: expected an integer from 0 to 18446744073709551615, got -1
.process.user.uid = -1|config.json: /process/user/uid: expected an integer from 0 to 4294967295, got -1
.process.user.additionalGids = [5, -1]|config.json: /process/user/additionalGids/1: expected an integer from 0 to 4294967295, got -1
.process.consoleSize = {height: -1, width: 80}|config.json: /process/consoleSize/height: expected an integer from 0 to 4294967295, got -1
.linux.resources.hugepageLimits = [{pageSize: "2MB", limit: -1}]|config.json: /linux/resources/hugepageLimits/0/limit: expected an integer from 0 to 18446744073709551615, got -1
CASES
}

@test "a tmpfs of size=-1 fails at create naming the mount's JSON path and leaves nothing behind" {
    make_bundle
    add_mount /tmp tmpfs tmpfs size=-1
    local index
    index=$(jq '.mounts | length - 1' "$BUNDLE/config.json")
    create_refused --regexp "config\.json: /mounts/$index: mount tmpfs to /tmp: Invalid argument\$"
}

@test "container ids with '/', '..', control characters, none or too many characters are refused on one line" {
    make_bundle
    local id
    for id in "a/b" ".." "." "../escape" "" "$(repeat_char 256 a)" \
        "$(printf 'a\nb')" "$(printf 'red\033[31m')" "$(printf 'tab\tx')"; do
        run_detached rt create --bundle "$BUNDLE" "$id"
        assert_failure
        if is_berth; then
            [ "${#lines[@]}" -eq 1 ] || fail "id '$id': expected one line, got: $output"
            assert_output --regexp '^berth: invalid container id '
        fi
        [ ! -e "$BATS_TEST_TMPDIR/escape" ] || fail "id '$id' made $BATS_TEST_TMPDIR/escape"
        assert_clean
    done
}

@test "a mount destination with '..' stays inside the rootfs" {
    make_bundle "$INIT" mounts
    # Joined naively to the rootfs, "/../../escape-mnt" would be
    # $BATS_TEST_TMPDIR/escape-mnt on the host.
    add_mount /../../escape-mnt tmpfs tmpfs
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_output --regexp ' /escape-mnt [^ ]+ .* - tmpfs '
    [ ! -e "$BATS_TEST_TMPDIR/escape-mnt" ] || fail "the mount point was made outside the rootfs"
    [ -d "$BUNDLE/rootfs/escape-mnt" ] || fail "no /escape-mnt in the rootfs"
    assert_clean
}

@test "a relative mount destination ../../etc is refused naming /mounts/N/destination" {
    berth_only "runc 1.1 accepts it with a warning"
    make_bundle
    add_mount ../../etc tmpfs tmpfs
    local index
    index=$(jq '.mounts | length - 1' "$BUNDLE/config.json")
    create_refused "config.json: /mounts/$index/destination: must be an absolute path, got \"../../etc\""
}

@test "device and masked paths with '..' stay inside the rootfs" {
    make_bundle /bin/sh -c "$INIT devnum /escape-dev; wc -c </etc/passwd"
    cfg '.linux.devices = [{path: "/dev/../../escape-dev", type: "c", major: 1, minor: 3, fileMode: 438}]
         | .linux.maskedPaths += ["/../../../etc/passwd"]'
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_line --index 0 --partial "c 1:3"
    assert_line --index 1 0
    [ ! -e "$BUNDLE/escape-dev" ] && [ ! -e "$BATS_TEST_TMPDIR/escape-dev" ] ||
        fail "the device node was made outside the rootfs"
    assert_clean
}

@test "a cgroupsPath with '..' is refused naming /linux/cgroupsPath and leaves nothing behind" {
    berth_only "runc cleans the path and makes the group inside the hierarchy"
    make_bundle
    cfg --arg p "/../../..$BATS_TEST_TMPDIR/escape-cg" '.linux.cgroupsPath = $p'
    create_refused --regexp 'config\.json: /linux/cgroupsPath: .*must not contain "\.\."'
    [ ! -e "$BATS_TEST_TMPDIR/escape-cg" ] || fail "a directory was made outside the cgroup hierarchy"
}
