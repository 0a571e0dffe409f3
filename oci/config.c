/* Parsing config.json (runtime-spec 1.0 to 1.3, Linux) into struct
 * oci_config: the document's top level, root, mounts, hooks and
 * annotations, the checks that span several properties, and the lookups
 * the rest of berth uses.  process and linux have their own files. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/util.h"
#include "namespaces/mount_options.h"
#include "oci/config_parse.h"

static const char *const namespace_names[OCI_NS_COUNT] = {
        [OCI_NS_PID] = "pid",       [OCI_NS_NETWORK] = "network", [OCI_NS_MOUNT] = "mount",
        [OCI_NS_IPC] = "ipc",       [OCI_NS_UTS] = "uts",         [OCI_NS_USER] = "user",
        [OCI_NS_CGROUP] = "cgroup", [OCI_NS_TIME] = "time",
};

const char *oci_namespace_type_name(enum oci_namespace_type type)
{
        if ((unsigned) type >= OCI_NS_COUNT)
                return "unknown";
        return namespace_names[type];
}

const struct oci_namespace *oci_config_namespace(const struct oci_config *cfg,
                                                 enum oci_namespace_type type)
{
        for (size_t i = 0; i < cfg->linux_.n_namespaces; i++)
                if (cfg->linux_.namespaces[i].type == type)
                        return &cfg->linux_.namespaces[i];
        return NULL;
}

const char *oci_config_annotation(const struct oci_config *cfg, const char *key)
{
        for (size_t i = 0; i < cfg->n_annotations; i++)
                if (strcmp(cfg->annotations[i].key, key) == 0)
                        return cfg->annotations[i].value;
        return NULL;
}

/* ---- ociVersion ---------------------------------------------------------------- */

/* SemVer "1.M.P" with M from 0 to 3, optionally "-prerelease" and/or
 * "+build" ("1.0.2-dev", as runc writes, is a 1.0 document). */
static bool supported_version(const char *v)
{
        if (strncmp(v, "1.", 2) != 0 || v[2] < '0' || v[2] > '3' || v[3] != '.')
                return false;
        const char *p = v + 4;
        size_t digits = strspn(p, "0123456789");
        if (digits == 0 || (digits > 1 && p[0] == '0'))
                return false;
        p += digits;
        return *p == '\0' || ((*p == '-' || *p == '+') && p[1] != '\0');
}

static int parse_version(struct json_cursor *c, const json_t *root, struct oci_config *cfg)
{
        int r = json_member_string(c, root, "ociVersion", JSON_REQUIRED, &cfg->oci_version);
        if (r < 0)
                return r;
        if (!supported_version(cfg->oci_version))
                return json_cursor_error_member(
                        c, "ociVersion", "unsupported version \"%s\" (berth reads 1.0.0 to 1.3.x)",
                        cfg->oci_version);
        return 0;
}

/* ---- root, mounts ---------------------------------------------------------------- */

static int parse_root(struct json_cursor *c, const json_t *obj, struct oci_root *root)
{
        int r = json_member_string(c, obj, "path", JSON_REQUIRED, &root->path);
        if (r < 0)
                return r;
        if (!*root->path)
                return json_cursor_error_member(c, "path", "must not be empty");
        r = json_member_bool(c, obj, "readonly", 0, &root->readonly);
        return r < 0 ? r : 0;
}

static int parse_mount_options(struct json_cursor *c, const json_t *obj, struct oci_mount *m)
{
        static char *const no_options[] = { NULL };
        int r = json_member_strv(c, obj, "options", 0, &m->options);
        if (r < 0)
                return r;
        r = mount_options_parse(m->options ? m->options : no_options, &m->parsed, c->err);
        if (r < 0) {
                size_t mark = json_cursor_enter_key(c, "options");
                r = json_cursor_prefix(c);
                json_cursor_leave(c, mark);
        }
        return r;
}

