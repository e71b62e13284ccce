/* SPDX-License-Identifier: MIT */
/* One state change of one socket, as the kernel reported it. */
#ifndef TRACER_EVENT_H
#define TRACER_EVENT_H

#include <stdint.h>

struct tcp_event {
	uint64_t ns;		/* CLOCK_MONOTONIC, nanoseconds */
	uint64_t sk;		/* the kernel's socket address: an identity, nothing more */
	int old_state;		/* kernel TCP_* numbers */
	int new_state;
	int family;		/* AF_INET or AF_INET6 */
	uint16_t sport;		/* host byte order */
	uint16_t dport;
	uint8_t saddr[16];	/* IPv4: the first 4 bytes */
	uint8_t daddr[16];
	int pid;		/* the task that was running */
	int in_irq;		/* softirq, hardirq or NMI: pid is nobody in particular */
	unsigned long task_netns; /* the namespace of that task, read on arrival; 0: unknown */
};

#endif /* TRACER_EVENT_H */
