/* berth create: set a container up from a bundle; its process waits for
 * `berth start`.  Also the option parsing create and run share. */
#include <limits.h>
#include <string.h>

#include "cmd/cli.h"
#include "common/util.h"
#include "runtime/container.h"

enum {
        OPT_CONSOLE_SOCKET = 0x100,
        OPT_PID_FILE,
        OPT_NO_PIVOT,
        OPT_NO_NEW_KEYRING,
        OPT_PRESERVE_FDS,
        OPT_KEEP,
        OPT_NO_SUBREAPER,
};

#define CONTAINER_OPTIONS                                                          \
        { "bundle", required_argument, NULL, 'b' },                                \
        { "console-socket", required_argument, NULL, OPT_CONSOLE_SOCKET },         \
        { "pid-file", required_argument, NULL, OPT_PID_FILE },                     \
        { "no-pivot", no_argument, NULL, OPT_NO_PIVOT },                           \
        { "no-new-keyring", no_argument, NULL, OPT_NO_NEW_KEYRING },               \
        { "preserve-fds", required_argument, NULL, OPT_PRESERVE_FDS }

static const struct option create_options[] = {
        CONTAINER_OPTIONS,
        CLI_HELP_OPTION,
        { 0 },
};

static const struct option run_options[] = {
        CONTAINER_OPTIONS,
        { "detach", no_argument, NULL, 'd' },
        { "keep", no_argument, NULL, OPT_KEEP },
        { "no-subreaper", no_argument, NULL, OPT_NO_SUBREAPER },
        CLI_HELP_OPTION,
        { 0 },
};

int cli_container_options(const struct command *cmd, const struct global_options *g, int argc,
                          char **argv, bool for_run, struct container_options *opts)
{
        *opts = (struct container_options){
                .root = g->root,
                .bundle = ".",
                .systemd_cgroup = g->systemd_cgroup,
                .rootless = g->rootless,
        };
        const struct option *longopts = for_run ? run_options : create_options;
        const char *shortopts = for_run ? "b:d" : "b:";
        int c;
        while ((c = cli_getopt(cmd, argc, argv, shortopts, longopts)) != -1) {
                switch (c) {
                case 'b':
                        opts->bundle = optarg;
                        break;
                case OPT_CONSOLE_SOCKET:
                        opts->console_socket = optarg;
                        break;
                case OPT_PID_FILE:
                        opts->pid_file = optarg;
                        break;
                case OPT_NO_PIVOT:
                        opts->no_pivot = true;
                        break;
                case OPT_NO_NEW_KEYRING:
                        opts->no_new_keyring = true;
                        break;
                case OPT_PRESERVE_FDS:
                        if (!cli_parse_preserve_fds(optarg, &opts->preserve_fds))
                                return cli_usage_error(cmd, "--preserve-fds: \"%s\" is not a number of file descriptors",
                                                       optarg);
                        break;
                case 'd':
                        opts->detach = true;
                        break;
                case OPT_KEEP:
                        opts->keep = true;
                        break;
                case OPT_NO_SUBREAPER:
                        /* berth never makes itself a subreaper: nothing to turn off. */
                        break;
                default:
                        return cli_option_exit(c);
                }
        }
        if (!cli_positional(cmd, argc, argv, 1, 1))
                return 1;
        opts->id = argv[optind];
        return -1;
}

static int run_create(const struct command *cmd, const struct global_options *g, int argc, char **argv)
{
        struct container_options opts;
        int r = cli_container_options(cmd, g, argc, argv, false, &opts);
        if (r >= 0)
                return r;
        struct berth_error err = { 0 };
        if (container_create(&opts, &err) < 0)
                return cli_fail(&err);
        return 0;
}

const struct command command_create = {
        .name = "create",
        .forks_init = true,
        .args = "<container-id>",
        .summary = "create a container from a bundle; its process waits for start",
        .help = "Set up the container <container-id> from the bundle's config.json: its\n"
                "namespaces, mounts and cgroup.  The container's process is ready but waits\n"
                "until 'berth start <container-id>'.\n"
                "\n"
                "Options:\n"
                "  -b, --bundle DIR        the bundle directory (default: the current directory)\n"
                "  --console-socket PATH   AF_UNIX socket that receives the pseudoterminal's\n"
                "                          master fd when process.terminal is true\n"
                "  --pid-file FILE         write the container process's pid to FILE\n"
                "  --no-pivot              do not use pivot_root (for a rootfs on a ramdisk)\n"
                "  --no-new-keyring        keep berth's session keyring instead of a new one\n"
                "  --preserve-fds N        pass file descriptors 3 .. 3+N-1 to the container\n"
                "  -h, --help              show this help\n",
        .run = run_create,
};
