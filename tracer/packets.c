// SPDX-License-Identifier: MIT
/*
 * AF_PACKET sockets made inside the watched namespaces, filtered in the
 * kernel to TCP over IPv4 and IPv6 and stamped by it (SO_TIMESTAMPNS).
 * On lo every segment passes twice, out and in: the filter keeps the incoming one.
 */
#define _GNU_SOURCE /* recvmmsg */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "netns.h"
#include "packets.h"

#define MAX_NS 8
#define RCVBUF (64 << 20) /* bursts of thousands of connections a second */

struct capture {
	int fd[MAX_NS];
	int n;
	int64_t real_minus_mono; /* to put the kernel's stamps on the tracepoint's clock */
	unsigned long long drops;
};

/*
 * ip proto tcp or ip6 proto tcp (no extension headers), first 128 bytes;
 * on lo (ifindex 1 in every namespace) only the incoming copy.
 */
static struct sock_filter tcp_only[] = {
	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, SKF_AD_OFF + SKF_AD_IFINDEX),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 2),
	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, SKF_AD_OFF + SKF_AD_PKTTYPE),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PACKET_OUTGOING, 7, 0),
	BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 12),			/* ethertype */
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_IP, 0, 2),
	BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 23),			/* IPv4 protocol */
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_TCP, 3, 4),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_IPV6, 0, 3),
	BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 20),			/* IPv6 next header */
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_TCP, 0, 1),
	BPF_STMT(BPF_RET | BPF_K, 128),
	BPF_STMT(BPF_RET | BPF_K, 0),
};

static int64_t real_minus_mono(void)
{
	struct timespec r, m;

	clock_gettime(CLOCK_REALTIME, &r);
	clock_gettime(CLOCK_MONOTONIC, &m);
	return ((int64_t)r.tv_sec - m.tv_sec) * 1000000000 + (r.tv_nsec - m.tv_nsec);
}

static int open_one(const char *name, char *err, size_t errlen)
{
	struct sock_fprog prog = { sizeof(tcp_only) / sizeof(tcp_only[0]), tcp_only };
	int one = 1, size = RCVBUF;
	int fd = netns_socket(name, AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
			      htons(ETH_P_ALL), err, errlen);

	if (fd < 0)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one)) < 0) {
		snprintf(err, errlen, "packet socket set-up: %s", strerror(errno));
		close(fd);
		return -1;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	return fd;
}

struct capture *capture_open(const char *const *names, int n, char *err, size_t errlen)
{
	struct capture *c = calloc(1, sizeof(*c));

	if (c == NULL || n > MAX_NS) {
		snprintf(err, errlen, c ? "at most %d namespaces" : "out of memory", MAX_NS);
		free(c);
		return NULL;
	}
	c->real_minus_mono = real_minus_mono();
	for (c->n = 0; c->n < n; c->n++) {
		c->fd[c->n] = open_one(names[c->n], err, errlen);
		if (c->fd[c->n] < 0) {
			capture_close(c);
			return NULL;
		}
	}
	return c;
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* The TCP header at tcp (avail bytes), into p; -1 if it is short. */
static int parse_tcp(const uint8_t *tcp, size_t avail, size_t segment_len, struct packet *p)
{
	size_t doff;

	if (avail < 20)
		return -1;
	doff = (size_t)(tcp[12] >> 4) * 4;
	p->sport = be16(tcp);
	p->dport = be16(tcp + 2);
	p->seq = be32(tcp + 4);
	p->ack = be32(tcp + 8);
	p->flags = tcp[13];
	p->len = segment_len > doff ? (uint16_t)(segment_len - doff) : 0;
	return 0;
}

/* An Ethernet frame (lo has a zero one) carrying TCP, into p. */
static int parse_frame(const uint8_t *f, size_t n, struct packet *p)
{
	uint16_t type;

	if (n < 14 + 20)
		return -1;
	type = be16(f + 12);
	f += 14;
	n -= 14;
	if (type == ETH_P_IP) {
		size_t ihl = (size_t)(f[0] & 15) * 4, total = be16(f + 2);

		if (f[9] != IPPROTO_TCP || ihl < 20 || n < ihl || total < ihl)
			return -1;
		p->family = AF_INET;
		memcpy(p->src, f + 12, 4);
		memcpy(p->dst, f + 16, 4);
		return parse_tcp(f + ihl, n - ihl, total - ihl, p);
	}
	if (type == ETH_P_IPV6 && n >= 40 && f[6] == IPPROTO_TCP) {
		p->family = AF_INET6;
		memcpy(p->src, f + 8, 16);
		memcpy(p->dst, f + 24, 16);
		return parse_tcp(f + 40, n - 40, be16(f + 4), p);
	}
	return -1;
}

static uint64_t stamp_of(struct msghdr *msg, int64_t offset)
{
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(msg); cm; cm = CMSG_NXTHDR(msg, cm))
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SO_TIMESTAMPNS) {
			struct timespec ts;

			memcpy(&ts, CMSG_DATA(cm), sizeof(ts));
			return (uint64_t)((int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec - offset);
		}
	return 0;
}

#define BATCH 64 /* segments per recvmmsg */

/* Everything queued on namespace i's socket, BATCH segments a system call. */
static int read_one(struct capture *c, int i, packet_fn *fn, void *ctx)
{
	static uint8_t frame[BATCH][256];
	static char control[BATCH][64];
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	int got = 0, n;

	do {
		memset(msgs, 0, sizeof(msgs));
		for (int k = 0; k < BATCH; k++) {
			iov[k] = (struct iovec){ frame[k], sizeof(frame[k]) };
			msgs[k].msg_hdr.msg_iov = &iov[k];
			msgs[k].msg_hdr.msg_iovlen = 1;
			msgs[k].msg_hdr.msg_control = control[k];
			msgs[k].msg_hdr.msg_controllen = sizeof(control[k]);
		}
		n = recvmmsg(c->fd[i], msgs, BATCH, MSG_DONTWAIT, NULL);
		for (int k = 0; k < n; k++) {
			struct packet p;
			size_t len = msgs[k].msg_len < sizeof(frame[k]) ? msgs[k].msg_len : sizeof(frame[k]);

			memset(&p, 0, sizeof(p));
			if (parse_frame(frame[k], len, &p) < 0)
				continue;
			p.ns = stamp_of(&msgs[k].msg_hdr, c->real_minus_mono);
			p.where = i;
			fn(&p, ctx);
		}
		got += n > 0 ? n : 0;
	} while (n == BATCH);
	return got;
}

int capture_read(struct capture *c, packet_fn *fn, void *ctx)
{
	int got = 0;

	for (int i = 0; i < c->n; i++)
		got += read_one(c, i, fn, ctx);
	return got;
}

unsigned long long capture_drops(struct capture *c)
{
	for (int i = 0; i < c->n; i++) {
		struct tpacket_stats st;
		socklen_t len = sizeof(st);

		if (getsockopt(c->fd[i], SOL_PACKET, PACKET_STATISTICS, &st, &len) == 0)
			c->drops += st.tp_drops; /* the kernel resets them on each read */
	}
	return c->drops;
}

void capture_close(struct capture *c)
{
	if (c == NULL)
		return;
	for (int i = 0; i < c->n; i++)
		close(c->fd[i]);
	free(c);
}
