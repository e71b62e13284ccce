/* SPDX-License-Identifier: MIT */
/*
 * Where transitions come from: the tracepoint sock/inet_sock_set_state, read
 * through a tracefs instance of our own (never the global one).
 */
#ifndef TRACER_TRACEPOINT_H
#define TRACER_TRACEPOINT_H

#include <poll.h>
#include <stddef.h>

#include "event.h"

struct tracepoint;

typedef void tracepoint_fn(const struct tcp_event *ev, void *ctx);

/* NULL on failure, with the cause in err. */
struct tracepoint *tracepoint_open(char *err, size_t errlen);
/* Hand every event recorded so far to fn, oldest first (all CPUs merged); -1 on a read error. */
int tracepoint_drain(struct tracepoint *tp, tracepoint_fn *fn, void *ctx);
/* Up to max descriptors to poll() for new events; how many. */
int tracepoint_pollfds(const struct tracepoint *tp, struct pollfd *out, int max);
/* Events the kernel could not record or we could not read, so far. */
unsigned long long tracepoint_lost(struct tracepoint *tp);
/* Disable the event and remove the instance. */
void tracepoint_close(struct tracepoint *tp);
/* Remove instances left by runs that were killed; returns how many. */
int tracepoint_remove_stale(void);

#endif /* TRACER_TRACEPOINT_H */
