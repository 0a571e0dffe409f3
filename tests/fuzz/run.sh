#!/bin/bash
# Builds the libFuzzer harnesses (tests/fuzz/fuzz-config.c, fuzz-state.c)
# with clang out of tree and runs each for a bounded time, printing one TAP
# line per harness:
#   ok 1 - fuzz-config: 131072 execs, corpus 412 files, 0 crashes
#
#   tests/fuzz/run.sh [SECONDS]   fuzz each harness SECONDS (default 30)
#   tests/fuzz/run.sh --merge     fold what runs found into tests/fuzz/corpus
#
# FUZZ_ONLY=config (or state) runs one harness.  FUZZ_BUILD_DIR (default
# $BUILD_DIR-fuzz, <repo>/_build-fuzz) holds the build, the working corpus
# (fuzz-corpus/<name>: new inputs accumulate there from run to run,
# tests/fuzz/corpus is only read) and the inputs that crashed
# (fuzz-crashes/<name>/).  A crash, a leak, an input slower than 10 s or
# using more than 2 GB is a failure: the TAP line says which, the input is
# kept and `<build>/tests/fuzz/fuzz-<name> <input>` replays it.
#
# --merge minimizes tests/fuzz/corpus/<name> (libFuzzer -merge=1): the
# named files there (real configs, hostile cases, regressions) stay, the
# working corpus's inputs are added only if they reach code none of them
# reaches.  Run it after a long run, then commit tests/fuzz/corpus.
set -uo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${FUZZ_BUILD_DIR:-${BUILD_DIR:-$repo/_build}-fuzz}
read -r -a harnesses <<<"${FUZZ_ONLY:-config state}"

build_harnesses() {
    if [ ! -x "$repo/configure" ] || [ ! -f "$repo/Makefile.in" ]; then
        (cd "$repo" && autoreconf -fi) || return 1
    fi
    mkdir -p "$build" && cd "$build" || return 1
    if [ ! -f Makefile ] || [ ! -f config.status ]; then
        CC=clang "$repo/configure" --enable-werror --enable-fuzzing -q || return 1
    fi
    make -s -j"${JOBS:-2}" tests/fuzz/fuzz-config tests/fuzz/fuzz-state
}

# A value from libFuzzer's output: the last "corp: N/" count, or a
# -print_final_stats line ("stat::number_of_executed_units: N").
corpus_files() { grep -oE 'corp: [0-9]+/' "$1" | tail -1 | grep -oE '[0-9]+' || echo 0; }
final_stat() { sed -n "s/^stat::$2: *//p" "$1" | tail -1; }

# fuzz_one N NAME SECONDS: run one harness and print its TAP line.
fuzz_one() {
    local n=$1 name=$2 seconds=$3
    local bin=$build/tests/fuzz/fuzz-$name work=$build/fuzz-corpus/$name
    local crashes=$build/fuzz-crashes/$name log=$build/fuzz-$name.log
    mkdir -p "$work" "$crashes"
    # -close_fd_mask=2: the parsers' warnings (unknown capabilities) would
    # flood the output; libFuzzer and the sanitizers keep their own stderr.
    "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -close_fd_mask=2 \
        -print_final_stats=1 -dict="$repo/tests/fuzz/$name.dict" -artifact_prefix="$crashes/" \
        "$work" "$repo/tests/fuzz/corpus/$name" >"$log" 2>&1
    local rc=$? execs files found
    execs=$(final_stat "$log" number_of_executed_units)
    files=$(corpus_files "$log")
    found=$(grep -oE "Test unit written to [^ ]+" "$log" | sed 's/Test unit written to //')
    if [ $rc -eq 0 ] && [ -z "$found" ] && [ -n "$execs" ]; then
        echo "ok $n - fuzz-$name: $execs execs, corpus $files files, 0 crashes"
        return 0
    fi
    echo "not ok $n - fuzz-$name: ${execs:-?} execs, corpus $files files, a crash (exit $rc)"
    if [ -z "$found" ]; then
        tail -15 "$log" | sed 's/^/# /'
        return 1
    fi
    # Replayed with stderr open, the input shows the harness's own message
    # too; the frames kept are berth's.
    timeout 60 "$bin" "$found" 2>&1 |
        grep -E "ERROR|SUMMARY|runtime error|^fuzz: |#[0-9]+ 0x[0-9a-f]+ in [^ ]+ $repo/" |
        head -20 | sed 's/^/# /'
    echo "# the input is kept in $found; replay: $bin $found"
    return 1
}

# Merge the working corpus into tests/fuzz/corpus/NAME, keeping named files.
merge_one() {
    local name=$1 src=$repo/tests/fuzz/corpus/$1 bin=$build/tests/fuzz/fuzz-$1
    local tmp
    tmp=$(mktemp -d) || return 1
    mkdir "$tmp/named" "$tmp/rest"
    local f
    for f in "$src"/*; do
        [ -f "$f" ] || continue
        if [[ $(basename "$f") =~ ^[0-9a-f]{40}$ ]]; then cp "$f" "$tmp/rest/"; else cp "$f" "$tmp/named/"; fi
    done
    # -use_counters=0: keep an input for an edge it reaches first, not for
    # hitting a known edge more often (half the files).
    if ! "$bin" -merge=1 -use_counters=0 -close_fd_mask=2 -rss_limit_mb=2048 "$tmp/named" "$tmp/rest" \
        "$build/fuzz-corpus/$name" >"$build/fuzz-merge-$name.log" 2>&1; then
        echo "merge of $name failed: see $build/fuzz-merge-$name.log" >&2
        rm -rf "$tmp"
        return 1
    fi
    find "$src" -maxdepth 1 -type f -regextype egrep -regex '.*/[0-9a-f]{40}' -delete
    for f in "$tmp/named"/*; do
        [[ $(basename "$f") =~ ^[0-9a-f]{40}$ ]] && cp "$f" "$src/"
    done
    echo "tests/fuzz/corpus/$name: $(find "$src" -type f | wc -l) files, $(du -sk "$src" | cut -f1) KB"
    rm -rf "$tmp"
}

if ! build_harnesses >"${TMPDIR:-/tmp}/berth-fuzz-build.$$" 2>&1; then
    echo "not ok 1 - fuzz: the harnesses build (clang, configure --enable-fuzzing)"
    tail -20 "${TMPDIR:-/tmp}/berth-fuzz-build.$$" | sed 's/^/# /'
    rm -f "${TMPDIR:-/tmp}/berth-fuzz-build.$$"
    exit 1
fi
rm -f "${TMPDIR:-/tmp}/berth-fuzz-build.$$"

if [ "${1:-}" = --merge ]; then
    status=0
    for name in "${harnesses[@]}"; do merge_one "$name" || status=1; done
    exit $status
fi

seconds=${1:-30}
if ! [[ $seconds =~ ^[0-9]+$ ]] || [ "$seconds" -eq 0 ]; then
    echo "usage: tests/fuzz/run.sh [SECONDS] | --merge" >&2
    exit 2
fi
status=0 n=0
for name in "${harnesses[@]}"; do
    n=$((n + 1))
    fuzz_one "$n" "$name" "$seconds" || status=1
done
echo "1..$n"
exit $status
