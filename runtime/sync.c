/* The berth <-> init sync channel (see sync.h). */
#include "runtime/sync.h"

#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/util.h"

static const char *sync_type_name(int type)
{
        switch (type) {
        case SYNC_GO:    return "go";
        case SYNC_READY: return "ready";
        case SYNC_START: return "start";
        case SYNC_ERROR: return "error";
        case SYNC_HOOKS: return "hooks";
        case SYNC_HOOKS_DONE: return "hooks done";
        case SYNC_STATE: return "state";
        case SYNC_TERMINAL: return "terminal";
        case SYNC_SECCOMP: return "seccomp";
        case SYNC_IDMAPPED: return "idmapped mount";
        case SYNC_PID: return "pid";
        }
        return "unknown";
}

int sync_pair(int fds[2], struct berth_error *err)
{
        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) < 0)
                return berth_error_errno(err, errno, "socketpair");
        return 0;
}

static int send_msg(int fd, const struct sync_msg *m)
{
        /* Only the used part of msg travels; SEQPACKET keeps the boundary. */
        size_t len = offsetof(struct sync_msg, msg) + strnlen(m->msg, sizeof(m->msg)) + 1;
        /* write(), not send(): the init sends READY after the container's
         * seccomp filter is loaded, and profiles that deny the socket
         * syscalls (sendto, recvfrom) still allow write and read.  berth
         * itself ignores SIGPIPE (cmd/main.c), so a dead init is EPIPE. */
        for (;;) {
                ssize_t n = write(fd, m, len);
                if (n >= 0)
                        return 0;
                if (errno != EINTR)
                        return -errno;
        }
}

int sync_send(int fd, enum sync_type type, struct berth_error *err)
{
        struct sync_msg m = { .type = type };
        int r = send_msg(fd, &m);
        if (r < 0)
                return berth_error_errno(err, -r, "sync: send %s", sync_type_name(type));
        return 0;
}

int sync_send_code(int fd, enum sync_type type, int code, struct berth_error *err)
{
        struct sync_msg m = { .type = type, .code = code };
        int r = send_msg(fd, &m);
        if (r < 0)
                return berth_error_errno(err, -r, "sync: send %s", sync_type_name(type));
        return 0;
}

int sync_send_error(int fd, const struct berth_error *failure)
{
        struct sync_msg m = { .type = SYNC_ERROR, .code = failure->code };
        memcpy(m.msg, failure->msg, sizeof(m.msg));
        return send_msg(fd, &m);
}

int sync_send_fd(int fd, enum sync_type type, int passfd, struct berth_error *err)
{
        struct sync_msg m = { .type = type };
        int r = send_with_fd(fd, &m, offsetof(struct sync_msg, msg) + 1, passfd);
        if (r < 0)
                return berth_error_errno(err, -r, "sync: send %s", sync_type_name(type));
        return 0;
}

/* Turn a received message into 0 or the error it stands for. */
static int check_message(struct sync_msg *m, ssize_t n, enum sync_type expected, struct berth_error *err)
{
        if (n < 0)
                return berth_error_errno(err, errno, "sync: wait for %s", sync_type_name(expected));
        if (n == 0)
                return berth_error_new(err, EPIPE, "the container's init exited while berth waited for %s",
                                       sync_type_name(expected));
        if ((size_t) n < offsetof(struct sync_msg, msg) + 1)
                return berth_error_new(err, EPROTO, "sync: short message");
        m->msg[sizeof(m->msg) - 1] = '\0';
        if (m->type == SYNC_ERROR)
                return berth_error_new(err, m->code > 0 ? m->code : EINVAL, "%s", m->msg);
        if (m->type != (int) expected)
                return berth_error_new(err, EPROTO, "sync: expected %s, got %s",
                                       sync_type_name(expected), sync_type_name(m->type));
        return 0;
}

