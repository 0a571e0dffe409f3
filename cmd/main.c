/* berth's entry point: the global options runc takes before the
 * subcommand, logging set up from them, then dispatch to cmd/<name>.c. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cli.h"
#include "common/cleanup.h"
#include "common/log.h"
#include "runtime/binary_clone.h"
#include "runtime/rootless.h"
#include "runtime/state.h"

#define OCI_SPEC_VERSION "1.3.0"

static const struct command *const commands[] = {
        &command_create, &command_start, &command_run,  &command_state,    &command_kill,
        &command_delete, &command_list,  &command_spec, &command_features,
        &command_check,
        &command_pause,  &command_resume, &command_ps,  &command_events,
        &command_update,
        &command_exec,
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void print_version(void)
{
        printf("berth version %s\n", PACKAGE_VERSION);
#ifdef BERTH_COMMIT
        printf("commit: %s\n", BERTH_COMMIT);
#endif
        printf("spec: %s\n", OCI_SPEC_VERSION);
}

static void print_help(void)
{
        printf("Usage: berth [global options] <command> [command options] [arguments]\n"
               "\n"
               "berth runs containers from OCI bundles (a config.json and a root\n"
               "filesystem), with the command line of runc.\n"
               "\n"
               "Commands:\n");
        for (size_t i = 0; i < N_COMMANDS; i++)
                printf("  %-10s %s\n", commands[i]->name, commands[i]->summary);
        printf("  %-10s %s\n", "help", "show this help, or a command's (berth help <command>)");
        printf("\n"
               "Global options:\n"
               "  --root DIR          container state directory (default " BERTH_DEFAULT_ROOT ", or\n"
               "                      $XDG_RUNTIME_DIR/" BERTH_USER_ROOT_NAME " for an unprivileged user)\n"
               "  --log FILE          also write log lines to FILE (default: stderr only)\n"
               "  --log-format FMT    text (default) or json\n"
               "  --debug             log debug messages\n"
               "  --systemd-cgroup    let systemd make and limit the container's cgroup (a transient\n"
               "                      scope; linux.cgroupsPath is \"slice:prefix:name\")\n"
               "  --rootless VALUE    true, false or auto (default): rootless, a container whose cgroup\n"
               "                      cannot be created (none delegated) and that asks for no limits\n"
               "                      runs without one; auto is rootless when not run by root\n"
               "  --criu PATH         accepted for runc compatibility, ignored\n"
               "  -v, --version       print the version\n"
               "  -h, --help          show this help\n"
               "\n"
               "Run 'berth <command> --help' for a command's options.\n");
}

static const struct command *find_command(const char *name)
{
        for (size_t i = 0; i < N_COMMANDS; i++)
                if (strcmp(commands[i]->name, name) == 0)
                        return commands[i];
        return NULL;
}

enum {
        OPT_ROOT = 0x100,
        OPT_LOG,
        OPT_LOG_FORMAT,
        OPT_DEBUG,
        OPT_SYSTEMD_CGROUP,
        OPT_ROOTLESS,
        OPT_CRIU,
};

static const struct option global_options[] = {
        { "root", required_argument, NULL, OPT_ROOT },
        { "log", required_argument, NULL, OPT_LOG },
        { "log-format", required_argument, NULL, OPT_LOG_FORMAT },
        { "debug", no_argument, NULL, OPT_DEBUG },
        { "systemd-cgroup", no_argument, NULL, OPT_SYSTEMD_CGROUP },
        { "rootless", required_argument, NULL, OPT_ROOTLESS },
        { "criu", required_argument, NULL, OPT_CRIU },
        { "version", no_argument, NULL, 'v' },
        { "help", no_argument, NULL, 'h' },
        { 0 },
};

struct parsed_globals {
        struct global_options g;
        const char *log_path;
        enum log_format log_format;
        enum rootless_mode rootless;
};

/* Returns -1 to go on to the subcommand, else the exit code. */
static int parse_globals(int argc, char **argv, struct parsed_globals *p)
{
        opterr = 0;
        int c;
        /* '+': stop at the subcommand, whose options are its own. */
        while ((c = getopt_long(argc, argv, "+:vh", global_options, NULL)) != -1) {
                switch (c) {
                case OPT_ROOT:
                        p->g.root = optarg;
                        break;
                case OPT_LOG:
                        p->log_path = optarg;
                        break;
                case OPT_LOG_FORMAT:
                        if (strcmp(optarg, "text") == 0)
                                p->log_format = LOG_FORMAT_TEXT;
                        else if (strcmp(optarg, "json") == 0)
                                p->log_format = LOG_FORMAT_JSON;
                        else {
                                log_error("--log-format: \"%s\" is neither text nor json", optarg);
                                return 1;
                        }
                        break;
                case OPT_DEBUG:
                        p->g.debug = true;
                        break;
                case OPT_SYSTEMD_CGROUP:
                        p->g.systemd_cgroup = true;
                        break;
                case OPT_ROOTLESS:
                        if (!rootless_mode_parse(optarg, &p->rootless)) {
                                log_error("--rootless: \"%s\" is not true, false or auto", optarg);
                                return 1;
                        }
                        break;
                case OPT_CRIU:
                        break;
                case 'v':
                        print_version();
                        return 0;
                case 'h':
                        print_help();
                        return 0;
                case ':':
                        log_error("option %s needs a value (see berth --help)", argv[optind - 1]);
                        return 1;
                default:
                        if (optopt && optopt < 0x100)
                                log_error("unknown global option -%c (see berth --help)", optopt);
                        else
                                log_error("unknown global option %s (see berth --help)", argv[optind - 1]);
                        return 1;
                }
        }
        return -1;
}

