// SPDX-License-Identifier: MIT
/*
 * A pcapng writer, as small as the format lets it be (the IETF draft
 * "PCAP Now Generic Dump File Format"): a section header, an interface
 * description block for each namespace and interface met (link type
 * Ethernet - lo's frames carry a zeroed Ethernet header too - with
 * nanosecond stamps, if_tsresol 9), and an enhanced packet block for each
 * segment with its comments (opt_comment).  Blocks are written in our own
 * byte order: the section header's magic tells readers which it is.
 *
 * Segments come in twice: as captured (their bytes, held here by their
 * number) and, later, in time order as rfc.c works through them.  The steps
 * and drops told in between add their comments; a segment is written once
 * it is older than anything still to be told can name.
 */
#include <sys/socket.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pcapng.h"

#define HELD (1u << 16)		/* segments held at once: 0.3 s of them at 200k segments/s */
#define COMMENT_ROOM 320	/* a segment's comments, each ending in '\0' */
#define MAX_COMMENTS 8
#define MAX_IFACES 64
#define DROP_LOOKBACK 4096	/* held segments searched for a dropped one, newest first */
#define DROP_SLACK_NS 20000ull	/* a copy may be stamped this much after its drop (the clocks disagree) */
#define BLOCK_MAX 2048		/* room for the largest block we build (an EPB with its comments: under 600) */

enum {
	BLOCK_SHB = 0x0A0D0D0A,
	BLOCK_IDB = 0x00000001,
	BLOCK_EPB = 0x00000006,
	BYTE_ORDER_MAGIC = 0x1A2B3C4D,
	LINKTYPE_ETHERNET = 1,
	OPT_END = 0,
	OPT_COMMENT = 1,
	SHB_USERAPPL = 4,
	IF_NAME = 2,
	IF_DESCRIPTION = 3,
	IF_TSRESOL = 9,
};

struct held {
	struct packet p;	/* p.id 0: the slot is free */
	uint64_t real_ns;
	uint32_t len;
	uint16_t caplen;
	uint16_t comment_len;
	uint8_t ncomments;
	uint8_t dropped;	/* its drop is told */
	int iface;		/* its interface: pcap.iface[iface] */
	uint8_t bytes[CAPTURE_SNAPLEN];
	char comment[COMMENT_ROOM];
};

struct iface {
	int where, ifindex;
	int file_id;		/* its block's number in the file; -1: not written yet */
	char name[64];		/* IFNAME, as it was called when first seen */
};

struct pcap {
	struct pcap_config cfg;
	char **netns;		/* our copy of cfg.netns */
	FILE *out;
	struct held *held;	/* by number: held[id % HELD] */
	uint64_t *order;	/* numbers in time order: order[k % HELD] for k in [head, tail) */
	uint64_t head, tail;
	uint64_t newest;	/* the highest number held */
	struct iface iface[MAX_IFACES];
	int niface, nfile;	/* interfaces met, and written */
	unsigned long long missed;
};

struct block {
	uint8_t b[BLOCK_MAX];
	size_t n;
};

static void put(struct block *k, const void *v, size_t n)
{
	memcpy(k->b + k->n, v, n);
	k->n += n;
}

static void put16(struct block *k, uint16_t v)
{
	put(k, &v, sizeof(v));
}

static void put32(struct block *k, uint32_t v)
{
	put(k, &v, sizeof(v));
}

static void pad(struct block *k)
{
	while (k->n % 4)
		k->b[k->n++] = 0;
}

static void option(struct block *k, uint16_t code, const void *v, size_t n)
{
	put16(k, code);
	put16(k, (uint16_t)n);
	put(k, v, n);
	pad(k);
}

static void begin(struct block *k, uint32_t type)
{
	k->n = 0;
	put32(k, type);
	put32(k, 0); /* its length, once known */
}

/* The options ended, the length put at both ends, the block written. */
static int finish(struct pcap *pc, struct block *k)
{
	uint32_t total;

	put16(k, OPT_END);
	put16(k, 0);
	total = (uint32_t)k->n + 4;
	put32(k, total);
	memcpy(k->b + 4, &total, sizeof(total));
	return fwrite(k->b, 1, k->n, pc->out) == k->n ? 0 : -1;
}

