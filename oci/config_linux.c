/* config.json "linux": namespaces, id mappings, time offsets, devices,
 * paths, sysctl, personality, Intel RDT, network devices and the NUMA
 * memory policy.  linux.resources and linux.seccomp have their own files. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/cleanup.h"
#include "namespaces/mount_options.h"
#include "oci/config_parse.h"

/* ---- namespaces ------------------------------------------------------------ */

static int parse_namespace(struct json_cursor *c, const json_t *v, struct oci_namespace *ns)
{
        if (json_expect_object(c, v) < 0)
                return -EINVAL;
        _cleanup_free_ char *type = NULL;
        int r = json_member_string(c, v, "type", JSON_REQUIRED, &type);
        if (r < 0)
                return r;
        ns->type = OCI_NS_COUNT;
        for (int t = 0; t < OCI_NS_COUNT; t++)
                if (strcmp(type, oci_namespace_type_name(t)) == 0)
                        ns->type = t;
        if (ns->type == OCI_NS_COUNT)
                return json_cursor_error_member(c, "type", "unknown namespace type \"%s\"", type);
        r = json_member_string(c, v, "path", 0, &ns->path);
        if (r < 0)
                return r;
        if (r > 0 && !path_is_absolute(ns->path))
                return json_cursor_error_member(c, "path", "must be an absolute path, got \"%s\"",
                                                ns->path);
        return 0;
}

/* The spec: duplicated namespace types MUST be an error. */
static int check_namespaces_unique(struct json_cursor *c, const struct oci_linux *l)
{
        for (size_t i = 0; i < l->n_namespaces; i++)
                for (size_t j = 0; j < i; j++)
                        if (l->namespaces[i].type == l->namespaces[j].type) {
                                char at[64];
                                snprintf(at, sizeof(at), "/linux/namespaces/%zu/type", i);
                                return json_cursor_error_at(
                                        c, at,
                                        "duplicate namespace type \"%s\" (also at /linux/namespaces/%zu)",
                                        oci_namespace_type_name(l->namespaces[i].type), j);
                        }
        return 0;
}

/* ---- id mappings (also used by mounts) ------------------------------------- */

static int parse_id_mapping(struct json_cursor *c, const json_t *v, struct oci_id_mapping *m)
{
        if (json_expect_object(c, v) < 0)
                return -EINVAL;
        int r;
        if ((r = json_member_u32(c, v, "containerID", JSON_REQUIRED, &m->container_id)) < 0 ||
            (r = json_member_u32(c, v, "hostID", JSON_REQUIRED, &m->host_id)) < 0 ||
            (r = json_member_u32(c, v, "size", JSON_REQUIRED, &m->size)) < 0)
                return r;
        if (m->size == 0)
                return json_cursor_error_member(c, "size", "must be at least 1");
        /* The kernel refuses ranges that wrap around the 32-bit id space. */
        if ((uint64_t) m->container_id + m->size > UINT64_C(1) << 32 ||
            (uint64_t) m->host_id + m->size > UINT64_C(1) << 32)
                return json_cursor_error_member(c, "size", "the range runs past id 4294967295");
        return 0;
}

#define ID_MAP_MAX_RANGES 340

static bool ranges_overlap(uint32_t a, uint32_t b, uint32_t size_a, uint32_t size_b)
{
        return (uint64_t) a < (uint64_t) b + size_b && (uint64_t) b < (uint64_t) a + size_a;
}

/* Entry i against an earlier entry j, at the cursor's array. */
static int check_no_overlap(struct json_cursor *c, const struct oci_id_mapping *maps, size_t i, size_t j)
{
        const struct oci_id_mapping *a = &maps[i], *b = &maps[j];
        const char *side = NULL;
        uint32_t first_a = 0, first_b = 0;
        if (ranges_overlap(a->container_id, b->container_id, a->size, b->size))
                side = "containerID", first_a = a->container_id, first_b = b->container_id;
        else if (ranges_overlap(a->host_id, b->host_id, a->size, b->size))
                side = "hostID", first_a = a->host_id, first_b = b->host_id;
        if (!side)
                return 0;
        size_t mark = json_cursor_enter_index(c, i);
        int r = json_cursor_error(c, "%s range %" PRIu32 "-%" PRIu32 " overlaps entry %zu's (%" PRIu32 "-%" PRIu32 ")",
                                  side, first_a, first_a + (a->size - 1), j, first_b, first_b + (b->size - 1));
        json_cursor_leave(c, mark);
        return r;
}

