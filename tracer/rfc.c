// SPDX-License-Identifier: MIT
/*
 * The RFC-level view of the kernel's TCP steps.  Everything that happens is
 * queued and worked through LOOKAHEAD_NS late, in time order, so that each
 * step can be told what segment caused it and what segment it sent.
 *
 * Where Linux and the RFC part ways:
 * - a listener's SYN_RECV is a request socket: it starts with the SYN on the
 *   wire; the tracepoint's LISTEN -> SYN_RECV (the child, made when the last
 *   ACK lands) is then only the Linux detail;
 * - TIME_WAIT, and FIN_WAIT2 after close(), are timewait minisockets: the
 *   tracepoint says "-> CLOSE" when the full socket hands over; the FIN on
 *   the wire or sock_diag tell which, and sock_diag when the minisocket ends;
 * - FIN_WAIT1 -> TIME_WAIT (a FIN that also acknowledges ours) passes
 *   FIN_WAIT2 on the way: the two kernel steps are one RFC arrow.
 */
#include <sys/socket.h>

#include <netinet/tcp.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "mem.h"
#include "rfc.h"
#include "table.h"

#define LOOKAHEAD_NS 100000000ull	/* 100 ms: room for a delayed ACK */
#define KERNEL_LOOKAHEAD_NS 30000000ull	/* --kernel: only the wire near each step */
#define WIRE_MEMORY_NS 2000000000ull	/* what the wire alone told, kept two seconds */
#define ACTION_WINDOW_NS 60000000ull	/* how far after a step to look for what it sent */
#define RECENT 4			/* received segments kept per connection, to find a step's cause */
#define MERGE_NS 1000000ull		/* two kernel steps this close are one packet's doing */
#define CAUSE_WINDOW_NS 1000000ull	/* the segment a softirq step answered or sent: this close */
#define CLOCK_SLACK_NS 20000ull		/* how far the wire's clock and the steps' may disagree */
#define TIMEWAIT_NS 60000000000ull	/* Linux's TIME_WAIT (and default tcp_fin_timeout) */
#define RECHECK_NS 100000000ull		/* a minisocket near its end is asked about this often */
#define FIRST_RING 16384		/* recent segments, to start with: 0.1 s at 160k segments/s */
#define MAX_RING (1u << 21)		/* and at most: 0.1 s at 20M segments/s */
#define FIRST_EVENTS 16384		/* queued steps: 0.1 s at 160k steps/s before it grows */
#define PREFETCH_AHEAD 8		/* slots of a queue fetched ahead of the one written */
#define BUCKETS 16384
#define MAX_WHERE 8

enum kind { FULL, REQUEST, MINI };

struct conn {
	int where, family;
	uint8_t local[16], remote[16];
	uint16_t lport, rport;
	enum lab_state state;	/* LAB_UNKNOWN: not known yet */
	enum kind kind;
	uint64_t since;		/* when it entered state; 0: not seen */
	uint64_t sk;		/* the full socket, 0 if none */
	uint64_t seen;		/* last segment or step */
	uint64_t next_check;	/* minisockets: when to ask sock_diag again */
	struct packet rcv[RECENT]; /* the last segments it received: rcv[(nrcv - 1) % RECENT] newest */
	unsigned nrcv;
	unsigned caused;	/* the received segments before this one have caused their step */
	uint32_t syn_seq, fin_seq;
	int sent_syn, sent_fin;
	struct conn *next;	/* hash chain */
	struct conn *mini_prev, *mini_next; /* kind MINI: the list of them, oldest first */
};

struct sk_entry {
	uint64_t sk;
	struct conn *conn;	/* NULL: a socket of another namespace */
	struct sk_entry *next;
};

/* Queued steps of one socket are chained; this finds a socket's last one. */
#define LAST_SLOTS (1u << 16)
struct last_slot {
	uint64_t sk;
	size_t idx;
	unsigned gen;	/* a slot of an older generation is empty */
};

struct rfc {
	struct rfc_config cfg;
	size_t *next_of;		/* events[i]'s next step of the same socket: i + next_of[i]; 0 none */
	struct last_slot *last;		/* sk -> index of its last queued step */
	unsigned gen;
	size_t in_gen;
	struct conn *conns[BUCKETS];
	struct sk_entry *sks[BUCKETS];
	struct tcp_event *events;	/* queued kernel steps, oldest first */
	size_t nev, cap, first;
	struct packet *ring;		/* queued and recent segments: ring_cap of them */
	uint64_t ring_cap;		/* a power of two */
	uint64_t ring_in, ring_done;	/* appended, worked through */
	uint64_t last_check, last_idle;
	struct conn *mini_head, *mini_tail; /* the minisockets, in the order they became one */
	struct pool conn_pool, sk_pool;
};

/* The i-th segment ever queued, while it is still in the ring. */
static struct packet *segment_at(const struct rfc *r, uint64_t i)
{
	return &r->ring[i & (r->ring_cap - 1)];
}

/* ---- connections ---------------------------------------------------- */

static size_t alen(int family)
{
	return family == AF_INET6 ? 16 : 4;
}

static unsigned hash_tuple(int where, int family, const uint8_t *l, uint16_t lp, const uint8_t *r, uint16_t rp)
{
	unsigned h = (unsigned)where * 131u + lp * 31u + rp;

	for (size_t i = 0; i < alen(family); i++)
		h = h * 33u + l[i] * 7u + r[i];
	return h & (BUCKETS - 1);
}

static struct conn *find_conn(struct rfc *r, int where, int family, const uint8_t *l, uint16_t lp,
			      const uint8_t *rm, uint16_t rp, int create)
{
	unsigned h = hash_tuple(where, family, l, lp, rm, rp);
	struct conn *c;

	for (c = r->conns[h]; c != NULL; c = c->next)
		if (c->where == where && c->family == family && c->lport == lp && c->rport == rp &&
		    memcmp(c->local, l, alen(family)) == 0 && memcmp(c->remote, rm, alen(family)) == 0)
			return c;
	if (!create || (c = pool_get(&r->conn_pool)) == NULL)
		return NULL;
	c->where = where;
	c->family = family;
	c->state = LAB_UNKNOWN;
	memcpy(c->local, l, alen(family));
	memcpy(c->remote, rm, alen(family));
	c->lport = lp;
	c->rport = rp;
	c->next = r->conns[h];
	r->conns[h] = c;
	return c;
}

