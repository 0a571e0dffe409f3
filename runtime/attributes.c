/* The process attributes beyond identity and limits (runtime/attributes.h):
 * process.scheduler, process.ioPriority, linux.memoryPolicy,
 * process.execCPUAffinity and the LSM exec labels, plus the refusal of
 * linux.intelRdt.  berth validates them all before it creates anything;
 * the init applies them, and every kernel error names the JSON path. */
#include "runtime/attributes.h"

#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/ioprio.h>
#include <linux/magic.h>
#include <linux/sched.h>

#include "common/cleanup.h"
#include "common/util.h"
#include "namespaces/procfs.h"

/* ---- id lists ("0-3,7") ------------------------------------------------------ */

/* CPUs and NUMA nodes as a bitmap of unsigned longs, the layout both
 * sched_setaffinity (cpu_set_t) and set_mempolicy (nodemask) take. */
struct id_set {
        unsigned long *bits;
        size_t nbits;          /* the highest id in the set + 1 */
};

#define BITS_PER_LONG (8 * sizeof(unsigned long))
/* Far above any kernel's NR_CPUS (8192) and MAX_NUMNODES (1024): bounds the
 * bitmap a typo like "0-4000000000" would ask for. */
#define ID_LIMIT 65536

static void id_set_release(struct id_set *set)
{
        free(set->bits);
        *set = (struct id_set) { 0 };
}

static void id_set_add(struct id_set *set, unsigned long id)
{
        size_t have = (set->nbits + BITS_PER_LONG - 1) / BITS_PER_LONG;
        size_t need = id / BITS_PER_LONG + 1;
        if (need > have) {
                set->bits = xrealloc(set->bits, need * sizeof(unsigned long));
                memset(set->bits + have, 0, (need - have) * sizeof(unsigned long));
        }
        set->bits[id / BITS_PER_LONG] |= 1UL << (id % BITS_PER_LONG);
        if (id + 1 > set->nbits)
                set->nbits = id + 1;
}

static bool id_set_has(const struct id_set *set, unsigned long id)
{
        return id < set->nbits && (set->bits[id / BITS_PER_LONG] & (1UL << (id % BITS_PER_LONG)));
}

static bool parse_id(const char *s, unsigned long *id)
{
        char *end;
        errno = 0;
        if (*s < '0' || *s > '9')
                return false;
        *id = strtoul(s, &end, 10);
        return errno == 0 && *end == '\0' && *id < ID_LIMIT;
}

static char *trim_spaces(char *s)
{
        while (*s == ' ' || *s == '\n')
                s++;
        char *e = s + strlen(s);
        while (e > s && (e[-1] == ' ' || e[-1] == '\n'))
                *--e = '\0';
        return s;
}

/* One "N" or "N-M" item of a list. */
static int id_set_add_item(struct id_set *set, char *item, const char *list,
                           struct berth_error *err)
{
        char *dash = strchr(item, '-');
        if (dash)
                *dash = '\0';
        char *first_text = trim_spaces(item);
        char *last_text = dash ? trim_spaces(dash + 1) : first_text;
        unsigned long first, last;
        if (!parse_id(first_text, &first) || !parse_id(last_text, &last) || last < first)
                return berth_error_new(err, EINVAL,
                                       "expected a list such as \"0-3,7\" (ids below %d), got \"%s\"",
                                       ID_LIMIT, list);
        for (unsigned long id = first; id <= last; id++)
                id_set_add(set, id);
        return 0;
}

/* "0-3,7" -> {0,1,2,3,7}; spaces around items are allowed (the spec's
 * pattern for CPU lists is ^[0-9, -]*$).  A blank list is the empty set. */
static int id_set_parse(const char *list, struct id_set *set, struct berth_error *err)
{
        *set = (struct id_set) { 0 };
        _cleanup_free_ char *copy = xstrdup(list);
        char *rest = trim_spaces(copy);
        if (!*rest)
                return 0;
        char *item;
        while ((item = strsep(&rest, ","))) {
                int r = id_set_add_item(set, item, list, err);
                if (r < 0) {
                        id_set_release(set);
                        return r;
                }
        }
        return 0;
}

