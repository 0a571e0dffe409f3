/* libsystemd, loaded only when the systemd driver needs it.  Linked in,
 * libsystemd and what it pulls (libgcrypt, liblzma, libzstd, liblz4) cost
 * every berth command about 2.7 ms of dynamic loading and 1.2 MB of
 * memory, for a driver most containers never use; dlopen()ed, only a
 * --systemd-cgroup create, delete or update pays.  The headers still come
 * from libsystemd-dev: the types and signatures are systemd's own. */
#pragma once

#include <systemd/sd-bus.h>
#include <systemd/sd-daemon.h>

#include "common/error.h"

/* Every libsystemd function berth calls, once. */
#define SD_BUS_LOADER_FUNCTIONS(X)                                                                         \
        X(sd_booted) X(sd_bus_open_system) X(sd_bus_flush_close_unref) X(sd_bus_call) X(sd_bus_call_method) \
        X(sd_bus_get_property_string) X(sd_bus_match_signal) X(sd_bus_process) X(sd_bus_wait)               \
        X(sd_bus_message_new_method_call) X(sd_bus_message_append) X(sd_bus_message_append_array)           \
        X(sd_bus_message_open_container) X(sd_bus_message_close_container) X(sd_bus_message_read)           \
        X(sd_bus_message_unref) X(sd_bus_slot_unref) X(sd_bus_error_free) X(sd_bus_error_has_name)           \
        X(sd_bus_error_is_set)

struct sd_bus_api {
#define SD_BUS_LOADER_FIELD(name) __typeof__(name) *name;
        SD_BUS_LOADER_FUNCTIONS(SD_BUS_LOADER_FIELD)
#undef SD_BUS_LOADER_FIELD
};

/* NULL until sd_bus_load() succeeded. */
extern const struct sd_bus_api *sdbus;

/* dlopen libsystemd.so.0 and find every function above (once). */
int sd_bus_load(struct berth_error *err);

/* Cleanup functions through the loaded library (sd-bus.h's own would link
 * it); each is a no-op on NULL, so they are safe before the load. */
static inline void sd_bus_loaded_flush_close_unrefp(sd_bus **bus)
{
        if (*bus)
                sdbus->sd_bus_flush_close_unref(*bus);
}

static inline void sd_bus_loaded_message_unrefp(sd_bus_message **m)
{
        if (*m)
                sdbus->sd_bus_message_unref(*m);
}

static inline void sd_bus_loaded_slot_unrefp(sd_bus_slot **slot)
{
        if (*slot)
                sdbus->sd_bus_slot_unref(*slot);
}

static inline void sd_bus_loaded_error_free(sd_bus_error *e)
{
        if (sdbus)
                sdbus->sd_bus_error_free(e);
}
