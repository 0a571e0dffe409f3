/* Unit tests of the config.json parser (oci/config*.c): a config using
 * every section is read back field by field, odd-but-valid documents are
 * accepted, and each file in tests/unit/configs/bad/ is rejected with the
 * exact message in bad_cases[] below (a trailing '*' matches a prefix:
 * jansson words syntax errors). */
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "namespaces/mount_options.h"
#include "oci/config.h"
#include "oci/features.h"
#include "oci/json_util.h"
#include "oci/spec.h"
#include "tests/unit/unit.h"

static char *config_path(const char *kind, const char *name)
{
        char *path;
        if (asprintf(&path, "%s/tests/unit/configs/%s/%s", unit_srcdir(), kind, name) < 0)
                abort();
        return path;
}

static int parse_text(const char *text, struct oci_config **cfg, struct berth_error *err)
{
        return oci_config_parse_data(text, strlen(text), "config.json", cfg, err);
}

/* Parse tests/unit/configs/good/<name>; NULL (and a diagnostic) on failure. */
static struct oci_config *load_good(const char *name)
{
        char *path = config_path("good", name);
        size_t len;
        char *data = unit_read_file(path, &len);
        free(path);
        if (!data) {
                printf("#   cannot read good/%s\n", name);
                return NULL;
        }
        struct berth_error err = { 0 };
        struct oci_config *cfg = NULL;
        if (oci_config_parse_data(data, len, "config.json", &cfg, &err) < 0)
                printf("#   good/%s: %s\n", name, err.msg);
        free(data);
        return cfg;
}

#define CAP(n) (UINT64_C(1) << (n))

/* ---- the full config, section by section -------------------------------------- */

static void full_config_top_level(void)
{
        struct oci_config *cfg = load_good("full.json");
        REQUIRE(cfg);
        CHECK_STR_EQ(cfg->oci_version, "1.3.0");
        CHECK_STR_EQ(cfg->root.path, "rootfs");
        CHECK(cfg->root.readonly);
        CHECK_STR_EQ(cfg->hostname, "unit-host");
        CHECK_STR_EQ(cfg->domainname, "unit.example");
        CHECK(cfg->has_process);
        CHECK(cfg->has_hooks);
        CHECK(cfg->has_linux);
        CHECK_UINT_EQ(cfg->n_annotations, 3);
        if (cfg->n_annotations == 3) {
                CHECK_STR_EQ(cfg->annotations[0].key, "com.example.first");
                CHECK_STR_EQ(cfg->annotations[0].value, "1");
                CHECK_STR_EQ(cfg->annotations[1].key, "com.example/slash");
                CHECK_STR_EQ(cfg->annotations[1].value, "");
        }
        CHECK_STR_EQ(oci_config_annotation(cfg, "org.opencontainers.image.os"), "linux");
        CHECK_STR_EQ(oci_config_annotation(cfg, "com.example/slash"), "");
        CHECK(oci_config_annotation(cfg, "com.example.absent") == NULL);
        oci_config_free(cfg);
}

static void full_config_process(void)
{
        struct oci_config *cfg = load_good("full.json");
        REQUIRE(cfg);
        const struct oci_process *p = &cfg->process;
        CHECK(p->terminal);
        CHECK(p->has_console_size);
        CHECK_UINT_EQ(p->console_size.height, 40);
        CHECK_UINT_EQ(p->console_size.width, 120);
        CHECK_STR_EQ(p->cwd, "/srv/app");
        REQUIRE(p->env && p->args);
        CHECK_STR_EQ(p->env[0], "PATH=/usr/bin:/bin");
        CHECK_STR_EQ(p->env[1], "LANG=C.UTF-8");
        CHECK(p->env[2] == NULL);
        CHECK_STR_EQ(p->args[0], "/usr/bin/app");
        CHECK_STR_EQ(p->args[1], "--serve");
        CHECK_STR_EQ(p->args[2], "");
        CHECK(p->args[3] == NULL);
        CHECK(p->command_line == NULL);
        CHECK_UINT_EQ(p->user.uid, 1000);
        CHECK_UINT_EQ(p->user.gid, 1001);
        CHECK(p->user.has_umask);
        CHECK_UINT_EQ(p->user.umask, 022);
        CHECK_UINT_EQ(p->user.n_additional_gids, 3);
        if (p->user.n_additional_gids == 3) {
                CHECK_UINT_EQ(p->user.additional_gids[0], 4);
                CHECK_UINT_EQ(p->user.additional_gids[1], 24);
                CHECK_UINT_EQ(p->user.additional_gids[2], 4294967295u);
        }
        CHECK(p->no_new_privileges);
        CHECK(p->has_oom_score_adj);
        CHECK_INT_EQ(p->oom_score_adj, -500);
        CHECK_STR_EQ(p->apparmor_profile, "berth-test-profile");
        CHECK_STR_EQ(p->selinux_label, "system_u:system_r:container_t:s0:c1,c2");
        CHECK_STR_EQ(p->exec_cpu_affinity_initial, "0");
        CHECK_STR_EQ(p->exec_cpu_affinity_final, "0-3,7");
        oci_config_free(cfg);
}

static void full_config_rlimits(void)
{
        struct oci_config *cfg = load_good("full.json");
        REQUIRE(cfg);
        const struct oci_process *p = &cfg->process;
        REQUIRE(p->n_rlimits == 3);
        CHECK_INT_EQ(p->rlimits[0].resource, RLIMIT_NOFILE);
        CHECK_STR_EQ(p->rlimits[0].type, "RLIMIT_NOFILE");
        CHECK_UINT_EQ(p->rlimits[0].soft, 4096);
        CHECK_UINT_EQ(p->rlimits[0].hard, 65536);
        CHECK_INT_EQ(p->rlimits[1].resource, RLIMIT_CORE);
        CHECK_UINT_EQ(p->rlimits[1].soft, 0);
        /* RLIM_INFINITY as Go writes it: above what jansson's integers hold. */
        CHECK_UINT_EQ(p->rlimits[1].hard, UINT64_MAX);
        CHECK_INT_EQ(p->rlimits[2].resource, RLIMIT_MEMLOCK);
        CHECK_UINT_EQ(p->rlimits[2].soft, UINT64_C(9223372036854775808));
        CHECK_UINT_EQ(p->rlimits[2].hard, UINT64_C(9223372036854775808));
        oci_config_free(cfg);
}

static void full_config_capabilities(void)
{
        struct oci_config *cfg = load_good("full.json");
        REQUIRE(cfg);
        const struct oci_capabilities *caps = &cfg->process.capabilities;
        CHECK(cfg->process.has_capabilities);
        CHECK_UINT_EQ(caps->bounding, CAP(CAP_CHOWN) | CAP(CAP_KILL) | CAP(CAP_NET_BIND_SERVICE) |
                                              CAP(CAP_SYS_ADMIN));
        CHECK_UINT_EQ(caps->effective, CAP(CAP_KILL));
        CHECK_UINT_EQ(caps->inheritable, 0);
        CHECK_UINT_EQ(caps->permitted, CAP(CAP_KILL) | CAP(CAP_CHOWN));
        CHECK_UINT_EQ(caps->ambient, CAP(CAP_NET_BIND_SERVICE));
        oci_config_free(cfg);
}

