#!/usr/bin/env bats
# User namespaces with several id ranges, and idmapped bind mounts (the
# "idmap" and "ridmap" options, mounts[].uidMappings/gidMappings): what the
# container sees in /proc/self/uid_map and as file owners, and what its
# writes become on the host.

load helpers

OVERFLOW_UID=$(cat /proc/sys/kernel/overflowuid)
OVERFLOW_GID=$(cat /proc/sys/kernel/overflowgid)

setup() {
    common_setup
    TEST_MOUNTS=()
}

# Mounts a test makes on the host for its sources go before the teardown
# looks for leftovers under the test's directory.
teardown() {
    local i
    for ((i = ${#TEST_MOUNTS[@]} - 1; i >= 0; i--)); do
        umount "${TEST_MOUNTS[i]}" 2>/dev/null || true
    done
    common_teardown
}

host_mount() { # host_mount MOUNT-ARGS... TARGET
    mount "$@"
    TEST_MOUNTS+=("${!#}")
}

add_userns() { # add_userns UID-MAPPINGS-JSON GID-MAPPINGS-JSON
    add_ns user
    cfg --argjson u "$1" --argjson g "$2" '.linux.uidMappings = $u | .linux.gidMappings = $g'
    open_bundle_path
}

# A user namespace mapping container 0-65535 to host 100000-165535.
add_plain_userns() {
    add_userns '[{"containerID": 0, "hostID": 100000, "size": 65536}]' \
        '[{"containerID": 0, "hostID": 100000, "size": 65536}]'
}

# add_idmapped_mount DEST SOURCE OPTIONS-JSON [UID-MAPPINGS-JSON GID-MAPPINGS-JSON]
add_idmapped_mount() {
    local extra='{}'
    [ $# -lt 4 ] || extra=$(jq -n -c --argjson u "$4" --argjson g "$5" '{uidMappings: $u, gidMappings: $g}')
    cfg --arg d "$1" --arg s "$2" --argjson o "$3" --argjson x "$extra" \
        '.mounts += [{destination: $d, type: "bind", source: $s, options: $o} + $x]'
}

# Skip unless the runtime does idmapped mounts (runc before 1.2 ignores the
# mappings) and DIR is on a filesystem known to take them on this kernel.
requires_idmap() {
    local features
    if ! is_berth; then
        features=$("$RUNTIME" features 2>/dev/null) &&
            jq -e '.linux.mountExtensions.idmap.enabled == true' <<<"$features" >/dev/null 2>&1 ||
            skip "$RUNTIME_NAME does not report idmapped mounts (mountExtensions) in its features"
    fi
    local type kernel
    type=$(stat -f -c %T "$1")
    kernel=$(uname -r | grep -oE '^[0-9]+\.[0-9]+')
    case $type in
    ext2/ext3 | xfs) version_lt "$kernel" 5.12 && skip "Linux $kernel has no idmapped mounts (5.12 has)" ;;
    btrfs) version_lt "$kernel" 5.15 && skip "Linux $kernel cannot idmap btrfs (5.15 can)" ;;
    tmpfs) version_lt "$kernel" 6.3 && skip "Linux $kernel cannot idmap tmpfs (6.3 can)" ;;
    *) skip "$1 is on $type, not known to take idmapped mounts" ;;
    esac
    return 0
}

# A directory of files with the given owners: make_owned DIR OWNER...
# (file N is owned by the N-th OWNER, "uid:gid").
make_owned() {
    local dir=$1 i=0 owner
    shift
    mkdir -p "$dir"
    for owner in "$@"; do
        i=$((i + 1))
        touch "$dir/f$i"
        chown "$owner" "$dir/f$i"
    done
}

# Fields collapsed to single spaces, as the kernel pads uid_map with.
squeeze() {
    awk '{ $1 = $1; print }'
}

# ---- user namespace mappings -----------------------------------------------

