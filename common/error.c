/* The berth_error helpers: format once, prefix context on the way up. */
#include "common/error.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static int set_message(struct berth_error *err, int errnum, bool with_errno,
                       const char *fmt, va_list ap)
{
        if (errnum <= 0)
                errnum = errnum < 0 ? -errnum : EINVAL;
        err->code = errnum;
        int n = vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
        if (with_errno && n >= 0 && (size_t) n < sizeof(err->msg))
                snprintf(err->msg + n, sizeof(err->msg) - (size_t) n, ": %s", strerror(errnum));
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
        if (err->code <= 0)
                err->code = EINVAL;
        return -err->code;
}
