/* Unit tests of the config.json parser against hostile input (the limits
 * in docs/design.md, "Fuzzing and sanitizers"): documents too big, arrays
 * too long, nesting too deep, strings execve(2) or the kernel would refuse,
 * and quoted control characters; each is refused with one line naming
 * config.json and the JSON path, before anything acts on it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "oci/config.h"
#include "tests/unit/unit.h"

#define MINIMAL_HEAD "{\"ociVersion\": \"1.0.2\", \"root\": {\"path\": \"rootfs\"}"

/* A growable string for building big documents. */
struct text {
        char *s;
        size_t len, cap;
};

static void text_add(struct text *t, const char *s)
{
        size_t n = strlen(s);
        if (t->len + n + 1 > t->cap) {
                t->cap = (t->len + n + 1) * 2;
                t->s = realloc(t->s, t->cap);
                if (!t->s)
                        abort();
        }
        memcpy(t->s + t->len, s, n + 1);
        t->len += n;
}

static void text_repeat(struct text *t, const char *s, size_t times)
{
        for (size_t i = 0; i < times; i++)
                text_add(t, s);
}

/* Parse `t`; the error (or "" on success) in err, the config freed. */
static int parse(const struct text *t, struct berth_error *err)
{
        struct oci_config *cfg = NULL;
        int r = oci_config_parse_data(t->s, t->len, "config.json", &cfg, err);
        oci_config_free(cfg);
        return r;
}

static bool one_line(const char *msg)
{
        for (const unsigned char *p = (const unsigned char *) msg; *p; p++)
                if (*p < 0x20 || *p == 0x7f)
                        return false;
        return true;
}

#define CHECK_REFUSED(t, expected)                                                      \
        do {                                                                            \
                struct berth_error err_ = { 0 };                                        \
                CHECK(parse((t), &err_) < 0);                                           \
                CHECK_STR_CONTAINS(err_.msg, (expected));                               \
                CHECK(strncmp(err_.msg, "config.json: ", 13) == 0);                     \
                CHECK(one_line(err_.msg));                                              \
        } while (0)

static void document_above_4_mib_is_refused_unparsed(void)
{
        struct text t = { 0 };
        text_add(&t, MINIMAL_HEAD ", \"x\": \"");
        text_repeat(&t, "0123456789abcdef", (OCI_CONFIG_MAX_BYTES / 16) + 1);
        text_add(&t, "\"}");
        CHECK_REFUSED(&t, "bytes, more than the 4194304 berth reads");
        free(t.s);
}

static void deep_nesting_is_a_syntax_error(void)
{
        struct text t = { 0 };
        text_add(&t, MINIMAL_HEAD ", \"x\": ");
        text_repeat(&t, "[", 100000);
        text_repeat(&t, "]", 100000);
        text_add(&t, "}");
        CHECK_REFUSED(&t, "maximum parsing depth reached");
        free(t.s);
}

static void deep_nesting_in_a_known_property(void)
{
        struct text t = { 0 };
        text_add(&t, MINIMAL_HEAD ", \"process\": {\"cwd\": \"/\", \"args\": ");
        text_repeat(&t, "[", 1000);
        text_repeat(&t, "]", 1000);
        text_add(&t, "}}");
        CHECK_REFUSED(&t, "config.json: /process/args: expected an array of strings");
        free(t.s);
}

static void too_many_mounts(void)
{
        struct text t = { 0 };
        text_add(&t, MINIMAL_HEAD ", \"mounts\": [");
        text_repeat(&t, "{\"destination\": \"/tmp\", \"type\": \"tmpfs\"},", 4096);
        text_add(&t, "{\"destination\": \"/tmp\", \"type\": \"tmpfs\"}]}");
        CHECK_REFUSED(&t, "config.json: /mounts: 4097 entries, berth takes at most 4096");
        free(t.s);
}

static void too_many_masked_paths_devices_and_hooks(void)
{
        static const struct {
                const char *head, *item, *tail, *error;
        } cases[] = {
                { ", \"linux\": {\"maskedPaths\": [", "\"/a\",", "\"/a\"]}}",
                  "config.json: /linux/maskedPaths: 4097 entries" },
                { ", \"linux\": {\"readonlyPaths\": [", "\"/a\",", "\"/a\"]}}",
                  "config.json: /linux/readonlyPaths: 4097 entries" },
                { ", \"linux\": {\"devices\": [", "{\"path\": \"/dev/a\", \"type\": \"p\"},",
                  "{\"path\": \"/dev/a\", \"type\": \"p\"}]}}", "config.json: /linux/devices: 4097 entries" },
                { ", \"hooks\": {\"poststop\": [", "{\"path\": \"/bin/true\"},", "{\"path\": \"/bin/true\"}]}}",
                  "config.json: /hooks/poststop: 4097 entries" },
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                struct text t = { 0 };
                text_add(&t, MINIMAL_HEAD);
                text_add(&t, cases[i].head);
                text_repeat(&t, cases[i].item, 4096);
                text_add(&t, cases[i].tail);
                CHECK_REFUSED(&t, cases[i].error);
                free(t.s);
        }
}

