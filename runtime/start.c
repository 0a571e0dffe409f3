/* berth start: release a created container's init by writing one byte to
 * its exec.fifo; removing the fifo marks the container running. */
#include "runtime/container.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/log.h"
#include "runtime/hooks.h"
#include "runtime/state.h"

static int open_fifo(const struct state_dir *sd, int flags, int *fd, struct berth_error *err)
{
        *fd = openat(sd->dir_fd, EXEC_FIFO, flags | O_NONBLOCK | O_CLOEXEC);
        if (*fd >= 0)
                return 0;
        if (errno == ENXIO)
                return berth_error_new(err, ESRCH, "container %s: its init is gone", sd->id);
        return berth_error_errno(err, errno, "open %s/%s", sd->path, EXEC_FIFO);
}

/* One byte on exec.fifo releases the init; with no reader (the init died)
 * the non-blocking open fails at once with ENXIO instead of hanging.
 *
 * With until_exec, return only once the process was executed (poststart
 * must run after that).  The init's fifo fd (read-write, close-on-exec) is
 * then the fifo's last writer: when it goes, at execve or death, a reader
 * sees POLLHUP.  Linux reports that hang-up only for writers that opened
 * after the reader did, hence the second, empty open of a writer. */
static int release_init(const struct state_dir *sd, bool until_exec, struct berth_error *err)
{
        _cleanup_close_ int writer = -1, reader = -1;
        int r = open_fifo(sd, O_WRONLY, &writer, err);
        if (r < 0)
                return r;
        if (until_exec && (r = open_fifo(sd, O_RDONLY, &reader, err)) < 0)
                return r;
        if (write(writer, "0", 1) != 1)
                return berth_error_errno(err, errno, "write %s/%s", sd->path, EXEC_FIFO);
        close(steal_fd(&writer));
        if (until_exec) {
                if ((r = open_fifo(sd, O_WRONLY, &writer, err)) < 0)
                        return r;
                close(steal_fd(&writer));
        }
        if (unlinkat(sd->dir_fd, EXEC_FIFO, 0) < 0)
                return berth_error_errno(err, errno, "remove %s/%s", sd->path, EXEC_FIFO);
        struct pollfd p = { .fd = reader, .events = 0 };
        while (until_exec && poll(&p, 1, -1) < 0)
                if (errno != EINTR)
                        return berth_error_errno(err, errno, "wait for container %s to exec", sd->id);
        return 0;
}

int container_start(const char *root, const char *id, struct berth_error *err)
{
        _cleanup_(state_dir_release) struct state_dir sd = { .dir_fd = -1 };
        _cleanup_(oci_state_release) struct oci_state st = { 0 };
        int r = state_open_load(root, id, true, &sd, &st, err);
        if (r < 0)
                return r;
        if (st.status != STATUS_CREATED)
                return berth_error_new(err, EINVAL, "cannot start a container that is %s (only a created one)",
                                       container_status_name(st.status));
        /* Only poststart needs to wait for the exec. */
        bool hooks = faccessat(sd.dir_fd, POST_HOOKS_MARK, F_OK, 0) == 0;
        r = release_init(&sd, hooks, err);
        if (r < 0)
                return r;
        log_debug("container %s: started", id);
        st.status = STATUS_RUNNING;
        hooks_run_saved(&sd, &st, false);
        return 0;
}
