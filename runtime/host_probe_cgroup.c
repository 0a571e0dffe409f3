/* `berth check`'s cgroup probes: the cgroup2 mount berth uses, whether the
 * host is purely cgroup v2, where each controller berth knows lives (v2,
 * a v1 hierarchy, disabled, absent), cgroup.kill, cgroup.freeze and
 * device BPF programs.  Nothing is created in any hierarchy. */
#include "runtime/host_probe.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "cgroups/cgroup.h"
#include "common/cleanup.h"
#include "common/util.h"

#define UNIFIED_ADVICE "boot with cgroup_no_v1=all or systemd.unified_cgroup_hierarchy=1"

/* What the cgroup probes share. */
struct cgroup_view {
        char *mountpoint;        /* NULL: no cgroup2 mount */
        char *root;              /* the part of the hierarchy the mount shows */
        char *controllers;       /* the mount root's cgroup.controllers, "" if unreadable */
        char *proc_cgroups;      /* /proc/cgroups, NULL if unreadable */
        char *mountinfo;         /* /proc/self/mountinfo */
};

static void cgroup_view_release(struct cgroup_view *v)
{
        free(v->mountpoint);
        free(v->root);
        free(v->controllers);
        free(v->proc_cgroups);
        free(v->mountinfo);
}

static char *read_or_null(const char *path)
{
        char *data = NULL;
        struct berth_error ignored = { 0 };
        if (read_file_at(AT_FDCWD, path, &data, NULL, &ignored) < 0)
                return NULL;
        return data;
}

/* `word` is one of the words of `list`, separated by any of `seps`. */
static bool has_word(const char *list, const char *word, const char *seps)
{
        size_t len = strlen(word);
        for (const char *p = list; p && (p = strstr(p, word)); p += len) {
                bool starts = p == list || strchr(seps, p[-1]);
                bool ends = p[len] == '\0' || strchr(seps, p[len]);
                if (starts && ends)
                        return true;
        }
        return false;
}

/* ---- /proc/cgroups and the v1 mounts --------------------------------------- */

/* A controller's line of /proc/cgroups ("name hierarchy num_cgroups
 * enabled"), which names io "blkio" as cgroup v1 does.  False when the
 * kernel does not list it. */
static bool proc_cgroups_entry(const char *proc_cgroups, const char *v1_name, int *hierarchy,
                               int *enabled)
{
        _cleanup_free_ char *copy = xstrdup(proc_cgroups);
        for (char *save = NULL, *line = strtok_r(copy, "\n", &save); line;
             line = strtok_r(NULL, "\n", &save)) {
                char name[64];
                int count;
                if (sscanf(line, "%63s %d %d %d", name, hierarchy, &count, enabled) == 4 &&
                    strcmp(name, v1_name) == 0)
                        return true;
        }
        return false;
}

/* Mount point and super options of a mountinfo line of type `fstype`. */
static bool mountinfo_fields(char *line, const char *fstype, char **mountpoint, char **options)
{
        char *sep = strstr(line, " - ");
        if (!sep)
                return false;
        *sep = '\0';
        char *save = NULL;
        char *type = strtok_r(sep + 3, " ", &save);
        char *source = strtok_r(NULL, " ", &save);
        char *super = strtok_r(NULL, " ", &save);
        if (!type || !source || !super || strcmp(type, fstype) != 0)
                return false;
        save = NULL;
        char *field = strtok_r(line, " ", &save);
        for (int i = 1; field && i < 5; i++)
                field = strtok_r(NULL, " ", &save);
        if (!field)
                return false;
        *mountpoint = field;
        *options = super;
        return true;
}

/* A mount listed in mountinfo may be hidden under a later one (the test
 * suite mounts cgroup2 over a hybrid host's /sys/fs/cgroup): only a path
 * that still shows a v1 hierarchy counts. */
static bool shows_cgroup_v1(const char *path)
{
        struct statfs fs;
        return statfs(path, &fs) == 0 && fs.f_type == CGROUP_SUPER_MAGIC;
}

/* Where a v1 hierarchy holding `v1_name` is mounted and visible (NULL:
 * nowhere in this mount namespace); with v1_name NULL, any v1 mount. */
