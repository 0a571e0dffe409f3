/* cgroup v2's freezer (see freezer.h): cgroup.freeze asks, cgroup.events
 * "frozen" answers once every task of the subtree has stopped. */
#include "cgroups/freezer.h"

#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/util.h"

/* A task in uninterruptible sleep (a hung NFS server, a D-state driver
 * call) only freezes once it wakes: give up after this long rather than
 * hang the caller. */
#define FREEZE_TIMEOUT_MS 10000
/* The kernel wakes POLLPRI on every cgroup.events change; the short poll
 * timeout only covers a wakeup lost between our read and our poll. */
#define POLL_SLICE_MS 100

static long long now_ms(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The value of the "frozen" key in the text of cgroup.events; -1 when it is
 * not there. */
static int frozen_value(const char *events)
{
        for (const char *line = events; line && *line; ) {
                if (strncmp(line, "frozen ", 7) == 0)
                        return line[7] == '1';
                line = strchr(line, '\n');
                if (line)
                        line++;
        }
        return -1;
}

/* pread of the whole file: reading also re-arms the fd's POLLPRI. */
static int read_events(int fd, const char *file, int *frozen, struct berth_error *err)
{
        char buf[256];
        ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
        if (n < 0)
                return berth_error_errno(err, errno, "read %s", file);
        buf[n] = '\0';
        *frozen = frozen_value(buf);
        if (*frozen < 0)
                return berth_error_new(err, ENOTSUP, "%s has no \"frozen\" key: the kernel lacks the "
                                       "cgroup v2 freezer (Linux 5.2 or later)", file);
        return 0;
}

int cgroup_is_frozen(const char *abs_path, bool *frozen, struct berth_error *err)
{
        *frozen = false;
        _cleanup_free_ char *file = xasprintf("%s/cgroup.events", abs_path);
        _cleanup_close_ int fd = open(file, O_RDONLY | O_CLOEXEC);
        if (fd < 0 && errno == ENOENT)
                return 0;   /* the group is gone: nothing is frozen */
        if (fd < 0)
                return berth_error_errno(err, errno, "open %s", file);
        int value;
        int r = read_events(fd, file, &value, err);
        if (r < 0)
                return r;
        *frozen = value == 1;
        return 0;
}

static int write_freeze(const char *abs_path, bool frozen, struct berth_error *err)
{
        _cleanup_free_ char *file = xasprintf("%s/cgroup.freeze", abs_path);
        _cleanup_close_ int fd = open(file, O_WRONLY | O_CLOEXEC);
        if (fd < 0 && errno == ENOENT) {
                struct stat st;
                if (stat(abs_path, &st) < 0)
                        return berth_error_errno(err, errno, "cgroup %s", abs_path);
                return berth_error_new(err, ENOTSUP,
                                       "cgroup %s has no cgroup.freeze: the kernel lacks the cgroup v2 "
                                       "freezer (Linux 5.2 or later)", abs_path);
        }
        if (fd < 0)
                return berth_error_errno(err, errno, "open %s", file);
        if (write(fd, frozen ? "1" : "0", 1) < 0)
                return berth_error_errno(err, errno, "write %s to %s", frozen ? "1" : "0", file);
        return 0;
}

/* Wait until cgroup.events reports `frozen`. */
static int wait_frozen_state(const char *abs_path, bool frozen, struct berth_error *err)
{
        _cleanup_free_ char *file = xasprintf("%s/cgroup.events", abs_path);
        _cleanup_close_ int fd = open(file, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return berth_error_errno(err, errno, "open %s", file);
        long long deadline = now_ms() + FREEZE_TIMEOUT_MS;
        for (;;) {
                int value;
                int r = read_events(fd, file, &value, err);
                if (r < 0)
                        return r;
                if (value == (int) frozen)
                        return 0;
                long long left = deadline - now_ms();
                if (left <= 0)
                        return berth_error_new(err, ETIMEDOUT,
                                               "cgroup %s did not %s within %d s: a process may be stuck in "
                                               "an uninterruptible sleep (see its /proc/<pid>/stack)",
                                               abs_path, frozen ? "freeze" : "thaw", FREEZE_TIMEOUT_MS / 1000);
                struct pollfd p = { .fd = fd, .events = POLLPRI };
                poll(&p, 1, left < POLL_SLICE_MS ? (int) left : POLL_SLICE_MS);
        }
}

int cgroup_freeze(const char *abs_path, bool frozen, struct berth_error *err)
{
        int r = write_freeze(abs_path, frozen, err);
        if (r < 0)
                return r;
        r = wait_frozen_state(abs_path, frozen, err);
        if (r < 0 && frozen) {
                /* A failed pause must not leave the group half frozen:
                 * ask for the thaw and keep the first error. */
                struct berth_error ignored = { 0 };
                write_freeze(abs_path, false, &ignored);
        }
        return r;
}
