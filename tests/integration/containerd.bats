#!/usr/bin/env bats
# containerd drives the runtime under test as its runc binary: ctr runs
# containers with the runc v2 shim (io.containerd.runc.v2) told to use
# "$RUNTIME" (--runc-binary), and the shim calls it as it calls runc:
# create --bundle --pid-file [--console-socket], start, exec --process
# --detach --pid-file [--console-socket], ps --format json, pause, resume,
# kill [--all], delete, always with --root, --log FILE --log-format json,
# reading the runtime's errors from that log.  Each test asserts what the
# container (or its exec'd process) saw and what containerd reports.
#
# One private containerd serves the whole file: its root, state, socket and
# the runtime's --root all live under $BATS_FILE_TMPDIR, and it runs in a
# mount namespace of its own with tmpfs over /run (containerd 1.6 puts the
# shims' sockets in /run/containerd/s whatever its state dir, and ctr its
# FIFOs in /run/containerd/fifo), so nothing lands on the host; ctr enters
# that namespace to talk to it.  The containers' groups go under a parent
# named after the test (--cgroup), which the teardown checks and removes.

load helpers

IMAGE=localhost/berth-busybox:latest
CTR_NS=berth-test

# bats 1.8 (Debian 12) cannot skip from setup_file: the reason is passed
# to setup, which skips each test with it.
setup_file() {
    local c missing=()
    for c in containerd ctr containerd-shim-runc-v2; do
        command -v "$c" >/dev/null || missing+=("$c")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        export CTRD_SKIP="containerd is not installed (no ${missing[*]}): apt-get install containerd, or scripts/setup"
        return 0
    fi
    [ "$(id -u)" = 0 ] || return 0 # common_setup skips every test
    export CTRD_DIR=$BATS_FILE_TMPDIR/containerd
    export CTRD_SOCK=$CTRD_DIR/containerd.sock
    export RUNC_ROOT=$CTRD_DIR/runc
    mkdir -p "$CTRD_DIR"
    write_containerd_config
    start_containerd
    import_image
}

