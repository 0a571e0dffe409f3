#!/usr/bin/env bats
# process.apparmorProfile and `exec --apparmor` against a kernel that
# enforces AppArmor: the VM's (Debian's kernel boots with AppArmor as its
# major LSM; the development host has it off).  The suite loads its own
# profiles with apparmor_parser and checks what the container saw: the
# label in /proc/self/attr/current and a read the profile denies.
#
#   tests/run.sh tests/vm/apparmor.bats      (one VM boot, with the other
#                                             tests/vm suites when run whole)
#
# Skipped where AppArmor is not enabled or apparmor_parser is missing
# (apt-get install apparmor).  On a host with AppArmor the profiles are
# loaded into its kernel for the suite and removed at its end.

load ../integration/helpers

SECFS=/sys/kernel/security

# The test profiles.  Each has attach_disconnected: the container's paths
# are outside the namespace the kernel resolves them against (its root was
# pivoted), and would otherwise be refused as "disconnected".
#   berth-test           everything a container does, but reading
#                        /shared/secret;
#   berth-test-nomount   files, signals and sockets only: no capability and
#                        no mount rule, so root in it cannot mount.
PROFILES=("$BATS_FILE_TMPDIR/berth-test" "$BATS_FILE_TMPDIR/berth-test-nomount")
write_profiles() {
    cat >"${PROFILES[0]}" <<'EOF'
profile berth-test flags=(attach_disconnected) {
  file,
  capability,
  network,
  signal,
  mount,
  umount,
  pivot_root,
  ptrace,
  unix,
  deny /shared/secret r,
}
EOF
    cat >"${PROFILES[1]}" <<'EOF'
profile berth-test-nomount flags=(attach_disconnected) {
  file,
  signal,
  unix,
}
EOF
}

