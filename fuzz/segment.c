// SPDX-License-Identifier: MIT
/* libFuzzer: the parser of captured frames (Ethernet, IPv4 or IPv6, TCP). */
#include <stdint.h>
#include <string.h>

#include "packets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct packet p;

	memset(&p, 0, sizeof(p));
	(void)packet_parse(data, size, &p);
	return 0;
}
