/* Unit tests for the device program: each generated program is run by a
 * small interpreter of the few eBPF instructions the builder emits, over a
 * table of (type, major, minor, access) requests, and must answer as the
 * cgroup v1 device lists would have. */
#include <linux/bpf.h>
#include <stdint.h>

#include "cgroups/device_program.h"
#include "tests/unit/unit.h"

/* ---- the interpreter -------------------------------------------------------- */

enum { VERDICT_ERROR = -1 };

struct vm {
        uint64_t reg[MAX_BPF_REG];
        unsigned written;      /* bit r: reg[r] holds a value (the verifier's "read_ok") */
};

static bool vm_read(const struct vm *vm, uint8_t r, uint64_t *v)
{
        *v = vm->reg[r];
        return vm->written & (1u << r);
}

static void vm_write(struct vm *vm, uint8_t r, uint64_t v)
{
        vm->reg[r] = v;
        vm->written |= 1u << r;
}

/* Run `p` on one request: 1 allow, 0 deny, VERDICT_ERROR (and a FAIL) when
 * the program does something the kernel's verifier would refuse or the
 * interpreter does not know. */
static int run(const struct device_program *p, int line, uint32_t access_type, uint32_t major, uint32_t minor)
{
        const struct bpf_cgroup_dev_ctx ctx = { .access_type = access_type, .major = major, .minor = minor };
        struct vm vm = { .written = 1u << BPF_REG_1 };  /* r1 = the context on entry */

#define BAD(fmt, ...)                                                                              \
        do {                                                                                       \
                FAIL("line %d, insn %zu: " fmt, line, pc, ##__VA_ARGS__);                          \
                return VERDICT_ERROR;                                                              \
        } while (0)

        for (size_t pc = 0; pc < p->n; pc++) {
                const struct bpf_insn *i = &p->insns[pc];
                uint64_t dst = 0, src = 0;
                uint64_t imm = (uint64_t) (int64_t) i->imm;  /* immediates are sign-extended */
                if (i->dst_reg >= MAX_BPF_REG || i->src_reg >= MAX_BPF_REG)
                        BAD("register out of range");
                bool dst_ok = vm_read(&vm, i->dst_reg, &dst);
                bool src_ok = vm_read(&vm, i->src_reg, &src);

                switch (i->code) {
                case BPF_LDX | BPF_MEM | BPF_W: {
                        if (i->src_reg != BPF_REG_1 || !src_ok)
                                BAD("load from something other than the context");
                        if (i->off < 0 || i->off > (int) sizeof(ctx) - 4 || i->off % 4)
                                BAD("context load at offset %d", i->off);
                        uint32_t v;
                        memcpy(&v, (const char *) &ctx + i->off, sizeof(v));
                        vm_write(&vm, i->dst_reg, v);
                        break;
                }
                case BPF_ALU | BPF_MOV | BPF_K:
                        vm_write(&vm, i->dst_reg, (uint32_t) i->imm);
                        break;
                case BPF_ALU | BPF_AND | BPF_K:
                        if (!dst_ok)
                                BAD("r%u read before it is written", i->dst_reg);
                        vm_write(&vm, i->dst_reg, (uint32_t) dst & (uint32_t) i->imm);
                        break;
                case BPF_ALU | BPF_RSH | BPF_K:
                        if (!dst_ok)
                                BAD("r%u read before it is written", i->dst_reg);
                        if (i->imm < 0 || i->imm >= 32)
                                BAD("shift by %d", i->imm);
                        vm_write(&vm, i->dst_reg, (uint32_t) dst >> i->imm);
                        break;
                case BPF_ALU64 | BPF_MOV | BPF_X:
                        if (!src_ok)
                                BAD("r%u read before it is written", i->src_reg);
                        vm_write(&vm, i->dst_reg, src);
                        break;
                case BPF_JMP | BPF_JEQ | BPF_K:
                case BPF_JMP | BPF_JNE | BPF_K: {
                        if (!dst_ok)
                                BAD("r%u read before it is written", i->dst_reg);
                        if (i->off < 0)
                                BAD("backward jump");
                        if (pc + 1 + (size_t) i->off >= p->n)
                                BAD("jump past the end");
                        bool equal = dst == imm;
                        if (BPF_OP(i->code) == BPF_JEQ ? equal : !equal)
                                pc += (size_t) i->off;
                        break;
                }
                case BPF_JMP | BPF_EXIT: {
                        uint64_t r0;
                        if (!vm_read(&vm, BPF_REG_0, &r0))
                                BAD("exit with r0 unset");
                        if (r0 > 1)
                                BAD("verdict %llu", (unsigned long long) r0);
                        return (int) r0;
                }
                default:
                        BAD("unknown opcode 0x%02x", i->code);
                }
        }
#undef BAD
        FAIL("line %d: the program runs off its end", line);
        return VERDICT_ERROR;
}

/* ---- requests ------------------------------------------------------------------ */

static uint32_t request(char type, const char *access)
{
        uint32_t acc = 0;
        for (const char *a = access; *a; a++)
                acc |= *a == 'm' ? BPF_DEVCG_ACC_MKNOD : *a == 'r' ? BPF_DEVCG_ACC_READ : BPF_DEVCG_ACC_WRITE;
        return acc << 16 | (type == 'c' ? BPF_DEVCG_DEV_CHAR : BPF_DEVCG_DEV_BLOCK);
}

static void expect_(const struct device_program *p, int line, char type, uint32_t major, uint32_t minor,
                    const char *access, bool allowed)
{
        int v = run(p, line, request(type, access), major, minor);
        if (v != VERDICT_ERROR && v != (int) allowed)
                FAIL("line %d: %c %u:%u %s: expected %s, got %s", line, type, major, minor, access,
                     allowed ? "allow" : "deny", v ? "allow" : "deny");
}

#define ALLOWED(p, t, maj, min, acc) expect_((p), __LINE__, (t), (maj), (min), (acc), true)
#define DENIED(p, t, maj, min, acc) expect_((p), __LINE__, (t), (maj), (min), (acc), false)

#define ALLOW(t, maj, min, acc) { .allow = true, .type = (t), .major = (maj), .minor = (min), .access = (acc) }
#define DENY(t, maj, min, acc) { .allow = false, .type = (t), .major = (maj), .minor = (min), .access = (acc) }
#define DENY_ALL DENY('a', -1, -1, "rwm")

static struct device_program build_(const struct oci_device_cgroup *rules, size_t n)
{
        struct device_program p = { 0 };
        struct berth_error err = { 0 };
        if (device_program_build(rules, n, &p, &err) < 0)
                FAIL("device_program_build: %s", err.msg);
        return p;
}

#define BUILD(...)                                                                                 \
        ({                                                                                         \
                const struct oci_device_cgroup rules_[] = { __VA_ARGS__ };                         \
                build_(rules_, sizeof(rules_) / sizeof(rules_[0]));                                \
        })

/* The devices every container gets, whatever its list says before them. */
static void defaults_allowed(const struct device_program *p)
{
        static const struct { uint32_t major, minor; } std[] = {
                { 1, 3 }, { 1, 5 }, { 1, 7 }, { 1, 8 }, { 1, 9 }, { 5, 0 }, { 5, 1 }, { 5, 2 },
                { 136, 0 }, { 136, 7 }, { 10, 200 },
        };
        for (size_t i = 0; i < sizeof(std) / sizeof(std[0]); i++) {
                ALLOWED(p, 'c', std[i].major, std[i].minor, "r");
                ALLOWED(p, 'c', std[i].major, std[i].minor, "rw");
                ALLOWED(p, 'c', std[i].major, std[i].minor, "m");
        }
}

/* ---- tests ------------------------------------------------------------------------ */

static void no_rules_allow_everything(void)
{
        struct device_program p = build_(NULL, 0);
        ALLOWED(&p, 'c', 10, 229, "rw");
        ALLOWED(&p, 'b', 8, 0, "r");
        ALLOWED(&p, 'b', 8, 0, "m");
        defaults_allowed(&p);
        device_program_release(&p);
}

static void deny_all_leaves_only_the_defaults(void)
{
        struct device_program p = BUILD(DENY_ALL);
        defaults_allowed(&p);
        DENIED(&p, 'c', 10, 229, "r");
        DENIED(&p, 'c', 10, 229, "w");
        DENIED(&p, 'c', 10, 229, "rw");
        DENIED(&p, 'c', 1, 1, "r");      /* /dev/mem */
        DENIED(&p, 'c', 5, 3, "r");      /* not a default: only 5:0, 5:1, 5:2 */
        DENIED(&p, 'c', 137, 0, "r");
        DENIED(&p, 'b', 8, 0, "r");
        DENIED(&p, 'b', 1, 3, "r");      /* null's numbers, but a block device */
        /* mknod of anything stays allowed; opening it does not */
        ALLOWED(&p, 'c', 10, 229, "m");
        ALLOWED(&p, 'b', 8, 0, "m");
        DENIED(&p, 'b', 8, 0, "rm");
        device_program_release(&p);
}

static void an_allow_rule_after_deny_all_opens_one_device(void)
{
        struct device_program p = BUILD(DENY_ALL, ALLOW('c', 10, 229, "rwm"));
        ALLOWED(&p, 'c', 10, 229, "rw");
        DENIED(&p, 'c', 10, 228, "rw");
        DENIED(&p, 'c', 11, 229, "rw");
        DENIED(&p, 'b', 10, 229, "rw");
        defaults_allowed(&p);
        device_program_release(&p);
}

static void each_access_is_decided_on_its_own(void)
{
        struct device_program p = BUILD(DENY_ALL, ALLOW('c', 10, 229, "r"));
        ALLOWED(&p, 'c', 10, 229, "r");
        DENIED(&p, 'c', 10, 229, "w");
        DENIED(&p, 'c', 10, 229, "rw");
        device_program_release(&p);

        /* Two rules together grant what neither does alone. */
        p = BUILD(DENY_ALL, ALLOW('c', 10, 229, "r"), ALLOW('c', 10, 229, "w"));
        ALLOWED(&p, 'c', 10, 229, "rw");
        device_program_release(&p);

        /* A partial deny cannot be slipped past by asking for more. */
        p = BUILD(DENY('c', 10, 229, "w"));
        ALLOWED(&p, 'c', 10, 229, "r");
        DENIED(&p, 'c', 10, 229, "w");
        DENIED(&p, 'c', 10, 229, "rw");
        ALLOWED(&p, 'c', 10, 230, "rw");
        device_program_release(&p);
}

static void the_last_matching_rule_wins(void)
{
        struct device_program p = BUILD(DENY_ALL, ALLOW('c', 10, -1, "rwm"), DENY('c', 10, 229, "rwm"));
        DENIED(&p, 'c', 10, 229, "r");
        ALLOWED(&p, 'c', 10, 230, "r");
        ALLOWED(&p, 'c', 10, 1, "rw");
        DENIED(&p, 'c', 11, 1, "r");
        device_program_release(&p);

        /* A later deny-all undoes earlier allows, but not the defaults after it. */
        p = BUILD(ALLOW('c', 10, 229, "rwm"), DENY_ALL);
        DENIED(&p, 'c', 10, 229, "r");
        defaults_allowed(&p);
        device_program_release(&p);
}

static void the_defaults_come_after_the_config(void)
{
        /* As in runc, a config cannot take the standard devices away. */
        struct device_program p = BUILD(DENY('c', 1, 3, "rwm"), DENY('c', 136, -1, "rwm"));
        ALLOWED(&p, 'c', 1, 3, "rw");
        ALLOWED(&p, 'c', 136, 4, "rw");
        device_program_release(&p);
}

static void type_a_matches_both_kinds(void)
{
        struct device_program p = BUILD(DENY('a', 10, -1, "rw"));
        DENIED(&p, 'c', 10, 229, "r");
        DENIED(&p, 'b', 10, 1, "w");
        ALLOWED(&p, 'c', 10, 200, "rw");  /* tun, a default */
        ALLOWED(&p, 'c', 11, 1, "rw");
        ALLOWED(&p, 'c', 10, 229, "m");
        device_program_release(&p);

        p = BUILD(DENY_ALL, ALLOW('a', -1, 7, "r"));
        ALLOWED(&p, 'b', 8, 7, "r");
        ALLOWED(&p, 'c', 4, 7, "r");
        DENIED(&p, 'c', 4, 7, "w");
        DENIED(&p, 'b', 8, 6, "r");
        device_program_release(&p);
}

static void rules_that_can_match_nothing_do_nothing(void)
{
        /* No access letters; a major no device can have. */
        struct device_program p = BUILD(DENY('a', -1, -1, ""), DENY('c', 4294967295LL, -1, "rwm"));
        ALLOWED(&p, 'c', 10, 229, "rw");
        ALLOWED(&p, 'c', 4095, 1, "rw");
        device_program_release(&p);

        p = BUILD(DENY_ALL, ALLOW('c', 10, 4294967295LL, "rwm"), ALLOW('c', 2147483648LL, -1, "rwm"));
        DENIED(&p, 'c', 10, 229, "r");
        DENIED(&p, 'c', 10, 0xfffff, "r");
        device_program_release(&p);
}

static void rules_before_a_deny_all_are_left_out(void)
{
        struct device_program alone = BUILD(DENY_ALL);
        struct device_program with = BUILD(ALLOW('c', 10, 229, "rwm"), DENY('b', 8, -1, "r"), DENY_ALL);
        CHECK_UINT_EQ(with.n, alone.n);
        CHECK(with.n == alone.n && memcmp(with.insns, alone.insns, alone.n * sizeof(*alone.insns)) == 0);
        /* prologue (6) + 12 default rules + deny-all + the final verdict: small */
        CHECK(alone.n < 6 + 13 * 8 + 2);
        device_program_release(&alone);
        device_program_release(&with);
}

static void many_rules_build_a_long_valid_program(void)
{
        size_t n = 600;
        struct oci_device_cgroup *rules = calloc(n, sizeof(*rules));
        REQUIRE(rules);
        rules[0] = (struct oci_device_cgroup) DENY_ALL;
        for (size_t i = 1; i < n; i++)
                rules[i] = (struct oci_device_cgroup) ALLOW('c', 200, (int64_t) i, "rw");
        struct device_program p = build_(rules, n);
        ALLOWED(&p, 'c', 200, 1, "rw");
        ALLOWED(&p, 'c', 200, 599, "r");
        DENIED(&p, 'c', 200, 600, "r");
        DENIED(&p, 'c', 200, 0, "r");
        DENIED(&p, 'c', 201, 5, "r");
        device_program_release(&p);
        free(rules);
}

static void restrict_means_some_rule_denies(void)
{
        const struct oci_device_cgroup allow_only[] = { ALLOW('c', 1, 3, "rwm"), ALLOW('a', -1, -1, "rwm") };
        const struct oci_device_cgroup deny_nothing[] = { DENY('a', -1, -1, "") };
        const struct oci_device_cgroup deny_one[] = { ALLOW('a', -1, -1, "rwm"), DENY('c', 1, 3, "w") };
        CHECK(!device_rules_restrict(NULL, 0));
        CHECK(!device_rules_restrict(allow_only, 2));
        CHECK(!device_rules_restrict(deny_nothing, 1));
        CHECK(device_rules_restrict(deny_one, 2));
}

static void a_rule_the_parser_would_refuse_is_an_error(void)
{
        const struct oci_device_cgroup bad_type[] = { DENY_ALL, ALLOW('p', 1, 3, "rwm") };
        const struct oci_device_cgroup bad_access[] = { ALLOW('c', 1, 3, "rx") };
        struct device_program p = { 0 };
        struct berth_error err = { 0 };
        CHECK_INT_EQ(device_program_build(bad_type, 2, &p, &err), -EINVAL);
        CHECK_STR_CONTAINS(err.msg, "/linux/resources/devices/1/type");
        CHECK(p.insns == NULL);
        berth_error_clear(&err);
        CHECK_INT_EQ(device_program_build(bad_access, 1, &p, &err), -EINVAL);
        CHECK_STR_CONTAINS(err.msg, "/linux/resources/devices/0/access");
}

int main(void)
{
        UNIT_RUN(no_rules_allow_everything);
        UNIT_RUN(deny_all_leaves_only_the_defaults);
        UNIT_RUN(an_allow_rule_after_deny_all_opens_one_device);
        UNIT_RUN(each_access_is_decided_on_its_own);
        UNIT_RUN(the_last_matching_rule_wins);
        UNIT_RUN(the_defaults_come_after_the_config);
        UNIT_RUN(type_a_matches_both_kinds);
        UNIT_RUN(rules_that_can_match_nothing_do_nothing);
        UNIT_RUN(rules_before_a_deny_all_are_left_out);
        UNIT_RUN(many_rules_build_a_long_valid_program);
        UNIT_RUN(restrict_means_some_rule_denies);
        UNIT_RUN(a_rule_the_parser_would_refuse_is_an_error);
        return unit_done();
}
