/* berth run: create and start in one process.  In the foreground berth
 * stays the init's parent: it forwards every signal it gets to the
 * container, reaps the init, returns its exit code and deletes the
 * container (unless --keep). */
#include "runtime/container.h"

#include <signal.h>
#include <sys/file.h>
#include <sys/wait.h>

#include "common/cleanup.h"

#include "common/log.h"
#include "runtime/hooks.h"
#include "runtime/spawn.h"
#include "runtime/sync.h"

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

static int forward_until_exit(pid_t init, const sigset_t *signals)
{
        int exit_code = 1;
        for (;;) {
                siginfo_t info;
                int sig = sigwaitinfo(signals, &info);
                if (sig < 0)
                        continue;  /* EINTR */
                if (sig == SIGCHLD) {
                        if (reap_children(init, &exit_code))
                                return exit_code;
                        continue;
                }
                kill(init, sig);
        }
}

static void run_poststart(struct spawned *sp)
{
        if (!hooks_any(&sp->cfg->hooks.poststart))
                return;
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
        run_poststart(&sp);
        *exit_code = 0;
        /* Unlock: other commands (state, kill, delete) must work on the
         * container while it runs. */
        spawned_release(&sp);
        if (opts->detach) {
                sigprocmask(SIG_SETMASK, &original, NULL);
                return 0;
        }

        *exit_code = forward_until_exit(init, &all);
        sigprocmask(SIG_SETMASK, &original, NULL);
        if (opts->keep)
                return 0;
        struct berth_error del = { 0 };
        /* Someone may have deleted it already (kill + delete from a shell). */
        if (container_delete(opts->root, opts->id, true, &del) < 0 && del.code != ENOENT)
                log_warning("%s", del.msg);
        return 0;
}
