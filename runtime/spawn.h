/* What create and run share: from config.json to a container's init that is
 * set up, in its cgroup, recorded in state.json, and waiting for start. */
#pragma once

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

#include "cgroups/cgroup.h"
#include "common/error.h"
#include "namespaces/ns.h"
#include "oci/config.h"
#include "oci/state.h"
#include "runtime/container.h"
#include "runtime/seccomp.h"
#include "runtime/state.h"

struct spawned {
        struct oci_config *cfg;
        struct ns_plan plan;
        struct state_dir sd;
        struct cgroup_handle cg;
        struct oci_state st;
        struct seccomp_program *seccomp; /* compiled linux.seccomp, or NULL */
        pid_t pid;             /* the container's init, a child of this process */
        int sync_fd;           /* berth's end of the sync channel */
        int terminal_master;   /* run with process.terminal and no console socket; else -1 */
        bool committed;        /* the container exists: release keeps it */
};

/* Set up a container.  `via_fifo`: the init waits on exec.fifo for a later
 * `berth start` (create); otherwise on the sync channel (run).  On error
 * nothing is left behind: no process, cgroup, or state directory. */
int container_spawn(const struct container_options *opts, bool via_fifo,
                    const sigset_t *original_mask, struct spawned *sp, struct berth_error *err);

/* Undo a spawn that was not committed (kill, remove cgroup and state), then
 * free.  After a commit only frees and unlocks. */
void spawned_release(struct spawned *sp);
