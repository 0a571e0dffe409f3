/* container_exec: check the container can take a process, build it from
 * the config create kept and the command line, then fork the helper
 * (straight into the container's cgroup) that starts it in the
 * container's namespaces, and wait for it in the foreground or return
 * once it runs. */
#include "runtime/exec.h"

#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/log.h"
#include "common/util.h"
#include "runtime/attributes.h"
#include "runtime/exec_init.h"
#include "runtime/foreground.h"
#include "runtime/hooks.h"
#include "runtime/seccomp.h"
#include "runtime/state.h"
#include "runtime/sync.h"
#include "runtime/terminal.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/* Everything exec holds until the process runs. */
struct exec_run {
        struct state_dir sd;
        struct oci_state st;
        struct oci_config *cfg;
        struct seccomp_program *seccomp;
        int pidfd;            /* the container's init */
        int cgroup_fd;        /* the group the process joins, or -1 */
        int console_fd;
        int sync_fd;          /* berth's end */
        int terminal_master;  /* process.terminal in the foreground, else -1 */
        pid_t helper;
        pid_t pid;            /* the process, once the helper has told */
        bool running;         /* the process execed: release leaves it be */
};

static void exec_run_release(struct exec_run *x)
{
        if (x->pid > 0 && !x->running) {
                kill(x->pid, SIGKILL);
                while (waitpid(x->pid, NULL, 0) < 0 && errno == EINTR)
                        ;
        }
        if (x->helper > 0)
                while (waitpid(x->helper, NULL, 0) < 0 && errno == EINTR)
                        ;
        int *fds[] = { &x->pidfd, &x->cgroup_fd, &x->console_fd, &x->sync_fd, &x->terminal_master };
        for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
                if (*fds[i] >= 0)
                        close(steal_fd(fds[i]));
        seccomp_program_free(steal_pointer(&x->seccomp));
        oci_config_free(steal_pointer(&x->cfg));
        oci_state_release(&x->st);
        state_dir_release(&x->sd);
}

/* runc's rules: a stopped container has nothing to join, and a process
 * joining a frozen group would sit frozen until resume. */
static int check_status(const struct exec_options *o, const struct oci_state *st, struct berth_error *err)
{
        if (st->status == STATUS_STOPPED || st->status == STATUS_CREATING)
                return berth_error_new(err, EINVAL, "container %s is %s: cannot exec in it", o->id,
                                       container_status_name(st->status));
        if (st->status == STATUS_PAUSED && !o->ignore_paused)
                return berth_error_new(err, EINVAL, "container %s is paused: cannot exec in it "
                                       "(resume it, or give --ignore-paused)", o->id);
        return 0;
}

/* The config as create read it (the bundle may have changed since). */
static int load_config(struct exec_run *x, struct berth_error *err)
{
        _cleanup_free_ char *json = NULL;
        size_t len;
        int r = read_file_at_max(x->sd.dir_fd, CONFIG_COPY, OCI_CONFIG_MAX_BYTES, &json, &len, err);
        if (r < 0)
                return berth_error_prefix(err, "container %s: the config kept at create", x->st.id);
        return oci_config_parse_data(json, len, "config.json", &x->cfg, err);
}

/* Who gets the terminal's master, as with run: the --console-socket, or
 * berth in the foreground; --detach needs the socket. */
static int validate_terminal(const struct exec_options *o, const struct oci_process *p,
                             struct berth_error *err)
{
        if (p->terminal && o->detach && !o->console_socket)
                return berth_error_new(err, EINVAL, "--detach: a terminal (--tty or process.terminal) "
                                       "needs --console-socket when berth does not stay in the foreground");
        if (!p->terminal && o->console_socket)
                return berth_error_new(err, EINVAL, "--console-socket: given, but the process has no "
                                       "terminal (give --tty, or process.terminal in --process)");
        return 0;
}

/* A label given with --apparmor or --process-label is the option's, not
 * config.json's: the validation's message says so. */
static int name_label_option(const struct exec_options *o, struct berth_error *err)
{
        static const char *const places[][2] = {
                { "config.json: /process/apparmorProfile", "--apparmor" },
                { "config.json: /process/selinuxLabel", "--process-label" },
        };
        const char *given[] = { o->apparmor, o->process_label };
        for (size_t i = 0; i < 2; i++) {
                size_t n = strlen(places[i][0]);
                if (!given[i] || strncmp(err->msg, places[i][0], n) != 0)
                        continue;
                /* The option's name is the shorter: it fits in place. */
                size_t m = strlen(places[i][1]);
                memmove(err->msg + m, err->msg + n, strlen(err->msg + n) + 1);
                memcpy(err->msg, places[i][1], m);
        }
        return berth_error_ret(err);
}

