/* linux.seccomp: berth compiles the profile with libseccomp into a classic
 * BPF program before anything is created, the container's init hands that
 * program to seccomp(2), and berth passes a notify listener's fd on to
 * linux.seccomp.listenerPath. */
#include "runtime/seccomp.h"

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/log.h"
#include "common/util.h"
#include "oci/json_util.h"

#ifndef SECCOMP_FILTER_FLAG_NEW_LISTENER
#define SECCOMP_FILTER_FLAG_NEW_LISTENER (1UL << 3)
#endif

/* The kernel's limits: a program of at most BPF_MAXINSNS instructions, and
 * a SECCOMP_RET_ERRNO value is clamped to MAX_ERRNO. */
#define KERNEL_MAX_ERRNO 4095u

/* runc's threshold for libseccomp's binary tree: libseccomp up to 2.5.4
 * misbehaves with the tree and no rules, and builds four syscalls a node,
 * so short profiles gain nothing from it. */
#define BINARY_TREE_MIN_RULES 32

/* The container's init sends the notify fd to berth with sendmsg(2) right
 * after it loads the filter: a SCMP_ACT_NOTIFY on it would wait for a
 * listener that can only get the fd through that very call. */
#define INIT_SEND_SYSCALL "sendmsg"

struct seccomp_program {
        struct sock_filter *insns;
        unsigned short n_insns;
        unsigned int flags;   /* SECCOMP_FILTER_FLAG_* for seccomp(2), without NEW_LISTENER */
        bool notifies;        /* some rule is SCMP_ACT_NOTIFY: load with NEW_LISTENER */
};

static const struct {
        const char *name;
        uint32_t bit; /* OCI_SECCOMP_FLAG_*: the kernel's SECCOMP_FILTER_FLAG_* value */
} filter_flags[] = {
        { "SECCOMP_FILTER_FLAG_TSYNC", OCI_SECCOMP_FLAG_TSYNC },
        { "SECCOMP_FILTER_FLAG_LOG", OCI_SECCOMP_FLAG_LOG },
        { "SECCOMP_FILTER_FLAG_SPEC_ALLOW", OCI_SECCOMP_FLAG_SPEC_ALLOW },
        { "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", OCI_SECCOMP_FLAG_WAIT_KILLABLE_RECV },
};

static void seccomp_releasep(scmp_filter_ctx *ctx)
{
        if (*ctx)
                seccomp_release(*ctx);
}

static void seccomp_program_freep(struct seccomp_program **prog)
{
        seccomp_program_free(*prog);
}

static const char *action_name(enum oci_seccomp_action a)
{
        switch (a) {
        case OCI_SECCOMP_ACT_KILL: return "SCMP_ACT_KILL";
        case OCI_SECCOMP_ACT_KILL_PROCESS: return "SCMP_ACT_KILL_PROCESS";
        case OCI_SECCOMP_ACT_KILL_THREAD: return "SCMP_ACT_KILL_THREAD";
        case OCI_SECCOMP_ACT_TRAP: return "SCMP_ACT_TRAP";
        case OCI_SECCOMP_ACT_ERRNO: return "SCMP_ACT_ERRNO";
        case OCI_SECCOMP_ACT_TRACE: return "SCMP_ACT_TRACE";
        case OCI_SECCOMP_ACT_ALLOW: return "SCMP_ACT_ALLOW";
        case OCI_SECCOMP_ACT_LOG: return "SCMP_ACT_LOG";
        case OCI_SECCOMP_ACT_NOTIFY: return "SCMP_ACT_NOTIFY";
        }
        return "?";
}

/* The libseccomp action.  ERRNO and TRACE carry errnoRet, EPERM when it is
 * absent (the spec's default; for TRACE it is what the tracer reads). */
static uint32_t scmp_action(enum oci_seccomp_action a, bool has_errno_ret, uint32_t errno_ret)
{
        uint32_t data = has_errno_ret ? errno_ret : EPERM;
        switch (a) {
        case OCI_SECCOMP_ACT_KILL:
        case OCI_SECCOMP_ACT_KILL_THREAD: return SCMP_ACT_KILL_THREAD;
        case OCI_SECCOMP_ACT_KILL_PROCESS: return SCMP_ACT_KILL_PROCESS;
        case OCI_SECCOMP_ACT_TRAP: return SCMP_ACT_TRAP;
        case OCI_SECCOMP_ACT_ERRNO: return SCMP_ACT_ERRNO(data);
        case OCI_SECCOMP_ACT_TRACE: return SCMP_ACT_TRACE(data);
        case OCI_SECCOMP_ACT_ALLOW: return SCMP_ACT_ALLOW;
        case OCI_SECCOMP_ACT_LOG: return SCMP_ACT_LOG;
        case OCI_SECCOMP_ACT_NOTIFY: return SCMP_ACT_NOTIFY;
        }
        return SCMP_ACT_KILL_PROCESS;
}