static int parse_mount(struct json_cursor *c, const json_t *v, struct oci_mount *m)
{
        if (json_expect_object(c, v) < 0)
                return -EINVAL;
        int r = json_member_string(c, v, "destination", JSON_REQUIRED, &m->destination);
        if (r < 0)
                return r;
        /* Relative destinations are deprecated by the spec; berth, like
         * runc 1.1, refuses them rather than guess. */
        if (!path_is_absolute(m->destination))
                return json_cursor_error_member(
                        c, "destination", "must be an absolute path, got \"%s\"", m->destination);
        if ((r = json_member_string(c, v, "type", 0, &m->type)) < 0 ||
            (r = json_member_string(c, v, "source", 0, &m->source)) < 0 ||
            (r = parse_mount_options(c, v, m)) < 0 ||
            (r = config_parse_id_mappings(c, v, "uidMappings", &m->uid_mappings, &m->n_uid_mappings)) < 0 ||
            (r = config_parse_id_mappings(c, v, "gidMappings", &m->gid_mappings, &m->n_gid_mappings)) < 0)
                return r;
        /* The spec: uidMappings MUST come with gidMappings and vice versa. */
        if (!m->uid_mappings != !m->gid_mappings)
                return json_cursor_error_member(c, m->uid_mappings ? "uidMappings" : "gidMappings",
                                                "must be given together with %s",
                                                m->uid_mappings ? "gidMappings" : "uidMappings");
        return 0;
}

/* ---- hooks, annotations ----------------------------------------------------------- */

static int parse_hook(struct json_cursor *c, const json_t *v, struct oci_hook *h)
{
        if (json_expect_object(c, v) < 0)
                return -EINVAL;
        int r = json_member_string(c, v, "path", JSON_REQUIRED, &h->path);
        if (r < 0)
                return r;
        if (!path_is_absolute(h->path))
                return json_cursor_error_member(c, "path", "must be an absolute path, got \"%s\"",
                                                h->path);
        if ((r = json_member_strv(c, v, "args", 0, &h->args)) < 0 ||
            (r = json_member_strv(c, v, "env", 0, &h->env)) < 0)
                return r;
        int64_t timeout = 0;
        r = json_member_i64(c, v, "timeout", 0, 1, INT32_MAX, &timeout);
        if (r < 0)
                return r;
        h->has_timeout = r > 0;
        h->timeout = (int) timeout;
        return 0;
}

