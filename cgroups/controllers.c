/* Making controllers available to the container's group: cgroup v2 hands a
 * controller down only through each ancestor's cgroup.subtree_control, so
 * berth enables it from the top of the hierarchy to the group's parent, as
 * runc and crun do.  When a controller the config needs cannot be had, the
 * error says why (a hybrid host keeps it on cgroup v1, the kernel lacks it,
 * an ancestor holds processes) and what to do. */
#include "cgroups/resources.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/log.h"
#include "common/util.h"

static bool word_in(const char *list, const char *word)
{
        size_t len = strlen(word);
        for (const char *p = list; (p = strstr(p, word)); p += len) {
                bool starts = p == list || p[-1] == ' ' || p[-1] == '\n';
                bool ends = p[len] == '\0' || p[len] == ' ' || p[len] == '\n';
                if (starts && ends)
                        return true;
        }
        return false;
}

static char *read_list(const char *dir, const char *name)
{
        _cleanup_free_ char *path = xasprintf("%s/%s", dir, name);
        char *data = NULL;
        struct berth_error ignored = { 0 };
        if (read_file_at(AT_FDCWD, path, &data, NULL, &ignored) < 0) {
                berth_error_clear(&ignored);
                return xstrdup("");
        }
        return data;
}

/* Why the kernel does not offer `controller` on cgroup v2, from
 * /proc/cgroups ("name hierarchy num_cgroups enabled"). */
static const char *why_missing(const char *controller)
{
        /* cgroup v1 (and so /proc/cgroups) calls io "blkio". */
        if (strcmp(controller, "io") == 0)
                controller = "blkio";
        _cleanup_fclose_ FILE *f = fopen("/proc/cgroups", "re");
        char name[64];
        int hierarchy, count, enabled;
        if (!f)
                return "this kernel does not offer it";
        char line[256];
        while (fgets(line, sizeof(line), f)) {
                if (sscanf(line, "%63s %d %d %d", name, &hierarchy, &count, &enabled) != 4 ||
                    strcmp(name, controller) != 0)
                        continue;
                if (!enabled)
                        return "it is disabled on the kernel command line (cgroup_disable=); remove that "
                               "option, or remove the limit";
                if (hierarchy != 0)
                        return "this host mounts it on a cgroup v1 hierarchy (hybrid mode); boot with "
                               "cgroup_no_v1=all or systemd.unified_cgroup_hierarchy=1 to move it to cgroup "
                               "v2, or remove the limit";
                return "the group above this hierarchy's top has not delegated it (its "
                       "cgroup.subtree_control lacks it); have it delegated, or remove the limit";
        }
        return "this kernel does not have it; use a kernel built with it, or remove the limit";
}

static int missing_error(const char *controller, const char *json_path, const char *mountpoint,
                         struct berth_error *err)
{
        const char *why = why_missing(controller);
        return berth_error_new(err, ENOTSUP,
                               "%s: the %s controller is not available on the cgroup v2 "
                               "hierarchy at %s: %s",
                               json_path, controller, mountpoint, why);
}

static int enable_error(const char *controller, const char *json_path, const char *dir, int errnum,
                        struct berth_error *err)
{
        if (errnum == EBUSY)
                return berth_error_new(err, EBUSY,
                                       "%s: cannot enable the %s controller in %s: that group "
                                       "has processes of its own, and cgroup v2 enables controllers only "
                                       "below groups without them; choose a cgroupsPath outside it",
                                       json_path, controller, dir);
        return berth_error_errno(err, errnum, "%s: cannot enable the %s controller in %s",
                                 json_path, controller, dir);
}

/* The first write (its JSON path) that needs `controller`, or NULL. */
static const char *needed_by(const struct cgroup_writes *w, const char *controller)
{
        for (size_t i = 0; i < w->n; i++) {
                char buf[64];
                const char *c = cgroup_file_controller(w->w[i].file, buf, sizeof(buf));
                if (c && strcmp(c, controller) == 0)
                        return w->w[i].json_path;
        }
        return NULL;
}