static char *v1_mount(const char *mountinfo, const char *v1_name)
{
        if (!mountinfo)
                return NULL;
        _cleanup_free_ char *copy = xstrdup(mountinfo);
        for (char *save = NULL, *line = strtok_r(copy, "\n", &save); line;
             line = strtok_r(NULL, "\n", &save)) {
                char *mp, *options;
                if (mountinfo_fields(line, "cgroup", &mp, &options) &&
                    (!v1_name || has_word(options, v1_name, ",")) && shows_cgroup_v1(mp))
                        return xstrdup(mp);
        }
        return NULL;
}

/* The controllers /proc/cgroups shows bound to a v1 hierarchy, "a, b". */
static char *v1_bound_list(const char *proc_cgroups)
{
        char *list = xstrdup("");
        if (!proc_cgroups)
                return list;
        _cleanup_free_ char *copy = xstrdup(proc_cgroups);
        for (char *save = NULL, *line = strtok_r(copy, "\n", &save); line;
             line = strtok_r(NULL, "\n", &save)) {
                char name[64];
                int hierarchy, count, enabled;
                if (sscanf(line, "%63s %d %d %d", name, &hierarchy, &count, &enabled) != 4 || hierarchy == 0)
                        continue;
                char *more = xasprintf("%s%s%s", list, list[0] ? ", " : "", name);
                free(list);
                list = more;
        }
        return list;
}

/* ---- the hierarchy -------------------------------------------------------- */

static void probe_mount(struct host_section *s, const struct cgroup_view *v, const char *why_none)
{
        if (!v->mountpoint) {
                struct host_item *it = host_item_add(s, "cgroup2", HOST_NO);
                host_item_set(&it->detail, "%s", why_none);
                host_item_set(&it->advice, "mount it (mount -t cgroup2 none /sys/fs/cgroup/unified) or "
                                           UNIFIED_ADVICE);
                return;
        }
        struct host_item *it = host_item_add(s, "cgroup2", HOST_YES);
        host_item_set(&it->value, "%s", v->mountpoint);
        if (strcmp(v->root, "/") == 0)
                host_item_set(&it->detail, "berth uses the cgroup2 mount at %s", v->mountpoint);
        else
                host_item_set(&it->detail, "berth uses the cgroup2 mount at %s, which shows the "
                                           "hierarchy's %s", v->mountpoint, v->root);
}

static void probe_layout(struct host_section *s, const struct cgroup_view *v)
{
        _cleanup_free_ char *bound = v1_bound_list(v->proc_cgroups);
        _cleanup_free_ char *any_v1 = v1_mount(v->mountinfo, NULL);
        if (!bound[0] && !any_v1) {
                struct host_item *it = host_item_add(s, "unified", v->mountpoint ? HOST_YES : HOST_NO);
                host_item_set(&it->value, "%s", v->mountpoint ? "unified" : "none");
                host_item_set(&it->detail, v->mountpoint ? "cgroup v2 only: no cgroup v1 hierarchy"
                                                         : "no cgroup hierarchy is mounted");
                return;
        }
        struct host_item *it = host_item_add(s, "unified", HOST_NO);
        host_item_set(&it->value, "%s", v->mountpoint ? "hybrid" : "legacy");
        if (bound[0])
                host_item_set(&it->detail, "%s: cgroup v1 hierarchies hold %s; berth uses only cgroup v2",
                              it->value, bound);
        else
                host_item_set(&it->detail, "%s: cgroup v1 hierarchies are mounted (%s), without "
                                           "controllers", it->value, any_v1);
        host_item_set(&it->advice, UNIFIED_ADVICE " to have every controller on cgroup v2");
}

static void probe_root_controllers(struct host_section *s, const struct cgroup_view *v)
{
        if (!v->mountpoint)
                return;
        struct host_item *it = host_item_add(s, "controllers", v->controllers[0] ? HOST_YES : HOST_NO);
        host_item_set(&it->value, "%s", v->controllers);
        host_item_set(&it->detail, "%s/cgroup.controllers: %s", v->mountpoint,
                      v->controllers[0] ? v->controllers : "(empty)");
        if (!v->controllers[0])
                host_item_set(&it->advice, "no controller is on cgroup v2: " UNIFIED_ADVICE);
}

/* ---- controllers ---------------------------------------------------------- */

