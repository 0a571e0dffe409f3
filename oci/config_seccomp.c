/* config.json "linux.seccomp": the filter as typed rules (actions and
 * operators as enums, flags as kernel bits), checked against the names the
 * spec defines.  Syscall names are resolved later by whoever builds the
 * filter, against the target architectures. */
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "oci/config_parse.h"

static const struct name_value seccomp_actions[] = {
        { "SCMP_ACT_KILL", OCI_SECCOMP_ACT_KILL },
        { "SCMP_ACT_KILL_PROCESS", OCI_SECCOMP_ACT_KILL_PROCESS },
        { "SCMP_ACT_KILL_THREAD", OCI_SECCOMP_ACT_KILL_THREAD },
        { "SCMP_ACT_TRAP", OCI_SECCOMP_ACT_TRAP },
        { "SCMP_ACT_ERRNO", OCI_SECCOMP_ACT_ERRNO },
        { "SCMP_ACT_TRACE", OCI_SECCOMP_ACT_TRACE },
        { "SCMP_ACT_ALLOW", OCI_SECCOMP_ACT_ALLOW },
        { "SCMP_ACT_LOG", OCI_SECCOMP_ACT_LOG },
        { "SCMP_ACT_NOTIFY", OCI_SECCOMP_ACT_NOTIFY },
};

static const struct name_value seccomp_ops[] = {
        { "SCMP_CMP_NE", OCI_SECCOMP_CMP_NE },
        { "SCMP_CMP_LT", OCI_SECCOMP_CMP_LT },
        { "SCMP_CMP_LE", OCI_SECCOMP_CMP_LE },
        { "SCMP_CMP_EQ", OCI_SECCOMP_CMP_EQ },
        { "SCMP_CMP_GE", OCI_SECCOMP_CMP_GE },
        { "SCMP_CMP_GT", OCI_SECCOMP_CMP_GT },
        { "SCMP_CMP_MASKED_EQ", OCI_SECCOMP_CMP_MASKED_EQ },
};

static const struct name_value seccomp_flags[] = {
        { "SECCOMP_FILTER_FLAG_TSYNC", OCI_SECCOMP_FLAG_TSYNC },
        { "SECCOMP_FILTER_FLAG_LOG", OCI_SECCOMP_FLAG_LOG },
        { "SECCOMP_FILTER_FLAG_SPEC_ALLOW", OCI_SECCOMP_FLAG_SPEC_ALLOW },
        { "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", OCI_SECCOMP_FLAG_WAIT_KILLABLE_RECV },
};

static const struct name_value seccomp_archs[] = {
        { "SCMP_ARCH_X86", 0 },         { "SCMP_ARCH_X86_64", 0 },  { "SCMP_ARCH_X32", 0 },
        { "SCMP_ARCH_ARM", 0 },         { "SCMP_ARCH_AARCH64", 0 }, { "SCMP_ARCH_LOONGARCH64", 0 },
        { "SCMP_ARCH_M68K", 0 },        { "SCMP_ARCH_MIPS", 0 },    { "SCMP_ARCH_MIPS64", 0 },
        { "SCMP_ARCH_MIPS64N32", 0 },   { "SCMP_ARCH_MIPSEL", 0 },  { "SCMP_ARCH_MIPSEL64", 0 },
        { "SCMP_ARCH_MIPSEL64N32", 0 }, { "SCMP_ARCH_PPC", 0 },     { "SCMP_ARCH_PPC64", 0 },
        { "SCMP_ARCH_PPC64LE", 0 },     { "SCMP_ARCH_S390", 0 },    { "SCMP_ARCH_S390X", 0 },
        { "SCMP_ARCH_SH", 0 },          { "SCMP_ARCH_SHEB", 0 },    { "SCMP_ARCH_PARISC", 0 },
        { "SCMP_ARCH_PARISC64", 0 },    { "SCMP_ARCH_RISCV64", 0 },
};

static int parse_action(struct json_cursor *c, const json_t *obj, const char *key,
                        enum oci_seccomp_action *action)
{
        _cleanup_free_ char *name = NULL;
        int r = json_member_string(c, obj, key, JSON_REQUIRED, &name);
        if (r < 0)
                return r;
        long value;
        if (!NAME_LOOKUP(seccomp_actions, name, &value))
                return json_cursor_error_member(c, key, "unknown seccomp action \"%s\"", name);
        *action = (enum oci_seccomp_action) value;
        return 0;
}

/* errnoRet / defaultErrnoRet: the spec says a runtime MUST fail when the
 * action cannot return an errno (only ERRNO and TRACE can). */
