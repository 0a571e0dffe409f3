/* Small helpers every part of berth uses: allocation that cannot fail
 * (berth aborts on out-of-memory, as crun does), whole-file I/O, mkdir -p. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "common/error.h"

void *xmalloc0(size_t size);
void *xrealloc(void *p, size_t size);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

size_t strv_length(char *const *v);
char **strv_copy(char *const *v);

/* Read a whole file (relative to dirfd, or AT_FDCWD); *data is
 * NUL-terminated, *len excludes the NUL (len may be NULL). */
int read_file_at(int dirfd, const char *path, char **data, size_t *len, struct berth_error *err);
/* The same, refusing (-EFBIG) a file of more than `max` bytes without
 * reading more than that: "<path>: larger than <max> bytes". */
int read_file_at_max(int dirfd, const char *path, size_t max, char **data, size_t *len,
                     struct berth_error *err);

/* open(O_WRONLY|O_CLOEXEC|flags) + one write of the whole buffer. */
int write_file_at(int dirfd, const char *path, int flags, mode_t mode, const char *data,
                  size_t len, struct berth_error *err);

/* Like mkdir -p; existing directories are fine. */
int mkdir_p(const char *path, mode_t mode, struct berth_error *err);

/* Write all of buf to fd, retrying on EINTR and short writes. */
ssize_t write_all(int fd, const void *buf, size_t len);

/* The current time in RFC 3339 with nanoseconds, UTC
 * ("2026-11-24T21:31:27.297296304Z"), as runc writes it in state and logs. */
void format_rfc3339_now(char *buf, size_t size);

/* sendmsg `data` with `fd` attached (SCM_RIGHTS), retrying on EINTR and
 * without SIGPIPE; returns 0 or a negative errno. */
int send_with_fd(int sock, const void *data, size_t len, int fd);

/* Parse a decimal integer that must fill the whole string. */
int parse_long(const char *s, long *out);
