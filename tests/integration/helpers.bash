# Shared set-up for berth's integration tests: the runtime under test, a
# fresh bundle per test, config editing with jq, waiting helpers, and a
# teardown that removes every container and then proves nothing was left
# behind (state dir, cgroup, mount, process).
#
# RUNTIME     the runtime under test (default: the berth of the build);
#             any runc-compatible binary works: RUNTIME=/usr/sbin/runc
# BUILD_DIR   the build directory (default: <repo>/_build)
# TEST_ROOTFS the prebuilt busybox rootfs (default: $BUILD_DIR/tests/rootfs)
#
# Run through tests/run.sh: it enters a private mount namespace with cgroup2
# mounted at /sys/fs/cgroup, so every runtime sees a cgroup v2 host.

# shellcheck shell=bash
load /usr/lib/bats/bats-support/load
load /usr/lib/bats/bats-assert/load

REPO=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
[ -f "$REPO/configure.ac" ] || REPO=$(cd "$BATS_TEST_DIRNAME/../../.." && pwd)
BUILD_DIR=${BUILD_DIR:-$REPO/_build}
RUNTIME=${RUNTIME:-$BUILD_DIR/berth}
TEST_ROOTFS=${TEST_ROOTFS:-$BUILD_DIR/tests/rootfs}
RUNTIME_NAME=$(basename "$RUNTIME")
INIT=/bin/berth-test-init

is_berth() {
    [[ $RUNTIME_NAME == berth* ]]
}

# Skip a test that checks something only berth promises (its error format,
# a feature it lacks on purpose).  The reason is printed with the skip.
berth_only() {
    is_berth || skip "berth-specific: $*"
}

# Skip when the runtime under test (not berth) lacks an OCI feature; berth
# must have them all.  Detection is by the runtime's own `features` output
# where it lists the feature, else by the known version that added it.
requires_runtime_feature() {
    is_berth && return 0
    local feature=$1 version
    version=$("$RUNTIME" --version 2>/dev/null | head -1 | grep -oE '[0-9]+\.[0-9]+(\.[0-9]+)?' | head -1)
    case $feature in
    timens)
        if [ "$RUNTIME_NAME" = runc ]; then
            "$RUNTIME" features 2>/dev/null | jq -e '.linux.namespaces | index("time")' >/dev/null ||
                skip "$RUNTIME_NAME $version does not list the time namespace in its features"
        fi
        ;;
    personality | domainname)
        if [ "$RUNTIME_NAME" = runc ] && version_lt "$version" 1.2; then
            skip "$RUNTIME_NAME $version ignores $feature (runc >= 1.2 implements it)"
        fi
        ;;
    features)
        "$RUNTIME" features >/dev/null 2>&1 || skip "$RUNTIME_NAME $version has no features command"
        ;;
    esac
}

version_lt() {
    [ "$1" != "$2" ] && [ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | head -1)" = "$1" ]
}