@test "a container with three uid and gid ranges sees exactly those lines in uid_map and gid_map" {
    make_bundle /bin/sh -c 'cat /proc/self/uid_map; echo --; cat /proc/self/gid_map'
    add_userns '[{"containerID": 0, "hostID": 100000, "size": 1000},
                 {"containerID": 1000, "hostID": 1000, "size": 1},
                 {"containerID": 2000, "hostID": 300000, "size": 500}]' \
        '[{"containerID": 0, "hostID": 200000, "size": 1000},
          {"containerID": 1000, "hostID": 2000, "size": 1},
          {"containerID": 3000, "hostID": 400000, "size": 10}]'
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_equal "$(squeeze <<<"$output")" "0 100000 1000
1000 1000 1
2000 300000 500
--
0 200000 1000
1000 2000 1
3000 400000 10"
}

@test "files owned by host ids inside the ranges show the mapped owners, others the overflow id" {
    make_owned "$SHARED" 1000:2000 300005:400003 100007:200009 5000:5000
    make_bundle /bin/stat -c '%n %u:%g' /shared/f1 /shared/f2 /shared/f3 /shared/f4
    add_userns '[{"containerID": 0, "hostID": 100000, "size": 1000},
                 {"containerID": 1000, "hostID": 1000, "size": 1},
                 {"containerID": 2000, "hostID": 300000, "size": 500}]' \
        '[{"containerID": 0, "hostID": 200000, "size": 1000},
          {"containerID": 1000, "hostID": 2000, "size": 1},
          {"containerID": 3000, "hostID": 400000, "size": 10}]'
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_equal "$output" "/shared/f1 1000:1000
/shared/f2 2005:3003
/shared/f3 7:9
/shared/f4 $OVERFLOW_UID:$OVERFLOW_GID"
}

@test "a user namespace with the kernel's 340 ranges works" {
    # Short numbers: the kernel takes a map of less than a page.
    maps=$(jq -n -c '[range(340) | {containerID: ., hostID: (1000 + .), size: 1}]')
    make_bundle /bin/sh -c 'wc -l < /proc/self/uid_map; tail -1 /proc/self/gid_map'
    add_userns "$maps" "$maps"
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_equal "$(squeeze <<<"$output")" "340
339 1339 1"
}

@test "bad id mappings are refused with their JSON path before anything is created" {
    berth_only "the error text"
    make_bundle "$INIT" pid
    add_plain_userns
    local good='[{"containerID": 0, "hostID": 100000, "size": 65536}]'
    check() { # check UID-MAPPINGS-JSON EXPECTED-ERROR
        cfg --argjson u "$1" '.linux.uidMappings = $u'
        run rt run --bundle "$BUNDLE" "$ID"
        assert_failure
        assert_output "berth: config.json: $2"
        assert_clean
    }
    check '[{"containerID": 0, "hostID": 100000, "size": 10}, {"containerID": 5, "hostID": 200000, "size": 10}]' \
        "/linux/uidMappings/1: containerID range 5-14 overlaps entry 0's (0-9)"
    check '[{"containerID": 0, "hostID": 100000, "size": 10}, {"containerID": 10, "hostID": 100009, "size": 1}]' \
        "/linux/uidMappings/1: hostID range 100009-100009 overlaps entry 0's (100000-100009)"
    check '[{"containerID": 0, "hostID": 100000, "size": 0}]' "/linux/uidMappings/0/size: must be at least 1"
    check '[{"containerID": 4294967295, "hostID": 100000, "size": 2}]' \
        "/linux/uidMappings/0/size: the range runs past id 4294967295"
    check "$(jq -n -c '[range(341) | {containerID: ., hostID: (100000 + .), size: 1}]')" \
        "/linux/uidMappings: at most 340 ranges (the kernel's limit), got 341"
    # 300 lines of big numbers are more than the page the kernel reads.
    check "$(jq -n -c '[range(300) | {containerID: (1000000000 + .), hostID: (2000000000 + .), size: 1}]')" \
        "/linux/uidMappings: the 300 ranges make 7200 bytes of map, the kernel takes less than $(getconf PAGESIZE)"
    cfg --argjson u "$good" '.linux.uidMappings = $u
        | .mounts += [{destination: "/mnt", type: "bind", source: "/tmp", options: ["bind", "idmap"],
                       uidMappings: [{containerID: 0, hostID: 1, size: 5}, {containerID: 4, hostID: 10, size: 1}],
                       gidMappings: [{containerID: 0, hostID: 1, size: 5}]}]'
    run rt run --bundle "$BUNDLE" "$ID"
    assert_failure
    assert_output "berth: config.json: /mounts/$(jq '.mounts | length - 1' "$BUNDLE/config.json")/uidMappings/1: containerID range 4-4 overlaps entry 0's (0-4)"
    assert_clean
}

