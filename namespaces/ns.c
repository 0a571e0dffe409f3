/* Namespaces: which ones clone3 creates, which are joined by path (and
 * when), user namespace id mappings and time namespace offsets. */
#include "namespaces/ns.h"

#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/nsfs.h>

#include "common/cleanup.h"
#include "common/util.h"
#include "namespaces/id_map_tool.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static const struct {
        const char *name;      /* as the spec writes it */
        int clone_flag;
        const char *own;       /* berth's own, in /proc/self/ns, that clone3 hands on */
} ns_info[OCI_NS_COUNT] = {
        [OCI_NS_PID]     = { "pid",     CLONE_NEWPID,    "pid_for_children" },
        [OCI_NS_NETWORK] = { "network", CLONE_NEWNET,    "net" },
        [OCI_NS_MOUNT]   = { "mount",   CLONE_NEWNS,     "mnt" },
        [OCI_NS_IPC]     = { "ipc",     CLONE_NEWIPC,    "ipc" },
        [OCI_NS_UTS]     = { "uts",     CLONE_NEWUTS,    "uts" },
        [OCI_NS_USER]    = { "user",    CLONE_NEWUSER,   "user" },
        [OCI_NS_CGROUP]  = { "cgroup",  CLONE_NEWCGROUP, "cgroup" },
        [OCI_NS_TIME]    = { "time",    CLONE_NEWTIME,   "time_for_children" },
};

/* The order the container's init joins namespaces by path: the user
 * namespace first, because it grants the capabilities to join namespaces it
 * owns; mount last, because setns(CLONE_NEWNS) also moves root and cwd.
 * Those berth joins before clone3 (joined_by_berth) are skipped. */
static const enum oci_namespace_type join_order[] = {
        OCI_NS_USER, OCI_NS_CGROUP, OCI_NS_IPC, OCI_NS_UTS, OCI_NS_NETWORK, OCI_NS_MOUNT,
};

static bool lists_namespace(const struct oci_linux *linux_, enum oci_namespace_type type)
{
        for (size_t i = 0; i < linux_->n_namespaces; i++)
                if (linux_->namespaces[i].type == type)
                        return true;
        return false;
}

