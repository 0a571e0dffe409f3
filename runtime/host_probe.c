/* The host report of `berth check` (host_probe.h): the report itself, and
 * the probes of namespaces, systemd and the security modules.  The cgroup
 * probes are in host_probe_cgroup.c, seccomp and the syscalls in
 * host_probe_syscalls.c. */
#include "runtime/host_probe.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/util.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef SELINUX_MAGIC
#define SELINUX_MAGIC 0xf97cff8c
#endif

static const char *const section_names[HOST_N_SECTIONS] = {
        [HOST_SECTION_CGROUP] = "cgroup",
        [HOST_SECTION_CONTROLLERS] = "controllers",
        [HOST_SECTION_NAMESPACES] = "namespaces",
        [HOST_SECTION_SECCOMP] = "seccomp",
        [HOST_SECTION_SYSCALLS] = "syscalls",
        [HOST_SECTION_SYSTEM] = "system",
};

const char *host_answer_name(enum host_answer a)
{
        switch (a) {
        case HOST_YES: return "yes";
        case HOST_NO: return "no";
        case HOST_UNKNOWN: break;
        }
        return "unknown";
}

struct host_item *host_item_add(struct host_section *s, const char *name, enum host_answer answer)
{
        s->items = xrealloc(s->items, (s->n + 1) * sizeof(*s->items));
        struct host_item *it = &s->items[s->n++];
        *it = (struct host_item){ .name = xstrdup(name), .answer = answer };
        return it;
}

void host_item_set(char **field, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        char *text = NULL;
        if (vasprintf(&text, fmt, ap) < 0)
                abort();   /* out of memory, as xasprintf does */
        va_end(ap);
        free(*field);
        *field = text;
}

bool host_kernel_at_least(int major, int minor)
{
        struct utsname u;
        int ma = 0, mi = 0;
        if (uname(&u) < 0 || sscanf(u.release, "%d.%d", &ma, &mi) != 2)
                return false;
        return ma > major || (ma == major && mi >= minor);
}

/* ---- namespaces ----------------------------------------------------------- */

static const struct {
        const char *name;      /* as /proc/self/ns and user.max_<name>_namespaces name it */
        int flag;
        const char *config;    /* the kernel option it needs */
} namespaces[] = {
        { "cgroup", CLONE_NEWCGROUP, "CONFIG_CGROUPS (Linux 4.6+)" },
        { "ipc", CLONE_NEWIPC, "CONFIG_IPC_NS" },
        { "mnt", CLONE_NEWNS, "a kernel with mount namespaces" },
        { "net", CLONE_NEWNET, "CONFIG_NET_NS" },
        { "pid", CLONE_NEWPID, "CONFIG_PID_NS" },
        { "time", CLONE_NEWTIME, "CONFIG_TIME_NS (Linux 5.6+)" },
        { "user", CLONE_NEWUSER, "CONFIG_USER_NS" },
        { "uts", CLONE_NEWUTS, "CONFIG_UTS_NS" },
};

/* Whether a new namespace of this kind can be made: a child unshares one
 * and exits, which frees it.  Returns 0 or the errno unshare gave. */
static int try_unshare(int flag)
{
        pid_t pid = fork();
        if (pid < 0)
                return errno;
        if (pid == 0)
                _exit(unshare(flag) == 0 ? 0 : (errno & 0xff));
        int status;
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        return errno;
        return WIFEXITED(status) ? WEXITSTATUS(status) : EIO;
}

static void probe_namespace(struct host_section *s, size_t i)
{
        const char *name = namespaces[i].name;
        _cleanup_free_ char *path = xasprintf("/proc/self/ns/%s", name);
        if (access(path, F_OK) < 0) {
                struct host_item *it = host_item_add(s, name, HOST_NO);
                host_item_set(&it->detail, "this kernel has no %s namespaces (no %s)", name, path);
                host_item_set(&it->advice, "use a kernel built with %s", namespaces[i].config);
                return;
        }
        int r = try_unshare(namespaces[i].flag);
        if (r == 0) {
                host_item_add(s, name, HOST_YES);
                return;
        }
        /* ENOSPC: the user.max_<name>_namespaces sysctl is 0 (or used up). */
        struct host_item *it = host_item_add(s, name, r == EPERM ? HOST_UNKNOWN : HOST_NO);
        host_item_set(&it->detail, "creating one failed: %s", strerror(r));
        if (r == ENOSPC)
                host_item_set(&it->advice, "raise the sysctl user.max_%s_namespaces", name);
        else if (r == EPERM)
                host_item_set(&it->advice, "berth needs CAP_SYS_ADMIN, and no seccomp filter or LSM "
                                           "that forbids unshare(2)");
}

