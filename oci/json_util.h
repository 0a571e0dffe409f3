/* Reading berth's JSON documents with jansson: a cursor that knows the JSON
 * pointer (RFC 6901) of the value being read, and typed readers whose
 * errors name it: "config.json: /process/user/uid: expected an integer from
 * 0 to 4294967295, got -1".  JSON null counts as absent, as in Go's
 * encoding/json, which writes most configs berth is given. */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

#define JSON_POINTER_MAX 512

struct json_cursor {
        const char *doc;               /* "config.json": how errors name the document */
        struct berth_error *err;
        size_t len;                    /* strlen(pointer) */
        char pointer[JSON_POINTER_MAX]; /* "" is the whole document */
};

void json_cursor_init(struct json_cursor *c, const char *doc, struct berth_error *err);

/* Descend into a member or element; returns a mark for json_cursor_leave(). */
size_t json_cursor_enter_key(struct json_cursor *c, const char *key);
size_t json_cursor_enter_index(struct json_cursor *c, size_t index);
void json_cursor_leave(struct json_cursor *c, size_t mark);

/* Fill c->err with "<doc>: <pointer>: <message>"; returns -EINVAL. */
int json_cursor_error(struct json_cursor *c, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));
/* The same about member `key` of the object at the cursor. */
int json_cursor_error_member(struct json_cursor *c, const char *key, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
/* The same for a pointer given in full ("/linux/uidMappings"), for checks
 * that look at several properties after parsing. */
int json_cursor_error_at(struct json_cursor *c, const char *pointer, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
/* Prefix an error already in c->err (from a non-JSON parser such as
 * mount_options_parse()) with "<doc>: <pointer>"; returns its -errno. */
int json_cursor_prefix(struct json_cursor *c);

/* Parse `data` into a JSON object.  Syntax errors read
 * "<doc>: line L, column C: <jansson's text>".  Integers jansson cannot hold
 * (above INT64_MAX, e.g. an rlimit of 18446744073709551615) survive as
 * marked strings that json_read_u64() turns back into numbers, so uint64
 * properties take their whole range. */
int json_parse_object(const char *data, size_t len, const char *doc, json_t **out,
                      struct berth_error *err);

/* ---- value readers: `v` is the value at the cursor's pointer --------------- */

int json_read_string(struct json_cursor *c, const json_t *v, char **out);
int json_read_bool(struct json_cursor *c, const json_t *v, bool *out);
int json_read_u64(struct json_cursor *c, const json_t *v, uint64_t max, uint64_t *out);
int json_read_i64(struct json_cursor *c, const json_t *v, int64_t min, int64_t max, int64_t *out);
/* An array of strings into a NULL-terminated vector (an empty array gives
 * an empty vector, never NULL). */
int json_read_strv(struct json_cursor *c, const json_t *v, char ***out);
int json_expect_object(struct json_cursor *c, const json_t *v);
int json_expect_array(struct json_cursor *c, const json_t *v);

/* ---- member readers: property `key` of object `obj` -----------------------
 * They return 1 when the property was read, 0 when it is absent (or null)
 * and JSON_REQUIRED was not given, or a negative errno with the error
 * naming the property's pointer. */

#define JSON_REQUIRED 1u

/* The member's value (NULL when absent or null); with JSON_REQUIRED a
 * missing member is the error "<pointer>: required property is missing". */
int json_member(struct json_cursor *c, const json_t *obj, const char *key, unsigned flags,
                json_t **out);
int json_member_string(struct json_cursor *c, const json_t *obj, const char *key,
                       unsigned flags, char **out);
int json_member_bool(struct json_cursor *c, const json_t *obj, const char *key,
                     unsigned flags, bool *out);
int json_member_u64(struct json_cursor *c, const json_t *obj, const char *key, unsigned flags,
                    uint64_t max, uint64_t *out);
int json_member_i64(struct json_cursor *c, const json_t *obj, const char *key, unsigned flags,
                    int64_t min, int64_t max, int64_t *out);
int json_member_u32(struct json_cursor *c, const json_t *obj, const char *key, unsigned flags,
                    uint32_t *out);
int json_member_u16(struct json_cursor *c, const json_t *obj, const char *key, unsigned flags,
                    uint16_t *out);
int json_member_i32(struct json_cursor *c, const json_t *obj, const char *key, unsigned flags,
                    int32_t *out);
int json_member_strv(struct json_cursor *c, const json_t *obj, const char *key,
                     unsigned flags, char ***out);
/* The member, checked to be an object / an array. */
int json_member_object(struct json_cursor *c, const json_t *obj, const char *key,
                       unsigned flags, json_t **out);
int json_member_array(struct json_cursor *c, const json_t *obj, const char *key,
                      unsigned flags, json_t **out);

/* ---- writing ------------------------------------------------------------- */

/* Serialize with `indent` spaces and a trailing newline; *out is malloc'd. */
int json_dump_pretty(const json_t *root, int indent, char **out, struct berth_error *err);

/* json_decref() as a cleanup attribute (jansson's own json_decrefp). */
#define _cleanup_json_ __attribute__((cleanup(json_decrefp)))
