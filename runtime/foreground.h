/* berth run and berth exec in the foreground: wait for the process. */
#pragma once

#include <signal.h>
#include <sys/types.h>

#include "common/error.h"

/* Wait for `pid` (a child of berth) in one poll: a signalfd for
 * `signals`, which the caller blocked (SIGCHLD reaps every child, the
 * rest go to the process; SIGWINCH resizes the pty) and, with a terminal
 * master (else -1), the user's stdin and the pty.  Returns the process's
 * exit code (128+N when signal N killed it), or a negative errno. */
int foreground_wait(pid_t pid, const sigset_t *signals, int master, struct berth_error *err);