teardown_file() {
    [ -n "${CTRD_PID:-}" ] || return 0
    local problems=() pid what
    # Tests remove their containers; anything left is removed here, and the
    # shims go with their containers.
    for what in $(ctrd task ls -q 2>/dev/null); do
        ctrd task kill -s KILL --all "$what" >/dev/null 2>&1 || true
        ctrd task delete --force "$what" >/dev/null 2>&1 || true
    done
    for what in $(ctrd container ls -q 2>/dev/null); do
        ctrd container rm "$what" >/dev/null 2>&1 || true
    done
    kill -TERM "$CTRD_PID" 2>/dev/null || true
    if ! WAIT_TRIES=200 wait_for pid_gone "$CTRD_PID"; then
        problems+=("containerd ($CTRD_PID) ignored SIGTERM")
        kill -KILL "$CTRD_PID" 2>/dev/null || true
    fi
    wait "$CTRD_PID" 2>/dev/null || true
    # A shim outlives containerd: any still running is killed by its pid
    # (found by our socket in its arguments), which also ends the mount
    # namespace and the mounts in it.
    what=$(shim_processes)
    if [ -n "$what" ]; then
        problems+=("containerd shims still running: $(echo $what)")
        for pid in $what; do kill -KILL "$pid" 2>/dev/null || true; done
        wait_for test -z "$(shim_processes)" || problems+=("shims survived SIGKILL: $(shim_processes)")
    fi
    rm -rf "$CTRD_DIR"
    if [ ${#problems[@]} -gt 0 ]; then
        printf 'teardown_file: %s\n' "${problems[@]}" >&2
        return 1
    fi
}

setup() {
    [ -z "${CTRD_SKIP:-}" ] || skip "$CTRD_SKIP"
    common_setup
    [ -n "${CTRD_PID:-}" ] || fail "containerd was not started (see setup_file)"
    CG_PARENT=/berth-containerd-$TEST_TAG
    # ctr's default --cpu-shares 1024 needs the cpu controller on cgroup v2,
    # which a hybrid host (cpu on v1) does not have: runc and berth both
    # refuse the limit there, so then ctr is told to ask for none.
    RUN_OPTS=(--runtime io.containerd.runc.v2 --runc-binary "$(realpath "$RUNTIME")"
        --runc-root "$RUNC_ROOT" --snapshotter native --env "BERTH_TEST_MARK=$MARK")
    grep -qw cpu "$CGROUP_MNT/cgroup.controllers" || RUN_OPTS+=(--cpu-shares 0)
}

teardown() {
    local problems=() id what pid
    if [ -n "${TEST_TAG:-}" ] && [ -n "${CTRD_PID:-}" ]; then
        for id in $(ctrd task ls -q 2>/dev/null | grep -F "$TEST_TAG"); do
            ctrd task kill -s KILL --all "$id" >/dev/null 2>&1 || true
            ctrd task delete --force "$id" >/dev/null 2>&1 || true
        done
        for id in $(ctrd container ls -q 2>/dev/null | grep -F "$TEST_TAG"); do
            ctrd container rm "$id" >/dev/null 2>&1 || true
        done
        if ! wait_for test -z "$(shim_processes "$TEST_TAG")"; then
            what=$(shim_processes "$TEST_TAG")
            problems+=("containerd shims still running: $(echo $what)")
            for pid in $what; do kill -KILL "$pid" 2>/dev/null || true; done
        fi
        what=$(runtime_list | grep -F "$TEST_TAG")
        [ -z "$what" ] || problems+=("$RUNTIME_NAME still lists containers: $(echo $what)")
        what=$(ctrd_mounts "$TEST_TAG")
        [ -z "$what" ] || problems+=("mounts left in containerd's namespace: $(echo $what)")
    fi
    what=$(container_groups)
    [ -z "$what" ] || problems+=("container cgroups left behind: $(echo $what)")
    if [ -n "${CG_PARENT:-}" ] && [ -d "$CGROUP_MNT$CG_PARENT" ]; then
        find "$CGROUP_MNT$CG_PARENT" -mindepth 1 -depth -type d -exec rmdir {} + 2>/dev/null || true
        rmdir "$CGROUP_MNT$CG_PARENT" 2>/dev/null || true
    fi
    common_teardown || problems+=("common teardown failed")
    if [ ${#problems[@]} -gt 0 ]; then
        printf 'teardown: %s\n' "${problems[@]}" >&2
        return 1
    fi
}

# ---- the private containerd ------------------------------------------------

# No CRI (it wants CNI and a pause image) and no "opt" plugin (it would
# create /opt/containerd on the host).
write_containerd_config() {
    cat >"$CTRD_DIR/config.toml" <<EOF
version = 2
root = "$CTRD_DIR/root"
state = "$CTRD_DIR/state"
disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.internal.v1.opt"]

[grpc]
  address = "$CTRD_SOCK"
EOF
}

start_containerd() {
    unshare --mount --propagation private -- bash -c '
        set -e
        # tests/run.sh has mounted one already (the kernel refuses the
        # same cgroup2 on top of itself); bats run by hand has not.
        [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ] || mount -t cgroup2 cgroup2 /sys/fs/cgroup
        mount -t tmpfs -o mode=0755 tmpfs /run
        exec containerd --config "$1" --log-level debug' _ "$CTRD_DIR/config.toml" \
        </dev/null >"$CTRD_DIR/containerd.log" 2>&1 3>&- &
    export CTRD_PID=$!
    WAIT_TRIES=200 wait_for ctrd_ready ||
        fail "containerd did not start: $(tail -20 "$CTRD_DIR/containerd.log")"
}

ctrd_ready() {
    pid_alive "$CTRD_PID" && ctrd version >/dev/null 2>&1
}

# The ctr command line, as words (for `script`, which takes a string).
ctr_command() {
    CTR=(env BERTH_TEST_MARK="${MARK:-}" timeout -k 5 60
        nsenter --target "$CTRD_PID" --mount --
        ctr --address "$CTRD_SOCK" --namespace "$CTR_NS")
}

ctrd() {
    ctr_command
    "${CTR[@]}" "$@"
}

# A command in containerd's mount namespace (where the shims mount the
# containers' root filesystems).
in_ns() {
    nsenter --target "$CTRD_PID" --mount -- "$@"
}

# The test rootfs as a one-layer OCI image archive, imported into the
# namespace's image store and unpacked for the native snapshotter (no
# registry: the tests have no network).
import_image() {
    local dir=$CTRD_DIR/image arch
    case $(uname -m) in
    x86_64) arch=amd64 ;;
    aarch64) arch=arm64 ;;
    *) arch=$(dpkg --print-architecture) ;;
    esac
    mkdir -p "$dir/blobs/sha256"
    tar -C "$TEST_ROOTFS" --numeric-owner -cf "$dir/layer" . || fail "tar of $TEST_ROOTFS failed"
    local layer config manifest
    layer=$(add_blob "$dir" "$dir/layer")
    jq -n -c --arg arch "$arch" --arg diff "sha256:${layer%% *}" '{
        architecture: $arch, os: "linux",
        config: {Env: ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"], Cmd: ["sh"]},
        rootfs: {type: "layers", diff_ids: [$diff]}}' >"$dir/config"
    config=$(add_blob "$dir" "$dir/config")
    jq -n -c --arg c "${config%% *}" --argjson cs "${config##* }" \
        --arg l "${layer%% *}" --argjson ls "${layer##* }" '{
        schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json",
        config: {mediaType: "application/vnd.oci.image.config.v1+json", digest: "sha256:\($c)", size: $cs},
        layers: [{mediaType: "application/vnd.oci.image.layer.v1.tar", digest: "sha256:\($l)", size: $ls}]}' \
        >"$dir/manifest"
    manifest=$(add_blob "$dir" "$dir/manifest")
    jq -n -c --arg m "${manifest%% *}" --argjson ms "${manifest##* }" --arg arch "$arch" \
        --arg name "$IMAGE" '{schemaVersion: 2, manifests: [{
        mediaType: "application/vnd.oci.image.manifest.v1+json", digest: "sha256:\($m)", size: $ms,
        platform: {architecture: $arch, os: "linux"},
        annotations: {"io.containerd.image.name": $name}}]}' >"$dir/index.json"
    echo '{"imageLayoutVersion":"1.0.0"}' >"$dir/oci-layout"
    tar -C "$dir" -cf "$CTRD_DIR/image.tar" oci-layout index.json blobs
    rm -rf "$dir"
    run ctrd images import --snapshotter native "$CTRD_DIR/image.tar"
    [ "$status" -eq 0 ] || fail "ctr images import failed: $output"
}

