/* berth start: let a created container's process run. */
#include "cmd/cli.h"
#include "runtime/container.h"

static const struct option start_options[] = {
        CLI_HELP_OPTION,
        { 0 },
};

static int run_start(const struct command *cmd, const struct global_options *g, int argc, char **argv)
{
        int c;
        while ((c = cli_getopt(cmd, argc, argv, "", start_options)) != -1)
                return cli_option_exit(c);
        if (!cli_positional(cmd, argc, argv, 1, 1))
                return 1;
        struct berth_error err = { 0 };
        if (container_start(g->root, argv[optind], &err) < 0)
                return cli_fail(&err);
        return 0;
}

const struct command command_start = {
        .name = "start",
        .args = "<container-id>",
        .summary = "run the process of a created container",
        .help = "Release the process of the created container <container-id>: it runs\n"
                "process.args from config.json.\n"
                "\n"
                "Options:\n"
                "  -h, --help   show this help\n",
        .run = run_start,
};