/* ---- sockets of the tracepoint -------------------------------------- */

static struct sk_entry **sk_link(struct rfc *r, uint64_t sk)
{
	struct sk_entry **link = &r->sks[(sk >> 6) & (BUCKETS - 1)];

	while (*link != NULL && (*link)->sk != sk)
		link = &(*link)->next;
	return link;
}

static void sk_set(struct rfc *r, uint64_t sk, struct conn *c)
{
	struct sk_entry **link = sk_link(r, sk), *e = *link;

	if (e == NULL) {
		e = pool_get(&r->sk_pool);
		if (e == NULL)
			return;
		e->sk = sk;
		*link = e;
	}
	e->conn = c;
}

static void sk_forget(struct rfc *r, uint64_t sk)
{
	struct sk_entry **link = sk_link(r, sk), *e = *link;

	if (e != NULL) {
		*link = e->next;
		pool_put(&r->sk_pool, e);
	}
}

static void mini_unlink(struct rfc *r, struct conn *c)
{
	*(c->mini_prev ? &c->mini_prev->mini_next : &r->mini_head) = c->mini_next;
	*(c->mini_next ? &c->mini_next->mini_prev : &r->mini_tail) = c->mini_prev;
	c->mini_prev = c->mini_next = NULL;
}

static void mini_append(struct rfc *r, struct conn *c)
{
	c->mini_prev = r->mini_tail;
	c->mini_next = NULL;
	*(r->mini_tail ? &r->mini_tail->mini_next : &r->mini_head) = c;
	r->mini_tail = c;
}

/* c's kind; a connection of kind MINI is on the list (at its end when it becomes one). */
static void set_kind(struct rfc *r, struct conn *c, enum kind kind)
{
	if (c->kind == MINI)
		mini_unlink(r, c);
	c->kind = kind;
	if (kind == MINI)
		mini_append(r, c);
}

/*
 * A connection has at most one socket, c->sk, and only that socket's entry
 * points at it: so dropping it leaves no entry pointing at freed memory.
 */
static void bind_sk(struct rfc *r, struct conn *c, uint64_t sk)
{
	c->sk = sk;
	if (c->kind == MINI)
		set_kind(r, c, FULL); /* a new socket on the tuple: the minisocket is gone */
	sk_set(r, sk, c);
}

static void drop_conn(struct rfc *r, struct conn *c)
{
	struct conn **link = &r->conns[hash_tuple(c->where, c->family, c->local, c->lport, c->remote, c->rport)];
	struct sk_entry *e = c->sk ? *sk_link(r, c->sk) : NULL;

	if (e != NULL && e->conn == c)
		sk_forget(r, c->sk);
	if (c->kind == MINI)
		mini_unlink(r, c);
	while (*link != NULL && *link != c)
		link = &(*link)->next;
	if (*link == c)
		*link = c->next;
	pool_put(&r->conn_pool, c);
}

/* A listener of namespace where on local:lport? */
static struct conn *listener_of(struct rfc *r, int where, int family, const uint8_t *l, uint16_t lp)
{
	static const uint8_t any[16];

	struct conn *c = find_conn(r, where, family, l, lp, any, 0, 0);

	if (c == NULL)
		c = find_conn(r, where, family, any, lp, any, 0, 0);
	return c != NULL && c->state == LAB_LISTEN ? c : NULL;
}

/* ---- telling steps ---------------------------------------------------- */

/* How the diagram names a segment's flags; ours says whether we sent it. */
static const char *segment_name(const struct conn *c, const struct packet *p, int ours, enum lab_state old_state)
{
	static const char *const name[2][6] = {
		{ "rcv RST", "rcv SYN,ACK", "rcv SYN", "rcv FIN,ACK", "rcv FIN", "rcv ACK" },
		{ "snd RST", "snd SYN,ACK", "snd SYN", "snd FIN,ACK", "snd FIN", "snd ACK" },
	};
	const char *const *n = name[ours != 0];
	int acks_fin = !ours && c->sent_fin && (p->flags & TCP_FL_ACK) && p->ack == c->fin_seq + 1;
	int acks_syn = !ours && c->sent_syn && (p->flags & TCP_FL_ACK) && p->ack == c->syn_seq + 1;

	if (p->flags & TCP_FL_RST)
		return n[0];
	if ((p->flags & TCP_FL_SYN) && (p->flags & TCP_FL_ACK))
		return n[1];
	if (p->flags & TCP_FL_SYN)
		return n[2];
	if (p->flags & TCP_FL_FIN)
		return acks_fin && old_state == LAB_FIN_WAIT1 ? n[3] : n[4];
	if (acks_fin)
		return "rcv ACK of FIN";
	if (acks_syn)
		return "rcv ACK of SYN";
	return n[5];
}

static int sent_by(const struct conn *c, const struct packet *p)
{
	return p->where == c->where && p->family == c->family && p->sport == c->lport &&
	       p->dport == c->rport && memcmp(p->src, c->local, alen(c->family)) == 0 &&
	       memcmp(p->dst, c->remote, alen(c->family)) == 0;
}

/* The next kernel step of the same socket still queued after index i, or NULL. */
static const struct tcp_event *next_step_of(const struct rfc *r, size_t i)
{
	return r->next_of[i] ? &r->events[i + r->next_of[i]] : NULL;
}

static struct last_slot *last_slot_of(struct rfc *r, uint64_t sk)
{
	unsigned h = (unsigned)(sk >> 6) & (LAST_SLOTS - 1);

	for (unsigned n = 0; n < LAST_SLOTS; n++, h = (h + 1) & (LAST_SLOTS - 1)) {
		struct last_slot *sl = &r->last[h];

		if (sl->gen != r->gen || sl->sk == sk)
			return sl;
	}
	return NULL;
}

/* Forget every chain head: O(1), by generation. */
static void clear_last(struct rfc *r)
{
	r->gen++;
	r->in_gen = 0;
}

/* Chain the step just queued at index k to its socket's previous one. */
static void chain_step(struct rfc *r, size_t k)
{
	struct last_slot *sl;

	r->next_of[k] = 0;
	if (r->in_gen > LAST_SLOTS / 2) { /* too full to probe well: start again, chains stay */
		clear_last(r);
	}
	sl = last_slot_of(r, r->events[k].sk);
	if (sl == NULL)
		return;
	if (sl->gen == r->gen && sl->idx >= r->first && sl->idx < k && r->events[sl->idx].sk == r->events[k].sk)
		r->next_of[sl->idx] = k - sl->idx;
	if (sl->gen != r->gen)
		r->in_gen++;
	*sl = (struct last_slot){ r->events[k].sk, k, r->gen };
}

