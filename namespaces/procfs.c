/* Reaching procfs files through a procfs berth made or checked itself (see
 * procfs.h), never through the container's /proc.  Files are opened with
 * openat2 refusing symlinks, magic links and mount crossings, or, where
 * openat2 is missing or filtered, one component at a time with the same
 * rules. */
#include "namespaces/procfs.h"

#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/magic.h>

#ifdef HAVE_LINUX_OPENAT2_H
#include <linux/openat2.h>
#else
struct open_how {
        unsigned long long flags, mode, resolve;
};
#endif
#ifndef RESOLVE_NO_XDEV
#define RESOLVE_NO_XDEV 0x01
#define RESOLVE_NO_MAGICLINKS 0x02
#define RESOLVE_NO_SYMLINKS 0x04
#define RESOLVE_BENEATH 0x08
#endif

#include "common/cleanup.h"
#include "common/log.h"
#include "common/util.h"
#include "namespaces/mount_attr.h"

/* openat2 (Linux 5.6) for C libraries that predate it (the new mount
 * API's numbers are in mount_attr.h); the same on every architecture. */
#if !HAVE_DECL_SYS_OPENAT2
#define SYS_openat2 437
#endif
#ifndef FSOPEN_CLOEXEC
#define FSOPEN_CLOEXEC 0x1
#endif
#ifndef FSCONFIG_CMD_CREATE
#define FSCONFIG_CMD_CREATE 6
#endif
#ifndef FSMOUNT_CLOEXEC
#define FSMOUNT_CLOEXEC 0x1
#endif

/* The inode number of every procfs root (fs/proc/root.c). */
#define PROC_ROOT_INO 1

/* ---- the trusted root ----------------------------------------------------- */

/* A new procfs of this process's pid namespace, attached nowhere: nothing
 * the container mounts can cover any of its files. */
