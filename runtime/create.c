/* berth create: a container whose init is set up and waits on exec.fifo. */
#include "runtime/container.h"

#include <signal.h>

#include "runtime/spawn.h"

int container_create(const struct container_options *opts, struct berth_error *err)
{
        struct spawned sp;
        sigset_t mask;
        sigprocmask(SIG_SETMASK, NULL, &mask);
        int r = container_spawn(opts, true, &mask, &sp, err);
        if (r == 0)
                sp.committed = true;
        spawned_release(&sp);
        return r;
}
