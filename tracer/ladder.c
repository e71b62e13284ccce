// SPDX-License-Identifier: MIT
/*
 * Ladder diagrams from a recording.  The recording is read once (replay.c),
 * its lines are sorted into connections by their ends, the copies of one
 * segment seen in two namespaces are made one, drops and retransmissions
 * are put on the segment they are about (same ends, flags and sequence
 * number, within MATCH_MS), and each connection is drawn top to bottom.
 */
#include <err.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../common/lab.h"
#include "ladder.h"
#include "replay.h"
#include "table.h"

#define MATCH_MS 50.0	/* a drop or a retransmission is this close to its segment */
#define BREAK_MS 250.0	/* a longer wait is drawn as a break */

/* The picture's geometry, in pixels. */
#define WIDTH 820
#define X_TIME 12	/* the time column */
#define X_STEP 122	/* the step numbers */
#define X_LEFT 280	/* the client's lifeline */
#define X_RIGHT 620	/* the server's */
#define TOP 112		/* the first row */
#define ROW 30		/* rows at least this far apart */
#define SLANT 14	/* how far a segment falls on its way across */
#define BREAK 80	/* the height of a break: more than the longest gap without one */
#define BOTTOM 46	/* below the last row: the lifelines' end and the legend */

struct row {
	const struct replay_event *ev;
	const char *dropped;	/* a segment: the reason it was dropped; NULL: it was not */
	int resent;		/* a segment: a retransmission, the how-many-th; 0: not one */
	int gone;		/* made part of another row */
	int copied;		/* a segment: its copy in the receiver's namespace is found */
	int after_break;	/* a wait of BREAK_MS or more before it */
	double y;		/* where it is drawn */
};

struct conn {
	const char *left, *right; /* the ends: the client's, the server's (or the first sender's) */
	int roles;		/* left is known to be the client */
	int left_opened, right_opened; /* seen: the client's SYN_SENT, the server's SYN_RECV */
	int have_syn;
	unsigned long syn_seq;	/* the client's SYN */
	const char *left_state, *right_state; /* each end's last state; NULL: none yet */
	struct row *rows;	/* rows[0]: the listener's step into LISTEN, when it came before */
	size_t n, cap;
};

struct ladder {
	struct conn *conns;
	size_t n, cap;
	const struct replay_event **listens; /* the listeners' steps into LISTEN */
	size_t nlisten, listen_cap;
};

static void *grow(void *p, size_t *cap, size_t size)
{
	size_t more = *cap ? *cap * 2 : 16;
	void *q = realloc(p, more * size);

	if (q == NULL)
		errx(1, "out of memory");
	*cap = more;
	return q;
}

static int is_segment(const struct replay_event *ev)
{
	return ev->kind == REPLAY_SEGMENT || ev->kind == REPLAY_DROP || ev->kind == REPLAY_RETRANSMIT;
}

/* The port of ADDR:PORT or [ADDR]:PORT; -1 if it has none. */
static long port_of(const char *end)
{
	const char *colon = strrchr(end, ':');

	return colon ? strtol(colon + 1, NULL, 10) : -1;
}

/* A listener's step: it has no peer. */
static int is_listener(const struct replay_event *ev)
{
	return ev->kind == REPLAY_STATE && port_of(ev->remote) == 0;
}

/* The end an event comes from (a step: its socket's), and the other. */
static const char *from_end(const struct replay_event *ev)
{
	return ev->local;
}

static const char *to_end(const struct replay_event *ev)
{
	return ev->remote;
}

static int has_ends(const struct conn *c, const struct replay_event *ev)
{
	return (strcmp(c->left, from_end(ev)) == 0 && strcmp(c->right, to_end(ev)) == 0) ||
	       (strcmp(c->right, from_end(ev)) == 0 && strcmp(c->left, to_end(ev)) == 0);
}