/* Commands that never touch the state root, so an unprivileged user
 * without XDG_RUNTIME_DIR can still run them. */
static bool uses_state_root(const struct command *cmd)
{
        return cmd != &command_spec && cmd != &command_features && cmd != &command_check;
}

static int run_help(int argc, char **argv)
{
        if (argc < 2) {
                print_help();
                return 0;
        }
        const struct command *cmd = find_command(argv[1]);
        if (!cmd) {
                log_error("help: unknown command \"%s\" (see berth --help)", argv[1]);
                return 1;
        }
        cli_print_help(cmd);
        return 0;
}

int main(int argc, char **argv)
{
        /* A peer that went away (a dead init, a closed console socket or
         * pipe) is an EPIPE error for berth to report, not a silent death.
         * The container's process and hooks get the default back. */
        signal(SIGPIPE, SIG_IGN);
        struct parsed_globals p = {
                .log_format = LOG_FORMAT_TEXT,
                .rootless = ROOTLESS_AUTO,
        };
        int r = parse_globals(argc, argv, &p);
        if (r >= 0)
                return r;

        r = log_init(p.log_path, p.log_format, p.g.debug);
        if (r < 0) {
                log_error("--log: open %s: %s", p.log_path, strerror(-r));
                return 1;
        }
        if (optind >= argc) {
                print_help();
                return 0;
        }

        int sub_argc = argc - optind;
        char **sub_argv = argv + optind;
        if (strcmp(sub_argv[0], "help") == 0 || strcmp(sub_argv[0], "h") == 0)
                return run_help(sub_argc, sub_argv);
        const struct command *cmd = find_command(sub_argv[0]);
        if (!cmd) {
                log_error("unknown command \"%s\" (see berth --help)", sub_argv[0]);
                return 1;
        }
        _cleanup_free_ char *default_root = NULL;
        if (!p.g.root && uses_state_root(cmd)) {
                struct berth_error err = { 0 };
                if (state_default_root(&default_root, &err) < 0)
                        return cli_fail(&err);
                p.g.root = default_root;
        }
        p.g.rootless = rootless_resolve(p.rootless);
        if (cmd->forks_init) {
                struct berth_error err = { 0 };
                if (binary_clone_reexec(argv, &err) < 0)
                        return cli_fail(&err);
        }
        /* 0 makes glibc's getopt start afresh: the subcommand parses with
         * its own option string and with permutation. */
        optind = 0;
        return cmd->run(cmd, &p.g, sub_argc, sub_argv);
}