static void full_config_scheduling(void)
{
        struct oci_config *cfg = load_good("full.json");
        REQUIRE(cfg);
        const struct oci_process *p = &cfg->process;
        CHECK(p->has_scheduler);
        CHECK_STR_EQ(p->scheduler.policy, "SCHED_BATCH");
        CHECK_INT_EQ(p->scheduler.nice, -5);
        CHECK_INT_EQ(p->scheduler.priority, 0);
        REQUIRE(p->scheduler.flags);
        CHECK_STR_EQ(p->scheduler.flags[0], "SCHED_FLAG_RESET_ON_FORK");
        CHECK(p->scheduler.flags[1] == NULL);
        CHECK_UINT_EQ(p->scheduler.runtime, 100);
        CHECK_UINT_EQ(p->scheduler.deadline, 200);
        CHECK_UINT_EQ(p->scheduler.period, 300);
        CHECK(p->has_io_priority);
        CHECK_STR_EQ(p->io_priority.class_, "IOPRIO_CLASS_BE");
        CHECK_INT_EQ(p->io_priority.priority, 6);
        oci_config_free(cfg);
}

static void full_config_mounts(void)
{
        struct oci_config *cfg = load_good("full.json");
        REQUIRE(cfg);
        REQUIRE(cfg->n_mounts == 3);
        const struct oci_mount *m = cfg->mounts;
        CHECK_STR_EQ(m[0].destination, "/proc");
        CHECK_STR_EQ(m[0].type, "proc");
        CHECK_STR_EQ(m[0].source, "proc");
        CHECK(m[0].options == NULL);
        CHECK_UINT_EQ(m[0].n_uid_mappings, 0);

        CHECK_STR_EQ(m[1].destination, "/dev/shm");
        REQUIRE(m[1].options);
        CHECK_STR_EQ(m[1].options[3], "mode=1777");
        CHECK(m[1].options[5] == NULL);
        /* The parsed options come from mount_options_parse(). */
        CHECK(m[1].parsed.flags & MS_NOSUID);
        CHECK(m[1].parsed.flags & MS_NODEV);
        CHECK(m[1].parsed.flags & MS_NOEXEC);
        CHECK_STR_CONTAINS(m[1].parsed.data, "size=65536k");

        CHECK_STR_EQ(m[2].destination, "/data");
        CHECK(m[2].type == NULL);
        CHECK_STR_EQ(m[2].source, "/srv/data");
        CHECK(m[2].parsed.bind);
        CHECK(m[2].parsed.recursive_bind);
        CHECK(m[2].parsed.idmap);
        CHECK(m[2].parsed.flags & MS_RDONLY);
        CHECK(m[2].parsed.propagation & MS_PRIVATE);
        REQUIRE(m[2].n_uid_mappings == 1 && m[2].n_gid_mappings == 1);
        CHECK_UINT_EQ(m[2].uid_mappings[0].container_id, 0);
        CHECK_UINT_EQ(m[2].uid_mappings[0].host_id, 100000);
        CHECK_UINT_EQ(m[2].uid_mappings[0].size, 65536);
        CHECK_UINT_EQ(m[2].gid_mappings[0].host_id, 200000);
        CHECK_UINT_EQ(m[2].gid_mappings[0].size, 1000);
        oci_config_free(cfg);
}

static void full_config_hooks(void)
{
        struct oci_config *cfg = load_good("full.json");
        REQUIRE(cfg);
        const struct oci_hooks *h = &cfg->hooks;
        REQUIRE(h->prestart.n == 1 && h->create_runtime.n == 2 && h->create_container.n == 1 &&
                h->start_container.n == 1 && h->poststart.n == 1 && h->poststop.n == 1);
        CHECK_STR_EQ(h->prestart.hooks[0].path, "/usr/libexec/hook-prestart");
        CHECK(!h->prestart.hooks[0].has_timeout);
        CHECK(h->prestart.hooks[0].args == NULL);
        const struct oci_hook *a = &h->create_runtime.hooks[0];
        CHECK_STR_EQ(a->path, "/usr/libexec/hook-a");
        REQUIRE(a->args && a->env);
        CHECK_STR_EQ(a->args[0], "hook-a");
        CHECK_STR_EQ(a->args[1], "create");
        CHECK(a->args[2] == NULL);
        CHECK_STR_EQ(a->env[0], "A=1");
        CHECK(a->has_timeout);
        CHECK_INT_EQ(a->timeout, 5);
        CHECK_STR_EQ(h->create_runtime.hooks[1].path, "/usr/libexec/hook-b");
        CHECK_STR_EQ(h->create_container.hooks[0].path, "/usr/libexec/hook-cc");
        CHECK_STR_EQ(h->start_container.hooks[0].path, "/usr/libexec/hook-sc");
        CHECK_INT_EQ(h->poststart.hooks[0].timeout, 30);
        REQUIRE(h->poststop.hooks[0].env);
        CHECK_STR_EQ(h->poststop.hooks[0].env[1], "Z=");
        oci_config_free(cfg);
}

static void full_config_namespaces(void)
{
        struct oci_config *cfg = load_good("full.json");
        REQUIRE(cfg);
        const struct oci_linux *l = &cfg->linux_;
        REQUIRE(l->n_namespaces == 8);
        enum oci_namespace_type order[] = {
                OCI_NS_PID, OCI_NS_NETWORK, OCI_NS_MOUNT,  OCI_NS_IPC,
                OCI_NS_UTS, OCI_NS_USER,    OCI_NS_CGROUP, OCI_NS_TIME
        };
        for (size_t i = 0; i < 8; i++)
                CHECK_INT_EQ(l->namespaces[i].type, order[i]);
        const struct oci_namespace *net = oci_config_namespace(cfg, OCI_NS_NETWORK);
        REQUIRE(net);
        CHECK_STR_EQ(net->path, "/var/run/netns/unit");
        CHECK(oci_config_namespace(cfg, OCI_NS_PID)->path == NULL);
        REQUIRE(l->n_uid_mappings == 2 && l->n_gid_mappings == 1);
        CHECK_UINT_EQ(l->uid_mappings[1].container_id, 65536);
        CHECK_UINT_EQ(l->uid_mappings[1].host_id, 300000);
        CHECK_UINT_EQ(l->uid_mappings[1].size, 1);
        CHECK_UINT_EQ(l->gid_mappings[0].size, 65536);
        CHECK(l->time_monotonic.present);
        CHECK_INT_EQ(l->time_monotonic.secs, -3600);
        CHECK_UINT_EQ(l->time_monotonic.nanosecs, 500);
        CHECK(l->time_boottime.present);
        CHECK_INT_EQ(l->time_boottime.secs, 86400);
        CHECK_UINT_EQ(l->time_boottime.nanosecs, 0);
        oci_config_free(cfg);
}

