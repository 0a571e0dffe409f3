/* The container's root filesystem, built in its new mount namespace:
 * mounts[] (destinations resolved inside the rootfs, mounted through
 * /proc/self/fd so the checked path is the one mounted on), /dev,
 * pivot_root, then masked and readonly paths. */
#include "namespaces/rootfs.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/util.h"
#include "namespaces/devices.h"
#include "namespaces/fs_mount.h"
#include "namespaces/idmapped_mount.h"
#include "namespaces/mount_attr.h"
#include "namespaces/mount_options.h"
#include "namespaces/path_resolve.h"
#include "namespaces/procfs.h"

#define CGROUP2_MAGIC 0x63677270
#define SYSFS_MAGIC 0x62656572

/* Per-mount flags a bind mount only takes on a second, remount pass. */
#define BIND_REMOUNT_FLAGS (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME \
                            | MS_NODIRATIME | MS_RELATIME | MS_STRICTATIME | MS_NOSYMFOLLOW)

/* ---- small helpers ------------------------------------------------------ */

/* Skip slashes and "." components. */
static const char *skip_separators(const char *p)
{
        for (;;) {
                while (*p == '/')
                        p++;
                if (p[0] != '.' || (p[1] != '/' && p[1] != '\0'))
                        return p;
                p++;
        }
}

/* "/dev", "//dev/", "/./dev" all name /dev. */
static bool path_equal(const char *a, const char *b)
{
        for (;;) {
                a = skip_separators(a);
                b = skip_separators(b);
                if (*a == '\0' || *b == '\0')
                        return *a == *b;
                size_t la = strcspn(a, "/"), lb = strcspn(b, "/");
                if (la != lb || memcmp(a, b, la) != 0)
                        return false;
                a += la;
                b += lb;
        }
}

static bool streq(const char *a, const char *b)
{
        return a && strcmp(a, b) == 0;
}

static bool mount_is_bind(const struct oci_mount *m)
{
        return m->parsed.bind || streq(m->type, "bind");
}

static bool mount_is_cgroup(const struct oci_mount *m)
{
        /* Only cgroup v2 is supported: on a v1 or hybrid host "cgroup" gets
         * the unified hierarchy too. */
        return streq(m->type, "cgroup2") || streq(m->type, "cgroup");
}

static bool config_lists_namespace(const struct oci_config *cfg, enum oci_namespace_type type)
{
        for (size_t i = 0; i < cfg->linux_.n_namespaces; i++)
                if (cfg->linux_.namespaces[i].type == type)
                        return true;
        return false;
}

/* /dev mounted read-only is mounted writable first, so device nodes can be
 * created in it, and made read-only in rootfs_finalize. */
static bool is_readonly_dev_mount(const struct oci_mount *m)
{
        return path_equal(m->destination, "/dev") && !mount_is_bind(m)
               && (m->parsed.flags & MS_RDONLY);
}

/* The MS_* flags a filesystem entry is mounted with first. */
static unsigned long fs_mount_flags(const struct oci_mount *m)
{
        if (is_readonly_dev_mount(m))
                return m->parsed.flags & ~(unsigned long) MS_RDONLY;
        return m->parsed.flags;
}

/* A /dev bind mounted from the host already has its devices (runc skips
 * creating devices then, and so does berth). */
static bool dev_is_bind_mount(const struct oci_config *cfg)
{
        for (size_t i = 0; i < cfg->n_mounts; i++)
                if (mount_is_bind(&cfg->mounts[i]) && path_equal(cfg->mounts[i].destination, "/dev"))
                        return true;
        return false;
}

/* MS_* per-mount flags -> MOUNT_ATTR_*; the atime mode is one field. */
static void ms_to_mount_attr(unsigned long set, unsigned long clear, uint64_t *attr_set, uint64_t *attr_clr)
{
        static const struct { unsigned long ms; uint64_t attr; } map[] = {
                { MS_RDONLY, MOUNT_ATTR_RDONLY },
                { MS_NOSUID, MOUNT_ATTR_NOSUID },
                { MS_NODEV, MOUNT_ATTR_NODEV },
                { MS_NOEXEC, MOUNT_ATTR_NOEXEC },
                { MS_NODIRATIME, MOUNT_ATTR_NODIRATIME },
                { MS_NOSYMFOLLOW, MOUNT_ATTR_NOSYMFOLLOW },
        };
        *attr_set = *attr_clr = 0;
        for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
                if (set & map[i].ms)
                        *attr_set |= map[i].attr;
                else if (clear & map[i].ms)
                        *attr_clr |= map[i].attr;
        }
        if (set & (MS_NOATIME | MS_STRICTATIME | MS_RELATIME)) {
                *attr_clr |= MOUNT_ATTR__ATIME;
                *attr_set |= (set & MS_NOATIME) ? MOUNT_ATTR_NOATIME
                           : (set & MS_STRICTATIME) ? MOUNT_ATTR_STRICTATIME : MOUNT_ATTR_RELATIME;
        }
}

/* statvfs f_flag bits have the values of the matching MS_* flags. */
#define STATVFS_MOUNT_FLAGS (ST_RDONLY | ST_NOSUID | ST_NODEV | ST_NOEXEC | ST_NOATIME \
                             | ST_NODIRATIME | ST_RELATIME)

/* Bind remount for kernels before 5.12 (no mount_setattr): MS_REMOUNT sets
 * all per-mount flags at once, so keep the ones not asked to change (in a
 * user namespace dropping a locked one would be EPERM). */