static int new_procfs_instance(void)
{
        _cleanup_close_ int fs = (int) syscall(SYS_fsopen, "proc", FSOPEN_CLOEXEC);
        if (fs < 0)
                return -errno;
        if (syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
                return -errno;
        int mnt = (int) syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC,
                                MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
        return mnt >= 0 ? mnt : -errno;
}

/* The mount at /proc, copied without the mounts on top of its files (no
 * AT_RECURSIVE) and without following a symlink at /proc; whether it is a
 * procfs at all is checked by the caller. */
static int clone_of_proc(void)
{
        int fd = (int) syscall(SYS_open_tree, AT_FDCWD, "/proc",
                               OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_SYMLINK_NOFOLLOW);
        if (fd >= 0)
                return fd;
        fd = open("/proc", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        return fd >= 0 ? fd : -errno;
}

/* The root of a procfs, not a volume, a tmpfs or a bind of a procfs
 * subdirectory put at /proc. */
static int check_procfs_root(int fd, struct berth_error *err)
{
        struct statfs sfs;
        struct stat st;
        if (fstatfs(fd, &sfs) < 0 || fstat(fd, &st) < 0)
                return berth_error_errno(err, errno, "inspect the container's /proc");
        if (sfs.f_type != PROC_SUPER_MAGIC || !S_ISDIR(st.st_mode) || st.st_ino != PROC_ROOT_INO)
                return berth_error_new(err, EXDEV, "the container's /proc is not the root of a "
                                       "procfs (a volume, a symlink or part of a procfs mounted "
                                       "there): berth will not write to the kernel through it");
        return 0;
}

static int open_trusted_root(struct berth_error *err)
{
        int fd = new_procfs_instance();
        if (fd >= 0)
                return fd;
        /* EPERM: a user namespace that does not own the pid namespace may
         * not mount proc; ENOSYS: before Linux 5.2. */
        log_debug("no procfs instance of berth's own (%s): using the container's /proc, checked",
                  strerror(-fd));
        fd = clone_of_proc();
        if (fd < 0)
                return berth_error_errno(err, -fd, "open the container's /proc");
        _cleanup_close_ int root = fd;
        int r = check_procfs_root(root, err);
        if (r < 0)
                return r;
        return steal_fd(&root);
}

/* Per process: a child that inherited the parent's fd (a copy of berth's
 * memory) opens its own, of its own pid namespace. */
static int cached_root = -1;
static pid_t cached_for;

/* A forked child inherits the cache but not a use for it: the init and
 * exec's helper close every descriptor they inherit first thing, and the
 * number may since name another file of theirs.  It is forgotten, never
 * closed, in a process that did not open it. */
int procfs_root(struct berth_error *err)
{
        if (cached_root >= 0 && cached_for == getpid())
                return cached_root;
        cached_root = -1;
        int fd = open_trusted_root(err);
        if (fd < 0)
                return fd;
        cached_root = fd;
        cached_for = getpid();
        return fd;
}

void procfs_close(void)
{
        if (cached_root >= 0 && cached_for == getpid())
                close(cached_root);
        cached_root = -1;
}

/* ---- opening a file below it ------------------------------------------------ */

/* "self/x" -> "<pid>/x", "thread-self/x" -> "<pid>/task/<tid>/x", as the
 * trusted procfs's own symlinks say (the kernel writes them), so that the
 * lookup itself can refuse every symlink. */
static int expand_self(int root, const char *path, char **out, struct berth_error *err)
{
        static const char *const links[] = { "thread-self", "self" };
        for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
                size_t n = strlen(links[i]);
                if (strncmp(path, links[i], n) != 0 || (path[n] != '/' && path[n] != '\0'))
                        continue;
                char target[64];
                ssize_t len = readlinkat(root, links[i], target, sizeof(target) - 1);
                if (len < 0)
                        return berth_error_errno(err, errno, "readlink /proc/%s", links[i]);
                target[len] = '\0';
                *out = xasprintf("%s%s", target, path + n);
                return 0;
        }
        *out = xstrdup(path);
        return 0;
}

static int open_beneath_kernel(int root, const char *path, int flags)
{
        struct open_how how = {
                .flags = (unsigned long long) (flags | O_NOFOLLOW | O_CLOEXEC),
                .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS
                           | RESOLVE_NO_XDEV,
        };
        int fd = (int) syscall(SYS_openat2, root, path, &how, sizeof(how));
        return fd >= 0 ? fd : -errno;
}

/* Where the root's mount and a file's are the same: by mount id (statx,
 * Linux 5.8), else by device; a bind of a file of the same procfs instance
 * over another is only caught by the mount id. */
struct mount_key {
        bool by_id;
        uint64_t id;
        dev_t dev;
};

static int mount_key_of(int fd, struct mount_key *key)
{
        struct statx stx;
        if (statx(fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &stx) == 0 && (stx.stx_mask & STATX_MNT_ID)) {
                *key = (struct mount_key) { .by_id = true, .id = stx.stx_mnt_id };
                return 0;
        }
        struct stat st;
        if (fstat(fd, &st) < 0)
                return -errno;
        *key = (struct mount_key) { .by_id = false, .dev = st.st_dev };
        return 0;
}

static bool same_mount(const struct mount_key *a, const struct mount_key *b)
{
        return a->by_id == b->by_id && (a->by_id ? a->id == b->id : a->dev == b->dev);
}

/* One component below `dirfd`: never a symlink, never on another mount. */
static int open_component(int dirfd, const char *name, int flags, const struct mount_key *root_key)
{
        if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
                return -EXDEV;
        _cleanup_close_ int fd = openat(dirfd, name, flags | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        struct stat st;
        struct mount_key key;
        if (fstat(fd, &st) < 0 || mount_key_of(fd, &key) < 0)
                return -errno;
        if (S_ISLNK(st.st_mode))
                return -ELOOP;
        if (!same_mount(&key, root_key))
                return -EXDEV;
        return steal_fd(&fd);
}

/* Without openat2: before Linux 5.6, or a seccomp profile refusing it (the
 * exec labels are written after linux.seccomp may be loaded). */
static int open_beneath_walk(int root, const char *path, int flags)
{
        struct mount_key root_key;
        if (mount_key_of(root, &root_key) < 0)
                return -errno;
        _cleanup_free_ char *copy = xstrdup(path);
        _cleanup_close_ int dir = -1;
        char *rest = copy, *name;
        while ((name = strsep(&rest, "/"))) {
                if (!*name)
                        continue;
                bool last = !rest || rest[strspn(rest, "/")] == '\0';
                int fd = open_component(dir >= 0 ? dir : root, name,
                                        last ? flags : O_PATH | O_DIRECTORY, &root_key);
                if (fd < 0)
                        return fd;
                if (dir >= 0)
                        close(dir);
                dir = fd;
                if (last)
                        return steal_fd(&dir);
        }
        return -EINVAL;
}

int procfs_open(const char *path, int flags, struct berth_error *err)
{
        int root = procfs_root(err);
        if (root < 0)
                return root;
        _cleanup_free_ char *rel = NULL;
        int r = expand_self(root, path, &rel, err);
        if (r < 0)
                return r;
        int fd = open_beneath_kernel(root, rel, flags);
        if (fd == -ENOSYS || fd == -EPERM)
                fd = open_beneath_walk(root, rel, flags);
        if (fd == -EXDEV || fd == -ELOOP)
                return berth_error_new(err, -fd, "/proc/%s is a symlink or has another mount on "
                                       "it: refusing to use it", path);
        if (fd < 0)
                return berth_error_errno(err, -fd, "open /proc/%s", path);
        _cleanup_close_ int owned = fd;
        struct statfs sfs;
        if (fstatfs(owned, &sfs) < 0)
                return berth_error_errno(err, errno, "statfs /proc/%s", path);
        if (sfs.f_type != PROC_SUPER_MAGIC)
                return berth_error_new(err, EXDEV, "/proc/%s is not on procfs: refusing to use it", path);
        return steal_fd(&owned);
}

int procfs_read(const char *path, char **text, struct berth_error *err)
{
        _cleanup_close_ int fd = procfs_open(path, O_RDONLY, err);
        if (fd < 0)
                return fd;
        size_t len = 0, cap = 256;
        _cleanup_free_ char *buf = xmalloc0(cap);
        for (;;) {
                if (len + 1 == cap)
                        buf = xrealloc(buf, cap *= 2);
                ssize_t n = read(fd, buf + len, cap - len - 1);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return berth_error_errno(err, errno, "read /proc/%s", path);
                if (n == 0)
                        break;
                len += (size_t) n;
        }
        buf[len] = '\0';
        *text = steal_pointer(&buf);
        return 0;
}

/* ---- mounting by fd ------------------------------------------------------------ */

/* mount(2) takes paths: with this thread's fd directory of the trusted
 * procfs as the working directory, "N" names exactly what fd N holds.  The
 * working directory is put back afterwards. */
static int mount_in_fd_dir(const char *what, const char *source, int target_fd, const char *fstype,
                           unsigned long flags, const char *data, struct berth_error *err)
{
        _cleanup_close_ int fd_dir = procfs_open("thread-self/fd", O_PATH | O_DIRECTORY, err);
        if (fd_dir < 0)
                return berth_error_prefix(err, "%s", what);
        _cleanup_close_ int cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (cwd < 0)
                return berth_error_errno(err, errno, "%s: open the working directory", what);
        char target[16];
        snprintf(target, sizeof(target), "%d", target_fd);
        if (fchdir(fd_dir) < 0)
                return berth_error_errno(err, errno, "%s: chdir to /proc/thread-self/fd", what);
        int e = mount(source, target, fstype, flags, data) < 0 ? errno : 0;
        if (fchdir(cwd) < 0)
                return berth_error_errno(err, errno, "%s: return to the working directory", what);
        if (e)
                return berth_error_errno(err, e, "%s", what);
        return 0;
}

int procfs_bind_fd(const char *what, int source_fd, int target_fd, unsigned long flags,
                   struct berth_error *err)
{
        char source[16];
        snprintf(source, sizeof(source), "%d", source_fd);
        return mount_in_fd_dir(what, source, target_fd, NULL, MS_BIND | flags, NULL, err);
}

int procfs_mount_on_fd(const char *what, const char *fstype, int target_fd, unsigned long flags,
                       const char *data, struct berth_error *err)
{
        return mount_in_fd_dir(what, fstype, target_fd, fstype, flags, data, err);
}