/* The first id of `set` missing from `host`, or -1 when all are there. */
static long id_set_first_missing(const struct id_set *set, const struct id_set *host)
{
        for (size_t id = 0; id < set->nbits; id++)
                if (id_set_has(set, id) && !id_set_has(host, id))
                        return (long) id;
        return -1;
}

/* Every id of `list` must be in `host_list` (what this host has online),
 * or the kernel would drop it without a word.  `what` is "CPU" or "node". */
static int check_ids_in(const char *list, const char *host_list, const char *what,
                        const char *path, struct berth_error *err)
{
        struct id_set set, host;
        int r = id_set_parse(list, &set, err);
        if (r < 0)
                return berth_error_prefix(err, "config.json: %s", path);
        r = id_set_parse(host_list, &host, err);
        if (r < 0) {
                id_set_release(&set);
                return berth_error_prefix(err, "the host's online %ss", what);
        }
        long missing = id_set_first_missing(&set, &host);
        id_set_release(&set);
        id_set_release(&host);
        if (missing >= 0) {
                _cleanup_free_ char *shown = xstrdup(host_list);
                return berth_error_new(err, EINVAL,
                                       "config.json: %s: %s %ld is not online on this host "
                                       "(online: %s)", path, what, missing, trim_spaces(shown));
        }
        return 0;
}

/* The same against a sysfs list such as /sys/devices/system/cpu/online. */
static int check_ids_online(const char *list, const char *sysfs_file, const char *what,
                            const char *path, struct berth_error *err)
{
        _cleanup_free_ char *host_list = NULL;
        int r = read_file_at(AT_FDCWD, sysfs_file, &host_list, NULL, err);
        if (r < 0)
                return berth_error_prefix(err, "config.json: %s: the host's online %ss", path, what);
        return check_ids_in(list, host_list, what, path, err);
}

/* ---- process.scheduler ------------------------------------------------------- */

/* The kernel's struct sched_attr (SCHED_ATTR_SIZE_VER1).  glibc before 2.41
 * has no sched_setattr, and <linux/sched/types.h> clashes with <sched.h>. */
struct kernel_sched_attr {
        uint32_t size;
        uint32_t sched_policy;
        uint64_t sched_flags;
        int32_t sched_nice;
        uint32_t sched_priority;
        uint64_t sched_runtime;
        uint64_t sched_deadline;
        uint64_t sched_period;
        uint32_t sched_util_min;
        uint32_t sched_util_max;
};

struct name_value {
        const char *name;
        long value;
};

/* SCHED_ISO is in the spec's list but in no mainline kernel: it is missing
 * here, so validation refuses it. */
static const struct name_value sched_policies[] = {
        { "SCHED_OTHER", SCHED_OTHER }, { "SCHED_FIFO", SCHED_FIFO },
        { "SCHED_RR", SCHED_RR },       { "SCHED_BATCH", SCHED_BATCH },
        { "SCHED_IDLE", SCHED_IDLE },   { "SCHED_DEADLINE", SCHED_DEADLINE },
};

static const struct name_value sched_flag_names[] = {
        { "SCHED_FLAG_RESET_ON_FORK", SCHED_FLAG_RESET_ON_FORK },
        { "SCHED_FLAG_RECLAIM", SCHED_FLAG_RECLAIM },
        { "SCHED_FLAG_DL_OVERRUN", SCHED_FLAG_DL_OVERRUN },
        { "SCHED_FLAG_KEEP_POLICY", SCHED_FLAG_KEEP_POLICY },
        { "SCHED_FLAG_KEEP_PARAMS", SCHED_FLAG_KEEP_PARAMS },
        { "SCHED_FLAG_UTIL_CLAMP_MIN", SCHED_FLAG_UTIL_CLAMP_MIN },
        { "SCHED_FLAG_UTIL_CLAMP_MAX", SCHED_FLAG_UTIL_CLAMP_MAX },
};

#define N_ELEMENTS(a) (sizeof(a) / sizeof((a)[0]))

static bool lookup(const struct name_value *table, size_t n, const char *name, long *value)
{
        for (size_t i = 0; i < n; i++) {
                if (strcmp(table[i].name, name) == 0) {
                        *value = table[i].value;
                        return true;
                }
        }
        return false;
}

