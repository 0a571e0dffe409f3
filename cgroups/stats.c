/* A group's statistics in the shape of runc's events "data" object (runc
 * 1.1's types.Stats, the cgroup v2 part): cpu.stat, memory.*, pids.*,
 * io.stat and hugetlb.* read into the same fields, with Go's omitempty
 * mimicked so the JSON matches runc's key for key.  A file that does not
 * exist (its controller is not enabled) leaves its fields zero. */
#include "cgroups/stats.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cgroups/cgroup.h"
#include "common/cleanup.h"
#include "common/util.h"

/* runc reads "max" as 2^64-1 and prints it so. */
#define UNLIMITED UINT64_MAX
/* How UNLIMITED is spelled in JSON, and how it is held in a json_t until
 * cgroup_stats_dump spells it: same length, so the swap is in place. */
#define UNLIMITED_TEXT "18446744073709551615"
#define SENTINEL_TEXT "-9223372036854775808"

/* jansson's own json_decrefp as a cleanup attribute. */
#define _cleanup_json_ _cleanup_(json_decrefp)

/* ---- reading files ------------------------------------------------------- */

/* *text is NULL when the file does not exist: not an error here, since a
 * controller that is not enabled simply has no files. */
static int read_optional(const char *dir, const char *name, char **text, struct berth_error *err)
{
        *text = NULL;
        _cleanup_free_ char *path = xasprintf("%s/%s", dir, name);
        int r = read_file_at(AT_FDCWD, path, text, NULL, err);
        if (r == -ENOENT || r == -ENODEV || r == -EOPNOTSUPP) {
                berth_error_clear(err);
                *text = NULL;
                return 0;
        }
        return r;
}

/* A decimal count, or "max" (UNLIMITED). */
static int parse_u64(const char *s, uint64_t *v)
{
        if (strncmp(s, "max", 3) == 0 && (s[3] == '\0' || s[3] == '\n')) {
                *v = UNLIMITED;
                return 0;
        }
        char *end;
        errno = 0;
        unsigned long long n = strtoull(s, &end, 10);
        if (errno || end == s || (*end && *end != '\n' && *end != ' '))
                return -EINVAL;
        *v = n;
        return 0;
}

/* A one-value file such as memory.current.  *found says whether it exists. */
static int read_single(const char *dir, const char *name, uint64_t *v, bool *found,
                       struct berth_error *err)
{
        _cleanup_free_ char *text = NULL;
        *v = 0;
        int r = read_optional(dir, name, &text, err);
        if (r < 0)
                return r;
        *found = text != NULL;
        if (text && parse_u64(text, v) < 0)
                return berth_error_new(err, EINVAL, "%s/%s: cannot parse \"%.40s\"", dir, name, text);
        return 0;
}

/* The value of `key` in a flat keyed file's text ("key value" lines);
 * 0 when absent. */
static uint64_t keyed_value(const char *text, const char *key)
{
        size_t klen = strlen(key);
        for (const char *line = text; line && *line; ) {
                uint64_t v;
                if (strncmp(line, key, klen) == 0 && line[klen] == ' ' && parse_u64(line + klen + 1, &v) == 0)
                        return v;
                line = strchr(line, '\n');
                if (line)
                        line++;
        }
        return 0;
}

/* `key` of a flat keyed file; 0 when the file or the key is missing. */
static int read_keyed(const char *dir, const char *name, const char *key, uint64_t *v,
                      struct berth_error *err)
{
        _cleanup_free_ char *text = NULL;
        int r = read_optional(dir, name, &text, err);
        if (r < 0)
                return r;
        *v = text ? keyed_value(text, key) : 0;
        return 0;
}

/* ---- JSON with Go's omitempty ------------------------------------------- */

static json_t *json_u64(uint64_t v)
{
        if (v == UNLIMITED)
                return json_integer(INT64_MIN);  /* spelled by cgroup_stats_dump */
        return json_integer((json_int_t) v);
}

static void set_u64(json_t *o, const char *key, uint64_t v)
{
        json_object_set_new(o, key, json_u64(v));
}

/* A field tagged `omitempty` in runc's types: absent when zero. */
static void set_u64_nonzero(json_t *o, const char *key, uint64_t v)
{
        if (v)
                set_u64(o, key, v);
}

/* ---- cpu ------------------------------------------------------------------ */

/* cpu.stat is a core file (no controller needed) for the usage lines; the
 * throttling lines appear with the cpu controller. */
