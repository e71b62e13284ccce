/* SPDX-License-Identifier: MIT */
/* Network namespaces by name (ip netns): their identity, and sockets made inside them. */
#ifndef TRACER_NETNS_H
#define TRACER_NETNS_H

#include <stddef.h>

/* The inode that names NAME's namespace (/run/netns/NAME), 0 if there is none. */
unsigned long netns_inode(const char *name);
/* The inode of the namespace of this process itself. */
unsigned long netns_self_inode(void);
/* How to name namespace ino: its ip netns name if it has one, else net:[INODE]. */
void netns_name(unsigned long ino, char *out, size_t len);
/*
 * fn(ctx) run in the namespace nsfd names, by this thread alone, which then
 * comes back to its own: fn's result, or -1 (errno) if it cannot go there.
 */
int netns_run(int nsfd, int (*fn)(void *ctx), void *ctx);
/*
 * socket(domain, type, protocol) made inside NAME ("" or NULL: our own; a
 * path, starting with '/', for a namespace without a name); -1 and err.
 */
int netns_socket(const char *name, int domain, int type, int protocol, char *err, size_t errlen);

/* A namespace of the host: by its ip netns name, or by a process in it. */
struct netns_entry {
	unsigned long inode;
	char name[64];		/* its ip netns name, else net:[INODE] */
	char path[80];		/* /run/netns/NAME or /proc/PID/ns/net */
	int pid;		/* without a name: the first process found in it; else 0 */
};

/* Every network namespace of the host, the named first, into list (max); how many there are. */
int netns_list(struct netns_entry *list, int max);

#endif /* TRACER_NETNS_H */
