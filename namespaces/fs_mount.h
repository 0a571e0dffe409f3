/* New filesystem mounts (tmpfs, proc, sysfs, mqueue, devpts, cgroup2 ...)
 * made with the new mount API: the filesystem is created detached, takes
 * every option there, and is moved onto the destination's fd, so it is
 * never seen without its options and nothing acts on a path. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "common/error.h"
#include "oci/config.h"

struct fs_mount_request {
        const char *type;                     /* "tmpfs", "proc" ... */
        const char *source;                   /* what mountinfo shows as the source */
        const char *dest;                     /* the destination, for messages */
        unsigned long flags;                  /* MS_* flags */
        const struct mount_options *options;  /* data, propagation, recursive attributes */
};

/* The filesystem, created detached: fsopen(type), fsconfig (source,
 * superblock flags, each data option as a key or key=value), fsmount with
 * the per-mount flags, checked to be allowed on what target_fd holds as
 * mount(2) would.  Returns the mount's fd; -ENOSYS with err untouched
 * where mount(2) must make it instead (no fsopen, before Linux 5.2; flags
 * or an option the filesystem takes only in mount(2)'s data); else the
 * negative errno mount(2) would have failed with, err worded as for it. */
int fs_mount_create(const struct fs_mount_request *req, int target_fd, struct berth_error *err);

/* The detached mount `mnt` takes the recursive attributes and "shared"
 * (mount_setattr), then is moved onto what target_fd holds (move_mount).
 * "private", "slave" and "unbindable" are set on the attached mount, by
 * its fd: attaching under a shared mount makes a mount shared.  Returns 0;
 * -ENOSYS with err untouched, before anything is attached, where the
 * kernel has no mount_setattr (before Linux 5.12); else a negative errno
 * with err set. */
int fs_mount_attach(int mnt, int target_fd, const struct fs_mount_request *req, struct berth_error *err);

/* "mount SOURCE to DEST: <strerror>", "mount SOURCE (TYPE) to ..." when
 * the source is not the type's name.  Returns -errnum. */
int fs_mount_error(struct berth_error *err, int errnum, const struct fs_mount_request *req);

/* mount_setattr(2) on the mount `fd` holds, AT_RECURSIVE with `recursive`.
 * Returns 0 or -errno (-ENOSYS before Linux 5.12). */
int mount_setattr_fd(int fd, bool recursive, uint64_t attr_set, uint64_t attr_clr, uint64_t propagation);
