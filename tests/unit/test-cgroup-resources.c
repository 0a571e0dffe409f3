/* linux.resources in, cgroup v2 files out: each row is a resources object
 * and the files, in order, that berth writes for it.  The expected values
 * are what runc 1.1 writes for the same config (its fs2 driver and
 * specconv conversions); a row that berth refuses gives the exact error. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroups/resources.h"
#include "common/util.h"
#include "tests/unit/unit.h"

struct row {
        const char *resources;   /* the JSON of linux.resources */
        bool bfq;                /* the group has io.bfq.weight */
        const char *files;       /* "file=value" lines joined by '\n', or NULL for an error */
        const char *error;       /* the exact message when files is NULL */
};

static const struct row rows[] = {
        /* memory */
        { "{\"memory\":{\"limit\":67108864}}", false, "memory.max=67108864", NULL },
        { "{\"memory\":{\"limit\":67108864,\"swap\":134217728}}", false,
          "memory.swap.max=67108864\nmemory.max=67108864", NULL },
        { "{\"memory\":{\"limit\":67108864,\"swap\":67108864}}", false, "memory.swap.max=0\nmemory.max=67108864",
          NULL },
        { "{\"memory\":{\"limit\":-1}}", false, "memory.swap.max=max\nmemory.max=max", NULL },
        { "{\"memory\":{\"limit\":67108864,\"swap\":-1}}", false, "memory.swap.max=max\nmemory.max=67108864",
          NULL },
        { "{\"memory\":{\"reservation\":33554432}}", false, "memory.low=33554432", NULL },
        { "{\"memory\":{\"limit\":0,\"swap\":0}}", false, "", NULL },
        { "{\"memory\":{\"limit\":1048576,\"kernel\":1048576,\"kernelTCP\":1048576,\"useHierarchy\":true,"
          "\"disableOOMKiller\":false}}", false, "memory.max=1048576", NULL },
        { "{\"memory\":{\"swap\":134217728}}", false, NULL,
          "config.json: /linux/resources/memory/swap: a swap limit needs a memory limit (memory/limit)" },
        { "{\"memory\":{\"limit\":134217728,\"swap\":67108864}}", false, NULL,
          "config.json: /linux/resources/memory/swap: 67108864 is below the memory limit 134217728: swap is "
          "memory plus swap, so it must be at least the limit" },
        { "{\"memory\":{\"swappiness\":10}}", false, NULL,
          "config.json: /linux/resources/memory/swappiness: cgroup v2 has no per-group swappiness "
          "(memory.swappiness is cgroup v1 only)" },
        { "{\"memory\":{\"disableOOMKiller\":true}}", false, NULL,
          "config.json: /linux/resources/memory/disableOOMKiller: cgroup v2 cannot turn the OOM killer off for "
          "a group (memory.oom_control is cgroup v1 only)" },
        /* cpu */
        { "{\"cpu\":{\"shares\":1024}}", false, "cpu.weight=39", NULL },
        { "{\"cpu\":{\"shares\":3072}}", false, "cpu.weight=118", NULL },
        { "{\"cpu\":{\"shares\":2}}", false, "cpu.weight=1", NULL },
        { "{\"cpu\":{\"shares\":262144}}", false, "cpu.weight=10000", NULL },
        { "{\"cpu\":{\"shares\":0}}", false, "", NULL },
        { "{\"cpu\":{\"quota\":50000,\"period\":100000}}", false, "cpu.max=50000 100000", NULL },
        { "{\"cpu\":{\"quota\":50000}}", false, "cpu.max=50000", NULL },
        { "{\"cpu\":{\"period\":250000}}", false, "cpu.max=max 250000", NULL },
        { "{\"cpu\":{\"quota\":-1,\"period\":100000}}", false, "cpu.max=max 100000", NULL },
        { "{\"cpu\":{\"quota\":20000,\"period\":100000,\"burst\":10000}}", false,
          "cpu.max=20000 100000\ncpu.max.burst=10000", NULL },
        { "{\"cpu\":{\"cpus\":\"0-1\",\"mems\":\"0\",\"idle\":1}}", false,
          "cpu.idle=1\ncpuset.cpus=0-1\ncpuset.mems=0", NULL },
        { "{\"cpu\":{\"shares\":1}}", false, NULL, "config.json: /linux/resources/cpu/shares: 1 is outside 2..262144" },
        { "{\"cpu\":{\"realtimeRuntime\":950000}}", false, NULL,
          "config.json: /linux/resources/cpu/realtimeRuntime: cgroup v2 has no real-time CPU bandwidth for groups "
          "(cpu.rt_* is cgroup v1 only)" },
        { "{\"cpu\":{\"realtimeRuntime\":0,\"realtimePeriod\":0}}", false, "", NULL },
        /* pids */
        { "{\"pids\":{\"limit\":20}}", false, "pids.max=20", NULL },
        { "{\"pids\":{\"limit\":-1}}", false, "pids.max=max", NULL },
        { "{\"pids\":{\"limit\":0}}", false, "pids.max=max", NULL },
        /* block IO */
        { "{\"blockIO\":{\"weight\":500}}", false, "io.weight=4950", NULL },
        { "{\"blockIO\":{\"weight\":10}}", false, "io.weight=1", NULL },
        { "{\"blockIO\":{\"weight\":1000}}", false, "io.weight=10000", NULL },
        { "{\"blockIO\":{\"weight\":500}}", true, "io.bfq.weight=500", NULL },
        { "{\"blockIO\":{\"weightDevice\":[{\"major\":8,\"minor\":0,\"weight\":300}]}}", true,
          "io.bfq.weight=8:0 300", NULL },
        /* Without BFQ runc 1.1 drops per-device weights; berth uses
         * io.weight's per-device form, as crun does. */
        { "{\"blockIO\":{\"weightDevice\":[{\"major\":8,\"minor\":0,\"weight\":300}]}}", false,
          "io.weight=8:0 2930", NULL },
        { "{\"blockIO\":{\"throttleReadBpsDevice\":[{\"major\":8,\"minor\":0,\"rate\":1048576}],"
          "\"throttleWriteBpsDevice\":[{\"major\":8,\"minor\":16,\"rate\":2097152}],"
          "\"throttleReadIOPSDevice\":[{\"major\":8,\"minor\":0,\"rate\":100}],"
          "\"throttleWriteIOPSDevice\":[{\"major\":8,\"minor\":0,\"rate\":50}]}}", false,
          "io.max=8:0 rbps=1048576\nio.max=8:16 wbps=2097152\nio.max=8:0 riops=100\nio.max=8:0 wiops=50", NULL },
        { "{\"blockIO\":{\"weight\":5}}", false, NULL, "config.json: /linux/resources/blockIO/weight: 5 is outside 10..1000" },
        { "{\"blockIO\":{\"leafWeight\":300}}", false, NULL,
          "config.json: /linux/resources/blockIO/leafWeight: leafWeight is cgroup v1 only" },
        /* hugetlb, rdma, network */
        { "{\"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":4194304},{\"pageSize\":\"1GB\",\"limit\":0}]}", false,
          "hugetlb.2MB.max=4194304\nhugetlb.1GB.max=0", NULL },
        { "{\"rdma\":{\"mlx5_1\":{\"hcaHandles\":3,\"hcaObjects\":10000}}}", false,
          "rdma.max=mlx5_1 hca_handle=3 hca_object=10000", NULL },
        { "{\"rdma\":{\"mlx4_0\":{\"hcaObjects\":1000}}}", false, "rdma.max=mlx4_0 hca_object=1000", NULL },
        { "{\"network\":{\"classID\":1048577}}", false, NULL,
          "config.json: /linux/resources/network: net_cls and net_prio are cgroup v1 controllers; cgroup v2 has "
          "neither (classify traffic with a BPF program or nftables' socket cgroupv2 match instead)" },
        /* unified comes last and overrides */
        { "{\"memory\":{\"limit\":67108864},\"unified\":{\"memory.high\":\"50M\",\"memory.max\":\"100M\"}}", false,
          "memory.max=67108864\nmemory.high=50M\nmemory.max=100M", NULL },
        /* the order runc writes in: pids, memory, io, cpu, cpuset, hugetlb */
        { "{\"cpu\":{\"shares\":512,\"cpus\":\"0\"},\"pids\":{\"limit\":100},\"memory\":{\"limit\":1048576},"
          "\"blockIO\":{\"weight\":100},\"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":0}]}", false,
          "pids.max=100\nmemory.max=1048576\nio.weight=910\ncpu.weight=20\ncpuset.cpus=0\nhugetlb.2MB.max=0", NULL },
};

