/* The features document (runtime-spec features.md, features-linux.md):
 * what this build of berth really implements. */
#pragma once

#include "common/error.h"

/* *json is malloc'd, pretty-printed, and ends with a newline. */
int oci_features_emit(char **json, struct berth_error *err);
