// SPDX-License-Identifier: MIT
/* A small chained hash table keyed by the kernel's socket address. */
#include <stdlib.h>

#include "sockets.h"

#define BUCKETS 4096 /* a power of two */

struct entry {
	uint64_t sk;
	uint64_t since;
	struct entry *next;
};

struct sockets {
	struct entry *bucket[BUCKETS];
	unsigned long count;
};

static unsigned hash(uint64_t sk)
{
	return (unsigned)((sk >> 6) ^ (sk >> 18)) & (BUCKETS - 1);
}

struct sockets *sockets_new(void)
{
	return calloc(1, sizeof(struct sockets));
}

void sockets_free(struct sockets *s)
{
	if (s == NULL)
		return;
	for (unsigned i = 0; i < BUCKETS; i++) {
		struct entry *e = s->bucket[i], *next;

		for (; e != NULL; e = next) {
			next = e->next;
			free(e);
		}
	}
	free(s);
}

int64_t sockets_enter(struct sockets *s, uint64_t sk, uint64_t ns, int closed)
{
	struct entry **link = &s->bucket[hash(sk)], *e;
	int64_t spent;

	while (*link != NULL && (*link)->sk != sk)
		link = &(*link)->next;
	e = *link;
	if (e == NULL) {
		if (closed)
			return -1;
		e = malloc(sizeof(*e));
		if (e == NULL)
			return -1;
		*e = (struct entry){ .sk = sk, .since = ns, .next = NULL };
		*link = e;
		s->count++;
		return -1;
	}
	spent = (int64_t)(ns - e->since);
	e->since = ns;
	if (closed) {
		*link = e->next;
		free(e);
		s->count--;
	}
	return spent;
}

unsigned long sockets_count(const struct sockets *s)
{
	return s->count;
}