# ---- idmapped mounts ---------------------------------------------------------
# Destinations are directories the test rootfs has (/mnt, /srv): the root
# of a user namespace could not create them in a rootfs the host's root
# owns, and the VM suites share one read-only rootfs.

@test "berth features reports idmapped mounts and the idmap and ridmap options" {
    berth_only "runc before 1.2 has no idmapped mounts"
    run "$RUNTIME" features
    assert_success
    jq -e '.linux.mountExtensions.idmap.enabled == true' <<<"$output" >/dev/null ||
        fail "mountExtensions.idmap is not enabled: $(jq -c .linux.mountExtensions <<<"$output")"
    jq -e '.mountOptions | index("idmap") and index("ridmap")' <<<"$output" >/dev/null ||
        fail "idmap/ridmap missing from mountOptions: $(jq -c .mountOptions <<<"$output")"
}

@test "an idmapped bind mount shows host owners 1000 and 2000 as mapped, and maps a new file back [no userns]" {
    src=$BATS_TEST_TMPDIR/src
    make_owned "$src" 1000:1000 2000:2000 3000:3000
    chown 1000:1000 "$src"
    requires_idmap "$src"
    # On-disk 1000 and 2000 appear as 5000 and 6000 (gids 7000 and 8000).
    make_bundle /bin/sh -c 'stat -c "%n %u:%g" /mnt/f1 /mnt/f2 /mnt/f3 && touch /mnt/new && stat -c "%n %u:%g" /mnt/new'
    add_idmapped_mount /mnt "$src" '["bind", "idmap"]' \
        '[{"containerID": 1000, "hostID": 5000, "size": 1}, {"containerID": 2000, "hostID": 6000, "size": 1}]' \
        '[{"containerID": 1000, "hostID": 7000, "size": 1}, {"containerID": 2000, "hostID": 8000, "size": 1}]'
    cfg '.process.user = {uid: 5000, gid: 7000}'
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_equal "$output" "/mnt/f1 5000:7000
/mnt/f2 6000:8000
/mnt/f3 $OVERFLOW_UID:$OVERFLOW_GID
/mnt/new 5000:7000"
    # On the host: the on-disk owners, unchanged, and the new file's mapped back.
    assert_equal "$(stat -c %u:%g "$src/f1" "$src/f2" "$src/new")" "1000:1000
2000:2000
1000:1000"
    assert_clean
}

@test "an id that the mount does not map cannot create files on it [no userns]" {
    src=$BATS_TEST_TMPDIR/src
    mkdir -p "$src"
    # Writable by anyone: the refusal is the owner's, not the mode's.
    chmod 0777 "$src"
    requires_idmap "$src"
    make_bundle /bin/touch /mnt/new
    add_idmapped_mount /mnt "$src" '["bind", "idmap"]' \
        '[{"containerID": 1000, "hostID": 5000, "size": 1}]' '[{"containerID": 1000, "hostID": 5000, "size": 1}]'
    run rt run --bundle "$BUNDLE" "$ID"
    assert_failure
    # Root (0) has no on-disk id through this mount: EOVERFLOW.
    assert_output --partial "Value too large"
    [ ! -e "$src/new" ] || fail "the file was created: $(stat -c %u:%g "$src/new")"
}

@test "idmap without mappings of its own uses the container's user namespace mappings" {
    src=$BATS_TEST_TMPDIR/src
    make_owned "$src" 1000:1000 2000:3000
    requires_idmap "$src"
    # Through the container's mapping the on-disk owners appear unchanged;
    # the same directory bound plainly shows host 1000 unmapped.
    make_bundle /bin/sh -c 'stat -c "%n %u:%g" /mnt/f1 /mnt/f2 /srv/f1 && touch /mnt/new'
    add_plain_userns
    add_idmapped_mount /mnt "$src" '["bind", "idmap"]'
    add_mount /srv bind "$src" bind
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_equal "$output" "/mnt/f1 1000:1000
/mnt/f2 2000:3000
/srv/f1 $OVERFLOW_UID:$OVERFLOW_GID"
    # Created by the container's root (host 100000): on disk as 0.
    assert_equal "$(stat -c %u:%g "$src/new")" "0:0"
}

