/* container_kill and container_delete: signal a container's processes and
 * remove a container with its cgroup and state directory. */
#include "runtime/container.h"

#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "cgroups/cgroup.h"
#include "cgroups/systemd.h"
#include "common/cleanup.h"
#include "common/log.h"
#include "runtime/hooks.h"
#include "runtime/pid_walk.h"
#include "runtime/state.h"

/* How long delete waits for a SIGKILLed init to go: a process stuck in
 * uninterruptible sleep (a hung NFS mount) would otherwise hang delete. */
#define KILL_WAIT_MS 10000

static void oci_state_releasep(struct oci_state *st)
{
        oci_state_release(st);
}

static void state_dir_releasep(struct state_dir *sd)
{
        state_dir_release(sd);
}

#define _cleanup_state_ _cleanup_(oci_state_releasep)
#define _cleanup_state_dir_ _cleanup_(state_dir_releasep)

static int send_signal(int pidfd, const struct oci_state *st, int sig)
{
#if defined(SYS_pidfd_open) && defined(SYS_pidfd_send_signal)
        if (pidfd >= 0)
                return syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0 ? -errno : 0;
#endif
        return kill(st->pid, sig) < 0 ? -errno : 0;
}

/* "container not running" verbatim: containerd's shim looks for that phrase
 * (or "no such process") to tell an exited process from a failed kill. */
static int not_running(const char *id, struct berth_error *err)
{
        return berth_error_new(err, ESRCH, "kill %s: container not running", id);
}

static int signal_init(const struct oci_state *st, int sig, struct berth_error *err)
{
        _cleanup_close_ int pidfd = state_open_init_pidfd(st);
        if (pidfd == -ESRCH)
                return not_running(st->id, err);
        int r = send_signal(pidfd, st, sig);
        if (r == -ESRCH)
                return not_running(st->id, err);
        if (r < 0)
                return berth_error_errno(err, -r, "send signal %d to container %s (pid %d)", sig,
                                         st->id, (int) st->pid);
        return 0;
}

static long elapsed_ms(const struct timespec *since)
{
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        return (now.tv_sec - since->tv_sec) * 1000 + (now.tv_nsec - since->tv_nsec) / 1000000;
}

/* Without a pidfd: poll the state until the init is stopped (gone, a
 * zombie, or its pid reused). */
static int wait_stopped_by_polling(const struct state_dir *sd, struct berth_error *err)
{
        struct timespec start;
        clock_gettime(CLOCK_MONOTONIC, &start);
        while (elapsed_ms(&start) < KILL_WAIT_MS) {
                _cleanup_state_ struct oci_state now = { 0 };
                int r = state_load(sd, &now, err);
                if (r < 0)
                        return r;
                if (now.status == STATUS_STOPPED)
                        return 0;
                nanosleep(&(struct timespec){ .tv_nsec = 5 * 1000 * 1000 }, NULL);
        }
        return berth_error_new(err, ETIMEDOUT, "container %s: init did not exit %d s after SIGKILL",
                               sd->id, KILL_WAIT_MS / 1000);
}

/* SIGKILL the init and wait until it has exited. */
static int kill_init_and_wait(const struct state_dir *sd, const struct oci_state *st,
                              struct berth_error *err)
{
        _cleanup_close_ int pidfd = state_open_init_pidfd(st);
        if (pidfd == -ESRCH)
                return 0;
        int r = send_signal(pidfd, st, SIGKILL);
        if (r == -ESRCH)
                return 0;
        if (r < 0)
                return berth_error_errno(err, -r, "kill container %s (pid %d)", st->id, (int) st->pid);
        if (pidfd < 0)
                return wait_stopped_by_polling(sd, err);
        /* A pidfd turns readable when the process exits, child of ours or not. */
        struct pollfd pfd = { .fd = pidfd, .events = POLLIN };
        for (;;) {
                int n = poll(&pfd, 1, KILL_WAIT_MS);
                if (n > 0)
                        return 0;
                if (n == 0)
                        return berth_error_new(err, ETIMEDOUT,
                                               "container %s: init (pid %d) did not exit %d s after SIGKILL",
                                               st->id, (int) st->pid, KILL_WAIT_MS / 1000);
                if (errno != EINTR)
                        return berth_error_errno(err, errno, "wait for container %s to exit", st->id);
        }
}

static bool has_cgroup(const struct oci_state *st)
{
        return st->cgroup_path && st->cgroup_path[0];
}

