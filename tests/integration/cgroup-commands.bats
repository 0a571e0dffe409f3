#!/usr/bin/env bats
# The commands that work through a running container's cgroup: pause and
# resume (the cgroup v2 freezer), ps (its processes) and events (its
# statistics and OOM kills).

load helpers

# A container that bumps a counter in /shared/counter every 50 ms; the
# rename makes each read see a whole number.
make_counter_bundle() {
    make_bundle /bin/sh -c 'i=0; while :; do i=$((i + 1)); echo $i >/shared/counter.tmp; mv /shared/counter.tmp /shared/counter; sleep 0.05; done'
}

# A container that burns CPU (its cpu usage grows between two reads).
make_spinning_bundle() {
    make_bundle /bin/sh -c 'touch /shared/ready; while :; do :; done'
}

run_container() {
    run_detached rt run --detach --bundle "$BUNDLE" "$ID"
    assert_success
}

counter() {
    cat "$SHARED/counter"
}

counter_above() { # counter_above N
    [ "$(counter)" -gt "$1" ]
}

freeze_file() {
    cat "$(cgroup_dir_of "$(container_pid "$ID")")/cgroup.freeze"
}

# ---- pause and resume -------------------------------------------------------

@test "pause stops the container's processes and resume lets them go on" {
    make_counter_bundle
    run_container
    wait_for test -s "$SHARED/counter" || fail "the counter never started"

    run rt pause "$ID"
    assert_success
    assert_equal "$(state_field "$ID" status)" paused
    before=$(counter)
    sleep 1
    assert_equal "$(counter)" "$before"

    run rt resume "$ID"
    assert_success
    assert_equal "$(state_field "$ID" status)" running
    wait_for counter_above "$before" || fail "the counter stayed at $before after resume"
}

@test "list shows a paused container as paused" {
    make_bundle "$INIT" pause
    run_container
    rt pause "$ID"
    run rt list --format json
    assert_success
    assert_equal "$(jq -r --arg id "$ID" '.[] | select(.id == $id) | .status' <<<"$output")" paused
    rt resume "$ID"
    wait_status "$ID" running
}

@test "pause of a stopped container fails and changes nothing" {
    make_bundle "$INIT" exit 0
    run_container
    wait_status "$ID" stopped

    run rt pause "$ID"
    assert_failure
    assert_output --partial "not running"
    assert_equal "$(state_field "$ID" status)" stopped
    run rt resume "$ID"
    assert_failure
    assert_output --partial "not paused"
}

@test "pause of a created container fails and changes nothing" {
    berth_only "runc 1.1 freezes a created container too"
    make_bundle "$INIT" pause
    run_detached rt create --bundle "$BUNDLE" "$ID"
    assert_success

    run rt pause "$ID"
    assert_failure
    assert_output "berth: pause $ID: container not running (it is created)"
    assert_equal "$(state_field "$ID" status)" created
    assert_equal "$(freeze_file)" 0
    run rt start "$ID"
    assert_success
    wait_status "$ID" running
}

@test "resume of a running container fails: it is not paused" {
    make_bundle "$INIT" pause
    run_container
    run rt resume "$ID"
    assert_failure
    assert_output --partial "not paused"
    assert_equal "$(state_field "$ID" status)" running
}

@test "pause twice fails the second time and the container stays paused" {
    make_bundle "$INIT" pause
    run_container
    rt pause "$ID"
    run rt pause "$ID"
    assert_failure
    assert_output --partial "not running"
    assert_equal "$(state_field "$ID" status)" paused
}

@test "kill KILL of a paused container stops it" {
    make_bundle "$INIT" pause
    run_container
    pid=$(container_pid "$ID")
    rt pause "$ID"

    run rt kill "$ID" KILL
    assert_success
    wait_for pid_gone "$pid" || fail "SIGKILL did not reach the frozen init $pid"
    wait_status "$ID" stopped
    run rt delete "$ID"
    assert_success
    assert_clean
}

@test "kill TERM of a paused container is delivered when it is resumed" {
    make_bundle "$INIT" pause 0 /shared/ready
    run_container
    wait_for test -e "$SHARED/ready" || fail "container did not start"
    rt pause "$ID"

    run rt kill "$ID" TERM
    assert_success
    sleep 0.3
    assert_equal "$(state_field "$ID" status)" paused
    rt resume "$ID"
    wait_status "$ID" stopped
}

@test "delete --force of a paused container removes it and all its processes" {
    make_bundle /bin/sh -c "$INIT pause & exec $INIT pause"
    run_container
    pid=$(container_pid "$ID")
    group=$(cgroup_dir_of "$pid")
    wait_for test "$(wc -l <"$group/cgroup.procs")" -eq 2 || fail "expected 2 processes: $(cat "$group/cgroup.procs")"
    pids=$(cat "$group/cgroup.procs")
    rt pause "$ID"

    start=$SECONDS
    RT_TIMEOUT=15 run rt delete --force "$ID"
    assert_success
    [ $((SECONDS - start)) -lt 10 ] || fail "delete --force took $((SECONDS - start)) s"
    for p in $pids; do
        wait_for pid_gone "$p" || fail "process $p survived delete --force"
    done
    [ ! -d "$group" ] || fail "$group left behind"
    assert_clean
}

# ---- ps -------------------------------------------------------------------------

# A container whose init (pid in state) forked one child; sets INIT_PID and
# CHILD_PID (host pids).
run_with_child() {
    make_bundle /bin/sh -c "$INIT pause & exec $INIT pause"
    run_container
    INIT_PID=$(container_pid "$ID")
    wait_for has_children "$INIT_PID" || fail "the init forked no child"
    CHILD_PID=$(tr -d ' ' <"/proc/$INIT_PID/task/$INIT_PID/children")
}

