/* Loading libsystemd on demand (see sd_bus_loader.h). */
#include "cgroups/sd_bus_loader.h"

#include <dlfcn.h>
#include <errno.h>

#define LIBSYSTEMD "libsystemd.so.0"

const struct sd_bus_api *sdbus;

int sd_bus_load(struct berth_error *err)
{
        static struct sd_bus_api api;
        if (sdbus)
                return 0;
        void *lib = dlopen(LIBSYSTEMD, RTLD_NOW | RTLD_LOCAL);
        if (!lib)
                return berth_error_new(err, ENOENT, "--systemd-cgroup: cannot load " LIBSYSTEMD " (%s): "
                                       "apt-get install libsystemd0", dlerror());
#define SD_BUS_LOADER_FIND(name)                                                                       \
        if (!(api.name = (__typeof__(name) *) dlsym(lib, #name)))                                      \
                return berth_error_new(err, ENOSYS, "--systemd-cgroup: " LIBSYSTEMD " has no " #name   \
                                       ": it is older than systemd 245, which berth needs");
        SD_BUS_LOADER_FUNCTIONS(SD_BUS_LOADER_FIND)
#undef SD_BUS_LOADER_FIND
        sdbus = &api;
        return 0;
}
