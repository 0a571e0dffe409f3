#!/usr/bin/env bats
# `run`: create + start in one command, in the foreground (exit code and
# signals pass through) or detached, with or without --keep.

load helpers

@test "run passes the process's exit code through (exit 3 gives 3)" {
    make_bundle "$INIT" exit 3
    run rt run --bundle "$BUNDLE" "$ID"
    assert_equal "$status" 3
    assert_clean
}

@test "run of a process that exits 0 succeeds and prints the process's output" {
    make_bundle "$INIT" hostname
    cfg '.hostname = "printed-from-inside"'
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_output printed-from-inside
}

@test "run reports a process killed by a signal as 128+N (SIGTERM gives 143)" {
    # Outside a PID namespace the process is not an init, so the signal it
    # sends itself is not ignored.
    make_bundle "$INIT" kill-self TERM
    del_ns pid
    run rt run --bundle "$BUNDLE" "$ID"
    assert_equal "$status" 143
    assert_clean
}

@test "run reports a container killed with SIGKILL from outside as 137" {
    make_bundle "$INIT" pause 0 /shared/ready
    start_bg rt run --bundle "$BUNDLE" "$ID"
    wait_for test -e "$SHARED/ready" || fail "container did not start: $(cat "$BATS_TEST_TMPDIR/bg.out")"
    rt kill "$ID" KILL
    status=0
    wait "$BG_PID" || status=$?
    assert_equal "$status" 137
    assert_clean
}

@test "run forwards the signals it receives to the container" {
    make_bundle "$INIT" trap USR1 /shared/ready
    # The runtime itself, not a wrapper: the signal goes to its pid.
    env BERTH_TEST_MARK="$MARK" "$RUNTIME" --root "$ROOT" run --bundle "$BUNDLE" "$ID" \
        </dev/null >"$BATS_TEST_TMPDIR/out" 2>&1 3>&- &
    rt_pid=$!
    BG_PIDS+=("$rt_pid")
    wait_for test -e "$SHARED/ready" || fail "container did not start: $(cat "$BATS_TEST_TMPDIR/out")"

    kill -USR1 "$rt_pid"
    status=0
    WAIT_TRIES=200 wait_for pid_gone "$rt_pid" || fail "run did not end after the container got USR1"
    wait "$rt_pid" || status=$?
    assert_equal "$status" 0
    run cat "$BATS_TEST_TMPDIR/out"
    assert_output "caught USR1 (10)"
    assert_clean
}

@test "run forwards SIGTERM: a container that handles it exits with its own code" {
    make_bundle "$INIT" pause 42 /shared/ready
    env BERTH_TEST_MARK="$MARK" "$RUNTIME" --root "$ROOT" run --bundle "$BUNDLE" "$ID" \
        </dev/null >"$BATS_TEST_TMPDIR/out" 2>&1 3>&- &
    rt_pid=$!
    BG_PIDS+=("$rt_pid")
    wait_for test -e "$SHARED/ready" || fail "container did not start: $(cat "$BATS_TEST_TMPDIR/out")"

    kill -TERM "$rt_pid"
    status=0
    wait "$rt_pid" || status=$?
    assert_equal "$status" 42
    assert_clean
}

@test "run --detach returns at once and the container keeps running" {
    make_bundle "$INIT" pause
    SECONDS=0
    run_detached rt run --detach --bundle "$BUNDLE" "$ID"
    assert_success
    [ "$SECONDS" -lt 10 ] || fail "run --detach took ${SECONDS}s"
    wait_status "$ID" running
    pid_alive "$(container_pid "$ID")" || fail "the container's process is not alive"
}

@test "run --detach of a process that exits leaves a stopped container until delete" {
    make_bundle "$INIT" exit 0
    run_detached rt run --detach --bundle "$BUNDLE" "$ID"
    assert_success
    wait_status "$ID" stopped
    run rt delete "$ID"
    assert_success
    assert_clean
}

@test "run --keep leaves the stopped container to inspect and delete" {
    make_bundle "$INIT" exit 7
    run rt run --keep --bundle "$BUNDLE" "$ID"
    assert_equal "$status" 7
    run rt state "$ID"
    assert_success
    assert_equal "$(jq -r .status <<<"$output")" stopped
    run rt delete "$ID"
    assert_success
    assert_clean
}

@test "run without --keep removes the container once the process exits" {
    make_bundle "$INIT" exit 0
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    run rt state "$ID"
    assert_failure
    run rt list -q
    assert_output ""
    assert_clean
}

@test "run gives the container the runtime's stdin, stdout and stderr" {
    make_bundle /bin/sh -c 'read line; echo "out:$line"; echo "err:$line" >&2'
    echo from-stdin >"$BATS_TEST_TMPDIR/in"
    status=0
    env BERTH_TEST_MARK="$MARK" "$RUNTIME" --root "$ROOT" run --bundle "$BUNDLE" "$ID" \
        <"$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" || status=$?
    assert_equal "$status" 0
    assert_equal "$(cat "$BATS_TEST_TMPDIR/out")" out:from-stdin
    assert_equal "$(cat "$BATS_TEST_TMPDIR/err")" err:from-stdin
}

@test "run takes the working directory as the default bundle and --bundle relative to it" {
    make_bundle "$INIT" exit 5
    cd "$BUNDLE"
    run rt run "$ID"
    assert_equal "$status" 5
    cd "$BATS_TEST_TMPDIR"
    run rt run --bundle bundle "$ID"
    assert_equal "$status" 5
}
