/* linux.resources -> the cgroup v2 files to write (see resources.h).  A
 * pure function of the config and a probe of the group, so that a table
 * test can hold it to what runc writes for the same config.
 *
 * runc reads a zero in most numeric fields as "not set" (Go's zero value);
 * berth does the same so that the configs containerd and Podman generate
 * mean the same thing under both runtimes. */
#include "cgroups/resources.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/log.h"
#include "common/util.h"

#define RES "/linux/resources"

static void add(struct cgroup_writes *out, const char *json_path, const char *file, char *value)
{
        out->w = xrealloc(out->w, (out->n + 1) * sizeof(*out->w));
        out->w[out->n++] = (struct cgroup_write) {
                .file = xstrdup(file),
                .value = value,
                .json_path = xstrdup(json_path),
        };
}

static void addf_i64(struct cgroup_writes *out, const char *json_path, const char *file, int64_t v)
{
        add(out, json_path, file, v < 0 ? xstrdup("max") : xasprintf("%" PRId64, v));
}

static int refuse(struct berth_error *err, const char *json_path, const char *why)
{
        return berth_error_new(err, EINVAL, "config.json: %s: %s", json_path, why);
}

/* ---- memory --------------------------------------------------------------- */

/* cgroup v1's memory.memsw (memory + swap) becomes v2's swap-only
 * memory.swap.max, the way runc converts it. */
static int swap_max(const struct oci_memory *m, bool *write, int64_t *value, struct berth_error *err)
{
        int64_t limit = m->has_limit ? m->limit : 0;
        int64_t swap = m->has_swap ? m->swap : 0;
        *write = true;
        if (limit == -1 && swap == 0) {
                *value = -1;          /* an unlimited memory limit unlimits swap too */
                *write = m->has_limit;
                return 0;
        }
        if (swap == -1) {
                *value = -1;
                return 0;
        }
        if (swap == 0) {
                *write = false;
                return 0;
        }
        if (limit == 0 || limit == -1)
                return refuse(err, RES "/memory/swap", "a swap limit needs a memory limit (memory/limit)");
        if (swap < limit)
                return berth_error_new(err, EINVAL,
                                       "config.json: " RES "/memory/swap: %" PRId64 " is below the memory limit "
                                       "%" PRId64 ": swap is memory plus swap, so it must be at least the limit",
                                       swap, limit);
        *value = swap - limit;
        return 0;
}

static int plan_memory(const struct oci_memory *m, struct cgroup_writes *out, struct berth_error *err)
{
        if (m->has_swappiness)
                return refuse(err, RES "/memory/swappiness",
                              "cgroup v2 has no per-group swappiness (memory.swappiness is cgroup v1 only)");
        if (m->has_disable_oom_killer && m->disable_oom_killer)
                return refuse(err, RES "/memory/disableOOMKiller",
                              "cgroup v2 cannot turn the OOM killer off for a group (memory.oom_control is "
                              "cgroup v1 only)");
        if (m->has_kernel || m->has_kernel_tcp)
                log_debug("linux.resources.memory.kernel and kernelTCP mean nothing on cgroup v2: ignored");

        bool write_swap = false;
        int64_t swap = 0;
        int r = swap_max(m, &write_swap, &swap, err);
        if (r < 0)
                return r;
        if (write_swap)
                addf_i64(out, RES "/memory/swap", "memory.swap.max", swap);
        if (m->has_limit && m->limit != 0)
                addf_i64(out, RES "/memory/limit", "memory.max", m->limit);
        if (m->has_reservation && m->reservation != 0)
                addf_i64(out, RES "/memory/reservation", "memory.low", m->reservation);
        return 0;
}

/* ---- cpu ------------------------------------------------------------------ */

/* cgroup v1 shares [2, 262144] map linearly onto v2 weights [1, 10000],
 * the conversion runc and crun use, so 1024 (the default) becomes 39. */
uint64_t cgroup_cpu_shares_to_weight(uint64_t shares)
{
        return 1 + ((shares - 2) * 9999) / 262142;
}

