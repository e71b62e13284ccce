/* SPDX-License-Identifier: MIT */
/* The one table (common/tcp_table.h), printed for scripts and looked up by the tracer. */
#ifndef TRACER_TABLE_H
#define TRACER_TABLE_H

#include <stdio.h>

struct arrow {
	const char *from, *to, *event, *action, *end;
	int reachable, drawn;
};

void print_states(FILE *out);
void print_arrows(FILE *out);
/* The lab's name of a kernel TCP_* state (TCP_NEW_SYN_RECV is SYN_RECV); "?" if none. */
const char *state_name(int kernel_state);
/* Call fn for each arrow of the table, in table order. */
void for_each_arrow(void (*fn)(const struct arrow *a, void *data), void *data);
/* The lab's name for a state name spelled by the table, or NULL if none. */
const char *known_state(const char *name);
/* The arrow FROM -> TO of the diagram, or NULL. */
const struct arrow *find_arrow(const char *from, const char *to);

#endif /* TRACER_TABLE_H */