static int prepare_process(const struct exec_options *o, struct exec_run *x, struct berth_error *err)
{
        int r = exec_process_apply(o, &x->cfg->process, err);
        if (r < 0)
                return r;
        x->cfg->has_process = true;
        if ((r = validate_terminal(o, &x->cfg->process, err)) < 0)
                return r;
        if (attributes_validate(x->cfg, err) < 0)
                return name_label_option(o, err);
        return seccomp_program_build(x->cfg, &x->seccomp, err);
}

static const int ns_clone_flag[OCI_NS_COUNT] = {
        [OCI_NS_PID] = CLONE_NEWPID,   [OCI_NS_NETWORK] = CLONE_NEWNET, [OCI_NS_MOUNT] = CLONE_NEWNS,
        [OCI_NS_IPC] = CLONE_NEWIPC,   [OCI_NS_UTS] = CLONE_NEWUTS,     [OCI_NS_USER] = CLONE_NEWUSER,
        [OCI_NS_CGROUP] = CLONE_NEWCGROUP, [OCI_NS_TIME] = CLONE_NEWTIME,
};

static bool same_user_ns(pid_t pid)
{
        char path[64];
        struct stat mine, theirs;
        snprintf(path, sizeof(path), "/proc/%d/ns/user", pid);
        return stat("/proc/self/ns/user", &mine) == 0 && stat(path, &theirs) == 0 &&
               mine.st_ino == theirs.st_ino && mine.st_dev == theirs.st_dev;
}

/* The init's namespaces of every type the config lists, new or joined by
 * path: the init is in each.  setns refuses the caller's own user
 * namespace (a rootless container may share it). */
static int namespaces_to_join(const struct exec_run *x, bool *in_user_ns)
{
        int flags = 0;
        for (int t = 0; t < OCI_NS_COUNT; t++)
                if (oci_config_namespace(x->cfg, (enum oci_namespace_type) t))
                        flags |= ns_clone_flag[t];
        if ((flags & CLONE_NEWUSER) && same_user_ns(x->st.pid))
                flags &= ~CLONE_NEWUSER;
        *in_user_ns = flags & CLONE_NEWUSER;
        return flags;
}

/* --cgroup: a group below the container's, which must exist.  A rootless
 * container without a group of its own has nothing to join. */