static enum scmp_compare scmp_op(enum oci_seccomp_op op)
{
        switch (op) {
        case OCI_SECCOMP_CMP_NE: return SCMP_CMP_NE;
        case OCI_SECCOMP_CMP_LT: return SCMP_CMP_LT;
        case OCI_SECCOMP_CMP_LE: return SCMP_CMP_LE;
        case OCI_SECCOMP_CMP_EQ: return SCMP_CMP_EQ;
        case OCI_SECCOMP_CMP_GE: return SCMP_CMP_GE;
        case OCI_SECCOMP_CMP_GT: return SCMP_CMP_GT;
        case OCI_SECCOMP_CMP_MASKED_EQ: return SCMP_CMP_MASKED_EQ;
        }
        return _SCMP_CMP_MIN;
}

/* A value above MAX_ERRNO would silently come back as -4095. */
static int check_errno_ret(bool has, uint32_t value, const char *pointer, struct berth_error *err)
{
        if (has && value > KERNEL_MAX_ERRNO)
                return berth_error_new(err, EINVAL,
                                       "config.json: %s: %u is not an errno (the kernel returns at most %u)",
                                       pointer, value, KERNEL_MAX_ERRNO);
        return 0;
}

/* seccomp(2) checks its flags before it reads the program: with no program
 * at all, EFAULT means the kernel knows every flag given, EINVAL that it
 * does not.  Nothing is installed either way. */
static bool kernel_accepts_flags(unsigned long flags)
{
        return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, NULL) < 0 && errno != EINVAL;
}

/* The flags seccomp(2) gets.  TSYNC is accepted and not passed on: the
 * init is single-threaded when it loads the filter, so there is nothing to
 * synchronise (runc does the same), and with NEW_LISTENER it would need
 * TSYNC_ESRCH (Linux 5.7).  WAIT_KILLABLE_RECV only changes how a notifying
 * syscall waits, and the kernel refuses it without a listener, so it is
 * dropped when no rule notifies.  Without a "flags" list at all, berth sets
 * SPEC_ALLOW where the kernel has it, as runc (>= 1.2) and crun do: the
 * Speculative Store Bypass mitigation seccomp would otherwise force on
 * costs every container process, and the profile did not ask for it. */
static int resolve_flags(const struct oci_seccomp *sc, bool notifies, unsigned int *out,
                         struct berth_error *err)
{
        *out = 0;
        if (!sc->flags) {
                if (kernel_accepts_flags(SECCOMP_FILTER_FLAG_SPEC_ALLOW))
                        *out = SECCOMP_FILTER_FLAG_SPEC_ALLOW;
                return 0;
        }
        for (size_t i = 0; sc->flags[i]; i++) {
                uint32_t bit = 0;
                for (size_t f = 0; f < sizeof(filter_flags) / sizeof(filter_flags[0]); f++)
                        if (strcmp(sc->flags[i], filter_flags[f].name) == 0)
                                bit = filter_flags[f].bit;
                if (bit == OCI_SECCOMP_FLAG_TSYNC)
                        continue;
                if (bit == OCI_SECCOMP_FLAG_WAIT_KILLABLE_RECV && !notifies) {
                        log_debug("seccomp: %s dropped: no rule is SCMP_ACT_NOTIFY", sc->flags[i]);
                        continue;
                }
                unsigned long probe = bit;
                if (bit == OCI_SECCOMP_FLAG_WAIT_KILLABLE_RECV)
                        probe |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
                if (!kernel_accepts_flags(probe))
                        return berth_error_new(err, EINVAL,
                                               "config.json: /linux/seccomp/flags/%zu: %s is not supported by this kernel",
                                               i, sc->flags[i]);
                *out |= bit;
        }
        return 0;
}

