/* berth exec: run one more process in a running (or created) container,
 * in its namespaces and cgroup, with the container's seccomp filter, and
 * with a process that is either a whole process.json (--process) or the
 * container's own process with the command line's changes. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"
#include "oci/config.h"

struct exec_options {
        const char *root;
        const char *id;
        const char *process_path;     /* --process FILE ("-": stdin); the other process flags are then refused */
        char **args;                  /* the command after the id; NULL-terminated */
        /* Changes to the container's process (without --process). */
        const char *cwd;              /* --cwd */
        char **env;                   /* --env K=V, repeated; NULL-terminated; replaces the same name */
        const char *user;             /* --user UID[:GID] */
        char **additional_gids;       /* --additional-gids GID, repeated; NULL-terminated */
        char **caps;                  /* --cap CAP_X, repeated; NULL-terminated */
        bool tty;                     /* --tty: process.terminal (false unless given, as runc) */
        int no_new_privs;             /* --no-new-privs: -1 unset (keep the config's), 1 */
        const char *apparmor;         /* --apparmor */
        const char *process_label;    /* --process-label */
        /* How berth runs it. */
        bool detach;                  /* --detach: return once the process runs */
        const char *pid_file;         /* --pid-file */
        const char *console_socket;   /* --console-socket */
        int preserve_fds;             /* --preserve-fds N */
        const char *sub_cgroup;       /* --cgroup: a group under the container's, relative */
        bool ignore_paused;           /* --ignore-paused */
};

/* Turn *p, the container's process, into the one berth exec runs:
 * --process's document instead, or the command line's changes applied. */
int exec_process_apply(const struct exec_options *o, struct oci_process *p, struct berth_error *err);

/* Run it.  In the foreground berth forwards signals to the process, waits
 * and sets *exit_code to its exit code (128+N when signal N killed it);
 * with --detach it returns once the process runs, *exit_code 0. */
int container_exec(const struct exec_options *o, int *exit_code, struct berth_error *err);
