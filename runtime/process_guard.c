/* What the container's init and a process `berth exec` starts share on
 * their way to execve: being berth until then, they guard its memory and
 * /proc files (not dumpable), become their user namespace's root, and
 * give the program default signal dispositions. */
#include "runtime/process.h"

#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

/* Until it execs, the process is berth: its memory holds the whole config
 * and its /proc/PID files lead to berth's binary and descriptors.  Not
 * dumpable, those files belong to root and ptrace needs CAP_SYS_PTRACE, so
 * a process already in a namespace it joins (or one that ptraces its way
 * in, as in CVE-2016-9962) cannot reach them.  The exec makes the process
 * dumpable again, as any program is. */
void process_make_undumpable(void)
{
        prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

/* In a user namespace of the container's the process's root is not the
 * host's, and the /proc/self files of a process that is not dumpable
 * belong to the host's root: it may not open its own oom_score_adj or
 * timens_offsets.  It is dumpable again just while it writes them, as
 * runc's init is. */
void process_own_proc_writes_begin(bool in_user_ns)
{
        if (in_user_ns)
                prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
}

void process_own_proc_writes_end(bool in_user_ns)
{
        if (in_user_ns)
                process_make_undumpable();
}

static bool maps_container_root(const struct oci_id_mapping *m, size_t n)
{
        for (size_t i = 0; i < n; i++)
                if (m[i].container_id == 0 && m[i].size > 0)
                        return true;
        return false;
}

int process_become_user_ns_root(const struct oci_linux *lx, struct berth_error *err)
{
        if (maps_container_root(lx->gid_mappings, lx->n_gid_mappings) && setresgid(0, 0, 0) < 0)
                return berth_error_errno(err, errno, "setresgid to root of the user namespace");
        if (maps_container_root(lx->uid_mappings, lx->n_uid_mappings) && setresuid(0, 0, 0) < 0)
                return berth_error_errno(err, errno, "setresuid to root of the user namespace");
        return 0;
}

/* Only ignored dispositions would survive execve, but a disposition berth
 * inherited (SIGPIPE ignored by a shell, say) or set must not reach the
 * container's program. */
void process_reset_signal_dispositions(void)
{
        struct sigaction sa = { .sa_handler = SIG_DFL };
        for (int sig = 1; sig < NSIG; sig++)
                if (sig != SIGKILL && sig != SIGSTOP)
                        sigaction(sig, &sa, NULL);
}
