// SPDX-License-Identifier: MIT
/*
 * The owners of sockets: holders handed in by a walk of every process's
 * descriptors (the kernel's iterator, or /proc), then sorted by inode.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "owners.h"

static int grow(void **p, size_t *cap, size_t n, size_t size)
{
	size_t want = *cap ? *cap * 2 : 256;
	void *q;

	if (n < *cap)
		return 0;
	q = realloc(*p, want * size);
	if (q == NULL)
		return -1;
	*p = q;
	*cap = want;
	return 0;
}

/* The inode of "socket:[INODE]"; 0 for any other link. */
static uint32_t socket_inode(const char *link)
{
	uint64_t v = 0;
	const char *p = link + 8;

	if (strncmp(link, "socket:[", 8) != 0)
		return 0;
	for (; *p >= '0' && *p <= '9' && v <= UINT32_MAX; p++)
		v = v * 10 + (uint64_t)(*p - '0');
	return p > link + 8 && p[0] == ']' && p[1] == '\0' && v <= UINT32_MAX ? (uint32_t)v : 0;
}

void proc_comm(int pid, char *comm, size_t len)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	snprintf(comm, len, "?");
	f = fopen(path, "re");
	if (f == NULL)
		return;
	if (fgets(comm, (int)len, f) != NULL)
		comm[strcspn(comm, "\n")] = '\0';
	fclose(f);
	for (char *c = comm; *c; c++) /* a name is the program's to choose: no control bytes on our screen */
		if ((unsigned char)*c < 0x20 || (unsigned char)*c == 0x7f)
			*c = '?';
}

static int by_inode(const void *a, const void *b)
{
	const struct holder *x = a, *y = b;

	if (x->inode != y->inode)
		return x->inode < y->inode ? -1 : 1;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return (x->fd > y->fd) - (x->fd < y->fd);
}

void owners_begin(struct owners *o)
{
	o->nholders = 0;
	o->nprocs = 0;
}

int owners_add(struct owners *o, uint32_t inode, int pid, int fd)
{
	if (grow((void **)&o->holder, &o->holders_cap, o->nholders, sizeof(*o->holder)) < 0)
		return -1;
	o->holder[o->nholders++] = (struct holder){ inode, pid, fd, 0 };
	if (o->nprocs > 0 && o->proc[o->nprocs - 1].pid == pid)
		return 0; /* a process's descriptors come one after another */
	if (grow((void **)&o->proc, &o->procs_cap, o->nprocs, sizeof(*o->proc)) < 0)
		return -1;
	o->proc[o->nprocs++].pid = pid;
	return 0;
}

static int by_pid(const void *a, const void *b)
{
	const struct owner_proc *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

/* The process of pid, which is there. */
static unsigned proc_of(const struct owners *o, int pid)
{
	size_t lo = 0, hi = o->nprocs;

	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (o->proc[mid].pid <= pid)
			lo = mid;
		else
			hi = mid;
	}
	return (unsigned)lo;
}

void owners_end(struct owners *o)
{
	size_t kept = 0;

	if (o->nholders == 0)
		return; /* none (and no arrays yet, maybe) */
	/* once each, by pid (a thread with descriptors of its own comes apart from its leader), and named */
	qsort(o->proc, o->nprocs, sizeof(*o->proc), by_pid);
	for (size_t i = 0; i < o->nprocs; i++)
		if (kept == 0 || o->proc[kept - 1].pid != o->proc[i].pid)
			o->proc[kept++] = o->proc[i];
	o->nprocs = kept;
	for (size_t i = 0; i < o->nprocs; i++)
		proc_comm(o->proc[i].pid, o->proc[i].comm, sizeof(o->proc[i].comm));
	for (size_t i = 0; i < o->nholders; i++)
		o->holder[i].proc = proc_of(o, o->holder[i].pid);
	qsort(o->holder, o->nholders, sizeof(*o->holder), by_inode);
}

/* The socket descriptors of process pid; -1 when memory is short (a process gone is none). */
static int scan_process(struct owners *o, int pid)
{
	char path[64], link[64];
	struct dirent *d;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/fd", pid);
	dir = opendir(path);
	if (dir == NULL)
		return 0; /* gone, or a kernel thread's */
	while ((d = readdir(dir)) != NULL) {
		ssize_t n = readlinkat(dirfd(dir), d->d_name, link, sizeof(link) - 1);
		uint32_t inode;

		if (n <= 0)
			continue;
		link[n] = '\0';
		inode = socket_inode(link);
		if (inode != 0 && owners_add(o, inode, pid, atoi(d->d_name)) < 0) {
			closedir(dir);
			return -1;
		}
	}
	closedir(dir);
	return 0;
}

int owners_scan(struct owners *o)
{
	DIR *dir = opendir("/proc");
	struct dirent *d;

	if (dir == NULL)
		return -1;
	owners_begin(o);
	while ((d = readdir(dir)) != NULL) {
		int pid = atoi(d->d_name);

		if (pid > 0 && scan_process(o, pid) < 0) {
			closedir(dir);
			errno = ENOMEM;
			return -1;
		}
	}
	closedir(dir);
	owners_end(o);
	return 0;
}

size_t owners_of(const struct owners *o, uint32_t inode, const struct holder **first)
{
	size_t lo = 0, hi = o->nholders, n = 0;

	if (inode == 0)
		return 0;
	while (lo < hi) { /* the first holder whose inode is not below */
		size_t mid = lo + (hi - lo) / 2;

		if (o->holder[mid].inode < inode)
			lo = mid + 1;
		else
			hi = mid;
	}
	*first = o->holder + lo;
	while (lo + n < o->nholders && o->holder[lo + n].inode == inode)
		n++;
	return n;
}

void owners_free(struct owners *o)
{
	free(o->holder);
	free(o->proc);
	memset(o, 0, sizeof(*o));
}