static void full_config_devices(void)
{
        struct oci_config *cfg = load_good("full.json");
        REQUIRE(cfg);
        const struct oci_linux *l = &cfg->linux_;
        REQUIRE(l->n_devices == 4);
        const struct oci_device *d = l->devices;
        CHECK_INT_EQ(d[0].type, 'c');
        CHECK_STR_EQ(d[0].path, "/dev/fuse");
        CHECK_INT_EQ(d[0].major, 10);
        CHECK_INT_EQ(d[0].minor, 229);
        /* 8630, S_IFCHR | 0666 as Podman writes it: the permission bits stay. */
        CHECK(d[0].has_file_mode);
        CHECK_UINT_EQ(d[0].file_mode, 0666);
        CHECK(d[0].has_uid && d[0].has_gid);
        CHECK_UINT_EQ(d[0].uid, 0);
        CHECK_UINT_EQ(d[0].gid, 5);
        CHECK_INT_EQ(d[1].type, 'b');
        CHECK(!d[1].has_file_mode && !d[1].has_uid && !d[1].has_gid);
        CHECK_INT_EQ(d[2].type, 'p');
        CHECK_INT_EQ(d[2].major, -1);
        CHECK_INT_EQ(d[2].minor, -1);
        CHECK_INT_EQ(d[3].type, 'u');
        oci_config_free(cfg);
}

static void full_config_paths_and_labels(void)
{
        struct oci_config *cfg = load_good("full.json");
        REQUIRE(cfg);
        const struct oci_linux *l = &cfg->linux_;
        CHECK_STR_EQ(l->cgroups_path, "/berth-unit/full");
        CHECK_STR_EQ(l->rootfs_propagation, "slave");
        CHECK(l->rootfs_propagation_flags & MS_SLAVE);
        REQUIRE(l->masked_paths && l->readonly_paths);
        CHECK_STR_EQ(l->masked_paths[1], "/sys/firmware");
        CHECK(l->masked_paths[2] == NULL);
        CHECK_STR_EQ(l->readonly_paths[0], "/proc/sys");
        CHECK_STR_EQ(l->mount_label, "system_u:object_r:container_file_t:s0:c1,c2");
        REQUIRE(l->n_sysctl == 2);
        CHECK_STR_EQ(l->sysctl[0].key, "net.ipv4.ip_forward");
        CHECK_STR_EQ(l->sysctl[0].value, "1");
        CHECK_STR_EQ(l->sysctl[1].key, "kernel.msgmax");
        CHECK(l->has_personality);
        CHECK_STR_EQ(l->personality.domain, "LINUX32");
        oci_config_free(cfg);
}

static void full_config_resources(void)
{
        struct oci_config *cfg = load_good("full.json");
        REQUIRE(cfg);
        REQUIRE(cfg->linux_.has_resources);
        const struct oci_resources *r = &cfg->linux_.resources;
        REQUIRE(r->n_devices == 3);
        CHECK(!r->devices[0].allow);
        CHECK_INT_EQ(r->devices[0].type, 'a');
        CHECK_INT_EQ(r->devices[0].major, -1);
        CHECK_STR_EQ(r->devices[0].access, "rwm");
        CHECK(r->devices[1].allow);
        CHECK_INT_EQ(r->devices[1].type, 'c');
        CHECK_INT_EQ(r->devices[1].major, 10);
        CHECK_INT_EQ(r->devices[1].minor, 229);
        CHECK_STR_EQ(r->devices[1].access, "rw"); /* written "wr" */
        CHECK_INT_EQ(r->devices[2].major, -1);
        CHECK_INT_EQ(r->devices[2].minor, -1);
        CHECK_STR_EQ(r->devices[2].access, "m");

        CHECK(r->has_memory);
        const struct oci_memory *m = &r->memory;
        CHECK(m->has_limit);
        CHECK_INT_EQ(m->limit, 536870912);
        CHECK(m->has_reservation);
        CHECK_INT_EQ(m->reservation, 0);
        CHECK(m->has_swap);
        CHECK_INT_EQ(m->swap, -1);
        CHECK(!m->has_kernel);
        CHECK(m->has_kernel_tcp);
        CHECK_INT_EQ(m->kernel_tcp, 1048576);
        CHECK(m->has_swappiness);
        CHECK_UINT_EQ(m->swappiness, 0);
        CHECK(m->has_disable_oom_killer && !m->disable_oom_killer);
        CHECK(!m->has_use_hierarchy);
        CHECK(m->has_check_before_update && m->check_before_update);

        CHECK(r->has_pids);
        CHECK(r->pids.has_limit);
        CHECK_INT_EQ(r->pids.limit, 0);
        oci_config_free(cfg);
}

static void full_config_cpu_and_block_io(void)
{
        struct oci_config *cfg = load_good("full.json");
        REQUIRE(cfg);
        const struct oci_resources *r = &cfg->linux_.resources;
        REQUIRE(r->has_cpu);
        const struct oci_cpu *c = &r->cpu;
        CHECK(c->has_shares && c->has_quota && c->has_burst && c->has_period &&
              c->has_realtime_runtime && c->has_realtime_period && c->has_idle);
        CHECK_UINT_EQ(c->shares, 1024);
        CHECK_INT_EQ(c->quota, 200000);
        CHECK_UINT_EQ(c->burst, 100000);
        CHECK_UINT_EQ(c->period, 100000);
        CHECK_INT_EQ(c->realtime_runtime, 950000);
        CHECK_UINT_EQ(c->realtime_period, 1000000);
        CHECK_STR_EQ(c->cpus, "0-3,7");
        CHECK_STR_EQ(c->mems, "0");
        CHECK_INT_EQ(c->idle, 1);

        REQUIRE(r->has_block_io);
        const struct oci_block_io *b = &r->block_io;
        CHECK(b->has_weight && b->has_leaf_weight);
        CHECK_UINT_EQ(b->weight, 10);
        CHECK_UINT_EQ(b->leaf_weight, 20);
        REQUIRE(b->n_weight_devices == 2);
        CHECK_INT_EQ(b->weight_devices[0].major, 8);
        CHECK(b->weight_devices[0].has_weight);
        CHECK_UINT_EQ(b->weight_devices[0].weight, 500);
        CHECK_UINT_EQ(b->weight_devices[0].leaf_weight, 300);
        CHECK(!b->weight_devices[1].has_weight && b->weight_devices[1].has_leaf_weight);
        CHECK_INT_EQ(b->weight_devices[1].minor, 16);
        REQUIRE(b->throttle_read_bps.n == 1 && b->throttle_write_bps.n == 1 &&
                b->throttle_read_iops.n == 1 && b->throttle_write_iops.n == 2);
        CHECK_UINT_EQ(b->throttle_read_bps.devices[0].rate, 600);
        CHECK_INT_EQ(b->throttle_write_bps.devices[0].minor, 1);
        CHECK_UINT_EQ(b->throttle_write_bps.devices[0].rate, 601);
        CHECK_UINT_EQ(b->throttle_read_iops.devices[0].rate, 602);
        CHECK_UINT_EQ(b->throttle_write_iops.devices[0].rate, 603);
        CHECK_UINT_EQ(b->throttle_write_iops.devices[1].rate, UINT64_MAX);
        oci_config_free(cfg);
}

