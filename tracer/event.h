/* SPDX-License-Identifier: MIT */
/* One state change of one socket, as the kernel reported it. */
#ifndef TRACER_EVENT_H
#define TRACER_EVENT_H

#include <stdint.h>

/* The socket's sequence state at the step. */
struct tcp_seq {
	uint32_t snd_una, snd_nxt, rcv_nxt;
	uint32_t write_seq;	/* the end of what was written: a FIN sent at the step ends here */
	uint32_t segs_out;	/* segments it had sent, retransmissions included */
};

struct tcp_event {
	uint64_t ns;		/* CLOCK_MONOTONIC, nanoseconds */
	uint64_t sk;		/* the kernel's socket address: an identity, nothing more */
	unsigned long netns;	/* the socket's own namespace (inode), from the kernel */
	int old_state;		/* kernel TCP_* numbers */
	int new_state;
	int family;		/* AF_INET or AF_INET6 */
	uint16_t sport;		/* host byte order */
	uint16_t dport;
	uint8_t saddr[16];	/* IPv4: the first 4 bytes */
	uint8_t daddr[16];
	int pid;		/* the task that made the step in a system call; 0 if none */
	int in_irq;		/* softirq, hardirq or NMI: no task made it */
	int by_timer;		/* in the timer softirqs: a TCP timer made it */
	char comm[16];		/* that task's name; "" if none */
	struct tcp_seq seq;
};

#endif /* TRACER_EVENT_H */
