/* container_pause and container_resume: freeze and thaw every process of a
 * container through its cgroup's cgroup.freeze. */
#include "runtime/container.h"

#include "cgroups/freezer.h"
#include "common/cleanup.h"
#include "runtime/state.h"

/* Freeze (or thaw) the container if it is in the `required` status; the
 * messages keep runc's "container not running" / "container not paused". */
static int set_frozen(const char *root, const char *id, bool frozen, struct berth_error *err)
{
        const char *verb = frozen ? "pause" : "resume";
        enum container_status required = frozen ? STATUS_RUNNING : STATUS_PAUSED;

        /* Locked: a pause racing a delete or a start must see one state. */
        _cleanup_(state_dir_release) struct state_dir sd = { .dir_fd = -1 };
        _cleanup_(oci_state_release) struct oci_state st = { 0 };
        int r = state_open_load(root, id, true, &sd, &st, err);
        if (r < 0)
                return r;

        /* runc 1.1 also freezes a created container; berth does not: a
         * start with poststart hooks waits for the init to exec, which a
         * frozen init never does, and would hang holding the lock. */
        if (st.status != required)
                return berth_error_new(err, frozen ? ESRCH : EINVAL, "%s %s: container not %s (it is %s)",
                                       verb, id, frozen ? "running" : "paused",
                                       container_status_name(st.status));
        if (!st.cgroup_path || !st.cgroup_path[0])
                return berth_error_new(err, ENOTSUP, "%s %s: the container has no cgroup to freeze", verb, id);
        r = cgroup_freeze(st.cgroup_path, frozen, err);
        if (r < 0)
                return berth_error_prefix(err, "%s %s", verb, id);
        return 0;
}

int container_pause(const char *root, const char *id, struct berth_error *err)
{
        return set_frozen(root, id, true, err);
}

int container_resume(const char *root, const char *id, struct berth_error *err)
{
        return set_frozen(root, id, false, err);
}
