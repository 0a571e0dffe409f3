/* berth list: the containers under --root, as runc's table or JSON. */
#include <jansson.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cli.h"
#include "common/cleanup.h"
#include "common/log.h"
#include "common/util.h"
#include "runtime/state.h"

enum list_format { FORMAT_TABLE, FORMAT_JSON };

struct list_entry {
        struct oci_state st;
        char *owner;   /* user name, or "#<uid>" like runc when there is none */
};

static char *owner_name(uid_t uid)
{
        char buf[4096];
        struct passwd pw, *found = NULL;
        if (getpwuid_r(uid, &pw, buf, sizeof(buf), &found) == 0 && found)
                return xstrdup(found->pw_name);
        return xasprintf("#%u", (unsigned) uid);
}

/* Unlocked reads, like `berth state`.  A directory without state.json is a
 * create in progress (or one that died): not listed.  Returns false for an
 * entry to skip. */
static bool load_entry(const char *root, const char *id, struct list_entry *e)
{
        struct berth_error err = { 0 };
        struct state_dir sd;
        if (state_dir_peek(root, id, &sd, &err) < 0)
                return false;  /* deleted since we read the directory */
        int r = state_load(&sd, &e->st, &err);
        state_dir_release(&sd);
        if (r < 0) {
                if (r != -ENOENT)
                        log_warning("list: %s", err.msg);
                oci_state_release(&e->st);
                return false;
        }
        e->owner = owner_name(e->st.owner);
        return true;
}

static const char *or_empty(const char *s)
{
        return s ? s : "";
}

/* Columns as runc's tabwriter lays them out: at least 12 wide, 3 spaces
 * after the longest cell; the last column is not padded. */
#define N_COLUMNS 6
static void print_table(const struct list_entry *entries, size_t n)
{
        static const char *const headers[N_COLUMNS] = { "ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER" };
        size_t rows = n + 1;
        _cleanup_free_ char **cells = xmalloc0(rows * N_COLUMNS * sizeof(char *));
        for (int col = 0; col < N_COLUMNS; col++)
                cells[col] = xstrdup(headers[col]);
        for (size_t i = 0; i < n; i++) {
                char **row = cells + (i + 1) * N_COLUMNS;
                const struct oci_state *st = &entries[i].st;
                row[0] = xstrdup(or_empty(st->id));
                row[1] = xasprintf("%d", (int) st->pid);
                row[2] = xstrdup(container_status_name(st->status));
                row[3] = xstrdup(or_empty(st->bundle));
                row[4] = xstrdup(or_empty(st->created));
                row[5] = xstrdup(entries[i].owner);
        }
        size_t width[N_COLUMNS] = { 0 };
        for (size_t i = 0; i < rows * N_COLUMNS; i++) {
                size_t w = strlen(cells[i]) + 3;
                size_t col = i % N_COLUMNS;
                width[col] = w > width[col] ? w : width[col];
        }
        for (size_t r = 0; r < rows; r++) {
                for (int col = 0; col < N_COLUMNS; col++) {
                        const char *cell = cells[r * N_COLUMNS + col];
                        if (col == N_COLUMNS - 1)
                                printf("%s\n", cell);
                        else
                                printf("%-*s", (int) (width[col] < 12 ? 12 : width[col]), cell);
                }
        }
        for (size_t i = 0; i < rows * N_COLUMNS; i++)
                free(cells[i]);
}

static json_t *entry_json(const struct list_entry *e)
{
        const struct oci_state *st = &e->st;
        json_t *o = json_object();
        json_object_set_new(o, "ociVersion", json_string(or_empty(st->oci_version)));
        json_object_set_new(o, "id", json_string(or_empty(st->id)));
        json_object_set_new(o, "pid", json_integer(st->pid));
        json_object_set_new(o, "status", json_string(container_status_name(st->status)));
        json_object_set_new(o, "bundle", json_string(or_empty(st->bundle)));
        json_object_set_new(o, "rootfs", json_string(or_empty(st->rootfs)));
        json_object_set_new(o, "created", json_string(or_empty(st->created)));
        if (st->n_annotations > 0) {
                json_t *a = json_object();
                for (size_t i = 0; i < st->n_annotations; i++)
                        json_object_set_new(a, st->annotations[i].key, json_string(st->annotations[i].value));
                json_object_set_new(o, "annotations", a);
        }
        json_object_set_new(o, "owner", json_string(e->owner));
        return o;
}

/* An empty list prints "null", as runc's encoder does for an empty slice. */
static void print_json(const struct list_entry *entries, size_t n)
{
        if (n == 0) {
                printf("null\n");
                return;
        }
        json_t *array = json_array();
        for (size_t i = 0; i < n; i++)
                json_array_append_new(array, entry_json(&entries[i]));
        char *s = json_dumps(array, JSON_COMPACT);
        json_decref(array);
        if (!s) {
                log_error("list: out of memory");
                exit(1);
        }
        printf("%s\n", s);
        free(s);
}

static const struct option list_options[] = {
        { "format", required_argument, NULL, 'f' },
        { "quiet", no_argument, NULL, 'q' },
        CLI_HELP_OPTION,
        { 0 },
};

static int list_containers(const char *root, enum list_format format, bool quiet, struct berth_error *err)
{
        _cleanup_strv_ char **ids = NULL;
        int r = state_list_ids(root, &ids, err);
        if (r < 0)
                return r;
        size_t n_ids = strv_length(ids);
        _cleanup_free_ struct list_entry *entries = xmalloc0((n_ids + 1) * sizeof(*entries));
        size_t n = 0;
        for (size_t i = 0; i < n_ids; i++)
                if (load_entry(root, ids[i], &entries[n]))
                        n++;

        if (quiet) {
                for (size_t i = 0; i < n; i++)
                        printf("%s\n", entries[i].st.id);
        } else if (format == FORMAT_JSON) {
                print_json(entries, n);
        } else {
                print_table(entries, n);
        }
        for (size_t i = 0; i < n; i++) {
                oci_state_release(&entries[i].st);
                free(entries[i].owner);
        }
        return 0;
}

static int run_list(const struct command *cmd, const struct global_options *g, int argc, char **argv)
{
        enum list_format format = FORMAT_TABLE;
        bool quiet = false, json;
        int c;
        while ((c = cli_getopt(cmd, argc, argv, "f:q", list_options)) != -1) {
                switch (c) {
                case 'f':
                        if (!cli_format_json(cmd, optarg, "table", &json))
                                return 1;
                        format = json ? FORMAT_JSON : FORMAT_TABLE;
                        break;
                case 'q':
                        quiet = true;
                        break;
                default:
                        return cli_option_exit(c);
                }
        }
        if (!cli_positional(cmd, argc, argv, 0, 0))
                return 1;
        struct berth_error err = { 0 };
        if (list_containers(g->root, format, quiet, &err) < 0)
                return cli_fail(&err);
        return 0;
}

const struct command command_list = {
        .name = "list",
        .args = "",
        .summary = "list the containers under --root",
        .help = "List the containers under --root with their pid, status, bundle, creation\n"
                "time and owner.\n"
                "\n"
                "Options:\n"
                "  -f, --format FMT   table (default) or json\n"
                "  -q, --quiet        print only the container ids\n"
                "  -h, --help         show this help\n",
        .run = run_list,
};
