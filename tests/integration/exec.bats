#!/usr/bin/env bats
# exec: one more process in a running (or created) container.  What the
# exec'd process sees: the container's namespaces and cgroup, its seccomp
# filter and rlimits, the config's process with the command line's changes
# (--env, --cwd, --user, --additional-gids, --cap, --no-new-privs) or a
# whole --process document; how it runs: its exit code, --detach and
# --pid-file, --preserve-fds, --tty; and the errors, which leave the
# container as it was.

load helpers

# The test init is static: it runs on the host too, as the socket's end.
HOST_INIT=$TEST_ROOTFS$INIT

# Run the bundle's container detached; PID: its init's host pid.
start_container() {
    run_detached rt run --detach --bundle "$BUNDLE" "$ID"
    assert_success
    wait_status "$ID" running
    PID=$(container_pid "$ID")
}

# A container whose init waits, with a hostname of its own.
make_waiting_bundle() {
    make_bundle "$INIT" pause
    cfg '.hostname = "exec-host"'
}

# The processes of the container's cgroup, sorted.
container_procs() {
    sort -n "$(cgroup_dir_of "$PID")/cgroup.procs"
}

# The state root's files, to compare before and after a failed exec.
state_snapshot() {
    find "$ROOT" | sort
}

# A failed exec must leave the container as it was: the same state files,
# no process but the init (in its cgroup or anywhere with the test's mark).
assert_left_as_it_was() { # assert_left_as_it_was SNAPSHOT
    assert_equal "$(state_snapshot)" "$1"
    wait_for eval '[ "$(container_procs)" = "$PID" ]' ||
        fail "processes in the container's cgroup besides its init $PID: $(container_procs)"
    wait_for eval '[ "$(leftover_processes)" = "$PID" ]' ||
        fail "processes besides the init $PID: $(leftover_processes)"
    assert_equal "$(state_field "$ID" status)" running
}

# The pid of the one process in the container besides its init.
exec_pid() {
    local p
    p=$(container_procs | grep -vx "$PID")
    [ "$(wc -w <<<"$p")" = 1 ] || return 1
    echo "$p"
}

wait_exec_pid() {
    wait_for exec_pid >/dev/null || fail "no exec'd process in the container: $(container_procs)"
    EXEC_PID=$(exec_pid)
}

# The capability sets the process sees, one "Set=NAME,NAME" line each,
# sorted so they compare with lists.
caps_seen() {
    local key names
    grep 'Names=' | while IFS== read -r key names; do
        echo "$key=$(tr , '\n' <<<"$names" | sed '/^$/d' | sort | paste -sd,)"
    done
}

caps_list() { # caps_list CAP... -> sorted comma list
    printf '%s\n' "$@" | sort | paste -sd,
}

listen_console() {
    SOCK=$BATS_TEST_TMPDIR/console.sock
    start_bg "$HOST_INIT" recv-tty "$SOCK"
    wait_for test -S "$SOCK" || fail "the console socket listener did not start"
}

# Terminal output without carriage returns and the control characters
# the pty echoes back (script may write one when its stdin, /dev/null,
# ends; it shows as "^@" or "^D").
echoed_controls_removed() {
    tr -d '\r\0' | sed 's/\^[@D]//g'
}

runtime_has_timens() {
    is_berth || "$RUNTIME" features 2>/dev/null | jq -e '.linux.namespaces | index("time")' >/dev/null
}

# A process.json with a user, env, cwd and args of its own.
write_process_json() { # write_process_json FILE
    jq -n --arg mark "BERTH_TEST_MARK=$MARK" --arg init "$INIT" '{
        terminal: false,
        user: {uid: 1000, gid: 1001, additionalGids: [2000]},
        args: ["/bin/sh", "-c", ($init + " ids; " + $init + " cwd; " + $init + " env")],
        env: ["PATH=/bin:/sbin", "FROM_PROCESS_JSON=yes", $mark],
        cwd: "/tmp",
        capabilities: {bounding: ["CAP_KILL"], effective: ["CAP_KILL"], permitted: ["CAP_KILL"]}
    }' >"$1"
}

# ---- the process and the container -------------------------------------------

@test "exec runs a command in the container and passes its output through; the container keeps running" {
    make_waiting_bundle
    start_container
    run rt exec "$ID" /bin/sh -c "hostname; $INIT write /tmp/from-exec written; cat /proc/1/cmdline | tr '\0' ' '"
    assert_success
    assert_line --index 0 exec-host
    assert_line --index 1 ok
    # The file is in the container's root filesystem, where its init is.
    assert_equal "$(cat "/proc/$PID/root/tmp/from-exec")" written
    # Its pid 1 is the container's init.
    assert_line --index 2 "$INIT pause "
    assert_equal "$(state_field "$ID" status)" running
    pid_alive "$PID" || fail "the init $PID died"
    assert_equal "$(container_procs)" "$PID"
}

