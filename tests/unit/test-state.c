/* Unit tests of the state document (oci/state.c): what `berth state`
 * prints has exactly runtime.md's fields plus runc's, in runc's order; the
 * private state.json round-trips every field; bad stored documents are
 * rejected with the JSON pointer of the problem. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "oci/state.h"
#include "tests/unit/unit.h"

static struct oci_annotation sample_annotations[] = {
        { (char *) "com.example.a", (char *) "1" },
        { (char *) "org.opencontainers.image.os", (char *) "" },
};

static struct oci_state sample_state(void)
{
        return (struct oci_state){
                .oci_version = (char *) "1.3.0",
                .id = (char *) "unit-ctr",
                .status = STATUS_RUNNING,
                .pid = 4242,
                .bundle = (char *) "/srv/bundles/unit",
                .annotations = sample_annotations,
                .n_annotations = 2,
                .rootfs = (char *) "/srv/bundles/unit/rootfs",
                .created = (char *) "2024-05-06T07:08:09.123456789Z",
                .owner = 1000,
                .pid_start_time = 987654321ull,
                .cgroup_path = (char *) "/sys/fs/cgroup/unified/berth/unit-ctr",
        };
}

/* The keys of a JSON object, in order, joined by ','. */
static char *key_list(const char *json)
{
        json_t *o = json_loads(json, 0, NULL);
        if (!o)
                return NULL;
        size_t cap = 1024, n = 0;
        char *keys = calloc(1, cap);
        const char *key;
        json_t *v;
        json_object_foreach(o, key, v) {
                n += (size_t) snprintf(keys + n, cap - n, "%s%s", n ? "," : "", key);
        }
        json_decref(o);
        return keys;
}

static void status_names(void)
{
        CHECK_STR_EQ(container_status_name(STATUS_CREATING), "creating");
        CHECK_STR_EQ(container_status_name(STATUS_CREATED), "created");
        CHECK_STR_EQ(container_status_name(STATUS_RUNNING), "running");
        CHECK_STR_EQ(container_status_name(STATUS_STOPPED), "stopped");
        CHECK_STR_EQ(container_status_name(STATUS_PAUSED), "paused");
        CHECK_STR_EQ(container_status_name((enum container_status) 99), "unknown");
}

static void state_document_has_spec_and_runc_fields_in_runc_order(void)
{
        struct oci_state st = sample_state();
        struct berth_error err = { 0 };
        char *json = NULL;
        REQUIRE(oci_state_emit(&st, &json, &err) == 0);
        char *keys = key_list(json);
        CHECK_STR_EQ(keys, "ociVersion,id,pid,status,bundle,rootfs,created,annotations,owner");
        free(keys);
        json_t *o = json_loads(json, 0, NULL);
        REQUIRE(o);
        CHECK_STR_EQ(json_string_value(json_object_get(o, "ociVersion")), "1.3.0");
        CHECK_STR_EQ(json_string_value(json_object_get(o, "id")), "unit-ctr");
        CHECK_INT_EQ(json_integer_value(json_object_get(o, "pid")), 4242);
        CHECK_STR_EQ(json_string_value(json_object_get(o, "status")), "running");
        CHECK_STR_EQ(json_string_value(json_object_get(o, "bundle")), "/srv/bundles/unit");
        CHECK_STR_EQ(json_string_value(json_object_get(o, "rootfs")), "/srv/bundles/unit/rootfs");
        CHECK_STR_EQ(json_string_value(json_object_get(o, "created")),
                     "2024-05-06T07:08:09.123456789Z");
        /* runc's `state` leaves owner empty. */
        CHECK_STR_EQ(json_string_value(json_object_get(o, "owner")), "");
        json_t *a = json_object_get(o, "annotations");
        CHECK_STR_EQ(json_string_value(json_object_get(a, "com.example.a")), "1");
        CHECK_STR_EQ(json_string_value(json_object_get(a, "org.opencontainers.image.os")), "");
        CHECK(json_object_get(o, "berth") == NULL);
        json_decref(o);
        free(json);
}

static void state_document_is_indented_by_two_spaces(void)
{
        struct oci_state st = sample_state();
        struct berth_error err = { 0 };
        char *json = NULL;
        REQUIRE(oci_state_emit(&st, &json, &err) == 0);
        CHECK(strncmp(json, "{\n  \"ociVersion\": \"1.3.0\",\n  \"id\"", 33) == 0);
        CHECK(json[strlen(json) - 1] == '\n');
        free(json);
}

static void stopped_container_has_pid_zero_and_no_annotations_key(void)
{
        struct oci_state st = sample_state();
        st.status = STATUS_STOPPED;
        st.pid = 0;
        st.n_annotations = 0;
        struct berth_error err = { 0 };
        char *json = NULL;
        REQUIRE(oci_state_emit(&st, &json, &err) == 0);
        char *keys = key_list(json);
        CHECK_STR_EQ(keys, "ociVersion,id,pid,status,bundle,rootfs,created,owner");
        free(keys);
        CHECK_STR_CONTAINS(json, "\"pid\": 0,");
        CHECK_STR_CONTAINS(json, "\"status\": \"stopped\"");
        free(json);
}