static void plan_cpu_max(const struct oci_cpu *c, struct cgroup_writes *out)
{
        int64_t quota = c->has_quota ? c->quota : 0;
        uint64_t period = c->has_period ? c->period : 0;
        if (quota == 0 && period == 0)
                return;
        char *value = quota > 0 ? xasprintf("%" PRId64, quota) : xstrdup("max");
        if (period != 0) {
                char *with_period = xasprintf("%s %" PRIu64, value, period);
                free(value);
                value = with_period;
        }
        add(out, c->has_quota ? RES "/cpu/quota" : RES "/cpu/period", "cpu.max", value);
}

static int plan_cpu(const struct oci_cpu *c, struct cgroup_writes *out, struct berth_error *err)
{
        if ((c->has_realtime_runtime && c->realtime_runtime != 0) ||
            (c->has_realtime_period && c->realtime_period != 0))
                return refuse(err, c->has_realtime_runtime ? RES "/cpu/realtimeRuntime" : RES "/cpu/realtimePeriod",
                              "cgroup v2 has no real-time CPU bandwidth for groups (cpu.rt_* is cgroup v1 only)");
        if (c->has_shares && c->shares != 0) {
                if (c->shares < 2 || c->shares > 262144)
                        return berth_error_new(err, EINVAL,
                                               "config.json: " RES "/cpu/shares: %" PRIu64 " is outside 2..262144",
                                               c->shares);
                add(out, RES "/cpu/shares", "cpu.weight",
                    xasprintf("%" PRIu64, cgroup_cpu_shares_to_weight(c->shares)));
        }
        if (c->has_idle)
                add(out, RES "/cpu/idle", "cpu.idle", xasprintf("%" PRId64, c->idle));
        plan_cpu_max(c, out);
        /* After cpu.max: the kernel refuses a burst above the quota. */
        if (c->has_burst)
                add(out, RES "/cpu/burst", "cpu.max.burst", xasprintf("%" PRIu64, c->burst));
        if (c->cpus && c->cpus[0])
                add(out, RES "/cpu/cpus", "cpuset.cpus", xstrdup(c->cpus));
        if (c->mems && c->mems[0])
                add(out, RES "/cpu/mems", "cpuset.mems", xstrdup(c->mems));
        return 0;
}

/* ---- block IO ------------------------------------------------------------- */

/* blkio weights [10, 1000] map linearly onto io.weight [1, 10000] (runc's
 * conversion); BFQ's io.bfq.weight takes the blkio value as it is. */
uint64_t cgroup_blkio_weight_to_io_weight(uint16_t weight)
{
        return 1 + ((uint64_t) weight - 10) * 9999 / 990;
}

static int check_blkio_weight(const char *json_path, uint16_t weight, struct berth_error *err)
{
        if (weight < 10 || weight > 1000)
                return berth_error_new(err, EINVAL, "config.json: %s: %u is outside 10..1000", json_path,
                                       (unsigned) weight);
        return 0;
}

static char *io_weight_value(const struct cgroup_probe *probe, uint16_t weight)
{
        return xasprintf("%" PRIu64, probe->io_bfq ? (uint64_t) weight : cgroup_blkio_weight_to_io_weight(weight));
}

static int plan_io_weights(const struct oci_block_io *b, const struct cgroup_probe *probe,
                           struct cgroup_writes *out, struct berth_error *err)
{
        const char *file = probe->io_bfq ? "io.bfq.weight" : "io.weight";
        if (b->has_weight && b->weight != 0) {
                int r = check_blkio_weight(RES "/blockIO/weight", b->weight, err);
                if (r < 0)
                        return r;
                add(out, RES "/blockIO/weight", file, io_weight_value(probe, b->weight));
        }
        for (size_t i = 0; i < b->n_weight_devices; i++) {
                const struct oci_blkio_weight_device *d = &b->weight_devices[i];
                _cleanup_free_ char *path = xasprintf(RES "/blockIO/weightDevice/%zu", i);
                if (d->has_leaf_weight)
                        return refuse(err, path, "leafWeight is cgroup v1 only");
                if (!d->has_weight)
                        continue;
                _cleanup_free_ char *weight_path = xasprintf("%s/weight", path);
                int r = check_blkio_weight(weight_path, d->weight, err);
                if (r < 0)
                        return r;
                _cleanup_free_ char *w = io_weight_value(probe, d->weight);
                add(out, weight_path, file,
                    xasprintf("%" PRId64 ":%" PRId64 " %s", d->major, d->minor, w));
        }
        return 0;
}

