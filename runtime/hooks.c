/* Running OCI hooks: fork, state on stdin, execve, wait with a timeout. */
#include "runtime/hooks.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/log.h"
#include "common/util.h"

static _Noreturn void exec_hook(const struct oci_hook *hook, int stdin_fd)
{
        char *default_args[] = { hook->path, NULL };
        char *empty_env[] = { NULL };
        /* berth blocks signals while it runs a container and ignores
         * SIGPIPE; hooks get none blocked and SIGPIPE at its default. */
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        signal(SIGPIPE, SIG_DFL);
        if (dup2(stdin_fd, STDIN_FILENO) < 0)
                _exit(127);
        execve(hook->path, hook->args && hook->args[0] ? hook->args : default_args,
               hook->env ? hook->env : empty_env);
        dprintf(STDERR_FILENO, "berth: hook %s: %s\n", hook->path, strerror(errno));
        _exit(127);
}

/* Wait for the hook; kill it when its timeout passes.  A pidfd makes the
 * wait a poll with a deadline, without SIGCHLD or timers. */
static int wait_hook(pid_t pid, const struct oci_hook *hook, int *status, struct berth_error *err)
{
        if (hook->has_timeout) {
                _cleanup_close_ int pidfd = (int) syscall(SYS_pidfd_open, pid, 0);
                if (pidfd >= 0) {
                        struct pollfd p = { .fd = pidfd, .events = POLLIN };
                        int r;
                        do
                                r = poll(&p, 1, hook->timeout * 1000);
                        while (r < 0 && errno == EINTR);
                        if (r == 0) {
                                kill(pid, SIGKILL);
                                waitpid(pid, status, 0);
                                return berth_error_new(err, ETIMEDOUT, "%s: timed out after %d s",
                                                       hook->path, hook->timeout);
                        }
                }
        }
        while (waitpid(pid, status, 0) < 0)
                if (errno != EINTR)
                        return berth_error_errno(err, errno, "wait for hook %s", hook->path);
        return 0;
}

static int run_one(const struct oci_hook *hook, const char *state_json, struct berth_error *err)
{
        /* A socket, not a pipe: MSG_NOSIGNAL keeps a hook that does not
         * read its stdin from killing berth with SIGPIPE. */
        int sv[2];
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
                return berth_error_errno(err, errno, "socketpair for hook %s", hook->path);
        _cleanup_close_ int ours = sv[0];
        _cleanup_close_ int theirs = sv[1];
        pid_t pid = fork();
        if (pid < 0)
                return berth_error_errno(err, errno, "fork for hook %s", hook->path);
        if (pid == 0)
                exec_hook(hook, theirs);
        close(steal_fd(&theirs));
        size_t len = strlen(state_json), off = 0;
        while (off < len) {
                ssize_t n = send(ours, state_json + off, len - off, MSG_NOSIGNAL);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        break;  /* the hook closed its stdin: fine */
                }
                off += (size_t) n;
        }
        close(steal_fd(&ours));
        int status;
        int r = wait_hook(pid, hook, &status, err);
        if (r < 0)
                return r;
        if (WIFSIGNALED(status))
                return berth_error_new(err, ECHILD, "%s: killed by signal %d", hook->path, WTERMSIG(status));
        if (WEXITSTATUS(status) != 0)
                return berth_error_new(err, ECHILD, "%s: exited with status %d", hook->path,
                                       WEXITSTATUS(status));
        return 0;
}

int hooks_run(const struct oci_hook_list *list, const char *name, const char *state_json,
              bool warn_only, struct berth_error *err)
{
        for (size_t i = 0; i < list->n; i++) {
                struct berth_error one = { 0 };
                if (run_one(&list->hooks[i], state_json, &one) == 0)
                        continue;
                berth_error_prefix(&one, "config.json: /hooks/%s/%zu", name, i);
                if (warn_only) {
                        log_warning("%s", one.msg);
                        continue;
                }
                *err = one;
                return berth_error_ret(err);
        }
        return 0;
}

void hooks_run_saved(const struct state_dir *sd, const struct oci_state *st, bool poststop)
{
        struct berth_error err = { 0 };
        _cleanup_free_ char *json = NULL, *state = NULL;
        size_t len;
        if (faccessat(sd->dir_fd, POST_HOOKS_MARK, F_OK, 0) < 0)
                return;  /* the container has no poststart/poststop hooks */
        _cleanup_config_ struct oci_config *cfg = NULL;
        if (read_file_at(sd->dir_fd, CONFIG_COPY, &json, &len, &err) < 0 ||
            oci_config_parse_data(json, len, "config.json", &cfg, &err) < 0 ||
            oci_state_emit(st, &state, &err) < 0) {
                log_warning("%s hooks: %s", poststop ? "poststop" : "poststart", err.msg);
                return;
        }
        if (poststop)
                hooks_run(&cfg->hooks.poststop, "poststop", state, true, &err);
        else
                hooks_run(&cfg->hooks.poststart, "poststart", state, true, &err);
}
