/* config.json "linux.resources": the cgroup settings (device allow list,
 * memory, cpu, blockIO, hugepages, network, pids, rdma, unified), parsed
 * and range-checked into struct oci_resources.  Writing them to cgroup
 * files is cgroups/'s job. */
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "oci/config_parse.h"

/* An optional int64 member that also sets a has_* flag. */
#define MEMBER_I64(c, obj, key, min, max, has, out)                                                \
        ({                                                                                         \
                int rr_ = json_member_i64((c), (obj), (key), 0, (min), (max), (out));              \
                (has) = rr_ > 0;                                                                   \
                rr_;                                                                               \
        })
#define MEMBER_U64(c, obj, key, max, has, out)                                                     \
        ({                                                                                         \
                int rr_ = json_member_u64((c), (obj), (key), 0, (max), (out));                     \
                (has) = rr_ > 0;                                                                   \
                rr_;                                                                               \
        })

/* ---- devices ------------------------------------------------------------------ */

static int parse_device_rule(struct json_cursor *c, const json_t *v, struct oci_device_cgroup *d)
{
        if (json_expect_object(c, v) < 0)
                return -EINVAL;
        int r = json_member_bool(c, v, "allow", JSON_REQUIRED, &d->allow);
        if (r < 0)
                return r;
        _cleanup_free_ char *type = NULL;
        r = json_member_string(c, v, "type", 0, &type);
        if (r < 0)
                return r;
        d->type = 'a';
        if (r > 0) {
                if (strlen(type) != 1 || !strchr("acb", type[0]))
                        return json_cursor_error_member(
                                c, "type", "unknown device type \"%s\" (expected a, c or b)", type);
                d->type = type[0];
        }
        d->major = d->minor = -1;
        if ((r = json_member_i64(c, v, "major", 0, -1, UINT32_MAX, &d->major)) < 0 ||
            (r = json_member_i64(c, v, "minor", 0, -1, UINT32_MAX, &d->minor)) < 0)
                return r;
        _cleanup_free_ char *access = NULL;
        r = json_member_string(c, v, "access", 0, &access);
        if (r < 0)
                return r;
        if (r == 0) {
                strcpy(d->access, "rwm");
                return 0;
        }
        if (access[strspn(access, "rwm")] != '\0')
                return json_cursor_error_member(
                        c, "access", "expected a combination of r, w and m, got \"%s\"", access);
        /* Normalize to "rwm" order without repeats, as the cgroup files print it. */
        size_t n = 0;
        for (const char *p = "rwm"; *p; p++)
                if (strchr(access, *p))
                        d->access[n++] = *p;
        d->access[n] = '\0';
        return 0;
}

/* ---- memory, cpu, pids --------------------------------------------------------- */

static int parse_memory(struct json_cursor *c, const json_t *obj, struct oci_memory *m)
{
        int r;
        /* Byte counts, or -1 for unlimited. */
        if ((r = MEMBER_I64(c, obj, "limit", -1, INT64_MAX, m->has_limit, &m->limit)) < 0 ||
            (r = MEMBER_I64(c, obj, "reservation", -1, INT64_MAX, m->has_reservation,
                            &m->reservation)) < 0 ||
            (r = MEMBER_I64(c, obj, "swap", -1, INT64_MAX, m->has_swap, &m->swap)) < 0 ||
            (r = MEMBER_I64(c, obj, "kernel", -1, INT64_MAX, m->has_kernel, &m->kernel)) < 0 ||
            (r = MEMBER_I64(c, obj, "kernelTCP", -1, INT64_MAX, m->has_kernel_tcp,
                            &m->kernel_tcp)) < 0 ||
            (r = MEMBER_U64(c, obj, "swappiness", 100, m->has_swappiness, &m->swappiness)) < 0)
                return r;
        if ((r = json_member_bool(c, obj, "disableOOMKiller", 0, &m->disable_oom_killer)) < 0)
                return r;
        m->has_disable_oom_killer = r > 0;
        if ((r = json_member_bool(c, obj, "useHierarchy", 0, &m->use_hierarchy)) < 0)
                return r;
        m->has_use_hierarchy = r > 0;
        if ((r = json_member_bool(c, obj, "checkBeforeUpdate", 0, &m->check_before_update)) < 0)
                return r;
        m->has_check_before_update = r > 0;
        return 0;
}

/* "0-3,7" */
static int parse_list_member(struct json_cursor *c, const json_t *obj, const char *key, char **out)
{
        int r = json_member_string(c, obj, key, 0, out);
        if (r <= 0)
                return r;
        if ((*out)[strspn(*out, "0123456789,-")] != '\0')
                return json_cursor_error_member(
                        c, key, "expected a list such as \"0-3,7\", got \"%s\"", *out);
        return 0;
}

