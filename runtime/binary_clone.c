/* CVE-2019-5736.  The container's init is a fork of berth, so its
 * /proc/PID/exe is the file berth was executed from.  Until the init execs
 * the container's process, anything in the container that can see it (a
 * process joining its pid namespace, or the init itself executing a
 * "#!/proc/self/exe" script, which the kernel resolves while the init is
 * still berth) can open that file, and write to it once no berth runs any
 * more: the host's runtime binary, which root will run next.
 *
 * So create and run first execute berth again from a memfd copy sealed
 * against writes, growth and shrinking: all the container can ever reach
 * is that copy, and no one can change it.  The copy lives as long as the
 * processes running it.  (runc once did the same; a read-only bind mount
 * of the binary is another way, but needs a mount namespace of berth's
 * own.) */
#include "runtime/binary_clone.h"

#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

#define CLONE_SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

/* Set in the environment of the re-executed berth, so that a kernel where
 * the seals do not show (they always should) cannot make berth loop. */
#define REEXEC_MARK "_BERTH_SEALED_REEXEC"

extern char **environ;

static bool is_sealed_copy(int fd)
{
        int seals = fcntl(fd, F_GET_SEALS);
        return seals >= 0 && (seals & CLONE_SEALS) == CLONE_SEALS;
}

/* Since Linux 6.3 a memfd is executable only if created with MFD_EXEC
 * (when vm.memfd_noexec asks for it); older kernels refuse the flag. */
static int memfd_for_exec(void)
{
        int fd = memfd_create("berth", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
        if (fd < 0 && errno == EINVAL)
                fd = memfd_create("berth", MFD_CLOEXEC | MFD_ALLOW_SEALING);
        return fd;
}

static int copy_all(int from, int to, off_t size)
{
        off_t offset = 0;
        while (offset < size) {
                ssize_t n = sendfile(to, from, &offset, (size_t) (size - offset));
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return -errno;
                if (n == 0)
                        return -EIO; /* the binary shrank while being copied */
        }
        return 0;
}

static int sealed_copy(int exe, int *out, struct berth_error *err)
{
        struct stat st;
        if (fstat(exe, &st) < 0)
                return berth_error_errno(err, errno, "stat /proc/self/exe");
        _cleanup_close_ int copy = memfd_for_exec();
        if (copy < 0)
                return berth_error_errno(err, errno, "memfd_create");
        int r = copy_all(exe, copy, st.st_size);
        if (r < 0)
                return berth_error_errno(err, -r, "copy /proc/self/exe to a memfd");
        if (fcntl(copy, F_ADD_SEALS, CLONE_SEALS) < 0)
                return berth_error_errno(err, errno, "seal the memfd copy");
        *out = steal_fd(&copy);
        return 0;
}

int binary_clone_reexec(char **argv, struct berth_error *err)
{
        _cleanup_close_ int exe = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
        if (exe < 0)
                return berth_error_errno(err, errno, "protect the runtime binary (CVE-2019-5736): open /proc/self/exe");
        if (is_sealed_copy(exe)) {
                unsetenv(REEXEC_MARK);
                return 0;
        }
        if (getenv(REEXEC_MARK))
                return berth_error_new(err, EIO, "protect the runtime binary (CVE-2019-5736): "
                                                 "the re-executed copy is not sealed");
        _cleanup_close_ int copy = -1;
        int r = sealed_copy(exe, &copy, err);
        if (r < 0)
                return berth_error_prefix(err, "protect the runtime binary (CVE-2019-5736)");
        setenv(REEXEC_MARK, "1", 1);
        fexecve(copy, argv, environ);
        int e = errno;
        unsetenv(REEXEC_MARK);
        return berth_error_errno(err, e, "protect the runtime binary (CVE-2019-5736): execute the sealed copy");
}
