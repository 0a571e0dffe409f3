/* Running unprivileged: whether berth counts as rootless (the global
 * --rootless true|false|auto, with runc's meaning) and whether it runs
 * inside a user namespace other than the host's. */
#pragma once

#include <stdbool.h>

enum rootless_mode {
        ROOTLESS_AUTO,
        ROOTLESS_TRUE,
        ROOTLESS_FALSE,
};

/* "true", "false" or "auto"; false for anything else. */
bool rootless_mode_parse(const char *text, enum rootless_mode *mode);

/* berth runs in a user namespace below the host's: its uid_map does not
 * map the whole id range onto itself. */
bool rootless_in_nested_user_ns(void);

/* What --rootless decides: true and false as given; auto is rootless when
 * the effective uid is not 0, or is 0 inside a nested user namespace (the
 * root of a rootless Podman's namespace), as runc decides.  Rootless,
 * berth runs without a cgroup of its own when none is delegated to it and
 * the config asks for no limits, and loads no device program. */
bool rootless_resolve(enum rootless_mode mode);
