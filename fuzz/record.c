// SPDX-License-Identifier: MIT
/* libFuzzer: the decoder of the BPF side's records. */
#include <stdint.h>

#include "record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tcp_event ev;

	(void)record_decode(data, size, &ev);
	return 0;
}
