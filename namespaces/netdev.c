/* linux.netDevices (namespaces/netdev.h): each listed host interface moves
 * into the container's network namespace under its new name, keeps its
 * permanent global addresses and comes up there, all through rtnetlink
 * (libmnl).
 *
 * At the container's end berth does nothing, as the spec asks: the kernel
 * destroys the namespace with its last process, moving physical devices
 * back to the initial namespace (under their container name) and
 * destroying virtual ones.  Only a failure half way through the moves is
 * undone here, so a refused create leaves the host's interfaces where they
 * were. */
#include "namespaces/netdev.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "common/cleanup.h"
#include "common/log.h"
#include "common/util.h"

/* ---- rtnetlink requests ---------------------------------------------------------- */

/* Requests are small (a header and a few attributes); replies, dumps
 * above all, get a buffer of their own. */
#define REQUEST_SIZE 512

struct rtnl {
        struct mnl_socket *nl;
        unsigned seq;
        char ext_msg[256];     /* the kernel's extended ACK message of the last error */
};

static void rtnl_close(struct rtnl *rt)
{
        if (rt->nl)
                mnl_socket_close(rt->nl);
        rt->nl = NULL;
}

static int rtnl_open(struct rtnl *rt, struct berth_error *err)
{
        *rt = (struct rtnl) { 0 };
        rt->nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
        if (!rt->nl)
                return berth_error_errno(err, errno, "open an rtnetlink socket");
        if (mnl_socket_bind(rt->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
                int e = errno;
                rtnl_close(rt);
                return berth_error_errno(err, e, "bind an rtnetlink socket");
        }
        /* The kernel then says why it refused ("The interface netns is
         * immutable"), not just EINVAL.  Older kernels lack it: no matter. */
        int on = 1;
        setsockopt(mnl_socket_get_fd(rt->nl), SOL_NETLINK, NETLINK_EXT_ACK, &on, sizeof(on));
        return 0;
}

/* A netlink socket belongs to the network namespace it was made in: berth
 * enters `ns_fd` just long enough to make one there. */
static int rtnl_open_in(struct rtnl *rt, int ns_fd, struct berth_error *err)
{
        _cleanup_close_ int own = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
        if (own < 0)
                return berth_error_errno(err, errno, "open /proc/thread-self/ns/net");
        if (setns(ns_fd, CLONE_NEWNET) < 0)
                return berth_error_errno(err, errno, "enter the container's network namespace");
        int r = rtnl_open(rt, err);
        if (setns(own, CLONE_NEWNET) < 0) {
                int e = errno;
                rtnl_close(rt);
                return berth_error_errno(err, e, "return to berth's network namespace");
        }
        return r;
}

static void rtnl_closep(struct rtnl *rt)
{
        rtnl_close(rt);
}
#define _cleanup_rtnl_ _cleanup_(rtnl_closep)

static int extack_attr(const struct nlattr *attr, void *data)
{
        struct rtnl *rt = data;
        if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG && mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
                snprintf(rt->ext_msg, sizeof(rt->ext_msg), "%s", mnl_attr_get_str(attr));
        return MNL_CB_OK;
}

struct talk {
        struct rtnl *rt;
        mnl_cb_t cb;
        void *data;
};

static int talk_data(const struct nlmsghdr *nlh, void *data)
{
        struct talk *t = data;
        return t->cb ? t->cb(nlh, t->data) : MNL_CB_OK;
}

/* NLMSG_ERROR: an ACK (error 0) ends the request; an error keeps the
 * kernel's message, which follows the echoed request unless capped. */
static int talk_error(const struct nlmsghdr *nlh, void *data)
{
        struct talk *t = data;
        const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
        if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e))) {
                errno = EBADMSG;
                return MNL_CB_ERROR;
        }
        if (e->error == 0)
                return MNL_CB_STOP;
        if (nlh->nlmsg_flags & NLM_F_ACK_TLVS) {
                size_t offset = sizeof(*e);
                if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
                        offset += e->msg.nlmsg_len - sizeof(struct nlmsghdr);
                if (mnl_nlmsg_size(offset) <= nlh->nlmsg_len)
                        mnl_attr_parse(nlh, (unsigned) offset, extack_attr, t->rt);
        }
        errno = -e->error;
        return MNL_CB_ERROR;
}

