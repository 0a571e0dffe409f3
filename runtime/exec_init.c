/* berth exec's two children.  The helper joins the container's namespaces
 * with one setns() on a pidfd of its init (all at once, and never those of
 * a process that reused the pid), then clones the process with
 * CLONE_PARENT, so that it is born in the container's pid and time
 * namespaces and is berth's own child, to wait for or, with --detach, to
 * leave to berth's parent.  The process is berth until it execs: it is
 * not dumpable and holds no descriptor of the host's but stdio and
 * --preserve-fds (CVE-2016-9962, CVE-2024-21626), and it runs from the
 * sealed copy of berth's binary (CVE-2019-5736). */
#include "runtime/exec_init.h"

#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/log.h"
#include "namespaces/procfs.h"
#include "runtime/attributes.h"
#include "runtime/fds.h"
#include "runtime/process.h"
#include "runtime/sync.h"
#include "runtime/terminal.h"

static _Noreturn void fail(int sync_fd, const struct berth_error *err, int code)
{
        sync_send_error(sync_fd, err);
        _exit(code);
}

/* ---- the process ------------------------------------------------------------ */

/* The pty is made from the container's own /dev/ptmx, after the
 * namespaces are joined; unlike the init's, it is not the container's
 * /dev/console. */
static int setup_terminal(const struct exec_context *ctx, struct berth_error *err)
{
        if (!ctx->cfg->process.terminal)
                return 0;
        _cleanup_close_ int master = -1;
        int r = terminal_create_in_container(&ctx->cfg->process, false, &master, err);
        if (r < 0)
                return r;
        return terminal_hand_over(master, ctx->console_fd, ctx->sync_fd, err);
}

static int load_seccomp(const struct exec_context *ctx, struct berth_error *err)
{
        _cleanup_close_ int notify_fd = -1;
        int r = seccomp_program_load(ctx->seccomp, &notify_fd, err);
        if (r < 0)
                return r;
        if (notify_fd >= 0)
                return sync_send_fd(ctx->sync_fd, SYNC_SECCOMP, notify_fd, err);
        return 0;
}

/* As in the init (see init.c): the filter comes right before execve when
 * no_new_privs allows loading it unprivileged, except that a notify
 * listener must have its fd before ready; without no_new_privs it comes
 * while the process is still privileged. */
static bool seccomp_before_identity(const struct exec_context *ctx)
{
        return ctx->seccomp && !ctx->cfg->process.no_new_privileges;
}

static bool seccomp_after_identity(const struct exec_context *ctx)
{
        return ctx->seccomp && ctx->cfg->process.no_new_privileges &&
               seccomp_program_notifies(ctx->seccomp);
}

static bool seccomp_last(const struct exec_context *ctx)
{
        return ctx->seccomp && ctx->cfg->process.no_new_privileges &&
               !seccomp_program_notifies(ctx->seccomp);
}

static int setup_process(const struct exec_context *ctx, char **exe, struct berth_error *err)
{
        const struct oci_process *proc = &ctx->cfg->process;
        int r;
        if (ctx->in_user_ns && (r = process_become_user_ns_root(&ctx->cfg->linux_, err)) < 0)
                return r;
        if ((r = setup_terminal(ctx, err)) < 0)
                return r;
        if ((r = process_apply_limits(proc, &ctx->cfg->linux_, err)) < 0 ||
            (r = attributes_apply(ctx->cfg, err)) < 0 ||
            (r = attributes_apply_exec_affinity(proc, true, err)) < 0 ||
            (r = process_enter_cwd(proc, err)) < 0 || (r = process_find_executable(proc, exe, err)) < 0)
                return r;
        if (seccomp_before_identity(ctx) && (r = load_seccomp(ctx, err)) < 0)
                return r;
        if ((r = process_set_identity(proc, err)) < 0)
                return r;
        if (seccomp_after_identity(ctx))
                return load_seccomp(ctx, err);
        return 0;
}

