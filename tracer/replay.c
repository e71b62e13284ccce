// SPDX-License-Identifier: MIT
/*
 * A reader for tcpwatch's own JSON lines: one flat object per line, string
 * and number values.  It checks what the diagram and the ladder need and
 * says exactly where a file is wrong; it is not a general JSON parser.
 */
#include <stdlib.h>
#include <string.h>

#include "replay.h"
#include "table.h"

#define LINE_MAX_LEN 4096

/* Where the value of "key" begins in line; NULL if the line has no such key. */
static const char *value_of(const char *line, const char *key)
{
	char pattern[32];
	const char *p;

	snprintf(pattern, sizeof(pattern), "\"%s\":", key);
	p = strstr(line, pattern);
	return p ? p + strlen(pattern) : NULL;
}

/* The string value of "key" in line, unescaped into out; -1 if absent or not a string. */
static int string_field(const char *line, const char *key, char *out, size_t outlen)
{
	const char *p = value_of(line, key);
	size_t n = 0;

	if (p == NULL)
		return -1;
	while (*p == ' ')
		p++;
	if (*p++ != '"')
		return -1;
	for (; *p && *p != '"'; p++) {
		if (*p == '\\' && p[1])
			p++;
		if (n + 1 < outlen)
			out[n++] = *p;
	}
	out[n] = '\0';
	return *p == '"' ? 0 : -1;
}

static int number_field(const char *line, const char *key, double *out)
{
	const char *p = value_of(line, key);
	char *end;

	if (p == NULL)
		return -1;
	*out = strtod(p, &end);
	return end == p ? -1 : 0;
}

static const char *known_side(const char *s)
{
	static const char *const sides[] = { "server", "client", "-" };

	for (size_t i = 0; i < 3; i++)
		if (strcmp(s, sides[i]) == 0)
			return sides[i];
	return NULL;
}

/* What parse_line says of a line it passes over (a summary, a leak...). */
static const char not_a_step[] = "";

static int kind_named(const char *name, enum replay_kind *kind)
{
	static const char *const kinds[] = { "state", "segment", "drop", "retransmit", "reset" };

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(name, kinds[i]) == 0) {
			*kind = (enum replay_kind)i;
			return 0;
		}
	return -1;
}

/* A number that must be a whole one from 0 to max, if the line has it; -1 if it is another. */
static int whole_field(const char *line, const char *key, double max, unsigned long *out, int *have)
{
	double v;

	*have = number_field(line, key, &v) == 0;
	if (!*have)
		return value_of(line, key) ? -1 : 0;
	if (!(v >= 0 && v <= max) || v != (double)(unsigned long)v)
		return -1;
	*out = (unsigned long)v;
	return 0;
}

/* A state change's own fields into ev; NULL or what is wrong. */
static const char *parse_state(const char *line, struct replay_event *ev)
{
	char old_state[32], new_state[32];

	if (string_field(line, "old", old_state, sizeof(old_state)) < 0 ||
	    string_field(line, "new", new_state, sizeof(new_state)) < 0)
		return "missing one of the strings \"side\", \"old\", \"new\"";
	ev->old_state = known_state(old_state);
	ev->new_state = known_state(new_state);
	if (ev->old_state == NULL || ev->new_state == NULL)
		return "a state the table does not know";
	if (string_field(line, "local", ev->local, sizeof(ev->local)) < 0)
		ev->local[0] = '\0';
	if (string_field(line, "remote", ev->remote, sizeof(ev->remote)) < 0)
		ev->remote[0] = '\0';
	if (whole_field(line, "cause_seq", 4294967295.0, &ev->cause_seq, &ev->has_cause) < 0 ||
	    whole_field(line, "sent_seq", 4294967295.0, &ev->sent_seq, &ev->has_sent) < 0)
		return "\"cause_seq\" or \"sent_seq\" is no 32-bit sequence number";
	return NULL;
}