static const struct {
        const char *name;        /* on cgroup v2 */
        const char *v1_name;     /* in /proc/cgroups and v1 mount options */
        const char *config;      /* the kernel option it needs */
} controllers[] = {
        { "cpu", "cpu", "CONFIG_CGROUP_SCHED" },
        { "cpuset", "cpuset", "CONFIG_CPUSETS" },
        { "memory", "memory", "CONFIG_MEMCG" },
        { "io", "blkio", "CONFIG_BLK_CGROUP" },
        { "pids", "pids", "CONFIG_CGROUP_PIDS" },
        { "hugetlb", "hugetlb", "CONFIG_CGROUP_HUGETLB" },
        { "rdma", "rdma", "CONFIG_CGROUP_RDMA" },
        { "misc", "misc", "CONFIG_CGROUP_MISC" },
};

/* Why a controller the kernel has is not on cgroup v2 here. */
static void explain_missing(struct host_item *it, const struct cgroup_view *v, size_t i, int hierarchy,
                            int enabled)
{
        const char *name = controllers[i].name;
        if (!enabled) {
                host_item_set(&it->value, "disabled");
                host_item_set(&it->detail, "disabled on the kernel command line");
                host_item_set(&it->advice, "remove cgroup_disable=%s from the kernel command line", name);
        } else if (hierarchy != 0) {
                _cleanup_free_ char *mp = v1_mount(v->mountinfo, controllers[i].v1_name);
                host_item_set(&it->value, "v1");
                if (mp)
                        host_item_set(&it->detail, "bound to cgroup v1 (hierarchy %d, mounted at %s)",
                                      hierarchy, mp);
                else
                        host_item_set(&it->detail, "bound to cgroup v1 (hierarchy %d)", hierarchy);
                host_item_set(&it->advice, UNIFIED_ADVICE " to have it on cgroup v2");
        } else if (!v->mountpoint) {
                host_item_set(&it->value, "unmounted");
                host_item_set(&it->detail, "in the kernel, but no cgroup2 hierarchy is mounted");
                host_item_set(&it->advice, "mount cgroup2 (mount -t cgroup2 none /sys/fs/cgroup)");
        } else {
                /* Free of v1, yet not offered: the mount shows a subtree
                 * whose parent has not delegated it. */
                host_item_set(&it->value, "undelegated");
                host_item_set(&it->detail, "in the kernel, but %s/cgroup.controllers does not list it",
                              v->mountpoint);
                host_item_set(&it->advice, "enable it in the parent group's cgroup.subtree_control "
                                           "(+%s)", name);
        }
}

static void probe_controller(struct host_section *s, const struct cgroup_view *v, size_t i)
{
        const char *name = controllers[i].name;
        if (v->mountpoint && has_word(v->controllers, name, " \n")) {
                struct host_item *it = host_item_add(s, name, HOST_YES);
                host_item_set(&it->value, "v2");
                host_item_set(&it->detail, "on cgroup v2 (%s/cgroup.controllers)", v->mountpoint);
                return;
        }
        int hierarchy = 0, enabled = 1;
        if (!v->proc_cgroups) {
                struct host_item *it = host_item_add(s, name, HOST_UNKNOWN);
                host_item_set(&it->detail, "not on cgroup v2, and /proc/cgroups cannot be read to say why");
                return;
        }
        struct host_item *it = host_item_add(s, name, HOST_NO);
        if (!proc_cgroups_entry(v->proc_cgroups, controllers[i].v1_name, &hierarchy, &enabled)) {
                host_item_set(&it->value, "absent");
                host_item_set(&it->detail, "not in this kernel (/proc/cgroups does not list %s)",
                              controllers[i].v1_name);
                host_item_set(&it->advice, "use a kernel built with %s", controllers[i].config);
                return;
        }
        explain_missing(it, v, i, hierarchy, enabled);
}

/* ---- core files and device programs --------------------------------------- */

/* A non-root group to look for the core files in (the root has neither
 * cgroup.kill nor cgroup.freeze): berth's own group, else the first group
 * below the root.  NULL when there is none. */
static char *sample_group(const struct cgroup_view *v)
{
        struct berth_error ignored = { 0 };
        _cleanup_free_ char *own = NULL;
        if (cgroup_own_group(v->root, &own, &ignored) == 0 && strcmp(own, "/") != 0)
                return xasprintf("%s%s", v->mountpoint, own);
        _cleanup_closedir_ DIR *d = opendir(v->mountpoint);
        for (struct dirent *e; d && (e = readdir(d)); )
                if (e->d_type == DT_DIR && e->d_name[0] != '.')
                        return xasprintf("%s/%s", v->mountpoint, e->d_name);
        return NULL;
}

