/* berth pause: freeze every process of a running container. */
#include "cmd/cli.h"
#include "runtime/container.h"

static const struct option pause_options[] = {
        CLI_HELP_OPTION,
        { 0 },
};

static int run_pause(const struct command *cmd, const struct global_options *g, int argc, char **argv)
{
        int c;
        while ((c = cli_getopt(cmd, argc, argv, "", pause_options)) != -1)
                return cli_option_exit(c);
        if (!cli_positional(cmd, argc, argv, 1, 1))
                return 1;
        struct berth_error err = { 0 };
        if (container_pause(g->root, argv[optind], &err) < 0)
                return cli_fail(&err);
        return 0;
}

const struct command command_pause = {
        .name = "pause",
        .args = "<container-id>",
        .summary = "suspend every process of a running container",
        .help = "Freeze every process in the cgroup of <container-id> (cgroup v2's\n"
                "cgroup.freeze) and return once the kernel reports them all frozen, or fail\n"
                "after 10 s.  The container must be running; its state is then \"paused\"\n"
                "until berth resume.\n"
                "\n"
                "Options:\n"
                "  -h, --help   show this help\n",
        .run = run_pause,
};
