/* berth events: a container's cgroup statistics as runc prints them, one
 * JSON object a line: once (--stats), or every --interval together with an
 * "oom" line whenever the OOM killer strikes in the container's cgroup,
 * until the container stops. */
#include <ctype.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "cgroups/stats.h"
#include "cmd/cli.h"
#include "common/cleanup.h"
#include "common/log.h"
#include "common/util.h"
#include "runtime/state.h"

#define DEFAULT_INTERVAL_NS (5LL * 1000 * 1000 * 1000)

/* ---- --interval ------------------------------------------------------------ */

static const struct {
        const char *name;
        double ns;
} duration_units[] = {
        { "ns", 1 },    { "us", 1e3 },  { "\u00b5s", 1e3 }, { "\u03bcs", 1e3 },
        { "ms", 1e6 },  { "s", 1e9 },   { "m", 60e9 },      { "h", 3600e9 },
};

/* The unit at p, longest match first ("ms" before "m"); 0 if none. */
static size_t match_unit(const char *p, double *ns)
{
        size_t best = 0;
        for (size_t i = 0; i < sizeof(duration_units) / sizeof(duration_units[0]); i++) {
                size_t len = strlen(duration_units[i].name);
                if (len > best && strncmp(p, duration_units[i].name, len) == 0) {
                        best = len;
                        *ns = duration_units[i].ns;
                }
        }
        return best;
}

/* A Go duration (time.ParseDuration, what runc's --interval takes): a sign,
 * then numbers with units, "1m30s", "1.5s", "500ms"; "0" alone needs none. */
static int parse_go_duration(const char *s, long long *ns)
{
        const char *p = s;
        bool negative = *p == '-';
        if (*p == '-' || *p == '+')
                p++;
        if (strcmp(p, "0") == 0) {
                *ns = 0;
                return 0;
        }
        if (!*p)
                return -EINVAL;
        double total = 0;
        while (*p) {
                const char *start = p;
                while (isdigit((unsigned char) *p))
                        p++;
                bool whole_digits = p > start;
                if (*p == '.')
                        p++;
                const char *frac = p;
                while (isdigit((unsigned char) *p))
                        p++;
                if (!whole_digits && p == frac)
                        return -EINVAL;   /* no digits at all */
                char number[64];
                if ((size_t) (p - start) >= sizeof(number))
                        return -ERANGE;
                snprintf(number, sizeof(number), "%.*s", (int) (p - start), start);
                double unit;
                size_t len = match_unit(p, &unit);
                if (len == 0)
                        return -EINVAL;   /* a missing or unknown unit */
                p += len;
                total += strtod(number, NULL) * unit;
                if (total > (double) LLONG_MAX)
                        return -ERANGE;
        }
        *ns = (long long) (negative ? -total : total);
        return 0;
}

/* ---- output ------------------------------------------------------------------ */

/* One event line: {"type":...,"id":...,"data":...}; `data` (may be NULL,
 * as for "oom") is taken over.  Flushed at once: a reader acts on each. */
static int print_event(const char *type, const char *id, json_t *data, struct berth_error *err)
{
        json_t *event = json_object();
        json_object_set_new(event, "type", json_string(type));
        json_object_set_new(event, "id", json_string(id));
        if (data)
                json_object_set_new(event, "data", data);
        _cleanup_free_ char *text = NULL;
        int r = cgroup_stats_dump(event, &text, err);
        json_decref(event);
        if (r < 0)
                return r;
        if (printf("%s\n", text) < 0 || fflush(stdout) != 0)
                return berth_error_errno(err, errno, "write events");
        return 0;
}

static int print_stats(const char *id, const char *cgroup_path, struct berth_error *err)
{
        json_t *stats = NULL;
        int r = cgroup_stats_read(cgroup_path, &stats, err);
        if (r < 0)
                return r;
        return print_event("stats", id, stats, err);
}

/* ---- the container ------------------------------------------------------------ */

struct watched {
        struct state_dir sd;
        struct oci_state st;
        int cgroup_events;    /* cgroup.events: POLLPRI when "populated" changes */
        int memory_events;    /* memory.events: POLLPRI on an OOM kill; -1 without memory controller */
        int init_pidfd;       /* readable once the init exits; -1 where the kernel has no pidfd */
        uint64_t oom_kills;
};

