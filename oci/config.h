/* The typed form of an OCI runtime-spec 1.3 config.json (Linux part).
 * Parsed once by oci_config_parse(); everything else in berth reads these
 * structures and never touches JSON.  Arrays are (pointer, count) pairs;
 * string lists are NULL-terminated char ** vectors.  A `has_*` flag says an
 * OPTIONAL property was present when its zero value is meaningful. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/error.h"

/* ---- process ---------------------------------------------------------- */

struct oci_rlimit {
        int resource;          /* RLIMIT_* value, resolved from "type" */
        char *type;            /* "RLIMIT_NOFILE", as written */
        uint64_t soft, hard;
};

struct oci_user {               /* uid 0, gid 0 when process.user is absent */
        uid_t uid;
        gid_t gid;
        bool has_umask;
        mode_t umask;
        gid_t *additional_gids;
        size_t n_additional_gids;
        char *username;        /* Windows only; kept for completeness */
};

/* Capability sets as bitmasks: bit N is capability N (CAP_CHOWN = 0 ...).
 * Names the running kernel does not know are rejected at parse time. */
struct oci_capabilities {
        uint64_t bounding, effective, inheritable, permitted, ambient;
};

struct oci_console_size {
        unsigned height, width;
};

struct oci_scheduler {
        char *policy;          /* "SCHED_OTHER" ... */
        int nice, priority;
        char **flags;
        uint64_t runtime, deadline, period;
};

struct oci_io_priority {
        char *class_;          /* "IOPRIO_CLASS_RT" | "_BE" | "_IDLE" */
        int priority;
};

struct oci_process {
        bool terminal;
        bool has_console_size;
        struct oci_console_size console_size;
        char *cwd;
        char **env;
        char **args;
        char *command_line;    /* Windows only */
        struct oci_user user;

        struct oci_rlimit *rlimits;
        size_t n_rlimits;

        bool has_capabilities;
        struct oci_capabilities capabilities;

        bool no_new_privileges;
        bool has_oom_score_adj;
        int oom_score_adj;

        char *apparmor_profile;
        char *selinux_label;

        bool has_scheduler;
        struct oci_scheduler scheduler;
        bool has_io_priority;
        struct oci_io_priority io_priority;
        char *exec_cpu_affinity_initial;  /* execCPUAffinity.initial */
        char *exec_cpu_affinity_final;    /* execCPUAffinity.final */
};

/* ---- root, mounts ------------------------------------------------------ */

struct oci_root {
        char *path;            /* as written; relative to the bundle if not absolute */
        bool readonly;
};

struct oci_id_mapping {
        uint32_t container_id, host_id, size;
};

/* Mount options turned into what mount(2) and mount_setattr(2) take.
 * Filled by mount_options_parse() (namespaces/mount_options.c). */
struct mount_options {
        unsigned long flags;       /* MS_* to set */
        unsigned long clear;       /* MS_* the options asked to clear (rw, suid, ...) */
        unsigned long propagation; /* MS_SHARED|MS_SLAVE|MS_PRIVATE|MS_UNBINDABLE (| MS_REC) or 0 */
        uint64_t attr_set;         /* MOUNT_ATTR_* for "r" options (rro, rnosuid ...) */
        uint64_t attr_clr;
        bool bind;                 /* "bind" or "rbind" */
        bool recursive_bind;       /* "rbind" */
        bool idmap;                /* "idmap" / "ridmap" */
        bool recursive_idmap;      /* "ridmap": the mapping covers submounts too */
        bool copy_symlink;         /* crun's "copy-symlink" */
        char *data;                /* options unknown to mount flags, joined by ',' (fs data) */
};

struct oci_mount {
        char *destination;         /* absolute: relative ones are rejected */
        char *type;                /* may be NULL (then a bind is implied by options) */
        char *source;
        char **options;
        struct mount_options parsed;
        struct oci_id_mapping *uid_mappings;
        size_t n_uid_mappings;
        struct oci_id_mapping *gid_mappings;
        size_t n_gid_mappings;
};

/* ---- hooks ------------------------------------------------------------- */

struct oci_hook {
        char *path;
        char **args;
        char **env;
        bool has_timeout;
        int timeout;           /* seconds, > 0 */
};

struct oci_hook_list {
        struct oci_hook *hooks;
        size_t n;
};

struct oci_hooks {
        struct oci_hook_list prestart;          /* deprecated, still run */
        struct oci_hook_list create_runtime;
        struct oci_hook_list create_container;
        struct oci_hook_list start_container;
        struct oci_hook_list poststart;
        struct oci_hook_list poststop;
};

/* ---- linux ------------------------------------------------------------- */

enum oci_namespace_type {
        OCI_NS_PID,
        OCI_NS_NETWORK,
        OCI_NS_MOUNT,
        OCI_NS_IPC,
        OCI_NS_UTS,
        OCI_NS_USER,
        OCI_NS_CGROUP,
        OCI_NS_TIME,
        OCI_NS_COUNT
};