/* NLMSG_DONE ends a dump; a dump that failed part way says so in it. */
static int talk_done(const struct nlmsghdr *nlh, void *data)
{
        (void) data;
        if (nlh->nlmsg_len >= mnl_nlmsg_size(sizeof(int))) {
                const int *error = mnl_nlmsg_get_payload(nlh);
                if (*error < 0) {
                        errno = -*error;
                        return MNL_CB_ERROR;
                }
        }
        return MNL_CB_STOP;
}

/* Send one request (always with NLM_F_ACK or NLM_F_DUMP) and read replies,
 * each given to `cb`, up to its ACK or the end of the dump.  0 or a
 * negative errno; rt->ext_msg may then say more. */
static int rtnl_talk(struct rtnl *rt, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
        rt->ext_msg[0] = '\0';
        nlh->nlmsg_seq = ++rt->seq;
        if (mnl_socket_sendto(rt->nl, nlh, nlh->nlmsg_len) < 0)
                return -errno;
        struct talk t = { .rt = rt, .cb = cb, .data = data };
        /* With a table of its own libmnl runs no default for the others. */
        mnl_cb_t ctl[NLMSG_MIN_TYPE] = { [NLMSG_ERROR] = talk_error, [NLMSG_DONE] = talk_done };
        unsigned portid = mnl_socket_get_portid(rt->nl);
        char buf[32768];
        int r;
        do {
                ssize_t n = mnl_socket_recvfrom(rt->nl, buf, sizeof(buf));
                if (n < 0)
                        return -errno;
                r = mnl_cb_run2(buf, (size_t) n, rt->seq, portid, talk_data, &t, ctl, NLMSG_MIN_TYPE);
        } while (r == MNL_CB_OK);
        return r < 0 ? -errno : 0;
}

/* berth_error_errno with the kernel's own words when it gave some. */
static int rtnl_error(struct berth_error *err, const struct rtnl *rt, int r, const char *what)
{
        if (rt->ext_msg[0])
                return berth_error_errno(err, -r, "%s: %s", what, rt->ext_msg);
        return berth_error_errno(err, -r, "%s", what);
}

static struct nlmsghdr *link_request(char *buf, uint16_t type, uint16_t flags, int index)
{
        struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
        nlh->nlmsg_type = type;
        nlh->nlmsg_flags = NLM_F_REQUEST | flags;
        struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
        ifi->ifi_family = AF_UNSPEC;
        ifi->ifi_index = index;
        return nlh;
}

/* ---- what an interface is ---------------------------------------------------------- */

#define HWADDR_MAX 32

struct link_info {
        int index;
        unsigned flags;        /* IFF_* */
        char name[IFNAMSIZ];
        unsigned char hwaddr[HWADDR_MAX];
        size_t hwaddr_len;
};

static int link_attr(const struct nlattr *attr, void *data)
{
        struct link_info *li = data;
        uint16_t len = mnl_attr_get_payload_len(attr);
        switch (mnl_attr_get_type(attr)) {
        case IFLA_IFNAME:
                if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
                        snprintf(li->name, sizeof(li->name), "%s", mnl_attr_get_str(attr));
                break;
        case IFLA_ADDRESS:
                li->hwaddr_len = len < HWADDR_MAX ? len : HWADDR_MAX;
                memcpy(li->hwaddr, mnl_attr_get_payload(attr), li->hwaddr_len);
                break;
        }
        return MNL_CB_OK;
}