@test "the exec'd process joins every namespace of the container" {
    make_waiting_bundle
    start_container
    run rt exec "$ID" "$INIT" ns
    assert_success
    # One line per namespace type of this kernel.
    types=(/proc/self/ns/*)
    assert_equal "${#lines[@]}" "$(printf '%s\n' "${types[@]}" | grep -cv '_for_children$')"
    for line in "${lines[@]}"; do
        type=${line%% *}
        assert_equal "$line" "$type $(ns_of "$PID" "$type")"
    done
    # The container's are not the host's, so the comparison means something.
    for type in pid mnt net ipc uts; do
        [ "$(ns_of "$PID" "$type")" != "$(ns_of $$ "$type")" ] || fail "the container shares the host's $type namespace"
    done
}

@test "with user, cgroup and time namespaces the exec'd process joins them too" {
    make_waiting_bundle
    add_ns user
    add_ns cgroup
    cfg '.linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
         | .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]'
    with_time=false
    if runtime_has_timens; then
        with_time=true
        add_ns time
        cfg '.linux.timeOffsets = {boottime: {secs: 864000, nanosecs: 0}}'
    fi
    open_bundle_path
    chown -R 100000:100000 "$SHARED"
    start_container

    host_uptime=$(cut -d. -f1 /proc/uptime)
    run rt exec "$ID" /bin/sh -c "$INIT ns; $INIT ids; cat /proc/self/cgroup; cut -d. -f1 /proc/uptime"
    assert_success
    for type in user cgroup pid mnt net ipc uts time; do
        [ "$type" != time ] || [ "$with_time" = true ] || continue
        [ "$(ns_of "$PID" "$type")" != "$(ns_of $$ "$type")" ] || fail "the container shares the host's $type namespace"
        assert_line "$type $(ns_of "$PID" "$type")"
    done
    # root of the user namespace, at the root of the cgroup namespace.
    assert_line "uid=0 euid=0 gid=0 egid=0 groups="
    assert_line "0::/"
    if [ "$with_time" = true ]; then
        [ "${lines[-1]}" -ge $((host_uptime + 864000)) ] || fail "uptime in the exec'd process is ${lines[-1]}: not offset"
    fi
    # On the host its ids are the mapped ones.
    run_detached rt exec --detach --pid-file "$BATS_TEST_TMPDIR/exec.pid" "$ID" "$INIT" pause
    assert_success
    exec_pid=$(cat "$BATS_TEST_TMPDIR/exec.pid")
    assert_equal "$(awk '$1 == "Uid:" { print $2 }' "/proc/$exec_pid/status")" 100000
    kill -KILL "$exec_pid"
}

@test "the exec'd process is in the container's cgroup" {
    make_waiting_bundle
    start_container
    # Inside, as the container's cgroup namespace (if any) shows it.
    run rt exec "$ID" /bin/sh -c 'cat /proc/self/cgroup; echo; cat /proc/1/cgroup'
    assert_success
    assert_equal "$(sed -n '1,/^$/p' <<<"$output" | sed '/^$/d')" "$(sed '1,/^$/d' <<<"$output")"
    # On the host: listed in the container's group, in every hierarchy
    # where the init is.
    start_bg rt exec "$ID" "$INIT" pause
    wait_exec_pid
    assert_equal "$(cat "/proc/$EXEC_PID/cgroup")" "$(cat "/proc/$PID/cgroup")"
    kill -KILL "$EXEC_PID"
}

@test "the exec'd process is not the container's pid 1, and in the foreground it is berth's child" {
    make_waiting_bundle
    start_container
    run rt exec "$ID" "$INIT" pid
    assert_success
    [[ $output =~ ^[0-9]+$ ]] && [ "$output" -gt 1 ] || fail "exec'd pid in the container: $output"

    berth_only "runc's exec'd process is a child of runc init"
    start_bg rt exec "$ID" "$INIT" pause
    wait_exec_pid
    # Its parent is the berth that timeout (in rt) started.  (Its exe is
    # berth's sealed copy, a memfd: compare by process, not by path.)
    parent=$(awk '$1 == "PPid:" { print $2 }' "/proc/$EXEC_PID/status")
    grandparent=$(awk '$1 == "PPid:" { print $2 }' "/proc/$parent/status")
    assert_equal "$(cat "/proc/$grandparent/comm")" timeout
    assert_equal "$(tr '\0' ' ' <"/proc/$parent/cmdline")" \
        "$RUNTIME --root $ROOT exec $ID $INIT pause "
    # Its parent outside the pid namespace shows as 0 inside.
    run rt exec "$ID" /bin/sh -c 'echo $PPID'
    assert_success
    assert_output 0
    kill -KILL "$EXEC_PID"
}

# ---- the process's changes ---------------------------------------------------------

@test "env is the config's, --env adds variables and replaces one of the same name" {
    make_waiting_bundle
    cfg --arg mark "BERTH_TEST_MARK=$MARK" \
        '.process.env = ["PATH=/bin:/sbin", "GREETING=hello", "KEEP=kept", $mark]'
    start_container
    # (runc's CLI refuses -e and --env in one command line.)
    run rt exec --env GREETING=bye --env NEW="a b" "$ID" "$INIT" env
    assert_success
    assert_line "PATH=/bin:/sbin"
    assert_line KEEP=kept
    assert_line "NEW=a b"
    assert_line GREETING=bye
    assert_equal "$(grep -c '^GREETING=' <<<"$output")" 1
    for line in "${lines[@]}"; do
        [[ $line =~ ^(PATH|GREETING|KEEP|NEW|BERTH_TEST_MARK|HOME)= ]] || fail "unexpected variable: $line"
    done
    # The change is this exec's alone.
    run rt exec "$ID" "$INIT" env
    assert_success
    assert_line GREETING=hello
    refute_line --partial NEW=
}

@test "cwd is the config's unless --cwd gives another" {
    make_waiting_bundle
    cfg '.process.cwd = "/etc"'
    start_container
    run rt exec "$ID" "$INIT" cwd
    assert_success
    assert_output /etc
    run rt exec --cwd /tmp "$ID" "$INIT" cwd
    assert_success
    assert_output /tmp
}

@test "--user UID:GID and --additional-gids are the ids the process has" {
    make_waiting_bundle
    start_container
    run rt exec --user 1000:1001 --additional-gids 2000 --additional-gids 3000 "$ID" "$INIT" ids
    assert_success
    assert_output "uid=1000 euid=1000 gid=1001 egid=1001 groups=2000,3000"
    # Without a gid the config's (0) stays.
    run rt exec -u 1000 "$ID" "$INIT" ids
    assert_success
    assert_output --regexp '^uid=1000 euid=1000 gid=0 egid=0 groups='
    # Without --user the config's user.
    run rt exec "$ID" "$INIT" ids
    assert_success
    assert_output --regexp '^uid=0 euid=0 gid=0 egid=0 '
}

@test "the short options -e, -u, -g, -c and -d are the long ones" {
    make_waiting_bundle
    cfg '.process.capabilities = {bounding: ["CAP_KILL"], effective: ["CAP_KILL"], permitted: ["CAP_KILL"]}'
    start_container
    run rt exec -e SHORT=yes -u 1000:1001 -g 2000 -c CAP_CHOWN "$ID" /bin/sh -c "$INIT ids; $INIT env; $INIT print-caps"
    assert_success
    assert_line --index 0 "uid=1000 euid=1000 gid=1001 egid=1001 groups=2000"
    assert_line SHORT=yes
    assert_line "CapBndNames=CAP_CHOWN,CAP_KILL"
    run_detached rt exec -d --pid-file "$BATS_TEST_TMPDIR/exec.pid" "$ID" "$INIT" pause
    assert_success
    pid_alive "$(cat "$BATS_TEST_TMPDIR/exec.pid")" || fail "exec -d: no process running"
}

@test "the config's user applies to the exec'd process" {
    make_waiting_bundle
    cfg '.process.user = {uid: 1000, gid: 1000, additionalGids: [4000]}'
    start_container
    run rt exec "$ID" "$INIT" ids
    assert_success
    assert_output "uid=1000 euid=1000 gid=1000 egid=1000 groups=4000"
}

@test "the exec'd process has the config's capabilities, and --cap adds to bounding, effective and permitted" {
    make_waiting_bundle
    cfg '.process.capabilities = {bounding: ["CAP_KILL", "CAP_CHOWN"], effective: ["CAP_KILL"],
                                  permitted: ["CAP_KILL"], inheritable: []}'
    start_container
    run rt exec "$ID" "$INIT" print-caps
    assert_success
    seen=$(caps_seen <<<"$output")
    assert_equal "$(grep ^CapBnd <<<"$seen")" "CapBndNames=$(caps_list CAP_CHOWN CAP_KILL)"
    assert_equal "$(grep ^CapEff <<<"$seen")" "CapEffNames=CAP_KILL"
    assert_equal "$(grep ^CapPrm <<<"$seen")" "CapPrmNames=CAP_KILL"

    run rt exec --cap CAP_SYS_ADMIN --cap CAP_NET_RAW "$ID" "$INIT" print-caps
    assert_success
    seen=$(caps_seen <<<"$output")
    assert_equal "$(grep ^CapBnd <<<"$seen")" "CapBndNames=$(caps_list CAP_CHOWN CAP_KILL CAP_NET_RAW CAP_SYS_ADMIN)"
    assert_equal "$(grep ^CapEff <<<"$seen")" "CapEffNames=$(caps_list CAP_KILL CAP_NET_RAW CAP_SYS_ADMIN)"
    assert_equal "$(grep ^CapPrm <<<"$seen")" "CapPrmNames=$(caps_list CAP_KILL CAP_NET_RAW CAP_SYS_ADMIN)"
    # Never into the inheritable set (CVE-2022-29162).
    assert_equal "$(grep ^CapInh <<<"$seen")" "CapInhNames="
}

@test "--cap makes a capability usable: chown with an added CAP_CHOWN" {
    make_waiting_bundle
    cfg '.process.capabilities = {bounding: ["CAP_KILL"], effective: ["CAP_KILL"], permitted: ["CAP_KILL"]}'
    start_container
    rt exec "$ID" /bin/touch /tmp/f
    run rt exec "$ID" /bin/sh -c 'chown 1000 /tmp/f && echo chowned || echo refused'
    assert_line refused
    run rt exec --cap CAP_CHOWN "$ID" /bin/sh -c 'chown 1000 /tmp/f && echo chowned || echo refused'
    assert_line chowned
    assert_equal "$(stat -c %u "/proc/$PID/root/tmp/f")" 1000
}

@test "--no-new-privs sets no_new_privs; without it the config's noNewPrivileges holds" {
    make_waiting_bundle
    cfg '.process.noNewPrivileges = false'
    start_container
    run rt exec "$ID" "$INIT" print-caps
    assert_success
    assert_line NoNewPrivs=0
    run rt exec --no-new-privs "$ID" "$INIT" print-caps
    assert_success
    assert_line NoNewPrivs=1
}

@test "noNewPrivileges true in the config holds for the exec'd process" {
    make_waiting_bundle
    cfg '.process.noNewPrivileges = true'
    start_container
    run rt exec "$ID" "$INIT" print-caps
    assert_success
    assert_line NoNewPrivs=1
}

@test "the container's seccomp filter applies to the exec'd process" {
    make_waiting_bundle
    cfg '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
                           syscalls: [{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_ERRNO"}]}'
    start_container
    run rt exec "$ID" "$INIT" mkdir /tmp/a
    assert_failure 1
    assert_output "mkdir /tmp/a: EPERM"
    run rt exec "$ID" /bin/sh -c "$INIT write /tmp/b x; $INIT print-caps | grep Seccomp"
    assert_success
    assert_line --index 0 ok
    assert_line --index 1 Seccomp=2
}

@test "the config's rlimits apply to the exec'd process" {
    make_waiting_bundle
    cfg '.process.rlimits = [{type: "RLIMIT_NOFILE", soft: 1000, hard: 2000},
                             {type: "RLIMIT_CORE", soft: 0, hard: 0}]'
    start_container
    run rt exec "$ID" "$INIT" rlimits
    assert_success
    if is_berth; then
        assert_line "RLIMIT_NOFILE 1000 2000"
    else
        # runc built with Go >= 1.19 races the Go runtime, which raises
        # its soft NOFILE limit, when it sets the exec'd process's limits
        # (opencontainers/runc#4195): only the hard limit is sure.
        assert_line --regexp '^RLIMIT_NOFILE [0-9]+ 2000$'
    fi
    assert_line "RLIMIT_CORE 0 0"
}

@test "the config's umask applies to the exec'd process" {
    berth_only "runc 1.1 leaves process.user.umask out of exec"
    make_waiting_bundle
    cfg '.process.user.umask = 23' # 0027
    start_container
    run rt exec "$ID" "$INIT" umask
    assert_success
    assert_output 0027
}

# ---- how it runs -------------------------------------------------------------------

@test "exec exits with the process's exit code, 128+N when signal N killed it" {
    make_waiting_bundle
    start_container
    run rt exec "$ID" "$INIT" exit 7
    assert_equal "$status" 7
    run rt exec "$ID" "$INIT" exit 0
    assert_equal "$status" 0
    run rt exec "$ID" "$INIT" kill-self TERM
    assert_equal "$status" 143
    run rt exec "$ID" "$INIT" kill-self KILL
    assert_equal "$status" 137
    assert_equal "$(state_field "$ID" status)" running
    assert_equal "$(container_procs)" "$PID"
}

@test "in the foreground, a signal sent to exec reaches the process" {
    make_waiting_bundle
    start_container
    start_bg rt exec "$ID" "$INIT" trap USR1 /shared/ready
    wait_for test -e "$SHARED/ready" || fail "the exec'd process did not start: $(cat "$BATS_TEST_TMPDIR/bg.out")"
    wait_exec_pid
    # The runtime: the process between timeout (the job) and the exec'd one.
    runtime_pid=$(pgrep -P "$(pgrep -P "$BG_PID" -x timeout || echo "$BG_PID")" | head -1)
    [ -n "$runtime_pid" ] || fail "no runtime process under the job $BG_PID"
    kill -USR1 "$runtime_pid"
    wait_for pid_gone "$BG_PID" || fail "exec did not end after USR1"
    status=0
    wait "$BG_PID" || status=$?
    read_output "$BATS_TEST_TMPDIR/bg.out"
    assert_equal "$status" 0
    assert_output "caught USR1 (10)"
}

@test "--detach returns once the process runs; --pid-file has its pid, in the container's cgroup and namespaces" {
    make_waiting_bundle
    start_container
    run_detached rt exec --detach --pid-file "$BATS_TEST_TMPDIR/exec.pid" "$ID" \
        /bin/sh -c "echo detached-output; exec $INIT pause"
    assert_success
    exec_pid=$(cat "$BATS_TEST_TMPDIR/exec.pid")
    [[ $exec_pid =~ ^[1-9][0-9]*$ ]] || fail "pid file holds '$exec_pid'"
    pid_alive "$exec_pid" || fail "the detached process $exec_pid is not running"
    assert_equal "$(cat "/proc/$exec_pid/cgroup")" "$(cat "/proc/$PID/cgroup")"
    for type in pid mnt net ipc uts; do
        assert_equal "$(ns_of "$exec_pid" "$type")" "$(ns_of "$PID" "$type")"
    done
    # Its stdio is exec's.
    wait_for grep -q detached-output "$DETACHED_OUT" || fail "no output from the detached process: $(cat "$DETACHED_OUT")"
    wait_for eval '[[ $(cat "/proc/$exec_pid/cmdline" | tr "\0" " ") == *pause* ]]' ||
        fail "the detached process runs $(tr '\0' ' ' <"/proc/$exec_pid/cmdline")"
    run rt ps --format json "$ID"
    assert_success
    jq -e --argjson p "$exec_pid" 'index($p) != null' <<<"$output" >/dev/null || fail "$exec_pid not in ps: $output"

    # Killing the container ends it too: it is in the container's pid namespace.
    rt kill "$ID" KILL
    wait_for pid_gone "$exec_pid" || fail "the exec'd process $exec_pid outlived its container"
    wait_status "$ID" stopped
}

@test "a foreground exec does not block state, another exec or kill, and dies with its container" {
    make_waiting_bundle
    start_container
    start_bg rt exec "$ID" "$INIT" pause
    wait_exec_pid
    # state, a second exec and kill work while the first exec waits.
    assert_equal "$(state_field "$ID" status)" running
    run rt exec "$ID" "$INIT" exit 3
    assert_equal "$status" 3
    run rt kill "$ID" KILL
    assert_success
    # The exec'd process dies with the container's pid namespace.
    wait_for pid_gone "$BG_PID" || fail "the foreground exec did not end with its container"
    status=0
    wait "$BG_PID" || status=$?
    assert_equal "$status" 137
    wait_status "$ID" stopped
}

@test "--preserve-fds passes fds 3 .. 3+N-1 to the exec'd process, and no more" {
    make_waiting_bundle
    start_container
    echo preserved >"$BATS_TEST_TMPDIR/three"
    # The redirections are scoped to the runtime's command: bats owns fd 3.
    exec_preserving() {
        rt exec --preserve-fds 1 "$ID" /bin/sh -c "$INIT fds; cat <&3" \
            3<"$BATS_TEST_TMPDIR/three" 4</dev/null
    }
    run exec_preserving
    assert_success
    assert_line --regexp "^3 -> .*/three$"
    assert_equal "$(grep -- ' -> ' <<<"$output" | awk '{ print $1 }' | sort -n | paste -sd' ')" "0 1 2 3"
    assert_line preserved
}

@test "without --preserve-fds only stdin, stdout and stderr are open in the exec'd process" {
    make_waiting_bundle
    start_container
    exec 7</dev/null # a descriptor the runtime must not leak into the container
    run rt exec "$ID" "$INIT" fds
    exec 7<&-
    assert_success
    assert_equal "$(awk '{ print $1 }' <<<"$output" | sort -n | paste -sd' ')" "0 1 2"
}

@test "stdin of exec is the process's stdin" {
    make_waiting_bundle
    start_container
    run rt exec "$ID" /bin/sh -c 'read line; echo "got $line"' <<<"from-stdin"
    assert_success
    assert_output "got from-stdin"
}

@test "--cgroup runs the process in a sub-cgroup of the container's" {
    make_waiting_bundle
    start_container
    group=$(cgroup_dir_of "$PID")
    mkdir "$group/sub"
    run_detached rt exec --detach --pid-file "$BATS_TEST_TMPDIR/exec.pid" --cgroup sub "$ID" "$INIT" pause
    assert_success
    exec_pid=$(cat "$BATS_TEST_TMPDIR/exec.pid")
    assert_equal "$(awk -F: '$1 == "0" { print $3 }' "/proc/$exec_pid/cgroup")" \
        "$(awk -F: '$1 == "0" { print $3 }' "/proc/$PID/cgroup")/sub"
    assert_equal "$(cat "$group/sub/cgroup.procs")" "$exec_pid"
    kill -KILL "$exec_pid"
    wait_for pid_gone "$exec_pid" || fail "the exec'd process $exec_pid survived SIGKILL"
    wait_for rmdir "$group/sub" || fail "cannot remove $group/sub: $(cat "$group/sub/cgroup.procs")"
}

@test "--cgroup of a missing sub-cgroup fails and leaves the container as it was" {
    make_waiting_bundle
    start_container
    before=$(state_snapshot)
    run rt exec --cgroup no-such-group "$ID" "$INIT" pid
    assert_failure
    is_berth && assert_output --partial no-such-group
    assert_left_as_it_was "$before"
}

# ---- --process ---------------------------------------------------------------------

@test "--process runs the process.json's args, env, cwd and user" {
    make_waiting_bundle
    start_container
    write_process_json "$BATS_TEST_TMPDIR/process.json"
    run rt exec --process "$BATS_TEST_TMPDIR/process.json" "$ID"
    assert_success
    assert_line --index 0 "uid=1000 euid=1000 gid=1001 egid=1001 groups=2000"
    assert_line --index 1 /tmp
    assert_line FROM_PROCESS_JSON=yes
    assert_line PATH=/bin:/sbin
    refute_line --regexp '^TERM='
}

@test "--process - reads the process.json from stdin" {
    berth_only "runc 1.1 has no --process -"
    make_waiting_bundle
    start_container
    write_process_json "$BATS_TEST_TMPDIR/process.json"
    run rt exec --process - "$ID" <"$BATS_TEST_TMPDIR/process.json"
    assert_success
    assert_line --index 0 "uid=1000 euid=1000 gid=1001 egid=1001 groups=2000"
    assert_line --index 1 /tmp
    assert_line FROM_PROCESS_JSON=yes
}

@test "--process with a command or a process flag is a usage error" {
    berth_only "runc 1.1 ignores the flags that --process makes moot"
    make_waiting_bundle
    start_container
    write_process_json "$BATS_TEST_TMPDIR/process.json"
    before=$(state_snapshot)
    for extra in "--cwd /tmp" "--env A=B" "--user 1" "--cap CAP_KILL" "--no-new-privs" "-g 5"; do
        # shellcheck disable=SC2086
        run rt exec --process "$BATS_TEST_TMPDIR/process.json" $extra "$ID"
        assert_failure
        assert_output --partial -- "--process"
        assert_equal "${#lines[@]}" 1
    done
    run rt exec --process "$BATS_TEST_TMPDIR/process.json" "$ID" /bin/true
    assert_failure
    assert_output --partial -- "--process"
    assert_left_as_it_was "$before"
}

@test "a bad process.json fails naming the file and the JSON path, and leaves the container as it was" {
    make_waiting_bundle
    start_container
    before=$(state_snapshot)
    file=$BATS_TEST_TMPDIR/process.json
    jq -n '{args: "not-an-array", cwd: "/"}' >"$file"
    run rt exec --process "$file" "$ID"
    assert_failure
    if is_berth; then
        assert_output --regexp "^berth: .*process\.json.*/args"
        assert_equal "${#lines[@]}" 1
    fi

    echo '{"args": [' >"$file"
    run rt exec --process "$file" "$ID"
    assert_failure
    is_berth && assert_output --partial process.json

    run rt exec --process "$BATS_TEST_TMPDIR/no-such.json" "$ID"
    assert_failure
    is_berth && assert_output --partial no-such.json
    assert_left_as_it_was "$before"
}

# ---- terminals ---------------------------------------------------------------------

@test "--tty with --console-socket: the process's stdio is the pty handed to the socket" {
    make_waiting_bundle
    start_container
    listen_console
    run_detached rt exec --tty --detach --console-socket "$SOCK" "$ID" \
        /bin/sh -c "$INIT isatty; echo through-the-pty"
    assert_success
    # The listener ends when the process closes its side of the pty.
    WAIT_TRIES=200 wait_for pid_gone "$BG_PID" || fail "the terminal never closed"
    read_output <(tr -d '\r' <"$BATS_TEST_TMPDIR/bg.out")
    assert_line --index 0 --regexp '^0 /dev/pts/[0-9]+$'
    tty=${lines[0]#0 }
    assert_line --index 1 "1 $tty"
    assert_line --index 2 "2 $tty"
    assert_line --index 3 through-the-pty
}

@test "--tty in the foreground gives the process a terminal and passes its exit code" {
    make_waiting_bundle
    start_container
    local cmd
    cmd=$(printf '%q ' env BERTH_TEST_MARK="$MARK" timeout -k 5 30 "$RUNTIME" --root "$ROOT" \
        exec -t "$ID" /bin/sh -c 'tty; test -t 0 && test -t 1 && echo stdio-is-a-tty; exit 3')
    # script runs the line with $SHELL, or /bin/sh when CI has none: bash
    # because printf %q quotes for bash; exec makes timeout the pty's
    # session leader, so the runtime setting the terminal raw is not
    # stopped by SIGTTOU (see podman.bats).
    run env SHELL=/bin/bash script -qec "exec $cmd" /dev/null
    [ "$status" -eq 3 ] || fail "exec -t exited $status (124/137: timed out); output: $output"
    read_output <(echoed_controls_removed <<<"$output")
    assert_line --index 0 --regexp '^/dev/pts/[0-9]+$'
    assert_line --index 1 stdio-is-a-tty
}

@test "without --tty the process does not get the terminal exec runs in" {
    make_waiting_bundle
    start_container
    local cmd
    # A process holding the caller's terminal could push input into it
    # (TIOCSTI): runc copies through pipes instead.
    cmd=$(printf '%q ' env BERTH_TEST_MARK="$MARK" timeout -k 5 30 "$RUNTIME" --root "$ROOT" \
        exec "$ID" "$INIT" isatty)
    run env SHELL=/bin/bash script -qec "exec $cmd" /dev/null
    assert_success
    read_output <(echoed_controls_removed <<<"$output")
    assert_output "$(printf '0 not-a-tty\n1 not-a-tty\n2 not-a-tty')"
}

@test "--console-socket without --tty fails and leaves the container as it was" {
    make_waiting_bundle
    start_container
    listen_console
    before=$(state_snapshot)
    run rt exec --detach --console-socket "$SOCK" "$ID" "$INIT" pid
    assert_failure
    assert_output --partial console
    assert_left_as_it_was "$before"
}

@test "--tty with --detach but no --console-socket fails and leaves the container as it was" {
    make_waiting_bundle
    start_container
    before=$(state_snapshot)
    run_detached rt exec --tty --detach "$ID" "$INIT" pid
    assert_failure
    assert_output --regexp 'console|tty'
    assert_left_as_it_was "$before"
}

# ---- container states ----------------------------------------------------------------

@test "exec into a created container runs in its namespaces, and the container stays created" {
    make_waiting_bundle
    run_detached rt create --bundle "$BUNDLE" "$ID"
    assert_success
    PID=$(container_pid "$ID")
    run rt exec "$ID" /bin/sh -c "hostname; $INIT ns"
    assert_success
    assert_line --index 0 exec-host
    for type in pid mnt net ipc uts; do
        assert_line "$type $(ns_of "$PID" "$type")"
    done
    assert_equal "$(state_field "$ID" status)" created
    run rt start "$ID"
    assert_success
    wait_status "$ID" running
    assert_equal "$(container_pid "$ID")" "$PID"
}

@test "exec into a stopped container fails saying it is stopped, and leaves nothing" {
    make_bundle "$INIT" exit 0
    run_detached rt run --detach --bundle "$BUNDLE" "$ID"
    assert_success
    wait_status "$ID" stopped
    before=$(state_snapshot)
    run rt exec "$ID" "$INIT" pid
    assert_failure
    assert_output --partial stopped
    is_berth && assert_equal "${#lines[@]}" 1
    assert_equal "$(state_snapshot)" "$before"
    assert_equal "$(state_field "$ID" status)" stopped
    wait_for test -z "$(leftover_processes)" || fail "processes left: $(leftover_processes)"
    run rt delete "$ID"
    assert_success
    assert_clean
}

@test "exec into a paused container fails unless --ignore-paused, which runs it once resumed" {
    make_waiting_bundle
    start_container
    rt pause "$ID"
    before=$(state_snapshot)
    run rt exec "$ID" "$INIT" write /shared/ran yes
    assert_failure
    assert_output --partial paused
    assert_equal "$(state_snapshot)" "$before"
    assert_equal "$(state_field "$ID" status)" paused
    assert_equal "$(container_procs)" "$PID"
    [ ! -e "$SHARED/ran" ] || fail "the process ran"

    start_bg rt exec --ignore-paused "$ID" "$INIT" write /shared/ran yes
    sleep 1
    # In the frozen cgroup it cannot run yet.
    [ ! -e "$SHARED/ran" ] || fail "the process ran in a paused container"
    rt resume "$ID"
    WAIT_TRIES=200 wait_for pid_gone "$BG_PID" || fail "exec --ignore-paused did not end after resume"
    status=0
    wait "$BG_PID" || status=$?
    read_output "$BATS_TEST_TMPDIR/bg.out"
    assert_equal "$status" 0
    assert_output ok
    assert_equal "$(cat "$SHARED/ran")" yes
    assert_equal "$(state_field "$ID" status)" running
}

# ---- bad input -----------------------------------------------------------------------

@test "exec into a missing container fails saying it does not exist" {
    run rt exec no-such-container "$INIT" pid
    assert_failure
    assert_output --partial "does not exist"
    if is_berth; then
        assert_output --partial no-such-container
        assert_equal "${#lines[@]}" 1
    fi
    assert_clean
}

@test "exec without a command fails and leaves the container as it was" {
    make_waiting_bundle
    start_container
    before=$(state_snapshot)
    run rt exec "$ID"
    assert_failure
    is_berth && assert_output --regexp '^berth: .*command'
    assert_left_as_it_was "$before"
}

@test "exec of a missing executable fails naming it, and leaves the container as it was" {
    make_waiting_bundle
    start_container
    before=$(state_snapshot)
    run rt exec "$ID" /no/such/program
    assert_failure
    assert_output --partial /no/such/program
    # A name without a slash is looked up in the process's PATH.
    run rt exec "$ID" no-such-program
    assert_failure
    assert_output --partial no-such-program
    assert_left_as_it_was "$before"
}

@test "exec finds a command without a slash in the config's PATH" {
    make_waiting_bundle
    cfg --arg mark "BERTH_TEST_MARK=$MARK" '.process.env = ["PATH=/usr/bin:/bin", $mark]'
    start_container
    run rt exec "$ID" berth-test-init cwd
    assert_success
    assert_output /
}

@test "a bad --user or --additional-gids fails naming it, and leaves the container as it was" {
    make_waiting_bundle
    start_container
    before=$(state_snapshot)
    for user in abc 1000:abc -1 ""; do
        run rt exec --user "$user" "$ID" "$INIT" ids
        [ "$status" -ne 0 ] || [ -z "$user" ] || fail "--user '$user' was accepted: $output"
        if is_berth && [ -n "$user" ]; then
            assert_output --partial -- "--user"
            assert_output --partial "${user##*:}"
        fi
    done
    run rt exec --additional-gids abc "$ID" "$INIT" ids
    assert_failure
    is_berth && assert_output --partial abc
    assert_left_as_it_was "$before"
}

@test "an unknown --cap fails naming it, and leaves the container as it was" {
    berth_only "runc 1.1 warns about an unknown capability and goes on without it"
    make_waiting_bundle
    start_container
    before=$(state_snapshot)
    for cap in CAP_NO_SUCH SYS_ADMIN cap_sys_admin; do
        run rt exec --cap "$cap" "$ID" "$INIT" print-caps
        assert_failure
        assert_output --regexp "^berth: .*$cap"
        assert_equal "${#lines[@]}" 1
    done
    assert_left_as_it_was "$before"
}

@test "exec errors are one line naming what is wrong" {
    berth_only "the error format is berth's"
    make_waiting_bundle
    start_container
    run rt exec --cwd relative "$ID" "$INIT" cwd
    assert_failure
    assert_output --regexp '^berth: .*--cwd.*relative'
    run rt exec --env NOEQUALS "$ID" "$INIT" env
    assert_failure
    assert_output --regexp '^berth: .*NOEQUALS'
    run rt exec --preserve-fds abc "$ID" "$INIT" fds
    assert_failure
    assert_output --regexp '^berth: .*preserve-fds'
    run rt exec "$ID" /no/such/program
    assert_failure
    assert_output --regexp '^berth: .*/no/such/program'
    assert_equal "${#lines[@]}" 1
}
