// SPDX-License-Identifier: MIT
/*
 * AF_PACKET sockets made inside the watched namespaces, filtered in the
 * kernel to TCP over IPv4 and IPv6, each with a TPACKET_V3 ring mapped into
 * our memory: the kernel writes the first bytes of each segment and its
 * time stamp there, and we walk the blocks it hands over - no system call
 * and no copy per segment.
 */
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "netns.h"
#include "packets.h"

#define MAX_NS 8
#define BLOCK_SIZE (32u << 10)		/* about 120 segments a block: 8 pages, which the kernel
					   finds at once (a bigger block took it up to 40 ms) */
#define BLOCKS 256			/* 8 MiB: 40k segments, 120 ms at 330k segments/s */
#define FRAME_SIZE 256			/* V3 packs frames by their size; this only sizes the request */
#define OFFSET_TRIES 16
#define SAMPLES 128			/* the clocks, read together at each read of the rings: more
					   than a second of them, longer than a block waits */

/*
 * The classic BPF program each socket runs on every frame, built for what
 * is watched: TCP over IPv4 and IPv6 (no extension headers), the first
 * CAPTURE_SNAPLEN bytes; with a family, only that one; with a port, only
 * segments from or to it, so that another port's traffic is never copied to us.
 * On lo (ifindex 1 in every namespace) each segment passes out and in:
 * only the incoming copy.  Jumps name labels, resolved once it is built.
 */
enum { L_NEXT, L_ETHER, L_V6, L_KEEP, L_DROP, LABELS };
#define MAX_FILTER 24

struct filter {
	struct sock_filter insn[MAX_FILTER];
	uint8_t jt[MAX_FILTER], jf[MAX_FILTER]; /* labels, for jumps */
	int at[LABELS];
	int n;
};

struct ring {
	int fd;
	uint8_t *map;		/* BLOCKS blocks of BLOCK_SIZE */
	unsigned next;		/* the block to read next */
	uint64_t last_ns;	/* the stamp of the last segment read (CLOCK_MONOTONIC) */
	uint64_t read_to;	/* every segment the kernel took before this is read */
	/* its set-up, in a thread of its own */
	struct capture *of;
	char name[320];		/* the namespace */
	pthread_t thread;
	int running;		/* the thread is to be joined */
	int failed;
	char err[256];
};

struct capture {
	struct ring ring[MAX_NS];
	int n;
	struct filter filter;	/* every ring's */
	struct clock_sample {
		int64_t mono, real;
	} sample[SAMPLES];	/* sample[k % SAMPLES], k < nsamples: to put the kernel's stamps on the
				   tracepoint's clock */
	uint64_t nsamples;
	int64_t skew;		/* TCPWATCH_CLOCK_SKEW_NS */
	unsigned retire_ms;	/* CAPTURE_RETIRE_MS, or TCPWATCH_RETIRE_MS */
	unsigned long long drops;
	uint64_t next_id;	/* the number of the next segment */
};

static void stmt(struct filter *f, uint16_t code, uint32_t k)
{
	f->insn[f->n] = (struct sock_filter)BPF_STMT(code, k);
	f->jt[f->n] = f->jf[f->n] = L_NEXT;
	f->n++;
}

static void jeq(struct filter *f, uint32_t k, uint8_t jt, uint8_t jf)
{
	stmt(f, BPF_JMP | BPF_JEQ | BPF_K, k);
	f->jt[f->n - 1] = jt;
	f->jf[f->n - 1] = jf;
}

/* Keep a segment from or to port (-1: any); its ports at offset at (how BPF_ABS), or X + at (BPF_IND). */
static void port_is(struct filter *f, int port, uint16_t how, uint32_t at)
{
	if (port < 0) {
		stmt(f, BPF_JMP | BPF_JA, 0);
		f->jt[f->n - 1] = L_KEEP; /* JA jumps by k: resolved like the others */
		return;
	}
	stmt(f, BPF_LD | BPF_H | how, at);		/* source port */
	jeq(f, (uint32_t)port, L_KEEP, L_NEXT);
	stmt(f, BPF_LD | BPF_H | how, at + 2);		/* destination port */
	jeq(f, (uint32_t)port, L_KEEP, L_DROP);
}

static int resolve(struct filter *f, uint8_t label, int i)
{
	return label == L_NEXT ? 0 : f->at[label] - (i + 1);
}

/* Every jump's labels as the offsets the kernel wants. */
static void link_jumps(struct filter *f)
{
	for (int i = 0; i < f->n; i++) {
		struct sock_filter *in = &f->insn[i];

		if (BPF_CLASS(in->code) != BPF_JMP)
			continue;
		if (BPF_OP(in->code) == BPF_JA) {
			in->k = (uint32_t)resolve(f, f->jt[i], i);
			continue;
		}
		in->jt = (uint8_t)resolve(f, f->jt[i], i);
		in->jf = (uint8_t)resolve(f, f->jf[i], i);
	}
}

