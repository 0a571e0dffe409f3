/* The berth_error helpers: format once, prefix context on the way up. */
#include "common/error.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static bool is_control(unsigned char c)
{
        return c < 0x20 || c == 0x7f;
}

/* Messages quote what users wrote (a JSON string, a container id, a path)
 * and are printed as one line: control characters in them are written as
 * escapes ("\n", "\x01"), the result cut to the buffer like any message. */
static void escape_controls(char *msg, size_t size)
{
        const unsigned char *p = (const unsigned char *) msg;
        while (*p && !is_control(*p))
                p++;
        if (!*p)
                return;
        char out[BERTH_ERROR_MAX];
        size_t o = 0;
        for (p = (const unsigned char *) msg; *p; p++) {
                char esc[8];
                if (*p == '\n')
                        strcpy(esc, "\\n");
                else if (*p == '\t')
                        strcpy(esc, "\\t");
                else if (is_control(*p))
                        snprintf(esc, sizeof(esc), "\\x%02x", *p);
                else
                        snprintf(esc, sizeof(esc), "%c", *p);
                size_t n = strlen(esc);
                if (o + n >= sizeof(out) || o + n >= size)
                        break;
                memcpy(out + o, esc, n);
                o += n;
        }
        memcpy(msg, out, o);
        msg[o] = '\0';
}

static int set_message(struct berth_error *err, int errnum, bool with_errno,
                       const char *fmt, va_list ap)
{
        if (errnum <= 0)
                errnum = errnum < 0 ? -errnum : EINVAL;
        err->code = errnum;
        int n = vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
        if (with_errno && n >= 0 && (size_t) n < sizeof(err->msg))
                snprintf(err->msg + n, sizeof(err->msg) - (size_t) n, ": %s", strerror(errnum));
        escape_controls(err->msg, sizeof(err->msg));
        return -errnum;
}

int berth_error_errno(struct berth_error *err, int errnum, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        int r = set_message(err, errnum, true, fmt, ap);
        va_end(ap);
        return r;
}

int berth_error_new(struct berth_error *err, int errnum, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        int r = set_message(err, errnum, false, fmt, ap);
        va_end(ap);
        return r;
}

int berth_error_prefix(struct berth_error *err, const char *fmt, ...)
{
        char prefix[BERTH_ERROR_MAX];
        char joined[2 * BERTH_ERROR_MAX + 2];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(prefix, sizeof(prefix), fmt, ap);
        va_end(ap);
        snprintf(joined, sizeof(joined), "%s: %s", prefix, err->msg);
        size_t n = strnlen(joined, sizeof(err->msg) - 1);
        memcpy(err->msg, joined, n);
        err->msg[n] = '\0';
        escape_controls(err->msg, sizeof(err->msg));
        if (err->code <= 0)
                err->code = EINVAL;
        return -err->code;
}
