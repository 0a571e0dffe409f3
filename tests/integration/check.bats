#!/usr/bin/env bats
# berth check: what the host offers, compared with what the host itself
# says (cgroup.controllers, /proc/cgroups, /proc/self/ns, seccomp's
# actions_avail), never with a hard-coded host.  The suite runs it in its
# private mount namespace, where cgroup2 is mounted at /sys/fs/cgroup over
# whatever the host has.

load helpers

setup() {
    common_setup
    berth_only "berth check is berth's own command"
}

teardown() {
    common_teardown
}

UNIFIED_ADVICE="boot with cgroup_no_v1=all or systemd.unified_cgroup_hierarchy=1"
CONTROLLERS=(cpu cpuset memory io pids hugetlb rdma misc)

# Where the host keeps controller $1, from its own files: v2, v1,
# disabled, absent or undelegated.  /proc/cgroups names io "blkio".
expected_controller() {
    local name=$1 v1=$1
    [ "$name" != io ] || v1=blkio
    if grep -qw "$name" "$CGROUP_MNT/cgroup.controllers"; then
        echo v2
        return
    fi
    awk -v n="$v1" '
        $1 == n { found = 1; print ($4 == 0 ? "disabled" : $2 != 0 ? "v1" : "undelegated") }
        END { if (!found) print "absent" }' /proc/cgroups
}

# The line of item $1 in section $2 of the text report in $output.
item_line() {
    awk -v section="$2" -v name="$1" '
        /^[^ ]/ { in_section = ($1 == section) }
        in_section && /^  / && $1 == name { print; exit }' <<<"$output"
}

@test "check names the cgroup2 mount berth uses" {
    run rt check
    assert_success
    assert_line --regexp "^  cgroup2 +yes +berth uses the cgroup2 mount at $CGROUP_MNT\$"
    assert_line --index 0 "kernel $(uname -r)"
}

@test "check says where each controller lives, as cgroup.controllers and /proc/cgroups do" {
    run rt check
    assert_success
    for c in "${CONTROLLERS[@]}"; do
        line=$(item_line "$c" controllers)
        case $(expected_controller "$c") in
        v2) re="^  $c +yes +on cgroup v2 \\($CGROUP_MNT/cgroup.controllers\\)\$" ;;
        v1) re="^  $c +no +bound to cgroup v1 \\(hierarchy [0-9]+.*\\); $UNIFIED_ADVICE to have it on cgroup v2\$" ;;
        disabled) re="^  $c +no +disabled on the kernel command line; remove cgroup_disable=$c " ;;
        absent) re="^  $c +no +not in this kernel .*; use a kernel built with CONFIG_" ;;
        undelegated) re="^  $c +no +in the kernel, but $CGROUP_MNT/cgroup.controllers does not list it" ;;
        esac
        [[ $line =~ $re ]] || fail "$c ($(expected_controller "$c") here): unexpected line: $line"
    done
}

@test "on a hybrid host memory and cpu are bound to cgroup v1, with the advice, and the v2 controllers are available" {
    [ "$(expected_controller memory)" = v1 ] || skip "memory is not on a cgroup v1 hierarchy on this host"
    run rt check
    assert_success
    for c in memory cpu; do
        [ "$(expected_controller "$c")" = v1 ] || continue
        assert_line --regexp "^  $c +no +bound to cgroup v1 \\(hierarchy [0-9]+"
        [[ $(item_line "$c" controllers) == *"; $UNIFIED_ADVICE to have it on cgroup v2" ]] ||
            fail "no advice for $c: $(item_line "$c" controllers)"
    done
    for c in $(cat "$CGROUP_MNT/cgroup.controllers"); do
        [[ " ${CONTROLLERS[*]} " == *" $c "* ]] || continue
        assert_line --regexp "^  $c +yes +on cgroup v2"
    done
    assert_line --regexp "^  unified +no +hybrid: cgroup v1 hierarchies hold .*memory"
}

