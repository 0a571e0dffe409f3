#!/bin/bash
# Proves that each CVE regression test can fail: for every
# tests/cve/weaken/<CVE>.patch (a minimal diff that removes berth's defence
# against that CVE), build berth with the patch applied and run the
# integration tests whose names start with "<CVE>:" against it.  They must
# fail there; a test that passes without the defence proves nothing.
#
#   tests/cve/weakened.sh [CVE-ID...]     (default: every patch)
#
# Prints one TAP line per CVE.  BUILD_DIR (default <repo>/_build) must hold
# a built berth, test init and test rootfs (scripts/build): the rootfs is
# shared, berth is rebuilt from a patched copy of the sources in a
# temporary directory, without -Werror (a weakened build leaves unused
# code).  Needs root, like the integration suites.
set -uo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD_DIR=${BUILD_DIR:-$repo/_build}
export TEST_ROOTFS=${TEST_ROOTFS:-$BUILD_DIR/tests/rootfs}
jobs=${JOBS:-2}

work=$(mktemp -d /tmp/berth-weakened.XXXXXX)
trap 'rm -rf "$work"' EXIT

patches=()
if [ $# -gt 0 ]; then
    for id in "$@"; do patches+=("$repo/tests/cve/weaken/$id.patch"); done
else
    patches=("$repo"/tests/cve/weaken/*.patch)
fi

echo "1..${#patches[@]}"

# The sources as git has them (plus uncommitted edits): no build trees.
copy_sources() {
    (cd "$repo" && git ls-files -z --cached --others --exclude-standard |
        tar --null -T - -cf -) | tar -C "$work/src" -xf -
}

mkdir -p "$work/src" "$work/build"
copy_sources
if ! (cd "$work/src" && autoreconf -fi >/dev/null 2>&1 &&
    cd "$work/build" && "$work/src/configure" -q >"$work/configure.out" 2>&1); then
    for p in "${patches[@]}"; do echo "not ok - $(basename "$p" .patch): configure failed"; done
    tail -20 "$work/configure.out" | sed 's/^/# /'
    exit 1
fi

# The integration files whose tests are named after the CVE.
files_for() {
    grep -l "^@test \"$1:" "$repo"/tests/integration/*.bats "$repo"/tests/integration/host/*.bats 2>/dev/null
}

# Run the CVE's tests against the weakened berth in a private mount
# namespace with cgroup2 at /sys/fs/cgroup, as tests/run.sh does; the TAP
# report lands in $2.
run_cve_tests() {
    local id=$1 out=$2
    shift 2
    mkdir -p "$out"
    RUNTIME="$work/build/berth" unshare --mount --propagation private -- bash -c '
        mount -t cgroup2 cgroup2 /sys/fs/cgroup
        out=$1 filter=$2; shift 2
        exec bats --filter "$filter" --report-formatter tap --output "$out" "$@"' \
        _ "$out" "^$id:" "$@" >"$out/bats.out" 2>&1
}

n=0 failures=0
for p in "${patches[@]}"; do
    n=$((n + 1))
    id=$(basename "$p" .patch)
    mapfile -t files < <(files_for "$id")
    if [ ! -f "$p" ]; then
        echo "not ok $n - $id: no patch $p"
        failures=$((failures + 1))
        continue
    fi
    if [ ${#files[@]} -eq 0 ]; then
        echo "not ok $n - $id: no test is named after it"
        failures=$((failures + 1))
        continue
    fi
    if ! patch -d "$work/src" -p1 -s --no-backup-if-mismatch <"$p" >"$work/patch.out" 2>&1; then
        echo "not ok $n - $id: the weakening patch no longer applies"
        sed 's/^/# /' "$work/patch.out"
        failures=$((failures + 1))
        continue
    fi
    if make -C "$work/build" -s -j"$jobs" berth >"$work/make.out" 2>&1; then
        run_cve_tests "$id" "$work/$id" "${files[@]}"
        total=$(grep -cE '^(not )?ok ' "$work/$id/report.tap" 2>/dev/null)
        failed=$(grep -cE '^not ok ' "$work/$id/report.tap" 2>/dev/null)
        if [ "${failed:-0}" -gt 0 ]; then
            echo "ok $n - $id: without the defence $failed of $total of its tests fail"
            grep -E '^(not )?ok ' "$work/$id/report.tap" | sed 's/^/#   /'
        else
            echo "not ok $n - $id: without the defence its ${total:-0} tests still pass"
            sed 's/^/# /' "$work/$id/report.tap" "$work/$id/bats.out" 2>/dev/null | tail -30
            failures=$((failures + 1))
        fi
    else
        echo "not ok $n - $id: the weakened build does not compile"
        tail -20 "$work/make.out" | sed 's/^/# /'
        failures=$((failures + 1))
    fi
    patch -d "$work/src" -p1 -R -s --no-backup-if-mismatch <"$p" >/dev/null 2>&1 ||
        { echo "# $id: reverting the patch failed; the copy is rebuilt"; rm -rf "$work/src"; mkdir -p "$work/src"; copy_sources; }
done
[ "$failures" -eq 0 ]
