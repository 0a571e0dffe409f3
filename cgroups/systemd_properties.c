/* linux.resources as systemd unit properties (see systemd_properties.h).
 * The conversions are runc's, so a config gives the same unit under either
 * runtime; whatever systemd has no property for is left to the cgroupfs
 * writes that follow (cgroups/resources.h). */
#include "cgroups/systemd_properties.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/util.h"

/* The kernel's default CFS period, in microseconds. */
#define DEFAULT_CPU_PERIOD_US 100000
/* A cpuset list naming a cpu past this is refused rather than allocated. */
#define MAX_CPU_INDEX 65535

/* The systemd versions that added the properties (runc checks the same). */
#define SD_CPU_QUOTA_PERIOD 242
#define SD_ALLOWED_CPUS 244

static struct unit_prop *add(struct unit_props *props, const char *name, enum unit_prop_type type)
{
        props->p = xrealloc(props->p, (props->n + 1) * sizeof(*props->p));
        struct unit_prop *p = &props->p[props->n++];
        *p = (struct unit_prop) { .name = name, .type = type };
        return p;
}

static void add_u64(struct unit_props *props, const char *name, uint64_t v, unsigned min_version)
{
        struct unit_prop *p = add(props, name, UNIT_PROP_U64);
        p->u64 = v;
        p->min_version = min_version;
}

static void add_bool(struct unit_props *props, const char *name, bool v)
{
        add(props, name, UNIT_PROP_BOOL)->b = v;
}

/* -1 (and any negative value) is "no limit" in the spec. */
static uint64_t limit_or_infinity(int64_t v)
{
        return v < 0 ? UNIT_PROP_INFINITY : (uint64_t) v;
}

uint64_t cpu_shares_to_weight(uint64_t shares)
{
        if (shares <= 2)
                return 1;
        if (shares >= 262144)
                return 10000;
        return 1 + ((shares - 2) * 9999) / 262142;
}

/* ---- cpu lists ------------------------------------------------------------ */

static const char *skip_spaces(const char *s)
{
        while (isspace((unsigned char) *s))
                s++;
        return s;
}

static int parse_index(const char **s, unsigned long *out)
{
        const char *p = skip_spaces(*s);
        if (!isdigit((unsigned char) *p))
                return -EINVAL;
        char *end;
        errno = 0;
        unsigned long v = strtoul(p, &end, 10);
        if (errno || v > MAX_CPU_INDEX)
                return -ERANGE;
        *out = v;
        *s = skip_spaces(end);
        return 0;
}

int cpu_list_to_bitmap(const char *list, uint8_t **bitmap, size_t *len, struct berth_error *err)
{
        _cleanup_free_ uint8_t *bits = NULL;
        size_t n = 0;
        const char *s = skip_spaces(list);
        if (!*s)
                return berth_error_new(err, EINVAL, "\"%s\" is empty, expected a list like \"0-3,7\"", list);
        for (;;) {
                unsigned long lo, hi;
                int r = parse_index(&s, &lo);
                hi = lo;
                if (r == 0 && *s == '-') {
                        s++;
                        r = parse_index(&s, &hi);
                }
                if (r == -ERANGE)
                        return berth_error_new(err, ERANGE, "\"%s\": cpu or node numbers above %d are not supported",
                                               list, MAX_CPU_INDEX);
                if (r < 0 || hi < lo || (*s && *s != ','))
                        return berth_error_new(err, EINVAL, "\"%s\" is not a list like \"0-3,7\"", list);
                if (hi / 8 + 1 > n) {
                        bits = xrealloc(bits, hi / 8 + 1);
                        memset(bits + n, 0, hi / 8 + 1 - n);
                        n = hi / 8 + 1;
                }
                for (unsigned long i = lo; i <= hi; i++)
                        bits[i / 8] |= (uint8_t) (1u << (i % 8));
                if (!*s)
                        break;
                s++;
        }
        *bitmap = steal_pointer(&bits);
        *len = n;
        return 0;
}

static int add_bitmap(struct unit_props *props, const char *name, const char *list, const char *json_path,
                      struct berth_error *err)
{
        uint8_t *bits;
        size_t n;
        int r = cpu_list_to_bitmap(list, &bits, &n, err);
        if (r < 0)
                return berth_error_prefix(err, "config.json: %s", json_path);
        struct unit_prop *p = add(props, name, UNIT_PROP_BITMAP);
        p->bitmap = bits;
        p->bitmap_len = n;
        p->min_version = SD_ALLOWED_CPUS;
        return 0;
}

/* ---- cpu ------------------------------------------------------------------ */

