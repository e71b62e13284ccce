/* SPDX-License-Identifier: MIT */
/* When each socket we have seen entered its current state. */
#ifndef TRACER_SOCKETS_H
#define TRACER_SOCKETS_H

#include <stdint.h>

struct sockets;

struct sockets *sockets_new(void);
void sockets_free(struct sockets *s);
/*
 * Record that socket sk entered a state at ns; return the nanoseconds it
 * spent in the previous one, or -1 when we did not see it enter that one.
 * closed: the socket is gone (forget it).
 */
int64_t sockets_enter(struct sockets *s, uint64_t sk, uint64_t ns, int closed);
unsigned long sockets_count(const struct sockets *s);

#endif /* TRACER_SOCKETS_H */
