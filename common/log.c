/* runc-compatible logging: containerd's shim reads the last "error" line of
 * the --log file (json) to report why a command failed. */
#include "common/log.h"

#include <fcntl.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/util.h"

static int log_fd = -1;
static enum log_format log_fmt = LOG_FORMAT_TEXT;
static bool log_debug_on;

int log_init(const char *path, enum log_format format, bool debug)
{
        log_fmt = format;
        log_debug_on = debug;
        if (!path || !*path)
                return 0;
        int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
        if (fd < 0)
                return -errno;
        log_fd = fd;
        return 0;
}

bool log_debug_enabled(void)
{
        return log_debug_on;
}

int log_file_fd(void)
{
        return log_fd;
}

static void write_line(int fd, const char *level, const char *msg)
{
        char when[64];
        format_rfc3339_now(when, sizeof(when));
        if (log_fmt == LOG_FORMAT_JSON) {
                json_t *o = json_pack("{s:s, s:s, s:s}", "level", level, "msg", msg, "time", when);
                char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
                if (s) {
                        dprintf(fd, "%s\n", s);
                        free(s);
                }
                json_decref(o);
        } else {
                dprintf(fd, "time=\"%s\" level=%s msg=\"%s\"\n", when, level, msg);
        }
}

static void vlog(const char *level, bool to_stderr, const char *fmt, va_list ap)
{
        char msg[4096];
        vsnprintf(msg, sizeof(msg), fmt, ap);
        if (to_stderr)
                dprintf(STDERR_FILENO, "berth: %s\n", msg);
        if (log_fd >= 0)
                write_line(log_fd, level, msg);
}

void log_error(const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        vlog("error", true, fmt, ap);
        va_end(ap);
}

void log_warning(const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        vlog("warning", true, fmt, ap);
        va_end(ap);
}

void log_debug(const char *fmt, ...)
{
        if (!log_debug_on)
                return;
        va_list ap;
        va_start(ap, fmt);
        /* Debug lines go to the log file when there is one, else stderr. */
        vlog("debug", log_fd < 0, fmt, ap);
        va_end(ap);
}
