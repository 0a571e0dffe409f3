/* berth update: change a running container's resource limits, from runc's
 * flags or from a linux.resources JSON document (--resources FILE, or -
 * for standard input). */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cli.h"
#include "common/cleanup.h"
#include "common/util.h"
#include "oci/config.h"
#include "runtime/container.h"

enum {
        OPT_BLKIO_WEIGHT = 0x100,
        OPT_CPU_PERIOD,
        OPT_CPU_QUOTA,
        OPT_CPU_BURST,
        OPT_CPU_SHARE,
        OPT_CPU_RT_PERIOD,
        OPT_CPU_RT_RUNTIME,
        OPT_CPUSET_CPUS,
        OPT_CPUSET_MEMS,
        OPT_MEMORY,
        OPT_MEMORY_RESERVATION,
        OPT_MEMORY_SWAP,
        OPT_KERNEL_MEMORY,
        OPT_KERNEL_MEMORY_TCP,
        OPT_PIDS_LIMIT,
        OPT_L3_CACHE_SCHEMA,
        OPT_MEM_BW_SCHEMA,
};

static const struct option update_options[] = {
        { "resources", required_argument, NULL, 'r' },
        { "blkio-weight", required_argument, NULL, OPT_BLKIO_WEIGHT },
        { "cpu-period", required_argument, NULL, OPT_CPU_PERIOD },
        { "cpu-quota", required_argument, NULL, OPT_CPU_QUOTA },
        { "cpu-burst", required_argument, NULL, OPT_CPU_BURST },
        { "cpu-share", required_argument, NULL, OPT_CPU_SHARE },
        { "cpu-rt-period", required_argument, NULL, OPT_CPU_RT_PERIOD },
        { "cpu-rt-runtime", required_argument, NULL, OPT_CPU_RT_RUNTIME },
        { "cpuset-cpus", required_argument, NULL, OPT_CPUSET_CPUS },
        { "cpuset-mems", required_argument, NULL, OPT_CPUSET_MEMS },
        { "memory", required_argument, NULL, OPT_MEMORY },
        { "memory-reservation", required_argument, NULL, OPT_MEMORY_RESERVATION },
        { "memory-swap", required_argument, NULL, OPT_MEMORY_SWAP },
        { "kernel-memory", required_argument, NULL, OPT_KERNEL_MEMORY },
        { "kernel-memory-tcp", required_argument, NULL, OPT_KERNEL_MEMORY_TCP },
        { "pids-limit", required_argument, NULL, OPT_PIDS_LIMIT },
        { "l3-cache-schema", required_argument, NULL, OPT_L3_CACHE_SCHEMA },
        { "mem-bw-schema", required_argument, NULL, OPT_MEM_BW_SCHEMA },
        CLI_HELP_OPTION,
        { 0 },
};

/* Bytes as runc takes them: a number with an optional binary unit
 * (k, m, g, t, p; "b", "kb", "KiB" all accepted), or -1 for unlimited. */
static bool parse_bytes(const char *s, int64_t *out)
{
        if (strcmp(s, "-1") == 0) {
                *out = -1;
                return true;
        }
        char *end;
        errno = 0;
        double n = strtod(s, &end);
        if (end == s || errno || n < 0)
                return false;
        static const char units[] = "bkmgtp";
        const char *u = *end ? strchr(units, tolower((unsigned char) *end)) : units;
        if (!u)
                return false;
        if (*end) {
                end++;
                if (*end == 'i' || *end == 'I')
                        end++;
                if ((*end == 'b' || *end == 'B') && u != units)
                        end++;
                if (*end)
                        return false;
        }
        for (const char *p = units; p < u; p++)
                n *= 1024;
        if (n > (double) INT64_MAX)
                return false;
        *out = (int64_t) n;
        return true;
}

static bool parse_i64(const char *s, int64_t min, int64_t *out)
{
        char *end;
        errno = 0;
        long long v = strtoll(s, &end, 10);
        if (end == s || *end || errno || v < min)
                return false;
        *out = v;
        return true;
}

static bool parse_u64(const char *s, uint64_t *out)
{
        int64_t v;
        if (!parse_i64(s, 0, &v))
                return false;
        *out = (uint64_t) v;
        return true;
}

