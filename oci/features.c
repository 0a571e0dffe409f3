/* The features document of `berth features` (features.md): only what this
 * build really implements, so callers such as containerd can rely on it.
 * Fixed at build time, as the spec asks, except the capability names,
 * which come from libcap. */
#include "oci/features.h"

#include <ctype.h>
#include <linux/capability.h>
#include <sys/capability.h>

#include "common/cleanup.h"
#include "namespaces/mount_options.h"
#include "oci/json_util.h"

static const char *const hook_names[] = {
        "prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop",
};

static const char *const namespace_names[] = {
        "cgroup", "ipc", "mount", "network", "pid", "time", "user", "uts",
};

static json_t *string_array(const char *const *names, size_t n)
{
        json_t *a = json_array();
        for (size_t i = 0; i < n; i++)
                json_array_append_new(a, json_string(names[i]));
        return a;
}
#define STRING_ARRAY(names) string_array((names), sizeof(names) / sizeof((names)[0]))

/* Every option namespaces/mount_options.c acts on: one list, so the
 * document cannot drift from the parser. */
static json_t *mount_option_names(void)
{
        json_t *a = json_array();
        const char *name;
        for (size_t i = 0; (name = mount_option_known(i)); i++)
                json_array_append_new(a, json_string(name));
        return a;
}

static void cap_freep(char **name)
{
        if (*name)
                cap_free(*name);
}

/* "CAP_CHOWN" ... for every capability libcap and the kernel headers
 * berth was built with know. */
static json_t *capability_names(void)
{
        json_t *a = json_array();
        for (cap_value_t cap = 0; cap <= CAP_LAST_CAP; cap++) {
                _cleanup_(cap_freep) char *name = cap_to_name(cap);
                if (!name || isdigit((unsigned char) name[0]))
                        continue;
                for (char *p = name; *p; p++)
                        *p = (char) toupper((unsigned char) *p);
                json_array_append_new(a, json_string(name));
        }
        return a;
}

static json_t *enabled(bool on)
{
        return json_pack("{s:b}", "enabled", on);
}

static json_t *linux_features(void)
{
        json_t *l = json_object();
        json_object_set_new(l, "namespaces", STRING_ARRAY(namespace_names));
        json_object_set_new(l, "capabilities", capability_names());
        json_object_set_new(l, "cgroup",
                            json_pack("{s:b, s:b, s:b, s:b, s:b}", "v1", 0, "v2", 1, "systemd", 0,
                                      "systemdUser", 0, "rdma", 0));
        json_object_set_new(l, "seccomp", enabled(false));
        json_object_set_new(l, "apparmor", enabled(false));
        json_object_set_new(l, "selinux", enabled(false));
        json_object_set_new(l, "intelRdt", enabled(false));
        json_object_set_new(l, "mountExtensions", json_pack("{s:o}", "idmap", enabled(false)));
        json_object_set_new(l, "netDevices", enabled(false));
        return l;
}

int oci_features_emit(char **json, struct berth_error *err)
{
        _cleanup_json_ json_t *f = json_object();
        json_object_set_new(f, "ociVersionMin", json_string("1.0.0"));
        json_object_set_new(f, "ociVersionMax", json_string("1.3.0"));
        json_object_set_new(f, "hooks", STRING_ARRAY(hook_names));
        json_object_set_new(f, "mountOptions", mount_option_names());
        json_object_set_new(f, "linux", linux_features());
        json_object_set_new(f, "annotations",
                            json_pack("{s:s}", "io.github.berth.version", PACKAGE_VERSION));
        return json_dump_pretty(f, 2, json, err);
}