static void plan_io_throttle(const struct oci_blkio_throttle_list *l, const char *name, const char *key,
                             struct cgroup_writes *out)
{
        for (size_t i = 0; i < l->n; i++) {
                const struct oci_blkio_throttle_device *d = &l->devices[i];
                _cleanup_free_ char *path = xasprintf(RES "/blockIO/%s/%zu", name, i);
                char *value = xasprintf("%" PRId64 ":%" PRId64 " %s=%" PRIu64, d->major, d->minor, key,
                                        d->rate);
                add(out, path, "io.max", value);
        }
}

static int plan_block_io(const struct oci_block_io *b, const struct cgroup_probe *probe,
                         struct cgroup_writes *out, struct berth_error *err)
{
        if (b->has_leaf_weight)
                return refuse(err, RES "/blockIO/leafWeight", "leafWeight is cgroup v1 only");
        int r = plan_io_weights(b, probe, out, err);
        if (r < 0)
                return r;
        plan_io_throttle(&b->throttle_read_bps, "throttleReadBpsDevice", "rbps", out);
        plan_io_throttle(&b->throttle_write_bps, "throttleWriteBpsDevice", "wbps", out);
        plan_io_throttle(&b->throttle_read_iops, "throttleReadIOPSDevice", "riops", out);
        plan_io_throttle(&b->throttle_write_iops, "throttleWriteIOPSDevice", "wiops", out);
        return 0;
}

/* ---- the small ones --------------------------------------------------------- */

static void plan_pids(const struct oci_pids *p, struct cgroup_writes *out)
{
        /* 0 is "no limit" to runc (unset) and crun ("max"), and Podman 4
         * sends it for --pids-limit 0: write max, as crun does. */
        if (p->has_limit)
                addf_i64(out, RES "/pids/limit", "pids.max", p->limit <= 0 ? -1 : p->limit);
}

static void plan_hugetlb(const struct oci_resources *r, struct cgroup_writes *out)
{
        for (size_t i = 0; i < r->n_hugepage_limits; i++) {
                const struct oci_hugepage_limit *h = &r->hugepage_limits[i];
                _cleanup_free_ char *path = xasprintf(RES "/hugepageLimits/%zu", i);
                _cleanup_free_ char *file = xasprintf("hugetlb.%s.max", h->page_size);
                add(out, path, file, xasprintf("%" PRIu64, h->limit));
        }
}

static void plan_rdma(const struct oci_resources *r, struct cgroup_writes *out)
{
        for (size_t i = 0; i < r->n_rdma; i++) {
                const struct oci_rdma *d = &r->rdma[i];
                _cleanup_free_ char *path = xasprintf(RES "/rdma/%s", d->device);
                _cleanup_free_ char *handles = d->has_hca_handles ? xasprintf(" hca_handle=%" PRIu32, d->hca_handles)
                                                                  : xstrdup("");
                _cleanup_free_ char *objects = d->has_hca_objects ? xasprintf(" hca_object=%" PRIu32, d->hca_objects)
                                                                  : xstrdup("");
                add(out, path, "rdma.max", xasprintf("%s%s%s", d->device, handles, objects));
        }
}

static int plan_network(const struct oci_network *n, struct berth_error *err)
{
        if (n->has_class_id || n->n_priorities)
                return refuse(err, RES "/network",
                              "net_cls and net_prio are cgroup v1 controllers; cgroup v2 has neither "
                              "(classify traffic with a BPF program or nftables' socket cgroupv2 match instead)");
        return 0;
}