/*
 * The first segment c sent in [from, until).  Steps and segments are worked
 * through in time order, so it is among those not worked through yet.
 */
static const struct packet *sent_after(const struct rfc *r, const struct conn *c, uint64_t from, uint64_t until)
{
	for (uint64_t i = r->ring_done; i < r->ring_in; i++) {
		const struct packet *p = segment_at(r, i);

		if (p->ns >= until)
			break;
		if (p->ns >= from && sent_by(c, p))
			return p;
	}
	return NULL;
}

static int where_of(const struct rfc *r, unsigned long netns);

/*
 * connect() enters SYN_SENT before it picks the local port, so that step
 * says port 0: take the port from the socket's next step, else from the
 * first SYN to that server on its namespace's wire within a millisecond.
 */
static void fill_local_port(const struct rfc *r, size_t i, struct tcp_event *ev)
{
	size_t n = alen(ev->family);
	int where = where_of(r, ev->netns);

	for (size_t j = i; r->next_of[j]; j += r->next_of[j])
		if (r->events[j + r->next_of[j]].sport != 0) {
			ev->sport = r->events[j + r->next_of[j]].sport;
			memcpy(ev->saddr, r->events[j + r->next_of[j]].saddr, n);
			return;
		}
	for (uint64_t k = r->ring_done; k < r->ring_in; k++) {
		const struct packet *p = segment_at(r, k);

		if (p->ns > ev->ns + MERGE_NS)
			break;
		if ((p->flags & TCP_FL_SYN) && p->where == where && p->family == ev->family && p->dport == ev->dport &&
		    memcmp(p->dst, ev->daddr, n) == 0 && memcmp(p->src, ev->saddr, n) == 0) {
			ev->sport = p->sport;
			return;
		}
	}
}

/* What made a step, as the kernel's record says. */
enum how { BY_CALL, BY_SEGMENT, BY_TIMER };

struct step_ctx {
	struct rfc *r;
	struct conn *c;
	uint64_t ns;
	enum how how;
	const struct packet *cause;	/* the segment received that made it; NULL: none matched */
	const struct tcp_seq *seq;	/* kernel steps: the socket's sequence state at the step */
	const struct packet *reply;	/* steps of a segment: the segment the kernel answered with */
	uint64_t action_until;		/* kernel steps: how far on to look for what it sent */
	const struct tcp_event *task;	/* the kernel's step made in a system call, if it was one */
};

/* A segment's end in sequence space: its bytes, and one each for SYN and FIN. */
static uint32_t seg_end(const struct packet *p)
{
	return p->seq + p->len + !!(p->flags & TCP_FL_SYN) + !!(p->flags & TCP_FL_FIN);
}

/*
 * Could segment p, received, have brought the socket to sequence state q?
 * A SYN or a FIN is taken when the socket's next expected byte is just past
 * it; an RST when it sits exactly at that byte (or acknowledges our SYN); an
 * ACK when the oldest byte not yet acknowledged is the one it names.
 */
static int brought(const struct packet *p, const struct tcp_seq *q)
{
	if (p->flags & TCP_FL_RST)
		return p->seq == q->rcv_nxt || ((p->flags & TCP_FL_ACK) && p->ack == q->snd_nxt);
	if (p->flags & (TCP_FL_SYN | TCP_FL_FIN))
		return seg_end(p) == q->rcv_nxt;
	return (p->flags & TCP_FL_ACK) && p->ack == q->snd_una;
}

/*
 * Did p, received, take the socket to q, with the flags the arrow names
 * (need; an RST always may)?  In SYN_SENT nothing is expected yet, and the
 * SYN of a simultaneous open is taken before the socket moves its rcv_nxt
 * past it.
 */
static int took(const struct packet *p, const struct tcp_seq *q, int in_syn_sent, uint8_t need)
{
	if (!(p->flags & TCP_FL_RST) && (p->flags & need) != need)
		return 0;
	return brought(p, q) || (in_syn_sent && (p->flags & (TCP_FL_SYN | TCP_FL_ACK)) == TCP_FL_SYN);
}

/*
 * Which segment c received (its number: c->rcv[n % RECENT]), newest first,
 * took it to q; -1 if none did.  A segment causes one step: those before
 * c->caused have.
 */
static int cause_of(const struct conn *c, const struct tcp_seq *q, int in_syn_sent, uint8_t need)
{
	for (unsigned k = 0; k < RECENT && k < c->nrcv && c->nrcv - 1 - k >= c->caused; k++)
		if (took(&c->rcv[(c->nrcv - 1 - k) % RECENT], q, in_syn_sent, need))
			return (int)(c->nrcv - 1 - k);
	return -1;
}

/* The flags a segment named as the table names them ("SYN,ACK", "FIN", "ACK of FIN", ...) carries. */
static uint8_t flags_named(const char *e)
{
	uint8_t f = 0;

	if (strncmp(e, "SYN", 3) == 0)
		f |= TCP_FL_SYN;
	if (strncmp(e, "FIN", 3) == 0)
		f |= TCP_FL_FIN;
	if (strncmp(e, "RST", 3) == 0)
		f |= TCP_FL_RST;
	if (strstr(e, "ACK") != NULL)
		f |= TCP_FL_ACK;
	return f;
}

/* The flags of the segment that takes arrow FROM -> TO; 0 for an arrow no segment takes, or none in the table. */
static uint8_t flags_needed(enum lab_state from, enum lab_state to)
{
	const struct arrow *a = find_arrow(from, to);

	return a != NULL && strncmp(a->event, "rcv ", 4) == 0 ? flags_named(a->event + 4) : 0;
}

/*
 * May p, sent, be what arrow a sends?  A SYN or a FIN only where the table
 * has the arrow send one (a FIN the program writes later follows on from
 * the same byte); an arrow not in the table, anything.
 */
static int fits_action(const struct arrow *a, const struct packet *p)
{
	uint8_t f = a != NULL && strncmp(a->action, "snd ", 4) == 0 ? flags_named(a->action + 4) : 0;

	return a == NULL || (p->flags & (TCP_FL_SYN | TCP_FL_FIN) & ~f) == 0;
}

