/* The starter config.json `berth spec` writes. */
#pragma once

#include <stdbool.h>

#include "common/error.h"

/* A default config.json (runtime-spec 1.3.0) in the shape `runc spec`
 * gives: "sh" with a terminal from ./rootfs (read-only), the usual /proc,
 * /dev, /sys mounts, new pid/network/ipc/uts/mount/cgroup namespaces, a
 * few capabilities, masked and read-only /proc and /sys paths.  With
 * `rootless`: a user namespace mapping the caller's euid/egid to root, no
 * network namespace, /sys bind-mounted and no cgroup device rules.
 * *json is malloc'd, pretty-printed, and ends with a newline. */
int oci_spec_default(bool rootless, char **json, struct berth_error *err);
