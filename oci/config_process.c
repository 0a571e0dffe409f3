/* config.json "process": the container's program, its identity, limits,
 * capabilities and scheduling, parsed into struct oci_process. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/resource.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/log.h"
#include "oci/config_parse.h"

static const struct name_value rlimit_names[] = {
        { "RLIMIT_AS", RLIMIT_AS },
        { "RLIMIT_CORE", RLIMIT_CORE },
        { "RLIMIT_CPU", RLIMIT_CPU },
        { "RLIMIT_DATA", RLIMIT_DATA },
        { "RLIMIT_FSIZE", RLIMIT_FSIZE },
        { "RLIMIT_LOCKS", RLIMIT_LOCKS },
        { "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK },
        { "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE },
        { "RLIMIT_NICE", RLIMIT_NICE },
        { "RLIMIT_NOFILE", RLIMIT_NOFILE },
        { "RLIMIT_NPROC", RLIMIT_NPROC },
        { "RLIMIT_RSS", RLIMIT_RSS },
        { "RLIMIT_RTPRIO", RLIMIT_RTPRIO },
        { "RLIMIT_RTTIME", RLIMIT_RTTIME },
        { "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING },
        { "RLIMIT_STACK", RLIMIT_STACK },
};

static const char *const sched_policies[] = {
        "SCHED_OTHER", "SCHED_FIFO", "SCHED_RR",       "SCHED_BATCH",
        "SCHED_ISO",   "SCHED_IDLE", "SCHED_DEADLINE",
};

static const char *const sched_flags[] = {
        "SCHED_FLAG_RESET_ON_FORK",  "SCHED_FLAG_RECLAIM",     "SCHED_FLAG_DL_OVERRUN",
        "SCHED_FLAG_KEEP_POLICY",    "SCHED_FLAG_KEEP_PARAMS", "SCHED_FLAG_UTIL_CLAMP_MIN",
        "SCHED_FLAG_UTIL_CLAMP_MAX",
};

static const char *const ioprio_classes[] = {
        "IOPRIO_CLASS_RT",
        "IOPRIO_CLASS_BE",
        "IOPRIO_CLASS_IDLE",
};

static bool in_list(const char *const *list, size_t n, const char *s)
{
        for (size_t i = 0; i < n; i++)
                if (strcmp(list[i], s) == 0)
                        return true;
        return false;
}
#define IN_LIST(list, s) in_list((list), sizeof(list) / sizeof((list)[0]), (s))

static int parse_console_size(struct json_cursor *c, const json_t *obj, struct oci_console_size *cs)
{
        uint32_t height = 0, width = 0;
        int r = json_member_u32(c, obj, "height", JSON_REQUIRED, &height);
        if (r < 0)
                return r;
        r = json_member_u32(c, obj, "width", JSON_REQUIRED, &width);
        if (r < 0)
                return r;
        cs->height = height;
        cs->width = width;
        return 0;
}

static int parse_gid(struct json_cursor *c, const json_t *v, gid_t *gid)
{
        uint64_t n;
        int r = json_read_u64(c, v, UINT32_MAX, &n);
        if (r < 0)
                return r;
        *gid = (gid_t) n;
        return 0;
}

static int parse_user(struct json_cursor *c, const json_t *obj, struct oci_user *u)
{
        uint32_t uid = 0, gid = 0, umask = 0;
        int r = json_member_u32(c, obj, "uid", JSON_REQUIRED, &uid);
        if (r < 0)
                return r;
        r = json_member_u32(c, obj, "gid", JSON_REQUIRED, &gid);
        if (r < 0)
                return r;
        u->uid = uid;
        u->gid = gid;
        r = json_member_u32(c, obj, "umask", 0, &umask);
        if (r < 0)
                return r;
        if (r > 0 && umask > 0777)
                return json_cursor_error_member(
                        c, "umask", "expected a umask from 0 to 511 (0777), got %u", umask);
        u->has_umask = r > 0;
        u->umask = umask;
        /* setgroups(2) takes at most NGROUPS_MAX (65536) groups. */
        r = config_check_array_size(c, obj, "additionalGids", 65536);
        if (r < 0)
                return r;
        r = PARSE_MEMBER_ARRAY(c, obj, "additionalGids", u->additional_gids, u->n_additional_gids,
                               parse_gid);
        if (r < 0)
                return r;
        r = json_member_string(c, obj, "username", 0, &u->username);
        return r < 0 ? r : 0;
}