/* The kernel refuses a map whose ranges overlap on either side (each id
 * must map to exactly one id the other way), and one of more than 340
 * lines (UID_GID_MAP_MAX_EXTENTS, Linux 4.15; 5 before). */
static int check_id_mapping_list(struct json_cursor *c, const struct oci_id_mapping *maps, size_t n)
{
        if (n > ID_MAP_MAX_RANGES)
                return json_cursor_error(c, "at most %d ranges (the kernel's limit), got %zu",
                                         ID_MAP_MAX_RANGES, n);
        for (size_t i = 0; i < n; i++)
                for (size_t j = 0; j < i; j++) {
                        int r = check_no_overlap(c, maps, i, j);
                        if (r < 0)
                                return r;
                }
        return 0;
}

int config_parse_id_mappings(struct json_cursor *c, const json_t *obj, const char *key,
                             struct oci_id_mapping **maps, size_t *n)
{
        int r = PARSE_MEMBER_ARRAY(c, obj, key, *maps, *n, parse_id_mapping);
        if (r < 0 || !*maps)
                return r;
        size_t mark = json_cursor_enter_key(c, key);
        r = check_id_mapping_list(c, *maps, *n);
        json_cursor_leave(c, mark);
        return r;
}

/* ---- timeOffsets ------------------------------------------------------------ */

static int parse_time_offset(struct json_cursor *c, const json_t *v, struct oci_time_offset *t)
{
        if (json_expect_object(c, v) < 0)
                return -EINVAL;
        t->present = true;
        int r = json_member_i64(c, v, "secs", 0, INT64_MIN, INT64_MAX, &t->secs);
        if (r < 0)
                return r;
        uint64_t ns = 0;
        /* time_namespaces(7): nanoseconds must be below one second. */
        r = json_member_u64(c, v, "nanosecs", 0, 999999999, &ns);
        t->nanosecs = (uint32_t) ns;
        return r < 0 ? r : 0;
}

static int parse_time_offsets(struct json_cursor *c, const json_t *obj, struct oci_linux *l)
{
        const char *clock;
        json_t *v;
        json_object_foreach((json_t *) obj, clock, v) {
                if (json_is_null(v))
                        continue;
                size_t mark = json_cursor_enter_key(c, clock);
                int r;
                if (strcmp(clock, "monotonic") == 0)
                        r = parse_time_offset(c, v, &l->time_monotonic);
                else if (strcmp(clock, "boottime") == 0)
                        r = parse_time_offset(c, v, &l->time_boottime);
                else
                        r = json_cursor_error(
                                c, "unknown clock \"%s\" (expected monotonic or boottime)", clock);
                if (r < 0)
                        return r;
                json_cursor_leave(c, mark);
        }
        return 0;
}

/* ---- devices ------------------------------------------------------------------ */

static int parse_device_number(struct json_cursor *c, const json_t *v, const char *key,
                               bool required, int64_t *out)
{
        *out = -1;
        int r = json_member_i64(c, v, key, required ? JSON_REQUIRED : 0, 0, UINT32_MAX, out);
        return r < 0 ? r : 0;
}

