/* The one channel between berth and the container's init: a SOCK_SEQPACKET
 * socketpair carrying fixed-size messages, so every message arrives whole
 * and a dead peer reads as end-of-file. */
#pragma once

#include <stddef.h>

#include "common/error.h"

enum sync_type {
        SYNC_GO = 1,     /* berth -> init: mappings written, cgroup placed; set up */
        SYNC_READY,      /* init -> berth: set up, waiting for start */
        SYNC_START,      /* berth -> init (run): exec the process now */
        SYNC_ERROR,      /* init -> berth: set-up failed, the message says why */
        SYNC_HOOKS,      /* init -> berth: mounts done; run prestart/createRuntime hooks */
        SYNC_HOOKS_DONE, /* berth -> init: those hooks succeeded */
        SYNC_STATE,      /* berth -> init: state documents for the init's own hooks */
        SYNC_TERMINAL,   /* init -> berth (run): the terminal's master, SCM_RIGHTS */
        SYNC_SECCOMP,    /* init -> berth: the seccomp notify fd, for listenerPath */
        SYNC_IDMAPPED,   /* berth -> init: an idmapped mount's detached tree, SCM_RIGHTS */
        SYNC_PID,        /* exec's helper -> berth: the process's pid (in code) */
};

struct sync_msg {
        int type;
        int code;                     /* errno of SYNC_ERROR */
        char msg[BERTH_ERROR_MAX];    /* text of SYNC_ERROR */
};

/* Both ends, CLOEXEC. */
int sync_pair(int fds[2], struct berth_error *err);

int sync_send(int fd, enum sync_type type, struct berth_error *err);

/* Send `failure` (the init's error) to berth. */
int sync_send_error(int fd, const struct berth_error *failure);

/* A message of any size (up to the socket buffer) for SYNC_STATE. */
int sync_send_data(int fd, enum sync_type type, const char *data, size_t len, struct berth_error *err);
/* Receive a SYNC_STATE-like message of `expected` type; *data is malloc'd
 * and NUL-terminated. */
int sync_expect_data(int fd, enum sync_type expected, char **data, size_t *len, struct berth_error *err);

/* SYNC_TERMINAL: the init passes an fd. */
int sync_send_fd(int fd, enum sync_type type, int passfd, struct berth_error *err);
/* Receive a message of type `expected` carrying an fd; SYNC_ERROR becomes
 * *err as with sync_expect. */
int sync_expect_fd(int fd, enum sync_type expected, int *passfd, struct berth_error *err);

/* A message carrying a number in its code field (SYNC_PID). */
int sync_send_code(int fd, enum sync_type type, int code, struct berth_error *err);
int sync_expect_code(int fd, enum sync_type expected, int *code, struct berth_error *err);

/* After READY: wait until the peer's end closes, which its close-on-exec
 * does at a successful execve.  A SYNC_ERROR first (the exec or a last
 * step failed) becomes *err. */
int sync_wait_exec(int fd, struct berth_error *err);

/* Receive one message and check it is `expected`.  SYNC_ERROR becomes
 * *err with the init's own message; end-of-file means the peer died. */
int sync_expect(int fd, enum sync_type expected, struct berth_error *err);