static void full_config_hugepages_network_rdma_unified(void)
{
        struct oci_config *cfg = load_good("full.json");
        REQUIRE(cfg);
        const struct oci_resources *r = &cfg->linux_.resources;
        REQUIRE(r->n_hugepage_limits == 3);
        CHECK_STR_EQ(r->hugepage_limits[0].page_size, "2MB");
        CHECK_UINT_EQ(r->hugepage_limits[0].page_size_bytes, 2u << 20);
        CHECK_UINT_EQ(r->hugepage_limits[0].limit, 209715200);
        CHECK_UINT_EQ(r->hugepage_limits[1].page_size_bytes, UINT64_C(1) << 30);
        CHECK_UINT_EQ(r->hugepage_limits[1].limit, 0);
        CHECK_UINT_EQ(r->hugepage_limits[2].page_size_bytes, 64u << 10);

        CHECK(r->has_network);
        CHECK(r->network.has_class_id);
        CHECK_UINT_EQ(r->network.class_id, 1048577);
        REQUIRE(r->network.n_priorities == 2);
        CHECK_STR_EQ(r->network.priorities[1].name, "eth1");
        CHECK_UINT_EQ(r->network.priorities[1].priority, 1000);

        REQUIRE(r->n_rdma == 2);
        CHECK_STR_EQ(r->rdma[0].device, "mlx5_1");
        CHECK(r->rdma[0].has_hca_handles && r->rdma[0].has_hca_objects);
        CHECK_UINT_EQ(r->rdma[0].hca_handles, 3);
        CHECK_UINT_EQ(r->rdma[0].hca_objects, 10000);
        CHECK_STR_EQ(r->rdma[1].device, "rxe3");
        CHECK(!r->rdma[1].has_hca_handles && r->rdma[1].has_hca_objects);

        REQUIRE(r->n_unified == 2);
        CHECK_STR_EQ(r->unified[0].key, "io.max");
        CHECK_STR_EQ(r->unified[0].value, "259:0 rbps=2097152 wiops=120");
        CHECK_STR_EQ(r->unified[1].key, "memory.high");
        oci_config_free(cfg);
}

static void full_config_seccomp(void)
{
        struct oci_config *cfg = load_good("full.json");
        REQUIRE(cfg);
        REQUIRE(cfg->linux_.has_seccomp);
        const struct oci_seccomp *s = &cfg->linux_.seccomp;
        CHECK_INT_EQ(s->default_action, OCI_SECCOMP_ACT_ERRNO);
        CHECK(s->has_default_errno_ret);
        CHECK_UINT_EQ(s->default_errno_ret, 1);
        REQUIRE(s->architectures);
        CHECK_STR_EQ(s->architectures[0], "SCMP_ARCH_X86_64");
        CHECK_STR_EQ(s->architectures[2], "SCMP_ARCH_X32");
        CHECK(s->architectures[3] == NULL);
        CHECK_UINT_EQ(s->flag_bits, OCI_SECCOMP_FLAG_LOG | OCI_SECCOMP_FLAG_SPEC_ALLOW);
        CHECK_STR_EQ(s->listener_path, "/run/seccomp-agent.sock");
        CHECK_STR_EQ(s->listener_metadata, "unit");
        REQUIRE(s->n_syscalls == 3);
        CHECK_STR_EQ(s->syscalls[0].names[1], "write");
        CHECK_INT_EQ(s->syscalls[0].action, OCI_SECCOMP_ACT_ALLOW);
        CHECK(!s->syscalls[0].has_errno_ret);
        const struct oci_seccomp_syscall *p = &s->syscalls[1];
        CHECK_INT_EQ(p->action, OCI_SECCOMP_ACT_ERRNO);
        CHECK(p->has_errno_ret);
        CHECK_UINT_EQ(p->errno_ret, 38);
        REQUIRE(p->n_args == 2);
        CHECK_UINT_EQ(p->args[0].index, 0);
        CHECK_UINT_EQ(p->args[0].value, 8);
        CHECK(!p->args[0].has_value_two);
        CHECK_INT_EQ(p->args[0].op, OCI_SECCOMP_CMP_EQ);
        CHECK_UINT_EQ(p->args[1].index, 5);
        CHECK_UINT_EQ(p->args[1].value, UINT64_MAX);
        CHECK(p->args[1].has_value_two);
        CHECK_UINT_EQ(p->args[1].value_two, 4);
        CHECK_INT_EQ(p->args[1].op, OCI_SECCOMP_CMP_MASKED_EQ);
        CHECK_INT_EQ(s->syscalls[2].action, OCI_SECCOMP_ACT_NOTIFY);
        oci_config_free(cfg);
}

static void full_config_rdt_netdevices_memory_policy(void)
{
        struct oci_config *cfg = load_good("full.json");
        REQUIRE(cfg);
        const struct oci_linux *l = &cfg->linux_;
        CHECK(l->has_intel_rdt);
        CHECK_STR_EQ(l->intel_rdt.clos_id, "guaranteed_group");
        CHECK_STR_EQ(l->intel_rdt.l3_cache_schema, "L3:0=7f0;1=1f");
        CHECK_STR_EQ(l->intel_rdt.mem_bw_schema, "MB:0=20;1=70");
        REQUIRE(l->intel_rdt.schemata);
        CHECK_STR_EQ(l->intel_rdt.schemata[0], "L2:0=f;1=f");
        CHECK(l->intel_rdt.enable_monitoring);
        REQUIRE(l->n_net_devices == 2);
        CHECK_STR_EQ(l->net_devices[0].name, "eth1");
        CHECK_STR_EQ(l->net_devices[0].new_name, "ctr_eth1");
        CHECK_STR_EQ(l->net_devices[1].name, "dummy0");
        CHECK(l->net_devices[1].new_name == NULL);
        CHECK(l->has_memory_policy);
        CHECK_STR_EQ(l->memory_policy.mode, "MPOL_INTERLEAVE");
        CHECK_INT_EQ(l->memory_policy.mode_value, OCI_MPOL_INTERLEAVE);
        CHECK_STR_EQ(l->memory_policy.nodes, "0-1");
        CHECK_UINT_EQ(l->memory_policy.flag_bits, OCI_MPOL_F_STATIC_NODES);
        oci_config_free(cfg);
}

/* ---- other valid documents ------------------------------------------------------ */

static void minimal_config_has_no_optional_sections(void)
{
        struct oci_config *cfg = load_good("minimal.json");
        REQUIRE(cfg);
        CHECK_STR_EQ(cfg->oci_version, "1.0.0");
        CHECK(!cfg->has_process && !cfg->has_hooks && !cfg->has_linux);
        CHECK(!cfg->root.readonly);
        CHECK(cfg->hostname == NULL);
        CHECK_UINT_EQ(cfg->n_mounts, 0);
        CHECK_UINT_EQ(cfg->n_annotations, 0);
        CHECK(oci_config_namespace(cfg, OCI_NS_PID) == NULL);
        oci_config_free(cfg);
}