/* Enable in dir's cgroup.subtree_control every offered controller that is
 * not on yet: one write for all of them, and one by one only if that
 * fails, to learn which one the kernel refuses. */
static int enable_in(const char *dir, const char *offered, const struct cgroup_writes *w,
                     struct berth_error *err)
{
        _cleanup_free_ char *on = read_list(dir, "cgroup.subtree_control");
        _cleanup_free_ char *list = xstrdup(offered);
        _cleanup_free_ char *all = xstrdup("");
        char *save = NULL;
        for (char *c = strtok_r(list, " \n", &save); c; c = strtok_r(NULL, " \n", &save)) {
                if (word_in(on, c))
                        continue;
                char *more = xasprintf("%s%s+%s", all, all[0] ? " " : "", c);
                free(all);
                all = more;
        }
        if (!all[0])
                return 0;
        _cleanup_free_ char *path = xasprintf("%s/cgroup.subtree_control", dir);
        struct berth_error ignored = { 0 };
        if (write_file_at(AT_FDCWD, path, 0, 0, all, strlen(all), &ignored) == 0)
                return 0;
        berth_error_clear(&ignored);
        save = NULL;
        for (char *c = strtok_r(all, " ", &save); c; c = strtok_r(NULL, " ", &save)) {
                int r = write_file_at(AT_FDCWD, path, 0, 0, c, strlen(c), &ignored);
                berth_error_clear(&ignored);
                if (r == 0)
                        continue;
                const char *json_path = needed_by(w, c + 1);
                if (json_path)
                        return enable_error(c + 1, json_path, dir, -r, err);
                log_debug("cgroup: %s controller not enabled in %s: %s", c + 1, dir, strerror(-r));
        }
        return 0;
}

char *cgroup_offered_controllers(const char *mountpoint)
{
        return read_list(mountpoint, "cgroup.controllers");
}

void cgroup_writes_drop_unlimited(struct cgroup_writes *w, const char *offered)
{
        size_t kept = 0;
        for (size_t i = 0; i < w->n; i++) {
                char buf[64];
                const char *c = cgroup_file_controller(w->w[i].file, buf, sizeof(buf));
                if (c && !word_in(offered, c) && strcmp(w->w[i].value, "max") == 0) {
                        log_debug("cgroup: %s: no %s controller, and \"max\" is what a new group has",
                                  w->w[i].json_path, c);
                        free(w->w[i].file);
                        free(w->w[i].value);
                        free(w->w[i].json_path);
                        continue;
                }
                w->w[kept++] = w->w[i];
        }
        w->n = kept;
}

int cgroup_controllers_enable(const char *mountpoint, const char *path, const char *offered,
                              const struct cgroup_writes *w, struct berth_error *err)
{
        /* Every write's controller must be offered at the top. */
        for (size_t i = 0; i < w->n; i++) {
                char buf[64];
                const char *c = cgroup_file_controller(w->w[i].file, buf, sizeof(buf));
                if (c && !word_in(offered, c))
                        return missing_error(c, w->w[i].json_path, mountpoint, err);
        }
        /* From the top down to the group's parent (the group itself stays
         * a leaf, where processes may live), everything offered is enabled:
         * stats and later updates want it; only a needed controller's
         * failure is an error. */
        _cleanup_free_ char *dir = xasprintf("%s%s", mountpoint, path);
        size_t top = strlen(mountpoint);
        char *last = strrchr(dir, '/');
        if (!last || (size_t) (last - dir) < top)
                return 0;
        *last = '\0';
        for (char *p = dir + top; ; p++) {
                if (*p != '/' && *p != '\0')
                        continue;
                char saved = *p;
                *p = '\0';
                int r = enable_in(dir[0] ? dir : "/", offered, w, err);
                if (r < 0)
                        return r;
                *p = saved;
                if (!saved)
                        return 0;
        }
}