static int bind_remount_legacy(const char *path, unsigned long set, unsigned long clear)
{
        struct statvfs sv;
        if (statvfs(path, &sv) < 0)
                return -errno;
        unsigned long keep = sv.f_flag & STATVFS_MOUNT_FLAGS & ~clear;
        if (set & (MS_NOATIME | MS_STRICTATIME | MS_RELATIME))
                keep &= ~(unsigned long) (MS_NOATIME | MS_RELATIME);
        if (mount(NULL, path, NULL, MS_BIND | MS_REMOUNT | set | keep, NULL) < 0)
                return -errno;
        return 0;
}

/* Change per-mount flags of the mount `fd` holds (only what is asked). */
static int change_mount_flags(int fd, unsigned long set, unsigned long clear)
{
        uint64_t attr_set, attr_clr;
        ms_to_mount_attr(set, clear, &attr_set, &attr_clr);
        int r = mount_setattr_fd(fd, false, attr_set, attr_clr, 0);
        if (r != -ENOSYS)
                return r;
        char buf[FD_PATH_MAX];
        return bind_remount_legacy(fd_path(fd, buf), set, clear);
}

/* ---- one entry of mounts[] ----------------------------------------------- */

/* A bind mount takes per-mount flags only on a second pass.  As in runc,
 * options that only clear flags ("rw" alone) leave the flags the bind
 * inherited from its source. */
static bool bind_needs_flags(const struct mount_options *o, bool bind)
{
        return bind && (o->flags & BIND_REMOUNT_FLAGS);
}

/* Propagation and recursive attributes of one entry, on the mount `mnt`
 * holds (the root of the new mount, not a path to it). */
static int set_propagation_and_attrs(int mnt, const char *dest, const struct mount_options *o,
                                     struct berth_error *err)
{
        char target[FD_PATH_MAX];
        if (o->propagation && mount(NULL, fd_path(mnt, target), NULL, o->propagation, NULL) < 0)
                return berth_error_errno(err, errno, "set the propagation of %s", dest);
        if (!o->attr_set && !o->attr_clr)
                return 0;
        int r = mount_setattr_fd(mnt, true, o->attr_set, o->attr_clr, 0);
        if (r == -ENOSYS)
                return berth_error_new(err, ENOSYS,
                                       "recursive mount options on %s need Linux 5.12 (mount_setattr)", dest);
        if (r < 0)
                return berth_error_errno(err, -r, "apply recursive mount options to %s", dest);
        return 0;
}

/* The mount that mount(2) just made on what `mounted_on` holds, found
 * again by its path (mount(2) returns no fd of it).  A process racing on a
 * shared volume can swap that path for a symlink to another mount
 * meanwhile (CVE-2021-30465): what is found must be the root of a mount
 * and sit where `mounted_on` sits, or berth refuses rather than give
 * another mount the new one's options. */
static int reopen_new_mount(int rootfd, const char *dest, int mounted_on, struct berth_error *err)
{
        _cleanup_close_ int fd = path_open_in_root(rootfd, dest, PATH_CREATE_NONE, err);
        if (fd < 0)
                return fd;
        struct statx stx;
        if (statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &stx) < 0)
                return berth_error_errno(err, errno, "statx %s", dest);
        /* STATX_ATTR_MOUNT_ROOT: Linux 5.8; the paths compare before. */
        bool mount_root = !(stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT)
                          || (stx.stx_attributes & STATX_ATTR_MOUNT_ROOT);
        char link[FD_PATH_MAX], where[4096], found[4096];
        ssize_t nw = readlink(fd_path(mounted_on, link), where, sizeof(where) - 1);
        ssize_t nf = readlink(fd_path(fd, link), found, sizeof(found) - 1);
        if (nw < 0 || nf < 0)
                return berth_error_errno(err, errno, "find the mount on %s", dest);
        where[nw] = found[nf] = '\0';
        if (!mount_root || strcmp(where, found) != 0)
                return berth_error_new(err, EBUSY, "%s changed while it was mounted on: refusing to "
                                       "apply its options to what it leads to now", dest);
        return steal_fd(&fd);
}

/* What an entry needs once mounted: bind flags, propagation, recursive
 * attributes, on the mount `mnt` holds. */
static int apply_followup(int mnt, const char *dest, const struct mount_options *o, bool bind,
                          struct berth_error *err)
{
        if (bind_needs_flags(o, bind)) {
                int r = change_mount_flags(mnt, o->flags & BIND_REMOUNT_FLAGS, o->clear);
                if (r < 0)
                        return berth_error_errno(err, -r, "remount %s with its options", dest);
        }
        return set_propagation_and_attrs(mnt, dest, o, err);
}

/* After mount(2), where the new mount API could not be used: the fd the
 * destination was opened with (`mounted_on`) names the directory under the
 * new mount, so the path is opened again to reach the mount itself, and
 * checked to lead there.  Returns an fd of the new mount. */
static int mount_followup_on(int rootfd, const char *dest, int mounted_on, const struct mount_options *o,
                             bool bind, struct berth_error *err)
{
        _cleanup_close_ int fd = reopen_new_mount(rootfd, dest, mounted_on, err);
        if (fd < 0)
                return fd;
        int r = apply_followup(fd, dest, o, bind, err);
        if (r < 0)
                return r;
        return steal_fd(&fd);
}

