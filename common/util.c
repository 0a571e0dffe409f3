/* Allocation, whole-file I/O and mkdir -p (see util.h). */
#include "common/util.h"

#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/cleanup.h"

static void oom(void)
{
        static const char msg[] = "berth: out of memory\n";
        (void) !write(STDERR_FILENO, msg, sizeof(msg) - 1);
        abort();
}

void *xmalloc0(size_t size)
{
        void *p = calloc(1, size ? size : 1);
        if (!p)
                oom();
        return p;
}

void *xrealloc(void *p, size_t size)
{
        p = realloc(p, size ? size : 1);
        if (!p)
                oom();
        return p;
}

char *xstrdup(const char *s)
{
        if (!s)
                return NULL;
        char *r = strdup(s);
        if (!r)
                oom();
        return r;
}

char *xasprintf(const char *fmt, ...)
{
        char *r;
        va_list ap;
        va_start(ap, fmt);
        int n = vasprintf(&r, fmt, ap);
        va_end(ap);
        if (n < 0)
                oom();
        return r;
}

size_t strv_length(char *const *v)
{
        size_t n = 0;
        while (v && v[n])
                n++;
        return n;
}

char **strv_copy(char *const *v)
{
        size_t n = strv_length(v);
        char **r = xmalloc0((n + 1) * sizeof(char *));
        for (size_t i = 0; i < n; i++)
                r[i] = xstrdup(v[i]);
        return r;
}

int read_file_at(int dirfd, const char *path, char **data, size_t *len, struct berth_error *err)
{
        return read_file_at_max(dirfd, path, SIZE_MAX - 1, data, len, err);
}

int read_file_at_max(int dirfd, const char *path, size_t max, char **data, size_t *len,
                     struct berth_error *err)
{
        _cleanup_close_ int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return berth_error_errno(err, errno, "open %s", path);
        size_t cap = 4096, used = 0;
        _cleanup_free_ char *buf = xmalloc0(cap);
        for (;;) {
                /* One byte past max tells a file of max bytes from a bigger one. */
                if (used > max)
                        return berth_error_new(err, EFBIG, "%s: larger than %zu bytes", path, max);
                if (cap - used < 2) {
                        cap *= 2;
                        buf = xrealloc(buf, cap);
                }
                size_t want = cap - used - 1;
                if (want > max + 1 - used)
                        want = max + 1 - used;
                ssize_t n = read(fd, buf + used, want);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return berth_error_errno(err, errno, "read %s", path);
                }
                if (n == 0)
                        break;
                used += (size_t) n;
        }
        buf[used] = '\0';
        if (len)
                *len = used;
        *data = steal_pointer(&buf);
        return 0;
}

ssize_t write_all(int fd, const void *buf, size_t len)
{
        const char *p = buf;
        size_t left = len;
        while (left > 0) {
                ssize_t n = write(fd, p, left);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                p += n;
                left -= (size_t) n;
        }
        return (ssize_t) len;
}

int write_file_at(int dirfd, const char *path, int flags, mode_t mode, const char *data,
                  size_t len, struct berth_error *err)
{
        _cleanup_close_ int fd = openat(dirfd, path, O_WRONLY | O_CLOEXEC | flags, mode);
        if (fd < 0)
                return berth_error_errno(err, errno, "open %s", path);
        ssize_t r = write_all(fd, data, len);
        if (r < 0)
                return berth_error_errno(err, (int) -r, "write %s", path);
        return 0;
}

int mkdir_p(const char *path, mode_t mode, struct berth_error *err)
{
        _cleanup_free_ char *copy = xstrdup(path);
        for (char *p = copy + 1; ; p++) {
                if (*p != '/' && *p != '\0')
                        continue;
                char saved = *p;
                *p = '\0';
                if (mkdir(copy, mode) < 0 && errno != EEXIST)
                        return berth_error_errno(err, errno, "mkdir %s", copy);
                *p = saved;
                if (saved == '\0')
                        break;
        }
        return 0;
}

int parse_long(const char *s, long *out)
{
        if (!s || !*s)
                return -EINVAL;
        char *end;
        errno = 0;
        long v = strtol(s, &end, 10);
        if (errno || *end)
                return -EINVAL;
        *out = v;
        return 0;
}

void format_rfc3339_now(char *buf, size_t size)
{
        struct timespec ts;
        struct tm tm;
        clock_gettime(CLOCK_REALTIME, &ts);
        gmtime_r(&ts.tv_sec, &tm);
        size_t n = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
        snprintf(buf + n, size - n, ".%09ldZ", ts.tv_nsec);
}

int send_with_fd(int sock, const void *data, size_t len, int fd)
{
        struct iovec iov = { .iov_base = (void *) data, .iov_len = len };
        union {
                char buf[CMSG_SPACE(sizeof(int))];
                struct cmsghdr align;
        } control = { 0 };
        struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
                              .msg_control = control.buf, .msg_controllen = sizeof(control.buf) };
        struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(c), &fd, sizeof(int));
        for (;;) {
                if (sendmsg(sock, &msg, MSG_NOSIGNAL) >= 0)
                        return 0;
                if (errno != EINTR)
                        return -errno;
        }
}