static int open_cgroup(const struct exec_options *o, struct exec_run *x, struct berth_error *err)
{
        if (!x->st.cgroup_path || !x->st.cgroup_path[0]) {
                if (o->sub_cgroup)
                        return berth_error_new(err, EINVAL, "--cgroup: container %s has no cgroup of its own",
                                               o->id);
                return 0;
        }
        _cleanup_free_ char *path = NULL;
        if (o->sub_cgroup) {
                const char *s = o->sub_cgroup;
                if (s[0] == '/' || strcmp(s, "..") == 0 || strncmp(s, "../", 3) == 0 || strstr(s, "/../") ||
                    (strlen(s) >= 3 && strcmp(s + strlen(s) - 3, "/..") == 0))
                        return berth_error_new(err, EINVAL, "--cgroup: \"%s\" must be a relative path below "
                                               "the container's cgroup, without \"..\"", s);
                path = xasprintf("%s/%s", x->st.cgroup_path, s);
        } else {
                path = xstrdup(x->st.cgroup_path);
        }
        x->cgroup_fd = open(path, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (x->cgroup_fd < 0)
                return berth_error_errno(err, errno, "%s%s", o->sub_cgroup ? "--cgroup: " : "cgroup ", path);
        return 0;
}

/* The helper is born in the container's cgroup where clone3 can do that
 * (Linux 5.7); else it moves itself there (*placed false). */
static pid_t clone_helper(int cgroup_fd, bool *placed)
{
        struct clone_args args = {
                .flags = cgroup_fd >= 0 ? CLONE_INTO_CGROUP : 0,
                .exit_signal = SIGCHLD,
                .cgroup = cgroup_fd >= 0 ? (uint64_t) cgroup_fd : 0,
        };
        *placed = true;
        pid_t pid = (pid_t) syscall(SYS_clone3, &args, sizeof(args));
        if (pid >= 0 || (errno != ENOSYS && errno != E2BIG && errno != EINVAL))
                return pid;
        *placed = cgroup_fd < 0;
        return fork();
}

static int start_helper(const struct exec_options *o, const sigset_t *original_mask, struct exec_run *x,
                        struct berth_error *err)
{
        int fds[2];
        int r = sync_pair(fds, err);
        if (r < 0)
                return r;
        _cleanup_close_ int child_end = fds[1];
        x->sync_fd = fds[0];
        bool in_user_ns;
        int ns_flags = namespaces_to_join(x, &in_user_ns);
        /* execCPUAffinity.initial: where the process runs before it is in
         * the container's cgroup; berth sets its own, the helper inherits. */
        if ((r = attributes_apply_exec_affinity(&x->cfg->process, false, err)) < 0)
                return r;
        bool placed;
        pid_t pid = clone_helper(x->cgroup_fd, &placed);
        if (pid < 0)
                return berth_error_errno(err, errno, "fork the exec helper");
        if (pid == 0) {
                const struct exec_context ctx = {
                        .cfg = x->cfg,
                        .pidfd = x->pidfd,
                        .ns_flags = ns_flags,
                        .in_user_ns = in_user_ns,
                        .cgroup_fd = placed ? -1 : x->cgroup_fd,
                        .sync_fd = child_end,
                        .console_fd = x->console_fd,
                        .preserve_fds = o->preserve_fds,
                        .seccomp = x->seccomp,
                        .original_mask = *original_mask,
                };
                exec_helper(&ctx);
        }
        x->helper = pid;
        return 0;
}

/* From the helper's pid message to the exec: the process's set-up, with
 * its terminal and notify fd on the way. */
static int follow_process(struct exec_run *x, struct berth_error *err)
{
        int pid;
        int r = sync_expect_code(x->sync_fd, SYNC_PID, &pid, err);
        if (r < 0)
                return r;
        x->pid = pid;
        while (waitpid(x->helper, NULL, 0) < 0 && errno == EINTR)
                ;
        x->helper = 0;
        if ((r = sync_send(x->sync_fd, SYNC_GO, err)) < 0)
                return r;
        if (x->cfg->process.terminal && x->console_fd < 0 &&
            (r = sync_expect_fd(x->sync_fd, SYNC_TERMINAL, &x->terminal_master, err)) < 0)
                return r;
        if ((r = seccomp_pass_listener(x->cfg, x->seccomp, x->sync_fd, &x->st, err)) < 0 || (r = sync_expect(x->sync_fd, SYNC_READY, err)) < 0)
                return r;
        return sync_wait_exec(x->sync_fd, err);
}

/* Everything up to a process that runs (or an error with nothing left). */
static int exec_start(const struct exec_options *o, const sigset_t *original_mask, struct exec_run *x,
                      struct berth_error *err)
{
        int r = state_open_load(o->root, o->id, true, &x->sd, &x->st, err);
        if (r < 0)
                return r;
        if ((r = check_status(o, &x->st, err)) < 0 || (r = load_config(x, err)) < 0 ||
            (r = prepare_process(o, x, err)) < 0)
                return r;
        x->pidfd = state_open_init_pidfd(&x->st);
        if (x->pidfd < 0)
                return berth_error_errno(err, -x->pidfd, "container %s: open its init (pid %d)", o->id, x->st.pid);
        if ((r = open_cgroup(o, x, err)) < 0)
                return r;
        if (o->console_socket && (r = console_socket_connect(o->console_socket, &x->console_fd, err)) < 0)
                return r;
        /* Unlocked from here: with --ignore-paused the helper is born
         * frozen and waits for `berth resume`, which takes the lock.  The
         * pidfd and the cgroup's fd hold the container; a delete racing
         * the exec makes the helper's setns or clone fail. */
        state_dir_release(&x->sd);
        if ((r = start_helper(o, original_mask, x, err)) < 0 || (r = follow_process(x, err)) < 0)
                return r;
        x->running = true;
        log_debug("container %s: exec'd %s as pid %d", o->id, x->cfg->process.args[0], x->pid);
        return o->pid_file ? state_write_pid_file(o->pid_file, x->pid, err) : 0;
}

int container_exec(const struct exec_options *o, int *exit_code, struct berth_error *err)
{
        /* Blocked before the fork so that no signal meant for the process
         * is lost; it restores the original mask. */
        sigset_t all, original;
        sigfillset(&all);
        signal(SIGCHLD, SIG_DFL);
        sigprocmask(SIG_BLOCK, &all, &original);

        struct exec_run x = { .sd = { .dir_fd = -1 }, .pidfd = -1, .cgroup_fd = -1, .console_fd = -1,
                              .sync_fd = -1, .terminal_master = -1 };
        int r = exec_start(o, &original, &x, err);
        pid_t pid = x.pid;
        int master = r == 0 ? steal_fd(&x.terminal_master) : -1;
        exec_run_release(&x);
        *exit_code = 0;
        /* foreground_wait closes the master when done with it. */
        if (r == 0 && !o->detach)
                r = foreground_wait(pid, &all, master, err);
        sigprocmask(SIG_SETMASK, &original, NULL);
        if (r < 0)
                return r;
        *exit_code = r;
        return 0;
}
