/* SPDX-License-Identifier: MIT */
/* Read back what `tcpwatch --json` wrote, for `--diagram --replay`. */
#ifndef TRACER_REPLAY_H
#define TRACER_REPLAY_H

#include <stddef.h>
#include <stdio.h>

enum replay_kind { REPLAY_STATE, REPLAY_SEGMENT, REPLAY_DROP, REPLAY_RETRANSMIT, REPLAY_RESET };

struct replay_event {
	double time;		/* ms */
	enum replay_kind kind;
	const char *side;	/* "server", "client" or "-" (the others: the sender's) */
	const char *old_state;	/* a state change: the table's names */
	const char *new_state;
	char local[64], remote[64]; /* a state change's ends; the others' src and dst */
	char segment[16];	/* the others: the segment's flags, "SYN,ACK"... */
	char reason[48];	/* a drop's reason; "" for none */
	char netns[64];		/* "" when the line has none */
	unsigned long seq, ack;	/* the segment's numbers, when has_seq */
	int has_seq;
	int len;		/* a segment's payload bytes */
	int count;		/* a retransmission's how-many-th */
	unsigned long cause_seq, sent_seq; /* a state change: its trigger's and action's segment */
	int has_cause, has_sent;
};

/*
 * Read every line of f (named name in messages): state changes and the
 * lines about segments (segment, drop, retransmit, reset); others are
 * passed over.  0 and the events, or -1 with the first fault in err
 * ("run.json:3: ..."): not an object, a cut-off line, a missing field, a
 * state or side the lab does not know, no state change at all.
 */
int replay_read(FILE *f, const char *name, struct replay_event **events, size_t *count,
		char *err, size_t errlen);

#endif /* TRACER_REPLAY_H */
