/* The state root (/run/berth, or an unprivileged user's under
 * XDG_RUNTIME_DIR) and the state directory <root>/<id>/: creating, opening
 * and locking it, state.json kept atomically, the live status worked out
 * from /proc, and removal. */
#include "runtime/state.h"

#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroups/freezer.h"
#include "common/cleanup.h"
#include "common/log.h"
#include "common/util.h"
#include "runtime/rootless.h"

#define STATE_FILE "state.json"
#define STATE_TMP_FILE "state.json.tmp"
#define EXEC_FIFO "exec.fifo"

static bool id_char_allowed(char c)
{
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '_' || c == '+' || c == '-' || c == '.';
}

int container_id_validate(const char *id, struct berth_error *err)
{
        size_t len = id ? strlen(id) : 0;
        if (len == 0)
                return berth_error_new(err, EINVAL, "invalid container id \"\": it must not be empty");
        if (len > BERTH_ID_MAX)
                return berth_error_new(err, EINVAL,
                                       "invalid container id \"%.32s...\": %zu characters, at most %d are allowed",
                                       id, len, BERTH_ID_MAX);
        if (strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
                return berth_error_new(err, EINVAL,
                                       "invalid container id \"%s\": \".\" and \"..\" are not allowed", id);
        for (const char *p = id; *p; p++) {
                if (id_char_allowed(*p))
                        continue;
                char shown[8];
                if (isprint((unsigned char) *p))
                        snprintf(shown, sizeof(shown), "'%c'", *p);
                else
                        snprintf(shown, sizeof(shown), "0x%02x", (unsigned char) *p);
                return berth_error_new(err, EINVAL,
                                       "invalid container id \"%s\": %s is not allowed "
                                       "(use letters, digits, '_', '+', '-' and '.')",
                                       id, shown);
        }
        return 0;
}

/* runc's rule: root in the host's user namespace keeps /run/berth even
 * with XDG_RUNTIME_DIR set (/run/user/0); root of a nested namespace (a
 * rootless Podman's) takes XDG_RUNTIME_DIR unless USER says "root". */
static bool wants_user_root(void)
{
        if (geteuid() != 0)
                return true;
        if (!rootless_in_nested_user_ns())
                return false;
        const char *user = getenv("USER");
        return !user || strcmp(user, "root") != 0;
}

/* XDG_RUNTIME_DIR must name a directory this user may create entries in;
 * the XDG spec gives each user one, made by systemd-logind. */
static int check_runtime_dir(const char *dir, struct berth_error *err)
{
        unsigned uid = (unsigned) geteuid();
        char todo[192];
        snprintf(todo, sizeof(todo),
                 "set it to a directory only uid %u can use (mode 0700; a login session has "
                 "/run/user/%u), or give --root DIR", uid, uid);
        if (!dir || !*dir)
                return berth_error_new(err, ENOENT,
                                       "XDG_RUNTIME_DIR is not set: berth run by uid %u keeps container state in "
                                       "$XDG_RUNTIME_DIR/" BERTH_USER_ROOT_NAME "; %s", uid, todo);
        if (dir[0] != '/')
                return berth_error_new(err, EINVAL, "XDG_RUNTIME_DIR=%s is not an absolute path; %s", dir, todo);
        struct stat st;
        if (stat(dir, &st) < 0)
                return berth_error_new(err, errno, "XDG_RUNTIME_DIR=%s: %s; %s", dir, strerror(errno), todo);
        if (!S_ISDIR(st.st_mode))
                return berth_error_new(err, ENOTDIR, "XDG_RUNTIME_DIR=%s is not a directory; %s", dir, todo);
        if (faccessat(AT_FDCWD, dir, W_OK | X_OK, AT_EACCESS) < 0)
                return berth_error_new(err, errno, "XDG_RUNTIME_DIR=%s: uid %u may not create its state there (%s); %s",
                                       dir, uid, strerror(errno), todo);
        return 0;
}

int state_default_root(char **root, struct berth_error *err)
{
        const char *xdg = getenv("XDG_RUNTIME_DIR");
        /* Root of a nested namespace without the variable keeps the
         * system's root, as runc does. */
        if (!wants_user_root() || (geteuid() == 0 && (!xdg || !*xdg))) {
                *root = xstrdup(BERTH_DEFAULT_ROOT);
                return 0;
        }
        int r = check_runtime_dir(xdg, err);
        if (r < 0)
                return r;
        /* "/run/user/1000/" and "/run/user/1000" give the same root. */
        size_t len = strlen(xdg);
        while (len > 1 && xdg[len - 1] == '/')
                len--;
        *root = xasprintf("%.*s/" BERTH_USER_ROOT_NAME, (int) len, xdg);
        return 0;
}

static void state_dir_init(struct state_dir *sd, const char *root, const char *id)
{
        sd->root = xstrdup(root);
        sd->id = xstrdup(id);
        sd->path = xasprintf("%s/%s", root, id);
        sd->dir_fd = -1;
}

/* Whether <root>/<id> still names the directory we hold open: a delete
 * renames the directory away before emptying it (see state_dir_remove). */
static bool dir_still_in_place(const struct state_dir *sd)
{
        struct stat held, named;
        if (fstat(sd->dir_fd, &held) < 0 || held.st_nlink == 0)
                return false;
        if (stat(sd->path, &named) < 0)
                return false;
        return held.st_dev == named.st_dev && held.st_ino == named.st_ino;
}

static int lock_dir(struct state_dir *sd, struct berth_error *err)
{
        while (flock(sd->dir_fd, LOCK_EX) < 0) {
                if (errno != EINTR)
                        return berth_error_errno(err, errno, "lock %s", sd->path);
        }
        /* We may have waited behind a delete: then the container is gone. */
        if (!dir_still_in_place(sd))
                return berth_error_new(err, ENOENT, "container %s does not exist", sd->id);
        return 0;
}

static int open_dir(const char *root, const char *id, bool lock, struct state_dir *sd,
                    struct berth_error *err)
{
        sd->dir_fd = -1;
        sd->root = sd->id = sd->path = NULL;
        int r = container_id_validate(id, err);
        if (r < 0)
                return r;
        state_dir_init(sd, root, id);
        sd->dir_fd = open(sd->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (sd->dir_fd < 0) {
                r = errno;
                state_dir_release(sd);
                if (r == ENOENT || r == ENOTDIR)
                        return berth_error_new(err, ENOENT, "container %s does not exist", id);
                return berth_error_errno(err, r, "open %s/%s", root, id);
        }
        if (lock) {
                r = lock_dir(sd, err);
                if (r < 0) {
                        state_dir_release(sd);
                        return r;
                }
        }
        return 0;
}

int state_dir_open(const char *root, const char *id, struct state_dir *sd, struct berth_error *err)
{
        return open_dir(root, id, true, sd, err);
}

int state_dir_peek(const char *root, const char *id, struct state_dir *sd, struct berth_error *err)
{
        return open_dir(root, id, false, sd, err);
}

int state_dir_create(const char *root, const char *id, struct state_dir *sd, struct berth_error *err)
{
        sd->dir_fd = -1;
        sd->root = sd->id = sd->path = NULL;
        int r = container_id_validate(id, err);
        if (r < 0)
                return r;
        state_dir_init(sd, root, id);

        /* The root usually exists: try the container directory first and
         * create the root only when that fails for want of it. */
        r = mkdir(sd->path, 0700) < 0 ? errno : 0;
        if (r == ENOENT) {
                r = mkdir_p(root, 0700, err);
                if (r < 0) {
                        state_dir_release(sd);
                        return berth_error_prefix(err, "create state root");
                }
                r = mkdir(sd->path, 0700) < 0 ? errno : 0;
        }
        if (r == EEXIST) {
                state_dir_release(sd);
                return berth_error_new(err, EEXIST, "container %s already exists", id);
        }
        if (r != 0) {
                berth_error_errno(err, r, "mkdir %s", sd->path);
                state_dir_release(sd);
                return -r;
        }

        sd->dir_fd = open(sd->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (sd->dir_fd < 0)
                r = berth_error_errno(err, errno, "open %s", sd->path);
        else
                r = lock_dir(sd, err);
        if (r < 0)
                state_dir_release(sd);
        return r;
}

int state_save(const struct state_dir *sd, const struct oci_state *st, struct berth_error *err)
{
        _cleanup_free_ char *json = NULL;
        int r = oci_state_emit_private(st, &json, err);
        if (r < 0)
                return r;
        /* Only the lock holder writes, so a fixed temporary name is safe;
         * rename makes readers see the old document or the new, never half. */
        r = write_file_at(sd->dir_fd, STATE_TMP_FILE, O_CREAT | O_TRUNC, 0600, json, strlen(json), err);
        if (r < 0)
                return berth_error_prefix(err, "save state of container %s", sd->id);
        if (renameat(sd->dir_fd, STATE_TMP_FILE, sd->dir_fd, STATE_FILE) < 0) {
                r = berth_error_errno(err, errno, "save state of container %s: rename %s to %s",
                                      sd->id, STATE_TMP_FILE, STATE_FILE);
                unlinkat(sd->dir_fd, STATE_TMP_FILE, 0);
                return r;
        }
        return 0;
}

/* Fields 3 (state) and 22 (starttime) of /proc/<pid>/stat.  The command
 * name (field 2) may hold spaces and parentheses, so parsing starts after
 * the last ')'. */
static int read_proc_stat(pid_t pid, char *state, unsigned long long *start_time)
{
        char path[64], buf[1024];
        snprintf(path, sizeof(path), "/proc/%d/stat", (int) pid);
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        ssize_t n = read(fd, buf, sizeof(buf) - 1);
        if (n <= 0)
                return n < 0 ? -errno : -ENODATA;
        buf[n] = '\0';
        char *p = strrchr(buf, ')');
        if (!p)
                return -EINVAL;
        p++;
        char *saveptr = NULL;
        char *tok = strtok_r(p, " ", &saveptr);
        for (int field = 3; tok; field++, tok = strtok_r(NULL, " ", &saveptr)) {
                if (field == 3)
                        *state = tok[0];
                if (field == 22) {
                        *start_time = strtoull(tok, NULL, 10);
                        return 0;
                }
        }
        return -EINVAL;
}

unsigned long long process_start_time(pid_t pid)
{
        char state;
        unsigned long long start = 0;
        if (pid <= 0 || read_proc_stat(pid, &state, &start) < 0)
                return 0;
        return start;
}

/* Alive, not a zombie, and the same process that was recorded (a pid can be
 * reused once the container's init is reaped). */
static bool init_is_alive(const struct oci_state *st)
{
        char state;
        unsigned long long start;
        if (st->pid <= 0 || read_proc_stat(st->pid, &state, &start) < 0)
                return false;
        if (st->pid_start_time != 0 && start != st->pid_start_time)
                return false;
        return state != 'Z' && state != 'X';
}

/* A frozen cgroup (berth pause, or anyone writing cgroup.freeze) makes a
 * live container paused, as runc reports it.  An unreadable cgroup.events
 * is not worth failing `state` over: the container then counts as thawed. */
static bool cgroup_frozen(const struct oci_state *st)
{
        if (!st->cgroup_path || !st->cgroup_path[0])
                return false;
        struct berth_error err = { 0 };
        bool frozen = false;
        if (cgroup_is_frozen(st->cgroup_path, &frozen, &err) < 0) {
                log_debug("container %s: %s", st->id, err.msg);
                return false;
        }
        return frozen;
}

static enum container_status live_status(int dir_fd, const struct oci_state *st)
{
        if (!init_is_alive(st))
                return STATUS_STOPPED;
        if (st->status == STATUS_CREATING)
                return STATUS_CREATING;
        if (cgroup_frozen(st))
                return STATUS_PAUSED;
        /* The init waits on exec.fifo until start opens it and start removes
         * it: while it is there the process has not been started. */
        struct stat fifo;
        if (fstatat(dir_fd, EXEC_FIFO, &fifo, AT_SYMLINK_NOFOLLOW) == 0)
                return STATUS_CREATED;
        return STATUS_RUNNING;
}

int state_load(const struct state_dir *sd, struct oci_state *st, struct berth_error *err)
{
        _cleanup_free_ char *data = NULL;
        size_t len = 0;
        int r = read_file_at(sd->dir_fd, STATE_FILE, &data, &len, err);
        if (r == -ENOENT && !dir_still_in_place(sd))
                return berth_error_new(err, ENOENT, "container %s does not exist", sd->id);
        if (r == -ENOENT)
                return berth_error_new(err, ENOENT,
                                       "container %s has no state yet: its create is in progress or died "
                                       "(berth delete --force %s removes a dead one)",
                                       sd->id, sd->id);
        if (r < 0)
                return berth_error_prefix(err, "container %s", sd->id);
        r = oci_state_parse(data, len, STATE_FILE, st, err);
        if (r < 0)
                return berth_error_prefix(err, "container %s", sd->id);
        st->status = live_status(sd->dir_fd, st);
        if (st->status == STATUS_STOPPED)
                st->pid = 0;
        return 0;
}

static int remove_contents(int dir_fd, const char *path, struct berth_error *err);

static int remove_entry(int dir_fd, const char *dir_path, const struct dirent *de,
                        struct berth_error *err)
{
        if (unlinkat(dir_fd, de->d_name, 0) == 0 || errno == ENOENT)
                return 0;
        if (errno != EISDIR && errno != EPERM)
                return berth_error_errno(err, errno, "remove %s/%s", dir_path, de->d_name);
        /* A directory (unlink says EISDIR on Linux, EPERM per POSIX). */
        _cleanup_free_ char *sub_path = xasprintf("%s/%s", dir_path, de->d_name);
        _cleanup_close_ int sub_fd = openat(dir_fd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (sub_fd < 0)
                return berth_error_errno(err, errno, "open %s", sub_path);
        int r = remove_contents(sub_fd, sub_path, err);
        if (r < 0)
                return r;
        if (unlinkat(dir_fd, de->d_name, AT_REMOVEDIR) < 0 && errno != ENOENT)
                return berth_error_errno(err, errno, "remove %s", sub_path);
        return 0;
}

static int remove_contents(int dir_fd, const char *path, struct berth_error *err)
{
        /* fdopendir takes the fd over: give it its own. */
        int fd = openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return berth_error_errno(err, errno, "open %s", path);
        _cleanup_closedir_ DIR *d = fdopendir(fd);
        if (!d) {
                int saved = errno;
                close(fd);
                return berth_error_errno(err, saved, "open %s", path);
        }
        struct dirent *de;
        while ((errno = 0, de = readdir(d))) {
                if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
                        continue;
                int r = remove_entry(dir_fd, path, de, err);
                if (r < 0)
                        return r;
        }
        if (errno != 0)
                return berth_error_errno(err, errno, "read %s", path);
        return 0;
}

int state_dir_remove(struct state_dir *sd, struct berth_error *err)
{
        /* First move the directory out of the way in one step, under a name
         * no id can have ('~'): a reader that opened it a moment ago then
         * finds it moved and says "does not exist" instead of seeing a
         * half-emptied container.  Where the rename fails, empty it in place. */
        _cleanup_free_ char *doomed = xasprintf("%s/~deleting.%d", sd->root, (int) getpid());
        const char *path = rename(sd->path, doomed) == 0 ? doomed : sd->path;
        int r = remove_contents(sd->dir_fd, path, err);
        if (r < 0)
                return berth_error_prefix(err, "remove container %s", sd->id);
        /* The lock stays held on the removed directory until release;
         * waiters then find it gone and report the container missing. */
        if (rmdir(path) < 0 && errno != ENOENT)
                return berth_error_errno(err, errno, "remove container %s: rmdir %s", sd->id, path);
        return 0;
}

void state_dir_release(struct state_dir *sd)
{
        if (sd->dir_fd >= 0)
                close(sd->dir_fd);
        sd->dir_fd = -1;
        free(sd->root);
        free(sd->id);
        free(sd->path);
        sd->root = sd->id = sd->path = NULL;
}

static int compare_strings(const void *a, const void *b)
{
        return strcmp(*(char *const *) a, *(char *const *) b);
}

static bool entry_is_dir(DIR *d, const struct dirent *de)
{
        if (de->d_type == DT_DIR)
                return true;
        if (de->d_type != DT_UNKNOWN)
                return false;
        struct stat st;
        return fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
}

int state_list_ids(const char *root, char ***ids, struct berth_error *err)
{
        size_t n = 0, cap = 16;
        _cleanup_strv_ char **list = xmalloc0(cap * sizeof(char *));
        _cleanup_closedir_ DIR *d = opendir(root);
        if (!d) {
                if (errno != ENOENT)
                        return berth_error_errno(err, errno, "open %s", root);
                *ids = steal_pointer(&list);  /* no root yet: no containers */
                return 0;
        }
        struct dirent *de;
        while ((errno = 0, de = readdir(d))) {
                struct berth_error ignored;
                if (!entry_is_dir(d, de) || container_id_validate(de->d_name, &ignored) < 0)
                        continue;
                if (n + 1 >= cap) {
                        cap *= 2;
                        list = xrealloc(list, cap * sizeof(char *));
                }
                list[n++] = xstrdup(de->d_name);
                list[n] = NULL;
        }
        if (errno != 0)
                return berth_error_errno(err, errno, "read %s", root);
        qsort(list, n, sizeof(char *), compare_strings);
        *ids = steal_pointer(&list);
        return 0;
}

int state_open_load(const char *root, const char *id, bool lock, struct state_dir *sd, struct oci_state *st,
                    struct berth_error *err)
{
        int r = lock ? state_dir_open(root, id, sd, err) : state_dir_peek(root, id, sd, err);
        if (r < 0)
                return r;
        return state_load(sd, st, err);
}

int state_open_init_pidfd(const struct oci_state *st)
{
#if defined(SYS_pidfd_open) && defined(SYS_pidfd_send_signal)
        int fd = (int) syscall(SYS_pidfd_open, st->pid, 0);
        if (fd < 0)
                return -errno;
        if (st->pid_start_time != 0 && process_start_time(st->pid) != st->pid_start_time) {
                close(fd);
                return -ESRCH;
        }
        return fd;
#else
        return -ENOSYS;
#endif
}

int state_write_pid_file(const char *path, pid_t pid, struct berth_error *err)
{
        _cleanup_free_ char *tmp = xasprintf("%s.berth-tmp", path);
        char buf[32];
        int n = snprintf(buf, sizeof(buf), "%d", pid);
        int r = write_file_at(AT_FDCWD, tmp, O_CREAT | O_TRUNC, 0644, buf, (size_t) n, err);
        if (r < 0)
                return berth_error_prefix(err, "--pid-file");
        if (rename(tmp, path) < 0) {
                int e = errno;
                unlink(tmp);
                return berth_error_errno(err, e, "--pid-file: rename %s to %s", tmp, path);
        }
        return 0;
}