static void link_info_parse(const struct nlmsghdr *nlh, struct link_info *li)
{
        const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
        *li = (struct link_info) { .index = ifi->ifi_index, .flags = ifi->ifi_flags };
        mnl_attr_parse(nlh, sizeof(*ifi), link_attr, li);
}

static int on_link(const struct nlmsghdr *nlh, void *data)
{
        if (nlh->nlmsg_type == RTM_NEWLINK)
                link_info_parse(nlh, data);
        return MNL_CB_OK;
}

/* The interface called `name` in the socket's namespace; -ENODEV if none. */
static int link_by_name(struct rtnl *rt, const char *name, struct link_info *li)
{
        char buf[REQUEST_SIZE];
        struct nlmsghdr *nlh = link_request(buf, RTM_GETLINK, NLM_F_ACK, 0);
        mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
        *li = (struct link_info) { .index = -1 };
        int r = rtnl_talk(rt, nlh, on_link, li);
        return r < 0 ? r : li->index > 0 ? 0 : -ENODEV;
}

/* An address worth keeping: permanent (set by someone, not learned) and
 * of global scope, as the spec asks (RFC 3549 2.3.3.2). */
struct saved_addr {
        unsigned char family, prefixlen;
        uint32_t flags;
        unsigned char local[16], address[16], broadcast[16];
        unsigned char local_len, address_len, broadcast_len;
};

struct addr_list {
        int index;             /* the interface whose addresses are wanted */
        struct saved_addr *addrs;
        size_t n;
};

static void addr_list_release(struct addr_list *l)
{
        free(l->addrs);
        l->addrs = NULL;
        l->n = 0;
}

static void copy_attr(const struct nlattr *attr, unsigned char *dst, unsigned char *len)
{
        uint16_t n = mnl_attr_get_payload_len(attr);
        *len = (unsigned char) (n < 16 ? n : 16);
        memcpy(dst, mnl_attr_get_payload(attr), *len);
}

