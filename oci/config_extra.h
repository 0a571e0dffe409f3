/* Typed linux.resources, linux.seccomp, linux.intelRdt, linux.netDevices and
 * linux.memoryPolicy.  Included by oci/config.h; not used on its own.
 * Every OPTIONAL scalar whose zero value means something has a has_* flag:
 * absent means "leave the kernel's value alone". */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- linux.resources --------------------------------------------------- */

/* One entry of the device allow list (linux.resources.devices), applied in
 * order. */
struct oci_device_cgroup {
        bool allow;
        char type;             /* 'a' (also when absent), 'c' or 'b' */
        int64_t major, minor;  /* -1 when absent: "all" ('*') */
        char access[4];        /* subset of "rwm" in that order; "rwm" when absent */
};

/* Values in bytes; -1 means unlimited. */
struct oci_memory {
        bool has_limit;
        int64_t limit;
        bool has_reservation;
        int64_t reservation;
        bool has_swap;
        int64_t swap;          /* memory+swap, as in cgroup v1 */
        bool has_kernel;
        int64_t kernel;        /* NOT RECOMMENDED by the spec; ignored on v2 */
        bool has_kernel_tcp;
        int64_t kernel_tcp;
        bool has_swappiness;
        uint64_t swappiness;   /* 0..100 */
        bool has_disable_oom_killer;
        bool disable_oom_killer;
        bool has_use_hierarchy;
        bool use_hierarchy;
        bool has_check_before_update;
        bool check_before_update;
};

struct oci_cpu {
        bool has_shares;
        uint64_t shares;
        bool has_quota;
        int64_t quota;         /* microseconds; <= 0 means no limit */
        bool has_burst;
        uint64_t burst;
        bool has_period;
        uint64_t period;
        bool has_realtime_runtime;
        int64_t realtime_runtime;
        bool has_realtime_period;
        uint64_t realtime_period;
        char *cpus;            /* "0-3,7"; NULL when absent */
        char *mems;
        bool has_idle;
        int64_t idle;
};

struct oci_blkio_weight_device {
        int64_t major, minor;
        bool has_weight;
        uint16_t weight;
        bool has_leaf_weight;
        uint16_t leaf_weight;  /* at least one of the two is set */
};

struct oci_blkio_throttle_device {
        int64_t major, minor;
        uint64_t rate;         /* bytes/s or IO/s */
};

struct oci_blkio_throttle_list {
        struct oci_blkio_throttle_device *devices;
        size_t n;
};

struct oci_block_io {
        bool has_weight;
        uint16_t weight;
        bool has_leaf_weight;
        uint16_t leaf_weight;
        struct oci_blkio_weight_device *weight_devices;
        size_t n_weight_devices;
        struct oci_blkio_throttle_list throttle_read_bps;
        struct oci_blkio_throttle_list throttle_write_bps;
        struct oci_blkio_throttle_list throttle_read_iops;
        struct oci_blkio_throttle_list throttle_write_iops;
};

struct oci_hugepage_limit {
        char *page_size;       /* "2MB", as written (the cgroup file name part) */
        uint64_t page_size_bytes; /* the same in bytes, base 1024 */
        uint64_t limit;
};

struct oci_net_priority {
        char *name;
        uint32_t priority;
};

struct oci_network {
        bool has_class_id;
        uint32_t class_id;
        struct oci_net_priority *priorities;
        size_t n_priorities;
};

struct oci_pids {
        bool has_limit;
        int64_t limit;         /* -1: no limit ("max"); 0 is a real limit */
};

struct oci_rdma {
        char *device;          /* the map key */
        bool has_hca_handles;
        uint32_t hca_handles;
        bool has_hca_objects;
        uint32_t hca_objects;  /* at least one of the two is set */
};

/* linux.resources.unified: cgroup v2 file name -> content. */
struct oci_unified {
        char *key;             /* a file name in the group's directory (no '/') */
        char *value;
};

struct oci_resources {
        struct oci_device_cgroup *devices;
        size_t n_devices;
        bool has_memory;
        struct oci_memory memory;
        bool has_cpu;
        struct oci_cpu cpu;
        bool has_block_io;
        struct oci_block_io block_io;
        struct oci_hugepage_limit *hugepage_limits;
        size_t n_hugepage_limits;
        bool has_network;
        struct oci_network network;
        bool has_pids;
        struct oci_pids pids;
        struct oci_rdma *rdma;
        size_t n_rdma;
        struct oci_unified *unified;
        size_t n_unified;
};

