/* The process `berth exec` runs.  With --process it is that document,
 * whole.  Otherwise it is the container's own process (config.json as
 * create saw it) with the command line's changes, as runc builds it: the
 * command replaces args, --env adds or replaces variables, --cwd and
 * --user replace theirs, --additional-gids and --cap add, --tty decides
 * process.terminal, and --no-new-privs, --apparmor and --process-label
 * replace theirs. */
#include "runtime/exec.h"

#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>

#include "common/cleanup.h"
#include "common/util.h"

static int process_from_file(const char *path, struct oci_process *p, struct berth_error *err)
{
        bool from_stdin = strcmp(path, "-") == 0;
        const char *name = from_stdin ? "process.json (stdin)" : path;
        _cleanup_free_ char *data = NULL;
        size_t len;
        int r = read_file_at_max(AT_FDCWD, from_stdin ? "/dev/stdin" : path, OCI_CONFIG_MAX_BYTES, &data,
                                 &len, err);
        if (r < 0)
                return berth_error_prefix(err, "--process");
        oci_process_release(p);
        return oci_process_parse_data(data, len, name, p, err);
}

/* An id given on the command line: a decimal below 2^32 - 1 (the kernel's
 * "no id"). */
static int parse_id(const char *flag, const char *s, unsigned *out, struct berth_error *err)
{
        long v;
        if (parse_long(s, &v) < 0 || v < 0 || v >= (long) UINT32_MAX)
                return berth_error_new(err, EINVAL, "%s: \"%s\" is not a numeric id", flag, s);
        *out = (unsigned) v;
        return 0;
}

/* --user UID[:GID]; without GID the config's stays, as with runc. */
static int apply_user(const char *spec, struct oci_user *u, struct berth_error *err)
{
        _cleanup_free_ char *copy = xstrdup(spec);
        char *colon = strchr(copy, ':');
        if (colon)
                *colon = '\0';
        unsigned id = 0;
        int r = parse_id("--user", copy, &id, err);
        if (r < 0)
                return r;
        u->uid = id;
        if (!colon)
                return 0;
        r = parse_id("--user", colon + 1, &id, err);
        if (r < 0)
                return r;
        u->gid = id;
        return 0;
}

static int add_gids(char *const *gids, struct oci_user *u, struct berth_error *err)
{
        size_t n = strv_length(gids);
        if (!n)
                return 0;
        u->additional_gids = xrealloc(u->additional_gids, (u->n_additional_gids + n) * sizeof(gid_t));
        for (size_t i = 0; i < n; i++) {
                unsigned gid = 0;
                int r = parse_id("--additional-gids", gids[i], &gid, err);
                if (r < 0)
                        return r;
                u->additional_gids[u->n_additional_gids++] = gid;
        }
        return 0;
}

/* --cap: into bounding, effective and permitted, not inheritable
 * (CVE-2022-29162) and not ambient (a non-root user gets it only if the
 * config gives ambient ones). */
static int add_caps(char *const *caps, struct oci_capabilities *c, struct berth_error *err)
{
        for (size_t i = 0; caps && caps[i]; i++) {
                cap_value_t cap;
                if (strncmp(caps[i], "CAP_", 4) != 0 || cap_from_name(caps[i], &cap) < 0 || cap < 0 ||
                    cap >= cap_max_bits())
                        return berth_error_new(err, EINVAL, "--cap: unknown capability \"%s\"", caps[i]);
                uint64_t bit = UINT64_C(1) << cap;
                c->bounding |= bit;
                c->effective |= bit;
                c->permitted |= bit;
        }
        return 0;
}

static bool env_same_name(const char *a, const char *b)
{
        size_t n = strcspn(a, "=");
        return strncmp(a, b, n) == 0 && (b[n] == '=' || b[n] == '\0');
}

/* --env K=V: a variable of the same name in the config's env is replaced
 * (the process would otherwise see two), others are appended. */
