/* The init is a fork of berth: it starts with every descriptor berth had,
 * the state directory, the cgroup directory and whatever berth's caller
 * left open among them.  A directory fd of the host's is a way out of the
 * rootfs: a process.cwd of /proc/self/fd/N would chdir through it
 * (CVE-2024-21626), hooks run in the container would inherit it, and an
 * exec of /proc/self/fd/N/../.. resolves before close-on-exec applies.
 * So the init closes all it does not need as soon as it starts. */
#include "runtime/fds.h"

#include <fcntl.h>
#include <linux/close_range.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

static int compare_int(const void *a, const void *b)
{
        int x = *(const int *) a, y = *(const int *) b;
        return (x > y) - (x < y);
}

/* [from, to] inclusive; to == ~0u: every fd from `from` up. */
static void close_span(unsigned from, unsigned to, int cloexec)
{
        if (from > to)
                return;
        if (syscall(SYS_close_range, from, to, cloexec ? CLOSE_RANGE_CLOEXEC : 0) == 0)
                return;
        /* Before Linux 5.9 (5.11 for CLOSE_RANGE_CLOEXEC): one at a time. */
        long max = sysconf(_SC_OPEN_MAX);
        unsigned last = max > 0 && (unsigned long) max - 1 < to ? (unsigned) max - 1 : to;
        for (unsigned fd = from; fd <= last; fd++) {
                if (cloexec)
                        fcntl((int) fd, F_SETFD, FD_CLOEXEC);
                else
                        close((int) fd);
        }
}

void fds_close_from(int first, const int *keep, size_t n_keep, int cloexec)
{
        int sorted[n_keep + 1];
        size_t n = 0;
        for (size_t i = 0; i < n_keep; i++)
                if (keep[i] >= first)
                        sorted[n++] = keep[i];
        qsort(sorted, n, sizeof(int), compare_int);
        unsigned next = (unsigned) first;
        for (size_t i = 0; i < n; i++) {
                if ((unsigned) sorted[i] >= next) {
                        if ((unsigned) sorted[i] > next)
                                close_span(next, (unsigned) sorted[i] - 1, cloexec);
                        next = (unsigned) sorted[i] + 1;
                }
        }
        close_span(next, ~0u, cloexec);
}
