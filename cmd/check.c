/* berth check: what this host really offers berth (runtime/host_probe.h),
 * as a table for people or as JSON for scripts.  A report, not a test:
 * it exits 0 whatever it finds. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cli.h"
#include "common/cleanup.h"
#include "oci/json_util.h"
#include "runtime/host_probe.h"

enum check_format { FORMAT_TEXT, FORMAT_JSON };

/* Wide enough for the longest item name ("clone_into_cgroup"). */
#define NAME_WIDTH 18
#define ANSWER_WIDTH 8

static const struct option check_options[] = {
        { "format", required_argument, NULL, 'f' },
        CLI_HELP_OPTION,
        { 0 },
};

static void print_item(const struct host_item *it)
{
        if (!it->detail && !it->advice) {
                printf("  %-*s %s\n", NAME_WIDTH, it->name, host_answer_name(it->answer));
                return;
        }
        printf("  %-*s %-*s", NAME_WIDTH, it->name, ANSWER_WIDTH, host_answer_name(it->answer));
        if (it->detail)
                printf(" %s", it->detail);
        if (it->advice)
                printf("%s%s", it->detail ? "; " : " ", it->advice);
        printf("\n");
}

static void print_text(const struct host_report *r)
{
        printf("kernel %s\n", r->kernel);
        for (int i = 0; i < HOST_N_SECTIONS; i++) {
                const struct host_section *s = &r->sections[i];
                printf("\n%s\n", s->name);
                for (size_t j = 0; j < s->n; j++)
                        print_item(&s->items[j]);
        }
}

static json_t *item_json(const struct host_item *it)
{
        json_t *o = json_object();
        json_object_set_new(o, "available",
                            it->answer == HOST_UNKNOWN ? json_null() : json_boolean(it->answer == HOST_YES));
        if (it->value)
                json_object_set_new(o, "value", json_string(it->value));
        if (it->detail)
                json_object_set_new(o, "detail", json_string(it->detail));
        if (it->advice)
                json_object_set_new(o, "advice", json_string(it->advice));
        return o;
}

static int print_json(const struct host_report *r, struct berth_error *err)
{
        _cleanup_json_ json_t *doc = json_object();
        json_object_set_new(doc, "kernel", json_string(r->kernel));
        for (int i = 0; i < HOST_N_SECTIONS; i++) {
                const struct host_section *s = &r->sections[i];
                json_t *section = json_object();
                for (size_t j = 0; j < s->n; j++)
                        json_object_set_new(section, s->items[j].name, item_json(&s->items[j]));
                json_object_set_new(doc, s->name, section);
        }
        _cleanup_free_ char *text = NULL;
        int ret = json_dump_pretty(doc, 2, &text, err);
        if (ret < 0)
                return ret;
        cli_print_json(text);
        return 0;
}

static int run_check(const struct command *cmd, const struct global_options *g, int argc, char **argv)
{
        enum check_format format = FORMAT_TEXT;
        bool json;
        int c;
        while ((c = cli_getopt(cmd, argc, argv, "f:", check_options)) != -1) {
                switch (c) {
                case 'f':
                        if (!cli_format_json(cmd, optarg, "text", &json))
                                return 1;
                        format = json ? FORMAT_JSON : FORMAT_TEXT;
                        break;
                default:
                        return cli_option_exit(c);
                }
        }
        if (!cli_positional(cmd, argc, argv, 0, 0))
                return 1;

        struct berth_error err = { 0 };
        struct host_report report;
        if (host_probe(&report, &err) < 0)
                return cli_fail(&err);
        int r = 0;
        if (format == FORMAT_JSON)
                r = print_json(&report, &err);
        else
                print_text(&report);
        host_report_release(&report);
        return r < 0 ? cli_fail(&err) : 0;
}

const struct command command_check = {
        .name = "check",
        .args = "",
        .summary = "report what this host offers berth (cgroups, namespaces, seccomp...)",
        .help = "Report what this host really offers berth: the cgroup v2 hierarchy berth\n"
                "uses and where each controller lives (cgroup v2, a cgroup v1 hierarchy,\n"
                "disabled, not in the kernel), cgroup.kill, cgroup.freeze, device BPF\n"
                "programs, namespaces, seccomp, the newer syscalls berth uses, systemd,\n"
                "AppArmor and SELinux.  For each thing that is missing it says why and\n"
                "what would make it available.  Nothing is changed on the host.\n"
                "\n"
                "`berth features` says what berth implements; this says what the host\n"
                "lets it use.  Exits 0 whatever it finds.\n"
                "\n"
                "Options:\n"
                "  -f, --format FORMAT   text (default: one line per item) or json\n"
                "  -h, --help            show this help\n",
        .run = run_check,
};
