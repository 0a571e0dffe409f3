/* linux.resources.devices -> BPF_PROG_TYPE_CGROUP_DEVICE instructions (see
 * device_program.h).
 *
 * The program walks the rules from the last to the first.  The accesses
 * asked for (a set of m, r, w) start undecided; a matching allow rule
 * decides its accesses as allowed and the program allows once nothing is
 * undecided; a matching deny rule that covers an undecided access denies.
 * Whatever no rule decides is allowed.  Evaluating per access keeps
 * "deny c 1:3 w" from being bypassed by an O_RDWR open, and lets
 * "allow c 1:3 r" + "allow c 1:3 w" grant O_RDWR, as the v1 lists did. */
#include "cgroups/device_program.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"

#define RULE(t, maj, min, acc) { .allow = true, .type = (t), .major = (maj), .minor = (min), .access = (acc) }

const struct oci_device_cgroup device_default_rules[] = {
        RULE('c', -1, -1, "m"),     /* mknod of any device: creating a node grants no access */
        RULE('b', -1, -1, "m"),
        RULE('c', 1, 3, "rwm"),     /* /dev/null */
        RULE('c', 1, 8, "rwm"),     /* /dev/random */
        RULE('c', 1, 7, "rwm"),     /* /dev/full */
        RULE('c', 5, 0, "rwm"),     /* /dev/tty */
        RULE('c', 1, 5, "rwm"),     /* /dev/zero */
        RULE('c', 1, 9, "rwm"),     /* /dev/urandom */
        RULE('c', 5, 1, "rwm"),     /* /dev/console */
        RULE('c', 136, -1, "rwm"),  /* /dev/pts/N */
        RULE('c', 5, 2, "rwm"),     /* /dev/ptmx */
        RULE('c', 10, 200, "rwm"),  /* /dev/net/tun: Docker always allowed it, runc keeps it for them */
};
const size_t device_default_rules_count = sizeof(device_default_rules) / sizeof(device_default_rules[0]);

/* Where the prologue leaves the request (struct bpf_cgroup_dev_ctx,
 * pointed to by r1 on entry). */
enum {
        REG_RET = BPF_REG_0,
        REG_TMP = BPF_REG_1,
        REG_TYPE = BPF_REG_2,     /* BPF_DEVCG_DEV_BLOCK or _CHAR */
        REG_PENDING = BPF_REG_3,  /* BPF_DEVCG_ACC_* bits asked for and not yet allowed */
        REG_MAJOR = BPF_REG_4,
        REG_MINOR = BPF_REG_5,
};

#define ALL_ACCESS (BPF_DEVCG_ACC_MKNOD | BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE)

/* ---- instructions ------------------------------------------------------- */

static struct bpf_insn insn(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
        return (struct bpf_insn) { .code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm };
}

/* dst = *(u32 *)(src + off) */
static struct bpf_insn load_u32(uint8_t dst, uint8_t src, int16_t off)
{
        return insn(BPF_LDX | BPF_MEM | BPF_W, dst, src, off, 0);
}

/* dst = (u32) (dst OP imm): the 32-bit ALU zeroes the upper half. */
static struct bpf_insn alu32_imm(uint8_t op, uint8_t dst, int32_t imm)
{
        return insn(BPF_ALU | op | BPF_K, dst, 0, 0, imm);
}

static struct bpf_insn move_reg(uint8_t dst, uint8_t src)
{
        return insn(BPF_ALU64 | BPF_MOV | BPF_X, dst, src, 0, 0);
}

/* if (dst OP imm) skip `off` instructions */
static struct bpf_insn jump_imm(uint8_t op, uint8_t dst, int32_t imm, int16_t off)
{
        return insn(BPF_JMP | op | BPF_K, dst, 0, off, imm);
}

static struct bpf_insn exit_insn(void)
{
        return insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
}

/* ---- the program being built --------------------------------------------- */

struct builder {
        struct bpf_insn *insns;
        size_t n, cap;
        size_t to_next[4];     /* jumps to the end of the current rule's block */
        size_t n_to_next;
};

static void emit(struct builder *b, struct bpf_insn i)
{
        if (b->n == b->cap) {
                b->cap = b->cap ? 2 * b->cap : 64;
                b->insns = xrealloc(b->insns, b->cap * sizeof(*b->insns));
        }
        b->insns[b->n++] = i;
}

/* if (reg OP imm) go to the next rule; the offset is filled in by
 * end_rule once the block's length is known. */
static void emit_jump_to_next(struct builder *b, uint8_t op, uint8_t reg, int32_t imm)
{
        b->to_next[b->n_to_next++] = b->n;
        emit(b, jump_imm(op, reg, imm, 0));
}

static void end_rule(struct builder *b)
{
        for (size_t i = 0; i < b->n_to_next; i++) {
                size_t at = b->to_next[i];
                b->insns[at].off = (int16_t) (b->n - at - 1);
        }
        b->n_to_next = 0;
}

static void emit_return(struct builder *b, int32_t verdict)
{
        emit(b, alu32_imm(BPF_MOV, REG_RET, verdict));
        emit(b, exit_insn());
}

/* ---- rules ---------------------------------------------------------------- */

