/* `berth check`'s kernel interface probes: seccomp (the kernel's filter
 * mode, its actions and notify listeners, and the libseccomp berth runs
 * with), and the newer syscalls berth uses where they exist: clone3 with
 * CLONE_INTO_CGROUP, openat2, mount_setattr, idmapped mounts, pidfd_open.
 * Each call is made so it cannot change anything: invalid arguments the
 * kernel rejects after it has recognised the call, or objects that are
 * closed at once. */
#include "runtime/host_probe.h"

#include <fcntl.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <limits.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/util.h"
#include "namespaces/idmapped_mount.h"

/* Syscall numbers are the same on every architecture for these (the
 * unified table, Linux 5.2+), for C libraries that predate them. */
#ifndef SYS_open_tree
#define SYS_open_tree 428
#endif
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_clone3
#define SYS_clone3 435
#endif
#ifndef SYS_openat2
#define SYS_openat2 437
#endif
#ifndef SYS_mount_setattr
#define SYS_mount_setattr 442
#endif
#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif
#ifndef SECCOMP_GET_NOTIF_SIZES
#define SECCOMP_GET_NOTIF_SIZES 3
#endif

#define PROBE_OPEN_TREE_CLONE 1
#define PROBE_MOUNT_ATTR_IDMAP 0x00100000
#define PROBE_RESOLVE_NO_SYMLINKS 0x04

/* The kernel's struct mount_attr and struct open_how, spelled out so no
 * header of a particular C library or kernel version is needed. */
struct probe_mount_attr {
        uint64_t attr_set;
        uint64_t attr_clr;
        uint64_t propagation;
        uint64_t userns_fd;
};

struct probe_open_how {
        uint64_t flags;
        uint64_t mode;
        uint64_t resolve;
};

/* A syscall that a seccomp filter around berth refuses looks like EPERM
 * (or like ENOSYS, which cannot be told apart from an old kernel). */
static void add_refused(struct host_section *s, const char *name, int e)
{
        struct host_item *it = host_item_add(s, name, HOST_UNKNOWN);
        host_item_set(&it->detail, "the probe failed: %s (a seccomp filter or LSM around berth?)",
                      strerror(e));
}

/* ---- seccomp ------------------------------------------------------------- */

static char *actions_avail(void)
{
        char *data = NULL;
        struct berth_error ignored = { 0 };
        if (read_file_at(AT_FDCWD, "/proc/sys/kernel/seccomp/actions_avail", &data, NULL, &ignored) < 0)
                return NULL;
        data[strcspn(data, "\n")] = '\0';
        return data;
}

/* seccomp(2) checks its flags before it reads the program: with none,
 * EFAULT says filters work, EINVAL that the kernel has no filter mode. */
static void probe_filter(struct host_section *s)
{
        long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, NULL);
        int e = errno;
        if (r < 0 && e == EFAULT) {
                struct host_item *it = host_item_add(s, "filter", HOST_YES);
                if (prctl(PR_GET_SECCOMP) == 2)
                        host_item_set(&it->detail, "seccomp filters work; berth itself runs under one, "
                                                   "which containers inherit");
                else
                        host_item_set(&it->detail, "seccomp filters work: linux.seccomp is applied");
                return;
        }
        if (e == EPERM) {
                add_refused(s, "filter", e);
                return;
        }
        struct host_item *it = host_item_add(s, "filter", HOST_NO);
        host_item_set(&it->detail, "the kernel has no seccomp filter mode (%s)", strerror(e));
        host_item_set(&it->advice, "use a kernel built with CONFIG_SECCOMP_FILTER");
}

static void probe_libseccomp(struct host_section *s)
{
        const struct scmp_version *v = seccomp_version();
        struct host_item *it = host_item_add(s, "libseccomp", HOST_YES);
        host_item_set(&it->value, "%u.%u.%u", v->major, v->minor, v->micro);
        host_item_set(&it->detail, "libseccomp %s, API level %u", it->value, seccomp_api_get());
}

static void probe_actions(struct host_section *s, const char *actions)
{
        if (!actions) {
                struct host_item *it = host_item_add(s, "actions", HOST_UNKNOWN);
                host_item_set(&it->detail, "no /proc/sys/kernel/seccomp/actions_avail (Linux 4.14+ has it)");
                return;
        }
        struct host_item *it = host_item_add(s, "actions", HOST_YES);
        host_item_set(&it->value, "%s", actions);
        host_item_set(&it->detail, "the kernel's actions: %s", actions);
}

/* SCMP_ACT_NOTIFY needs user_notif among the kernel's actions and the
 * listener API (Linux 5.0), which SECCOMP_GET_NOTIF_SIZES answers. */
