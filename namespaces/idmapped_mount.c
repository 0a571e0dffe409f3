/* Idmapped bind mounts (see idmapped_mount.h).  Only a process with
 * CAP_SYS_ADMIN in the user namespace that owns a filesystem may idmap a
 * mount of it: for the host's filesystems that is the host's user
 * namespace, where berth runs and an init in a user namespace of its own
 * does not.  So berth clones and idmaps the source (open_tree,
 * mount_setattr with MOUNT_ATTR_IDMAP, Linux 5.12) and the init moves the
 * detached tree into place (move_mount), as crun and runc 1.2 do. */
#include "namespaces/idmapped_mount.h"

#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/util.h"
#include "namespaces/mount_attr.h"

/* The same numbers on every architecture (the unified table, Linux 5.2+),
 * for C libraries that predate them. */
#ifndef SYS_clone3
#define SYS_clone3 435
#endif
#ifndef MOUNT_ATTR_IDMAP
#define MOUNT_ATTR_IDMAP 0x00100000
#endif

/* struct mount_attr, spelled out: glibc only has it since 2.36. */
struct idmap_mount_attr {
        uint64_t attr_set, attr_clr, propagation, userns_fd;
};

bool mount_is_idmapped(const struct oci_mount *m)
{
        return m->parsed.idmap || m->n_uid_mappings || m->n_gid_mappings;
}

/* ---- a user namespace holding a mapping -------------------------------------- */

/* A child born in a new user namespace (fork-like: no stack of its own).
 * Before Linux 5.3 there is no clone3, and no idmapped mounts either, but
 * `berth check` still wants its answer. */
static pid_t clone_into_new_userns(void)
{
        struct clone_args args = { .flags = CLONE_NEWUSER, .exit_signal = SIGCHLD };
        pid_t pid = (pid_t) syscall(SYS_clone3, &args, sizeof(args));
        if (pid >= 0 || errno != ENOSYS)
                return pid;
        return (pid_t) syscall(SYS_clone, (unsigned long) (CLONE_NEWUSER | SIGCHLD), 0, 0, 0, 0);
}

static int map_and_open_userns(pid_t pid, const struct oci_id_mapping *uids, size_t n_uids,
                               const struct oci_id_mapping *gids, size_t n_gids, struct berth_error *err)
{
        int r = ns_write_id_map(pid, "uid_map", uids, n_uids, err);
        if (r < 0)
                return berth_error_prefix(err, "uidMappings");
        r = ns_write_id_map(pid, "gid_map", gids, n_gids, err);
        if (r < 0)
                return berth_error_prefix(err, "gidMappings");
        char path[64];
        snprintf(path, sizeof(path), "/proc/%d/ns/user", (int) pid);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return berth_error_errno(err, errno, "open %s", path);
        return fd;
}

int idmap_userns_open(const struct oci_id_mapping *uids, size_t n_uids,
                      const struct oci_id_mapping *gids, size_t n_gids, struct berth_error *err)
{
        /* The child waits for end-of-file on `hold`: berth's end closes once
         * the namespace is open, and the fd alone keeps it. */
        int hold[2];
        if (pipe2(hold, O_CLOEXEC) < 0)
                return berth_error_errno(err, errno, "pipe");
        _cleanup_close_ int hold_r = hold[0], hold_w = hold[1];
        pid_t pid = clone_into_new_userns();
        if (pid == 0) {
                char byte;
                close(hold[1]);
                (void) !read(hold[0], &byte, 1);
                _exit(0);
        }
        if (pid < 0)
                return berth_error_errno(err, errno, "create a user namespace for the idmapping");
        close(steal_fd(&hold_r));
        int fd = map_and_open_userns(pid, uids, n_uids, gids, n_gids, err);
        close(steal_fd(&hold_w));
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
                ;
        return fd;
}

/* The user namespace joined by path, else the init's new one. */
static int idmap_container_userns(const struct ns_plan *plan, pid_t pid, struct berth_error *err)
{
        if (plan->join_fd[OCI_NS_USER] >= 0) {
                int fd = fcntl(plan->join_fd[OCI_NS_USER], F_DUPFD_CLOEXEC, 3);
                return fd >= 0 ? fd : berth_error_errno(err, errno, "dup the user namespace fd");
        }
        if (!(plan->clone_flags & CLONE_NEWUSER))
                return berth_error_new(err, ENOENT, "the container has no user namespace to take the idmapping from");
        char path[64];
        snprintf(path, sizeof(path), "/proc/%d/ns/user", (int) pid);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        return fd >= 0 ? fd : berth_error_errno(err, errno, "open %s", path);
}

/* ---- the idmapped tree -------------------------------------------------------- */

/* The type of the filesystem `path` is on, from mountinfo (for errors). */
static char *fs_type_of(const char *path)
{
        struct statx stx;
        if (statx(AT_FDCWD, path, 0, STATX_MNT_ID, &stx) < 0 || !(stx.stx_mask & STATX_MNT_ID))
                return xstrdup("unknown");
        _cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
        _cleanup_free_ char *line = NULL;
        size_t size = 0;
        while (f && getline(&line, &size, f) > 0) {
                unsigned long long id;
                char type[64];
                const char *sep = strstr(line, " - ");
                if (sep && sscanf(line, "%llu", &id) == 1 && id == stx.stx_mnt_id &&
                    sscanf(sep + 3, "%63s", type) == 1)
                        return xstrdup(type);
        }
        return xstrdup("unknown");
}