/* Which end is the client's, from the first line of a connection. */
static void set_roles(struct conn *c, const struct replay_event *ev)
{
	int from_client = -1;

	if (ev->kind == REPLAY_STATE) {
		if (strcmp(ev->side, "-") != 0)
			from_client = strcmp(ev->side, "client") == 0;
		else if (strcmp(ev->new_state, "SYN_SENT") == 0 || strcmp(ev->old_state, "SYN_SENT") == 0)
			from_client = 1;
		else if (strcmp(ev->new_state, "SYN_RECV") == 0)
			from_client = 0;
	} else {
		if (strcmp(ev->side, "-") != 0)
			from_client = strcmp(ev->side, "client") == 0;
		else if (strcmp(ev->segment, "SYN") == 0)
			from_client = 1;
		else if (strcmp(ev->segment, "SYN,ACK") == 0)
			from_client = 0;
	}
	c->roles = from_client >= 0;
	c->left = from_client != 0 ? from_end(ev) : to_end(ev);
	c->right = from_client != 0 ? to_end(ev) : from_end(ev);
}

/* A line of the same ends that begins a new connection: a second open. */
static int starts_anew(const struct conn *c, const struct replay_event *ev)
{
	int from_left = strcmp(from_end(ev), c->left) == 0;

	if (ev->kind == REPLAY_STATE)
		return (from_left && c->left_opened && strcmp(ev->new_state, "SYN_SENT") == 0 &&
			strcmp(ev->old_state, "CLOSED") == 0) ||
		       (!from_left && c->right_opened && strcmp(ev->new_state, "SYN_RECV") == 0 &&
			strcmp(ev->old_state, "LISTEN") == 0);
	return ev->kind == REPLAY_SEGMENT && from_left && c->have_syn && strcmp(ev->segment, "SYN") == 0 &&
	       ev->seq != c->syn_seq;
}

static void note_opens(struct conn *c, const struct replay_event *ev)
{
	int from_left = strcmp(from_end(ev), c->left) == 0;

	if (ev->kind == REPLAY_STATE && from_left && strcmp(ev->new_state, "SYN_SENT") == 0)
		c->left_opened = 1;
	if (ev->kind == REPLAY_STATE && !from_left && strcmp(ev->new_state, "SYN_RECV") == 0)
		c->right_opened = 1;
	if (ev->kind == REPLAY_SEGMENT && from_left && !c->have_syn && strcmp(ev->segment, "SYN") == 0) {
		c->have_syn = 1;
		c->syn_seq = ev->seq;
	}
}

/* The listener on the server's end that was listening when c began, if one was. */
static const struct replay_event *listener_of(const struct ladder *l, const struct conn *c, double start)
{
	const struct replay_event *found = NULL;
	long port = port_of(c->right);

	for (size_t i = 0; i < l->nlisten; i++) {
		const struct replay_event *ev = l->listens[i];

		if (ev->time > start || port_of(ev->local) != port)
			continue;
		if (strcmp(ev->new_state, "LISTEN") == 0)
			found = ev;
		else if (strcmp(ev->old_state, "LISTEN") == 0)
			found = NULL;
	}
	return found;
}

static void add_row(struct conn *c, const struct replay_event *ev)
{
	if (ev == NULL)
		return;
	if (c->n == c->cap)
		c->rows = grow(c->rows, &c->cap, sizeof(*c->rows));
	memset(&c->rows[c->n], 0, sizeof(c->rows[0]));
	c->rows[c->n++].ev = ev;
}

static const char **state_of_end(struct conn *c, const char *end)
{
	return strcmp(end, c->left) == 0 ? &c->left_state : &c->right_state;
}

/*
 * The connection of these ends a step goes on: the newest, unless an
 * older one's socket is in the state the step leaves (a TIME_WAIT the
 * next connection's SYN ends is the last step of the one before).
 */
static struct conn *newest_with(struct ladder *l, const struct replay_event *ev)
{
	struct conn *newest = NULL;

	for (size_t i = l->n; i-- > 0;) {
		struct conn *c = &l->conns[i];
		const char *last;

		if (!has_ends(c, ev))
			continue;
		if (newest == NULL)
			newest = c;
		if (ev->kind != REPLAY_STATE)
			break;
		last = *state_of_end(c, ev->local);
		if (last != NULL && strcmp(last, ev->old_state) == 0)
			return c;
	}
	return newest;
}

static struct conn *conn_for(struct ladder *l, const struct replay_event *ev)
{
	struct conn *c = newest_with(l, ev);