static bool is_realtime(long policy)
{
        return policy == SCHED_FIFO || policy == SCHED_RR;
}

/* The rules of sched_setattr(2), checked here so a bad value is an error
 * before anything exists instead of a failed init.  As runc does, a
 * priority is only for SCHED_FIFO/RR and runtime/deadline/period only for
 * SCHED_DEADLINE; a nice value would be ignored by those policies, so it is
 * refused there too. */
static int check_sched_values(const struct oci_scheduler *s, long policy, struct berth_error *err)
{
        bool deadline = policy == SCHED_DEADLINE;
        if (!is_realtime(policy) && s->priority != 0)
                return berth_error_new(err, EINVAL,
                                       "config.json: /process/scheduler/priority: only SCHED_FIFO "
                                       "and SCHED_RR take a priority, not %s", s->policy);
        if (is_realtime(policy)) {
                int min = sched_get_priority_min((int) policy);
                int max = sched_get_priority_max((int) policy);
                if (s->priority < min || s->priority > max)
                        return berth_error_new(err, EINVAL,
                                               "config.json: /process/scheduler/priority: %s needs "
                                               "a priority from %d to %d, got %d",
                                               s->policy, min, max, s->priority);
        }
        if ((is_realtime(policy) || deadline) && s->nice != 0)
                return berth_error_new(err, EINVAL,
                                       "config.json: /process/scheduler/nice: %s ignores a nice "
                                       "value (only SCHED_OTHER and SCHED_BATCH use it)", s->policy);
        if (!deadline && (s->runtime || s->deadline || s->period))
                return berth_error_new(err, EINVAL,
                                       "config.json: /process/scheduler: runtime, deadline and "
                                       "period are only for SCHED_DEADLINE, not %s", s->policy);
        /* sched_setattr(2): 1024 ns <= runtime <= deadline <= period, where
         * a period of 0 means "the deadline". */
        uint64_t period = s->period ? s->period : s->deadline;
        if (deadline && (s->runtime < 1024 || s->deadline < s->runtime || period < s->deadline))
                return berth_error_new(err, EINVAL,
                                       "config.json: /process/scheduler: SCHED_DEADLINE needs "
                                       "1024 <= runtime <= deadline <= period (ns; period 0 means "
                                       "the deadline), got runtime %llu, deadline %llu, period %llu",
                                       (unsigned long long) s->runtime,
                                       (unsigned long long) s->deadline,
                                       (unsigned long long) s->period);
        return 0;
}

static int sched_attr_build(const struct oci_scheduler *s, struct kernel_sched_attr *attr,
                            struct berth_error *err)
{
        long policy;
        if (!lookup(sched_policies, N_ELEMENTS(sched_policies), s->policy, &policy))
                return berth_error_new(err, EINVAL,
                                       "config.json: /process/scheduler/policy: %s is not a "
                                       "scheduling policy of Linux", s->policy);
        int r = check_sched_values(s, policy, err);
        if (r < 0)
                return r;
        *attr = (struct kernel_sched_attr) {
                .size = sizeof(*attr),
                .sched_policy = (uint32_t) policy,
                .sched_nice = s->nice,
                .sched_priority = (uint32_t) s->priority,
                .sched_runtime = s->runtime,
                .sched_deadline = s->deadline,
                .sched_period = s->period,
        };
        for (size_t i = 0; s->flags && s->flags[i]; i++) {
                long flag;
                if (!lookup(sched_flag_names, N_ELEMENTS(sched_flag_names), s->flags[i], &flag))
                        return berth_error_new(err, EINVAL,
                                               "config.json: /process/scheduler/flags/%zu: unknown "
                                               "flag %s", i, s->flags[i]);
                attr->sched_flags |= (uint64_t) flag;
        }
        return 0;
}

/* Applied to the init itself: the policy survives execve and, unless
 * SCHED_FLAG_RESET_ON_FORK, passes to every child.  A SCHED_DEADLINE
 * process cannot fork without that flag (the kernel refuses with EAGAIN). */