static void null_values_count_as_absent(void)
{
        struct oci_config *cfg = load_good("nulls.json");
        REQUIRE(cfg);
        CHECK(cfg->process.env == NULL);
        CHECK(!cfg->process.user.has_umask);
        CHECK(!cfg->process.has_capabilities);
        CHECK(!cfg->process.has_oom_score_adj);
        CHECK_UINT_EQ(cfg->process.n_rlimits, 0);
        CHECK_UINT_EQ(cfg->n_mounts, 0);
        CHECK_UINT_EQ(cfg->hooks.prestart.n, 0);
        CHECK_UINT_EQ(cfg->hooks.poststop.n, 0);
        REQUIRE(cfg->n_annotations == 0 && cfg->linux_.n_namespaces == 1);
        CHECK(cfg->linux_.namespaces[0].path == NULL);
        CHECK(!cfg->linux_.resources.memory.has_limit);
        CHECK(cfg->linux_.resources.memory.has_swap);
        CHECK(cfg->linux_.resources.has_pids && !cfg->linux_.resources.pids.has_limit);
        oci_config_free(cfg);
}

static const char *const good_versions[] = {
        "1.0.0", "1.0.2-dev", "1.0.0-rc5", "1.1.0", "1.2.1", "1.3.0", "1.3.12+build.1",
};
static const char *const bad_versions[] = {
        "1.4.0", "0.9.0", "2.0.0", "1.3", "1.3.0-", "v1.3.0", "1.03.0", "1.3.01", "", "1.3.x",
};

static void ociversion_range(void)
{
        char doc[256];
        struct berth_error err = { 0 };
        for (size_t i = 0; i < sizeof(good_versions) / sizeof(good_versions[0]); i++) {
                snprintf(doc, sizeof(doc), "{\"ociVersion\": \"%s\", \"root\": {\"path\": \"r\"}}",
                         good_versions[i]);
                struct oci_config *cfg = NULL;
                int r = parse_text(doc, &cfg, &err);
                if (r < 0)
                        printf("#   %s: %s\n", good_versions[i], err.msg);
                CHECK(r == 0);
                oci_config_free(cfg);
        }
        for (size_t i = 0; i < sizeof(bad_versions) / sizeof(bad_versions[0]); i++) {
                snprintf(doc, sizeof(doc), "{\"ociVersion\": \"%s\", \"root\": {\"path\": \"r\"}}",
                         bad_versions[i]);
                struct oci_config *cfg = NULL;
                int r = parse_text(doc, &cfg, &err);
                if (r == 0)
                        printf("#   %s was accepted\n", bad_versions[i]);
                CHECK(r == -EINVAL);
                CHECK_STR_CONTAINS(err.msg, "config.json: /ociVersion: unsupported version");
                oci_config_free(cfg);
        }
}

/* A number too big for jansson becomes a marked string internally; it must
 * not pass where a string is expected. */
static void huge_number_is_not_a_string(void)
{
        struct berth_error err = { 0 };
        struct oci_config *cfg = NULL;
        CHECK(parse_text("{\"ociVersion\": \"1.0.0\", \"root\": {\"path\": \"r\"},"
                         " \"hostname\": 99999999999999999999}",
                         &cfg, &err) == -EINVAL);
        CHECK_STR_EQ(err.msg, "config.json: /hostname: expected a string");
        CHECK(parse_text(
                      "{\"ociVersion\": \"1.0.0\", \"root\": {\"path\": \"r\"},"
                      " \"linux\": {\"resources\": {\"pids\": {\"limit\": -9223372036854775809}}}}",
                      &cfg, &err) == -EINVAL);
        CHECK_STR_EQ(err.msg, "config.json: /linux/resources/pids/limit: expected an integer from "
                              "-1 to 9223372036854775807, got -9223372036854775809");
        CHECK(cfg == NULL);
}

static void load_reads_bundle_config(void)
{
        char dir[] = "/tmp/berth-unit-config-XXXXXX";
        REQUIRE(mkdtemp(dir));
        char path[sizeof(dir) + 32];
        snprintf(path, sizeof(path), "%s/config.json", dir);
        FILE *f = fopen(path, "we");
        REQUIRE(f);
        fputs("{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"rootfs\"}, \"hostname\": \"\"}\n",
              f);
        fclose(f);
        struct berth_error err = { 0 };
        struct oci_config *cfg = NULL;
        CHECK(oci_config_load(dir, &cfg, &err) == 0);
        if (cfg)
                CHECK_STR_EQ(cfg->oci_version, "1.2.0");
        oci_config_free(cfg);
        unlink(path);
        rmdir(dir);

        cfg = NULL;
        CHECK(oci_config_load("/nonexistent-berth-unit", &cfg, &err) == -ENOENT);
        CHECK_STR_EQ(err.msg, "config.json: open /nonexistent-berth-unit/config.json: No such file "
                              "or directory");
        CHECK(cfg == NULL);
}

static void namespace_names_round_trip(void)
{
        static const char *const names[OCI_NS_COUNT] = {
                "pid", "network", "mount", "ipc", "uts", "user", "cgroup", "time",
        };
        for (int t = 0; t < OCI_NS_COUNT; t++)
                CHECK_STR_EQ(oci_namespace_type_name(t), names[t]);
        CHECK_STR_EQ(oci_namespace_type_name(OCI_NS_COUNT), "unknown");
}

/* ---- berth spec and berth features ----------------------------------------------- */

static void default_spec_parses(void)
{
        struct berth_error err = { 0 };
        char *json = NULL;
        REQUIRE(oci_spec_default(false, &json, &err) == 0);
        struct oci_config *cfg = NULL;
        int r = parse_text(json, &cfg, &err);
        if (r < 0)
                printf("#   %s\n", err.msg);
        free(json);
        REQUIRE(r == 0);
        CHECK_STR_EQ(cfg->oci_version, "1.3.0");
        CHECK(cfg->process.terminal);
        CHECK_STR_EQ(cfg->process.args[0], "sh");
        CHECK(cfg->process.args[1] == NULL);
        CHECK_STR_EQ(cfg->root.path, "rootfs");
        CHECK(cfg->root.readonly);
        CHECK(oci_config_namespace(cfg, OCI_NS_NETWORK) != NULL);
        CHECK(oci_config_namespace(cfg, OCI_NS_USER) == NULL);
        CHECK(cfg->linux_.has_resources && cfg->linux_.resources.n_devices == 1);
        CHECK(cfg->n_mounts == 7);
        CHECK_UINT_EQ(cfg->process.capabilities.bounding,
                      CAP(CAP_AUDIT_WRITE) | CAP(CAP_KILL) | CAP(CAP_NET_BIND_SERVICE));
        CHECK(cfg->linux_.masked_paths && cfg->linux_.readonly_paths);
        oci_config_free(cfg);
}

