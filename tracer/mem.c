// SPDX-License-Identifier: MIT
/* Arrays straight from mmap, populated at once (MAP_POPULATE, MADV_POPULATE_WRITE). */
#define _GNU_SOURCE /* mremap */
#include <sys/mman.h>

#include "mem.h"

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23 /* Linux 5.14 */
#endif

void *mem_new(size_t bytes)
{
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

void *mem_resize(void *p, size_t old, size_t bytes)
{
	char *q = mremap(p, old, bytes, MREMAP_MAYMOVE);

	if (q == MAP_FAILED)
		return NULL;
	/* an older kernel says no: the pages then come one fault at a time */
	if (bytes > old)
		(void)madvise(q + old, bytes - old, MADV_POPULATE_WRITE);
	return q;
}

void mem_free(void *p, size_t bytes)
{
	if (p != NULL)
		munmap(p, bytes);
}
