/* The systemd cgroup driver (see systemd.h): linux.cgroupsPath in systemd's
 * "slice:prefix:name" form, and the transient unit that systemd creates,
 * limits and stops for berth over D-Bus (sd-bus, the system bus), as runc's
 * and crun's systemd drivers do. */
#include "cgroups/systemd.h"

#include <ctype.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cgroups/cgroup.h"
#include "cgroups/sd_bus_loader.h"
#include "cgroups/systemd_properties.h"
#include "common/cleanup.h"
#include "common/log.h"
#include "common/util.h"

#define DEFAULT_SLICE "system.slice"
#define DEFAULT_PREFIX "berth"
/* systemd's UNIT_NAME_MAX, the terminating NUL included. */
#define UNIT_NAME_MAX 256
/* How long a start or stop job may take (runc waits as long). */
#define JOB_TIMEOUT_USEC (30ULL * 1000 * 1000)

#define SD_DEST "org.freedesktop.systemd1"
#define SD_PATH "/org/freedesktop/systemd1"
#define SD_MANAGER "org.freedesktop.systemd1.Manager"

static void unit_props_releasep(struct unit_props *p)
{
        unit_props_release(p);
}

static bool is_slice(const char *unit)
{
        size_t n = strlen(unit);
        return n > 6 && strcmp(unit + n - 6, ".slice") == 0;
}

/* ---- names ---------------------------------------------------------------- */

/* systemd's own rule for unit name characters (unit_name_is_valid);
 * '@' is left out too: it would make the name a template instance. */
static bool unit_char_allowed(char c)
{
        return isalnum((unsigned char) c) || strchr(":-_.\\", c);
}

static char first_bad_char(const char *name)
{
        for (const char *p = name; *p; p++)
                if (!unit_char_allowed(*p))
                        return *p;
        return '\0';
}

/* "a-b.slice" -> "/a.slice/a-b.slice": systemd nests slices by the dashes
 * in their names; "-.slice" is the root.  -EINVAL for a name systemd would
 * refuse ("a--b.slice", "-a.slice", "a-.slice", "a/b.slice"). */
static int slice_path(const char *slice, char **out)
{
        if (!is_slice(slice) || first_bad_char(slice))
                return -EINVAL;
        if (strcmp(slice, "-.slice") == 0) {
                *out = xstrdup("/");
                return 0;
        }
        size_t stem = strlen(slice) - strlen(".slice");
        _cleanup_free_ char *path = xmalloc0((stem + 1) * (stem + 8) + 1);
        char *o = path;
        /* One level per dash, and the whole name last: each is the name up
         * to there, which must not end in an empty component. */
        for (size_t i = 0; i <= stem; i++) {
                if (i < stem && slice[i] != '-')
                        continue;
                if (i == 0 || slice[i - 1] == '-')
                        return -EINVAL;
                o += sprintf(o, "/%.*s.slice", (int) i, slice);
        }
        *out = steal_pointer(&path);
        return 0;
}

static bool valid_slice(const char *slice)
{
        _cleanup_free_ char *path = NULL;
        return slice_path(slice, &path) == 0;
}

static int check_unit_name(const char *unit, const char *cgroups_path, const char *id,
                           struct berth_error *err)
{
        char bad = first_bad_char(unit);
        if (!bad && strlen(unit) < UNIT_NAME_MAX)
                return 0;
        char why[64];
        if (bad)
                snprintf(why, sizeof(why), "systemd does not allow '%c' in unit names", bad);
        else
                snprintf(why, sizeof(why), "longer than systemd's %d characters", UNIT_NAME_MAX - 1);
        if (cgroups_path)
                return berth_error_new(err, EINVAL, "config.json: /linux/cgroupsPath: \"%s\" makes the unit "
                                       "name \"%s\": %s", cgroups_path, unit, why);
        return berth_error_new(err, EINVAL, "--systemd-cgroup: container id \"%s\" makes the unit name \"%s\": "
                               "%s; set linux.cgroupsPath to \"slice:prefix:name\"", id, unit, why);
}

