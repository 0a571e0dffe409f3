/* A tiny TAP-style test framework for berth's C unit tests.  Each test is a
 * function run by UNIT_RUN(); checks inside it record failures and go on.
 * Output is one line per test ("ok N - name" / "not ok N - name") with
 * "# " diagnostics for failed checks, then the plan "1..N".  unit_done()
 * returns the exit status: 0 when every test passed, 1 otherwise; a test
 * program that cannot run at all calls unit_skip() (automake's 77).
 *
 *   static void parses_memory_limit(void) { CHECK_INT_EQ(cfg->x, 5); }
 *   int main(void) { UNIT_RUN(parses_memory_limit); return unit_done(); }
 */
#pragma once

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned unit_count_;
static unsigned unit_failures_;
static bool unit_current_failed_;

/* Record one failed check (used by the CHECK macros): "#   file:line: ...". */
static inline void unit_fail_(const char *file, int line, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
static inline void unit_fail_(const char *file, int line, const char *fmt, ...)
{
        va_list ap;
        unit_current_failed_ = true;
        printf("#   %s:%d: ", file, line);
        va_start(ap, fmt);
        vprintf(fmt, ap);
        va_end(ap);
        putchar('\n');
}

#define CHECK(cond)                                                          \
        do {                                                                 \
                if (!(cond))                                                 \
                        unit_fail_(__FILE__, __LINE__, "CHECK(%s)", #cond);  \
        } while (0)

/* Stop the current test (e.g. a pointer the rest needs is NULL). */
#define REQUIRE(cond)                                                          \
        do {                                                                   \
                if (!(cond)) {                                                 \
                        unit_fail_(__FILE__, __LINE__, "REQUIRE(%s)", #cond);  \
                        return;                                                \
                }                                                              \
        } while (0)

#define CHECK_INT_EQ(a, b)                                                           \
        do {                                                                         \
                long long a_ = (long long) (a), b_ = (long long) (b);                \
                if (a_ != b_)                                                        \
                        unit_fail_(__FILE__, __LINE__, "%s == %s: %lld != %lld", #a, #b, \
                                   a_, b_);                                          \
        } while (0)

#define CHECK_UINT_EQ(a, b)                                                          \
        do {                                                                         \
                unsigned long long a_ = (unsigned long long) (a);                    \
                unsigned long long b_ = (unsigned long long) (b);                    \
                if (a_ != b_)                                                        \
                        unit_fail_(__FILE__, __LINE__, "%s == %s: %llu != %llu", #a, #b, \
                                   a_, b_);                                          \
        } while (0)

/* Strings compare equal; NULL only equals NULL. */
#define CHECK_STR_EQ(a, b)                                                           \
        do {                                                                         \
                const char *a_ = (a), *b_ = (b);                                     \
                if (!(a_ == b_ || (a_ && b_ && strcmp(a_, b_) == 0)))                \
                        unit_fail_(__FILE__, __LINE__, "%s == %s: \"%s\" != \"%s\"", #a, #b, \
                                   a_ ? a_ : "(null)", b_ ? b_ : "(null)");          \
        } while (0)

/* `hay` contains `needle`. */
#define CHECK_STR_CONTAINS(hay, needle)                                              \
        do {                                                                         \
                const char *h_ = (hay), *n_ = (needle);                              \
                if (!h_ || !strstr(h_, n_))                                          \
                        unit_fail_(__FILE__, __LINE__, "%s contains \"%s\": got \"%s\"", \
                                   #hay, n_, h_ ? h_ : "(null)");                    \
        } while (0)

/* Run one test under its own name. */
static inline void unit_run_(const char *name, void (*fn)(void))
{
        unit_current_failed_ = false;
        fn();
        unit_count_++;
        if (unit_current_failed_)
                unit_failures_++;
        printf("%sok %u - %s\n", unit_current_failed_ ? "not " : "", unit_count_, name);
        fflush(stdout);
}

#define UNIT_RUN(fn) unit_run_(#fn, fn)
/* Run one test under a name built at run time (table-driven tests). */
#define UNIT_RUN_NAMED(name, fn) unit_run_(name, fn)

/* Mark the running test failed with a free-form message. */
#define FAIL(...) unit_fail_(__FILE__, __LINE__, __VA_ARGS__)

static inline int unit_done(void)
{
        printf("1..%u\n", unit_count_);
        if (unit_failures_)
                printf("# %u of %u tests failed\n", unit_failures_, unit_count_);
        return unit_failures_ ? 1 : 0;
}

static inline void unit_skip(const char *why)
{
        printf("1..0 # SKIP %s\n", why);
        exit(77);
}

/* The source tree (automake exports top_srcdir for TESTS), else ".". */
static inline const char *unit_srcdir(void)
{
        const char *d = getenv("top_srcdir");
        return d && *d ? d : ".";
}

/* Read a whole file into a NUL-terminated malloc'd buffer; NULL on error. */
static inline char *unit_read_file(const char *path, size_t *len)
{
        FILE *f = fopen(path, "re");
        if (!f)
                return NULL;
        size_t cap = 4096, n = 0;
        char *buf = malloc(cap);
        for (;;) {
                if (!buf) {
                        fclose(f);
                        return NULL;
                }
                n += fread(buf + n, 1, cap - n - 1, f);
                if (n < cap - 1)
                        break;
                cap *= 2;
                buf = realloc(buf, cap);
        }
        fclose(f);
        buf[n] = '\0';
        if (len)
                *len = n;
        return buf;
}
