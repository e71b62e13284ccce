// SPDX-License-Identifier: MIT
/* libFuzzer: the readers of sock_diag's netlink replies, one lookup's and a dump's. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void count(const struct diag_sock *s, void *ctx)
{
	*(unsigned *)ctx += (unsigned)s->state;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* the reply as recv() leaves it: in a buffer of its own, aligned */
	void *buf = malloc(size ? size : 1);
	unsigned sum = 0;

	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	(void)diag_reply_state(buf, size);
	(void)diag_dump_parse(buf, size, count, &sum);
	free(buf);
	return 0;
}