	if (c == NULL || starts_anew(c, ev)) {
		if (l->n == l->cap)
			l->conns = grow(l->conns, &l->cap, sizeof(*l->conns));
		c = &l->conns[l->n++];
		memset(c, 0, sizeof(*c));
		set_roles(c, ev);
		add_row(c, listener_of(l, c, ev->time));
	}
	note_opens(c, ev);
	if (ev->kind == REPLAY_STATE)
		*state_of_end(c, ev->local) = ev->new_state;
	return c;
}

static void sort_in(struct ladder *l, const struct replay_event *ev)
{
	if (is_listener(ev)) {
		if (l->nlisten == l->listen_cap)
			l->listens = grow(l->listens, &l->listen_cap, sizeof(*l->listens));
		l->listens[l->nlisten++] = ev;
		return;
	}
	if (ev->kind != REPLAY_STATE && !is_segment(ev))
		return; /* a reset: its RST is on the wire as a segment */
	add_row(conn_for(l, ev), ev);
}

/* ---- one segment, seen twice; drops and retransmissions on their segment ---- */

static int same_segment(const struct replay_event *a, const struct replay_event *b)
{
	return strcmp(a->local, b->local) == 0 && strcmp(a->remote, b->remote) == 0 &&
	       strcmp(a->segment, b->segment) == 0 && (!a->has_seq || !b->has_seq || a->seq == b->seq);
}

/* The receiver's copy of a segment seen in the sender's namespace a moment before. */
static void merge_copies(struct conn *c)
{
	for (size_t i = 0; i < c->n; i++) {
		const struct replay_event *ev = c->rows[i].ev;

		if (ev->kind != REPLAY_SEGMENT)
			continue;
		for (size_t j = i; j-- > 0;) {
			struct row *r = &c->rows[j];

			if (ev->time - r->ev->time > MATCH_MS)
				break;
			if (r->ev->kind == REPLAY_SEGMENT && !r->gone && !r->copied && same_segment(r->ev, ev) &&
			    r->ev->ack == ev->ack && r->ev->len == ev->len && strcmp(r->ev->netns, ev->netns) != 0) {
				r->copied = 1;
				c->rows[i].gone = 1;
				break;
			}
		}
	}
}

/* The segment row nearest to note (within MATCH_MS) that take says it may go on; NULL: none. */
static struct row *segment_of(struct conn *c, size_t note, int (*take)(const struct row *r))
{
	const struct replay_event *ev = c->rows[note].ev;
	struct row *best = NULL;

	for (size_t j = 0; j < c->n; j++) {
		struct row *r = &c->rows[j];

		if (r->ev->kind != REPLAY_SEGMENT || r->gone || fabs(r->ev->time - ev->time) > MATCH_MS ||
		    !same_segment(r->ev, ev) || !take(r))
			continue;
		if (best == NULL || fabs(r->ev->time - ev->time) < fabs(best->ev->time - ev->time))
			best = r;
	}
	return best;
}

static int not_dropped(const struct row *r)
{
	return r->dropped == NULL;
}

static int not_resent(const struct row *r)
{
	return r->resent == 0;
}

static void place_notes(struct conn *c)
{
	for (size_t i = 0; i < c->n; i++) {
		struct row *note = &c->rows[i], *seg;
		const struct replay_event *ev = note->ev;

		if (ev->kind == REPLAY_DROP && (seg = segment_of(c, i, not_dropped)) != NULL) {
			seg->dropped = *ev->reason ? ev->reason : "dropped";
			note->gone = 1;
		} else if (ev->kind == REPLAY_RETRANSMIT && (seg = segment_of(c, i, not_resent)) != NULL) {
			seg->resent = ev->count ? ev->count : 1;
			note->gone = 1;
		}
	}
}

/* The segment row (not gone) of these ends and sequence number nearest to time; -1: none. */
static long find_segment(const struct conn *c, const char *src, const char *dst, unsigned long seq, double time)
{
	long best = -1;

	for (size_t j = 0; j < c->n; j++) {
		const struct replay_event *ev = c->rows[j].ev;

		if (ev->kind != REPLAY_SEGMENT || c->rows[j].gone || ev->seq != seq ||
		    fabs(ev->time - time) > MATCH_MS || strcmp(ev->local, src) != 0 || strcmp(ev->remote, dst) != 0)
			continue;
		if (best < 0 || fabs(ev->time - time) < fabs(c->rows[best].ev->time - time))
			best = (long)j;
	}
	return best;
}

