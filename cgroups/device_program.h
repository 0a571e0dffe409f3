/* The device list (linux.resources.devices) as the instructions of a
 * BPF_PROG_TYPE_CGROUP_DEVICE program: a pure translation, no kernel call,
 * so a unit test can run the result through an interpreter.  Loading and
 * attaching it is cgroups/devices.c. */
#pragma once

#include <linux/bpf.h>
#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"
#include "oci/config.h"

/* The rules every container gets after its config's own, in this order:
 * mknod of any char or block device; null, random, full, tty, zero,
 * urandom, console, ptmx, every pts, and tun.  runc 1.1 appends the same
 * list except console (crun has it too). */
extern const struct oci_device_cgroup device_default_rules[];
extern const size_t device_default_rules_count;

struct device_program {
        struct bpf_insn *insns;
        size_t n;
};

/* Whether the rules deny anything at all.  When none does, every device
 * is allowed with or without a program, so none needs loading. */
bool device_rules_restrict(const struct oci_device_cgroup *rules, size_t n);

/* Build the program for rules[0..n) followed by device_default_rules.
 * The last rule that matches a device decides each access (r, w, m) on
 * its own; an access no rule matches is allowed (a new v1 group's list
 * was "a *:* rwm").  A request for several accesses at once (open O_RDWR)
 * needs every one allowed.  A later deny may close one device inside an
 * earlier wildcard allow, which the v1 kernel ignored and runc refuses.
 * runc differs in one more way: its list starts from deny-all, so a
 * config with no deny rule and no allow-all rule gets only the devices it
 * names and the defaults there.  Fails only on a rule the config parser
 * would not have produced (type or access letters outside a/c/b and rwm). */
int device_program_build(const struct oci_device_cgroup *rules, size_t n, struct device_program *out,
                         struct berth_error *err);

void device_program_release(struct device_program *p);
