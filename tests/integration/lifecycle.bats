#!/usr/bin/env bats
# The container lifecycle as runc's CLI drives it: create, start, state,
# kill, delete, list, --pid-file, and what happens when commands race or
# ids are bad.

load helpers

# A container that records it ran (a marker in /shared), then waits.
make_marker_bundle() {
    make_bundle /bin/sh -c "echo ran > /shared/marker; exec $INIT pause"
}

@test "create leaves a created container with a live pid that has not run the process yet" {
    make_marker_bundle
    run_detached rt create --bundle "$BUNDLE" "$ID"
    assert_success

    run rt state "$ID"
    assert_success
    assert_equal "$(jq -r .status <<<"$output")" created
    assert_equal "$(jq -r .id <<<"$output")" "$ID"
    assert_equal "$(jq -r .bundle <<<"$output")" "$BUNDLE"
    pid=$(jq -r .pid <<<"$output")
    [[ $pid =~ ^[1-9][0-9]*$ ]] || fail "state pid is '$pid'"
    pid_alive "$pid" || fail "pid $pid from state is not a live process"

    sleep 0.3
    [ ! -e "$SHARED/marker" ] || fail "the process ran before start"
}

@test "start runs the process and the container becomes running" {
    make_marker_bundle
    run_detached rt create --bundle "$BUNDLE" "$ID"
    assert_success
    created_pid=$(container_pid "$ID")

    run rt start "$ID"
    assert_success
    wait_for test -e "$SHARED/marker" || fail "the process did not run after start"
    assert_equal "$(cat "$SHARED/marker")" ran
    wait_status "$ID" running
    # The process runs in the pid that create reported.
    assert_equal "$(container_pid "$ID")" "$created_pid"
    run cat "/proc/$created_pid/cmdline"
    assert_output --partial pause
}

@test "start of a running container fails" {
    make_marker_bundle
    run_detached rt run --detach --bundle "$BUNDLE" "$ID"
    assert_success
    wait_status "$ID" running
    run rt start "$ID"
    assert_failure
    wait_status "$ID" running
}

@test "kill stops a running container and state reports stopped" {
    make_bundle "$INIT" pause
    run_detached rt run --detach --bundle "$BUNDLE" "$ID"
    assert_success
    pid=$(container_pid "$ID")

    run rt kill "$ID" KILL
    assert_success
    wait_status "$ID" stopped
    wait_for pid_gone "$pid" || fail "pid $pid still alive"
}

@test "delete removes a stopped container: state then says it does not exist" {
    make_bundle "$INIT" exit 0
    run_detached rt create --bundle "$BUNDLE" "$ID"
    assert_success
    run rt start "$ID"
    assert_success
    wait_status "$ID" stopped

    run rt delete "$ID"
    assert_success
    run rt state "$ID"
    assert_failure
    assert_output --partial "does not exist"
    assert_clean
}

@test "delete of a created container kills its waiting process" {
    make_marker_bundle
    run_detached rt create --bundle "$BUNDLE" "$ID"
    assert_success
    pid=$(container_pid "$ID")

    run rt delete "$ID"
    assert_success
    wait_for pid_gone "$pid" || fail "pid $pid survived delete"
    [ ! -e "$SHARED/marker" ] || fail "deleting a created container ran its process"
    assert_clean
}

@test "kill TERM ends a created container that is still waiting for start" {
    make_marker_bundle
    run_detached rt create --bundle "$BUNDLE" "$ID"
    assert_success
    pid=$(container_pid "$ID")
    run rt kill "$ID" TERM
    assert_success
    wait_for pid_gone "$pid" || fail "the created container's init ignored SIGTERM"
    wait_status "$ID" stopped
    [ ! -e "$SHARED/marker" ] || fail "the process ran although the container was never started"
    rt delete "$ID"
    assert_clean
}

@test "create and start work with a user namespace" {
    make_marker_bundle
    add_ns user
    cfg '.linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
         | .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]'
    open_bundle_path
    chown -R 100000:100000 "$SHARED"
    run_detached rt create --bundle "$BUNDLE" "$ID"
    assert_success
    wait_status "$ID" created
    run rt start "$ID"
    assert_success
    wait_for test -e "$SHARED/marker" || fail "the process did not run after start"
    assert_equal "$(stat -c %u "$SHARED/marker")" 100000
}

@test "state of a missing container fails saying it does not exist" {
    run rt state no-such-container
    assert_failure
    assert_output --partial "does not exist"
}

@test "errors about a missing container name it" {
    berth_only "runc says only 'container does not exist'"
    for cmd in state start delete "kill"; do
        run rt $cmd no-such-container
        assert_failure
        assert_output --partial "container no-such-container does not exist"
    done
}

@test "--pid-file of create holds the pid that state reports" {
    make_bundle "$INIT" pause
    run_detached rt create --bundle "$BUNDLE" --pid-file "$BATS_TEST_TMPDIR/pid" "$ID"
    assert_success
    [ -s "$BATS_TEST_TMPDIR/pid" ] || fail "no pid file"
    assert_equal "$(cat "$BATS_TEST_TMPDIR/pid")" "$(container_pid "$ID")"
}