static int parse_device(struct json_cursor *c, const json_t *v, struct oci_device *d)
{
        if (json_expect_object(c, v) < 0)
                return -EINVAL;
        _cleanup_free_ char *type = NULL;
        int r = json_member_string(c, v, "type", JSON_REQUIRED, &type);
        if (r < 0)
                return r;
        if (strlen(type) != 1 || !strchr("cbup", type[0]))
                return json_cursor_error_member(
                        c, "type", "unknown device type \"%s\" (expected c, b, u or p)", type);
        d->type = type[0];
        r = json_member_string(c, v, "path", JSON_REQUIRED, &d->path);
        if (r < 0)
                return r;
        if (!path_is_absolute(d->path))
                return json_cursor_error_member(c, "path", "must be an absolute path, got \"%s\"",
                                                d->path);
        /* major and minor are REQUIRED unless the device is a fifo. */
        bool needs_numbers = d->type != 'p';
        if ((r = parse_device_number(c, v, "major", needs_numbers, &d->major)) < 0 ||
            (r = parse_device_number(c, v, "minor", needs_numbers, &d->minor)) < 0)
                return r;
        uint32_t mode = 0, uid = 0, gid = 0;
        r = json_member_u32(c, v, "fileMode", 0, &mode);
        if (r < 0)
                return r;
        /* Podman and Docker pass stat()'s st_mode, file type bits included
         * (8630 = S_IFCHR | 0666); the type is "type"'s, only the permission
         * bits are kept. */
        if (r > 0 && (mode & ~(uint32_t) (S_IFMT | 07777)))
                return json_cursor_error_member(
                        c, "fileMode", "expected permission bits (07777), optionally with file type bits (0170000)");
        d->has_file_mode = r > 0;
        d->file_mode = mode & 07777;
        if ((r = json_member_u32(c, v, "uid", 0, &uid)) < 0)
                return r;
        d->has_uid = r > 0;
        d->uid = uid;
        if ((r = json_member_u32(c, v, "gid", 0, &gid)) < 0)
                return r;
        d->has_gid = r > 0;
        d->gid = gid;
        return 0;
}

/* ---- paths, sysctl, personality ---------------------------------------------- */

/* maskedPaths / readonlyPaths: each MUST be absolute. */
static int parse_path_list(struct json_cursor *c, const json_t *obj, const char *key, char ***out)
{
        int r = config_check_array_size(c, obj, key, CONFIG_MAX_ACTIONS);
        if (r < 0)
                return r;
        r = json_member_strv(c, obj, key, 0, out);
        if (r <= 0)
                return r;
        for (size_t i = 0; (*out)[i]; i++) {
                if (!path_is_absolute((*out)[i])) {
                        json_cursor_enter_key(c, key);
                        json_cursor_enter_index(c, i);
                        return json_cursor_error(c, "must be an absolute path, got \"%s\"",
                                                 (*out)[i]);
                }
        }
        return 0;
}

static int parse_sysctl(struct json_cursor *c, const json_t *obj, struct oci_linux *l)
{
        l->sysctl = xmalloc0((json_object_size(obj) + 1) * sizeof(*l->sysctl));
        const char *key;
        json_t *v;
        json_object_foreach((json_t *) obj, key, v) {
                size_t mark = json_cursor_enter_key(c, key);
                if (!*key)
                        return json_cursor_error(c, "sysctl names must not be empty");
                struct oci_sysctl *s = &l->sysctl[l->n_sysctl];
                int r = json_read_string(c, v, &s->value);
                if (r < 0)
                        return r;
                s->key = xstrdup(key);
                l->n_sysctl++;
                json_cursor_leave(c, mark);
        }
        return 0;
}

static int parse_personality(struct json_cursor *c, const json_t *obj, struct oci_personality *p)
{
        int r = json_member_string(c, obj, "domain", JSON_REQUIRED, &p->domain);
        if (r < 0)
                return r;
        if (strcmp(p->domain, "LINUX") != 0 && strcmp(p->domain, "LINUX32") != 0)
                return json_cursor_error_member(
                        c, "domain",
                        "unknown personality domain \"%s\" (expected LINUX or LINUX32)", p->domain);
        r = json_member_strv(c, obj, "flags", 0, &p->flags);
        if (r < 0)
                return r;
        /* The spec defines no flag yet: any value is one berth cannot honour. */
        if (p->flags && p->flags[0]) {
                json_cursor_enter_key(c, "flags");
                json_cursor_enter_index(c, 0);
                return json_cursor_error(c, "unsupported personality flag \"%s\"", p->flags[0]);
        }
        return 0;
}

/* ---- intelRdt ------------------------------------------------------------------ */