/* A segment's, drop's, retransmission's or reset's fields into ev; NULL or what is wrong. */
static const char *parse_segment(const char *line, struct replay_event *ev)
{
	unsigned long v;
	int have_ack, have;

	if (string_field(line, "segment", ev->segment, sizeof(ev->segment)) < 0 ||
	    string_field(line, "src", ev->local, sizeof(ev->local)) < 0 ||
	    string_field(line, "dst", ev->remote, sizeof(ev->remote)) < 0)
		return "missing one of the strings \"segment\", \"src\", \"dst\"";
	if (string_field(line, "reason", ev->reason, sizeof(ev->reason)) < 0)
		ev->reason[0] = '\0';
	if (whole_field(line, "seq", 4294967295.0, &ev->seq, &ev->has_seq) < 0 ||
	    whole_field(line, "ack", 4294967295.0, &ev->ack, &have_ack) < 0)
		return "\"seq\" or \"ack\" is no 32-bit sequence number";
	if (ev->has_seq != have_ack)
		return "\"seq\" without \"ack\", or the other way";
	if (whole_field(line, "len", 65535, &v, &have) < 0)
		return "\"len\" is no segment length";
	ev->len = have ? (int)v : 0;
	if (whole_field(line, "count", 255, &v, &have) < 0)
		return "\"count\" is no retransmission count";
	ev->count = have ? (int)v : 0;
	if (ev->kind == REPLAY_SEGMENT && !ev->has_seq)
		return "a segment without \"seq\" and \"ack\"";
	return NULL;
}

/* One line into ev; NULL, not_a_step, or what is wrong with it. */
static const char *parse_line(char *line, struct replay_event *ev)
{
	size_t len = strlen(line);
	char side[16], kind[16];

	memset(ev, 0, sizeof(*ev));
	while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\r'))
		line[--len] = '\0';
	if (line[0] != '{')
		return "not a JSON object";
	if (len < 2 || line[len - 1] != '}')
		return "the object is cut off (a truncated file?)";
	if (number_field(line, "time", &ev->time) < 0)
		return "no number \"time\"";
	if (string_field(line, "event", kind, sizeof(kind)) == 0 && kind_named(kind, &ev->kind) < 0)
		return not_a_step;
	if (string_field(line, "side", side, sizeof(side)) < 0)
		return ev->kind == REPLAY_STATE ? "missing one of the strings \"side\", \"old\", \"new\""
						: "no string \"side\"";
	ev->side = known_side(side);
	if (ev->side == NULL)
		return "\"side\" is not server, client or -";
	if (string_field(line, "netns", ev->netns, sizeof(ev->netns)) < 0)
		ev->netns[0] = '\0';
	return ev->kind == REPLAY_STATE ? parse_state(line, ev) : parse_segment(line, ev);
}

int replay_read(FILE *f, const char *name, struct replay_event **events, size_t *count,
		char *err, size_t errlen)
{
	char line[LINE_MAX_LEN];
	size_t n = 0, cap = 0, lineno = 0, states = 0;
	struct replay_event *evs = NULL;

	while (fgets(line, sizeof(line), f) != NULL) {
		size_t len = strlen(line);
		const char *why;

		lineno++;
		if (len > 0 && line[len - 1] == '\n') {
			line[--len] = '\0';
		} else if (!feof(f)) {
			snprintf(err, errlen, "%s:%zu: line too long", name, lineno);
			goto fail;
		}
		if (len == 0)
			continue;
		if (n == cap) {
			struct replay_event *more = realloc(evs, (cap = cap ? cap * 2 : 64) * sizeof(*evs));

			if (more == NULL) {
				snprintf(err, errlen, "%s: out of memory", name);
				goto fail;
			}
			evs = more;
		}
		why = parse_line(line, &evs[n]);
		if (why == not_a_step)
			continue;
		if (why != NULL) {
			snprintf(err, errlen, "%s:%zu: %s", name, lineno, why);
			goto fail;
		}
		states += evs[n].kind == REPLAY_STATE;
		n++;
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: read error", name);
		goto fail;
	}
	if (states == 0) {
		snprintf(err, errlen, "%s: no transitions in it (want tcpwatch --json output)", name);
		goto fail;
	}
	*events = evs;
	*count = n;
	return 0;
fail:
	free(evs);
	return -1;
}