static int addr_attr(const struct nlattr *attr, void *data)
{
        struct saved_addr *a = data;
        switch (mnl_attr_get_type(attr)) {
        case IFA_LOCAL:
                copy_attr(attr, a->local, &a->local_len);
                break;
        case IFA_ADDRESS:
                copy_attr(attr, a->address, &a->address_len);
                break;
        case IFA_BROADCAST:
                copy_attr(attr, a->broadcast, &a->broadcast_len);
                break;
        case IFA_FLAGS:
                if (mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
                        a->flags = mnl_attr_get_u32(attr);
                break;
        }
        return MNL_CB_OK;
}

static int on_addr(const struct nlmsghdr *nlh, void *data)
{
        struct addr_list *l = data;
        const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
        if (nlh->nlmsg_type != RTM_NEWADDR || (int) ifa->ifa_index != l->index)
                return MNL_CB_OK;
        struct saved_addr a = { .family = ifa->ifa_family, .prefixlen = ifa->ifa_prefixlen,
                                .flags = ifa->ifa_flags };
        mnl_attr_parse(nlh, sizeof(*ifa), addr_attr, &a);
        if (!(a.flags & IFA_F_PERMANENT) || ifa->ifa_scope != RT_SCOPE_UNIVERSE)
                return MNL_CB_OK;
        l->addrs = xrealloc(l->addrs, (l->n + 1) * sizeof(*l->addrs));
        l->addrs[l->n++] = a;
        return MNL_CB_OK;
}

static int addrs_of(struct rtnl *rt, int index, struct addr_list *l)
{
        char buf[REQUEST_SIZE];
        struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
        nlh->nlmsg_type = RTM_GETADDR;
        nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
        struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
        ifa->ifa_family = AF_UNSPEC;
        *l = (struct addr_list) { .index = index };
        return rtnl_talk(rt, nlh, on_addr, l);
}

/* The flags one may give RTM_NEWADDR (the rest describe state). */
#define SETTABLE_IFA_FLAGS \
        (IFA_F_NODAD | IFA_F_HOMEADDRESS | IFA_F_MANAGETEMPADDR | IFA_F_NOPREFIXROUTE | IFA_F_MCAUTOJOIN)

static int addr_add(struct rtnl *rt, int index, const struct saved_addr *a)
{
        char buf[REQUEST_SIZE];
        struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
        nlh->nlmsg_type = RTM_NEWADDR;
        nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
        struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
        ifa->ifa_family = a->family;
        ifa->ifa_prefixlen = a->prefixlen;
        ifa->ifa_scope = RT_SCOPE_UNIVERSE;
        ifa->ifa_index = (unsigned) index;
        if (a->local_len)
                mnl_attr_put(nlh, IFA_LOCAL, a->local_len, a->local);
        if (a->address_len)
                mnl_attr_put(nlh, IFA_ADDRESS, a->address_len, a->address);
        if (a->broadcast_len)
                mnl_attr_put(nlh, IFA_BROADCAST, a->broadcast_len, a->broadcast);
        if (a->flags & SETTABLE_IFA_FLAGS)
                mnl_attr_put_u32(nlh, IFA_FLAGS, a->flags & SETTABLE_IFA_FLAGS);
        return rtnl_talk(rt, nlh, NULL, NULL);
}

static const char *addr_text(const struct saved_addr *a, char *buf, size_t size)
{
        const unsigned char *ip = a->local_len ? a->local : a->address;
        char ipbuf[INET6_ADDRSTRLEN] = "?";
        inet_ntop(a->family, ip, ipbuf, sizeof(ipbuf));
        snprintf(buf, size, "add address %s/%u", ipbuf, a->prefixlen);
        return buf;
}

/* ---- new names ---------------------------------------------------------------------- */

static const char *new_name_of(const struct oci_net_device *d)
{
        return d->new_name && *d->new_name ? d->new_name : d->name;
}

/* "eth%d": the kernel picks the first free number.  It takes one "%d"
 * and no other '%'. */
static bool is_template(const char *name)
{
        return strchr(name, '%') != NULL;
}

static bool valid_template(const char *name)
{
        const char *p = strchr(name, '%');
        return !p || (p[1] == 'd' && !strchr(p + 2, '%'));
}

/* Does `name` fit the template "pre%dpost"? */
static bool fits_template(const char *tmpl, const char *name)
{
        const char *pct = strchr(tmpl, '%');
        size_t pre = (size_t) (pct - tmpl);
        const char *post = pct + 2;
        size_t n = strlen(name), npost = strlen(post);
        if (strncmp(name, tmpl, pre) != 0 || n < pre + npost + 1 || strcmp(name + n - npost, post) != 0)
                return false;
        for (size_t i = pre; i < n - npost; i++)
                if (name[i] < '0' || name[i] > '9')
                        return false;
        return true;
}

/* An interface name as a JSON pointer token ('~' is the only character of
 * RFC 6901's two that an interface name may hold). */
static char *pointer_token(const char *name)
{
        char *out = xmalloc0(2 * strlen(name) + 1), *o = out;
        for (const char *c = name; *c; c++) {
                *o++ = *c;
                if (*c == '~')
                        *o++ = '0';
        }
        return out;
}

/* ---- moving one interface ---------------------------------------------------------- */

struct find_moved {
        const char *name;      /* the new name, maybe a template */
        int old_index;
        const struct link_info *before;
        struct link_info found;
};

static int on_moved_candidate(const struct nlmsghdr *nlh, void *data)
{
        struct find_moved *f = data;
        if (nlh->nlmsg_type != RTM_NEWLINK)
                return MNL_CB_OK;
        struct link_info li;
        link_info_parse(nlh, &li);
        if (!fits_template(f->name, li.name) || li.hwaddr_len != f->before->hwaddr_len ||
            memcmp(li.hwaddr, f->before->hwaddr, li.hwaddr_len) != 0)
                return MNL_CB_OK;
        /* The kernel keeps the ifindex unless the namespace already uses it. */
        if (f->found.index <= 0 || li.index == f->old_index)
                f->found = li;
        return MNL_CB_OK;
}

/* Where the interface landed in `to`: by its name, or for a template the
 * interface of that shape with the same hardware address. */
static int find_moved(struct rtnl *to, const char *name, int old_index,
                      const struct link_info *before, struct link_info *found)
{
        if (!is_template(name))
                return link_by_name(to, name, found);
        char buf[REQUEST_SIZE];
        struct nlmsghdr *nlh = link_request(buf, RTM_GETLINK, NLM_F_DUMP, 0);
        struct find_moved f = { .name = name, .old_index = old_index, .before = before };
        int r = rtnl_talk(to, nlh, on_moved_candidate, &f);
        if (r < 0)
                return r;
        *found = f.found;
        return found->index > 0 ? 0 : -ENODEV;
}

static int link_set_up(struct rtnl *rt, int index)
{
        char buf[REQUEST_SIZE];
        struct nlmsghdr *nlh = link_request(buf, RTM_NEWLINK, NLM_F_ACK, index);
        struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
        ifi->ifi_flags = IFF_UP;
        ifi->ifi_change = IFF_UP;
        return rtnl_talk(rt, nlh, NULL, NULL);
}

/* What is known of an interface before it moves. */
struct snapshot {
        struct link_info link;
        struct addr_list addrs;
};

struct transfer {
        struct rtnl *from, *to;
        int to_ns_fd;
        int from_index;        /* the interface's index in `from` */
        const char *new_name;
        bool up;
};

/* Move, rename (in the same request, so the name never clashes on the way),
 * restore the addresses (a move drops them) and bring up.  Fills *index
 * with the interface's index in `to`. */
static int transfer(const struct transfer *t, const struct snapshot *snap, int *index,
                    struct berth_error *err)
{
        char buf[REQUEST_SIZE];
        struct nlmsghdr *nlh = link_request(buf, RTM_NEWLINK, NLM_F_ACK, t->from_index);
        mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t) t->to_ns_fd);
        mnl_attr_put_strz(nlh, IFLA_IFNAME, t->new_name);
        int r = rtnl_talk(t->from, nlh, NULL, NULL);
        if (r < 0)
                return rtnl_error(err, t->from, r, "move the interface");
        struct link_info moved;
        r = find_moved(t->to, t->new_name, t->from_index, &snap->link, &moved);
        if (r < 0)
                return rtnl_error(err, t->to, r, "find the interface after its move");
        *index = moved.index;
        for (size_t i = 0; i < snap->addrs.n; i++) {
                r = addr_add(t->to, moved.index, &snap->addrs.addrs[i]);
                char text[INET6_ADDRSTRLEN + 32];
                if (r < 0)
                        return rtnl_error(err, t->to, r,
                                          addr_text(&snap->addrs.addrs[i], text, sizeof(text)));
        }
        if (t->up && (r = link_set_up(t->to, moved.index)) < 0)
                return rtnl_error(err, t->to, r, "bring the interface up");
        return 0;
}

