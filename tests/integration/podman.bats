#!/usr/bin/env bats
# Podman drives the runtime under test (--runtime "$RUNTIME") through
# conmon: create with --console-socket and --pid-file, start, kill, delete,
# the JSON --log.  Each test imports the busybox test rootfs as an image and
# asserts what the container saw and what Podman reports.
#
# Podman and everything it starts (conmon, the runtime, `podman container
# cleanup`) run in a private mount namespace held by one process per test,
# with a fresh cgroup2 at /sys/fs/cgroup (Podman must never make groups in a
# host's v1 hierarchies) and tmpfs over /run, /dev/shm and /var/lib: the
# runtime's default --root (Podman passes none), Podman's lock segment and
# caches vanish with the namespace instead of landing on the host.

bats_require_minimum_version 1.5.0  # run -127
load helpers

IMAGE=localhost/berth-busybox

setup() {
    common_setup
    command -v podman >/dev/null || skip "podman is not installed (apt-get install podman)"
    PODMAN_DIR=$BATS_TEST_TMPDIR/podman
    # Groups Podman makes (conmon's and the containers') go under this
    # parent, named after the test so the teardown can find what leaked.
    CG_PARENT=/berth-podman-$TEST_TAG
    mkdir -p "$PODMAN_DIR"/{tmp,vartmp,net}
    write_podman_config
    start_podman_namespace
    import_image
}