static void build_filter(struct filter *f, int family, int port)
{
	f->n = 0;
	stmt(f, BPF_LD | BPF_W | BPF_ABS, SKF_AD_OFF + SKF_AD_IFINDEX);
	jeq(f, 1, L_NEXT, L_ETHER);
	stmt(f, BPF_LD | BPF_W | BPF_ABS, SKF_AD_OFF + SKF_AD_PKTTYPE);
	jeq(f, PACKET_OUTGOING, L_DROP, L_NEXT);
	f->at[L_ETHER] = f->n;
	stmt(f, BPF_LD | BPF_H | BPF_ABS, 12);				/* ethertype */
	jeq(f, ETH_P_IP, family == AF_INET6 ? L_DROP : L_NEXT, L_V6);
	stmt(f, BPF_LD | BPF_B | BPF_ABS, 14 + 9);			/* IPv4 protocol */
	jeq(f, IPPROTO_TCP, L_NEXT, L_DROP);
	stmt(f, BPF_LDX | BPF_B | BPF_MSH, 14);				/* X: the IPv4 header's length */
	port_is(f, port, BPF_IND, 14);
	f->at[L_V6] = f->n;
	jeq(f, ETH_P_IPV6, family == AF_INET ? L_DROP : L_NEXT, L_DROP);
	stmt(f, BPF_LD | BPF_B | BPF_ABS, 14 + 6);			/* IPv6 next header */
	jeq(f, IPPROTO_TCP, L_NEXT, L_DROP);
	port_is(f, port, BPF_ABS, 14 + 40);
	f->at[L_KEEP] = f->n;
	stmt(f, BPF_RET | BPF_K, CAPTURE_SNAPLEN);
	f->at[L_DROP] = f->n;
	stmt(f, BPF_RET | BPF_K, 0);
	link_jumps(f);
}

static int64_t ts_ns(const struct timespec *t)
{
	return (int64_t)t->tv_sec * 1000000000 + t->tv_nsec;
}

/*
 * The kernel stamps each frame with CLOCK_REALTIME, the tracepoint's steps
 * are on CLOCK_MONOTONIC, and the two do not run alike: a clock being set
 * right by small steps or a fast slew moves one and not the other (5 ms a
 * second, seen here).  So both are read together at each read of the rings,
 * and a stamp is put on the monotonic clock between the two samples around
 * it.  One read of each may sit a preemption apart; of OFFSET_TRIES reads of
 * the realtime clock between two of the monotonic one, the tightest pair is
 * taken: it is right to half its width (tens of nanoseconds).
 * TCPWATCH_CLOCK_SKEW_NS, for tests, adds that many nanoseconds to every
 * segment's time: the story told must not change with a few microseconds
 * of disagreement between the clocks.
 */
static void take_sample(struct capture *c)
{
	struct clock_sample *s = &c->sample[c->nsamples % SAMPLES];
	int64_t width = INT64_MAX;

	for (int i = 0; i < OFFSET_TRIES; i++) {
		struct timespec m1, r, m2;

		clock_gettime(CLOCK_MONOTONIC, &m1);
		clock_gettime(CLOCK_REALTIME, &r);
		clock_gettime(CLOCK_MONOTONIC, &m2);
		if (ts_ns(&m2) - ts_ns(&m1) < width) {
			width = ts_ns(&m2) - ts_ns(&m1);
			s->mono = ts_ns(&m1) + width / 2;
			s->real = ts_ns(&r);
		}
	}
	c->nsamples++;
}

/* A realtime stamp on the monotonic clock: between the samples around it, or by the nearest one's difference. */
static int64_t mono_of(const struct capture *c, int64_t real)
{
	uint64_t oldest = c->nsamples > SAMPLES ? c->nsamples - SAMPLES : 0;
	const struct clock_sample *after = NULL;

	for (uint64_t k = c->nsamples; k-- > oldest;) {
		const struct clock_sample *s = &c->sample[k % SAMPLES];

		if (s->real <= real) {
			if (after == NULL || after->real == s->real)
				return s->mono + (real - s->real) + c->skew;
			return s->mono + (int64_t)((double)(real - s->real) * (double)(after->mono - s->mono) /
						   (double)(after->real - s->real)) + c->skew;
		}
		after = s;
	}
	return after->mono - (after->real - real) + c->skew; /* older than every sample */
}

