/* The process attributes beyond identity and limits: scheduler, I/O
 * priority, NUMA memory policy, and the LSM labels
 * (AppArmor, SELinux); plus the refusal of what berth does not implement
 * (linux.intelRdt), so no setting is silently ignored. */
#pragma once

#include <stdbool.h>

#include "common/error.h"
#include "oci/config.h"

/* In berth, before anything is created: what this host or berth cannot do
 * is an error naming the JSON path (e.g. an AppArmor profile on a host
 * without AppArmor, linux.intelRdt). */
int attributes_validate(const struct oci_config *cfg, struct berth_error *err);

/* In the init, while still privileged, before the identity changes:
 * process.scheduler, process.ioPriority, linux.memoryPolicy.
 * (process.execCPUAffinity is only validated: the spec makes it
 * inapplicable to the container's init process.) */
int attributes_apply(const struct oci_config *cfg, struct berth_error *err);

/* berth exec: process.execCPUAffinity.initial for berth before the new
 * process joins the container's cgroup (inherited by it), .final for the
 * process once inside.  Nothing when the list is absent. */
int attributes_apply_exec_affinity(const struct oci_process *p, bool final, struct berth_error *err);

/* In the init, the last step before execve: the LSM labels the process
 * gets on exec (AppArmor exec profile, SELinux exec label). */
int attributes_apply_exec_labels(const struct oci_config *cfg, struct berth_error *err);