static int received_by(const struct conn *c, const struct packet *p)
{
	return p->where == c->where && p->family == c->family && p->dport == c->lport &&
	       p->sport == c->rport && memcmp(p->dst, c->local, alen(c->family)) == 0 &&
	       memcmp(p->src, c->remote, alen(c->family)) == 0;
}

/* Is p among the segments c received lately? */
static int holds(const struct conn *c, const struct packet *p)
{
	for (unsigned k = 0; k < RECENT && k < c->nrcv; k++) {
		const struct packet *q = &c->rcv[(c->nrcv - 1 - k) % RECENT];

		if (q->ns == p->ns && q->seq == p->seq && q->ack == p->ack && q->flags == p->flags)
			return 1;
	}
	return 0;
}

/* Segment p, received by c: one more of its recent ones. */
static void book(struct conn *c, const struct packet *p)
{
	c->seen = p->ns;
	c->rcv[c->nrcv++ % RECENT] = *p;
}

/*
 * Which segment c received took it to q, as cause_of; and if none did yet,
 * the first that does among those received up to CLOCK_SLACK_NS after the
 * step.  The wire's stamps are put on the steps' clock by a measured
 * difference, and a segment is stamped only a little before the step it
 * makes: its stamp may land just after the step.  The segments c received
 * up to that one are handed to it ahead of their time, in their order.
 */
static int find_cause(struct rfc *r, struct conn *c, const struct tcp_seq *q, uint64_t step_ns, int in_syn_sent,
		      uint8_t need)
{
	int n = cause_of(c, q, in_syn_sent, need);

	for (uint64_t i = r->ring_done; n < 0 && i < r->ring_in; i++) {
		struct packet *p = segment_at(r, i);

		if (p->ns > step_ns + CLOCK_SLACK_NS)
			break;
		if (p->booked || !received_by(c, p))
			continue;
		book(c, p);
		p->booked = 1;
		if (took(p, q, in_syn_sent, need))
			n = (int)(c->nrcv - 1);
	}
	return n;
}

static const struct packet *received(const struct conn *c, int n)
{
	return n < 0 ? NULL : &c->rcv[(unsigned)n % RECENT];
}

/*
 * Does segment p, sent after a step, carry on from the socket's state q at
 * the step?  connect()'s SYN takes its number after the step; a FIN is the
 * end of what was written; anything else starts at the next byte to send
 * and acknowledges just what the socket had received (not what came later).
 */
static int follows(const struct packet *p, const struct tcp_seq *q, int to_syn_sent)
{
	if ((p->flags & TCP_FL_SYN) && !(p->flags & TCP_FL_ACK))
		return to_syn_sent;
	if (p->flags & TCP_FL_SYN)
		return p->seq == q->snd_una; /* the SYN,ACK of a simultaneous open: our SYN again */
	if (p->flags & TCP_FL_FIN)
		return p->seq + p->len == q->write_seq;
	return p->seq == q->snd_nxt && (!(p->flags & TCP_FL_ACK) || p->ack == q->rcv_nxt);
}

/*
 * Segment p, sent by the step's end but stamped before the step: can it be
 * the step's all the same?  A SYN or a FIN can (one per connection: its
 * number says whose it is); anything else only if it left after the segment
 * that made the step (the two stamped on the same clock).
 */
static int sent_after_cause(const struct step_ctx *s, const struct packet *p)
{
	if (p->flags & (TCP_FL_SYN | TCP_FL_FIN))
		return 1;
	return s->cause != NULL && p->ns > s->cause->ns;
}

/*
 * What the step sent: the first segment c sent after it that carries on
 * from its sequence state, passing over what it resent of older bytes; NULL
 * when something else came first (the next connection's SYN on the same
 * 4-tuple, say) or nothing came.  Steps and segments are worked through in
 * time order, so it is mostly among those not worked through yet; but the
 * two clocks may disagree by a little (find_cause), so it may also be
 * stamped up to CLOCK_SLACK_NS before the step (sent_after_cause).
 */
static const struct packet *action_of(const struct step_ctx *s, const struct arrow *a, int to_syn_sent)
{
	const struct rfc *r = s->r;
	uint64_t i = r->ring_done, oldest = r->ring_in > r->ring_cap ? r->ring_in - r->ring_cap : 0;

	while (i > oldest && segment_at(r, i - 1)->ns + CLOCK_SLACK_NS >= s->ns)
		i--;
	for (; i < r->ring_in; i++) {
		const struct packet *p = segment_at(r, i);

		if (p->ns >= s->action_until)
			break;
		if (p->ns + CLOCK_SLACK_NS < s->ns || !sent_by(s->c, p))
			continue;
		if (p->ns < s->ns && !sent_after_cause(s, p))
			continue;
		if (follows(p, s->seq, to_syn_sent) && fits_action(a, p))
			return p;
		/* stamped before the step and not its own: the last connection's, passed over */
		if (p->ns >= s->ns && (int32_t)(p->seq - s->seq->snd_nxt) >= 0)
			return NULL;
	}
	return NULL;
}

/* The event of the step: the call, the timer, or the segment that matched ("?" if none). */
static const char *trigger_of(const struct step_ctx *s, const struct arrow *a, enum lab_state old_state)
{
	const struct packet *p = s->cause;

	if (p != NULL && (p->flags & TCP_FL_RST))
		return "rcv RST";
	if (s->how == BY_CALL && a != NULL && strncmp(a->event, "rcv ", 4) != 0)
		return a->event;
	if (s->how == BY_CALL && p == NULL)
		return "?"; /* a call the diagram has no arrow for (ss -K, say): the program is named */
	if (s->how == BY_TIMER)
		return a && strstr(a->event, "Timeout") ? a->event : "timeout";
	/*
	 * A bare ACK the step was matched to by its numbers, on an arrow the
	 * kernel takes only when our SYN or FIN is acknowledged: it is that ACK,
	 * though the SYN or FIN itself may be stamped after it (on one host's
	 * veth the answer comes back within the clocks' slack).
	 */
	if (p != NULL && a != NULL && !(p->flags & (TCP_FL_SYN | TCP_FL_FIN | TCP_FL_RST)) &&
	    strncmp(a->event, "rcv ACK of ", 11) == 0)
		return a->event;
	return p ? segment_name(s->c, p, 0, old_state) : "?";
}