static bool needs_followup(const struct mount_options *o, bool bind)
{
        return bind_needs_flags(o, bind) || o->propagation || o->attr_set || o->attr_clr;
}

/* Bind sources relative to the bundle, as runc and crun resolve them. */
static char *bind_source(const struct rootfs_context *ctx, const char *source)
{
        if (!source)
                return NULL;
        if (source[0] == '/' || !ctx->bundle)
                return xstrdup(source);
        return xasprintf("%s/%s", ctx->bundle, source);
}

/* Whether `path` lies in the directory `name` of the root, with "." and
 * ".." taken as they come, the way a walk that follows no symlink takes
 * them: "/a/../proc/x" is in /proc, "/proc/.." is not. */
static bool first_component_is(const char *path, const char *name)
{
        const char *first = NULL;
        size_t first_len = 0, depth = 0;
        for (const char *p = skip_separators(path); *p; p = skip_separators(p)) {
                size_t len = strcspn(p, "/");
                if (len == 2 && p[0] == '.' && p[1] == '.') {
                        depth -= depth > 0;
                } else if (depth++ == 0) {
                        first = p;
                        first_len = len;
                }
                p += len;
        }
        return depth > 0 && first_len == strlen(name) && memcmp(first, name, first_len) == 0;
}

/* /proc and /sys hold what maskedPaths and readonlyPaths protect.  A
 * symlink there that the image put before the filesystem is mounted, or
 * one on a volume mounted below, would send a mount onto another file, or
 * out of /proc and /sys into a shared volume that another container
 * swaps.  A mount there goes on the file its path names, as proc and sysfs
 * themselves do (mounted_only_on_directory), following only the links
 * procfs and sysfs show (/proc/self ...), which nobody can change. */
static bool in_proc_or_sys(const char *dest)
{
        return first_component_is(dest, "proc") || first_component_is(dest, "sys");
}

/* A mount destination inside the rootfs: in /proc and /sys following only
 * the kernel's own symlinks; elsewhere with symlinks resolved inside the
 * rootfs, and no magic link. */
static int open_destination(int rootfd, const char *dest, enum path_create create, struct berth_error *err)
{
        if (!in_proc_or_sys(dest))
                return path_open_in_root(rootfd, dest, create, err);
        int fd = path_open_kernel_links_only(rootfd, dest, create, err);
        if (fd == -ELOOP)
                return berth_error_prefix(err, "a mount in /proc or /sys follows only the kernel's symlinks");
        return fd;
}

/* Open a bind destination, creating it like its source (a directory, or an
 * empty file for anything else) when missing. */
static int open_bind_destination(int rootfd, const char *dest, const char *source,
                                 struct berth_error *err)
{
        int fd = open_destination(rootfd, dest, PATH_CREATE_NONE, err);
        if (fd != -ENOENT)
                return fd;
        struct stat st;
        if (stat(source, &st) < 0)
                return berth_error_errno(err, errno, "bind mount source %s", source);
        return open_destination(rootfd, dest, S_ISDIR(st.st_mode) ? PATH_CREATE_DIR : PATH_CREATE_FILE, err);
}

/* crun's copy-symlink: a bind source that is a symlink is copied as a
 * symlink instead of mounted.  Returns 1 when the source is no symlink. */
static int copy_symlink(int rootfd, const char *source, const char *dest, struct berth_error *err)
{
        char target[4096];
        ssize_t n = readlink(source, target, sizeof(target) - 1);
        if (n < 0)
                return 1;
        target[n] = '\0';
        const char *slash = strrchr(dest, '/');
        _cleanup_free_ char *parent = slash && slash != dest ? xasprintf("%.*s", (int) (slash - dest), dest)
                                                             : xstrdup("/");
        _cleanup_close_ int dirfd = open_destination(rootfd, parent, PATH_CREATE_DIR, err);
        if (dirfd < 0)
                return dirfd;
        if (symlinkat(target, dirfd, slash ? slash + 1 : dest) < 0 && errno != EEXIST)
                return berth_error_errno(err, errno, "symlink %s -> %s", dest, target);
        return 0;
}

/* A bind's per-mount flags ("ro", "nosuid" ...) on its detached tree,
 * before anyone can see it.  -ENOSYS before Linux 5.12. */
static int bind_flags_detached(int tree, const struct mount_options *o)
{
        if (!bind_needs_flags(o, true))
                return 0;
        uint64_t attr_set, attr_clr;
        ms_to_mount_attr(o->flags & BIND_REMOUNT_FLAGS, o->clear, &attr_set, &attr_clr);
        return mount_setattr_fd(tree, false, attr_set, attr_clr, 0);
}

/* A bind with the new mount API (open_tree, mount_setattr, move_mount:
 * Linux 5.12): the source is cloned into a detached mount, takes its flags
 * there and is moved onto the destination's fd, so it is never seen
 * without its "ro", and what follows acts on the clone's fd.  Binding first
 * and finding the new mount again by its path would let a process racing
 * on a shared volume swap that path for a symlink to another mount, which
 * would get the "ro" while the bind stays writable (CVE-2021-30465).
 * Returns an fd of the new mount; -ENOSYS, err untouched, where the kernel
 * lacks any of it. */