/* CPUQuotaPerSecUSec is the quota scaled to a one-second period; systemd
 * keeps it in whole percent of a cpu, so it is rounded up to 10 ms, so the
 * exact quota the cgroupfs write then sets is never above what the unit
 * allows.  quota <= 0 with a period: no limit, period recorded. */
static void add_cpu_quota(struct unit_props *props, int64_t quota, uint64_t period)
{
        if (period != 0)
                add_u64(props, "CPUQuotaPeriodUSec", period, SD_CPU_QUOTA_PERIOD);
        if (quota == 0 && period == 0)
                return;
        uint64_t per_sec = UNIT_PROP_INFINITY;
        if (quota > 0) {
                uint64_t p = period ? period : DEFAULT_CPU_PERIOD_US;
                unsigned __int128 scaled = (unsigned __int128) quota * 1000000u / p;
                if (scaled % 10000)
                        scaled = (scaled / 10000 + 1) * 10000;
                per_sec = scaled >= UNIT_PROP_INFINITY ? UNIT_PROP_INFINITY : (uint64_t) scaled;
        }
        add_u64(props, "CPUQuotaPerSecUSec", per_sec, 0);
}

static int add_cpu(struct unit_props *props, const struct oci_cpu *c, struct berth_error *err)
{
        if (c->has_shares && c->shares != 0)
                add_u64(props, "CPUWeight", cpu_shares_to_weight(c->shares), 0);
        add_cpu_quota(props, c->has_quota ? c->quota : 0, c->has_period ? c->period : 0);
        int r;
        if (c->cpus && *c->cpus &&
            (r = add_bitmap(props, "AllowedCPUs", c->cpus, "/linux/resources/cpu/cpus", err)) < 0)
                return r;
        if (c->mems && *c->mems &&
            (r = add_bitmap(props, "AllowedMemoryNodes", c->mems, "/linux/resources/cpu/mems", err)) < 0)
                return r;
        return 0;
}

/* ---- memory --------------------------------------------------------------- */

/* The spec's swap is memory+swap (cgroup v1); memory.swap.max is swap
 * alone.  runc's rules: unlimited memory with no swap given means
 * unlimited swap too, and a swap limit needs a memory limit below it. */
static int add_swap(struct unit_props *props, const struct oci_memory *m, struct berth_error *err)
{
        int64_t memory = m->has_limit ? m->limit : 0;
        int64_t swap = m->has_swap ? m->swap : 0;
        if (memory == -1 && swap == 0)
                swap = -1;
        if (swap == 0)
                return 0;
        if (swap < 0) {
                add_u64(props, "MemorySwapMax", UNIT_PROP_INFINITY, 0);
                return 0;
        }
        if (memory <= 0)
                return berth_error_new(err, EINVAL,
                                       "config.json: /linux/resources/memory/swap: a swap limit needs "
                                       "/linux/resources/memory/limit");
        if (swap < memory)
                return berth_error_new(err, EINVAL,
                                       "config.json: /linux/resources/memory/swap: %" PRId64 " is below "
                                       "memory/limit %" PRId64 " (swap counts memory+swap)", swap, memory);
        add_u64(props, "MemorySwapMax", (uint64_t) (swap - memory), 0);
        return 0;
}

static int add_memory(struct unit_props *props, const struct oci_memory *m, struct berth_error *err)
{
        if (m->has_limit && m->limit != 0)
                add_u64(props, "MemoryMax", limit_or_infinity(m->limit), 0);
        if (m->has_reservation && m->reservation != 0)
                add_u64(props, "MemoryLow", limit_or_infinity(m->reservation), 0);
        return add_swap(props, m, err);
}

/* ---- linux.resources.unified ------------------------------------------------ */

/* "max" or a number, as the kernel's files take them. */
static int parse_max_or_u64(const char *v, uint64_t *out)
{
        if (strcmp(v, "max") == 0) {
                *out = UNIT_PROP_INFINITY;
                return 0;
        }
        if (!isdigit((unsigned char) *v))
                return -EINVAL;
        char *end;
        errno = 0;
        unsigned long long n = strtoull(v, &end, 10);
        if (errno || *end)
                return -EINVAL;
        *out = n;
        return 0;
}

/* cpu.max: "QUOTA [PERIOD]", QUOTA "max" for none. */
static int add_unified_cpu_max(struct unit_props *props, const char *v)
{
        char quota[32], period[32], extra;
        int n = sscanf(v, "%31s %31s %c", quota, period, &extra);
        if (n < 1 || n > 2)
                return -EINVAL;
        uint64_t q = 0, p = DEFAULT_CPU_PERIOD_US;
        if (strcmp(quota, "max") != 0 && (parse_max_or_u64(quota, &q) < 0 || q > INT64_MAX))
                return -EINVAL;
        if (n == 2 && (parse_max_or_u64(period, &p) < 0 || p == UNIT_PROP_INFINITY || p == 0))
                return -EINVAL;
        add_cpu_quota(props, (int64_t) q, p);
        return 0;
}