# add_blob DIR FILE: move FILE into DIR's blobs, print "DIGEST SIZE".
add_blob() {
    local digest size
    digest=$(sha256sum "$2" | cut -d' ' -f1)
    size=$(stat -c %s "$2")
    mv "$2" "$1/blobs/sha256/$digest"
    echo "$digest $size"
}

# ---- helpers -----------------------------------------------------------------

# ctr_run [FLAG...] ID COMMAND...: ctr run of the test image with the
# runtime under test, in the group $CG_PARENT/ID (flags take no value).
ctr_run() {
    local flags=()
    while [[ $1 == -* ]]; do flags+=("$1"); shift; done
    local id=$1
    shift
    ctrd run "${flags[@]}" "${RUN_OPTS[@]}" --cgroup "$CG_PARENT/$id" "$IMAGE" "$id" "$@"
}

# The runtime itself, on the --root the shim gives it (<runc-root>/<namespace>).
rt_ctrd() {
    in_ns "$RUNTIME" --root "$RUNC_ROOT/$CTR_NS" "$@"
}

runtime_list() {
    rt_ctrd list -q 2>/dev/null || true
}

task_status() { # task_status ID: RUNNING, PAUSED, STOPPED... as ctr reports it
    ctrd task ls | awk -v id="$1" '$1 == id { print $3 }'
}

task_status_is() {
    [ "$(task_status "$1")" = "$2" ]
}

task_pid() {
    local pid
    pid=$(ctrd task ls | awk -v id="$1" '$1 == id { print $2 }')
    [[ $pid =~ ^[1-9][0-9]*$ ]] || fail "no pid for task $1 in ctr task ls: $(ctrd task ls)"
    echo "$pid"
}

cmdline_of() {
    tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | sed 's/ $//'
}

cmdline_is() { # cmdline_is PID WORDS
    [ "$(cmdline_of "$1")" = "$2" ]
}

