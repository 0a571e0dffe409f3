/* A container's processes found through /proc (see pid_walk.h): without a
 * cgroup there is no list to read, but every process of the container is
 * in its init's pid namespace, or below its init. */
#include "runtime/pid_walk.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/util.h"

struct proc_entry {
        pid_t pid, ppid;
        char pidns[64];        /* "pid:[4026531836]", "" when unreadable */
};

static void ns_of(pid_t pid, char out[64])
{
        char path[64];
        snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int) pid);
        ssize_t n = readlink(path, out, 63);
        out[n > 0 ? n : 0] = '\0';
}

/* Field 4 of /proc/<pid>/stat, after the command name's last ')'. */
static pid_t parent_of(pid_t pid)
{
        char path[64], buf[512];
        snprintf(path, sizeof(path), "/proc/%d/stat", (int) pid);
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
        ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
        if (n <= 0)
                return 0;
        buf[n] = '\0';
        const char *p = strrchr(buf, ')');
        int ppid = 0;
        char state;
        if (!p || sscanf(p + 1, " %c %d", &state, &ppid) != 2 || state == 'Z' || state == 'X')
                return 0;
        return (pid_t) ppid;
}

/* Every process /proc shows now. */
static int read_proc(struct proc_entry **out, size_t *n, struct berth_error *err)
{
        _cleanup_closedir_ DIR *d = opendir("/proc");
        if (!d)
                return berth_error_errno(err, errno, "open /proc");
        struct proc_entry *list = NULL;
        size_t count = 0;
        for (struct dirent *e; (e = readdir(d)); ) {
                long pid;
                if (parse_long(e->d_name, &pid) < 0 || pid <= 0)
                        continue;
                struct proc_entry p = { .pid = (pid_t) pid, .ppid = parent_of((pid_t) pid) };
                if (p.ppid == 0 && pid != 1)
                        continue;  /* gone, or a zombie */
                ns_of(p.pid, p.pidns);
                list = xrealloc(list, (count + 1) * sizeof(*list));
                list[count++] = p;
        }
        *out = list;
        *n = count;
        return 0;
}

static bool listed(const pid_t *pids, size_t n, pid_t pid)
{
        for (size_t i = 0; i < n; i++)
                if (pids[i] == pid)
                        return true;
        return false;
}

int pid_walk_container(pid_t init, pid_t **pids, size_t *n, struct berth_error *err)
{
        *pids = NULL;
        *n = 0;
        if (init <= 0 || parent_of(init) == 0)
                return 0;  /* gone */
        pid_t *found = xmalloc0(sizeof(pid_t));
        size_t used = 0;
        found[used++] = init;
        /* Until it execs, the init is not dumpable and its namespace links
         * are hidden (runtime/init.c); it has no children then either. */
        char init_ns[64], own_ns[64];
        ns_of(init, init_ns);
        ns_of(getpid(), own_ns);
        _cleanup_free_ struct proc_entry *procs = NULL;
        size_t count = 0;
        int r = init_ns[0] ? read_proc(&procs, &count, err) : 0;
        if (r < 0) {
                free(found);
                return r;
        }
        bool own_namespace = strcmp(init_ns, own_ns) != 0;
        /* Descendants: repeat until a pass adds no child of a listed one. */
        for (bool grew = true; grew; ) {
                grew = false;
                for (size_t i = 0; i < count; i++) {
                        const struct proc_entry *p = &procs[i];
                        if (listed(found, used, p->pid))
                                continue;
                        bool member = own_namespace ? strcmp(p->pidns, init_ns) == 0
                                                    : listed(found, used, p->ppid);
                        if (!member)
                                continue;
                        found = xrealloc(found, (used + 1) * sizeof(pid_t));
                        found[used++] = p->pid;
                        grew = true;
                }
        }
        *pids = found;
        *n = used;
        return 0;
}
