// SPDX-License-Identifier: MIT
/* Print the lab's one table of states and arrows for scripts to read. */
#include <stdio.h>

#include "../common/tcp_table.h"
#include "table.h"

/* NAME KERNEL_NUMBER SS_NAME RFC_NAME, tab-separated, in diagram order. */
void print_states(FILE *out)
{
#define PRINT_STATE(name, num, ss, rfc) \
	fprintf(out, "%s\t%d\t%s\t%s\n", #name, num, ss, rfc);
	TCP_STATES(PRINT_STATE)
#undef PRINT_STATE
}

/* FROM TO EVENT ACTION END REACHABLE, tab-separated, in diagram order. */
void print_arrows(FILE *out)
{
#define PRINT_ARROW(from, to, event, action, end, reachable) \
	fprintf(out, "%s\t%s\t%s\t%s\t%s\t%s\n", #from, #to, event, action, end, \
		reachable ? "yes" : "no");
	TCP_ARROWS(PRINT_ARROW)
#undef PRINT_ARROW
}
