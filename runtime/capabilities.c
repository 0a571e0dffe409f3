/* Capability sets for the container process (see capabilities.h): the
 * checks that turn a kernel EPERM into a message naming the capability, and
 * the bounding/capset/ambient steps in the order the kernel allows them. */
#include "runtime/capabilities.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#include "common/cleanup.h"
#include "common/log.h"
#include "common/util.h"

static void cap_freep(cap_t *c)
{
        if (*c)
                cap_free(*c);
}
#define _cleanup_cap_ _cleanup_(cap_freep)

/* libcap's strings must go back through cap_free(), not free(). */
static void cap_text_freep(char **s)
{
        if (*s)
                cap_free(*s);
}

static uint64_t cap_bit(unsigned cap)
{
        return UINT64_C(1) << cap;
}

unsigned caps_last_cap(void)
{
        static unsigned cached;
        if (cached)
                return cached;

        unsigned last = 0;
        _cleanup_fclose_ FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "re");
        if (!f || fscanf(f, "%u", &last) != 1)
                last = (unsigned) cap_max_bits() - 1;  /* /proc not mounted yet */
        /* The config holds each set in a uint64_t. */
        if (last > 63)
                last = 63;
        cached = last;
        return last;
}

char *caps_name(unsigned cap)
{
        _cleanup_(cap_text_freep) char *lower = cap_to_name((cap_value_t) cap);
        if (!lower)
                return xasprintf("CAP_%u", cap);
        /* libcap spells unknown numbers as bare digits. */
        if (isdigit((unsigned char) lower[0]))
                return xasprintf("CAP_%s", lower);
        char *upper = xstrdup(lower);
        for (char *p = upper; *p; p++)
                *p = (char) toupper((unsigned char) *p);
        return upper;
}

/* One of this process's effective, permitted or inheritable sets. */
static uint64_t current_set(cap_flag_t which)
{
        _cleanup_cap_ cap_t now = cap_get_proc();
        if (!now)
                return 0;
        uint64_t set = 0;
        for (unsigned cap = 0; cap <= caps_last_cap(); cap++) {
                cap_flag_value_t v = CAP_CLEAR;
                if (cap_get_flag(now, (cap_value_t) cap, which, &v) == 0 && v == CAP_SET)
                        set |= cap_bit(cap);
        }
        return set;
}

static uint64_t current_bounding(void)
{
        uint64_t set = 0;
        for (unsigned cap = 0; cap <= caps_last_cap(); cap++)
                if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) == 1)
                        set |= cap_bit(cap);
        return set;
}

bool caps_have_effective(unsigned cap)
{
        return (current_set(CAP_EFFECTIVE) & cap_bit(cap)) != 0;
}

/* Log each capability of `dropped` as one that cannot be granted. */
static void warn_dropped(const char *set_name, uint64_t dropped, const char *why)
{
        for (unsigned cap = 0; dropped && cap <= 63; cap++) {
                if (!(dropped & cap_bit(cap)))
                        continue;
                _cleanup_free_ char *name = caps_name(cap);
                log_warning("config.json: /process/capabilities/%s: ignoring %s: %s", set_name, name, why);
        }
}

/* The spec: a capability that cannot be granted MUST be logged as a
 * warning and SHOULD NOT fail the container (a privileged container asks
 * for every capability, also on hosts that withhold some from berth). */
int caps_check(struct oci_capabilities *caps, struct berth_error *err)
{
        uint64_t held = current_set(CAP_PERMITTED);
        uint64_t inheritable_now = current_set(CAP_INHERITABLE);

        /* capset(2) may only shrink the permitted set. */
        uint64_t missing = (caps->permitted | caps->effective | caps->inheritable | caps->ambient |
                            caps->bounding) & ~held;
        warn_dropped("permitted", caps->permitted & missing, "berth itself does not hold it");
        caps->permitted &= ~missing;
        caps->bounding &= ~missing;

        uint64_t extra = caps->effective & ~caps->permitted;
        warn_dropped("effective", extra & ~missing, "it is not in the permitted set");
        caps->effective &= ~extra;

        /* The kernel only lets inheritable grow within the bounding set and,
         * once the effective set is gone after setuid, within permitted. */
        uint64_t bounding_after = current_bounding() & caps->bounding;
        extra = caps->inheritable & ~(inheritable_now | (bounding_after & held));
        warn_dropped("inheritable", extra & ~missing, "it is not in the bounding set");
        caps->inheritable &= ~extra;

        /* PR_CAP_AMBIENT_RAISE fails unless the capability is both permitted
         * and inheritable. */
        extra = caps->ambient & ~(caps->permitted & caps->inheritable);
        warn_dropped("ambient", extra & ~missing, "it is not both permitted and inheritable");
        caps->ambient &= ~extra;
        (void) err;
        return 0;
}

int caps_drop_bounding(uint64_t bounding, struct berth_error *err)
{
        for (unsigned cap = 0; cap <= caps_last_cap(); cap++) {
                if (bounding & cap_bit(cap))
                        continue;
                /* Already gone (e.g. CAP_SYS_RESOURCE on a host that withholds
                 * it): dropping again would need CAP_SETPCAP for nothing. */
                if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) != 1)
                        continue;
                if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0) {
                        _cleanup_free_ char *name = caps_name(cap);
                        return berth_error_errno(err, errno, "drop %s from the bounding set", name);
                }
        }
        return 0;
}

static int set_flags(cap_t c, cap_flag_t which, uint64_t set)
{
        for (unsigned cap = 0; cap <= caps_last_cap(); cap++) {
                if (!(set & cap_bit(cap)))
                        continue;
                cap_value_t v = (cap_value_t) cap;
                if (cap_set_flag(c, which, 1, &v, CAP_SET) < 0)
                        return -errno;
        }
        return 0;
}

static int apply_ambient(uint64_t ambient, struct berth_error *err)
{
        if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0) {
                /* Kernels before 4.3 have no ambient set: fine if none is asked. */
                if (errno == EINVAL && ambient == 0)
                        return 0;
                return berth_error_errno(err, errno, "clear the ambient capabilities");
        }
        for (unsigned cap = 0; cap <= caps_last_cap(); cap++) {
                if (!(ambient & cap_bit(cap)))
                        continue;
                if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0) {
                        _cleanup_free_ char *name = caps_name(cap);
                        return berth_error_errno(err, errno, "raise ambient capability %s", name);
                }
        }
        return 0;
}

int caps_apply(const struct oci_capabilities *caps, struct berth_error *err)
{
        _cleanup_cap_ cap_t c = cap_init();
        if (!c)
                return berth_error_errno(err, errno, "cap_init");
        int r = set_flags(c, CAP_EFFECTIVE, caps->effective);
        if (r == 0)
                r = set_flags(c, CAP_PERMITTED, caps->permitted);
        if (r == 0)
                r = set_flags(c, CAP_INHERITABLE, caps->inheritable);
        if (r < 0)
                return berth_error_errno(err, -r, "build the capability sets");
        if (cap_set_proc(c) < 0)
                return berth_error_errno(err, errno, "set the effective, permitted and inheritable capabilities");
        return apply_ambient(caps->ambient, err);
}