static int apply_scheduler(const struct oci_process *p, struct berth_error *err)
{
        if (!p->has_scheduler)
                return 0;
        struct kernel_sched_attr attr;
        int r = sched_attr_build(&p->scheduler, &attr, err);
        if (r < 0)
                return r;
        if (syscall(SYS_sched_setattr, 0, &attr, 0) < 0)
                return berth_error_errno(err, errno, "config.json: /process/scheduler: "
                                         "sched_setattr %s", p->scheduler.policy);
        return 0;
}

/* ---- process.ioPriority ------------------------------------------------------- */

static const struct name_value ioprio_classes[] = {
        { "IOPRIO_CLASS_RT", IOPRIO_CLASS_RT },
        { "IOPRIO_CLASS_BE", IOPRIO_CLASS_BE },
        { "IOPRIO_CLASS_IDLE", IOPRIO_CLASS_IDLE },
};

static int ioprio_value(const struct oci_io_priority *io, int *value, struct berth_error *err)
{
        long class_;
        if (!lookup(ioprio_classes, N_ELEMENTS(ioprio_classes), io->class_, &class_))
                return berth_error_new(err, EINVAL,
                                       "config.json: /process/ioPriority/class: unknown class %s",
                                       io->class_);
        *value = (int) ((class_ << IOPRIO_CLASS_SHIFT) | io->priority);
        return 0;
}

/* The spec asks for the whole container: set on the init before execve,
 * the priority is inherited by every process it forks. */
static int apply_io_priority(const struct oci_process *p, struct berth_error *err)
{
        if (!p->has_io_priority)
                return 0;
        int value;
        int r = ioprio_value(&p->io_priority, &value, err);
        if (r < 0)
                return r;
        if (syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, value) < 0)
                return berth_error_errno(err, errno, "config.json: /process/ioPriority: "
                                         "ioprio_set %s %d", p->io_priority.class_,
                                         p->io_priority.priority);
        return 0;
}

/* ---- process.execCPUAffinity -------------------------------------------------- */

#define CPU_ONLINE "/sys/devices/system/cpu/online"
#define NODE_ONLINE "/sys/devices/system/node/online"

/* execCPUAffinity is for processes a runtime starts in a running container
 * (`exec`): `initial` is where such a process runs before it joins the
 * container's cgroup, `final` where it runs after.  The spec says it "is
 * not applicable to the container's init process", so create and run only
 * check the lists; nothing is applied to the container's process. */
static int validate_affinity(const struct oci_process *p, struct berth_error *err)
{
        /* Both lists are checked, the one not applied included: a typo in
         * either is the user's to know about. */
        if (p->exec_cpu_affinity_initial) {
                int r = check_ids_online(p->exec_cpu_affinity_initial, CPU_ONLINE, "CPU",
                                         "/process/execCPUAffinity/initial", err);
                if (r < 0)
                        return r;
        }
        if (p->exec_cpu_affinity_final)
                return check_ids_online(p->exec_cpu_affinity_final, CPU_ONLINE, "CPU",
                                        "/process/execCPUAffinity/final", err);
        return 0;
}

int attributes_apply_exec_affinity(const struct oci_process *p, bool final, struct berth_error *err)
{
        const char *list = final ? p->exec_cpu_affinity_final : p->exec_cpu_affinity_initial;
        if (!list)
                return 0;
        _cleanup_(id_set_release) struct id_set set = { 0 };
        int r = id_set_parse(list, &set, err);
        if (r < 0)
                return berth_error_prefix(err, "/process/execCPUAffinity/%s", final ? "final" : "initial");
        size_t bytes = (set.nbits + BITS_PER_LONG - 1) / BITS_PER_LONG * sizeof(unsigned long);
        if (sched_setaffinity(0, bytes, (cpu_set_t *) set.bits) < 0)
                return berth_error_errno(err, errno, "/process/execCPUAffinity/%s: sched_setaffinity %s",
                                         final ? "final" : "initial", list);
        return 0;
}

/* ---- linux.memoryPolicy -------------------------------------------------------- */

static bool mpol_nodes_relative_or_static(const struct oci_memory_policy *mp)
{
        return mp->flag_bits & (OCI_MPOL_F_RELATIVE_NODES | OCI_MPOL_F_STATIC_NODES);
}

