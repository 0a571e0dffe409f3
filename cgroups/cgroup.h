/* cgroup v2 placement: the container's own group, found on whichever
 * cgroup2 mount the host has, and the operations lifecycle needs
 * (enter, signal every process, destroy). */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "common/error.h"
#include "oci/config.h"

struct cgroup_handle {
        char *mountpoint;      /* where cgroup2 is mounted: /sys/fs/cgroup or /sys/fs/cgroup/unified */
        char *path;            /* the group's path inside the hierarchy, starting with '/' */
        char *abs_path;        /* mountpoint + path */
        int dirfd;             /* O_PATH|O_DIRECTORY of the group: clone3 CLONE_INTO_CGROUP */
};

/* Find the cgroup2 mount, work out the group's path from linux.cgroupsPath
 * (absolute: inside the hierarchy; relative: under berth's own group;
 * absent: /berth/<id>), create the group, apply linux.resources to it
 * (cgroups/resources.h) and open it.  On error nothing is left behind. */
int cgroup_create(const struct oci_config *cfg, const char *id, struct cgroup_handle *cg,
                  struct berth_error *err);

/* Fallback when clone3 cannot place the child (kernel < 5.7): write pid to
 * cgroup.procs. */
int cgroup_enter(const struct cgroup_handle *cg, pid_t pid, struct berth_error *err);

/* Send `sig` to every process of the group at `abs_path` (SIGKILL through
 * cgroup.kill where the kernel has it). */
int cgroup_signal_all(const char *abs_path, int sig, struct berth_error *err);

/* Read every pid of the group; *pids is malloc'd. */
int cgroup_list_pids(const char *abs_path, pid_t **pids, size_t *n, struct berth_error *err);

/* Kill what is left, wait until the group is empty, remove it.  A group
 * that is already gone is not an error. */
int cgroup_destroy(const char *abs_path, struct berth_error *err);

void cgroup_handle_release(struct cgroup_handle *cg);

/* The cgroup2 mount cgroup_create uses (*mountpoint) and the part of the
 * hierarchy it shows (*root: "/" unless a subtree is mounted), for
 * `berth check`. */
int cgroup_find_mount(char **mountpoint, char **root, struct berth_error *err);

/* Rootless: whether `r` asks for any limit a cgroup would have to hold
 * (a file write other than "max"; device rules do not count: an
 * unprivileged berth cannot load their program, and in a user namespace
 * the container cannot create device nodes anyway).  A config error in
 * `r` counts as asking. */
bool cgroup_resources_need_group(const struct oci_resources *r);

/* A cgroup_create error that says no cgroup is delegated to this user
 * (EACCES, EPERM, EROFS) or none is there (ENOENT: no cgroup2 mount). */
bool cgroup_error_not_delegated(int r);

/* berth's own group as a path inside a mount that shows `mount_root`. */
int cgroup_own_group(const char *mount_root, char **path, struct berth_error *err);
