/* SPDX-License-Identifier: MIT */
/* The diagram as a view: full-screen on a terminal, frame after frame otherwise. */
#ifndef TRACER_VIEW_H
#define TRACER_VIEW_H

#include "diagram.h"

struct view {
	enum diagram_style style;
	int utf8;
	int fullscreen;		/* a terminal: redraw in place */
	long frames;		/* frames drawn so far */
	struct diagram_state st;
};

/* Set up v for stdout (fullscreen when a terminal); exit 2 if it is too small. */
void view_open(struct view *v, int force_colour, int force_ascii);
/* Draw the current frame. */
void view_draw(struct view *v);
/* One transition: update and redraw. */
void view_step(struct view *v, const char *side, const char *old_state, const char *new_state,
	       double ms);
/* --replay FILE: draw it step by step (keys on a terminal) or to the end; an exit status. */
int view_replay(struct view *v, const char *file, int to_end);
void view_close(struct view *v);

#endif /* TRACER_VIEW_H */
