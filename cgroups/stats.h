/* Statistics of a container's group, as `berth events` prints them: the
 * "data" object of runc's events JSON (cpu, memory, pids, blkio, hugetlb,
 * ...), read from the cgroup v2 files that exist (a controller that is not
 * enabled leaves its part zero, as runc does). */
#pragma once

#include <jansson.h>
#include <stdint.h>

#include "common/error.h"

/* Build runc's stats object for the group at abs_path. */
int cgroup_stats_read(const char *abs_path, json_t **stats, struct berth_error *err);

/* Serialize `doc` (the stats object, or an event holding it) on one line
 * as runc prints it.  jansson integers are signed, so a "max" limit, which
 * runc prints as 18446744073709551615, is held in the json_t as INT64_MIN
 * and only spelled out here.  *out is malloc'd. */
int cgroup_stats_dump(const json_t *doc, char **out, struct berth_error *err);

/* memory.events "oom_kill" (0 when the memory controller is absent): the
 * events stream reports an "oom" event whenever it grows. */
int cgroup_oom_kill_count(const char *abs_path, uint64_t *count, struct berth_error *err);
