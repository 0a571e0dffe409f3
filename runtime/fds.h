/* Descriptors in the container's init: which it keeps and which it closes,
 * so that nothing of the host's reaches the container (CVE-2016-9962,
 * CVE-2024-21626). */
#pragma once

#include <stddef.h>

/* Close every descriptor from `first` up but those in `keep` (entries < 0
 * are ignored).  With `cloexec`, mark them close-on-exec instead. */
void fds_close_from(int first, const int *keep, size_t n_keep, int cloexec);
