/* linux.resources as systemd unit properties (systemd.resource-control(5)),
 * converted the way runc's systemd driver converts them, for the transient
 * unit of --systemd-cgroup.  A pure translation: no D-Bus here. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "oci/config.h"

/* systemd's "infinity" for the uint64 limits (MemoryMax, TasksMax, ...). */
#define UNIT_PROP_INFINITY UINT64_MAX

enum unit_prop_type {
        UNIT_PROP_U64,         /* D-Bus "t" */
        UNIT_PROP_BOOL,        /* D-Bus "b" */
        UNIT_PROP_BITMAP,      /* D-Bus "ay": a CPU or NUMA node mask, bit n = cpu n */
};

struct unit_prop {
        const char *name;      /* static: "MemoryMax" */
        enum unit_prop_type type;
        uint64_t u64;
        bool b;
        uint8_t *bitmap;
        size_t bitmap_len;
        /* The first systemd version that knows the property; an older one
         * would refuse the whole unit, so it is left out there and the
         * cgroupfs write alone sets the value. */
        unsigned min_version;
};

struct unit_props {
        struct unit_prop *p;
        size_t n;
};

/* Translate r (may be NULL: only the accounting properties).  Values that
 * cannot be expressed (a malformed cpuset list, swap below the memory
 * limit) are config errors naming the JSON path. */
int systemd_resource_properties(const struct oci_resources *r, struct unit_props *out,
                                struct berth_error *err);
void unit_props_release(struct unit_props *props);

/* cpu.shares (cgroup v1, 2..262144) to cpu.weight (1..10000), runc's
 * linear mapping; values outside the v1 range are clamped. */
uint64_t cpu_shares_to_weight(uint64_t shares);

/* "0-3,7" to a little-endian bitmap as systemd's AllowedCPUs= takes it.
 * -EINVAL (err filled, without a JSON path) when the list is malformed. */
int cpu_list_to_bitmap(const char *list, uint8_t **bitmap, size_t *len, struct berth_error *err);
