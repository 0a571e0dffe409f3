/* OCI hooks (config.md "POSIX-platform Hooks"): each hook is executed with
 * the container's state on its stdin, and a timeout. */
#pragma once

#include <stdbool.h>

#include "common/error.h"
#include "oci/config.h"
#include "oci/state.h"
#include "runtime/state.h"

/* Run every hook of `list` in order; `name` is its config.json key
 * ("createRuntime").  The first failure stops the list: the error names
 * /hooks/<name>/<index>.  For poststart and poststop the spec wants a
 * warning and the rest continuing: pass warn_only. */
int hooks_run(const struct oci_hook_list *list, const char *name, const char *state_json,
              bool warn_only, struct berth_error *err);

static inline bool hooks_any(const struct oci_hook_list *list)
{
        return list->n > 0;
}

/* Where the hooks of each phase run, decided from the config alone so berth
 * and the init agree without asking each other. */
static inline bool berth_runs_create_hooks(const struct oci_config *cfg)
{
        return hooks_any(&cfg->hooks.prestart) || hooks_any(&cfg->hooks.create_runtime);
}

static inline bool init_runs_hooks(const struct oci_config *cfg)
{
        return hooks_any(&cfg->hooks.create_container) || hooks_any(&cfg->hooks.start_container);
}

/* The copy of config.json kept in the state directory: exec, poststart
 * and poststop use the config the container was created with, whatever
 * became of the bundle since (see spawn.c). */
#define CONFIG_COPY "config.json"
/* An empty file there when the config has poststart or poststop hooks, so
 * start and delete parse the copy only then. */
#define POST_HOOKS_MARK "post-hooks"
#define EXEC_FIFO "exec.fifo"

/* poststart (from start) or poststop (from delete): run the hooks of the
 * config kept in the state directory, if there is one, with `st` as their
 * state.  Failures are warnings, as the spec says for both. */
void hooks_run_saved(const struct state_dir *sd, const struct oci_state *st, bool poststop);