@test "--pid-file of run --detach holds the pid that state reports" {
    make_bundle "$INIT" pause
    run_detached rt run --detach --bundle "$BUNDLE" --pid-file "$BATS_TEST_TMPDIR/pid" "$ID"
    assert_success
    assert_equal "$(cat "$BATS_TEST_TMPDIR/pid")" "$(container_pid "$ID")"
}

# A container that logs the signals it receives into /shared/signals.
make_signal_logger() {
    make_bundle /bin/sh -c '
        for s in USR1 USR2 HUP TERM; do trap "echo $s >> /shared/signals" $s; done
        touch /shared/ready
        while :; do sleep 0.05; done'
}

@test "kill delivers signals given by name, SIG-name and number; the default is TERM" {
    make_signal_logger
    run_detached rt run --detach --bundle "$BUNDLE" "$ID"
    assert_success
    wait_for test -e "$SHARED/ready" || fail "container did not start"

    rt kill "$ID" USR1
    wait_for grep -qx USR1 "$SHARED/signals" || fail "USR1 by name not delivered"
    rt kill "$ID" SIGUSR2
    wait_for grep -qx USR2 "$SHARED/signals" || fail "SIGUSR2 not delivered"
    rt kill "$ID" 1
    wait_for grep -qx HUP "$SHARED/signals" || fail "signal 1 (HUP) not delivered"
    rt kill "$ID"
    wait_for grep -qx TERM "$SHARED/signals" || fail "kill without a signal did not send TERM"
    assert_equal "$(cat "$SHARED/signals")" "$(printf 'USR1\nUSR2\nHUP\nTERM')"
}

@test "kill with KILL by name and with 9 by number both stop the container" {
    make_bundle "$INIT" pause
    run_detached rt run --detach --bundle "$BUNDLE" "$ID"
    assert_success
    run_detached rt run --detach --bundle "$BUNDLE" "${ID}2"
    assert_success

    run rt kill "$ID" SIGKILL
    assert_success
    run rt kill "${ID}2" 9
    assert_success
    wait_status "$ID" stopped
    wait_status "${ID}2" stopped
}

@test "kill of an unknown signal fails and the container keeps running" {
    make_bundle "$INIT" pause
    run_detached rt run --detach --bundle "$BUNDLE" "$ID"
    assert_success
    run rt kill "$ID" SIGNOTASIGNAL
    assert_failure
    wait_status "$ID" running
}

@test "kill --all signals every process of the container, not only its init" {
    # init (sh, which ignores TERM as a PID namespace's init without a
    # handler) waits for two children that die of TERM.
    make_bundle /bin/sh -c "$INIT pause & $INIT pause & touch /shared/ready; wait; echo children-gone > /shared/done; exec $INIT pause"
    run_detached rt run --detach --bundle "$BUNDLE" "$ID"
    assert_success
    wait_for test -e "$SHARED/ready" || fail "container did not start"
    pid=$(container_pid "$ID")
    group=$(cgroup_dir_of "$pid")
    wait_for test "$(wc -l <"$group/cgroup.procs")" -eq 3 || fail "expected 3 processes: $(cat "$group/cgroup.procs")"
    children=$(grep -vx "$pid" "$group/cgroup.procs")

    run rt kill --all "$ID" TERM
    assert_success
    for child in $children; do
        wait_for pid_gone "$child" || fail "process $child did not get TERM"
    done
    wait_for test -e "$SHARED/done" || fail "init did not see its children die"
    # init itself ignored TERM and carries on.
    wait_status "$ID" running
}

@test "delete --force removes a running container and its processes" {
    make_bundle "$INIT" pause
    run_detached rt run --detach --bundle "$BUNDLE" "$ID"
    assert_success
    pid=$(container_pid "$ID")

    run rt delete --force "$ID"
    assert_success
    wait_for pid_gone "$pid" || fail "pid $pid survived delete --force"
    run rt state "$ID"
    assert_failure
    assert_clean
}

@test "delete without --force refuses a running container and leaves it running" {
    make_bundle "$INIT" pause
    run_detached rt run --detach --bundle "$BUNDLE" "$ID"
    assert_success
    pid=$(container_pid "$ID")

    run rt delete "$ID"
    assert_failure
    assert_output --partial "$ID"
    pid_alive "$pid" || fail "delete killed the container"
    wait_status "$ID" running
}

