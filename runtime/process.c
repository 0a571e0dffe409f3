/* The container process's own attributes (see process.h): hostname,
 * sysctl, rlimits, oom score, personality, working directory, identity,
 * capabilities, no_new_privs, and finding and running the program. */
#include "runtime/process.h"

#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/util.h"
#include "namespaces/procfs.h"
#include "namespaces/path_resolve.h"
#include "runtime/capabilities.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define DEFAULT_UMASK 0022

/* Set by process_enter_cwd when berth itself may not enter the cwd but the
 * container's user might (a volume chowned to that user): the chdir is then
 * retried by process_set_identity once the uid has changed, as runc does. */
static bool cwd_deferred;

/* ---- hostname ----------------------------------------------------------- */

static bool has_uts_namespace(const struct oci_config *cfg)
{
        for (size_t i = 0; cfg->has_linux && i < cfg->linux_.n_namespaces; i++)
                if (cfg->linux_.namespaces[i].type == OCI_NS_UTS)
                        return true;
        return false;
}

int process_set_hostname(const struct oci_config *cfg, struct berth_error *err)
{
        if (!cfg->hostname && !cfg->domainname)
                return 0;
        /* Without its own uts namespace the container would rename the host. */
        if (!has_uts_namespace(cfg))
                return berth_error_new(err, EINVAL,
                                       "config.json: /%s: setting it needs a uts namespace "
                                       "(add {\"type\": \"uts\"} to /linux/namespaces)",
                                       cfg->hostname ? "hostname" : "domainname");
        if (cfg->hostname && sethostname(cfg->hostname, strlen(cfg->hostname)) < 0)
                return berth_error_errno(err, errno, "config.json: /hostname: sethostname \"%s\"",
                                         cfg->hostname);
        if (cfg->domainname && setdomainname(cfg->domainname, strlen(cfg->domainname)) < 0)
                return berth_error_errno(err, errno, "config.json: /domainname: setdomainname \"%s\"",
                                         cfg->domainname);
        return 0;
}

/* ---- sysctl ------------------------------------------------------------- */

/* The key as a JSON pointer token: '~' and '/' are escaped (RFC 6901). */
static char *pointer_token(const char *key)
{
        char *out = xmalloc0(2 * strlen(key) + 1), *o = out;
        for (const char *k = key; *k; k++) {
                if (*k == '~' || *k == '/') {
                        *o++ = '~';
                        *o++ = *k == '~' ? '0' : '1';
                } else {
                        *o++ = *k;
                }
        }
        return out;
}

/* sysctl(8) naming: when the first separator is '.', dots and slashes swap
 * (so "net.ipv4.conf.eth0/100.rp_filter" reaches the "eth0.100" directory);
 * when it is '/', the name is already a path. */
static char *sysctl_key_to_path(const char *key)
{
        char *path = xstrdup(key);
        size_t first = strcspn(key, "./");
        if (key[first] != '.')
                return path;
        for (char *p = path; *p; p++) {
                if (*p == '.')
                        *p = '/';
                else if (*p == '/')
                        *p = '.';
        }
        return path;
}

/* Each component must name something below /proc/sys: no empty, "." or
 * ".." components that would reach elsewhere. */
static bool sysctl_path_is_valid(const char *path)
{
        if (!*path)
                return false;
        for (const char *p = path; ; ) {
                size_t len = strcspn(p, "/");
                if (len == 0 || (len == 1 && p[0] == '.') || (len == 2 && p[0] == '.' && p[1] == '.'))
                        return false;
                if (!p[len])
                        return true;
                p += len + 1;
        }
}

/* Through berth's own procfs (namespaces/procfs.h): the container's
 * /proc/sys could be a tmpfs, or a file of the host or another procfs file
 * bound over the parameter, taking the write (CVE-2025-52881).  The value
 * lands in the container's namespaces all the same: a namespaced parameter
 * belongs to the namespaces of the process writing it. */
static int write_sysctl(const struct oci_sysctl *s, struct berth_error *err)
{
        _cleanup_free_ char *rel = sysctl_key_to_path(s->key);
        if (!sysctl_path_is_valid(rel))
                return berth_error_new(err, EINVAL,
                                       "not a kernel parameter name (expected e.g. net.ipv4.ip_forward)");
        _cleanup_free_ char *path = xasprintf("sys/%s", rel);
        _cleanup_close_ int fd = procfs_open(path, O_WRONLY, err);
        if (fd == -ENOENT)
                return berth_error_new(err, ENOENT, "no such kernel parameter (/proc/%s does not exist)", path);
        if (fd < 0)
                return fd;
        struct stat st;
        if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
                return berth_error_new(err, EINVAL, "/proc/%s is not a kernel parameter", path);
        ssize_t r = write_all(fd, s->value, strlen(s->value));
        if (r < 0)
                return berth_error_errno(err, (int) -r, "write \"%s\" to /proc/%s", s->value, path);
        return 0;
}

