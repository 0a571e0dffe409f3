/* Idmapped bind mounts (mount options "idmap" and "ridmap", mounts[]
 * uidMappings and gidMappings): berth, in the host's user namespace,
 * clones each source into a detached tree and idmaps it; the container's
 * init moves the tree into its rootfs. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "common/error.h"
#include "namespaces/ns.h"
#include "oci/config.h"

/* The entry asks for an idmapping: an option or mappings of its own
 * (runc takes mappings without the option too). */
bool mount_is_idmapped(const struct oci_mount *m);

/* A user namespace with exactly these mappings, kept by the returned fd
 * alone (the process made to hold it has exited).  For mount_setattr's
 * MOUNT_ATTR_IDMAP and for `berth check`'s probe.  Returns the fd or a
 * negative errno. */
int idmap_userns_open(const struct oci_id_mapping *uids, size_t n_uids,
                      const struct oci_id_mapping *gids, size_t n_gids, struct berth_error *err);

/* Detached idmapped trees, by index in mounts[]; -1 elsewhere. */
struct idmapped_trees {
        int *fds;
        size_t n;
};

/* In berth, once the init's maps are written: for every idmapped entry
 * of mounts[], a detached clone of its source (the whole tree for
 * "rbind") idmapped with the entry's own mappings, or else with the
 * container's user namespace (the spec lets it borrow that), the
 * submounts too for "ridmap".  `bundle` resolves relative sources.
 * Errors name the entry ("config.json: /mounts/N: ...") and what the host
 * or filesystem refused; *out is to be released either way. */
int idmapped_trees_create(const struct oci_config *cfg, const char *bundle, const struct ns_plan *plan,
                          pid_t init_pid, struct idmapped_trees *out, struct berth_error *err);

/* Room for n_mounts trees, all -1. */
void idmapped_trees_init(struct idmapped_trees *t, size_t n_mounts);
void idmapped_trees_release(struct idmapped_trees *t);
/* The tree for mounts[index], or -1 (also for t NULL). */
int idmapped_trees_get(const struct idmapped_trees *t, size_t index);

/* In the init: move the tree onto the directory or file `dest_fd` holds
 * (`dest` names it in errors). */
int idmapped_tree_attach(int tree, int dest_fd, const char *dest, struct berth_error *err);