/* "SCMP_ARCH_X86_64" -> libseccomp's token for "x86_64"; 0 if unknown. */
static uint32_t arch_token(const char *spec_name)
{
        const char *prefix = "SCMP_ARCH_";
        if (strncmp(spec_name, prefix, strlen(prefix)) != 0)
                return 0;
        char lower[32];
        size_t n = 0;
        for (const char *p = spec_name + strlen(prefix); *p && n + 1 < sizeof(lower); p++)
                lower[n++] = (char) (*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
        lower[n] = '\0';
        return seccomp_arch_resolve_name(lower);
}

/* The native architecture is in every filter (seccomp_init adds it); the
 * listed ones join it. */
static int add_architectures(scmp_filter_ctx ctx, const struct oci_seccomp *sc, struct berth_error *err)
{
        for (size_t i = 0; sc->architectures && sc->architectures[i]; i++) {
                uint32_t token = arch_token(sc->architectures[i]);
                if (token == 0) {
                        const struct scmp_version *v = seccomp_version();
                        return berth_error_new(err, EINVAL,
                                               "config.json: /linux/seccomp/architectures/%zu: %s is not known to libseccomp %u.%u.%u",
                                               i, sc->architectures[i], v->major, v->minor, v->micro);
                }
                int r = seccomp_arch_add(ctx, token);
                if (r < 0 && r != -EEXIST)
                        return berth_error_errno(err, -r, "config.json: /linux/seccomp/architectures/%zu: add %s",
                                                 i, sc->architectures[i]);
        }
        return 0;
}

static struct scmp_arg_cmp scmp_condition(const struct oci_seccomp_arg *a)
{
        return (struct scmp_arg_cmp) {
                .arg = a->index,
                .op = scmp_op(a->op),
                .datum_a = a->value, /* the mask, for MASKED_EQ */
                .datum_b = a->value_two,
        };
}

static bool conditions_share_an_argument(const struct oci_seccomp_syscall *s)
{
        unsigned uses[6] = { 0 };
        for (size_t i = 0; i < s->n_args; i++)
                if (++uses[s->args[i].index] > 1)
                        return true;
        return false;
}

/* Conditions on different arguments are ANDed in one rule.  When two use
 * the same argument, runc and crun make each condition a rule of its own
 * (so they are ORed): berth does the same, so a profile means the same
 * whichever runtime runs it. */
static int add_rule(scmp_filter_ctx ctx, uint32_t action, int nr, const struct oci_seccomp_syscall *s)
{
        if (conditions_share_an_argument(s)) {
                for (size_t i = 0; i < s->n_args; i++) {
                        struct scmp_arg_cmp cmp = scmp_condition(&s->args[i]);
                        int r = seccomp_rule_add_array(ctx, action, nr, 1, &cmp);
                        if (r < 0)
                                return r;
                }
                return 0;
        }
        /* Six arguments at most, none repeated: at most six conditions. */
        struct scmp_arg_cmp cmps[6];
        for (size_t i = 0; i < s->n_args; i++)
                cmps[i] = scmp_condition(&s->args[i]);
        return seccomp_rule_add_array(ctx, action, nr, (unsigned) s->n_args, s->n_args ? cmps : NULL);
}

struct rule_stats {
        size_t added;
        bool notifies;
};

static int check_notify_rule(const struct oci_seccomp *sc, size_t idx, struct berth_error *err)
{
        const struct oci_seccomp_syscall *s = &sc->syscalls[idx];
        if (!sc->listener_path)
                return berth_error_new(err, EINVAL,
                                       "config.json: /linux/seccomp/syscalls/%zu/action: SCMP_ACT_NOTIFY needs /linux/seccomp/listenerPath",
                                       idx);
        for (size_t j = 0; s->names[j]; j++)
                if (strcmp(s->names[j], INIT_SEND_SYSCALL) == 0)
                        return berth_error_new(err, EINVAL,
                                               "config.json: /linux/seccomp/syscalls/%zu/names/%zu: SCMP_ACT_NOTIFY cannot apply to %s "
                                               "(berth's init sends the listener fd with it)",
                                               idx, j, INIT_SEND_SYSCALL);
        return 0;
}

static int add_syscall_entry(scmp_filter_ctx ctx, const struct oci_seccomp *sc, size_t idx,
                             uint32_t default_action, struct rule_stats *stats, struct berth_error *err)
{
        const struct oci_seccomp_syscall *s = &sc->syscalls[idx];
        char pointer[64];
        snprintf(pointer, sizeof(pointer), "/linux/seccomp/syscalls/%zu/errnoRet", idx);
        int r = check_errno_ret(s->has_errno_ret, s->errno_ret, pointer, err);
        if (r < 0)
                return r;
        if (s->action == OCI_SECCOMP_ACT_NOTIFY && (r = check_notify_rule(sc, idx, err)) < 0)
                return r;
        uint32_t action = scmp_action(s->action, s->has_errno_ret, s->errno_ret);
        /* libseccomp refuses a rule that repeats the default action; it
         * would change nothing anyway (runc and crun skip it too). */
        if (action == default_action)
                return 0;
        for (size_t j = 0; s->names[j]; j++) {
                int nr = seccomp_syscall_resolve_name(s->names[j]);
                if (nr == __NR_SCMP_ERROR) {
                        /* Profiles list syscalls of newer kernels: skip, as runc does. */
                        log_debug("seccomp: syscall %s unknown to libseccomp, rule skipped "
                                  "(/linux/seccomp/syscalls/%zu/names/%zu)", s->names[j], idx, j);
                        continue;
                }
                r = add_rule(ctx, action, nr, s);
                if (r < 0)
                        return berth_error_errno(err, -r, "config.json: /linux/seccomp/syscalls/%zu: add the %s rule for %s",
                                                 idx, action_name(s->action), s->names[j]);
                stats->added++;
                stats->notifies |= s->action == OCI_SECCOMP_ACT_NOTIFY;
        }
        return 0;
}

static int build_filter(const struct oci_seccomp *sc, scmp_filter_ctx *out, struct rule_stats *stats,
                        struct berth_error *err)
{
        int r = check_errno_ret(sc->has_default_errno_ret, sc->default_errno_ret,
                                "/linux/seccomp/defaultErrnoRet", err);
        if (r < 0)
                return r;
        /* Every syscall of the init after the load, sendmsg of the notify
         * fd included, would wait for a listener that has no fd yet. */
        if (sc->default_action == OCI_SECCOMP_ACT_NOTIFY)
                return berth_error_new(err, EINVAL,
                                       "config.json: /linux/seccomp/defaultAction: SCMP_ACT_NOTIFY cannot be the default action");
        uint32_t default_action = scmp_action(sc->default_action, sc->has_default_errno_ret, sc->default_errno_ret);
        _cleanup_(seccomp_releasep) scmp_filter_ctx ctx = seccomp_init(default_action);
        if (!ctx)
                return berth_error_new(err, EINVAL,
                                       "config.json: /linux/seccomp/defaultAction: libseccomp refuses %s (not supported by this kernel?)",
                                       action_name(sc->default_action));
        r = add_architectures(ctx, sc, err);
        if (r < 0)
                return r;
        for (size_t i = 0; i < sc->n_syscalls; i++) {
                r = add_syscall_entry(ctx, sc, i, default_action, stats, err);
                if (r < 0)
                        return r;
        }
        if (stats->added > BINARY_TREE_MIN_RULES) {
                r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
                if (r < 0)
                        log_debug("seccomp: no binary tree optimization: %s", strerror(-r));
        }
        *out = steal_pointer(&ctx);
        return 0;
}

/* libseccomp 2.5 exports only to a file descriptor (seccomp_export_bpf_mem
 * is 2.6): a memfd, read back into memory the init inherits. */
static int export_program(scmp_filter_ctx ctx, struct seccomp_program *prog, struct berth_error *err)
{
        _cleanup_close_ int fd = memfd_create("berth-seccomp", MFD_CLOEXEC);
        if (fd < 0)
                return berth_error_errno(err, errno, "linux.seccomp: memfd_create");
        int r = seccomp_export_bpf(ctx, fd);
        if (r < 0)
                return berth_error_errno(err, -r, "linux.seccomp: export the filter");
        struct stat st;
        if (fstat(fd, &st) < 0)
                return berth_error_errno(err, errno, "linux.seccomp: stat the exported filter");
        size_t n = (size_t) st.st_size / sizeof(struct sock_filter);
        if (n == 0 || n > BPF_MAXINSNS)
                return berth_error_new(err, E2BIG,
                                       "config.json: /linux/seccomp: the filter compiles to %zu BPF instructions, the kernel takes 1 to %d",
                                       n, BPF_MAXINSNS);
        prog->insns = xmalloc0(n * sizeof(struct sock_filter));
        ssize_t got = pread(fd, prog->insns, n * sizeof(struct sock_filter), 0);
        if (got != (ssize_t) (n * sizeof(struct sock_filter)))
                return berth_error_errno(err, got < 0 ? errno : EIO, "linux.seccomp: read the exported filter");
        prog->n_insns = (unsigned short) n;
        return 0;
}

/* Compiled here, once, rather than by libseccomp in the init: the init
 * then makes one seccomp(2) call with a ready program and no allocation,
 * the profile's errors surface before anything exists, and berth, not
 * the container, pays for the compilation. */
int seccomp_program_build(const struct oci_config *cfg, struct seccomp_program **out,
                          struct berth_error *err)
{
        *out = NULL;
        if (!cfg->linux_.has_seccomp)
                return 0;
        const struct oci_seccomp *sc = &cfg->linux_.seccomp;
        _cleanup_(seccomp_releasep) scmp_filter_ctx ctx = NULL;
        struct rule_stats stats = { 0 };
        int r = build_filter(sc, &ctx, &stats, err);
        if (r < 0)
                return r;
        _cleanup_(seccomp_program_freep) struct seccomp_program *prog = xmalloc0(sizeof(*prog));
        prog->notifies = stats.notifies;
        r = resolve_flags(sc, prog->notifies, &prog->flags, err);
        if (r < 0)
                return r;
        r = export_program(ctx, prog, err);
        if (r < 0)
                return r;
        log_debug("seccomp: %zu rules, %u BPF instructions, flags 0x%x%s", stats.added, prog->n_insns,
                  prog->flags, prog->notifies ? ", notify listener" : "");
        *out = steal_pointer(&prog);
        return 0;
}

int seccomp_program_load(const struct seccomp_program *prog, int *notify_fd, struct berth_error *err)
{
        *notify_fd = -1;
        struct sock_fprog fprog = { .len = prog->n_insns, .filter = prog->insns };
        unsigned long flags = prog->flags;
        if (prog->notifies)
                flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
        long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &fprog);
        if (r < 0)
                return berth_error_errno(err, errno, "linux.seccomp: load the filter (seccomp flags 0x%lx)", flags);
        if (prog->notifies)
                *notify_fd = (int) r;
        return 0;
}

