/* The starter config.json of `berth spec` (see spec.h): a template written
 * as JSON, adjusted for rootless containers. */
#include "oci/spec.h"

#include <string.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "oci/json_util.h"

static const char default_config[] =
        "{"
        "  \"ociVersion\": \"1.3.0\","
        "  \"process\": {"
        "    \"terminal\": true,"
        "    \"user\": { \"uid\": 0, \"gid\": 0 },"
        "    \"args\": [ \"sh\" ],"
        "    \"env\": ["
        "      \"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\","
        "      \"TERM=xterm\""
        "    ],"
        "    \"cwd\": \"/\","
        "    \"capabilities\": {"
        "      \"bounding\": [ \"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\" ],"
        "      \"effective\": [ \"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\" ],"
        "      \"permitted\": [ \"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\" ]"
        "    },"
        "    \"rlimits\": [ { \"type\": \"RLIMIT_NOFILE\", \"hard\": 1024, \"soft\": 1024 } ],"
        "    \"noNewPrivileges\": true"
        "  },"
        "  \"root\": { \"path\": \"rootfs\", \"readonly\": true },"
        "  \"hostname\": \"berth\","
        "  \"mounts\": ["
        "    { \"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\" },"
        "    { \"destination\": \"/dev\", \"type\": \"tmpfs\", \"source\": \"tmpfs\","
        "      \"options\": [ \"nosuid\", \"strictatime\", \"mode=755\", \"size=65536k\" ] },"
        "    { \"destination\": \"/dev/pts\", \"type\": \"devpts\", \"source\": \"devpts\","
        "      \"options\": [ \"nosuid\", \"noexec\", \"newinstance\", \"ptmxmode=0666\","
        "                     \"mode=0620\", \"gid=5\" ] },"
        "    { \"destination\": \"/dev/shm\", \"type\": \"tmpfs\", \"source\": \"shm\","
        "      \"options\": [ \"nosuid\", \"noexec\", \"nodev\", \"mode=1777\", \"size=65536k\" ] },"
        "    { \"destination\": \"/dev/mqueue\", \"type\": \"mqueue\", \"source\": \"mqueue\","
        "      \"options\": [ \"nosuid\", \"noexec\", \"nodev\" ] },"
        "    { \"destination\": \"/sys\", \"type\": \"sysfs\", \"source\": \"sysfs\","
        "      \"options\": [ \"nosuid\", \"noexec\", \"nodev\", \"ro\" ] },"
        "    { \"destination\": \"/sys/fs/cgroup\", \"type\": \"cgroup\", \"source\": \"cgroup\","
        "      \"options\": [ \"nosuid\", \"noexec\", \"nodev\", \"relatime\", \"ro\" ] }"
        "  ],"
        "  \"linux\": {"
        "    \"resources\": { \"devices\": [ { \"allow\": false, \"access\": \"rwm\" } ] },"
        "    \"namespaces\": ["
        "      { \"type\": \"pid\" }, { \"type\": \"network\" }, { \"type\": \"ipc\" },"
        "      { \"type\": \"uts\" }, { \"type\": \"mount\" }, { \"type\": \"cgroup\" }"
        "    ],"
        "    \"maskedPaths\": ["
        "      \"/proc/acpi\", \"/proc/asound\", \"/proc/kcore\", \"/proc/keys\","
        "      \"/proc/latency_stats\", \"/proc/timer_list\", \"/proc/timer_stats\","
        "      \"/proc/sched_debug\", \"/proc/scsi\", \"/sys/firmware\","
        "      \"/sys/devices/virtual/powercap\""
        "    ],"
        "    \"readonlyPaths\": ["
        "      \"/proc/bus\", \"/proc/fs\", \"/proc/irq\", \"/proc/sys\", \"/proc/sysrq-trigger\""
        "    ]"
        "  }"
        "}";

static json_t *one_mapping(unsigned host_id)
{
        return json_pack("[{s:i, s:i, s:i}]", "containerID", 0, "hostID", (json_int_t) host_id,
                         "size", 1);
}

/* The mount whose destination is `dest`. */
static json_t *find_mount(json_t *mounts, const char *dest)
{
        size_t i;
        json_t *m;
        json_array_foreach(mounts, i, m) {
                if (strcmp(json_string_value(json_object_get(m, "destination")), dest) == 0)
                        return m;
        }
        return NULL;
}

/* Ids in mount options (devpts's gid=5, the tty group) are not mapped in
 * a user namespace that maps only the caller: runc drops every uid= and
 * gid= option, and so does berth. */
static void drop_id_options(json_t *mounts)
{
        size_t i;
        json_t *m;
        json_array_foreach(mounts, i, m) {
                json_t *options = json_object_get(m, "options");
                for (size_t o = json_array_size(options); o > 0; o--) {
                        const char *opt = json_string_value(json_array_get(options, o - 1));
                        if (opt && (strncmp(opt, "uid=", 4) == 0 || strncmp(opt, "gid=", 4) == 0))
                                json_array_remove(options, o - 1);
                }
        }
}

/* What an unprivileged user can do, as runc's `spec --rootless` has it:
 * map only itself, keep the host's network, bind the host's /sys (a new
 * sysfs needs a network namespace owned by the user namespace; berth makes
 * every mount below it read-only too) and ask for no cgroup limits, which
 * need a cgroup delegated to the user. */
static void make_rootless(json_t *cfg)
{
        /* A new "linux" object, so the mappings come first as in runc's. */
        json_t *old_linux = json_object_get(cfg, "linux");
        json_t *linux_ = json_object();
        json_object_set_new(linux_, "uidMappings", one_mapping(geteuid()));
        json_object_set_new(linux_, "gidMappings", one_mapping(getegid()));
        const char *key;
        json_t *v;
        json_object_foreach(old_linux, key, v) {
                if (strcmp(key, "resources") != 0)
                        json_object_set(linux_, key, v);
        }
        json_object_set_new(cfg, "linux", linux_);

        json_t *namespaces =
                json_pack("[{s:s}, {s:s}, {s:s}, {s:s}, {s:s}, {s:s}]", "type", "pid", "type",
                          "ipc", "type", "uts", "type", "mount", "type", "cgroup", "type", "user");
        json_object_set_new(linux_, "namespaces", namespaces);

        json_t *mounts = json_object_get(cfg, "mounts");
        json_t *sys = find_mount(mounts, "/sys");
        json_object_set_new(sys, "type", json_string("none"));
        json_object_set_new(sys, "source", json_string("/sys"));
        json_object_set_new(
                sys, "options",
                json_pack("[s, s, s, s, s]", "rbind", "nosuid", "noexec", "nodev", "ro"));
        drop_id_options(mounts);
}

int oci_spec_default(bool rootless, char **json, struct berth_error *err)
{
        json_error_t jerr;
        _cleanup_json_ json_t *cfg = json_loads(default_config, 0, &jerr);
        if (!cfg)
                return berth_error_new(err, EINVAL, "built-in config template: line %d: %s",
                                       jerr.line, jerr.text);
        if (rootless)
                make_rootless(cfg);
        return json_dump_pretty(cfg, 2, json, err);
}