static void emit(struct step_ctx *s, enum lab_state old_state, enum lab_state new_state, const char *detail)
{
	struct conn *c = s->c;
	const struct arrow *a = find_arrow(old_state, new_state);
	const struct packet *sent = s->reply;
	struct rfc_step st;

	memset(&st, 0, sizeof(st));
	st.ns = s->ns;
	st.where = c->where;
	st.family = c->family;
	memcpy(st.local, c->local, 16);
	memcpy(st.remote, c->remote, 16);
	st.lport = c->lport;
	st.rport = c->rport;
	st.old_state = lab_state_name(old_state);
	st.new_state = lab_state_name(new_state);
	st.ns_in_old = c->since && s->ns >= c->since ? (int64_t)(s->ns - c->since) : -1;
	st.trigger = trigger_of(s, a, old_state);
	if (s->cause != NULL && strncmp(st.trigger, "rcv ", 4) == 0)
		st.cause = s->cause;
	if (s->seq != NULL)
		sent = s->r->cfg.kernel_only ? NULL : action_of(s, a, new_state == LAB_SYN_SENT);
	if (sent != NULL) {
		st.action = segment_name(c, sent, 1, old_state);
		st.sent = sent;
	} else {
		st.action = a && strncmp(a->action, "snd", 3) != 0 ? a->action : "x";
	}
	st.linux_detail = detail ? detail : "";
	if (s->task != NULL) {
		st.pid = s->task->pid;
		st.comm = s->task->comm;
	}
	c->state = new_state;
	c->since = s->ns;
	if (s->seq == NULL && s->cause != NULL)
		c->caused = c->nrcv; /* a step of the segment just received: it has caused it */
	s->r->cfg.fn(&st, s->r->cfg.ctx);
}

/* ---- where a kernel step happened ------------------------------------ */

/* Which watched namespace the kernel named for the socket; -1 for none. */
static int where_of(const struct rfc *r, unsigned long netns)
{
	for (int i = 0; i < r->cfg.nwhere; i++)
		if (r->cfg.inode[i] == netns)
			return i;
	return -1;
}

static int same_tuple(const struct conn *c, const struct tcp_event *ev)
{
	size_t n = alen(ev->family);

	return c->family == ev->family && c->lport == ev->sport && c->rport == ev->dport &&
	       memcmp(c->local, ev->saddr, n) == 0 && memcmp(c->remote, ev->daddr, n) == 0;
}

/* The socket's 4-tuple changed (its port was picked late): move its connection. */
static struct conn *rekey(struct rfc *r, struct sk_entry *e, const struct tcp_event *ev)
{
	struct conn *old = e->conn;
	struct conn *c = find_conn(r, old->where, ev->family, ev->saddr, ev->sport, ev->daddr, ev->dport, 1);

	if (c == NULL || (c->sk != 0 && c->sk != ev->sk))
		return old; /* no memory, or another live socket holds that tuple */
	c->state = old->state;
	c->since = old->since;
	set_kind(r, c, old->kind);
	c->sk = ev->sk;
	e->conn = c;
	old->sk = 0; /* its entry is c's now */
	drop_conn(r, old);
	return c;
}

/*
 * The connection of this kernel step.  The kernel names the socket's own
 * namespace with every step (the BPF program reads it from the socket), so
 * nothing here is guessed from the task or the wire.
 */
static struct conn *conn_of_step(struct rfc *r, const struct tcp_event *ev)
{
	struct sk_entry *e = *sk_link(r, ev->sk);
	int where = where_of(r, ev->netns);
	struct conn *c;

	if (e != NULL && e->conn != NULL && e->conn->where == where)
		return same_tuple(e->conn, ev) ? e->conn : rekey(r, e, ev);
	if (where < 0)
		return NULL;
	c = find_conn(r, where, ev->family, ev->saddr, ev->sport, ev->daddr, ev->dport, 1);
	if (c == NULL)
		return NULL;
	if (c->sk != 0 && c->sk != ev->sk)
		sk_forget(r, c->sk); /* the tuple's last socket ended unseen: this one is it now */
	bind_sk(r, c, ev->sk);
	return c;
}

/* ---- the kernel's steps ---------------------------------------------- */

static int is_state(const struct conn *c, enum lab_state state)
{
	return c->state == state;
}

/* What sock_diag says of to's 4-tuple now. */
static int kernel_state_of(const struct rfc *r, const struct conn *c)
{
	return diag_state(r->cfg.diag_fd[c->where], c->family, c->local, c->lport, c->remote, c->rport);
}

/* c now lives in a timewait minisocket: ask sock_diag about it near its end. */
static void to_minisocket(struct rfc *r, struct conn *c, uint64_t ns)
{
	set_kind(r, c, MINI);
	c->next_check = ns + TIMEWAIT_NS - 500000000ull;
}

/* A full socket handed over to a minisocket, or ended: which, by the wire, else sock_diag. */
static void close_from(struct step_ctx *s, enum lab_state old_state)
{
	struct conn *c = s->c;
	const struct packet *p = s->cause;
	int kstate;

	if (p != NULL && (p->flags & TCP_FL_RST)) {
		emit(s, old_state, LAB_CLOSED, "reset");
		return;
	}
	/* Without a FIN or an RST, FIN_WAIT2 -> CLOSE is close() handing over to a minisocket. */
	if (p != NULL && ((p->flags & TCP_FL_FIN) || old_state == LAB_CLOSING))
		kstate = TCP_TIME_WAIT;
	else if (c->nrcv)
		kstate = old_state == LAB_FIN_WAIT2 ? TCP_FIN_WAIT2 : 0;
	else
		kstate = kernel_state_of(s->r, c);
	if (kstate == TCP_FIN_WAIT2 && old_state == LAB_FIN_WAIT2) {
		/* close()d in FIN_WAIT2: the RFC state goes on in a minisocket */
		c->state = LAB_FIN_WAIT2;
		to_minisocket(s->r, c, s->ns);
	} else if (kstate == TCP_TIME_WAIT) {
		emit(s, old_state, LAB_TIME_WAIT, "the full socket hands over to a timewait minisocket (the tracepoint: -> CLOSE)");
		to_minisocket(s->r, c, s->ns);
	} else {
		emit(s, old_state, LAB_CLOSED, NULL);
	}
}

/*
 * A connect() that fails before any SYN leaves (its 4-tuple is still in
 * TIME_WAIT, say): SYN_SENT and back to CLOSE in the same call, nothing sent.
 */
