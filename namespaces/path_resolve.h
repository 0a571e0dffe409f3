/* Open a path inside the container's rootfs as if the rootfs were "/", so
 * that symlinks and ".." in an untrusted image cannot lead outside it. */
#pragma once

#include "common/error.h"

enum path_create {
        PATH_CREATE_NONE,  /* the path must exist */
        PATH_CREATE_DIR,   /* create missing directories, the last component too */
        PATH_CREATE_FILE,  /* create missing directories, the last component as an empty file */
};

/* Open `path` (absolute or not, either way taken from the rootfs) inside the
 * directory `rootfd`: absolute symlinks restart at rootfd and ".." stops
 * there.  Returns an fd with O_CLOEXEC (O_PATH unless it was just created as
 * a file) or a negative errno with err naming `path`. */
int path_open_in_root(int rootfd, const char *path, enum path_create create,
                      struct berth_error *err);

/* Open the directory `path` names inside `rootfd`, creating missing
 * directories, with no symlink followed on the way: for the filesystems
 * that maskedPaths and readonlyPaths protect (proc, sysfs, cgroup2), which
 * must be mounted where the path says and not where a symlink leads, that
 * a volume shared with another container could swap (CVE-2019-19921,
 * CVE-2023-27561).  Each component is opened O_NOFOLLOW relative to the one
 * before, so the check and the directory returned are the same file.  A
 * symlink fails with -ELOOP and err naming it and its target; anything
 * else that is no directory with -ENOTDIR.  Returns an O_PATH fd. */
int path_open_dir_no_symlinks(int rootfd, const char *path, struct berth_error *err);

/* The same walk for any mount destination in /proc or /sys, where a
 * symlink the image put there before the filesystem is mounted, or one on
 * a volume mounted below, would send a mount somewhere the path does not
 * name.  Only the links procfs and sysfs show themselves are followed
 * (/proc/self, /sys/class/...: no process can change them), never a magic
 * one; ".." never goes above rootfd; missing components are created as
 * `create` says, and the last one may be a file.  Any other symlink fails
 * with -ELOOP and err naming it and its target.  Returns an O_PATH fd. */
int path_open_kernel_links_only(int rootfd, const char *path, enum path_create create,
                                struct berth_error *err);

/* "/proc/self/fd/N": mount(2) on this acts on exactly the file the fd holds,
 * not on whatever the path resolves to now. */
#define FD_PATH_MAX 32
const char *fd_path(int fd, char buf[FD_PATH_MAX]);
