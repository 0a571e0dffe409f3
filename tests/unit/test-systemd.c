/* Unit tests of the systemd cgroup driver's pure parts: "slice:prefix:name"
 * parsing into a unit name and slice (cgroups/systemd.c), linux.resources
 * as unit properties with runc's conversions (cgroups/systemd_properties.c),
 * and the unit kept in state.json.  Talking to systemd is tested in
 * tests/vm/systemd.bats. */
#include <stdlib.h>
#include <string.h>

#include "cgroups/systemd.h"
#include "cgroups/systemd_properties.h"
#include "oci/state.h"
#include "tests/unit/unit.h"

/* ---- names ------------------------------------------------------------------ */

static void check_parse(const char *cp, const char *id, const char *slice, const char *unit)
{
        struct systemd_scope s;
        struct berth_error err = { 0 };
        int r = systemd_cgroup_parse(cp, id, &s, &err);
        if (r < 0) {
                FAIL("\"%s\": %s", cp ? cp : "(null)", err.msg);
                return;
        }
        CHECK_STR_EQ(s.slice, slice);
        CHECK_STR_EQ(s.unit, unit);
        systemd_scope_release(&s);
}

static void check_parse_error(const char *cp, const char *id, const char *message)
{
        struct systemd_scope s;
        struct berth_error err = { 0 };
        int r = systemd_cgroup_parse(cp, id, &s, &err);
        if (r == 0) {
                FAIL("\"%s\" was accepted: %s in %s", cp, s.unit, s.slice);
                systemd_scope_release(&s);
                return;
        }
        CHECK_INT_EQ(r, -EINVAL);
        CHECK_STR_CONTAINS(err.msg, message);
}

static void no_cgroups_path_is_berth_id_scope_in_system_slice(void)
{
        check_parse(NULL, "abc", "system.slice", "berth-abc.scope");
        check_parse("", "abc", "system.slice", "berth-abc.scope");
}

static void slice_prefix_name_is_prefix_name_scope_in_slice(void)
{
        check_parse("machine.slice:berth:abc", "id", "machine.slice", "berth-abc.scope");
        check_parse("machine-libpod.slice:libpod:0123", "id", "machine-libpod.slice", "libpod-0123.scope");
        check_parse("-.slice:p:n", "id", "-.slice", "p-n.scope");
}

static void empty_slice_is_system_slice_and_empty_prefix_is_kept_as_runc(void)
{
        check_parse(":p:n", "id", "system.slice", "p-n.scope");
        check_parse("::n", "id", "system.slice", "-n.scope");
}

static void a_name_ending_in_slice_is_a_slice_unit(void)
{
        check_parse("machine.slice:ignored:machine-x.slice", "id", "machine.slice", "machine-x.slice");
}

static void paths_of_another_form_are_refused(void)
{
        check_parse_error("/berth/abc", "id", "is not of the form \"slice:prefix:name\"");
        check_parse_error("machine.slice:berth", "id", "is not of the form");
        check_parse_error("a.slice:b:c:d", "id", "is not of the form");
        check_parse_error("machine.slice:berth:", "id", "the name (after the second ':') is empty");
}

static void bad_slice_names_are_refused(void)
{
        const char *bad[] = { "machine:p:n", "a--b.slice:p:n", "-a.slice:p:n", "a-.slice:p:n",
                              ".slice:p:n", "a/b.slice:p:n", "a+b.slice:p:n" };
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
                check_parse_error(bad[i], "id", "is not a valid slice name");
        check_parse_error("m.slice:p:a--b.slice", "id", "\"a--b.slice\" is not a valid slice name");
}

static void unit_names_systemd_refuses_are_refused(void)
{
        check_parse_error("m.slice:p@q:n", "id", "systemd does not allow '@' in unit names");
        check_parse_error(NULL, "a+b", "container id \"a+b\" makes the unit name \"berth-a+b.scope\"");
        char long_name[300];
        memset(long_name, 'x', sizeof(long_name) - 1);
        long_name[sizeof(long_name) - 1] = '\0';
        check_parse_error(NULL, long_name, "longer than systemd's 255 characters");
}

/* ---- properties ---------------------------------------------------------------- */

static const struct unit_prop *find(const struct unit_props *p, const char *name)
{
        const struct unit_prop *found = NULL;
        for (size_t i = 0; i < p->n; i++)
                if (strcmp(p->p[i].name, name) == 0)
                        found = &p->p[i];  /* the last one is what systemd keeps */
        return found;
}