teardown() {
    local problems=() what pid
    if [ -n "${NS_PID:-}" ]; then
        pm rm --all --force --time 0 >/dev/null 2>&1 || true
        what=$(in_ns "$RUNTIME" list -q 2>/dev/null)
        [ -z "$what" ] || problems+=("$RUNTIME_NAME still lists containers: $(echo $what)")
        what=$(in_ns awk -v dir="$PODMAN_DIR" 'index($5, dir) == 1 { print $5 }' /proc/self/mountinfo)
        [ -z "$what" ] || problems+=("mounts left under the storage: $(echo $what)")
        kill -KILL "$NS_PID" 2>/dev/null || true
        wait "$NS_PID" 2>/dev/null || true
    fi
    # conmon and the `podman container cleanup` it runs live in the
    # parent's conmon group (their environment is Podman's choice, not ours).
    if ! wait_for test -z "$(conmon_processes)"; then
        what=$(conmon_processes)
        problems+=("conmon processes still running: $(echo $what)")
        for pid in $what; do kill -KILL "$pid" 2>/dev/null || true; done
    fi
    if ! wait_for test -z "$(leftover_processes)"; then
        what=$(leftover_processes)
        problems+=("processes still running: $(echo $what)")
        for pid in $what; do kill -KILL "$pid" 2>/dev/null || true; done
    fi
    what=$(container_groups)
    [ -z "$what" ] || problems+=("container cgroups left behind: $(echo $what)")
    # The parent and conmon's group are Podman's, not the runtime's to remove.
    if [ -n "${CG_PARENT:-}" ] && [ -d "$CGROUP_MNT$CG_PARENT" ]; then
        find "$CGROUP_MNT$CG_PARENT" -mindepth 1 -depth -type d -exec rmdir {} + 2>/dev/null || true
        rmdir "$CGROUP_MNT$CG_PARENT" 2>/dev/null || true
    fi
    [ -z "${PODMAN_DIR:-}" ] || rm -rf "$PODMAN_DIR"
    common_teardown || problems+=("common teardown failed")
    if [ ${#problems[@]} -gt 0 ]; then
        printf 'teardown: %s\n' "${problems[@]}" >&2
        return 1
    fi
}

# Podman's configuration, all of it under $PODMAN_DIR.  pids_limit = 0:
# Podman otherwise asks every container for a pids limit of 2048, which
# the cgroup2 of a hybrid host like this one cannot give (no pids
# controller: berth refuses it, naming why); 0 asks for no limit.  The rlimits:
# Podman's default RLIMIT_NOFILE of 1048576 is above this host's hard limit
# and raising it needs CAP_SYS_RESOURCE, which the tests do not have; lower
# limits always work (Podman itself caps its RLIMIT_NPROC at 32768).
write_podman_config() {
    local nproc
    nproc=$(ulimit -Hu)
    [[ $nproc =~ ^[0-9]+$ ]] && [ "$nproc" -lt 32768 ] || nproc=32768
    # Podman gives every container its default seccomp profile; a runtime
    # whose features say it has no seccomp (berth before its seccomp
    # support) refuses it, so then the profile is left out.
    local seccomp=""
    SECCOMP=true
    if ! "$RUNTIME" features 2>/dev/null | jq -e '.linux.seccomp.enabled' >/dev/null; then
        SECCOMP=false
        seccomp='seccomp_profile = "unconfined"'
    fi
    cat >"$PODMAN_DIR/containers.conf" <<EOF
[containers]
netns = "none"
$seccomp
pids_limit = 0
default_ulimits = ["nofile=1024:1024", "nproc=$nproc:$nproc"]
env = ["PATH=/usr/sbin:/usr/bin:/sbin:/bin", "BERTH_TEST_MARK=$MARK"]

[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$PODMAN_DIR/events.log"
tmp_dir = "$PODMAN_DIR/tmp"
volume_path = "$PODMAN_DIR/volumes"
# conmon's environment is this list alone: TMPDIR keeps its console sockets
# (left behind when a create fails) out of /tmp, the mark lets the teardown
# find it and the runtime it starts.
conmon_env_vars = ["PATH=/usr/sbin:/usr/bin:/sbin:/bin", "TMPDIR=$PODMAN_DIR/vartmp", "BERTH_TEST_MARK=$MARK"]
# Podman passes --log FILE --log-format json only to the runtimes named
# here, and then reads the runtime's errors from that file.
runtime_supports_json = ["crun", "runc", "$RUNTIME_NAME"]

[network]
network_config_dir = "$PODMAN_DIR/net"
EOF
    cat >"$PODMAN_DIR/storage.conf" <<EOF
[storage]
driver = "vfs"
graphroot = "$PODMAN_DIR/storage"
runroot = "$PODMAN_DIR/run"
EOF
}

start_podman_namespace() {
    local ready=$BATS_TEST_TMPDIR/podman-ns-ready
    unshare --mount --propagation private -- bash -c '
        set -e
        # tests/run.sh has mounted one already (the kernel refuses the
        # same cgroup2 on top of itself); bats run by hand has not.
        [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ] || mount -t cgroup2 cgroup2 /sys/fs/cgroup
        mount -t tmpfs -o mode=0755 tmpfs /run
        mount -t tmpfs -o mode=1777 tmpfs /dev/shm
        mount -t tmpfs -o mode=0755 tmpfs /var/lib
        touch "$1"
        exec sleep infinity' _ "$ready" </dev/null >"$BATS_TEST_TMPDIR/podman-ns.out" 2>&1 3>&- &
    NS_PID=$!
    wait_for test -e "$ready" ||
        fail "the private mount namespace for podman did not start: $(cat "$BATS_TEST_TMPDIR/podman-ns.out")"
}

in_ns() {
    nsenter --target "$NS_PID" --mount -- "$@"
}

# The whole podman command line, as words (for `script`, which takes a string).
podman_command() {
    PODMAN=(env BERTH_TEST_MARK="$MARK" CONTAINERS_CONF="$PODMAN_DIR/containers.conf"
        CONTAINERS_STORAGE_CONF="$PODMAN_DIR/storage.conf" TMPDIR="$PODMAN_DIR/vartmp"
        timeout -k 5 60 nsenter --target "$NS_PID" --mount --
        podman --runtime "$RUNTIME" --cgroup-manager=cgroupfs --events-backend=file
        --root "$PODMAN_DIR/storage" --runroot "$PODMAN_DIR/run" --storage-driver vfs)
}

pm() {
    podman_command
    "${PODMAN[@]}" "$@"
}

import_image() {
    tar -C "$TEST_ROOTFS" -c . | pm import --quiet - "$IMAGE" >"$BATS_TEST_TMPDIR/import.out" 2>&1 ||
        fail "podman import failed: $(cat "$BATS_TEST_TMPDIR/import.out")"
}

# The containers' groups under CG_PARENT (conmon's own group is not one).
container_groups() {
    [ -n "${CG_PARENT:-}" ] && [ -d "$CGROUP_MNT$CG_PARENT" ] || return 0
    find "$CGROUP_MNT$CG_PARENT" -mindepth 1 -maxdepth 1 -type d ! -name conmon
}

conmon_processes() {
    [ -n "${CG_PARENT:-}" ] || return 0
    cat "$CGROUP_MNT$CG_PARENT/conmon/cgroup.procs" 2>/dev/null || true
}

# The container's state as the runtime itself reports it.
runtime_state_field() { # runtime_state_field ID FIELD
    in_ns "$RUNTIME" state "$1" | jq -r ".$2"
}

@test "podman run passes the container's output and exit code through" {
    run pm run --rm --cgroup-parent "$CG_PARENT" --hostname from-podman "$IMAGE" \
        sh -c 'hostname; echo "pid $$"; id -u; grep "^Seccomp:" /proc/self/status; exit 7'
    assert_equal "$status" 7
    assert_line --index 0 from-podman
    assert_line --index 1 "pid 1"
    assert_line --index 2 0
    # Podman's default seccomp profile is in force (mode 2: filter).
    if [ "$SECCOMP" = true ]; then
        assert_line --index 3 --regexp '^Seccomp:[[:space:]]+2$'
    fi
    # --rm: the runtime's state and the cgroup are gone with the container.
    run in_ns "$RUNTIME" list -q
    assert_output ""
    [ -z "$(container_groups)" ] || fail "cgroup left behind: $(container_groups)"
}

@test "podman run reports a missing executable as 127, read from the runtime's JSON --log" {
    run -127 pm run --cgroup-parent "$CG_PARENT" --name missing "$IMAGE" /no/such/program
    assert_output --partial /no/such/program
    # Podman passed --log FILE --log-format json and took the error from there.
    id=$(pm inspect --format '{{.Id}}' missing)
    run jq -r 'select(.level == "error") | .msg' "$PODMAN_DIR/run/vfs-containers/$id/userdata/oci-log"
    assert_success
    assert_output --partial /no/such/program
    run pm rm missing
    assert_success
}

@test "podman run --device creates the node from the fileMode Podman gives (st_mode, type bits included)" {
    run pm run --rm --cgroup-parent "$CG_PARENT" --device /dev/null:/dev/podman-null "$IMAGE" \
        sh -c 'stat -c "%F %t:%T %a" /dev/podman-null; echo x >/dev/podman-null && echo written'
    assert_success
    assert_line --index 0 "character special file 1:3 666"
    assert_line --index 1 written
}

@test "podman run -t gives the container the pty from --console-socket" {
    podman_command
    local cmd
    cmd=$(printf '%q ' "${PODMAN[@]}" run --rm --cgroup-parent "$CG_PARENT" -t "$IMAGE" \
        sh -c 'tty; test -t 0 && test -t 1 && echo stdio-is-a-tty; exit 3')
    # script runs the line with $SHELL, or /bin/sh when CI has none: bash
    # is named because printf %q quotes for bash, and exec makes timeout the
    # pty's session leader.  Under a shell that forks instead, timeout's own
    # process group is in the background, and Podman, setting the terminal
    # raw, is stopped by SIGTTOU until the timeout kills it.
    run env SHELL=/bin/bash script -qec "exec $cmd" /dev/null
    [ "$status" -eq 3 ] || fail "podman run -t exited $status (137: killed by the 60 s timeout); output: $output"
    read_output <(tr -d '\r' <<<"$output")
    assert_line --index 0 --regexp '^/dev/pts/[0-9]+$'
    assert_line --index 1 stdio-is-a-tty
}

@test "podman run -d, ps, inspect and stop: SIGTERM first, SIGKILL after the timeout" {
    run_detached pm run -d --cgroup-parent "$CG_PARENT" --name stubborn "$IMAGE" \
        sh -c 'trap "echo ignored TERM" TERM; while :; do sleep 0.1; done'
    assert_success
    id=${lines[-1]}

    run pm ps --format '{{.Names}} {{.Status}}'
    assert_output --regexp '^stubborn Up '
    pid=$(pm inspect --format '{{.State.Pid}}' stubborn)
    assert_equal "$(runtime_state_field "$id" status)" running
    assert_equal "$(runtime_state_field "$id" pid)" "$pid"
    # The runtime put the process in the cgroup Podman asked for.
    assert_equal "$(awk -F: '$1 == "0" { print $3 }' "/proc/$pid/cgroup")" "$CG_PARENT/libpod-$id"

    SECONDS=0
    run pm stop --time 1 stubborn
    assert_success
    [ "$SECONDS" -lt 10 ] || fail "stop took ${SECONDS}s"
    run pm inspect --format '{{.State.Status}} {{.State.ExitCode}}' stubborn
    assert_output "exited 137"
    wait_for pid_gone "$pid" || fail "the container's process $pid is still alive after stop"
    run pm logs stubborn
    assert_output "ignored TERM"

    run pm rm stubborn
    assert_success
    run in_ns "$RUNTIME" list -q
    assert_output ""
    [ -z "$(container_groups)" ] || fail "cgroup left behind: $(container_groups)"
}

@test "podman kill delivers the signal to the container's process" {
    run_detached pm run -d --cgroup-parent "$CG_PARENT" --name trapper "$IMAGE" \
        sh -c 'trap "echo caught USR1; exit 3" USR1; touch /tmp/ready; while :; do sleep 0.1; done'
    assert_success
    pid=$(pm inspect --format '{{.State.Pid}}' trapper)
    wait_for test -e "/proc/$pid/root/tmp/ready" || fail "the container did not start"

    run pm kill --signal USR1 trapper
    assert_success
    run pm wait trapper
    assert_output 3
    run pm logs trapper
    assert_output "caught USR1"

    # SIGKILL from podman kill gives 137.
    run_detached pm run -d --cgroup-parent "$CG_PARENT" --name killed "$IMAGE" sleep 100
    assert_success
    run pm kill killed
    assert_success
    run pm wait killed
    assert_output 137
}

@test "podman exec runs a command in the running container: its namespaces, cgroup, env, user and exit code" {
    run_detached pm run -d --cgroup-parent "$CG_PARENT" --name target --hostname exec-target "$IMAGE" \
        sh -c 'echo from-init >/tmp/marker; exec sleep 1000'
    assert_success
    id=${lines[-1]}
    pid=$(pm inspect --format '{{.State.Pid}}' target)
    wait_for test -e "/proc/$pid/root/tmp/marker" || fail "the container did not start"

    # Podman hands the runtime the whole process (exec --process FILE).
    run pm exec --env GREETING=hi --workdir /tmp --user 1000:1000 target sh -c '
        hostname; cat marker; echo "pid $$"; echo "$GREETING"; pwd; id -u
        grep "^Seccomp:" /proc/self/status
        for t in pid mnt net ipc uts; do echo "$t $(readlink /proc/self/ns/$t)"; done
        if [ "$(cat /proc/self/cgroup)" = "$(cat /proc/1/cgroup)" ]; then echo same-cgroup; fi
        exit 5'
    assert_equal "$status" 5
    assert_line --index 0 exec-target
    assert_line --index 1 from-init
    [[ ${lines[2]} =~ ^pid\ [0-9]+$ ]] && [ "${lines[2]#pid }" -gt 1 ] || fail "exec'd pid: ${lines[2]}"
    assert_line --index 3 hi
    assert_line --index 4 /tmp
    assert_line --index 5 1000
    # The container's seccomp profile holds for the exec'd process too.
    if [ "$SECCOMP" = true ]; then
        assert_line --index 6 --regexp '^Seccomp:[[:space:]]+2$'
    fi
    for t in pid mnt net ipc uts; do
        assert_line "$t $(readlink "/proc/$pid/ns/$t")"
    done
    assert_line same-cgroup
    # The exec'd process is gone; the container runs on with its one process.
    wait_for eval '[ "$(in_ns "$RUNTIME" ps --format json "$id" | jq length)" = 1 ]' ||
        fail "processes after the exec: $(in_ns "$RUNTIME" ps --format json "$id")"
    assert_equal "$(runtime_state_field "$id" status)" running

    # A missing executable: Podman's 127, naming it.
    run -127 pm exec target /no/such/program
    assert_output --partial /no/such/program
}

@test "podman exec -t gives the exec'd process the pty from --console-socket" {
    run_detached pm run -d --cgroup-parent "$CG_PARENT" --name target "$IMAGE" sleep 1000
    assert_success
    podman_command
    local cmd
    cmd=$(printf '%q ' "${PODMAN[@]}" exec -t target \
        sh -c 'tty; test -t 0 && test -t 1 && echo stdio-is-a-tty; exit 3')
    # As in the podman run -t test: bash for printf %q, exec to make
    # timeout the pty's session leader.
    run env SHELL=/bin/bash script -qec "exec $cmd" /dev/null
    [ "$status" -eq 3 ] || fail "podman exec -t exited $status (137: killed by the 60 s timeout); output: $output"
    read_output <(tr -d '\r' <<<"$output")
    assert_line --index 0 --regexp '^/dev/pts/[0-9]+$'
    assert_line --index 1 stdio-is-a-tty
}
