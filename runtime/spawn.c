/* container_spawn: parse, validate, then act: state directory, cgroup,
 * clone3 straight into the cgroup and the namespaces (or, with
 * --systemd-cgroup, into a scope systemd makes for the new init), id
 * mappings, and one round trip on the sync channel until the init is
 * ready. */
#include "runtime/spawn.h"

#include <fcntl.h>
#include <limits.h>
#include <linux/sched.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cgroups/resources.h"
#include "cgroups/systemd.h"
#include "common/cleanup.h"
#include "common/log.h"
#include "common/util.h"
#include "namespaces/idmapped_mount.h"
#include "namespaces/netdev.h"
#include "runtime/attributes.h"
#include "runtime/hooks.h"
#include "runtime/init.h"
#include "runtime/sync.h"
#include "runtime/terminal.h"


static int load_config(const char *bundle, char **json, size_t *len, struct oci_config **cfg,
                       struct berth_error *err)
{
        _cleanup_free_ char *path = xasprintf("%s/config.json", bundle);
        int r = read_file_at_max(AT_FDCWD, path, OCI_CONFIG_MAX_BYTES, json, len, err);
        if (r < 0)
                return berth_error_prefix(err, "config.json");
        return oci_config_parse_data(*json, *len, "config.json", cfg, err);
}

/* exec, poststart and poststop run from later commands, when the bundle
 * may have changed or gone: keep the config they come from in the state
 * directory, and mark the containers with post hooks so start and delete
 * of the others do not parse it. */
static int keep_config(const struct spawned *sp, const char *json, size_t len, struct berth_error *err)
{
        int r = write_file_at(sp->sd.dir_fd, CONFIG_COPY, O_CREAT | O_TRUNC, 0600, json, len, err);
        if (r < 0)
                return r;
        const struct oci_hooks *h = &sp->cfg->hooks;
        if (!hooks_any(&h->poststart) && !hooks_any(&h->poststop))
                return 0;
        return write_file_at(sp->sd.dir_fd, POST_HOOKS_MARK, O_CREAT | O_TRUNC, 0600, "", 0, err);
}

static void systemd_scope_releasep(struct systemd_scope *s)
{
        systemd_scope_release(s);
}

static const struct oci_resources *config_resources(const struct oci_config *cfg)
{
        return cfg->has_linux && cfg->linux_.has_resources ? &cfg->linux_.resources : NULL;
}

/* The cgroup: the resources' config errors (for either driver), and with
 * --systemd-cgroup the unit's name and slice from linux.cgroupsPath, so a
 * bad config is refused before a group exists or systemd is asked. */
static int validate_cgroup(const struct oci_config *cfg, const char *id, bool systemd,
                           struct systemd_scope *scope, struct berth_error *err)
{
        if (systemd) {
                int r = systemd_cgroup_parse(cfg->has_linux ? cfg->linux_.cgroups_path : NULL, id, scope, err);
                if (r < 0)
                        return r;
        }
        const struct oci_resources *res = config_resources(cfg);
        return res ? cgroup_resources_validate(res, err) : 0;
}

static int resolve_rootfs(const struct oci_config *cfg, const char *bundle, char **out,
                          struct berth_error *err)
{
        if (!cfg->root.path)
                return berth_error_new(err, EINVAL, "config.json: /root/path: required on Linux");
        _cleanup_free_ char *joined = cfg->root.path[0] == '/'
                ? xstrdup(cfg->root.path)
                : xasprintf("%s/%s", bundle, cfg->root.path);
        char *real = realpath(joined, NULL);
        if (!real)
                return berth_error_errno(err, errno, "config.json: /root/path: %s", joined);
        *out = real;
        return 0;
}

/* What the rest of berth cannot do without, checked before anything acts. */
static int validate_for_linux(const struct oci_config *cfg, const struct ns_plan *plan,
                              struct berth_error *err)
{
        if (!cfg->has_process || !cfg->process.args || !cfg->process.args[0])
                return berth_error_new(err, EINVAL, "config.json: /process: required to run a container");
        if (!(plan->clone_flags & CLONE_NEWNS) && plan->join_fd[OCI_NS_MOUNT] < 0)
                return berth_error_new(err, EINVAL,
                                       "config.json: /linux/namespaces: a mount namespace is required "
                                       "(berth builds the root filesystem in it)");
        return 0;
}

