/* The container lifecycle as the CLI drives it: create, start, run, kill,
 * delete, pause, resume. */
#pragma once

#include <stdbool.h>

#include "common/error.h"

struct container_options {
        const char *root;            /* --root */
        const char *id;
        const char *bundle;          /* --bundle, default "." */
        const char *pid_file;        /* --pid-file */
        const char *console_socket;  /* --console-socket */
        int preserve_fds;            /* --preserve-fds: fds 3 .. 3+N-1 pass to the container */
        bool no_pivot;               /* --no-pivot */
        bool no_new_keyring;         /* --no-new-keyring */
        bool detach;                 /* run --detach */
        bool keep;                   /* run --keep */
        bool systemd_cgroup;         /* --systemd-cgroup */
        bool rootless;               /* --rootless, resolved: tolerate a cgroup not delegated */
};

/* Everything set up; the container's init waits on exec.fifo for start. */
int container_create(const struct container_options *opts, struct berth_error *err);

/* Release a created container's init into process.args. */
int container_start(const char *root, const char *id, struct berth_error *err);

/* create + start; unless detached, wait in the foreground forwarding
 * signals, then delete (unless keep).  *exit_code is the process's exit
 * code, 128+N when killed by signal N. */
int container_run(const struct container_options *opts, int *exit_code, struct berth_error *err);

/* Signal the container's init, or with `all` every process in its cgroup. */
int container_kill(const char *root, const char *id, int sig, bool all, struct berth_error *err);

struct oci_resources;
/* Apply new limits to a created, running or paused container's cgroup.
 * origin names places in errors ("update: " + "/memory/limit").  Swap
 * given alone counts against the memory limit in force. */
int container_update(const char *root, const char *id, struct oci_resources *r, const char *origin,
                     struct berth_error *err);

/* Remove a stopped (or created) container; `force` kills a running one first. */
int container_delete(const char *root, const char *id, bool force, struct berth_error *err);

/* Freeze every process of a running container (cgroup.freeze); resume
 * thaws a paused one.  `berth state` says "paused" in between. */
int container_pause(const char *root, const char *id, struct berth_error *err);
int container_resume(const char *root, const char *id, struct berth_error *err);