/* The socket's ring: TPACKET_V3 blocks, mapped. */
static int map_ring(struct ring *rg, char *err, size_t errlen)
{
	int version = TPACKET_V3;
	struct tpacket_req3 req = {
		.tp_block_size = BLOCK_SIZE,
		.tp_block_nr = BLOCKS,
		.tp_frame_size = FRAME_SIZE,
		.tp_frame_nr = BLOCK_SIZE / FRAME_SIZE * BLOCKS,
		.tp_retire_blk_tov = rg->of->retire_ms,
	};
	void *map;

	if (setsockopt(rg->fd, SOL_PACKET, PACKET_VERSION, &version, sizeof(version)) < 0 ||
	    setsockopt(rg->fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof(req)) < 0) {
		snprintf(err, errlen, "packet ring set-up: %s", strerror(errno));
		return -1;
	}
	map = mmap(NULL, (size_t)BLOCK_SIZE * BLOCKS, PROT_READ | PROT_WRITE, MAP_SHARED, rg->fd, 0);
	if (map == MAP_FAILED) {
		snprintf(err, errlen, "packet ring mapping: %s", strerror(errno));
		return -1;
	}
	rg->map = map;
	rg->next = 0;
	return 0;
}

static int open_one(struct ring *rg)
{
	const struct filter *f = &rg->of->filter;
	struct sock_fprog prog = { (unsigned short)f->n, (struct sock_filter *)f->insn };

	rg->fd = netns_socket(rg->name, AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL), rg->err, sizeof(rg->err));
	if (rg->fd < 0)
		return -1;
	if (setsockopt(rg->fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) < 0) {
		snprintf(rg->err, sizeof(rg->err), "packet filter set-up: %s", strerror(errno));
		return -1;
	}
	return map_ring(rg, rg->err, sizeof(rg->err));
}

static void *open_thread(void *arg)
{
	struct ring *rg = arg;

	rg->failed = open_one(rg) < 0;
	return NULL;
}

/*
 * Each ring is set up in a thread of its own: the kernel makes the set-up
 * of a ring wait for an RCU grace period (synchronize_net: 8 ms of nothing
 * here), which the rings' threads wait out together, and the caller loads
 * its BPF programs meanwhile.
 */
struct capture *capture_open(const char *const *names, int n, int family, int port, char *err, size_t errlen)
{
	struct capture *c = calloc(1, sizeof(*c));

	if (c == NULL || n > MAX_NS) {
		snprintf(err, errlen, c ? "at most %d namespaces" : "out of memory", MAX_NS);
		free(c);
		return NULL;
	}
	c->skew = getenv("TCPWATCH_CLOCK_SKEW_NS") ? strtoll(getenv("TCPWATCH_CLOCK_SKEW_NS"), NULL, 10) : 0;
	/* for tests: a kernel that hands a block over as late as a busy machine's timer may */
	c->retire_ms = getenv("TCPWATCH_RETIRE_MS") ? (unsigned)strtoul(getenv("TCPWATCH_RETIRE_MS"), NULL, 10)
						   : CAPTURE_RETIRE_MS;
	take_sample(c);
	build_filter(&c->filter, family, port);
	for (c->n = 0; c->n < n; c->n++) {
		struct ring *rg = &c->ring[c->n];

		rg->of = c;
		rg->fd = -1;
		snprintf(rg->name, sizeof(rg->name), "%s", names[c->n]);
		rg->running = pthread_create(&rg->thread, NULL, open_thread, rg) == 0;
		if (!rg->running)
			open_thread(rg); /* no thread to be had: here, then */
	}
	return c;
}

