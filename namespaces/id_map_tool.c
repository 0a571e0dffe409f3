/* Writing a user namespace's id map through newuidmap or newgidmap (see
 * id_map_tool.h): the kernel takes a map of more than the writer's own id
 * only from a writer with CAP_SETUID/CAP_SETGID over the parent namespace,
 * which these setuid helpers have once they have checked /etc/subuid and
 * /etc/subgid. */
#include "namespaces/id_map_tool.h"

#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/util.h"

/* Where the tools live when berth runs without PATH (a supervisor's bare
 * environment); also the only PATH the setuid tool is given. */
#define SYSTEM_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
/* Enough of the tool's complaint for the error message. */
#define OUTPUT_MAX 512

static const char *tool_name(enum id_map_kind kind)
{
        return kind == ID_MAP_UID ? "newuidmap" : "newgidmap";
}

/* Only absolute PATH entries: a relative one would let the working
 * directory choose which program berth hands the container's ids to. */
static char *find_tool(const char *name)
{
        const char *path = getenv("PATH");
        _cleanup_free_ char *dirs = xstrdup(path && *path ? path : SYSTEM_PATH);
        char *save = NULL;
        for (char *dir = strtok_r(dirs, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
                if (dir[0] != '/')
                        continue;
                char *full = xasprintf("%s/%s", dir, name);
                if (access(full, X_OK) == 0)
                        return full;
                free(full);
        }
        return NULL;
}

/* "newuidmap PID inside outside count ...", NULL-terminated. */
static char **tool_argv(const char *path, pid_t pid, const struct oci_id_mapping *maps, size_t n)
{
        char **argv = xmalloc0((2 + 3 * n + 1) * sizeof(char *));
        size_t i = 0;
        argv[i++] = xstrdup(path);
        argv[i++] = xasprintf("%d", (int) pid);
        for (size_t m = 0; m < n; m++) {
                argv[i++] = xasprintf("%" PRIu32, maps[m].container_id);
                argv[i++] = xasprintf("%" PRIu32, maps[m].host_id);
                argv[i++] = xasprintf("%" PRIu32, maps[m].size);
        }
        return argv;
}

/* Read the tool's stdout and stderr until it closes them, keeping the
 * start, lines joined with "; ". */
static void read_output(int fd, char *out, size_t size)
{
        size_t used = 0;
        char buf[256];
        for (;;) {
                ssize_t got = read(fd, buf, sizeof(buf));
                if (got < 0 && errno == EINTR)
                        continue;
                if (got <= 0)
                        break;
                for (ssize_t i = 0; i < got && used + 3 < size; i++) {
                        if (buf[i] != '\n') {
                                out[used++] = buf[i];
                        } else if (used > 0) {
                                out[used++] = ';';
                                out[used++] = ' ';
                        }
                }
        }
        while (used > 0 && (out[used - 1] == ' ' || out[used - 1] == ';'))
                used--;
        out[used] = '\0';
}

static void spawn_actions_destroy(posix_spawn_file_actions_t *fa)
{
        posix_spawn_file_actions_destroy(fa);
}

static void spawn_attr_destroy(posix_spawnattr_t *attr)
{
        posix_spawnattr_destroy(attr);
}

/* Run argv with stdin from /dev/null and its output captured; berth's
 * blocked signals are not handed on. */
static int run_tool(char **argv, int *status, char *output, size_t size, struct berth_error *err)
{
        int fds[2];
        if (pipe2(fds, O_CLOEXEC) < 0)
                return berth_error_errno(err, errno, "run %s: pipe", argv[0]);
        _cleanup_close_ int rd = fds[0];
        _cleanup_close_ int wr = fds[1];

        _cleanup_(spawn_actions_destroy) posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_adddup2(&fa, wr, STDOUT_FILENO);
        posix_spawn_file_actions_adddup2(&fa, wr, STDERR_FILENO);
        _cleanup_(spawn_attr_destroy) posix_spawnattr_t attr;
        posix_spawnattr_init(&attr);
        sigset_t none, all;
        sigemptyset(&none);
        sigfillset(&all);
        posix_spawnattr_setsigmask(&attr, &none);
        posix_spawnattr_setsigdefault(&attr, &all);
        posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

        char *envp[] = { (char *) "PATH=" SYSTEM_PATH, NULL };
        pid_t child;
        int r = posix_spawn(&child, argv[0], &fa, &attr, argv, envp);
        if (r != 0)
                return berth_error_errno(err, r, "run %s", argv[0]);
        close(steal_fd(&wr));
        read_output(rd, output, size);
        while (waitpid(child, status, 0) < 0) {
                if (errno != EINTR)
                        return berth_error_errno(err, errno, "wait for %s", argv[0]);
        }
        return 0;
}

static int tool_missing(enum id_map_kind kind, struct berth_error *err)
{
        bool uid = kind == ID_MAP_UID;
        return berth_error_new(err, ENOENT,
                               "mapping more than your own %s (%u) into the user namespace needs %s, which is "
                               "not in PATH: install the uidmap package (apt-get install uidmap; shadow-utils "
                               "on Fedora) and grant the ranges in %s",
                               uid ? "uid" : "gid", uid ? (unsigned) geteuid() : (unsigned) getegid(),
                               tool_name(kind), uid ? "/etc/subuid" : "/etc/subgid");
}

static int tool_refused(enum id_map_kind kind, int status, const char *output, struct berth_error *err)
{
        bool uid = kind == ID_MAP_UID;
        char how[64];
        if (WIFEXITED(status))
                snprintf(how, sizeof(how), "exit status %d", WEXITSTATUS(status));
        else
                snprintf(how, sizeof(how), "killed by signal %d", WTERMSIG(status));
        return berth_error_new(err, EPERM,
                               "%s refused the ranges (%s%s%s): %s must grant %s %u (or its user name) every "
                               "host range mapped besides its own id",
                               tool_name(kind), how, output[0] ? ": " : "", output,
                               uid ? "/etc/subuid" : "/etc/subgid", uid ? "uid" : "gid",
                               uid ? (unsigned) getuid() : (unsigned) getgid());
}

int id_map_tool_write(enum id_map_kind kind, pid_t pid, const struct oci_id_mapping *maps, size_t n,
                      struct berth_error *err)
{
        _cleanup_free_ char *path = find_tool(tool_name(kind));
        if (!path)
                return tool_missing(kind, err);
        _cleanup_strv_ char **argv = tool_argv(path, pid, maps, n);
        int status = 0;
        char output[OUTPUT_MAX];
        int r = run_tool(argv, &status, output, sizeof(output), err);
        if (r < 0)
                return r;
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
                return tool_refused(kind, status, output, err);
        return 0;
}
