/* berth-test-init: the one program the integration tests run inside their
 * containers.  Each subcommand reports one thing the container sees (its
 * ids, capabilities, limits, mounts...) in a line format the bats tests can
 * compare, or does one thing (write a file, wait for a signal, exit with a
 * code).  Built static so a rootfs needs nothing else (tests/init/README). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* Exit codes a test can tell apart from the program's own failures. */
enum {
        EXIT_USAGE = 64,         /* bad arguments to berth-test-init */
        EXIT_OP_FAILED = 1,      /* the operation failed; errno name printed */
};

/* Capability names by number, as the kernel numbers them (capability.h):
 * lets print-caps show names a test compares with config.json. */
static const char *const cap_names[] = {
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER",
        "CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP",
        "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST",
        "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER",
        "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
        "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
        "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD",
        "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP",
        "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM",
        "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
        "CAP_CHECKPOINT_RESTORE",
};

static const struct {
        const char *name;
        int resource;
} rlimit_names[] = {
        { "RLIMIT_CPU", RLIMIT_CPU },         { "RLIMIT_FSIZE", RLIMIT_FSIZE },
        { "RLIMIT_DATA", RLIMIT_DATA },       { "RLIMIT_STACK", RLIMIT_STACK },
        { "RLIMIT_CORE", RLIMIT_CORE },       { "RLIMIT_RSS", RLIMIT_RSS },
        { "RLIMIT_NPROC", RLIMIT_NPROC },     { "RLIMIT_NOFILE", RLIMIT_NOFILE },
        { "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK }, { "RLIMIT_AS", RLIMIT_AS },
        { "RLIMIT_LOCKS", RLIMIT_LOCKS },     { "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING },
        { "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE }, { "RLIMIT_NICE", RLIMIT_NICE },
        { "RLIMIT_RTPRIO", RLIMIT_RTPRIO },   { "RLIMIT_RTTIME", RLIMIT_RTTIME },
};

/* errno as its symbolic name: tests match "EROFS", not a locale's text. */
static const char *errno_name(int e)
{
        switch (e) {
        case EACCES: return "EACCES";
        case EPERM: return "EPERM";
        case EROFS: return "EROFS";
        case ENOENT: return "ENOENT";
        case EEXIST: return "EEXIST";
        case EISDIR: return "EISDIR";
        case ENOTDIR: return "ENOTDIR";
        case EBUSY: return "EBUSY";
        case EINVAL: return "EINVAL";
        case ENXIO: return "ENXIO";
        case ENODEV: return "ENODEV";
        case ENOSPC: return "ENOSPC";
        case EFBIG: return "EFBIG";
        case EMFILE: return "EMFILE";
        default: return strerrorname_np(e) ? strerrorname_np(e) : "EUNKNOWN";
        }
}

static int fail_errno(const char *what, const char *path)
{
        int e = errno;
        printf("%s %s: %s\n", what, path, errno_name(e));
        fflush(stdout);
        return EXIT_OP_FAILED;
}

static int parse_signal(const char *s)
{
        static const struct { const char *name; int sig; } sigs[] = {
                { "HUP", SIGHUP }, { "INT", SIGINT }, { "QUIT", SIGQUIT },
                { "ABRT", SIGABRT }, { "KILL", SIGKILL }, { "USR1", SIGUSR1 },
                { "USR2", SIGUSR2 }, { "PIPE", SIGPIPE }, { "ALRM", SIGALRM },
                { "TERM", SIGTERM }, { "CHLD", SIGCHLD }, { "CONT", SIGCONT },
                { "WINCH", SIGWINCH },
        };
        if (strncmp(s, "SIG", 3) == 0)
                s += 3;
        for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
                if (strcmp(s, sigs[i].name) == 0)
                        return sigs[i].sig;
        char *end;
        long n = strtol(s, &end, 10);
        return (*s && !*end && n > 0 && n < _NSIG) ? (int) n : -1;
}

static int cat_file(const char *path)
{
        FILE *f = fopen(path, "re");
        if (!f)
                return fail_errno("open", path);
        char buf[4096];
        size_t n;
        while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
                fwrite(buf, 1, n, stdout);
        bool bad = ferror(f);
        int e = errno;
        fclose(f);
        if (bad) {
                errno = e;
                return fail_errno("read", path);
        }
        return 0;
}

/* print-caps: the five capability sets (hex and by name), NoNewPrivs and
 * Seccomp from /proc/self/status, one "Key=value" line each. */
static int cmd_print_caps(void)
{
        FILE *f = fopen("/proc/self/status", "re");
        if (!f)
                return fail_errno("open", "/proc/self/status");
        char line[512];
        while (fgets(line, sizeof(line), f)) {
                char key[64];
                char value[128];
                if (sscanf(line, "%63[^:]:%*[ \t]%127s", key, value) != 2)
                        continue;
                if (strncmp(key, "Cap", 3) == 0) {
                        unsigned long long mask = strtoull(value, NULL, 16);
                        printf("%s=%s\n%sNames=", key, value, key);
                        bool first = true;
                        for (unsigned bit = 0; bit < 64; bit++) {
                                if (!(mask & (1ULL << bit)))
                                        continue;
                                if (bit < sizeof(cap_names) / sizeof(cap_names[0]))
                                        printf("%s%s", first ? "" : ",", cap_names[bit]);
                                else
                                        printf("%sCAP_%u", first ? "" : ",", bit);
                                first = false;
                        }
                        printf("\n");
                } else if (strcmp(key, "NoNewPrivs") == 0 || strcmp(key, "Seccomp") == 0) {
                        printf("%s=%s\n", key, value);
                }
        }
        fclose(f);
        return 0;
}

/* rlimits: "RLIMIT_NOFILE 1024 4096" per resource, "unlimited" for infinity. */
static int cmd_rlimits(void)
{
        for (size_t i = 0; i < sizeof(rlimit_names) / sizeof(rlimit_names[0]); i++) {
                struct rlimit rl;
                if (getrlimit(rlimit_names[i].resource, &rl) < 0)
                        return fail_errno("getrlimit", rlimit_names[i].name);
                printf("%s ", rlimit_names[i].name);
                if (rl.rlim_cur == RLIM_INFINITY)
                        printf("unlimited ");
                else
                        printf("%llu ", (unsigned long long) rl.rlim_cur);
                if (rl.rlim_max == RLIM_INFINITY)
                        printf("unlimited\n");
                else
                        printf("%llu\n", (unsigned long long) rl.rlim_max);
        }
        return 0;
}

/* ids: "uid=U euid=U gid=G egid=G groups=A,B" (groups sorted as the kernel
 * keeps them). */
static int cmd_ids(void)
{
        gid_t groups[NGROUPS_MAX];
        int n = getgroups(NGROUPS_MAX, groups);
        if (n < 0)
                return fail_errno("getgroups", "");
        printf("uid=%u euid=%u gid=%u egid=%u groups=", getuid(), geteuid(), getgid(), getegid());
        for (int i = 0; i < n; i++)
                printf("%s%u", i ? "," : "", groups[i]);
        printf("\n");
        return 0;
}

static int cmd_umask(void)
{
        mode_t m = umask(0);
        umask(m);
        printf("%04o\n", m);
        return 0;
}

static int cmd_cwd(void)
{
        char buf[PATH_MAX];
        if (!getcwd(buf, sizeof(buf)))
                return fail_errno("getcwd", "");
        printf("%s\n", buf);
        return 0;
}

static int cmd_env(void)
{
        for (char **e = environ; *e; e++)
                printf("%s\n", *e);
        return 0;
}

static int cmd_hostname(void)
{
        struct utsname u;
        if (uname(&u) < 0)
                return fail_errno("uname", "");
        printf("%s\n", u.nodename);
        return 0;
}

/* ns: "cgroup cgroup:[4026531835]" for each entry of /proc/self/ns. */
static int cmd_ns(void)
{
        static const char *const names[] = { "cgroup", "ipc", "mnt", "net", "pid", "time", "user", "uts" };
        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
                char path[64], target[128];
                snprintf(path, sizeof(path), "/proc/self/ns/%s", names[i]);
                ssize_t n = readlink(path, target, sizeof(target) - 1);
                if (n < 0)
                        continue; /* a kernel without that namespace type */
                target[n] = '\0';
                printf("%s %s\n", names[i], target);
        }
        return 0;
}

/* fds: "N -> target" for each open descriptor but the one reading the dir. */
static int cmd_fds(void)
{
        DIR *d = opendir("/proc/self/fd");
        if (!d)
                return fail_errno("opendir", "/proc/self/fd");
        struct dirent *de;
        while ((de = readdir(d))) {
                if (de->d_name[0] == '.' || atoi(de->d_name) == dirfd(d))
                        continue;
                char path[PATH_MAX], target[PATH_MAX];
                snprintf(path, sizeof(path), "/proc/self/fd/%s", de->d_name);
                ssize_t n = readlink(path, target, sizeof(target) - 1);
                target[n < 0 ? 0 : n] = '\0';
                printf("%s -> %s\n", de->d_name, target);
        }
        closedir(d);
        return 0;
}

/* write FILE [CONTENT]: create/truncate and write; "ok" or "write FILE: EROFS". */
static int cmd_write(const char *path, const char *content)
{
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0)
                return fail_errno("write", path);
        size_t len = strlen(content);
        if (write(fd, content, len) != (ssize_t) len) {
                int e = errno;
                close(fd);
                errno = e;
                return fail_errno("write", path);
        }
        close(fd);
        printf("ok\n");
        return 0;
}

/* open FILE: open for reading and read a little; "ok N" (bytes read) or
 * "open FILE: EACCES". */
static int cmd_open(const char *path)
{
        int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
        if (fd < 0)
                return fail_errno("open", path);
        char buf[256];
        ssize_t n = read(fd, buf, sizeof(buf));
        int e = errno;
        close(fd);
        if (n < 0) {
                errno = e;
                return fail_errno("read", path);
        }
        printf("ok %zd\n", n);
        return 0;
}

/* devnum PATH: "c 1:3 0666" (type, major:minor, permission bits). */
static int cmd_devnum(const char *path)
{
        struct stat st;
        if (lstat(path, &st) < 0)
                return fail_errno("stat", path);
        char type = S_ISCHR(st.st_mode) ? 'c' : S_ISBLK(st.st_mode) ? 'b' :
                    S_ISLNK(st.st_mode) ? 'l' : S_ISDIR(st.st_mode) ? 'd' :
                    S_ISFIFO(st.st_mode) ? 'p' : S_ISREG(st.st_mode) ? 'f' : '?';
        printf("%c %u:%u %04o %u:%u\n", type, major(st.st_rdev), minor(st.st_rdev),
               st.st_mode & 07777, st.st_uid, st.st_gid);
        return 0;
}

static volatile sig_atomic_t caught_signal;
static void remember_signal(int sig)
{
        caught_signal = sig;
}

static int install_handler(int sig)
{
        struct sigaction sa = { .sa_handler = remember_signal };
        sigemptyset(&sa.sa_mask);
        return sigaction(sig, &sa, NULL);
}

/* Tell the test we are ready: a file it can wait for, if one was named. */
static int announce_ready(const char *ready_file)
{
        if (!ready_file)
                return 0;
        int fd = open(ready_file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0)
                return fail_errno("write", ready_file);
        close(fd);
        return 0;
}

/* pause [EXIT_ON_TERM [READYFILE]]: sleep until killed.  With a number, a
 * handled SIGTERM exits with that code; without one SIGTERM is not handled
 * (and so, for a PID namespace's init, ignored). */
static int cmd_pause(int argc, char **argv)
{
        int term_code = -1;
        if (argc > 0)
                term_code = atoi(argv[0]);
        if (term_code >= 0 && install_handler(SIGTERM) < 0)
                return fail_errno("sigaction", "SIGTERM");
        if (announce_ready(argc > 1 ? argv[1] : NULL))
                return EXIT_OP_FAILED;
        for (;;) {
                pause();
                if (caught_signal == SIGTERM && term_code >= 0)
                        return term_code;
        }
}

/* trap SIG [READYFILE]: wait for SIG, print "caught SIGNAME (N)", exit 0. */
static int cmd_trap(const char *signame, const char *ready_file)
{
        int sig = parse_signal(signame);
        if (sig < 0) {
                fprintf(stderr, "berth-test-init: unknown signal %s\n", signame);
                return EXIT_USAGE;
        }
        sigset_t block, old;
        sigemptyset(&block);
        sigaddset(&block, sig);
        sigprocmask(SIG_BLOCK, &block, &old);
        if (install_handler(sig) < 0)
                return fail_errno("sigaction", signame);
        if (announce_ready(ready_file))
                return EXIT_OP_FAILED;
        while (caught_signal != sig)
                sigsuspend(&old);
        printf("caught %s (%d)\n", sigabbrev_np(sig) ? sigabbrev_np(sig) : "?", sig);
        return 0;
}

/* kill-self SIG: die by SIG (default disposition restored first).  Only a
 * process that is not a PID namespace's init can do this: the kernel drops
 * default-disposition signals an init sends itself. */
static int cmd_kill_self(const char *signame)
{
        int sig = parse_signal(signame);
        if (sig < 0) {
                fprintf(stderr, "berth-test-init: unknown signal %s\n", signame);
                return EXIT_USAGE;
        }
        signal(sig, SIG_DFL);
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, sig);
        sigprocmask(SIG_UNBLOCK, &set, NULL);
        fflush(stdout);
        kill(getpid(), sig);
        printf("still alive after SIG%s\n", sigabbrev_np(sig) ? sigabbrev_np(sig) : "?");
        return EXIT_OP_FAILED;
}