# Shims serving our containerd (its socket is in their arguments), those of
# container ids containing $1 if given.
shim_processes() {
    local f pid args words
    # mapfile, not tr: one fork per process made this scan take seconds.
    for f in /proc/[0-9]*/cmdline; do
        pid=${f#/proc/}
        pid=${pid%/cmdline}
        { mapfile -d '' -t words <"$f"; } 2>/dev/null || continue
        args=" ${words[*]} "
        [[ $args == *containerd-shim* && $args == *" -address $CTRD_SOCK "* ]] || continue
        [ -z "${1:-}" ] || [[ $args == *" -id "*"$1"* ]] || continue
        pid_alive "$pid" && echo "$pid"
    done
    return 0
}

# Mounts under containerd's directories (the containers' rootfs) whose
# path contains $1.
ctrd_mounts() {
    in_ns awk -v dir="$CTRD_DIR" -v id="$1" 'index($5, dir) == 1 && index($5, id) { print $5 }' \
        /proc/self/mountinfo
}

container_groups() {
    [ -n "${CG_PARENT:-}" ] && [ -d "$CGROUP_MNT$CG_PARENT" ] || return 0
    find "$CGROUP_MNT$CG_PARENT" -mindepth 1 -maxdepth 1 -type d
}

# Nothing of container ID is left: not in containerd, not in the runtime's
# state, no bundle, shim, cgroup, mount or process.
assert_ctrd_clean() {
    local id=$1 what
    ! ctrd container ls -q | grep -qxF "$id" || fail "ctr container ls still lists $id"
    ! ctrd task ls -q | grep -qxF "$id" || fail "ctr task ls still lists $id"
    what=$(runtime_list)
    [ -z "$what" ] || fail "$RUNTIME_NAME still lists: $what"
    [ ! -e "$RUNC_ROOT/$CTR_NS/$id" ] || fail "the runtime's state dir $RUNC_ROOT/$CTR_NS/$id is left"
    [ ! -e "$CTRD_DIR/state/io.containerd.runtime.v2.task/$CTR_NS/$id" ] || fail "the bundle of $id is left"
    [ -z "$(container_groups)" ] || fail "cgroup left behind: $(container_groups)"
    what=$(ctrd_mounts "$id")
    [ -z "$what" ] || fail "mounts left behind: $what"
    wait_for test -z "$(shim_processes "$id")" || fail "the shim of $id is still running: $(shim_processes "$id")"
    wait_for test -z "$(leftover_processes)" || fail "processes left behind: $(leftover_processes)"
}

# A detached container running COMMAND; sets PID to its init's host pid.
start_detached() { # start_detached ID COMMAND...
    run_detached ctr_run -d "$@"
    [ "$status" -eq 0 ] || fail "ctr run -d failed ($status): $output"
    PID=$(task_pid "$1")
    # The runtime's own state agrees with containerd about the init.
    assert_equal "$(rt_ctrd state "$1" | jq -r .pid)" "$PID"
}

# Stop and remove container ID the way a user of ctr does.
remove_container() {
    ctrd task kill -s KILL "$1" || fail "ctr task kill $1 failed"
    wait_for task_status_is "$1" STOPPED || fail "task $1 did not stop: $(ctrd task ls)"
    ctrd task delete "$1" >/dev/null 2>&1 || fail "ctr task delete $1 failed"
    ctrd container rm "$1" || fail "ctr container rm $1 failed"
}

# ---- ctr run ---------------------------------------------------------------------

@test "containerd: ctr run passes the container's output and exit code through and --rm leaves nothing" {
    run ctr_run --rm "$ID" sh -c 'echo "pid $$"; id -u; grep "^0::" /proc/self/cgroup; echo "$BERTH_TEST_MARK"; exit 7'
    assert_equal "$status" 7
    assert_line --index 0 "pid 1"
    assert_line --index 1 0
    # The runtime put the init in the cgroup containerd asked for.
    assert_line --index 2 "0::$CG_PARENT/$ID"
    assert_line --index 3 "$MARK"
    assert_ctrd_clean "$ID"
}

@test "containerd: ctr run of a missing executable fails with the error from the runtime's JSON --log" {
    run ctr_run --rm "$ID" /no/such/program
    assert_failure
    # The shim read the message from the runtime's --log (else it would
    # quote the runtime's exit status and stderr instead).
    assert_output --regexp 'OCI runtime create failed: .*/no/such/program'
    refute_output --partial "exit status"
    assert_ctrd_clean "$ID"
}

@test "containerd: ctr run -t gives the init the pty the runtime passes over --console-socket" {
    ctr_command
    local cmd
    cmd=$(printf '%q ' "${CTR[@]}" run --rm -t "${RUN_OPTS[@]}" --cgroup "$CG_PARENT/$ID" "$IMAGE" "$ID" \
        sh -c 'tty; test -t 0 && test -t 1 && echo stdio-is-a-tty; exit 3')
    # As in podman.bats: bash is named because CI has no SHELL, and exec
    # keeps timeout the pty's session leader (in the foreground).  ctr
    # forwards a NUL from the outer pty, which the container's pty echoes
    # as "^@" (with runc too): the ^@ are dropped before comparing.
    run env SHELL=/bin/bash script -qec "exec $cmd" /dev/null
    [ "$status" -eq 3 ] || fail "ctr run -t exited $status (137: killed by the 60 s timeout); output: $output"
    read_output <(tr -d '\r' <<<"$output" | sed 's/\^@//g')
    assert_line --regexp '^/dev/pts/[0-9]+$'
    assert_line stdio-is-a-tty
    assert_ctrd_clean "$ID"
}

# ---- ctr task exec ---------------------------------------------------------------

@test "containerd: ctr task exec runs in the init's namespaces and cgroup" {
    # (containerd's default capabilities do not allow sethostname: the
    # init leaves its mark in its rootfs instead.)
    start_detached "$ID" sh -c 'echo "init was pid $$" >/tmp/mark; exec sleep 1000'
    wait_for cmdline_is "$PID" "sleep 1000" || fail "the init never ran sleep: $(cmdline_of "$PID")"

    run ctrd task exec --exec-id look "$ID" sh -c '
        cat /tmp/mark; tr "\0" " " </proc/1/cmdline; echo; echo "pid $$"
        for ns in pid mnt uts ipc net; do readlink /proc/self/ns/$ns; done
        grep "^0::" /proc/self/cgroup'
    assert_success
    assert_line --index 0 "init was pid 1"
    assert_line --index 1 --regexp '^sleep 1000 ?$'
    assert_line --index 2 --regexp '^pid [0-9]+$'
    [ "${lines[2]}" != "pid 1" ] || fail "the exec'd process is pid 1"
    local i=3 ns
    for ns in pid mnt uts ipc net; do
        assert_equal "${lines[i]}" "$(ns_of "$PID" "$ns")"
        i=$((i + 1))
    done
    assert_line --index 8 "0::$CG_PARENT/$ID"

    remove_container "$ID"
    assert_ctrd_clean "$ID"
}

@test "containerd: ctr task exec passes exit code, both streams, --cwd and --user through" {
    start_detached "$ID" sleep 1000

    run ctrd task exec --exec-id code --cwd /tmp --user 1000 "$ID" \
        sh -c 'pwd; id -u; echo to-stderr >&2; exit 3'
    assert_equal "$status" 3
    assert_line /tmp
    assert_line 1000
    assert_line to-stderr

    # The exec'd process is gone and the container goes on.
    run ctrd task exec --exec-id again "$ID" true
    assert_success
    assert_equal "$(task_status "$ID")" RUNNING

    remove_container "$ID"
    assert_ctrd_clean "$ID"
}

@test "containerd: ctr task exec of a missing executable fails with the runtime's error; the container runs on" {
    start_detached "$ID" sleep 1000

    run ctrd task exec --exec-id missing "$ID" /no/such/program
    assert_failure
    assert_output --regexp 'OCI runtime exec failed: .*/no/such/program'
    refute_output --partial "exit status"
    # The runtime wrote it to its --log as JSON, where the shim read it.
    run jq -r 'select(.level == "error") | .msg' \
        "$CTRD_DIR/state/io.containerd.runtime.v2.task/$CTR_NS/$ID/log.json"
    assert_success
    assert_output --partial /no/such/program

    assert_equal "$(task_status "$ID")" RUNNING
    pid_alive "$PID" || fail "the init died"
    run ctrd task exec --exec-id after "$ID" echo still-here
    assert_success
    assert_output still-here

    remove_container "$ID"
    assert_ctrd_clean "$ID"
}

@test "containerd: ctr task exec -t gives the process the pty the runtime passes over --console-socket" {
    start_detached "$ID" sleep 1000
    ctr_command
    local cmd
    cmd=$(printf '%q ' "${CTR[@]}" task exec -t --exec-id tty "$ID" \
        sh -c 'tty; test -t 0 && test -t 1 && echo stdio-is-a-tty; exit 4')
    run env SHELL=/bin/bash script -qec "exec $cmd" /dev/null
    [ "$status" -eq 4 ] || fail "ctr task exec -t exited $status (137: killed by the 60 s timeout); output: $output"
    read_output <(tr -d '\r' <<<"$output" | sed 's/\^@//g')
    assert_line --regexp '^/dev/pts/[0-9]+$'
    assert_line stdio-is-a-tty

    remove_container "$ID"
    assert_ctrd_clean "$ID"
}

@test "containerd: ctr task ps lists a detached exec'd process and kill --all stops it with the init" {
    start_detached "$ID" sleep 1000
    run_detached ctrd task exec -d --exec-id sleeper "$ID" sleep 999
    assert_success

    # ps comes from the runtime's `ps --format json`, matched to the execs.
    run ctrd task ps "$ID"
    assert_success
    assert_line --regexp "^$PID[[:space:]]"
    exec_pid=$(awk '/ExecID:sleeper/ { print $1 }' <<<"$output")
    [[ $exec_pid =~ ^[1-9][0-9]*$ ]] || fail "ctr task ps does not list the exec sleeper: $output"
    assert_equal "$(cmdline_of "$exec_pid")" "sleep 999"
    assert_equal "$(ns_of "$exec_pid" pid)" "$(ns_of "$PID" pid)"
    assert_equal "$(cgroup_dir_of "$exec_pid")" "$CGROUP_MNT$CG_PARENT/$ID"

    run ctrd task kill --all -s KILL "$ID"
    assert_success
    wait_for pid_gone "$exec_pid" || fail "the exec'd process $exec_pid survived kill --all"
    wait_for pid_gone "$PID" || fail "the init $PID survived kill --all"
    wait_for task_status_is "$ID" STOPPED || fail "task not stopped: $(ctrd task ls)"

    run ctrd task delete "$ID"
    assert_success
    run ctrd container rm "$ID"
    assert_success
    assert_ctrd_clean "$ID"
}

# ---- pause, resume, kill, delete -------------------------------------------------

@test "containerd: ctr task pause freezes the container and resume thaws it" {
    start_detached "$ID" sh -c 'i=0; while :; do i=$((i + 1)); echo $i >/tmp/count.tmp; mv /tmp/count.tmp /tmp/count; sleep 0.05; done'
    local group
    group=$(cgroup_dir_of "$PID")
    [ -e "$group/cgroup.freeze" ] || skip "no cgroup v2 freezer here (cgroup.freeze: Linux >= 5.2)"
    count() { cat "/proc/$PID/root/tmp/count" 2>/dev/null || echo 0; }
    count_above() { [ "$(count)" -gt "$1" ]; }
    wait_for count_above 0 || fail "the counter never started"

    run ctrd task pause "$ID"
    assert_success
    assert_equal "$(task_status "$ID")" PAUSED
    assert_equal "$(rt_ctrd state "$ID" | jq -r .status)" paused
    assert_equal "$(cat "$group/cgroup.freeze")" 1
    before=$(count)
    sleep 1
    assert_equal "$(count)" "$before"

    run ctrd task resume "$ID"
    assert_success
    assert_equal "$(task_status "$ID")" RUNNING
    assert_equal "$(rt_ctrd state "$ID" | jq -r .status)" running
    assert_equal "$(cat "$group/cgroup.freeze")" 0
    wait_for count_above "$before" || fail "the counter stayed at $before after resume"

    remove_container "$ID"
    assert_ctrd_clean "$ID"
}

@test "containerd: ctr task kill sends SIGTERM to the init; task delete and container rm leave nothing" {
    start_detached "$ID" sh -c 'trap "exit 5" TERM; touch /tmp/ready; while :; do sleep 0.1; done'
    wait_for test -e "/proc/$PID/root/tmp/ready" || fail "the container did not start"
    local bundle=$CTRD_DIR/state/io.containerd.runtime.v2.task/$CTR_NS/$ID
    [ -d "$RUNC_ROOT/$CTR_NS/$ID" ] || fail "no runtime state at $RUNC_ROOT/$CTR_NS/$ID"
    [ -n "$(ctrd_mounts "$ID")" ] || fail "the shim mounted no rootfs under $bundle"

    run ctrd task kill "$ID"
    assert_success
    wait_for task_status_is "$ID" STOPPED || fail "task not stopped after SIGTERM: $(ctrd task ls)"
    wait_for pid_gone "$PID" || fail "the init $PID is still alive"

    # The exit code the trap chose came back through the runtime and shim.
    run ctrd task delete "$ID"
    assert_success
    assert_output --partial "exit code 5"
    ! ctrd task ls -q | grep -qxF "$ID" || fail "ctr task ls still lists $ID"
    # Deleting the task deleted the runtime's container and unmounted the
    # rootfs; the container (its snapshot) remains until ctr container rm.
    [ ! -e "$RUNC_ROOT/$CTR_NS/$ID" ] || fail "the runtime's state is left after task delete"
    [ -z "$(ctrd_mounts "$ID")" ] || fail "mounts left after task delete: $(ctrd_mounts "$ID")"
    run ctrd container ls -q
    assert_line "$ID"

    run ctrd container rm "$ID"
    assert_success
    assert_ctrd_clean "$ID"
}
