/* Typed linux.resources, linux.seccomp, linux.intelRdt, linux.netDevices and
 * linux.memoryPolicy.  Included by oci/config.h; not used on its own. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Placeholder shapes: the oci parser work fills these in. */
struct oci_resources {
        int unused_;
};

struct oci_seccomp {
        int unused_;
};

struct oci_intel_rdt {
        int unused_;
};

struct oci_net_device {
        char *name;            /* the host interface name (the map key) */
        char *new_name;        /* "name" inside the object: the name in the container */
};

struct oci_memory_policy {
        char *mode;
        char *nodes;
        char **flags;
};
