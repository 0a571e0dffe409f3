/* linux.netDevices: host network interfaces moved into the container's
 * network namespace (and renamed), through rtnetlink (libmnl). */
#pragma once

#include <sys/types.h>

#include "common/error.h"
#include "oci/config.h"

/* In berth, before anything is created: every listed interface exists on
 * the host and the config has a new network namespace. */
int net_devices_validate(const struct oci_config *cfg, struct berth_error *err);

/* In berth, after clone3 and before the init goes on: move each interface
 * into the network namespace of `pid`, with its new name. */
int net_devices_move(const struct oci_config *cfg, pid_t pid, struct berth_error *err);