# The cgroup2 mount: /sys/fs/cgroup in the suite's private namespace (or on
# a unified host), /sys/fs/cgroup/unified on a hybrid host seen directly.
cgroup2_mount() {
    if [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; then
        echo /sys/fs/cgroup
    elif [ "$(stat -f -c %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ]; then
        echo /sys/fs/cgroup/unified
    fi
}

host_has_cgroup_v1() {
    awk '$9 == "cgroup" { found = 1 } END { exit !found }' /proc/self/mountinfo
}

common_setup() {
    [ "$(id -u)" = 0 ] || skip "the integration tests run as root"
    [ -x "$RUNTIME" ] || fail "RUNTIME $RUNTIME is not an executable (build it: scripts/build)"
    [ -x "$TEST_ROOTFS$INIT" ] || fail "test rootfs $TEST_ROOTFS missing (scripts/build builds it)"
    CGROUP_MNT=$(cgroup2_mount)
    [ -n "$CGROUP_MNT" ] || fail "no cgroup2 mount found"
    # Another runtime on a host where /sys/fs/cgroup holds v1 hierarchies
    # would create groups there: the suite must never touch them.
    if ! is_berth && [ "$CGROUP_MNT" != /sys/fs/cgroup ]; then
        fail "refusing to run $RUNTIME_NAME with v1 cgroups at /sys/fs/cgroup: run the suite through tests/run.sh"
    fi

    # Everything a test makes is named after TEST_TAG, so the teardown can
    # find what leaked: container ids, cgroups, network namespaces.
    TEST_TAG="bt$$-${BATS_TEST_NUMBER}b"
    ID=$TEST_TAG
    ROOT=$BATS_TEST_TMPDIR/state
    BUNDLE=$BATS_TEST_TMPDIR/bundle
    SHARED=$BATS_TEST_TMPDIR/shared
    MARK=$TEST_TAG-$RANDOM
    BG_PIDS=()
    CGROUP_PARENTS=()
    NETNS=()
    mkdir -p "$ROOT" "$SHARED"
    chmod 0777 "$SHARED"
}

# ---- running the runtime -------------------------------------------------

# The runtime with this test's --root.  BERTH_TEST_MARK goes into the
# runtime's environment (and into the container's via the config), so the
# teardown can find any process this test started, in any PID namespace.
rt() {
    env BERTH_TEST_MARK="$MARK" timeout -k 5 "${RT_TIMEOUT:-30}" \
        "$RUNTIME" --root "$ROOT" "$@"
}

# Like bats' `run`, for commands that leave a container behind (create,
# run -d): its stdio goes to a file, not to a pipe that `run` would wait on
# until the container exits.  Sets status, output and lines.
run_detached() {
    local out
    out=$(mktemp "$BATS_TEST_TMPDIR/detached.XXXXXX")
    status=0
    "$@" </dev/null >"$out" 2>&1 3>&- || status=$?
    DETACHED_OUT=$out
    read_output "$out"
}

# Set bats' output and lines from a file (what a detached container wrote).
read_output() {
    output=$(cat "$1")
    lines=()
    [ -z "$output" ] || mapfile -t lines <<<"$output"
}

# Start "$@" in the background (stdio to $BATS_TEST_TMPDIR/bg.out); BG_PID
# is its pid, waited for or killed by the teardown.
start_bg() {
    "$@" </dev/null >"$BATS_TEST_TMPDIR/bg.out" 2>&1 3>&- &
    BG_PID=$!
    BG_PIDS+=("$BG_PID")
}

# ---- bundles -------------------------------------------------------------

# A bundle in $BUNDLE: config.json from `$RUNTIME spec`, edited so the
# process is berth-test-init, stdio is not a terminal, the rootfs is a
# private copy of the test rootfs, $SHARED is bind-mounted at /shared, and
# no linux.resources (a test adds the ones it is about).  Arguments, if any,
# become process.args.
make_bundle() {
    mkdir -p "$BUNDLE"
    (cd "$BUNDLE" && "$RUNTIME" spec) || fail "$RUNTIME_NAME spec failed"
    # TEST_ROOTFS_SHARED=1 (the VM suites, where copying the rootfs over
    # 9p takes most of a test): every container shares the test rootfs,
    # read-only.
    [ -n "${TEST_ROOTFS_SHARED:-}" ] || cp -a "$TEST_ROOTFS" "$BUNDLE/rootfs"
    cfg --arg shared "$SHARED" --arg mark "BERTH_TEST_MARK=$MARK" --arg init "$INIT" \
        --arg rootfs "$TEST_ROOTFS" --arg share_rootfs "${TEST_ROOTFS_SHARED:-}" '
        .process.terminal = false
        | .process.args = [$init, "pid"]
        | .process.env += [$mark]
        | .root = (if $share_rootfs == "" then {path: "rootfs", readonly: false}
                   else {path: $rootfs, readonly: true} end)
        | del(.linux.resources)
        | .mounts += [{destination: "/shared", type: "bind", source: $shared,
                       options: ["rbind", "rw"]}]'
    [ $# -eq 0 ] || set_args "$@"
}

# Edit $BUNDLE/config.json in place: cfg [jq options] FILTER.
cfg() {
    local tmp="$BUNDLE/config.json.tmp"
    jq "$@" <"$BUNDLE/config.json" >"$tmp" || fail "jq failed: $*"
    mv "$tmp" "$BUNDLE/config.json"
}

# The words given as a JSON array of strings ("--" first: jq would take a
# later word like "-c" for one of its own options).
json_array() {
    jq -n -c '$ARGS.positional' --args -- "$@"
}

set_args() {
    cfg --argjson a "$(json_array "$@")" '.process.args = $a'
}

# Add a namespace (or replace the one of that type): add_ns TYPE [PATH]
add_ns() {
    if [ -n "${2:-}" ]; then
        cfg --arg t "$1" --arg p "$2" '.linux.namespaces |= (map(select(.type != $t)) + [{type: $t, path: $p}])'
    else
        cfg --arg t "$1" '.linux.namespaces |= (map(select(.type != $t)) + [{type: $t}])'
    fi
}

del_ns() {
    cfg --arg t "$1" '.linux.namespaces |= map(select(.type != $t))'
}

add_mount() { # add_mount DEST TYPE SOURCE OPTION...
    local dest=$1 type=$2 src=$3
    shift 3
    cfg --arg d "$dest" --arg t "$type" --arg s "$src" --argjson o "$(json_array "$@")" \
        '.mounts += [{destination: $d, type: $t, source: $s, options: $o}]'
}

# Make the bundle's path searchable by anyone: a container whose root maps
# to an unprivileged host uid must reach its rootfs through bats' 0700
# temporary directories.
open_bundle_path() {
    local d=$BUNDLE
    while [ "$d" != / ]; do
        chmod o+x "$d"
        d=$(dirname "$d")
    done
}

# ---- container state -----------------------------------------------------

state_field() { # state_field ID FIELD
    rt state "$1" | jq -r ".$2"
}

container_pid() {
    local pid
    pid=$(state_field "$1" pid)
    [[ $pid =~ ^[1-9][0-9]*$ ]] || fail "no pid in the state of $1: $pid"
    echo "$pid"
}

# Retry "$@" every 50 ms for up to $WAIT_TRIES tries (default 100: 5 s).
wait_for() {
    local i
    for ((i = 0; i < ${WAIT_TRIES:-100}; i++)); do
        "$@" && return 0
        sleep 0.05
    done
    return 1
}

status_is() { # status_is ID STATUS
    [ "$(state_field "$1" status 2>/dev/null)" = "$2" ]
}

wait_status() {
    wait_for status_is "$1" "$2" || fail "container $1 never became $2 (now: $(rt state "$1" 2>&1))"
}

pid_alive() { # a live process, not a zombie
    [ -e "/proc/$1" ] && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null
}

pid_gone() {
    ! pid_alive "$1"
}

# The container's cgroup directory on the host, from its init's
# /proc/PID/cgroup.
cgroup_dir_of() {
    local path
    path=$(awk -F: '$1 == "0" { print $3 }' "/proc/$1/cgroup")
    [ -n "$path" ] || fail "no cgroup2 entry in /proc/$1/cgroup"
    echo "$CGROUP_MNT$path"
}

# Host namespace id: ns_of PID TYPE  ->  "net:[4026531833]"
ns_of() {
    readlink "/proc/$1/ns/$2"
}

# Field 5 (mount point) => the whole mountinfo line, from a saved file.
mountinfo_line() { # mountinfo_line FILE MOUNTPOINT
    awk -v mp="$2" '$5 == mp' "$1" | tail -1
}

# The filesystem type of MOUNTPOINT in a saved mountinfo (after " - ").
mountinfo_fstype() {
    mountinfo_line "$1" "$2" | sed 's/.* - \([^ ]*\) .*/\1/'
}

# ---- leftovers -----------------------------------------------------------

leftover_state() {
    find "$ROOT" -mindepth 1 -maxdepth 1 2>/dev/null
}

# Groups named after the test that still exist.
leftover_cgroups() {
    find "$CGROUP_MNT" -maxdepth 3 -type d -name "*$TEST_TAG*" 2>/dev/null
}

leftover_mounts() {
    awk -v dir="$BATS_TEST_TMPDIR" 'index($5, dir) == 1 { print $5 }' /proc/self/mountinfo
}

leftover_processes() {
    grep -l -a -F "BERTH_TEST_MARK=$MARK" /proc/[0-9]*/environ 2>/dev/null |
        cut -d/ -f3 | while read -r pid; do
        [ "$pid" != "$$" ] && [ "$pid" != "$BASHPID" ] && pid_alive "$pid" && echo "$pid"
    done
    return 0
}

# The id must have left nothing: no state dir, no cgroup, no mount under
# the test's directory, no process.  For tests of failures and of run.
assert_clean() {
    local what
    what=$(leftover_state)
    [ -z "$what" ] || fail "state left behind: $what"
    what=$(leftover_cgroups)
    [ -z "$what" ] || fail "cgroups left behind: $what"
    what=$(leftover_mounts)
    [ -z "$what" ] || fail "mounts left behind: $what"
    wait_for test -z "$(leftover_processes)" || fail "processes left behind: $(leftover_processes)"
}

common_teardown() {
    [ -n "${ROOT:-}" ] || return 0
    local problems=() id pid what c ns i

    # The test's own cleanup may have failed half way: remove everything it
    # made, then check that removing worked.
    for id in $(rt list -q 2>/dev/null) $(ls "$ROOT" 2>/dev/null); do
        rt delete --force "$id" >/dev/null 2>&1 || true
    done
    for pid in "${BG_PIDS[@]}"; do
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done

    if ! wait_for test -z "$(leftover_processes)"; then
        what=$(leftover_processes)
        problems+=("processes still running: $(echo $what)")
        for pid in $what; do kill -KILL "$pid" 2>/dev/null || true; done
    fi
    what=$(leftover_state)
    if [ -n "$what" ]; then
        problems+=("state left after delete --force: $(echo $what)")
    fi
    for ns in "${NETNS[@]}"; do
        ip netns delete "$ns" 2>/dev/null || true
    done
    what=$(leftover_mounts)
    if [ -n "$what" ]; then
        problems+=("mounts left under the test dir: $(echo $what)")
        for c in $(echo "$what" | sort -r); do umount -l "$c" 2>/dev/null || true; done
    fi
    # Parent groups a test made for cgroupsPath are not the runtime's to
    # remove: remove them (deepest first) before looking for leaks.
    for ((i = ${#CGROUP_PARENTS[@]} - 1; i >= 0; i--)); do
        rmdir "${CGROUP_PARENTS[i]}" 2>/dev/null || true
    done
    what=$(leftover_cgroups)
    if [ -n "$what" ]; then
        problems+=("cgroups left behind: $(echo $what)")
        for c in $(echo "$what" | sort -r); do rmdir "$c" 2>/dev/null || true; done
    fi
    rm -rf "$ROOT"

    if [ ${#problems[@]} -gt 0 ]; then
        printf 'teardown: %s\n' "${problems[@]}" >&2
        return 1
    fi
}

setup() {
    common_setup
}

teardown() {
    common_teardown
}
