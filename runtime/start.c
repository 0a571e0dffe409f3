/* berth start: release a created container's init by writing one byte to
 * its exec.fifo; removing the fifo marks the container running. */
#include "runtime/container.h"

#include <fcntl.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/log.h"
#include "runtime/hooks.h"
#include "runtime/state.h"

static int release_init(const struct state_dir *sd, struct berth_error *err)
{
        /* O_NONBLOCK: with no reader (the init died) open fails with ENXIO
         * at once instead of hanging. */
        _cleanup_close_ int fd = openat(sd->dir_fd, EXEC_FIFO, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0) {
                if (errno == ENXIO)
                        return berth_error_new(err, ESRCH, "container %s: its init is gone", sd->id);
                return berth_error_errno(err, errno, "open %s/exec.fifo", sd->path);
        }
        if (write(fd, "0", 1) != 1)
                return berth_error_errno(err, errno, "write %s/exec.fifo", sd->path);
        if (unlinkat(sd->dir_fd, EXEC_FIFO, 0) < 0)
                return berth_error_errno(err, errno, "remove %s/exec.fifo", sd->path);
        return 0;
}

int container_start(const char *root, const char *id, struct berth_error *err)
{
        _cleanup_(state_dir_release) struct state_dir sd = { .dir_fd = -1 };
        int r = state_dir_open(root, id, &sd, err);
        if (r < 0)
                return r;
        _cleanup_(oci_state_release) struct oci_state st = { 0 };
        r = state_load(&sd, &st, err);
        if (r < 0)
                return r;
        if (st.status != STATUS_CREATED)
                return berth_error_new(err, EINVAL, "cannot start a container that is %s (only a created one)",
                                       container_status_name(st.status));
        r = release_init(&sd, err);
        if (r < 0)
                return r;
        log_debug("container %s: started", id);
        st.status = STATUS_RUNNING;
        hooks_run_saved(&sd, &st, false);
        return 0;
}
