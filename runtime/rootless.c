/* Whether berth runs rootless (see rootless.h). */
#include "runtime/rootless.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/cleanup.h"

bool rootless_mode_parse(const char *text, enum rootless_mode *mode)
{
        if (strcmp(text, "auto") == 0)
                *mode = ROOTLESS_AUTO;
        else if (strcmp(text, "true") == 0)
                *mode = ROOTLESS_TRUE;
        else if (strcmp(text, "false") == 0)
                *mode = ROOTLESS_FALSE;
        else
                return false;
        return true;
}

bool rootless_in_nested_user_ns(void)
{
        _cleanup_fclose_ FILE *f = fopen("/proc/self/uid_map", "re");
        if (!f)
                return false;  /* no user namespaces in this kernel: the host's */
        uint64_t inside, outside, count;
        if (fscanf(f, "%" SCNu64 " %" SCNu64 " %" SCNu64, &inside, &outside, &count) != 3)
                return true;   /* an empty map: a namespace nobody mapped yet */
        /* The initial namespace maps 0 to 0 for all 2^32 - 1 ids. */
        return !(inside == 0 && outside == 0 && count == UINT32_MAX);
}

bool rootless_resolve(enum rootless_mode mode)
{
        switch (mode) {
        case ROOTLESS_TRUE:
                return true;
        case ROOTLESS_FALSE:
                return false;
        case ROOTLESS_AUTO:
                break;
        }
        return geteuid() != 0 || rootless_in_nested_user_ns();
}
