// SPDX-License-Identifier: MIT
/*
 * A reader for tcpwatch's own JSON lines: one flat object per line, string
 * and number values.  It checks what the diagram needs and says exactly
 * where a file is wrong; it is not a general JSON parser.
 */
#include <stdlib.h>
#include <string.h>

#include "replay.h"
#include "table.h"

#define LINE_MAX_LEN 4096

/* The string value of "key" in line, unescaped into out; -1 if absent or not a string. */
static int string_field(const char *line, const char *key, char *out, size_t outlen)
{
	char pattern[32];
	const char *p;
	size_t n = 0;

	snprintf(pattern, sizeof(pattern), "\"%s\":", key);
	p = strstr(line, pattern);
	if (p == NULL)
		return -1;
	p += strlen(pattern);
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
	char pattern[32], *end;
	const char *p;

	snprintf(pattern, sizeof(pattern), "\"%s\":", key);
	p = strstr(line, pattern);
	if (p == NULL)
		return -1;
	*out = strtod(p + strlen(pattern), &end);
	return end == p + strlen(pattern) ? -1 : 0;
}

static const char *known_side(const char *s)
{
	static const char *const sides[] = { "server", "client", "-" };

	for (size_t i = 0; i < 3; i++)
		if (strcmp(s, sides[i]) == 0)
			return sides[i];
	return NULL;
}

/* What parse_line says of a line that is no state change (a drop, a retransmission...). */
static const char not_a_step[] = "";

/* One line into ev; NULL, not_a_step, or what is wrong with it. */
static const char *parse_line(char *line, struct replay_event *ev)
{
	size_t len = strlen(line);
	char side[16], old_state[32], new_state[32], kind[16];

	while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\r'))
		line[--len] = '\0';
	if (line[0] != '{')
		return "not a JSON object";
	if (len < 2 || line[len - 1] != '}')
		return "the object is cut off (a truncated file?)";
	if (number_field(line, "time", &ev->time) < 0)
		return "no number \"time\"";
	if (string_field(line, "event", kind, sizeof(kind)) == 0 && strcmp(kind, "state") != 0)
		return not_a_step;
	if (string_field(line, "side", side, sizeof(side)) < 0 ||
	    string_field(line, "old", old_state, sizeof(old_state)) < 0 ||
	    string_field(line, "new", new_state, sizeof(new_state)) < 0)
		return "missing one of the strings \"side\", \"old\", \"new\"";
	ev->side = known_side(side);
	ev->old_state = known_state(old_state);
	ev->new_state = known_state(new_state);
	if (ev->side == NULL)
		return "\"side\" is not server, client or -";
	if (ev->old_state == NULL || ev->new_state == NULL)
		return "a state the table does not know";
	return NULL;
}

int replay_read(FILE *f, const char *name, struct replay_event **events, size_t *count,
		char *err, size_t errlen)
{
	char line[LINE_MAX_LEN];
	size_t n = 0, cap = 0, lineno = 0;
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
		n++;
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: read error", name);
		goto fail;
	}
	if (n == 0) {
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
