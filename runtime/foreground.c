/* Waiting in the foreground for a container's process (berth run, berth
 * exec): signals go to the process, children are reaped, and with a
 * terminal the user's terminal is copied to and from the pty. */
#include "runtime/foreground.h"

#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "runtime/terminal.h"

static int exit_code_of(int status)
{
        if (WIFEXITED(status))
                return WEXITSTATUS(status);
        if (WIFSIGNALED(status))
                return 128 + WTERMSIG(status);
        return 1;
}

/* Reap every exited child; true once the process is among them. */
static bool reap_children(pid_t process, int *exit_code)
{
        bool process_done = false;
        for (;;) {
                int status;
                pid_t pid = waitpid(-1, &status, WNOHANG);
                if (pid <= 0)
                        return process_done;
                if (pid == process) {
                        *exit_code = exit_code_of(status);
                        process_done = true;
                }
        }
}

struct foreground {
        pid_t process;
        int exit_code;
        bool process_done;
        bool proxying;             /* process.terminal: copying the pty */
        struct terminal_proxy tp;
};

static void handle_signal(struct foreground *fg, int sig)
{
        if (sig == SIGCHLD) {
                fg->process_done = reap_children(fg->process, &fg->exit_code);
                return;
        }
        /* With a terminal, the resize itself tells the container. */
        if (sig == SIGWINCH && fg->proxying) {
                terminal_proxy_resize(&fg->tp);
                return;
        }
        kill(fg->process, sig);
}

int foreground_wait(pid_t process, const sigset_t *signals, int master, struct berth_error *err)
{
        _cleanup_close_ int sfd = signalfd(-1, signals, SFD_CLOEXEC);
        if (sfd < 0)
                return berth_error_errno(err, errno, "signalfd");
        struct foreground fg = { .process = process, .exit_code = 1, .proxying = master >= 0 };
        if (fg.proxying)
                terminal_proxy_init(&fg.tp, master);
        bool master_open = fg.proxying;
        while (!fg.process_done) {
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

