// SPDX-License-Identifier: MIT
/* Text (plain or coloured: server blue, client red, as the tutorial draws them) and JSON. */
#include <string.h>

#include "render.h"

#define BLUE "\033[34m"
#define RED "\033[31m"
#define RESET "\033[0m"

void render_header(FILE *out, enum render_mode mode)
{
	if (mode == RENDER_JSON)
		return;
	fprintf(out, "%10s %-6s %-45s %-25s %9s %s\n", "TIME(ms)", "SIDE",
		"LOCAL -> REMOTE", "OLD -> NEW", "MS_IN_OLD", "TRIGGER / ACTION");
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

static void render_text(FILE *out, int colour, const struct transition *t)
{
	char ends[140], states[40], ms[24];
	const char *on = colour ? colour_of(t->side) : "";

	snprintf(ends, sizeof(ends), "%s -> %s", t->local, t->remote);
	snprintf(states, sizeof(states), "%s -> %s", t->old_state, t->new_state);
	if (t->ms_in_old < 0)
		snprintf(ms, sizeof(ms), "-");
	else
		snprintf(ms, sizeof(ms), "%.3f", t->ms_in_old);
	fprintf(out, "%s%10.3f %-6s %-45s %-25s %9s %s / %s%s\n", on, t->time_ms, t->side,
		ends, states, ms, *t->trigger ? t->trigger : "?", *t->action ? t->action : "?",
		*on ? RESET : "");
	if (*t->detail)
		fprintf(out, "%10s %-6s linux: %s\n", "", "", t->detail);
}

/* Every string we print is ours or an address: no quote or backslash to escape. */
static void render_json(FILE *out, const struct transition *t)
{
	fprintf(out,
		"{\"time\":%.3f,\"side\":\"%s\",\"local\":\"%s\",\"remote\":\"%s\","
		"\"old\":\"%s\",\"new\":\"%s\",\"ms\":",
		t->time_ms, t->side, t->local, t->remote, t->old_state, t->new_state);
	if (t->ms_in_old < 0)
		fputs("null", out);
	else
		fprintf(out, "%.3f", t->ms_in_old);
	fprintf(out, ",\"trigger\":\"%s\",\"action\":\"%s\"", t->trigger, t->action);
	if (*t->detail)
		fprintf(out, ",\"linux\":\"%s\"", t->detail);
	fputs("}\n", out);
}

void render_transition(FILE *out, enum render_mode mode, const struct transition *t)
{
	if (mode == RENDER_JSON)
		render_json(out, t);
	else
		render_text(out, mode == RENDER_COLOR, t);
}