static int parse_cpu(struct json_cursor *c, const json_t *obj, struct oci_cpu *cpu)
{
        int r;
        if ((r = MEMBER_U64(c, obj, "shares", UINT64_MAX, cpu->has_shares, &cpu->shares)) < 0 ||
            (r = MEMBER_I64(c, obj, "quota", INT64_MIN, INT64_MAX, cpu->has_quota,
                            &cpu->quota)) < 0 ||
            (r = MEMBER_U64(c, obj, "burst", UINT64_MAX, cpu->has_burst, &cpu->burst)) < 0 ||
            (r = MEMBER_U64(c, obj, "period", UINT64_MAX, cpu->has_period, &cpu->period)) < 0 ||
            (r = MEMBER_I64(c, obj, "realtimeRuntime", INT64_MIN, INT64_MAX,
                            cpu->has_realtime_runtime, &cpu->realtime_runtime)) < 0 ||
            (r = MEMBER_U64(c, obj, "realtimePeriod", UINT64_MAX, cpu->has_realtime_period,
                            &cpu->realtime_period)) < 0 ||
            (r = MEMBER_I64(c, obj, "idle", INT64_MIN, INT64_MAX, cpu->has_idle, &cpu->idle)) < 0)
                return r;
        if ((r = parse_list_member(c, obj, "cpus", &cpu->cpus)) < 0 ||
            (r = parse_list_member(c, obj, "mems", &cpu->mems)) < 0)
                return r;
        /* The spec: burst MUST be no larger than a positive quota. */
        if (cpu->has_burst && cpu->has_quota && cpu->quota > 0 &&
            cpu->burst > (uint64_t) cpu->quota)
                return json_cursor_error_member(c, "burst", "%llu is larger than quota %lld",
                                                (unsigned long long) cpu->burst,
                                                (long long) cpu->quota);
        return 0;
}

static int parse_pids(struct json_cursor *c, const json_t *obj, struct oci_pids *p)
{
        int r = MEMBER_I64(c, obj, "limit", -1, INT64_MAX, p->has_limit, &p->limit);
        return r < 0 ? r : 0;
}

/* ---- blockIO ------------------------------------------------------------------- */

static int parse_blkio_weight_device(struct json_cursor *c, const json_t *v,
                                     struct oci_blkio_weight_device *d)
{
        if (json_expect_object(c, v) < 0)
                return -EINVAL;
        int r;
        if ((r = json_member_i64(c, v, "major", JSON_REQUIRED, 0, UINT32_MAX, &d->major)) < 0 ||
            (r = json_member_i64(c, v, "minor", JSON_REQUIRED, 0, UINT32_MAX, &d->minor)) < 0)
                return r;
        if ((r = json_member_u16(c, v, "weight", 0, &d->weight)) < 0)
                return r;
        d->has_weight = r > 0;
        if ((r = json_member_u16(c, v, "leafWeight", 0, &d->leaf_weight)) < 0)
                return r;
        d->has_leaf_weight = r > 0;
        if (!d->has_weight && !d->has_leaf_weight)
                return json_cursor_error(c, "needs weight or leafWeight");
        return 0;
}

static int parse_blkio_throttle_device(struct json_cursor *c, const json_t *v,
                                       struct oci_blkio_throttle_device *d)
{
        if (json_expect_object(c, v) < 0)
                return -EINVAL;
        int r;
        if ((r = json_member_i64(c, v, "major", JSON_REQUIRED, 0, UINT32_MAX, &d->major)) < 0 ||
            (r = json_member_i64(c, v, "minor", JSON_REQUIRED, 0, UINT32_MAX, &d->minor)) < 0 ||
            (r = json_member_u64(c, v, "rate", JSON_REQUIRED, UINT64_MAX, &d->rate)) < 0)
                return r;
        return 0;
}

#define PARSE_THROTTLE(c, obj, key, list)                                                          \
        PARSE_MEMBER_ARRAY(c, obj, key, (list).devices, (list).n, parse_blkio_throttle_device)

