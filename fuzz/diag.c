// SPDX-License-Identifier: MIT
/* libFuzzer: the reader of sock_diag's netlink replies. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* the reply as recv() leaves it: in a buffer of its own, aligned */
	void *buf = malloc(size ? size : 1);

	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	(void)diag_reply_state(buf, size);
	free(buf);
	return 0;
}