static void probe_notify(struct host_section *s, const char *actions)
{
        struct seccomp_notif_sizes sizes;
        bool listener = syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) == 0;
        bool action = actions && strstr(actions, "user_notif");
        if (listener && (action || !actions)) {
                struct host_item *it = host_item_add(s, "notify", HOST_YES);
                host_item_set(&it->detail, "SCMP_ACT_NOTIFY works: berth hands the listener to "
                                           "linux.seccomp.listenerPath");
                return;
        }
        struct host_item *it = host_item_add(s, "notify", HOST_NO);
        host_item_set(&it->detail, "the kernel has no seccomp user notification: a config with "
                                   "SCMP_ACT_NOTIFY fails");
        host_item_set(&it->advice, "use Linux 5.0 or later");
}

void host_probe_seccomp(struct host_section *s)
{
        _cleanup_free_ char *actions = actions_avail();
        probe_filter(s);
        probe_libseccomp(s);
        probe_actions(s, actions);
        probe_notify(s, actions);
}

/* ---- clone3 ---------------------------------------------------------------- */

/* A size of 0 is below every version of struct clone_args: EINVAL from a
 * kernel that has clone3, ENOSYS from one that does not. */
static void probe_clone3(struct host_section *s)
{
        long r = syscall(SYS_clone3, NULL, 0);
        int e = errno;
        if (r < 0 && e == EINVAL) {
                host_item_add(s, "clone3", HOST_YES);
                return;
        }
        if (r < 0 && e == EPERM) {
                add_refused(s, "clone3", e);
                return;
        }
        struct host_item *it = host_item_add(s, "clone3", HOST_NO);
        host_item_set(&it->detail, "no clone3 (%s): berth falls back to clone", strerror(e));
        host_item_set(&it->advice, "Linux 5.3 has clone3");
}

/* CLONE_INTO_CGROUP with a descriptor that can never be open (INT_MAX is
 * above every file limit): a kernel that knows the flag fails with EBADF
 * looking the group up; older ones reject the flag (EINVAL) or the larger
 * struct (E2BIG).  Should a child ever come out, it exits at once. */
static void probe_clone_into_cgroup(struct host_section *s)
{
        struct clone_args args = {
                .flags = CLONE_INTO_CGROUP,
                .exit_signal = SIGCHLD,
                .cgroup = INT_MAX,
        };
        pid_t pid = (pid_t) syscall(SYS_clone3, &args, sizeof(args));
        int e = errno;
        if (pid == 0)
                _exit(0);
        if (pid > 0)
                waitpid(pid, NULL, 0);
        if (pid > 0 || e == EBADF) {
                struct host_item *it = host_item_add(s, "clone_into_cgroup", HOST_YES);
                host_item_set(&it->detail, "clone3 starts the container's init inside its cgroup");
                return;
        }
        if (e == EPERM) {
                add_refused(s, "clone_into_cgroup", e);
                return;
        }
        struct host_item *it = host_item_add(s, "clone_into_cgroup", HOST_NO);
        host_item_set(&it->detail, "clone3 has no CLONE_INTO_CGROUP (%s): berth moves the init into its "
                                   "cgroup after it starts", strerror(e));
        host_item_set(&it->advice, "Linux 5.7 has CLONE_INTO_CGROUP");
}

/* ---- openat2, mount_setattr, pidfd_open ---------------------------------------- */

static void probe_openat2(struct host_section *s)
{
        struct probe_open_how how = {
                .flags = O_PATH | O_CLOEXEC,
                .resolve = PROBE_RESOLVE_NO_SYMLINKS,
        };
        _cleanup_close_ int fd = (int) syscall(SYS_openat2, AT_FDCWD, "/", &how, sizeof(how));
        int e = errno;
        if (fd >= 0) {
                struct host_item *it = host_item_add(s, "openat2", HOST_YES);
                host_item_set(&it->detail, "the kernel resolves mount destinations inside the rootfs "
                                           "(RESOLVE_IN_ROOT)");
                return;
        }
        if (e == EPERM) {
                add_refused(s, "openat2", e);
                return;
        }
        struct host_item *it = host_item_add(s, "openat2", HOST_NO);
        host_item_set(&it->detail, "no openat2 (%s): berth resolves mount destinations itself, one "
                                   "component at a time", strerror(e));
        host_item_set(&it->advice, "Linux 5.6 has openat2");
}

/* A size of 0 is below every struct mount_attr: EINVAL once the kernel
 * has the call. */
