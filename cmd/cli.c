/* Helpers every subcommand shares: option parsing with berth's own error
 * lines (getopt's are switched off), positional checks, usage output. */
#include "cmd/cli.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/log.h"
#include "common/util.h"

void cli_print_help(const struct command *cmd)
{
        printf("Usage: berth %s [options]%s%s\n\n%s", cmd->name, cmd->args[0] ? " " : "", cmd->args,
               cmd->help);
}

int cli_usage_error(const struct command *cmd, const char *fmt, ...)
{
        char msg[1024];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        log_error("%s: %s (see berth %s --help)", cmd->name, msg, cmd->name);
        return 1;
}

bool cli_format_json(const struct command *cmd, const char *arg, const char *plain, bool *json)
{
        *json = strcmp(arg, "json") == 0;
        if (*json || strcmp(arg, plain) == 0)
                return true;
        cli_usage_error(cmd, "--format: \"%s\" is neither %s nor json", arg, plain);
        return false;
}

int cli_fail(const struct berth_error *err)
{
        log_error("%s", err->msg[0] ? err->msg : "unknown error");
        return 1;
}

int cli_getopt(const struct command *cmd, int argc, char **argv, const char *shortopts,
               const struct option *longopts)
{
        /* ':' first (after a '+', which stops at the first non-option,
         * for exec's command): getopt reports a missing argument as ':'
         * and prints nothing, so the one error line is ours. */
        char optstring[64];
        bool stop_at_operand = shortopts[0] == '+';
        snprintf(optstring, sizeof(optstring), "%s:%sh", stop_at_operand ? "+" : "", shortopts + stop_at_operand);
        opterr = 0;
        int c = getopt_long(argc, argv, optstring, longopts, NULL);
        switch (c) {
        case 'h':
                cli_print_help(cmd);
                return CLI_HELP_SHOWN;
        case '?':
                if (optopt)
                        cli_usage_error(cmd, "unknown option -%c", optopt);
                else
                        cli_usage_error(cmd, "unknown option %s", argv[optind - 1]);
                return CLI_USAGE_ERROR;
        case ':':
                /* The option was the last word, so it is argv[optind - 1]. */
                cli_usage_error(cmd, "option %s needs a value", argv[optind - 1]);
                return CLI_USAGE_ERROR;
        default:
                return c;
        }
}

int cli_option_exit(int c)
{
        return c == CLI_HELP_SHOWN ? 0 : 1;
}

bool cli_positional(const struct command *cmd, int argc, char **argv, int min, int max)
{
        int n = argc - optind;
        if (n < min) {
                log_error("%s: missing %s (usage: berth %s [options] %s)", cmd->name,
                          n == 0 && strstr(cmd->args, "<container-id>") ? "container id" : "argument",
                          cmd->name, cmd->args);
                return false;
        }
        if (n > max) {
                cli_usage_error(cmd, "unexpected argument \"%s\"", argv[optind + max]);
                return false;
        }
        return true;
}

void cli_print_json(const char *json)
{
        size_t len = strlen(json);
        fputs(json, stdout);
        if (len == 0 || json[len - 1] != '\n')
                putchar('\n');
}

bool cli_parse_preserve_fds(const char *s, int *out)
{
        long n;
        /* The kernel's fd limit is far below INT_MAX; this only keeps the
         * arithmetic (3 + N) from overflowing. */
        if (parse_long(s, &n) < 0 || n < 0 || n > INT_MAX - 3)
                return false;
        *out = (int) n;
        return true;
}