has_children() { # (a /proc file's size is 0: read it)
    [ -n "$(cat "/proc/$1/task/$1/children")" ]
}

@test "ps --format json lists the container's init and the child it forked" {
    run_with_child
    run rt ps --format json "$ID"
    assert_success
    assert_equal "$(jq -c 'sort' <<<"$output")" "$(jq -c -n --argjson a "$INIT_PID" --argjson b "$CHILD_PID" '[$a, $b] | sort')"
}

@test "ps prints ps's header and the container's processes only" {
    run_with_child
    run rt ps "$ID"
    assert_success
    [[ ${lines[0]} =~ ^UID\ +PID\ +PPID ]] || fail "no ps -ef header: ${lines[0]}"
    assert_equal "${#lines[@]}" 3
    shown=$(printf '%s\n' "${lines[@]:1}" | awk '{ print $2 }' | sort -n | xargs)
    assert_equal "$shown" "$(printf '%s\n' "$INIT_PID" "$CHILD_PID" | sort -n | xargs)"
}

@test "ps passes the words after the container id to ps" {
    run_with_child
    run rt ps "$ID" -o pid,comm
    assert_success
    assert_equal "$(xargs <<<"${lines[0]}")" "PID COMMAND"
    assert_equal "${#lines[@]}" 3
    assert_equal "$(printf '%s\n' "${lines[@]:1}" | awk '{ print $2 }' | sort -u)" berth-test-init
}

@test "ps --format of something else fails" {
    make_bundle "$INIT" pause
    run_container
    run rt ps --format yaml "$ID"
    assert_failure
}

# ---- events ---------------------------------------------------------------------

@test "events --stats prints one stats line with the id and cpu, memory and pids" {
    make_spinning_bundle
    run_container
    wait_for test -e "$SHARED/ready" || fail "container did not start"

    run rt events --stats "$ID"
    assert_success
    assert_equal "${#lines[@]}" 1
    assert_equal "$(jq -r .type <<<"$output")" stats
    assert_equal "$(jq -r .id <<<"$output")" "$ID"
    assert_equal "$(jq -c '.data | [has("cpu"), has("memory"), has("pids")]' <<<"$output")" '[true,true,true]'
    [ "$(jq .data.pids.current <<<"$output")" -ge 1 ] || fail "pids.current: $(jq .data.pids <<<"$output")"
    first=$(jq .data.cpu.usage.total <<<"$output")

    sleep 0.5
    run rt events --stats "$ID"
    assert_success
    second=$(jq .data.cpu.usage.total <<<"$output")
    [ "$second" -gt "$first" ] || fail "cpu usage did not grow: $first then $second"
}

@test "events --stats prints runc's keys, zero where a controller is missing" {
    make_bundle "$INIT" pause
    run_container
    run rt events --stats "$ID"
    assert_success
    assert_equal "$(jq -c '.data | keys' <<<"$output")" \
        '["blkio","cpu","cpuset","hugetlb","intel_rdt","memory","network_interfaces","pids"]'
    assert_equal "$(jq -c '.data.memory | [has("usage"), has("swap"), has("kernel"), has("kernelTCP")]' <<<"$output")" \
        '[true,true,true,true]'
    assert_equal "$(jq -c '.data.cpu.usage | [has("kernel"), has("user")]' <<<"$output")" '[true,true]'
}

@test "events --interval prints stats lines until the container exits" {
    make_bundle "$INIT" pause 0 /shared/ready
    run_container
    wait_for test -e "$SHARED/ready" || fail "container did not start"
    group=$(cgroup_dir_of "$(container_pid "$ID")")
    if ! is_berth && [ ! -e "$group/memory.events" ]; then
        skip "$RUNTIME_NAME needs memory.events (the memory controller) to stream events"
    fi

    start_bg rt events --interval 1s "$ID"
    sleep 3.5
    pid_alive "$BG_PID" || fail "events ended early: $(cat "$BATS_TEST_TMPDIR/bg.out")"
    rt kill "$ID" TERM
    WAIT_TRIES=200 wait_for pid_gone "$BG_PID" || fail "events went on after the container exited"
    status=0
    wait "$BG_PID" || status=$?
    read_output "$BATS_TEST_TMPDIR/bg.out"
    assert_equal "$status" 0
    [ "${#lines[@]}" -ge 2 ] || fail "expected several stats lines: $output"
    assert_equal "$(jq -r .type <<<"$output" | sort -u)" stats
    assert_equal "$(jq -r .id <<<"$output" | sort -u)" "$ID"
}

@test "events takes Go durations for --interval and refuses others" {
    make_bundle "$INIT" pause
    run_container
    for d in 1s 500ms 1m30s 1.5h; do
        run rt events --stats --interval "$d" "$ID"
        assert_success
    done
    for d in 0 0s -1s 5 5x; do
        run rt events --stats --interval "$d" "$ID"
        assert_failure
    done
}

@test "events of a stopped container fails" {
    make_bundle "$INIT" exit 0
    run_container
    wait_status "$ID" stopped
    run rt events --stats "$ID"
    assert_failure
    assert_output --partial "not running"
}

@test "pause, resume, ps and events of a missing container say it does not exist" {
    for cmd in pause resume ps "events --stats"; do
        # shellcheck disable=SC2086
        run rt $cmd "$ID"
        assert_failure
        assert_output --partial "does not exist"
    done
}