static void rootless_spec_maps_the_caller(void)
{
        struct berth_error err = { 0 };
        char *json = NULL;
        REQUIRE(oci_spec_default(true, &json, &err) == 0);
        struct oci_config *cfg = NULL;
        int r = parse_text(json, &cfg, &err);
        if (r < 0)
                printf("#   %s\n", err.msg);
        free(json);
        REQUIRE(r == 0);
        CHECK(oci_config_namespace(cfg, OCI_NS_USER) != NULL);
        CHECK(oci_config_namespace(cfg, OCI_NS_NETWORK) == NULL);
        CHECK(!cfg->linux_.has_resources);
        REQUIRE(cfg->linux_.n_uid_mappings == 1 && cfg->linux_.n_gid_mappings == 1);
        CHECK_UINT_EQ(cfg->linux_.uid_mappings[0].host_id, geteuid());
        CHECK_UINT_EQ(cfg->linux_.gid_mappings[0].host_id, getegid());
        CHECK_UINT_EQ(cfg->linux_.uid_mappings[0].size, 1);
        for (size_t i = 0; i < cfg->n_mounts; i++) {
                if (strcmp(cfg->mounts[i].destination, "/sys") == 0)
                        CHECK(cfg->mounts[i].parsed.recursive_bind);
                if (strcmp(cfg->mounts[i].destination, "/dev/pts") == 0)
                        CHECK(!strstr(cfg->mounts[i].parsed.data ? cfg->mounts[i].parsed.data : "",
                                      "gid=5"));
        }
        oci_config_free(cfg);
}

static void features_document(void)
{
        struct berth_error err = { 0 };
        char *text = NULL;
        REQUIRE(oci_features_emit(&text, &err) == 0);
        json_error_t jerr;
        json_t *f = json_loads(text, 0, &jerr);
        free(text);
        REQUIRE(f);
        CHECK_STR_EQ(json_string_value(json_object_get(f, "ociVersionMin")), "1.0.0");
        CHECK_STR_EQ(json_string_value(json_object_get(f, "ociVersionMax")), "1.3.0");
        CHECK_UINT_EQ(json_array_size(json_object_get(f, "hooks")), 6);
        json_t *linux_ = json_object_get(f, "linux");
        CHECK_UINT_EQ(json_array_size(json_object_get(linux_, "namespaces")), 8);
        json_t *caps = json_object_get(linux_, "capabilities");
        CHECK(json_array_size(caps) > CAP_SYS_ADMIN);
        /* Every capability the features document names is one the parser takes. */
        size_t i;
        json_t *v;
        json_array_foreach(caps, i, v) {
                cap_value_t cap;
                CHECK(cap_from_name(json_string_value(v), &cap) == 0);
        }
        CHECK(json_is_true(json_object_get(json_object_get(linux_, "cgroup"), "v2")));
        CHECK(json_is_false(json_object_get(json_object_get(linux_, "cgroup"), "v1")));
        CHECK(json_is_true(json_object_get(json_object_get(linux_, "cgroup"), "systemd")));
        CHECK(json_is_false(json_object_get(json_object_get(linux_, "cgroup"), "systemdUser")));
        CHECK(json_is_true(json_object_get(json_object_get(linux_, "cgroup"), "rdma")));
        CHECK(json_is_true(json_object_get(json_object_get(linux_, "seccomp"), "enabled")));
        /* ... and every mount option one mount_options_parse() acts on,
         * not one it passes on as filesystem data. */
        json_array_foreach(json_object_get(f, "mountOptions"), i, v) {
                char *opts[] = { (char *) json_string_value(v), NULL };
                struct mount_options mo = { 0 };
                int r = mount_options_parse(opts, &mo, &err);
                CHECK(r == 0);
                if (mo.data && *mo.data)
                        printf("#   %s became fs data\n", opts[0]);
                CHECK(!mo.data || !*mo.data);
                mount_options_release(&mo);
        }
        json_decref(f);
}

/* ---- rejected documents ----------------------------------------------------------- */

struct bad_case {
        const char *file; /* tests/unit/configs/bad/<file>.json */
        const char *error;
};

