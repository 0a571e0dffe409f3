/* The container's root filesystem, built inside its new mount namespace:
 * mounts, devices, pivot_root, masked and readonly paths. */
#pragma once

#include <stdbool.h>

#include "common/error.h"
#include "namespaces/idmapped_mount.h"
#include "oci/config.h"

struct rootfs_context {
        const struct oci_config *cfg;
        const char *rootfs;    /* absolute path of root.path, resolved against the bundle */
        const char *bundle;    /* absolute bundle path: relative mount sources resolve here */
        bool no_pivot;         /* --no-pivot: MS_MOVE + chroot instead of pivot_root */
        bool in_user_ns;       /* devices are bind mounted from the host instead of mknod */
        /* Idmapped bind mounts berth prepared, by index in mounts[] (see
         * namespaces/idmapped_mount.h); NULL when there are none. */
        const struct idmapped_trees *idmapped;
};

/* Before pivot_root: make the host's mounts invisible to propagation, bind
 * the rootfs onto itself, do every entry of mounts[] (destinations resolved
 * inside the rootfs so a symlink cannot send a mount outside it), create
 * linux.devices and the default devices and /dev symlinks. */
int rootfs_prepare(const struct rootfs_context *ctx, struct berth_error *err);

/* pivot_root (or MS_MOVE + chroot with no_pivot) into the rootfs; the old
 * root is detached.  The working directory is "/" afterwards. */
int rootfs_pivot(const struct rootfs_context *ctx, struct berth_error *err);

/* After pivot_root and after linux.sysctl was written: maskedPaths,
 * readonlyPaths, root.readonly, rootfsPropagation. */
int rootfs_finalize(const struct rootfs_context *ctx, struct berth_error *err);