static int parse_hooks(struct json_cursor *c, const json_t *obj, struct oci_hooks *h)
{
        struct {
                const char *name;
                struct oci_hook_list *list;
        } lists[] = {
                { "prestart", &h->prestart },
                { "createRuntime", &h->create_runtime },
                { "createContainer", &h->create_container },
                { "startContainer", &h->start_container },
                { "poststart", &h->poststart },
                { "poststop", &h->poststop },
        };
        for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
                int r = config_check_array_size(c, obj, lists[i].name, CONFIG_MAX_ACTIONS);
                if (r < 0)
                        return r;
                r = PARSE_MEMBER_ARRAY(c, obj, lists[i].name, lists[i].list->hooks,
                                       lists[i].list->n, parse_hook);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int parse_annotations(struct json_cursor *c, const json_t *obj, struct oci_config *cfg)
{
        cfg->annotations = xmalloc0((json_object_size(obj) + 1) * sizeof(*cfg->annotations));
        const char *key;
        json_t *v;
        json_object_foreach((json_t *) obj, key, v) {
                size_t mark = json_cursor_enter_key(c, key);
                if (!*key)
                        return json_cursor_error(c, "annotation keys must not be empty");
                struct oci_annotation *a = &cfg->annotations[cfg->n_annotations];
                int r = json_read_string(c, v, &a->value);
                if (r < 0)
                        return r;
                a->key = xstrdup(key);
                cfg->n_annotations++;
                json_cursor_leave(c, mark);
        }
        return 0;
}

/* ---- the document ---------------------------------------------------------------- */

/* root is REQUIRED on Linux. */
static int parse_root_member(struct json_cursor *c, const json_t *doc, struct oci_config *cfg)
{
        json_t *v;
        int r = json_member_object(c, doc, "root", JSON_REQUIRED, &v);
        if (r < 0)
                return r;
        size_t mark = json_cursor_enter_key(c, "root");
        if ((r = parse_root(c, v, &cfg->root)) < 0)
                return r;
        json_cursor_leave(c, mark);
        return 0;
}

static int parse_annotations_member(struct json_cursor *c, const json_t *doc,
                                    struct oci_config *cfg)
{
        json_t *v;
        int r = json_member_object(c, doc, "annotations", 0, &v);
        if (r <= 0)
                return r;
        size_t mark = json_cursor_enter_key(c, "annotations");
        if ((r = parse_annotations(c, v, cfg)) < 0)
                return r;
        json_cursor_leave(c, mark);
        return 0;
}

static int parse_document(struct json_cursor *c, const json_t *doc, struct oci_config *cfg)
{
        int r;
        if ((r = parse_version(c, doc, cfg)) < 0 ||
            (r = PARSE_MEMBER_OBJECT(c, doc, "process", &cfg->has_process, config_parse_process,
                                     &cfg->process)) < 0 ||
            (r = parse_root_member(c, doc, cfg)) < 0 ||
            (r = json_member_string(c, doc, "hostname", 0, &cfg->hostname)) < 0 ||
            (r = json_member_string(c, doc, "domainname", 0, &cfg->domainname)) < 0)
                return r;
        r = config_check_array_size(c, doc, "mounts", CONFIG_MAX_ACTIONS);
        if (r < 0)
                return r;
        r = PARSE_MEMBER_ARRAY(c, doc, "mounts", cfg->mounts, cfg->n_mounts, parse_mount);
        if (r < 0)
                return r;
        r = PARSE_MEMBER_OBJECT(c, doc, "hooks", &cfg->has_hooks, parse_hooks, &cfg->hooks);
        if (r < 0 || (r = parse_annotations_member(c, doc, cfg)) < 0)
                return r;
        return PARSE_MEMBER_OBJECT(c, doc, "linux", &cfg->has_linux, config_parse_linux,
                                   &cfg->linux_);
}

/* ---- checks across properties ---------------------------------------------------- */

/* The kernel's limit for both names (__NEW_UTS_LEN). */
#define UTS_NAME_MAX 64

static int check_uts(struct json_cursor *c, const struct oci_config *cfg)
{
        if (cfg->hostname && strlen(cfg->hostname) > UTS_NAME_MAX)
                return json_cursor_error_at(c, "/hostname", "%zu bytes, the kernel takes at most %d",
                                            strlen(cfg->hostname), UTS_NAME_MAX);
        if (cfg->domainname && strlen(cfg->domainname) > UTS_NAME_MAX)
                return json_cursor_error_at(c, "/domainname", "%zu bytes, the kernel takes at most %d",
                                            strlen(cfg->domainname), UTS_NAME_MAX);
        /* Without a uts namespace of its own the container would rename the host. */
        if (oci_config_namespace(cfg, OCI_NS_UTS))
                return 0;
        if (cfg->hostname && *cfg->hostname)
                return json_cursor_error_at(
                        c, "/hostname",
                        "setting the hostname needs a uts namespace in /linux/namespaces");
        if (cfg->domainname && *cfg->domainname)
                return json_cursor_error_at(
                        c, "/domainname",
                        "setting the domainname needs a uts namespace in /linux/namespaces");
        return 0;
}

static int check_user_namespace(struct json_cursor *c, const struct oci_config *cfg)
{
        const struct oci_linux *l = &cfg->linux_;
        bool userns = oci_config_namespace(cfg, OCI_NS_USER) != NULL;
        if (!userns && l->n_uid_mappings)
                return json_cursor_error_at(
                        c, "/linux/uidMappings",
                        "id mappings need a user namespace in /linux/namespaces");
        if (!userns && l->n_gid_mappings)
                return json_cursor_error_at(
                        c, "/linux/gidMappings",
                        "id mappings need a user namespace in /linux/namespaces");
        /* The spec: an idmapped mount without its own mappings borrows the
         * container's; with no user namespace that MUST be an error. */
        for (size_t i = 0; i < cfg->n_mounts; i++) {
                const struct oci_mount *m = &cfg->mounts[i];
                if (m->parsed.idmap && !m->n_uid_mappings && !userns) {
                        char at[64];
                        snprintf(at, sizeof(at), "/mounts/%zu/options", i);
                        return json_cursor_error_at(
                                c, at,
                                "an idmap mount needs uidMappings/gidMappings or a user namespace");
                }
        }
        return 0;
}

/* An idmapping is applied to a clone of an existing mount (open_tree), so
 * only bind mounts can have one, as in runc; mappings alone ask for it
 * too (runc's tests give them without "idmap"). */
static int check_idmapped_mounts(struct json_cursor *c, const struct oci_config *cfg)
{
        for (size_t i = 0; i < cfg->n_mounts; i++) {
                const struct oci_mount *m = &cfg->mounts[i];
                bool bind = m->parsed.bind || (m->type && strcmp(m->type, "bind") == 0);
                if (bind || (!m->parsed.idmap && !m->n_uid_mappings))
                        continue;
                char at[64];
                snprintf(at, sizeof(at), "/mounts/%zu", i);
                return json_cursor_error_at(c, at,
                                            "an idmapped mount must be a bind mount (\"bind\" or \"rbind\")");
        }
        return 0;
}

static bool has_time_offsets(const struct oci_linux *l)
{
        return l->time_monotonic.present || l->time_boottime.present;
}

static int check_other_namespaces(struct json_cursor *c, const struct oci_config *cfg)
{
        const struct oci_namespace *time_ns = oci_config_namespace(cfg, OCI_NS_TIME);
        if (has_time_offsets(&cfg->linux_) && !time_ns)
                return json_cursor_error_at(
                        c, "/linux/timeOffsets",
                        "clock offsets need a time namespace in /linux/namespaces");
        /* Offsets can only be written before a time namespace has a process. */
        if (has_time_offsets(&cfg->linux_) && time_ns->path)
                return json_cursor_error_at(
                        c, "/linux/timeOffsets",
                        "clock offsets cannot be set on a joined time namespace");
        if (cfg->linux_.n_net_devices && !oci_config_namespace(cfg, OCI_NS_NETWORK))
                return json_cursor_error_at(
                        c, "/linux/netDevices",
                        "moving network devices needs a network namespace in /linux/namespaces");
        return 0;
}

static int check_document(struct json_cursor *c, const struct oci_config *cfg)
{
        int r;
        if ((r = check_uts(c, cfg)) < 0 || (r = check_user_namespace(c, cfg)) < 0 ||
            (r = check_idmapped_mounts(c, cfg)) < 0 ||
            (r = check_other_namespaces(c, cfg)) < 0)
                return r;
        return 0;
}

/* ---- entry points ------------------------------------------------------------------ */

int config_document_open(const char *data, size_t len, const char *name, json_t **root,
                         struct json_cursor *c, struct berth_error *err)
{
        if (len > OCI_CONFIG_MAX_BYTES)
                return berth_error_new(err, EFBIG, "%s: %zu bytes, more than the %zu berth reads",
                                       name, len, OCI_CONFIG_MAX_BYTES);
        int r = json_parse_object(data, len, name, root, err);
        if (r < 0)
                return r;
        json_cursor_init(c, name, err);
        return 0;
}

int oci_config_parse_data(const char *data, size_t len, const char *name, struct oci_config **out,
                          struct berth_error *err)
{
        _cleanup_json_ json_t *root = NULL;
        struct json_cursor c;
        int r = config_document_open(data, len, name, &root, &c, err);
        if (r < 0)
                return r;
        _cleanup_config_ struct oci_config *cfg = xmalloc0(sizeof(*cfg));
        if ((r = parse_document(&c, root, cfg)) < 0 || (r = check_document(&c, cfg)) < 0)
                return r;
        *out = steal_pointer(&cfg);
        return 0;
}

int oci_config_load(const char *bundle, struct oci_config **out, struct berth_error *err)
{
        _cleanup_free_ char *path = xasprintf("%s/config.json", bundle);
        _cleanup_free_ char *data = NULL;
        size_t len;
        int r = read_file_at_max(AT_FDCWD, path, OCI_CONFIG_MAX_BYTES, &data, &len, err);
        if (r < 0)
                return berth_error_prefix(err, "config.json");
        return oci_config_parse_data(data, len, "config.json", out, err);
}

static void mount_release(struct oci_mount *m)
{
        free(m->destination);
        free(m->type);
        free(m->source);
        strv_free(m->options);
        mount_options_release(&m->parsed);
        free(m->uid_mappings);
        free(m->gid_mappings);
}

static void hook_release(struct oci_hook *h)
{
        free(h->path);
        strv_free(h->args);
        strv_free(h->env);
}

static void annotation_release(struct oci_annotation *a)
{
        free(a->key);
        free(a->value);
}

static void hooks_release(struct oci_hooks *h)
{
        struct oci_hook_list *lists[] = {
                &h->prestart,        &h->create_runtime, &h->create_container,
                &h->start_container, &h->poststart,      &h->poststop,
        };
        for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
                RELEASE_ARRAY(lists[i]->hooks, lists[i]->n, hook_release);
}

void oci_config_free(struct oci_config *cfg)
{
        if (!cfg)
                return;
        free(cfg->oci_version);
        config_process_release(&cfg->process);
        free(cfg->root.path);
        free(cfg->hostname);
        free(cfg->domainname);
        RELEASE_ARRAY(cfg->mounts, cfg->n_mounts, mount_release);
        hooks_release(&cfg->hooks);
        RELEASE_ARRAY(cfg->annotations, cfg->n_annotations, annotation_release);
        config_linux_release(&cfg->linux_);
        free(cfg);
}
