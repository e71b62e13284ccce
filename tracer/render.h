/* SPDX-License-Identifier: MIT */
/* How transitions are shown: one line of text, or one JSON object, each. */
#ifndef TRACER_RENDER_H
#define TRACER_RENDER_H

#include <stdint.h>
#include <stdio.h>

struct transition {
	uint64_t time_ns;	/* since tcpwatch started */
	const char *side;	/* "server", "client" or "-" */
	const char *local;	/* ADDR:PORT ([ADDR]:PORT for IPv6) */
	const char *remote;
	const char *old_state;	/* the lab's names: LISTEN, SYN_SENT, ... */
	const char *new_state;
	int64_t ns_in_old;	/* < 0: not known */
	const char *trigger;	/* "" when not known */
	const char *action;
	const char *detail;	/* what Linux did underneath ("" for none, or not asked) */
	const char *netns;	/* the socket's namespace: its ip netns name, or net:[INODE] */
	int pid;		/* the task whose system call made the step; 0: the kernel on its own */
	const char *comm;	/* that task's name (from the kernel: escape it); NULL with pid 0 */
	int has_cause, has_sent; /* the trigger, the action: a segment of these numbers */
	uint32_t cause_seq, sent_seq;
};

/* A segment dropped, sent again, an RST, or (--segments) any segment seen: a line of its own. */
struct note {
	uint64_t time_ns;
	const char *event;	/* "drop", "retransmit", "reset" or "segment" */
	const char *verb;	/* "dropped", "resent", "snd", "rcv", "seen" */
	const char *side;
	const char *segment;	/* its flags: "SYN", "FIN,ACK"... */
	const char *src, *dst;	/* the way it went */
	const char *state;	/* the socket's state then; NULL: none */
	int count;		/* a retransmission's how-many-th; 0: not one */
	const char *reason;	/* the kernel's reason; NULL: none given */
	uint32_t seq, ack;	/* the segment's own numbers */
	int len;		/* its payload bytes; -1: not known */
	const char *netns;
	int pid;		/* 0: the kernel on its own */
	const char *comm;
};

enum render_mode { RENDER_TEXT, RENDER_COLOR, RENDER_JSON };

void render_header(FILE *out, enum render_mode mode);
void render_transition(FILE *out, enum render_mode mode, const struct transition *t);
void render_note(FILE *out, enum render_mode mode, const struct note *n);
/* A segment's flags as the diagram writes them: SYN, SYN,ACK, FIN,ACK, RST... */
const char *flags_name(unsigned flags);
/* s as a JSON string, quoted and escaped (at most about 1000 bytes of it). */
void render_json_string(FILE *out, const char *s);
/* ADDR:PORT, or [ADDR6]:PORT, into out. */
void render_endpoint(int family, const uint8_t *addr, uint16_t port, char *out, size_t len);

#endif /* TRACER_RENDER_H */
