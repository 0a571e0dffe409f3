/* berth ps: the processes of a container (every pid of its cgroup), as a
 * JSON array or as ps(1)'s table cut down to those processes, as runc's ps
 * prints them. */
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroups/cgroup.h"
#include "cmd/cli.h"
#include "common/cleanup.h"
#include "common/util.h"
#include "runtime/pid_walk.h"
#include "runtime/state.h"

enum ps_format { FORMAT_TABLE, FORMAT_JSON };

static const struct option ps_options[] = {
        { "format", required_argument, NULL, 'f' },
        CLI_HELP_OPTION,
        { 0 },
};

/* "--format" or a prefix getopt_long takes for it ("--form"), without an
 * attached "=value": the value is the next word. */
static bool is_format_without_value(const char *arg)
{
        if (strcmp(arg, "-f") == 0)
                return true;
        if (strncmp(arg, "--", 2) != 0 || !arg[2] || strchr(arg, '='))
                return false;
        return strncmp("format", arg + 2, strlen(arg + 2)) == 0;
}

/* berth's options come before the container id and every word after it
 * is for ps (`berth ps ID -o pid,comm`), as runc parses them.  The index of
 * the id, or argc when there is none. */
static int container_id_index(int argc, char **argv)
{
        for (int i = 1; i < argc; i++) {
                const char *arg = argv[i];
                if (strcmp(arg, "--") == 0)
                        return i + 1;
                if (arg[0] != '-' || arg[1] == '\0')
                        return i;
                if (is_format_without_value(arg))
                        i++;
        }
        return argc;
}

/* The container's pids; none for a stopped container whose group is gone. */
static int container_pids(const char *root, const char *id, pid_t **pids, size_t *n, struct berth_error *err)
{
        *pids = NULL;
        *n = 0;
        _cleanup_(state_dir_release) struct state_dir sd = { .dir_fd = -1 };
        /* Unlocked, like state: ps only reads. */
        _cleanup_(oci_state_release) struct oci_state st = { 0 };
        int r = state_open_load(root, id, false, &sd, &st, err);
        if (r < 0)
                return r;
        /* Rootless without a delegated cgroup: the init's pid namespace. */
        if (!st.cgroup_path || !st.cgroup_path[0])
                return pid_walk_container(st.status == STATUS_STOPPED ? 0 : st.pid, pids, n, err);
        r = cgroup_list_pids(st.cgroup_path, pids, n, err);
        if (r == -ENOENT && st.status == STATUS_STOPPED)
                return 0;
        return r < 0 ? berth_error_prefix(err, "container %s", id) : 0;
}

/* An empty list prints "null", as runc's encoder does for a nil slice. */
static void print_json(const pid_t *pids, size_t n)
{
        if (n == 0) {
                printf("null\n");
                return;
        }
        json_t *array = json_array();
        for (size_t i = 0; i < n; i++)
                json_array_append_new(array, json_integer(pids[i]));
        char *s = json_dumps(array, JSON_COMPACT);
        json_decref(array);
        if (!s)
                abort();   /* out of memory: berth aborts, as xmalloc does */
        printf("%s\n", s);
        free(s);
}

static void read_all(int fd, char **out)
{
        size_t cap = 4096, used = 0;
        char *buf = xmalloc0(cap);
        for (;;) {
                if (cap - used < 2) {
                        cap *= 2;
                        buf = xrealloc(buf, cap);
                }
                ssize_t n = read(fd, buf + used, cap - used - 1);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        break;
                used += (size_t) n;
        }
        buf[used] = '\0';
        *out = buf;
}

/* The first line of ps's output, for an error message. */
static const char *first_line(char *text)
{
        text += strspn(text, "\n");
        text[strcspn(text, "\n")] = '\0';
        return text;
}

/* Run ps with `args` (argv[0] included) and collect stdout and stderr
 * together, as runc does; a failing ps is an error carrying its words. */
static int run_ps(char **args, char **output, struct berth_error *err)
{
        int fds[2];
        if (pipe2(fds, O_CLOEXEC) < 0)
                return berth_error_errno(err, errno, "pipe");
        pid_t pid = fork();
        if (pid < 0) {
                int saved = errno;
                close(fds[0]);
                close(fds[1]);
                return berth_error_errno(err, saved, "fork");
        }
        if (pid == 0) {
                dup2(fds[1], STDOUT_FILENO);
                dup2(fds[1], STDERR_FILENO);
                signal(SIGPIPE, SIG_DFL);
                execvp("ps", args);
                dprintf(STDERR_FILENO, "cannot run ps: %s\n", strerror(errno));
                _exit(127);
        }
        close(fds[1]);
        _cleanup_free_ char *text = NULL;
        read_all(fds[0], &text);
        close(fds[0]);
        int status;
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        return berth_error_errno(err, errno, "wait for ps");
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
                return berth_error_new(err, ECHILD, "ps: %s %d: %s",
                                       WIFEXITED(status) ? "exit status" : "killed by signal",
                                       WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status),
                                       first_line(text));
        *output = steal_pointer(&text);
        return 0;
}