/* Split "slice:prefix:name" into its three parts (exactly two colons). */
static int split_cgroups_path(const char *cp, char **slice, char **prefix, char **name,
                              struct berth_error *err)
{
        const char *c1 = strchr(cp, ':');
        const char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
        if (!c2 || strchr(c2 + 1, ':'))
                return berth_error_new(err, EINVAL,
                                       "config.json: /linux/cgroupsPath: \"%s\" is not of the form "
                                       "\"slice:prefix:name\" that --systemd-cgroup needs "
                                       "(e.g. \"system.slice:berth:mycontainer\")", cp);
        *slice = xasprintf("%.*s", (int) (c1 - cp), cp);
        *prefix = xasprintf("%.*s", (int) (c2 - c1 - 1), c1 + 1);
        *name = xstrdup(c2 + 1);
        if (!**name)
                return berth_error_new(err, EINVAL,
                                       "config.json: /linux/cgroupsPath: \"%s\": the name (after the "
                                       "second ':') is empty", cp);
        return 0;
}

int systemd_cgroup_parse(const char *cgroups_path, const char *id, struct systemd_scope *out,
                         struct berth_error *err)
{
        *out = (struct systemd_scope) { 0 };
        const char *cp = cgroups_path && *cgroups_path ? cgroups_path : NULL;
        _cleanup_free_ char *slice = NULL, *prefix = NULL, *name = NULL, *unit = NULL;
        if (cp) {
                int r = split_cgroups_path(cp, &slice, &prefix, &name, err);
                if (r < 0)
                        return r;
        } else {
                /* runc's default is ":runc:<id>"; berth's is ":berth:<id>". */
                prefix = xstrdup(DEFAULT_PREFIX);
                name = xstrdup(id);
        }
        if (!slice || !*slice) {
                free(slice);
                slice = xstrdup(DEFAULT_SLICE);
        }
        if (!valid_slice(slice))
                return berth_error_new(err, EINVAL,
                                       "config.json: /linux/cgroupsPath: \"%s\" is not a valid slice name "
                                       "(NAME.slice, where '-' nests: a-b.slice lies in a.slice)", slice);
        /* A name ending in .slice asks for a slice of its own (the prefix
         * is then unused); anything else becomes prefix-name.scope. */
        unit = is_slice(name) ? xstrdup(name) : xasprintf("%s-%s.scope", prefix, name);
        int r = check_unit_name(unit, cp, id, err);
        if (r < 0)
                return r;
        if (is_slice(unit) && !valid_slice(unit))
                return berth_error_new(err, EINVAL,
                                       "config.json: /linux/cgroupsPath: \"%s\" is not a valid slice name "
                                       "(NAME.slice, where '-' nests: a-b.slice lies in a.slice)", unit);
        out->slice = steal_pointer(&slice);
        out->unit = steal_pointer(&unit);
        return 0;
}

void systemd_scope_release(struct systemd_scope *s)
{
        free(s->slice);
        free(s->unit);
        s->slice = s->unit = NULL;
}

/* Where the unit's group lies when systemd does not say: its slice's path
 * and its own name (a slice unit's path follows from its name alone). */
static char *computed_cgroup_path(const struct systemd_scope *s)
{
        _cleanup_free_ char *base = NULL;
        if (is_slice(s->unit)) {
                if (slice_path(s->unit, &base) < 0)
                        return NULL;
                return steal_pointer(&base);
        }
        if (slice_path(s->slice, &base) < 0)
                return NULL;
        return xasprintf("%s/%s", strcmp(base, "/") == 0 ? "" : base, s->unit);
}

/* ---- the bus ------------------------------------------------------------------ */

/* A connection to systemd through the D-Bus system bus, as runc and crun
 * use; `advice` ends the message when there is none to be had. */
static int bus_open(sd_bus **bus, const char *what, const char *advice, struct berth_error *err)
{
        int r = sd_bus_load(err);
        if (r < 0)
                return r;
        /* sd_booted: /run/systemd/system exists only while systemd is PID 1. */
        if (sdbus->sd_booted() <= 0)
                return berth_error_new(err, ENOENT, "%s: systemd is not running on this host (no "
                                       "/run/systemd/system)%s", what, advice);
        r = sdbus->sd_bus_open_system(bus);
        if (r < 0)
                return berth_error_new(err, -r, "%s: cannot reach systemd on the D-Bus system bus (%s): is "
                                       "dbus running?%s", what, strerror(-r), advice);
        return 0;
}

/* A D-Bus error as a berth error: the bus's own message says what systemd
 * objected to ("Unit berth-x.scope already exists."). */