static const struct {
        const char *file, *property;
} unified_limits[] = {
        { "memory.high", "MemoryHigh" },
        { "memory.low", "MemoryLow" },
        { "memory.min", "MemoryMin" },
        { "memory.max", "MemoryMax" },
        { "memory.swap.max", "MemorySwapMax" },
        { "pids.max", "TasksMax" },
        { "cpu.weight", "CPUWeight" },
};

/* The files systemd has a property for; others are only written to the
 * cgroupfs.  Surrounding whitespace is allowed, as the kernel allows it. */
static int add_unified(struct unit_props *props, const struct oci_unified *u, struct berth_error *err)
{
        _cleanup_free_ char *v = xstrdup(skip_spaces(u->value));
        for (size_t n = strlen(v); n > 0 && isspace((unsigned char) v[n - 1]); n--)
                v[n - 1] = '\0';
        _cleanup_free_ char *json_path = xasprintf("/linux/resources/unified/%s", u->key);

        if (strcmp(u->key, "cpuset.cpus") == 0)
                return add_bitmap(props, "AllowedCPUs", v, json_path, err);
        if (strcmp(u->key, "cpuset.mems") == 0)
                return add_bitmap(props, "AllowedMemoryNodes", v, json_path, err);
        if (strcmp(u->key, "cpu.max") == 0) {
                if (add_unified_cpu_max(props, v) < 0)
                        return berth_error_new(err, EINVAL, "config.json: %s: \"%s\" is not \"QUOTA [PERIOD]\"",
                                               json_path, u->value);
                return 0;
        }
        for (size_t i = 0; i < sizeof(unified_limits) / sizeof(unified_limits[0]); i++) {
                if (strcmp(u->key, unified_limits[i].file) != 0)
                        continue;
                uint64_t n;
                bool weight = strcmp(u->key, "cpu.weight") == 0;
                if (parse_max_or_u64(v, &n) < 0 || (weight && n == UNIT_PROP_INFINITY))
                        return berth_error_new(err, EINVAL, "config.json: %s: \"%s\" is not %s", json_path,
                                               u->value, weight ? "a number" : "a number or \"max\"");
                add_u64(props, unified_limits[i].property, n, 0);
                return 0;
        }
        return 0;
}

/* ---- all of it -------------------------------------------------------------- */

static int add_resources(struct unit_props *props, const struct oci_resources *r, struct berth_error *err)
{
        int ret;
        if (r->has_memory && (ret = add_memory(props, &r->memory, err)) < 0)
                return ret;
        if (r->has_cpu && (ret = add_cpu(props, &r->cpu, err)) < 0)
                return ret;
        /* pids 0 and -1 are both "no limit", as in the cgroupfs plan
         * (crun's reading): a TasksMax=0 that the cgroupfs "max" hides
         * would come back on systemd's next daemon-reload. */
        if (r->has_pids && r->pids.has_limit)
                add_u64(props, "TasksMax", r->pids.limit > 0 ? (uint64_t) r->pids.limit : UNIT_PROP_INFINITY, 0);
        /* blkio weight 10..1000 onto io.weight 1..10000, as runc's fs2 driver maps it. */
        const struct oci_block_io *b = &r->block_io;
        if (r->has_block_io && b->has_weight && b->weight >= 10 && b->weight <= 1000)
                add_u64(props, "IOWeight", 1 + ((uint64_t) b->weight - 10) * 9999 / 990, 0);
        /* unified last: it wins over the typed fields, as in the cgroupfs. */
        for (size_t i = 0; i < r->n_unified; i++)
                if ((ret = add_unified(props, &r->unified[i], err)) < 0)
                        return ret;
        return 0;
}

int systemd_resource_properties(const struct oci_resources *r, struct unit_props *out,
                                struct berth_error *err)
{
        struct unit_props props = { 0 };
        /* Accounting on for every controller whatever the limits, as runc
         * does: stats work, and systemd enables the controllers in the
         * slices above so the cgroupfs writes find them. */
        add_bool(&props, "MemoryAccounting", true);
        add_bool(&props, "CPUAccounting", true);
        add_bool(&props, "IOAccounting", true);
        add_bool(&props, "TasksAccounting", true);
        int ret = r ? add_resources(&props, r, err) : 0;
        if (ret < 0) {
                unit_props_release(&props);
                return ret;
        }
        *out = props;
        return 0;
}

void unit_props_release(struct unit_props *props)
{
        for (size_t i = 0; i < props->n; i++)
                free(props->p[i].bitmap);
        free(props->p);
        props->p = NULL;
        props->n = 0;
}
