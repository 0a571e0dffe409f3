/* The state document (runtime.md "State"), as `berth state` prints it and
 * as berth keeps it in <root>/<id>/state.json with a few private fields. */
#pragma once

#include <stdint.h>
#include <sys/types.h>

#include "common/error.h"
#include "oci/config.h"

enum container_status {
        STATUS_CREATING,
        STATUS_CREATED,
        STATUS_RUNNING,
        STATUS_STOPPED,
        STATUS_PAUSED,
};

/* "creating", "created", "running", "stopped", "paused". */
const char *container_status_name(enum container_status status);

struct oci_state {
        char *oci_version;
        char *id;
        enum container_status status;
        pid_t pid;                    /* 0 when stopped */
        char *bundle;                 /* absolute */
        struct oci_annotation *annotations;
        size_t n_annotations;
        /* runc's extra fields, which containerd and podman read. */
        char *rootfs;                 /* absolute */
        char *created;                /* RFC 3339 with nanoseconds, UTC */
        uid_t owner;                  /* `berth state` prints "" as runc does; kept in "berth" */
        /* berth's own, kept in state.json only ("berth" object): */
        unsigned long long pid_start_time; /* /proc/<pid>/stat field 22: tells a reused pid apart */
        char *cgroup_path;            /* absolute path of the container's cgroup directory */
        char *systemd_unit;           /* --systemd-cgroup: the unit holding the cgroup ("berth-x.scope"), else NULL */
};

/* The document `berth state` prints: the spec's fields plus runc's, in
 * runc's order, indented by 2 spaces, ending with a newline. */
int oci_state_emit(const struct oci_state *st, char **json, struct berth_error *err);
/* The document stored in state.json (the above plus the "berth" object). */
int oci_state_emit_private(const struct oci_state *st, char **json, struct berth_error *err);
/* Parse a stored state.json (or a public state document); `name` names it
 * in errors.  On failure *st holds nothing to release. */
int oci_state_parse(const char *data, size_t len, const char *name, struct oci_state *st,
                    struct berth_error *err);
void oci_state_release(struct oci_state *st);