static void probe_namespaces(struct host_section *s)
{
        for (size_t i = 0; i < sizeof(namespaces) / sizeof(namespaces[0]); i++)
                probe_namespace(s, i);
}

/* ---- systemd and the security modules ------------------------------------- */

static bool is_dir(const char *path)
{
        struct stat st;
        return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The file's first byte, or 0. */
static char first_byte(const char *path)
{
        _cleanup_fclose_ FILE *f = fopen(path, "re");
        int c = f ? fgetc(f) : EOF;
        return c == EOF ? 0 : (char) c;
}

/* sd_booted()'s test: systemd creates /run/systemd/system when it is
 * PID 1, and only then can it run the scopes --systemd-cgroup asks for. */
static void probe_systemd(struct host_section *s)
{
        if (is_dir("/run/systemd/system")) {
                struct host_item *it = host_item_add(s, "systemd", HOST_YES);
                host_item_set(&it->detail, "systemd runs this host (/run/systemd/system): "
                                           "--systemd-cgroup can work");
                return;
        }
        struct host_item *it = host_item_add(s, "systemd", HOST_NO);
        host_item_set(&it->detail, "systemd is not this host's init (no /run/systemd/system)");
        host_item_set(&it->advice, "--systemd-cgroup cannot work here; use the default cgroupfs driver");
}

/* The same test runtime/attributes.c applies (as runc decides it). */
static void probe_apparmor(struct host_section *s)
{
        bool module = access("/sys/module/apparmor", F_OK) == 0;
        if (module && first_byte("/sys/module/apparmor/parameters/enabled") == 'Y' &&
            access("/sys/kernel/security/apparmor", F_OK) == 0) {
                struct host_item *it = host_item_add(s, "apparmor", HOST_YES);
                host_item_set(&it->detail, "process.apparmorProfile is applied");
                return;
        }
        struct host_item *it = host_item_add(s, "apparmor", HOST_NO);
        host_item_set(&it->detail, "%s: a config with process.apparmorProfile is refused",
                      module ? "AppArmor is built in but not enabled" : "this kernel has no AppArmor");
        if (module)
                host_item_set(&it->advice, "boot with apparmor=1 and AppArmor in lsm=");
}

static void probe_selinux(struct host_section *s)
{
        struct statfs fs;
        if (statfs("/sys/fs/selinux", &fs) == 0 && fs.f_type == SELINUX_MAGIC) {
                char mode = first_byte("/sys/fs/selinux/enforce");
                struct host_item *it = host_item_add(s, "selinux", mode ? HOST_YES : HOST_UNKNOWN);
                host_item_set(&it->value, "%s", mode == '1' ? "enforcing" : mode ? "permissive" : "unknown");
                host_item_set(&it->detail, "selinuxfs is mounted at /sys/fs/selinux (%s)", it->value);
                return;
        }
        struct host_item *it = host_item_add(s, "selinux", HOST_NO);
        host_item_set(&it->detail, "SELinux is not enabled (no selinuxfs at /sys/fs/selinux): a config "
                                   "with process.selinuxLabel or linux.mountLabel is refused");
}

/* ---- the report ------------------------------------------------------------ */

int host_probe(struct host_report *report, struct berth_error *err)
{
        *report = (struct host_report){ 0 };
        struct statfs fs;
        if (statfs("/proc", &fs) < 0 || fs.f_type != PROC_SUPER_MAGIC)
                return berth_error_new(err, ENOENT, "/proc is not mounted: berth check reads the host "
                                       "through it");
        struct utsname u;
        if (uname(&u) < 0)
                return berth_error_errno(err, errno, "uname");
        report->kernel = xstrdup(u.release);
        for (int i = 0; i < HOST_N_SECTIONS; i++)
                report->sections[i].name = section_names[i];

        host_probe_cgroup(report);
        probe_namespaces(&report->sections[HOST_SECTION_NAMESPACES]);
        host_probe_seccomp(&report->sections[HOST_SECTION_SECCOMP]);
        host_probe_syscalls(&report->sections[HOST_SECTION_SYSCALLS]);
        struct host_section *sys = &report->sections[HOST_SECTION_SYSTEM];
        probe_systemd(sys);
        probe_apparmor(sys);
        probe_selinux(sys);
        return 0;
}

void host_report_release(struct host_report *report)
{
        for (int i = 0; i < HOST_N_SECTIONS; i++) {
                struct host_section *s = &report->sections[i];
                for (size_t j = 0; j < s->n; j++) {
                        free(s->items[j].name);
                        free(s->items[j].value);
                        free(s->items[j].detail);
                        free(s->items[j].advice);
                }
                free(s->items);
                s->items = NULL;
                s->n = 0;
        }
        free(report->kernel);
        report->kernel = NULL;
}