static int bind_detached(const char *source, int dest_fd, const char *dest, const struct mount_options *o,
                         struct berth_error *err)
{
        unsigned clone_flags = OPEN_TREE_CLONE | O_CLOEXEC | (o->recursive_bind ? AT_RECURSIVE : 0);
        _cleanup_close_ int tree = (int) syscall(SYS_open_tree, AT_FDCWD, source, clone_flags);
        if (tree < 0 && errno == ENOSYS)
                return -ENOSYS;
        if (tree < 0)
                return berth_error_errno(err, errno, "bind mount %s to %s", source, dest);
        int r = bind_flags_detached(tree, o);
        if (r == -ENOSYS)
                return -ENOSYS;
        if (r < 0)
                return berth_error_errno(err, -r, "bind mount %s to %s with its options", source, dest);
        if (syscall(SYS_move_mount, tree, "", dest_fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
                return berth_error_errno(err, errno, "bind mount %s to %s", source, dest);
        r = set_propagation_and_attrs(tree, dest, o, err);
        if (r < 0)
                return r;
        return steal_fd(&tree);
}

/* Bind `source` onto what dest_fd holds with the options `o`: detached
 * where the kernel can, else mount(2) and the checked follow-up.  Returns
 * an fd of the new mount. */
static int bind_onto(int rootfd, const char *source, int dest_fd, const char *dest,
                     const struct mount_options *o, struct berth_error *err)
{
        int mnt = bind_detached(source, dest_fd, dest, o, err);
        if (mnt != -ENOSYS)
                return mnt;
        char target[FD_PATH_MAX];
        unsigned long flags = MS_BIND | (o->recursive_bind ? MS_REC : 0);
        if (mount(source, fd_path(dest_fd, target), NULL, flags, NULL) < 0)
                return berth_error_errno(err, errno, "bind mount %s to %s", source, dest);
        return mount_followup_on(rootfd, dest, dest_fd, o, true, err);
}

/* berth cloned and idmapped the source (idmapped_mount.c): the tree takes
 * its flags while detached, is moved onto dest_fd, and takes propagation
 * and recursive attributes by its own fd.  Returns a new fd of the mount:
 * the tree's stays with ctx->idmapped. */
static int attach_idmapped(const struct rootfs_context *ctx, const struct oci_mount *m, const char *source,
                           int dest_fd, struct berth_error *err)
{
        int tree = idmapped_trees_get(ctx->idmapped, (size_t) (m - ctx->cfg->mounts));
        if (tree < 0)
                return berth_error_new(err, EINVAL, "no idmapped mount of %s was prepared", source);
        int r = bind_flags_detached(tree, &m->parsed);
        if (r < 0)
                return berth_error_errno(err, -r, "remount %s with its options", m->destination);
        r = idmapped_tree_attach(tree, dest_fd, m->destination, err);
        if (r < 0)
                return r;
        r = set_propagation_and_attrs(tree, m->destination, &m->parsed, err);
        if (r < 0)
                return r;
        int fd = fcntl(tree, F_DUPFD_CLOEXEC, 0);
        return fd >= 0 ? fd : berth_error_errno(err, errno, "duplicate the idmapped mount of %s", source);
}

/* Before Linux 5.12 (no mount_setattr): remount each mount at or below
 * `top` (a path in this mount namespace) read-only, from mountinfo. */
static int readonly_each_mount_below(const char *top)
{
        _cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
        if (!f)
                return -errno;
        size_t n = strlen(top);
        char line[4096], mp[4096];
        while (fgets(line, sizeof(line), f)) {
                if (sscanf(line, "%*s %*s %*s %*s %4095s", mp) != 1)
                        continue;
                if (strncmp(mp, top, n) != 0 || (mp[n] != '\0' && mp[n] != '/'))
                        continue;
                int r = bind_remount_legacy(mp, MS_RDONLY, 0);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int readonly_recursively(int fd)
{
        int r = mount_setattr_fd(fd, true, MOUNT_ATTR_RDONLY, 0, 0);
        if (r != -ENOSYS)
                return r;
        char link[FD_PATH_MAX], top[4096];
        ssize_t len = readlink(fd_path(fd, link), top, sizeof(top) - 1);
        if (len < 0)
                return -errno;
        top[len] = '\0';
        return readonly_each_mount_below(top);
}

/* "ro" on a view of the host's own tree: the sysfs or cgroup2 a user
 * namespace may not mount and gets bound from the host instead, or the
 * host's /sys a rootless config binds ("rbind,ro" in `berth spec
 * --rootless`, as in runc's).  A bind's "ro" reaches only its top mount:
 * the host's mounts below it, its cgroup2 where the user's delegated
 * groups are writable, would stay writable to the container
 * (CVE-2023-25809).  Every mount at or below the bind, which `mnt` holds,
 * is made read-only instead. */
static int host_view_readonly(int mnt, const struct oci_mount *m, struct berth_error *err)
{
        if (!(m->parsed.flags & MS_RDONLY))
                return 0;
        int r = readonly_recursively(mnt);
        if (r < 0)
                return berth_error_errno(err, -r, "make %s and every mount below it read-only", m->destination);
        return 0;
}

/* A recursive bind of the host's sysfs (or a part of it), in a user
 * namespace: the rootless way to give a container /sys. */
static bool binds_host_sysfs(const struct rootfs_context *ctx, const struct oci_mount *m)
{
        if (!ctx->in_user_ns || !m->parsed.recursive_bind)
                return false;
        _cleanup_free_ char *source = bind_source(ctx, m->source);
        struct statfs fs;
        return source && statfs(source, &fs) == 0 && fs.f_type == SYSFS_MAGIC;
}

static int do_bind_mount(const struct rootfs_context *ctx, int rootfd, const struct oci_mount *m,
                         struct berth_error *err)
{
        _cleanup_free_ char *source = bind_source(ctx, m->source);
        if (!source)
                return berth_error_new(err, EINVAL, "a bind mount needs a source");
        if (m->parsed.copy_symlink) {
                int r = copy_symlink(rootfd, source, m->destination, err);
                if (r <= 0)
                        return r;
        }
        _cleanup_close_ int fd = open_bind_destination(rootfd, m->destination, source, err);
        if (fd < 0)
                return fd;
        _cleanup_close_ int mnt = mount_is_idmapped(m)
                                          ? attach_idmapped(ctx, m, source, fd, err)
                                          : bind_onto(rootfd, source, fd, m->destination, &m->parsed, err);
        if (mnt < 0 || !binds_host_sysfs(ctx, m))
                return mnt < 0 ? mnt : 0;
        return host_view_readonly(mnt, m, err);
}

/* Where the host shows what a filesystem would show when the container may
 * not mount it itself (a user namespace without its own network or ipc
 * namespace): runc binds the host's instead, as berth does. */
static const char *host_fallback_source(const char *type)
{
        if (streq(type, "sysfs"))
                return "/sys";
        if (streq(type, "mqueue"))
                return "/dev/mqueue";
        return NULL;
}

static int bind_host_instead(int rootfd, const char *source, const struct oci_mount *m, int dest_fd,
                             struct berth_error *err)
{
        /* "ro" is host_view_readonly's to apply, to the whole tree. */
        struct mount_options o = m->parsed;
        o.flags &= ~(unsigned long) MS_RDONLY;
        o.recursive_bind = true;
        _cleanup_close_ int mnt = bind_onto(rootfd, source, dest_fd, m->destination, &o, err);
        if (mnt < 0)
                return mnt;
        return host_view_readonly(mnt, m, err);
}

/* proc, sysfs and cgroup2 hold the files that maskedPaths and
 * readonlyPaths protect, and those are looked up again by path after
 * pivot_root: the filesystem must be mounted on the directory its
 * destination names, never through a symlink.  With /proc a symlink to
 * /evil/level1 and /evil a volume where another container swaps level1,
 * procfs lands in one directory and the masks in another (CVE-2019-19921);
 * checking the path only once resolved, as runc 1.0 to 1.1.4 did, sees the
 * directory the symlink led to and lets it pass (CVE-2023-27561). */
static bool mounted_only_on_directory(const struct oci_mount *m)
{
        return streq(m->type, "proc") || streq(m->type, "sysfs") || mount_is_cgroup(m);
}

static int open_fs_destination(int rootfd, const struct oci_mount *m, struct berth_error *err)
{
        if (!mounted_only_on_directory(m))
                return open_destination(rootfd, m->destination, PATH_CREATE_DIR, err);
        int fd = path_open_dir_no_symlinks(rootfd, m->destination, err);
        if (fd == -ELOOP || fd == -ENOTDIR)
                return berth_error_prefix(err, "%s is mounted only on a directory", m->type);
        return fd;
}

/* A new filesystem on what fd holds, with every option: created detached
 * and moved there (fs_mount.h), or, where the kernel or the filesystem
 * needs it, mount(2) on the fd and the checked follow-up.  *refused tells
 * that the kernel would not make the filesystem at all (a user namespace
 * may bind the host's instead) from a failure of an option after it. */
static int mount_new_fs(int rootfd, const struct fs_mount_request *req, int fd, bool *refused,
                        struct berth_error *err)
{
        *refused = false;
        _cleanup_close_ int mnt = fs_mount_create(req, fd, err);
        if (mnt >= 0) {
                int r = fs_mount_attach(mnt, fd, req, err);
                if (r != -ENOSYS)
                        return r;
        } else if (mnt != -ENOSYS) {
                *refused = true;
                return mnt;
        }
        char target[FD_PATH_MAX];
        if (mount(req->source, fd_path(fd, target), req->type, req->flags, req->options->data) < 0) {
                *refused = true;
                return fs_mount_error(err, errno, req);
        }
        if (!needs_followup(req->options, false))
                return 0;
        _cleanup_close_ int followed = mount_followup_on(rootfd, req->dest, fd, req->options, false, err);
        return followed < 0 ? followed : 0;
}

static int do_fs_mount(const struct rootfs_context *ctx, int rootfd, const struct oci_mount *m,
                       struct berth_error *err)
{
        _cleanup_close_ int fd = open_fs_destination(rootfd, m, err);
        if (fd < 0)
                return fd;
        const struct fs_mount_request req = {
                .type = m->type,
                .source = m->source ? m->source : m->type,
                .dest = m->destination,
                .flags = fs_mount_flags(m),
                .options = &m->parsed,
        };
        bool refused;
        int r = mount_new_fs(rootfd, &req, fd, &refused, err);
        const char *fallback = host_fallback_source(m->type);
        if (r == -EPERM && refused && fallback && ctx->in_user_ns) {
                berth_error_clear(err);
                return bind_host_instead(rootfd, fallback, m, fd, err);
        }
        return r;
}

/* The cgroup2 mount point on the host and the container's cgroup in it. */
static int own_cgroup_dir(char **out, struct berth_error *err)
{
        _cleanup_free_ char *data = NULL;
        int r = read_file_at(AT_FDCWD, "/proc/self/cgroup", &data, NULL, err);
        if (r < 0)
                return r;
        char *line = data;
        while (strncmp(line, "0::", 3) != 0) {
                char *next = strchr(line, '\n');
                if (!next)
                        return berth_error_new(err, ENOENT, "no cgroup v2 path in /proc/self/cgroup");
                line = next + 1;
        }
        line += 3;
        line[strcspn(line, "\n")] = '\0';
        /* Hybrid hosts (systemd's "unified" layout) have cgroup2 below the v1 tmpfs. */
        struct statfs sf;
        bool pure_v2 = statfs("/sys/fs/cgroup", &sf) == 0 && sf.f_type == CGROUP2_MAGIC;
        *out = xasprintf("%s%s", pure_v2 ? "/sys/fs/cgroup" : "/sys/fs/cgroup/unified",
                         strcmp(line, "/") == 0 ? "" : line);
        return 0;
}

/* With its own cgroup namespace the container mounts a fresh cgroup2 (it
 * sees its namespace root); without, it gets a bind of its own cgroup. */
static int do_cgroup_mount(const struct rootfs_context *ctx, int rootfd, const struct oci_mount *m,
                           struct berth_error *err)
{
        _cleanup_close_ int fd = open_fs_destination(rootfd, m, err);
        if (fd < 0)
                return fd;
        if (config_lists_namespace(ctx->cfg, OCI_NS_CGROUP)) {
                const struct fs_mount_request req = {
                        .type = "cgroup2", .source = "cgroup2", .dest = m->destination,
                        .flags = m->parsed.flags, .options = &m->parsed,
                };
                bool refused;
                int r = mount_new_fs(rootfd, &req, fd, &refused, err);
                /* EPERM/EBUSY: a user namespace that does not own the cgroup
                 * namespace; runc falls back to a bind too. */
                if (!refused || (r != -EPERM && r != -EBUSY))
                        return r;
                berth_error_clear(err);
        }
        _cleanup_free_ char *source = NULL;
        int r = own_cgroup_dir(&source, err);
        if (r < 0)
                return r;
        return bind_host_instead(rootfd, source, m, fd, err);
}

static int do_mount(const struct rootfs_context *ctx, int rootfd, const struct oci_mount *m,
                    struct berth_error *err)
{
        if (!m->destination)
                return berth_error_new(err, EINVAL, "a mount needs a destination");
        /* The config parser let idmapped entries through as binds only. */
        if (mount_is_idmapped(m) && !mount_is_bind(m))
                return berth_error_new(err, EINVAL, "an idmapped mount must be a bind mount");
        if (mount_is_bind(m))
                return do_bind_mount(ctx, rootfd, m, err);
        if (!m->type)
                return berth_error_new(err, EINVAL, "a mount without \"bind\" or \"rbind\" needs a type");
        if (mount_is_cgroup(m))
                return do_cgroup_mount(ctx, rootfd, m, err);
        return do_fs_mount(ctx, rootfd, m, err);
}

/* ---- rootfs_prepare ------------------------------------------------------ */

static unsigned long rootfs_propagation(const struct oci_config *cfg)
{
        unsigned long flags = cfg->linux_.rootfs_propagation_flags;
        if (!flags && cfg->linux_.rootfs_propagation)
                mount_propagation_parse(cfg->linux_.rootfs_propagation, &flags);
        return flags;
}

static int mount_id(const char *path, uint64_t *id)
{
        struct statx stx;
        if (statx(AT_FDCWD, path, 0, STATX_MNT_ID, &stx) < 0)
                return -errno;
        if (!(stx.stx_mask & STATX_MNT_ID))
                return -ENOSYS;
        *id = stx.stx_mnt_id;
        return 0;
}

/* pivot_root refuses a new root whose parent mount is shared.  Find the
 * mount holding the rootfs (the highest directory with its mount id) and
 * make it private; needed only when "/" was not made recursively slave or
 * private. */
static int make_parent_mount_private(const char *rootfs, struct berth_error *err)
{
        uint64_t id, parent_id;
        int r = mount_id(rootfs, &id);
        if (r == -ENOSYS)
                return 0;  /* before Linux 5.8: pivot_root will tell */
        if (r < 0)
                return berth_error_errno(err, -r, "statx %s", rootfs);
        _cleanup_free_ char *path = xstrdup(rootfs);
        _cleanup_free_ char *parent = xstrdup(rootfs);
        while (strcmp(path, "/") != 0) {
                char *slash = strrchr(parent, '/');
                slash[slash == parent ? 1 : 0] = '\0';
                if (mount_id(parent, &parent_id) < 0 || parent_id != id)
                        break;
                strcpy(path, parent);
        }
        if (mount(NULL, path, NULL, MS_PRIVATE, NULL) < 0)
                return berth_error_errno(err, errno, "make %s private", path);
        return 0;
}

static int prepare_root_mount(const struct rootfs_context *ctx, struct berth_error *err)
{
        /* rslave by default (runc): host mounts still reach the container,
         * nothing the container mounts reaches the host. */
        unsigned long flags = rootfs_propagation(ctx->cfg);
        if (!flags)
                flags = MS_SLAVE | MS_REC;
        if (mount(NULL, "/", NULL, flags, NULL) < 0)
                return berth_error_errno(err, errno, "set the propagation of /");
        bool no_shared_left = (flags & MS_REC) && !(flags & MS_SHARED);
        if (!no_shared_left) {
                int r = make_parent_mount_private(ctx->rootfs, err);
                if (r < 0)
                        return r;
        }
        /* The rootfs must be a mount point for pivot_root; binding it onto
         * itself also takes submounts along. */
        if (mount(ctx->rootfs, ctx->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
                return berth_error_errno(err, errno, "bind mount the rootfs %s onto itself", ctx->rootfs);
        return 0;
}

int rootfs_prepare(const struct rootfs_context *ctx, struct berth_error *err)
{
        int r = prepare_root_mount(ctx, err);
        if (r < 0)
                return r;
        _cleanup_close_ int rootfd = open(ctx->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (rootfd < 0)
                return berth_error_errno(err, errno, "open the rootfs %s", ctx->rootfs);

        const struct oci_config *cfg = ctx->cfg;
        for (size_t i = 0; i < cfg->n_mounts; i++) {
                r = do_mount(ctx, rootfd, &cfg->mounts[i], err);
                if (r < 0)
                        return berth_error_prefix(err, "config.json: /mounts/%zu", i);
        }
        if (!dev_is_bind_mount(cfg)) {
                r = devices_setup(rootfd, &cfg->linux_, ctx->in_user_ns, err);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* ---- rootfs_pivot -------------------------------------------------------- */

/* --no-pivot, for a rootfs on ramfs where pivot_root is impossible: the
 * old root stays reachable to a process that escapes the chroot. */
static int move_root(struct berth_error *err)
{
        if (mount(".", "/", NULL, MS_MOVE, NULL) < 0)
                return berth_error_errno(err, errno, "move the rootfs onto /");
        if (chroot(".") < 0)
                return berth_error_errno(err, errno, "chroot into the rootfs");
        return 0;
}

/* pivot_root(".", "."): the old root ends up stacked on top of the new one
 * at "/", where it is detached without needing a directory for it.  Called
 * with the rootfs as working directory. */
static int pivot(struct berth_error *err)
{
        /* mount(2) on "." would name the new root even with the old one
         * stacked on it: reach the old root through an fd taken before. */
        _cleanup_close_ int oldroot = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (oldroot < 0)
                return berth_error_errno(err, errno, "open /");
        if (syscall(SYS_pivot_root, ".", ".") < 0)
                return berth_error_errno(err, errno, "pivot_root");
        if (fchdir(oldroot) < 0)
                return berth_error_errno(err, errno, "chdir to the old root");
        /* rslave first so detaching the old root cannot propagate an unmount
         * to the host. */
        if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
                return berth_error_errno(err, errno, "make the old root rslave");
        if (umount2(".", MNT_DETACH) < 0)
                return berth_error_errno(err, errno, "detach the old root");
        return 0;
}

int rootfs_pivot(const struct rootfs_context *ctx, struct berth_error *err)
{
        if (chdir(ctx->rootfs) < 0)
                return berth_error_errno(err, errno, "chdir to the rootfs %s", ctx->rootfs);
        int r = ctx->no_pivot ? move_root(err) : pivot(err);
        if (r < 0)
                return r;
        if (chdir("/") < 0)
                return berth_error_errno(err, errno, "chdir to /");
        return 0;
}

/* ---- rootfs_finalize ----------------------------------------------------- */

/* maskedPaths and readonlyPaths act on paths the container's tree holds,
 * after pivot_root: each is resolved once inside the root, and every mount
 * acts on the fd resolved, named through berth's own procfs (procfs.h), not
 * through the container's /proc/self/fd, which a volume could fake. */

static const char *file_kind(mode_t mode)
{
        if (S_ISLNK(mode))
                return "a symlink";
        if (S_ISREG(mode))
                return "a regular file";
        if (S_ISDIR(mode))
                return "a directory";
        if (S_ISCHR(mode))
                return "another character device";
        return "a special file";
}

/* Files are masked by binding the container's /dev/null over them: it is
 * opened with no symlink followed and must be the null device, character
 * device 1:3, wherever it is (berth's /dev tmpfs, the host's bound in a
 * user namespace, a bind-mounted /dev).  A /dev/null the container swapped
 * for a symlink or another file, through a shared /dev or a racing process
 * (CVE-2025-31133), would turn the mask into a bind of that file, say a
 * writable /proc/sys/kernel/core_pattern: berth refuses instead. */
static int open_dev_null(int rootfd, struct berth_error *err)
{
        _cleanup_close_ int dev = openat(rootfd, "dev", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (dev < 0)
                return berth_error_errno(err, errno, "open /dev to mask files with /dev/null");
        _cleanup_close_ int fd = openat(dev, "null", O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return berth_error_errno(err, errno, "open /dev/null to mask files with it");
        struct stat st;
        if (fstat(fd, &st) < 0)
                return berth_error_errno(err, errno, "stat /dev/null");
        if (!S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3))
                return berth_error_new(err, EPERM, "/dev/null in the container is %s, not the null "
                                       "device: refusing to mask files with it", file_kind(st.st_mode));
        return steal_fd(&fd);
}

/* Open a masked or read-only path; 0 with *fd = -1 when it does not exist
 * (the spec lets a runtime skip those). */
static int open_listed_path(int rootfd, const char *path, int *fd, struct berth_error *err)
{
        *fd = path_open_in_root(rootfd, path, PATH_CREATE_NONE, err);
        if (*fd == -ENOENT) {
                berth_error_clear(err);
                return 0;
        }
        return *fd < 0 ? *fd : 0;
}

/* A file is covered by /dev/null (opened on first need into *null_fd), a
 * directory by an empty read-only tmpfs. */
static int mask_path(int rootfd, const char *path, int *null_fd, struct berth_error *err)
{
        _cleanup_close_ int target = -1;
        int r = open_listed_path(rootfd, path, &target, err);
        if (r < 0 || target < 0)
                return r;
        struct stat st;
        if (fstat(target, &st) < 0)
                return berth_error_errno(err, errno, "mask %s", path);
        _cleanup_free_ char *what = xasprintf("mask %s", path);
        if (S_ISDIR(st.st_mode))
                return procfs_mount_on_fd(what, "tmpfs", target,
                                          MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, err);
        if (*null_fd < 0 && (*null_fd = open_dev_null(rootfd, err)) < 0)
                return *null_fd;
        return procfs_bind_fd(what, *null_fd, target, 0, err);
}

/* The mount `fd` holds read-only, its other flags kept, and with
 * `recursive` every mount below it: mount_setattr, or before Linux 5.12 a
 * remount of the top mount that restates them. */
static int make_mount_readonly(int fd, const char *path, bool recursive, struct berth_error *err)
{
        int r = mount_setattr_fd(fd, recursive, MOUNT_ATTR_RDONLY, 0, 0);
        if (r == 0)
                return 0;
        if (r != -ENOSYS)
                return berth_error_errno(err, -r, "make %s read-only", path);
        struct statvfs sv;
        if (fstatvfs(fd, &sv) < 0)
                return berth_error_errno(err, errno, "make %s read-only: statvfs", path);
        unsigned long keep = sv.f_flag & STATVFS_MOUNT_FLAGS;
        _cleanup_free_ char *what = xasprintf("make %s read-only", path);
        return procfs_mount_on_fd(what, NULL, fd, MS_BIND | MS_REMOUNT | MS_RDONLY | keep, NULL, err);
}

static bool same_file(int a, int b)
{
        struct stat sa, sb;
        return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* Bind onto itself, then read-only, keeping the flags it had (nosuid ...).
 * The new bind is found by resolving the path again, and must be the file
 * that was bound. */
static int readonly_path(int rootfd, const char *path, struct berth_error *err)
{
        _cleanup_close_ int fd = -1;
        int r = open_listed_path(rootfd, path, &fd, err);
        if (r < 0 || fd < 0)
                return r;
        _cleanup_free_ char *what = xasprintf("bind %s onto itself", path);
        r = procfs_bind_fd(what, fd, fd, MS_REC, err);
        if (r < 0)
                return r;
        _cleanup_close_ int bound = path_open_in_root(rootfd, path, PATH_CREATE_NONE, err);
        if (bound < 0)
                return bound;
        if (!same_file(fd, bound))
                return berth_error_new(err, EBUSY, "%s changed while being made read-only", path);
        return make_mount_readonly(bound, path, true, err);
}

/* A /dev mounted read-only (is_readonly_dev_mount) becomes so now, its
 * submounts (pts, shm, mqueue) left as they are.  /dev is reached from the
 * root with no symlink followed, as open_dev_null does, and the mount it
 * holds is changed by fd: a symlink or another mount put at /dev after the
 * lookup cannot take the change elsewhere. */
static int make_dev_readonly(int rootfd, struct berth_error *err)
{
        _cleanup_close_ int dev = openat(rootfd, "dev", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (dev < 0)
                return berth_error_errno(err, errno, "open /dev to make it read-only");
        return make_mount_readonly(dev, "/dev", false, err);
}

static bool dev_needs_readonly(const struct oci_config *cfg)
{
        for (size_t i = 0; i < cfg->n_mounts; i++)
                if (is_readonly_dev_mount(&cfg->mounts[i]))
                        return true;
        return false;
}

int rootfs_finalize(const struct rootfs_context *ctx, struct berth_error *err)
{
        const struct oci_config *cfg = ctx->cfg;
        const struct oci_linux *l = &cfg->linux_;
        int r;
        _cleanup_close_ int rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (rootfd < 0)
                return berth_error_errno(err, errno, "open the container's /");
        for (size_t i = 0; l->readonly_paths && l->readonly_paths[i]; i++)
                if ((r = readonly_path(rootfd, l->readonly_paths[i], err)) < 0)
                        return berth_error_prefix(err, "config.json: /linux/readonlyPaths/%zu", i);
        _cleanup_close_ int null_fd = -1;
        for (size_t i = 0; l->masked_paths && l->masked_paths[i]; i++)
                if ((r = mask_path(rootfd, l->masked_paths[i], &null_fd, err)) < 0)
                        return berth_error_prefix(err, "config.json: /linux/maskedPaths/%zu", i);
        if (dev_needs_readonly(cfg) && (r = make_dev_readonly(rootfd, err)) < 0)
                return r;
        /* rootfd is the root mount itself: nothing can be swapped in for it. */
        if (cfg->root.readonly && (r = make_mount_readonly(rootfd, "/", false, err)) < 0)
                return berth_error_prefix(err, "config.json: /root/readonly");
        /* The whole tree got rootfsPropagation before the mounts (see
         * rootfs_prepare); here only the new root mount itself takes it, so
         * a bind that asked for its own ("rshared" on a volume) keeps it. */
        unsigned long propagation = rootfs_propagation(cfg) & ~(unsigned long) MS_REC;
        if (propagation && mount(NULL, "/", NULL, propagation, NULL) < 0)
                return berth_error_errno(err, errno, "config.json: /linux/rootfsPropagation: set the propagation of /");
        return 0;
}