static void four_thousand_mounts_are_fine(void)
{
        struct text t = { 0 };
        text_add(&t, MINIMAL_HEAD ", \"mounts\": [");
        text_repeat(&t, "{\"destination\": \"/tmp\", \"type\": \"tmpfs\"},", 4095);
        text_add(&t, "{\"destination\": \"/tmp\", \"type\": \"tmpfs\"}]}");
        struct berth_error err = { 0 };
        CHECK_INT_EQ(parse(&t, &err), 0);
        free(t.s);
}

static void too_many_additional_gids(void)
{
        struct text t = { 0 };
        text_add(&t, MINIMAL_HEAD ", \"process\": {\"cwd\": \"/\", \"args\": [\"sh\"], "
                     "\"user\": {\"uid\": 0, \"gid\": 0, \"additionalGids\": [");
        text_repeat(&t, "1,", 65536);
        text_add(&t, "1]}}}");
        CHECK_REFUSED(&t, "config.json: /process/user/additionalGids: 65537 entries, berth takes at most 65536");
        free(t.s);
}

static void an_argument_execve_would_refuse(void)
{
        size_t max = 32 * (size_t) sysconf(_SC_PAGESIZE);
        struct text t = { 0 };
        text_add(&t, MINIMAL_HEAD ", \"process\": {\"cwd\": \"/\", \"args\": [\"sh\", \"");
        text_repeat(&t, "a", max);
        text_add(&t, "\"]}}");
        char expected[128];
        snprintf(expected, sizeof(expected), "config.json: /process/args/1: %zu bytes, execve(2) takes at most %zu per string",
                 max + 1, max);
        CHECK_REFUSED(&t, expected);
        free(t.s);
}

static void an_environment_execve_would_refuse(void)
{
        /* 700000 entries: 5.6 MB of pointers and 2.1 MB of strings in 3.5 MB of JSON. */
        struct text t = { 0 };
        text_add(&t, MINIMAL_HEAD ", \"process\": {\"cwd\": \"/\", \"args\": [\"sh\"], \"env\": [");
        text_repeat(&t, "\"A=\",", 699999);
        text_add(&t, "\"A=\"]}}");
        CHECK_REFUSED(&t, "config.json: /process: args and env take 7700011 bytes with their pointers, "
                          "execve(2) takes at most 6291456");
        free(t.s);
}

static void a_hostname_the_kernel_would_refuse(void)
{
        struct text t = { 0 };
        text_add(&t, MINIMAL_HEAD ", \"linux\": {\"namespaces\": [{\"type\": \"uts\"}]}, \"hostname\": \"");
        text_repeat(&t, "h", 65);
        text_add(&t, "\"}");
        CHECK_REFUSED(&t, "config.json: /hostname: 65 bytes, the kernel takes at most 64");
        free(t.s);
}

static void quoted_control_characters_stay_on_one_line(void)
{
        struct text t = { 0 };
        text_add(&t, "{\"ociVersion\": \"1.0\\n\\u001b[31m\", \"root\": {\"path\": \"rootfs\"}}");
        CHECK_REFUSED(&t, "config.json: /ociVersion: unsupported version \"1.0\\n\\x1b[31m\"");
        free(t.s);
}

static void raw_control_characters_in_a_syntax_error(void)
{
        /* jansson quotes the offending token as it is. */
        struct text t = { 0 };
        text_add(&t, "{\"ociVersion\": \x01\x02\n}");
        CHECK_REFUSED(&t, "config.json: line 1, column");
        free(t.s);
}

int main(void)
{
        UNIT_RUN(document_above_4_mib_is_refused_unparsed);
        UNIT_RUN(deep_nesting_is_a_syntax_error);
        UNIT_RUN(deep_nesting_in_a_known_property);
        UNIT_RUN(too_many_mounts);
        UNIT_RUN(too_many_masked_paths_devices_and_hooks);
        UNIT_RUN(four_thousand_mounts_are_fine);
        UNIT_RUN(too_many_additional_gids);
        UNIT_RUN(an_argument_execve_would_refuse);
        UNIT_RUN(an_environment_execve_would_refuse);
        UNIT_RUN(a_hostname_the_kernel_would_refuse);
        UNIT_RUN(quoted_control_characters_stay_on_one_line);
        UNIT_RUN(raw_control_characters_in_a_syntax_error);
        return unit_done();
}
