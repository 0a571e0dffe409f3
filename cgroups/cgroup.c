/* cgroup v2 placement (see cgroup.h): find the unified hierarchy, work out
 * and create the container's group, and kill, list and remove what is in
 * it.  Only cgroup2 mounts are ever considered, so v1 hierarchies of a
 * hybrid host are never touched. */
#include "cgroups/cgroup.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include "cgroups/resources.h"
#include "common/cleanup.h"
#include "common/util.h"

#define PREFERRED_MOUNT "/sys/fs/cgroup"
#define DEFAULT_PARENT "/berth"
/* How long destroy waits for killed processes to leave the group. */
#define EMPTY_TIMEOUT_MS 5000
/* Rounds of "list, SIGKILL" when cgroup.kill is missing: each round
 * catches children forked while the previous one ran. */
#define KILL_ROUNDS 64

/* ---- finding the hierarchy ---------------------------------------------- */

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void unescape_octal(char *s)
{
        char *o = s;
        for (char *p = s; *p; ) {
                if (p[0] == '\\' && p[1] >= '0' && p[1] <= '3' && p[2] >= '0' && p[2] <= '7' &&
                    p[3] >= '0' && p[3] <= '7') {
                        *o++ = (char) ((p[1] - '0') * 64 + (p[2] - '0') * 8 + (p[3] - '0'));
                        p += 4;
                } else {
                        *o++ = *p++;
                }
        }
        *o = '\0';
}

/* A mountinfo line lists mounts that are hidden under later ones (a cgroup2
 * mounted over /sys/fs/cgroup hides /sys/fs/cgroup/unified): only a path
 * that still resolves to a cgroup2 filesystem counts. */
static bool is_cgroup2(const char *path)
{
        struct statfs fs;
        return statfs(path, &fs) == 0 && fs.f_type == CGROUP2_SUPER_MAGIC;
}

/* Split one mountinfo line; true for a cgroup2 mount, with its mount point
 * and the root of the hierarchy it shows (fields 5 and 4). */
static bool parse_cgroup2_line(char *line, char **root, char **mountpoint)
{
        char *sep = strstr(line, " - ");
        if (!sep || strncmp(sep + 3, "cgroup2 ", 8) != 0)
                return false;
        *sep = '\0';
        char *save = NULL, *field = strtok_r(line, " ", &save);
        for (int i = 1; field && i < 4; i++)
                field = strtok_r(NULL, " ", &save);
        char *mp = field ? strtok_r(NULL, " ", &save) : NULL;
        if (!field || !mp)
                return false;
        unescape_octal(field);
        unescape_octal(mp);
        *root = field;
        *mountpoint = mp;
        return true;
}

static int find_cgroup2_mount(char **mountpoint, char **root, struct berth_error *err)
{
        _cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
        if (!f)
                return berth_error_errno(err, errno, "open /proc/self/mountinfo");
        _cleanup_free_ char *line = NULL, *best_mp = NULL, *best_root = NULL;
        size_t size = 0;
        while (getline(&line, &size, f) > 0) {
                line[strcspn(line, "\n")] = '\0';
                char *r, *mp;
                if (!parse_cgroup2_line(line, &r, &mp) || !is_cgroup2(mp))
                        continue;
                /* /sys/fs/cgroup wins over /sys/fs/cgroup/unified; otherwise
                 * the first one seen. */
                if (best_mp && strcmp(mp, PREFERRED_MOUNT) != 0)
                        continue;
                free(best_mp);
                free(best_root);
                best_mp = xstrdup(mp);
                best_root = xstrdup(r);
        }
        if (!best_mp)
                return berth_error_new(err, ENOENT,
                                       "no cgroup2 filesystem is mounted: berth needs the cgroup v2 "
                                       "(unified) hierarchy, e.g. at /sys/fs/cgroup/unified");
        *mountpoint = steal_pointer(&best_mp);
        *root = steal_pointer(&best_root);
        return 0;
}