/* The n-th whitespace-separated word of `line` (copied into word). */
static bool nth_word(const char *line, int n, char *word, size_t size)
{
        for (int i = 0; ; i++) {
                line += strspn(line, " \t");
                if (!*line)
                        return false;
                size_t len = strcspn(line, " \t");
                if (i == n) {
                        snprintf(word, size, "%.*s", (int) len, line);
                        return true;
                }
                line += len;
        }
}

static int pid_column(const char *header, struct berth_error *err)
{
        char word[64];
        for (int i = 0; nth_word(header, i, word, sizeof(word)); i++)
                if (strcmp(word, "PID") == 0)
                        return i;
        return berth_error_new(err, EINVAL, "ps printed no PID column (its header: \"%s\"); "
                               "with -o, include pid", header);
}

static bool pid_in(const pid_t *pids, size_t n, long pid)
{
        for (size_t i = 0; i < n; i++)
                if (pids[i] == pid)
                        return true;
        return false;
}

/* ps's header, then the lines whose PID column is one of `pids`. */
static int print_table(char **ps_args, const pid_t *pids, size_t n, struct berth_error *err)
{
        _cleanup_free_ char *output = NULL;
        int r = run_ps(ps_args, &output, err);
        if (r < 0)
                return r;
        char *save = NULL;
        const char *header = strtok_r(output, "\n", &save);
        if (!header)
                return berth_error_new(err, EINVAL, "ps printed nothing");
        int column = pid_column(header, err);
        if (column < 0)
                return column;
        printf("%s\n", header);
        for (const char *line = strtok_r(NULL, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                char word[64];
                long pid;
                if (!nth_word(line, column, word, sizeof(word)) || parse_long(word, &pid) < 0)
                        return berth_error_new(err, EINVAL, "cannot read a pid in ps's line \"%s\"", line);
                if (pid_in(pids, n, pid))
                        printf("%s\n", line);
        }
        return 0;
}

/* argv for ps: "ps" and the words after the container id, or "-ef". */
static char **ps_argv(int argc, char **argv, int first)
{
        int n = argc - first;
        /* "ps", the n words or "-ef", and the NULL that ends the vector. */
        char **args = xmalloc0((size_t) (n + 3) * sizeof(char *));
        args[0] = xstrdup("ps");
        for (int i = 0; i < n; i++)
                args[i + 1] = xstrdup(argv[first + i]);
        if (n == 0)
                args[1] = xstrdup("-ef");
        return args;
}

static int run_ps_command(const struct command *cmd, const struct global_options *g, int argc, char **argv)
{
        enum ps_format format = FORMAT_TABLE;
        int id_index = container_id_index(argc, argv);
        int c;
        while ((c = cli_getopt(cmd, id_index, argv, "f:", ps_options)) != -1) {
                if (c != 'f')
                        return cli_option_exit(c);
                bool json;
                if (!cli_format_json(cmd, optarg, "table", &json))
                        return 1;
                format = json ? FORMAT_JSON : FORMAT_TABLE;
        }
        optind = id_index;
        if (!cli_positional(cmd, argc, argv, 1, INT_MAX))
                return 1;
        const char *id = argv[id_index];

        struct berth_error err = { 0 };
        _cleanup_free_ pid_t *pids = NULL;
        size_t n = 0;
        if (container_pids(g->root, id, &pids, &n, &err) < 0)
                return cli_fail(&err);
        if (format == FORMAT_JSON) {
                print_json(pids, n);
                return 0;
        }
        _cleanup_strv_ char **args = ps_argv(argc, argv, id_index + 1);
        if (print_table(args, pids, n, &err) < 0)
                return cli_fail(&err);
        return 0;
}

const struct command command_ps = {
        .name = "ps",
        .args = "<container-id> [ps options]",
        .summary = "list the processes running in a container",
        .help = "List the processes of <container-id>: every process in its cgroup.  The\n"
                "table is the output of ps(1) run with [ps options] (default -ef), cut\n"
                "down to its header and the container's processes; the words after the\n"
                "container id all go to ps.  Pids are as the host sees them.\n"
                "\n"
                "Options (before the container id):\n"
                "  -f, --format FORMAT   table (default) or json: an array of the pids\n"
                "  -h, --help            show this help\n",
        .run = run_ps_command,
};