static struct unit_props props_of(const struct oci_resources *r)
{
        struct unit_props p = { 0 };
        struct berth_error err = { 0 };
        if (systemd_resource_properties(r, &p, &err) < 0)
                FAIL("refused: %s", err.msg);
        return p;
}

#define CHECK_U64_PROP(props, name, value)                                           \
        do {                                                                         \
                const struct unit_prop *p_ = find(props, name);                     \
                if (!p_)                                                             \
                        FAIL("no %s", name);                                         \
                else                                                                 \
                        CHECK_UINT_EQ(p_->u64, value);                               \
        } while (0)

static void accounting_is_always_on(void)
{
        struct unit_props p = props_of(NULL);
        CHECK_UINT_EQ(p.n, 4);
        const char *names[] = { "MemoryAccounting", "CPUAccounting", "IOAccounting", "TasksAccounting" };
        for (size_t i = 0; i < 4; i++) {
                const struct unit_prop *a = find(&p, names[i]);
                REQUIRE(a);
                CHECK(a->type == UNIT_PROP_BOOL && a->b);
        }
        unit_props_release(&p);
}

static void shares_become_weight_as_runc_converts_them(void)
{
        CHECK_UINT_EQ(cpu_shares_to_weight(2), 1);
        CHECK_UINT_EQ(cpu_shares_to_weight(1024), 39);
        CHECK_UINT_EQ(cpu_shares_to_weight(262144), 10000);
        CHECK_UINT_EQ(cpu_shares_to_weight(1), 1);
        CHECK_UINT_EQ(cpu_shares_to_weight(1000000), 10000);

        struct oci_resources r = { .has_cpu = true, .cpu = { .has_shares = true, .shares = 512 } };
        struct unit_props p = props_of(&r);
        CHECK_U64_PROP(&p, "CPUWeight", 20);
        unit_props_release(&p);

        r.cpu.shares = 0;  /* 0: unset, as in runc */
        p = props_of(&r);
        CHECK(!find(&p, "CPUWeight"));
        unit_props_release(&p);
}

static void quota_is_per_second_rounded_up_to_10ms(void)
{
        struct oci_resources r = { .has_cpu = true,
                                   .cpu = { .has_quota = true, .quota = 50000, .has_period = true, .period = 100000 } };
        struct unit_props p = props_of(&r);
        CHECK_U64_PROP(&p, "CPUQuotaPerSecUSec", 500000);
        CHECK_U64_PROP(&p, "CPUQuotaPeriodUSec", 100000);
        CHECK_UINT_EQ(find(&p, "CPUQuotaPeriodUSec")->min_version, 242);
        unit_props_release(&p);

        r.cpu.quota = 33333;  /* 333330 us/s -> 340000 */
        p = props_of(&r);
        CHECK_U64_PROP(&p, "CPUQuotaPerSecUSec", 340000);
        unit_props_release(&p);

        r.cpu.quota = -1;  /* no limit, the period still recorded */
        p = props_of(&r);
        CHECK_U64_PROP(&p, "CPUQuotaPerSecUSec", UNIT_PROP_INFINITY);
        CHECK_U64_PROP(&p, "CPUQuotaPeriodUSec", 100000);
        unit_props_release(&p);

        r.cpu.has_period = false;  /* the kernel's default period */
        r.cpu.quota = 25000;
        p = props_of(&r);
        CHECK_U64_PROP(&p, "CPUQuotaPerSecUSec", 250000);
        CHECK(!find(&p, "CPUQuotaPeriodUSec"));
        unit_props_release(&p);
}

static void memory_limits_and_swap_as_runc(void)
{
        struct oci_resources r = { .has_memory = true,
                                   .memory = { .has_limit = true, .limit = 64 << 20, .has_reservation = true,
                                               .reservation = 32 << 20, .has_swap = true, .swap = 96 << 20 } };
        struct unit_props p = props_of(&r);
        CHECK_U64_PROP(&p, "MemoryMax", 64 << 20);
        CHECK_U64_PROP(&p, "MemoryLow", 32 << 20);
        CHECK_U64_PROP(&p, "MemorySwapMax", 32 << 20);  /* swap alone: memory+swap - memory */
        unit_props_release(&p);

        r.memory.has_swap = false;
        r.memory.limit = -1;  /* unlimited memory, no swap given: unlimited swap too */
        p = props_of(&r);
        CHECK_U64_PROP(&p, "MemoryMax", UNIT_PROP_INFINITY);
        CHECK_U64_PROP(&p, "MemorySwapMax", UNIT_PROP_INFINITY);
        unit_props_release(&p);

        r.memory.limit = 64 << 20;  /* a limit alone leaves swap alone */
        p = props_of(&r);
        CHECK(!find(&p, "MemorySwapMax"));
        unit_props_release(&p);
}

