/* Applying linux.resources to a group: probe what the group offers, plan
 * the writes (resources.c), make their controllers available
 * (controllers.c), write them, then the device program (devices.c).  The
 * files are written straight through cgroupfs: see docs/design.md for why
 * not libcgroup. */
#include "cgroups/resources.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "cgroups/devices.h"
#include "common/cleanup.h"
#include "common/log.h"
#include "common/util.h"

static int write_error(const char *abs_path, const struct cgroup_write *w, int errnum, struct berth_error *err)
{
        if (errnum == ENOENT) {
                char buf[64];
                const char *c = cgroup_file_controller(w->file, buf, sizeof(buf));
                return berth_error_new(err, ENOENT,
                                       "%s: %s has no file %s%s%s%s", w->json_path, abs_path,
                                       w->file, c ? ": this kernel's " : "", c ? c : "",
                                       c ? " controller does not have it" : "");
        }
        return berth_error_errno(err, errnum, "%s: write \"%s\" to %s/%s", w->json_path, w->value,
                                 abs_path, w->file);
}

int cgroup_writes_apply(const char *abs_path, const struct cgroup_writes *w, struct berth_error *err)
{
        _cleanup_close_ int dirfd = open(abs_path, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (dirfd < 0)
                return berth_error_errno(err, errno, "open cgroup %s", abs_path);
        for (size_t i = 0; i < w->n; i++) {
                const struct cgroup_write *one = &w->w[i];
                log_debug("cgroup: %s/%s <- %s", abs_path, one->file, one->value);
                struct berth_error e = { 0 };
                int r = write_file_at(dirfd, one->file, 0, 0, one->value, strlen(one->value), &e);
                berth_error_clear(&e);
                /* No knob is no limit: "max" to a file this kernel lacks
                 * (memory.swap.max with swapaccount=0) asks for nothing. */
                if (r == -ENOENT && strcmp(one->value, "max") == 0) {
                        log_debug("cgroup: %s: no %s here; \"max\" needs none", one->json_path, one->file);
                        continue;
                }
                if (r < 0)
                        return write_error(abs_path, one, -r, err);
        }
        return 0;
}

static void probe_group(const char *abs_path, struct cgroup_probe *probe)
{
        _cleanup_free_ char *bfq = xasprintf("%s/io.bfq.weight", abs_path);
        probe->io_bfq = access(bfq, F_OK) == 0;
}

/* The controllers must be on before the probe can see io.bfq.weight, and
 * the plan says which controllers are needed: plan without BFQ, enable,
 * and plan again only when the group turns out to have BFQ. */
int cgroup_resources_apply(const char *mountpoint, const char *path, const struct oci_resources *r,
                           const char *origin, struct berth_error *err)
{
        _cleanup_free_ char *abs_path = xasprintf("%s%s", mountpoint, path);
        _cleanup_free_ char *offered = cgroup_offered_controllers(mountpoint);
        struct cgroup_probe probe = { 0 };
        _cleanup_(cgroup_writes_release) struct cgroup_writes plan = { 0 };
        int ret = cgroup_resources_plan(r, &probe, origin, &plan, err);
        if (ret < 0)
                return ret;
        cgroup_writes_drop_unlimited(&plan, offered);
        ret = cgroup_controllers_enable(mountpoint, path, offered, &plan, err);
        if (ret < 0)
                return ret;
        probe_group(abs_path, &probe);
        if (probe.io_bfq && r->has_block_io) {
                cgroup_writes_release(&plan);
                ret = cgroup_resources_plan(r, &probe, origin, &plan, err);
                if (ret < 0)
                        return ret;
                cgroup_writes_drop_unlimited(&plan, offered);
        }
        ret = cgroup_writes_apply(abs_path, &plan, err);
        if (ret < 0)
                return ret;
        if (r->n_devices) {
                ret = cgroup_devices_apply(abs_path, r->devices, r->n_devices, err);
                if (ret < 0 && origin)
                        cgroup_error_reorigin(err, origin);
        }
        return ret;
}