void seccomp_program_free(struct seccomp_program *prog)
{
        if (!prog)
                return;
        free(prog->insns);
        free(prog);
}

bool seccomp_program_notifies(const struct seccomp_program *prog)
{
        return prog && prog->notifies;
}

/* ---- the notify listener ------------------------------------------------- */

/* The container process state (config-linux.md): the state document wrapped
 * with the name of the fd that travels with it. */
static int process_state_document(const struct oci_seccomp *sc, const char *state_json, char **out,
                                  struct berth_error *err)
{
        _cleanup_json_ json_t *state = NULL;
        int r = json_parse_object(state_json, strlen(state_json), "state", &state, err);
        if (r < 0)
                return r;
        json_t *pid = json_object_get(state, "pid");
        if (!json_is_integer(pid))
                return berth_error_new(err, EINVAL, "linux.seccomp: the state document has no pid");
        _cleanup_json_ json_t *doc = json_pack("{s:s, s:[s], s:O, s:O}", "ociVersion", "1.3.0", "fds",
                                               "seccompFd", "pid", pid, "state", state);
        if (sc->listener_metadata)
                json_object_set_new(doc, "metadata", json_string(sc->listener_metadata));
        *out = json_dumps(doc, JSON_COMPACT);
        if (!*out)
                abort(); /* out of memory: berth aborts, as xmalloc does */
        return 0;
}

