/* New filesystem mounts with the new mount API (fsopen, fsconfig, fsmount,
 * mount_setattr, move_mount), and the fallback signal for mount(2) where
 * the kernel or the filesystem cannot take them that way. */
#include "namespaces/fs_mount.h"

#include <errno.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/log.h"
#include "common/util.h"
#include "namespaces/mount_attr.h"
#include "namespaces/mount_options.h"
#include "namespaces/path_resolve.h"

/* struct mount_attr, spelled out: glibc only has it since 2.36. */
struct mount_attr_args {
        uint64_t attr_set, attr_clr, propagation, userns_fd;
};

int mount_setattr_fd(int fd, bool recursive, uint64_t attr_set, uint64_t attr_clr, uint64_t propagation)
{
        struct mount_attr_args attr = {
                .attr_set = attr_set, .attr_clr = attr_clr, .propagation = propagation,
        };
        unsigned flags = AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0);
        if (syscall(SYS_mount_setattr, fd, "", flags, &attr, sizeof(attr)) < 0)
                return -errno;
        return 0;
}

int fs_mount_error(struct berth_error *err, int errnum, const struct fs_mount_request *req)
{
        if (strcmp(req->source, req->type) == 0)
                return berth_error_errno(err, errnum, "mount %s to %s", req->source, req->dest);
        return berth_error_errno(err, errnum, "mount %s (%s) to %s", req->source, req->type, req->dest);
}

/* Hand the mount to mount(2), saying why for --debug, with the kernel's
 * own words from the filesystem context when it left some. */
static int use_mount_syscall(int fs, const struct fs_mount_request *req, const char *why, int errnum)
{
        char msg[256] = "";
        ssize_t n = fs >= 0 ? read(fs, msg, sizeof(msg) - 1) : -1;
        msg[n > 0 ? n : 0] = '\0';
        log_debug("mount %s on %s with mount(2): %s: %s%s%s", req->type, req->dest, why, strerror(errnum),
                  *msg ? ": " : "", msg);
        return -ENOSYS;
}

static int fsconfig_set(int fs, const char *key, const char *value)
{
        unsigned cmd = value ? FSCONFIG_SET_STRING : FSCONFIG_SET_FLAG;
        if (syscall(SYS_fsconfig, fs, cmd, key, value, 0) < 0)
                return -errno;
        return 0;
}

/* One option: "key" or "key=value", as mount(2)'s data splits them.
 * EINVAL: the filesystem does not know it by fsconfig (some parse only
 * mount(2)'s whole data string): mount(2) must do the mount. */
static int set_data_option(int fs, char *option, const struct fs_mount_request *req, struct berth_error *err)
{
        char *value = strchr(option, '=');
        if (value)
                *value++ = '\0';
        int r = fsconfig_set(fs, option, value);
        if (r == -EINVAL)
                return use_mount_syscall(fs, req, option, EINVAL);
        if (r < 0)
                return fs_mount_error(err, -r, req);
        return 0;
}

/* mount(2)'s data split at commas.  A quote (an LSM option like
 * context="a,b" keeps its commas) or an option with no name are left to
 * mount(2), which parses them as a whole. */