/* With MPOL_F_RELATIVE_NODES the numbers are positions in the cpuset's
 * nodes, and with MPOL_F_STATIC_NODES nodes may come online later: only a
 * plain list must name nodes that exist now. */
static int validate_memory_policy(const struct oci_config *cfg, struct berth_error *err)
{
        const struct oci_memory_policy *mp = &cfg->linux_.memory_policy;
        if (!cfg->linux_.has_memory_policy || !mp->nodes)
                return 0;
        if (mpol_nodes_relative_or_static(mp)) {
                struct id_set nodes;
                int r = id_set_parse(mp->nodes, &nodes, err);
                if (r < 0)
                        return berth_error_prefix(err, "config.json: /linux/memoryPolicy/nodes");
                id_set_release(&nodes);
                return 0;
        }
        /* A kernel without CONFIG_NUMA has no node directory: node 0 only. */
        if (access(NODE_ONLINE, F_OK) < 0)
                return check_ids_in(mp->nodes, "0", "node", "/linux/memoryPolicy/nodes", err);
        return check_ids_online(mp->nodes, NODE_ONLINE, "node", "/linux/memoryPolicy/nodes", err);
}

/* The policy of the init survives execve and is inherited by its children. */
static int apply_memory_policy(const struct oci_config *cfg, struct berth_error *err)
{
        const struct oci_memory_policy *mp = &cfg->linux_.memory_policy;
        if (!cfg->linux_.has_memory_policy)
                return 0;
        struct id_set nodes = { 0 };
        if (mp->nodes) {
                int r = id_set_parse(mp->nodes, &nodes, err);
                if (r < 0)
                        return berth_error_prefix(err, "config.json: /linux/memoryPolicy/nodes");
        }
        /* set_mempolicy(2) reads maxnode - 1 bits (a historical off-by-one
         * every caller, libnuma included, compensates for). */
        unsigned long maxnode = nodes.nbits ? nodes.nbits + 1 : 0;
        long r = syscall(SYS_set_mempolicy, (int) mp->mode_value | (int) mp->flag_bits, nodes.bits,
                         maxnode);
        int e = errno;
        id_set_release(&nodes);
        if (r < 0)
                return berth_error_errno(err, e, "config.json: /linux/memoryPolicy: set_mempolicy "
                                         "%s%s%s", mp->mode, mp->nodes ? " " : "",
                                         mp->nodes ? mp->nodes : "");
        return 0;
}

/* ---- LSM labels ------------------------------------------------------------------ */

/* As runc decides it: the module is loaded and enabled, and securityfs
 * shows it. */
static bool apparmor_enabled(void)
{
        if (access("/sys/kernel/security/apparmor", F_OK) < 0)
                return false;
        _cleanup_fclose_ FILE *f = fopen("/sys/module/apparmor/parameters/enabled", "re");
        return f && fgetc(f) == 'Y';
}

static bool selinux_enabled(void)
{
        struct statfs sfs;
        return statfs("/sys/fs/selinux", &sfs) == 0 && sfs.f_type == SELINUX_MAGIC &&
               access("/sys/fs/selinux/enforce", F_OK) == 0;
}

/* An empty string is no label, as runc reads it. */
static bool label_set(const char *label)
{
        return label && *label;
}

/* The files the labels go through, below berth's own procfs
 * (namespaces/procfs.h).  AppArmor has its own directory since Linux 5.1
 * (LSM stacking); thread-self/attr/exec is the older, shared interface,
 * which is SELinux's own. */
static const char *apparmor_exec_attr(void)
{
        struct berth_error ignored;
        _cleanup_close_ int dir = procfs_open("thread-self/attr/apparmor", O_PATH | O_DIRECTORY, &ignored);
        return dir >= 0 ? "thread-self/attr/apparmor/exec" : "thread-self/attr/exec";
}

#define SELINUX_EXEC_ATTR "thread-self/attr/exec"

/* An attr file the label goes to: opened by check_label_files while the
 * init may still open berth's procfs (before the identity change, which
 * closes it: procfs.h), kept, and written right before execve.  A task may
 * only write its own attr files; this is the thread that opened it. */
