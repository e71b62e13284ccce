// SPDX-License-Identifier: MIT
/* One exact lookup per question: SOCK_DIAG_BY_FAMILY for a 4-tuple, no dump. */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "netns.h"

int diag_open(const char *name, char *err, size_t errlen)
{
	return netns_socket(name, AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG, err, errlen);
}

static int ask(int fd, int family, const uint8_t *local, uint16_t lport, const uint8_t *remote,
	       uint16_t rport)
{
	struct {
		struct nlmsghdr nlh;
		struct inet_diag_req_v2 req;
	} msg;
	size_t alen = family == AF_INET6 ? 16 : 4;

	memset(&msg, 0, sizeof(msg));
	msg.nlh.nlmsg_len = sizeof(msg);
	msg.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	msg.nlh.nlmsg_flags = NLM_F_REQUEST;
	msg.req.sdiag_family = (uint8_t)family;
	msg.req.sdiag_protocol = IPPROTO_TCP;
	msg.req.idiag_states = ~0U;
	msg.req.id.idiag_sport = htons(lport);
	msg.req.id.idiag_dport = htons(rport);
	memcpy(msg.req.id.idiag_src, local, alen);
	memcpy(msg.req.id.idiag_dst, remote, alen);
	msg.req.id.idiag_cookie[0] = INET_DIAG_NOCOOKIE;
	msg.req.id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
	return send(fd, &msg, sizeof(msg), 0) == (ssize_t)sizeof(msg) ? 0 : -1;
}

int diag_state(int fd, int family, const uint8_t *local, uint16_t lport, const uint8_t *remote,
	       uint16_t rport)
{
	char buf[8192];
	ssize_t n;

	if (fd < 0 || ask(fd, family, local, lport, remote, rport) < 0)
		return 0;
	n = recv(fd, buf, sizeof(buf), 0);
	return n <= 0 ? 0 : diag_reply_state(buf, (size_t)n);
}

int diag_reply_state(const void *buf, size_t n)
{
	const struct nlmsghdr *nlh = buf;
	struct inet_diag_msg m;

	if (n < sizeof(*nlh) || !NLMSG_OK(nlh, n) || nlh->nlmsg_type != SOCK_DIAG_BY_FAMILY ||
	    nlh->nlmsg_len < NLMSG_LENGTH(sizeof(m)))
		return 0; /* NLMSG_ERROR: no such socket; or a reply too short to be one */
	memcpy(&m, NLMSG_DATA(nlh), sizeof(m));
	/* No connection with that 4-tuple: the lookup fell back to a listener. */
	return m.idiag_state == TCP_LISTEN ? 0 : m.idiag_state;
}
