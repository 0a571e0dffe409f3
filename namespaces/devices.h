/* Device nodes in the container's /dev: linux.devices, the default devices
 * every container gets (null, zero, full, random, urandom, tty) and the
 * /dev symlinks (fd, stdin, stdout, stderr, ptmx, core). */
#pragma once

#include <stdbool.h>

#include "common/error.h"
#include "oci/config.h"

/* Create the devices and symlinks under the rootfs open at `rootfd` (paths
 * resolved inside it).  With bind_from_host (a user namespace, where mknod
 * is not allowed) each device is bind mounted from the host's same path. */
int devices_setup(int rootfd, const struct oci_linux *linux_, bool bind_from_host,
                  struct berth_error *err);
