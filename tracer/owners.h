/* SPDX-License-Identifier: MIT */
/*
 * Which processes hold which sockets, as ss -p finds them: every
 * /proc/PID/fd/N that is "socket:[INODE]" (or the same walked in the
 * kernel, walk_holders).  A socket held by several processes (a fork, a
 * passed descriptor) has a holder for each.
 */
#ifndef TRACER_OWNERS_H
#define TRACER_OWNERS_H

#include <stddef.h>
#include <stdint.h>

struct holder {
	uint32_t inode;
	int pid, fd;
	unsigned proc;		/* its process: owners.proc[proc] */
};

struct owner_proc {
	int pid;
	char comm[16];
};

struct owners {
	struct holder *holder;	/* sorted by inode, then pid and fd */
	size_t nholders, holders_cap;
	struct owner_proc *proc;	/* by pid */
	size_t nprocs, procs_cap;
};

/* A walk of the holders begins: none so far. */
void owners_begin(struct owners *o);
/* Process pid's descriptor fd holds socket inode; -1 when memory is short. */
int owners_add(struct owners *o, uint32_t inode, int pid, int fd);
/* The walk is over: the holders sorted, their processes named. */
void owners_end(struct owners *o);
/* Walk every process's descriptors in /proc; -1 (errno) when /proc cannot be read or memory is short. */
int owners_scan(struct owners *o);
/* The holders of inode, the first at *first (sorted by pid); how many (0: none, or inode 0). */
size_t owners_of(const struct owners *o, uint32_t inode, const struct holder **first);
void owners_free(struct owners *o);
/* The name of process pid ("?" when it is gone), control bytes shown as '?'. */
void proc_comm(int pid, char *comm, size_t len);

#endif /* TRACER_OWNERS_H */
