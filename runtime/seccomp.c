/* placeholder: being written (the seccomp helper replaces this file). */
#include "runtime/seccomp.h"

int seccomp_program_build(const struct oci_config *cfg, struct seccomp_program **out,
                          struct berth_error *err)
{
        *out = NULL;
        if (cfg->linux_.has_seccomp)
                return berth_error_new(err, ENOTSUP, "config.json: /linux/seccomp: not supported yet");
        return 0;
}

int seccomp_program_load(const struct seccomp_program *prog, int *notify_fd, struct berth_error *err)
{
        (void) prog;
        (void) err;
        *notify_fd = -1;
        return 0;
}

bool seccomp_program_notifies(const struct seccomp_program *prog)
{
        (void) prog;
        return false;
}

void seccomp_program_free(struct seccomp_program *prog)
{
        (void) prog;
}

int seccomp_notify_listener(const struct oci_config *cfg, const char *state_json, int notify_fd,
                            struct berth_error *err)
{
        (void) cfg;
        (void) state_json;
        (void) notify_fd;
        return berth_error_new(err, ENOTSUP, "seccomp listener: not supported yet");
}