@test "a mount's own mappings apply on top of the container's user namespace" {
    src=$BATS_TEST_TMPDIR/src
    make_owned "$src" 1000:1000 2000:2000
    requires_idmap "$src"
    # On-disk 1000 -> host 101500 -> container 1500; 2000 -> 102500 -> 2500.
    make_bundle /bin/stat -c '%n %u:%g' /mnt/f1 /mnt/f2
    add_plain_userns
    add_idmapped_mount /mnt "$src" '["bind", "idmap"]' \
        '[{"containerID": 1000, "hostID": 101500, "size": 1}, {"containerID": 2000, "hostID": 102500, "size": 1}]' \
        '[{"containerID": 1000, "hostID": 101700, "size": 1}, {"containerID": 2000, "hostID": 102700, "size": 1}]'
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_equal "$output" "/mnt/f1 1500:1700
/mnt/f2 2500:2700"
}

@test "ridmap maps a submount of an rbind too, idmap only the top mount" {
    src=$BATS_TEST_TMPDIR/src
    make_owned "$src" 1000:1000
    make_owned "$BATS_TEST_TMPDIR/other" 1000:1000
    mkdir -p "$src/sub"
    requires_idmap "$src"
    host_mount --bind "$BATS_TEST_TMPDIR/other" "$src/sub"
    make_bundle /bin/stat -c '%n %u:%g' /mnt/f1 /mnt/sub/f1 /srv/f1 /srv/sub/f1
    local maps='[{"containerID": 1000, "hostID": 5000, "size": 1}]'
    add_idmapped_mount /mnt "$src" '["rbind", "ridmap"]' "$maps" "$maps"
    add_idmapped_mount /srv "$src" '["rbind", "idmap"]' "$maps" "$maps"
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_equal "$output" "/mnt/f1 5000:5000
/mnt/sub/f1 5000:5000
/srv/f1 5000:5000
/srv/sub/f1 1000:1000"
}

@test "an idmapped mount keeps its other options (ro)" {
    src=$BATS_TEST_TMPDIR/src
    make_owned "$src" 1000:1000
    requires_idmap "$src"
    make_bundle /bin/sh -c 'stat -c "%u:%g" /mnt/f1; touch /mnt/new'
    local maps='[{"containerID": 0, "hostID": 0, "size": 1}, {"containerID": 1000, "hostID": 5000, "size": 1}]'
    add_idmapped_mount /mnt "$src" '["bind", "ro", "idmap"]' "$maps" "$maps"
    run rt run --bundle "$BUNDLE" "$ID"
    assert_failure
    assert_line --index 0 "5000:5000"
    assert_output --partial "Read-only file system"
}

@test "an idmap on a filesystem that cannot be idmapped fails naming the mount, leaving nothing behind" {
    berth_only "the error text"
    ram=$BATS_TEST_TMPDIR/ram
    mkdir -p "$ram"
    # ramfs has no idmapping support in any kernel.
    host_mount -t ramfs ramfs "$ram"
    make_bundle "$INIT" pid
    add_plain_userns
    add_idmapped_mount /mnt "$ram" '["bind", "idmap"]'
    n=$(jq '.mounts | length - 1' "$BUNDLE/config.json")
    run rt run --bundle "$BUNDLE" "$ID"
    assert_failure
    assert_output "berth: config.json: /mounts/$n: idmap $ram: its filesystem (ramfs) cannot be idmapped on this kernel"
    umount "$ram"
    TEST_MOUNTS=()
    assert_clean
}

@test "an idmapped mount that is not a bind mount is refused" {
    berth_only "the error text"
    make_bundle "$INIT" pid
    add_plain_userns
    cfg '.mounts += [{destination: "/mnt", type: "tmpfs", source: "tmpfs", options: ["idmap"]}]'
    n=$(jq '.mounts | length - 1' "$BUNDLE/config.json")
    run rt run --bundle "$BUNDLE" "$ID"
    assert_failure
    assert_output "berth: config.json: /mounts/$n: an idmapped mount must be a bind mount (\"bind\" or \"rbind\")"
    assert_clean
}
