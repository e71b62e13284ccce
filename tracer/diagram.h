/* SPDX-License-Identifier: MIT */
/*
 * The state diagram drawn in a terminal: the RFC's layout, boxes and arrows
 * labelled from the one table, the server's state in blue, the client's in
 * red, the arrow just taken in bold.  Plain mode marks the same things with
 * characters: [S] and [C] in the state boxes, '*' along the last arrow.
 */
#ifndef TRACER_DIAGRAM_H
#define TRACER_DIAGRAM_H

#include <stdio.h>

enum { DIAGRAM_COLS = 108, DIAGRAM_ROWS = 36 };

struct diagram_state {
	const char *server;	/* current state names, NULL: not seen yet */
	const char *client;
	const char *last_from;	/* the last step, NULL: none */
	const char *last_to;
	const char *last_side;
	double last_ms;
	long steps;		/* transitions taken so far */
};

enum diagram_style { DIAGRAM_PLAIN, DIAGRAM_COLOR };

/* Arrows of the table that the layout cannot draw: 0 when it draws them all. */
int diagram_missing(FILE *report);
/* Draw one frame (DIAGRAM_ROWS lines, no screen control) to out. */
void diagram_draw(FILE *out, enum diagram_style style, int utf8, const struct diagram_state *st);
/* Take one step into st: side moves from old to new. */
void diagram_step(struct diagram_state *st, const char *side, const char *old_state,
		  const char *new_state, double ms);

#endif /* TRACER_DIAGRAM_H */