static void watched_release(struct watched *w)
{
        if (w->cgroup_events >= 0)
                close(w->cgroup_events);
        if (w->memory_events >= 0)
                close(w->memory_events);
        if (w->init_pidfd >= 0)
                close(w->init_pidfd);
        oci_state_release(&w->st);
        state_dir_release(&w->sd);
}

/* The state, read unlocked: events runs for as long as the container does
 * and must never hold up another command on it. */
static int load_running(const char *root, const char *id, struct watched *w, struct berth_error *err)
{
        int r = state_dir_peek(root, id, &w->sd, err);
        if (r < 0)
                return r;
        r = state_load(&w->sd, &w->st, err);
        if (r < 0)
                return r;
        if (w->st.status == STATUS_STOPPED)
                return berth_error_new(err, ESRCH, "events %s: container not running", id);
        if (!w->st.cgroup_path || !w->st.cgroup_path[0])
                return berth_error_new(err, ENOTSUP, "events %s: the container has no cgroup", id);
        return 0;
}

/* A pidfd for the init, checked to be the recorded process. */
static int open_init_pidfd(const struct oci_state *st)
{
#ifdef SYS_pidfd_open
        int fd = (int) syscall(SYS_pidfd_open, st->pid, 0);
        if (fd < 0)
                return -1;
        if (st->pid_start_time != 0 && process_start_time(st->pid) != st->pid_start_time) {
                close(fd);
                return -1;
        }
        return fd;
#else
        return -1;
#endif
}

static int open_cgroup_file(const char *cgroup_path, const char *name)
{
        _cleanup_free_ char *path = xasprintf("%s/%s", cgroup_path, name);
        return open(path, O_RDONLY | O_CLOEXEC);
}

/* Read the file again (which also re-arms POLLPRI); false when the group
 * has no process left. */
static bool cgroup_populated(int fd)
{
        char buf[256];
        ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
        if (n <= 0)
                return false;   /* the group was removed */
        buf[n] = '\0';
        return !strstr(buf, "populated 0");
}

/* Print one "oom" line if memory.events' oom_kill grew since last time. */
static int report_oom(struct watched *w, struct berth_error *err)
{
        if (w->memory_events < 0)
                return 0;
        char buf[16];
        if (pread(w->memory_events, buf, sizeof(buf), 0) < 0)   /* re-arm POLLPRI */
                return 0;
        uint64_t count = 0;
        struct berth_error ignored = { 0 };
        if (cgroup_oom_kill_count(w->st.cgroup_path, &count, &ignored) < 0 || count <= w->oom_kills)
                return 0;
        w->oom_kills = count;
        return print_event("oom", w->st.id, NULL, err);
}

static int watch_open(struct watched *w, struct berth_error *err)
{
        w->cgroup_events = open_cgroup_file(w->st.cgroup_path, "cgroup.events");
        if (w->cgroup_events < 0)
                return berth_error_errno(err, errno, "open %s/cgroup.events", w->st.cgroup_path);
        w->memory_events = open_cgroup_file(w->st.cgroup_path, "memory.events");
        w->init_pidfd = open_init_pidfd(&w->st);
        /* The OOM kills before we started are not news. */
        struct berth_error ignored = { 0 };
        cgroup_oom_kill_count(w->st.cgroup_path, &w->oom_kills, &ignored);
        return 0;
}

