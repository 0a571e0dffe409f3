/* JSON cursor, typed readers and pretty output (see json_util.h). */
#include "oci/json_util.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/util.h"

/* Integers jansson cannot represent are rewritten as strings starting with
 * this byte.  A document cannot hold it by accident: JSON text can only
 * spell it as the escape \u0001. */
#define BIG_INTEGER_MARK '\x01'

void json_cursor_init(struct json_cursor *c, const char *doc, struct berth_error *err)
{
        c->doc = doc;
        c->err = err;
        c->len = 0;
        c->pointer[0] = '\0';
}

static void cursor_append(struct json_cursor *c, const char *s, size_t n)
{
        size_t room = sizeof(c->pointer) - 1 - c->len;
        if (n > room)
                n = room;
        memcpy(c->pointer + c->len, s, n);
        c->len += n;
        c->pointer[c->len] = '\0';
}

size_t json_cursor_enter_key(struct json_cursor *c, const char *key)
{
        size_t mark = c->len;
        cursor_append(c, "/", 1);
        /* RFC 6901: '~' is written "~0" and '/' is written "~1". */
        for (const char *p = key; *p;) {
                size_t plain = strcspn(p, "~/");
                cursor_append(c, p, plain);
                p += plain;
                if (*p) {
                        cursor_append(c, *p == '~' ? "~0" : "~1", 2);
                        p++;
                }
        }
        return mark;
}

size_t json_cursor_enter_index(struct json_cursor *c, size_t index)
{
        size_t mark = c->len;
        char buf[32];
        int n = snprintf(buf, sizeof(buf), "/%zu", index);
        cursor_append(c, buf, (size_t) n);
        return mark;
}

void json_cursor_leave(struct json_cursor *c, size_t mark)
{
        c->len = mark;
        c->pointer[mark] = '\0';
}

int json_cursor_error(struct json_cursor *c, const char *fmt, ...)
{
        char msg[BERTH_ERROR_MAX];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        if (c->len == 0)
                return berth_error_new(c->err, EINVAL, "%s: %s", c->doc, msg);
        return berth_error_new(c->err, EINVAL, "%s: %s: %s", c->doc, c->pointer, msg);
}

int json_cursor_error_member(struct json_cursor *c, const char *key, const char *fmt, ...)
{
        char msg[BERTH_ERROR_MAX];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        size_t mark = json_cursor_enter_key(c, key);
        int r = json_cursor_error(c, "%s", msg);
        json_cursor_leave(c, mark);
        return r;
}

int json_cursor_error_at(struct json_cursor *c, const char *pointer, const char *fmt, ...)
{
        char msg[BERTH_ERROR_MAX];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        return berth_error_new(c->err, EINVAL, "%s: %s: %s", c->doc, pointer, msg);
}

int json_cursor_prefix(struct json_cursor *c)
{
        if (c->len == 0)
                return berth_error_prefix(c->err, "%s", c->doc);
        return berth_error_prefix(c->err, "%s: %s", c->doc, c->pointer);
}

/* ---- parsing ------------------------------------------------------------- */

/* Does the integer literal s[0..n) (optional '-', then digits) fall
 * outside jansson's json_int_t (long long)? */
static bool integer_overflows(const char *s, size_t n)
{
        bool negative = s[0] == '-';
        if (negative) {
                s++;
                n--;
        }
        while (n > 1 && s[0] == '0') {
                s++;
                n--;
        }
        const char *limit = negative ? "9223372036854775808" : "9223372036854775807";
        size_t limit_len = strlen(limit);
        if (n != limit_len)
                return n > limit_len;
        return memcmp(s, limit, n) > 0;
}

/* Length of the number lexeme at s (-?digits(.digits)?([eE][+-]?digits)?);
 * *integer says whether it had neither fraction nor exponent. */
static size_t number_length(const char *s, size_t avail, bool *integer)
{
        size_t i = 0;
        *integer = true;
        if (i < avail && s[i] == '-')
                i++;
        while (i < avail && s[i] >= '0' && s[i] <= '9')
                i++;
        if (i < avail && s[i] == '.') {
                *integer = false;
                i++;
                while (i < avail && s[i] >= '0' && s[i] <= '9')
                        i++;
        }
        if (i < avail && (s[i] == 'e' || s[i] == 'E')) {
                *integer = false;
                i++;
                if (i < avail && (s[i] == '+' || s[i] == '-'))
                        i++;
                while (i < avail && s[i] >= '0' && s[i] <= '9')
                        i++;
        }
        return i;
}

/* A copy of the JSON text where each integer literal jansson would refuse
 * becomes the string "\u0001<digits>".  Each such literal has at least 19
 * digits and grows by 8 bytes, so len * 3/2 always suffices. */
