/* Bringing up the loopback device of a new network namespace through
 * rtnetlink (libmnl): one RTM_NEWLINK request, then wait for its ACK. */
#include "namespaces/ns.h"

#include <net/if.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>

#include "common/cleanup.h"

static void mnl_socket_closep(struct mnl_socket **nl)
{
        if (*nl)
                mnl_socket_close(*nl);
}

/* Every namespace's loopback device gets ifindex 1 (LOOPBACK_IFINDEX, Linux
 * 3.7), which spares an if_nametoindex() round trip. */
#define LOOPBACK_IFINDEX 1

int net_loopback_up(struct berth_error *err)
{
        _cleanup_(mnl_socket_closep) struct mnl_socket *nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
        if (!nl)
                return berth_error_errno(err, errno, "bring up lo: open rtnetlink socket");
        if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
                return berth_error_errno(err, errno, "bring up lo: bind rtnetlink socket");

        char buf[MNL_SOCKET_BUFFER_SIZE];
        struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
        nlh->nlmsg_type = RTM_NEWLINK;
        nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
        nlh->nlmsg_seq = 1;
        struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
        ifi->ifi_family = AF_UNSPEC;
        ifi->ifi_index = LOOPBACK_IFINDEX;
        ifi->ifi_flags = IFF_UP;
        ifi->ifi_change = IFF_UP;

        if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
                return berth_error_errno(err, errno, "bring up lo: send RTM_NEWLINK");
        ssize_t n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
        if (n < 0)
                return berth_error_errno(err, errno, "bring up lo: receive the netlink reply");
        /* mnl_cb_run turns an NLMSG_ERROR reply into -1 with errno set. */
        if (mnl_cb_run(buf, (size_t) n, 1, mnl_socket_get_portid(nl), NULL, NULL) < 0)
                return berth_error_errno(err, errno, "bring up lo");
        return 0;
}
