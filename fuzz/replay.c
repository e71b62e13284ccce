// SPDX-License-Identifier: MIT
/* libFuzzer: the reader of recorded runs (tcpwatch --replay FILE) and the ladder drawn from them. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "ladder.h"
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
	if (replay_read(f, "fuzz.json", &evs, &n, why, sizeof(why)) == 0) {
		static FILE *null;

		if (null == NULL && (null = fopen("/dev/null", "w")) == NULL)
			abort();
		ladder_draw(evs, n, 0, null, why, sizeof(why));
		free(evs);
	}
	fclose(f);
	return 0;
}