/* ---- the interface ------------------------------------------------------------------ */

static int open_netns(const struct oci_config *cfg, pid_t pid, int *fd, struct berth_error *err)
{
        const struct oci_namespace *ns = oci_config_namespace(cfg, OCI_NS_NETWORK);
        if (!ns)
                return berth_error_new(err, EINVAL, "config.json: /linux/netDevices: moving network "
                                       "devices needs a network namespace in /linux/namespaces");
        _cleanup_free_ char *proc_path = pid > 0 ? xasprintf("/proc/%d/ns/net", pid) : NULL;
        const char *path = ns->path ? ns->path : proc_path;
        *fd = open(path, O_RDONLY | O_CLOEXEC);
        if (*fd < 0)
                return berth_error_errno(err, errno, "config.json: /linux/netDevices: open the "
                                         "container's network namespace %s", path);
        return 0;
}

/* A namespace given by path must not be berth's own: the devices would
 * move nowhere (runc refuses it too). */
static int check_joined_netns(int ns_fd, const char *path, struct berth_error *err)
{
        struct stat own, target;
        if (stat("/proc/thread-self/ns/net", &own) < 0)
                return berth_error_errno(err, errno, "stat /proc/thread-self/ns/net");
        if (fstat(ns_fd, &target) < 0)
                return berth_error_errno(err, errno, "stat %s", path);
        if (own.st_dev == target.st_dev && own.st_ino == target.st_ino)
                return berth_error_new(err, EINVAL,
                                       "config.json: /linux/netDevices: the network namespace %s is "
                                       "the host's: moving devices needs the container's own", path);
        return 0;
}