static uint32_t access_bits(const char *access)
{
        uint32_t bits = 0;
        for (const char *p = access; *p; p++)
                bits |= *p == 'm' ? BPF_DEVCG_ACC_MKNOD : *p == 'r' ? BPF_DEVCG_ACC_READ : BPF_DEVCG_ACC_WRITE;
        return bits;
}

/* The kernel's device numbers are 12 (major) and 20 (minor) bits, and a
 * jump's immediate is a signed 32-bit value: a number above INT32_MAX
 * names no device, so its rule can never match. */
static bool rule_can_match(const struct oci_device_cgroup *r)
{
        return access_bits(r->access) != 0 && r->major <= INT32_MAX && r->minor <= INT32_MAX;
}

/* A rule that matches every device and every access: nothing before it
 * in the list can matter. */
static bool rule_is_total(const struct oci_device_cgroup *r)
{
        return r->type == 'a' && r->major < 0 && r->minor < 0 && access_bits(r->access) == ALL_ACCESS;
}

static void emit_rule(struct builder *b, const struct oci_device_cgroup *r)
{
        uint32_t bits = access_bits(r->access);

        if (r->type != 'a')
                emit_jump_to_next(b, BPF_JNE, REG_TYPE, r->type == 'c' ? BPF_DEVCG_DEV_CHAR : BPF_DEVCG_DEV_BLOCK);
        if (r->major >= 0)
                emit_jump_to_next(b, BPF_JNE, REG_MAJOR, (int32_t) r->major);
        if (r->minor >= 0)
                emit_jump_to_next(b, BPF_JNE, REG_MINOR, (int32_t) r->minor);

        if (r->allow) {
                emit(b, alu32_imm(BPF_AND, REG_PENDING, (int32_t) ~bits));
                emit_jump_to_next(b, BPF_JNE, REG_PENDING, 0);
                emit_return(b, 1);
        } else {
                emit(b, move_reg(REG_TMP, REG_PENDING));
                emit(b, alu32_imm(BPF_AND, REG_TMP, (int32_t) bits));
                emit_jump_to_next(b, BPF_JEQ, REG_TMP, 0);
                emit_return(b, 0);
        }
        end_rule(b);
}

static void emit_prologue(struct builder *b)
{
        /* access_type is (BPF_DEVCG_ACC_* << 16) | BPF_DEVCG_DEV_* */
        emit(b, load_u32(REG_TYPE, BPF_REG_1, offsetof(struct bpf_cgroup_dev_ctx, access_type)));
        emit(b, alu32_imm(BPF_AND, REG_TYPE, 0xffff));
        emit(b, load_u32(REG_PENDING, BPF_REG_1, offsetof(struct bpf_cgroup_dev_ctx, access_type)));
        emit(b, alu32_imm(BPF_RSH, REG_PENDING, 16));
        emit(b, load_u32(REG_MAJOR, BPF_REG_1, offsetof(struct bpf_cgroup_dev_ctx, major)));
        emit(b, load_u32(REG_MINOR, BPF_REG_1, offsetof(struct bpf_cgroup_dev_ctx, minor)));
}

static int check_rule(const struct oci_device_cgroup *r, size_t index, struct berth_error *err)
{
        if (!strchr("acb", r->type) || r->type == '\0')
                return berth_error_new(err, EINVAL, "config.json: /linux/resources/devices/%zu/type: "
                                       "unknown device type '%c' (expected a, c or b)", index, r->type);
        if (r->access[strspn(r->access, "rwm")] != '\0')
                return berth_error_new(err, EINVAL, "config.json: /linux/resources/devices/%zu/access: "
                                       "\"%s\" is not a combination of r, w and m", index, r->access);
        return 0;
}

bool device_rules_restrict(const struct oci_device_cgroup *rules, size_t n)
{
        for (size_t i = 0; i < n; i++)
                if (!rules[i].allow && access_bits(rules[i].access) != 0)
                        return true;
        return false;
}

/* The config's rules, then the defaults, as one list. */
static const struct oci_device_cgroup *rule_at(const struct oci_device_cgroup *rules, size_t n, size_t i)
{
        return i < n ? &rules[i] : &device_default_rules[i - n];
}

int device_program_build(const struct oci_device_cgroup *rules, size_t n, struct device_program *out,
                         struct berth_error *err)
{
        for (size_t i = 0; i < n; i++) {
                int r = check_rule(&rules[i], i, err);
                if (r < 0)
                        return r;
        }

        size_t total = n + device_default_rules_count, first = 0;
        for (size_t i = total; i > 0; i--)
                if (rule_is_total(rule_at(rules, n, i - 1))) {
                        first = i - 1;
                        break;
                }

        struct builder b = { 0 };
        emit_prologue(&b);
        for (size_t i = total; i > first; i--) {
                const struct oci_device_cgroup *r = rule_at(rules, n, i - 1);
                if (rule_can_match(r))
                        emit_rule(&b, r);
        }
        emit_return(&b, 1);

        *out = (struct device_program) { .insns = b.insns, .n = b.n };
        return 0;
}

void device_program_release(struct device_program *p)
{
        free(p->insns);
        *p = (struct device_program) { 0 };
}
