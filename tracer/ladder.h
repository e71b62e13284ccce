/* SPDX-License-Identifier: MIT */
/*
 * A recording (tcpwatch --json --segments) drawn as sequence ("ladder")
 * diagrams in SVG: a lifeline per end, the client's red on the left, the
 * server's blue on the right, the segments crossing between them and each
 * state written on its lifeline where it began.
 */
#ifndef TRACER_LADDER_H
#define TRACER_LADDER_H

#include <stddef.h>
#include <stdio.h>

#include "replay.h"

/*
 * Draw the connections of the recording in file on stdout, one picture
 * each, or only the conn-th (from 1; 0: all).  An exit status: 0, or 1
 * when stdout could not be written; a file that is no recording with
 * segments (or has no such connection) exits 2.
 */
int ladder_replay(const char *file, long conn);
/* The n events read from a recording drawn onto out; -1 and why if they hold no such picture. */
int ladder_draw(const struct replay_event *evs, size_t n, long conn, FILE *out, char *why, size_t whylen);

#endif /* TRACER_LADDER_H */
