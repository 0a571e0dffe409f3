/* libFuzzer harness for the config.json parser: any bytes go through
 * oci_config_parse_data() and, when they parse, through the checks that
 * touch nothing outside the process (the cgroup resources' plan, the
 * seccomp filter's compilation), as `berth create` runs them before it
 * acts; and through oci_resources_parse_data(), as `berth update
 * --resources` reads them.
 * Built by configure --enable-fuzzing; run by tests/fuzz/run.sh. */
#include <stddef.h>
#include <stdint.h>
#include <sanitizer/lsan_interface.h>

#include "cgroups/resources.h"
#include "common/cleanup.h"
#include "oci/config.h"
#include "runtime/seccomp.h"
#include "tests/fuzz/fuzz.h"

/* A parsed config holds what the rest of berth relies on. */
static void check_parsed(const struct oci_config *cfg)
{
        struct berth_error err = { 0 };
        FUZZ_ASSERT(cfg->oci_version && cfg->root.path && *cfg->root.path, &err);
        for (size_t i = 0; i < cfg->n_mounts; i++)
                FUZZ_ASSERT(cfg->mounts[i].destination && cfg->mounts[i].destination[0] == '/',
                            &err);
        if (cfg->has_process)
                FUZZ_ASSERT(!cfg->process.args || cfg->process.args[0], &err);
}

static void validate(const struct oci_config *cfg)
{
        struct berth_error err = { 0 };
        if (cfg->has_linux && cfg->linux_.has_resources) {
                int r = cgroup_resources_validate(&cfg->linux_.resources, &err);
                fuzz_check_result(r, &err, "config.json: ");
        }
        berth_error_clear(&err);
        /* libseccomp 2.5.4 (Debian 12) leaks rule nodes for some rule sets
         * (a conditional rule on accept, then one on socketcall, on x86):
         * its leaks are not berth's.  A crash or UB here still counts. */
        __lsan_disable();
        struct seccomp_program *prog = NULL;
        int r = seccomp_program_build(cfg, &prog, &err);
        seccomp_program_free(prog);
        __lsan_enable();
        fuzz_check_result(r, &err, NULL);
}

/* The same bytes as `berth update --resources FILE` reads them: a
 * linux.resources object on its own. */
static void fuzz_resources(const uint8_t *data, size_t size)
{
        struct berth_error err = { 0 };
        struct oci_resources res = { 0 };
        int r = oci_resources_parse_data((const char *) data, size, "resources.json", &res, &err);
        fuzz_check_result(r, &err, "resources.json: ");
        if (r < 0)
                return;
        fuzz_check_result(cgroup_resources_validate(&res, &err), &err, NULL);
        oci_resources_release(&res);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct berth_error err = { 0 };
        _cleanup_config_ struct oci_config *cfg = NULL;
        int r = oci_config_parse_data((const char *) data, size, "config.json", &cfg, &err);
        fuzz_check_result(r, &err, "config.json: ");
        if (r < 0) {
                FUZZ_ASSERT(!cfg, &err);
        } else {
                check_parsed(cfg);
                validate(cfg);
        }
        fuzz_resources(data, size);
        return 0;
}
