/* The container process's five capability sets (bounding, permitted,
 * effective, inheritable, ambient), checked against what berth itself holds
 * and applied through libcap and prctl. */
#pragma once

#include <stdbool.h>

#include "common/error.h"
#include "oci/config.h"

/* The highest capability number the running kernel knows. */
unsigned caps_last_cap(void);

/* "CAP_SYS_ADMIN" for 21; "CAP_42" for a number libcap cannot name.
 * Returns a malloc'd string. */
char *caps_name(unsigned cap);

/* Whether `cap` is in this process's effective set right now. */
bool caps_have_effective(unsigned cap);

/* Reduce *caps to what can be granted, logging a warning for each
 * capability dropped (the spec asks runtimes not to fail on them): what
 * berth does not hold, effective outside permitted, inheritable outside the
 * bounding set, ambient not both permitted and inheritable. */
int caps_check(struct oci_capabilities *caps, struct berth_error *err);

/* Drop every capability outside `bounding` from the bounding set.  Needs
 * CAP_SETPCAP in the effective set, so it runs before the uid changes. */
int caps_drop_bounding(uint64_t bounding, struct berth_error *err);

/* Set effective, permitted and inheritable in one capset, then replace the
 * ambient set.  Runs after setresuid (with PR_SET_KEEPCAPS), as the last
 * capability step. */
int caps_apply(const struct oci_capabilities *caps, struct berth_error *err);
