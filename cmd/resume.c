/* berth resume: thaw a paused container. */
#include "cmd/cli.h"
#include "runtime/container.h"

static const struct option resume_options[] = {
        CLI_HELP_OPTION,
        { 0 },
};

static int run_resume(const struct command *cmd, const struct global_options *g, int argc, char **argv)
{
        int c;
        while ((c = cli_getopt(cmd, argc, argv, "", resume_options)) != -1)
                return cli_option_exit(c);
        if (!cli_positional(cmd, argc, argv, 1, 1))
                return 1;
        struct berth_error err = { 0 };
        if (container_resume(g->root, argv[optind], &err) < 0)
                return cli_fail(&err);
        return 0;
}

const struct command command_resume = {
        .name = "resume",
        .args = "<container-id>",
        .summary = "resume the processes of a paused container",
        .help = "Thaw every process in the cgroup of <container-id>, which berth pause froze.\n"
                "The container must be paused; it is running again once this returns.\n"
                "\n"
                "Options:\n"
                "  -h, --help   show this help\n",
        .run = run_resume,
};
