// SPDX-License-Identifier: MIT
/*
 * Text (plain or coloured: server blue, client red, as the tutorial draws
 * them) and JSON.  A line is put together in a buffer by hand and written
 * with one fwrite: printf's parsing and its floating point were most of
 * tcpwatch's CPU under load, and every number here is a whole number of
 * microseconds.
 */
#include <sys/socket.h>

#include <arpa/inet.h>

#include <string.h>

#include "render.h"

#define BLUE "\033[34m"
#define RED "\033[31m"
#define RESET "\033[0m"

struct line {
	char buf[1024];
	size_t len;
};

static void put_n(struct line *l, const char *s, size_t n)
{
	if (n > sizeof(l->buf) - l->len)
		n = sizeof(l->buf) - l->len;
	memcpy(l->buf + l->len, s, n);
	l->len += n;
}

static void put(struct line *l, const char *s)
{
	put_n(l, s, strlen(s));
}

/* A string literal, its length known at compile time. */
#define PUT(l, literal) put_n(l, literal, sizeof(literal) - 1)

/* Spaces up to column width of the field that began at start. */
static void pad(struct line *l, size_t start, size_t width)
{
	static const char spaces[] = "                                                ";

	while (l->len < start + width) {
		size_t n = start + width - l->len;

		put_n(l, spaces, n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1);
	}
}

/* s, right-aligned in width columns. */
static void put_right(struct line *l, const char *s, size_t width)
{
	size_t n = strlen(s);

	if (n < width)
		pad(l, l->len, width - n);
	put_n(l, s, n);
}

