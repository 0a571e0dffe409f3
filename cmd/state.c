/* berth state: print a container's state document (runtime.md "State"). */
#include <stdlib.h>

#include "cmd/cli.h"
#include "common/cleanup.h"
#include "runtime/state.h"

static const struct option state_options[] = {
        CLI_HELP_OPTION,
        { 0 },
};

static int print_state(const char *root, const char *id, struct berth_error *err)
{
        struct state_dir sd;
        /* Unlocked: a reader must not wait behind a long create or deadlock
         * against a hook that asks for the state. */
        int r = state_dir_peek(root, id, &sd, err);
        if (r < 0)
                return r;
        struct oci_state st = { 0 };
        r = state_load(&sd, &st, err);
        _cleanup_free_ char *json = NULL;
        if (r >= 0)
                r = oci_state_emit(&st, &json, err);
        if (r >= 0)
                cli_print_json(json);
        oci_state_release(&st);
        state_dir_release(&sd);
        return r;
}

static int run_state(const struct command *cmd, const struct global_options *g, int argc, char **argv)
{
        int c;
        while ((c = cli_getopt(cmd, argc, argv, "", state_options)) != -1)
                return cli_option_exit(c);
        if (!cli_positional(cmd, argc, argv, 1, 1))
                return 1;
        struct berth_error err = { 0 };
        if (print_state(g->root, argv[optind], &err) < 0)
                return cli_fail(&err);
        return 0;
}

const struct command command_state = {
        .name = "state",
        .args = "<container-id>",
        .summary = "print the state of a container as JSON",
        .help = "Print the state of <container-id> as JSON: ociVersion, id, status\n"
                "(created, running or stopped), pid, bundle, annotations, and runc's rootfs,\n"
                "created and owner.\n"
                "\n"
                "Options:\n"
                "  -h, --help   show this help\n",
        .run = run_state,
};
