#!/bin/bash
# Runs every berth test and ends with one line: "N passed, N failed" (and
# ", N skipped" when some were), summed over the C unit tests (make check)
# and the bats integration suites.  Exits non-zero if any test failed.
#
#   tests/run.sh [FILE.bats...]    (with files: only those bats files)
#
# RUNTIME=/usr/sbin/runc runs the integration suites against another
# runc-compatible runtime (the unit tests are berth's own and are then not
# run); BUILD_DIR (default <repo>/_build) is where berth is built.
#
# The suites in tests/integration/ run in a private mount namespace with a
# fresh cgroup2 mounted at /sys/fs/cgroup, so every runtime sees a cgroup v2
# host whatever this host has; tests/integration/host/ runs on the host as
# it is (berth only: on a hybrid host other runtimes would use v1 groups).
set -uo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export BUILD_DIR=${BUILD_DIR:-$repo/_build}
export RUNTIME=${RUNTIME:-$BUILD_DIR/berth}
passed=0 failed=0 skipped=0

summary() {
    local line="$passed passed, $failed failed"
    [ "$skipped" -eq 0 ] || line+=", $skipped skipped"
    echo
    echo "$line"
    [ "$failed" -eq 0 ] && [ $((passed + skipped)) -gt 0 ]
    exit $?
}

is_berth() { [[ $(basename "$RUNTIME") == berth* ]]; }

if [ "$(id -u)" != 0 ]; then
    echo "run.sh: the integration tests need root" >&2
    failed=1
    summary
fi

# ---- build ----------------------------------------------------------------
if is_berth; then build_args=(); else build_args=(--test-only); fi
if ! "$repo/scripts/build" "${build_args[@]}"; then
    echo "run.sh: the build failed" >&2
    failed=1
    summary
fi
work=$(mktemp -d /tmp/berth-tests.XXXXXX)
trap 'rm -rf "$work"' EXIT

