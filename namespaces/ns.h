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

/* berth's own namespaces, kept while berth is inside the container's. */
struct ns_saved {
        int fd[OCI_NS_COUNT];
};

/* In berth, just before clone3: join the namespaces the init must be born
 * in (pid and time given by path, which setns only changes for children;
 * with a new user namespace also the net, ipc, uts and cgroup ones given by
 * path, which the init could not join from inside it).  Always follow with
 * ns_restore_after_clone, also on error. */
int ns_join_before_clone(const struct ns_plan *plan, struct ns_saved *saved, struct berth_error *err);
void ns_restore_after_clone(struct ns_saved *saved);

/* In the container's init, first thing: join the other namespaces given by
 * path, the user namespace first. */
int ns_join_in_child(const struct ns_plan *plan, struct berth_error *err);

/* The text /proc/<pid>/uid_map or gid_map takes for `maps`, one
 * "inside outside count" line per range, in *text (malloc'd) and *len;
 * fails when the kernel would refuse it for its length (one page). */
int ns_id_map_text(const struct oci_id_mapping *maps, size_t n, char **text, size_t *len,
                   struct berth_error *err);

/* In berth, after clone3: write /proc/<pid>/{uid_map,setgroups,gid_map}
 * from linux.uidMappings/gidMappings; an unprivileged berth mapping more
 * than its own id does it through newuidmap/newgidmap (id_map_tool.h). */
int ns_write_id_mappings(pid_t pid, const struct oci_linux *linux_, struct berth_error *err);

/* Write one map file of a process ("uid_map" or "gid_map": /proc/PID/FILE)
 * in one write, as the kernel requires; nothing when n is 0. */
int ns_write_id_map(pid_t pid, const char *file, const struct oci_id_mapping *maps, size_t n,
                    struct berth_error *err);

/* In the container's init: unshare a time namespace, write the offsets,
 * and enter it (setns on time_for_children; the process is single-threaded). */
int ns_enter_new_time(const struct oci_linux *linux_, struct berth_error *err);

/* In the container's init, in its new network namespace: bring `lo` up
 * through rtnetlink (libmnl). */
int net_loopback_up(struct berth_error *err);