static void move_row(struct conn *c, size_t from, size_t to)
{
	struct row r = c->rows[from];

	if (from < to)
		memmove(&c->rows[from], &c->rows[from + 1], (to - from) * sizeof(r));
	else
		memmove(&c->rows[to + 1], &c->rows[to], (from - to) * sizeof(r));
	c->rows[to] = r;
}

/*
 * A step is drawn after the segment that caused it and before the one it
 * sent (tcpwatch found both by their numbers), though the two clocks may
 * put it a few microseconds the other side.
 */
static void order_steps(struct conn *c)
{
	for (size_t i = 0; i < c->n; i++) {
		const struct replay_event *ev = c->rows[i].ev;
		long j;

		if (ev->kind != REPLAY_STATE)
			continue;
		if (ev->has_cause && (j = find_segment(c, ev->remote, ev->local, ev->cause_seq, ev->time)) > (long)i) {
			move_row(c, i--, (size_t)j); /* row i is another now */
			continue;
		}
		if (ev->has_sent && (j = find_segment(c, ev->local, ev->remote, ev->sent_seq, ev->time)) >= 0 &&
		    j < (long)i)
			move_row(c, i, (size_t)j);
	}
}

/* ---- drawing -------------------------------------------------------------- */

static void put_text(FILE *out, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		default:
			if ((unsigned char)*s >= 0x20)
				fputc(*s, out);
		}
	}
}

enum { CLIENT, SERVER, UNKNOWN };

static const char *const colour[] = { "#c0392b", "#1f5fbf", "#555555" };
static const char *const marker[] = { "client", "server", "other" };

/* The first sequence number each end used: the SYN's, or the first seen. */
struct bases {
	unsigned long left, right;
	int have_left, have_right;
};

static void find_bases(const struct conn *c, struct bases *b)
{
	memset(b, 0, sizeof(*b));
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < c->n; i++) {
			const struct replay_event *ev = c->rows[i].ev;
			int left = strcmp(ev->local, c->left) == 0;

			if (!is_segment(ev) || !ev->has_seq || (pass == 0 && !strstr(ev->segment, "SYN")))
				continue;
			if (left && !b->have_left) {
				b->left = ev->seq;
				b->have_left = 1;
			} else if (!left && !b->have_right) {
				b->right = ev->seq;
				b->have_right = 1;
			}
		}
}

static double gap_of(double dt_ms)
{
	if (dt_ms >= BREAK_MS)
		return ROW + BREAK;
	if (dt_ms < 1)
		return ROW;
	return ROW + 30 * log10(dt_ms);
}

static void put_duration(FILE *out, double ms)
{
	if (ms < 1000)
		fprintf(out, "%.3f ms", ms);
	else
		fprintf(out, "%.3f s", ms / 1000);
}

/* Where each row goes; the height of the picture (never wider than 3:1). */
static double lay_out(struct conn *c)
{
	double y = TOP, last = -1;

	for (size_t i = 0; i < c->n; i++) {
		struct row *r = &c->rows[i];

		if (r->gone)
			continue;
		if (last >= 0) {
			y += gap_of(r->ev->time - last);
			r->after_break = r->ev->time - last >= BREAK_MS;
		}
		last = r->ev->time;
		r->y = y;
	}
	y += SLANT + BOTTOM;
	return y < WIDTH / 3 + 1 ? WIDTH / 3 + 1 : y;
}

static void put_head(FILE *out, int who, int x, const char *end, const char *netns)
{
	static const char *const name[] = { "client", "server", "end" };

	fprintf(out, "<rect x=\"%d\" y=\"44\" width=\"220\" height=\"42\" rx=\"6\" fill=\"white\" stroke=\"%s\" "
		     "stroke-width=\"2\"/>\n", x - 110, colour[who]);
	fprintf(out, "<text x=\"%d\" y=\"61\" text-anchor=\"middle\" fill=\"%s\"><tspan font-weight=\"bold\">%s"
		     "</tspan>", x, colour[who], name[who]);
	if (*netns) {
		fputs(" in ", out);
		put_text(out, netns);
	}
	fputs("</text>\n", out);
	fprintf(out, "<text x=\"%d\" y=\"78\" text-anchor=\"middle\" fill=\"%s\">", x, colour[who]);
	put_text(out, end);
	fputs("</text>\n", out);
}

