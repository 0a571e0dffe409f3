/* Logging as runc does it, so containerd and podman can read berth's logs:
 * --log FILE, --log-format text|json, --debug.  Errors go to stderr as one
 * line "berth: <what>: <why>" and, when --log is set, to the log file too. */
#pragma once

#include <stdbool.h>

enum log_format { LOG_FORMAT_TEXT, LOG_FORMAT_JSON };

/* path NULL: stderr only.  Returns 0 or a negative errno. */
int log_init(const char *path, enum log_format format, bool debug);

void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
bool log_debug_enabled(void);

/* The --log file's descriptor, or -1: the container's init keeps it. */
int log_file_fd(void);