static int parse_rlimit(struct json_cursor *c, const json_t *v, struct oci_rlimit *rl)
{
        if (json_expect_object(c, v) < 0)
                return -EINVAL;
        int r = json_member_string(c, v, "type", JSON_REQUIRED, &rl->type);
        if (r < 0)
                return r;
        long resource;
        if (!NAME_LOOKUP(rlimit_names, rl->type, &resource))
                return json_cursor_error_member(c, "type", "unknown rlimit \"%s\"", rl->type);
        rl->resource = (int) resource;
        r = json_member_u64(c, v, "soft", JSON_REQUIRED, UINT64_MAX, &rl->soft);
        if (r < 0)
                return r;
        r = json_member_u64(c, v, "hard", JSON_REQUIRED, UINT64_MAX, &rl->hard);
        if (r < 0)
                return r;
        if (rl->soft > rl->hard)
                return json_cursor_error_member(
                        c, "soft", "soft limit %llu is above the hard limit %llu",
                        (unsigned long long) rl->soft, (unsigned long long) rl->hard);
        return 0;
}

/* The spec: duplicated rlimit types MUST be an error. */
static int check_rlimits_unique(struct json_cursor *c, const struct oci_process *p)
{
        for (size_t i = 0; i < p->n_rlimits; i++)
                for (size_t j = 0; j < i; j++)
                        if (p->rlimits[i].resource == p->rlimits[j].resource) {
                                char at[64];
                                snprintf(at, sizeof(at), "/process/rlimits/%zu/type", i);
                                return json_cursor_error_at(
                                        c, at, "duplicate rlimit %s (also at /process/rlimits/%zu)",
                                        p->rlimits[i].type, j);
                        }
        return 0;
}

/* One capability set: names must be ones libcap knows ("CAP_CHOWN" ...).
 * Names newer than the running kernel are dropped with a warning, as the
 * spec asks (runtimes SHOULD NOT fail on capabilities they cannot grant). */
static int parse_capability_set(struct json_cursor *c, const json_t *obj, const char *key,
                                uint64_t *mask)
{
        json_t *arr;
        int r = json_member_array(c, obj, key, 0, &arr);
        if (r <= 0)
                return r;
        size_t set_mark = json_cursor_enter_key(c, key);
        int kernel_caps = cap_max_bits();
        for (size_t i = 0; i < json_array_size(arr); i++) {
                const json_t *item = json_array_get(arr, i);
                size_t mark = json_cursor_enter_index(c, i);
                if (!json_is_string(item))
                        return json_cursor_error(c, "expected a capability name (a string)");
                const char *name = json_string_value(item);
                cap_value_t cap;
                if (strncmp(name, "CAP_", 4) != 0 || cap_from_name(name, &cap) < 0 || cap < 0 ||
                    cap >= 64)
                        log_warning("%s: %s: unknown capability \"%s\"; ignored", c->doc, c->pointer,
                                    name);
                else if (cap >= kernel_caps)
                        log_warning("%s: %s: %s is not known to the running kernel; ignored",
                                    c->doc, c->pointer, name);
                else
                        *mask |= UINT64_C(1) << cap;
                json_cursor_leave(c, mark);
        }
        json_cursor_leave(c, set_mark);
        return 1;
}

static int parse_capabilities(struct json_cursor *c, const json_t *obj,
                              struct oci_capabilities *caps)
{
        int r;
        if ((r = parse_capability_set(c, obj, "bounding", &caps->bounding)) < 0 ||
            (r = parse_capability_set(c, obj, "effective", &caps->effective)) < 0 ||
            (r = parse_capability_set(c, obj, "inheritable", &caps->inheritable)) < 0 ||
            (r = parse_capability_set(c, obj, "permitted", &caps->permitted)) < 0 ||
            (r = parse_capability_set(c, obj, "ambient", &caps->ambient)) < 0)
                return r;
        return 0;
}

