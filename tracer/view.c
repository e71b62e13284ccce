// SPDX-License-Identifier: MIT
/*
 * Showing the diagram.  On a terminal it takes the whole screen and redraws
 * in place (keys step a replay); otherwise each frame is printed after a
 * "== step N" line, which is what tests and pipes read.
 */
#include <err.h>
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/lab.h"
#include "replay.h"
#include "screen.h"
#include "view.h"

static int locale_is_utf8(void)
{
	const char *codeset;

	setlocale(LC_CTYPE, "");
	codeset = nl_langinfo(CODESET);
	return codeset != NULL && strcmp(codeset, "UTF-8") == 0;
}

static int colour_wanted(int force)
{
	const char *no_color = getenv("NO_COLOR");

	return force || (isatty(STDOUT_FILENO) && (no_color == NULL || *no_color == '\0'));
}

void view_open(struct view *v, int force_colour, int force_ascii)
{
	int cols, rows;

	memset(v, 0, sizeof(*v));
	v->style = colour_wanted(force_colour) ? DIAGRAM_COLOR : DIAGRAM_PLAIN;
	v->utf8 = !force_ascii && locale_is_utf8();
	v->fullscreen = isatty(STDOUT_FILENO);
	if (!v->fullscreen)
		return;
	if (screen_fits(DIAGRAM_COLS, DIAGRAM_ROWS, &cols, &rows) < 0)
		errx(EXIT_USAGE,
		     "the diagram needs a terminal of at least %dx%d; this one is %dx%d"
		     " (enlarge it, or zoom the tmux pane: prefix z)",
		     DIAGRAM_COLS, DIAGRAM_ROWS, cols, rows);
	screen_enter();
}

static void draw_too_small(void)
{
	int cols, rows;

	screen_fits(DIAGRAM_COLS, DIAGRAM_ROWS, &cols, &rows);
	printf("terminal %dx%d: the diagram needs %dx%d; enlarge it (q quits)\n", cols, rows,
	       DIAGRAM_COLS, DIAGRAM_ROWS);
}

void view_draw(struct view *v)
{
	int cols, rows;

	if (v->fullscreen) {
		screen_resized = 0;
		screen_home();
		if (screen_fits(DIAGRAM_COLS, DIAGRAM_ROWS, &cols, &rows) < 0) {
			draw_too_small();
			fflush(stdout);
			return;
		}
	} else {
		printf("== step %ld\n", v->st.steps);
	}
	diagram_draw(stdout, v->style, v->utf8, &v->st);
	fflush(stdout);
	v->frames++;
}

void view_step(struct view *v, const char *side, const char *old_state, const char *new_state,
	       double ms)
{
	diagram_step(&v->st, side, old_state, new_state, ms);
	view_draw(v);
}

void view_close(struct view *v)
{
	if (v->fullscreen)
		screen_leave();
}

/* On a terminal: a key per step (q quits, e jumps to the end). */
static int wait_for_step(struct view *v, int *to_end)
{
	if (!v->fullscreen || *to_end)
		return 0;
	printf("space/enter: next step   e: to the end   q: quit");
	fflush(stdout);
	for (;;) {
		int key = screen_key(200);

		if (screen_resized)
			view_draw(v);
		if (key == 'q' || key < 0)
			return -1;
		if (key == 'e')
			*to_end = 1;
		if (key > 0)
			return 0;
	}
}

static size_t states_in(const struct replay_event *evs, size_t n)
{
	size_t states = 0;

	for (size_t i = 0; i < n; i++)
		states += evs[i].kind == REPLAY_STATE;
	return states;
}

int view_replay(struct view *v, const char *file, int to_end)
{
	struct replay_event *evs;
	size_t n;
	char why[512];
	FILE *f = fopen(file, "r");
	int read_status;

	if (f == NULL) {
		view_close(v);
		err(EXIT_USAGE, "cannot read %s", file);
	}
	read_status = replay_read(f, file, &evs, &n, why, sizeof(why));
	fclose(f);
	if (read_status < 0) {
		view_close(v);
		errx(EXIT_USAGE, "%s", why);
	}
	if (!to_end)
		view_draw(v);
	for (size_t i = 0, left = states_in(evs, n); i < n; i++) {
		if (evs[i].kind != REPLAY_STATE)
			continue;
		diagram_step(&v->st, evs[i].side, evs[i].old_state, evs[i].new_state, evs[i].time);
		if (--left > 0 && to_end)
			continue;
		if (wait_for_step(v, &to_end) < 0)
			break;
		view_draw(v);
	}
	if (v->fullscreen) {
		printf("end of %s (%zu steps): any key quits", file, states_in(evs, n));
		fflush(stdout);
		screen_key(-1);
	}
	free(evs);
	view_close(v);
	return flush_stdout() < 0 ? 1 : 0;
}