static int parse_intel_rdt(struct json_cursor *c, const json_t *obj, struct oci_intel_rdt *rdt)
{
        int r = json_member_string(c, obj, "closID", 0, &rdt->clos_id);
        if (r < 0)
                return r;
        /* A directory name in the resctrl filesystem, or "/" for its root. */
        if (r > 0 && strcmp(rdt->clos_id, "/") != 0 &&
            (!*rdt->clos_id || strchr(rdt->clos_id, '/') || strcmp(rdt->clos_id, ".") == 0 ||
             strcmp(rdt->clos_id, "..") == 0))
                return json_cursor_error_member(
                        c, "closID", "must be \"/\" or a plain directory name, got \"%s\"",
                        rdt->clos_id);
        if ((r = json_member_string(c, obj, "l3CacheSchema", 0, &rdt->l3_cache_schema)) < 0 ||
            (r = json_member_string(c, obj, "memBwSchema", 0, &rdt->mem_bw_schema)) < 0)
                return r;
        if (rdt->mem_bw_schema &&
            (strncmp(rdt->mem_bw_schema, "MB:", 3) != 0 || strchr(rdt->mem_bw_schema, '\n')))
                return json_cursor_error_member(
                        c, "memBwSchema", "must start with \"MB:\" and be one line, got \"%s\"",
                        rdt->mem_bw_schema);
        r = json_member_strv(c, obj, "schemata", 0, &rdt->schemata);
        if (r < 0)
                return r;
        for (size_t i = 0; rdt->schemata && rdt->schemata[i]; i++) {
                if (strchr(rdt->schemata[i], '\n')) {
                        json_cursor_enter_key(c, "schemata");
                        json_cursor_enter_index(c, i);
                        return json_cursor_error(c, "must not contain a newline");
                }
        }
        r = json_member_bool(c, obj, "enableMonitoring", 0, &rdt->enable_monitoring);
        return r < 0 ? r : 0;
}

/* ---- netDevices ----------------------------------------------------------------- */

/* An interface name the kernel accepts: 1..15 bytes, not "." or "..", no
 * '/', ':' or whitespace.  A new name may hold "%d" for the kernel to fill. */