static int connect_listener(const char *path, int *out, struct berth_error *err)
{
        struct sockaddr_un addr = { .sun_family = AF_UNIX };
        if (strlen(path) >= sizeof(addr.sun_path))
                return berth_error_new(err, ENAMETOOLONG,
                                       "config.json: /linux/seccomp/listenerPath: longer than a unix socket path can be (%zu bytes)",
                                       sizeof(addr.sun_path) - 1);
        strcpy(addr.sun_path, path);
        _cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return berth_error_errno(err, errno, "linux.seccomp: socket");
        if (connect(fd, (struct sockaddr *) &addr, sizeof(addr)) < 0)
                return berth_error_errno(err, errno, "config.json: /linux/seccomp/listenerPath: connect to %s", path);
        *out = steal_fd(&fd);
        return 0;
}

/* One connection, one sendmsg with the fd, then close, as the spec asks.
 * A blocking stream socket takes the whole document in that one call:
 * berth blocks every signal while it creates, so nothing interrupts it. */
int seccomp_notify_listener(const struct oci_config *cfg, const char *state_json, int notify_fd,
                            struct berth_error *err)
{
        const struct oci_seccomp *sc = &cfg->linux_.seccomp;
        _cleanup_free_ char *doc = NULL;
        int r = process_state_document(sc, state_json, &doc, err);
        if (r < 0)
                return r;
        _cleanup_close_ int conn = -1;
        r = connect_listener(sc->listener_path, &conn, err);
        if (r < 0)
                return r;
        r = send_with_fd(conn, doc, strlen(doc), notify_fd);
        if (r < 0)
                return berth_error_errno(err, -r, "config.json: /linux/seccomp/listenerPath: send the seccomp fd to %s",
                                         sc->listener_path);
        log_debug("seccomp: notify fd sent to %s", sc->listener_path);
        return 0;
}
