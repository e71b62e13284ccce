// SPDX-License-Identifier: MIT
/*
 * The summary's bookkeeping: per watched namespace a table of its sockets
 * (state, since when, whether that is exact), brought to each dump (what it
 * no longer has is swept out) and kept current between dumps by the RFC's
 * steps.  The counts are the dump's,
 * never the table's: the table only dates them.
 */
#include <sys/mman.h>
#include <sys/socket.h>

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "diag.h"
#include "owners.h"
#include "summary.h"
#include "summary_out.h"
#include "table.h"

#define TIMEWAIT_MS 60000	/* TCP_TIMEWAIT_LEN: TIME_WAIT's timer starts there */
#define JIFFY_MS 10		/* the coarsest tick (HZ=100): the kernel's ages may be one over */
#define HUGE_PAGE (2u << 20)
#define LEAK_TOLD 1		/* a leak line was written for it */
#define LEAK_GONE 2		/* and the last walk did not have it: its step, 0.1 s late, may say where it went */
#define AHEAD 8			/* dumped sockets whose slots are fetched ahead of their turn */

struct sock_key {
	uint8_t family, pad;
	uint16_t lport, rport, pad2;	/* 40 bytes: five words to hash */
	uint8_t local[16], remote[16];
};

_Static_assert(sizeof(struct sock_key) == 40, "a key is five words");

struct entry {
	struct sock_key key;
	int8_t state;		/* enum lab_state; LAB_CLOSED: gone */
	uint8_t used, exact;
	uint8_t leak;		/* LEAK_TOLD, LEAK_GONE; 0: none told */
	uint32_t dump;		/* the last dump that had it (0: none yet) */
	uint64_t since_ns;
	struct report_holder leak_holder; /* who held it when it was told as a leak */
};

struct table {
	struct entry *slot;
	size_t cap, n;		/* cap: a power of two */
};

/* One watched namespace. */
struct space {
	struct table table;
	uint32_t dumps;		/* dumps made so far */
	uint64_t entered[LAB_STATES];	/* since the last report */
	uint32_t hist[LAB_STATES][HIST_BUCKETS];
	uint64_t entered_total[LAB_STATES]; /* since the start */
	uint64_t hist_total[LAB_STATES][HIST_BUCKETS];
	double seconds_total[LAB_STATES];
};

/* A dump, kept for a second pass once the owners are known. */
struct dumped {
	struct diag_sock *sock;
	size_t n, cap;
	const struct summary *s;
	int failed;		/* ENOMEM */
};

struct summary {
	struct summary_config cfg;
	struct space *space;
	struct owners owners;
	struct dumped dump;
	unsigned (*proc_states)[LAB_STATES]; /* per owner process, for one namespace */
	unsigned (*first_states)[LAB_STATES]; /* the same, each socket under its first holder only */
	size_t proc_states_cap;
	struct prom prom;
	uint64_t last_ns;	/* the last report's time; 0: none yet */
};

/* A word at a time, each mixed in by a multiply (the table is probed twice per socket per interval). */
static uint64_t key_hash(const struct sock_key *k)
{
	uint64_t w[sizeof(*k) / 8], h = 0;

	memcpy(w, k, sizeof(w));
	for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++) {
		h = (h ^ w[i]) * 0x9e3779b97f4a7c15ull;
		h ^= h >> 32;
	}
	return h;
}

static void key_of(struct sock_key *k, int family, const uint8_t *local, uint16_t lport, const uint8_t *remote,
		   uint16_t rport)
{
	size_t n = family == AF_INET6 ? 16 : 4;

	memset(k, 0, sizeof(*k));
	k->family = (uint8_t)family;
	k->lport = lport;
	k->rport = rport;
	memcpy(k->local, local, n);
	memcpy(k->remote, remote, n);
}

