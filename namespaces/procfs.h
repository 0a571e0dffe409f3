/* A procfs the container cannot fake, for everything the init writes into
 * /proc, reads from it or mounts through /proc/self/fd once the container's
 * mounts exist: LSM exec labels, linux.sysctl, oom_score_adj, setgroups,
 * maskedPaths, readonlyPaths and /dev/console.  The container's own /proc
 * may be a volume, a tmpfs, a symlink, or carry binds over single files
 * (CVE-2019-16884, CVE-2023-28642, CVE-2025-52881): none of these functions
 * looks a path up in it. */
#pragma once

#include "common/error.h"

/* The root of a procfs berth trusts, opened on first use and kept for the
 * life of the process (O_CLOEXEC): a new procfs instance attached to no
 * mount tree (fsopen, Linux 5.2), so no mount can cover its files; where
 * the kernel or a user namespace refuses that, a clone of /proc without the
 * mounts on top of it (open_tree), or /proc itself, checked to be the root
 * of a procfs.  Open it while still privileged: the exec labels are written
 * after the identity change.  Returns an fd the caller must not close. */
int procfs_root(struct berth_error *err);

/* Close the procfs procfs_root opened.  The init calls it before it waits
 * for start: a waiting init holds no directory (CVE-2024-21626), and no
 * procfs without the container's masks that a process reaching its
 * /proc/1/fd could use.  A later procfs_root opens a new one, which after
 * the identity change may only be the container's /proc, checked. */
void procfs_close(void);

/* Open `path`, relative to the procfs root ("sys/kernel/hostname";
 * "self/..." and "thread-self/..." name this process and thread), with no
 * symlink, magic link or mount crossing followed, and check that what was
 * opened is on procfs.  Errors name the file as "/proc/<path>". */
int procfs_open(const char *path, int flags, struct berth_error *err);

/* The whole content of a procfs file, NUL-terminated. */
int procfs_read(const char *path, char **text, struct berth_error *err);

/* mount(2) on what fds hold, not on paths: both ends are named as entries of
 * this thread's fd directory in the trusted procfs.  `what` starts the
 * error message ("mask /proc/kcore: <strerror>").
 * procfs_bind_fd binds source_fd onto target_fd (MS_BIND | flags);
 * procfs_mount_on_fd mounts `fstype` on target_fd (NULL with MS_REMOUNT). */
int procfs_bind_fd(const char *what, int source_fd, int target_fd, unsigned long flags,
                   struct berth_error *err);
int procfs_mount_on_fd(const char *what, const char *fstype, int target_fd, unsigned long flags,
                       const char *data, struct berth_error *err);
