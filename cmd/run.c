/* berth run: create and start a container; in the foreground berth waits
 * for it and exits with its exit code. */
#include "cmd/cli.h"
#include "runtime/container.h"

static int run_run(const struct command *cmd, const struct global_options *g, int argc, char **argv)
{
        struct container_options opts;
        int r = cli_container_options(cmd, g, argc, argv, true, &opts);
        if (r >= 0)
                return r;
        struct berth_error err = { 0 };
        int exit_code = 0;
        if (container_run(&opts, &exit_code, &err) < 0)
                return cli_fail(&err);
        return exit_code;
}

const struct command command_run = {
        .name = "run",
        .forks_init = true,
        .args = "<container-id>",
        .summary = "create and start a container, and wait for it unless detached",
        .help = "Create the container <container-id> from the bundle and start it.  In the\n"
                "foreground berth forwards signals to the container's process, waits for it,\n"
                "deletes the container and exits with the process's exit code (128+N when\n"
                "signal N killed it).\n"
                "\n"
                "Options:\n"
                "  -b, --bundle DIR        the bundle directory (default: the current directory)\n"
                "  -d, --detach            return once the container is running\n"
                "  --keep                  do not delete the container after it exits\n"
                "  --console-socket PATH   AF_UNIX socket that receives the pseudoterminal's\n"
                "                          master fd when process.terminal is true\n"
                "  --pid-file FILE         write the container process's pid to FILE\n"
                "  --no-pivot              do not use pivot_root (for a rootfs on a ramdisk)\n"
                "  --no-new-keyring        keep berth's session keyring instead of a new one\n"
                "  --preserve-fds N        pass file descriptors 3 .. 3+N-1 to the container\n"
                "  --no-subreaper          accepted for runc compatibility (berth is never a\n"
                "                          subreaper)\n"
                "  -h, --help              show this help\n",
        .run = run_run,
};
