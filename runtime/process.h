/* The container process's own attributes, applied by its init just before
 * exec: sysctl, hostname, rlimits, oom score, personality, identity,
 * capabilities, no_new_privs, and the executable lookup. */
#pragma once

#include <stdbool.h>

#include "common/error.h"
#include "oci/config.h"

/* hostname and domainname (needs the uts namespace). */
int process_set_hostname(const struct oci_config *cfg, struct berth_error *err);

/* linux.sysctl: written to /proc/sys after the container's /proc is mounted
 * and before readonlyPaths make it read-only. */
int process_apply_sysctl(const struct oci_config *cfg, struct berth_error *err);

/* While still privileged: rlimits (a hard limit above berth's own, which
 * needs CAP_SYS_RESOURCE, is a clear error) and personality. */
int process_apply_limits(const struct oci_process *proc, const struct oci_linux *linux_,
                         struct berth_error *err);

/* process.oomScoreAdj, written to /proc/self/oom_score_adj (lowering it
 * needs CAP_SYS_RESOURCE); nothing when the config has none.  The value is
 * inherited by the processes forked after it. */
int process_apply_oom_score_adj(const struct oci_process *proc, struct berth_error *err);

/* Find process.args[0] like execvp would, using the PATH of process.env,
 * inside the (already pivoted) root; fills *path with a malloc'd absolute
 * path.  Done before the container waits for start, so a missing binary is
 * reported by create, as runc does. */
int process_find_executable(const struct oci_process *proc, char **path, struct berth_error *err);

/* chdir to process.cwd (checked as the container's user).  Call it before
 * process_set_identity: a missing cwd is created (mode 0755, as runc and
 * crun do) while still root, and a cwd that only the container's user may
 * enter is entered by process_set_identity right after the uid change. */
int process_enter_cwd(const struct oci_process *proc, struct berth_error *err);

/* Become process.user (additionalGids, gid, uid, umask) and set all five
 * capability sets and no_new_privs.  The last step before waiting for start. */
int process_set_identity(const struct oci_process *proc, struct berth_error *err);

/* execve(path, args, env); returns only on failure. */
int process_exec(const struct oci_process *proc, const char *path, struct berth_error *err);

/* process_guard.c: what the init and an exec'd process share before execve. */

/* Not dumpable from its first step: its /proc/PID files and memory are
 * berth's until the exec (CVE-2016-9962). */
void process_make_undumpable(void);

/* Around writes to its own /proc files (oom_score_adj, timens_offsets):
 * in a user namespace of the container's, dumpable just while it writes.
 * Only around a write that happens: while dumpable, a process of the
 * container with CAP_SYS_PTRACE in that namespace could reach berth's
 * memory and descriptors. */
void process_own_proc_writes_begin(bool in_user_ns);
void process_own_proc_writes_end(bool in_user_ns);

/* In a user namespace: become its root (setresgid/setresuid 0) where the
 * mappings map it, so mounts, mknod and the process's own set-up work. */
int process_become_user_ns_root(const struct oci_linux *lx, struct berth_error *err);

/* Every signal back to its default disposition. */
void process_reset_signal_dispositions(void);
