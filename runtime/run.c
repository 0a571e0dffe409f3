/* berth run: create and start in one process.  In the foreground berth
 * stays the init's parent: it forwards every signal it gets to the
 * container, reaps the init, returns its exit code and deletes the
 * container (unless --keep). */
#include "runtime/container.h"

#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/wait.h>

#include "common/cleanup.h"

#include "common/log.h"
#include "runtime/foreground.h"
#include "runtime/hooks.h"
#include "runtime/spawn.h"
#include "runtime/sync.h"
#include "runtime/terminal.h"

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

        r = foreground_wait(init, &all, master, err);
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
