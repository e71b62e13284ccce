// SPDX-License-Identifier: MIT
/*
 * The diagram in a terminal.  Where the boxes sit and how each arrow runs
 * is presentation, kept here (layout[] and paths[]); which arrows exist and
 * what they say comes from the one table, so a new arrow in the table that
 * has no path here is reported, never silently left out.
 */
#include <stdlib.h>
#include <string.h>

#include "diagram.h"
#include "table.h"

#define CANVAS_COLS DIAGRAM_COLS
#define CANVAS_ROWS (DIAGRAM_ROWS - 1) /* one line for the header */

/* Cell attributes. */
enum { A_LINE = 0, A_SERVER = 1, A_CLIENT = 2, A_BOTH = 3, A_LAST = 4, A_DIM = 5, A_TEXT = 6 };

/* Line directions, as bits, to pick the right box-drawing character. */
enum { UP = 1, DOWN = 2, LEFT = 4, RIGHT = 8 };

struct cell {
	unsigned char dirs;	/* lines through the cell */
	char ch;		/* text, or an arrowhead (HEAD_UP...); 0: a line */
	unsigned char attr;
};

/* Arrowheads are stored apart from text, so a 'v' in a label stays a 'v'. */
enum { HEAD_UP = 1, HEAD_DOWN, HEAD_LEFT, HEAD_RIGHT };

struct canvas {
	struct cell c[CANVAS_ROWS][CANVAS_COLS];
};

struct box {
	const char *state;
	int x, y, w; /* left column, top row, width; 3 rows tall */
};

/* The RFC's figure: CLOSED at the top and, for the arrows that end it, at the bottom. */
static const struct box layout[] = {
	{ "CLOSED", 44, 0, 24 },     { "LISTEN", 51, 5, 10 },
	{ "SYN_RECV", 18, 11, 12 },  { "SYN_SENT", 86, 11, 14 },
	{ "ESTABLISHED", 48, 17, 15 }, { "FIN_WAIT1", 18, 23, 13 },
	{ "CLOSING", 46, 23, 11 },   { "CLOSE_WAIT", 86, 23, 14 },
	{ "FIN_WAIT2", 18, 30, 13 }, { "TIME_WAIT", 45, 30, 13 },
	{ "CLOSED", 66, 30, 14 },    { "LAST_ACK", 87, 30, 12 },
};

struct path {
	const char *from, *to;
	const char *points;	/* "x,y x,y ...": orthogonal segments, the head at the end */
	int lx, ly, gap;	/* event at (lx, ly), "/ action" at (lx, ly + gap) */
};