/* cgroup.kill (Linux 5.14) and cgroup.freeze (5.2) exist in every
 * non-root group of a kernel that has them; with no such group to look
 * in, the kernel's version decides. */
static void probe_core_file(struct host_section *s, const char *sample, const char *file, int major,
                            int minor, const char *without)
{
        if (!sample) {
                bool has = host_kernel_at_least(major, minor);
                struct host_item *it = host_item_add(s, file, has ? HOST_YES : HOST_NO);
                host_item_set(&it->detail, "no group below the root to look in; the kernel is %s %d.%d",
                              has ? "at least" : "older than", major, minor);
                if (!has)
                        host_item_set(&it->advice, "%s", without);
                return;
        }
        _cleanup_free_ char *path = xasprintf("%s/%s", sample, file);
        bool has = access(path, F_OK) == 0;
        struct host_item *it = host_item_add(s, file, has ? HOST_YES : HOST_NO);
        host_item_set(&it->detail, "%s %s", path, has ? "exists" : "does not exist");
        if (!has)
                host_item_set(&it->advice, "Linux %d.%d has it; %s", major, minor, without);
}

/* Load the smallest device program ("allow everything") without attaching
 * it, then close it: whether linux.resources.devices can be enforced. */
static void probe_device_bpf(struct host_section *s)
{
        struct bpf_insn prog[] = {
                { .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 1 },
                { .code = BPF_JMP | BPF_EXIT },
        };
        union bpf_attr attr = { 0 };
        attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
        attr.insns = (uint64_t) (uintptr_t) prog;
        attr.insn_cnt = sizeof(prog) / sizeof(prog[0]);
        attr.license = (uint64_t) (uintptr_t) "GPL";
        _cleanup_close_ int fd = (int) syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
        int e = errno;
        if (fd >= 0) {
                struct host_item *it = host_item_add(s, "device_bpf", HOST_YES);
                host_item_set(&it->detail, "the kernel loads BPF_PROG_TYPE_CGROUP_DEVICE programs: "
                                           "linux.resources.devices is enforced");
                return;
        }
        struct host_item *it = host_item_add(s, "device_bpf", e == EPERM ? HOST_UNKNOWN : HOST_NO);
        host_item_set(&it->detail, "loading a BPF_PROG_TYPE_CGROUP_DEVICE program failed: %s", strerror(e));
        if (e == EPERM)
                host_item_set(&it->advice, "run berth with CAP_SYS_ADMIN (or CAP_BPF)");
        else
                host_item_set(&it->advice, "use a kernel built with CONFIG_CGROUP_BPF and CONFIG_BPF_SYSCALL "
                                           "(Linux 4.15+)");
}

/* ---- all of it ------------------------------------------------------------ */

void host_probe_cgroup(struct host_report *report)
{
        struct host_section *s = &report->sections[HOST_SECTION_CGROUP];
        _cleanup_(cgroup_view_release) struct cgroup_view v = { 0 };
        struct berth_error why_none = { 0 };
        if (cgroup_find_mount(&v.mountpoint, &v.root, &why_none) == 0) {
                _cleanup_free_ char *path = xasprintf("%s/cgroup.controllers", v.mountpoint);
                v.controllers = read_or_null(path);
                if (v.controllers)
                        v.controllers[strcspn(v.controllers, "\n")] = '\0';
        }
        if (!v.controllers)
                v.controllers = xstrdup("");
        v.proc_cgroups = read_or_null("/proc/cgroups");
        v.mountinfo = read_or_null("/proc/self/mountinfo");

        probe_mount(s, &v, why_none.msg);
        probe_layout(s, &v);
        probe_root_controllers(s, &v);
        if (v.mountpoint) {
                _cleanup_free_ char *sample = sample_group(&v);
                probe_core_file(s, sample, "cgroup.kill", 5, 14,
                                "without it berth kills a container's processes one by one");
                probe_core_file(s, sample, "cgroup.freeze", 5, 2,
                                "without it berth cannot pause a container");
        }
        probe_device_bpf(s);

        struct host_section *c = &report->sections[HOST_SECTION_CONTROLLERS];
        for (size_t i = 0; i < sizeof(controllers) / sizeof(controllers[0]); i++)
                probe_controller(c, &v, i);
}
