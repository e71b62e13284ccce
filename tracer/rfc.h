/* SPDX-License-Identifier: MIT */
/*
 * From the kernel's steps to the RFC's.  Three sources, merged in time
 * order: the tracepoint (full sockets), the segments on the wire (what
 * caused each step and what it sent; a listener's SYN_RECV, which starts
 * with a SYN and no socket yet) and sock_diag (timewait minisockets, which
 * the tracepoint never reports).  One small state machine per connection.
 */
#ifndef TRACER_RFC_H
#define TRACER_RFC_H

#include <stdint.h>

#include "event.h"
#include "packets.h"

struct rfc_step {
	uint64_t ns;
	int where;		/* the watched namespace it happened in */
	int family;
	uint8_t local[16], remote[16];
	uint16_t lport, rport;
	const char *old_state, *new_state; /* the lab's names */
	int64_t ns_in_old;	/* -1: not known */
	const char *trigger;	/* the segment, call or timer that caused it */
	const char *action;	/* the segment it sent, or the diagram's word */
	const char *linux_detail; /* what Linux did underneath, for -v; "" for none */
	int pid;		/* the task whose system call made the step; 0: the kernel on its own */
	const char *comm;	/* that task's name; NULL with pid 0 */
	/* the trigger, the action: a segment, found by its numbers; NULL: none (valid during the call) */
	const struct packet *cause, *sent;
};

typedef void rfc_fn(const struct rfc_step *s, void *ctx);
/* A drop, retransmission or reset of watched namespace where, in time order with the steps. */
typedef void rfc_note_fn(const struct tcp_event *ev, int where, void *ctx);
/* A segment of the wire, in time order with the steps (after the step it caused). */
typedef void rfc_segment_fn(const struct packet *p, void *ctx);

struct rfc_config {
	int nwhere;			/* watched namespaces */
	const unsigned long *inode;	/* their inodes: the kernel names a socket's with each step */
	const int *diag_fd;		/* a sock_diag socket in each */
	int kernel_only;		/* --kernel: the tracepoint's steps as they are */
	rfc_fn *fn;
	rfc_note_fn *note;
	void *ctx;
	rfc_segment_fn *segment;	/* NULL: segments are not told */
};

struct rfc;

struct rfc *rfc_new(const struct rfc_config *cfg);
void rfc_free(struct rfc *r);
void rfc_kernel(struct rfc *r, const struct tcp_event *ev);
void rfc_packet(struct rfc *r, const struct packet *p);
/* When something queued falls due (CLOCK_MONOTONIC ns); UINT64_MAX: nothing is queued. */
uint64_t rfc_next_due(const struct rfc *r);
/* Work through what happened before now - the look-ahead (or all of it). */
void rfc_flush(struct rfc *r, uint64_t now_ns, int all);

#endif /* TRACER_RFC_H */
