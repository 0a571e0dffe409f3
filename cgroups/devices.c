/* Load the device program (cgroups/device_program.c) and put it on the
 * container's cgroup v2 group in place of the one there before (see
 * devices.h).  Raw bpf(2) calls: the five commands needed do not justify
 * a library. */
#include "cgroups/devices.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroups/device_program.h"
#include "common/cleanup.h"
#include "common/log.h"
#include "common/util.h"

#define WHERE "config.json: /linux/resources/devices"

/* Enough for the verifier's log of any program we build: it is asked for
 * only after a failed load, to say why. */
#define VERIFIER_LOG_SIZE (256 * 1024)

static int bpf(enum bpf_cmd cmd, union bpf_attr *attr)
{
        return (int) syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

/* ---- loading -------------------------------------------------------------- */

static int load_program(const struct device_program *p, char *log, size_t log_size)
{
        union bpf_attr attr;
        memset(&attr, 0, sizeof(attr));
        attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
        attr.insns = (uintptr_t) p->insns;
        attr.insn_cnt = (uint32_t) p->n;
        attr.license = (uintptr_t) "GPL";  /* no GPL-only helper is called; any string would do */
        /* The name shows in bpftool and is how a reader tells berth's program apart. */
        strncpy(attr.prog_name, "berth_devices", sizeof(attr.prog_name) - 1);
        if (log) {
                attr.log_buf = (uintptr_t) log;
                attr.log_size = (uint32_t) log_size;
                attr.log_level = 1;
        }
        return bpf(BPF_PROG_LOAD, &attr);
}

/* The verifier's reason for refusing (e.g. "R0 !read_ok") is its last line
 * but the "processed N insns ..." statistics it adds after it. */
static const char *verifier_reason(char *log)
{
        char *reason = NULL;
        for (char *line = strtok(log, "\n"); line; line = strtok(NULL, "\n"))
                if (strncmp(line, "processed ", 10) != 0 && line[strspn(line, " ")] != '\0')
                        reason = line;
        return reason ? reason : "no reason given";
}

/* EINVAL with no verifier log: the kernel does not know the program type
 * (CONFIG_CGROUP_BPF off, or older than Linux 4.15); ENOSYS: no bpf(2). */
static int unsupported(struct berth_error *err, int errnum, const char *what)
{
        if (errnum == EPERM)
                return berth_error_errno(err, errnum, WHERE ": %s: not permitted to use BPF, which cgroup v2 needs to "
                                         "enforce a device list (berth needs CAP_SYS_ADMIN; a host may lock bpf(2) "
                                         "down; before Linux 5.11 RLIMIT_MEMLOCK may be too low)", what);
        return berth_error_errno(err, errnum, WHERE ": %s: this kernel cannot enforce a device list on cgroup v2 "
                                 "(it needs BPF_PROG_TYPE_CGROUP_DEVICE: Linux 4.15 or later built with "
                                 "CONFIG_CGROUP_BPF)", what);
}

static bool is_unsupported(int errnum)
{
        return errnum == EINVAL || errnum == ENOSYS || errnum == EPERM;
}

/* Returns the program's fd. */
static int load(const struct device_program *p, struct berth_error *err)
{
        int fd = load_program(p, NULL, 0);
        if (fd >= 0)
                return fd;
        int errnum = errno;
        if (errnum == ENOSYS || errnum == EPERM)
                return unsupported(err, errnum, "load the device program");

        /* Ask again with the log: a log costs verifier time and fails the
         * load if it overflows, so it is not asked for up front. */
        _cleanup_free_ char *log = xmalloc0(VERIFIER_LOG_SIZE);
        fd = load_program(p, log, VERIFIER_LOG_SIZE);
        if (fd >= 0)
                return fd;
        errnum = errno;
        if (log[0] != '\0') {
                log_debug("BPF verifier log for the device program:\n%s", log);
                return berth_error_errno(err, errnum, WHERE ": the kernel rejected the device program (%zu "
                                         "instructions): %s", p->n, verifier_reason(log));
        }
        if (errnum == EINVAL)
                return unsupported(err, errnum, "load the device program");
        return berth_error_errno(err, errnum, WHERE ": load the device program (%zu instructions)", p->n);
}

/* ---- attaching ------------------------------------------------------------ */

/* The ids of the device programs attached to the group itself (not the
 * ones it inherits); returns 0 or -errno. */
static int query_attached(int dirfd, uint32_t **ids, uint32_t *count)
{
        uint32_t cap = 8;
        for (;;) {
                _cleanup_free_ uint32_t *buf = xmalloc0(cap * sizeof(*buf));
                union bpf_attr attr;
                memset(&attr, 0, sizeof(attr));
                attr.query.target_fd = (uint32_t) dirfd;
                attr.query.attach_type = BPF_CGROUP_DEVICE;
                attr.query.prog_ids = (uintptr_t) buf;
                attr.query.prog_cnt = cap;
                if (bpf(BPF_PROG_QUERY, &attr) == 0) {
                        *ids = steal_pointer(&buf);
                        *count = attr.query.prog_cnt;
                        return 0;
                }
                if (errno != ENOSPC)
                        return -errno;
                /* ENOSPC: prog_cnt now says how many there are. */
                cap = attr.query.prog_cnt > cap ? attr.query.prog_cnt : 2 * cap;
        }
}

static int attach(int dirfd, int prog_fd)
{
        union bpf_attr attr;
        memset(&attr, 0, sizeof(attr));
        attr.target_fd = (uint32_t) dirfd;
        attr.attach_bpf_fd = (uint32_t) prog_fd;
        attr.attach_type = BPF_CGROUP_DEVICE;
        /* Several programs may sit on the group at once: ours goes on before
         * the old one comes off, so no device is reachable in between. */
        attr.attach_flags = BPF_F_ALLOW_MULTI;
        return bpf(BPF_PROG_ATTACH, &attr) < 0 ? -errno : 0;
}

/* A program that went away meanwhile is not an error. */
static int detach_id(int dirfd, uint32_t id)
{
        union bpf_attr attr;
        memset(&attr, 0, sizeof(attr));
        attr.prog_id = id;
        _cleanup_close_ int prog_fd = bpf(BPF_PROG_GET_FD_BY_ID, &attr);
        if (prog_fd < 0)
                return errno == ENOENT ? 0 : -errno;

        memset(&attr, 0, sizeof(attr));
        attr.target_fd = (uint32_t) dirfd;
        attr.attach_bpf_fd = (uint32_t) prog_fd;
        attr.attach_type = BPF_CGROUP_DEVICE;
        if (bpf(BPF_PROG_DETACH, &attr) < 0)
                return errno == ENOENT ? 0 : -errno;
        return 0;
}

static int detach_all(int dirfd, const char *abs_path, const uint32_t *ids, uint32_t n, struct berth_error *err)
{
        for (uint32_t i = 0; i < n; i++) {
                int r = detach_id(dirfd, ids[i]);
                if (r < 0)
                        return berth_error_errno(err, -r, WHERE ": detach the previous device program (id %u) "
                                                 "from %s", ids[i], abs_path);
        }
        return 0;
}

/* ---- the whole -------------------------------------------------------------- */

int cgroup_devices_apply(const char *abs_path, const struct oci_device_cgroup *rules, size_t n,
                         struct berth_error *err)
{
        _cleanup_(device_program_release) struct device_program prog = { 0 };
        int r = device_program_build(rules, n, &prog, err);
        if (r < 0)
                return r;

        /* O_PATH would do for most things, but BPF_PROG_ATTACH refuses it. */
        _cleanup_close_ int dirfd = open(abs_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dirfd < 0)
                return berth_error_errno(err, errno, WHERE ": open %s", abs_path);

        _cleanup_free_ uint32_t *old = NULL;
        uint32_t n_old = 0;
        int queried = query_attached(dirfd, &old, &n_old);

        if (!device_rules_restrict(rules, n)) {
                /* Nothing to deny: no program needed.  A kernel without BPF
                 * cannot have one attached either, so only drop ours from an
                 * earlier, stricter list. */
                if (queried < 0) {
                        log_debug("no device program needed for %s (query: %s)", abs_path, strerror(-queried));
                        return 0;
                }
                return detach_all(dirfd, abs_path, old, n_old, err);
        }

        if (queried < 0) {
                if (is_unsupported(-queried))
                        return unsupported(err, -queried, "query the group's device programs");
                return berth_error_errno(err, -queried, WHERE ": query the device programs of %s", abs_path);
        }

        _cleanup_close_ int prog_fd = load(&prog, err);
        if (prog_fd < 0)
                return prog_fd;
        r = attach(dirfd, prog_fd);
        if (r < 0) {
                if (r == -EINVAL || r == -ENOSYS)
                        return unsupported(err, -r, "attach the device program");
                return berth_error_errno(err, -r, WHERE ": attach the device program to %s", abs_path);
        }
        log_debug("device program (%zu instructions, %zu rules) attached to %s", prog.n, n, abs_path);
        return detach_all(dirfd, abs_path, old, n_old, err);
}
