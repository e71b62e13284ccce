/* SPDX-License-Identifier: MIT */
/*
 * Big zeroed arrays whose pages are all there from the start: a page first
 * touched under load is a fault, and on a virtual machine a fault costs
 * more than the work tcpwatch does for a whole connection.
 */
#ifndef TRACER_MEM_H
#define TRACER_MEM_H

#include <stddef.h>

/* bytes of zeroed memory, every page present; NULL if there is not enough. */
void *mem_new(size_t bytes);
/* p (of old bytes) made bytes long, new pages present too; NULL (p kept) on failure. */
void *mem_resize(void *p, size_t old, size_t bytes);
void mem_free(void *p, size_t bytes);

/*
 * Objects of one size, carved from such arrays and reused: no malloc and
 * no page fault per connection.  Zero it ({ .size = ... }) to start.
 */
struct pool {
	size_t size;		/* of one object; at least a pointer */
	void *free;		/* objects given back, each pointing at the next */
	struct pool_chunk *chunks;
	size_t left;		/* objects not yet carved from the newest chunk */
};

/* A zeroed object; NULL if there is no memory. */
void *pool_get(struct pool *p);
void pool_put(struct pool *p, void *obj);
/* Every chunk back to the system: every object of the pool is gone. */
void pool_free(struct pool *p);

#endif /* TRACER_MEM_H */
