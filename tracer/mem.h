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

#endif /* TRACER_MEM_H */
