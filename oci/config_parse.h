/* Internal to the config.json parser (oci/config*.c): the section parsers
 * and release functions, and small helpers they share.  Each parser reads
 * the JSON value at the cursor's pointer into zeroed storage the caller
 * already owns, so on failure the caller's release function frees whatever
 * was filled in. */
#pragma once

#include <stdbool.h>
#include <string.h>

#include "common/util.h"
#include "oci/config.h"
#include "oci/json_util.h"

/* Parse every element of the JSON array `arr` into a new zeroed array
 * `items` of `n` elements with `parse(c, element, &items[i])`.  `items` and
 * `n` are assigned before the elements are parsed: the owner frees them
 * whatever happens.  Evaluates to 0 or a negative errno. */
#define PARSE_ARRAY(c, arr, items, n, parse)                                      \
        ({                                                                        \
                size_t count_ = json_array_size(arr);                             \
                (items) = xmalloc0((count_ ? count_ : 1) * sizeof(*(items)));     \
                (n) = count_;                                                     \
                int r_ = 0;                                                       \
                for (size_t i_ = 0; i_ < count_ && r_ >= 0; i_++) {               \
                        size_t mark_ = json_cursor_enter_index((c), i_);          \
                        r_ = parse((c), json_array_get((arr), i_), &(items)[i_]); \
                        if (r_ >= 0)                                              \
                                json_cursor_leave((c), mark_);                    \
                }                                                                 \
                r_;                                                               \
        })

/* The same for the optional array member `key` of `obj`. */
#define PARSE_MEMBER_ARRAY(c, obj, key, items, n, parse)                        \
        ({                                                                      \
                json_t *arr_;                                                   \
                int rm_ = json_member_array((c), (obj), (key), 0, &arr_);       \
                if (rm_ > 0) {                                                  \
                        size_t mk_ = json_cursor_enter_key((c), (key));         \
                        rm_ = PARSE_ARRAY((c), arr_, items, n, parse);          \
                        if (rm_ >= 0)                                           \
                                json_cursor_leave((c), mk_);                    \
                }                                                               \
                rm_ < 0 ? rm_ : 0;                                              \
        })

/* Parse the optional object member `key` of `obj` with parse(c, member,
 * out); sets *has (a bool *, may be NULL) when the member is present.
 * Evaluates to 0 or a negative errno. */
#define PARSE_MEMBER_OBJECT(c, obj, key, has, parse, out)                   \
        ({                                                                  \
                json_t *o_;                                                 \
                bool *has_ = (has);                                         \
                int ro_ = json_member_object((c), (obj), (key), 0, &o_);    \
                if (ro_ > 0) {                                              \
                        size_t mo_ = json_cursor_enter_key((c), (key));     \
                        if (has_)                                           \
                                *has_ = true;                               \
                        ro_ = parse((c), o_, (out));                        \
                        if (ro_ >= 0)                                       \
                                json_cursor_leave((c), mo_);                \
                }                                                           \
                ro_ < 0 ? ro_ : 0;                                          \
        })

/* The most entries berth takes in an array it acts on once per entry
 * (mounts, linux.devices, maskedPaths, readonlyPaths, each hook list): far
 * above real configs (Podman's has about ten mounts), low enough that a
 * hostile one cannot keep create busy for minutes (each mount stacked on
 * a destination costs the kernel a walk through the ones below it). */
#define CONFIG_MAX_ACTIONS 4096

/* -EINVAL naming `key` when the array member `key` of `obj` has more than
 * `max` entries, checked before any of them is read; 0 otherwise (absent,
 * or not an array: its reader says so). */
static inline int config_check_array_size(struct json_cursor *c, const json_t *obj,
                                          const char *key, size_t max)
{
        const json_t *a = json_object_get(obj, key);
        if (!json_is_array(a) || json_array_size(a) <= max)
                return 0;
        return json_cursor_error_member(c, key, "%zu entries, berth takes at most %zu",
                                        json_array_size(a), max);
}

struct name_value {
        const char *name;
        long value;
};

/* Find `name` in a table; returns true and sets *value when found. */
static inline bool name_lookup(const struct name_value *table, size_t n, const char *name,
                               long *value)
{
        for (size_t i = 0; i < n; i++) {
                if (strcmp(table[i].name, name) == 0) {
                        *value = table[i].value;
                        return true;
                }
        }
        return false;
}

#define NAME_LOOKUP(table, name, value) name_lookup((table), sizeof(table) / sizeof((table)[0]), (name), (value))

static inline bool path_is_absolute(const char *p)
{
        return p && p[0] == '/';
}

/* Free a (pointer, count) array of structs with `release` on each. */
#define RELEASE_ARRAY(items, n, release)                       \
        do {                                                   \
                for (size_t i_ = 0; (items) && i_ < (n); i_++) \
                        release(&(items)[i_]);                 \
                free(items);                                   \
                (items) = NULL;                                \
                (n) = 0;                                       \
        } while (0)

/* config.c: a document's text (config.json, or a section given on its own
 * as --resources or --process take it) at most OCI_CONFIG_MAX_BYTES long,
 * parsed into *root (the caller's to decref), with a cursor naming
 * `name` in errors. */
int config_document_open(const char *data, size_t len, const char *name, json_t **root,
                         struct json_cursor *c, struct berth_error *err);

/* config_process.c */
int config_parse_process(struct json_cursor *c, const json_t *obj, struct oci_process *p);
void config_process_release(struct oci_process *p);

/* config_linux.c */
/* The optional array member `key` of `obj` (uidMappings, gidMappings), each
 * range checked, then the list as the kernel takes it (no overlaps, at most
 * 340 ranges). */
int config_parse_id_mappings(struct json_cursor *c, const json_t *obj, const char *key,
                             struct oci_id_mapping **maps, size_t *n);
int config_parse_linux(struct json_cursor *c, const json_t *obj, struct oci_linux *l);
void config_linux_release(struct oci_linux *l);

/* config_resources.c */
int config_parse_resources(struct json_cursor *c, const json_t *obj, struct oci_resources *res);
void config_resources_release(struct oci_resources *res);

/* config_seccomp.c */
int config_parse_seccomp(struct json_cursor *c, const json_t *obj, struct oci_seccomp *sc);
void config_seccomp_release(struct oci_seccomp *sc);
