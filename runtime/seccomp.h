/* linux.seccomp with libseccomp: the filter is compiled in berth, before
 * anything is created (so a bad profile leaves nothing behind), and loaded
 * by the container's init as late as it can. */
#pragma once

#include <stdbool.h>

#include "common/error.h"
#include "oci/config.h"

struct seccomp_program;

/* Compile cfg->linux_.seccomp; *out is NULL when the config has none. */
int seccomp_program_build(const struct oci_config *cfg, struct seccomp_program **out,
                          struct berth_error *err);

/* In the init: load the filter.  *notify_fd is the listener fd when the
 * profile uses SCMP_ACT_NOTIFY, else -1.  Needs no_new_privs already set
 * or CAP_SYS_ADMIN still held (see init.c for the order). */
int seccomp_program_load(const struct seccomp_program *prog, int *notify_fd, struct berth_error *err);

void seccomp_program_free(struct seccomp_program *prog);

/* Whether loading yields a notify fd (some rule's action is SCMP_ACT_NOTIFY):
 * berth and the init both ask, so they agree on a SYNC_SECCOMP message. */
bool seccomp_program_notifies(const struct seccomp_program *prog);

/* In berth: hand the notify fd to linux.seccomp.listenerPath with the
 * container's process state (config-linux.md "The Container Process State"). */
int seccomp_notify_listener(const struct oci_config *cfg, const char *state_json, int notify_fd,
                            struct berth_error *err);

struct oci_state;
/* In berth, when `prog` notifies: receive the notify fd the process sent
 * over the sync channel (SYNC_SECCOMP) and hand it to the listener with
 * `st` as the state.  Nothing when prog is NULL or does not notify. */
int seccomp_pass_listener(const struct oci_config *cfg, const struct seccomp_program *prog, int sync_fd,
                          const struct oci_state *st, struct berth_error *err);
