/* The seccomp notify fd's way from the process that loaded the filter (the
 * init, or a process berth exec starts) to linux.seccomp.listenerPath:
 * over the sync channel to berth, then with the state to the listener.
 * Apart from seccomp.c, which the config fuzzer links without the sync
 * channel or the state document. */
#include "runtime/seccomp.h"

#include <unistd.h>

#include "common/cleanup.h"
#include "oci/state.h"
#include "runtime/sync.h"

int seccomp_pass_listener(const struct oci_config *cfg, const struct seccomp_program *prog, int sync_fd,
                          const struct oci_state *st, struct berth_error *err)
{
        if (!prog || !seccomp_program_notifies(prog))
                return 0;
        _cleanup_close_ int notify_fd = -1;
        int r = sync_expect_fd(sync_fd, SYNC_SECCOMP, &notify_fd, err);
        if (r < 0)
                return r;
        _cleanup_free_ char *state = NULL;
        r = oci_state_emit(st, &state, err);
        if (r < 0)
                return r;
        return seccomp_notify_listener(cfg, state, notify_fd, err);
}
