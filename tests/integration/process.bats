#!/usr/bin/env bats
# The process as configured: args, env, cwd, user and groups, umask,
# rlimits, capabilities, no_new_privs, oom_score_adj, sysctl, personality.

load helpers

@test "args, env and cwd are the config's" {
    make_bundle "$INIT" env
    cfg --arg mark "BERTH_TEST_MARK=$MARK" \
        '.process.env = ["PATH=/bin:/sbin", "GREETING=hello world", "EMPTY=", $mark] | .process.cwd = "/srv"'
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_line "PATH=/bin:/sbin"
    assert_line "GREETING=hello world"
    assert_line "EMPTY="
    # Nothing but the config's variables (and HOME, which runtimes add
    # when the config has none).
    for line in "${lines[@]}"; do
        [[ $line =~ ^(PATH|GREETING|EMPTY|BERTH_TEST_MARK|HOME)= ]] || fail "unexpected variable: $line"
    done

    set_args "$INIT" cwd
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_output /srv

    set_args /bin/sh -c 'echo "args: $0|$1"' first 'second arg'
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_output "args: first|second arg"
}

@test "args[0] without a slash is found in the config's PATH" {
    make_bundle berth-test-init pid
    cfg '.process.env = ["PATH=/usr/bin:/bin"] + [.process.env[] | select(startswith("BERTH_TEST_MARK="))]'
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_output 1
}

@test "a missing executable fails with an error naming it, and leaves nothing behind" {
    make_bundle /no/such/binary
    run rt run --bundle "$BUNDLE" "$ID"
    assert_failure
    assert_output --partial /no/such/binary
    assert_clean
}

@test "uid, gid and additionalGids apply to the process" {
    make_bundle "$INIT" ids
    cfg '.process.user = {uid: 1000, gid: 1001, additionalGids: [2000, 3000]}'
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_output "uid=1000 euid=1000 gid=1001 egid=1001 groups=2000,3000"
}

@test "a process without additionalGids has no supplementary groups" {
    make_bundle "$INIT" ids
    cfg '.process.user = {uid: 1000, gid: 1000}'
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_output "uid=1000 euid=1000 gid=1000 egid=1000 groups="
}

@test "umask applies to the process" {
    make_bundle /bin/sh -c "$INIT umask; $INIT write /tmp/f x; stat -c %a /tmp/f"
    cfg '.process.user.umask = 23' # 0027
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_line --index 0 0027
    assert_line --index 2 640
}

@test "rlimits within the host's hard limits apply (NOFILE 1024/4096, CORE 0/0)" {
    make_bundle "$INIT" rlimits
    cfg '.process.rlimits = [{type: "RLIMIT_NOFILE", soft: 1024, hard: 4096},
                             {type: "RLIMIT_CORE", soft: 0, hard: 0}]'
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_line "RLIMIT_NOFILE 1024 4096"
    assert_line "RLIMIT_CORE 0 0"
}

@test "a hard rlimit above what the kernel allows fails clearly and leaves nothing behind" {
    # Above fs.nr_open no process, root or not, gets a NOFILE limit.
    too_high=$(($(cat /proc/sys/fs/nr_open) + 1))
    make_bundle "$INIT" rlimits
    cfg --argjson n "$too_high" '.process.rlimits = [{type: "RLIMIT_NOFILE", soft: 1024, hard: $n}]'
    run_detached rt create --bundle "$BUNDLE" "$ID"
    assert_failure
    assert_output --regexp '[Rr][Ll][Ii][Mm][Ii][Tt]'
    assert_clean
}

@test "a hard rlimit error names the limit and its config path" {
    berth_only "the error format is berth's"
    too_high=$(($(cat /proc/sys/fs/nr_open) + 1))
    make_bundle "$INIT" rlimits
    cfg --argjson n "$too_high" '.process.rlimits = [{type: "RLIMIT_NOFILE", soft: 1024, hard: $n}]'
    run_detached rt create --bundle "$BUNDLE" "$ID"
    assert_failure
    assert_output --partial RLIMIT_NOFILE
    assert_output --partial /process/rlimits
    assert_clean
}

# The capability sets the process sees, one "Set=NAME,NAME" line each,
# sorted so they compare with the config's lists.
caps_seen() {
    local key names
    grep 'Names=' | while IFS== read -r key names; do
        echo "$key=$(tr , '\n' <<<"$names" | sed '/^$/d' | sort | paste -sd,)"
    done
}

caps_list() { # caps_list CAP... -> sorted comma list
    printf '%s\n' "$@" | sort | paste -sd,
}