static int cpu_stats(const char *dir, json_t **out, struct berth_error *err)
{
        _cleanup_free_ char *text = NULL;
        int r = read_optional(dir, "cpu.stat", &text, err);
        if (r < 0)
                return r;
        const char *t = text ? text : "";
        json_t *usage = json_object();
        set_u64_nonzero(usage, "total", keyed_value(t, "usage_usec") * 1000);
        set_u64(usage, "kernel", keyed_value(t, "system_usec") * 1000);
        set_u64(usage, "user", keyed_value(t, "user_usec") * 1000);
        json_t *throttling = json_object();
        set_u64_nonzero(throttling, "periods", keyed_value(t, "nr_periods"));
        set_u64_nonzero(throttling, "throttledPeriods", keyed_value(t, "nr_throttled"));
        set_u64_nonzero(throttling, "throttledTime", keyed_value(t, "throttled_usec") * 1000);
        *out = json_object();
        json_object_set_new(*out, "usage", usage);
        json_object_set_new(*out, "throttling", throttling);
        return 0;
}

/* runc fills cpuset statistics on cgroup v1 only: on v2 it prints the
 * zero object, and so does berth. */
static json_t *cpuset_stats(void)
{
        static const char *const zero_fields[] = {
                "cpu_exclusive",      "mem_hardwall",       "mem_exclusive",      "memory_migrate",
                "memory_spread_page", "memory_spread_slab", "memory_pressure",    "sched_load_balance",
                "sched_relax_domain_level",
        };
        json_t *o = json_object();
        for (size_t i = 0; i < sizeof(zero_fields) / sizeof(zero_fields[0]); i++)
                json_object_set_new(o, zero_fields[i], json_integer(0));
        return o;
}

/* ---- memory --------------------------------------------------------------- */

struct memory_entry {
        uint64_t limit, usage, max, failcnt;
};

static json_t *memory_entry_json(const struct memory_entry *e)
{
        json_t *o = json_object();
        set_u64(o, "limit", e->limit);
        set_u64_nonzero(o, "usage", e->usage);
        set_u64_nonzero(o, "max", e->max);
        set_u64(o, "failcnt", e->failcnt);
        return o;
}

/* <prefix>.current, .max, .peak, and the "max" count of <prefix>.events,
 * cgroup v2's counterpart of v1's failcnt. */
static int read_memory_entry(const char *dir, const char *prefix, struct memory_entry *e, bool *found,
                             struct berth_error *err)
{
        _cleanup_free_ char *current = xasprintf("%s.current", prefix);
        _cleanup_free_ char *max = xasprintf("%s.max", prefix);
        _cleanup_free_ char *peak = xasprintf("%s.peak", prefix);
        _cleanup_free_ char *events = xasprintf("%s.events", prefix);
        bool ignored;
        int r = read_single(dir, current, &e->usage, found, err);
        if (r == 0 && *found)
                r = read_single(dir, max, &e->limit, &ignored, err);
        if (r == 0 && *found)
                r = read_single(dir, peak, &e->max, &ignored, err);
        if (r == 0 && *found)
                r = read_keyed(dir, events, "max", &e->failcnt, err);
        return r;
}

static int compare_strings(const void *a, const void *b)
{
        return strcmp(*(char *const *) a, *(char *const *) b);
}

/* memory.stat as runc's "raw" map: Go prints map keys sorted. */
static json_t *memory_raw(char *stat_text)
{
        _cleanup_free_ char **keys = NULL;
        size_t n = 0;
        for (char *save = NULL, *line = strtok_r(stat_text, "\n", &save); line;
             line = strtok_r(NULL, "\n", &save)) {
                keys = xrealloc(keys, (n + 1) * sizeof(char *));
                keys[n++] = line;
        }
        qsort(keys, n, sizeof(char *), compare_strings);
        json_t *raw = json_object();
        for (size_t i = 0; i < n; i++) {
                char *sp = strchr(keys[i], ' ');
                uint64_t v;
                if (!sp)
                        continue;
                *sp = '\0';
                if (parse_u64(sp + 1, &v) == 0)
                        set_u64(raw, keys[i], v);
        }
        return raw;
}

/* v1 reported swap as memory+swap; runc keeps that meaning on v2 by adding
 * memory to swap (a sum with "max" stays "max"). */
static void combine_swap(struct memory_entry *swap, const struct memory_entry *mem)
{
        swap->usage += mem->usage;
        if (swap->limit != UNLIMITED)
                swap->limit = mem->limit == UNLIMITED ? UNLIMITED : swap->limit + mem->limit;
}

