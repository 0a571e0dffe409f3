/* Namespaces: what clone3 creates, what the container joins by path, user
 * namespace id mappings, time namespace offsets and the loopback device. */
#pragma once

#include <stdint.h>
#include <sys/types.h>

#include "common/error.h"
#include "oci/config.h"

struct ns_plan {
        /* CLONE_NEW* flags for clone3: namespaces listed without a path.
         * Never contains CLONE_NEWTIME: offsets can only be written before a
         * task enters the namespace, so the child does that itself
         * (ns_enter_new_time). */
        uint64_t clone_flags;
        bool new_time;         /* linux.namespaces lists "time" without a path */
        /* Namespaces joined by path, opened by ns_plan_build() so a bad path
         * is reported before anything is created.  -1 where unused. */
        int join_fd[OCI_NS_COUNT];
};

/* Validate linux.namespaces (duplicates, unknown combinations such as
 * mappings without a user namespace) and open the paths to join. */
int ns_plan_build(const struct oci_config *cfg, struct ns_plan *plan, struct berth_error *err);
void ns_plan_release(struct ns_plan *plan);

/* In berth, just before clone3: join the pid and time namespaces given by
 * path (setns on them only affects children), so the container's init is
 * born inside them. */
int ns_join_before_clone(const struct ns_plan *plan, struct berth_error *err);

/* In the container's init, first thing: join the remaining namespaces given
 * by path, the user namespace first. */
int ns_join_in_child(const struct ns_plan *plan, struct berth_error *err);

/* In berth, after clone3: write /proc/<pid>/{uid_map,setgroups,gid_map}
 * from linux.uidMappings/gidMappings. */
int ns_write_id_mappings(pid_t pid, const struct oci_linux *linux_, struct berth_error *err);

/* In the container's init: unshare a time namespace, write the offsets,
 * and enter it (setns on time_for_children; the process is single-threaded). */
int ns_enter_new_time(const struct oci_linux *linux_, struct berth_error *err);

/* In the container's init, in its new network namespace: bring `lo` up
 * through rtnetlink (libmnl). */
int net_loopback_up(struct berth_error *err);
