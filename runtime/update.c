/* container_update: new resource limits for a live container, written to
 * its cgroup with the same translation create uses (cgroups/resources.h). */
#include "runtime/container.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cgroups/cgroup.h"
#include "cgroups/resources.h"
#include "cgroups/systemd.h"
#include "common/cleanup.h"
#include "common/util.h"
#include "runtime/state.h"

/* Split the group's absolute path into the cgroup2 mount and the path
 * inside it, so controllers can be enabled from the top down. */
static int locate_group(const char *abs_path, char **mountpoint, char **path, struct berth_error *err)
{
        _cleanup_free_ char *mp = NULL, *root = NULL;
        int r = cgroup_find_mount(&mp, &root, err);
        if (r < 0)
                return r;
        size_t len = strlen(mp);
        if (strncmp(abs_path, mp, len) != 0 || abs_path[len] != '/')
                return berth_error_new(err, ENOENT, "the container's cgroup %s is not on the cgroup2 mount %s",
                                       abs_path, mp);
        *path = xstrdup(abs_path + len);
        *mountpoint = steal_pointer(&mp);
        return 0;
}

static int read_u64_file(const char *group, const char *file, bool *unlimited, uint64_t *value,
                         struct berth_error *err)
{
        _cleanup_free_ char *path = xasprintf("%s/%s", group, file);
        _cleanup_free_ char *text = NULL;
        int r = read_file_at(AT_FDCWD, path, &text, NULL, err);
        if (r < 0)
                return r;
        *unlimited = strncmp(text, "max", 3) == 0;
        *value = *unlimited ? 0 : strtoull(text, NULL, 10);
        return 0;
}

/* Swap is memory+swap in the OCI config: alone, it is measured against
 * the limit in force, as runc does with the one it keeps. */
static int complete_swap(const char *group, struct oci_resources *r, const char *origin, struct berth_error *err)
{
        struct oci_memory *m = &r->memory;
        if (!r->has_memory || !m->has_swap || m->has_limit || m->swap <= 0)
                return 0;
        bool unlimited;
        uint64_t limit;
        int ret = read_u64_file(group, "memory.max", &unlimited, &limit, err);
        if (ret < 0)
                return berth_error_prefix(err, "%s/memory/swap: the memory limit in force", origin);
        if (unlimited)
                return berth_error_new(err, EINVAL,
                                       "%s/memory/swap: a swap limit needs a memory limit, and the container "
                                       "has none: give one with it",
                                       origin);
        m->has_limit = true;
        m->limit = (int64_t) limit;
        return 0;
}

/* checkBeforeUpdate: a limit below what the group uses now would have the
 * kernel reclaim or OOM-kill at once; refuse it instead. */
static int check_before_update(const char *group, const struct oci_resources *r, const char *origin,
                               struct berth_error *err)
{
        const struct oci_memory *m = &r->memory;
        if (!r->has_memory || !m->has_check_before_update || !m->check_before_update || !m->has_limit ||
            m->limit <= 0)
                return 0;
        bool unlimited;
        uint64_t usage;
        int ret = read_u64_file(group, "memory.current", &unlimited, &usage, err);
        if (ret < 0)
                return berth_error_prefix(err, "%s/memory/checkBeforeUpdate", origin);
        if ((uint64_t) m->limit < usage)
                return berth_error_new(err, EBUSY,
                                       "%s/memory/limit: %" PRId64 " is below the %" PRIu64
                                       " bytes the container uses now (checkBeforeUpdate)",
                                       origin, m->limit, usage);
        return 0;
}

int container_update(const char *root, const char *id, struct oci_resources *r, const char *origin,
                     struct berth_error *err)
{
        _cleanup_(state_dir_release) struct state_dir sd = { .dir_fd = -1 };
        _cleanup_(oci_state_release) struct oci_state st = { 0 };
        int ret = state_open_load(root, id, true, &sd, &st, err);
        if (ret < 0)
                return ret;
        if (st.status == STATUS_STOPPED)
                return berth_error_new(err, EINVAL, "container %s is stopped: there is nothing to update", id);
        if (!st.cgroup_path || !st.cgroup_path[0])
                return berth_error_new(err, ENOENT, "container %s has no cgroup to update", id);
        _cleanup_free_ char *mountpoint = NULL, *path = NULL;
        ret = locate_group(st.cgroup_path, &mountpoint, &path, err);
        if (ret == 0)
                ret = complete_swap(st.cgroup_path, r, origin, err);
        if (ret == 0)
                ret = check_before_update(st.cgroup_path, r, origin, err);
        /* A systemd scope keeps its limits as unit properties too:
         * otherwise a daemon-reload would put the old ones back. */
        if (ret == 0 && st.systemd_unit)
                ret = systemd_unit_set_resources(st.systemd_unit, r, err);
        if (ret == 0)
                ret = cgroup_resources_apply(mountpoint, path, r, origin, err);
        return ret;
}