/* The namespace an end's lines were seen in: its own, where each end is watched in its own. */
static const char *netns_of(const struct conn *c, const char *end)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->rows[i].ev->local, end) == 0)
			return c->rows[i].ev->netns;
	return "";
}

static void put_title(FILE *out, const struct conn *c, long number, long count)
{
	fprintf(out, "<text x=\"%d\" y=\"24\" font-size=\"14\" font-weight=\"bold\" fill=\"#222\">"
		     "%s %ld of %ld: ", X_TIME, *c->left ? "connection" : "listener", number, count);
	if (*c->left) {
		put_text(out, c->left);
		fputs(" \u2192 ", out);
	}
	put_text(out, c->right);
	fputs("</text>\n", out);
}

static void put_lifeline_piece(FILE *out, int x, double from, double to, int who, int dashed)
{
	fprintf(out, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"2\"%s/>\n", x,
		from, x, to, colour[who], dashed ? " stroke-dasharray=\"3,4\"" : "");
}

/* The lifelines, dotted across each break with the time it stands for. */
static void put_lifelines(FILE *out, const struct conn *c, double bottom, int wl, int wr)
{
	double from = 86, prev_y = TOP, prev_ms = 0;

	for (size_t i = 0; i < c->n; i++) {
		const struct row *r = &c->rows[i];

		if (r->gone)
			continue;
		if (r->after_break) {
			double to = prev_y + SLANT + 6;

			put_lifeline_piece(out, X_LEFT, from, to, wl, 0);
			put_lifeline_piece(out, X_RIGHT, from, to, wr, 0);
			put_lifeline_piece(out, X_LEFT, to, r->y - 12, wl, 1);
			put_lifeline_piece(out, X_RIGHT, to, r->y - 12, wr, 1);
			fprintf(out, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"middle\" font-style=\"italic\" "
				     "fill=\"#666\">\u22ef ", (X_LEFT + X_RIGHT) / 2, (to + r->y - 12) / 2 + 4);
			put_duration(out, r->ev->time - prev_ms);
			fputs(" \u22ef</text>\n", out);
			from = r->y - 12;
		}
		prev_y = r->y;
		prev_ms = r->ev->time;
	}
	put_lifeline_piece(out, X_LEFT, from, bottom, wl, 0);
	put_lifeline_piece(out, X_RIGHT, from, bottom, wr, 0);
}

static void put_state(FILE *out, const struct replay_event *ev, int on_left, int who, double y)
{
	int x = on_left ? X_LEFT : X_RIGHT;

	fprintf(out, "<circle cx=\"%d\" cy=\"%.1f\" r=\"4\" fill=\"%s\"/>\n", x, y, colour[who]);
	fprintf(out, "<text class=\"state\" x=\"%d\" y=\"%.1f\" text-anchor=\"%s\" font-weight=\"bold\" fill=\"%s\">",
		on_left ? x - 10 : x + 10, y + 4, on_left ? "end" : "start", colour[who]);
	put_text(out, rfc_state_name(lab_state_named(ev->new_state)));
	fputs("<title>", out);
	put_text(out, ev->old_state);
	fputs(" \u2192 ", out);
	put_text(out, ev->new_state);
	fputs("</title></text>\n", out);
}

/* FLAGS seq=S ack=A len=N, numbers relative to each end's first. */
static void put_label(FILE *out, const struct row *r, int from_left, const struct bases *b)
{
	const struct replay_event *ev = r->ev;
	unsigned long mine = from_left ? b->left : b->right, theirs = from_left ? b->right : b->left;
	int have_theirs = from_left ? b->have_right : b->have_left;

	put_text(out, ev->segment);
	if (ev->has_seq) {
		fprintf(out, " seq=%lu", (ev->seq - mine) & 0xffffffffu);
		if (strstr(ev->segment, "ACK") && have_theirs)
			fprintf(out, " ack=%lu", (ev->ack - theirs) & 0xffffffffu);
	}
	if (ev->len > 0)
		fprintf(out, " len=%d", ev->len);
}