int capture_ready(struct capture *c, char *err, size_t errlen)
{
	int failed = 0;

	for (int i = 0; i < c->n; i++) {
		struct ring *rg = &c->ring[i];

		if (rg->running)
			pthread_join(rg->thread, NULL);
		rg->running = 0;
		if (rg->failed && !failed++)
			snprintf(err, errlen, "%s", rg->err);
	}
	return failed ? -1 : 0;
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

int packet_parse(const uint8_t *f, size_t n, struct packet *p)
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

/* One segment of namespace i's ring, to fn. */
static void deliver(struct capture *c, int i, const struct tpacket3_hdr *h, packet_fn *fn, void *ctx)
{
	const struct sockaddr_ll *from = (const void *)((const uint8_t *)h + TPACKET_ALIGN(sizeof(*h)));
	struct frame f = {
		.bytes = (const uint8_t *)h + h->tp_mac,
		.caplen = h->tp_snaplen,
		.len = h->tp_len,
		.real_ns = (uint64_t)h->tp_sec * 1000000000u + h->tp_nsec,
		.ifindex = from->sll_ifindex,
	};
	struct packet p;

	memset(&p, 0, sizeof(p));
	p.ns = (uint64_t)mono_of(c, (int64_t)f.real_ns);
	c->ring[i].last_ns = p.ns;
	if (packet_parse(f.bytes, f.caplen, &p) < 0)
		return;
	p.where = i;
	p.id = ++c->next_id;
	fn(&p, &f, ctx);
}

/*
 * Has namespace i's kernel taken a segment we have not read: a block handed
 * over, or segments in the block it is filling (its count is in our memory
 * too; the kernel hands that block over only when it is full or its timer
 * says)?
 */
static int ring_pending(const struct ring *rg)
{
	const struct tpacket_block_desc *bd = (const void *)(rg->map + (size_t)rg->next * BLOCK_SIZE);

	if (__atomic_load_n(&bd->hdr.bh1.block_status, __ATOMIC_ACQUIRE) & TP_STATUS_USER)
		return 1;
	return __atomic_load_n(&bd->hdr.bh1.num_pkts, __ATOMIC_RELAXED) != 0;
}

int capture_pending(const struct capture *c)
{
	for (int i = 0; i < c->n; i++)
		if (ring_pending(&c->ring[i]))
			return 1;
	return 0;
}

/* Every block namespace i's kernel has handed over, read and given back. */
static void read_one(struct capture *c, int i, packet_fn *fn, void *ctx)
{
	struct ring *rg = &c->ring[i];

	for (int n = 0; n < BLOCKS; n++) {
		struct tpacket_block_desc *bd = (void *)(rg->map + (size_t)rg->next * BLOCK_SIZE);
		const uint8_t *at;

		if ((__atomic_load_n(&bd->hdr.bh1.block_status, __ATOMIC_ACQUIRE) & TP_STATUS_USER) == 0)
			break;
		at = (const uint8_t *)bd + bd->hdr.bh1.offset_to_first_pkt;
		for (uint32_t k = 0; k < bd->hdr.bh1.num_pkts; k++) {
			const struct tpacket3_hdr *h = (const void *)at;

			deliver(c, i, h, fn, ctx);
			at += h->tp_next_offset;
		}
		__atomic_store_n(&bd->hdr.bh1.block_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
		rg->next = (rg->next + 1) % BLOCKS;
	}
	/*
	 * What is left was taken after the last segment read, or, if nothing
	 * is, after this read began (the clocks' sample, taken before it).
	 */
	if (!ring_pending(rg))
		rg->read_to = (uint64_t)c->sample[(c->nsamples - 1) % SAMPLES].mono;
	else if (rg->last_ns > rg->read_to)
		rg->read_to = rg->last_ns;
}

void capture_read(struct capture *c, packet_fn *fn, void *ctx)
{
	take_sample(c); /* after every frame handed over so far was stamped */
	for (int i = 0; i < c->n; i++)
		read_one(c, i, fn, ctx);
}

uint64_t capture_read_to(const struct capture *c)
{
	uint64_t to = UINT64_MAX;

	for (int i = 0; i < c->n; i++)
		if (c->ring[i].read_to < to)
			to = c->ring[i].read_to;
	return to;
}

int capture_pollfds(const struct capture *c, struct pollfd *out, int max)
{
	int n = 0;

	for (int i = 0; i < c->n && n < max; i++)
		out[n++] = (struct pollfd){ .fd = c->ring[i].fd, .events = POLLIN };
	return n;
}

int capture_ifname(const struct capture *c, int where, int ifindex, char *name, size_t len)
{
	struct ifreq ifr = { .ifr_ifindex = ifindex };

	/* a socket's ioctl asks its own namespace */
	if (where < 0 || where >= c->n || ioctl(c->ring[where].fd, SIOCGIFNAME, &ifr) < 0)
		return -1;
	snprintf(name, len, "%.*s", (int)sizeof(ifr.ifr_name), ifr.ifr_name);
	return 0;
}

unsigned long long capture_drops(struct capture *c)
{
	for (int i = 0; i < c->n; i++) {
		struct tpacket_stats_v3 st;
		socklen_t len = sizeof(st);

		if (getsockopt(c->ring[i].fd, SOL_PACKET, PACKET_STATISTICS, &st, &len) == 0)
			c->drops += st.tp_drops; /* the kernel resets them on each read */
	}
	return c->drops;
}

void capture_close(struct capture *c)
{
	char err[8];

	if (c == NULL)
		return;
	capture_ready(c, err, sizeof(err)); /* a set-up still going on ends first */
	for (int i = 0; i < c->n; i++) {
		if (c->ring[i].map != NULL)
			munmap(c->ring[i].map, (size_t)BLOCK_SIZE * BLOCKS);
		if (c->ring[i].fd >= 0)
			close(c->ring[i].fd);
	}
	free(c);
}