static char *render(const struct cgroup_writes *w)
{
        char *out = xstrdup("");
        for (size_t i = 0; i < w->n; i++) {
                char *more = xasprintf("%s%s%s=%s", out, i ? "\n" : "", w->w[i].file, w->w[i].value);
                free(out);
                out = more;
        }
        return out;
}

static void check_row(size_t i)
{
        const struct row *row = &rows[i];
        char *json = xasprintf("{\"ociVersion\":\"1.3.0\",\"root\":{\"path\":\"rootfs\"},"
                               "\"linux\":{\"resources\":%s}}",
                               row->resources);
        struct berth_error err = { 0 };
        struct oci_config *cfg = NULL;
        if (oci_config_parse_data(json, strlen(json), "config.json", &cfg, &err) < 0) {
                FAIL("row %zu: does not parse: %s", i, err.msg);
                free(json);
                return;
        }
        struct cgroup_probe probe = { .io_bfq = row->bfq };
        struct cgroup_writes w = { 0 };
        int r = cgroup_resources_plan(&cfg->linux_.resources, &probe, NULL, &w, &err);
        if (row->files) {
                if (r < 0) {
                        FAIL("row %zu (%s): %s", i, row->resources, err.msg);
                } else {
                        char *got = render(&w);
                        if (strcmp(got, row->files) != 0)
                                FAIL("row %zu (%s):\n#     got      %s\n#     expected %s", i, row->resources, got,
                                     row->files);
                        free(got);
                }
        } else if (r >= 0) {
                FAIL("row %zu (%s): accepted, expected: %s", i, row->resources, row->error);
        } else {
                CHECK_STR_EQ(err.msg, row->error);
        }
        cgroup_writes_release(&w);
        oci_config_free(cfg);
        free(json);
}