/* One flag into the resources; false when its value does not parse. */
static bool apply_flag(int opt, const char *v, struct oci_resources *r)
{
        struct oci_memory *m = &r->memory;
        struct oci_cpu *c = &r->cpu;
        int64_t i = 0;
        switch (opt) {
        case OPT_BLKIO_WEIGHT:
                r->has_block_io = r->block_io.has_weight = parse_i64(v, 0, &i) && i <= UINT16_MAX;
                r->block_io.weight = (uint16_t) i;
                return r->has_block_io;
        case OPT_CPU_PERIOD:
                return (r->has_cpu = c->has_period = parse_u64(v, &c->period));
        case OPT_CPU_QUOTA:
                return (r->has_cpu = c->has_quota = parse_i64(v, INT64_MIN, &c->quota));
        case OPT_CPU_BURST:
                return (r->has_cpu = c->has_burst = parse_u64(v, &c->burst));
        case OPT_CPU_SHARE:
                return (r->has_cpu = c->has_shares = parse_u64(v, &c->shares));
        case OPT_CPU_RT_PERIOD:
                return (r->has_cpu = c->has_realtime_period = parse_u64(v, &c->realtime_period));
        case OPT_CPU_RT_RUNTIME:
                return (r->has_cpu = c->has_realtime_runtime = parse_i64(v, INT64_MIN, &c->realtime_runtime));
        case OPT_CPUSET_CPUS:
                free(c->cpus);
                c->cpus = xstrdup(v);
                return (r->has_cpu = true);
        case OPT_CPUSET_MEMS:
                free(c->mems);
                c->mems = xstrdup(v);
                return (r->has_cpu = true);
        case OPT_MEMORY:
                return (r->has_memory = m->has_limit = parse_bytes(v, &m->limit));
        case OPT_MEMORY_RESERVATION:
                return (r->has_memory = m->has_reservation = parse_bytes(v, &m->reservation));
        case OPT_MEMORY_SWAP:
                return (r->has_memory = m->has_swap = parse_bytes(v, &m->swap));
        case OPT_KERNEL_MEMORY:
                return (r->has_memory = m->has_kernel = parse_bytes(v, &m->kernel));
        case OPT_KERNEL_MEMORY_TCP:
                return (r->has_memory = m->has_kernel_tcp = parse_bytes(v, &m->kernel_tcp));
        case OPT_PIDS_LIMIT:
                return (r->has_pids = r->pids.has_limit = parse_i64(v, -1, &r->pids.limit));
        }
        return false;
}

static const char *option_name(int val)
{
        for (const struct option *o = update_options; o->name; o++)
                if (o->val == val)
                        return o->name;
        return "?";
}

static int read_resources_file(const char *file, struct oci_resources *r, struct berth_error *err)
{
        bool from_stdin = strcmp(file, "-") == 0;
        _cleanup_free_ char *data = NULL;
        size_t len = 0;
        int ret = read_file_at(AT_FDCWD, from_stdin ? "/dev/stdin" : file, &data, &len, err);
        if (ret < 0)
                return berth_error_prefix(err, "--resources");
        return oci_resources_parse_data(data, len, from_stdin ? "standard input" : file, r, err);
}

static int run_update(const struct command *cmd, const struct global_options *g, int argc, char **argv)
{
        _cleanup_(oci_resources_release) struct oci_resources r = { 0 };
        const char *file = NULL;
        bool flags = false;
        int c;
        while ((c = cli_getopt(cmd, argc, argv, "r:", update_options)) != -1) {
                if (c == 'r') {
                        file = optarg;
                } else if (c == OPT_L3_CACHE_SCHEMA || c == OPT_MEM_BW_SCHEMA) {
                        return cli_usage_error(cmd, "--%s: Intel RDT is not supported",
                                               c == OPT_L3_CACHE_SCHEMA ? "l3-cache-schema" : "mem-bw-schema");
                } else if (c >= OPT_BLKIO_WEIGHT) {
                        flags = true;
                        if (!apply_flag(c, optarg, &r))
                                return cli_usage_error(cmd, "--%s: invalid value \"%s\"", option_name(c),
                                                       optarg);
                } else {
                        return cli_option_exit(c);
                }
        }
        if (!cli_positional(cmd, argc, argv, 1, 1))
                return 1;
        if (file && flags)
                return cli_usage_error(cmd, "--resources and the limit flags cannot be combined");
        struct berth_error err = { 0 };
        _cleanup_free_ char *origin = NULL;
        if (file) {
                if (read_resources_file(file, &r, &err) < 0)
                        return cli_fail(&err);
                origin = xasprintf("%s: ", strcmp(file, "-") == 0 ? "standard input" : file);
        } else {
                origin = xstrdup("update: ");
        }
        if (container_update(g->root, argv[optind], &r, origin, &err) < 0)
                return cli_fail(&err);
        return 0;
}

const struct command command_update = {
        .name = "update",
        .args = "<container-id>",
        .summary = "change the resource limits of a running container",
        .help = "Write new resource limits to the cgroup of <container-id>, converted as at\n"
                "create (cpu shares to cpu.weight, memory+swap to memory.swap.max, ...).\n"
                "Only what is given changes.  Sizes take k, m, g units; -1 is unlimited.\n"
                "\n"
                "Options:\n"
                "  -r, --resources FILE        a linux.resources JSON object; - reads stdin\n"
                "      --memory BYTES          memory limit (memory.max)\n"
                "      --memory-reservation BYTES  memory.low\n"
                "      --memory-swap BYTES     memory plus swap; -1 for unlimited swap\n"
                "      --kernel-memory BYTES   accepted; means nothing on cgroup v2\n"
                "      --kernel-memory-tcp BYTES  accepted; means nothing on cgroup v2\n"
                "      --cpu-share N           relative weight (cpu.weight after conversion)\n"
                "      --cpu-quota USEC        CPU time per period; -1 for no limit\n"
                "      --cpu-period USEC       the period of the quota\n"
                "      --cpu-burst USEC        cpu.max.burst\n"
                "      --cpu-rt-period USEC    refused on cgroup v2\n"
                "      --cpu-rt-runtime USEC   refused on cgroup v2\n"
                "      --cpuset-cpus LIST      CPUs to run on (0-3,7)\n"
                "      --cpuset-mems LIST      memory nodes to use\n"
                "      --blkio-weight N        10..1000 (io.weight after conversion)\n"
                "      --pids-limit N          maximum number of tasks; 0 or -1 for no limit\n"
                "  -h, --help                  show this help\n",
        .run = run_update,
};