static int memory_stats(const char *dir, json_t **out, struct berth_error *err)
{
        _cleanup_free_ char *stat_text = NULL;
        int r = read_optional(dir, "memory.stat", &stat_text, err);
        if (r < 0)
                return r;
        struct memory_entry usage = { 0 }, swap = { 0 }, zero = { 0 };
        bool found = false;
        if (stat_text) {
                r = read_memory_entry(dir, "memory", &usage, &found, err);
                if (r == 0)
                        r = read_memory_entry(dir, "memory.swap", &swap, &found, err);
                if (r < 0)
                        return r;
                combine_swap(&swap, &usage);
        }
        *out = json_object();
        if (stat_text)
                set_u64_nonzero(*out, "cache", keyed_value(stat_text, "file"));
        json_object_set_new(*out, "usage", memory_entry_json(&usage));
        json_object_set_new(*out, "swap", memory_entry_json(&swap));
        /* cgroup v2 accounts kernel memory inside memory.current. */
        json_object_set_new(*out, "kernel", memory_entry_json(&zero));
        json_object_set_new(*out, "kernelTCP", memory_entry_json(&zero));
        if (stat_text && *stat_text)
                json_object_set_new(*out, "raw", memory_raw(stat_text));
        return 0;
}

/* ---- pids ----------------------------------------------------------------- */

/* Without the pids controller runc counts the group's processes. */
static int pids_stats(const char *dir, json_t **out, struct berth_error *err)
{
        uint64_t current = 0, limit = 0;
        bool found = false;
        int r = read_single(dir, "pids.current", &current, &found, err);
        if (r < 0)
                return r;
        if (found) {
                bool ignored;
                r = read_single(dir, "pids.max", &limit, &ignored, err);
                if (r < 0)
                        return r;
                if (limit == UNLIMITED)
                        limit = 0;   /* runc: 0 is "no limit" */
        } else {
                _cleanup_free_ pid_t *pids = NULL;
                size_t n = 0;
                r = cgroup_list_pids(dir, &pids, &n, err);
                if (r < 0)
                        return r;
                current = n;
        }
        *out = json_object();
        set_u64_nonzero(*out, "current", current);
        set_u64_nonzero(*out, "limit", limit);
        return 0;
}

/* ---- blkio ---------------------------------------------------------------- */

/* io.stat's keys mapped onto v1's tables, as runc maps them; the others
 * (dbytes, dios) have no v1 counterpart and are left out. */
static const struct {
        const char *key;
        const char *table;
        const char *op;
} io_keys[] = {
        { "rbytes", "ioServiceBytesRecursive", "Read" },
        { "wbytes", "ioServiceBytesRecursive", "Write" },
        { "rios", "ioServicedRecursive", "Read" },
        { "wios", "ioServicedRecursive", "Write" },
};

static json_t *blkio_entry(unsigned long major, unsigned long minor, const char *op, uint64_t value)
{
        json_t *o = json_object();
        set_u64_nonzero(o, "major", major);
        set_u64_nonzero(o, "minor", minor);
        json_object_set_new(o, "op", json_string(op));
        set_u64_nonzero(o, "value", value);
        return o;
}

/* One io.stat line: "MAJ:MIN rbytes=N wbytes=N rios=N ...". */
static void add_io_line(json_t *tables, char *line)
{
        char *save = NULL;
        char *dev = strtok_r(line, " ", &save);
        unsigned long major, minor;
        if (!dev || sscanf(dev, "%lu:%lu", &major, &minor) != 2)
                return;
        for (char *item = strtok_r(NULL, " ", &save); item; item = strtok_r(NULL, " ", &save)) {
                char *eq = strchr(item, '=');
                uint64_t v;
                if (!eq || parse_u64(eq + 1, &v) < 0)
                        continue;
                *eq = '\0';
                for (size_t i = 0; i < sizeof(io_keys) / sizeof(io_keys[0]); i++) {
                        if (strcmp(item, io_keys[i].key) != 0)
                                continue;
                        json_t *table = json_object_get(tables, io_keys[i].table);
                        if (!table) {
                                table = json_array();
                                json_object_set_new(tables, io_keys[i].table, table);
                        }
                        json_array_append_new(table, blkio_entry(major, minor, io_keys[i].op, v));
                }
        }
}

static int blkio_stats(const char *dir, json_t **out, struct berth_error *err)
{
        _cleanup_free_ char *text = NULL;
        int r = read_optional(dir, "io.stat", &text, err);
        if (r < 0)
                return r;
        /* runc's tables come in a fixed order: create them in that order
         * and drop the ones left empty (omitempty). */
        json_t *tables = json_object();
        json_object_set_new(tables, "ioServiceBytesRecursive", json_array());
        json_object_set_new(tables, "ioServicedRecursive", json_array());
        for (char *save = NULL, *line = text ? strtok_r(text, "\n", &save) : NULL; line;
             line = strtok_r(NULL, "\n", &save))
                add_io_line(tables, line);
        if (json_array_size(json_object_get(tables, "ioServiceBytesRecursive")) == 0)
                json_object_del(tables, "ioServiceBytesRecursive");
        if (json_array_size(json_object_get(tables, "ioServicedRecursive")) == 0)
                json_object_del(tables, "ioServicedRecursive");
        *out = tables;
        return 0;
}

/* ---- hugetlb -------------------------------------------------------------- */

