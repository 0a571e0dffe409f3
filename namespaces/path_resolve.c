/* Resolving mount destinations inside the rootfs: openat2(RESOLVE_IN_ROOT)
 * where the kernel has it (Linux 5.6), else a component-by-component walk
 * that resolves symlinks itself against the rootfs. */
#include "namespaces/path_resolve.h"

#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifdef HAVE_LINUX_OPENAT2_H
#include <linux/openat2.h>
#else
struct open_how {
        unsigned long long flags, mode, resolve;
};
#define RESOLVE_NO_MAGICLINKS 0x02
#define RESOLVE_IN_ROOT 0x10
#endif

#if !HAVE_DECL_SYS_OPENAT2
#define SYS_openat2 437
#endif

#include "common/cleanup.h"
#include "common/util.h"

/* Linux follows at most 40 symlinks in one lookup; do the same. */
#define MAX_SYMLINKS 40

const char *fd_path(int fd, char buf[FD_PATH_MAX])
{
        snprintf(buf, FD_PATH_MAX, "/proc/self/fd/%d", fd);
        return buf;
}

/* Returns an fd, or a negative errno; -ENOSYS once the kernel said it has no
 * openat2, so later calls go straight to the walk. */
static int open_in_root_kernel(int rootfd, const char *path)
{
        static bool unsupported;
        if (unsupported)
                return -ENOSYS;
        struct open_how how = {
                .flags = O_PATH | O_CLOEXEC,
                /* Magic links (/proc/self/root ...) would jump out of the root. */
                .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
        };
        int fd = (int) syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
        if (fd >= 0)
                return fd;
        if (errno == ENOSYS)
                unsupported = true;
        return -errno;
}

/* ---- the walk, for kernels without openat2 and for creating paths ---- */

/* The directories walked so far, each an O_PATH fd; ".." pops one, and an
 * empty stack is the rootfs itself, which ".." cannot leave. */
struct dir_stack {
        int *fds;
        size_t n, cap;
};

static void dir_stack_release(struct dir_stack *s)
{
        for (size_t i = 0; i < s->n; i++)
                close(s->fds[i]);
        free(s->fds);
}

static void dir_stack_push(struct dir_stack *s, int fd)
{
        if (s->n == s->cap) {
                s->cap = s->cap ? 2 * s->cap : 8;
                s->fds = xrealloc(s->fds, s->cap * sizeof(int));
        }
        s->fds[s->n++] = fd;
}

static void dir_stack_pop(struct dir_stack *s)
{
        if (s->n > 0)
                close(s->fds[--s->n]);
}

/* Create a missing component: a directory unless it is the last one and a
 * file was asked for.  Losing a race to someone else creating it is fine. */
