/* berth features: print what this berth supports (features.md) as JSON. */
#include <stdlib.h>

#include "cmd/cli.h"
#include "common/cleanup.h"
#include "oci/features.h"

static const struct option features_options[] = {
        CLI_HELP_OPTION,
        { 0 },
};

static int run_features(const struct command *cmd, const struct global_options *g, int argc, char **argv)
{
        int c;
        while ((c = cli_getopt(cmd, argc, argv, "", features_options)) != -1)
                return cli_option_exit(c);
        if (!cli_positional(cmd, argc, argv, 0, 0))
                return 1;
        struct berth_error err = { 0 };
        _cleanup_free_ char *json = NULL;
        if (oci_features_emit(&json, &err) < 0)
                return cli_fail(&err);
        cli_print_json(json);
        return 0;
}

const struct command command_features = {
        .name = "features",
        .args = "",
        .summary = "print the features this berth supports as JSON",
        .help = "Print, as JSON, what this berth supports (the runtime spec's features\n"
                "document): OCI version range, hooks, mount options, namespaces,\n"
                "capabilities, cgroup, seccomp and the rest.\n"
                "\n"
                "Options:\n"
                "  -h, --help   show this help\n",
        .run = run_features,
};