/* Who gets the terminal's master: a --console-socket, or berth run in the
 * foreground, which copies it to its own stdio.  create and run --detach
 * exit, so they need the socket, as with runc. */
static int validate_terminal(const struct oci_config *cfg, const struct container_options *opts,
                             bool via_fifo, struct berth_error *err)
{
        bool detached = via_fifo || opts->detach;
        if (cfg->process.terminal && detached && !opts->console_socket)
                return berth_error_new(err, EINVAL,
                                       "config.json: /process/terminal: a terminal needs --console-socket "
                                       "when berth does not stay in the foreground");
        if (!cfg->process.terminal && opts->console_socket)
                return berth_error_new(err, EINVAL,
                                       "--console-socket: given, but config.json /process/terminal is false");
        return 0;
}

static void fill_state(struct spawned *sp, const char *id, const char *bundle, const char *rootfs)
{
        char created[64];
        format_rfc3339_now(created, sizeof(created));
        struct oci_state *st = &sp->st;
        st->oci_version = xstrdup(sp->cfg->oci_version);
        st->id = xstrdup(id);
        st->status = STATUS_CREATING;
        st->bundle = xstrdup(bundle);
        st->rootfs = xstrdup(rootfs);
        st->created = xstrdup(created);
        st->owner = getuid();
        st->cgroup_path = xstrdup(sp->cg.abs_path);
        st->n_annotations = sp->cfg->n_annotations;
        st->annotations = xmalloc0((st->n_annotations + 1) * sizeof(*st->annotations));
        for (size_t i = 0; i < st->n_annotations; i++) {
                st->annotations[i].key = xstrdup(sp->cfg->annotations[i].key);
                st->annotations[i].value = xstrdup(sp->cfg->annotations[i].value);
        }
}

/* Rootless without a delegated cgroup and with limits to hold: say why
 * there is no group and what to do.  `cause` is cgroup_create's message. */
static int not_delegated_error(const char *cause, int code, struct berth_error *err)
{
        char why[BERTH_ERROR_MAX];
        snprintf(why, sizeof(why), "%s", cause);
        return berth_error_new(err, code,
                               "config.json: /linux/resources: berth runs rootless (uid %u) and no cgroup is "
                               "delegated to it (%s), but the limits need one: delegate a cgroup to the user "
                               "(systemd: a unit or scope with Delegate=yes, as `systemd-run --user --scope "
                               "-p Delegate=yes` makes) and set linux.cgroupsPath inside it, or remove the limits",
                               (unsigned) geteuid(), why);
}

/* Rootless (runc's rule): a group berth may not create, because no cgroup
 * is delegated to the user, is done without when the config asks for no
 * limits; the container then stays in berth's own group, and kill, state
 * and delete go through its init's pid.  A delegated group (cgroupsPath
 * inside it) is used as root's would be, without device rules: an
 * unprivileged berth cannot load their program (bpf needs CAP_SYS_ADMIN
 * or CAP_BPF), and in its user namespace the container cannot create
 * device nodes, only use the host's it could open anyway. */
static int create_cgroup_rootless(struct spawned *sp, const char *id, struct berth_error *err)
{
        struct oci_config without_devices = *sp->cfg;  /* shallow: only the device count differs */
        if (without_devices.linux_.resources.n_devices) {
                log_debug("container %s: rootless: linux.resources.devices is not enforced", id);
                without_devices.linux_.resources.n_devices = 0;
        }
        int r = cgroup_create(&without_devices, id, &sp->cg, err);
        if (r == 0 || !cgroup_error_not_delegated(r))
                return r;
        if (cgroup_resources_need_group(config_resources(sp->cfg))) {
                if (r == -ENOENT)
                        return r;
                return not_delegated_error(err->msg, -r, err);
        }
        log_debug("container %s: rootless, no cgroup of its own (%s): it stays in berth's", id, err->msg);
        berth_error_clear(err);
        return 0;
}

static int create_cgroup(struct spawned *sp, const struct container_options *opts, struct berth_error *err)
{
        int r = opts->rootless ? create_cgroup_rootless(sp, opts->id, err)
                               : cgroup_create(sp->cfg, opts->id, &sp->cg, err);
        if (r == 0 && sp->cg.abs_path)
                log_debug("container %s: cgroup %s", opts->id, sp->cg.abs_path);
        return r;
}