static int create_component(int dirfd, const char *name, bool last, enum path_create create)
{
        if (!last || create == PATH_CREATE_DIR) {
                if (mkdirat(dirfd, name, 0755) < 0 && errno != EEXIST)
                        return -errno;
                return 0;
        }
        int fd = openat(dirfd, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (fd < 0 && errno != EEXIST)
                return -errno;
        if (fd >= 0)
                close(fd);
        return 0;
}

/* Skip slashes; return the next component's length (0 at the end). */
static size_t next_component(const char **p)
{
        while (**p == '/')
                (*p)++;
        return strcspn(*p, "/");
}

static bool only_slashes(const char *p)
{
        return p[strspn(p, "/")] == '\0';
}

/* What RESOLVE_NO_MAGICLINKS refuses, for the walk: procfs's own symlinks
 * (/proc/self, /proc/mounts) have relative targets, while the magic ones
 * (/proc/PID/fd/N, cwd, root, exe, ns/...) read back as an absolute path
 * or as "type:[inode]".  Following their text would stay in the root, but
 * lead somewhere the path never named: /proc/self/fd/N is refused, not
 * taken for whatever directory fd N happens to be. */
static bool is_magic_link(int linkfd, const char *target)
{
        struct statfs fs;
        if (fstatfs(linkfd, &fs) < 0 || fs.f_type != PROC_SUPER_MAGIC)
                return false;
        return target[0] == '/' || strchr(target, ':') != NULL;
}

/* Replace the walk's remaining path with the symlink's target followed by
 * what came after the symlink. */
static int follow_symlink(int linkfd, const char *after, char **rest, struct dir_stack *stack)
{
        char target[PATH_MAX];
        ssize_t n = readlinkat(linkfd, "", target, sizeof(target) - 1);
        if (n < 0)
                return -errno;
        target[n] = '\0';
        if (is_magic_link(linkfd, target))
                return -ELOOP;
        if (target[0] == '/')
                while (stack->n > 0)
                        dir_stack_pop(stack);
        char *joined = xasprintf("%s/%s", target, after);
        free(*rest);
        *rest = joined;
        return 0;
}

enum { COMPONENT_END, COMPONENT_NAME, COMPONENT_DOTS };

/* The next component of a walk into `name`: COMPONENT_END at the end,
 * COMPONENT_DOTS for "." and ".." (which pops a directory: ".." never
 * leaves the root), else COMPONENT_NAME; -ENAMETOOLONG past NAME_MAX. */
static int take_component(const char **p, char name[NAME_MAX + 1], struct dir_stack *stack)
{
        size_t len = next_component(p);
        if (len == 0)
                return COMPONENT_END;
        if (len > NAME_MAX)
                return -ENAMETOOLONG;
        memcpy(name, *p, len);
        name[len] = '\0';
        *p += len;
        if (strcmp(name, "..") == 0)
                dir_stack_pop(stack);
        return strcmp(name, ".") == 0 || strcmp(name, "..") == 0 ? COMPONENT_DOTS : COMPONENT_NAME;
}

static int walk_in_root(int rootfd, const char *path, enum path_create create, const char **what)
{
        _cleanup_(dir_stack_release) struct dir_stack stack = { 0 };
        _cleanup_free_ char *rest = xstrdup(path);
        const char *p = rest;
        unsigned symlinks = 0;

        for (;;) {
                char name[NAME_MAX + 1];
                int kind = take_component(&p, name, &stack);
                if (kind < 0)
                        return kind;
                if (kind == COMPONENT_END)
                        break;
                if (kind == COMPONENT_DOTS)
                        continue;
                bool last = only_slashes(p);
                int dirfd = stack.n ? stack.fds[stack.n - 1] : rootfd;

                _cleanup_close_ int fd = openat(dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
                if (fd < 0 && errno == ENOENT && create != PATH_CREATE_NONE) {
                        *what = "create";
                        int r = create_component(dirfd, name, last, create);
                        if (r < 0)
                                return r;
                        *what = "open";
                        fd = openat(dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
                }
                if (fd < 0)
                        return -errno;

                struct stat st;
                if (fstat(fd, &st) < 0)
                        return -errno;
                if (S_ISLNK(st.st_mode)) {
                        if (++symlinks > MAX_SYMLINKS)
                                return -ELOOP;
                        int r = follow_symlink(fd, p, &rest, &stack);
                        if (r < 0)
                                return r;
                        p = rest;
                        continue;
                }
                if (!last && !S_ISDIR(st.st_mode))
                        return -ENOTDIR;
                dir_stack_push(&stack, steal_fd(&fd));
        }

        if (stack.n == 0) {
                int fd = openat(rootfd, ".", O_PATH | O_CLOEXEC);
                return fd >= 0 ? fd : -errno;
        }
        return stack.fds[--stack.n];
}

/* The common case when creating: only the last component is missing (a
 * mount point inside a tmpfs mounted just before).  Returns -EAGAIN when the
 * full walk must decide (missing parents, a dangling symlink, a race). */
static int create_last_component(int rootfd, const char *path, enum path_create create,
                                 const char **what)
{
        size_t end = strlen(path);
        while (end > 0 && path[end - 1] == '/')
                end--;
        size_t start = end;
        while (start > 0 && path[start - 1] != '/')
                start--;
        size_t len = end - start;
        if (len == 0 || len > NAME_MAX || (len == 1 && path[start] == '.')
            || (len == 2 && path[start] == '.' && path[start + 1] == '.'))
                return -EAGAIN;

        char name[NAME_MAX + 1];
        memcpy(name, path + start, len);
        name[len] = '\0';
        _cleanup_free_ char *parent = xmalloc0(start + 2);
        memcpy(parent, path, start);
        if (start == 0)
                parent[0] = '/';

        _cleanup_close_ int dirfd = open_in_root_kernel(rootfd, parent);
        if (dirfd < 0)
                return -EAGAIN;
        *what = "create";
        if (create == PATH_CREATE_DIR) {
                if (mkdirat(dirfd, name, 0755) < 0)
                        return errno == EEXIST ? -EAGAIN : -errno;
                *what = "open";
                /* O_DIRECTORY|O_NOFOLLOW: a symlink swapped in meanwhile fails
                 * here and goes to the walk. */
                int fd = openat(dirfd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                return fd >= 0 ? fd : -EAGAIN;
        }
        int fd = openat(dirfd, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (fd < 0)
                return errno == EEXIST ? -EAGAIN : -errno;
        return fd;
}

/* A walk that follows no symlink of the image's (path_open_dir_no_symlinks,
 * path_open_kernel_links_only): `path` names it in messages. */
struct strict_walk {
        const char *path;
        enum path_create create;
        bool dirs_only;     /* the last component must be a directory too */
        bool kernel_links;  /* procfs's and sysfs's own links are followed */
};

/* A symlink the kernel itself shows on procfs or sysfs (/proc/self ->
 * "<pid>", /sys/class/net/lo -> "../../devices/..."): neither the image nor
 * a process can change one, and, unless magic (follow_symlink refuses
 * those), it leads to another file of the same filesystem. */
static bool is_kernel_link(int linkfd)
{
        struct statfs fs;
        return fstatfs(linkfd, &fs) == 0 && (fs.f_type == PROC_SUPER_MAGIC || fs.f_type == SYSFS_MAGIC);
}

static int refuse_symlink(int fd, const char *shown, struct berth_error *err)
{
        char target[PATH_MAX];
        ssize_t n = readlinkat(fd, "", target, sizeof(target) - 1);
        target[n < 0 ? 0 : n] = '\0';
        return berth_error_new(err, ELOOP, "%s in the container rootfs is a symlink to %s", shown, target);
}

/* One component of a strict walk (`shown` names it): opened (created
 * first if missing and asked) without following it, never a symlink but a
 * kernel link where allowed (*link is set then), and a directory unless
 * it is a last component that may be a file. */
static int open_strict_component(const struct strict_walk *w, int dirfd, const char *name, const char *shown,
                                 bool last, bool *link, struct berth_error *err)
{
        _cleanup_close_ int fd = openat(dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0 && errno == ENOENT && w->create != PATH_CREATE_NONE) {
                int r = create_component(dirfd, name, last, w->create);
                if (r < 0)
                        return berth_error_errno(err, -r, "create %s in the container rootfs", shown);
                fd = openat(dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        }
        if (fd < 0)
                return berth_error_errno(err, errno, "open %s in the container rootfs", shown);
        struct stat st;
        if (fstat(fd, &st) < 0)
                return berth_error_errno(err, errno, "stat %s in the container rootfs", shown);
        *link = S_ISLNK(st.st_mode);
        if (*link && !(w->kernel_links && is_kernel_link(fd)))
                return refuse_symlink(fd, shown, err);
        if (!*link && !S_ISDIR(st.st_mode) && (!last || w->dirs_only))
                return berth_error_new(err, ENOTDIR, "%s in the container rootfs is not a directory", shown);
        return steal_fd(&fd);
}

/* Messages name the path up to the component; past a kernel link the
 * rest of the walk is the link's text, so the whole path and the name. */
static char *shown_component(const struct strict_walk *w, const char *p, const char *name, bool past_link)
{
        if (past_link)
                return xasprintf("%s (%s past a link)", w->path, name);
        return xasprintf("%.*s", (int) (p - w->path), w->path);
}

static int walk_strict(int rootfd, const struct strict_walk *w, struct berth_error *err)
{
        _cleanup_(dir_stack_release) struct dir_stack stack = { 0 };
        _cleanup_free_ char *rest = NULL;
        const char *p = w->path;
        unsigned links = 0;
        for (;;) {
                char name[NAME_MAX + 1];
                int kind = take_component(&p, name, &stack);
                if (kind < 0)
                        return berth_error_errno(err, -kind, "open %s in the container rootfs", w->path);
                if (kind == COMPONENT_END)
                        break;
                if (kind == COMPONENT_DOTS)
                        continue;
                int dirfd = stack.n ? stack.fds[stack.n - 1] : rootfd;
                _cleanup_free_ char *shown = shown_component(w, p, name, rest != NULL);
                bool link = false;
                _cleanup_close_ int fd = open_strict_component(w, dirfd, name, shown, only_slashes(p), &link,
                                                               err);
                if (fd < 0)
                        return fd;
                if (!link) {
                        dir_stack_push(&stack, steal_fd(&fd));
                        continue;
                }
                int r = ++links > MAX_SYMLINKS ? -ELOOP : follow_symlink(fd, p, &rest, &stack);
                if (r < 0)
                        return refuse_symlink(fd, shown, err);
                p = rest;
        }
        if (stack.n == 0) {
                int fd = openat(rootfd, ".", O_PATH | O_CLOEXEC);
                return fd >= 0 ? fd : berth_error_errno(err, errno, "open the container rootfs");
        }
        return stack.fds[--stack.n];
}

int path_open_dir_no_symlinks(int rootfd, const char *path, struct berth_error *err)
{
        const struct strict_walk w = { .path = path, .create = PATH_CREATE_DIR, .dirs_only = true };
        return walk_strict(rootfd, &w, err);
}

int path_open_kernel_links_only(int rootfd, const char *path, enum path_create create,
                                struct berth_error *err)
{
        const struct strict_walk w = { .path = path, .create = create, .kernel_links = true };
        return walk_strict(rootfd, &w, err);
}

int path_open_in_root(int rootfd, const char *path, enum path_create create,
                      struct berth_error *err)
{
        const char *what = "open";
        int fd = open_in_root_kernel(rootfd, path);
        if (fd >= 0)
                return fd;
        /* EAGAIN: openat2 saw a rename race and refuses; the walk copes. */
        bool retry = fd == -ENOSYS || fd == -EAGAIN
                     || (fd == -ENOENT && create != PATH_CREATE_NONE);
        if (!retry)
                return berth_error_errno(err, -fd, "open %s in the container rootfs", path);

        if (fd == -ENOENT) {
                fd = create_last_component(rootfd, path, create, &what);
                if (fd >= 0)
                        return fd;
                if (fd != -EAGAIN)
                        return berth_error_errno(err, -fd, "%s %s in the container rootfs", what, path);
                what = "open";
        }
        fd = walk_in_root(rootfd, path, create, &what);
        if (fd < 0)
                return berth_error_errno(err, -fd, "%s %s in the container rootfs", what, path);
        return fd;
}