static int no_syn_left(const struct tcp_event *ev, const struct tcp_event *next)
{
	return ev->old_state == TCP_CLOSE && ev->new_state == TCP_SYN_SENT && next != NULL &&
	       next->old_state == TCP_SYN_SENT && next->new_state == TCP_CLOSE && !next->in_irq &&
	       next->pid == ev->pid && next->seq.segs_out == 0;
}

/* A drop, a retransmission or a reset: told as it is, in time order with the steps. */
static void kernel_note(struct rfc *r, const struct tcp_event *ev)
{
	int where = where_of(r, ev->netns);

	if (where >= 0 && r->cfg.note != NULL)
		r->cfg.note(ev, where, r->cfg.ctx);
}

/* Is FROM -> TO an arrow a segment's arrival takes ("rcv ..."), by the table? */
static int by_segment(enum lab_state from, enum lab_state to)
{
	const struct arrow *a = find_arrow(from, to);

	return a != NULL && strncmp(a->event, "rcv ", 4) == 0;
}

/*
 * FIN_WAIT1 -> FIN_WAIT2 at ev, then CLOSE at next: was it one FIN,ACK
 * that did both?  The segment that acknowledged our FIN at ev (the one
 * whose ACK names ev's snd_una; a FIN whose end is next's rcv_nxt) must be
 * that FIN itself: its number in c's segments, else -1 (an ACK or data
 * acknowledged our FIN, and the peer's FIN came on its own later).
 */
static int fin_ack_of(struct rfc *r, struct conn *c, const struct tcp_event *ev, const struct tcp_event *next)
{
	struct tcp_seq q = ev->seq;
	int n;

	q.rcv_nxt = next->seq.rcv_nxt;
	n = find_cause(r, c, &q, ev->ns, 0, TCP_FL_ACK);
	return n >= 0 && (received(c, n)->flags & TCP_FL_FIN) ? n : -1;
}

static void kernel_step(struct rfc *r, size_t i)
{
	struct tcp_event step = r->events[i];
	const struct tcp_event *ev = &step;
	const struct tcp_event *next = next_step_of(r, i);
	enum lab_state old_state = lab_state_of(ev->old_state), new_state = lab_state_of(ev->new_state);
	struct step_ctx s = {
		.r = r,
		.ns = ev->ns,
		.how = !ev->in_irq ? BY_CALL : ev->by_timer ? BY_TIMER : BY_SEGMENT,
		.seq = &ev->seq,
		.action_until = ev->ns + ACTION_WINDOW_NS,
		.task = ev->in_irq ? NULL : ev,
	};
	int cause, fin;
	struct conn *c;

	if (ev->kind != KIND_STEP) {
		kernel_note(r, ev);
		return;
	}
	if (!r->cfg.kernel_only && no_syn_left(ev, next)) {
		/* connect() failed before its SYN (EADDRNOTAVAIL): in RFC terms no state changed */
		r->events[next - r->events].consumed = 1;
		return;
	}
	if (step.sport == 0 && step.new_state == TCP_SYN_SENT)
		fill_local_port(r, i, &step);
	c = conn_of_step(r, ev);

	if (c == NULL) {
		if (ev->new_state == TCP_CLOSE)
			sk_forget(r, ev->sk);
		return;
	}
	s.c = c;
	if (s.how == BY_CALL && !by_segment(old_state, new_state)) {
		/* close(), connect(), listen(): no segment made it, whatever came last, but an RST */
		cause = cause_of(c, &ev->seq, 0, 0);
		if (cause >= 0 && !(received(c, cause)->flags & TCP_FL_RST))
			cause = -1;
	} else {
		cause = find_cause(r, c, &ev->seq, ev->ns, ev->old_state == TCP_SYN_SENT,
				   flags_needed(old_state, new_state));
	}
	s.cause = received(c, cause);
	c->seen = ev->ns;
	if (next != NULL && next->ns + CLOCK_SLACK_NS < s.action_until)
		s.action_until = next->ns + CLOCK_SLACK_NS;
	if (r->cfg.kernel_only) {
		emit(&s, old_state, new_state, NULL);
	} else if (ev->old_state == TCP_LISTEN && ev->new_state == TCP_SYN_RECV) {
		/* the child of a request: the RFC's SYN_RECV began with the SYN */
		cause = -1; /* its sequence state is the listener's still: its next step's is its own */
		s.cause = next != NULL ? received(c, find_cause(r, c, &next->seq, next->ns, 0, TCP_FL_ACK)) : NULL;
		if (c->kind != REQUEST || !is_state(c, LAB_SYN_RECV))
			emit(&s, old_state, new_state, "the child socket is made when the last ACK lands");
		set_kind(r, c, FULL);
	} else if (ev->old_state == TCP_FIN_WAIT1 && ev->new_state == TCP_FIN_WAIT2 && next != NULL &&
		   next->new_state == TCP_CLOSE && (fin = fin_ack_of(r, c, ev, next)) >= 0) {
		/* one FIN,ACK: FIN_WAIT1 -> FIN_WAIT2 -> (minisocket) is FIN_WAIT1 -> TIME_WAIT */
		cause = fin;
		s.cause = received(c, fin);
		s.seq = &next->seq;
		emit(&s, LAB_FIN_WAIT1, LAB_TIME_WAIT,
		     "FIN_WAIT1 -> FIN_WAIT2 -> CLOSE in one segment: a timewait minisocket");
		to_minisocket(r, c, ev->ns);
		r->events[next - r->events].consumed = 1; /* its CLOSE is this */
		sk_forget(r, ev->sk);
		c->sk = 0;
	} else if (ev->new_state == TCP_CLOSE &&
		   (ev->old_state == TCP_FIN_WAIT1 || ev->old_state == TCP_FIN_WAIT2 || ev->old_state == TCP_CLOSING)) {
		close_from(&s, old_state);
	} else {
		emit(&s, old_state, new_state, NULL);
	}
	if (cause >= 0 && (unsigned)cause >= c->caused)
		c->caused = (unsigned)cause + 1;
	if (ev->new_state == TCP_CLOSE) {
		sk_forget(r, ev->sk);
		c->sk = 0;
		if (c->kind != MINI)
			drop_conn(r, c);
	}
}

/* ---- segments ----------------------------------------------------------- */