static int parse_block_io(struct json_cursor *c, const json_t *obj, struct oci_block_io *b)
{
        int r;
        if ((r = json_member_u16(c, obj, "weight", 0, &b->weight)) < 0)
                return r;
        b->has_weight = r > 0;
        if ((r = json_member_u16(c, obj, "leafWeight", 0, &b->leaf_weight)) < 0)
                return r;
        b->has_leaf_weight = r > 0;
        if ((r = PARSE_MEMBER_ARRAY(c, obj, "weightDevice", b->weight_devices, b->n_weight_devices,
                                    parse_blkio_weight_device)) < 0 ||
            (r = PARSE_THROTTLE(c, obj, "throttleReadBpsDevice", b->throttle_read_bps)) < 0 ||
            (r = PARSE_THROTTLE(c, obj, "throttleWriteBpsDevice", b->throttle_write_bps)) < 0 ||
            (r = PARSE_THROTTLE(c, obj, "throttleReadIOPSDevice", b->throttle_read_iops)) < 0 ||
            (r = PARSE_THROTTLE(c, obj, "throttleWriteIOPSDevice", b->throttle_write_iops)) < 0)
                return r;
        return 0;
}

/* ---- hugepages, network -------------------------------------------------------- */

/* "<size><K|M|G>B" with base 1024, as the hugetlb file names spell it. */
static bool parse_page_size(const char *s, uint64_t *bytes)
{
        if (s[0] < '1' || s[0] > '9')
                return false;
        uint64_t n = 0;
        const char *p = s;
        for (; *p >= '0' && *p <= '9'; p++) {
                if (n > (UINT64_MAX - 9) / 10)
                        return false;
                n = n * 10 + (uint64_t) (*p - '0');
        }
        unsigned shift;
        switch (p[0]) {
        case 'K':
                shift = 10;
                break;
        case 'M':
                shift = 20;
                break;
        case 'G':
                shift = 30;
                break;
        default:
                return false;
        }
        if (p[1] != 'B' || p[2] != '\0' || n > (UINT64_MAX >> shift))
                return false;
        *bytes = n << shift;
        return true;
}

static int parse_hugepage_limit(struct json_cursor *c, const json_t *v,
                                struct oci_hugepage_limit *h)
{
        if (json_expect_object(c, v) < 0)
                return -EINVAL;
        int r = json_member_string(c, v, "pageSize", JSON_REQUIRED, &h->page_size);
        if (r < 0)
                return r;
        if (!parse_page_size(h->page_size, &h->page_size_bytes))
                return json_cursor_error_member(
                        c, "pageSize", "expected a size such as \"2MB\" or \"1GB\", got \"%s\"",
                        h->page_size);
        r = json_member_u64(c, v, "limit", JSON_REQUIRED, UINT64_MAX, &h->limit);
        return r < 0 ? r : 0;
}

static int parse_net_priority(struct json_cursor *c, const json_t *v, struct oci_net_priority *p)
{
        if (json_expect_object(c, v) < 0)
                return -EINVAL;
        int r;
        if ((r = json_member_string(c, v, "name", JSON_REQUIRED, &p->name)) < 0 ||
            (r = json_member_u32(c, v, "priority", JSON_REQUIRED, &p->priority)) < 0)
                return r;
        return 0;
}

static int parse_network(struct json_cursor *c, const json_t *obj, struct oci_network *n)
{
        int r = json_member_u32(c, obj, "classID", 0, &n->class_id);
        if (r < 0)
                return r;
        n->has_class_id = r > 0;
        r = PARSE_MEMBER_ARRAY(c, obj, "priorities", n->priorities, n->n_priorities,
                               parse_net_priority);
        return r;
}

/* ---- rdma, unified (maps) ----------------------------------------------------------- */

static int parse_rdma_entry(struct json_cursor *c, const json_t *v, struct oci_rdma *rd)
{
        if (json_expect_object(c, v) < 0)
                return -EINVAL;
        int r = json_member_u32(c, v, "hcaHandles", 0, &rd->hca_handles);
        if (r < 0)
                return r;
        rd->has_hca_handles = r > 0;
        r = json_member_u32(c, v, "hcaObjects", 0, &rd->hca_objects);
        if (r < 0)
                return r;
        rd->has_hca_objects = r > 0;
        if (!rd->has_hca_handles && !rd->has_hca_objects)
                return json_cursor_error(c, "needs hcaHandles or hcaObjects");
        return 0;
}

static int parse_rdma(struct json_cursor *c, const json_t *obj, struct oci_resources *res)
{
        res->rdma = xmalloc0((json_object_size(obj) + 1) * sizeof(*res->rdma));
        const char *device;
        json_t *v;
        json_object_foreach((json_t *) obj, device, v) {
                size_t mark = json_cursor_enter_key(c, device);
                struct oci_rdma *rd = &res->rdma[res->n_rdma++];
                rd->device = xstrdup(device);
                int r = parse_rdma_entry(c, v, rd);
                if (r < 0)
                        return r;
                json_cursor_leave(c, mark);
        }
        return 0;
}