static char *mark_big_integers(const char *data, size_t len, size_t *out_len)
{
        char *out = xmalloc0(len + len / 2 + 16);
        size_t o = 0;
        bool in_string = false;
        for (size_t i = 0; i < len;) {
                char ch = data[i];
                if (in_string) {
                        out[o++] = data[i++];
                        if (ch == '\\' && i < len)
                                out[o++] = data[i++];
                        else if (ch == '"')
                                in_string = false;
                        continue;
                }
                if (ch == '-' || (ch >= '0' && ch <= '9')) {
                        bool integer;
                        size_t n = number_length(data + i, len - i, &integer);
                        bool mark = integer && n > 0 && integer_overflows(data + i, n);
                        if (mark) {
                                memcpy(out + o, "\"\\u0001", 7);
                                o += 7;
                        }
                        memcpy(out + o, data + i, n);
                        o += n;
                        if (mark)
                                out[o++] = '"';
                        i += n ? n : 1;
                        continue;
                }
                if (ch == '"')
                        in_string = true;
                out[o++] = data[i++];
        }
        *out_len = o;
        return out;
}

static int syntax_error(const json_error_t *jerr, const char *doc, struct berth_error *err)
{
        return berth_error_new(err, EINVAL, "%s: line %d, column %d: %s", doc, jerr->line,
                               jerr->column, jerr->text);
}

int json_parse_object(const char *data, size_t len, const char *doc, json_t **out,
                      struct berth_error *err)
{
        json_error_t jerr;
        json_t *root = json_loadb(data, len, 0, &jerr);
        if (!root && json_error_code(&jerr) == json_error_numeric_overflow) {
                /* Rare (an rlimit of RLIM_INFINITY, a huge seccomp mask):
                 * pay for a copy only then.  A later syntax error on a
                 * rewritten line reports a column shifted by 8 per number. */
                size_t marked_len;
                _cleanup_free_ char *marked = mark_big_integers(data, len, &marked_len);
                root = json_loadb(marked, marked_len, 0, &jerr);
        }
        if (!root)
                return syntax_error(&jerr, doc, err);
        if (!json_is_object(root)) {
                json_decref(root);
                return berth_error_new(err, EINVAL, "%s: expected a JSON object at the top level",
                                       doc);
        }
        *out = root;
        return 0;
}

/* ---- value readers --------------------------------------------------------- */

static bool is_big_integer(const json_t *v)
{
        return json_is_string(v) && json_string_value(v)[0] == BIG_INTEGER_MARK;
}

int json_read_string(struct json_cursor *c, const json_t *v, char **out)
{
        if (!json_is_string(v) || is_big_integer(v))
                return json_cursor_error(c, "expected a string");
        *out = xstrdup(json_string_value(v));
        return 0;
}

int json_read_bool(struct json_cursor *c, const json_t *v, bool *out)
{
        if (!json_is_boolean(v))
                return json_cursor_error(c, "expected a boolean");
        *out = json_is_true(v);
        return 0;
}

int json_read_u64(struct json_cursor *c, const json_t *v, uint64_t max, uint64_t *out)
{
        if (is_big_integer(v)) {
                const char *digits = json_string_value(v) + 1;
                errno = 0;
                unsigned long long n = digits[0] == '-' ? 0 : strtoull(digits, NULL, 10);
                if (digits[0] == '-' || errno == ERANGE || n > max)
                        return json_cursor_error(
                                c, "expected an integer from 0 to %" PRIu64 ", got %s", max,
                                digits);
                *out = n;
                return 0;
        }
        if (!json_is_integer(v))
                return json_cursor_error(c, "expected an integer");
        json_int_t n = json_integer_value(v);
        if (n < 0 || (uint64_t) n > max)
                return json_cursor_error(c, "expected an integer from 0 to %" PRIu64 ", got %lld",
                                         max, (long long) n);
        *out = (uint64_t) n;
        return 0;
}

int json_read_i64(struct json_cursor *c, const json_t *v, int64_t min, int64_t max, int64_t *out)
{
        if (is_big_integer(v))
                return json_cursor_error(
                        c, "expected an integer from %" PRId64 " to %" PRId64 ", got %s", min, max,
                        json_string_value(v) + 1);
        if (!json_is_integer(v))
                return json_cursor_error(c, "expected an integer");
        json_int_t n = json_integer_value(v);
        if (n < min || n > max)
                return json_cursor_error(
                        c, "expected an integer from %" PRId64 " to %" PRId64 ", got %lld", min,
                        max, (long long) n);
        *out = n;
        return 0;
}

int json_read_strv(struct json_cursor *c, const json_t *v, char ***out)
{
        if (!json_is_array(v))
                return json_cursor_error(c, "expected an array of strings");
        size_t n = json_array_size(v);
        for (size_t i = 0; i < n; i++) {
                const json_t *item = json_array_get(v, i);
                if (!json_is_string(item) || is_big_integer(item))
                        return json_cursor_error(c, "expected an array of strings");
        }
        char **strv = xmalloc0((n + 1) * sizeof(char *));
        for (size_t i = 0; i < n; i++)
                strv[i] = xstrdup(json_string_value(json_array_get(v, i)));
        *out = strv;
        return 0;
}

