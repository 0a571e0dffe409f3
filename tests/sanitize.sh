#!/bin/bash
# The test suite once more, against berth built with AddressSanitizer and
# UndefinedBehaviorSanitizer (configure --enable-sanitizers, out of tree in
# SANITIZE_BUILD_DIR, default $BUILD_DIR-asan, i.e. <repo>/_build-asan):
# the C unit tests and the integration suites that run in a private mount
# namespace (tests/integration/*.bats, through tests/run.sh).  Any report
# from any berth process fails the pass.  Prints TAP lines for tests/run.sh:
#   ok 1 - sanitizers: berth builds with ASan and UBSan, and reports reach the log directory
#   ok 2 - sanitizers: the unit tests pass under ASan and UBSan (207 tests)
#   ok 3 - sanitizers: the integration tests pass under ASan and UBSan (290 passed, 0 failed)
#   ok 4 - sanitizers: no ASan, UBSan or LeakSanitizer report from any berth process
#
#   tests/sanitize.sh [FILE.bats...]    (default: tests/integration/*.bats)
#
# Where reports go: ASAN_OPTIONS/UBSAN_OPTIONS log_path makes each process
# write its own file, <build>/sanitizer-logs/report.<pid>, forked children
# included.  The container's init cannot once it has pivoted into the
# rootfs (the path then names a file in the container): a report there
# ends the container, which fails its test, and the traces it leaves on
# stderr ("ERROR: AddressSanitizer", "runtime error:", "Can't open file")
# are looked for in the suites' output as well.
#
# Leaks: LeakSanitizer runs when a berth command calls exit() and checks
# the whole process (its stop-the-world tracer needs ptrace of its own
# process, which root has).  The container's init ends in execve or _exit,
# never exit(), so it is never leak-checked, and need not be: its memory
# becomes the container's program or is gone.  Each check costs a berth
# command about 0.2 s; SANITIZE_LEAKS=0 skips them.
set -uo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${SANITIZE_BUILD_DIR:-${BUILD_DIR:-$repo/_build}-asan}
logs=$build/sanitizer-logs
n=0 status=0