/* Keys name files in the container's cgroup directory: no paths. */
static int parse_unified(struct json_cursor *c, const json_t *obj, struct oci_resources *res)
{
        res->unified = xmalloc0((json_object_size(obj) + 1) * sizeof(*res->unified));
        const char *key;
        json_t *v;
        json_object_foreach((json_t *) obj, key, v) {
                size_t mark = json_cursor_enter_key(c, key);
                if (!*key || strchr(key, '/') || strcmp(key, ".") == 0 || strcmp(key, "..") == 0)
                        return json_cursor_error(c, "must name a file in the container's cgroup");
                struct oci_unified *u = &res->unified[res->n_unified];
                int r = json_read_string(c, v, &u->value);
                if (r < 0)
                        return r;
                u->key = xstrdup(key);
                res->n_unified++;
                json_cursor_leave(c, mark);
        }
        return 0;
}

/* Parse the map member `key` with `parse`. */
static int parse_map_member(struct json_cursor *c, const json_t *obj, const char *key,
                            struct oci_resources *res,
                            int (*parse)(struct json_cursor *, const json_t *,
                                         struct oci_resources *))
{
        json_t *v;
        int r = json_member_object(c, obj, key, 0, &v);
        if (r <= 0)
                return r;
        size_t mark = json_cursor_enter_key(c, key);
        r = parse(c, v, res);
        if (r < 0)
                return r;
        json_cursor_leave(c, mark);
        return 0;
}

int config_parse_resources(struct json_cursor *c, const json_t *obj, struct oci_resources *res)
{
        int r;
        if ((r = PARSE_MEMBER_ARRAY(c, obj, "devices", res->devices, res->n_devices,
                                    parse_device_rule)) < 0 ||
            (r = PARSE_MEMBER_OBJECT(c, obj, "memory", &res->has_memory, parse_memory,
                                     &res->memory)) < 0 ||
            (r = PARSE_MEMBER_OBJECT(c, obj, "cpu", &res->has_cpu, parse_cpu, &res->cpu)) < 0 ||
            (r = PARSE_MEMBER_OBJECT(c, obj, "blockIO", &res->has_block_io, parse_block_io,
                                     &res->block_io)) < 0 ||
            (r = PARSE_MEMBER_ARRAY(c, obj, "hugepageLimits", res->hugepage_limits,
                                    res->n_hugepage_limits, parse_hugepage_limit)) < 0 ||
            (r = PARSE_MEMBER_OBJECT(c, obj, "network", &res->has_network, parse_network,
                                     &res->network)) < 0 ||
            (r = PARSE_MEMBER_OBJECT(c, obj, "pids", &res->has_pids, parse_pids, &res->pids)) < 0 ||
            (r = parse_map_member(c, obj, "rdma", res, parse_rdma)) < 0 ||
            (r = parse_map_member(c, obj, "unified", res, parse_unified)) < 0)
                return r;
        return 0;
}

/* ---- release ---------------------------------------------------------------------- */

static void hugepage_limit_release(struct oci_hugepage_limit *h)
{
        free(h->page_size);
}

static void net_priority_release(struct oci_net_priority *p)
{
        free(p->name);
}

static void rdma_release(struct oci_rdma *rd)
{
        free(rd->device);
}

static void unified_release(struct oci_unified *u)
{
        free(u->key);
        free(u->value);
}

void config_resources_release(struct oci_resources *res)
{
        free(res->devices);
        free(res->cpu.cpus);
        free(res->cpu.mems);
        free(res->block_io.weight_devices);
        free(res->block_io.throttle_read_bps.devices);
        free(res->block_io.throttle_write_bps.devices);
        free(res->block_io.throttle_read_iops.devices);
        free(res->block_io.throttle_write_iops.devices);
        RELEASE_ARRAY(res->hugepage_limits, res->n_hugepage_limits, hugepage_limit_release);
        RELEASE_ARRAY(res->network.priorities, res->network.n_priorities, net_priority_release);
        RELEASE_ARRAY(res->rdma, res->n_rdma, rdma_release);
        RELEASE_ARRAY(res->unified, res->n_unified, unified_release);
        memset(res, 0, sizeof(*res));
}

/* ---- a resources document on its own (berth update --resources) ----------------- */

int oci_resources_parse_data(const char *data, size_t len, const char *name, struct oci_resources *out,
                             struct berth_error *err)
{
        _cleanup_json_ json_t *root = NULL;
        struct json_cursor c;
        int r = config_document_open(data, len, name, &root, &c, err);
        if (r < 0)
                return r;
        memset(out, 0, sizeof(*out));
        r = config_parse_resources(&c, root, out);
        if (r < 0)
                config_resources_release(out);
        return r;
}

void oci_resources_release(struct oci_resources *res)
{
        config_resources_release(res);
}