static void swap_that_cannot_be_converted_is_a_config_error(void)
{
        struct berth_error err = { 0 };
        struct unit_props p = { 0 };
        struct oci_resources r = { .has_memory = true,
                                   .memory = { .has_limit = true, .limit = 64 << 20, .has_swap = true,
                                               .swap = 1 << 20 } };
        CHECK_INT_EQ(systemd_resource_properties(&r, &p, &err), -EINVAL);
        CHECK_STR_CONTAINS(err.msg, "config.json: /linux/resources/memory/swap: 1048576 is below memory/limit");

        r.memory.has_limit = false;
        berth_error_clear(&err);
        CHECK_INT_EQ(systemd_resource_properties(&r, &p, &err), -EINVAL);
        CHECK_STR_CONTAINS(err.msg, "a swap limit needs /linux/resources/memory/limit");
}

/* As the cgroupfs plan reads them: 0 and -1 are no limit. */
static void pids_limit_zero_and_minus_one_are_infinity(void)
{
        struct oci_resources r = { .has_pids = true, .pids = { .has_limit = true, .limit = 0 } };
        struct unit_props p = props_of(&r);
        CHECK_U64_PROP(&p, "TasksMax", UNIT_PROP_INFINITY);
        unit_props_release(&p);
        r.pids.limit = -1;
        p = props_of(&r);
        CHECK_U64_PROP(&p, "TasksMax", UNIT_PROP_INFINITY);
        unit_props_release(&p);
        r.pids.limit = 42;
        p = props_of(&r);
        CHECK_U64_PROP(&p, "TasksMax", 42);
        unit_props_release(&p);
}

static void blkio_weight_becomes_io_weight(void)
{
        struct oci_resources r = { .has_block_io = true, .block_io = { .has_weight = true, .weight = 500 } };
        struct unit_props p = props_of(&r);
        CHECK_U64_PROP(&p, "IOWeight", 4950);
        unit_props_release(&p);
}

static void check_bitmap(const char *list, const uint8_t *want, size_t want_len)
{
        uint8_t *bits = NULL;
        size_t len = 0;
        struct berth_error err = { 0 };
        if (cpu_list_to_bitmap(list, &bits, &len, &err) < 0) {
                FAIL("\"%s\": %s", list, err.msg);
                return;
        }
        CHECK_UINT_EQ(len, want_len);
        if (len == want_len && memcmp(bits, want, len) != 0)
                FAIL("\"%s\": wrong bits", list);
        free(bits);
}

static void cpu_lists_become_little_endian_bitmaps(void)
{
        check_bitmap("0-2,5", (const uint8_t[]) { 0x27 }, 1);
        check_bitmap("8", (const uint8_t[]) { 0x00, 0x01 }, 2);
        check_bitmap(" 0 - 1 , 3\n", (const uint8_t[]) { 0x0b }, 1);
        check_bitmap("7,0", (const uint8_t[]) { 0x81 }, 1);
        const char *bad[] = { "", "a", "1-", "3-1", "1,,2", "-1", "1;2", "70000" };
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                uint8_t *bits = NULL;
                size_t len = 0;
                struct berth_error err = { 0 };
                if (cpu_list_to_bitmap(bad[i], &bits, &len, &err) == 0) {
                        FAIL("\"%s\" was accepted", bad[i]);
                        free(bits);
                }
        }
}

static void cpuset_becomes_allowed_cpus_from_systemd_244(void)
{
        struct oci_resources r = { .has_cpu = true, .cpu = { .cpus = (char *) "1", .mems = (char *) "0" } };
        struct unit_props p = props_of(&r);
        const struct unit_prop *cpus = find(&p, "AllowedCPUs"), *mems = find(&p, "AllowedMemoryNodes");
        REQUIRE(cpus && mems);
        CHECK(cpus->type == UNIT_PROP_BITMAP && cpus->bitmap_len == 1 && cpus->bitmap[0] == 0x02);
        CHECK(mems->bitmap_len == 1 && mems->bitmap[0] == 0x01);
        CHECK_UINT_EQ(cpus->min_version, 244);
        unit_props_release(&p);

        struct berth_error err = { 0 };
        r.cpu.cpus = (char *) "0-";
        CHECK_INT_EQ(systemd_resource_properties(&r, &p, &err), -EINVAL);
        CHECK_STR_CONTAINS(err.msg, "config.json: /linux/resources/cpu/cpus: \"0-\" is not a list");
}