struct oci_namespace {
        enum oci_namespace_type type;
        char *path;            /* NULL: create a new one */
};

struct oci_time_offset {
        bool present;
        int64_t secs;
        uint32_t nanosecs;
};

struct oci_device {
        char type;             /* 'c', 'b', 'u' or 'p' */
        char *path;
        int64_t major, minor;  /* -1 when absent (allowed only for 'p') */
        bool has_file_mode;
        mode_t file_mode;
        bool has_uid, has_gid;
        uid_t uid;
        gid_t gid;
};

struct oci_personality {
        char *domain;          /* "LINUX" | "LINUX32" */
        char **flags;
};

struct oci_sysctl {
        char *key, *value;
};

/* linux.resources, linux.seccomp, linux.intelRdt, linux.netDevices and
 * linux.memoryPolicy are parsed into the types in oci/config_extra.h so the
 * cgroup and security work only adds behaviour. */
#include "oci/config_extra.h"

struct oci_linux {
        struct oci_namespace *namespaces;
        size_t n_namespaces;
        struct oci_id_mapping *uid_mappings;
        size_t n_uid_mappings;
        struct oci_id_mapping *gid_mappings;
        size_t n_gid_mappings;
        struct oci_time_offset time_monotonic, time_boottime;
        struct oci_device *devices;
        size_t n_devices;
        char *cgroups_path;
        bool has_resources;
        struct oci_resources resources;
        char *rootfs_propagation;     /* "shared" | "slave" | "private" | "unbindable" ... */
        unsigned long rootfs_propagation_flags; /* MS_* from rootfs_propagation, 0 if unset */
        char **masked_paths;
        char **readonly_paths;
        char *mount_label;
        struct oci_sysctl *sysctl;
        size_t n_sysctl;
        bool has_seccomp;
        struct oci_seccomp seccomp;
        bool has_personality;
        struct oci_personality personality;
        bool has_intel_rdt;
        struct oci_intel_rdt intel_rdt;
        struct oci_net_device *net_devices;
        size_t n_net_devices;
        bool has_memory_policy;
        struct oci_memory_policy memory_policy;
};

/* ---- the whole document ------------------------------------------------ */

struct oci_annotation {
        char *key, *value;
};

struct oci_config {
        char *oci_version;
        bool has_process;
        struct oci_process process;
        struct oci_root root;
        char *hostname;
        char *domainname;
        struct oci_mount *mounts;
        size_t n_mounts;
        bool has_hooks;
        struct oci_hooks hooks;
        struct oci_annotation *annotations;
        size_t n_annotations;
        bool has_linux;
        struct oci_linux linux_;
};

/* The largest config.json berth reads: 4 MiB, 200 times a Podman config
 * with its seccomp profile and twice what execve(2) takes for args and env
 * under the default 8 MiB stack limit; parsing a hostile one of that size
 * stays under ~350 MB (jansson's objects cost ~80 bytes per input byte). */
#define OCI_CONFIG_MAX_BYTES ((size_t) 4 << 20)

/* Parse config.json text.  `name` is how errors name the document
 * ("config.json").  Syntax errors carry line and column; every other error
 * the JSON pointer of the offending value:
 *   "config.json: /process/args: expected an array of strings". */
int oci_config_parse_data(const char *data, size_t len, const char *name,
                          struct oci_config **out, struct berth_error *err);

/* Read and parse `<bundle>/config.json`; errors say "config.json: ...". */
int oci_config_load(const char *bundle, struct oci_config **out, struct berth_error *err);

void oci_config_free(struct oci_config *cfg);

/* Parse a linux.resources object given on its own (`berth update
 * --resources`); errors name `name` and the pointer inside it
 * ("resources.json: /memory/limit: ..."). */
int oci_resources_parse_data(const char *data, size_t len, const char *name, struct oci_resources *out,
                             struct berth_error *err);
void oci_resources_release(struct oci_resources *res);

/* Parse a process object given on its own (`berth exec --process`), with
 * config.json's rules for /process; errors name `name` and the pointer
 * inside it ("process.json: /args: ...").  *out is zeroed storage the
 * caller releases with oci_process_release, also on error. */
int oci_process_parse_data(const char *data, size_t len, const char *name, struct oci_process *out,
                           struct berth_error *err);
void oci_process_release(struct oci_process *p);

static inline void oci_config_freep(struct oci_config **cfg)
{
        oci_config_free(*cfg);
}
#define _cleanup_config_ __attribute__((cleanup(oci_config_freep)))

/* Find a namespace entry by type; NULL if the config does not list it. */
const struct oci_namespace *oci_config_namespace(const struct oci_config *cfg,
                                                 enum oci_namespace_type type);

/* The canonical spec name of a namespace type ("pid", "network", ...). */
const char *oci_namespace_type_name(enum oci_namespace_type type);

/* The value of annotation `key`, or NULL. */
const char *oci_config_annotation(const struct oci_config *cfg, const char *key);