static int cmd_personality(void)
{
        int p = personality(0xffffffff);
        if (p < 0)
                return fail_errno("personality", "");
        struct utsname u;
        uname(&u);
        printf("personality=0x%x machine=%s\n", p, u.machine);
        return 0;
}

/* personality VALUE: set the persona (a number, 0x.. allowed); "ok" or
 * "personality VALUE: EPERM".  Tests of seccomp argument conditions. */
static int cmd_set_personality(const char *value)
{
        char *end;
        unsigned long v = strtoul(value, &end, 0);
        if (!*value || *end) {
                fprintf(stderr, "berth-test-init: not a number: %s\n", value);
                return EXIT_USAGE;
        }
        if (personality(v) < 0)
                return fail_errno("personality", value);
        printf("ok\n");
        return 0;
}

/* mkdir PATH: "ok" or "mkdir PATH: EPERM". */
static int cmd_mkdir(const char *path)
{
        if (mkdir(path, 0755) < 0)
                return fail_errno("mkdir", path);
        printf("ok\n");
        return 0;
}

/* swap A B SECONDS: the racing attacker of the mount tests (CVE-2021-30465,
 * CVE-2019-19921...), run on the host side of a shared volume: exchange A
 * and B (a directory and a symlink, or two directories) with
 * renameat2(RENAME_EXCHANGE) as fast as it can, "racing" once the first
 * exchange is done, then "swapped N" after SECONDS, with A and B back where
 * they started. */