tap() { # tap OK|"not ok" DESCRIPTION [DETAIL_FILE]
    n=$((n + 1))
    echo "$1 $n - sanitizers: $2"
    [ "$1" = ok ] || status=1
    [ $# -lt 3 ] || sed 's/^/# /' "$3"
}

configure_and_build() (
    if [ ! -x "$repo/configure" ] || [ ! -f "$repo/Makefile.in" ]; then
        (cd "$repo" && autoreconf -fi) || return 1
    fi
    mkdir -p "$build" && cd "$build" || return 1
    if [ ! -f Makefile ] || [ ! -f config.status ]; then
        "$repo/configure" --enable-werror --enable-sanitizers -q || return 1
    fi
    make -s -j"${JOBS:-2}"
)

# The options every sanitized process inherits (detect_leaks is ASan's
# default on x86_64, spelled out; -fno-sanitize-recover=all already makes
# a UBSan report end the process).
export_sanitizer_options() {
    local common="log_path=$logs/report:print_stacktrace=1"
    export ASAN_OPTIONS="$common:detect_leaks=${SANITIZE_LEAKS:-1}"
    export UBSAN_OPTIONS="$common:halt_on_error=1"
}

# A planted leak, built with the same flags and options, must land in the
# log directory: otherwise a silent pass would prove nothing.
reports_reach_the_log_directory() {
    [ "${SANITIZE_LEAKS:-1}" != 0 ] || return 0
    local cc flags
    cc=$(sed -n 's/^CC = //p' "$build/Makefile")
    flags=$(sed -n 's/^SANITIZER_FLAGS = //p' "$build/Makefile")
    printf '#include <stdlib.h>\nint main(void) { return malloc(42) == NULL; }\n' >"$work/canary.c"
    # shellcheck disable=SC2086 # words, as make passes them
    $cc $flags -o "$work/canary" "$work/canary.c" || return 1
    ! "$work/canary" || return 1
    grep -qs 'LeakSanitizer: detected memory leaks' "$logs"/report.* || return 1
    rm -f "$logs"/report.*
}

# The sanitizer traces that can land in a suite's output instead of a log.
stray_reports() {
    grep -hE "ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:|SUMMARY: (Address|UndefinedBehavior|Leak)Sanitizer|ERROR: Can't open file: $logs" "$@" 2>/dev/null
}

work=$(mktemp -d /tmp/berth-sanitize.XXXXXX)
trap 'rm -rf "$work"' EXIT
started=$SECONDS

if ! configure_and_build >"$work/build.out" 2>&1; then
    tail -20 "$work/build.out" >"$work/detail"
    tap "not ok" "berth builds with ASan and UBSan (configure --enable-sanitizers)" "$work/detail"
    echo "1..$n"
    exit 1
fi
rm -rf "$logs"
mkdir -p "$logs"
export_sanitizer_options
if reports_reach_the_log_directory >"$work/canary.out" 2>&1; then
    tap ok "berth builds with ASan and UBSan, and reports reach the log directory"
else
    tap "not ok" "berth builds with ASan and UBSan, and reports reach the log directory" "$work/canary.out"
fi

# ---- unit tests ---------------------------------------------------------------
rm -f "$build"/tests/unit/*.log "$build"/tests/unit/*.trs
make -C "$build" -s -j"${JOBS:-2}" check >"$work/unit.out" 2>&1
unit_rc=$?
unit_ok=$(cat "$build"/tests/unit/*.log 2>/dev/null | grep -cE '^ok ' || true)
unit_notok=$(cat "$build"/tests/unit/*.log 2>/dev/null | grep -cE '^not ok ' || true)
if [ $unit_rc -eq 0 ] && [ "$unit_notok" -eq 0 ] && [ "$unit_ok" -gt 0 ]; then
    tap ok "the unit tests pass under ASan and UBSan ($unit_ok tests)"
else
    { grep -hE '^not ok ' "$build"/tests/unit/*.log; tail -15 "$work/unit.out"; } >"$work/detail" 2>/dev/null
    tap "not ok" "the unit tests pass under ASan and UBSan ($unit_ok ok, $unit_notok not ok, make check exit $unit_rc)" "$work/detail"
fi

# ---- integration tests ----------------------------------------------------------
if [ $# -gt 0 ]; then files=("$@"); else files=("$repo"/tests/integration/*.bats); fi
BUILD_DIR=$build RUNTIME=$build/berth "$repo/tests/run.sh" "${files[@]}" >"$work/integration.out" 2>&1
summary=$(tail -1 "$work/integration.out")
if [[ $summary =~ ^([0-9]+)\ passed,\ 0\ failed ]] && [ "${BASH_REMATCH[1]}" -gt 0 ]; then
    tap ok "the integration tests pass under ASan and UBSan ($summary)"
else
    { grep -E '^not ok ' "$work/integration.out"; tail -5 "$work/integration.out"; } >"$work/detail"
    tap "not ok" "the integration tests pass under ASan and UBSan (${summary:-no summary})" "$work/detail"
fi

# ---- reports ---------------------------------------------------------------------
reports=("$logs"/report.*)
[ -e "${reports[0]}" ] || reports=()
stray_reports "$work/unit.out" "$work/integration.out" "$build"/tests/unit/*.log >"$work/stray"
if [ ${#reports[@]} -eq 0 ] && [ ! -s "$work/stray" ]; then
    tap ok "no ASan, UBSan or LeakSanitizer report from any berth process"
else
    {
        for r in "${reports[@]:0:5}"; do
            echo "$r:"
            head -40 "$r"
        done
        [ ! -s "$work/stray" ] || { echo "in the tests' output:"; head -20 "$work/stray"; }
    } >"$work/detail"
    tap "not ok" "no ASan, UBSan or LeakSanitizer report from any berth process (${#reports[@]} in $logs)" "$work/detail"
fi
echo "# the sanitizer pass took $((SECONDS - started)) s"
echo "1..$n"
exit $status