static int apply_env(char *const *add, char ***env, struct berth_error *err)
{
        for (size_t i = 0; add && add[i]; i++) {
                if (!strchr(add[i], '=') || add[i][0] == '=')
                        return berth_error_new(err, EINVAL, "--env: \"%s\" is not NAME=VALUE", add[i]);
                size_t n = strv_length(*env), j;
                for (j = 0; j < n && !env_same_name(add[i], (*env)[j]); j++)
                        ;
                if (j == n) {
                        *env = xrealloc(*env, (n + 2) * sizeof(char *));
                        (*env)[n + 1] = NULL;
                } else {
                        free((*env)[j]);
                }
                (*env)[j] = xstrdup(add[i]);
        }
        return 0;
}

static void replace_string(char **field, const char *value)
{
        if (!value)
                return;
        free(*field);
        *field = xstrdup(value);
}

static int apply_flags(const struct exec_options *o, struct oci_process *p, struct berth_error *err)
{
        if (!o->args || !o->args[0])
                return berth_error_new(err, EINVAL, "exec: no command given (and no --process)");
        strv_free(p->args);
        p->args = strv_copy(o->args);
        if (o->cwd) {
                if (o->cwd[0] != '/')
                        return berth_error_new(err, EINVAL, "--cwd: must be an absolute path, got \"%s\"",
                                               o->cwd);
                replace_string(&p->cwd, o->cwd);
        }
        int r;
        if ((r = apply_env(o->env, &p->env, err)) < 0 ||
            (o->user && (r = apply_user(o->user, &p->user, err)) < 0) ||
            (r = add_gids(o->additional_gids, &p->user, err)) < 0 ||
            (r = add_caps(o->caps, &p->capabilities, err)) < 0)
                return r;
        if (o->caps && o->caps[0])
                p->has_capabilities = true;
        p->terminal = o->tty;
        if (o->no_new_privs >= 0)
                p->no_new_privileges = o->no_new_privs;
        replace_string(&p->apparmor_profile, o->apparmor);
        replace_string(&p->selinux_label, o->process_label);
        return 0;
}

/* With --process the document is the whole process: a process flag given
 * too would be silently lost, so it is refused.  --tty is the exception
 * (it only asks for what the document may also say): it sets terminal. */
static int check_no_process_flags(const struct exec_options *o, struct berth_error *err)
{
        if ((o->args && o->args[0]) || o->cwd || (o->env && o->env[0]) || o->user ||
            (o->additional_gids && o->additional_gids[0]) || (o->caps && o->caps[0]) ||
            o->no_new_privs >= 0 || o->apparmor || o->process_label)
                return berth_error_new(err, EINVAL,
                                       "--process: the process comes whole from %s; a command or "
                                       "--cwd, --env, --user, --additional-gids, --cap, "
                                       "--no-new-privs, --apparmor or --process-label cannot be given "
                                       "with it", o->process_path);
        return 0;
}

/* An absent or empty label is none, as runc reads it. */
static void inherit_label(char **label, char **container_label)
{
        if (*label && **label)
                return;
        free(*label);
        *label = steal_pointer(container_label);
}

int exec_process_apply(const struct exec_options *o, struct oci_process *p, struct berth_error *err)
{
        if (!o->process_path)
                return apply_flags(o, p, err);
        int r = check_no_process_flags(o, err);
        if (r < 0)
                return r;
        /* As crun (and runc's libcontainer) do: a document that names no
         * LSM label gets the container's, so --process is no way out of
         * the container's confinement. */
        _cleanup_free_ char *apparmor = steal_pointer(&p->apparmor_profile);
        _cleanup_free_ char *selinux = steal_pointer(&p->selinux_label);
        r = process_from_file(o->process_path, p, err);
        if (r < 0)
                return r;
        inherit_label(&p->apparmor_profile, &apparmor);
        inherit_label(&p->selinux_label, &selinux);
        if (o->tty)
                p->terminal = true;
        return 0;
}