/* clone3 puts the child into the cgroup and the namespaces in one step, so
 * no other process can observe it outside them.  Kernels before 5.7 lack
 * CLONE_INTO_CGROUP: then berth moves the child before it goes on.  With
 * --systemd-cgroup there is no group yet (into_cgroup false): systemd
 * makes the scope around the child, which waits on the sync channel. */
static pid_t clone_init(const struct spawned *sp, bool into_cgroup, bool *placed)
{
        struct clone_args args = {
                .flags = sp->plan.clone_flags | (into_cgroup ? CLONE_INTO_CGROUP : 0),
                .exit_signal = SIGCHLD,
                .cgroup = into_cgroup ? (uint64_t) sp->cg.dirfd : 0,
        };
        *placed = into_cgroup;
        pid_t pid = (pid_t) syscall(SYS_clone3, &args, sizeof(args));
        if (pid >= 0 || (errno != ENOSYS && errno != E2BIG && errno != EINVAL))
                return pid;
        *placed = false;
        args.flags &= ~(uint64_t) CLONE_INTO_CGROUP;
        args.cgroup = 0;
        pid = (pid_t) syscall(SYS_clone3, &args, sizeof(args));
        if (pid >= 0 || errno != ENOSYS)
                return pid;
        /* No clone3 at all (before 5.3). */
        return (pid_t) syscall(SYS_clone, (unsigned long) (sp->plan.clone_flags | SIGCHLD), 0, 0, 0, 0);
}

static int make_exec_fifo(const struct spawned *sp, struct berth_error *err)
{
        if (mkfifoat(sp->sd.dir_fd, EXEC_FIFO, 0600) < 0)
                return berth_error_errno(err, errno, "mkfifo %s/%s", sp->sd.path, EXEC_FIFO);
        return 0;
}

static int emit_state_as(struct spawned *sp, pid_t pid, enum container_status status, char **json,
                         struct berth_error *err)
{
        sp->st.pid = pid;
        sp->st.status = status;
        return oci_state_emit(&sp->st, json, err);
}

/* createContainer and startContainer hooks run in the init: it gets the
 * state documents they read ("creating", then "created") in one message,
 * separated by a NUL. */
static int send_state_for_init_hooks(struct spawned *sp, struct berth_error *err)
{
        if (!init_runs_hooks(sp->cfg))
                return 0;
        _cleanup_free_ char *creating = NULL, *created = NULL;
        int r = emit_state_as(sp, sp->pid, STATUS_CREATING, &creating, err);
        if (r < 0)
                return r;
        r = emit_state_as(sp, sp->pid, STATUS_CREATED, &created, err);
        if (r < 0)
                return r;
        size_t a = strlen(creating), b = strlen(created);
        _cleanup_free_ char *both = xmalloc0(a + b + 2);
        memcpy(both, creating, a + 1);
        memcpy(both + a + 1, created, b + 1);
        return sync_send_data(sp->sync_fd, SYNC_STATE, both, a + b + 2, err);
}

/* prestart and createRuntime run here, in berth's namespaces, once the init
 * has done its mounts and before it pivots. */
static int run_create_runtime_hooks(struct spawned *sp, struct berth_error *err)
{
        const struct oci_hooks *h = &sp->cfg->hooks;
        if (!berth_runs_create_hooks(sp->cfg))
                return 0;
        int r = sync_expect(sp->sync_fd, SYNC_HOOKS, err);
        if (r < 0)
                return r;
        _cleanup_free_ char *state = NULL;
        r = emit_state_as(sp, sp->pid, STATUS_CREATING, &state, err);
        if (r < 0)
                return r;
        r = hooks_run(&h->prestart, "prestart", state, false, err);
        if (r < 0)
                return r;
        r = hooks_run(&h->create_runtime, "createRuntime", state, false, err);
        if (r < 0)
                return r;
        return sync_send(sp->sync_fd, SYNC_HOOKS_DONE, err);
}

/* Idmapped bind mounts: berth clones and idmaps each source, as only it
 * holds CAP_SYS_ADMIN over the host's filesystems, and passes the trees
 * to the init, one message each in mounts[] order, to move into place. */
