/* The processes of a container without a cgroup of its own (rootless, no
 * cgroup delegated): found through /proc from its init, for `berth ps`. */
#pragma once

#include <stddef.h>
#include <sys/types.h>

#include "common/error.h"

/* Every live process in the pid namespace of `init` when it has one of its
 * own (not berth's), else `init` and its descendants; *pids malloc'd, init
 * first.  An init that is gone gives an empty list. */
int pid_walk_container(pid_t init, pid_t **pids, size_t *n, struct berth_error *err);
