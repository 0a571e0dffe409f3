/* The one channel between berth and the container's init: a SOCK_SEQPACKET
 * socketpair carrying fixed-size messages, so every message arrives whole
 * and a dead peer reads as end-of-file. */
#pragma once

#include "common/error.h"

enum sync_type {
        SYNC_GO = 1,     /* berth -> init: mappings written, cgroup placed; set up */
        SYNC_READY,      /* init -> berth: set up, waiting for start */
        SYNC_START,      /* berth -> init (run): exec the process now */
        SYNC_ERROR,      /* init -> berth: set-up failed, the message says why */
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

/* Receive one message and check it is `expected`.  SYNC_ERROR becomes
 * *err with the init's own message; end-of-file means the peer died. */
int sync_expect(int fd, enum sync_type expected, struct berth_error *err);
