// SPDX-License-Identifier: MIT
/* Arrays straight from mmap, populated at once (MAP_POPULATE, MADV_POPULATE_WRITE). */
#define _GNU_SOURCE /* mremap */
#include <sys/mman.h>

#include <string.h>

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

#define CHUNK_BYTES (1u << 20)

struct pool_chunk {
	struct pool_chunk *next;
	unsigned char *next_obj;
};

/* A new chunk for p, its header at the front; -1 if there is no memory. */
static int pool_grow(struct pool *p)
{
	struct pool_chunk *c = mem_new(CHUNK_BYTES);
	size_t head = (sizeof(*c) + 15) & ~(size_t)15;

	if (c == NULL)
		return -1;
	c->next = p->chunks;
	c->next_obj = (unsigned char *)c + head;
	p->chunks = c;
	p->left = (CHUNK_BYTES - head) / p->size;
	return 0;
}

void *pool_get(struct pool *p)
{
	void *obj = p->free;

	if (obj != NULL) {
		p->free = *(void **)obj;
		memset(obj, 0, p->size);
		return obj;
	}
	if (p->left == 0 && pool_grow(p) < 0)
		return NULL;
	obj = p->chunks->next_obj; /* zero and present: mem_new's */
	p->chunks->next_obj += p->size;
	p->left--;
	return obj;
}

void pool_put(struct pool *p, void *obj)
{
	*(void **)obj = p->free;
	p->free = obj;
}

void pool_free(struct pool *p)
{
	while (p->chunks != NULL) {
		struct pool_chunk *c = p->chunks;

		p->chunks = c->next;
		mem_free(c, CHUNK_BYTES);
	}
	p->free = NULL;
	p->left = 0;
}
