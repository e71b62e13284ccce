// SPDX-License-Identifier: MIT
/* btfsum FILE: print the checksum kernel.c compares a kernel's BTF by (make runs it). */
#include <inttypes.h>
#include <stdio.h>

#include "btfsum.h"

int main(int argc, char **argv)
{
	uint64_t sum;

	if (argc != 2) {
		fprintf(stderr, "usage: btfsum FILE\n");
		return 2;
	}
	sum = btfsum_of(argv[1]);
	if (sum == 0) {
		perror(argv[1]);
		return 1;
	}
	printf("%" PRIu64 "\n", sum);
	return 0;
}
