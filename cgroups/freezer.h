/* cgroup v2's freezer (cgroup.freeze / cgroup.events "frozen"), a core
 * file of every non-root group: pause and resume need no controller. */
#pragma once

#include <stdbool.h>

#include "common/error.h"

/* Write cgroup.freeze and wait (poll on cgroup.events, bounded) until the
 * kernel reports the group frozen (or thawed). */
int cgroup_freeze(const char *abs_path, bool frozen, struct berth_error *err);

/* Whether cgroup.events says "frozen 1".  A group that is gone is not
 * frozen. */
int cgroup_is_frozen(const char *abs_path, bool *frozen, struct berth_error *err);