static void private_state_round_trips(void)
{
        struct oci_state st = sample_state();
        struct berth_error err = { 0 };
        char *json = NULL;
        REQUIRE(oci_state_emit_private(&st, &json, &err) == 0);
        char *keys = key_list(json);
        CHECK_STR_EQ(keys,
                     "ociVersion,id,pid,status,bundle,rootfs,created,annotations,owner,berth");
        free(keys);
        struct oci_state back;
        int r = oci_state_parse(json, strlen(json), "state.json", &back, &err);
        if (r < 0)
                printf("#   %s\n", err.msg);
        free(json);
        REQUIRE(r == 0);
        CHECK_STR_EQ(back.oci_version, st.oci_version);
        CHECK_STR_EQ(back.id, st.id);
        CHECK_INT_EQ(back.status, st.status);
        CHECK_INT_EQ(back.pid, st.pid);
        CHECK_STR_EQ(back.bundle, st.bundle);
        CHECK_STR_EQ(back.rootfs, st.rootfs);
        CHECK_STR_EQ(back.created, st.created);
        CHECK_UINT_EQ(back.owner, 1000);
        CHECK_UINT_EQ(back.pid_start_time, st.pid_start_time);
        CHECK_STR_EQ(back.cgroup_path, st.cgroup_path);
        REQUIRE(back.n_annotations == 2);
        CHECK_STR_EQ(back.annotations[0].key, "com.example.a");
        CHECK_STR_EQ(back.annotations[0].value, "1");
        CHECK_STR_EQ(back.annotations[1].key, "org.opencontainers.image.os");
        CHECK_STR_EQ(back.annotations[1].value, "");
        oci_state_release(&back);
        CHECK(back.id == NULL && back.annotations == NULL);
}

static void every_status_round_trips(void)
{
        for (int s = STATUS_CREATING; s <= STATUS_PAUSED; s++) {
                struct oci_state st = sample_state();
                st.status = (enum container_status) s;
                struct berth_error err = { 0 };
                char *json = NULL;
                REQUIRE(oci_state_emit_private(&st, &json, &err) == 0);
                struct oci_state back;
                CHECK(oci_state_parse(json, strlen(json), "state.json", &back, &err) == 0);
                CHECK_INT_EQ(back.status, s);
                oci_state_release(&back);
                free(json);
        }
}

static void public_document_parses_without_private_fields(void)
{
        static const char doc[] =
                "{\"ociVersion\": \"1.0.2\", \"id\": \"x\", \"status\": \"created\","
                " \"pid\": 7, \"bundle\": \"/b\"}";
        struct oci_state st;
        struct berth_error err = { 0 };
        REQUIRE(oci_state_parse(doc, strlen(doc), "state.json", &st, &err) == 0);
        CHECK_STR_EQ(st.id, "x");
        CHECK_INT_EQ(st.status, STATUS_CREATED);
        CHECK_INT_EQ(st.pid, 7);
        CHECK(st.rootfs == NULL && st.created == NULL && st.cgroup_path == NULL);
        CHECK_UINT_EQ(st.n_annotations, 0);
        CHECK_UINT_EQ(st.pid_start_time, 0);
        oci_state_release(&st);
}

static const struct {
        const char *doc;
        const char *error;
} bad_states[] = {
        { "{\"ociVersion\": \"1.3.0\", \"id\": \"x\", \"status\": \"exploded\", \"bundle\": \"/b\"}",
          "state.json: /status: unknown status \"exploded\"" },
        { "{\"ociVersion\": \"1.3.0\", \"status\": \"running\", \"bundle\": \"/b\"}",
          "state.json: /id: required property is missing" },
        { "{\"ociVersion\": \"1.3.0\", \"id\": \"x\", \"status\": \"running\", \"pid\": -3,"
          " \"bundle\": \"/b\"}",
          "state.json: /pid: expected an integer from 0 to 2147483647, got -3" },
        { "{\"ociVersion\": \"1.3.0\", \"id\": \"x\", \"status\": \"running\", \"bundle\": \"/b\","
          " \"berth\": {\"cgroupPath\": 5}}",
          "state.json: /berth/cgroupPath: expected a string" },
        { "{\"ociVersion\": \"1.3.0\", \"id\": \"x\", \"status\": \"running\", \"bundle\": \"/b\","
          " \"annotations\": {\"k\": 1}}",
          "state.json: /annotations/k: expected a string" },
        { "{\"ociVersion\": \"1.3.0\",", "state.json: line 1, column 23: " },
        /* Found by tests/fuzz/fuzz-state: a start time above INT64_MAX was
         * read, then written back as a negative number. */
        { "{\"ociVersion\": \"1.3.0\", \"id\": \"x\", \"status\": \"running\", \"bundle\": \"/b\","
          " \"berth\": {\"pidStartTime\": 18446744073709551615}}",
          "state.json: /berth/pidStartTime: expected an integer from 0 to 9223372036854775807" },
};

static void bad_state_documents_are_rejected(void)
{
        for (size_t i = 0; i < sizeof(bad_states) / sizeof(bad_states[0]); i++) {
                struct oci_state st;
                struct berth_error err = { 0 };
                const char *doc = bad_states[i].doc;
                CHECK(oci_state_parse(doc, strlen(doc), "state.json", &st, &err) == -EINVAL);
                CHECK(strncmp(err.msg, bad_states[i].error, strlen(bad_states[i].error)) == 0);
                if (strncmp(err.msg, bad_states[i].error, strlen(bad_states[i].error)) != 0)
                        printf("#   got \"%s\"\n", err.msg);
                /* A failed parse leaves nothing to release. */
                CHECK(st.id == NULL && st.oci_version == NULL);
        }
}

int main(void)
{
        UNIT_RUN(status_names);
        UNIT_RUN(state_document_has_spec_and_runc_fields_in_runc_order);
        UNIT_RUN(state_document_is_indented_by_two_spaces);
        UNIT_RUN(stopped_container_has_pid_zero_and_no_annotations_key);
        UNIT_RUN(private_state_round_trips);
        UNIT_RUN(every_status_round_trips);
        UNIT_RUN(public_document_parses_without_private_fields);
        UNIT_RUN(bad_state_documents_are_rejected);
        return unit_done();
}