static bool valid_ifname(const char *name)
{
        size_t n = strlen(name);
        if (n == 0 || n >= 16 || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
                return false;
        return name[strcspn(name, "/: \t\n\r\v\f")] == '\0';
}

static int parse_net_devices(struct json_cursor *c, const json_t *obj, struct oci_linux *l)
{
        l->net_devices = xmalloc0((json_object_size(obj) + 1) * sizeof(*l->net_devices));
        const char *name;
        json_t *v;
        json_object_foreach((json_t *) obj, name, v) {
                size_t mark = json_cursor_enter_key(c, name);
                if (!valid_ifname(name))
                        return json_cursor_error(c, "\"%s\" is not a valid interface name", name);
                if (json_expect_object(c, v) < 0)
                        return -EINVAL;
                struct oci_net_device *d = &l->net_devices[l->n_net_devices++];
                d->name = xstrdup(name);
                int r = json_member_string(c, v, "name", 0, &d->new_name);
                if (r < 0)
                        return r;
                if (r > 0 && !valid_ifname(d->new_name))
                        return json_cursor_error_member(
                                c, "name", "\"%s\" is not a valid interface name", d->new_name);
                json_cursor_leave(c, mark);
        }
        return 0;
}

/* ---- memoryPolicy ----------------------------------------------------------------- */

static const struct name_value mpol_modes[] = {
        { "MPOL_DEFAULT", OCI_MPOL_DEFAULT },
        { "MPOL_BIND", OCI_MPOL_BIND },
        { "MPOL_INTERLEAVE", OCI_MPOL_INTERLEAVE },
        { "MPOL_WEIGHTED_INTERLEAVE", OCI_MPOL_WEIGHTED_INTERLEAVE },
        { "MPOL_PREFERRED", OCI_MPOL_PREFERRED },
        { "MPOL_PREFERRED_MANY", OCI_MPOL_PREFERRED_MANY },
        { "MPOL_LOCAL", OCI_MPOL_LOCAL },
};

static const struct name_value mpol_flags[] = {
        { "MPOL_F_NUMA_BALANCING", OCI_MPOL_F_NUMA_BALANCING },
        { "MPOL_F_RELATIVE_NODES", OCI_MPOL_F_RELATIVE_NODES },
        { "MPOL_F_STATIC_NODES", OCI_MPOL_F_STATIC_NODES },
};

/* set_mempolicy(2): which modes take a node list. */
static int check_mpol_nodes(struct json_cursor *c, const struct oci_memory_policy *mp)
{
        bool has_nodes = mp->nodes && *mp->nodes;
        switch (mp->mode_value) {
        case OCI_MPOL_DEFAULT:
        case OCI_MPOL_LOCAL:
                if (has_nodes)
                        return json_cursor_error_member(c, "nodes", "must be empty with %s",
                                                        mp->mode);
                return 0;
        case OCI_MPOL_BIND:
        case OCI_MPOL_INTERLEAVE:
        case OCI_MPOL_WEIGHTED_INTERLEAVE:
        case OCI_MPOL_PREFERRED_MANY:
                if (!has_nodes)
                        return json_cursor_error_member(c, "nodes", "%s needs at least one node",
                                                        mp->mode);
                return 0;
        case OCI_MPOL_PREFERRED:
                return 0;
        }
        return 0;
}

static int parse_memory_policy(struct json_cursor *c, const json_t *obj,
                               struct oci_memory_policy *mp)
{
        int r = json_member_string(c, obj, "mode", JSON_REQUIRED, &mp->mode);
        if (r < 0)
                return r;
        long value;
        if (!NAME_LOOKUP(mpol_modes, mp->mode, &value))
                return json_cursor_error_member(c, "mode", "unknown memory policy mode \"%s\"",
                                                mp->mode);
        mp->mode_value = (enum oci_mpol_mode) value;
        r = json_member_string(c, obj, "nodes", 0, &mp->nodes);
        if (r < 0)
                return r;
        if (r > 0 && mp->nodes[strspn(mp->nodes, "0123456789,-")] != '\0')
                return json_cursor_error_member(
                        c, "nodes", "expected a node list such as \"0-3,7\", got \"%s\"",
                        mp->nodes);
        if ((r = check_mpol_nodes(c, mp)) < 0)
                return r;
        r = json_member_strv(c, obj, "flags", 0, &mp->flags);
        if (r < 0)
                return r;
        for (size_t i = 0; mp->flags && mp->flags[i]; i++) {
                if (!NAME_LOOKUP(mpol_flags, mp->flags[i], &value)) {
                        json_cursor_enter_key(c, "flags");
                        json_cursor_enter_index(c, i);
                        return json_cursor_error(c, "unknown memory policy flag \"%s\"",
                                                 mp->flags[i]);
                }
                mp->flag_bits |= (unsigned) value;
        }
        if ((mp->flag_bits & OCI_MPOL_F_STATIC_NODES) &&
            (mp->flag_bits & OCI_MPOL_F_RELATIVE_NODES))
                return json_cursor_error_member(
                        c, "flags",
                        "MPOL_F_STATIC_NODES and MPOL_F_RELATIVE_NODES exclude each other");
        return 0;
}

/* ---- the linux object ---------------------------------------------------------- */

static int parse_propagation(struct json_cursor *c, const json_t *obj, struct oci_linux *l)
{
        int r = json_member_string(c, obj, "rootfsPropagation", 0, &l->rootfs_propagation);
        if (r <= 0)
                return r;
        if (mount_propagation_parse(l->rootfs_propagation, &l->rootfs_propagation_flags) < 0)
                return json_cursor_error_member(
                        c, "rootfsPropagation",
                        "unknown propagation \"%s\" (expected shared, slave, private or unbindable)",
                        l->rootfs_propagation);
        return 0;
}

/* An optional object member of linux, parsed by `parse` with the cursor on it. */
static int parse_linux_object(struct json_cursor *c, const json_t *obj, const char *key,
                              int (*parse)(struct json_cursor *, const json_t *, struct oci_linux *),
                              struct oci_linux *l)
{
        json_t *v;
        int r = json_member_object(c, obj, key, 0, &v);
        if (r <= 0)
                return r;
        size_t mark = json_cursor_enter_key(c, key);
        if ((r = parse(c, v, l)) < 0)
                return r;
        json_cursor_leave(c, mark);
        return 0;
}

static int parse_maps(struct json_cursor *c, const json_t *obj, struct oci_linux *l)
{
        int r;
        if ((r = parse_linux_object(c, obj, "timeOffsets", parse_time_offsets, l)) < 0 ||
            (r = parse_linux_object(c, obj, "sysctl", parse_sysctl, l)) < 0)
                return r;
        return parse_linux_object(c, obj, "netDevices", parse_net_devices, l);
}

static int parse_isolation(struct json_cursor *c, const json_t *obj, struct oci_linux *l)
{
        int r = PARSE_MEMBER_ARRAY(c, obj, "namespaces", l->namespaces, l->n_namespaces,
                                   parse_namespace);
        if (r < 0 || (r = check_namespaces_unique(c, l)) < 0)
                return r;
        if ((r = config_parse_id_mappings(c, obj, "uidMappings", &l->uid_mappings, &l->n_uid_mappings)) < 0 ||
            (r = config_parse_id_mappings(c, obj, "gidMappings", &l->gid_mappings, &l->n_gid_mappings)) < 0 ||
            (r = config_check_array_size(c, obj, "devices", CONFIG_MAX_ACTIONS)) < 0 ||
            (r = PARSE_MEMBER_ARRAY(c, obj, "devices", l->devices, l->n_devices, parse_device)) < 0)
                return r;
        if ((r = json_member_string(c, obj, "cgroupsPath", 0, &l->cgroups_path)) < 0 ||
            (r = PARSE_MEMBER_OBJECT(c, obj, "resources", &l->has_resources, config_parse_resources,
                                     &l->resources)) < 0 ||
            (r = PARSE_MEMBER_OBJECT(c, obj, "seccomp", &l->has_seccomp, config_parse_seccomp,
                                     &l->seccomp)) < 0)
                return r;
        return 0;
}

static int parse_filesystem(struct json_cursor *c, const json_t *obj, struct oci_linux *l)
{
        int r;
        if ((r = parse_propagation(c, obj, l)) < 0 ||
            (r = parse_path_list(c, obj, "maskedPaths", &l->masked_paths)) < 0 ||
            (r = parse_path_list(c, obj, "readonlyPaths", &l->readonly_paths)) < 0 ||
            (r = json_member_string(c, obj, "mountLabel", 0, &l->mount_label)) < 0)
                return r;
        return 0;
}

static int parse_extras(struct json_cursor *c, const json_t *obj, struct oci_linux *l)
{
        int r;
        if ((r = PARSE_MEMBER_OBJECT(c, obj, "personality", &l->has_personality, parse_personality,
                                     &l->personality)) < 0 ||
            (r = PARSE_MEMBER_OBJECT(c, obj, "intelRdt", &l->has_intel_rdt, parse_intel_rdt,
                                     &l->intel_rdt)) < 0 ||
            (r = PARSE_MEMBER_OBJECT(c, obj, "memoryPolicy", &l->has_memory_policy,
                                     parse_memory_policy, &l->memory_policy)) < 0)
                return r;
        return 0;
}

int config_parse_linux(struct json_cursor *c, const json_t *obj, struct oci_linux *l)
{
        int r;
        if ((r = parse_isolation(c, obj, l)) < 0 || (r = parse_maps(c, obj, l)) < 0 ||
            (r = parse_filesystem(c, obj, l)) < 0 || (r = parse_extras(c, obj, l)) < 0)
                return r;
        return 0;
}

/* ---- release ------------------------------------------------------------------- */

static void namespace_release(struct oci_namespace *ns)
{
        free(ns->path);
}

static void device_release(struct oci_device *d)
{
        free(d->path);
}

static void sysctl_release(struct oci_sysctl *s)
{
        free(s->key);
        free(s->value);
}

static void net_device_release(struct oci_net_device *d)
{
        free(d->name);
        free(d->new_name);
}

void config_linux_release(struct oci_linux *l)
{
        RELEASE_ARRAY(l->namespaces, l->n_namespaces, namespace_release);
        free(l->uid_mappings);
        free(l->gid_mappings);
        RELEASE_ARRAY(l->devices, l->n_devices, device_release);
        free(l->cgroups_path);
        config_resources_release(&l->resources);
        free(l->rootfs_propagation);
        strv_free(l->masked_paths);
        strv_free(l->readonly_paths);
        free(l->mount_label);
        RELEASE_ARRAY(l->sysctl, l->n_sysctl, sysctl_release);
        config_seccomp_release(&l->seccomp);
        free(l->personality.domain);
        strv_free(l->personality.flags);
        free(l->intel_rdt.clos_id);
        free(l->intel_rdt.l3_cache_schema);
        free(l->intel_rdt.mem_bw_schema);
        strv_free(l->intel_rdt.schemata);
        RELEASE_ARRAY(l->net_devices, l->n_net_devices, net_device_release);
        free(l->memory_policy.mode);
        free(l->memory_policy.nodes);
        strv_free(l->memory_policy.flags);
        memset(l, 0, sizeof(*l));
}