static int send_idmapped_trees(struct spawned *sp, struct berth_error *err)
{
        _cleanup_(idmapped_trees_release) struct idmapped_trees trees = { 0 };
        int r = idmapped_trees_create(sp->cfg, sp->st.bundle, &sp->plan, sp->pid, &trees, err);
        for (size_t i = 0; r >= 0 && i < trees.n; i++)
                if (trees.fds[i] >= 0)
                        r = sync_send_fd(sp->sync_fd, SYNC_IDMAPPED, trees.fds[i], err);
        return r;
}

/* The init loaded a filter with SCMP_ACT_NOTIFY: its notify fd goes to
 * linux.seccomp.listenerPath, with the state, from berth. */
static int pass_seccomp_listener(struct spawned *sp, struct berth_error *err)
{
        sp->st.pid = sp->pid;
        sp->st.status = STATUS_CREATING;
        return seccomp_pass_listener(sp->cfg, sp->seccomp, sp->sync_fd, &sp->st, err);
}

/* systemd reports the scope's group in the whole hierarchy; berth's
 * cgroup2 mount may show only a part of it (a cgroup namespace). */
static int group_in_mount(const char *root, const char *group, char **out, struct berth_error *err)
{
        size_t n = strcmp(root, "/") == 0 ? 0 : strlen(root);
        if (strncmp(group, root, n) != 0 || (group[n] != '/' && group[n] != '\0'))
                return berth_error_new(err, EINVAL,
                                       "--systemd-cgroup: systemd put the container in %s, outside the "
                                       "cgroup2 tree berth sees (%s)", group, root);
        *out = xstrdup(group[n] ? group + n : "/");
        return 0;
}

/* --systemd-cgroup: systemd starts the scope around the init (limits as
 * unit properties), then the limits go to the scope's group through the
 * cgroupfs too, for what systemd has no property for. */
static int join_systemd_scope(struct spawned *sp, const struct systemd_scope *scope, struct berth_error *err)
{
        const struct oci_resources *res = config_resources(sp->cfg);
        _cleanup_free_ char *group = NULL, *root = NULL;
        int r = systemd_scope_start(scope, sp->pid, res, &group, err);
        if (r < 0)
                return r;
        /* From here on, a failure stops the unit (abort_spawn). */
        sp->st.systemd_unit = xstrdup(scope->unit);
        r = cgroup_find_mount(&sp->cg.mountpoint, &root, err);
        if (r < 0)
                return r;
        r = group_in_mount(root, group, &sp->cg.path, err);
        if (r < 0)
                return r;
        sp->cg.abs_path = xasprintf("%s%s", sp->cg.mountpoint, sp->cg.path);
        free(sp->st.cgroup_path);
        sp->st.cgroup_path = xstrdup(sp->cg.abs_path);
        log_debug("container %s: systemd unit %s, cgroup %s", sp->st.id, scope->unit, sp->cg.abs_path);
        if (!res)
                return 0;
        return cgroup_resources_apply(sp->cg.mountpoint, sp->cg.path, res, NULL, err);
}

/* The init's group: systemd's scope, or (the child not born in it on an
 * old kernel) the one berth made. */
static int place_init(struct spawned *sp, const struct systemd_scope *scope, bool placed,
                      struct berth_error *err)
{
        if (scope)
                return join_systemd_scope(sp, scope, err);
        if (!placed && sp->cg.abs_path)
                return cgroup_enter(&sp->cg, sp->pid, err);
        return 0;
}

