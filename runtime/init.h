/* The container's init: the child berth clones.  It sets up the container
 * from inside its namespaces, reports ready, waits for start and execs the
 * container's process.  It never returns. */
#pragma once

#include <signal.h>
#include <stdbool.h>

#include "namespaces/ns.h"
#include "oci/config.h"
#include "runtime/seccomp.h"

struct init_context {
        const struct oci_config *cfg;
        const struct ns_plan *plan;
        const char *bundle;        /* absolute */
        const char *rootfs;        /* absolute */
        int fifo_fd;               /* create: exec.fifo, opened read-write by berth; run: -1 (wait on sync) */
        int sync_fd;               /* init's end of the sync channel */
        int preserve_fds;          /* fds 3 .. 3+N-1 stay open across exec */
        int console_fd;            /* --console-socket connection, or -1 */
        const struct seccomp_program *seccomp; /* NULL: no linux.seccomp */
        bool no_pivot;
        bool no_new_keyring;
        /* An unprivileged berth writes the init's id mappings (itself or
         * through newuidmap): until then the init must stay dumpable, or
         * its /proc files belong to root and the writes are refused. */
        bool unprivileged_maps;
        sigset_t original_mask;    /* berth's signal mask before it blocked signals */
};

_Noreturn void container_init(const struct init_context *ctx);
