#!/usr/bin/env bats
# process.terminal: the container's pty, handed to whoever listens on
# --console-socket (as containerd does for `-t`).

load helpers

# The test init is static: it runs on the host too, as the socket's end.
HOST_INIT=$TEST_ROOTFS$INIT

listen_console() {
    SOCK=$BATS_TEST_TMPDIR/console.sock
    start_bg "$HOST_INIT" recv-tty "$SOCK"
    wait_for test -S "$SOCK" || fail "the console socket listener did not start"
}

@test "with terminal true, --console-socket receives the pty and the process's stdio is that pty" {
    listen_console
    make_bundle /bin/sh -c "$INIT isatty; $INIT devnum /dev/console; echo through-the-pty"
    cfg '.process.terminal = true'
    run_detached rt run --detach --console-socket "$SOCK" --bundle "$BUNDLE" "$ID"
    assert_success
    # The listener ends when the container closes its side of the pty.
    WAIT_TRIES=200 wait_for pid_gone "$BG_PID" || fail "the terminal never closed"
    read_output <(tr -d '\r' <"$BATS_TEST_TMPDIR/bg.out")
    assert_line --index 0 --regexp '^0 /dev/pts/[0-9]+$'
    tty=${lines[0]#0 }
    assert_line --index 1 "1 $tty"
    assert_line --index 2 "2 $tty"
    # /dev/console is the same pty (devpts major 136).
    assert_line --index 3 --regexp '^c 136:[0-9]+ '
    assert_line --index 4 through-the-pty
}

@test "create with terminal true but no --console-socket fails and leaves nothing behind" {
    make_bundle "$INIT" exit 0
    cfg '.process.terminal = true'
    run_detached rt create --bundle "$BUNDLE" "$ID"
    assert_failure
    assert_output --partial console
    assert_clean
}
