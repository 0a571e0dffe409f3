/* What the libFuzzer harnesses in tests/fuzz check of every error: one
 * line a user can act on, naming the document, with a consistent errno.
 * A violation aborts, which libFuzzer reports as a crash with its input. */
#pragma once

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"

/* Abort with the reason when `cond` does not hold: libFuzzer then saves
 * the input as a crash. */
#define FUZZ_ASSERT(cond, err)                                                           \
        do {                                                                             \
                if (!(cond)) {                                                           \
                        fprintf(stderr, "fuzz: %s:%d: %s does not hold (error: \"%s\")\n", \
                                __FILE__, __LINE__, #cond, (err)->msg);                  \
                        abort();                                                         \
                }                                                                        \
        } while (0)

static inline bool fuzz_one_printable_line(const char *msg)
{
        for (const unsigned char *p = (const unsigned char *) msg; *p; p++)
                if (*p < 0x20 || *p == 0x7f)
                        return false;
        return true;
}

/* r is what a fallible berth function returned with `err`: on failure the
 * error must be set, returned as -code, and be one printable line that
 * starts with `prefix` (NULL: any). */
static inline void fuzz_check_result(int r, const struct berth_error *err, const char *prefix)
{
        FUZZ_ASSERT(r <= 0, err);
        if (r == 0)
                return;
        FUZZ_ASSERT(err->code > 0 && r == -err->code, err);
        FUZZ_ASSERT(err->msg[0] != '\0', err);
        FUZZ_ASSERT(fuzz_one_printable_line(err->msg), err);
        FUZZ_ASSERT(!prefix || strncmp(err->msg, prefix, strlen(prefix)) == 0, err);
}
