/* berth delete: remove a container, its cgroup and its state. */
#include "cmd/cli.h"
#include "runtime/container.h"

static const struct option delete_options[] = {
        { "force", no_argument, NULL, 'f' },
        CLI_HELP_OPTION,
        { 0 },
};

static int run_delete(const struct command *cmd, const struct global_options *g, int argc, char **argv)
{
        bool force = false;
        int c;
        while ((c = cli_getopt(cmd, argc, argv, "f", delete_options)) != -1) {
                if (c != 'f')
                        return cli_option_exit(c);
                force = true;
        }
        if (!cli_positional(cmd, argc, argv, 1, 1))
                return 1;
        struct berth_error err = { 0 };
        if (container_delete(g->root, argv[optind], force, &err) < 0)
                return cli_fail(&err);
        return 0;
}

const struct command command_delete = {
        .name = "delete",
        .args = "<container-id>",
        .summary = "delete a stopped or created container",
        .help = "Remove <container-id>: its cgroup and its state.  A created container's\n"
                "process is killed first; a running container is refused unless --force.\n"
                "\n"
                "Options:\n"
                "  -f, --force  kill a running container (SIGKILL to every process in its\n"
                "               cgroup) and delete it; remove what a failed create left\n"
                "               behind; succeed when the container does not exist\n"
                "  -h, --help   show this help\n",
        .run = run_delete,
};