static int bus_error(struct berth_error *err, const sd_bus_error *e, int r, const char *what)
{
        if (sdbus->sd_bus_error_has_name(e, SD_BUS_ERROR_SERVICE_UNKNOWN) ||
            sdbus->sd_bus_error_has_name(e, SD_BUS_ERROR_NAME_HAS_NO_OWNER))
                return berth_error_new(err, EHOSTUNREACH,
                                       "%s: systemd is not reachable on the D-Bus system bus (%s)", what,
                                       e->message);
        if (sdbus->sd_bus_error_is_set(e))
                return berth_error_new(err, -r, "%s: %s", what, e->message ? e->message : e->name);
        return berth_error_new(err, -r, "%s: %s", what, strerror(-r));
}

/* systemd's version ("252.39-1~deb12u2" -> 252); 0 when it will not say,
 * which keeps every property in. */
static unsigned systemd_version(sd_bus *bus)
{
        _cleanup_(sd_bus_loaded_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;
        _cleanup_free_ char *v = NULL;
        if (sdbus->sd_bus_get_property_string(bus, SD_DEST, SD_PATH, SD_MANAGER, "Version", &e, &v) < 0)
                return 0;
        const char *p = v;
        while (*p == '"' || *p == 'v')
                p++;
        return (unsigned) strtoul(p, NULL, 10);
}

/* ---- waiting for a job ------------------------------------------------------- */

/* StartTransientUnit and StopUnit only queue a job: the unit is there (or
 * gone) once the manager's JobRemoved signal names that job. */
struct job_wait {
        const char *job;       /* the object path the call returned */
        char *result;          /* "done", "failed", "timeout", "canceled", ... */
};

static int on_job_removed(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
        struct job_wait *w = userdata;
        uint32_t id;
        const char *path, *unit, *result;
        if (sdbus->sd_bus_message_read(m, "uoss", &id, &path, &unit, &result) < 0)
                return 0;
        if (w->job && !w->result && strcmp(path, w->job) == 0)
                w->result = xstrdup(result);
        return 0;
}

static uint64_t now_usec(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000000 + (uint64_t) ts.tv_nsec / 1000;
}

/* The match is added before the call that makes the job, so the signal
 * cannot slip by; sd_bus_call queues it until sd_bus_process runs here. */
static int job_wait_subscribe(sd_bus *bus, sd_bus_slot **slot, struct job_wait *w, struct berth_error *err)
{
        int r = sdbus->sd_bus_match_signal(bus, slot, SD_DEST, SD_PATH, SD_MANAGER, "JobRemoved", on_job_removed, w);
        if (r < 0)
                return berth_error_new(err, -r, "--systemd-cgroup: watch systemd's jobs: %s", strerror(-r));
        return 0;
}

static int job_wait_finish(sd_bus *bus, struct job_wait *w, const char *what, struct berth_error *err)
{
        uint64_t deadline = now_usec() + JOB_TIMEOUT_USEC;
        while (!w->result) {
                int r = sdbus->sd_bus_process(bus, NULL);
                if (r < 0)
                        return berth_error_new(err, -r, "%s: D-Bus: %s", what, strerror(-r));
                if (r > 0)
                        continue;
                uint64_t now = now_usec();
                if (now >= deadline)
                        return berth_error_new(err, ETIMEDOUT, "%s: systemd did not finish the job in %llu s", what,
                                               JOB_TIMEOUT_USEC / 1000000);
                r = sdbus->sd_bus_wait(bus, deadline - now);
                if (r < 0 && r != -EINTR)
                        return berth_error_new(err, -r, "%s: D-Bus: %s", what, strerror(-r));
        }
        return 0;
}

/* A method's reply names the job it queued: wait for that job's result
 * ("done", "failed", ...); *result is malloc'd. */
static int wait_queued_job(sd_bus *bus, sd_bus_message *reply, struct job_wait *w, const char *what,
                           char **result, struct berth_error *err)
{
        int r = sdbus->sd_bus_message_read(reply, "o", &w->job);
        if (r < 0)
                return berth_error_new(err, -r, "%s: unexpected reply: %s", what, strerror(-r));
        r = job_wait_finish(bus, w, what, err);
        *result = w->result;
        return r;
}

/* Best effort: a failed unit stays listed (and its name taken) until this. */
static void reset_failed(sd_bus *bus, const char *unit)
{
        sdbus->sd_bus_call_method(bus, SD_DEST, SD_PATH, SD_MANAGER, "ResetFailedUnit", NULL, NULL, "s", unit);
}

/* ---- starting ---------------------------------------------------------------- */

static int append_prop(sd_bus_message *m, const struct unit_prop *p)
{
        switch (p->type) {
        case UNIT_PROP_U64:
                return sdbus->sd_bus_message_append(m, "(sv)", p->name, "t", p->u64);
        case UNIT_PROP_BOOL:
                return sdbus->sd_bus_message_append(m, "(sv)", p->name, "b", (int) p->b);
        case UNIT_PROP_BITMAP: {
                int r;
                if ((r = sdbus->sd_bus_message_open_container(m, 'r', "sv")) < 0 ||
                    (r = sdbus->sd_bus_message_append(m, "s", p->name)) < 0 ||
                    (r = sdbus->sd_bus_message_open_container(m, 'v', "ay")) < 0 ||
                    (r = sdbus->sd_bus_message_append_array(m, 'y', p->bitmap, p->bitmap_len)) < 0 ||
                    (r = sdbus->sd_bus_message_close_container(m)) < 0)
                        return r;
                return sdbus->sd_bus_message_close_container(m);
        }
        }
        return -EINVAL;
}

/* What makes the unit berth's: where it lies, who is in it, and that the
 * group below it is the container's to manage (Delegate). */
static int append_placement(sd_bus_message *m, const struct systemd_scope *s, pid_t pid)
{
        _cleanup_free_ char *description = xasprintf("berth container %s", s->unit);
        int r = sdbus->sd_bus_message_append(m, "(sv)(sv)", "Description", "s", description,
                                      "DefaultDependencies", "b", 0);
        if (r < 0)
                return r;
        /* A slice holds no processes of its own in systemd's model: it is
         * started empty, ordered after its parent, and the caller moves
         * the process in through the cgroupfs (as runc does). */
        if (is_slice(s->unit))
                return sdbus->sd_bus_message_append(m, "(sv)", "Wants", "as", 1, s->slice);
        return sdbus->sd_bus_message_append(m, "(sv)(sv)(sv)", "Slice", "s", s->slice, "PIDs", "au", 1, (uint32_t) pid,
                                     "Delegate", "b", 1);
}

/* The limits, less those this systemd predates (the cgroupfs write alone
 * sets them there). */
static int append_limits(sd_bus_message *m, const struct unit_props *props, unsigned version)
{
        for (size_t i = 0; i < props->n; i++) {
                const struct unit_prop *p = &props->p[i];
                if (version && p->min_version > version) {
                        log_debug("systemd %u predates %s (v%u): the cgroupfs write alone sets it", version,
                                  p->name, p->min_version);
                        continue;
                }
                int r = append_prop(m, p);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int build_start_message(sd_bus *bus, const struct systemd_scope *s, pid_t pid,
                               const struct unit_props *props, unsigned version, sd_bus_message **out)
{
        _cleanup_(sd_bus_loaded_message_unrefp) sd_bus_message *m = NULL;
        int r = sdbus->sd_bus_message_new_method_call(bus, &m, SD_DEST, SD_PATH, SD_MANAGER, "StartTransientUnit");
        if (r < 0)
                return r;
        /* "fail": refuse rather than replace a conflicting job on the unit. */
        if ((r = sdbus->sd_bus_message_append(m, "ss", s->unit, "fail")) < 0 ||
            (r = sdbus->sd_bus_message_open_container(m, 'a', "(sv)")) < 0 ||
            (r = append_placement(m, s, pid)) < 0 ||
            (r = append_limits(m, props, version)) < 0 ||
            (r = sdbus->sd_bus_message_close_container(m)) < 0 ||
            (r = sdbus->sd_bus_message_append(m, "a(sa(sv))", 0)) < 0)
                return r;
        *out = steal_pointer(&m);
        return 0;
}

/* One StartTransientUnit call; *exists says systemd refused because a unit
 * of that name is loaded already. */
static int call_start(sd_bus *bus, const struct systemd_scope *s, pid_t pid, const struct unit_props *props,
                      unsigned version, bool *exists, struct berth_error *err)
{
        _cleanup_free_ char *what = xasprintf("--systemd-cgroup: start unit %s", s->unit);
        _cleanup_(sd_bus_loaded_message_unrefp) sd_bus_message *m = NULL, *reply = NULL;
        int r = build_start_message(bus, s, pid, props, version, &m);
        if (r < 0)
                return berth_error_new(err, -r, "%s: build the D-Bus message: %s", what, strerror(-r));

        struct job_wait w = { 0 };
        _cleanup_(sd_bus_loaded_slot_unrefp) sd_bus_slot *slot = NULL;
        r = job_wait_subscribe(bus, &slot, &w, err);
        if (r < 0)
                return r;
        _cleanup_(sd_bus_loaded_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;
        r = sdbus->sd_bus_call(bus, m, 0, &e, &reply);
        *exists = sdbus->sd_bus_error_has_name(&e, "org.freedesktop.systemd1.UnitExists");
        if (r < 0)
                return bus_error(err, &e, r, what);
        _cleanup_free_ char *result = NULL;
        r = wait_queued_job(bus, reply, &w, what, &result, err);
        if (r < 0)
                return r;
        if (strcmp(result, "done") != 0) {
                reset_failed(bus, s->unit);
                return berth_error_new(err, EIO, "%s: systemd's job ended \"%s\" (journalctl -u %s may say why)",
                                       what, result, s->unit);
        }
        return 0;
}

/* A unit of the same name may be a failed leftover that only needs its
 * failed state cleared (runc retries once the same way); a live one is
 * another container's. */
static int start_unit(sd_bus *bus, const struct systemd_scope *s, pid_t pid, const struct unit_props *props,
                      struct berth_error *err)
{
        unsigned version = systemd_version(bus);
        bool exists = false;
        int r = call_start(bus, s, pid, props, version, &exists, err);
        if (r < 0 && exists) {
                reset_failed(bus, s->unit);
                berth_error_clear(err);
                r = call_start(bus, s, pid, props, version, &exists, err);
                if (r < 0 && exists)
                        return berth_error_new(err, EEXIST,
                                               "--systemd-cgroup: unit %s already exists: is another container "
                                               "using this cgroupsPath?", s->unit);
        }
        return r;
}

/* The unit's group as systemd reports it (ControlGroup), which is what
 * counts whatever systemd's layout; computed from the names otherwise. */
static char *unit_cgroup(sd_bus *bus, const struct systemd_scope *s)
{
        _cleanup_(sd_bus_loaded_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;
        _cleanup_(sd_bus_loaded_message_unrefp) sd_bus_message *reply = NULL;
        const char *object;
        _cleanup_free_ char *cg = NULL;
        const char *iface = is_slice(s->unit) ? SD_DEST ".Slice" : SD_DEST ".Scope";
        if (sdbus->sd_bus_call_method(bus, SD_DEST, SD_PATH, SD_MANAGER, "GetUnit", &e, &reply, "s", s->unit) >= 0 &&
            sdbus->sd_bus_message_read(reply, "o", &object) >= 0 &&
            sdbus->sd_bus_get_property_string(bus, SD_DEST, object, iface, "ControlGroup", &e, &cg) >= 0 && cg[0])
                return steal_pointer(&cg);
        log_debug("systemd gives no ControlGroup for %s (%s): computing it", s->unit,
                  e.message ? e.message : "empty");
        return computed_cgroup_path(s);
}

/* A slice unit: the process goes in through cgroup.procs. */
static int join_slice(pid_t pid, const char *path, struct berth_error *err)
{
        _cleanup_free_ char *mountpoint = NULL, *root = NULL;
        int r = cgroup_find_mount(&mountpoint, &root, err);
        if (r < 0)
                return r;
        _cleanup_free_ char *procs = xasprintf("%s%s/cgroup.procs", mountpoint, path);
        _cleanup_free_ char *text = xasprintf("%d", (int) pid);
        r = write_file_at(AT_FDCWD, procs, 0, 0, text, strlen(text), err);
        if (r < 0)
                return berth_error_prefix(err, "--systemd-cgroup: move process %d into slice", (int) pid);
        return 0;
}

int systemd_scope_start(const struct systemd_scope *s, pid_t pid, const struct oci_resources *r,
                        char **cgroup_path, struct berth_error *err)
{
        /* Every value is converted before systemd is asked for anything. */
        _cleanup_(unit_props_releasep) struct unit_props props = { 0 };
        int ret = systemd_resource_properties(r, &props, err);
        if (ret < 0)
                return ret;
        _cleanup_(sd_bus_loaded_flush_close_unrefp) sd_bus *bus = NULL;
        ret = bus_open(&bus, "--systemd-cgroup",
                       "; drop --systemd-cgroup and berth manages the container's cgroup itself", err);
        if (ret < 0)
                return ret;
        ret = start_unit(bus, s, pid, &props, err);
        if (ret < 0)
                return ret;
        _cleanup_free_ char *path = unit_cgroup(bus, s);
        if (!path)
                ret = berth_error_new(err, EINVAL, "--systemd-cgroup: no cgroup path for unit %s", s->unit);
        else if (is_slice(s->unit))
                ret = join_slice(pid, path, err);
        if (ret < 0) {
                struct berth_error ignored = { 0 };
                systemd_scope_stop(s->unit, &ignored);
                return ret;
        }
        log_debug("systemd unit %s started in %s, cgroup %s", s->unit, s->slice, path);
        *cgroup_path = steal_pointer(&path);
        return 0;
}

/* ---- stopping ------------------------------------------------------------------ */

int systemd_scope_stop(const char *unit, struct berth_error *err)
{
        _cleanup_free_ char *what = xasprintf("stop systemd unit %s", unit);
        _cleanup_(sd_bus_loaded_flush_close_unrefp) sd_bus *bus = NULL;
        int r = bus_open(&bus, what, "", err);
        if (r < 0)
                return r;
        struct job_wait w = { 0 };
        _cleanup_(sd_bus_loaded_slot_unrefp) sd_bus_slot *slot = NULL;
        r = job_wait_subscribe(bus, &slot, &w, err);
        if (r < 0)
                return r;
        _cleanup_(sd_bus_loaded_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;
        _cleanup_(sd_bus_loaded_message_unrefp) sd_bus_message *reply = NULL;
        r = sdbus->sd_bus_call_method(bus, SD_DEST, SD_PATH, SD_MANAGER, "StopUnit", &e, &reply, "ss", unit, "replace");
        /* A scope goes by itself once its last process has exited. */
        if (r < 0 && sdbus->sd_bus_error_has_name(&e, "org.freedesktop.systemd1.NoSuchUnit"))
                return 0;
        if (r < 0)
                return bus_error(err, &e, r, what);
        _cleanup_free_ char *result = NULL;
        r = wait_queued_job(bus, reply, &w, what, &result, err);
        if (r < 0)
                return r;
        if (strcmp(result, "done") != 0)
                log_warning("%s: systemd's job ended \"%s\"", what, result);
        reset_failed(bus, unit);
        log_debug("systemd unit %s stopped", unit);
        return 0;
}

/* ---- updating ------------------------------------------------------------------ */

int systemd_unit_set_resources(const char *unit, const struct oci_resources *r, struct berth_error *err)
{
        _cleanup_(unit_props_releasep) struct unit_props props = { 0 };
        int ret = systemd_resource_properties(r, &props, err);
        if (ret < 0)
                return ret;
        _cleanup_free_ char *what = xasprintf("set the limits of systemd unit %s", unit);
        _cleanup_(sd_bus_loaded_flush_close_unrefp) sd_bus *bus = NULL;
        ret = bus_open(&bus, what, "", err);
        if (ret < 0)
                return ret;
        _cleanup_(sd_bus_loaded_message_unrefp) sd_bus_message *m = NULL;
        ret = sdbus->sd_bus_message_new_method_call(bus, &m, SD_DEST, SD_PATH, SD_MANAGER, "SetUnitProperties");
        /* runtime: the values live until the unit goes, nothing is written
         * to /etc (a transient unit has no file to keep them in anyway). */
        if (ret >= 0)
                ret = sdbus->sd_bus_message_append(m, "sb", unit, 1);
        if (ret >= 0)
                ret = sdbus->sd_bus_message_open_container(m, 'a', "(sv)");
        if (ret >= 0)
                ret = append_limits(m, &props, systemd_version(bus));
        if (ret >= 0)
                ret = sdbus->sd_bus_message_close_container(m);
        if (ret < 0)
                return berth_error_new(err, -ret, "%s: build the D-Bus message: %s", what, strerror(-ret));
        _cleanup_(sd_bus_loaded_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;
        ret = sdbus->sd_bus_call(bus, m, 0, &e, NULL);
        if (ret < 0)
                return bus_error(err, &e, ret, what);
        return 0;
}