# The profiles are kernel-wide: loaded once for the file (-K: no cache
# written to the host) and removed after.
setup_file() {
    [ "$(id -u)" = 0 ] || skip "the integration tests run as root"
    if [ ! -d "$SECFS/apparmor" ] && [ -e /sys/module/apparmor ]; then
        mount -t securityfs securityfs "$SECFS" 2>/dev/null || true
    fi
    if [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" != Y ] ||
        [ ! -d "$SECFS/apparmor" ]; then
        export AA_SKIP="AppArmor is not enabled on this host (the VM's kernel has it: tests/run.sh)"
        return 0
    fi
    if ! command -v apparmor_parser >/dev/null; then
        export AA_SKIP="no apparmor_parser: apt-get install apparmor"
        return 0
    fi
    write_profiles
    apparmor_parser -K -r "${PROFILES[@]}" || fail "apparmor_parser could not load ${PROFILES[*]}"
}

teardown_file() {
    [ ! -f "${PROFILES[0]}" ] || apparmor_parser -K -R "${PROFILES[@]}" 2>/dev/null || true
}

setup() {
    [ -z "${AA_SKIP:-}" ] || skip "$AA_SKIP"
    common_setup
    echo "public" >"$SHARED/public"
    echo "secret" >"$SHARED/secret"
    chmod 0644 "$SHARED/public" "$SHARED/secret"
}

# The label the process runs under and what it could read: its attr
# file (AppArmor's own since Linux 5.1, else the shared one), then the
# allowed file, then the denied one.
SEE='a=/proc/self/attr/apparmor/current; [ -e $a ] || a=/proc/self/attr/current
cat $a; cat /shared/public; cat /shared/secret 2>&1 || echo "secret: refused"'

# The label of a host pid, as the kernel reports it.
label_of() {
    local a=/proc/$1/attr/apparmor/current
    [ -e "$a" ] || a=/proc/$1/attr/current
    tr -d '\0' <"$a"
}

start_container() {
    run_detached rt run --detach --bundle "$BUNDLE" "$ID"
    assert_success
    wait_status "$ID" running
    PID=$(container_pid "$ID")
}

# ---- process.apparmorProfile ----------------------------------------------------

@test "apparmorProfile berth-test: the process runs confined by it and cannot read the file it denies" {
    make_bundle /bin/sh -c "$SEE"
    cfg '.process.apparmorProfile = "berth-test"'
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_line --index 0 "berth-test (enforce)"
    assert_line --index 1 public
    assert_line --index 2 --regexp "^cat: .*/shared/secret.*Permission denied$"
    assert_line --index 3 "secret: refused"
    assert_clean
}

@test "without apparmorProfile, or with an empty one, the process is unconfined and reads the file" {
    make_bundle /bin/sh -c "$SEE"
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_equal "$output" "$(printf 'unconfined\npublic\nsecret')"
    # As runc reads it ("" is no profile); crun 1.8 writes "exec " and fails.
    [ "$RUNTIME_NAME" != crun ] || return 0
    cfg '.process.apparmorProfile = ""'
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_equal "$output" "$(printf 'unconfined\npublic\nsecret')"
}

# As with runc and crun, create fails: berth asks the kernel whether it
# takes the profile before it creates anything (it writes the label only
# right before execve, after start).
@test "an apparmorProfile that is not loaded fails create and run with one line naming the path; nothing is left" {
    make_bundle /bin/sh -c "$SEE"
    cfg '.process.apparmorProfile = "berth-test-not-loaded"'
    run_detached rt create --bundle "$BUNDLE" "$ID"
    assert_failure
    if is_berth; then
        assert_equal "${#lines[@]}" 1
        assert_output 'berth: config.json: /process/apparmorProfile: AppArmor has no profile "berth-test-not-loaded" loaded (apparmor_parser -r loads one)'
    fi
    assert_clean
    run rt run --bundle "$BUNDLE" "$ID"
    assert_failure
    refute_line public
    refute_line secret
    if is_berth; then
        assert_equal "${#lines[@]}" 1
        assert_output --regexp '^berth: config\.json: /process/apparmorProfile: AppArmor has no profile "berth-test-not-loaded" loaded'
    fi
    assert_clean
}

# The label is written to the exec attr right before execve, so it binds
# only the container's process: berth's init mounts, pivots and sets the
# hostname unhindered by a profile that allows none of that.
@test "apparmorProfile without mount or capability rules: the container starts, its process cannot mount" {
    make_bundle /bin/sh -c 'hostname; mount -t tmpfs tmpfs /tmp 2>&1 || echo "mount: refused"'
    cfg '.process.apparmorProfile = "berth-test-nomount" | .hostname = "aa-host"'
    run rt run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_line --index 0 aa-host
    assert_line "mount: refused"
    assert_clean
}

# CVE-2019-16884 for real: an image's volume over /proc would take the
# label's write (runc before 1.0.0-rc9), and the process would run
# unconfined.  berth writes through a procfs of its own (checked with
# tests/cve/weaken/CVE-2019-16884.patch applied: the write lands in the
# fake file and the secret is read).  Another runtime may refuse the
# mount instead; either way the process never reads the secret.
@test "a volume over /proc does not take the label's write: the process is confined (CVE-2019-16884)" {
    fake=$BATS_TEST_TMPDIR/fake-proc
    mkdir -p "$fake/1/task/1/attr/apparmor" "$fake/1/attr/apparmor"
    ln -s 1 "$fake/self"
    ln -s 1/task/1 "$fake/thread-self"
    for f in 1/attr/exec 1/task/1/attr/exec 1/attr/apparmor/exec 1/task/1/attr/apparmor/exec; do
        echo fake >"$fake/$f"
    done
    make_bundle /bin/sh -c 'cat /shared/secret 2>&1 || echo "secret: refused"'
    cfg '.process.apparmorProfile = "berth-test" | .linux.maskedPaths = [] | .linux.readonlyPaths = []'
    add_mount /proc bind "$fake" rbind
    run rt run --bundle "$BUNDLE" "$ID"
    refute_line secret
    if is_berth || [ "$status" -eq 0 ]; then
        assert_success
        assert_line "secret: refused"
        assert_equal "$(cat "$fake/1/task/1/attr/apparmor/exec" "$fake/1/task/1/attr/exec")" "$(printf 'fake\nfake')"
    fi
    assert_clean
}

# ---- exec ------------------------------------------------------------------------

@test "exec --apparmor in a container without a profile: the exec'd process is confined; one not loaded fails" {
    make_bundle "$INIT" pause
    start_container
    run rt exec --apparmor berth-test "$ID" /bin/sh -c "$SEE"
    assert_success
    assert_line --index 0 "berth-test (enforce)"
    assert_line --index 1 public
    assert_line --index 3 "secret: refused"
    # The container's own process and a plain exec are not.
    assert_equal "$(label_of "$PID")" unconfined
    run rt exec "$ID" /bin/sh -c "$SEE"
    assert_success
    assert_equal "$output" "$(printf 'unconfined\npublic\nsecret')"

    # A profile that is not loaded: one line, and the container runs on
    # with nothing but its init.
    run rt exec --apparmor berth-test-not-loaded "$ID" /bin/sh -c "$SEE"
    assert_failure
    refute_line public
    if is_berth; then
        assert_equal "${#lines[@]}" 1
        assert_output --regexp '^berth: --apparmor: AppArmor has no profile "berth-test-not-loaded" loaded'
    fi
    assert_equal "$(state_field "$ID" status)" running
    wait_for eval '[ "$(leftover_processes)" = "$PID" ]' ||
        fail "processes besides the init $PID: $(leftover_processes)"
}

@test "exec without --apparmor in a container with a profile: the init and the exec'd process carry the container's" {
    make_bundle "$INIT" pause
    cfg '.process.apparmorProfile = "berth-test"'
    start_container
    # Seen from the host, the container's init carries the label.
    assert_equal "$(label_of "$PID")" "berth-test (enforce)"
    run rt exec "$ID" /bin/sh -c "$SEE"
    assert_success
    assert_line --index 0 "berth-test (enforce)"
    assert_line --index 1 public
    assert_line --index 3 "secret: refused"
}

# As crun does (and runc's libcontainer means to: its exec'd process gets
# the container's profile unless its own names one): a process.json
# without apparmorProfile is no way out of the confinement.
@test "exec --process without apparmorProfile in a container with a profile: the process gets the container's" {
    [ "$RUNTIME_NAME" != runc ] || skip "runc 1.1 runs such a process unconfined"
    make_bundle "$INIT" pause
    cfg '.process.apparmorProfile = "berth-test"'
    start_container
    jq -n --arg mark "BERTH_TEST_MARK=$MARK" --arg see "$SEE" '{
        terminal: false, user: {uid: 0, gid: 0}, cwd: "/",
        args: ["/bin/sh", "-c", $see], env: ["PATH=/bin:/sbin", $mark]
    }' >"$BATS_TEST_TMPDIR/process.json"
    run rt exec --process "$BATS_TEST_TMPDIR/process.json" "$ID"
    assert_success
    assert_line --index 0 "berth-test (enforce)"
    assert_line --index 3 "secret: refused"
}