static int parse_scheduler(struct json_cursor *c, const json_t *obj, struct oci_scheduler *s)
{
        int r = json_member_string(c, obj, "policy", JSON_REQUIRED, &s->policy);
        if (r < 0)
                return r;
        if (!IN_LIST(sched_policies, s->policy))
                return json_cursor_error_member(c, "policy", "unknown scheduling policy \"%s\"",
                                                s->policy);
        int32_t nice = 0, priority = 0;
        r = json_member_i32(c, obj, "nice", 0, &nice);
        if (r < 0)
                return r;
        if (nice < -20 || nice > 19)
                return json_cursor_error_member(
                        c, "nice", "expected a nice value from -20 to 19, got %d", nice);
        s->nice = nice;
        r = json_member_i32(c, obj, "priority", 0, &priority);
        if (r < 0)
                return r;
        s->priority = priority;
        r = json_member_strv(c, obj, "flags", 0, &s->flags);
        if (r < 0)
                return r;
        for (size_t i = 0; s->flags && s->flags[i]; i++) {
                if (!IN_LIST(sched_flags, s->flags[i])) {
                        size_t mark = json_cursor_enter_key(c, "flags");
                        json_cursor_enter_index(c, i);
                        r = json_cursor_error(c, "unknown scheduler flag \"%s\"", s->flags[i]);
                        json_cursor_leave(c, mark);
                        return r;
                }
        }
        if ((r = json_member_u64(c, obj, "runtime", 0, UINT64_MAX, &s->runtime)) < 0 ||
            (r = json_member_u64(c, obj, "deadline", 0, UINT64_MAX, &s->deadline)) < 0 ||
            (r = json_member_u64(c, obj, "period", 0, UINT64_MAX, &s->period)) < 0)
                return r;
        return 0;
}

static int parse_io_priority(struct json_cursor *c, const json_t *obj, struct oci_io_priority *io)
{
        int r = json_member_string(c, obj, "class", JSON_REQUIRED, &io->class_);
        if (r < 0)
                return r;
        if (!IN_LIST(ioprio_classes, io->class_))
                return json_cursor_error_member(c, "class", "unknown I/O priority class \"%s\"",
                                                io->class_);
        int64_t prio = 0;
        r = json_member_i64(c, obj, "priority", JSON_REQUIRED, 0, 7, &prio);
        if (r < 0)
                return r;
        io->priority = (int) prio;
        return 0;
}

/* "0-3,7": the spec's pattern ^[0-9, -]*$. */
static int parse_cpu_list(struct json_cursor *c, const json_t *obj, const char *key, char **out)
{
        int r = json_member_string(c, obj, key, 0, out);
        if (r <= 0)
                return r;
        if ((*out)[strspn(*out, "0123456789, -")] != '\0')
                return json_cursor_error_member(
                        c, key, "expected a CPU list such as \"0-3,7\", got \"%s\"", *out);
        return 1;
}

static int parse_identity(struct json_cursor *c, const json_t *obj, struct oci_process *p)
{
        int r = PARSE_MEMBER_OBJECT(c, obj, "user", NULL, parse_user, &p->user);
        if (r < 0)
                return r;
        r = PARSE_MEMBER_OBJECT(c, obj, "capabilities", &p->has_capabilities, parse_capabilities,
                                &p->capabilities);
        if (r < 0)
                return r;
        if ((r = json_member_bool(c, obj, "noNewPrivileges", 0, &p->no_new_privileges)) < 0 ||
            (r = json_member_string(c, obj, "apparmorProfile", 0, &p->apparmor_profile)) < 0 ||
            (r = json_member_string(c, obj, "selinuxLabel", 0, &p->selinux_label)) < 0)
                return r;
        return 0;
}

/* execve(2) refuses (E2BIG) a string longer than MAX_ARG_STRLEN (32 pages)
 * and, whatever the stack limit, more than 6 MiB (3/4 of _STK_LIM) of
 * strings and pointers (Linux fs/exec.c): refused here, so create fails
 * rather than start.  A lower stack limit lowers the total further; the
 * kernel then says so at start. */
#define EXEC_TOTAL_MAX ((size_t) 6 << 20)

static int check_exec_strings(struct json_cursor *c, const char *key, char *const *strv,
                              size_t *total)
{
        size_t string_max = 32 * (size_t) sysconf(_SC_PAGESIZE);
        for (size_t i = 0; strv && strv[i]; i++) {
                size_t len = strlen(strv[i]) + 1;
                if (len > string_max) {
                        json_cursor_enter_key(c, key);
                        json_cursor_enter_index(c, i);
                        return json_cursor_error(c, "%zu bytes, execve(2) takes at most %zu per string",
                                                 len, string_max);
                }
                *total += len + sizeof(char *);
        }
        return 0;
}