static long long now_ns(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (long long) ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Still worth watching: the init lives (state says so) and the state
 * directory is still there. */
static bool container_running(struct watched *w)
{
        struct oci_state now = { 0 };
        struct berth_error ignored = { 0 };
        int r = state_load(&w->sd, &now, &ignored);
        bool running = r == 0 && now.status != STATUS_STOPPED;
        oci_state_release(&now);
        return running;
}

/* A stats line every interval and an oom line per OOM kill, until the
 * init exits, the group empties or the container is deleted. */
static int stream(struct watched *w, long long interval_ns, struct berth_error *err)
{
        long long next = now_ns() + interval_ns;
        for (;;) {
                struct pollfd fds[3] = {
                        { .fd = w->cgroup_events, .events = POLLPRI },
                        { .fd = w->memory_events, .events = POLLPRI },   /* -1 is skipped */
                        { .fd = w->init_pidfd, .events = POLLIN },
                };
                long long left = next - now_ns();
                long long timeout_ms = left <= 0 ? 0 : (left + 999999) / 1000000;
                if (poll(fds, 3, timeout_ms > INT_MAX ? INT_MAX : (int) timeout_ms) < 0 && errno != EINTR)
                        return berth_error_errno(err, errno, "poll");
                int r = fds[1].revents ? report_oom(w, err) : 0;
                if (r < 0)
                        return r;
                bool ended = (fds[2].revents & POLLIN) ||
                             ((fds[0].revents & (POLLPRI | POLLERR)) && !cgroup_populated(w->cgroup_events));
                if (ended)
                        return 0;
                if (now_ns() < next)
                        continue;
                if (!container_running(w))
                        return 0;
                r = print_stats(w->st.id, w->st.cgroup_path, err);
                if (r == -EPIPE)
                        return r;
                if (r == -ENOENT)
                        return 0;   /* the group is gone */
                if (r < 0)
                        log_warning("events %s: %s", w->st.id, err->msg);   /* runc too goes on */
                next += interval_ns;
                if (next <= now_ns())
                        next = now_ns() + interval_ns;
        }
}

static int events(const char *root, const char *id, bool stats_only, long long interval_ns,
                  struct berth_error *err)
{
        _cleanup_(watched_release) struct watched w = {
                .sd.dir_fd = -1, .cgroup_events = -1, .memory_events = -1, .init_pidfd = -1,
        };
        int r = load_running(root, id, &w, err);
        if (r < 0)
                return r;
        if (stats_only)
                return print_stats(id, w.st.cgroup_path, err);
        r = watch_open(&w, err);
        if (r < 0)
                return r;
        r = stream(&w, interval_ns, err);
        /* An OOM kill is often what ended the container: report it. */
        if (r == 0)
                r = report_oom(&w, err);
        return r;
}

/* ---- the command ---------------------------------------------------------- */

static const struct option events_options[] = {
        { "stats", no_argument, NULL, 's' },
        { "interval", required_argument, NULL, 'i' },
        CLI_HELP_OPTION,
        { 0 },
};

static int run_events(const struct command *cmd, const struct global_options *g, int argc, char **argv)
{
        bool stats_only = false;
        long long interval_ns = DEFAULT_INTERVAL_NS;
        int c;
        while ((c = cli_getopt(cmd, argc, argv, "", events_options)) != -1) {
                switch (c) {
                case 's':
                        stats_only = true;
                        break;
                case 'i':
                        if (parse_go_duration(optarg, &interval_ns) < 0)
                                return cli_usage_error(cmd, "--interval: \"%s\" is not a duration "
                                                       "(like 5s, 500ms or 1m30s)", optarg);
                        if (interval_ns <= 0)
                                return cli_usage_error(cmd, "--interval: \"%s\": the interval must be "
                                                       "greater than 0", optarg);
                        break;
                default:
                        return cli_option_exit(c);
                }
        }
        if (!cli_positional(cmd, argc, argv, 1, 1))
                return 1;
        struct berth_error err = { 0 };
        int r = events(g->root, argv[optind], stats_only, interval_ns, &err);
        if (r == -EPIPE)
                return 0;   /* the reader went away (`berth events ID | head -1`) */
        return r < 0 ? cli_fail(&err) : 0;
}

const struct command command_events = {
        .name = "events",
        .args = "<container-id>",
        .summary = "print a container's resource usage and OOM events as JSON",
        .help = "Print the statistics of <container-id>'s cgroup (cpu, memory, pids, blkio,\n"
                "hugetlb) as runc does, one JSON object a line: {\"type\":\"stats\",\"id\":...,\n"
                "\"data\":{...}} every interval, and {\"type\":\"oom\",\"id\":...} whenever the\n"
                "OOM killer kills a process in it.  The stream ends when the container stops.\n"
                "Statistics of a controller the cgroup does not have are zero.\n"
                "\n"
                "Options:\n"
                "  --stats               print the statistics once and exit\n"
                "  --interval DURATION   time between statistics (default 5s; a Go\n"
                "                        duration: 500ms, 2s, 1m30s)\n"
                "  -h, --help            show this help\n",
        .run = run_events,
};