int process_apply_sysctl(const struct oci_config *cfg, struct berth_error *err)
{
        if (!cfg->has_linux)
                return 0;
        for (size_t i = 0; i < cfg->linux_.n_sysctl; i++) {
                const struct oci_sysctl *s = &cfg->linux_.sysctl[i];
                int r = write_sysctl(s, err);
                if (r < 0) {
                        _cleanup_free_ char *token = pointer_token(s->key);
                        return berth_error_prefix(err, "config.json: /linux/sysctl/%s", token);
                }
        }
        return 0;
}

/* ---- rlimits, oom score, personality ------------------------------------ */

static char *rlimit_text(uint64_t v)
{
        if (v == (uint64_t) RLIM_INFINITY)
                return xstrdup("unlimited");
        return xasprintf("%" PRIu64, v);
}

/* Everything setrlimit would refuse, found before any limit changes. */
static int check_rlimit(const struct oci_rlimit *rl, size_t index, bool may_raise,
                        struct berth_error *err)
{
        if (rl->soft > rl->hard) {
                _cleanup_free_ char *soft = rlimit_text(rl->soft), *hard = rlimit_text(rl->hard);
                return berth_error_new(err, EINVAL,
                                       "config.json: /process/rlimits/%zu: %s soft limit %s is above its hard limit %s",
                                       index, rl->type, soft, hard);
        }
        struct rlimit now;
        if (getrlimit(rl->resource, &now) < 0)
                return berth_error_errno(err, errno, "config.json: /process/rlimits/%zu: %s",
                                         index, rl->type);
        if (rl->hard > (uint64_t) now.rlim_max && !may_raise) {
                _cleanup_free_ char *want = rlimit_text(rl->hard);
                _cleanup_free_ char *have = rlimit_text((uint64_t) now.rlim_max);
                return berth_error_new(err, EPERM,
                                       "config.json: /process/rlimits/%zu: %s hard limit %s is above this "
                                       "host's limit %s, and raising it needs CAP_SYS_RESOURCE",
                                       index, rl->type, want, have);
        }
        return 0;
}

static int set_rlimit(const struct oci_rlimit *rl, size_t index, struct berth_error *err)
{
        struct rlimit want = { .rlim_cur = (rlim_t) rl->soft, .rlim_max = (rlim_t) rl->hard };
        if (setrlimit(rl->resource, &want) == 0)
                return 0;
        int saved = errno;
        struct rlimit now;
        /* In a user namespace CAP_SYS_RESOURCE shows as held, but the kernel
         * wants it in the initial namespace: name the cause here too. */
        if (saved == EPERM && getrlimit(rl->resource, &now) == 0 && rl->hard > (uint64_t) now.rlim_max)
                return check_rlimit(rl, index, false, err);
        return berth_error_errno(err, saved, "config.json: /process/rlimits/%zu: set %s", index, rl->type);
}