/*
 * c's answer to segment p: the next segment it sent, when it has exactly
 * these flags and acknowledges p itself; NULL if none (a segment the
 * firewall dropped gets none).
 */
static const struct packet *answer_to(const struct rfc *r, const struct conn *c, const struct packet *p,
				      uint8_t flags)
{
	const struct packet *reply = sent_after(r, c, p->ns, p->ns + ACTION_WINDOW_NS);

	if (reply == NULL || (reply->flags & (TCP_FL_SYN | TCP_FL_ACK | TCP_FL_FIN | TCP_FL_RST)) != flags)
		return NULL;
	return reply->ack == seg_end(p) ? reply : NULL;
}

/*
 * Book a segment to both ends it may belong to; let it start or end what it
 * does.  The wire is tapped before the firewall, so a segment an iptables
 * rule drops is seen too: what it would change needs the kernel's answer on
 * the wire, or sock_diag's word.
 */
static void segment_step(struct rfc *r, const struct packet *p)
{
	struct conn *to = find_conn(r, p->where, p->family, p->dst, p->dport, p->src, p->sport, 1);
	struct conn *from = find_conn(r, p->where, p->family, p->src, p->sport, p->dst, p->dport, 1);
	struct step_ctx s = { .r = r, .c = to, .ns = p->ns, .how = BY_SEGMENT, .cause = p };

	if (from != NULL) {
		from->seen = p->ns;
		if (p->flags & TCP_FL_SYN) {
			from->syn_seq = p->seq;
			from->sent_syn = 1;
		}
		if (p->flags & TCP_FL_FIN) {
			from->fin_seq = p->seq + p->len;
			from->sent_fin = 1;
		}
	}
	if (to == NULL)
		return;
	if (!p->booked || !holds(to, p))
		book(to, p);
	if (r->cfg.kernel_only)
		return;
	if ((p->flags & (TCP_FL_SYN | TCP_FL_ACK)) == TCP_FL_SYN &&
	    listener_of(r, p->where, p->family, p->dst, p->dport) != NULL &&
	    (to->state == LAB_UNKNOWN || to->kind == MINI || is_state(to, LAB_CLOSED)) &&
	    (s.reply = answer_to(r, to, p, TCP_FL_SYN | TCP_FL_ACK)) != NULL) {
		if (to->kind == MINI) { /* TIME_WAIT, or FIN_WAIT2 after close() */
			const struct packet *synack = s.reply;

			s.reply = NULL;
			emit(&s, to->state, LAB_CLOSED, "a new SYN on the same 4-tuple replaces the timewait minisocket");
			s.reply = synack;
		}
		to->since = 0;
		set_kind(r, to, REQUEST);
		emit(&s, LAB_LISTEN, LAB_SYN_RECV, "a request socket: no full socket until the last ACK");
	} else if ((p->flags & TCP_FL_RST) && to->kind == REQUEST && is_state(to, LAB_SYN_RECV) &&
		   kernel_state_of(r, to) == 0) {
		emit(&s, LAB_SYN_RECV, LAB_LISTEN, "the request socket is dropped; the listener stays");
		drop_conn(r, to);
	} else if ((p->flags & TCP_FL_FIN) && to->kind == MINI && is_state(to, LAB_FIN_WAIT2) &&
		   (s.reply = answer_to(r, to, p, TCP_FL_ACK)) != NULL) {
		emit(&s, LAB_FIN_WAIT2, LAB_TIME_WAIT, "the FIN_WAIT2 minisocket turns TIME_WAIT");
		to_minisocket(r, to, p->ns);
	} else if ((p->flags & TCP_FL_RST) && to->kind == MINI && is_state(to, LAB_TIME_WAIT) &&
		   kernel_state_of(r, to) == 0) {
		emit(&s, LAB_TIME_WAIT, LAB_CLOSED, "an RST in window ends TIME_WAIT (net.ipv4.tcp_rfc1337 = 0)");
		drop_conn(r, to);
	}
}

/*
 * Minisockets near their end: ask sock_diag whether they are still there.
 * Only the head of the list can be due: one that became a minisocket later
 * is due later, and one asked before is asked again RECHECK_NS on.
 */
static void check_minisockets(struct rfc *r, uint64_t now)
{
	if (r->cfg.kernel_only || now < r->last_check + RECHECK_NS)
		return;
	r->last_check = now;
	for (struct conn *c = r->mini_head, *next; c != NULL && c->next_check <= now + RECHECK_NS; c = next) {
		struct step_ctx s = { .r = r, .c = c, .ns = now, .how = BY_TIMER };
		int k;

		next = c->mini_next;
		if (now < c->next_check)
			continue;
		k = kernel_state_of(r, c);
		if (k == TCP_TIME_WAIT && is_state(c, LAB_FIN_WAIT2)) {
			s.how = BY_SEGMENT; /* a FIN we did not see: no cause to name */
			emit(&s, LAB_FIN_WAIT2, LAB_TIME_WAIT, "the FIN_WAIT2 minisocket turned TIME_WAIT");
			to_minisocket(r, c, now);
		} else if (k == 0) {
			c->nrcv = 0;
			emit(&s, c->state, LAB_CLOSED, "the timewait minisocket is gone");
			drop_conn(r, c);
		} else {
			c->next_check = now + RECHECK_NS;
		}
	}
}

/* Forget what the wire alone told about tuples nobody used for a while. */
static void forget_idle(struct rfc *r, uint64_t now)
{
	for (unsigned b = 0; b < BUCKETS; b++)
		for (struct conn *c = r->conns[b], *next; c != NULL; c = next) {
			next = c->next;
			if (c->state == LAB_UNKNOWN && c->sk == 0 && c->seen + WIRE_MEMORY_NS < now)
				drop_conn(r, c);
		}
}

/* ---- the queue ---------------------------------------------------------- */

struct rfc *rfc_new(const struct rfc_config *cfg)
{
	struct rfc *r;

