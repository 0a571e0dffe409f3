/* berth kill: send a signal to a container's init, or to all its
 * processes; signals are named as kill(1) and runc accept them. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cmd/cli.h"
#include "common/util.h"
#include "runtime/container.h"

static const struct {
        const char *name;
        int number;
} signal_names[] = {
        { "HUP", SIGHUP },       { "INT", SIGINT },       { "QUIT", SIGQUIT },   { "ILL", SIGILL },
        { "TRAP", SIGTRAP },     { "ABRT", SIGABRT },     { "IOT", SIGIOT },     { "BUS", SIGBUS },
        { "FPE", SIGFPE },       { "KILL", SIGKILL },     { "USR1", SIGUSR1 },   { "SEGV", SIGSEGV },
        { "USR2", SIGUSR2 },     { "PIPE", SIGPIPE },     { "ALRM", SIGALRM },   { "TERM", SIGTERM },
        { "STKFLT", SIGSTKFLT }, { "CHLD", SIGCHLD },     { "CLD", SIGCHLD },    { "CONT", SIGCONT },
        { "STOP", SIGSTOP },     { "TSTP", SIGTSTP },     { "TTIN", SIGTTIN },   { "TTOU", SIGTTOU },
        { "URG", SIGURG },       { "XCPU", SIGXCPU },     { "XFSZ", SIGXFSZ },   { "VTALRM", SIGVTALRM },
        { "PROF", SIGPROF },     { "WINCH", SIGWINCH },   { "IO", SIGIO },       { "POLL", SIGPOLL },
        { "PWR", SIGPWR },       { "SYS", SIGSYS },
};

/* RTMIN, RTMIN+N, RTMAX, RTMAX-N.  SIGRTMIN is a function call in glibc
 * (it reserves a few for threads), so the range is the running one. */
static int parse_rt_signal(const char *name)
{
        long n = 0;
        if (strncasecmp(name, "RTMIN", 5) == 0) {
                if (name[5] && (name[5] != '+' || parse_long(name + 6, &n) < 0 || n < 0))
                        return -1;
                return n <= SIGRTMAX - SIGRTMIN ? SIGRTMIN + (int) n : -1;
        }
        if (strncasecmp(name, "RTMAX", 5) == 0) {
                if (name[5] && (name[5] != '-' || parse_long(name + 6, &n) < 0 || n < 0))
                        return -1;
                return n <= SIGRTMAX - SIGRTMIN ? SIGRTMAX - (int) n : -1;
        }
        return -1;
}

/* A number (0 probes, up to SIGRTMAX), or a name with or without "SIG",
 * in any case.  -1 if it is none of these. */
static int parse_signal(const char *s)
{
        long n;
        if (parse_long(s, &n) == 0)
                return n >= 0 && n <= SIGRTMAX ? (int) n : -1;
        const char *name = strncasecmp(s, "SIG", 3) == 0 ? s + 3 : s;
        for (size_t i = 0; i < sizeof(signal_names) / sizeof(signal_names[0]); i++)
                if (strcasecmp(name, signal_names[i].name) == 0)
                        return signal_names[i].number;
        return parse_rt_signal(name);
}

static const struct option kill_options[] = {
        { "all", no_argument, NULL, 'a' },
        CLI_HELP_OPTION,
        { 0 },
};

static int run_kill(const struct command *cmd, const struct global_options *g, int argc, char **argv)
{
        bool all = false;
        int c;
        while ((c = cli_getopt(cmd, argc, argv, "a", kill_options)) != -1) {
                if (c != 'a')
                        return cli_option_exit(c);
                all = true;
        }
        if (!cli_positional(cmd, argc, argv, 1, 2))
                return 1;
        const char *id = argv[optind];
        int sig = SIGTERM;
        if (optind + 1 < argc) {
                sig = parse_signal(argv[optind + 1]);
                if (sig < 0)
                        return cli_usage_error(cmd, "invalid signal \"%s\"", argv[optind + 1]);
        }
        struct berth_error err = { 0 };
        if (container_kill(g->root, id, sig, all, &err) < 0)
                return cli_fail(&err);
        return 0;
}

const struct command command_kill = {
        .name = "kill",
        .args = "<container-id> [signal]",
        .summary = "send a signal to a container's process (default SIGTERM)",
        .help = "Send [signal] to the init process of <container-id>; the default is SIGTERM.\n"
                "The signal is a number (0 only checks that the container is running) or a\n"
                "name, in any case, with or without the SIG prefix: KILL, SIGUSR1, rtmin+3.\n"
                "\n"
                "Options:\n"
                "  -a, --all    signal every process in the container's cgroup\n"
                "  -h, --help   show this help\n",
        .run = run_kill,
};