/* The checks one device's new name needs against the others and, for a
 * namespace that already exists, against what it holds. */
static int check_new_name(const struct oci_config *cfg, size_t i, struct rtnl *joined,
                          struct berth_error *err)
{
        const struct oci_net_device *d = &cfg->linux_.net_devices[i];
        const char *name = new_name_of(d);
        _cleanup_free_ char *token = pointer_token(d->name);
        if (!valid_template(name))
                return berth_error_new(err, EINVAL, "config.json: /linux/netDevices/%s/name: \"%s\": "
                                       "a name template holds one %%d and no other %%", token, name);
        if (is_template(name))
                return 0;
        if (strcmp(name, "lo") == 0)
                return berth_error_new(err, EEXIST, "config.json: /linux/netDevices/%s: every "
                                       "network namespace already has \"lo\"", token);
        for (size_t j = 0; j < i; j++)
                if (strcmp(name, new_name_of(&cfg->linux_.net_devices[j])) == 0)
                        return berth_error_new(err, EEXIST, "config.json: /linux/netDevices/%s: "
                                               "\"%s\" is also the container name of %s", token,
                                               name, cfg->linux_.net_devices[j].name);
        struct link_info li;
        if (joined && link_by_name(joined, name, &li) == 0)
                return berth_error_new(err, EEXIST, "config.json: /linux/netDevices/%s: the "
                                       "container's network namespace already has \"%s\"", token, name);
        return 0;
}

int net_devices_validate(const struct oci_config *cfg, struct berth_error *err)
{
        const struct oci_linux *l = &cfg->linux_;
        if (l->n_net_devices == 0)
                return 0;
        const struct oci_namespace *ns = oci_config_namespace(cfg, OCI_NS_NETWORK);
        _cleanup_close_ int ns_fd = -1;
        _cleanup_rtnl_ struct rtnl joined = { 0 };
        int r;
        if (!ns || ns->path) {
                if ((r = open_netns(cfg, 0, &ns_fd, err)) < 0 ||
                    (r = check_joined_netns(ns_fd, ns->path, err)) < 0)
                        return r;
                if ((r = rtnl_open_in(&joined, ns_fd, err)) < 0)
                        return berth_error_prefix(err, "config.json: /linux/netDevices");
        }
        for (size_t i = 0; i < l->n_net_devices; i++) {
                const struct oci_net_device *d = &l->net_devices[i];
                if (if_nametoindex(d->name) == 0) {
                        _cleanup_free_ char *token = pointer_token(d->name);
                        return berth_error_errno(err, errno, "config.json: /linux/netDevices/%s: "
                                                 "no network interface \"%s\" on the host", token,
                                                 d->name);
                }
                r = check_new_name(cfg, i, joined.nl ? &joined : NULL, err);
                if (r < 0)
                        return r;
        }
        return 0;
}