static int set_data_options(int fs, const struct fs_mount_request *req, struct berth_error *err)
{
        const char *data = req->options->data;
        if (!data)
                return 0;
        if (strchr(data, '"') || strstr(data, ",=") || data[0] == '=')
                return use_mount_syscall(fs, req, "quoted or unnamed options", EINVAL);
        _cleanup_free_ char *copy = xstrdup(data);
        char *rest = copy, *option;
        while ((option = strsep(&rest, ","))) {
                if (!*option)
                        continue;
                int r = set_data_option(fs, option, req, err);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* The filesystem context, configured: source, superblock flags, data. */
static int open_fs_context(const struct fs_mount_request *req, const char **sb_flags, struct berth_error *err)
{
        /* Any failure, not only ENOSYS: mount(2) says what is wrong (an
         * unknown type, a user namespace that may not mount it) with the
         * errno a caller acts on, and works where a seccomp profile
         * outside berth refuses fsopen only. */
        _cleanup_close_ int fs = (int) syscall(SYS_fsopen, req->type, FSOPEN_CLOEXEC);
        if (fs < 0)
                return use_mount_syscall(-1, req, "fsopen", errno);
        int r = fsconfig_set(fs, "source", req->source);
        if (r == -EINVAL)
                return use_mount_syscall(fs, req, "source", EINVAL);
        if (r < 0)
                return fs_mount_error(err, -r, req);
        for (size_t i = 0; sb_flags[i]; i++) {
                r = fsconfig_set(fs, sb_flags[i], NULL);
                if (r < 0)
                        return use_mount_syscall(fs, req, sb_flags[i], -r);
        }
        r = set_data_options(fs, req, err);
        if (r < 0)
                return r;
        return steal_fd(&fs);
}

/* mount(2) refuses a filesystem on the root of a mount of the same
 * superblock (EBUSY), where move_mount does not: a cgroup2 asked for on
 * the host's cgroup2 in a rootless /sys ("rbind" of the host's) must fail
 * the same way, so that the caller binds the container's own cgroup
 * instead, as runc does.  1 when it would refuse, 0 when not, -1 when
 * only mount(2) can tell (STATX_ATTR_MOUNT_ROOT: Linux 5.8). */
static int same_fs_on_mount_root(int mnt, int target_fd)
{
        struct stat st;
        struct statx stx;
        if (fstat(mnt, &st) < 0 || statx(target_fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &stx) < 0)
                return -1;
        if (st.st_dev != makedev(stx.stx_dev_major, stx.stx_dev_minor))
                return 0;
        if (!(stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT))
                return -1;
        return (stx.stx_attributes & STATX_ATTR_MOUNT_ROOT) != 0;
}

int fs_mount_create(const struct fs_mount_request *req, int target_fd, struct berth_error *err)
{
        const char *sb_flags[MOUNT_SB_FLAGS_MAX + 1];
        uint64_t attr;
        if (mount_flags_for_fsmount(req->flags, sb_flags, &attr) < 0)
                return use_mount_syscall(-1, req, "flags only mount(2) takes", EOPNOTSUPP);
        _cleanup_close_ int fs = open_fs_context(req, sb_flags, err);
        if (fs < 0)
                return fs;
        /* EINVAL: legacy filesystems parse their options only now. */
        if (syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
                return errno == EINVAL ? use_mount_syscall(fs, req, "create", EINVAL)
                                       : fs_mount_error(err, errno, req);
        _cleanup_close_ int mnt = (int) syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, (unsigned) attr);
        if (mnt < 0)
                return fs_mount_error(err, errno, req);
        int same = same_fs_on_mount_root(mnt, target_fd);
        if (same < 0)
                return use_mount_syscall(-1, req, "the same filesystem on a mount root?", ENOSYS);
        if (same)
                return fs_mount_error(err, EBUSY, req);
        return steal_fd(&mnt);
}

/* mount_setattr on the detached mount; `what` words a failure.  Before
 * Linux 5.12 the mount is left to mount(2), which nothing saw yet. */
static int setattr_detached(int mnt, const struct fs_mount_request *req, const char *what, bool recursive,
                            uint64_t attr_set, uint64_t attr_clr, uint64_t propagation,
                            struct berth_error *err)
{
        int r = mount_setattr_fd(mnt, recursive, attr_set, attr_clr, propagation);
        if (r == -ENOSYS)
                return use_mount_syscall(-1, req, "mount_setattr", ENOSYS);
        if (r < 0)
                return berth_error_errno(err, -r, "%s %s", what, req->dest);
        return 0;
}

/* On the detached mount: the recursive attributes ("rro" ...; a new
 * filesystem has no submounts yet, but they are set as asked), and
 * "shared".  A detached mount is private already; "private", "slave" and
 * "unbindable" are set once it is attached, because attaching under a
 * shared mount makes a mount shared, and refuses an unbindable one. */
static int configure_detached(int mnt, const struct fs_mount_request *req, struct berth_error *err)
{
        const struct mount_options *o = req->options;
        if (o->attr_set || o->attr_clr) {
                int r = setattr_detached(mnt, req, "apply recursive mount options to", true, o->attr_set,
                                         o->attr_clr, 0, err);
                if (r < 0)
                        return r;
        }
        if (!(o->propagation & MS_SHARED))
                return 0;
        return setattr_detached(mnt, req, "set the propagation of", o->propagation & MS_REC, 0, 0, MS_SHARED,
                                err);
}

int fs_mount_attach(int mnt, int target_fd, const struct fs_mount_request *req, struct berth_error *err)
{
        int r = configure_detached(mnt, req, err);
        if (r < 0)
                return r;
        unsigned flags = MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH;
        if (syscall(SYS_move_mount, mnt, "", target_fd, "", flags) < 0)
                return fs_mount_error(err, errno, req);
        /* By the mount's fd, as mount(2) then a propagation change would
         * leave it; mount(2) rather than mount_setattr, which a kernel
         * before 5.12 lacks, now that the mount cannot be left to mount(2)
         * any more.  Before pivot_root, /proc is the host's. */
        unsigned long propagation = req->options->propagation;
        if (!propagation || (propagation & MS_SHARED))
                return 0;
        char target[FD_PATH_MAX];
        if (mount(NULL, fd_path(mnt, target), NULL, propagation, NULL) < 0)
                return berth_error_errno(err, errno, "set the propagation of %s", req->dest);
        return 0;
}
