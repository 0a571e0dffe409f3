/* linux.resources on cgroup v2: a pure translation of the typed config into
 * the files to write (the same names and values runc writes for the same
 * config), the controllers those files need, and applying them to a group. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "oci/config.h"

/* One file to write in the container's group. */
struct cgroup_write {
        char *file;            /* "memory.max" */
        char *value;           /* "67108864" */
        char *json_path;       /* "config.json: /linux/resources/memory/limit": where errors point */
};

struct cgroup_writes {
        struct cgroup_write *w;
        size_t n;
};

/* What the translation needs to know of the group it will write to. */
struct cgroup_probe {
        bool io_bfq;           /* io.bfq.weight exists: weights go there, unconverted (runc) */
};

/* Translate.  Values a cgroup v2 host cannot honour (realtime, cgroup v1
 * only knobs asked to do something) are config errors naming their path.
 * `origin` is what places are named after: NULL for config.json's
 * "config.json: /linux/resources", or e.g. "update: " + "/memory/limit". */
int cgroup_resources_plan(const struct oci_resources *r, const struct cgroup_probe *probe, const char *origin,
                          struct cgroup_writes *out, struct berth_error *err);
void cgroup_writes_release(struct cgroup_writes *w);

/* An error that names its place as config.json does ("config.json:
 * /linux/resources/devices: ...") renamed after `origin` (see above). */
void cgroup_error_reorigin(struct berth_error *err, const char *origin);

/* The config errors of cgroup_resources_plan, found before anything
 * exists (create's validate step, whichever cgroup driver). */
int cgroup_resources_validate(const struct oci_resources *r, struct berth_error *err);

/* runc's conversions, also used for systemd's unit properties:
 * cpu shares [2, 262144] -> cpu.weight [1, 10000] (1024 -> 39), and blkio
 * weight [10, 1000] -> io.weight [1, 10000]. */
uint64_t cgroup_cpu_shares_to_weight(uint64_t shares);
uint64_t cgroup_blkio_weight_to_io_weight(uint16_t weight);

/* The controller a file belongs to ("memory" for memory.max), or NULL for
 * the core cgroup.* files. */
const char *cgroup_file_controller(const char *file, char buf[], size_t size);

/* The controllers at the top of the hierarchy (its cgroup.controllers);
 * "" when it cannot be read. */
char *cgroup_offered_controllers(const char *mountpoint);

/* Drop the writes of "max" (no limit) to controllers the hierarchy does not
 * offer: a new group is unlimited already, and Podman asks for pids "max"
 * on every container, also on hosts whose pids controller is on v1. */
void cgroup_writes_drop_unlimited(struct cgroup_writes *w, const char *offered);

/* Make every controller the writes need (`offered`: the hierarchy's, from
 * cgroup_offered_controllers) available in the group at
 * mountpoint+path, enabling it in cgroup.subtree_control from the top of
 * the hierarchy down to the group's parent; controllers the writes do not
 * need are enabled where possible (stats, later updates).  A needed one
 * that cannot be had is an error naming the JSON path, the controller,
 * why (bound to cgroup v1, not in this kernel, parent has processes...)
 * and what to do. */
int cgroup_controllers_enable(const char *mountpoint, const char *path, const char *offered,
                              const struct cgroup_writes *w, struct berth_error *err);

/* Write each file in order; an error names the file, the value and the
 * JSON path. */
int cgroup_writes_apply(const char *abs_path, const struct cgroup_writes *w, struct berth_error *err);

/* All of the above for an existing group (mountpoint + path): probe, plan,
 * enable, write, then the device program.  create and update use this;
 * origin as for cgroup_resources_plan. */
int cgroup_resources_apply(const char *mountpoint, const char *path, const struct oci_resources *r,
                           const char *origin, struct berth_error *err);