@test "check lists every namespace kind the kernel has" {
    run rt check
    assert_success
    for ns in cgroup ipc mnt net pid time user uts; do
        if [ -e "/proc/self/ns/$ns" ]; then
            [[ $(item_line "$ns" namespaces) =~ ^\ \ $ns\ +yes ]] ||
                fail "namespace $ns: $(item_line "$ns" namespaces)"
        else
            [[ $(item_line "$ns" namespaces) =~ ^\ \ $ns\ +no\ +this\ kernel\ has\ no ]] ||
                fail "namespace $ns: $(item_line "$ns" namespaces)"
        fi
    done
}

@test "check reports the kernel's seccomp actions, systemd and the core cgroup files as they are" {
    run rt check
    assert_success
    assert_line --regexp "^  actions +yes +the kernel's actions: $(cat /proc/sys/kernel/seccomp/actions_avail)\$"
    if [ -d /run/systemd/system ]; then
        assert_line --regexp "^  systemd +yes "
    else
        assert_line --regexp "^  systemd +no +.*; --systemd-cgroup cannot work here"
    fi
    # cgroup.kill and cgroup.freeze name the file they found (or not).
    for f in cgroup.kill cgroup.freeze; do
        line=$(item_line "$f" cgroup)
        if [[ $line =~ ^\ \ $f\ +yes\ +(/[^ ]+)\ exists$ ]]; then
            [ -e "${BASH_REMATCH[1]}" ] || fail "$f: ${BASH_REMATCH[1]} does not exist"
        elif [[ $line =~ ^\ \ $f\ +no\ +(/[^ ]+)\ does\ not\ exist ]]; then
            [ ! -e "${BASH_REMATCH[1]}" ] || fail "$f: ${BASH_REMATCH[1]} exists"
        else
            [[ $line =~ no\ group\ below\ the\ root ]] || fail "unexpected $f line: $line"
        fi
    done
}

@test "check --format json parses and says what the text says, item by item" {
    run rt check --format json
    assert_success
    json=$output
    jq -e --arg k "$(uname -r)" --arg mnt "$CGROUP_MNT" '
        .kernel == $k and .cgroup.cgroup2.value == $mnt and
        (.controllers | keys | length == 8)' <<<"$json" >/dev/null || fail "unexpected JSON: $json"
    for c in "${CONTROLLERS[@]}"; do
        assert_equal "$(jq -r --arg c "$c" '.controllers[$c].value' <<<"$json")" "$(expected_controller "$c")"
    done

    # The same items, answers, details and advice in both forms.
    from_json=$(jq -r '
        to_entries[] | select(.value | type == "object") | .key as $s | .value | to_entries[] |
        [$s, .key, (if .value.available == null then "unknown" elif .value.available then "yes" else "no" end),
         ([.value.detail, .value.advice] | map(select(. != null)) | join("; "))] | @tsv' <<<"$json")
    run rt check
    assert_success
    from_text=$(awk '
        NR == 1 { next }
        /^[^ ]/ { section = $1; next }
        /^  / {
            rest = $0; sub(/^  [^ ]+ +[^ ]+ */, "", rest)
            printf "%s\t%s\t%s\t%s\n", section, $1, $2, rest
        }' <<<"$output")
    assert_equal "$from_text" "$from_json"
}

@test "check exits 0 whatever it finds, changes no mount and leaves no process" {
    before=$(cut -d' ' -f1-10 /proc/self/mountinfo)
    run rt check
    assert_success
    assert_line --regexp '^  [a-z_.0-9]+ +no( |$)|^  [a-z_.0-9]+ +yes( |$)'
    assert_equal "$(cut -d' ' -f1-10 /proc/self/mountinfo)" "$before"
}

@test "check refuses an unknown --format and arguments" {
    run rt check --format xml
    assert_failure
    assert_output --partial '--format: "xml" is neither text nor json'
    run rt check extra
    assert_failure
    assert_output --partial 'unexpected argument "extra"'
}