static _Noreturn void exec_process(const struct exec_context *ctx)
{
        struct berth_error err = { 0 };
        _cleanup_free_ char *exe = NULL;
        close(ctx->pidfd);
        if (sync_expect(ctx->sync_fd, SYNC_GO, &err) < 0)
                _exit(1);
        if (setup_process(ctx, &exe, &err) < 0)
                fail(ctx->sync_fd, &err, 1);
        if (ctx->console_fd >= 0)
                close(ctx->console_fd);
        if (sync_send(ctx->sync_fd, SYNC_READY, &err) < 0)
                _exit(1);
        process_reset_signal_dispositions();
        sigprocmask(SIG_SETMASK, &ctx->original_mask, NULL);
        if (attributes_apply_exec_labels(ctx->cfg, &err) < 0)
                fail(ctx->sync_fd, &err, 1);
        /* Only stdio and --preserve-fds go on; the sync channel is
         * close-on-exec, and its end-of-file tells berth the exec
         * happened (CVE-2024-21626: nothing else is open while execve
         * resolves the program's path). */
        fds_close_from(3 + ctx->preserve_fds, &ctx->sync_fd, 1, 0);
        int unused_notify_fd;
        if (seccomp_last(ctx) && seccomp_program_load(ctx->seccomp, &unused_notify_fd, &err) < 0)
                fail(ctx->sync_fd, &err, 127);
        process_exec(&ctx->cfg->process, exe, &err);
        /* 127, like a shell's for a command it cannot run. */
        fail(ctx->sync_fd, &err, 127);
}

/* ---- the helper ------------------------------------------------------------- */

/* Only what the helper and the process need stays open: the sync
 * channel, the init's pidfd, the console socket, the --log file and the
 * --preserve-fds range.  Among what goes: the state directory's fd,
 * whose lock berth gives up once the process runs. */
static void close_inherited_fds(const struct exec_context *ctx)
{
        int keep[] = { ctx->sync_fd, ctx->pidfd, ctx->console_fd, log_file_fd() };
        fds_close_from(3 + ctx->preserve_fds, keep, sizeof(keep) / sizeof(keep[0]), 0);
}

/* Before Linux 5.7 clone3 cannot start the helper in the container's
 * group: it moves itself there before it clones the process. */
static int join_cgroup(const struct exec_context *ctx, struct berth_error *err)
{
        if (ctx->cgroup_fd < 0)
                return 0;
        _cleanup_close_ int procs = openat(ctx->cgroup_fd, "cgroup.procs", O_WRONLY | O_CLOEXEC);
        if (procs < 0 || write(procs, "0", 1) != 1)
                return berth_error_errno(err, errno, "join the container's cgroup");
        return 0;
}

static int join_namespaces(const struct exec_context *ctx, struct berth_error *err)
{
        if (setns(ctx->pidfd, ctx->ns_flags) < 0)
                return berth_error_errno(err, errno, "join the container's namespaces (setns on a pidfd of "
                                         "its init, Linux 5.8)");
        return 0;
}

static pid_t clone_process(void)
{
        /* CLONE_PARENT takes the caller's exit signal: clone3 wants 0. */
        struct clone_args args = { .flags = CLONE_PARENT };
        pid_t pid = (pid_t) syscall(SYS_clone3, &args, sizeof(args));
        if (pid >= 0 || errno != ENOSYS)
                return pid;
        return (pid_t) syscall(SYS_clone, (unsigned long) CLONE_PARENT, 0, 0, 0, 0);
}

_Noreturn void exec_helper(const struct exec_context *ctx)
{
        struct berth_error err = { 0 };
        process_make_undumpable();
        /* oomScoreAdj is written here, with the host's credentials, and
         * inherited: in the container's user namespace the process would
         * have to turn dumpable for its own /proc file (see init.c), open
         * to a process there with CAP_SYS_PTRACE. */
        if (join_cgroup(ctx, &err) < 0 || process_apply_oom_score_adj(&ctx->cfg->process, &err) < 0)
                fail(ctx->sync_fd, &err, 1);
        /* The host's procfs it wrote through stays out of the container. */
        procfs_close();
        close_inherited_fds(ctx);
        if (join_namespaces(ctx, &err) < 0)
                fail(ctx->sync_fd, &err, 1);
        pid_t pid = clone_process();
        if (pid < 0) {
                berth_error_errno(&err, errno, "clone the process in the container");
                fail(ctx->sync_fd, &err, 1);
        }
        if (pid == 0)
                exec_process(ctx);
        _exit(sync_send_code(ctx->sync_fd, SYNC_PID, pid, &err) < 0 ? 1 : 0);
}