static const struct path paths[] = {
	{ "CLOSED", "LISTEN", "55,2 55,4", 42, 3, 1 },
	{ "LISTEN", "CLOSED", "51,6 40,6 40,1 43,1", 28, 2, 1 },
	{ "CLOSED", "SYN_SENT", "67,1 95,1 95,10", 97, 4, 1 },
	{ "LISTEN", "SYN_RECV", "53,7 53,9 24,9 24,10", 32, 7, 1 },
	{ "LISTEN", "SYN_SENT", "60,6 88,6 88,10", 66, 7, 1 },
	{ "SYN_SENT", "SYN_RECV", "86,12 30,12", 64, 11, 2 },
	{ "SYN_SENT", "ESTABLISHED", "92,13 92,18 63,18", 70, 17, 2 },
	{ "SYN_SENT", "CLOSED", "90,11 90,4 64,4 64,3", 70, 2, 1 },
	{ "SYN_RECV", "ESTABLISHED", "26,13 26,15 55,15 55,16", 30, 14, 2 },
	{ "SYN_RECV", "LISTEN", "27,11 27,10 58,10 58,8", 60, 9, 1 },
	{ "SYN_RECV", "FIN_WAIT1", "20,13 20,22", 10, 17, 1 },
	{ "ESTABLISHED", "FIN_WAIT1", "48,18 27,18 27,22", 33, 17, 2 },
	{ "ESTABLISHED", "CLOSE_WAIT", "58,19 58,24 85,24", 63, 23, 2 },
	{ "FIN_WAIT1", "FIN_WAIT2", "21,25 21,29", 6, 27, 1 },
	{ "FIN_WAIT1", "CLOSING", "30,24 45,24", 33, 23, 2 },
	{ "FIN_WAIT1", "TIME_WAIT", "28,25 28,27 48,27 48,29", 30, 28, 1 },
	{ "FIN_WAIT2", "TIME_WAIT", "30,31 44,31", 33, 30, 2 },
	{ "CLOSING", "TIME_WAIT", "51,25 51,29", 53, 27, 1 },
	{ "CLOSE_WAIT", "LAST_ACK", "96,25 96,29", 98, 27, 1 },
	{ "LAST_ACK", "CLOSED", "87,31 80,31", 80, 29, 1 },
	{ "TIME_WAIT", "CLOSED", "57,31 65,31", 56, 33, 1 },
	{ "ESTABLISHED", "CLOSED", "61,19 61,21 74,21 74,29", 76, 26, 1 },
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const struct path *path_of(const char *from, const char *to)
{
	for (size_t i = 0; i < COUNT(paths); i++)
		if (strcmp(paths[i].from, from) == 0 && strcmp(paths[i].to, to) == 0)
			return &paths[i];
	return NULL;
}

struct missing_ctx {
	FILE *report;
	int count;
};

static void check_drawn(const struct arrow *a, void *data)
{
	struct missing_ctx *m = data;

	if (path_of(a->from, a->to) != NULL)
		return;
	if (m->report)
		fprintf(m->report, "tcpwatch: the diagram has no path for %s -> %s\n", a->from, a->to);
	m->count++;
}

int diagram_missing(FILE *report)
{
	struct missing_ctx m = { report, 0 };

	for_each_arrow(check_drawn, &m);
	return m.count;
}

static int inside(int x, int y)
{
	return x >= 0 && x < CANVAS_COLS && y >= 0 && y < CANVAS_ROWS;
}

static void put_text(struct canvas *cv, int x, int y, const char *s, unsigned char attr)
{
	for (; *s && inside(x, y); s++, x++) {
		cv->c[y][x].ch = *s;
		cv->c[y][x].dirs = 0;
		cv->c[y][x].attr = attr;
	}
}

static void mark(struct canvas *cv, int x, int y, unsigned char dirs, unsigned char attr)
{
	if (!inside(x, y))
		return;
	cv->c[y][x].dirs |= dirs;
	if (attr != A_LINE)
		cv->c[y][x].attr = attr;
}

/* One straight segment from (x0,y0) to (x1,y1). */
static void draw_segment(struct canvas *cv, int x0, int y0, int x1, int y1, unsigned char attr)
{
	int dx = (x1 > x0) - (x1 < x0), dy = (y1 > y0) - (y1 < y0);
	unsigned char fwd = dx > 0 ? RIGHT : dx < 0 ? LEFT : dy > 0 ? DOWN : UP;
	unsigned char back = fwd == RIGHT ? LEFT : fwd == LEFT ? RIGHT : fwd == DOWN ? UP : DOWN;

	for (int x = x0, y = y0; x != x1 || y != y1; x += dx, y += dy) {
		mark(cv, x, y, fwd, attr);
		mark(cv, x + dx, y + dy, back, attr);
	}
}

static int parse_points(const char *s, int *xs, int *ys, int max)
{
	int n = 0;

	while (n < max && *s) {
		char *end;

		xs[n] = (int)strtol(s, &end, 10);
		if (*end != ',')
			break;
		ys[n] = (int)strtol(end + 1, &end, 10);
		n++;
		s = end;
		while (*s == ' ')
			s++;
	}
	return n;
}

static void draw_path(struct canvas *cv, const struct path *p, const struct arrow *a, unsigned char attr)
{
	int xs[8], ys[8], n = parse_points(p->points, xs, ys, 8);
	char action[40];
	char head;

	if (n < 2)
		return;
	for (int i = 1; i < n; i++)
		draw_segment(cv, xs[i - 1], ys[i - 1], xs[i], ys[i], attr);
	head = xs[n - 1] > xs[n - 2]   ? HEAD_RIGHT
	       : xs[n - 1] < xs[n - 2] ? HEAD_LEFT
	       : ys[n - 1] > ys[n - 2] ? HEAD_DOWN
				       : HEAD_UP;
	if (inside(xs[n - 1], ys[n - 1])) {
		cv->c[ys[n - 1]][xs[n - 1]].ch = head;
		cv->c[ys[n - 1]][xs[n - 1]].attr = attr;
	}
	snprintf(action, sizeof(action), "/ %s", a->action);
	put_text(cv, p->lx, p->ly, a->event, attr == A_LAST ? A_LAST : A_TEXT);
	put_text(cv, p->lx, p->ly + p->gap, action, attr == A_LAST ? A_LAST : A_TEXT);
}

static unsigned char box_attr(const struct box *b, const struct diagram_state *st)
{
	int s = st->server && strcmp(st->server, b->state) == 0;
	int c = st->client && strcmp(st->client, b->state) == 0;

	return s && c ? A_BOTH : s ? A_SERVER : c ? A_CLIENT : A_LINE;
}

/* Is the border run at (x..x+len-1, y) plain, with no line leaving it? */
static int plain_border(const struct canvas *cv, int x, int y, int len)
{
	for (int i = x; i < x + len; i++)
		if ((cv->c[y][i].dirs & (UP | DOWN)) != 0)
			return 0;
	return 1;
}

/* [S], [C] or [SC] on the top border, else the bottom one, where no line leaves. */
static void put_tag(struct canvas *cv, const struct box *b, const char *tag, unsigned char attr)
{
	int len = (int)strlen(tag), right = b->x + b->w - 1;

	for (int row = 0; row < 2; row++) {
		int y = row == 0 ? b->y : b->y + 2;

		for (int x = b->x + 1; x + len < right; x++)
			if (plain_border(cv, x - 1, y, len + 2)) {
				put_text(cv, x, y, tag, attr);
				return;
			}
	}
}

static void draw_box(struct canvas *cv, const struct box *b, const struct diagram_state *st)
{
	unsigned char attr = box_attr(b, st);
	int right = b->x + b->w - 1, mid = b->y + 1, bottom = b->y + 2;
	const char *tag = attr == A_BOTH ? "[SC]" : attr == A_SERVER ? "[S]" : attr == A_CLIENT ? "[C]" : NULL;

	/* Clear the inside; the border keeps the lines that leave it (┬ ┤ ...). */
	for (int y = b->y; y <= bottom; y++)
		for (int x = b->x; x <= right; x++) {
			int border = y != mid || x == b->x || x == right;

			cv->c[y][x].ch = border ? 0 : ' ';
			cv->c[y][x].dirs = border ? cv->c[y][x].dirs : 0;
			cv->c[y][x].attr = attr;
		}
	draw_segment(cv, b->x, b->y, right, b->y, attr);
	draw_segment(cv, right, b->y, right, bottom, attr);
	draw_segment(cv, right, bottom, b->x, bottom, attr);
	draw_segment(cv, b->x, bottom, b->x, b->y, attr);
	put_text(cv, b->x + (b->w - (int)strlen(b->state)) / 2, mid, b->state, attr);
	if (tag != NULL)
		put_tag(cv, b, tag, attr);
}

struct draw_ctx {
	struct canvas *cv;
	const struct diagram_state *st;
};

static int is_last(const struct diagram_state *st, const struct arrow *a)
{
	return st->last_from && strcmp(st->last_from, a->from) == 0 &&
	       strcmp(st->last_to, a->to) == 0;
}

static void draw_arrow(const struct arrow *a, void *data)
{
	struct draw_ctx *d = data;
	const struct path *p = path_of(a->from, a->to);

	if (p != NULL && !is_last(d->st, a))
		draw_path(d->cv, p, a, a->reachable ? A_LINE : A_DIM);
}

static void draw_last_arrow(struct canvas *cv, const struct diagram_state *st)
{
	const struct arrow *a;
	const struct path *p;

	if (st->last_from == NULL || (a = find_arrow(lab_state_named(st->last_from), lab_state_named(st->last_to))) == NULL)
		return;
	p = path_of(a->from, a->to);
	if (p != NULL)
		draw_path(cv, p, a, A_LAST);
}

static const char *box_char(unsigned char dirs, int utf8)
{
	static const char *const ascii[16] = {
		" ", "|", "|", "|", "-", "+", "+", "+", "-", "+", "+", "+", "-", "+", "+", "+",
	};
	static const char *const heavy[16] = {
		" ", "│", "│", "│", "─", "┘", "┐", "┤", "─", "└", "┌", "├", "─", "┴", "┬", "┼",
	};

	return utf8 ? heavy[dirs & 15] : ascii[dirs & 15];
}

static const char *head_char(char ch, int utf8)
{
	static const char *const ascii[] = { NULL, "^", "v", "<", ">" };
	static const char *const pretty[] = { NULL, "▲", "▼", "◀", "▶" };

	if (ch < HEAD_UP || ch > HEAD_RIGHT)
		return NULL;
	return utf8 ? pretty[(int)ch] : ascii[(int)ch];
}

static const char *colour_of(unsigned char attr)
{
	switch (attr) {
	case A_SERVER: return "\033[1;34m";
	case A_CLIENT: return "\033[1;31m";
	case A_BOTH: return "\033[1;35m";
	case A_LAST: return "\033[1;33m";
	case A_DIM: return "\033[2m";
	}
	return "";
}

/* In plain mode the last arrow's lines are drawn with '*'. */
static void put_cell(FILE *out, const struct cell *c, enum diagram_style style, int utf8)
{
	const char *head = c->ch ? head_char(c->ch, utf8) : NULL;

	if (c->ch && head)
		fputs(head, out);
	else if (c->ch)
		fputc(c->ch, out);
	else if (style == DIAGRAM_PLAIN && c->attr == A_LAST && c->dirs)
		fputc('*', out);
	else
		fputs(box_char(c->dirs, utf8), out);
}

static void print_canvas(FILE *out, const struct canvas *cv, enum diagram_style style, int utf8)
{
	for (int y = 0; y < CANVAS_ROWS; y++) {
		int last = CANVAS_COLS - 1;
		unsigned char attr = A_LINE;

		while (last >= 0 && cv->c[y][last].dirs == 0 && (cv->c[y][last].ch == 0 || cv->c[y][last].ch == ' '))
			last--;
		for (int x = 0; x <= last; x++) {
			const struct cell *c = &cv->c[y][x];

			if (style == DIAGRAM_COLOR && c->attr != attr) {
				fputs("\033[0m", out);
				fputs(colour_of(c->attr), out);
				attr = c->attr;
			}
			put_cell(out, c, style, utf8);
		}
		if (style == DIAGRAM_COLOR && attr != A_LINE)
			fputs("\033[0m", out);
		fputc('\n', out);
	}
}

static void print_header(FILE *out, enum diagram_style style, const struct diagram_state *st)
{
	const char *blue = style == DIAGRAM_COLOR ? colour_of(A_SERVER) : "";
	const char *red = style == DIAGRAM_COLOR ? colour_of(A_CLIENT) : "";
	const char *off = style == DIAGRAM_COLOR ? "\033[0m" : "";

	fprintf(out, "%sserver [S]: %-11s%s  %sclient [C]: %-11s%s", blue,
		st->server ? st->server : "-", off, red, st->client ? st->client : "-", off);
	if (st->last_from)
		fprintf(out, "  last: %s %s -> %s at %.3f ms", st->last_side, st->last_from,
			st->last_to, st->last_ms);
	fputc('\n', out);
}

void diagram_draw(FILE *out, enum diagram_style style, int utf8, const struct diagram_state *st)
{
	struct canvas *cv = calloc(1, sizeof(*cv));
	struct draw_ctx d = { cv, st };

	if (cv == NULL)
		return;
	for_each_arrow(draw_arrow, &d);
	draw_last_arrow(cv, st);
	for (size_t i = 0; i < COUNT(layout); i++)
		draw_box(cv, &layout[i], st);
	print_header(out, style, st);
	print_canvas(out, cv, style, utf8);
	free(cv);
}

void diagram_step(struct diagram_state *st, const char *side, const char *old_state,
		  const char *new_state, double ms)
{
	if (strcmp(side, "server") == 0)
		st->server = new_state;
	else if (strcmp(side, "client") == 0)
		st->client = new_state;
	st->last_side = side;
	st->last_from = old_state;
	st->last_to = new_state;
	st->last_ms = ms;
	st->steps++;
}
