/* The command line: the global options, one `struct command` per
 * subcommand (each in its own cmd/<name>.c), and the helpers they share for
 * option parsing, usage and the one error line every failure prints. */
#pragma once

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"

/* Options given before the subcommand (runc's global flags). */
struct global_options {
        const char *root;          /* --root, default from state_default_root() */
        bool rootless;             /* --rootless true|false|auto, resolved (runtime/rootless.h) */
        bool systemd_cgroup;       /* --systemd-cgroup */
        bool debug;                /* --debug */
};

struct command {
        const char *name;
        const char *args;          /* positional part of the synopsis: "<container-id>" */
        const char *summary;       /* one line, for `berth --help` */
        const char *help;          /* description and options, for `berth <name> --help` */
        /* It forks a container's init: berth first runs itself again from a
         * sealed copy of its binary (runtime/binary_clone.h). */
        bool forks_init;
        /* argv[0] is the subcommand name; returns the process exit code. */
        int (*run)(const struct command *cmd, const struct global_options *g, int argc, char **argv);
};

extern const struct command command_create, command_start, command_run, command_state,
        command_kill, command_delete, command_list, command_spec, command_features;
extern const struct command command_pause, command_resume, command_ps, command_events;
extern const struct command command_check;
extern const struct command command_update, command_exec;

/* Every subcommand takes -h/--help; list it in each option table. */
#define CLI_HELP_OPTION { "help", no_argument, NULL, 'h' }

/* What cli_getopt() returns instead of an option when parsing must stop. */
#define CLI_HELP_SHOWN (-2)      /* usage printed to stdout: exit 0 */
#define CLI_USAGE_ERROR (-3)     /* error line printed: exit 1 */

/* getopt_long for a subcommand, with permutation (options may follow the
 * container id) unless shortopts starts with '+' (options end at the
 * first operand).  Handles -h/--help, unknown options and missing
 * arguments itself.  Returns the option, -1 at the end, or CLI_HELP_SHOWN
 * / CLI_USAGE_ERROR: a subcommand's `default:` case returns
 * cli_option_exit(c). */
int cli_getopt(const struct command *cmd, int argc, char **argv, const char *shortopts,
               const struct option *longopts);
int cli_option_exit(int c);

/* Check that between min and max positional arguments follow the options;
 * prints the usage error and returns false otherwise. */
bool cli_positional(const struct command *cmd, int argc, char **argv, int min, int max);

/* Print "berth: <cmd>: <fmt>" plus a pointer to --help; returns 1. */
int cli_usage_error(const struct command *cmd, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

/* --format ARG where ARG is `plain` ("table" or "text") or "json": sets
 * *json, or prints the usage error and returns false. */
bool cli_format_json(const struct command *cmd, const char *arg, const char *plain, bool *json);

/* Print the error's one line (and log it to --log); returns 1. */
int cli_fail(const struct berth_error *err);

/* Print `berth <name> --help`. */
void cli_print_help(const struct command *cmd);

/* Print a malloc'd JSON document on stdout, newline-terminated. */
void cli_print_json(const char *json);

/* --preserve-fds N: a count of descriptors after stdio (create, run, exec). */
bool cli_parse_preserve_fds(const char *s, int *out);

struct container_options;
/* The options create and run share (run adds --detach, --keep and
 * --no-subreaper when for_run), then the container id.  Returns -1 when
 * the command should go on, else the exit code. */
int cli_container_options(const struct command *cmd, const struct global_options *g, int argc,
                          char **argv, bool for_run, struct container_options *opts);
