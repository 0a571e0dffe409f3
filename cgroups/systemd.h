/* The systemd cgroup driver (--systemd-cgroup): the container's group is a
 * transient scope that systemd creates over D-Bus (sd-bus), with the
 * resource limits as unit properties, as runc and crun do. */
#pragma once

#include <sys/types.h>

#include "common/error.h"
#include "oci/config.h"

struct systemd_scope {
        char *slice;           /* "machine.slice"; "system.slice" when the config leaves it empty */
        char *unit;            /* "berth-<id>.scope", "<prefix>-<name>.scope", or a name given whole */
};

/* linux.cgroupsPath in systemd's form "slice:prefix:name" (absent: the
 * default slice and berth-<id>.scope).  A path of another form is an error
 * naming /linux/cgroupsPath. */
int systemd_cgroup_parse(const char *cgroups_path, const char *id, struct systemd_scope *out,
                         struct berth_error *err);
void systemd_scope_release(struct systemd_scope *s);

/* Ask systemd on the system bus to start the transient scope holding pid,
 * with Delegate=yes and the limits of r (may be NULL) as properties; wait
 * for the job to finish.  *cgroup_path is the scope's group inside the
 * cgroup2 hierarchy ("/machine.slice/berth-x.scope").  No reachable systemd
 * is a clear error saying to drop --systemd-cgroup. */
int systemd_scope_start(const struct systemd_scope *s, pid_t pid, const struct oci_resources *r,
                        char **cgroup_path, struct berth_error *err);

/* Stop the unit and wait for it to go; a unit that is gone already is not
 * an error. */
int systemd_scope_stop(const char *unit, struct berth_error *err);

/* berth update: the new limits as the unit's properties too, so systemd
 * does not put the old ones back when it re-applies its units' settings
 * (daemon-reload); the cgroupfs writes follow as at create. */
int systemd_unit_set_resources(const char *unit, const struct oci_resources *r, struct berth_error *err);
