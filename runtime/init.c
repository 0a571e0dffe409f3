/* The container's init, from clone3 to execve.  It runs in the child berth
 * cloned (a copy of berth's memory, no re-exec), already inside the new
 * namespaces and the container's cgroup.  Every failure before "ready" goes
 * back to berth over the sync channel, which prints it; berth's own copy of
 * the config is used as is, so nothing is parsed twice. */
#include "runtime/init.h"

#include <fcntl.h>
#include <linux/keyctl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/log.h"
#include "common/util.h"
#include "namespaces/rootfs.h"
#include "runtime/attributes.h"
#include "runtime/fds.h"
#include "runtime/hooks.h"
#include "runtime/process.h"
#include "runtime/sync.h"
#include "runtime/terminal.h"

static bool init_in_new_user_ns(const struct init_context *ctx)
{
        return (ctx->plan->clone_flags & CLONE_NEWUSER) || ctx->plan->join_fd[OCI_NS_USER] >= 0;
}

/* In a new user namespace berth's init starts as the overflow id; become
 * the namespace's root so mounts and mknod are allowed. */
static int become_user_ns_root(const struct init_context *ctx, struct berth_error *err)
{
        if (!init_in_new_user_ns(ctx))
                return 0;
        return process_become_user_ns_root(&ctx->cfg->linux_, err);
}

/* A session keyring of the container's own, so keys added inside are not
 * shared with the host's session (as runc does).  Kernels or seccomp
 * profiles without keyctl simply keep the inherited one. */
static int join_session_keyring(const struct init_context *ctx, struct berth_error *err)
{
        if (ctx->no_new_keyring)
                return 0;
        if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL) < 0 && errno != ENOSYS &&
            errno != EDQUOT && errno != EPERM && errno != EACCES)
                return berth_error_errno(err, errno, "join a new session keyring");
        return 0;
}

static void own_proc_writes_begin(const struct init_context *ctx)
{
        process_own_proc_writes_begin(init_in_new_user_ns(ctx));
}

static void own_proc_writes_end(const struct init_context *ctx)
{
        process_own_proc_writes_end(init_in_new_user_ns(ctx));
}

static int setup_namespaces(const struct init_context *ctx, struct berth_error *err)
{
        int r = ns_join_in_child(ctx->plan, err);
        if (r < 0)
                return r;
        r = become_user_ns_root(ctx, err);
        if (r < 0)
                return r;
        if (ctx->plan->new_time) {
                own_proc_writes_begin(ctx);
                r = ns_enter_new_time(&ctx->cfg->linux_, err);
                own_proc_writes_end(ctx);
                if (r < 0)
                        return r;
        }
        if (ctx->plan->clone_flags & CLONE_NEWNET) {
                r = net_loopback_up(err);
                if (r < 0)
                        return r;
        }
        return process_set_hostname(ctx->cfg, err);
}

/* The terminal is made after pivot_root, from the container's own devpts,
 * and its master handed to the console socket or to berth run. */
static int setup_terminal(const struct init_context *ctx, struct berth_error *err)
{
        if (!ctx->cfg->process.terminal)
                return 0;
        _cleanup_close_ int master = -1;
        int r = terminal_create_in_container(&ctx->cfg->process, true, &master, err);
        if (r < 0)
                return r;
        r = terminal_hand_over(master, ctx->console_fd, ctx->sync_fd, err);
        if (ctx->console_fd >= 0)
                close(ctx->console_fd);
        return r;
}

/* The state documents the init's own hooks read, "creating" then
 * "created", NUL-separated in one buffer (see spawn.c). */
struct init_hook_state {
        char *buf;
        const char *creating, *created;
};

static int receive_hook_state(const struct init_context *ctx, struct init_hook_state *hs,
                              struct berth_error *err)
{
        if (!init_runs_hooks(ctx->cfg))
                return 0;
        size_t len;
        int r = sync_expect_data(ctx->sync_fd, SYNC_STATE, &hs->buf, &len, err);
        if (r < 0)
                return r;
        hs->creating = hs->buf;
        hs->created = hs->buf + strlen(hs->buf) + 1;
        return 0;
}

/* Between the mounts and pivot_root: berth runs prestart and createRuntime
 * in its namespaces, then the init runs createContainer in the container's
 * namespaces (their paths still resolve in berth's mount tree). */
static int run_create_hooks(const struct init_context *ctx, const struct init_hook_state *hs,
                            struct berth_error *err)
{
        if (berth_runs_create_hooks(ctx->cfg)) {
                int r = sync_send(ctx->sync_fd, SYNC_HOOKS, err);
                if (r < 0)
                        return r;
                r = sync_expect(ctx->sync_fd, SYNC_HOOKS_DONE, err);
                if (r < 0)
                        return r;
        }
        return hooks_run(&ctx->cfg->hooks.create_container, "createContainer", hs->creating, false, err);
}