/* ---- linux.seccomp ----------------------------------------------------- */

enum oci_seccomp_action {
        OCI_SECCOMP_ACT_KILL,          /* = KILL_THREAD in libseccomp */
        OCI_SECCOMP_ACT_KILL_PROCESS,
        OCI_SECCOMP_ACT_KILL_THREAD,
        OCI_SECCOMP_ACT_TRAP,
        OCI_SECCOMP_ACT_ERRNO,
        OCI_SECCOMP_ACT_TRACE,
        OCI_SECCOMP_ACT_ALLOW,
        OCI_SECCOMP_ACT_LOG,
        OCI_SECCOMP_ACT_NOTIFY,
};

enum oci_seccomp_op {
        OCI_SECCOMP_CMP_NE,
        OCI_SECCOMP_CMP_LT,
        OCI_SECCOMP_CMP_LE,
        OCI_SECCOMP_CMP_EQ,
        OCI_SECCOMP_CMP_GE,
        OCI_SECCOMP_CMP_GT,
        OCI_SECCOMP_CMP_MASKED_EQ,
};

/* Bits of oci_seccomp.flag_bits: the kernel's SECCOMP_FILTER_FLAG_* values. */
#define OCI_SECCOMP_FLAG_TSYNC              (1u << 0)
#define OCI_SECCOMP_FLAG_LOG                (1u << 1)
#define OCI_SECCOMP_FLAG_SPEC_ALLOW         (1u << 2)
#define OCI_SECCOMP_FLAG_WAIT_KILLABLE_RECV (1u << 5)

struct oci_seccomp_arg {
        unsigned index;        /* 0..5 */
        uint64_t value;
        bool has_value_two;
        uint64_t value_two;
        enum oci_seccomp_op op;
};

struct oci_seccomp_syscall {
        char **names;          /* at least one */
        enum oci_seccomp_action action;
        bool has_errno_ret;    /* only with ERRNO or TRACE */
        uint32_t errno_ret;
        struct oci_seccomp_arg *args;
        size_t n_args;
};

struct oci_seccomp {
        enum oci_seccomp_action default_action;
        bool has_default_errno_ret;
        uint32_t default_errno_ret;
        char **architectures;  /* "SCMP_ARCH_X86_64" ..., checked against the spec's list */
        char **flags;          /* "SECCOMP_FILTER_FLAG_LOG" ..., as written */
        uint32_t flag_bits;    /* the same as OCI_SECCOMP_FLAG_* bits */
        char *listener_path;
        char *listener_metadata; /* only with listener_path */
        struct oci_seccomp_syscall *syscalls;
        size_t n_syscalls;
};

/* ---- linux.intelRdt, linux.netDevices, linux.memoryPolicy ---------------- */

struct oci_intel_rdt {
        char *clos_id;         /* NULL: use the container id; "/" the default CLOS */
        char *l3_cache_schema;
        char *mem_bw_schema;   /* starts with "MB:" */
        char **schemata;       /* one line each, no newlines */
        bool enable_monitoring;
};

struct oci_net_device {
        char *name;            /* the host interface name (the map key) */
        char *new_name;        /* "name" inside the object: the name in the container */
};

/* The kernel's MPOL_* mode numbers (linux/mempolicy.h); spelled out here
 * because MPOL_WEIGHTED_INTERLEAVE (Linux 6.9) is newer than some headers. */
enum oci_mpol_mode {
        OCI_MPOL_DEFAULT = 0,
        OCI_MPOL_PREFERRED = 1,
        OCI_MPOL_BIND = 2,
        OCI_MPOL_INTERLEAVE = 3,
        OCI_MPOL_LOCAL = 4,
        OCI_MPOL_PREFERRED_MANY = 5,
        OCI_MPOL_WEIGHTED_INTERLEAVE = 6,
};

/* The kernel's MPOL_F_* mode flags. */
#define OCI_MPOL_F_NUMA_BALANCING (1u << 13)
#define OCI_MPOL_F_RELATIVE_NODES (1u << 14)
#define OCI_MPOL_F_STATIC_NODES   (1u << 15)

struct oci_memory_policy {
        char *mode;            /* "MPOL_BIND", as written */
        char *nodes;           /* "0-3,7"; NULL when absent */
        char **flags;          /* as written */
        enum oci_mpol_mode mode_value;
        unsigned flag_bits;    /* OCI_MPOL_F_* */
};
