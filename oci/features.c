/* The features document of `berth features` (features.md): only what this
 * build really implements, so callers such as containerd can rely on it.
 * Fixed at build time, as the spec asks, except the capability names,
 * which come from libcap, the seccomp architectures, from the libseccomp
 * berth runs with, and the seccomp flags this kernel supports. */
#include "oci/features.h"

#include <ctype.h>
#include <linux/capability.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "namespaces/mount_options.h"
#include "oci/config.h"
#include "oci/json_util.h"

#ifndef SECCOMP_FILTER_FLAG_NEW_LISTENER
#define SECCOMP_FILTER_FLAG_NEW_LISTENER (1UL << 3)
#endif

static const char *const hook_names[] = {
        "prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop",
};

static const char *const namespace_names[] = {
        "cgroup", "ipc", "mount", "network", "pid", "time", "user", "uts",
};

/* runtime/seccomp.c maps each of these. */
static const char *const seccomp_actions[] = {
        "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP",
        "SCMP_ACT_ERRNO", "SCMP_ACT_TRACE", "SCMP_ACT_ALLOW", "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY",
};

static const char *const seccomp_operators[] = {
        "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ",
        "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ",
};

/* The spec's architecture names; those libseccomp resolves are listed. */
static const char *const seccomp_spec_archs[] = {
        "SCMP_ARCH_X86", "SCMP_ARCH_X86_64", "SCMP_ARCH_X32", "SCMP_ARCH_ARM",
        "SCMP_ARCH_AARCH64", "SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS64N32",
        "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",
        "SCMP_ARCH_PPC64", "SCMP_ARCH_PPC64LE", "SCMP_ARCH_S390", "SCMP_ARCH_S390X",
        "SCMP_ARCH_PARISC", "SCMP_ARCH_PARISC64", "SCMP_ARCH_RISCV64", "SCMP_ARCH_LOONGARCH64",
        "SCMP_ARCH_M68K", "SCMP_ARCH_SH", "SCMP_ARCH_SHEB",
};

/* Each flag with what seccomp(2) must accept for it to work.  TSYNC needs
 * nothing: berth's init is single-threaded when it loads the filter, so
 * berth takes the flag and has nothing to pass.  WAIT_KILLABLE_RECV only
 * exists with a listener. */
static const struct {
        const char *name;
        unsigned long probe;
} seccomp_flags[] = {
        { "SECCOMP_FILTER_FLAG_TSYNC", 0 },
        { "SECCOMP_FILTER_FLAG_LOG", OCI_SECCOMP_FLAG_LOG },
        { "SECCOMP_FILTER_FLAG_SPEC_ALLOW", OCI_SECCOMP_FLAG_SPEC_ALLOW },
        { "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
          OCI_SECCOMP_FLAG_WAIT_KILLABLE_RECV | SECCOMP_FILTER_FLAG_NEW_LISTENER },
};

/* linux.memoryPolicy: the modes and flags oci/config_linux.c accepts. */
static const char *const mpol_modes[] = {
        "MPOL_DEFAULT", "MPOL_BIND", "MPOL_INTERLEAVE", "MPOL_WEIGHTED_INTERLEAVE",
        "MPOL_PREFERRED", "MPOL_PREFERRED_MANY", "MPOL_LOCAL",
};

static const char *const mpol_flags[] = {
        "MPOL_F_NUMA_BALANCING", "MPOL_F_RELATIVE_NODES", "MPOL_F_STATIC_NODES",
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

static json_t *seccomp_archs(void)
{
        json_t *a = json_array();
        for (size_t i = 0; i < sizeof(seccomp_spec_archs) / sizeof(seccomp_spec_archs[0]); i++) {
                char lower[32];
                size_t n = 0;
                for (const char *p = seccomp_spec_archs[i] + strlen("SCMP_ARCH_"); *p && n + 1 < sizeof(lower); p++)
                        lower[n++] = (char) tolower((unsigned char) *p);
                lower[n] = '\0';
                if (seccomp_arch_resolve_name(lower) != 0)
                        json_array_append_new(a, json_string(seccomp_spec_archs[i]));
        }
        return a;
}

/* seccomp(2) checks its flags before it reads the program: with none,
 * EFAULT means the flags are known, EINVAL that they are not. */
static json_t *seccomp_flag_names(bool only_supported)
{
        json_t *a = json_array();
        for (size_t i = 0; i < sizeof(seccomp_flags) / sizeof(seccomp_flags[0]); i++) {
                unsigned long probe = seccomp_flags[i].probe;
                if (only_supported && probe &&
                    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, probe, NULL) < 0 && errno == EINVAL)
                        continue;
                json_array_append_new(a, json_string(seccomp_flags[i].name));
        }
        return a;
}

static json_t *seccomp_features(void)
{
        return json_pack("{s:b, s:o, s:o, s:o, s:o, s:o}", "enabled", 1, "actions",
                         STRING_ARRAY(seccomp_actions), "operators", STRING_ARRAY(seccomp_operators),
                         "archs", seccomp_archs(), "knownFlags", seccomp_flag_names(false),
                         "supportedFlags", seccomp_flag_names(true));
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
        /* What berth implements, whatever this host has (`berth check`
         * reports the host): cgroup v2 only, the cgroupfs driver and the
         * system-wide systemd one (cgroups/systemd.h), rdma.max from
         * linux.resources.rdma. */
        json_object_set_new(l, "cgroup",
                            json_pack("{s:b, s:b, s:b, s:b, s:b}", "v1", 0, "v2", 1, "systemd", 1,
                                      "systemdUser", 0, "rdma", 1));
        json_object_set_new(l, "seccomp", seccomp_features());
        /* runtime/attributes.c: AppArmor profiles yes; SELinux only in
         * part (no mountLabel), so not claimed; no resctrl at all. */
        json_object_set_new(l, "apparmor", enabled(true));
        json_object_set_new(l, "selinux", enabled(false));
        json_object_set_new(l, "intelRdt", enabled(false));
        json_object_set_new(l, "memoryPolicy",
                            json_pack("{s:o, s:o}", "modes", STRING_ARRAY(mpol_modes), "flags",
                                      STRING_ARRAY(mpol_flags)));
        /* namespaces/idmapped_mount.c: bind mounts with "idmap", "ridmap"
         * and mounts[].uidMappings/gidMappings (Linux 5.12 and a
         * filesystem that allows it, which `berth check` reports). */
        json_object_set_new(l, "mountExtensions", json_pack("{s:o}", "idmap", enabled(true)));
        json_object_set_new(l, "netDevices", enabled(true));
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