/* A dropped segment stops three quarters of the way, at a cross with the kernel's reason. */
static void put_drop(FILE *out, double x, double y, const char *reason)
{
	fprintf(out, "<path d=\"M%.1f %.1fl12 12m0 -12l-12 12\" stroke=\"#111\" stroke-width=\"2.4\"/>\n", x - 6,
		y - 6);
	fprintf(out, "<text class=\"drop\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"11\" "
		     "font-style=\"italic\" fill=\"#111\">", x, y + 20);
	put_text(out, reason);
	fputs("</text>\n", out);
}

static void put_segment(FILE *out, const struct row *r, int from_left, int who, const struct bases *b)
{
	const struct replay_event *ev = r->ev;
	const char *dropped = ev->kind == REPLAY_DROP ? (*ev->reason ? ev->reason : "dropped") : r->dropped;
	int resent = ev->kind == REPLAY_RETRANSMIT ? (ev->count ? ev->count : 1) : r->resent;
	double x1 = from_left ? X_LEFT : X_RIGHT, x2 = from_left ? X_RIGHT : X_LEFT;
	double xe = dropped ? x1 + 0.75 * (x2 - x1) : x2, ye = r->y + SLANT * (xe - x1) / (x2 - x1);

	fprintf(out, "<line class=\"segment\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
		     "stroke-width=\"1.6\"", x1, r->y, xe, ye, colour[who]);
	if (ev->kind == REPLAY_RETRANSMIT) /* a retransmission the wire did not show */
		fputs(" stroke-dasharray=\"6,3\"", out);
	if (!dropped)
		fprintf(out, " marker-end=\"url(#to-%s)\"", marker[who]);
	fputs("/>\n", out);
	fprintf(out, "<text class=\"label\" x=\"%d\" y=\"%.1f\" text-anchor=\"middle\" fill=\"%s\">",
		(X_LEFT + X_RIGHT) / 2, r->y - 4, colour[who]);
	put_label(out, r, from_left, b);
	if (resent)
		fprintf(out, " <tspan fill=\"#c77c00\" font-weight=\"bold\">resent #%d</tspan>", resent);
	fputs("</text>\n", out);
	if (dropped)
		put_drop(out, xe, ye, dropped);
}

static void put_step(FILE *out, const struct row *r, int number, double start)
{
	fprintf(out, "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" fill=\"#666\">", X_TIME, r->y + 4);
	put_duration(out, r->ev->time - start);
	fputs("</text>\n", out);
	fprintf(out, "<circle cx=\"%d\" cy=\"%.1f\" r=\"9\" fill=\"#eee\" stroke=\"#999\"/>\n", X_STEP, r->y);
	fprintf(out, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"10\" fill=\"#333\">%d</text>\n",
		X_STEP, r->y + 3.5, number);
}

static void put_defs(FILE *out)
{
	fputs("<defs>\n", out);
	for (int i = 0; i < 3; i++)
		fprintf(out, "<marker id=\"to-%s\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"8\" "
			     "markerHeight=\"8\" orient=\"auto\"><path d=\"M0 0L10 5L0 10z\" fill=\"%s\"/></marker>\n",
			marker[i], colour[i]);
	fputs("</defs>\n", out);
}

/* One connection's picture of the given height, its top at y0. */
static void put_conn(FILE *out, const struct conn *c, long number, long count, double y0, double height)
{
	double start = c->rows[0].ev->time;
	int wl = c->roles ? CLIENT : UNKNOWN, wr = c->roles ? SERVER : UNKNOWN, step = 1;
	struct bases b;

	find_bases(c, &b);
	fprintf(out, "<g class=\"connection\" transform=\"translate(0,%.0f)\">\n", y0);
	fprintf(out, "<rect width=\"%d\" height=\"%.0f\" fill=\"white\"/>\n", WIDTH, height);
	put_title(out, c, number, count);
	put_head(out, wl, X_LEFT, *c->left ? c->left : "(no connection)", netns_of(c, c->left));
	put_head(out, wr, X_RIGHT, c->right, netns_of(c, c->right));
	put_lifelines(out, c, height - BOTTOM + 16, wl, wr);
	for (size_t i = 0; i < c->n; i++) {
		const struct row *r = &c->rows[i];
		int from_left = strcmp(r->ev->local, c->left) == 0;
		int who = !c->roles ? UNKNOWN : from_left ? CLIENT : SERVER;

		if (r->gone)
			continue;
		put_step(out, r, step++, start);
		if (r->ev->kind == REPLAY_STATE)
			put_state(out, r->ev, from_left, who, r->y);
		else
			put_segment(out, r, from_left, who, &b);
	}
	fprintf(out, "<text x=\"%d\" y=\"%.0f\" font-size=\"10\" fill=\"#777\">time runs down; a gap grows "
		     "with the log of the time between two steps; \u22ef: a wait of %.2f s or more; seq and ack "
		     "count from each end's SYN</text>\n",
		X_TIME, height - 10, BREAK_MS / 1000);
	fputs("</g>\n", out);
}