/* Open a namespace file and check it holds the namespace type it is listed as. */
static int open_namespace(size_t index, const struct oci_namespace *ns, struct berth_error *err)
{
        _cleanup_close_ int fd = open(ns->path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return berth_error_errno(err, errno, "config.json: /linux/namespaces/%zu/path: open %s",
                                         index, ns->path);
        /* NS_GET_NSTYPE exists since Linux 4.11; any other file answers ENOTTY. */
        int type = ioctl(fd, NS_GET_NSTYPE);
        if (type < 0)
                return berth_error_new(err, errno == ENOTTY ? EINVAL : errno,
                                       "config.json: /linux/namespaces/%zu/path: %s is not a namespace file",
                                       index, ns->path);
        if (type != ns_info[ns->type].clone_flag) {
                const char *actual = "another";
                for (int t = 0; t < OCI_NS_COUNT; t++)
                        if (ns_info[t].clone_flag == type)
                                actual = ns_info[t].name;
                return berth_error_new(err, EINVAL,
                                       "config.json: /linux/namespaces/%zu/path: %s is a %s namespace, not %s",
                                       index, ns->path, actual, ns_info[ns->type].name);
        }
        return steal_fd(&fd);
}

/* Settings that only make sense with a namespace the config does not ask for. */
static int check_namespace_needs(const struct oci_config *cfg, struct berth_error *err)
{
        const struct oci_linux *l = &cfg->linux_;
        const struct oci_namespace *user = NULL, *time = NULL;
        for (size_t i = 0; i < l->n_namespaces; i++) {
                if (l->namespaces[i].type == OCI_NS_USER)
                        user = &l->namespaces[i];
                else if (l->namespaces[i].type == OCI_NS_TIME)
                        time = &l->namespaces[i];
        }
        bool mappings = l->n_uid_mappings || l->n_gid_mappings;
        if (mappings && !user)
                return berth_error_new(err, EINVAL,
                                       "config.json: /linux/%s: id mappings need a user namespace in /linux/namespaces",
                                       l->n_uid_mappings ? "uidMappings" : "gidMappings");
        if (mappings && user->path)
                return berth_error_new(err, EINVAL,
                                       "config.json: /linux/%s: id mappings cannot be written to a user namespace joined by path",
                                       l->n_uid_mappings ? "uidMappings" : "gidMappings");
        if (user && !user->path && !l->n_uid_mappings)
                return berth_error_new(err, EINVAL, "config.json: /linux/uidMappings: a new user namespace needs uid mappings");
        if (user && !user->path && !l->n_gid_mappings)
                return berth_error_new(err, EINVAL, "config.json: /linux/gidMappings: a new user namespace needs gid mappings");

        bool offsets = l->time_monotonic.present || l->time_boottime.present;
        if (offsets && (!time || time->path))
                return berth_error_new(err, EINVAL,
                                       "config.json: /linux/timeOffsets: offsets need a new time namespace in /linux/namespaces");

        /* Setting them would change the host's names. */
        if (cfg->hostname && *cfg->hostname && !lists_namespace(l, OCI_NS_UTS))
                return berth_error_new(err, EINVAL,
                                       "config.json: /hostname: setting the hostname needs a uts namespace in /linux/namespaces");
        if (cfg->domainname && *cfg->domainname && !lists_namespace(l, OCI_NS_UTS))
                return berth_error_new(err, EINVAL,
                                       "config.json: /domainname: setting the domainname needs a uts namespace in /linux/namespaces");
        return 0;
}

/* A map too long for the kernel is refused now, not once the init exists. */
static int check_id_map_fits(const struct oci_id_mapping *maps, size_t n, const char *member,
                             struct berth_error *err)
{
        _cleanup_free_ char *text = NULL;
        size_t len;
        int r = ns_id_map_text(maps, n, &text, &len, err);
        if (r < 0)
                return berth_error_prefix(err, "config.json: /linux/%s", member);
        return 0;
}

int ns_plan_build(const struct oci_config *cfg, struct ns_plan *plan, struct berth_error *err)
{
        *plan = (struct ns_plan) { 0 };
        for (int t = 0; t < OCI_NS_COUNT; t++)
                plan->join_fd[t] = -1;

        const struct oci_linux *l = &cfg->linux_;
        bool seen[OCI_NS_COUNT] = { false };
        for (size_t i = 0; i < l->n_namespaces; i++) {
                const struct oci_namespace *ns = &l->namespaces[i];
                if ((unsigned) ns->type >= OCI_NS_COUNT)
                        return berth_error_new(err, EINVAL, "config.json: /linux/namespaces/%zu/type: unknown namespace", i);
                if (seen[ns->type])
                        return berth_error_new(err, EINVAL, "config.json: /linux/namespaces/%zu: namespace \"%s\" is listed twice",
                                               i, ns_info[ns->type].name);
                seen[ns->type] = true;
        }
        int r = check_namespace_needs(cfg, err);
        if (r < 0)
                return r;
        if ((r = check_id_map_fits(l->uid_mappings, l->n_uid_mappings, "uidMappings", err)) < 0 ||
            (r = check_id_map_fits(l->gid_mappings, l->n_gid_mappings, "gidMappings", err)) < 0)
                return r;

        for (size_t i = 0; i < l->n_namespaces; i++) {
                const struct oci_namespace *ns = &l->namespaces[i];
                if (!ns->path) {
                        if (ns->type == OCI_NS_TIME)
                                plan->new_time = true;
                        else
                                plan->clone_flags |= (uint64_t) ns_info[ns->type].clone_flag;
                        continue;
                }
                int fd = open_namespace(i, ns, err);
                if (fd < 0) {
                        ns_plan_release(plan);
                        return fd;
                }
                plan->join_fd[ns->type] = fd;
        }
        return 0;
}

void ns_plan_release(struct ns_plan *plan)
{
        for (int t = 0; t < OCI_NS_COUNT; t++) {
                if (plan->join_fd[t] >= 0)
                        close(plan->join_fd[t]);
                plan->join_fd[t] = -1;
        }
}

static int join(const struct ns_plan *plan, enum oci_namespace_type type, struct berth_error *err)
{
        int fd = plan->join_fd[type];
        if (fd < 0)
                return 0;
        if (setns(fd, ns_info[type].clone_flag) < 0)
                return berth_error_errno(err, errno, "join the %s namespace", ns_info[type].name);
        return 0;
}

/* pid and time only change what children get, so berth joins them and
 * the init is born inside.  A child born in a new user namespace has no
 * privilege over namespaces the host's user namespace owns: berth joins
 * those (as root) before the clone too, as runc joins before it unshares.
 * The mount namespace always stays with the init: berth needs its own
 * mount tree meanwhile. */
static bool joined_by_berth(const struct ns_plan *plan, enum oci_namespace_type type)
{
        switch (type) {
        case OCI_NS_PID:
        case OCI_NS_TIME:
                return true;
        case OCI_NS_NETWORK:
        case OCI_NS_IPC:
        case OCI_NS_UTS:
        case OCI_NS_CGROUP:
                return (plan->clone_flags & CLONE_NEWUSER) != 0;
        default:
                return false;
        }
}

int ns_join_before_clone(const struct ns_plan *plan, struct ns_saved *saved, struct berth_error *err)
{
        for (int t = 0; t < OCI_NS_COUNT; t++)
                saved->fd[t] = -1;
        for (int t = 0; t < OCI_NS_COUNT; t++) {
                if (plan->join_fd[t] < 0 || !joined_by_berth(plan, t))
                        continue;
                char path[64];
                snprintf(path, sizeof(path), "/proc/self/ns/%s", ns_info[t].own);
                saved->fd[t] = open(path, O_RDONLY | O_CLOEXEC);
                if (saved->fd[t] < 0)
                        return berth_error_errno(err, errno, "open %s", path);
                int r = join(plan, t, err);
                if (r < 0)
                        return r;
        }
        return 0;
}

void ns_restore_after_clone(struct ns_saved *saved)
{
        for (int t = 0; t < OCI_NS_COUNT; t++) {
                if (saved->fd[t] < 0)
                        continue;
                /* Back to berth's own: cannot fail for namespaces berth was
                 * in a moment ago, as root. */
                (void) setns(saved->fd[t], ns_info[t].clone_flag);
                close(saved->fd[t]);
                saved->fd[t] = -1;
        }
}

int ns_join_in_child(const struct ns_plan *plan, struct berth_error *err)
{
        for (size_t i = 0; i < sizeof(join_order) / sizeof(join_order[0]); i++) {
                if (joined_by_berth(plan, join_order[i]))
                        continue;
                int r = join(plan, join_order[i], err);
                if (r < 0)
                        return r;
        }
        return 0;
}

int ns_id_map_text(const struct oci_id_mapping *maps, size_t n, char **text, size_t *len,
                   struct berth_error *err)
{
        _cleanup_free_ char *buf = xmalloc0(n * 36 + 1);
        size_t used = 0;
        for (size_t i = 0; i < n; i++)
                used += (size_t) sprintf(buf + used, "%" PRIu32 " %" PRIu32 " %" PRIu32 "\n",
                                         maps[i].container_id, maps[i].host_id, maps[i].size);
        /* The kernel takes less than a page in its one write (map_write). */
        long page = sysconf(_SC_PAGESIZE);
        if (page > 0 && used >= (size_t) page)
                return berth_error_new(err, EINVAL,
                                       "the %zu ranges make %zu bytes of map, the kernel takes less than %ld",
                                       n, used, page);
        *text = steal_pointer(&buf);
        *len = used;
        return 0;
}

/* uid_map and gid_map take the whole mapping in a single write. */
int ns_write_id_map(pid_t pid, const char *file, const struct oci_id_mapping *maps, size_t n,
                    struct berth_error *err)
{
        if (n == 0)
                return 0;
        _cleanup_free_ char *text = NULL;
        size_t len;
        int r = ns_id_map_text(maps, n, &text, &len, err);
        if (r < 0)
                return r;
        char path[64];
        snprintf(path, sizeof(path), "/proc/%d/%s", (int) pid, file);
        return write_file_at(AT_FDCWD, path, 0, 0, text, len, err);
}

/* What the kernel takes from a writer without CAP_SETUID/CAP_SETGID over
 * the parent namespace: one range of size one, the writer's own id. */
static bool maps_only_own_id(const struct oci_id_mapping *maps, size_t n, unsigned own)
{
        return n == 1 && maps[0].size == 1 && maps[0].host_id == own;
}

static int deny_setgroups(pid_t pid, struct berth_error *err)
{
        char path[64];
        snprintf(path, sizeof(path), "/proc/%d/setgroups", (int) pid);
        return write_file_at(AT_FDCWD, path, 0, 0, "deny", 4, err);
}

/* One map, written by berth where the kernel lets it (root over the
 * parent namespace, or berth's own id alone), else through newuidmap or
 * newgidmap: the kernel refuses anything more from an unprivileged writer
 * with EPERM, as runc finds out before it turns to the tools. */
static int write_one_map(pid_t pid, enum id_map_kind kind, const struct oci_id_mapping *maps, size_t n,
                         struct berth_error *err)
{
        if (n == 0)
                return 0;
        bool uid = kind == ID_MAP_UID;
        bool own_only = maps_only_own_id(maps, n, uid ? (unsigned) geteuid() : (unsigned) getegid());
        /* An unprivileged writer's own gid goes in only once setgroups is
         * denied (Linux 3.19): otherwise the container could drop the
         * supplementary groups that deny it access on the host.  Root, and
         * the tools, need not give up setgroups(2) in the container. */
        if (!uid && own_only && geteuid() != 0) {
                int r = deny_setgroups(pid, err);
                if (r < 0)
                        return r;
        }
        int r = ns_write_id_map(pid, uid ? "uid_map" : "gid_map", maps, n, err);
        if (r != -EPERM || own_only)
                return r;
        berth_error_clear(err);
        return id_map_tool_write(kind, pid, maps, n, err);
}

int ns_write_id_mappings(pid_t pid, const struct oci_linux *linux_, struct berth_error *err)
{
        int r = write_one_map(pid, ID_MAP_UID, linux_->uid_mappings, linux_->n_uid_mappings, err);
        if (r < 0)
                return berth_error_prefix(err, "config.json: /linux/uidMappings");
        r = write_one_map(pid, ID_MAP_GID, linux_->gid_mappings, linux_->n_gid_mappings, err);
        if (r < 0)
                return berth_error_prefix(err, "config.json: /linux/gidMappings");
        return 0;
}

int ns_enter_new_time(const struct oci_linux *linux_, struct berth_error *err)
{
        if (unshare(CLONE_NEWTIME) < 0)
                return berth_error_errno(err, errno, "create a time namespace");

        /* Offsets can be written only until a task enters the namespace. */
        char text[128];
        size_t len = 0;
        if (linux_->time_monotonic.present)
                len += (size_t) snprintf(text + len, sizeof(text) - len, "monotonic %" PRId64 " %" PRIu32 "\n",
                                         linux_->time_monotonic.secs, linux_->time_monotonic.nanosecs);
        if (linux_->time_boottime.present)
                len += (size_t) snprintf(text + len, sizeof(text) - len, "boottime %" PRId64 " %" PRIu32 "\n",
                                         linux_->time_boottime.secs, linux_->time_boottime.nanosecs);
        if (len > 0) {
                int r = write_file_at(AT_FDCWD, "/proc/self/timens_offsets", 0, 0, text, len, err);
                if (r < 0)
                        return berth_error_prefix(err, "config.json: /linux/timeOffsets");
        }

        _cleanup_close_ int fd = open("/proc/self/ns/time_for_children", O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return berth_error_errno(err, errno, "open /proc/self/ns/time_for_children");
        if (setns(fd, CLONE_NEWTIME) < 0)
                return berth_error_errno(err, errno, "enter the new time namespace");
        return 0;
}