@test "capabilities: a non-root process gets the config's five sets as exec leaves them" {
    make_bundle "$INIT" print-caps
    cfg '.process.user = {uid: 1000, gid: 1000}
         | .process.capabilities = {
            bounding: ["CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_SETUID", "CAP_SYS_CHROOT"],
            permitted: ["CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
            effective: ["CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
            inheritable: ["CAP_KILL", "CAP_NET_BIND_SERVICE"],
            ambient: ["CAP_NET_BIND_SERVICE"]}'
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    seen=$(caps_seen <<<"$output")
    # execve of a file without capabilities by a non-root user keeps the
    # bounding and inheritable sets and leaves only the ambient set in
    # the permitted and effective sets.
    assert_equal "$(grep ^CapBnd <<<"$seen")" \
        "CapBndNames=$(caps_list CAP_CHOWN CAP_KILL CAP_NET_BIND_SERVICE CAP_SETUID CAP_SYS_CHROOT)"
    assert_equal "$(grep ^CapInh <<<"$seen")" "CapInhNames=$(caps_list CAP_KILL CAP_NET_BIND_SERVICE)"
    assert_equal "$(grep ^CapAmb <<<"$seen")" "CapAmbNames=CAP_NET_BIND_SERVICE"
    assert_equal "$(grep ^CapPrm <<<"$seen")" "CapPrmNames=CAP_NET_BIND_SERVICE"
    assert_equal "$(grep ^CapEff <<<"$seen")" "CapEffNames=CAP_NET_BIND_SERVICE"
}

@test "capabilities: a root process is limited to the config's bounding set" {
    make_bundle "$INIT" print-caps
    cfg '.process.capabilities = {
            bounding: ["CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_KILL", "CAP_SYS_ADMIN"],
            permitted: ["CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_KILL", "CAP_SYS_ADMIN"],
            effective: ["CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_KILL", "CAP_SYS_ADMIN"],
            inheritable: ["CAP_KILL"]}'
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    seen=$(caps_seen <<<"$output")
    all=$(caps_list CAP_CHOWN CAP_DAC_OVERRIDE CAP_KILL CAP_SYS_ADMIN)
    assert_equal "$(grep ^CapBnd <<<"$seen")" "CapBndNames=$all"
    assert_equal "$(grep ^CapPrm <<<"$seen")" "CapPrmNames=$all"
    assert_equal "$(grep ^CapEff <<<"$seen")" "CapEffNames=$all"
    assert_equal "$(grep ^CapInh <<<"$seen")" "CapInhNames=CAP_KILL"
    assert_equal "$(grep ^CapAmb <<<"$seen")" "CapAmbNames="
}

@test "capabilities left out of the bounding set cannot be used (chown without CAP_CHOWN)" {
    make_bundle /bin/sh -c 'touch /tmp/f; chown 1000 /tmp/f && echo chown-worked || echo chown-refused'
    cfg '.process.capabilities = {bounding: ["CAP_KILL"], permitted: ["CAP_KILL"], effective: ["CAP_KILL"]}'
    run rt run --bundle "$BUNDLE" "$ID"
    assert_line chown-refused
}

@test "noNewPrivileges true sets no_new_privs, false leaves it unset" {
    make_bundle "$INIT" print-caps
    cfg '.process.noNewPrivileges = true'
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_line NoNewPrivs=1

    cfg '.process.noNewPrivileges = false'
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_line NoNewPrivs=0
}

@test "oomScoreAdj is applied to the process" {
    # Only a value at or above the current one: lowering it needs
    # CAP_SYS_RESOURCE, which not every host grants root.
    current=$(cat /proc/self/oom_score_adj)
    want=$(( (current < 0 ? 0 : current) + 100 ))
    [ "$want" -le 1000 ] || want=1000
    make_bundle "$INIT" cat /proc/self/oom_score_adj
    cfg --argjson v "$want" '.process.oomScoreAdj = $v'
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_output "$want"
}

@test "linux.sysctl sets namespaced kernel parameters inside, not on the host" {
    host_forward=$(cat /proc/sys/net/ipv4/ip_forward)
    host_rmid=$(cat /proc/sys/kernel/shm_rmid_forced)
    want_forward=$((1 - host_forward))
    want_rmid=$((1 - host_rmid))
    make_bundle /bin/cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/shm_rmid_forced
    cfg --arg f "$want_forward" --arg r "$want_rmid" \
        '.linux.sysctl = {"net.ipv4.ip_forward": $f, "kernel.shm_rmid_forced": $r}'
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_equal "$output" "$(printf '%s\n%s' "$want_forward" "$want_rmid")"
    assert_equal "$(cat /proc/sys/net/ipv4/ip_forward)" "$host_forward"
    assert_equal "$(cat /proc/sys/kernel/shm_rmid_forced)" "$host_rmid"
}

@test "personality LINUX32 makes uname -m report i686" {
    requires_runtime_feature personality
    make_bundle /bin/uname -m
    cfg '.linux.personality = {domain: "LINUX32"}'
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_output i686
}

@test "only stdin, stdout and stderr are open in the process" {
    make_bundle "$INIT" fds
    exec 7</dev/null # a descriptor the runtime must not leak into the container
    run rt run --bundle "$BUNDLE" "$ID"
    exec 7<&-
    assert_success
    assert_equal "$(awk '{ print $1 }' <<<"$output" | sort -n | paste -sd' ')" "0 1 2"
}

@test "--preserve-fds passes fds 3 .. 3+N-1 to the process, and no more" {
    make_bundle "$INIT" fds
    echo preserved >"$BATS_TEST_TMPDIR/three"
    # The redirections are scoped to the runtime's command: bats owns fd 3.
    run_preserving() {
        rt run --preserve-fds 1 --bundle "$BUNDLE" "$ID" 3<"$BATS_TEST_TMPDIR/three" 4</dev/null
    }
    run run_preserving
    assert_success
    assert_equal "$(awk '{ print $1 }' <<<"$output" | sort -n | paste -sd' ')" "0 1 2 3"
    assert_line --regexp "^3 -> .*/three$"
}

@test "the process starts with every signal at its default, whatever the runtime inherited" {
    make_bundle /bin/cat /proc/self/status
    # A shell that ignores SIGPIPE and SIGINT (as nohup or a pipeline may).
    run_ignoring() { (trap '' PIPE INT; rt run --bundle "$BUNDLE" "$ID"); }
    run run_ignoring
    assert_success
    assert_line "SigIgn:	0000000000000000"
    assert_line "SigBlk:	0000000000000000"
}
