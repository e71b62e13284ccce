/* SPDX-License-Identifier: MIT */
/* One state change of one socket, or one segment dropped, resent or reset, as the kernel reported it. */
#ifndef TRACER_EVENT_H
#define TRACER_EVENT_H

#include <stdint.h>

#include "tcpwatch.h" /* enum bpf_kind: what the BPF side's records tell */

/* The socket's sequence state at the step. */
struct tcp_seq {
	uint32_t snd_una, snd_nxt, rcv_nxt;
	uint32_t write_seq;	/* the end of what was written: a FIN sent at the step ends here */
	uint32_t segs_out;	/* segments it had sent, retransmissions included */
};

/* The segment a drop, a retransmission or a reset is about. */
struct tcp_segment {
	uint32_t seq, ack;
	uint32_t reason;	/* a drop's enum skb_drop_reason, a reset's enum sk_rst_reason */
	uint8_t flags;		/* TCP_FL_* */
	uint8_t count;		/* a retransmission: the how-many-th */
	uint8_t state;		/* the socket's state then (kernel TCP_*; 0: no socket) */
};

/* Laid out small: a step waits in the queue 0.1 s, and the queue is read back from memory. */
struct tcp_event {
	uint64_t ns;		/* CLOCK_MONOTONIC, nanoseconds */
	uint64_t sk;		/* the kernel's socket address: an identity, nothing more */
	uint32_t netns;		/* the socket's own namespace (inode), from the kernel */
	int32_t pid;		/* the task that made the step in a system call; 0 if none */
	uint16_t sport;		/* host byte order */
	uint16_t dport;
	uint8_t kind;		/* enum bpf_kind; a drop's ends are src -> dst, the others' local -> remote */
	uint8_t consumed;	/* taken into another step already */
	uint8_t old_state;	/* kernel TCP_* numbers */
	uint8_t new_state;
	uint8_t family;		/* AF_INET or AF_INET6 */
	uint8_t in_irq;		/* softirq, hardirq or NMI: no task made it */
	uint8_t by_timer;	/* in the timer softirqs: a TCP timer made it */
	uint8_t saddr[16];	/* IPv4: the first 4 bytes */
	uint8_t daddr[16];
	char comm[16];		/* that task's name; "" if none */
	union {
		struct tcp_seq seq;	/* a step (KIND_STEP) */
		struct tcp_segment seg;	/* all others */
	};
};

#endif /* TRACER_EVENT_H */