/* --all without a group of its own (rootless, none delegated): the
 * container's processes are found through /proc from its init (see
 * pid_walk.h), which is signalled first through its checked pidfd; the
 * others are signalled by the pid the walk just found. */
static int signal_walked(const struct oci_state *st, int sig, struct berth_error *err)
{
        _cleanup_free_ pid_t *pids = NULL;
        size_t n = 0;
        int r = pid_walk_container(st->pid, &pids, &n, err);
        if (r < 0)
                return r;
        r = signal_init(st, sig, err);
        if (r < 0)
                return r;
        for (size_t i = 1; i < n; i++)
                if (kill(pids[i], sig) < 0 && errno != ESRCH)
                        log_debug("container %s: signal %d to pid %d: %s", st->id, sig, (int) pids[i],
                                  strerror(errno));
        return 0;
}

int container_kill(const char *root, const char *id, int sig, bool all, struct berth_error *err)
{
        _cleanup_state_dir_ struct state_dir sd = { .dir_fd = -1 };
        _cleanup_state_ struct oci_state st = { 0 };
        int r = state_open_load(root, id, true, &sd, &st, err);
        if (r < 0)
                return r;

        /* --all reaches processes left behind by a dead init too (a shared
         * pid namespace), as runc does; the group may be gone already. */
        if (all && has_cgroup(&st)) {
                r = cgroup_signal_all(st.cgroup_path, sig, err);
                if (r == -ENOENT && st.status == STATUS_STOPPED)
                        return 0;
                return r < 0 ? berth_error_prefix(err, "kill container %s", id) : 0;
        }
        if (all && st.status == STATUS_STOPPED)
                return 0;  /* no group and no init: nothing left to signal */
        if (st.status == STATUS_STOPPED)
                return not_running(id, err);
        return all ? signal_walked(&st, sig, err) : signal_init(&st, sig, err);
}

/* A directory whose state.json is missing or unreadable is what a create
 * that died midway leaves: with --force it goes, without it says how. */
static int delete_without_state(struct state_dir *sd, bool force, struct berth_error *err)
{
        if (!force) {
                if (err->code == ENOENT)
                        return -ENOENT;  /* the message already says to use --force */
                char why[BERTH_ERROR_MAX];
                snprintf(why, sizeof(why), "%s", err->msg);
                return berth_error_new(err, err->code, "%s (berth delete --force %s removes it)", why,
                                       sd->id);
        }
        log_debug("delete: container %s has no usable state, removing its directory", sd->id);
        return state_dir_remove(sd, err);
}

int container_delete(const char *root, const char *id, bool force, struct berth_error *err)
{
        _cleanup_state_dir_ struct state_dir sd = { .dir_fd = -1 };
        int r = state_dir_open(root, id, &sd, err);
        if (r == -ENOENT && force)
                return 0;  /* runc too: delete --force of a missing container succeeds */
        if (r < 0)
                return r;
        _cleanup_state_ struct oci_state st = { 0 };
        r = state_load(&sd, &st, err);
        if (r < 0)
                return delete_without_state(&sd, force, err);

        switch (st.status) {
        case STATUS_STOPPED:
                break;
        case STATUS_CREATING:
        case STATUS_CREATED:
                r = kill_init_and_wait(&sd, &st, err);
                break;
        case STATUS_RUNNING:
        case STATUS_PAUSED:
                if (!force)
                        return berth_error_new(err, EBUSY, "cannot delete container %s that is not stopped: %s",
                                               id, container_status_name(st.status));
                if (has_cgroup(&st)) {
                        r = cgroup_signal_all(st.cgroup_path, SIGKILL, err);
                        if (r < 0 && r != -ENOENT)
                                return berth_error_prefix(err, "delete container %s", id);
                }
                r = kill_init_and_wait(&sd, &st, err);
                break;
        }
        if (r < 0)
                return r;
        /* --systemd-cgroup: stopping the unit removes its group; the
         * cgroupfs removal below then finds nothing left. */
        if (st.systemd_unit) {
                r = systemd_scope_stop(st.systemd_unit, err);
                if (r < 0)
                        return berth_error_prefix(err, "delete container %s", id);
        }
        if (has_cgroup(&st)) {
                r = cgroup_destroy(st.cgroup_path, err);
                if (r < 0)
                        return berth_error_prefix(err, "delete container %s", id);
        }
        /* The spec runs poststop after the container is gone and before
         * delete returns; they need the config kept in the state dir. */
        st.status = STATUS_STOPPED;
        st.pid = 0;
        hooks_run_saved(&sd, &st, true);
        return state_dir_remove(&sd, err);
}