static int start_init(struct spawned *sp, const struct container_options *opts, bool via_fifo,
                      const struct systemd_scope *scope, const sigset_t *original_mask, struct berth_error *err)
{
        int fds[2];
        int r = sync_pair(fds, err);
        if (r < 0)
                return r;
        _cleanup_close_ int child_end = fds[1];
        sp->sync_fd = fds[0];
        /* berth opens the fifo for the init: read-write, so the open does not
         * wait for a writer and the init's read blocks until `berth start`
         * writes (instead of seeing end-of-file while no writer exists); and
         * by berth, because an init in a new user namespace could not open
         * it in the 0700 state directory. */
        _cleanup_close_ int fifo_fd = -1;
        if (via_fifo) {
                fifo_fd = openat(sp->sd.dir_fd, EXEC_FIFO, O_RDWR | O_CLOEXEC);
                if (fifo_fd < 0)
                        return berth_error_errno(err, errno, "open %s/%s", sp->sd.path, EXEC_FIFO);
        }
        _cleanup_close_ int console_fd = -1;
        if (opts->console_socket) {
                r = console_socket_connect(opts->console_socket, &console_fd, err);
                if (r < 0)
                        return r;
        }

        struct ns_saved saved;
        r = ns_join_before_clone(&sp->plan, &saved, err);
        if (r < 0) {
                ns_restore_after_clone(&saved);
                return r;
        }
        /* Decided before the clone: in the child, geteuid() is the overflow
         * id until berth maps it, and 0 once it has, a race the child would
         * lose by making itself undumpable between uid_map and setgroups. */
        bool unprivileged_maps = (sp->plan.clone_flags & CLONE_NEWUSER) && geteuid() != 0;
        bool placed;
        pid_t pid = clone_init(sp, !scope && sp->cg.abs_path, &placed);
        int clone_errno = errno;
        if (pid != 0)
                ns_restore_after_clone(&saved);
        if (pid < 0)
                return berth_error_errno(err, clone_errno, "clone the container's init");
        if (pid == 0) {
                /* Every other descriptor goes in container_init: among them
                 * the state directory's, whose flock would make `berth
                 * start` wait forever. */
                const struct init_context ctx = {
                        .cfg = sp->cfg,
                        .plan = &sp->plan,
                        .bundle = sp->st.bundle,
                        .rootfs = sp->st.rootfs,
                        .fifo_fd = fifo_fd,
                        .sync_fd = child_end,
                        .preserve_fds = opts->preserve_fds,
                        .console_fd = console_fd,
                        .seccomp = sp->seccomp,
                        .no_pivot = opts->no_pivot,
                        .no_new_keyring = opts->no_new_keyring,
                        .unprivileged_maps = unprivileged_maps,
                        .original_mask = *original_mask,
                };
                container_init(&ctx);
        }
        sp->pid = pid;
        log_debug("container %s: init is pid %d (clone flags 0x%llx, %s)", sp->st.id, pid,
                  (unsigned long long) sp->plan.clone_flags,
                  scope ? "systemd places it" : placed ? "born in its cgroup"
                  : sp->cg.abs_path ? "moved into its cgroup" : "no cgroup of its own");
        r = place_init(sp, scope, placed, err);
        if (r < 0)
                return r;
        if (sp->plan.clone_flags & CLONE_NEWUSER) {
                r = ns_write_id_mappings(pid, &sp->cfg->linux_, err);
                if (r < 0)
                        return r;
        }
        r = net_devices_move(sp->cfg, pid, err);
        if (r < 0)
                return r;
        close(steal_fd(&child_end));
        r = sync_send(sp->sync_fd, SYNC_GO, err);
        if (r < 0)
                return r;
        r = send_state_for_init_hooks(sp, err);
        if (r < 0)
                return r;
        r = send_idmapped_trees(sp, err);
        if (r < 0)
                return r;
        r = run_create_runtime_hooks(sp, err);
        if (r < 0)
                return r;
        if (sp->cfg->process.terminal && console_fd < 0) {
                r = sync_expect_fd(sp->sync_fd, SYNC_TERMINAL, &sp->terminal_master, err);
                if (r < 0)
                        return r;
        }
        r = pass_seccomp_listener(sp, err);
        if (r < 0)
                return r;
        return sync_expect(sp->sync_fd, SYNC_READY, err);
}

static int record_state(struct spawned *sp, const struct container_options *opts, struct berth_error *err)
{
        sp->st.status = STATUS_CREATED;
        sp->st.pid = sp->pid;
        sp->st.pid_start_time = process_start_time(sp->pid);
        int r = state_save(&sp->sd, &sp->st, err);
        if (r < 0)
                return r;
        log_debug("container %s: created, state in %s", sp->st.id, sp->sd.path);
        if (opts->pid_file)
                return state_write_pid_file(opts->pid_file, sp->pid, err);
        return 0;
}