static int apply_rlimits(const struct oci_process *proc, struct berth_error *err)
{
        bool may_raise = caps_have_effective(CAP_SYS_RESOURCE);
        for (size_t i = 0; i < proc->n_rlimits; i++) {
                int r = check_rlimit(&proc->rlimits[i], i, may_raise, err);
                if (r < 0)
                        return r;
        }
        for (size_t i = 0; i < proc->n_rlimits; i++) {
                int r = set_rlimit(&proc->rlimits[i], i, err);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* Through berth's own procfs: a file bound over the container's
 * /proc/self/oom_score_adj, another process's say, would take the write
 * (CVE-2025-52881). */
static int apply_oom_score_adj(int value, struct berth_error *err)
{
        _cleanup_free_ char *text = xasprintf("%d", value);
        _cleanup_close_ int fd = procfs_open("self/oom_score_adj", O_WRONLY, err);
        if (fd < 0)
                return berth_error_prefix(err, "config.json: /process/oomScoreAdj");
        ssize_t r = write_all(fd, text, strlen(text));
        if (r >= 0)
                return 0;
        if (r == -EACCES) {
                _cleanup_free_ char *now = NULL;
                struct berth_error ignored;
                if (procfs_read("self/oom_score_adj", &now, &ignored) == 0)
                        now[strcspn(now, "\n")] = '\0';
                return berth_error_new(err, EACCES,
                                       "config.json: /process/oomScoreAdj: %d is below the current value %s, "
                                       "and lowering it needs CAP_SYS_RESOURCE",
                                       value, now ? now : "?");
        }
        return berth_error_errno(err, (int) -r, "config.json: /process/oomScoreAdj: write %d", value);
}

static int apply_personality(const struct oci_personality *p, struct berth_error *err)
{
        unsigned long persona;
        if (p->domain && strcmp(p->domain, "LINUX") == 0)
                persona = PER_LINUX;
        else if (p->domain && strcmp(p->domain, "LINUX32") == 0)
                persona = PER_LINUX32;
        else
                return berth_error_new(err, EINVAL,
                                       "config.json: /linux/personality/domain: \"%s\" is not LINUX or LINUX32",
                                       p->domain ? p->domain : "");
        if (p->flags && p->flags[0])
                return berth_error_new(err, EINVAL,
                                       "config.json: /linux/personality/flags/0: \"%s\" is not supported "
                                       "(the runtime spec defines no personality flags)",
                                       p->flags[0]);
        if (personality(persona) < 0)
                return berth_error_errno(err, errno, "config.json: /linux/personality: personality(%s)",
                                         p->domain);
        return 0;
}

int process_apply_oom_score_adj(const struct oci_process *proc, struct berth_error *err)
{
        return proc->has_oom_score_adj ? apply_oom_score_adj(proc->oom_score_adj, err) : 0;
}

int process_apply_limits(const struct oci_process *proc, const struct oci_linux *linux_,
                         struct berth_error *err)
{
        int r = apply_rlimits(proc, err);
        if (r < 0)
                return r;
        if (linux_ && linux_->has_personality)
                return apply_personality(&linux_->personality, err);
        return 0;
}

/* ---- the executable ----------------------------------------------------- */

/* PATH as the container will see it: the last PATH= in process.env wins,
 * as it does when the variables are set one after another. */
static const char *env_path(char *const *env)
{
        const char *path = NULL;
        for (size_t i = 0; env && env[i]; i++)
                if (strncmp(env[i], "PATH=", 5) == 0)
                        path = env[i] + 5;
        return path ? path : DEFAULT_PATH;
}

/* A regular file with an x bit that exec may run: as root access(X_OK)
 * alone says yes for any x bit, which is what exec needs too; the mode
 * check refuses files with none, and access() catches noexec mounts. */
static int check_executable(const char *file)
{
        struct stat st;
        if (stat(file, &st) < 0)
                return -errno;
        if (S_ISDIR(st.st_mode))
                return -EISDIR;
        if (!S_ISREG(st.st_mode) || !(st.st_mode & 0111))
                return -EACCES;
        if (access(file, X_OK) < 0)
                return -errno;
        return 0;
}

int process_find_executable(const struct oci_process *proc, char **path, struct berth_error *err)
{
        const char *name = proc->args ? proc->args[0] : NULL;
        if (!name || !*name)
                return berth_error_new(err, EINVAL, "config.json: /process/args: must name the program to run");

        if (strchr(name, '/')) {
                int r = check_executable(name);
                if (r < 0)
                        return berth_error_errno(err, -r, "exec: \"%s\"", name);
                *path = xstrdup(name);
                return 0;
        }

        _cleanup_free_ char *search = xstrdup(env_path(proc->env));
        char *rest = search;
        for (;;) {
                char *dir = strsep(&rest, ":");
                if (!dir)
                        break;
                /* An empty entry means the current directory, as for execvp. */
                _cleanup_free_ char *candidate = xasprintf("%s/%s", *dir ? dir : ".", name);
                if (check_executable(candidate) == 0) {
                        *path = steal_pointer(&candidate);
                        return 0;
                }
        }
        return berth_error_new(err, ENOENT, "exec: \"%s\": executable file not found in $PATH", name);
}

/* ---- cwd ---------------------------------------------------------------- */

/* The cwd comes from the image (WORKDIR) as often as from the user, so it
 * is resolved inside the container's root like a mount destination: no
 * symlink or ".." leaves it, and no magic link either, so a cwd of
 * /proc/self/fd/N cannot reach a directory of the host's through a
 * descriptor (CVE-2024-21626).  A missing cwd is created (0755, owned by
 * whoever runs this: root before the identity changes), as runc and crun
 * do. */
static int open_cwd_in_root(const char *cwd, int *fd, struct berth_error *err)
{
        _cleanup_close_ int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (root < 0)
                return berth_error_errno(err, errno, "open the container's root");
        int r = path_open_in_root(root, cwd, PATH_CREATE_DIR, err);
        if (r < 0)
                return r;
        *fd = r;
        return 0;
}

/* A second check, whatever the resolution did: the kernel tells getcwd
 * when the working directory is not under the process's root. */
static int check_cwd_under_root(const char *cwd, struct berth_error *err)
{
        char buf[PATH_MAX];
        if (!getcwd(buf, sizeof(buf)) && errno == ENOENT)
                return berth_error_new(err, EPERM, "\"%s\" is outside the container's root", cwd);
        return 0;
}

static int enter_cwd(const char *cwd, struct berth_error *err)
{
        _cleanup_close_ int fd = -1;
        int r = open_cwd_in_root(cwd, &fd, err);
        if (r < 0)
                return r;
        if (fchdir(fd) < 0)
                return berth_error_errno(err, errno, "chdir to \"%s\"", cwd);
        return check_cwd_under_root(cwd, err);
}

int process_enter_cwd(const struct oci_process *proc, struct berth_error *err)
{
        const char *cwd = proc->cwd;
        cwd_deferred = false;
        if (!cwd || !*cwd)
                return 0;
        int r = enter_cwd(cwd, err);
        if (r >= 0)
                return 0;
        if ((r == -EACCES || r == -EPERM) && geteuid() == 0) {
                cwd_deferred = true;
                *err = (struct berth_error) { 0 };
                return 0;
        }
        return berth_error_prefix(err, "config.json: /process/cwd");
}

/* ---- identity ----------------------------------------------------------- */

/* In a user namespace whose /proc/self/setgroups says "deny" (no gid
 * mapping privilege), setgroups(2) always fails.  Read through berth's own
 * procfs: a fake "deny" bound over the container's file would have the
 * process keep berth's supplementary groups (CVE-2025-52881). */
static bool setgroups_allowed(void)
{
        _cleanup_free_ char *text = NULL;
        struct berth_error ignored;
        if (procfs_read("self/setgroups", &text, &ignored) < 0)
                return true;   /* kernels before 3.19 have no such file */
        return strncmp(text, "deny", 4) != 0;
}

static int set_groups(const struct oci_user *user, struct berth_error *err)
{
        if (!setgroups_allowed()) {
                if (user->n_additional_gids > 0)
                        return berth_error_new(err, EPERM,
                                               "config.json: /process/user/additionalGids: cannot be set in a "
                                               "user namespace where setgroups is denied");
                return 0;
        }
        if (setgroups(user->n_additional_gids, user->additional_gids) < 0)
                return berth_error_errno(err, errno, "config.json: /process/user/additionalGids: setgroups");
        return 0;
}

static int set_ids(const struct oci_user *user, struct berth_error *err)
{
        if (setresgid(user->gid, user->gid, user->gid) < 0)
                return berth_error_errno(err, errno, "config.json: /process/user/gid: setresgid %u",
                                         (unsigned) user->gid);
        /* Keep the permitted set across the uid change, so caps_apply can
         * still hand the container its capabilities afterwards. */
        if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
                return berth_error_errno(err, errno, "prctl(PR_SET_KEEPCAPS)");
        if (setresuid(user->uid, user->uid, user->uid) < 0)
                return berth_error_errno(err, errno, "config.json: /process/user/uid: setresuid %u",
                                         (unsigned) user->uid);
        if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
                return berth_error_errno(err, errno, "prctl(PR_SET_KEEPCAPS)");
        return 0;
}

int process_set_identity(const struct oci_process *proc, struct berth_error *err)
{
        /* An absent capabilities object means every set is empty (runc). */
        struct oci_capabilities caps = { 0 };
        if (proc->has_capabilities)
                caps = proc->capabilities;
        int r = caps_check(&caps, err);
        if (r < 0)
                return r;

        /* The bounding set shrinks while CAP_SETPCAP is still effective,
         * which the uid change below takes away. */
        r = caps_drop_bounding(caps.bounding, err);
        if (r < 0)
                return r;
        r = set_groups(&proc->user, err);
        if (r < 0)
                return r;
        /* The last procfs access before the wait for start (the exec labels
         * were opened before, see attributes.h). */
        procfs_close();
        r = set_ids(&proc->user, err);
        if (r < 0)
                return r;
        if (cwd_deferred) {
                r = enter_cwd(proc->cwd, err);
                if (r < 0)
                        return berth_error_prefix(err, "config.json: /process/cwd");
                cwd_deferred = false;
        }
        umask(proc->user.has_umask ? proc->user.umask : DEFAULT_UMASK);

        r = caps_apply(&caps, err);
        if (r < 0)
                return r;
        if (proc->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
                return berth_error_errno(err, errno, "config.json: /process/noNewPrivileges: prctl(PR_SET_NO_NEW_PRIVS)");
        return 0;
}

/* ---- exec --------------------------------------------------------------- */

int process_exec(const struct oci_process *proc, const char *path, struct berth_error *err)
{
        static char *const no_env[] = { NULL };
        execve(path, proc->args, proc->env ? proc->env : no_env);
        return berth_error_errno(err, errno, "exec %s", path);
}