static int explain_idmap_failure(int e, const char *source, bool recursive, struct berth_error *err)
{
        if (e == ENOSYS)
                return berth_error_new(err, e, "idmapped mounts need Linux 5.12 (mount_setattr)");
        if (e == EPERM)
                return berth_error_errno(err, e,
                                         "idmap %s: berth needs CAP_SYS_ADMIN in the user namespace that "
                                         "owns its filesystem (a rootless berth cannot idmap host files)",
                                         source);
        if (e == EINVAL) {
                _cleanup_free_ char *type = fs_type_of(source);
                return berth_error_new(err, e, "idmap %s: its filesystem (%s)%s cannot be idmapped on this kernel",
                                       source, type, recursive ? " or one mounted under it" : "");
        }
        return berth_error_errno(err, e, "idmap %s", source);
}

static int idmapped_tree_create(const struct oci_mount *m, const char *bundle, int container_userns,
                                struct berth_error *err)
{
        _cleanup_close_ int own_userns = -1;
        if (m->n_uid_mappings) {
                own_userns = idmap_userns_open(m->uid_mappings, m->n_uid_mappings, m->gid_mappings,
                                               m->n_gid_mappings, err);
                if (own_userns < 0)
                        return own_userns;
        }
        if (!m->source)
                return berth_error_new(err, EINVAL, "a bind mount needs a source");
        /* Relative to the bundle, as rootfs.c resolves every bind source. */
        _cleanup_free_ char *source = m->source[0] == '/' || !bundle ? xstrdup(m->source)
                                                                      : xasprintf("%s/%s", bundle, m->source);
        unsigned clone_flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (m->parsed.recursive_bind ? AT_RECURSIVE : 0);
        _cleanup_close_ int tree = (int) syscall(SYS_open_tree, AT_FDCWD, source, clone_flags);
        if (tree < 0 && errno == ENOSYS)
                return berth_error_new(err, ENOSYS, "idmapped mounts need Linux 5.12 (open_tree, mount_setattr)");
        if (tree < 0)
                return berth_error_errno(err, errno, "bind mount source %s", source);

        struct idmap_mount_attr attr = {
                .attr_set = MOUNT_ATTR_IDMAP,
                .userns_fd = (uint64_t) (own_userns >= 0 ? own_userns : container_userns),
        };
        /* "idmap" on an rbind maps the top mount only, "ridmap" the submounts too. */
        unsigned at_flags = AT_EMPTY_PATH | (m->parsed.recursive_idmap ? AT_RECURSIVE : 0);
        if (syscall(SYS_mount_setattr, tree, "", at_flags, &attr, sizeof(attr)) < 0)
                return explain_idmap_failure(errno, source, m->parsed.recursive_idmap && m->parsed.recursive_bind,
                                             err);
        return steal_fd(&tree);
}

int idmapped_trees_create(const struct oci_config *cfg, const char *bundle, const struct ns_plan *plan,
                          pid_t init_pid, struct idmapped_trees *out, struct berth_error *err)
{
        idmapped_trees_init(out, cfg->n_mounts);
        _cleanup_close_ int container_userns = -1;
        for (size_t i = 0; i < cfg->n_mounts; i++) {
                const struct oci_mount *m = &cfg->mounts[i];
                if (!mount_is_idmapped(m))
                        continue;
                if (!m->n_uid_mappings && container_userns < 0) {
                        container_userns = idmap_container_userns(plan, init_pid, err);
                        if (container_userns < 0)
                                return berth_error_prefix(err, "config.json: /mounts/%zu", i);
                }
                out->fds[i] = idmapped_tree_create(m, bundle, container_userns, err);
                if (out->fds[i] < 0)
                        return berth_error_prefix(err, "config.json: /mounts/%zu", i);
        }
        return 0;
}

void idmapped_trees_init(struct idmapped_trees *t, size_t n_mounts)
{
        t->fds = xmalloc0((n_mounts ? n_mounts : 1) * sizeof(*t->fds));
        t->n = n_mounts;
        for (size_t i = 0; i < n_mounts; i++)
                t->fds[i] = -1;
}

void idmapped_trees_release(struct idmapped_trees *t)
{
        for (size_t i = 0; t->fds && i < t->n; i++)
                if (t->fds[i] >= 0)
                        close(t->fds[i]);
        free(t->fds);
        *t = (struct idmapped_trees) { 0 };
}

int idmapped_trees_get(const struct idmapped_trees *t, size_t index)
{
        return t && index < t->n ? t->fds[index] : -1;
}

int idmapped_tree_attach(int tree, int dest_fd, const char *dest, struct berth_error *err)
{
        unsigned flags = MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH;
        if (syscall(SYS_move_mount, tree, "", dest_fd, "", flags) < 0)
                return berth_error_errno(err, errno, "move the idmapped mount onto %s", dest);
        return 0;
}