struct label_attr {
        const char *path;      /* below the procfs root; NULL: AppArmor's, found on open */
        int fd;
};

static struct label_attr apparmor_attr = { NULL, -1 };
static struct label_attr selinux_attr = { SELINUX_EXEC_ATTR, -1 };

/* Never through the container's /proc: a volume over it (CVE-2019-16884), a
 * /proc that is a symlink to a mount of the image's (CVE-2023-28642), or
 * another procfs file bound over the attr file (CVE-2025-52881) would each
 * take the label, and the process would run unconfined.  procfs_open also
 * checks the file is on procfs. */
static int open_label_attr(struct label_attr *a, struct berth_error *err)
{
        if (a->fd >= 0)
                return 0;
        if (!a->path)
                a->path = apparmor_exec_attr();
        int fd = procfs_open(a->path, O_WRONLY, err);
        if (fd < 0)
                return fd;
        a->fd = fd;
        return 0;
}

static int write_label_attr(struct label_attr *a, const char *value, struct berth_error *err)
{
        int r = open_label_attr(a, err);
        if (r < 0)
                return r;
        ssize_t n = write(a->fd, value, strlen(value));
        int e = errno;
        close(a->fd);
        a->fd = -1;
        if (n < 0)
                return berth_error_errno(err, e, "write \"%s\" to /proc/%s", value, a->path);
        return 0;
}

/* Whether the kernel takes `profile` as an exec label, asked by a child
 * that writes it to its own exec attr and exits: the label is set on the
 * task that writes it, so berth's own is untouched, and the init (a clone
 * of berth, with its AppArmor label) will get the same answer.  Returns 0
 * or the errno of the write; 0 too when the child cannot open the file,
 * which the init's own open then reports (check_label_files).  The answer
 * comes through a pipe: with SIGCHLD ignored (inherited from whoever ran
 * berth) the child's exit status would be gone. */
static int apparmor_probe_exec_label(const char *profile)
{
        int answer[2];
        if (pipe2(answer, O_CLOEXEC) < 0)
                return errno;
        _cleanup_close_ int reply = answer[0];
        _cleanup_close_ int child_end = answer[1];
        pid_t pid = fork();
        if (pid < 0)
                return errno;
        if (pid == 0) {
                struct berth_error ignored;
                int e = 0;
                int fd = procfs_open(apparmor_exec_attr(), O_WRONLY, &ignored);
                if (fd >= 0) {
                        _cleanup_free_ char *value = xasprintf("exec %s", profile);
                        if (write(fd, value, strlen(value)) < 0)
                                e = errno;
                }
                _exit(write(child_end, &e, sizeof(e)) == sizeof(e) ? 0 : 1);
        }
        close(steal_fd(&child_end));
        int e = 0;
        ssize_t n;
        while ((n = read(reply, &e, sizeof(e))) < 0 && errno == EINTR)
                ;
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
                ;
        return n == sizeof(e) ? e : EIO;
}

/* The profile must be loaded.  runc and crun write the exec label before
 * the init reports ready, so a profile that is not loaded fails create;
 * berth writes it only as the init's last step before execve, after
 * start, so it asks the kernel up front instead of failing a container
 * that was already started. */
static int check_apparmor_profile(const char *profile, struct berth_error *err)
{
        int e = apparmor_probe_exec_label(profile);
        if (e == ENOENT)
                return berth_error_new(err, ENOENT, "config.json: /process/apparmorProfile: "
                                       "AppArmor has no profile \"%s\" loaded (apparmor_parser -r "
                                       "loads one)", profile);
        if (e != 0)
                return berth_error_errno(err, e, "config.json: /process/apparmorProfile: AppArmor "
                                         "refuses \"%s\" as the exec profile", profile);
        return 0;
}

/* runc fails a container whose apparmorProfile cannot be applied (its
 * write to /proc/self/attr/exec fails on a host without AppArmor), and
 * refuses a selinuxLabel on a host without SELinux: berth refuses both up
 * front.  It also refuses a mountLabel there, which runc ignores: higher
 * layers (Podman, containerd) only write labels when the host has SELinux. */
