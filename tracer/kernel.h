/* SPDX-License-Identifier: MIT */
/*
 * Where the kernel's steps come from: tcpwatch.bpf.c on the tracepoint
 * sock/inet_sock_set_state, loaded with libbpf, filtered in the kernel to
 * the watched namespaces, family, port and address.
 */
#ifndef TRACER_KERNEL_H
#define TRACER_KERNEL_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"

struct kernel_filter {
	const unsigned long *netns;	/* the watched namespaces' inodes */
	int nnetns;
	int family;			/* 0: both */
	int port;			/* -1: any */
	int addr_family;		/* 0: any address */
	uint8_t addr[16];
};

struct kernel;

typedef void kernel_fn(const struct tcp_event *ev, void *ctx);

/* Load and attach; NULL on failure, with the cause in err. */
struct kernel *kernel_open(const struct kernel_filter *f, char *err, size_t errlen);
/* Hand every step recorded so far to fn, oldest first; -1 on a read error. */
int kernel_drain(struct kernel *k, kernel_fn *fn, void *ctx);
/* The descriptor to poll() for new steps. */
int kernel_pollfd(const struct kernel *k, struct pollfd *out);
/* Steps the kernel had no room for, so far. */
unsigned long long kernel_lost(struct kernel *k);
/* Runs of our programs the kernel skipped (one already running on that CPU), so far. */
unsigned long long kernel_skipped(struct kernel *k);
/*
 * The kernel's name for a drop's reason (enum skb_drop_reason) or a reset's
 * (enum sk_rst_reason), as BTF gives it without its prefix: NETFILTER_DROP,
 * NOT_SPECIFIED...; "REASON(n)" where BTF has no name for it.
 */
const char *kernel_reason(struct kernel *k, int reset, unsigned value);
/* Detach and unload. */
void kernel_close(struct kernel *k);

#endif /* TRACER_KERNEL_H */