static const struct bad_case bad_cases[] = {
        { "top-level-array", "config.json: expected a JSON object at the top level" },
        { "version-missing", "config.json: /ociVersion: required property is missing" },
        { "version-number", "config.json: /ociVersion: expected a string" },
        { "version-2",
          "config.json: /ociVersion: unsupported version \"2.0.0\" (berth reads 1.0.0 to 1.3.x)" },
        { "version-1.4",
          "config.json: /ociVersion: unsupported version \"1.4.0\" (berth reads 1.0.0 to 1.3.x)" },
        { "version-no-patch",
          "config.json: /ociVersion: unsupported version \"1.0\" (berth reads 1.0.0 to 1.3.x)" },
        { "root-missing", "config.json: /root: required property is missing" },
        { "root-path-number", "config.json: /root/path: expected a string" },
        { "root-readonly-string", "config.json: /root/readonly: expected a boolean" },
        { "hostname-number", "config.json: /hostname: expected a string" },
        { "hostname-without-uts",
          "config.json: /hostname: setting the hostname needs a uts namespace in /linux/namespaces" },
        { "domainname-without-uts",
          "config.json: /domainname: setting the domainname needs a uts namespace in /linux/namespaces" },
        { "annotation-value-number",
          "config.json: /annotations/com.example.count: expected a string" },
        { "annotation-key-escaped", "config.json: /annotations/a~1b~0c: expected a string" },
        { "annotation-key-empty", "config.json: /annotations/: annotation keys must not be empty" },
        { "linux-array", "config.json: /linux: expected an object" },
        { "process-string", "config.json: /process: expected an object" },
        { "terminal-string", "config.json: /process/terminal: expected a boolean" },
        { "console-size-no-width",
          "config.json: /process/consoleSize/width: required property is missing" },
        { "args-string", "config.json: /process/args: expected an array of strings" },
        { "args-mixed", "config.json: /process/args: expected an array of strings" },
        { "args-empty", "config.json: /process/args: must contain at least one entry" },
        { "args-missing", "config.json: /process/args: required property is missing" },
        { "cwd-missing", "config.json: /process/cwd: required property is missing" },
        { "cwd-relative", "config.json: /process/cwd: must be an absolute path, got \"srv\"" },
        { "env-object", "config.json: /process/env: expected an array of strings" },
        { "uid-negative",
          "config.json: /process/user/uid: expected an integer from 0 to 4294967295, got -1" },
        { "gid-too-big",
          "config.json: /process/user/gid: expected an integer from 0 to 4294967295, got 4294967296" },
        { "uid-missing", "config.json: /process/user/uid: required property is missing" },
        { "uid-float", "config.json: /process/user/uid: expected an integer" },
        { "umask-too-big",
          "config.json: /process/user/umask: expected a umask from 0 to 511 (0777), got 512" },
        { "additional-gid-string",
          "config.json: /process/user/additionalGids/1: expected an integer" },
        { "rlimit-unknown", "config.json: /process/rlimits/0/type: unknown rlimit \"RLIMIT_FOO\"" },
        { "rlimit-duplicate",
          "config.json: /process/rlimits/2/type: duplicate rlimit RLIMIT_NOFILE (also at /process/rlimits/0)" },
        { "rlimit-no-soft", "config.json: /process/rlimits/0/soft: required property is missing" },
        { "rlimit-soft-above-hard",
          "config.json: /process/rlimits/0/soft: soft limit 2048 is above the hard limit 1024" },
        { "rlimit-negative",
          "config.json: /process/rlimits/0/hard: expected an integer from 0 to 18446744073709551615, got -1" },
        { "capability-set-string",
          "config.json: /process/capabilities/effective: expected an array" },
        { "oom-score-adj-range",
          "config.json: /process/oomScoreAdj: expected an integer from -1000 to 1000, got 1001" },
        { "scheduler-policy",
          "config.json: /process/scheduler/policy: unknown scheduling policy \"SCHED_FAST\"" },
        { "scheduler-nice",
          "config.json: /process/scheduler/nice: expected a nice value from -20 to 19, got 20" },
        { "scheduler-flag",
          "config.json: /process/scheduler/flags/0: unknown scheduler flag \"SCHED_FLAG_FAST\"" },
        { "io-priority-range",
          "config.json: /process/ioPriority/priority: expected an integer from 0 to 7, got 8" },
        { "io-priority-class",
          "config.json: /process/ioPriority/class: unknown I/O priority class \"IOPRIO_CLASS_FAST\"" },
        { "exec-cpu-affinity",
          "config.json: /process/execCPUAffinity/final: expected a CPU list such as \"0-3,7\", got \"all\"" },
        { "mounts-object", "config.json: /mounts: expected an array" },
        { "mount-destination-missing",
          "config.json: /mounts/0/destination: required property is missing" },
        { "mount-destination-relative",
          "config.json: /mounts/1/destination: must be an absolute path, got \"data\"" },
        { "mount-options-string", "config.json: /mounts/0/options: expected an array of strings" },
        { "mount-uid-without-gid",
          "config.json: /mounts/0/uidMappings: must be given together with gidMappings" },
        { "mount-idmap-without-userns",
          "config.json: /mounts/0/options: an idmap mount needs uidMappings/gidMappings or a user namespace" },
        { "hook-relative-path",
          "config.json: /hooks/poststart/0/path: must be an absolute path, got \"notify\"" },
        { "hook-missing-path",
          "config.json: /hooks/createRuntime/1/path: required property is missing" },
        { "hook-timeout-zero",
          "config.json: /hooks/prestart/0/timeout: expected an integer from 1 to 2147483647, got 0" },
        { "hook-list-object", "config.json: /hooks/poststop: expected an array" },
        { "namespace-duplicate",
          "config.json: /linux/namespaces/3/type: duplicate namespace type \"pid\" (also at /linux/namespaces/0)" },
        { "namespace-unknown",
          "config.json: /linux/namespaces/2/type: unknown namespace type \"foo\"" },
        { "namespace-missing-type",
          "config.json: /linux/namespaces/1/type: required property is missing" },
        { "namespace-relative-path",
          "config.json: /linux/namespaces/0/path: must be an absolute path, got \"proc/1/ns/pid\"" },
        { "uid-mappings-without-userns",
          "config.json: /linux/uidMappings: id mappings need a user namespace in /linux/namespaces" },
        { "mapping-missing-size",
          "config.json: /linux/gidMappings/0/size: required property is missing" },
        { "mapping-size-zero", "config.json: /linux/uidMappings/0/size: must be at least 1" },
        { "mapping-overlap-container",
          "config.json: /linux/uidMappings/1: containerID range 5-14 overlaps entry 0's (0-9)" },
        { "mapping-overlap-host",
          "config.json: /linux/gidMappings/1: hostID range 100009-100009 overlaps entry 0's (100000-100009)" },
        { "mapping-too-many",
          "config.json: /linux/uidMappings: at most 340 ranges (the kernel's limit), got 341" },
        { "mount-idmap-not-bind",
          "config.json: /mounts/0: an idmapped mount must be a bind mount (\"bind\" or \"rbind\")" },
        { "time-offsets-without-timens",
          "config.json: /linux/timeOffsets: clock offsets need a time namespace in /linux/namespaces" },
        { "time-offsets-unknown-clock",
          "config.json: /linux/timeOffsets/realtime: unknown clock \"realtime\" (expected monotonic or boottime)" },
        { "time-offsets-nanosecs",
          "config.json: /linux/timeOffsets/boottime/nanosecs: expected an integer from 0 to 999999999, got 1000000000" },
        { "device-type",
          "config.json: /linux/devices/0/type: unknown device type \"x\" (expected c, b, u or p)" },
        { "device-missing-major",
          "config.json: /linux/devices/1/major: required property is missing" },
        { "device-negative-minor",
          "config.json: /linux/devices/0/minor: expected an integer from 0 to 4294967295, got -1" },
        { "device-relative-path",
          "config.json: /linux/devices/0/path: must be an absolute path, got \"dev/fuse\"" },
        { "device-file-mode",
          "config.json: /linux/devices/0/fileMode: expected permission bits (07777), optionally with file type bits (0170000)" },
        { "memory-limit-below-minus-one",
          "config.json: /linux/resources/memory/limit: expected an integer from -1 to 9223372036854775807, got -2" },
        { "memory-limit-too-big",
          "config.json: /linux/resources/memory/limit: expected an integer from -1 to 9223372036854775807, got 9223372036854775808" },
        { "memory-swappiness",
          "config.json: /linux/resources/memory/swappiness: expected an integer from 0 to 100, got 101" },
        { "pids-limit-string", "config.json: /linux/resources/pids/limit: expected an integer" },
        { "cpu-burst-above-quota",
          "config.json: /linux/resources/cpu/burst: 300000 is larger than quota 200000" },
        { "cpu-cpus",
          "config.json: /linux/resources/cpu/cpus: expected a list such as \"0-3,7\", got \"0;1\"" },
        { "blkio-weight-device-empty",
          "config.json: /linux/resources/blockIO/weightDevice/0: needs weight or leafWeight" },
        { "blkio-weight-too-big",
          "config.json: /linux/resources/blockIO/weight: expected an integer from 0 to 65535, got 70000" },
        { "blkio-throttle-no-rate",
          "config.json: /linux/resources/blockIO/throttleWriteIOPSDevice/0/rate: required property is missing" },
        { "hugepage-size",
          "config.json: /linux/resources/hugepageLimits/0/pageSize: expected a size such as \"2MB\" or \"1GB\", got \"2M\"" },
        { "rdma-empty-entry",
          "config.json: /linux/resources/rdma/mlx4_0: needs hcaHandles or hcaObjects" },
        { "unified-key-path",
          "config.json: /linux/resources/unified/..~1..~1etc~1passwd: must name a file in the container's cgroup" },
        { "device-rule-access",
          "config.json: /linux/resources/devices/0/access: expected a combination of r, w and m, got \"rwx\"" },
        { "device-rule-no-allow",
          "config.json: /linux/resources/devices/1/allow: required property is missing" },
        { "network-class-id-negative",
          "config.json: /linux/resources/network/classID: expected an integer from 0 to 4294967295, got -5" },
        { "seccomp-no-default-action",
          "config.json: /linux/seccomp/defaultAction: required property is missing" },
        { "seccomp-unknown-action",
          "config.json: /linux/seccomp/syscalls/0/action: unknown seccomp action \"SCMP_ACT_MAYBE\"" },
        { "seccomp-errno-with-allow",
          "config.json: /linux/seccomp/defaultErrnoRet: only SCMP_ACT_ERRNO and SCMP_ACT_TRACE take an errno" },
        { "seccomp-empty-names",
          "config.json: /linux/seccomp/syscalls/1/names: must contain at least one entry" },
        { "seccomp-arg-index",
          "config.json: /linux/seccomp/syscalls/0/args/0/index: expected an integer from 0 to 5, got 6" },
        { "seccomp-arg-op",
          "config.json: /linux/seccomp/syscalls/0/args/0/op: unknown seccomp operator \"SCMP_CMP_LIKE\"" },
        { "seccomp-unknown-arch",
          "config.json: /linux/seccomp/architectures/1: unknown seccomp architecture \"SCMP_ARCH_Z80\"" },
        { "seccomp-unknown-flag",
          "config.json: /linux/seccomp/flags/0: unknown seccomp flag \"SECCOMP_FILTER_FLAG_FAST\"" },
        { "seccomp-metadata-without-path",
          "config.json: /linux/seccomp/listenerMetadata: must not be set without listenerPath" },
        { "rootfs-propagation",
          "config.json: /linux/rootfsPropagation: unknown propagation \"sideways\" (expected shared, slave, private or unbindable)" },
        { "masked-path-relative",
          "config.json: /linux/maskedPaths/1: must be an absolute path, got \"proc/kcore\"" },
        { "readonly-paths-string",
          "config.json: /linux/readonlyPaths: expected an array of strings" },
        { "sysctl-value-number",
          "config.json: /linux/sysctl/net.ipv4.ip_forward: expected a string" },
        { "personality-domain",
          "config.json: /linux/personality/domain: unknown personality domain \"LINUX64\" (expected LINUX or LINUX32)" },
        { "personality-flag",
          "config.json: /linux/personality/flags/0: unsupported personality flag \"ADDR_NO_RANDOMIZE\"" },
        { "intelrdt-membw",
          "config.json: /linux/intelRdt/memBwSchema: must start with \"MB:\" and be one line, got \"L3:0=1\"" },
        { "intelrdt-closid",
          "config.json: /linux/intelRdt/closID: must be \"/\" or a plain directory name, got \"../x\"" },
        { "netdevices-without-netns",
          "config.json: /linux/netDevices: moving network devices needs a network namespace in /linux/namespaces" },
        { "netdevice-bad-name",
          "config.json: /linux/netDevices/eth1/name: \"a/b\" is not a valid interface name" },
        { "memory-policy-mode",
          "config.json: /linux/memoryPolicy/mode: unknown memory policy mode \"MPOL_RANDOM\"" },
        { "memory-policy-bind-without-nodes",
          "config.json: /linux/memoryPolicy/nodes: MPOL_BIND needs at least one node" },
        { "memory-policy-missing-mode",
          "config.json: /linux/memoryPolicy/mode: required property is missing" },
        { "syntax-error", "config.json: line 3, column 32: *" },
        { "syntax-truncated", "config.json: line 4, column 0: *" },
        { "syntax-after-big-number", "config.json: line 9, column 23: *" },
};

