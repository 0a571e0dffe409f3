#!/usr/bin/env bats
# The runtime run by an unprivileged user (rootless): `spec --rootless`
# configs, state under $XDG_RUNTIME_DIR, the user namespace the runtime
# makes and maps (its own id directly, subordinate ranges through
# newuidmap/newgidmap), no cgroup of its own unless one is delegated, and
# /sys/fs/cgroup kept read-only (CVE-2023-25809).
#
# The tests run the runtime as a uid with no passwd entry (setpriv), from
# a directory that uid owns.  Whatever needs a user name (newuidmap looks
# the caller up, and /etc/subuid names it) gets one in a private mount
# namespace of its own, over /etc/passwd, /etc/group, /etc/subuid and
# /etc/subgid: the host's files are never touched.

load helpers

# The first of these uids without a passwd or group entry is the test user.
RL_CANDIDATES=(43219 43229 43239 43249)
# The subordinate range the newuidmap test grants it.
RL_SUBID=300000
RL_SUBCOUNT=65536

setup_file() {
    local uid
    for uid in "${RL_CANDIDATES[@]}"; do
        if ! getent passwd "$uid" >/dev/null && ! getent group "$uid" >/dev/null &&
            ! pgrep -u "$uid" >/dev/null; then
            export RL_UID=$uid RL_GID=$uid
            break
        fi
    done
    [ -n "${RL_UID:-}" ] || fail "no free uid among ${RL_CANDIDATES[*]} for the test user"
    check_unprivileged_userns
}

# An unprivileged user must be allowed to create a user namespace.
check_unprivileged_userns() {
    local max knob
    max=$(cat /proc/sys/user/max_user_namespaces 2>/dev/null || echo 0)
    [ "$max" -gt 0 ] ||
        fail "user.max_user_namespaces is $max: rootless containers need user namespaces (sysctl -w user.max_user_namespaces=15000)"
    knob=/proc/sys/kernel/unprivileged_userns_clone
    if [ -e "$knob" ] && [ "$(cat "$knob")" != 1 ]; then
        fail "kernel.unprivileged_userns_clone is 0: unprivileged users may not create user namespaces (sysctl -w kernel.unprivileged_userns_clone=1)"
    fi
    knob=/proc/sys/kernel/apparmor_restrict_unprivileged_userns
    if [ -e "$knob" ] && [ "$(cat "$knob")" != 0 ]; then
        fail "kernel.apparmor_restrict_unprivileged_userns is on: AppArmor keeps unprivileged users out of user namespaces"
    fi
    setpriv --reuid="$RL_UID" --regid="$RL_GID" --clear-groups -- unshare --user true ||
        fail "uid $RL_UID cannot create a user namespace on this host"
}

setup() {
    common_setup
    # Everything the user works with lives in a directory it owns, on a
    # path it can search.
    RL_HOME=$BATS_TEST_TMPDIR/rootless
    mkdir -p "$RL_HOME"
    local d=$RL_HOME
    while [ "$d" != / ]; do
        chmod o+x "$d"
        d=$(dirname "$d")
    done
    chown "$RL_UID:$RL_GID" "$RL_HOME"
    XDG=$RL_HOME/xdg
    install -d -m 0700 -o "$RL_UID" -g "$RL_GID" "$XDG"
    # The runtime's default state root for this user; the teardown
    # deletes and checks what is left there.
    ROOT=$XDG/$RUNTIME_NAME
    BUNDLE=$RL_HOME/bundle
    RL_RUNTIME=$RUNTIME
    if ! as_user test -x "$RUNTIME"; then
        cp "$RUNTIME" "$RL_HOME/$RUNTIME_NAME"
        chmod 0755 "$RL_HOME/$RUNTIME_NAME"
        RL_RUNTIME=$RL_HOME/$RUNTIME_NAME
    fi
    RL_CGROUP=
}

teardown() {
    common_teardown
}

# ---- running as the user ---------------------------------------------------