static int validate_labels(const struct oci_config *cfg, struct berth_error *err)
{
        if (label_set(cfg->process.apparmor_profile)) {
                if (!apparmor_enabled())
                        return berth_error_new(err, ENOTSUP, "config.json: /process/apparmorProfile: "
                                               "AppArmor is not enabled on this host");
                int r = check_apparmor_profile(cfg->process.apparmor_profile, err);
                if (r < 0)
                        return r;
        }
        bool selinux = selinux_enabled();
        if (label_set(cfg->process.selinux_label) && !selinux)
                return berth_error_new(err, ENOTSUP, "config.json: /process/selinuxLabel: "
                                       "SELinux is not enabled on this host");
        if (label_set(cfg->linux_.mount_label) && !selinux)
                return berth_error_new(err, ENOTSUP, "config.json: /linux/mountLabel: "
                                       "SELinux is not enabled on this host");
        /* A mount label goes into context= of every mount berth makes
         * (namespaces/rootfs.c), which berth does not do yet. */
        if (label_set(cfg->linux_.mount_label))
                return berth_error_new(err, ENOTSUP, "config.json: /linux/mountLabel: "
                                       "SELinux mount labels are not supported by berth");
        return 0;
}

/* Before start, while still privileged: the files the labels will be
 * written to are opened now, so a problem fails create, not start, and
 * they are kept for the write (berth's procfs is gone by then). */
static int check_label_files(const struct oci_process *p, struct berth_error *err)
{
        if (label_set(p->apparmor_profile) && open_label_attr(&apparmor_attr, err) < 0)
                return berth_error_prefix(err, "config.json: /process/apparmorProfile");
        if (label_set(p->selinux_label) && open_label_attr(&selinux_attr, err) < 0)
                return berth_error_prefix(err, "config.json: /process/selinuxLabel");
        return 0;
}

/* ---- the interface ------------------------------------------------------------------ */

static int validate_scheduling(const struct oci_process *p, struct berth_error *err)
{
        int r;
        if (p->has_scheduler) {
                struct kernel_sched_attr attr;
                if ((r = sched_attr_build(&p->scheduler, &attr, err)) < 0)
                        return r;
        }
        if (p->has_io_priority) {
                int value;
                if ((r = ioprio_value(&p->io_priority, &value, err)) < 0)
                        return r;
        }
        return validate_affinity(p, err);
}

int attributes_validate(const struct oci_config *cfg, struct berth_error *err)
{
        /* The spec: with intelRdt set (even empty, then named after the
         * container) a runtime MUST use resctrl; berth has no resctrl code. */
        if (cfg->linux_.has_intel_rdt)
                return berth_error_new(err, ENOTSUP,
                                       "config.json: /linux/intelRdt: Intel RDT is not supported by berth");
        int r;
        if ((r = validate_scheduling(&cfg->process, err)) < 0 ||
            (r = validate_memory_policy(cfg, err)) < 0 || (r = validate_labels(cfg, err)) < 0)
                return r;
        return 0;
}

/* The affinity first: SCHED_DEADLINE refuses a task whose affinity is
 * narrower than its root domain, so a conflict between the two names the
 * scheduler, the later setting. */
int attributes_apply(const struct oci_config *cfg, struct berth_error *err)
{
        const struct oci_process *p = &cfg->process;
        int r;
        if ((r = apply_memory_policy(cfg, err)) < 0 ||
            (r = apply_io_priority(p, err)) < 0 || (r = apply_scheduler(p, err)) < 0 ||
            (r = check_label_files(p, err)) < 0)
                return r;
        return 0;
}

int attributes_apply_exec_labels(const struct oci_config *cfg, struct berth_error *err)
{
        const struct oci_process *p = &cfg->process;
        if (label_set(p->apparmor_profile)) {
                _cleanup_free_ char *value = xasprintf("exec %s", p->apparmor_profile);
                int r = write_label_attr(&apparmor_attr, value, err);
                if (r < 0)
                        return berth_error_prefix(err, "config.json: /process/apparmorProfile");
        }
        if (label_set(p->selinux_label)) {
                int r = write_label_attr(&selinux_attr, p->selinux_label, err);
                if (r < 0)
                        return berth_error_prefix(err, "config.json: /process/selinuxLabel");
        }
        return 0;
}
