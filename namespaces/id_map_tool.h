/* newuidmap and newgidmap (shadow's uidmap package, setuid root): how an
 * unprivileged user maps more than its own id into a user namespace, the
 * ranges /etc/subuid and /etc/subgid grant it. */
#pragma once

#include <stddef.h>
#include <sys/types.h>

#include "common/error.h"
#include "oci/config.h"

enum id_map_kind {
        ID_MAP_UID,            /* uid_map, through newuidmap */
        ID_MAP_GID,            /* gid_map, through newgidmap */
};

/* Run newuidmap or newgidmap, found in PATH (or the system directories
 * when PATH is unset), to write `maps` for process `pid`.  A missing tool
 * is an error naming the uidmap package; a refusal carries the tool's own
 * words and says where the ranges are granted. */
int id_map_tool_write(enum id_map_kind kind, pid_t pid, const struct oci_id_mapping *maps, size_t n,
                      struct berth_error *err);
