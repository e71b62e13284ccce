// SPDX-License-Identifier: MIT
/*
 * One exact lookup per question (SOCK_DIAG_BY_FAMILY for a 4-tuple), and
 * whole dumps for the summary, as ss makes them.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
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

static int ask_dump(int fd, int family)
{
	struct {
		struct nlmsghdr nlh;
		struct inet_diag_req_v2 req;
	} msg;

	memset(&msg, 0, sizeof(msg));
	msg.nlh.nlmsg_len = sizeof(msg);
	msg.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	msg.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	msg.req.sdiag_family = (uint8_t)family;
	msg.req.sdiag_protocol = IPPROTO_TCP;
	msg.req.idiag_states = ~0U;
	msg.req.idiag_ext = 1 << (INET_DIAG_INFO - 1);
	return send(fd, &msg, sizeof(msg), 0) == (ssize_t)sizeof(msg) ? 0 : -1;
}

/*
 * The time since anything last came in, from tcp_info among the attributes
 * after m (len bytes): the later of the last ACK taken and the last data,
 * since an ACK older than one already taken updates only the second; -1 if none.
 */
static int64_t last_heard_of(const struct rtattr *rta, int len)
{
	struct tcp_info info;

	for (; RTA_OK(rta, len); rta = RTA_NEXT(rta, len)) {
		size_t n = RTA_PAYLOAD(rta);

		if (rta->rta_type != INET_DIAG_INFO ||
		    n < offsetof(struct tcp_info, tcpi_last_ack_recv) + sizeof(info.tcpi_last_ack_recv))
			continue;
		memcpy(&info, RTA_DATA(rta), n < sizeof(info) ? n : sizeof(info));
		return info.tcpi_last_ack_recv < info.tcpi_last_data_recv ? info.tcpi_last_ack_recv
									     : info.tcpi_last_data_recv;
	}
	return -1;
}

static void sock_of(const struct nlmsghdr *nlh, struct diag_sock *s)
{
	struct inet_diag_msg m;
	size_t alen;

	memcpy(&m, NLMSG_DATA(nlh), sizeof(m));
	memset(s, 0, sizeof(*s));
	s->family = m.idiag_family;
	s->state = m.idiag_state;
	alen = s->family == AF_INET6 ? 16 : 4;
	memcpy(s->local, m.id.idiag_src, alen);
	memcpy(s->remote, m.id.idiag_dst, alen);
	s->lport = ntohs(m.id.idiag_sport);
	s->rport = ntohs(m.id.idiag_dport);
	s->inode = m.idiag_inode;
	s->uid = m.idiag_uid;
	s->expires_ms = m.idiag_timer ? m.idiag_expires : 0;
	s->last_heard_ms = last_heard_of((const struct rtattr *)((const char *)NLMSG_DATA(nlh) + NLMSG_ALIGN(sizeof(m))),
				     (int)(nlh->nlmsg_len - NLMSG_LENGTH(NLMSG_ALIGN(sizeof(m)))));
}

int diag_dump_parse(const void *buf, size_t n, diag_sock_fn *fn, void *ctx)
{
	int len = (int)n; /* signed: NLMSG_NEXT past a short last message leaves it below 0, not huge */

	if (n > INT_MAX)
		return -1;
	for (const struct nlmsghdr *nlh = buf; NLMSG_OK(nlh, len); nlh = NLMSG_NEXT(nlh, len)) {
		struct diag_sock s;

		if (nlh->nlmsg_type == NLMSG_DONE)
			return 0;
		if (nlh->nlmsg_type != SOCK_DIAG_BY_FAMILY ||
		    nlh->nlmsg_len < NLMSG_LENGTH(NLMSG_ALIGN(sizeof(struct inet_diag_msg))))
			return -1; /* NLMSG_ERROR, or not a socket */
		sock_of(nlh, &s);
		if (s.family == AF_INET || s.family == AF_INET6)
			fn(&s, ctx);
	}
	return len == 0 ? 1 : -1; /* a part of a message left over: not a reply */
}

int diag_dump(int fd, int family, diag_sock_fn *fn, void *ctx)
{
	static _Alignas(struct nlmsghdr) char buf[65536];
	int more = 1;

	if (ask_dump(fd, family) < 0)
		return -1;
	while (more == 1) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		more = diag_dump_parse(buf, (size_t)n, fn, ctx);
	}
	if (more < 0)
		errno = EPROTO;
	return more;
}