/* Receive one message, and the fd passed with it if any (else -1). */
static ssize_t receive(int fd, struct sync_msg *m, int *passfd)
{
        struct iovec iov = { .iov_base = m, .iov_len = sizeof(*m) };
        union {
                char buf[CMSG_SPACE(sizeof(int))];
                struct cmsghdr align;
        } control;
        struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
                              .msg_control = control.buf, .msg_controllen = sizeof(control.buf) };
        ssize_t n;
        do
                n = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);
        while (n < 0 && errno == EINTR);
        *passfd = -1;
        struct cmsghdr *c = n > 0 ? CMSG_FIRSTHDR(&msg) : NULL;
        if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
                memcpy(passfd, CMSG_DATA(c), sizeof(int));
        return n;
}

int sync_expect_fd(int fd, enum sync_type expected, int *passfd, struct berth_error *err)
{
        struct sync_msg m;
        ssize_t n = receive(fd, &m, passfd);
        int r = check_message(&m, n, expected, err);
        if (r < 0 && *passfd >= 0) {
                close(*passfd);
                *passfd = -1;
        }
        if (r == 0 && *passfd < 0)
                return berth_error_new(err, EPROTO, "sync: %s came without its fd", sync_type_name(expected));
        return r;
}

int sync_expect(int fd, enum sync_type expected, struct berth_error *err)
{
        /* read(), for the same reason as write() in send_msg: the init
         * waits for START under the container's seccomp filter. */
        struct sync_msg m;
        ssize_t n;
        do
                n = read(fd, &m, sizeof(m));
        while (n < 0 && errno == EINTR);
        return check_message(&m, n, expected, err);
}

int sync_expect_code(int fd, enum sync_type expected, int *code, struct berth_error *err)
{
        struct sync_msg m;
        ssize_t n;
        do
                n = read(fd, &m, sizeof(m));
        while (n < 0 && errno == EINTR);
        int r = check_message(&m, n, expected, err);
        if (r == 0)
                *code = m.code;
        return r;
}

int sync_wait_exec(int fd, struct berth_error *err)
{
        struct sync_msg m;
        ssize_t n;
        do
                n = read(fd, &m, sizeof(m));
        while (n < 0 && errno == EINTR);
        if (n == 0)
                return 0;
        /* Anything but end-of-file is a failure: SYNC_ERROR says which,
         * another message is a protocol error. */
        return check_message(&m, n, SYNC_ERROR, err);
}

int sync_send_data(int fd, enum sync_type type, const char *data, size_t len, struct berth_error *err)
{
        _cleanup_free_ char *buf = xmalloc0(sizeof(int) + len);
        int t = type;
        memcpy(buf, &t, sizeof(t));
        memcpy(buf + sizeof(t), data, len);
        ssize_t n;
        do
                n = send(fd, buf, sizeof(t) + len, MSG_NOSIGNAL);
        while (n < 0 && errno == EINTR);
        if (n < 0)
                return berth_error_errno(err, errno, "sync: send %s", sync_type_name(type));
        return 0;
}

int sync_expect_data(int fd, enum sync_type expected, char **data, size_t *len, struct berth_error *err)
{
        ssize_t size;
        /* MSG_PEEK|MSG_TRUNC gives the whole packet's size without taking it. */
        do
                size = recv(fd, NULL, 0, MSG_PEEK | MSG_TRUNC);
        while (size < 0 && errno == EINTR);
        if (size < 0)
                return berth_error_errno(err, errno, "sync: wait for %s", sync_type_name(expected));
        if (size == 0)
                return berth_error_new(err, EPIPE, "berth exited while the init waited for %s",
                                       sync_type_name(expected));
        _cleanup_free_ char *buf = xmalloc0((size_t) size + 1);
        ssize_t n;
        do
                n = recv(fd, buf, (size_t) size, 0);
        while (n < 0 && errno == EINTR);
        if (n < (ssize_t) sizeof(int))
                return berth_error_new(err, EPROTO, "sync: short %s message", sync_type_name(expected));
        int t;
        memcpy(&t, buf, sizeof(t));
        if (t != (int) expected)
                return berth_error_new(err, EPROTO, "sync: expected %s, got %s", sync_type_name(expected),
                                       sync_type_name(t));
        size_t payload = (size_t) n - sizeof(t);
        memmove(buf, buf + sizeof(t), payload);
        buf[payload] = '\0';
        if (len)
                *len = payload;
        *data = steal_pointer(&buf);
        return 0;
}