	if (cfg->nwhere > MAX_WHERE || (r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	r->cfg = *cfg;
	r->conn_pool.size = sizeof(struct conn);
	r->sk_pool.size = sizeof(struct sk_entry);
	r->gen = 1;
	r->cap = FIRST_EVENTS;
	r->last = mem_new(LAST_SLOTS * sizeof(*r->last));
	r->ring_cap = FIRST_RING;
	r->ring = mem_new(r->ring_cap * sizeof(*r->ring));
	r->events = mem_new(r->cap * sizeof(*r->events));
	r->next_of = mem_new(r->cap * sizeof(*r->next_of));
	if (r->last == NULL || r->ring == NULL || r->events == NULL || r->next_of == NULL) {
		rfc_free(r);
		return NULL;
	}
	return r;
}

void rfc_free(struct rfc *r)
{
	if (r == NULL)
		return;
	pool_free(&r->conn_pool); /* every connection and socket entry */
	pool_free(&r->sk_pool);
	mem_free(r->events, r->cap * sizeof(*r->events));
	mem_free(r->next_of, r->cap * sizeof(*r->next_of));
	mem_free(r->ring, r->ring_cap * sizeof(*r->ring));
	mem_free(r->last, LAST_SLOTS * sizeof(*r->last));
	free(r);
}

/* Room for twice as many queued steps; -1 if there is none. */
static int grow_queue(struct rfc *r)
{
	size_t cap = r->cap * 2;
	struct tcp_event *more = mem_resize(r->events, r->cap * sizeof(*more), cap * sizeof(*more));
	size_t *links;

	if (more == NULL)
		return -1;
	r->events = more;
	links = mem_resize(r->next_of, r->cap * sizeof(*links), cap * sizeof(*links));
	if (links == NULL) {
		/* shrinking in place cannot fail: both stay as long as cap says */
		r->events = mem_resize(more, cap * sizeof(*more), r->cap * sizeof(*more));
		return -1;
	}
	r->next_of = links;
	r->cap = cap;
	return 0;
}

void rfc_kernel(struct rfc *r, const struct tcp_event *ev)
{
	struct tcp_event *e;

	if (r->nev == r->cap && grow_queue(r) < 0)
		return;
	e = &r->events[r->nev++];
	*e = *ev;
	if (r->nev + PREFETCH_AHEAD < r->cap)
		__builtin_prefetch(&r->events[r->nev + PREFETCH_AHEAD], 1);
	if (e->kind == KIND_STEP)
		chain_step(r, r->nev - 1);
	else
		r->next_of[r->nev - 1] = 0;
}

/*
 * Twice the room for segments, the ones kept laid out anew; -1 if there is
 * none.  It grows while more than half of it waits to be worked through, so
 * that as much again stays behind to look back on.
 */
static int grow_ring(struct rfc *r)
{
	uint64_t cap = r->ring_cap * 2;
	uint64_t oldest = r->ring_in > r->ring_cap ? r->ring_in - r->ring_cap : 0;
	struct packet *more;

	if (cap > MAX_RING || (more = mem_new(cap * sizeof(*more))) == NULL)
		return -1;
	for (uint64_t i = oldest; i < r->ring_in; i++)
		more[i & (cap - 1)] = *segment_at(r, i);
	mem_free(r->ring, r->ring_cap * sizeof(*r->ring));
	r->ring = more;
	r->ring_cap = cap;
	return 0;
}

/* A segment, if it is asked for, then its part in the steps (it comes before what it causes). */
static void work_through(struct rfc *r, const struct packet *p)
{
	if (r->cfg.segment != NULL)
		r->cfg.segment(p, r->cfg.ctx);
	segment_step(r, p);
}

void rfc_packet(struct rfc *r, const struct packet *p)
{
	uint64_t i;

	if (r->ring_in - r->ring_done >= r->ring_cap / 2 && grow_ring(r) < 0 &&
	    r->ring_in - r->ring_done >= r->ring_cap)
		work_through(r, segment_at(r, r->ring_done++)); /* full for good: work the oldest through now */
	/*
	 * Each namespace's capture is in time order, but they are read one after
	 * another: slide a segment back past the later ones of another namespace
	 * (none to pass with one namespace), so the ring stays in time order.
	 */
	for (i = r->ring_in; i > r->ring_done && segment_at(r, i - 1)->ns > p->ns; i--)
		*segment_at(r, i) = *segment_at(r, i - 1);
	*segment_at(r, i) = *p;
	r->ring_in++;
	/* the slots ahead were last written ~0.1 s ago: long out of the cache */
	__builtin_prefetch(&r->ring[(r->ring_in + PREFETCH_AHEAD) & (r->ring_cap - 1)], 1);
}

/* How late a step is told: late enough for the segment it sends (--kernel: only the wire near it). */
static uint64_t lookahead(const struct rfc *r)
{
	return r->cfg.kernel_only ? KERNEL_LOOKAHEAD_NS : LOOKAHEAD_NS;
}

uint64_t rfc_next_due(const struct rfc *r)
{
	uint64_t ahead = lookahead(r), due = UINT64_MAX;

	if (r->first < r->nev)
		due = r->events[r->first].ns + ahead;
	if (r->ring_done < r->ring_in && segment_at(r, r->ring_done)->ns + ahead < due)
		due = segment_at(r, r->ring_done)->ns + ahead;
	if (!r->cfg.kernel_only && r->mini_head != NULL && r->mini_head->next_check < due)
		due = r->mini_head->next_check;
	return due;
}

void rfc_flush(struct rfc *r, uint64_t now, int all)
{
	uint64_t limit = all ? UINT64_MAX : now > lookahead(r) ? now - lookahead(r) : 0;

	for (;;) {
		const struct packet *p = r->ring_done < r->ring_in ? segment_at(r, r->ring_done) : NULL;
		const struct tcp_event *ev = r->first < r->nev ? &r->events[r->first] : NULL;

		if (ev != NULL && ev->consumed) {
			r->first++;
			continue;
		}
		if (p != NULL && p->ns < limit && (ev == NULL || p->ns <= ev->ns)) {
			work_through(r, p);
			r->ring_done++;
		} else if (ev != NULL && ev->ns < limit) {
			kernel_step(r, r->first++);
		} else {
			break;
		}
	}
	if (r->first == r->nev) {
		r->first = r->nev = 0;
		if (r->in_gen)
			clear_last(r);
	} else if (r->first > r->cap / 2) { /* never empty under load: move what is left down */
		memmove(r->events, r->events + r->first, (r->nev - r->first) * sizeof(*r->events));
		memmove(r->next_of, r->next_of + r->first, (r->nev - r->first) * sizeof(*r->next_of));
		r->nev -= r->first;
		r->first = 0;
		clear_last(r);
	}
	check_minisockets(r, now);
	if (now > r->last_idle + 1000000000ull) {
		r->last_idle = now;
		forget_idle(r, now);
	}
}
