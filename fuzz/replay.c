// SPDX-License-Identifier: MIT
/* libFuzzer: the reader of recorded runs (tcpwatch --diagram --replay FILE). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "replay.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct replay_event *evs = NULL;
	size_t n = 0;
	char why[512];
	FILE *f;

	if (size == 0)
		return 0; /* fmemopen wants at least a byte */
	f = fmemopen((void *)data, size, "r");
	if (f == NULL)
		return 0;
	if (replay_read(f, "fuzz.json", &evs, &n, why, sizeof(why)) == 0)
		free(evs);
	fclose(f);
	return 0;
}