int json_expect_object(struct json_cursor *c, const json_t *v)
{
        return json_is_object(v) ? 0 : json_cursor_error(c, "expected an object");
}

int json_expect_array(struct json_cursor *c, const json_t *v)
{
        return json_is_array(v) ? 0 : json_cursor_error(c, "expected an array");
}

/* ---- member readers ------------------------------------------------------- */

int json_member(struct json_cursor *c, const json_t *obj, const char *key, unsigned flags,
                json_t **out)
{
        json_t *v = json_object_get(obj, key);
        if (json_is_null(v))
                v = NULL;
        *out = v;
        if (v)
                return 1;
        if (!(flags & JSON_REQUIRED))
                return 0;
        size_t mark = json_cursor_enter_key(c, key);
        int r = json_cursor_error(c, "required property is missing");
        json_cursor_leave(c, mark);
        return r;
}

/* Look up `key`, then run `read` on it with the cursor pointing at it. */
#define READ_MEMBER(c, obj, key, flags, read_expr)                                                 \
        ({                                                                                         \
                json_t *v_;                                                                        \
                int r_ = json_member((c), (obj), (key), (flags), &v_);                             \
                if (r_ > 0) {                                                                      \
                        size_t mark_ = json_cursor_enter_key((c), (key));                          \
                        int rr_ = (read_expr);                                                     \
                        json_cursor_leave((c), mark_);                                             \
                        r_ = rr_ < 0 ? rr_ : 1;                                                    \
                }                                                                                  \
                r_;                                                                                \
        })

int json_member_string(struct json_cursor *c, const json_t *obj, const char *key, unsigned flags,
                       char **out)
{
        return READ_MEMBER(c, obj, key, flags, json_read_string(c, v_, out));
}

int json_member_bool(struct json_cursor *c, const json_t *obj, const char *key, unsigned flags,
                     bool *out)
{
        return READ_MEMBER(c, obj, key, flags, json_read_bool(c, v_, out));
}

int json_member_u64(struct json_cursor *c, const json_t *obj, const char *key, unsigned flags,
                    uint64_t max, uint64_t *out)
{
        return READ_MEMBER(c, obj, key, flags, json_read_u64(c, v_, max, out));
}

int json_member_i64(struct json_cursor *c, const json_t *obj, const char *key, unsigned flags,
                    int64_t min, int64_t max, int64_t *out)
{
        return READ_MEMBER(c, obj, key, flags, json_read_i64(c, v_, min, max, out));
}

int json_member_u32(struct json_cursor *c, const json_t *obj, const char *key, unsigned flags,
                    uint32_t *out)
{
        uint64_t n;
        int r = json_member_u64(c, obj, key, flags, UINT32_MAX, &n);
        if (r > 0)
                *out = (uint32_t) n;
        return r;
}

int json_member_u16(struct json_cursor *c, const json_t *obj, const char *key, unsigned flags,
                    uint16_t *out)
{
        uint64_t n;
        int r = json_member_u64(c, obj, key, flags, UINT16_MAX, &n);
        if (r > 0)
                *out = (uint16_t) n;
        return r;
}

int json_member_i32(struct json_cursor *c, const json_t *obj, const char *key, unsigned flags,
                    int32_t *out)
{
        int64_t n;
        int r = json_member_i64(c, obj, key, flags, INT32_MIN, INT32_MAX, &n);
        if (r > 0)
                *out = (int32_t) n;
        return r;
}

int json_member_strv(struct json_cursor *c, const json_t *obj, const char *key, unsigned flags,
                     char ***out)
{
        return READ_MEMBER(c, obj, key, flags, json_read_strv(c, v_, out));
}

int json_member_object(struct json_cursor *c, const json_t *obj, const char *key, unsigned flags,
                       json_t **out)
{
        *out = NULL;
        return READ_MEMBER(c, obj, key, flags,
                           json_expect_object(c, v_) < 0 ? -EINVAL : (*out = v_, 0));
}

int json_member_array(struct json_cursor *c, const json_t *obj, const char *key, unsigned flags,
                      json_t **out)
{
        *out = NULL;
        return READ_MEMBER(c, obj, key, flags,
                           json_expect_array(c, v_) < 0 ? -EINVAL : (*out = v_, 0));
}

/* ---- writing ---------------------------------------------------------------- */

int json_dump_pretty(const json_t *root, int indent, char **out, struct berth_error *err)
{
        _cleanup_free_ char *text = json_dumps(root, JSON_INDENT(indent));
        if (!text)
                return berth_error_new(err, ENOMEM, "cannot serialize JSON");
        *out = xasprintf("%s\n", text);
        return 0;
}
