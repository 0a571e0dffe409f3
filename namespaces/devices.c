/* Device nodes and symlinks in the container's /dev, created before
 * pivot_root from inside the rootfs (see devices.h). */
#include "namespaces/devices.h"

#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/util.h"
#include "namespaces/path_resolve.h"

/* The devices the spec says every Linux container has. */
static const struct oci_device default_devices[] = {
        { .type = 'c', .path = "/dev/null",    .major = 1, .minor = 3 },
        { .type = 'c', .path = "/dev/zero",    .major = 1, .minor = 5 },
        { .type = 'c', .path = "/dev/full",    .major = 1, .minor = 7 },
        { .type = 'c', .path = "/dev/random",  .major = 1, .minor = 8 },
        { .type = 'c', .path = "/dev/urandom", .major = 1, .minor = 9 },
        { .type = 'c', .path = "/dev/tty",     .major = 5, .minor = 0 },
};

static const struct {
        const char *target, *name;
} dev_symlinks[] = {
        { "/proc/self/fd",   "fd" },
        { "/proc/self/fd/0", "stdin" },
        { "/proc/self/fd/1", "stdout" },
        { "/proc/self/fd/2", "stderr" },
};

static mode_t device_mode(const struct oci_device *dev)
{
        mode_t perm = dev->has_file_mode ? (dev->file_mode & 07777) : 0666;
        switch (dev->type) {
        case 'b':
                return S_IFBLK | perm;
        case 'p':
                return S_IFIFO | perm;
        default:  /* 'c' and 'u' (unbuffered) are both character devices */
                return S_IFCHR | perm;
        }
}

/* The last component of `path`, and its parent's length. */
static const char *split_path(const char *path, size_t *parent_len)
{
        const char *slash = strrchr(path, '/');
        *parent_len = slash ? (size_t) (slash - path) : 0;
        return slash ? slash + 1 : path;
}

static int mknod_device(int rootfd, int devfd, const struct oci_device *dev, struct berth_error *err)
{
        size_t parent_len;
        const char *name = split_path(dev->path, &parent_len);
        /* Devices straight in /dev, nearly all of them, reuse devfd. */
        int dirfd = devfd;
        _cleanup_close_ int parentfd = -1;
        if (parent_len != 4 || strncmp(dev->path, "/dev", 4) != 0) {
                _cleanup_free_ char *parent = parent_len ? xasprintf("%.*s", (int) parent_len, dev->path) : xstrdup("/");
                parentfd = path_open_in_root(rootfd, parent, PATH_CREATE_DIR, err);
                if (parentfd < 0)
                        return parentfd;
                dirfd = parentfd;
        }
        dev_t rdev = dev->type == 'p' ? 0 : makedev((unsigned) dev->major, (unsigned) dev->minor);
        /* A node the image already has is left as it is, as runc does. */
        if (mknodat(dirfd, name, device_mode(dev), rdev) < 0 && errno != EEXIST)
                return berth_error_errno(err, errno, "mknod %s", dev->path);
        if ((dev->has_uid || dev->has_gid)
            && fchownat(dirfd, name, dev->has_uid ? dev->uid : (uid_t) -1,
                        dev->has_gid ? dev->gid : (gid_t) -1, AT_SYMLINK_NOFOLLOW) < 0)
                return berth_error_errno(err, errno, "chown %s", dev->path);
        return 0;
}

/* In a user namespace mknod is refused: bind the host's node over an empty file. */
static int bind_device(int rootfd, const struct oci_device *dev, struct berth_error *err)
{
        _cleanup_close_ int fd = path_open_in_root(rootfd, dev->path, PATH_CREATE_FILE, err);
        if (fd < 0)
                return fd;
        char target[FD_PATH_MAX];
        if (mount(dev->path, fd_path(fd, target), NULL, MS_BIND, NULL) < 0)
                return berth_error_errno(err, errno, "bind mount %s from the host", dev->path);
        return 0;
}

static int create_device(int rootfd, int devfd, const struct oci_device *dev, bool bind_from_host,
                         struct berth_error *err)
{
        /* A user namespace may still create FIFOs. */
        if (bind_from_host && dev->type != 'p')
                return bind_device(rootfd, dev, err);
        return mknod_device(rootfd, devfd, dev, err);
}

static bool listed_in_config(const struct oci_linux *linux_, const char *path)
{
        for (size_t i = 0; i < linux_->n_devices; i++)
                if (strcmp(linux_->devices[i].path, path) == 0)
                        return true;
        return false;
}

static int create_devices(int rootfd, int devfd, const struct oci_linux *linux_, bool bind_from_host,
                          struct berth_error *err)
{
        for (size_t i = 0; i < linux_->n_devices; i++) {
                int r = create_device(rootfd, devfd, &linux_->devices[i], bind_from_host, err);
                if (r < 0)
                        return berth_error_prefix(err, "config.json: /linux/devices/%zu", i);
        }
        for (size_t i = 0; i < sizeof(default_devices) / sizeof(default_devices[0]); i++) {
                /* An entry in linux.devices with the same path overrides the default. */
                if (listed_in_config(linux_, default_devices[i].path))
                        continue;
                int r = create_device(rootfd, devfd, &default_devices[i], bind_from_host, err);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int create_symlink(int devfd, const char *target, const char *name, struct berth_error *err)
{
        if (symlinkat(target, devfd, name) < 0 && errno != EEXIST)
                return berth_error_errno(err, errno, "symlink /dev/%s -> %s", name, target);
        return 0;
}

static int create_symlinks(int devfd, struct berth_error *err)
{
        for (size_t i = 0; i < sizeof(dev_symlinks) / sizeof(dev_symlinks[0]); i++) {
                int r = create_symlink(devfd, dev_symlinks[i].target, dev_symlinks[i].name, err);
                if (r < 0)
                        return r;
        }
        /* /dev/ptmx must be the devpts instance's own ptmx, so that ptys the
         * container opens land in its /dev/pts. */
        if (unlinkat(devfd, "ptmx", 0) < 0 && errno != ENOENT)
                return berth_error_errno(err, errno, "remove /dev/ptmx");
        int r = create_symlink(devfd, "pts/ptmx", "ptmx", err);
        if (r < 0)
                return r;
        /* runc links core to kcore only where the kernel has one; the host's
         * /proc is still the one visible before pivot_root. */
        if (access("/proc/kcore", F_OK) == 0)
                return create_symlink(devfd, "/proc/kcore", "core", err);
        return 0;
}

int devices_setup(int rootfd, const struct oci_linux *linux_, bool bind_from_host,
                  struct berth_error *err)
{
        _cleanup_close_ int devfd = path_open_in_root(rootfd, "/dev", PATH_CREATE_DIR, err);
        if (devfd < 0)
                return devfd;
        /* Modes in the config are exact: the umask must not trim 0666 to 0644. */
        mode_t saved_umask = umask(0);
        int r = create_devices(rootfd, devfd, linux_, bind_from_host, err);
        umask(saved_umask);
        if (r < 0)
                return r;
        return create_symlinks(devfd, err);
}