static int cmd_swap(const char *a, const char *b, const char *seconds_text)
{
        struct timespec now, end;
        clock_gettime(CLOCK_MONOTONIC, &end);
        end.tv_sec += atoi(seconds_text);
        unsigned long n = 0;
        do {
                for (int i = 0; i < 1000; i++, n++)
                        if (syscall(SYS_renameat2, AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE) < 0)
                                return fail_errno("swap", a);
                if (n == 1000)
                        printf("racing\n");
                clock_gettime(CLOCK_MONOTONIC, &now);
        } while (now.tv_sec < end.tv_sec || (now.tv_sec == end.tv_sec && now.tv_nsec < end.tv_nsec));
        printf("swapped %lu\n", n);
        return 0;
}

/* socket FAMILY TYPE (unix|inet|inet6, stream|dgram): "ok" or
 * "socket inet dgram: EPERM". */
static int cmd_socket(const char *family, const char *type)
{
        int f = strcmp(family, "unix") == 0 ? AF_UNIX : strcmp(family, "inet") == 0 ? AF_INET :
                strcmp(family, "inet6") == 0 ? AF_INET6 : -1;
        int t = strcmp(type, "stream") == 0 ? SOCK_STREAM : strcmp(type, "dgram") == 0 ? SOCK_DGRAM : -1;
        if (f < 0 || t < 0) {
                fprintf(stderr, "berth-test-init: socket unix|inet|inet6 stream|dgram\n");
                return EXIT_USAGE;
        }
        char label[64];
        snprintf(label, sizeof(label), "%s %s", family, type);
        int fd = socket(f, t | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return fail_errno("socket", label);
        close(fd);
        printf("ok\n");
        return 0;
}

/* isatty: "0 /dev/pts/0" or "0 not-a-tty" for stdin, stdout, stderr. */
static int cmd_isatty(void)
{
        for (int fd = 0; fd <= 2; fd++) {
                const char *name = isatty(fd) ? ttyname(fd) : NULL;
                printf("%d %s\n", fd, name ? name : "not-a-tty");
        }
        return 0;
}

/* Receive one file descriptor sent with SCM_RIGHTS on a connected socket. */
static int receive_fd(int conn)
{
        char data[1];
        char control[CMSG_SPACE(sizeof(int))];
        struct iovec iov = { .iov_base = data, .iov_len = sizeof(data) };
        struct msghdr msg = {
                .msg_iov = &iov, .msg_iovlen = 1,
                .msg_control = control, .msg_controllen = sizeof(control),
        };
        if (recvmsg(conn, &msg, MSG_CMSG_CLOEXEC) < 0)
                return -1;
        struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
        if (!cmsg || cmsg->cmsg_level != SOL_SOCKET || cmsg->cmsg_type != SCM_RIGHTS) {
                errno = EBADMSG;
                return -1;
        }
        int fd;
        memcpy(&fd, CMSG_DATA(cmsg), sizeof(fd));
        return fd;
}

/* Listen on the unix socket PATH and take one connection: the runtime's.
 * Returns the connection, or -(exit code) after saying what failed. */
static int accept_one(const char *path)
{
        int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (s < 0)
                return -fail_errno("socket", path);
        struct sockaddr_un addr = { .sun_family = AF_UNIX };
        if (strlen(path) >= sizeof(addr.sun_path)) {
                fprintf(stderr, "berth-test-init: socket path too long: %s\n", path);
                close(s);
                return -EXIT_USAGE;
        }
        strcpy(addr.sun_path, path);
        if (bind(s, (struct sockaddr *) &addr, sizeof(addr)) < 0 || listen(s, 1) < 0)
                return -fail_errno("bind", path);
        int conn = accept4(s, NULL, NULL, SOCK_CLOEXEC);
        int e = errno;
        close(s);
        errno = e;
        if (conn < 0)
                return -fail_errno("accept", path);
        return conn;
}

/* recv-tty SOCKET: the --console-socket end, run on the host.  Listen on
 * SOCKET, take the pty master a runtime sends, copy what the container
 * writes to its terminal to stdout until the terminal closes. */
static int cmd_recv_tty(const char *path)
{
        int conn = accept_one(path);
        if (conn < 0)
                return -conn;
        int master = receive_fd(conn);
        if (master < 0)
                return fail_errno("recvmsg", path);
        close(conn);
        char buf[4096];
        ssize_t n;
        /* EIO once the last slave descriptor is closed: the normal end. */
        while ((n = read(master, buf, sizeof(buf))) > 0)
                fwrite(buf, 1, n, stdout);
        return 0;
}

/* Whether buf[0..len) holds a whole JSON object: its braces balance
 * (outside strings).  Runtimes need not close the connection right after
 * the document (runc 1.1 keeps it open while the container runs). */
static bool json_object_complete(const char *buf, size_t len)
{
        int depth = 0;
        bool in_string = false, escaped = false;
        for (size_t i = 0; i < len; i++) {
                char c = buf[i];
                if (in_string) {
                        if (escaped)
                                escaped = false;
                        else if (c == '\\')
                                escaped = true;
                        else if (c == '"')
                                in_string = false;
                } else if (c == '"') {
                        in_string = true;
                } else if (c == '{') {
                        depth++;
                } else if (c == '}' && --depth == 0) {
                        return true;
                }
        }
        return false;
}

/* Read the seccomp process state document a runtime sends to
 * listenerPath: the JSON (to state_file) and the notify fd with it, which
 * comes with the first part. */
static int receive_process_state(int conn, const char *state_file)
{
        static char buf[1 << 20];
        char control[CMSG_SPACE(sizeof(int))];
        struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
        struct msghdr msg = {
                .msg_iov = &iov, .msg_iovlen = 1,
                .msg_control = control, .msg_controllen = sizeof(control),
        };
        ssize_t n = recvmsg(conn, &msg, MSG_CMSG_CLOEXEC);
        if (n < 0)
                return -1;
        struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
        if (!cmsg || cmsg->cmsg_level != SOL_SOCKET || cmsg->cmsg_type != SCM_RIGHTS) {
                errno = EBADMSG;
                return -1;
        }
        int fd;
        memcpy(&fd, CMSG_DATA(cmsg), sizeof(fd));
        size_t len = (size_t) n;
        while (!json_object_complete(buf, len) && len < sizeof(buf) &&
               (n = read(conn, buf + len, sizeof(buf) - len)) > 0)
                len += (size_t) n;
        FILE *f = fopen(state_file, "we");
        if (!f)
                return -1;
        fwrite(buf, 1, len, f);
        fclose(f);
        return fd;
}

/* seccomp-listener SOCKET STATEFILE REPLY: run on the host as the
 * linux.seccomp.listenerPath agent.  Takes one runtime connection, writes
 * the process state JSON to STATEFILE, then answers every notification
 * with REPLY: "ok" (the syscall returns 0 without running) or an errno
 * number.  Prints "notified NR" per syscall and exits when the filter's
 * last process is gone. */
static int cmd_seccomp_listener(const char *path, const char *state_file, const char *reply)
{
        int error = strcmp(reply, "ok") == 0 ? 0 : -atoi(reply);
        int conn = accept_one(path);
        if (conn < 0)
                return -conn;
        int notify_fd = receive_process_state(conn, state_file);
        if (notify_fd < 0)
                return fail_errno("recvmsg", path);
        close(conn);
        for (;;) {
                struct pollfd p = { .fd = notify_fd, .events = POLLIN };
                if (poll(&p, 1, -1) < 0) {
                        if (errno == EINTR)
                                continue;
                        return fail_errno("poll", "seccomp fd");
                }
                if (!(p.revents & POLLIN))
                        return 0; /* POLLHUP: no process uses the filter any more */
                struct seccomp_notif req;
                memset(&req, 0, sizeof(req));
                if (ioctl(notify_fd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0) {
                        if (errno == EINTR || errno == ENOENT)
                                continue; /* the caller went away meanwhile */
                        return fail_errno("ioctl", "SECCOMP_IOCTL_NOTIF_RECV");
                }
                printf("notified %d\n", req.data.nr);
                struct seccomp_notif_resp resp = { .id = req.id, .error = error };
                if (ioctl(notify_fd, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0 && errno != ENOENT)
                        return fail_errno("ioctl", "SECCOMP_IOCTL_NOTIF_SEND");
        }
}

/* ---- scheduling, I/O priority, CPU affinity, memory policy ---------------- */

/* The kernel's struct sched_attr (glibc 2.36 has no sched_getattr). */
struct kernel_sched_attr {
        unsigned int size, sched_policy;
        unsigned long long sched_flags;
        int sched_nice;
        unsigned int sched_priority;
        unsigned long long sched_runtime, sched_deadline, sched_period;
        unsigned int sched_util_min, sched_util_max;
};

static const char *const sched_policy_names[] = {
        "SCHED_OTHER", "SCHED_FIFO", "SCHED_RR", "SCHED_BATCH", "SCHED_ISO", "SCHED_IDLE",
        "SCHED_DEADLINE",
};

static const char *const sched_flag_names[] = {
        "SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_RECLAIM", "SCHED_FLAG_DL_OVERRUN",
        "SCHED_FLAG_KEEP_POLICY", "SCHED_FLAG_KEEP_PARAMS", "SCHED_FLAG_UTIL_CLAMP_MIN",
        "SCHED_FLAG_UTIL_CLAMP_MAX",
};

/* Comma-separated names of the bits set in `mask` (bit i is names[i]). */
static void print_flag_names(unsigned long long mask, const char *const *names, size_t n,
                             unsigned shift)
{
        bool first = true;
        for (size_t i = 0; i < n; i++) {
                if (mask & (1ULL << (i + shift))) {
                        printf("%s%s", first ? "" : ",", names[i]);
                        first = false;
                }
        }
}

/* sched: "policy=SCHED_FIFO priority=10 nice=0 flags=SCHED_FLAG_RESET_ON_FORK",
 * from sched_getattr; a SCHED_DEADLINE task adds " runtime=R deadline=D
 * period=P". */
static int cmd_sched(void)
{
        struct kernel_sched_attr a;
        memset(&a, 0, sizeof(a));
        if (syscall(SYS_sched_getattr, 0, &a, sizeof(a), 0) < 0)
                return fail_errno("sched_getattr", "");
        if (a.sched_policy < sizeof(sched_policy_names) / sizeof(sched_policy_names[0]))
                printf("policy=%s", sched_policy_names[a.sched_policy]);
        else
                printf("policy=%u", a.sched_policy);
        printf(" priority=%u nice=%d flags=", a.sched_priority, a.sched_nice);
        print_flag_names(a.sched_flags, sched_flag_names,
                         sizeof(sched_flag_names) / sizeof(sched_flag_names[0]), 0);
        /* Only deadline tasks: since Linux 6.12 a fair task's sched_runtime
         * is its time slice, which differs between kernels. */
        if (a.sched_policy == 6 /* SCHED_DEADLINE */)
                printf(" runtime=%llu deadline=%llu period=%llu", a.sched_runtime, a.sched_deadline,
                       a.sched_period);
        printf("\n");
        return 0;
}

/* ioprio: "class=IOPRIO_CLASS_BE priority=3", from ioprio_get. */
static int cmd_ioprio(void)
{
        static const char *const classes[] = {
                "IOPRIO_CLASS_NONE", "IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE", "IOPRIO_CLASS_IDLE",
        };
        long v = syscall(SYS_ioprio_get, 1 /* IOPRIO_WHO_PROCESS */, 0);
        if (v < 0)
                return fail_errno("ioprio_get", "");
        unsigned cls = (unsigned) v >> 13;
        printf("class=%s priority=%ld\n", cls < 4 ? classes[cls] : "?", v & 0x7);
        return 0;
}

/* "0-3,7" for the ids in 0..n-1 that has(ctx, id) says are set. */
static void print_id_list(bool (*has)(const void *, size_t), const void *ctx, size_t n)
{
        bool first = true;
        for (size_t i = 0; i < n; i++) {
                if (!has(ctx, i))
                        continue;
                size_t j = i;
                while (j + 1 < n && has(ctx, j + 1))
                        j++;
                printf(j > i ? "%s%zu-%zu" : "%s%zu", first ? "" : ",", i, j);
                first = false;
                i = j;
        }
}

static bool cpu_in_set(const void *set, size_t cpu)
{
        return CPU_ISSET(cpu, (const cpu_set_t *) set);
}

/* affinity: the CPUs the process may run on, as "0-1". */
static int cmd_affinity(void)
{
        cpu_set_t set;
        if (sched_getaffinity(0, sizeof(set), &set) < 0)
                return fail_errno("sched_getaffinity", "");
        print_id_list(cpu_in_set, &set, CPU_SETSIZE);
        printf("\n");
        return 0;
}

#define NODE_BITS 1024

static bool node_in_mask(const void *mask, size_t node)
{
        const unsigned long *m = mask;
        return m[node / (8 * sizeof(long))] & (1UL << (node % (8 * sizeof(long))));
}

/* mempolicy: "mode=MPOL_BIND flags=MPOL_F_STATIC_NODES nodes=0", from
 * get_mempolicy (the mode flags come back in the mode's high bits). */
static int cmd_mempolicy(void)
{
        static const char *const modes[] = {
                "MPOL_DEFAULT", "MPOL_PREFERRED", "MPOL_BIND", "MPOL_INTERLEAVE", "MPOL_LOCAL",
                "MPOL_PREFERRED_MANY", "MPOL_WEIGHTED_INTERLEAVE",
        };
        static const char *const flags[] = {
                "MPOL_F_NUMA_BALANCING", "MPOL_F_RELATIVE_NODES", "MPOL_F_STATIC_NODES",
        };
        int mode = 0;
        unsigned long mask[NODE_BITS / (8 * sizeof(long))];
        memset(mask, 0, sizeof(mask));
        if (syscall(SYS_get_mempolicy, &mode, mask, NODE_BITS, NULL, 0) < 0)
                return fail_errno("get_mempolicy", "");
        unsigned m = (unsigned) mode & 0xff;
        printf("mode=%s flags=", m < 7 ? modes[m] : "?");
        print_flag_names((unsigned) mode, flags, 3, 13);
        printf(" nodes=");
        print_id_list(node_in_mask, mask, NODE_BITS);
        printf("\n");
        return 0;
}

/* Allocate and touch MIB mebibytes of anonymous memory, so that it is
 * charged to the cgroup; "allocated MIB MiB" once all of it is in, then
 * exit, or with `hold` keep it until killed.  A memory limit below it ends
 * us by the OOM killer (SIGKILL). */
static int cmd_alloc(const char *mib_text, bool hold)
{
        long mib = atol(mib_text);
        if (mib <= 0)
                return EXIT_USAGE;
        size_t size = (size_t) mib << 20;
        char *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED)
                return fail_errno("mmap", mib_text);
        for (size_t off = 0; off < size; off += 4096)
                p[off] = 1;
        printf("allocated %ld MiB\n", mib);
        if (hold)
                for (;;)
                        pause();
        return 0;
}

/* Fork children that wait (and hold a pid) until fork fails or MAX of
 * them exist; "processes N, then fork: EAGAIN" counts this process too. */
static int cmd_forks(const char *max_text)
{
        long max = atol(max_text);
        long made = 0;
        pid_t *kids = calloc((size_t) (max > 0 ? max : 1), sizeof(pid_t));
        const char *result = "max reached";
        for (; made < max; made++) {
                pid_t pid = fork();
                if (pid == 0) {
                        pause();
                        _exit(0);
                }
                if (pid < 0) {
                        result = errno_name(errno);
                        break;
                }
                kids[made] = pid;
        }
        printf("processes %ld, then fork: %s\n", made + 1, result);
        for (long i = 0; i < made; i++)
                kill(kids[i], SIGKILL);
        while (wait(NULL) > 0)
                ;
        free(kids);
        return 0;
}

static int usage(void)
{
        fprintf(stderr,
                "usage: berth-test-init COMMAND [ARGS]\n"
                "  pid | ppid | print-caps | rlimits | ids | umask | cwd | env | hostname\n"
                "  ns | fds | mounts | personality | cat FILE | write FILE [CONTENT]\n"
                "  open FILE | devnum PATH | pause [EXIT_ON_TERM [READYFILE]]\n"
                "  trap SIG [READYFILE] | exit N | kill-self SIG | isatty\n"
                "  personality VALUE | mkdir PATH | socket FAMILY TYPE | swap A B SECONDS\n"
                "  sched | ioprio | affinity | mempolicy | alloc MIB [hold] | forks MAX\n"
                "  recv-tty SOCKET (on the host: the --console-socket receiver)\n"
                "  seccomp-listener SOCKET STATEFILE REPLY (on the host: a listenerPath agent)\n");
        return EXIT_USAGE;
}

int main(int argc, char **argv)
{
        /* The tests read our output through pipes and files: line-buffer it
         * so nothing is lost when a signal ends us. */
        setvbuf(stdout, NULL, _IOLBF, 0);
        if (argc < 2)
                return usage();
        const char *cmd = argv[1];
        int nargs = argc - 2;
        char **args = argv + 2;

        if (strcmp(cmd, "pid") == 0)
                return printf("%d\n", getpid()) < 0;
        if (strcmp(cmd, "ppid") == 0)
                return printf("%d\n", getppid()) < 0;
        if (strcmp(cmd, "print-caps") == 0)
                return cmd_print_caps();
        if (strcmp(cmd, "rlimits") == 0)
                return cmd_rlimits();
        if (strcmp(cmd, "ids") == 0)
                return cmd_ids();
        if (strcmp(cmd, "umask") == 0)
                return cmd_umask();
        if (strcmp(cmd, "cwd") == 0)
                return cmd_cwd();
        if (strcmp(cmd, "env") == 0)
                return cmd_env();
        if (strcmp(cmd, "hostname") == 0)
                return cmd_hostname();
        if (strcmp(cmd, "ns") == 0)
                return cmd_ns();
        if (strcmp(cmd, "fds") == 0)
                return cmd_fds();
        if (strcmp(cmd, "mounts") == 0)
                return cat_file("/proc/self/mountinfo");
        if (strcmp(cmd, "personality") == 0 && nargs == 0)
                return cmd_personality();
        if (strcmp(cmd, "personality") == 0 && nargs == 1)
                return cmd_set_personality(args[0]);
        if (strcmp(cmd, "mkdir") == 0 && nargs == 1)
                return cmd_mkdir(args[0]);
        if (strcmp(cmd, "swap") == 0 && nargs == 3)
                return cmd_swap(args[0], args[1], args[2]);
        if (strcmp(cmd, "socket") == 0 && nargs == 2)
                return cmd_socket(args[0], args[1]);
        if (strcmp(cmd, "cat") == 0 && nargs == 1)
                return cat_file(args[0]);
        if (strcmp(cmd, "write") == 0 && (nargs == 1 || nargs == 2))
                return cmd_write(args[0], nargs == 2 ? args[1] : "");
        if (strcmp(cmd, "open") == 0 && nargs == 1)
                return cmd_open(args[0]);
        if (strcmp(cmd, "devnum") == 0 && nargs == 1)
                return cmd_devnum(args[0]);
        if (strcmp(cmd, "pause") == 0 && nargs <= 2)
                return cmd_pause(nargs, args);
        if (strcmp(cmd, "trap") == 0 && (nargs == 1 || nargs == 2))
                return cmd_trap(args[0], nargs == 2 ? args[1] : NULL);
        if (strcmp(cmd, "exit") == 0 && nargs == 1)
                return atoi(args[0]);
        if (strcmp(cmd, "kill-self") == 0 && nargs == 1)
                return cmd_kill_self(args[0]);
        if (strcmp(cmd, "isatty") == 0)
                return cmd_isatty();
        if (strcmp(cmd, "recv-tty") == 0 && nargs == 1)
                return cmd_recv_tty(args[0]);
        if (strcmp(cmd, "seccomp-listener") == 0 && nargs == 3)
                return cmd_seccomp_listener(args[0], args[1], args[2]);
        if (strcmp(cmd, "alloc") == 0 && (nargs == 1 || (nargs == 2 && strcmp(args[1], "hold") == 0)))
                return cmd_alloc(args[0], nargs == 2);
        if (strcmp(cmd, "forks") == 0 && nargs == 1)
                return cmd_forks(args[0]);
        if (strcmp(cmd, "sched") == 0)
                return cmd_sched();
        if (strcmp(cmd, "ioprio") == 0)
                return cmd_ioprio();
        if (strcmp(cmd, "affinity") == 0)
                return cmd_affinity();
        if (strcmp(cmd, "mempolicy") == 0)
                return cmd_mempolicy();
        return usage();
}
