/* mount options ("ro", "nosuid", "rbind", "rprivate", "size=64m" ...) turned
 * into mount(2) flags, propagation, mount_setattr(2) attributes and data. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "oci/config.h"

/* Parse `options` (NULL-terminated) into *out.  Unknown options become fs
 * data, as runc and crun do.  Errors name the option, the caller adds the
 * JSON path. */
int mount_options_parse(char *const *options, struct mount_options *out, struct berth_error *err);
void mount_options_release(struct mount_options *opts);

/* "shared", "rslave", ... -> MS_* propagation flags (with MS_REC for the r forms).
 * Returns 0 and sets *flags, or -EINVAL for an unknown name. */
int mount_propagation_parse(const char *name, unsigned long *flags);

/* The i-th option berth acts on (for the features document), NULL past
 * the last. */
const char *mount_option_known(size_t i);

/* The superblock flags a new filesystem takes by name ("ro", "sync",
 * "dirsync", "lazytime"): at most this many. */
#define MOUNT_SB_FLAGS_MAX 4

/* The MS_* flags of a new filesystem mount (not a bind) as the new mount
 * API takes them: the superblock's by fsconfig name into sb_flags
 * (NULL-terminated), the mount's as MOUNT_ATTR_* for fsmount into *attr,
 * the way mount(2) sets them on a new mount (relatime unless noatime or
 * strictatime, strictatime winning over noatime).  Returns -EOPNOTSUPP
 * for flags only mount(2) takes ("remount", "mand", "silent",
 * "iversion"). */
int mount_flags_for_fsmount(unsigned long flags, const char *sb_flags[MOUNT_SB_FLAGS_MAX + 1],
                            uint64_t *attr);