/* v in decimal at the end of out (at least 32 bytes); where it starts. */
static char *decimal(uint64_t v, char *end)
{
	*--end = '\0';
	do {
		*--end = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	return end;
}

/* ns as milliseconds with three decimals, into out (at least 32 bytes). */
static const char *milliseconds(uint64_t ns, char *out)
{
	uint64_t us = (ns + 500) / 1000;
	char *p = out + 31;

	*p = '\0';
	for (int i = 0; i < 3; i++, us /= 10)
		*--p = (char)('0' + us % 10);
	*--p = '.';
	do {
		*--p = (char)('0' + us % 10);
		us /= 10;
	} while (us != 0);
	return p;
}

void render_endpoint(int family, const uint8_t *addr, uint16_t port, char *out, size_t len)
{
	struct line l = { .len = 0 };
	char num[32];

	if (family == AF_INET6) {
		char ip[INET6_ADDRSTRLEN] = "?";

		inet_ntop(AF_INET6, addr, ip, sizeof(ip));
		PUT(&l, "[");
		put(&l, ip);
		PUT(&l, "]");
	} else {
		for (int i = 0; i < 4; i++) {
			put(&l, decimal(addr[i], num + sizeof(num)));
			PUT(&l, ".");
		}
		l.len--; /* the last dot */
	}
	PUT(&l, ":");
	put(&l, decimal(port, num + sizeof(num)));
	if (len == 0)
		return;
	if (l.len >= len)
		l.len = len - 1;
	memcpy(out, l.buf, l.len);
	out[l.len] = '\0';
}

void render_header(FILE *out, enum render_mode mode)
{
	if (mode == RENDER_JSON)
		return;
	fprintf(out, "%10s %-6s %-45s %-25s %9s %s\n", "TIME(ms)", "SIDE",
		"LOCAL -> REMOTE", "OLD -> NEW", "MS_IN_OLD", "TRIGGER / ACTION  in NETNS by TASK");
	fflush(out);
}

static const char *colour_of(const char *side)
{
	if (strcmp(side, "server") == 0)
		return BLUE;
	if (strcmp(side, "client") == 0)
		return RED;
	return "";
}

/* "a -> b", left-aligned in width columns, then a space. */
static void put_arrow(struct line *l, const char *a, const char *b, size_t width)
{
	size_t at = l->len;

	put(l, a);
	PUT(l, " -> ");
	put(l, b);
	pad(l, at, width);
	PUT(l, " ");
}

/* A task's name as text: what the kernel holds may be any bytes. */
static void put_comm_text(struct line *l, const char *comm)
{
	for (; *comm; comm++)
		put_n(l, *comm > ' ' && *comm < 0x7f ? comm : "?", 1);
}

/* "in NETNS by COMM PID", or "by the kernel" for what no system call made. */
static void put_where_who(struct line *l, const char *netns, int pid, const char *comm)
{
	char num[32];

	PUT(l, "  in ");
	put(l, netns);
	if (pid == 0 || comm == NULL) {
		PUT(l, " by the kernel");
		return;
	}
	PUT(l, " by ");
	put_comm_text(l, comm);
	PUT(l, " ");
	put(l, decimal((uint64_t)pid, num + sizeof(num)));
}

/* Every text line's first two columns, TIME(ms) and SIDE, in the side's colour (on). */
static void put_time_side(struct line *l, const char *on, uint64_t time_ns, const char *side)
{
	char num[32];
	size_t at;

	put(l, on);
	put_right(l, milliseconds(time_ns, num), 10);
	PUT(l, " ");
	at = l->len;
	put(l, side);
	pad(l, at, 6);
	PUT(l, " ");
}

/* TIME(ms) SIDE LOCAL -> REMOTE OLD -> NEW MS_IN_OLD TRIGGER / ACTION  in NETNS by TASK, in columns. */
static void render_text(struct line *l, int colour, const struct transition *t)
{
	const char *on = colour ? colour_of(t->side) : "";
	char num[32];

	put_time_side(l, on, t->time_ns, t->side);
	put_arrow(l, t->local, t->remote, 45);
	put_arrow(l, t->old_state, t->new_state, 25);
	put_right(l, t->ns_in_old < 0 ? "-" : milliseconds((uint64_t)t->ns_in_old, num), 9);
	PUT(l, " ");
	put(l, *t->trigger ? t->trigger : "?");
	PUT(l, " / ");
	put(l, *t->action ? t->action : "?");
	put_where_who(l, t->netns, t->pid, t->comm);
	put(l, *on ? RESET : "");
	PUT(l, "\n");
	if (*t->detail) {
		pad(l, l->len, 18);
		PUT(l, "linux: ");
		put(l, t->detail);
		PUT(l, "\n");
	}
}

/* ,"name":"value" */
static void put_field(struct line *l, const char *key, size_t keylen, const char *value)
{
	put_n(l, key, keylen);
	put(l, value);
	PUT(l, "\"");
}

#define FIELD(l, name, value) put_field(l, ",\"" name "\":\"", sizeof(",\"" name "\":\"") - 1, value)

/* s as a JSON string: quotes, backslashes, control and non-ASCII bytes escaped. */
static void put_json_string(struct line *l, const char *s)
{
	static const char hex[] = "0123456789abcdef";

	PUT(l, "\"");
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		char esc[6] = { '\\', 'u', '0', '0', hex[*p >> 4], hex[*p & 15] };

		if (*p == '"' || *p == '\\') {
			esc[1] = (char)*p;
			put_n(l, esc, 2);
		} else if (*p < 0x20 || *p >= 0x7f) {
			put_n(l, esc, 6);
		} else {
			put_n(l, (const char *)p, 1);
		}
	}
	PUT(l, "\"");
}

/* ,"netns":"…","pid":N,"comm":"…" (pid and comm null for what the kernel did on its own) */
static void put_where_who_json(struct line *l, const char *netns, int pid, const char *comm)
{
	char num[32];

	PUT(l, ",\"netns\":");
	put_json_string(l, netns);
	if (pid == 0 || comm == NULL) {
		PUT(l, ",\"pid\":null,\"comm\":null");
		return;
	}
	PUT(l, ",\"pid\":");
	put(l, decimal((uint64_t)pid, num + sizeof(num)));
	PUT(l, ",\"comm\":");
	put_json_string(l, comm);
}

/* Every string but the namespace and the task's name is ours or an address: nothing to escape. */
static void render_json(struct line *l, const struct transition *t)
{
	char num[32];

	PUT(l, "{\"time\":");
	put(l, milliseconds(t->time_ns, num));
	PUT(l, ",\"event\":\"state\"");
	put_where_who_json(l, t->netns, t->pid, t->comm);
	FIELD(l, "side", t->side);
	FIELD(l, "local", t->local);
	FIELD(l, "remote", t->remote);
	FIELD(l, "old", t->old_state);
	FIELD(l, "new", t->new_state);
	PUT(l, ",\"ms\":");
	put(l, t->ns_in_old < 0 ? "null" : milliseconds((uint64_t)t->ns_in_old, num));
	FIELD(l, "trigger", t->trigger);
	FIELD(l, "action", t->action);
	if (t->has_cause) {
		PUT(l, ",\"cause_seq\":");
		put(l, decimal(t->cause_seq, num + sizeof(num)));
	}
	if (t->has_sent) {
		PUT(l, ",\"sent_seq\":");
		put(l, decimal(t->sent_seq, num + sizeof(num)));
	}
	if (*t->detail)
		FIELD(l, "linux", t->detail);
	PUT(l, "}\n");
}