# ---- C unit tests ---------------------------------------------------------
# Each test program prints TAP lines ("ok N - name"); automake keeps them in
# tests/unit/<program>.log and the program's verdict in <program>.trs.
run_unit_tests() {
    echo "== unit tests (make check)"
    rm -f "$BUILD_DIR"/tests/unit/*.log "$BUILD_DIR"/tests/unit/*.trs
    make -C "$BUILD_DIR" -s -j"${JOBS:-2}" check >"$work/unit.out" 2>&1
    local trs log ok notok skip result
    local found=0
    for trs in "$BUILD_DIR"/tests/unit/*.trs; do
        [ -e "$trs" ] || continue
        found=1
        log=${trs%.trs}.log
        result=$(sed -n 's/^:test-result: //p' "$trs" | head -1)
        ok=$(grep -cE '^ok ' "$log" || true)
        notok=$(grep -cE '^not ok ' "$log" || true)
        skip=$(grep -ciE '^ok .*# skip' "$log" || true)
        if [ $((ok + notok)) -eq 0 ]; then
            case $result in
            PASS) ok=1 ;;
            SKIP) skip=1 ;;
            *) notok=1 ;;
            esac
        elif [[ $result == FAIL || $result == ERROR ]] && [ "$notok" -eq 0 ]; then
            notok=1 # died before reporting a failure
        fi
        printf '  %-28s %s (%d ok, %d not ok)\n' "$(basename "${trs%.trs}")" "$result" \
            $((ok - skip)) "$notok"
        grep -E '^(not ok|#)' "$log" | sed 's/^/    /'
        passed=$((passed + ok - skip))
        skipped=$((skipped + skip))
        failed=$((failed + notok))
    done
    if [ "$found" -eq 0 ]; then
        failed=$((failed + 1))
        echo "  make check failed before running any test:"
        tail -30 "$work/unit.out" | sed 's/^/    /'
    fi
}

# ---- bats -------------------------------------------------------------------
# count_tap FILE: add a bats TAP report to the totals.
count_tap() {
    local ok notok skip
    if [ ! -s "$1" ]; then
        echo "  (no report: bats did not run)"
        failed=$((failed + 1))
        return
    fi
    ok=$(grep -cE '^ok ' "$1" || true)
    skip=$(grep -cE '^ok .* # skip' "$1" || true)
    notok=$(grep -cE '^not ok ' "$1" || true)
    passed=$((passed + ok - skip))
    skipped=$((skipped + skip))
    failed=$((failed + notok))
}

run_bats_private() {
    echo "== integration tests: $RUNTIME (private mount namespace, cgroup2 at /sys/fs/cgroup)"
    mkdir -p "$work/private"
    unshare --mount --propagation private -- bash -c '
        set -e
        mount -t cgroup2 cgroup2 /sys/fs/cgroup
        out=$1; shift
        exec bats --report-formatter tap --output "$out" "$@"' \
        _ "$work/private" "$@"
    count_tap "$work/private/report.tap"
}

run_bats_host() {
    echo "== integration tests: $RUNTIME directly on this host's cgroups"
    mkdir -p "$work/host"
    bats --report-formatter tap --output "$work/host" "$@"
    count_tap "$work/host/report.tap"
}

# tests/vm/smoke boots a pure cgroup v2 host under qemu (every controller,
# which this hybrid host lacks) and runs berth inside it: one test.
run_vm_smoke() {
    echo "== cgroup v2 VM (qemu): tests/vm/smoke"
    local name="the cgroup v2 VM boots with every controller and berth runs containers in it"
    if "$repo/tests/vm/smoke" >"$work/vm.out" 2>&1; then
        passed=$((passed + 1))
        echo "ok - $name"
    else
        failed=$((failed + 1))
        echo "not ok - $name"
        tail -40 "$work/vm.out" | sed 's/^/    /'
    fi
}

# tests/cve/weakened.sh: each CVE test must fail against a berth built
# without that defence (tests/cve/weaken/*.patch); one TAP line per CVE.
run_weakened() {
    echo "== CVE tests against weakened builds: tests/cve/weakened.sh"
    mkdir -p "$work/weakened"
    "$repo/tests/cve/weakened.sh" >"$work/weakened/report.tap" 2>&1
    grep -vE '^1\.\.' "$work/weakened/report.tap"
    count_tap "$work/weakened/report.tap"
}

# tests/vm/*.bats measure resource limits, which need every controller on
# cgroup v2: natively when this host's hierarchy (as the private namespace
# sees it) offers them all, else inside the VM.  Their TAP lines come back
# through the VM's console.  apparmor.bats, which needs a kernel enforcing
# AppArmor (the VM's has it on), shares that boot; natively it skips on a
# host with AppArmor off.
vm_controllers=(cpu cpuset memory pids io)
host_has_all_controllers() {
    unshare --mount --propagation private -- bash -c '
        mount -t cgroup2 cgroup2 /sys/fs/cgroup && cat /sys/fs/cgroup/cgroup.controllers' \
        >"$work/controllers" 2>/dev/null || return 1
    local c
    for c in "${vm_controllers[@]}"; do grep -qw "$c" "$work/controllers" || return 1; done
}

# bats_in_vm NAME [--systemd] FILE...: run bats in the VM and count its TAP
# lines, which come back through the console.  BATS_TEST_TIMEOUT: a test
# that hangs (each takes under 40 s) fails alone, with its output, instead
# of the whole VM timing out; a failed run keeps its console in
# BUILD_DIR/vm/NAME-console.log.
bats_in_vm() {
    local name=$1 dir=$work/$1 mode=()
    shift
    if [ "$1" = --systemd ]; then mode=(--systemd); shift; fi
    mkdir -p "$dir"
    "$repo/tests/vm/run-in-vm" "${mode[@]}" env RUNTIME="$RUNTIME" BUILD_DIR="$BUILD_DIR" \
        TEST_ROOTFS_SHARED=1 BATS_TEST_TIMEOUT=240 bats --tap "$@" >"$dir/console.out" 2>&1
    local rc=$?
    [ $rc -eq 0 ] || cp "$dir/console.out" "$BUILD_DIR/vm/$name-console.log"
    tr -d '\r' <"$dir/console.out" | grep -E '^(ok |not ok |#|1\.\.)' | tee "$dir/report.tap"
    if [ $rc -ne 0 ] && ! grep -qE '^not ok ' "$dir/report.tap"; then
        echo "  the VM run failed (exit $rc) without a failing test:"
        tail -20 "$dir/console.out" | sed 's/^/    /'
        failed=$((failed + 1))
    fi
    grep -qE '^(ok|not ok) ' "$dir/report.tap" || : >"$dir/report.tap"
    count_tap "$dir/report.tap"
}

run_vm_suites() {
    if host_has_all_controllers; then
        echo "== cgroup v2 limit tests: this host offers ${vm_controllers[*]} on cgroup v2, run here"
        run_bats_private "$@"
        return
    fi
    echo "== cgroup v2 limit tests: in the cgroup v2 VM (qemu)"
    bats_in_vm vm "$@"
}

# tests/vm/systemd*.bats test the systemd cgroup driver against a real
# systemd: the VM boots the host's systemd as its init, with the D-Bus
# system bus, and bats runs as a service there.
run_vm_systemd() {
    echo "== systemd cgroup driver: in the VM with systemd as init (qemu)"
    bats_in_vm vm-systemd --systemd "$@"
}

# ---- fuzzing and sanitizers ---------------------------------------------------
# tests/fuzz/run.sh fuzzes the config and state parsers for FUZZ_SECONDS
# each (default 30; clang, in $BUILD_DIR-fuzz); tests/sanitize.sh runs the
# unit tests and the private-namespace suites again against berth built
# with ASan and UBSan (in $BUILD_DIR-asan) and fails on any report.  Their
# TAP lines count like any test's.
run_fuzz_and_sanitizers() {
    mkdir -p "$work/bad-input"
    echo "== fuzzing: tests/fuzz/run.sh ${FUZZ_SECONDS:-30} (libFuzzer)"
    "$repo/tests/fuzz/run.sh" "${FUZZ_SECONDS:-30}" >"$work/bad-input/fuzz.tap" 2>&1
    grep -vE '^1\.\.' "$work/bad-input/fuzz.tap"
    count_tap "$work/bad-input/fuzz.tap"
    echo "== sanitizers: tests/sanitize.sh (unit and integration tests under ASan and UBSan)"
    "$repo/tests/sanitize.sh" >"$work/bad-input/sanitize.tap" 2>&1
    grep -vE '^1\.\.' "$work/bad-input/sanitize.tap"
    count_tap "$work/bad-input/sanitize.tap"
}

private_files=() host_files=() vm_files=() systemd_files=()
if [ $# -gt 0 ]; then
    for f in "$@"; do
        if [[ $f == */host/* ]]; then host_files+=("$f")
        elif [[ $f == */vm/systemd* ]]; then systemd_files+=("$f")
        elif [[ $f == */vm/* ]]; then vm_files+=("$f")
        else private_files+=("$f"); fi
    done
else
    private_files=("$repo"/tests/integration/*.bats)
    host_files=("$repo"/tests/integration/host/*.bats)
    for f in "$repo"/tests/vm/*.bats; do
        if [[ $(basename "$f") == systemd* ]]; then
            ! is_berth || systemd_files+=("$f") # berth's own: other runtimes name their scopes otherwise
        else
            vm_files+=("$f")
        fi
    done
    if is_berth; then run_unit_tests; else echo "== unit tests: skipped (they test berth, not $RUNTIME)"; fi
fi
[ ${#private_files[@]} -eq 0 ] || run_bats_private "${private_files[@]}"
[ ${#host_files[@]} -eq 0 ] || run_bats_host "${host_files[@]}"
[ ${#vm_files[@]} -eq 0 ] || run_vm_suites "${vm_files[@]}"
[ ${#systemd_files[@]} -eq 0 ] || run_vm_systemd "${systemd_files[@]}"
if [ $# -eq 0 ] && is_berth; then run_weakened; run_vm_smoke; fi
if [ $# -eq 0 ] && is_berth; then run_fuzz_and_sanitizers; fi
summary
