/* CVE-2019-5736: berth runs the commands that fork a container's init from
 * a sealed in-memory copy of its own binary, so nothing in a container can
 * reach the host's berth binary through /proc/PID/exe. */
#pragma once

#include "common/error.h"

/* If berth is not already running from a sealed copy, make one (a memfd
 * sealed against writes, growth and shrinking) and execute it with the
 * same argv and environment: on success this does not return.  Returns 0
 * when berth already runs from a sealed copy, or a negative errno. */
int binary_clone_reexec(char **argv, struct berth_error *err);
