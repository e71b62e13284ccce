/* SPDX-License-Identifier: MIT */
/* The one table (common/tcp_table.h), printed for scripts and looked up by the tracer. */
#ifndef TRACER_TABLE_H
#define TRACER_TABLE_H

#include <stdio.h>

#include "../common/tcp_table.h"

struct arrow {
	enum lab_state from_state, to_state;
	const char *from, *to, *event, *action, *end;
	int reachable, drawn;
};

void print_states(FILE *out);
void print_arrows(FILE *out);
/* The lab's name of a kernel TCP_* state (TCP_NEW_SYN_RECV is SYN_RECV); STATE(n) if none. */
const char *state_name(int kernel_state);
/* The lab's state of a kernel TCP_* state (TCP_NEW_SYN_RECV is SYN_RECV); LAB_UNKNOWN if none. */
enum lab_state lab_state_of(int kernel_state);
/* The lab's name of a state: "CLOSED", "LISTEN"...; "?" for LAB_UNKNOWN. */
const char *lab_state_name(enum lab_state s);
/* RFC 9293's name of a state: "SYN-RECEIVED", "FIN-WAIT-1"...; "?" for LAB_UNKNOWN. */
const char *rfc_state_name(enum lab_state s);
/* Call fn for each arrow of the table, in table order. */
void for_each_arrow(void (*fn)(const struct arrow *a, void *data), void *data);
/* The state the table spells name; LAB_UNKNOWN if none. */
enum lab_state lab_state_named(const char *name);
/* The lab's name for a state name spelled by the table, or NULL if none. */
const char *known_state(const char *name);
/* The arrow FROM -> TO of the diagram, or NULL. */
const struct arrow *find_arrow(enum lab_state from, enum lab_state to);

#endif /* TRACER_TABLE_H */