/* The idmapped mounts' trees berth made, one message each in mounts[]
 * order (see spawn.c). */
static int receive_idmapped_trees(const struct init_context *ctx, struct idmapped_trees *trees,
                                  struct berth_error *err)
{
        const struct oci_config *cfg = ctx->cfg;
        idmapped_trees_init(trees, cfg->n_mounts);
        for (size_t i = 0; i < cfg->n_mounts; i++) {
                if (!mount_is_idmapped(&cfg->mounts[i]))
                        continue;
                int r = sync_expect_fd(ctx->sync_fd, SYNC_IDMAPPED, &trees->fds[i], err);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int setup_rootfs(const struct init_context *ctx, const struct init_hook_state *hs,
                        struct berth_error *err)
{
        _cleanup_(idmapped_trees_release) struct idmapped_trees idmapped = { 0 };
        int r = receive_idmapped_trees(ctx, &idmapped, err);
        if (r < 0)
                return r;
        const struct rootfs_context rctx = {
                .cfg = ctx->cfg,
                .rootfs = ctx->rootfs,
                .bundle = ctx->bundle,
                .no_pivot = ctx->no_pivot,
                .in_user_ns = init_in_new_user_ns(ctx),
                .idmapped = &idmapped,
        };
        r = rootfs_prepare(&rctx, err);
        if (r < 0)
                return r;
        r = run_create_hooks(ctx, hs, err);
        if (r < 0)
                return r;
        r = rootfs_pivot(&rctx, err);
        if (r < 0)
                return r;
        /* sysctl goes through the container's /proc, before readonlyPaths
         * make /proc/sys read-only. */
        r = process_apply_sysctl(ctx->cfg, err);
        if (r < 0)
                return r;
        /* Before finalize: /dev/console is bound in /dev while /dev may
         * still be written to. */
        r = setup_terminal(ctx, err);
        if (r < 0)
                return r;
        return rootfs_finalize(&rctx, err);
}

/* With no_new_privs, the filter is loaded as late as it can be: right
 * before execve, so the wait for start, startContainer hooks and the last
 * steps are not filtered (as with runc).  A filter with a notify listener
 * is the exception: berth must get its fd before the init reports ready. */
static bool seccomp_loads_early(const struct init_context *ctx)
{
        return ctx->cfg->process.no_new_privileges && ctx->seccomp &&
               seccomp_program_notifies(ctx->seccomp);
}

static bool seccomp_loads_before_exec(const struct init_context *ctx)
{
        return ctx->cfg->process.no_new_privileges && ctx->seccomp &&
               !seccomp_program_notifies(ctx->seccomp);
}

/* Load linux.seccomp; a notify fd goes to berth for the listener. */
static int load_seccomp(const struct init_context *ctx, struct berth_error *err)
{
        if (!ctx->seccomp)
                return 0;
        _cleanup_close_ int notify_fd = -1;
        int r = seccomp_program_load(ctx->seccomp, &notify_fd, err);
        if (r < 0)
                return r;
        if (notify_fd >= 0)
                return sync_send_fd(ctx->sync_fd, SYNC_SECCOMP, notify_fd, err);
        return 0;
}

static int setup_process(const struct init_context *ctx, char **exe, struct berth_error *err)
{
        const struct oci_process *proc = &ctx->cfg->process;
        int r = 0;
        if (proc->has_oom_score_adj) {
                own_proc_writes_begin(ctx);
                r = process_apply_oom_score_adj(proc, err);
                own_proc_writes_end(ctx);
        }
        if (r < 0 || (r = process_apply_limits(proc, &ctx->cfg->linux_, err)) < 0)
                return r;
        r = attributes_apply(ctx->cfg, err);
        if (r < 0)
                return r;
        r = process_enter_cwd(proc, err);
        if (r < 0)
                return r;
        r = process_find_executable(proc, exe, err);
        if (r < 0)
                return r;
        /* Loading a filter needs no_new_privs or CAP_SYS_ADMIN.  Without
         * no_new_privs it must come while the init is still privileged,
         * and then also filters the last set-up syscalls (setgroups,
         * setresuid, capset), as with runc. */
        if (!proc->no_new_privileges && (r = load_seccomp(ctx, err)) < 0)
                return r;
        r = process_set_identity(proc, err);
        if (r < 0)
                return r;
        if (seccomp_loads_early(ctx))
                return load_seccomp(ctx, err);
        return 0;
}

/* Everything but the exec. */
static int init_setup(const struct init_context *ctx, struct init_hook_state *hs, char **exe,
                      struct berth_error *err)
{
        int r = sync_expect(ctx->sync_fd, SYNC_GO, err);
        if (r < 0)
                return r;
        /* The ids are mapped once berth says go. */
        if (ctx->unprivileged_maps)
                process_make_undumpable();
        r = receive_hook_state(ctx, hs, err);
        if (r < 0)
                return r;
        r = setup_namespaces(ctx, err);
        if (r < 0)
                return r;
        r = join_session_keyring(ctx, err);
        if (r < 0)
                return r;
        r = setup_rootfs(ctx, hs, err);
        if (r < 0)
                return r;
        return setup_process(ctx, exe, err);
}

/* While it waits for start, the init is pid 1 of its namespace without a
 * handler, so the kernel would drop a SIGTERM from `berth kill` or podman
 * stop: a created container must end on one, as runc's does. */
static void exit_on_signal(int sig)
{
        _exit(128 + sig);
}

static void end_on_terminating_signals(void)
{
        static const int terminating[] = { SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGALRM };
        struct sigaction sa = { .sa_handler = exit_on_signal };
        for (size_t i = 0; i < sizeof(terminating) / sizeof(terminating[0]); i++)
                sigaction(terminating[i], &sa, NULL);
}

static int wait_for_start(const struct init_context *ctx, struct berth_error *err)
{
        if (ctx->fifo_fd < 0)
                return sync_expect(ctx->sync_fd, SYNC_START, err);
        char byte;
        ssize_t n;
        do
                n = read(ctx->fifo_fd, &byte, 1);
        while (n < 0 && errno == EINTR);
        if (n != 1)
                return berth_error_errno(err, n < 0 ? errno : EPIPE, "wait for start on exec.fifo");
        return 0;
}

/* First thing in the init: close every descriptor it inherited from berth
 * but those it needs (see fds.c), so no directory of the host's is open
 * while the cwd is entered or hooks and the process run. */
static void close_inherited_fds(const struct init_context *ctx)
{
        int keep[4 + OCI_NS_COUNT];
        size_t n = 0;
        keep[n++] = ctx->sync_fd;
        keep[n++] = ctx->fifo_fd;
        keep[n++] = ctx->console_fd;
        keep[n++] = log_file_fd();
        for (size_t i = 0; i < OCI_NS_COUNT; i++)
                keep[n++] = ctx->plan->join_fd[i];
        fds_close_from(3 + (ctx->preserve_fds > 0 ? ctx->preserve_fds : 0), keep, n, 0);
}

/* Last thing before the exec: only stdio and --preserve-fds go on.  The
 * sync channel stays, close-on-exec, because its end-of-file tells `berth
 * run` the exec happened (for poststart); nothing else may be open while
 * execve resolves the program's path (CVE-2024-21626). */
static void close_fds_before_exec(const struct init_context *ctx)
{
        fds_close_from(3 + (ctx->preserve_fds > 0 ? ctx->preserve_fds : 0), &ctx->sync_fd, 1, 0);
}

/* After start nobody waits on the sync channel: an error goes to the
 * container's stderr, with berth's one-line form. */
static _Noreturn void fail_after_start(const struct berth_error *err, int exit_code)
{
        dprintf(STDERR_FILENO, "berth: %s\n", err->msg);
        _exit(exit_code);
}

_Noreturn void container_init(const struct init_context *ctx)
{
        struct berth_error err = { 0 };
        _cleanup_free_ char *exe = NULL;
        struct init_hook_state hs = { 0 };

        /* berth blocked every signal to forward them; the process gets
         * berth's original mask back. */
        sigprocmask(SIG_SETMASK, &ctx->original_mask, NULL);
        close_inherited_fds(ctx);
        if (!ctx->unprivileged_maps)
                process_make_undumpable();

        if (init_setup(ctx, &hs, &exe, &err) < 0) {
                sync_send_error(ctx->sync_fd, &err);
                _exit(1);
        }
        if (sync_send(ctx->sync_fd, SYNC_READY, &err) < 0)
                _exit(1);
        end_on_terminating_signals();
        /* A failed wait means berth went away before start (run killed, or
         * a delete of a created container): nothing to report to. */
        if (wait_for_start(ctx, &err) < 0)
                _exit(1);
        process_reset_signal_dispositions();
        /* startContainer: after start, before the process, in the container. */
        if (hooks_run(&ctx->cfg->hooks.start_container, "startContainer", hs.created, false, &err) < 0)
                fail_after_start(&err, 1);
        if (attributes_apply_exec_labels(ctx->cfg, &err) < 0)
                fail_after_start(&err, 1);
        close_fds_before_exec(ctx);
        int unused_notify_fd;
        if (seccomp_loads_before_exec(ctx) && seccomp_program_load(ctx->seccomp, &unused_notify_fd, &err) < 0)
                fail_after_start(&err, 127);
        process_exec(&ctx->cfg->process, exe, &err);
        /* 127, like a shell's for a command it cannot run. */
        fail_after_start(&err, 127);
}
