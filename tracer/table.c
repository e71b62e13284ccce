// SPDX-License-Identifier: MIT
/* The lab's one table of states and arrows, printed for scripts and looked up. */
#include <stdio.h>
#include <string.h>

#include "../common/lab.h"
#include "../common/tcp_table.h"
#include "table.h"

#define KERNEL_NEW_SYN_RECV 12 /* a request socket: SYN_RECV to the RFC */
#define TCP_SYN_RECV_NUMBER 3  /* the kernel's TCP_SYN_RECV */

static const struct arrow arrows[] = {
#define ARROW_ROW(from, to, event, action, end, reachable, drawn) \
	{ LAB_##from, LAB_##to, #from, #to, event, action, end, reachable, drawn },
	TCP_ARROWS(ARROW_ROW)
#undef ARROW_ROW
};

/* NAME KERNEL_NUMBER SS_NAME RFC_NAME, tab-separated, in diagram order. */
void print_states(FILE *out)
{
#define PRINT_STATE(name, num, ss, rfc) \
	fprintf(out, "%s\t%d\t%s\t%s\n", #name, num, ss, rfc);
	TCP_STATES(PRINT_STATE)
#undef PRINT_STATE
}

/* FROM TO EVENT ACTION END REACHABLE DRAWN, tab-separated, in diagram order. */
void print_arrows(FILE *out)
{
	for (size_t i = 0; i < sizeof(arrows) / sizeof(arrows[0]); i++) {
		const struct arrow *a = &arrows[i];

		fprintf(out, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", a->from, a->to, a->event,
			a->action, a->end, a->reachable ? "yes" : "no", a->drawn ? "yes" : "no");
	}
}

/* The one kernel-number-to-name function is the programs' (common/lab.c); a request socket is SYN_RECV. */
const char *state_name(int kernel_state)
{
	return tcp_state_name(kernel_state == KERNEL_NEW_SYN_RECV ? TCP_SYN_RECV_NUMBER : kernel_state);
}

enum lab_state lab_state_of(int kernel_state)
{
	if (kernel_state == KERNEL_NEW_SYN_RECV)
		return LAB_SYN_RECV;
#define STATE_OF(name, num, ss, rfc) \
	if (kernel_state == num)     \
		return LAB_##name;
	TCP_STATES(STATE_OF)
#undef STATE_OF
	return LAB_UNKNOWN;
}

const char *lab_state_name(enum lab_state s)
{
	static const char *const names[] = {
#define STATE_NAME(n, num, ss, rfc) #n,
		TCP_STATES(STATE_NAME)
#undef STATE_NAME
	};

	return s >= 0 && s < LAB_STATES ? names[s] : "?";
}

const char *rfc_state_name(enum lab_state s)
{
	static const char *const names[] = {
#define RFC_NAME(n, num, ss, rfc) rfc,
		TCP_STATES(RFC_NAME)
#undef RFC_NAME
	};

	return s >= 0 && s < LAB_STATES ? names[s] : "?";
}

const struct arrow *find_arrow(enum lab_state from, enum lab_state to)
{
	for (size_t i = 0; i < sizeof(arrows) / sizeof(arrows[0]); i++)
		if (arrows[i].from_state == from && arrows[i].to_state == to)
			return &arrows[i];
	return NULL;
}

void for_each_arrow(void (*fn)(const struct arrow *a, void *data), void *data)
{
	for (size_t i = 0; i < sizeof(arrows) / sizeof(arrows[0]); i++)
		fn(&arrows[i], data);
}

enum lab_state lab_state_named(const char *name)
{
	for (int s = 0; s < LAB_STATES; s++)
		if (strcmp(lab_state_name((enum lab_state)s), name) == 0)
			return (enum lab_state)s;
	return LAB_UNKNOWN;
}

const char *known_state(const char *name)
{
	enum lab_state s = lab_state_named(name);

	return s == LAB_UNKNOWN ? NULL : lab_state_name(s);
}