int container_spawn(const struct container_options *opts, bool via_fifo,
                    const sigset_t *original_mask, struct spawned *sp, struct berth_error *err)
{
        *sp = (struct spawned) { .pid = -1, .sync_fd = -1, .terminal_master = -1, .sd = { .dir_fd = -1 }, .cg = { .dirfd = -1 } };
        for (int i = 0; i < OCI_NS_COUNT; i++)
                sp->plan.join_fd[i] = -1;

        int r = container_id_validate(opts->id, err);
        if (r < 0)
                return r;
        _cleanup_free_ char *bundle = realpath(opts->bundle ? opts->bundle : ".", NULL);
        if (!bundle)
                return berth_error_errno(err, errno, "bundle %s", opts->bundle ? opts->bundle : ".");
        _cleanup_free_ char *config_json = NULL;
        size_t config_len = 0;
        r = load_config(bundle, &config_json, &config_len, &sp->cfg, err);
        if (r < 0)
                return r;
        log_debug("container %s: %s/config.json parsed (ociVersion %s, %zu mounts)", opts->id, bundle,
                  sp->cfg->oci_version, sp->cfg->n_mounts);
        r = ns_plan_build(sp->cfg, &sp->plan, err);
        if (r < 0)
                return r;
        r = validate_for_linux(sp->cfg, &sp->plan, err);
        if (r < 0)
                return r;
        r = validate_terminal(sp->cfg, opts, via_fifo, err);
        if (r < 0)
                return r;
        r = attributes_validate(sp->cfg, err);
        if (r < 0)
                return r;
        r = net_devices_validate(sp->cfg, err);
        if (r < 0)
                return r;
        r = seccomp_program_build(sp->cfg, &sp->seccomp, err);
        if (r < 0)
                return r;
        _cleanup_free_ char *rootfs = NULL;
        r = resolve_rootfs(sp->cfg, bundle, &rootfs, err);
        if (r < 0)
                return r;
        _cleanup_(systemd_scope_releasep) struct systemd_scope scope = { 0 };
        r = validate_cgroup(sp->cfg, opts->id, opts->systemd_cgroup, &scope, err);
        if (r < 0)
                return r;

        /* From here on berth acts; spawned_release undoes it on error. */
        r = state_dir_create(opts->root, opts->id, &sp->sd, err);
        if (r < 0)
                return r;
        if (!opts->systemd_cgroup) {
                r = create_cgroup(sp, opts, err);
                if (r < 0)
                        return r;
        }
        fill_state(sp, opts->id, bundle, rootfs);
        r = keep_config(sp, config_json, config_len, err);
        if (r < 0)
                return r;
        if (via_fifo) {
                r = make_exec_fifo(sp, err);
                if (r < 0)
                        return r;
        }
        r = start_init(sp, opts, via_fifo, opts->systemd_cgroup ? &scope : NULL, original_mask, err);
        if (r < 0)
                return r;
        return record_state(sp, opts, err);
}

static void abort_spawn(struct spawned *sp)
{
        struct berth_error ignored = { 0 };
        if (sp->pid > 0) {
                kill(sp->pid, SIGKILL);
                while (waitpid(sp->pid, NULL, 0) < 0 && errno == EINTR)
                        ;
        }
        /* systemd removes the scope's group with the unit; the cgroupfs
         * removal after it finds nothing left unless the stop failed. */
        if (sp->st.systemd_unit)
                systemd_scope_stop(sp->st.systemd_unit, &ignored);
        if (sp->cg.abs_path)
                cgroup_destroy(sp->cg.abs_path, &ignored);
        if (sp->sd.dir_fd >= 0)
                state_dir_remove(&sp->sd, &ignored);
}

void spawned_release(struct spawned *sp)
{
        if (!sp->committed)
                abort_spawn(sp);
        if (sp->sync_fd >= 0)
                close(steal_fd(&sp->sync_fd));
        if (sp->terminal_master >= 0)
                close(steal_fd(&sp->terminal_master));
        cgroup_handle_release(&sp->cg);
        state_dir_release(&sp->sd);
        oci_state_release(&sp->st);
        seccomp_program_free(steal_pointer(&sp->seccomp));
        ns_plan_release(&sp->plan);
        oci_config_free(steal_pointer(&sp->cfg));
}
