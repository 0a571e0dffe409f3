/* process.terminal: the pseudo-terminal is created inside the container
 * (from its own /dev/ptmx), its slave becomes the process's stdio and
 * controlling terminal, and the master goes to whoever asked: the
 * --console-socket (containerd, podman) or berth run itself, which then
 * copies between the user's terminal and the container's. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"
#include "oci/config.h"

/* In the init, after pivot_root (or in an exec'd process): open the pty,
 * make the slave stdin, stdout, stderr and the controlling terminal, and
 * with `as_console` (the init only) bind it over /dev/console; return the
 * master. */
int terminal_create_in_container(const struct oci_process *proc, bool as_console, int *master,
                                 struct berth_error *err);

/* Hand the master to whoever asked: the --console-socket when connected
 * (console_fd >= 0), else berth over the sync channel (SYNC_TERMINAL). */
int terminal_hand_over(int master, int console_fd, int sync_fd, struct berth_error *err);

/* Send the master to a --console-socket, named as runc names it. */
int terminal_send_master(int sock, int master, struct berth_error *err);

/* Connect to a --console-socket path. */
int console_socket_connect(const char *path, int *fd, struct berth_error *err);

/* berth run in the foreground with a terminal: the user's terminal goes raw
 * (when stdin is one) and gets the container's size; terminal_restore puts
 * it back. */
struct terminal_proxy {
        int master;
        bool stdin_is_tty;
        bool stdin_open;
        bool raw;
        _Alignas(8) char saved_termios[64];   /* struct termios, kept opaque here (aligned for it) */
};

void terminal_proxy_init(struct terminal_proxy *tp, int master);
/* Copy what is ready: stdin -> master, master -> stdout.  Returns false
 * once the master reports hang-up (the container's side closed). */
bool terminal_proxy_pump(struct terminal_proxy *tp, short stdin_events, short master_events);
/* SIGWINCH: give the container the user's terminal size. */
void terminal_proxy_resize(struct terminal_proxy *tp);
/* Copy whatever output is left, then restore the user's terminal. */
void terminal_proxy_finish(struct terminal_proxy *tp);
