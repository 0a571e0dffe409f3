/* The state directory: <root>/<id>/ with state.json (written atomically)
 * and exec.fifo, locked so commands on one container are serialized. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "common/error.h"
#include "oci/state.h"

#define BERTH_DEFAULT_ROOT "/run/berth"
/* An unprivileged user's default root, under its XDG_RUNTIME_DIR. */
#define BERTH_USER_ROOT_NAME "berth"
/* One path component: NAME_MAX. */
#define BERTH_ID_MAX 255

struct state_dir {
        char *root;            /* --root */
        char *id;
        char *path;            /* root/id */
        int dir_fd;            /* the container directory, flock'ed LOCK_EX */
};

/* The root when --root is not given (*root malloc'd): BERTH_DEFAULT_ROOT
 * for root; $XDG_RUNTIME_DIR/berth for an unprivileged user, and for root
 * in a nested user namespace when XDG_RUNTIME_DIR is set and USER is not
 * "root" (runc's rule).  An unprivileged user without a usable
 * XDG_RUNTIME_DIR gets an error naming the variable and what to do. */
int state_default_root(char **root, struct berth_error *err);

/* Ids are 1..BERTH_ID_MAX bytes of [A-Za-z0-9_+.-] and not "." or "..":
 * no '/' and nothing that could walk out of the root. */
int container_id_validate(const char *id, struct berth_error *err);

/* mkdir root (0700) if needed, then the container directory; EEXIST is
 * "container <id> already exists".  Locked on return. */
int state_dir_create(const char *root, const char *id, struct state_dir *sd, struct berth_error *err);

/* Open and lock an existing container directory; a missing one is
 * "container <id> does not exist". */
int state_dir_open(const char *root, const char *id, struct state_dir *sd, struct berth_error *err);

/* Open an existing container directory WITHOUT locking, for readers
 * (state, list): state.json is replaced atomically, so a reader always sees
 * a whole document and never waits behind a long create or a foreground
 * run (or deadlocks against a hook that asks for the state). */
int state_dir_peek(const char *root, const char *id, struct state_dir *sd, struct berth_error *err);

/* Write state.json atomically (temporary file + rename). */
int state_save(const struct state_dir *sd, const struct oci_state *st, struct berth_error *err);

/* Read state.json and compute the live status: stopped if the pid is gone,
 * a zombie or a different process (start time), paused while its cgroup
 * is frozen, created while exec.fifo exists, else running. */
int state_load(const struct state_dir *sd, struct oci_state *st, struct berth_error *err);

/* The first step of every command on an existing container: open its
 * directory (locked, or only peeked at for readers) and load its state.
 * The caller releases sd and st, also on error. */
int state_open_load(const char *root, const char *id, bool lock, struct state_dir *sd, struct oci_state *st,
                    struct berth_error *err);

/* Remove the container directory and everything in it. */
int state_dir_remove(struct state_dir *sd, struct berth_error *err);

/* Unlock and free (does not remove anything). */
void state_dir_release(struct state_dir *sd);

/* Every container id under root, sorted; *ids NULL-terminated. */
int state_list_ids(const char *root, char ***ids, struct berth_error *err);

/* A pidfd (O_CLOEXEC) for the container's init, checked to be the
 * recorded process: once held, the pid cannot be reused under it.
 * -ENOSYS where the kernel (< 5.3) has no pidfd_open, -ESRCH when the
 * init is gone. */
int state_open_init_pidfd(const struct oci_state *st);

/* --pid-file: `pid` written to a temporary name and renamed, so a reader
 * never sees an empty file (containerd reads it as soon as create or exec
 * returns). */
int state_write_pid_file(const char *path, pid_t pid, struct berth_error *err);

/* /proc/<pid>/stat start time (field 22); 0 if the process is gone. */
unsigned long long process_start_time(pid_t pid);