static void free_names(char **names, int n)
{
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

static int write_header(struct pcap *pc)
{
	static const char app[] = "tcpwatch (TCP State Lab)";
	struct block k;
	int64_t unknown_length = -1;

	begin(&k, BLOCK_SHB);
	put32(&k, BYTE_ORDER_MAGIC);
	put16(&k, 1); /* version 1.0 */
	put16(&k, 0);
	put(&k, &unknown_length, sizeof(unknown_length));
	option(&k, SHB_USERAPPL, app, strlen(app));
	return finish(pc, &k);
}

/* An interface's block, numbered in the order written. */
static int write_iface(struct pcap *pc, struct iface *f)
{
	char name[160], about[200];
	const uint8_t nanoseconds = 9;
	const char *netns = pc->netns[f->where];
	struct block k;
	int n = snprintf(name, sizeof(name), "%s/%s", netns, f->name);
	int m = snprintf(about, sizeof(about), "%s in network namespace %s", f->name, netns);

	begin(&k, BLOCK_IDB);
	put16(&k, LINKTYPE_ETHERNET);
	put16(&k, 0);
	put32(&k, CAPTURE_SNAPLEN);
	option(&k, IF_NAME, name, (size_t)n < sizeof(name) ? (size_t)n : sizeof(name) - 1);
	option(&k, IF_DESCRIPTION, about, (size_t)m < sizeof(about) ? (size_t)m : sizeof(about) - 1);
	option(&k, IF_TSRESOL, &nanoseconds, 1);
	if (finish(pc, &k) < 0)
		return -1;
	f->file_id = pc->nfile++;
	return 0;
}

static int write_packet(struct pcap *pc, const struct held *h)
{
	struct iface *f = &pc->iface[h->iface];
	struct block k;

	if (f->file_id < 0 && write_iface(pc, f) < 0)
		return -1;
	begin(&k, BLOCK_EPB);
	put32(&k, (uint32_t)f->file_id);
	put32(&k, (uint32_t)(h->real_ns >> 32));
	put32(&k, (uint32_t)h->real_ns);
	put32(&k, h->caplen);
	put32(&k, h->len);
	put(&k, h->bytes, h->caplen);
	pad(&k);
	for (size_t at = 0; at < h->comment_len; at += strlen(h->comment + at) + 1)
		option(&k, OPT_COMMENT, h->comment + at, strlen(h->comment + at));
	return finish(pc, &k);
}

/* The interface a segment came by, met now if it is new; -1 if there is no room for more. */
static int iface_of(struct pcap *pc, int where, int ifindex)
{
	struct iface *f;

	for (int i = pc->niface - 1; i >= 0; i--)
		if (pc->iface[i].where == where && pc->iface[i].ifindex == ifindex)
			return i;
	if (pc->niface == MAX_IFACES)
		return -1;
	f = &pc->iface[pc->niface];
	f->where = where;
	f->ifindex = ifindex;
	f->file_id = -1;
	if (pc->cfg.ifname(where, ifindex, f->name, sizeof(f->name), pc->cfg.ctx) < 0)
		snprintf(f->name, sizeof(f->name), "if%d", ifindex); /* gone already */
	return pc->niface++;
}

/* n names, copied; NULL if there is no memory. */
static char **copy_names(const char *const *names, int n)
{
	char **copy = calloc((size_t)n + 1, sizeof(*copy));

	for (int i = 0; copy != NULL && i < n; i++)
		copy[i] = strdup(names[i]);
	for (int i = 0; copy != NULL && i < n; i++) {
		if (copy[i] == NULL) {
			free_names(copy, n);
			return NULL;
		}
	}
	return copy;
}

static void free_pcap(struct pcap *pc)
{
	if (pc == NULL)
		return;
	if (pc->netns != NULL)
		free_names(pc->netns, pc->cfg.nwhere);
	free(pc->held);
	free(pc->order);
	free(pc);
}

struct pcap *pcap_open(const struct pcap_config *cfg, char *err, size_t errlen)
{
	struct pcap *pc = calloc(1, sizeof(*pc));

	if (pc == NULL || (pc->held = calloc(HELD, sizeof(*pc->held))) == NULL ||
	    (pc->order = calloc(HELD, sizeof(*pc->order))) == NULL) {
		snprintf(err, errlen, "--pcap: out of memory");
		goto fail;
	}
	pc->cfg = *cfg;
	pc->netns = copy_names(cfg->netns, cfg->nwhere);
	if (pc->netns == NULL) {
		snprintf(err, errlen, "--pcap: out of memory");
		goto fail;
	}
	pc->out = fopen(cfg->path, "we");
	if (pc->out == NULL || write_header(pc) < 0 || fflush(pc->out) != 0) {
		snprintf(err, errlen, "--pcap %s: %s", cfg->path, strerror(errno));
		goto fail;
	}
	return pc;
fail:
	if (pc != NULL && pc->out != NULL)
		fclose(pc->out);
	free_pcap(pc);
	return NULL;
}

static struct held *held_of(struct pcap *pc, uint64_t id)
{
	struct held *h = &pc->held[id % HELD];

	return id != 0 && h->p.id == id ? h : NULL;
}

void pcap_keep(struct pcap *pc, const struct packet *p, const struct frame *f)
{
	struct held *h = &pc->held[p->id % HELD];
	int iface;

	if (h->p.id != 0 || (iface = iface_of(pc, p->where, f->ifindex)) < 0) {
		pc->missed++; /* its slot's segment is not written yet */
		return;
	}
	h->p = *p;
	h->real_ns = f->real_ns;
	h->len = f->len;
	h->caplen = (uint16_t)(f->caplen < CAPTURE_SNAPLEN ? f->caplen : CAPTURE_SNAPLEN);
	memcpy(h->bytes, f->bytes, h->caplen);
	h->comment_len = 0;
	h->ncomments = 0;
	h->dropped = 0;
	h->iface = iface;
	if (p->id > pc->newest)
		pc->newest = p->id;
}

void pcap_comment(struct pcap *pc, uint64_t id, const char *text)
{
	struct held *h = held_of(pc, id);
	size_t n = strlen(text) + 1;

	if (h == NULL || h->ncomments == MAX_COMMENTS || h->comment_len + n > COMMENT_ROOM)
		return;
	memcpy(h->comment + h->comment_len, text, n);
	h->comment_len = (uint16_t)(h->comment_len + n);
	h->ncomments++;
}

/* Is p, seen in the namespace of the drop, the segment the kernel dropped? */
static int is_dropped_segment(const struct packet *p, const struct tcp_event *ev)
{
	const uint8_t flags = TCP_FL_FIN | TCP_FL_SYN | TCP_FL_RST | TCP_FL_ACK;
	size_t n = ev->family == AF_INET6 ? 16 : 4;

	return p->family == ev->family && p->sport == ev->sport && p->dport == ev->dport &&
	       p->seq == ev->seg.seq && p->ack == ev->seg.ack && (p->flags & flags) == (ev->seg.flags & flags) &&
	       memcmp(p->src, ev->saddr, n) == 0 && memcmp(p->dst, ev->daddr, n) == 0;
}

/*
 * The copy the kernel dropped is the newest one seen in its namespace with
 * the same ends, numbers and flags, stamped before the drop: a segment is
 * captured on its way in, before the firewall drops it, and an earlier copy
 * with the same numbers (the SYN before its retransmission) was dropped or
 * let through before.
 */
void pcap_drop(struct pcap *pc, const struct tcp_event *ev, int where, const char *reason)
{
	uint64_t stop = pc->newest > DROP_LOOKBACK ? pc->newest - DROP_LOOKBACK : 0;
	char text[96];

	for (uint64_t id = pc->newest; id > stop; id--) {
		struct held *h = held_of(pc, id);

		if (h == NULL || h->p.where != where || h->p.ns > ev->ns + DROP_SLACK_NS ||
		    !is_dropped_segment(&h->p, ev))
			continue;
		if (h->dropped)
			return; /* the newest copy before it is told already: this drop's copy is not held */
		h->dropped = 1;
		snprintf(text, sizeof(text), "dropped: %s", reason != NULL ? reason : "?");
		pcap_comment(pc, id, text);
		return;
	}
}

void pcap_order(struct pcap *pc, const struct packet *p)
{
	if (held_of(pc, p->id) != NULL)
		pc->order[pc->tail++ % HELD] = p->id;
}

int pcap_write(struct pcap *pc, uint64_t before_ns)
{
	int wrote = 0;

	while (pc->head < pc->tail) {
		struct held *h = held_of(pc, pc->order[pc->head % HELD]);

		if (h != NULL && h->p.ns >= before_ns)
			break;
		if (h != NULL && write_packet(pc, h) < 0)
			return -1;
		if (h != NULL)
			h->p.id = 0;
		pc->head++;
		wrote = 1;
	}
	return wrote && fflush(pc->out) != 0 ? -1 : 0;
}

unsigned long long pcap_missed(const struct pcap *pc)
{
	return pc->missed;
}

int pcap_close(struct pcap *pc)
{
	int rc;

	if (pc == NULL)
		return 0;
	rc = pcap_write(pc, UINT64_MAX);
	if (fclose(pc->out) != 0)
		rc = -1;
	free_pcap(pc);
	return rc;
}