struct mover {
        const struct oci_config *cfg;
        struct rtnl host, container;
        int host_ns, container_ns;
        struct snapshot *snaps;  /* one per device moved so far */
        int *moved_index;        /* its index in the container */
        size_t n_moved;
};

static int move_one(struct mover *m, const struct oci_net_device *d, struct berth_error *err)
{
        struct snapshot *snap = &m->snaps[m->n_moved];
        int r = link_by_name(&m->host, d->name, &snap->link);
        if (r < 0)
                return rtnl_error(err, &m->host, r, "find the interface on the host");
        r = addrs_of(&m->host, snap->link.index, &snap->addrs);
        if (r < 0)
                return rtnl_error(err, &m->host, r, "list the interface's addresses");
        const struct transfer t = {
                .from = &m->host, .to = &m->container, .to_ns_fd = m->container_ns,
                .from_index = snap->link.index, .new_name = new_name_of(d), .up = true,
        };
        int index = -1;
        r = transfer(&t, snap, &index, err);
        if (index > 0)
                m->moved_index[m->n_moved++] = index;
        else
                addr_list_release(&snap->addrs);
        return r;
}

/* After a failed move: the devices already in the container go back to
 * the host under their own names, with their addresses and up state. */
static void move_back(struct mover *m)
{
        while (m->n_moved > 0) {
                size_t i = --m->n_moved;
                struct snapshot *snap = &m->snaps[i];
                const struct transfer t = {
                        .from = &m->container, .to = &m->host, .to_ns_fd = m->host_ns,
                        .from_index = m->moved_index[i], .new_name = snap->link.name,
                        .up = snap->link.flags & IFF_UP,
                };
                struct berth_error err = { 0 };
                int index;
                if (transfer(&t, snap, &index, &err) < 0)
                        log_warning("netDevices: could not return %s to the host: %s",
                                    snap->link.name, err.msg);
                addr_list_release(&snap->addrs);
        }
}

static void mover_release(struct mover *m)
{
        for (size_t i = 0; i < m->n_moved; i++)
                addr_list_release(&m->snaps[i].addrs);
        free(m->snaps);
        free(m->moved_index);
        rtnl_close(&m->host);
        rtnl_close(&m->container);
        closep(&m->host_ns);
        closep(&m->container_ns);
}

static int mover_open(struct mover *m, pid_t pid, struct berth_error *err)
{
        size_t n = m->cfg->linux_.n_net_devices;
        m->snaps = xmalloc0(n * sizeof(*m->snaps));
        m->moved_index = xmalloc0(n * sizeof(*m->moved_index));
        m->host_ns = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
        if (m->host_ns < 0)
                return berth_error_errno(err, errno, "open /proc/thread-self/ns/net");
        int r = open_netns(m->cfg, pid, &m->container_ns, err);
        if (r < 0)
                return r;
        if ((r = rtnl_open(&m->host, err)) < 0 ||
            (r = rtnl_open_in(&m->container, m->container_ns, err)) < 0)
                return berth_error_prefix(err, "config.json: /linux/netDevices");
        return 0;
}

int net_devices_move(const struct oci_config *cfg, pid_t pid, struct berth_error *err)
{
        const struct oci_linux *l = &cfg->linux_;
        if (l->n_net_devices == 0)
                return 0;
        _cleanup_(mover_release) struct mover m = { .cfg = cfg, .host_ns = -1, .container_ns = -1 };
        int r = mover_open(&m, pid, err);
        if (r < 0)
                return r;
        for (size_t i = 0; i < l->n_net_devices; i++) {
                const struct oci_net_device *d = &l->net_devices[i];
                r = move_one(&m, d, err);
                if (r < 0) {
                        move_back(&m);
                        _cleanup_free_ char *token = pointer_token(d->name);
                        return berth_error_prefix(err, "config.json: /linux/netDevices/%s", token);
                }
                log_debug("netDevices: %s is %s in the container", d->name, new_name_of(d));
        }
        return 0;
}