#define SPACING 12 /* between two pictures */

static void draw(FILE *out, struct ladder *l, long conn)
{
	size_t from = conn ? (size_t)conn - 1 : 0, to = conn ? (size_t)conn : l->n;
	double *height = calloc(l->n, sizeof(*height)), total = 0, y = 0;

	if (height == NULL)
		errx(1, "out of memory");
	for (size_t i = from; i < to; i++)
		total += (height[i] = lay_out(&l->conns[i])) + (i + 1 < to ? SPACING : 0);
	fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		     "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%.0f\" viewBox=\"0 0 %d %.0f\" "
		     "font-family=\"DejaVu Sans, Verdana, sans-serif\" font-size=\"12\">\n",
		WIDTH, total, WIDTH, total);
	fprintf(out, "<rect width=\"%d\" height=\"%.0f\" fill=\"#ddd\"/>\n", WIDTH, total);
	put_defs(out);
	for (size_t i = from; i < to; i++) {
		put_conn(out, &l->conns[i], (long)i + 1, (long)l->n, y, height[i]);
		y += height[i] + SPACING;
	}
	fputs("</svg>\n", out);
	free(height);
}

/* A recording of listeners alone (a walk of CLOSED -> LISTEN): a picture for each, its steps on the server's lifeline. */
static void listeners_alone(struct ladder *l)
{
	for (size_t i = 0; i < l->nlisten; i++) {
		const struct replay_event *ev = l->listens[i];
		struct conn *c = NULL;

		for (size_t j = 0; j < l->n && c == NULL; j++)
			if (strcmp(l->conns[j].right, ev->local) == 0)
				c = &l->conns[j];
		if (c == NULL) {
			if (l->n == l->cap)
				l->conns = grow(l->conns, &l->cap, sizeof(*l->conns));
			c = &l->conns[l->n++];
			memset(c, 0, sizeof(*c));
			c->left = "";
			c->right = ev->local;
			c->roles = 1;
		}
		add_row(c, ev);
	}
}

int ladder_draw(const struct replay_event *evs, size_t n, long conn, FILE *out, char *why, size_t whylen)
{
	struct ladder l = { 0 };
	size_t segments = 0;
	int status = -1;

	for (size_t i = 0; i < n; i++) {
		segments += evs[i].kind == REPLAY_SEGMENT;
		sort_in(&l, &evs[i]);
	}
	if (l.n == 0)
		listeners_alone(&l);
	if (segments == 0 && l.nlisten < n) {
		snprintf(why, whylen, "no segments in it (record with tcpwatch --json --segments)");
	} else if (conn > (long)l.n) {
		snprintf(why, whylen, "no connection %ld: it has %zu", conn, l.n);
	} else {
		for (size_t i = 0; i < l.n; i++) {
			merge_copies(&l.conns[i]);
			place_notes(&l.conns[i]);
			order_steps(&l.conns[i]);
		}
		draw(out, &l, conn);
		status = 0;
	}
	for (size_t i = 0; i < l.n; i++)
		free(l.conns[i].rows);
	free(l.conns);
	free(l.listens);
	return status;
}

int ladder_replay(const char *file, long conn)
{
	struct replay_event *evs;
	size_t n;
	char why[512];
	FILE *f = fopen(file, "r");
	int status;

	if (f == NULL)
		err(EXIT_USAGE, "cannot read %s", file);
	status = replay_read(f, file, &evs, &n, why, sizeof(why));
	fclose(f);
	if (status < 0)
		errx(EXIT_USAGE, "%s", why);
	status = ladder_draw(evs, n, conn, stdout, why, sizeof(why));
	free(evs);
	if (status < 0)
		errx(EXIT_USAGE, "%s: %s", file, why);
	return flush_stdout() < 0 ? 1 : 0;
}