/* berth's own group, from the "0::/path" line of /proc/self/cgroup. */
static int own_cgroup(char **path, struct berth_error *err)
{
        _cleanup_free_ char *data = NULL;
        int r = read_file_at(AT_FDCWD, "/proc/self/cgroup", &data, NULL, err);
        if (r < 0)
                return r;
        for (char *save = NULL, *line = strtok_r(data, "\n", &save); line;
             line = strtok_r(NULL, "\n", &save)) {
                if (strncmp(line, "0::", 3) == 0) {
                        *path = xstrdup(line + 3);
                        return 0;
                }
        }
        return berth_error_new(err, ENOENT, "/proc/self/cgroup has no cgroup v2 (\"0::\") entry");
}

/* ---- the group's path ---------------------------------------------------- */

/* Join `base` and `rel` into "/a/b/c", dropping empty and "." components;
 * ".." is refused so a group can never climb out of where it belongs. */
static int normalize_join(const char *base, const char *rel, char **out)
{
        _cleanup_free_ char *joined = xasprintf("%s/%s", base, rel);
        _cleanup_free_ char *result = xmalloc0(strlen(joined) + 2);
        char *o = result;
        char *save = NULL;
        for (char *c = strtok_r(joined, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
                if (strcmp(c, ".") == 0)
                        continue;
                if (strcmp(c, "..") == 0)
                        return -EINVAL;
                o += sprintf(o, "/%s", c);
        }
        if (o == result)
                strcpy(result, "/");
        *out = steal_pointer(&result);
        return 0;
}

/* berth's own group as a path inside the mount: a mount showing only part
 * of the hierarchy (its root is not "/") hides that prefix. */
static int own_cgroup_in_mount(const char *mount_root, char **out, struct berth_error *err)
{
        _cleanup_free_ char *own = NULL;
        int r = own_cgroup(&own, err);
        if (r < 0)
                return r;
        if (strcmp(mount_root, "/") == 0) {
                *out = steal_pointer(&own);
                return 0;
        }
        size_t n = strlen(mount_root);
        if (strncmp(own, mount_root, n) != 0 || (own[n] != '/' && own[n] != '\0'))
                return berth_error_new(err, EINVAL,
                                       "berth's own cgroup %s is outside the mounted cgroup2 tree %s, "
                                       "so a relative cgroupsPath cannot be placed",
                                       own, mount_root);
        *out = xstrdup(own[n] ? own + n : "/");
        return 0;
}

static int group_path(const struct oci_config *cfg, const char *id, const char *mount_root,
                      char **out, struct berth_error *err)
{
        const char *cp = cfg->has_linux ? cfg->linux_.cgroups_path : NULL;
        _cleanup_free_ char *fallback = NULL;
        _cleanup_free_ char *base = NULL;

        if (!cp || !*cp) {
                fallback = xasprintf(DEFAULT_PARENT "/%s", id);
                cp = fallback;
        } else if (strchr(cp, ':')) {
                return berth_error_new(err, EINVAL,
                                       "config.json: /linux/cgroupsPath: \"%s\" is a systemd slice:prefix:name "
                                       "path, which needs --systemd-cgroup", cp);
        }
        if (cp[0] == '/') {
                base = xstrdup("/");
        } else {
                int r = own_cgroup_in_mount(mount_root, &base, err);
                if (r < 0)
                        return berth_error_prefix(err, "config.json: /linux/cgroupsPath");
        }
        if (normalize_join(base, cp, out) < 0)
                return berth_error_new(err, EINVAL,
                                       "config.json: /linux/cgroupsPath: \"%s\" must not contain \"..\"", cp);
        if (strcmp(*out, "/") == 0) {
                free(steal_pointer(out));
                return berth_error_new(err, EINVAL,
                                       "config.json: /linux/cgroupsPath: \"%s\" names the root cgroup; "
                                       "a container needs a group of its own", cp);
        }
        return 0;
}

/* ---- reading a group ---------------------------------------------------- */

static void append_pid(pid_t **pids, size_t *n, pid_t pid)
{
        *pids = xrealloc(*pids, (*n + 1) * sizeof(pid_t));
        (*pids)[(*n)++] = pid;
}

/* The pids in `dirfd`'s cgroup.procs and in every group below it. */
static int collect_pids(int dirfd, const char *name, pid_t **pids, size_t *n, struct berth_error *err)
{
        _cleanup_free_ char *data = NULL;
        int r = read_file_at(dirfd, "cgroup.procs", &data, NULL, err);
        if (r < 0)
                return berth_error_prefix(err, "cgroup %s", name);
        for (char *save = NULL, *line = strtok_r(data, "\n", &save); line;
             line = strtok_r(NULL, "\n", &save)) {
                long pid;
                if (parse_long(line, &pid) == 0 && pid > 0)
                        append_pid(pids, n, (pid_t) pid);
        }

        int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return berth_error_errno(err, errno, "open cgroup %s", name);
        _cleanup_closedir_ DIR *d = fdopendir(fd);
        if (!d) {
                close(fd);
                return berth_error_errno(err, errno, "read cgroup %s", name);
        }
        for (struct dirent *e; (e = readdir(d)); ) {
                if (e->d_type != DT_DIR || e->d_name[0] == '.')
                        continue;
                _cleanup_close_ int child = openat(dirfd, e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if (child < 0)
                        continue;   /* removed meanwhile */
                _cleanup_free_ char *child_name = xasprintf("%s/%s", name, e->d_name);
                r = collect_pids(child, child_name, pids, n, err);
                if (r < 0 && r != -ENOENT)
                        return r;
        }
        return 0;
}

int cgroup_list_pids(const char *abs_path, pid_t **pids, size_t *n, struct berth_error *err)
{
        *pids = NULL;
        *n = 0;
        _cleanup_close_ int dirfd = open(abs_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dirfd < 0)
                return berth_error_errno(err, errno, "open cgroup %s", abs_path);
        _cleanup_free_ pid_t *found = NULL;
        size_t count = 0;
        int r = collect_pids(dirfd, abs_path, &found, &count, err);
        if (r < 0)
                return r;
        *pids = steal_pointer(&found);
        *n = count;
        return 0;
}

/* ---- creating ----------------------------------------------------------- */

/* Directories cgroup_create made, so a failure removes exactly those. */
struct created_dirs {
        char **paths;
        size_t n;
};

static void created_dirs_undo(struct created_dirs *c)
{
        for (size_t i = c->n; i > 0; i--) {
                rmdir(c->paths[i - 1]);
                free(c->paths[i - 1]);
        }
        free(c->paths);
        c->paths = NULL;
        c->n = 0;
}

static void created_dirs_forget(struct created_dirs *c)
{
        for (size_t i = 0; i < c->n; i++)
                free(c->paths[i]);
        free(c->paths);
        c->paths = NULL;
        c->n = 0;
}

/* mkdir -p, noting each directory this call made; *leaf_existed says
 * whether the last one was already there. */
static int make_group_dirs(const char *mountpoint, const char *path, struct created_dirs *made,
                           bool *leaf_existed, struct berth_error *err)
{
        _cleanup_free_ char *abs = xasprintf("%s%s", mountpoint, path);
        size_t start = strlen(mountpoint) + 1;
        for (char *p = abs + start; ; p++) {
                if (*p != '/' && *p != '\0')
                        continue;
                char saved = *p;
                *p = '\0';
                if (mkdir(abs, 0755) == 0) {
                        made->paths = xrealloc(made->paths, (made->n + 1) * sizeof(char *));
                        made->paths[made->n++] = xstrdup(abs);
                        *leaf_existed = false;
                } else if (errno == EEXIST) {
                        *leaf_existed = true;
                } else {
                        return berth_error_errno(err, errno, "create cgroup %s", abs);
                }
                *p = saved;
                if (!saved)
                        return 0;
        }
}

/* A group that already holds processes belongs to something else (runc
 * refuses it the same way). */
static int ensure_empty(const char *abs_path, struct berth_error *err)
{
        _cleanup_free_ pid_t *pids = NULL;
        size_t n = 0;
        int r = cgroup_list_pids(abs_path, &pids, &n, err);
        if (r < 0)
                return r;
        if (n > 0)
                return berth_error_new(err, EBUSY,
                                       "cgroup %s already has %zu process(es); is another container using "
                                       "this cgroupsPath?", abs_path, n);
        return 0;
}

int cgroup_create(const struct oci_config *cfg, const char *id, struct cgroup_handle *cg,
                  struct berth_error *err)
{
        const struct oci_resources *res = cfg->has_linux && cfg->linux_.has_resources
                                                  ? &cfg->linux_.resources : NULL;
        _cleanup_free_ char *mountpoint = NULL, *root = NULL, *path = NULL;
        int r = find_cgroup2_mount(&mountpoint, &root, err);
        if (r < 0)
                return r;
        r = group_path(cfg, id, root, &path, err);
        if (r < 0)
                return r;

        struct created_dirs made = { 0 };
        bool leaf_existed = false;
        r = make_group_dirs(mountpoint, path, &made, &leaf_existed, err);
        _cleanup_free_ char *abs_path = xasprintf("%s%s", mountpoint, path);
        if (r == 0 && leaf_existed)
                r = ensure_empty(abs_path, err);
        _cleanup_close_ int dirfd = -1;
        if (r == 0) {
                dirfd = open(abs_path, O_PATH | O_DIRECTORY | O_CLOEXEC);
                if (dirfd < 0)
                        r = berth_error_errno(err, errno, "open cgroup %s", abs_path);
        }
        if (r == 0 && res)
                r = cgroup_resources_apply(mountpoint, path, res, NULL, err);
        if (r < 0) {
                created_dirs_undo(&made);
                return r;
        }
        created_dirs_forget(&made);

        cg->mountpoint = steal_pointer(&mountpoint);
        cg->path = steal_pointer(&path);
        cg->abs_path = steal_pointer(&abs_path);
        cg->dirfd = steal_fd(&dirfd);
        return 0;
}

int cgroup_enter(const struct cgroup_handle *cg, pid_t pid, struct berth_error *err)
{
        _cleanup_free_ char *text = xasprintf("%d\n", (int) pid);
        int r = write_file_at(cg->dirfd, "cgroup.procs", 0, 0, text, strlen(text), err);
        if (r < 0)
                return berth_error_prefix(err, "move process %d into cgroup %s", (int) pid, cg->abs_path);
        return 0;
}

void cgroup_handle_release(struct cgroup_handle *cg)
{
        /* A handle cgroup_create never filled has no abs_path; its dirfd
         * may be an unset 0 that must not be closed. */
        if (cg->abs_path && cg->dirfd >= 0)
                close(cg->dirfd);
        free(cg->mountpoint);
        free(cg->path);
        free(cg->abs_path);
        cg->mountpoint = cg->path = cg->abs_path = NULL;
        cg->dirfd = -1;
}

/* ---- signalling --------------------------------------------------------- */

/* Kernel 5.14+: one write kills the whole subtree, forks included. */
static int kill_through_cgroup_kill(const char *abs_path, struct berth_error *err)
{
        _cleanup_free_ char *file = xasprintf("%s/cgroup.kill", abs_path);
        _cleanup_close_ int fd = open(file, O_WRONLY | O_CLOEXEC);
        if (fd < 0 && errno == ENOENT)
                return -ENOENT;
        if (fd < 0)
                return berth_error_errno(err, errno, "open %s", file);
        if (write(fd, "1", 1) < 0)
                return berth_error_errno(err, errno, "write 1 to %s", file);
        return 0;
}

static bool pid_in(const pid_t *set, size_t n, pid_t pid)
{
        for (size_t i = 0; i < n; i++)
                if (set[i] == pid)
                        return true;
        return false;
}

/* One pass: signal every listed process; *fresh says whether any was not
 * signalled in an earlier pass. */
static int signal_pass(const char *abs_path, int sig, pid_t **done, size_t *n_done, bool *fresh,
                       struct berth_error *err)
{
        _cleanup_free_ pid_t *pids = NULL;
        size_t n = 0;
        int r = cgroup_list_pids(abs_path, &pids, &n, err);
        if (r < 0)
                return r;
        *fresh = false;
        for (size_t i = 0; i < n; i++) {
                /* Never ourselves, should berth be inside the group. */
                if (pids[i] == getpid())
                        continue;
                if (kill(pids[i], sig) < 0 && errno != ESRCH)
                        return berth_error_errno(err, errno, "kill %d", (int) pids[i]);
                if (!pid_in(*done, *n_done, pids[i])) {
                        append_pid(done, n_done, pids[i]);
                        *fresh = true;
                }
        }
        return 0;
}

int cgroup_signal_all(const char *abs_path, int sig, struct berth_error *err)
{
        if (sig == SIGKILL) {
                int r = kill_through_cgroup_kill(abs_path, err);
                if (r != -ENOENT)
                        return r;
                /* ENOENT: the group is gone (reported below) or the kernel
                 * predates cgroup.kill (fall back to signalling each pid). */
        }
        _cleanup_free_ pid_t *done = NULL;
        size_t n_done = 0;
        for (int round = 0; round < (sig == SIGKILL ? KILL_ROUNDS : 1); round++) {
                bool fresh;
                int r = signal_pass(abs_path, sig, &done, &n_done, &fresh, err);
                if (r < 0)
                        return r;
                if (!fresh)
                        break;
        }
        return 0;
}

/* ---- destroying --------------------------------------------------------- */

static long long now_ms(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* cgroup.events says "populated 0" once no process is left in the subtree;
 * the kernel wakes poll(POLLPRI) when it changes, and a short poll timeout
 * covers a missed wakeup. */
static int wait_until_empty(const char *abs_path, struct berth_error *err)
{
        _cleanup_free_ char *file = xasprintf("%s/cgroup.events", abs_path);
        _cleanup_close_ int fd = open(file, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return errno == ENOENT ? 0 : berth_error_errno(err, errno, "open %s", file);
        long long deadline = now_ms() + EMPTY_TIMEOUT_MS;
        for (;;) {
                char buf[256];
                ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
                if (n < 0)
                        return berth_error_errno(err, errno, "read %s", file);
                buf[n] = '\0';
                if (strstr(buf, "populated 0"))
                        return 0;
                long long left = deadline - now_ms();
                if (left <= 0)
                        return berth_error_new(err, EBUSY, "cgroup %s still has processes %d s after SIGKILL",
                                               abs_path, EMPTY_TIMEOUT_MS / 1000);
                struct pollfd p = { .fd = fd, .events = POLLPRI };
                poll(&p, 1, left < 100 ? (int) left : 100);
        }
}

/* rmdir the group and every group below it, deepest first. */
static int remove_tree(const char *path, struct berth_error *err)
{
        _cleanup_closedir_ DIR *d = opendir(path);
        if (!d)
                return errno == ENOENT ? 0 : berth_error_errno(err, errno, "open cgroup %s", path);
        for (struct dirent *e; (e = readdir(d)); ) {
                if (e->d_type != DT_DIR || e->d_name[0] == '.')
                        continue;
                _cleanup_free_ char *child = xasprintf("%s/%s", path, e->d_name);
                int r = remove_tree(child, err);
                if (r < 0)
                        return r;
        }
        /* The kernel may report EBUSY for a moment after the group empties
         * while exiting tasks are unlinked; retry briefly. */
        for (int tries = 0; ; tries++) {
                if (rmdir(path) == 0 || errno == ENOENT)
                        return 0;
                if (errno != EBUSY || tries == 50)
                        return berth_error_errno(err, errno, "remove cgroup %s", path);
                usleep(10000);
        }
}

int cgroup_destroy(const char *abs_path, struct berth_error *err)
{
        struct stat st;
        if (stat(abs_path, &st) < 0 && errno == ENOENT)
                return 0;
        int r = cgroup_signal_all(abs_path, SIGKILL, err);
        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return r;
        r = wait_until_empty(abs_path, err);
        if (r < 0)
                return r;
        return remove_tree(abs_path, err);
}

/* ---- rootless ------------------------------------------------------------ */

bool cgroup_resources_need_group(const struct oci_resources *r)
{
        if (!r)
                return false;
        struct cgroup_probe probe = { 0 };
        struct cgroup_writes plan = { 0 };
        struct berth_error ignored = { 0 };
        if (cgroup_resources_plan(r, &probe, NULL, &plan, &ignored) < 0)
                return true;
        /* "" offers no controller: every "max" (no limit) is dropped. */
        cgroup_writes_drop_unlimited(&plan, "");
        bool need = plan.n > 0;
        cgroup_writes_release(&plan);
        return need;
}

bool cgroup_error_not_delegated(int r)
{
        return r == -EACCES || r == -EPERM || r == -EROFS || r == -ENOENT;
}

/* ---- for berth check ---------------------------------------------------- */

int cgroup_find_mount(char **mountpoint, char **root, struct berth_error *err)
{
        return find_cgroup2_mount(mountpoint, root, err);
}

int cgroup_own_group(const char *mount_root, char **path, struct berth_error *err)
{
        return own_cgroup_in_mount(mount_root, path, err);
}