#define N_BAD (sizeof(bad_cases) / sizeof(bad_cases[0]))

static const struct bad_case *current_bad;

static void bad_config_is_rejected(void)
{
        char name[256];
        snprintf(name, sizeof(name), "%s.json", current_bad->file);
        char *path = config_path("bad", name);
        size_t len;
        char *data = unit_read_file(path, &len);
        free(path);
        REQUIRE(data);
        struct berth_error err = { 0 };
        struct oci_config *cfg = NULL;
        int r = oci_config_parse_data(data, len, "config.json", &cfg, &err);
        free(data);
        CHECK(r == -EINVAL);
        CHECK(cfg == NULL);
        oci_config_free(cfg);
        size_t n = strlen(current_bad->error);
        if (n && current_bad->error[n - 1] == '*') {
                if (strncmp(err.msg, current_bad->error, n - 1) != 0)
                        CHECK_STR_EQ(err.msg, current_bad->error);
        } else {
                CHECK_STR_EQ(err.msg, current_bad->error);
        }
}

/* A file in bad/ without an expected message would test nothing. */
static void every_bad_config_has_an_expected_error(void)
{
        char *dir_path = config_path("bad", "");
        DIR *dir = opendir(dir_path);
        free(dir_path);
        REQUIRE(dir);
        struct dirent *de;
        size_t files = 0;
        while ((de = readdir(dir))) {
                size_t n = strlen(de->d_name);
                if (n < 6 || strcmp(de->d_name + n - 5, ".json") != 0)
                        continue;
                files++;
                bool found = false;
                for (size_t i = 0; i < N_BAD; i++)
                        if (strlen(bad_cases[i].file) == n - 5 &&
                            strncmp(bad_cases[i].file, de->d_name, n - 5) == 0)
                                found = true;
                if (!found)
                        printf("#   bad/%s has no entry in bad_cases[]\n", de->d_name);
                CHECK(found);
        }
        closedir(dir);
        CHECK_UINT_EQ(files, N_BAD);
}

/* The spec: capabilities that cannot be mapped to the kernel MUST be logged
 * as a warning, and runtimes SHOULD NOT fail on them. */
static void unknown_capabilities_are_ignored(void)
{
        struct oci_config *cfg = load_good("capability-unknown.json");
        REQUIRE(cfg);
        CHECK(cfg->process.has_capabilities);
        CHECK(cfg->process.capabilities.bounding == CAP(CAP_KILL));
        oci_config_free(cfg);
        cfg = load_good("capability-lowercase.json");
        REQUIRE(cfg);
        CHECK(cfg->process.capabilities.ambient == 0);
        oci_config_free(cfg);
}

int main(void)
{
        UNIT_RUN(full_config_top_level);
        UNIT_RUN(full_config_process);
        UNIT_RUN(full_config_rlimits);
        UNIT_RUN(full_config_capabilities);
        UNIT_RUN(unknown_capabilities_are_ignored);
        UNIT_RUN(full_config_scheduling);
        UNIT_RUN(full_config_mounts);
        UNIT_RUN(full_config_hooks);
        UNIT_RUN(full_config_namespaces);
        UNIT_RUN(full_config_devices);
        UNIT_RUN(full_config_paths_and_labels);
        UNIT_RUN(full_config_resources);
        UNIT_RUN(full_config_cpu_and_block_io);
        UNIT_RUN(full_config_hugepages_network_rdma_unified);
        UNIT_RUN(full_config_seccomp);
        UNIT_RUN(full_config_rdt_netdevices_memory_policy);
        UNIT_RUN(minimal_config_has_no_optional_sections);
        UNIT_RUN(null_values_count_as_absent);
        UNIT_RUN(ociversion_range);
        UNIT_RUN(huge_number_is_not_a_string);
        UNIT_RUN(load_reads_bundle_config);
        UNIT_RUN(namespace_names_round_trip);
        UNIT_RUN(default_spec_parses);
        UNIT_RUN(rootless_spec_maps_the_caller);
        UNIT_RUN(features_document);
        UNIT_RUN(every_bad_config_has_an_expected_error);
        for (size_t i = 0; i < N_BAD; i++) {
                char name[128];
                snprintf(name, sizeof(name), "bad/%s.json is rejected", bad_cases[i].file);
                current_bad = &bad_cases[i];
                UNIT_RUN_NAMED(name, bad_config_is_rejected);
        }
        return unit_done();
}