void render_transition(FILE *out, enum render_mode mode, const struct transition *t)
{
	struct line l = { .len = 0 };

	if (mode == RENDER_JSON)
		render_json(&l, t);
	else
		render_text(&l, mode == RENDER_COLOR, t);
	fwrite_unlocked(l.buf, 1, l.len, out); /* one thread: no lock to take */
}

const char *flags_name(unsigned flags)
{
	static const struct {
		unsigned flags;
		const char *name;
	} names[] = {
		{ 0x02, "SYN" }, { 0x12, "SYN,ACK" }, { 0x11, "FIN,ACK" }, { 0x01, "FIN" },
		{ 0x14, "RST,ACK" }, { 0x04, "RST" }, { 0x10, "ACK" },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if ((flags & 0x17) == names[i].flags)
			return names[i].name;
	return "?";
}

/* TIME(ms) SIDE VERB SEGMENT[ #N] SRC -> DST[ in STATE][: REASON]  in NETNS by TASK */
static void render_note_text(struct line *l, int colour, const struct note *n)
{
	const char *on = colour ? colour_of(n->side) : "";
	char num[32];

	put_time_side(l, on, n->time_ns, n->side);
	put(l, n->verb);
	PUT(l, " ");
	put(l, n->segment);
	if (n->count) {
		PUT(l, " #");
		put(l, decimal((uint64_t)n->count, num + sizeof(num)));
	}
	PUT(l, " ");
	put(l, n->src);
	PUT(l, " -> ");
	put(l, n->dst);
	if (n->state) {
		PUT(l, " in ");
		put(l, n->state);
	}
	if (n->reason) {
		PUT(l, ": ");
		put(l, n->reason);
	}
	if (n->len >= 0) {
		PUT(l, " seq ");
		put(l, decimal(n->seq, num + sizeof(num)));
		PUT(l, " ack ");
		put(l, decimal(n->ack, num + sizeof(num)));
		PUT(l, " len ");
		put(l, decimal((uint64_t)n->len, num + sizeof(num)));
	}
	put_where_who(l, n->netns, n->pid, n->comm);
	put(l, *on ? RESET : "");
	PUT(l, "\n");
}

static void render_note_json(struct line *l, const struct note *n)
{
	char num[32];

	PUT(l, "{\"time\":");
	put(l, milliseconds(n->time_ns, num));
	FIELD(l, "event", n->event);
	put_where_who_json(l, n->netns, n->pid, n->comm);
	FIELD(l, "side", n->side);
	if (strcmp(n->event, "reset") == 0)
		FIELD(l, "direction", n->verb);
	FIELD(l, "segment", n->segment);
	FIELD(l, "src", n->src);
	FIELD(l, "dst", n->dst);
	if (n->state)
		FIELD(l, "state", n->state);
	if (n->count) {
		PUT(l, ",\"count\":");
		put(l, decimal((uint64_t)n->count, num + sizeof(num)));
	}
	if (n->reason)
		FIELD(l, "reason", n->reason);
	PUT(l, ",\"seq\":");
	put(l, decimal(n->seq, num + sizeof(num)));
	PUT(l, ",\"ack\":");
	put(l, decimal(n->ack, num + sizeof(num)));
	if (n->len >= 0) {
		PUT(l, ",\"len\":");
		put(l, decimal((uint64_t)n->len, num + sizeof(num)));
	}
	PUT(l, "}\n");
}

void render_note(FILE *out, enum render_mode mode, const struct note *n)
{
	struct line l = { .len = 0 };

	if (mode == RENDER_JSON)
		render_note_json(&l, n);
	else
		render_note_text(&l, mode == RENDER_COLOR, n);
	fwrite_unlocked(l.buf, 1, l.len, out);
}

void render_json_string(FILE *out, const char *s)
{
	struct line l = { .len = 0 };

	put_json_string(&l, s);
	fwrite(l.buf, 1, l.len, out);
}