@test "list shows every container as a table, as ids with -q and as JSON" {
    make_bundle "$INIT" pause
    run_detached rt create --bundle "$BUNDLE" "${ID}a"
    assert_success
    run_detached rt run --detach --bundle "$BUNDLE" "${ID}b"
    assert_success
    pid_b=$(container_pid "${ID}b")

    run rt list
    assert_success
    assert_line --regexp '^ID +PID +STATUS +BUNDLE +CREATED +OWNER'
    assert_line --regexp "^${ID}a +[0-9]+ +created +$BUNDLE "
    assert_line --regexp "^${ID}b +$pid_b +running +$BUNDLE "
    assert_equal "${#lines[@]}" 3

    run rt list -q
    assert_success
    assert_equal "$(sort <<<"$output")" "$(printf '%s\n' "${ID}a" "${ID}b")"

    run rt list --format json
    assert_success
    assert_equal "$(jq -r 'sort_by(.id) | map("\(.id) \(.status) \(.bundle)") | .[]' <<<"$output")" \
        "$(printf '%s\n' "${ID}a created $BUNDLE" "${ID}b running $BUNDLE")"
    assert_equal "$(jq -r --arg id "${ID}b" '.[] | select(.id == $id) | .pid' <<<"$output")" "$pid_b"
}

@test "list of an empty root prints only the header, -q nothing and JSON an empty array" {
    run rt list
    assert_success
    assert_line --index 0 --regexp '^ID +PID +STATUS'
    assert_equal "${#lines[@]}" 1
    run rt list -q
    assert_success
    assert_output ""
    run rt list --format json
    assert_success
    # runc prints null; either way a JSON value with no containers.
    jq -e 'length == 0' <<<"$output" >/dev/null || fail "not an empty list: $output"
}

@test "concurrent kill 0 and state while a delete --force runs stay consistent" {
    make_bundle "$INIT" pause
    run_detached rt run --detach --bundle "$BUNDLE" "$ID"
    assert_success
    mkdir -p "$BATS_TEST_TMPDIR/race"

    # race NAME CMD...: run CMD in the background, its output in
    # race/NAME, its exit code in race/NAME.rc.
    race() {
        local name=$1
        shift
        (
            set +e
            "$@" >"$BATS_TEST_TMPDIR/race/$name" 2>"$BATS_TEST_TMPDIR/race/$name.err"
            echo $? >"$BATS_TEST_TMPDIR/race/$name.rc"
        ) 3>&- &
        pids+=($!)
    }
    local pids=()
    for i in $(seq 1 10); do
        race "kill$i" rt kill "$ID" 0
        race "state$i" rt state "$ID"
        [ "$i" != 5 ] || race delete rt delete --force "$ID"
    done
    wait "${pids[@]}"

    assert_equal "$(cat "$BATS_TEST_TMPDIR/race/delete.rc")" 0
    for i in $(seq 1 10); do
        rc=$(cat "$BATS_TEST_TMPDIR/race/state$i.rc")
        # 124/137: the command hung and timeout ended it.
        [[ $rc != 124 && $rc != 137 ]] || fail "state $i hung"
        if [ "$rc" = 0 ]; then
            # A state read while deleting is whole and names a real status.
            jq -e --arg id "$ID" '.id == $id and (.status | IN("running", "stopped"))' \
                "$BATS_TEST_TMPDIR/race/state$i" >/dev/null ||
                fail "state $i printed: $(cat "$BATS_TEST_TMPDIR/race/state$i")"
        else
            grep -qiE 'not exist|not found|no such' "$BATS_TEST_TMPDIR/race/state$i.err" ||
                fail "state $i failed oddly: $(cat "$BATS_TEST_TMPDIR/race/state$i.err")"
        fi
        rc=$(cat "$BATS_TEST_TMPDIR/race/kill$i.rc")
        [[ $rc != 124 && $rc != 137 ]] || fail "kill $i hung"
        if [ "$rc" != 0 ]; then
            grep -qiE 'not exist|not found|no such|not running|stopped' "$BATS_TEST_TMPDIR/race/kill$i.err" ||
                fail "kill $i failed oddly: $(cat "$BATS_TEST_TMPDIR/race/kill$i.err")"
        fi
    done
    run rt state "$ID"
    assert_failure
    assert_clean
}

@test "a second create with the same id fails with 'already exists' and keeps the first" {
    make_bundle "$INIT" pause
    run_detached rt create --bundle "$BUNDLE" "$ID"
    assert_success
    pid=$(container_pid "$ID")

    run_detached rt create --bundle "$BUNDLE" "$ID"
    assert_failure
    assert_output --partial "already exists"
    assert_equal "$(state_field "$ID" status)" created
    assert_equal "$(container_pid "$ID")" "$pid"
    pid_alive "$pid" || fail "the first container's process died"
}

@test "ids with '/' or '..' are rejected and leave no state behind" {
    make_bundle "$INIT" exit 0
    for bad in "a/b" "../$ID-escaped" ".." "." "x/../y"; do
        run_detached rt create --bundle "$BUNDLE" "$bad"
        assert_failure
        run rt list -q
        assert_output ""
        assert_equal "$(leftover_state)" ""
        [ ! -e "$BATS_TEST_TMPDIR/$ID-escaped" ] || fail "state written outside the root"
    done
    assert_clean
}
