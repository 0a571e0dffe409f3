/* libFuzzer harness for the state.json parser: any bytes go through
 * oci_state_parse(); a document that parses must survive being written
 * (both forms) and read back unchanged.
 * Built by configure --enable-fuzzing; run by tests/fuzz/run.sh. */
#include <stddef.h>
#include <stdint.h>

#include "common/cleanup.h"
#include "oci/state.h"
#include "tests/fuzz/fuzz.h"

static const char *or_empty(const char *s)
{
        return s ? s : "";
}

#define SAME_STRING(a, b, err) FUZZ_ASSERT(strcmp(or_empty(a), or_empty(b)) == 0, err)

/* Write `st` as state.json stores it, read it back, compare field by field. */
static void round_trip(const struct oci_state *st)
{
        struct berth_error err = { 0 };
        _cleanup_free_ char *json = NULL;
        int r = oci_state_emit_private(st, &json, &err);
        fuzz_check_result(r, &err, NULL);
        FUZZ_ASSERT(r == 0, &err);
        struct oci_state back;
        r = oci_state_parse(json, strlen(json), "state.json", &back, &err);
        fuzz_check_result(r, &err, "state.json: ");
        FUZZ_ASSERT(r == 0, &err);
        SAME_STRING(st->oci_version, back.oci_version, &err);
        SAME_STRING(st->id, back.id, &err);
        FUZZ_ASSERT(st->status == back.status && st->pid == back.pid, &err);
        SAME_STRING(st->bundle, back.bundle, &err);
        SAME_STRING(st->rootfs, back.rootfs, &err);
        SAME_STRING(st->created, back.created, &err);
        FUZZ_ASSERT(st->owner == back.owner && st->pid_start_time == back.pid_start_time, &err);
        SAME_STRING(st->cgroup_path, back.cgroup_path, &err);
        SAME_STRING(st->systemd_unit, back.systemd_unit, &err);
        FUZZ_ASSERT(st->n_annotations == back.n_annotations, &err);
        for (size_t i = 0; i < st->n_annotations; i++) {
                SAME_STRING(st->annotations[i].key, back.annotations[i].key, &err);
                SAME_STRING(st->annotations[i].value, back.annotations[i].value, &err);
        }
        oci_state_release(&back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct berth_error err = { 0 };
        struct oci_state st;
        int r = oci_state_parse((const char *) data, size, "state.json", &st, &err);
        fuzz_check_result(r, &err, "state.json: ");
        if (r < 0)
                return 0;
        round_trip(&st);
        /* The public document `berth state` prints. */
        _cleanup_free_ char *json = NULL;
        r = oci_state_emit(&st, &json, &err);
        fuzz_check_result(r, &err, NULL);
        oci_state_release(&st);
        return 0;
}
