/* berth exec: run a new process in a container, with runc's flags.
 * Options end at the container id: what follows is the command's own. */
#include <limits.h>
#include <stdlib.h>

#include "cmd/cli.h"
#include "common/cleanup.h"
#include "common/util.h"
#include "runtime/exec.h"

enum {
        OPT_CONSOLE_SOCKET = 0x100,
        OPT_PID_FILE,
        OPT_PROCESS,
        OPT_CWD,
        OPT_NO_NEW_PRIVS,
        OPT_APPARMOR,
        OPT_PROCESS_LABEL,
        OPT_PRESERVE_FDS,
        OPT_CGROUP,
        OPT_IGNORE_PAUSED,
};

static const struct option exec_options[] = {
        { "console-socket", required_argument, NULL, OPT_CONSOLE_SOCKET },
        { "pid-file", required_argument, NULL, OPT_PID_FILE },
        { "process", required_argument, NULL, OPT_PROCESS },
        { "cwd", required_argument, NULL, OPT_CWD },
        { "env", required_argument, NULL, 'e' },
        { "user", required_argument, NULL, 'u' },
        { "additional-gids", required_argument, NULL, 'g' },
        { "cap", required_argument, NULL, 'c' },
        { "tty", no_argument, NULL, 't' },
        { "detach", no_argument, NULL, 'd' },
        { "no-new-privs", no_argument, NULL, OPT_NO_NEW_PRIVS },
        { "apparmor", required_argument, NULL, OPT_APPARMOR },
        { "process-label", required_argument, NULL, OPT_PROCESS_LABEL },
        { "preserve-fds", required_argument, NULL, OPT_PRESERVE_FDS },
        { "cgroup", required_argument, NULL, OPT_CGROUP },
        { "ignore-paused", no_argument, NULL, OPT_IGNORE_PAUSED },
        CLI_HELP_OPTION,
        { 0 },
};

/* A repeated option's values, kept in argv order; the strings are argv's. */
struct value_list {
        char **v;
        size_t n;
};

static void value_list_add(struct value_list *l, char *value)
{
        l->v = xrealloc(l->v, (l->n + 2) * sizeof(char *));
        l->v[l->n++] = value;
        l->v[l->n] = NULL;
}

static void value_list_release(struct value_list *l)
{
        free(l->v);
}

struct exec_lists {
        struct value_list env, gids, caps;
};

static void exec_lists_release(struct exec_lists *l)
{
        value_list_release(&l->env);
        value_list_release(&l->gids);
        value_list_release(&l->caps);
}

/* One option into *o; returns -1 to go on, else the exit code. */
static int take_option(const struct command *cmd, int c, struct exec_options *o, struct exec_lists *l)
{
        switch (c) {
        case OPT_CONSOLE_SOCKET: o->console_socket = optarg; break;
        case OPT_PID_FILE: o->pid_file = optarg; break;
        case OPT_PROCESS: o->process_path = optarg; break;
        case OPT_CWD: o->cwd = optarg; break;
        case 'e': value_list_add(&l->env, optarg); break;
        case 'u': o->user = optarg; break;
        case 'g': value_list_add(&l->gids, optarg); break;
        case 'c': value_list_add(&l->caps, optarg); break;
        case 't': o->tty = true; break;
        case 'd': o->detach = true; break;
        case OPT_NO_NEW_PRIVS: o->no_new_privs = 1; break;
        case OPT_APPARMOR: o->apparmor = optarg; break;
        case OPT_PROCESS_LABEL: o->process_label = optarg; break;
        case OPT_CGROUP: o->sub_cgroup = optarg; break;
        case OPT_IGNORE_PAUSED: o->ignore_paused = true; break;
        case OPT_PRESERVE_FDS:
                if (!cli_parse_preserve_fds(optarg, &o->preserve_fds))
                        return cli_usage_error(cmd, "--preserve-fds: \"%s\" is not a number of file descriptors",
                                               optarg);
                break;
        default:
                return cli_option_exit(c);
        }
        return -1;
}

static int run_exec(const struct command *cmd, const struct global_options *g, int argc, char **argv)
{
        struct exec_options o = { .root = g->root, .no_new_privs = -1 };
        _cleanup_(exec_lists_release) struct exec_lists lists = { 0 };
        int c;
        while ((c = cli_getopt(cmd, argc, argv, "+de:u:g:c:t", exec_options)) != -1) {
                int r = take_option(cmd, c, &o, &lists);
                if (r >= 0)
                        return r;
        }
        if (!cli_positional(cmd, argc, argv, 1, INT_MAX))
                return 1;
        o.id = argv[optind];
        o.args = argv + optind + 1;
        o.env = lists.env.v;
        o.additional_gids = lists.gids.v;
        o.caps = lists.caps.v;
        if (!o.process_path && !o.args[0])
                return cli_usage_error(cmd, "no command given (and no --process)");
        struct berth_error err = { 0 };
        int exit_code = 0;
        if (container_exec(&o, &exit_code, &err) < 0)
                return cli_fail(&err);
        return exit_code;
}

const struct command command_exec = {
        .name = "exec",
        .forks_init = true,
        .args = "<container-id> [command [arg...]]",
        .summary = "run a new process in a running container",
        .help = "Run a process in the container <container-id>: in all of its namespaces and its\n"
                "cgroup, under its seccomp filter.  The process is the container's config.json\n"
                "process with <command> as its args and the options' changes, or the whole\n"
                "process.json given with --process.  In the foreground berth forwards signals\n"
                "to it, waits and exits with its exit code (128+N when signal N killed it).\n"
                "Options end at the container id.\n"
                "\n"
                "Options:\n"
                "  --process FILE          the process, as a config.json process object ('-':\n"
                "                          standard input); no command or process option then\n"
                "  --cwd DIR               the working directory\n"
                "  -e, --env NAME=VALUE    set a variable (repeat for more)\n"
                "  -u, --user UID[:GID]    the user (and group) to run as\n"
                "  -g, --additional-gids GID  an additional group (repeat for more)\n"
                "  -c, --cap CAP           add a capability to the bounding, effective and\n"
                "                          permitted sets (repeat for more)\n"
                "  -t, --tty               give the process a pseudoterminal\n"
                "  --no-new-privs          set no_new_privs\n"
                "  --apparmor PROFILE      the AppArmor profile\n"
                "  --process-label LABEL   the SELinux label\n"
                "  -d, --detach            return once the process runs\n"
                "  --pid-file FILE         write the process's pid to FILE\n"
                "  --console-socket PATH   AF_UNIX socket that receives the pseudoterminal's\n"
                "                          master fd\n"
                "  --preserve-fds N        pass file descriptors 3 .. 3+N-1 to the process\n"
                "  --cgroup PATH           join a group below the container's (relative PATH)\n"
                "  --ignore-paused         exec even in a paused container\n"
                "  -h, --help              show this help\n",
        .run = run_exec,
};
