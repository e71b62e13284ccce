/* SPDX-License-Identifier: MIT */
/* Read back what `tcpwatch --json` wrote, for `--diagram --replay`. */
#ifndef TRACER_REPLAY_H
#define TRACER_REPLAY_H

#include <stddef.h>
#include <stdio.h>

struct replay_event {
	double time;
	const char *side;	/* "server", "client" or "-" */
	const char *old_state;	/* the table's names */
	const char *new_state;
};

/*
 * Read every line of f (named name in messages).  0 and the events, or -1
 * with the first fault in err ("run.json:3: ..."): not an object, a cut-off
 * line, a missing field, a state or side the lab does not know.
 */
int replay_read(FILE *f, const char *name, struct replay_event **events, size_t *count,
		char *err, size_t errlen);

#endif /* TRACER_REPLAY_H */
