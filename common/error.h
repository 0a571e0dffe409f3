/* The error value every fallible berth function fills: one message a user
 * can act on, plus the errno that caused it. */
#pragma once

#include <errno.h>
#include <stdarg.h>

#define BERTH_ERROR_MAX 2048

struct berth_error {
        int code;                   /* positive errno; 0 while no error */
        char msg[BERTH_ERROR_MAX];  /* empty while no error */
};

/* Set the message to "<fmt>: <strerror(errnum)>"; returns -errnum. */
int berth_error_errno(struct berth_error *err, int errnum, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/* Set the message to "<fmt>" (no errno text); returns -errnum.  Used for
 * errors that are the user's input, where strerror would only add noise. */
int berth_error_new(struct berth_error *err, int errnum, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/* Prepend "<fmt>: " to the message already there; returns -err->code
 * (or -EINVAL if no code was set), so callers can `return berth_error_prefix(...)`. */
int berth_error_prefix(struct berth_error *err, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

static inline int berth_error_ret(const struct berth_error *err)
{
        return err->code > 0 ? -err->code : -EINVAL;
}

static inline void berth_error_clear(struct berth_error *err)
{
        err->code = 0;
        err->msg[0] = '\0';
}
