#!/usr/bin/env bats
# OCI hooks: each runs at its point of the lifecycle, with the container's
# state on its stdin, its own args and env, and a timeout; a failing
# create-time hook fails the container and leaves nothing behind, a failing
# poststart or poststop hook is only a warning.

load helpers

# A hook script that logs "<its first argument> <the state on stdin, on one
# line>" to the shared log.  Host hooks use $HOOK and write $SHARED/hooks.log;
# startContainer runs after pivot_root, so its copy lives in the rootfs and
# writes the same file through the /shared bind mount.
make_hooks() {
    HOOK=$BATS_TEST_TMPDIR/hook.sh
    printf '#!/bin/sh\nprintf "%%s %%s\\n" "$1" "$(tr -d "\\n")" >>%s/hooks.log\n' "$SHARED" >"$HOOK"
    printf '#!/bin/sh\nprintf "%%s %%s\\n" "$1" "$(tr -d "\\n")" >>/shared/hooks.log\n' >"$BUNDLE/rootfs/hook.sh"
    chmod +x "$HOOK" "$BUNDLE/rootfs/hook.sh"
}

# add_hook KIND PATH ARG...: append a hook to hooks.KIND.
add_hook() {
    local kind=$1 path=$2
    shift 2
    cfg --arg k "$kind" --arg p "$path" --argjson a "$(json_array "$path" "$@")" \
        '.hooks[$k] += [{path: $p, args: $a}]'
}

# The hook names in the order they logged.
logged_order() {
    awk '{print $1}' "$SHARED/hooks.log" | tr '\n' ' '
}

# The state one hook got: logged_state NAME FIELD
logged_state() {
    grep "^$1 " "$SHARED/hooks.log" | head -1 | cut -d' ' -f2- | jq -r ".$2"
}

is_stopped() {
    [ "$(rt state "$ID" 2>/dev/null | jq -r .status)" = stopped ]
}

@test "all six hooks run in the lifecycle's order, each with the state of its moment" {
    berth_only "runc 1.1 runs poststart before startContainer, against the spec's order"
    make_bundle /bin/sh -c 'echo "process -" >>/shared/hooks.log'
    make_hooks
    add_hook prestart "$HOOK" prestart
    add_hook createRuntime "$HOOK" createRuntime
    add_hook createContainer "$HOOK" createContainer
    add_hook startContainer /hook.sh startContainer
    add_hook poststart "$HOOK" poststart
    add_hook poststop "$HOOK" poststop
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    order=$(logged_order)
    # poststart and the process race each other: both come after
    # startContainer and before poststop.
    [[ $order == "prestart createRuntime createContainer startContainer "* ]] || fail "order: $order"
    [[ $order == *" poststop " ]] || fail "poststop is not last: $order"
    [[ $order == *process* && $order == *poststart* ]] || fail "missing process or poststart: $order"
    for h in prestart createRuntime createContainer startContainer poststart poststop; do
        assert_equal "$(logged_state "$h" id)" "$ID"
        assert_equal "$(logged_state "$h" bundle)" "$BUNDLE"
    done
    assert_equal "$(logged_state createRuntime status)" creating
    assert_equal "$(logged_state createContainer status)" creating
    assert_equal "$(logged_state startContainer status)" created
    assert_equal "$(logged_state poststart status)" running
    assert_equal "$(logged_state poststop status)" stopped
    # The create-time hooks see the container's init by its host pid.
    pid=$(logged_state createRuntime pid)
    [ "$pid" -gt 1 ] || fail "createRuntime got pid $pid"
    assert_clean
}

@test "create runs the create-time hooks and start the start-time ones" {
    berth_only "runc 1.1 runs poststart hooks during create"
    make_bundle "$INIT" exit 0
    make_hooks
    add_hook createRuntime "$HOOK" createRuntime
    add_hook startContainer /hook.sh startContainer
    add_hook poststart "$HOOK" poststart
    run_detached rt create --bundle "$BUNDLE" "$ID"
    assert_success
    assert_equal "$(logged_order)" "createRuntime "
    run rt start "$ID"
    assert_success
    # poststart follows the exec, and start returns after poststart.
    assert_equal "$(logged_order)" "createRuntime startContainer poststart "
    rt delete --force "$ID"
    assert_clean
}

@test "a hook gets its own args and env" {
    make_bundle "$INIT" exit 0
    printf '#!/bin/sh\necho "$0 $1 $2 $HOOK_VAR" >%s/args\n' "$SHARED" >"$BATS_TEST_TMPDIR/args.sh"
    chmod +x "$BATS_TEST_TMPDIR/args.sh"
    cfg --arg p "$BATS_TEST_TMPDIR/args.sh" \
        '.hooks.createRuntime = [{path: $p, args: ["hook-name", "one", "two"], env: ["HOOK_VAR=from-config"]}]'
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    run cat "$SHARED/args"
    # $0 is the path the shell was started on; args[0] is argv[0] for execve.
    assert_output --regexp "one two from-config$"
}

@test "a failing createRuntime hook fails create, names the hook and leaves nothing behind" {
    berth_only "the error names berth's JSON path of the hook"
    make_bundle "$INIT" exit 0
    cfg '.hooks.createRuntime = [{path: "/bin/false"}]'
    run_detached rt create --bundle "$BUNDLE" "$ID"
    assert_failure
    assert_output --partial "/hooks/createRuntime/0"
    assert_output --partial "exited with status 1"
    assert_clean
}

@test "a failing createRuntime hook fails create under any runtime and leaves nothing behind" {
    make_bundle "$INIT" exit 0
    cfg '.hooks.createRuntime = [{path: "/bin/false"}]'
    run_detached rt create --bundle "$BUNDLE" "$ID"
    assert_failure
    run rt state "$ID"
    assert_failure
    assert_clean
}

@test "a hook that outlives its timeout is killed and fails create" {
    make_bundle "$INIT" exit 0
    cfg '.hooks.createRuntime = [{path: "/bin/sleep", args: ["sleep", "30"], timeout: 1}]'
    start=$(date +%s)
    run_detached rt create --bundle "$BUNDLE" "$ID"
    end=$(date +%s)
    assert_failure
    [ $((end - start)) -lt 15 ] || fail "the hook was not stopped after its timeout ($((end - start)) s)"
    if is_berth; then assert_output --partial "timed out after 1 s"; fi
    assert_clean
}

@test "a failing poststart hook is a warning: the container still runs to its end" {
    berth_only "runc 1.1 stops the container on a poststart failure; the spec asks for a warning"
    make_bundle "$INIT" exit 4
    cfg '.hooks.poststart = [{path: "/bin/false"}]'
    run rt run --bundle "$BUNDLE" "$ID"
    assert_equal "$status" 4
    if is_berth; then assert_output --partial "/hooks/poststart/0"; fi
    assert_clean
}

@test "poststop runs on delete, after the container stopped" {
    make_bundle "$INIT" exit 0
    make_hooks
    add_hook poststop "$HOOK" poststop
    run_detached rt run --detach --bundle "$BUNDLE" "$ID"
    assert_success
    wait_for is_stopped || fail "the container did not stop"
    [ ! -e "$SHARED/hooks.log" ] || fail "poststop ran before delete: $(logged_order)"
    run rt delete --force "$ID"
    assert_success
    assert_equal "$(logged_order)" "poststop "
    assert_equal "$(logged_state poststop status)" stopped
    assert_clean
}
