/* Pseudo-terminals for process.terminal (see terminal.h). */
#include "runtime/terminal.h"

#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/util.h"
#include "namespaces/procfs.h"
#include "runtime/sync.h"

_Static_assert(sizeof(struct termios) <= sizeof(((struct terminal_proxy *) 0)->saved_termios),
               "saved_termios too small");
_Static_assert(_Alignof(struct termios) <= 8, "saved_termios not aligned for struct termios");

static const char *console_kind(mode_t mode)
{
        if (S_ISLNK(mode))
                return "a symlink";
        if (S_ISDIR(mode))
                return "a directory";
        if (S_ISCHR(mode))
                return "a character device other than the console (5:1)";
        return "a special file";
}

/* The file in the container's /dev the terminal is bound over.  /dev is
 * reached with no symlink followed and the file is made there, O_EXCL, as
 * a regular file; one already there (a bind of the host's /dev, an image's
 * /dev) is covered only if it is a regular file or the console device
 * itself.  A symlink planted there, by a shared /dev or a process racing
 * berth (CVE-2025-52565), would move the bind onto whatever it names. */
static int open_console_target(struct berth_error *err)
{
        _cleanup_close_ int dev = open("/dev", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (dev < 0)
                return berth_error_errno(err, errno, "open /dev in the container");
        int fd = openat(dev, "console", O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd >= 0)
                return fd;
        if (errno != EEXIST)
                return berth_error_errno(err, errno, "create /dev/console");
        /* Opened as a path: the device itself is not opened. */
        _cleanup_close_ int existing = openat(dev, "console", O_PATH | O_NOFOLLOW | O_CLOEXEC);
        struct stat st;
        if (existing < 0 || fstat(existing, &st) < 0)
                return berth_error_errno(err, errno, "open /dev/console");
        if (S_ISREG(st.st_mode) || (S_ISCHR(st.st_mode) && st.st_rdev == makedev(5, 1)))
                return steal_fd(&existing);
        return berth_error_new(err, EPERM, "/dev/console in the container is %s: refusing to bind "
                               "the terminal over it", console_kind(st.st_mode));
}

/* /dev/console is the container's terminal, as with runc and crun: the
 * slave bound over a file in the container's /dev.  Both ends are fds,
 * named through berth's own procfs: the container's /proc/self/fd could be
 * a volume whose entries point anywhere. */
static int bind_console(int slave, struct berth_error *err)
{
        _cleanup_close_ int target = open_console_target(err);
        if (target < 0)
                return target;
        return procfs_bind_fd("bind the terminal to /dev/console", slave, target, 0, err);
}

int terminal_create_in_container(const struct oci_process *proc, bool as_console, int *master,
                                 struct berth_error *err)
{
        int r;
        _cleanup_close_ int ptm = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (ptm < 0)
                return berth_error_errno(err, errno, "open /dev/ptmx in the container");
        if (unlockpt(ptm) < 0)
                return berth_error_errno(err, errno, "unlockpt");
        /* TIOCGPTPEER opens the slave through the master, not by a path the
         * container could have replaced (Linux 4.13). */
        int pts = ioctl(ptm, TIOCGPTPEER, O_RDWR | O_NOCTTY);
        if (pts < 0)
                return berth_error_errno(err, errno, "open the terminal's slave");
        _cleanup_close_ int slave = pts;
        if (fchown(slave, proc->user.uid, (gid_t) -1) < 0 && errno != EPERM && errno != EINVAL)
                return berth_error_errno(err, errno, "chown the terminal to uid %u", proc->user.uid);
        if (proc->has_console_size) {
                struct winsize ws = { .ws_row = (unsigned short) proc->console_size.height,
                                      .ws_col = (unsigned short) proc->console_size.width };
                ioctl(slave, TIOCSWINSZ, &ws);
        }
        if (as_console && (r = bind_console(slave, err)) < 0)
                return r;
        if (setsid() < 0)
                return berth_error_errno(err, errno, "setsid");
        if (ioctl(slave, TIOCSCTTY, 0) < 0)
                return berth_error_errno(err, errno, "make the terminal the controlling terminal");
        for (int fd = 0; fd <= 2; fd++)
                if (dup2(slave, fd) < 0)
                        return berth_error_errno(err, errno, "dup2 the terminal to fd %d", fd);
        *master = steal_fd(&ptm);
        return 0;
}

int terminal_send_master(int sock, int master, struct berth_error *err)
{
        char name[64] = "/dev/ptmx";
        int n = -1;
        if (ioctl(master, TIOCGPTN, &n) == 0)
                snprintf(name, sizeof(name), "/dev/pts/%d", n);
        /* The text is runc's convention, the terminal's name; callers such
         * as containerd take the fd and ignore it. */
        int r = send_with_fd(sock, name, strlen(name), master);
        if (r < 0)
                return berth_error_errno(err, -r, "--console-socket: send the terminal");
        return 0;
}

int console_socket_connect(const char *path, int *fd, struct berth_error *err)
{
        struct sockaddr_un addr = { .sun_family = AF_UNIX };
        if (strlen(path) >= sizeof(addr.sun_path))
                return berth_error_new(err, ENAMETOOLONG, "--console-socket %s: path too long", path);
        strcpy(addr.sun_path, path);
        _cleanup_close_ int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (s < 0)
                return berth_error_errno(err, errno, "--console-socket: socket");
        if (connect(s, (struct sockaddr *) &addr, sizeof(addr)) < 0)
                return berth_error_errno(err, errno, "--console-socket %s", path);
        *fd = steal_fd(&s);
        return 0;
}

void terminal_proxy_init(struct terminal_proxy *tp, int master)
{
        *tp = (struct terminal_proxy) { .master = master, .stdin_open = true };
        tp->stdin_is_tty = isatty(STDIN_FILENO);
        struct termios *saved = (struct termios *) tp->saved_termios;
        if (tp->stdin_is_tty && tcgetattr(STDIN_FILENO, saved) == 0) {
                struct termios raw = *saved;
                cfmakeraw(&raw);
                tp->raw = tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0;
        }
        terminal_proxy_resize(tp);
}

void terminal_proxy_resize(struct terminal_proxy *tp)
{
        struct winsize ws;
        if (tp->stdin_is_tty && ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
                ioctl(tp->master, TIOCSWINSZ, &ws);
}

/* One read and a complete write; false at end-of-file or error. */
static bool copy_once(int from, int to)
{
        char buf[8192];
        ssize_t n = read(from, buf, sizeof(buf));
        if (n <= 0)
                return n < 0 && (errno == EINTR || errno == EAGAIN);
        return write_all(to, buf, (size_t) n) >= 0;
}

bool terminal_proxy_pump(struct terminal_proxy *tp, short stdin_events, short master_events)
{
        if (stdin_events & (POLLIN | POLLHUP))
                if (!copy_once(STDIN_FILENO, tp->master))
                        tp->stdin_open = false;
        if (master_events & POLLIN)
                if (!copy_once(tp->master, STDOUT_FILENO))
                        return false;
        return !(master_events & (POLLHUP | POLLERR)) || (master_events & POLLIN);
}

void terminal_proxy_finish(struct terminal_proxy *tp)
{
        struct pollfd p = { .fd = tp->master, .events = POLLIN };
        /* The container has exited; take what output is still buffered. */
        while (poll(&p, 1, 0) > 0 && (p.revents & POLLIN))
                if (!copy_once(tp->master, STDOUT_FILENO))
                        break;
        if (tp->raw)
                tcsetattr(STDIN_FILENO, TCSANOW, (struct termios *) tp->saved_termios);
        close(tp->master);
        tp->master = -1;
}

int terminal_hand_over(int master, int console_fd, int sync_fd, struct berth_error *err)
{
        if (console_fd >= 0)
                return terminal_send_master(console_fd, master, err);
        return sync_send_fd(sync_fd, SYNC_TERMINAL, master, err);
}
