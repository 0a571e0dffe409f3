/* berth spec: write a starter config.json into a bundle. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cli.h"
#include "common/cleanup.h"
#include "common/util.h"
#include "oci/spec.h"

static const struct option spec_options[] = {
        { "bundle", required_argument, NULL, 'b' },
        { "rootless", no_argument, NULL, 'r' },
        CLI_HELP_OPTION,
        { 0 },
};

static int write_spec(const char *bundle, bool rootless, struct berth_error *err)
{
        _cleanup_free_ char *json = NULL;
        int r = oci_spec_default(rootless, &json, err);
        if (r < 0)
                return r;
        _cleanup_free_ char *path = strcmp(bundle, ".") == 0 ? xstrdup("config.json")
                                                              : xasprintf("%s/config.json", bundle);
        /* O_EXCL: never overwrite someone's config.json, as runc refuses to. */
        r = write_file_at(AT_FDCWD, path, O_CREAT | O_EXCL, 0666, json, strlen(json), err);
        if (r == -EEXIST)
                return berth_error_new(err, EEXIST, "%s already exists: remove it first", path);
        return r;
}

static int run_spec(const struct command *cmd, const struct global_options *g, int argc, char **argv)
{
        const char *bundle = ".";
        bool rootless = false;
        int c;
        while ((c = cli_getopt(cmd, argc, argv, "b:", spec_options)) != -1) {
                switch (c) {
                case 'b':
                        bundle = optarg;
                        break;
                case 'r':
                        rootless = true;
                        break;
                default:
                        return cli_option_exit(c);
                }
        }
        if (!cli_positional(cmd, argc, argv, 0, 0))
                return 1;
        struct berth_error err = { 0 };
        if (write_spec(bundle, rootless, &err) < 0)
                return cli_fail(&err);
        return 0;
}

const struct command command_spec = {
        .name = "spec",
        .args = "",
        .summary = "write a starter config.json",
        .help = "Write a starter config.json into the bundle: it runs \"sh\" from ./rootfs\n"
                "with a terminal.  Edit process.args and the rest before use.  An existing\n"
                "config.json is never overwritten.\n"
                "\n"
                "Options:\n"
                "  -b, --bundle DIR   where to write config.json (default: the current directory)\n"
                "  --rootless         a config for a container run by an unprivileged user\n"
                "                     (a user namespace mapping the caller, no cgroup limits)\n"
                "  -h, --help         show this help\n",
        .run = run_spec,
};
