/* berth run: create and start in one process.  In the foreground berth
 * stays the init's parent: it forwards every signal it gets to the
 * container, reaps the init, returns its exit code and deletes the
 * container (unless --keep). */
#include "runtime/container.h"

#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/wait.h>

#include "common/cleanup.h"

#include "common/log.h"
#include "runtime/hooks.h"
#include "runtime/spawn.h"
#include "runtime/sync.h"
#include "runtime/terminal.h"

static int exit_code_of(int status)
{
        if (WIFEXITED(status))
                return WEXITSTATUS(status);
        if (WIFSIGNALED(status))
                return 128 + WTERMSIG(status);
        return 1;
}

/* Reap every exited child; true once the init is among them. */
static bool reap_children(pid_t init, int *exit_code)
{
        bool init_done = false;
        for (;;) {
                int status;
                pid_t pid = waitpid(-1, &status, WNOHANG);
                if (pid <= 0)
                        return init_done;
                if (pid == init) {
                        *exit_code = exit_code_of(status);
                        init_done = true;
                }
        }
}

struct foreground {
        pid_t init;
        int exit_code;
        bool init_done;
        bool proxying;             /* process.terminal: copying the pty */
        struct terminal_proxy tp;
};

static void handle_signal(struct foreground *fg, int sig)
{
        if (sig == SIGCHLD) {
                fg->init_done = reap_children(fg->init, &fg->exit_code);
                return;
        }
        /* With a terminal, the resize itself tells the container. */
        if (sig == SIGWINCH && fg->proxying) {
                terminal_proxy_resize(&fg->tp);
                return;
        }
        kill(fg->init, sig);
}

/* Wait for the init in one poll: a signalfd for every signal (SIGCHLD
 * reaps, the rest go to the container) and, with a terminal, the user's
 * stdin and the pty's master. */
static int wait_in_foreground(pid_t init, const sigset_t *signals, int master, struct berth_error *err)
{
        _cleanup_close_ int sfd = signalfd(-1, signals, SFD_CLOEXEC);
        if (sfd < 0)
                return berth_error_errno(err, errno, "signalfd");
        struct foreground fg = { .init = init, .exit_code = 1, .proxying = master >= 0 };
        if (fg.proxying)
                terminal_proxy_init(&fg.tp, master);
        bool master_open = fg.proxying;
        while (!fg.init_done) {
                struct pollfd p[3] = {
                        { .fd = sfd, .events = POLLIN },
                        { .fd = master_open ? master : -1, .events = POLLIN },
                        { .fd = master_open && fg.tp.stdin_open ? STDIN_FILENO : -1, .events = POLLIN },
                };
                if (poll(p, 3, -1) < 0)
                        continue;  /* EINTR */
                if (p[0].revents & POLLIN) {
                        struct signalfd_siginfo si;
                        if (read(sfd, &si, sizeof(si)) == sizeof(si))
                                handle_signal(&fg, (int) si.ssi_signo);
                }
                if (master_open && (p[1].revents || p[2].revents))
                        master_open = terminal_proxy_pump(&fg.tp, p[2].revents, p[1].revents);
        }
        if (fg.proxying)
                terminal_proxy_finish(&fg.tp);
        return fg.exit_code;
}

static void run_poststart(struct spawned *sp)
{
        if (!hooks_any(&sp->cfg->hooks.poststart))
                return;
        /* poststart must follow the exec: the init's end of the sync
         * channel is close-on-exec, so end-of-file here means it happened
         * (or the init died). */
        struct sync_msg ignored;
        ssize_t n;
        do
                n = recv(sp->sync_fd, &ignored, sizeof(ignored), 0);
        while (n > 0 || (n < 0 && errno == EINTR));
        struct berth_error err = { 0 };
        _cleanup_free_ char *state = NULL;
        sp->st.status = STATUS_RUNNING;
        if (oci_state_emit(&sp->st, &state, &err) < 0) {
                log_warning("poststart hooks: %s", err.msg);
                return;
        }
        hooks_run(&sp->cfg->hooks.poststart, "poststart", state, true, &err);
}

int container_run(const struct container_options *opts, int *exit_code, struct berth_error *err)
{
        /* Blocked before the clone so no signal meant for the container is
         * lost; the init restores the original mask. */
        sigset_t all, original;
        sigfillset(&all);
        signal(SIGCHLD, SIG_DFL);
        sigprocmask(SIG_BLOCK, &all, &original);

        struct spawned sp;
        int r = container_spawn(opts, false, &original, &sp, err);
        if (r == 0)
                r = sync_send(sp.sync_fd, SYNC_START, err);
        if (r < 0) {
                spawned_release(&sp);
                sigprocmask(SIG_SETMASK, &original, NULL);
                return r;
        }
        sp.committed = true;
        pid_t init = sp.pid;
        int master = steal_fd(&sp.terminal_master);
        run_poststart(&sp);
        *exit_code = 0;
        /* Unlock: other commands (state, kill, delete) must work on the
         * container while it runs. */
        spawned_release(&sp);
        if (opts->detach) {
                sigprocmask(SIG_SETMASK, &original, NULL);
                return 0;
        }

        r = wait_in_foreground(init, &all, master, err);
        sigprocmask(SIG_SETMASK, &original, NULL);
        if (r < 0)
                return r;
        *exit_code = r;
        log_debug("container %s: init exited, exit code %d", opts->id, r);
        if (opts->keep)
                return 0;
        struct berth_error del = { 0 };
        /* Someone may have deleted it already (kill + delete from a shell). */
        if (container_delete(opts->root, opts->id, true, &del) < 0 && del.code != ENOENT)
                log_warning("%s", del.msg);
        return 0;
}
