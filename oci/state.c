/* The state document: what `berth state` prints (runtime.md "State" plus
 * the fields runc adds, in runc's order) and what berth stores in
 * state.json (the same plus a private "berth" object).  Status is written
 * and read as given; working it out is runtime/state.c's job. */
#include "oci/state.h"

#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/util.h"
#include "oci/json_util.h"

static const char *const status_names[] = {
        [STATUS_CREATING] = "creating", [STATUS_CREATED] = "created", [STATUS_RUNNING] = "running",
        [STATUS_STOPPED] = "stopped",   [STATUS_PAUSED] = "paused",
};

#define N_STATUS (sizeof(status_names) / sizeof(status_names[0]))

const char *container_status_name(enum container_status status)
{
        if ((unsigned) status >= N_STATUS)
                return "unknown";
        return status_names[status];
}

static json_t *string_or_empty(const char *s)
{
        return json_string(s ? s : "");
}

/* runc's order: ociVersion, id, pid, status, bundle, rootfs, created,
 * annotations (only when there are some), owner.  runc's `state` leaves
 * owner empty; berth does the same so tools see identical documents. */
static json_t *state_object(const struct oci_state *st)
{
        json_t *o = json_object();
        json_object_set_new(o, "ociVersion", string_or_empty(st->oci_version));
        json_object_set_new(o, "id", string_or_empty(st->id));
        json_object_set_new(o, "pid", json_integer(st->pid));
        json_object_set_new(o, "status", json_string(container_status_name(st->status)));
        json_object_set_new(o, "bundle", string_or_empty(st->bundle));
        json_object_set_new(o, "rootfs", string_or_empty(st->rootfs));
        json_object_set_new(o, "created", string_or_empty(st->created));
        if (st->n_annotations) {
                json_t *a = json_object();
                for (size_t i = 0; i < st->n_annotations; i++)
                        json_object_set_new(a, st->annotations[i].key,
                                            string_or_empty(st->annotations[i].value));
                json_object_set_new(o, "annotations", a);
        }
        json_object_set_new(o, "owner", json_string(""));
        return o;
}

int oci_state_emit(const struct oci_state *st, char **json, struct berth_error *err)
{
        _cleanup_json_ json_t *o = state_object(st);
        return json_dump_pretty(o, 2, json, err);
}

int oci_state_emit_private(const struct oci_state *st, char **json, struct berth_error *err)
{
        _cleanup_json_ json_t *o = state_object(st);
        json_t *b = json_object();
        json_object_set_new(b, "pidStartTime", json_integer((json_int_t) st->pid_start_time));
        json_object_set_new(b, "cgroupPath", string_or_empty(st->cgroup_path));
        if (st->systemd_unit)
                json_object_set_new(b, "systemdUnit", json_string(st->systemd_unit));
        json_object_set_new(b, "owner", json_integer(st->owner));
        json_object_set_new(o, "berth", b);
        return json_dump_pretty(o, 2, json, err);
}

/* ---- parsing ------------------------------------------------------------------ */

static int parse_status(struct json_cursor *c, const json_t *root, enum container_status *status)
{
        _cleanup_free_ char *name = NULL;
        int r = json_member_string(c, root, "status", JSON_REQUIRED, &name);
        if (r < 0)
                return r;
        for (size_t i = 0; i < N_STATUS; i++) {
                if (strcmp(name, status_names[i]) == 0) {
                        *status = (enum container_status) i;
                        return 0;
                }
        }
        return json_cursor_error_member(c, "status", "unknown status \"%s\"", name);
}

static int parse_annotations(struct json_cursor *c, const json_t *root, struct oci_state *st)
{
        json_t *obj;
        int r = json_member_object(c, root, "annotations", 0, &obj);
        if (r <= 0)
                return r;
        size_t mark = json_cursor_enter_key(c, "annotations");
        st->annotations = xmalloc0((json_object_size(obj) + 1) * sizeof(*st->annotations));
        const char *key;
        json_t *v;
        json_object_foreach(obj, key, v) {
                size_t key_mark = json_cursor_enter_key(c, key);
                struct oci_annotation *a = &st->annotations[st->n_annotations];
                if ((r = json_read_string(c, v, &a->value)) < 0)
                        return r;
                a->key = xstrdup(key);
                st->n_annotations++;
                json_cursor_leave(c, key_mark);
        }
        json_cursor_leave(c, mark);
        return 0;
}

static int parse_private(struct json_cursor *c, const json_t *root, struct oci_state *st)
{
        json_t *b;
        int r = json_member_object(c, root, "berth", 0, &b);
        if (r <= 0)
                return r;
        size_t mark = json_cursor_enter_key(c, "berth");
        uint64_t start_time = 0;
        uint32_t owner = 0;
        /* jansson writes integers as int64: above INT64_MAX, what
         * oci_state_emit_private() wrote would not read back. */
        if ((r = json_member_u64(c, b, "pidStartTime", 0, INT64_MAX, &start_time)) < 0 ||
            (r = json_member_string(c, b, "cgroupPath", 0, &st->cgroup_path)) < 0 ||
            (r = json_member_string(c, b, "systemdUnit", 0, &st->systemd_unit)) < 0 ||
            (r = json_member_u32(c, b, "owner", 0, &owner)) < 0)
                return r;
        st->pid_start_time = start_time;
        st->owner = owner;
        json_cursor_leave(c, mark);
        return 0;
}

static int parse_state(struct json_cursor *c, const json_t *root, struct oci_state *st)
{
        int64_t pid = 0;
        int r;
        if ((r = json_member_string(c, root, "ociVersion", JSON_REQUIRED, &st->oci_version)) < 0 ||
            (r = json_member_string(c, root, "id", JSON_REQUIRED, &st->id)) < 0 ||
            (r = parse_status(c, root, &st->status)) < 0 ||
            (r = json_member_i64(c, root, "pid", 0, 0, INT32_MAX, &pid)) < 0 ||
            (r = json_member_string(c, root, "bundle", JSON_REQUIRED, &st->bundle)) < 0 ||
            (r = json_member_string(c, root, "rootfs", 0, &st->rootfs)) < 0 ||
            (r = json_member_string(c, root, "created", 0, &st->created)) < 0 ||
            (r = parse_annotations(c, root, st)) < 0 || (r = parse_private(c, root, st)) < 0)
                return r;
        st->pid = (pid_t) pid;
        return 0;
}

int oci_state_parse(const char *data, size_t len, const char *name, struct oci_state *st,
                    struct berth_error *err)
{
        memset(st, 0, sizeof(*st));
        _cleanup_json_ json_t *root = NULL;
        int r = json_parse_object(data, len, name, &root, err);
        if (r < 0)
                return r;
        struct json_cursor c;
        json_cursor_init(&c, name, err);
        r = parse_state(&c, root, st);
        if (r < 0)
                oci_state_release(st);
        return r;
}

void oci_state_release(struct oci_state *st)
{
        free(st->oci_version);
        free(st->id);
        free(st->bundle);
        for (size_t i = 0; i < st->n_annotations; i++) {
                free(st->annotations[i].key);
                free(st->annotations[i].value);
        }
        free(st->annotations);
        free(st->rootfs);
        free(st->created);
        free(st->cgroup_path);
        free(st->systemd_unit);
        memset(st, 0, sizeof(*st));
}