/* unified comes last: a key there overrides the same file set above, as
 * the spec and runc have it. */
static void plan_unified(const struct oci_resources *r, struct cgroup_writes *out)
{
        for (size_t i = 0; i < r->n_unified; i++) {
                _cleanup_free_ char *path = xasprintf(RES "/unified/%s", r->unified[i].key);
                add(out, path, r->unified[i].key, xstrdup(r->unified[i].value));
        }
}

/* The plan names places as config.json does; another origin (update's
 * flags or its --resources file) replaces that prefix. */
#define CONFIG_ORIGIN "config.json: " RES

static void reorigin_paths(struct cgroup_writes *w, const char *origin)
{
        for (size_t i = 0; i < w->n; i++) {
                char *full = xasprintf("%s%s", origin, w->w[i].json_path + strlen(RES));
                free(w->w[i].json_path);
                w->w[i].json_path = full;
        }
}

void cgroup_error_reorigin(struct berth_error *err, const char *origin)
{
        size_t len = strlen(CONFIG_ORIGIN);
        if (strcmp(origin, CONFIG_ORIGIN) == 0 || strncmp(err->msg, CONFIG_ORIGIN, len) != 0)
                return;
        char rest[BERTH_ERROR_MAX];
        snprintf(rest, sizeof(rest), "%s", err->msg + len);
        snprintf(err->msg, sizeof(err->msg), "%s%s", origin, rest);
}

static int plan_all(const struct oci_resources *r, const struct cgroup_probe *probe,
                    struct cgroup_writes *out, struct berth_error *err)
{
        struct cgroup_writes plan = { 0 };
        int ret = 0;
        if (r->has_network)
                ret = plan_network(&r->network, err);
        if (ret == 0 && r->has_pids)
                plan_pids(&r->pids, &plan);
        if (ret == 0 && r->has_memory)
                ret = plan_memory(&r->memory, &plan, err);
        if (ret == 0 && r->has_block_io)
                ret = plan_block_io(&r->block_io, probe, &plan, err);
        if (ret == 0 && r->has_cpu)
                ret = plan_cpu(&r->cpu, &plan, err);
        if (ret == 0) {
                plan_hugetlb(r, &plan);
                plan_rdma(r, &plan);
                plan_unified(r, &plan);
        }
        if (ret < 0) {
                cgroup_writes_release(&plan);
                return ret;
        }
        *out = plan;
        return 0;
}

int cgroup_resources_plan(const struct oci_resources *r, const struct cgroup_probe *probe, const char *origin,
                          struct cgroup_writes *out, struct berth_error *err)
{
        origin = origin ? origin : CONFIG_ORIGIN;
        int ret = plan_all(r, probe, out, err);
        if (ret < 0) {
                cgroup_error_reorigin(err, origin);
                return ret;
        }
        reorigin_paths(out, origin);
        return 0;
}

int cgroup_resources_validate(const struct oci_resources *r, struct berth_error *err)
{
        struct cgroup_probe probe = { 0 };
        struct cgroup_writes plan = { 0 };
        int ret = cgroup_resources_plan(r, &probe, NULL, &plan, err);
        cgroup_writes_release(&plan);
        return ret;
}

void cgroup_writes_release(struct cgroup_writes *w)
{
        for (size_t i = 0; i < w->n; i++) {
                free(w->w[i].file);
                free(w->w[i].value);
                free(w->w[i].json_path);
        }
        free(w->w);
        w->w = NULL;
        w->n = 0;
}

const char *cgroup_file_controller(const char *file, char buf[], size_t size)
{
        const char *dot = strchr(file, '.');
        size_t len = dot ? (size_t) (dot - file) : strlen(file);
        if (len == 0 || len >= size)
                return NULL;
        memcpy(buf, file, len);
        buf[len] = '\0';
        /* cgroup.* are core files; cpu.stat and cpu.pressure-style files
         * exist without the cpu controller, but writable cpu.* need it. */
        if (strcmp(buf, "cgroup") == 0)
                return NULL;
        return buf;
}