# USER_ARGV: the command line that runs "$@" as the test user with a bare
# environment (PATH, XDG_RUNTIME_DIR and the test's mark); with RL_CGROUP
# set, from that cgroup, as a user's shell runs in its delegated group.
user_argv() {
    USER_ARGV=(timeout -k 5 "${RT_TIMEOUT:-30}")
    if [ -n "${RL_CGROUP:-}" ]; then
        USER_ARGV+=(sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$RL_CGROUP")
    fi
    USER_ARGV+=(setpriv --reuid="$RL_UID" --regid="$RL_GID" --clear-groups --
        env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
        XDG_RUNTIME_DIR="$XDG" BERTH_TEST_MARK="$MARK" "$@")
}

as_user() {
    user_argv "$@"
    "${USER_ARGV[@]}"
}

# The runtime as the user, with its default root (no --root).
urt() {
    as_user "$RL_RUNTIME" "$@"
}

# As urt, in a mount namespace of its own where the test user has a name
# and the subordinate range RL_SUBID..+RL_SUBCOUNT in /etc/subuid and
# /etc/subgid, as newuidmap and newgidmap require.
urt_with_subids() {
    local ids=$RL_HOME/ids name=berth-rootless
    mkdir -p "$ids"
    { cat /etc/passwd; echo "$name:x:$RL_UID:$RL_GID::/nonexistent:/usr/sbin/nologin"; } >"$ids/passwd"
    { cat /etc/group; echo "$name:x:$RL_GID:"; } >"$ids/group"
    echo "$name:$RL_SUBID:$RL_SUBCOUNT" >"$ids/subuid"
    echo "$name:$RL_SUBID:$RL_SUBCOUNT" >"$ids/subgid"
    user_argv "$RL_RUNTIME" "$@"
    unshare --mount --propagation private -- sh -c '
        for f in passwd group subuid subgid; do
            mount --bind "$0/$f" "/etc/$f" || exit 1
        done
        exec "$@"' "$ids" "${USER_ARGV[@]}"
}

# ---- bundles ---------------------------------------------------------------

# A bundle from `spec --rootless` run by the user, with a private copy of
# the test rootfs that the user owns (its root inside), the test's mark in
# the environment, and stdio not a terminal.  Arguments become
# process.args.
make_rootless_bundle() {
    install -d -o "$RL_UID" -g "$RL_GID" "$BUNDLE"
    urt spec --rootless --bundle "$BUNDLE" || fail "$RUNTIME_NAME spec --rootless failed"
    cp -a "$TEST_ROOTFS" "$BUNDLE/rootfs"
    chown -R "$RL_UID:$RL_GID" "$BUNDLE/rootfs"
    cfg --arg mark "BERTH_TEST_MARK=$MARK" '
        .process.terminal = false
        | .process.env += [$mark]'
    [ $# -eq 0 ] || set_args "$@"
}

# A cgroup delegated to the user as systemd delegates one (Delegate=yes):
# the directory and its cgroup.procs, cgroup.subtree_control and
# cgroup.threads belong to the user.  The runtime then runs from the leaf
# "launcher" below it (RL_CGROUP), as a user's shell runs in its session.
delegate_cgroup() {
    DELEGATED=$CGROUP_MNT/berth-test-$TEST_TAG
    mkdir "$DELEGATED"
    CGROUP_PARENTS+=("$DELEGATED")
    chown "$RL_UID:$RL_GID" "$DELEGATED" "$DELEGATED/cgroup.procs" \
        "$DELEGATED/cgroup.subtree_control" "$DELEGATED/cgroup.threads"
    mkdir "$DELEGATED/launcher"
    CGROUP_PARENTS+=("$DELEGATED/launcher")
    chown "$RL_UID:$RL_GID" "$DELEGATED/launcher" "$DELEGATED/launcher/cgroup.procs"
    RL_CGROUP=$DELEGATED/launcher
}

# assert_clean for a test with a delegated cgroup: that group and its
# launcher are the test's (the teardown removes them), nothing below them
# may be left.
assert_clean_delegated() {
    local what
    what=$(find "$DELEGATED" -mindepth 1 -type d ! -path "$DELEGATED/launcher")
    [ -z "$what" ] || fail "cgroups left in the delegated group: $what"
    what=$(leftover_state)
    [ -z "$what" ] || fail "state left behind: $what"
    wait_for test -z "$(leftover_processes)" || fail "processes left behind: $(leftover_processes)"
}

# The host's view of a process's ids: "Uid: real effective saved fs".
host_ids() { # host_ids PID Uid|Gid
    awk -v k="$2:" '$1 == k { print $2, $3, $4, $5 }' "/proc/$1/status"
}

# ---- tests -----------------------------------------------------------------

@test "spec --rootless run by an unprivileged user: root inside, the user outside, setgroups denied" {
    make_rootless_bundle /bin/sh -c \
        "$INIT ids; cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups"
    run urt run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_line --index 0 "uid=0 euid=0 gid=0 egid=0 groups="
    # Only the caller's own ids are mapped, written by the runtime itself.
    [[ ${lines[1]} =~ ^\ *0\ +$RL_UID\ +1$ ]] || fail "uid_map: ${lines[1]}"
    [[ ${lines[2]} =~ ^\ *0\ +$RL_GID\ +1$ ]] || fail "gid_map: ${lines[2]}"
    # The kernel takes an unprivileged writer's gid_map only so.
    assert_line --index 3 deny
    assert_equal "${#lines[@]}" 4
    assert_clean
}

@test "a rootless container's processes are the user's on the host, and it runs in no cgroup of its own" {
    make_rootless_bundle "$INIT" pause
    run_detached urt create --bundle "$BUNDLE" "$ID"
    assert_success
    pid=$(container_pid "$ID")
    assert_equal "$(host_ids "$pid" Uid)" "$RL_UID $RL_UID $RL_UID $RL_UID"
    assert_equal "$(host_ids "$pid" Gid)" "$RL_GID $RL_GID $RL_GID $RL_GID"
    # Nothing delegated: it stays in the cgroup the runtime ran in.
    assert_equal "$(awk -F: '$1 == "0" { print $3 }' "/proc/$pid/cgroup")" \
        "$(awk -F: '$1 == "0" { print $3 }' /proc/self/cgroup)"
    [ -z "$(leftover_cgroups)" ] || fail "cgroups made: $(leftover_cgroups)"
    run urt delete --force "$ID"
    assert_success
    assert_clean
}

@test "an unprivileged user's state lives in \$XDG_RUNTIME_DIR, and create, start, state, ps, kill, delete and list work" {
    make_rootless_bundle /bin/sh -c "$INIT pause 0 & exec $INIT pause 0"
    run_detached urt create --bundle "$BUNDLE" "$ID"
    assert_success
    # Made by the runtime, for the user alone (runc adds the sticky bit).
    [[ $(stat -c '%a %u' "$ROOT") =~ ^1?700\ $RL_UID$ ]] || fail "$ROOT: $(stat -c '%a %U' "$ROOT")"
    [ -d "$ROOT/$ID" ] || fail "no state directory $ROOT/$ID"
    assert_equal "$(urt state "$ID" | jq -r .status)" created
    run urt list -q
    assert_success
    assert_output "$ID"

    run urt start "$ID"
    assert_success
    assert_equal "$(urt state "$ID" | jq -r .status)" running
    pid=$(urt state "$ID" | jq -r .pid)
    # Without a cgroup ps lists the container's pid namespace: the shell
    # and its background child.
    wait_for eval '[ "$(urt ps --format json "$ID" | jq length)" = 2 ]' ||
        fail "ps: $(urt ps --format json "$ID")"
    run urt ps --format json "$ID"
    assert_success
    jq -e --argjson p "$pid" 'index($p) != null' <<<"$output" >/dev/null || fail "init $pid not in ps: $output"

    run urt kill "$ID" TERM
    assert_success
    wait_for eval '[ "$(urt state "$ID" | jq -r .status)" = stopped ]' ||
        fail "not stopped after SIGTERM: $(urt state "$ID")"
    run urt delete "$ID"
    assert_success
    run urt list -q
    assert_success
    assert_output ""
    assert_clean
}

@test "without XDG_RUNTIME_DIR an unprivileged user is told to set it or to give --root" {
    berth_only "the default state root's error"
    run setpriv --reuid="$RL_UID" --regid="$RL_GID" --clear-groups -- \
        env -i PATH=/usr/bin:/bin "$RL_RUNTIME" list
    assert_failure
    assert_output --partial "XDG_RUNTIME_DIR is not set"
    assert_output --partial "--root"
    # spec needs no state.
    run setpriv --reuid="$RL_UID" --regid="$RL_GID" --clear-groups -- \
        env -i PATH=/usr/bin:/bin "$RL_RUNTIME" spec --rootless --bundle "$RL_HOME"
    assert_success
}

@test "ranges beyond the user's own id are mapped through newuidmap and newgidmap, as /etc/subuid grants" {
    command -v newuidmap >/dev/null && command -v newgidmap >/dev/null ||
        fail "newuidmap/newgidmap missing: install the uidmap package (scripts/setup does)"
    make_rootless_bundle /bin/sh -c "cat /proc/self/uid_map /proc/self/gid_map; exec $INIT pause"
    cfg --argjson u "$RL_UID" --argjson g "$RL_GID" --argjson s "$RL_SUBID" --argjson n "$RL_SUBCOUNT" '
        .linux.uidMappings = [{containerID: 0, hostID: $u, size: 1}, {containerID: 1, hostID: $s, size: $n}]
        | .linux.gidMappings = [{containerID: 0, hostID: $g, size: 1}, {containerID: 1, hostID: $s, size: $n}]
        | .process.user = {uid: 1000, gid: 1000}'
    run_detached urt_with_subids run --detach --bundle "$BUNDLE" "$ID"
    assert_success
    pid=$(container_pid "$ID")
    # Container uid 1000 is host uid RL_SUBID + 999.
    host=$((RL_SUBID + 999))
    assert_equal "$(host_ids "$pid" Uid)" "$host $host $host $host"
    assert_equal "$(host_ids "$pid" Gid)" "$host $host $host $host"
    for map in uid_map gid_map; do
        run cat "/proc/$pid/$map"
        assert_line --regexp "^ *0 +$RL_UID +1\$"
        assert_line --regexp "^ *1 +$RL_SUBID +$RL_SUBCOUNT\$"
    done
    run urt delete --force "$ID"
    assert_success
    assert_clean
}

@test "ranges beyond the user's own id without newuidmap fail, naming the uidmap package" {
    berth_only "the error names the package"
    make_rootless_bundle "$INIT" pid
    cfg --argjson u "$RL_UID" --argjson s "$RL_SUBID" '
        .linux.uidMappings = [{containerID: 0, hostID: $u, size: 1}, {containerID: 1, hostID: $s, size: 10}]'
    user_argv "$RL_RUNTIME" run --bundle "$BUNDLE" "$ID"
    # PATH without the tools.
    run "${USER_ARGV[@]/#PATH=*/PATH=$RL_HOME}"
    assert_failure
    assert_output --partial "/linux/uidMappings"
    assert_output --partial "newuidmap"
    assert_output --partial "uidmap package"
    assert_clean
}

@test "limits without a delegated cgroup fail clearly and leave nothing behind" {
    make_rootless_bundle "$INIT" pid
    cfg '.linux.resources = {pids: {limit: 10}}'
    run urt run --bundle "$BUNDLE" "$ID"
    assert_failure
    if is_berth; then
        assert_output --partial "/linux/resources"
        assert_output --partial "no cgroup is delegated"
        assert_output --partial "Delegate=yes"
    fi
    assert_clean
    [ -z "$(ls -A "$ROOT" 2>/dev/null)" ] || fail "state left: $(ls -A "$ROOT")"
}

@test "a cgroup delegated to the user is used: the container gets a group there, with its limits" {
    delegate_cgroup
    make_rootless_bundle "$INIT" pause
    local file value
    # A controller the hierarchy's top hands down, as systemd's delegation has it.
    if grep -qw pids "$CGROUP_MNT/cgroup.subtree_control"; then
        cfg '.linux.resources = {pids: {limit: 42}}'
        file=pids.max value=42
    elif grep -qw hugetlb "$CGROUP_MNT/cgroup.subtree_control" && [ -d /sys/kernel/mm/hugepages/hugepages-2048kB ]; then
        cfg '.linux.resources = {hugepageLimits: [{pageSize: "2MB", limit: 4194304}]}'
        file=hugetlb.2MB.max value=4194304
    else
        skip "the cgroup2 hierarchy's top enables neither pids nor hugetlb for its groups"
    fi
    cfg --arg p "/berth-test-$TEST_TAG/ctr" '.linux.cgroupsPath = $p'
    run_detached urt create --bundle "$BUNDLE" "$ID"
    assert_success
    pid=$(container_pid "$ID")
    assert_equal "$(cgroup_dir_of "$pid")" "$DELEGATED/ctr"
    assert_equal "$(cat "$DELEGATED/ctr/$file")" "$value"
    run urt delete --force "$ID"
    assert_success
    [ ! -e "$DELEGATED/ctr" ] || fail "the container's group was left: $DELEGATED/ctr"
    assert_clean_delegated
}

@test "the default devices are the host's nodes, bound: mknod is refused in a user namespace" {
    make_rootless_bundle /bin/sh -c "$INIT devnum /dev/null; $INIT mounts"
    run urt run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_line --index 0 --regexp '^c 1:3 '
    # A bind of the host's node is a mount point of its own.
    assert_line --regexp '^[0-9]+ [0-9]+ [0-9]+:[0-9]+ [^ ]+ /dev/null '
}

@test "spec --rootless's /sys and /sys/fs/cgroup are read-only in the container, down to every mount below" {
    berth_only "runc's \"ro\" on an rbind reaches only its top mount"
    make_rootless_bundle "$INIT" mounts
    run urt run --bundle "$BUNDLE" "$ID"
    assert_success
    local line root mp opts
    local n=0
    while read -r line; do
        read -r _ _ _ root mp opts _ <<<"$line"
        case $mp in
        /sys | /sys/*) ;;
        *) continue ;;
        esac
        # A masked file is /dev/null bound over it, not a part of /sys.
        [ "$root" != /null ] || continue
        n=$((n + 1))
        [[ ,$opts, == *,ro,* ]] || fail "$mp is mounted $opts in the container"
    done <<<"$output"
    [ "$n" -gt 1 ] || fail "no mounts below /sys: $output"
}

@test "CVE-2023-25809: without a cgroup namespace, the user's own cgroup the container sees at /sys/fs/cgroup is read-only" {
    # Weakened by tests/cve/weaken/CVE-2023-25809.patch: the cgroup bound
    # in place of a cgroup2 mount takes "ro" on no mount, so the container
    # (the user, on the host) can write the user's delegated group.
    delegate_cgroup
    CGROUP_PARENTS+=("$DELEGATED/launcher/escape")
    make_rootless_bundle "$INIT" mkdir /sys/fs/cgroup/escape
    del_ns cgroup
    run urt run --bundle "$BUNDLE" "$ID"
    assert_failure
    assert_output "mkdir /sys/fs/cgroup/escape: EROFS"
    [ ! -e "$DELEGATED/launcher/escape" ] || fail "the container made a group in the user's cgroup"
    assert_clean_delegated
}

@test "CVE-2023-25809: spec --rootless's rbind,ro /sys leaves no host cgroup2 mount below it writable" {
    # Weakened by tests/cve/weaken/CVE-2023-25809.patch: "ro" reaches only
    # the top of the bound /sys, and the host's cgroup2 mounted below it
    # stays writable where the user's delegated group is.  Stricter than
    # runc's fix (1.1.5 masks /sys/fs/cgroup only when its own cgroup mount
    # fails): runc 1.1 fails this test, berth fixes the cause.
    delegate_cgroup
    CGROUP_PARENTS+=("$DELEGATED/escape")
    make_rootless_bundle "$INIT" mkdir "/sys/fs/cgroup/berth-test-$TEST_TAG/escape"
    # No cgroup mount of its own: the bound /sys shows the host's.
    cfg '.mounts |= map(select(.destination != "/sys/fs/cgroup"))'
    run urt run --bundle "$BUNDLE" "$ID"
    assert_failure
    assert_output "mkdir /sys/fs/cgroup/berth-test-$TEST_TAG/escape: EROFS"
    [ ! -e "$DELEGATED/escape" ] || fail "the container made a group in the user's delegated cgroup"
    assert_clean_delegated
}

@test "kill --all without a cgroup of its own signals every process of the container, not only its init" {
    # The init ignores SIGTERM (pid 1 of its namespace, no handler); its
    # child does not.  Signalling the init alone, as kill --all did before
    # it walked the pid namespace, leaves the child running.
    make_rootless_bundle /bin/sh -c "sleep 1000 & exec $INIT pause"
    run_detached urt run -d --bundle "$BUNDLE" "$ID"
    assert_success
    wait_for eval '[ "$(urt ps --format json "$ID" | jq length)" = 2 ]' ||
        fail "ps: $(urt ps --format json "$ID")"
    pid=$(container_pid "$ID")
    child=$(urt ps --format json "$ID" | jq --argjson p "$pid" 'map(select(. != $p))[0]')
    [ -n "$child" ] && [ "$child" != null ] || fail "no child in ps"
    pid_alive "$child" || fail "child $child not running"
    run urt kill --all "$ID" TERM
    assert_success
    wait_for pid_gone "$child" || fail "the init's child $child did not get SIGTERM"
    pid_alive "$pid" || fail "the init $pid, which ignores SIGTERM, is gone"
    run urt delete --force "$ID"
    assert_success
    assert_clean
}

@test "an unprivileged user can exec into its own rootless container, as root of its user namespace, in all its namespaces" {
    make_rootless_bundle "$INIT" pause
    cfg '.root.readonly = false'
    run_detached urt run --detach --bundle "$BUNDLE" "$ID"
    assert_success
    pid=$(container_pid "$ID")
    run urt exec "$ID" /bin/sh -c "$INIT ids; $INIT write /tmp/from-exec yes; $INIT ns"
    assert_success
    assert_line --index 0 "uid=0 euid=0 gid=0 egid=0 groups="
    assert_line --index 1 ok
    assert_equal "$(cat "/proc/$pid/root/tmp/from-exec")" yes
    [ "${#lines[@]}" -gt 6 ] || fail "no namespaces listed: $output"
    for line in "${lines[@]:2}"; do
        type=${line%% *}
        assert_equal "$line" "$type $(readlink "/proc/$pid/ns/$type")"
    done
    run urt exec "$ID" "$INIT" exit 5
    assert_equal "$status" 5
    # On the host the exec'd process is the user's.
    run_detached urt exec --detach --pid-file "$RL_HOME/exec.pid" "$ID" "$INIT" pause
    assert_success
    exec_pid=$(cat "$RL_HOME/exec.pid")
    assert_equal "$(host_ids "$exec_pid" Uid)" "$RL_UID $RL_UID $RL_UID $RL_UID"
    run urt delete --force "$ID"
    assert_success
    wait_for pid_gone "$exec_pid" || fail "the exec'd process $exec_pid outlived its container"
    assert_clean
}