static int parse_errno_ret(struct json_cursor *c, const json_t *obj, const char *key,
                           enum oci_seccomp_action action, bool *has, uint32_t *out)
{
        int r = json_member_u32(c, obj, key, 0, out);
        if (r <= 0)
                return r;
        if (action != OCI_SECCOMP_ACT_ERRNO && action != OCI_SECCOMP_ACT_TRACE)
                return json_cursor_error_member(
                        c, key, "only SCMP_ACT_ERRNO and SCMP_ACT_TRACE take an errno");
        *has = true;
        return 0;
}

static int parse_arg(struct json_cursor *c, const json_t *v, struct oci_seccomp_arg *a)
{
        if (json_expect_object(c, v) < 0)
                return -EINVAL;
        uint64_t index;
        /* A syscall has at most six arguments. */
        int r = json_member_u64(c, v, "index", JSON_REQUIRED, 5, &index);
        if (r < 0)
                return r;
        a->index = (unsigned) index;
        if ((r = json_member_u64(c, v, "value", JSON_REQUIRED, UINT64_MAX, &a->value)) < 0 ||
            (r = json_member_u64(c, v, "valueTwo", 0, UINT64_MAX, &a->value_two)) < 0)
                return r;
        a->has_value_two = r > 0;
        _cleanup_free_ char *op = NULL;
        if ((r = json_member_string(c, v, "op", JSON_REQUIRED, &op)) < 0)
                return r;
        long value;
        if (!NAME_LOOKUP(seccomp_ops, op, &value))
                return json_cursor_error_member(c, "op", "unknown seccomp operator \"%s\"", op);
        a->op = (enum oci_seccomp_op) value;
        return 0;
}

static int parse_syscall(struct json_cursor *c, const json_t *v, struct oci_seccomp_syscall *s)
{
        if (json_expect_object(c, v) < 0)
                return -EINVAL;
        int r = json_member_strv(c, v, "names", JSON_REQUIRED, &s->names);
        if (r < 0)
                return r;
        if (!s->names[0])
                return json_cursor_error_member(c, "names", "must contain at least one entry");
        r = parse_action(c, v, "action", &s->action);
        if (r < 0)
                return r;
        r = parse_errno_ret(c, v, "errnoRet", s->action, &s->has_errno_ret, &s->errno_ret);
        if (r < 0)
                return r;
        return PARSE_MEMBER_ARRAY(c, v, "args", s->args, s->n_args, parse_arg);
}

/* A list of names each found in `table`; ORs their values into *bits. */
static int parse_name_list(struct json_cursor *c, const json_t *obj, const char *key,
                           const struct name_value *table, size_t n, const char *what, char ***out,
                           uint32_t *bits)
{
        int r = json_member_strv(c, obj, key, 0, out);
        if (r <= 0)
                return r;
        for (size_t i = 0; (*out)[i]; i++) {
                long value;
                if (!name_lookup(table, n, (*out)[i], &value)) {
                        json_cursor_enter_key(c, key);
                        json_cursor_enter_index(c, i);
                        return json_cursor_error(c, "unknown seccomp %s \"%s\"", what, (*out)[i]);
                }
                *bits |= (uint32_t) value;
        }
        return 0;
}

int config_parse_seccomp(struct json_cursor *c, const json_t *obj, struct oci_seccomp *sc)
{
        int r;
        uint32_t no_bits = 0;
        if ((r = parse_action(c, obj, "defaultAction", &sc->default_action)) < 0 ||
            (r = parse_errno_ret(c, obj, "defaultErrnoRet", sc->default_action,
                                 &sc->has_default_errno_ret, &sc->default_errno_ret)) < 0 ||
            (r = parse_name_list(c, obj, "architectures", seccomp_archs,
                                 sizeof(seccomp_archs) / sizeof(seccomp_archs[0]), "architecture",
                                 &sc->architectures, &no_bits)) < 0 ||
            (r = parse_name_list(c, obj, "flags", seccomp_flags,
                                 sizeof(seccomp_flags) / sizeof(seccomp_flags[0]), "flag",
                                 &sc->flags, &sc->flag_bits)) < 0)
                return r;
        if ((r = json_member_string(c, obj, "listenerPath", 0, &sc->listener_path)) < 0 ||
            (r = json_member_string(c, obj, "listenerMetadata", 0, &sc->listener_metadata)) < 0)
                return r;
        if (sc->listener_metadata && !sc->listener_path)
                return json_cursor_error_member(c, "listenerMetadata",
                                                "must not be set without listenerPath");
        return PARSE_MEMBER_ARRAY(c, obj, "syscalls", sc->syscalls, sc->n_syscalls, parse_syscall);
}

static void syscall_release(struct oci_seccomp_syscall *s)
{
        strv_free(s->names);
        free(s->args);
}

void config_seccomp_release(struct oci_seccomp *sc)
{
        strv_free(sc->architectures);
        strv_free(sc->flags);
        free(sc->listener_path);
        free(sc->listener_metadata);
        RELEASE_ARRAY(sc->syscalls, sc->n_syscalls, syscall_release);
        memset(sc, 0, sizeof(*sc));
}