static void resources_to_files(void)
{
        for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
                check_row(i);
}

static void file_controllers(void)
{
        char buf[32];
        CHECK_STR_EQ(cgroup_file_controller("memory.max", buf, sizeof(buf)), "memory");
        CHECK_STR_EQ(cgroup_file_controller("cpu.max.burst", buf, sizeof(buf)), "cpu");
        CHECK_STR_EQ(cgroup_file_controller("hugetlb.2MB.max", buf, sizeof(buf)), "hugetlb");
        CHECK(cgroup_file_controller("cgroup.max.depth", buf, sizeof(buf)) == NULL);
}

static void drop_unlimited_for_missing_controllers(void)
{
        struct cgroup_writes w = { 0 };
        struct oci_resources r = { .has_pids = true, .pids = { .has_limit = true, .limit = 0 },
                                   .has_memory = true, .memory = { .has_limit = true, .limit = 1048576 } };
        struct cgroup_probe probe = { 0 };
        struct berth_error err = { 0 };
        REQUIRE(cgroup_resources_plan(&r, &probe, NULL, &w, &err) == 0);
        cgroup_writes_drop_unlimited(&w, "cpuset cpu io memory hugetlb");
        /* pids "max" without a pids controller is what a new group has:
         * dropped; a real memory limit stays (and will fail loudly). */
        REQUIRE(w.n == 1);
        CHECK_STR_EQ(w.w[0].file, "memory.max");
        cgroup_writes_release(&w);
}

/* update names places after its own input, not config.json. */
static void places_named_after_the_origin(void)
{
        struct oci_resources r = { .has_memory = true,
                                   .memory = { .has_limit = true, .limit = 1048576, .has_swappiness = true } };
        struct cgroup_probe probe = { 0 };
        struct cgroup_writes w = { 0 };
        struct berth_error err = { 0 };
        CHECK(cgroup_resources_plan(&r, &probe, "resources.json: ", &w, &err) < 0);
        CHECK_STR_EQ(err.msg, "resources.json: /memory/swappiness: cgroup v2 has no per-group swappiness "
                              "(memory.swappiness is cgroup v1 only)");
        r.memory.has_swappiness = false;
        berth_error_clear(&err);
        REQUIRE(cgroup_resources_plan(&r, &probe, "update: ", &w, &err) == 0);
        REQUIRE(w.n == 1);
        CHECK_STR_EQ(w.w[0].json_path, "update: /memory/limit");
        cgroup_writes_release(&w);
        REQUIRE(cgroup_resources_plan(&r, &probe, NULL, &w, &err) == 0);
        CHECK_STR_EQ(w.w[0].json_path, "config.json: /linux/resources/memory/limit");
        cgroup_writes_release(&w);
        /* The device program's errors are renamed the same way. */
        berth_error_new(&err, EPERM, "config.json: /linux/resources/devices: BPF is not permitted");
        cgroup_error_reorigin(&err, "res.json: ");
        CHECK_STR_EQ(err.msg, "res.json: /devices: BPF is not permitted");
}

int main(void)
{
        UNIT_RUN(places_named_after_the_origin);
        UNIT_RUN(resources_to_files);
        UNIT_RUN(file_controllers);
        UNIT_RUN(drop_unlimited_for_missing_controllers);
        return unit_done();
}
