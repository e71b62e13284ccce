// SPDX-License-Identifier: MIT
/* The lab's one table of states and arrows, printed for scripts and looked up. */
#include <stdio.h>
#include <string.h>

#include "../common/tcp_table.h"
#include "table.h"

#define KERNEL_NEW_SYN_RECV 12 /* a request socket: SYN_RECV to the RFC */

static const struct arrow arrows[] = {
#define ARROW_ROW(from, to, event, action, end, reachable, drawn) \
	{ #from, #to, event, action, end, reachable, drawn },
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

const char *state_name(int kernel_state)
{
	if (kernel_state == KERNEL_NEW_SYN_RECV)
		return "SYN_RECV";
#define NAME_OF(name, num, ss, rfc) \
	if (kernel_state == num)    \
		return #name;
	TCP_STATES(NAME_OF)
#undef NAME_OF
	return "?";
}

const struct arrow *find_arrow(const char *from, const char *to)
{
	for (size_t i = 0; i < sizeof(arrows) / sizeof(arrows[0]); i++)
		if (strcmp(arrows[i].from, from) == 0 && strcmp(arrows[i].to, to) == 0)
			return &arrows[i];
	return NULL;
}

void for_each_arrow(void (*fn)(const struct arrow *a, void *data), void *data)
{
	for (size_t i = 0; i < sizeof(arrows) / sizeof(arrows[0]); i++)
		fn(&arrows[i], data);
}

const char *known_state(const char *name)
{
	static const char *const names[] = {
#define STATE_NAME(n, num, ss, rfc) #n,
		TCP_STATES(STATE_NAME)
#undef STATE_NAME
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(names[i], name) == 0)
			return names[i];
	return NULL;
}