static int check_exec_size(struct json_cursor *c, const struct oci_process *p)
{
        size_t total = 0;
        int r;
        if ((r = check_exec_strings(c, "args", p->args, &total)) < 0 ||
            (r = check_exec_strings(c, "env", p->env, &total)) < 0)
                return r;
        if (total > EXEC_TOTAL_MAX)
                return json_cursor_error(c, "args and env take %zu bytes with their pointers, "
                                         "execve(2) takes at most %zu", total, EXEC_TOTAL_MAX);
        return 0;
}

static int parse_program(struct json_cursor *c, const json_t *obj, struct oci_process *p)
{
        int r = json_member_bool(c, obj, "terminal", 0, &p->terminal);
        if (r < 0)
                return r;
        r = PARSE_MEMBER_OBJECT(c, obj, "consoleSize", &p->has_console_size, parse_console_size,
                                &p->console_size);
        if (r < 0)
                return r;
        r = json_member_string(c, obj, "cwd", JSON_REQUIRED, &p->cwd);
        if (r < 0)
                return r;
        if (!path_is_absolute(p->cwd))
                return json_cursor_error_member(c, "cwd", "must be an absolute path, got \"%s\"",
                                                p->cwd);
        if ((r = json_member_strv(c, obj, "env", 0, &p->env)) < 0 ||
            (r = json_member_strv(c, obj, "args", JSON_REQUIRED, &p->args)) < 0)
                return r;
        if (!p->args[0])
                return json_cursor_error_member(c, "args", "must contain at least one entry");
        r = check_exec_size(c, p);
        if (r < 0)
                return r;
        r = json_member_string(c, obj, "commandLine", 0, &p->command_line);
        return r < 0 ? r : 0;
}

static int parse_limits(struct json_cursor *c, const json_t *obj, struct oci_process *p)
{
        int r = PARSE_MEMBER_ARRAY(c, obj, "rlimits", p->rlimits, p->n_rlimits, parse_rlimit);
        if (r < 0)
                return r;
        r = check_rlimits_unique(c, p);
        if (r < 0)
                return r;
        int64_t adj = 0;
        r = json_member_i64(c, obj, "oomScoreAdj", 0, -1000, 1000, &adj);
        if (r < 0)
                return r;
        p->has_oom_score_adj = r > 0;
        p->oom_score_adj = (int) adj;
        r = PARSE_MEMBER_OBJECT(c, obj, "scheduler", &p->has_scheduler, parse_scheduler,
                                &p->scheduler);
        if (r < 0)
                return r;
        r = PARSE_MEMBER_OBJECT(c, obj, "ioPriority", &p->has_io_priority, parse_io_priority,
                                &p->io_priority);
        if (r < 0)
                return r;
        json_t *affinity;
        r = json_member_object(c, obj, "execCPUAffinity", 0, &affinity);
        if (r <= 0)
                return r;
        size_t mark = json_cursor_enter_key(c, "execCPUAffinity");
        if ((r = parse_cpu_list(c, affinity, "initial", &p->exec_cpu_affinity_initial)) < 0 ||
            (r = parse_cpu_list(c, affinity, "final", &p->exec_cpu_affinity_final)) < 0)
                return r;
        json_cursor_leave(c, mark);
        return 0;
}

int config_parse_process(struct json_cursor *c, const json_t *obj, struct oci_process *p)
{
        int r;
        if ((r = parse_program(c, obj, p)) < 0 || (r = parse_identity(c, obj, p)) < 0 ||
            (r = parse_limits(c, obj, p)) < 0)
                return r;
        return 0;
}

void config_process_release(struct oci_process *p)
{
        free(p->cwd);
        strv_free(p->env);
        strv_free(p->args);
        free(p->command_line);
        free(p->user.additional_gids);
        free(p->user.username);
        for (size_t i = 0; i < p->n_rlimits; i++)
                free(p->rlimits[i].type);
        free(p->rlimits);
        free(p->apparmor_profile);
        free(p->selinux_label);
        free(p->scheduler.policy);
        strv_free(p->scheduler.flags);
        free(p->io_priority.class_);
        free(p->exec_cpu_affinity_initial);
        free(p->exec_cpu_affinity_final);
        memset(p, 0, sizeof(*p));
}

int oci_process_parse_data(const char *data, size_t len, const char *name, struct oci_process *out,
                           struct berth_error *err)
{
        _cleanup_json_ json_t *root = NULL;
        struct json_cursor c;
        int r = config_document_open(data, len, name, &root, &c, err);
        if (r < 0)
                return r;
        return config_parse_process(&c, root, out);
}

void oci_process_release(struct oci_process *p)
{
        config_process_release(p);
}