/* Zeroed memory for a table; a big one in huge pages (one TLB entry for 2 MiB of random probes). */
static void *table_memory(size_t bytes)
{
	void *p;

	if (bytes < 4 * HUGE_PAGE)
		return calloc(1, bytes);
	bytes = (bytes + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
	p = aligned_alloc(HUGE_PAGE, bytes);
	if (p == NULL)
		return NULL;
	madvise(p, bytes, MADV_HUGEPAGE); /* a hint: without it, small pages */
	memset(p, 0, bytes);
	return p;
}

static int table_init(struct table *t, size_t n)
{
	size_t cap = 64;

	while (cap < 2 * n + 2)
		cap *= 2;
	t->slot = table_memory(cap * sizeof(*t->slot));
	if (t->slot == NULL)
		return -1;
	t->cap = cap;
	t->n = 0;
	return 0;
}

/* The slot of k, a new one (used == 0 until the caller fills it) if none. */
static struct entry *table_slot(const struct table *t, const struct sock_key *k)
{
	size_t i = key_hash(k) & (t->cap - 1);

	while (t->slot[i].used && memcmp(&t->slot[i].key, k, sizeof(*k)) != 0)
		i = (i + 1) & (t->cap - 1);
	return &t->slot[i];
}

/* k's entry; NULL if none. */
static struct entry *table_find(const struct table *t, const struct sock_key *k)
{
	struct entry *e;

	if (t->cap == 0)
		return NULL;
	e = table_slot(t, k);
	return e->used ? e : NULL;
}

/* t, moved into a table with room for n entries. */
static int table_resize(struct table *t, size_t n)
{
	struct table bigger;

	if (table_init(&bigger, n) < 0)
		return -1;
	for (size_t i = 0; i < t->cap; i++) {
		if (t->slot[i].used) {
			*table_slot(&bigger, &t->slot[i].key) = t->slot[i];
			bigger.n++;
		}
	}
	free(t->slot);
	*t = bigger;
	return 0;
}

/*
 * Room in t for a dump of n sockets, made at once rather than by doubling
 * as they come (most are in it already: the rest grow it); -1 when memory is short.
 */
static int table_room(struct table *t, size_t n)
{
	return 2 * n + 2 <= t->cap ? 0 : table_resize(t, n > t->n ? n : t->n);
}

/* k's entry, added (zeroed but for the key; *fresh = 1) when there is none; NULL when memory is short. */
static struct entry *table_add(struct table *t, const struct sock_key *k, int *fresh)
{
	struct entry *e;

	if (2 * (t->n + 1) > t->cap && table_resize(t, t->cap) < 0)
		return NULL;
	e = table_slot(t, k);
	*fresh = !e->used;
	if (!e->used) {
		memset(e, 0, sizeof(*e));
		e->key = *k;
		e->used = 1;
		e->state = LAB_CLOSED;
		t->n++;
	}
	return e;
}

/*
 * Empty slot i, moving back the entries after it that would no longer be
 * found (linear probing's deletion): slot i then holds the next entry to
 * look at, or nothing.
 */
static void table_delete(struct table *t, size_t i)
{
	size_t mask = t->cap - 1, j = i;

	t->n--;
	for (;;) {
		size_t home;

		t->slot[i].used = 0;
		do {
			j = (j + 1) & mask;
			if (!t->slot[j].used)
				return;
			home = key_hash(&t->slot[j].key) & mask;
		} while (i <= j ? (i < home && home <= j) : (i < home || home <= j));
		t->slot[i] = t->slot[j];
		i = j;
	}
}

static double wall_time(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t age_of(const struct entry *e, uint64_t now_ns)
{
	return now_ns > e->since_ns ? now_ns - e->since_ns : 0;
}

static int is_leak_state(int state)
{
	return state == LAB_CLOSE_WAIT || state == LAB_FIN_WAIT2;
}

static void sock_of_key(struct report_sock *r, const struct sock_key *k)
{
	memset(r, 0, sizeof(*r));
	r->family = k->family;
	r->lport = k->lport;
	r->rport = k->rport;
	memcpy(r->local, k->local, sizeof(r->local));
	memcpy(r->remote, k->remote, sizeof(r->remote));
}

/* A leak told is over: its state is left (new_state) or it is gone (LAB_UNKNOWN). */
static void leak_over(struct summary *s, int where, struct entry *e, uint64_t now_ns, int new_state)
{
	struct report_sock r;

	if (!e->leak)
		return;
	sock_of_key(&r, &e->key);
	r.state = e->state;
	r.age_ns = age_of(e, now_ns);
	r.exact = e->exact;
	r.holder = e->leak_holder;
	report_leak(s->cfg.out, s->cfg.json, wall_time(), s->cfg.ns[where].name, &r, 1, new_state);
	e->leak = 0;
}

static unsigned bucket_of(int64_t ns)
{
	uint64_t us = (uint64_t)ns / 1000;
	unsigned b = 0;

	while (us > 1 && b < HIST_BUCKETS - 1) {
		us >>= 1;
		b++;
	}
	return b;
}

void summary_step(struct summary *s, const struct rfc_step *st)
{
	struct space *sp = &s->space[st->where];
	enum lab_state old = lab_state_named(st->old_state), new = lab_state_named(st->new_state);
	struct sock_key k;
	struct entry *e;
	int fresh;

	if (new == LAB_UNKNOWN)
		return;
	sp->entered[new]++;
	sp->entered_total[new]++;
	if (old != LAB_UNKNOWN && st->ns_in_old >= 0) {
		unsigned b = bucket_of(st->ns_in_old);

		sp->hist[old][b]++;
		sp->hist_total[old][b]++;
		sp->seconds_total[old] += (double)st->ns_in_old / 1e9;
	}
	key_of(&k, st->family, st->local, st->lport, st->remote, st->rport);
	e = new == LAB_CLOSED ? table_find(&sp->table, &k) : table_add(&sp->table, &k, &fresh);
	if (e == NULL)
		return; /* closed and never seen; or no memory: the next dump dates it */
	if (e->state != new)
		leak_over(s, st->where, e, st->ns, new);
	e->state = (int8_t)new;
	e->since_ns = st->ns;
	e->exact = 1;
}

/* What the kernel's record proves of a socket's time in its state, in ms (0: nothing). */
static int64_t proven_age_ms(const struct diag_sock *d, enum lab_state state)
{
	int64_t ms = 0;

	if ((state == LAB_CLOSE_WAIT || state == LAB_FIN_WAIT2) && d->last_heard_ms >= 0)
		ms = d->last_heard_ms; /* the segment that brought it there was the last, or one before */
	else if (state == LAB_TIME_WAIT && d->expires_ms > 0 && d->expires_ms <= TIMEWAIT_MS)
		ms = TIMEWAIT_MS - (int64_t)d->expires_ms; /* its timer may have started again since */
	return ms > JIFFY_MS ? ms - JIFFY_MS : 0;
}

static void keep_sock(const struct diag_sock *d, void *ctx)
{
	struct dumped *dump = ctx;
	const struct summary *s = dump->s;

	if (s->cfg.family && d->family != s->cfg.family)
		return;
	if (s->cfg.wanted && !s->cfg.wanted(s->cfg.wanted_ctx, d->family, d->local, d->lport, d->remote, d->rport))
		return;
	if (dump->n == dump->cap) {
		size_t cap = dump->cap ? dump->cap * 2 : 1024;
		struct diag_sock *p = realloc(dump->sock, cap * sizeof(*p));

		if (p == NULL) {
			dump->failed = 1;
			return;
		}
		dump->sock = p;
		dump->cap = cap;
	}
	dump->sock[dump->n++] = *d;
}

/* Every wanted socket of namespace where into s->dump; -1 (errno). */
static int dump_space(struct summary *s, int where)
{
	static const int families[] = { AF_INET, AF_INET6 };

	s->dump.n = 0;
	s->dump.failed = 0;
	s->dump.s = s;
	if (s->cfg.sockets) {
		if (s->cfg.sockets(s->cfg.diag_fd[where], keep_sock, &s->dump, s->cfg.sockets_ctx) < 0)
			return -1;
	} else {
		for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
			if (s->cfg.family && s->cfg.family != families[i])
				continue;
			if (diag_dump(s->cfg.diag_fd[where], families[i], keep_sock, &s->dump) < 0)
				return -1;
		}
	}
	if (s->dump.failed) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

/* The entry of a dumped socket, dated by the steps seen (it is in the table) or from the kernel's record. */
static struct entry *date_sock(struct summary *s, int where, const struct diag_sock *d, enum lab_state state,
			       uint64_t now_ns)
{
	struct space *sp = &s->space[where];
	struct sock_key k;
	struct entry *e;
	int fresh;

	key_of(&k, d->family, d->local, d->lport, d->remote, d->rport);
	e = table_add(&sp->table, &k, &fresh);
	if (e == NULL || e->dump == sp->dumps)
		return e; /* no memory; or a second socket of the same ends (listeners with SO_REUSEPORT) */
	e->dump = sp->dumps;
	if (e->leak == LEAK_GONE)
		e->leak = LEAK_TOLD;
	if (!fresh && e->state == state)
		return e;
	if (!fresh) {
		leak_over(s, where, e, now_ns, state);
		e->since_ns = now_ns; /* the step is on its way (each comes 0.1 s late) */
	} else {
		e->since_ns = now_ns - (uint64_t)proven_age_ms(d, state) * 1000000u;
	}
	e->state = (int8_t)state;
	e->exact = 0;
	return e;
}

static void holder_of(const struct owners *o, uint32_t inode, struct report_holder *h)
{
	const struct holder *first;

	memset(h, 0, sizeof(*h));
	if (owners_of(o, inode, &first) == 0)
		return;
	h->pid = first->pid;
	h->fd = first->fd;
	memcpy(h->comm, o->proc[first->proc].comm, sizeof(h->comm));
}

static void count_owners(struct summary *s, struct ns_report *r, const struct diag_sock *d, enum lab_state state)
{
	const struct holder *h;
	size_t n = owners_of(&s->owners, d->inode, &h);

	if (n == 0) {
		r->no_process[state]++;
		return;
	}
	for (size_t i = 0; i < n; i++) /* a shared socket counts once for each process holding it */
		if (i == 0 || h[i].pid != h[i - 1].pid)
			s->proc_states[h[i].proc][state]++;
	s->first_states[h[0].proc][state]++;
}

static void consider_oldest(struct summary *s, struct ns_report *r, const struct entry *e,
			    const struct diag_sock *d, uint64_t now_ns)
{
	struct report_sock *o = &r->oldest[e->state];
	uint64_t age = age_of(e, now_ns);

	if (age == 0 && !e->exact)
		return; /* not known yet */
	if (r->has_oldest[e->state] && age <= o->age_ns)
		return;
	r->has_oldest[e->state] = 1;
	sock_of_key(o, &e->key);
	o->state = e->state;
	o->age_ns = age;
	o->exact = e->exact;
	holder_of(&s->owners, d->inode, &o->holder);
}

static void check_leak(struct summary *s, int where, struct entry *e, const struct diag_sock *d, uint64_t now_ns,
		       double wall)
{
	struct report_sock r;

	if (s->cfg.leak_s <= 0 || e->leak || !is_leak_state(e->state) ||
	    (double)age_of(e, now_ns) < s->cfg.leak_s * 1e9)
		return;
	e->leak = LEAK_TOLD;
	holder_of(&s->owners, d->inode, &e->leak_holder);
	sock_of_key(&r, &e->key);
	r.state = e->state;
	r.age_ns = age_of(e, now_ns);
	r.exact = e->exact;
	r.holder = e->leak_holder;
	report_leak(s->cfg.out, s->cfg.json, wall, s->cfg.ns[where].name, &r, 0, LAB_UNKNOWN);
}

static int need_proc_states(struct summary *s)
{
	size_t n = s->owners.nprocs ? s->owners.nprocs : 1;

	if (n > s->proc_states_cap) {
		void *p = realloc(s->proc_states, n * sizeof(*s->proc_states));

		if (p == NULL)
			return -1;
		s->proc_states = p;
		p = realloc(s->first_states, n * sizeof(*s->first_states));
		if (p == NULL)
			return -1;
		s->first_states = p;
		s->proc_states_cap = n;
	}
	memset(s->proc_states, 0, n * sizeof(*s->proc_states));
	memset(s->first_states, 0, n * sizeof(*s->first_states));
	return 0;
}

/* The owners with sockets here, most sockets first. */
static int by_total(const void *a, const void *b)
{
	const struct report_owner *x = a, *y = b;

	if (x->total != y->total)
		return x->total > y->total ? -1 : 1;
	return (x->pid > y->pid) - (x->pid < y->pid);
}

static int gather_owners(struct summary *s, struct ns_report *r)
{
	r->owner = calloc(s->owners.nprocs ? s->owners.nprocs : 1, sizeof(*r->owner));
	if (r->owner == NULL)
		return -1;
	for (size_t p = 0; p < s->owners.nprocs; p++) {
		struct report_owner *o = &r->owner[r->nowners];

		for (int st = 0; st < LAB_STATES; st++)
			o->total += o->states[st] = s->proc_states[p][st];
		if (o->total == 0)
			continue;
		o->pid = s->owners.proc[p].pid;
		o->comm = s->owners.proc[p].comm;
		r->nowners++;
	}
	qsort(r->owner, r->nowners, sizeof(*r->owner), by_total);
	return 0;
}

/* Each socket once, under its first holder's comm: Prometheus' sum by state is the kernel's count. */
static int gather_comms(struct summary *s, struct ns_report *r)
{
	r->by_comm = calloc(s->owners.nprocs ? s->owners.nprocs : 1, sizeof(*r->by_comm));
	if (r->by_comm == NULL)
		return -1;
	for (size_t p = 0; p < s->owners.nprocs; p++) {
		struct report_owner *c = NULL;

		for (size_t i = 0; i < r->ncomms && c == NULL; i++)
			if (strcmp(r->by_comm[i].comm, s->owners.proc[p].comm) == 0)
				c = &r->by_comm[i];
		if (c == NULL) {
			c = &r->by_comm[r->ncomms++];
			c->comm = s->owners.proc[p].comm;
		}
		for (int st = 0; st < LAB_STATES; st++)
			c->states[st] += s->first_states[p][st];
	}
	return 0;
}

/*
 * Out of the table, what the last dump no longer has.  A leak told is kept
 * one interval more: the step that ended it (CLOSE_WAIT -> LAST_ACK, say)
 * comes 0.1 s late and tells where it went; if none came, it is over as gone.
 */
static void sweep(struct summary *s, int where, uint64_t now_ns)
{
	struct space *sp = &s->space[where];
	struct table *t = &sp->table;

	for (size_t i = 0; i < t->cap; i++) {
		while (t->slot[i].used && t->slot[i].dump != sp->dumps) {
			if (t->slot[i].leak == LEAK_TOLD) {
				t->slot[i].leak = LEAK_GONE;
				break;
			}
			leak_over(s, where, &t->slot[i], now_ns, LAB_UNKNOWN);
			table_delete(t, i);
		}
	}
}

static void report_interval(struct summary *s, struct space *sp, struct ns_report *r, uint64_t now_ns)
{
	r->interval_s = s->last_ns ? (double)(now_ns - s->last_ns) / 1e9 : 0;
	memcpy(r->entered, sp->entered, sizeof(r->entered));
	r->hist = sp->hist;
	r->entered_total = sp->entered_total;
	r->hist_total = sp->hist_total;
	r->seconds_total = sp->seconds_total;
}

/* Ask the memory for d's slot now: each is a random probe, and the dump is long. */
static void fetch_ahead(const struct table *t, const struct diag_sock *d)
{
	struct sock_key k;

	key_of(&k, d->family, d->local, d->lport, d->remote, d->rport);
	__builtin_prefetch(&t->slot[key_hash(&k) & (t->cap - 1)], 1);
}

/* One namespace: dump, date, count, tell. */
static int tick_space(struct summary *s, int where, uint64_t now_ns, double wall)
{
	struct space *sp = &s->space[where];
	struct ns_report r = { .time = wall, .netns = s->cfg.ns[where].name, .netns_pid = s->cfg.ns[where].pid };

	if (r.netns_pid)
		proc_comm(r.netns_pid, r.netns_comm, sizeof(r.netns_comm));
	if (dump_space(s, where) < 0)
		return -1;
	/* after the dump, every time: a holder may have forked, passed the descriptor on, or gone */
	if (s->cfg.owners ? s->cfg.owners(&s->owners, s->cfg.owners_ctx) < 0
			  : owners_scan(&s->owners) < 0)
		return -1;
	if (need_proc_states(s) < 0 || table_room(&sp->table, s->dump.n) < 0)
		return -1;
	sp->dumps++;
	for (size_t i = 0; i < s->dump.n; i++) {
		const struct diag_sock *d = &s->dump.sock[i];
		enum lab_state state = lab_state_of(d->state);
		struct entry *e;

		if (i + AHEAD < s->dump.n)
			fetch_ahead(&sp->table, &s->dump.sock[i + AHEAD]);
		if (state == LAB_UNKNOWN)
			continue;
		r.states[state]++;
		count_owners(s, &r, d, state);
		e = date_sock(s, where, d, state, now_ns);
		if (e == NULL) {
			errno = ENOMEM;
			return -1;
		}
		consider_oldest(s, &r, e, d, now_ns);
		check_leak(s, where, e, d, now_ns, wall);
	}
	sweep(s, where, now_ns);
	report_interval(s, sp, &r, now_ns);
	if (s->cfg.show) {
		if (gather_owners(s, &r) < 0)
			return -1;
		report_summary(s->cfg.out, s->cfg.json, &r);
		free(r.owner);
	}
	if (s->cfg.prometheus) {
		if (gather_comms(s, &r) < 0)
			return -1;
		prom_add(&s->prom, &r);
		free(r.by_comm);
	}
	memset(sp->entered, 0, sizeof(sp->entered));
	memset(sp->hist, 0, sizeof(sp->hist));
	return 0;
}

int summary_tick(struct summary *s, uint64_t now_ns)
{
	double wall = wall_time();

	int rc = 0;

	if (s->cfg.show && !s->cfg.json && s->cfg.screen)
		report_clear(s->cfg.out);
	if (s->cfg.prometheus && prom_begin(&s->prom) < 0)
		return -1;
	for (int i = 0; i < s->cfg.nwhere && rc == 0; i++)
		rc = tick_space(s, i, now_ns, wall);
	if (s->cfg.prometheus && prom_write(&s->prom, s->cfg.prometheus) < 0 && rc == 0)
		rc = -2;
	s->last_ns = now_ns;
	return rc;
}

struct summary *summary_new(const struct summary_config *cfg)
{
	struct summary *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	s->cfg = *cfg;
	s->space = calloc((size_t)cfg->nwhere, sizeof(*s->space));
	if (s->space == NULL) {
		summary_free(s);
		return NULL;
	}
	return s;
}

void summary_free(struct summary *s)
{
	if (s == NULL)
		return;
	for (int i = 0; s->space && i < s->cfg.nwhere; i++) {
		free(s->space[i].table.slot);
	}
	free(s->space);
	owners_free(&s->owners);
	free(s->dump.sock);
	free(s->proc_states);
	free(s->first_states);
	free(s);
}
