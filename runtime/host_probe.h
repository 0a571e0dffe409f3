/* What this host really offers berth, for `berth check`: the cgroup v2
 * hierarchy and its controllers, namespaces, seccomp, the newer syscalls
 * berth uses, systemd and the security modules.  Each probe is cheap and
 * leaves nothing behind; what it cannot tell is reported as unknown. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"

enum host_answer {
        HOST_NO,
        HOST_YES,
        HOST_UNKNOWN,
};

/* One line of the report. */
struct host_item {
        char *name;              /* "memory", "cgroup.kill", "user" */
        enum host_answer answer;
        char *value;             /* the finding for scripts, or NULL: "v1", "/sys/fs/cgroup", "2.5.4" */
        char *detail;            /* the finding in words, or NULL */
        char *advice;            /* for a no: what would make it a yes, or NULL */
};

struct host_section {
        const char *name;        /* "cgroup", "controllers", ... (HOST_SECTION_*) */
        struct host_item *items;
        size_t n;
};

enum {
        HOST_SECTION_CGROUP,       /* the cgroup2 mount, cgroup.kill, cgroup.freeze, device BPF */
        HOST_SECTION_CONTROLLERS,  /* cpu cpuset memory io pids hugetlb rdma misc */
        HOST_SECTION_NAMESPACES,   /* as /proc/self/ns names them */
        HOST_SECTION_SECCOMP,
        HOST_SECTION_SYSCALLS,     /* clone3, openat2, mount_setattr, idmapped mounts, pidfd */
        HOST_SECTION_SYSTEM,       /* systemd, AppArmor, SELinux */
        HOST_N_SECTIONS,
};

struct host_report {
        char *kernel;            /* the release, as uname -r prints it */
        struct host_section sections[HOST_N_SECTIONS];
};

/* Probe everything.  Fails only when the host cannot be looked at at all
 * (no /proc); a probe that cannot decide gives HOST_UNKNOWN. */
int host_probe(struct host_report *report, struct berth_error *err);
void host_report_release(struct host_report *report);

/* "yes", "no" or "unknown". */
const char *host_answer_name(enum host_answer a);

/* ---- for the probes (runtime/host_probe_*.c) ------------------------------ */

/* Append an item; the pointer is valid until the next append to s. */
struct host_item *host_item_add(struct host_section *s, const char *name, enum host_answer answer);
/* Set *field (value, detail or advice) to the formatted text. */
void host_item_set(char **field, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The running kernel is at least major.minor (uname's release). */
bool host_kernel_at_least(int major, int minor);

void host_probe_cgroup(struct host_report *report);
void host_probe_seccomp(struct host_section *s);
void host_probe_syscalls(struct host_section *s);
