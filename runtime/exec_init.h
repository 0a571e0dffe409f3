/* The two processes berth exec forks: a helper that joins the container's
 * namespaces, and the process itself, which the helper clones inside them
 * as berth's own child, sets up and execs. */
#pragma once

#include <signal.h>
#include <stdbool.h>

#include "oci/config.h"
#include "runtime/seccomp.h"

struct exec_context {
        const struct oci_config *cfg;   /* the container's config; process is the exec'd one */
        int pidfd;                      /* the container's init */
        int ns_flags;                   /* CLONE_NEW* of the init's namespaces to join */
        bool in_user_ns;                /* one of them is a user namespace */
        int cgroup_fd;                  /* the group to join if not born in it, else -1 */
        int sync_fd;                    /* the child's end of the sync channel */
        int console_fd;                 /* --console-socket connection, or -1 */
        int preserve_fds;               /* fds 3 .. 3+N-1 stay open across exec */
        const struct seccomp_program *seccomp;  /* the container's linux.seccomp, or NULL */
        sigset_t original_mask;         /* berth's signal mask before it blocked signals */
};

/* The helper, a child of berth: join the cgroup (when clone3 could not
 * place it), then the namespaces, clone the process (CLONE_PARENT: it is
 * berth's child, in the container's pid namespace), send its pid and
 * exit.  The process waits for SYNC_GO, sets up, sends SYNC_READY and
 * execs; a failure at any step goes to berth as SYNC_ERROR. */
_Noreturn void exec_helper(const struct exec_context *ctx);