static void unified_files_with_a_property_become_it_and_win(void)
{
        struct oci_unified u[] = {
                { (char *) "memory.high", (char *) "max" },
                { (char *) "memory.max", (char *) " 1048576\n" },
                { (char *) "cpu.max", (char *) "max 50000" },
                { (char *) "pids.max", (char *) "7" },
                { (char *) "io.max", (char *) "8:0 rbps=1" },  /* no property: cgroupfs only */
        };
        struct oci_resources r = { .has_memory = true, .memory = { .has_limit = true, .limit = 4096 },
                                   .unified = u, .n_unified = 5 };
        struct unit_props p = props_of(&r);
        CHECK_U64_PROP(&p, "MemoryHigh", UNIT_PROP_INFINITY);
        CHECK_U64_PROP(&p, "MemoryMax", 1048576);
        CHECK_U64_PROP(&p, "CPUQuotaPeriodUSec", 50000);
        CHECK_U64_PROP(&p, "CPUQuotaPerSecUSec", UNIT_PROP_INFINITY);
        CHECK_U64_PROP(&p, "TasksMax", 7);
        CHECK_UINT_EQ(p.n, 4 + 1 + 5);
        unit_props_release(&p);

        struct berth_error err = { 0 };
        u[0].value = (char *) "lots";
        CHECK_INT_EQ(systemd_resource_properties(&r, &p, &err), -EINVAL);
        CHECK_STR_CONTAINS(err.msg, "/linux/resources/unified/memory.high: \"lots\" is not a number or \"max\"");
}

/* ---- state ------------------------------------------------------------------------ */

static void state_json_keeps_the_unit_and_state_does_not_print_it(void)
{
        struct oci_state st = { .oci_version = (char *) "1.3.0", .id = (char *) "c", .status = STATUS_CREATED,
                                .pid = 7, .bundle = (char *) "/b", .cgroup_path = (char *) "/sys/fs/cgroup/x",
                                .systemd_unit = (char *) "berth-c.scope" };
        char *priv = NULL, *pub = NULL;
        struct berth_error err = { 0 };
        REQUIRE(oci_state_emit_private(&st, &priv, &err) == 0);
        REQUIRE(oci_state_emit(&st, &pub, &err) == 0);
        CHECK_STR_CONTAINS(priv, "\"systemdUnit\": \"berth-c.scope\"");
        CHECK(!strstr(pub, "systemd"));
        struct oci_state back;
        REQUIRE(oci_state_parse(priv, strlen(priv), "state.json", &back, &err) == 0);
        CHECK_STR_EQ(back.systemd_unit, "berth-c.scope");
        oci_state_release(&back);
        free(priv);
        free(pub);

        st.systemd_unit = NULL;  /* the cgroupfs driver: no key at all */
        REQUIRE(oci_state_emit_private(&st, &priv, &err) == 0);
        CHECK(!strstr(priv, "systemdUnit"));
        REQUIRE(oci_state_parse(priv, strlen(priv), "state.json", &back, &err) == 0);
        CHECK(back.systemd_unit == NULL);
        oci_state_release(&back);
        free(priv);
}

int main(void)
{
        UNIT_RUN(no_cgroups_path_is_berth_id_scope_in_system_slice);
        UNIT_RUN(slice_prefix_name_is_prefix_name_scope_in_slice);
        UNIT_RUN(empty_slice_is_system_slice_and_empty_prefix_is_kept_as_runc);
        UNIT_RUN(a_name_ending_in_slice_is_a_slice_unit);
        UNIT_RUN(paths_of_another_form_are_refused);
        UNIT_RUN(bad_slice_names_are_refused);
        UNIT_RUN(unit_names_systemd_refuses_are_refused);
        UNIT_RUN(accounting_is_always_on);
        UNIT_RUN(shares_become_weight_as_runc_converts_them);
        UNIT_RUN(quota_is_per_second_rounded_up_to_10ms);
        UNIT_RUN(memory_limits_and_swap_as_runc);
        UNIT_RUN(swap_that_cannot_be_converted_is_a_config_error);
        UNIT_RUN(pids_limit_zero_and_minus_one_are_infinity);
        UNIT_RUN(blkio_weight_becomes_io_weight);
        UNIT_RUN(cpu_lists_become_little_endian_bitmaps);
        UNIT_RUN(cpuset_becomes_allowed_cpus_from_systemd_244);
        UNIT_RUN(unified_files_with_a_property_become_it_and_win);
        UNIT_RUN(state_json_keeps_the_unit_and_state_does_not_print_it);
        return unit_done();
}