/* The page sizes the group accounts, from its hugetlb.<size>.current files
 * ("2MB", "1GB": the kernel names them as runc does), sorted as Go prints
 * map keys.  Empty without the hugetlb controller. */
static int hugetlb_sizes(const char *dir, char ***sizes, struct berth_error *err)
{
        size_t n = 0;
        _cleanup_strv_ char **list = xmalloc0(sizeof(char *));
        _cleanup_closedir_ DIR *d = opendir(dir);
        if (!d)
                return berth_error_errno(err, errno, "open cgroup %s", dir);
        for (struct dirent *e; (e = readdir(d)); ) {
                const char *name = e->d_name;
                size_t len = strlen(name);
                if (strncmp(name, "hugetlb.", 8) != 0 || len <= 16 || strcmp(name + len - 8, ".current") != 0)
                        continue;
                _cleanup_free_ char *size = xasprintf("%.*s", (int) (len - 16), name + 8);
                if (strchr(size, '.'))
                        continue;   /* hugetlb.<size>.rsvd.current */
                list = xrealloc(list, (n + 2) * sizeof(char *));
                list[n++] = steal_pointer(&size);
                list[n] = NULL;
        }
        qsort(list, n, sizeof(char *), compare_strings);
        *sizes = steal_pointer(&list);
        return 0;
}

static int hugetlb_stats(const char *dir, json_t **out, struct berth_error *err)
{
        _cleanup_strv_ char **sizes = NULL;
        int r = hugetlb_sizes(dir, &sizes, err);
        if (r < 0)
                return r;
        _cleanup_json_ json_t *all = json_object();
        for (char **size = sizes; *size; size++) {
                _cleanup_free_ char *current = xasprintf("hugetlb.%s.current", *size);
                _cleanup_free_ char *events = xasprintf("hugetlb.%s.events", *size);
                uint64_t usage = 0, failcnt = 0;
                bool found;
                r = read_single(dir, current, &usage, &found, err);
                if (r == 0)
                        r = read_keyed(dir, events, "max", &failcnt, err);
                if (r < 0)
                        return r;
                /* runc's "max" is the peak usage, which v2 does not keep. */
                json_t *o = json_object();
                set_u64_nonzero(o, "usage", usage);
                set_u64(o, "failcnt", failcnt);
                json_object_set_new(all, *size, o);
        }
        *out = steal_pointer(&all);
        return 0;
}

/* ---- the whole object ----------------------------------------------------- */

typedef int (*section_reader)(const char *dir, json_t **out, struct berth_error *err);

static int add_section(json_t *stats, const char *key, section_reader read, const char *dir,
                       struct berth_error *err)
{
        json_t *section = NULL;
        int r = read(dir, &section, err);
        if (r < 0)
                return r;
        json_object_set_new(stats, key, section);
        return 0;
}

int cgroup_stats_read(const char *abs_path, json_t **stats, struct berth_error *err)
{
        struct stat st;
        if (stat(abs_path, &st) < 0)
                return berth_error_errno(err, errno, "cgroup %s", abs_path);
        _cleanup_json_ json_t *o = json_object();
        int r = add_section(o, "cpu", cpu_stats, abs_path, err);
        if (r == 0)
                json_object_set_new(o, "cpuset", cpuset_stats());
        if (r == 0)
                r = add_section(o, "memory", memory_stats, abs_path, err);
        if (r == 0)
                r = add_section(o, "pids", pids_stats, abs_path, err);
        if (r == 0)
                r = add_section(o, "blkio", blkio_stats, abs_path, err);
        if (r == 0)
                r = add_section(o, "hugetlb", hugetlb_stats, abs_path, err);
        if (r < 0)
                return berth_error_prefix(err, "statistics of cgroup %s", abs_path);
        /* Intel RDT and network interfaces are not cgroup statistics;
         * runc prints them empty for a container that has none. */
        json_object_set_new(o, "intel_rdt", json_object());
        json_object_set_new(o, "network_interfaces", json_null());
        *stats = steal_pointer(&o);
        return 0;
}

int cgroup_stats_dump(const json_t *doc, char **out, struct berth_error *err)
{
        char *text = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
        if (!text)
                return berth_error_new(err, ENOMEM, "format statistics: out of memory");
        /* Only a value (after ':' or in an array) can be the sentinel. */
        for (char *p = text; (p = strstr(p, SENTINEL_TEXT)); p += strlen(SENTINEL_TEXT))
                if (p > text && (p[-1] == ':' || p[-1] == '[' || p[-1] == ','))
                        memcpy(p, UNLIMITED_TEXT, strlen(UNLIMITED_TEXT));
        *out = text;
        return 0;
}

int cgroup_oom_kill_count(const char *abs_path, uint64_t *count, struct berth_error *err)
{
        return read_keyed(abs_path, "memory.events", "oom_kill", count, err);
}
