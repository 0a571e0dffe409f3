/* The device allow/deny list (linux.resources.devices) as cgroup v2 does
 * it: an eBPF program of type BPF_PROG_TYPE_CGROUP_DEVICE attached to the
 * container's group, as runc and crun do.  The default devices a container
 * always has (null, zero, full, random, urandom, tty, console, ptmx, pts,
 * and mknod of any device) are allowed after the config's rules, as runc
 * does. */
#pragma once

#include <stddef.h>

#include "common/error.h"
#include "oci/config.h"

/* Translate the rules (last match wins, the way the cgroup v1 list
 * behaved) plus the defaults into a BPF program, load it, attach it to the
 * group at abs_path with BPF_F_ALLOW_MULTI, then detach any program berth
 * attached there before (update replaces the list without a moment where
 * no program is attached).  An empty rule list with no deny-all entry
 * leaves every device allowed, as the spec's default is. */
int cgroup_devices_apply(const char *abs_path, const struct oci_device_cgroup *rules, size_t n,
                         struct berth_error *err);