static void probe_mount_setattr(struct host_section *s)
{
        long r = syscall(SYS_mount_setattr, -1, "", 0, NULL, 0);
        int e = errno;
        if (r < 0 && e != ENOSYS && e != EPERM) {
                struct host_item *it = host_item_add(s, "mount_setattr", HOST_YES);
                host_item_set(&it->detail, "recursive mount options (rro, rnosuid, ...) work");
                return;
        }
        if (r < 0 && e == EPERM) {
                add_refused(s, "mount_setattr", e);
                return;
        }
        struct host_item *it = host_item_add(s, "mount_setattr", HOST_NO);
        host_item_set(&it->detail, "no mount_setattr: recursive mount options (rro, rnosuid, ...) fail");
        host_item_set(&it->advice, "Linux 5.12 has mount_setattr");
}

static void probe_pidfd(struct host_section *s)
{
        _cleanup_close_ int fd = (int) syscall(SYS_pidfd_open, getpid(), 0);
        int e = errno;
        if (fd >= 0) {
                struct host_item *it = host_item_add(s, "pidfd", HOST_YES);
                host_item_set(&it->detail, "berth signals a container's init through a pidfd, which "
                                           "cannot hit a reused pid");
                return;
        }
        if (e == EPERM) {
                add_refused(s, "pidfd", e);
                return;
        }
        struct host_item *it = host_item_add(s, "pidfd", HOST_NO);
        host_item_set(&it->detail, "no pidfd_open (%s): berth signals the init by pid", strerror(e));
        host_item_set(&it->advice, "Linux 5.3 has pidfd_open");
}

/* ---- idmapped mounts --------------------------------------------------------------- */

/* The filesystem type of the mount at "/", from mountinfo. */
static char *root_fs_type(void)
{
        _cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
        _cleanup_free_ char *line = NULL;
        size_t size = 0;
        char *type = NULL;
        while (f && getline(&line, &size, f) > 0) {
                char mp[PATH_MAX], fstype[64];
                const char *sep = strstr(line, " - ");
                if (sep && sscanf(line, "%*s %*s %*s %*s %4095s", mp) == 1 && strcmp(mp, "/") == 0 &&
                    sscanf(sep + 3, "%63s", fstype) == 1) {
                        free(type);
                        type = xstrdup(fstype);   /* the last one is on top */
                }
        }
        return type ? type : xstrdup("unknown");
}

/* Idmap a detached clone of "/" (OPEN_TREE_CLONE, gone when closed): the
 * kernel must have MOUNT_ATTR_IDMAP (5.12) and the root's filesystem must
 * support it, as a rootfs on it would need. */
static void probe_idmapped_mounts(struct host_section *s)
{
        _cleanup_free_ char *fstype = root_fs_type();
        /* Root of a user namespace of its own mapped to nobody. */
        static const struct oci_id_mapping nobody = { .container_id = 0, .host_id = 65534, .size = 1 };
        struct berth_error userns_err = { 0 };
        _cleanup_close_ int userns = idmap_userns_open(&nobody, 1, &nobody, 1, &userns_err);
        if (userns < 0) {
                struct host_item *it = host_item_add(s, "idmapped_mounts", HOST_UNKNOWN);
                host_item_set(&it->detail, "no user namespace to test with: %s", userns_err.msg);
                return;
        }
        _cleanup_close_ int tree = (int) syscall(SYS_open_tree, AT_FDCWD, "/", PROBE_OPEN_TREE_CLONE | O_CLOEXEC);
        int e = errno;
        if (tree >= 0) {
                struct probe_mount_attr attr = { .attr_set = PROBE_MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t) userns };
                e = syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH, &attr, sizeof(attr)) == 0 ? 0 : errno;
        }
        if (e == 0) {
                struct host_item *it = host_item_add(s, "idmapped_mounts", HOST_YES);
                host_item_set(&it->detail, "an idmapped mount of / (%s) works", fstype);
                return;
        }
        if (e == EPERM) {
                add_refused(s, "idmapped_mounts", e);
                return;
        }
        struct host_item *it = host_item_add(s, "idmapped_mounts", HOST_NO);
        if (e == ENOSYS) {
                host_item_set(&it->detail, "the kernel has no %s", tree < 0 ? "open_tree" : "mount_setattr");
                host_item_set(&it->advice, "Linux 5.12 has idmapped mounts");
        } else {
                host_item_set(&it->detail, "idmapping a mount of / (%s) failed: %s", fstype, strerror(e));
                host_item_set(&it->advice, "the filesystem (or this kernel's version of it) does not "
                                           "support idmapped mounts");
        }
}

void host_probe_syscalls(struct host_section *s)
{
        probe_clone3(s);
        probe_clone_into_cgroup(s);
        probe_openat2(s);
        probe_mount_setattr(s);
        probe_idmapped_mounts(s);
        probe_pidfd(s);
}
