// SPDX-License-Identifier: MIT
/*
 * A socket belongs to the namespace it was made in, for good: we step into
 * a namespace (setns), make the socket and step back at once.
 */
#define _GNU_SOURCE
#include <sys/socket.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "netns.h"

static unsigned long inode_of(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (unsigned long)st.st_ino : 0;
}

unsigned long netns_inode(const char *name)
{
	char path[300];

	snprintf(path, sizeof(path), "/run/netns/%s", name);
	return inode_of(path);
}

unsigned long netns_self_inode(void)
{
	return inode_of("/proc/self/ns/net");
}

void netns_name(unsigned long ino, char *out, size_t len)
{
	DIR *dir = opendir("/run/netns");
	struct dirent *d;

	snprintf(out, len, "net:[%lu]", ino);
	if (dir == NULL)
		return;
	while ((d = readdir(dir)) != NULL)
		if (d->d_name[0] != '.' && netns_inode(d->d_name) == ino) {
			snprintf(out, len, "%s", d->d_name);
			break;
		}
	closedir(dir);
}

int netns_run(int nsfd, int (*fn)(void *ctx), void *ctx)
{
	int self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC); /* this thread's: others may be elsewhere */
	int rc, saved;

	if (self < 0)
		return -1;
	if (setns(nsfd, CLONE_NEWNET) < 0) {
		saved = errno;
		close(self);
		errno = saved;
		return -1;
	}
	rc = fn(ctx);
	saved = errno;
	if (setns(self, CLONE_NEWNET) < 0)
		abort(); /* back to our own is always allowed: going on elsewhere would be worse */
	close(self);
	errno = saved;
	return rc;
}

struct made_socket {
	int domain, type, protocol;
};

static int make_socket(void *ctx)
{
	const struct made_socket *m = ctx;

	return socket(m->domain, m->type, m->protocol);
}

int netns_socket(const char *name, int domain, int type, int protocol, char *err, size_t errlen)
{
	struct made_socket m = { domain, type, protocol };
	char path[300];
	int target, fd;

	if (name == NULL || *name == '\0') {
		fd = socket(domain, type, protocol);
		if (fd < 0)
			snprintf(err, errlen, "socket: %s", strerror(errno));
		return fd;
	}
	if (name[0] == '/')
		snprintf(path, sizeof(path), "%s", name);
	else
		snprintf(path, sizeof(path), "/run/netns/%s", name);
	target = open(path, O_RDONLY | O_CLOEXEC);
	if (target < 0) {
		snprintf(err, errlen, "no network namespace '%s' (%s: %s)", name, path, strerror(errno));
		return -1;
	}
	errno = 0;
	fd = netns_run(target, make_socket, &m);
	if (fd < 0 && errno == 0)
		errno = EINVAL;
	if (fd < 0)
		snprintf(err, errlen, "socket in namespace '%s': %s", name, strerror(errno));
	close(target);
	return fd;
}

/* ns, if its inode is not yet in the list (n of max); how many then. */
static int add_ns(struct netns_entry *list, int n, int max, const struct netns_entry *ns)
{
	for (int i = 0; i < n; i++)
		if (list[i].inode == ns->inode)
			return n;
	if (n < max)
		list[n] = *ns;
	return n + 1;
}

int netns_list(struct netns_entry *list, int max)
{
	DIR *dir = opendir("/run/netns");
	struct dirent *d;
	int n = 0;

	while (dir != NULL && (d = readdir(dir)) != NULL) {
		struct netns_entry ns = { 0 };
		size_t len = strlen(d->d_name);

		if (d->d_name[0] == '.' || len >= sizeof(ns.name))
			continue;
		memcpy(ns.name, d->d_name, len + 1);
		snprintf(ns.path, sizeof(ns.path), "/run/netns/%s", ns.name);
		ns.inode = inode_of(ns.path);
		if (ns.inode)
			n = add_ns(list, n, max, &ns);
	}
	if (dir != NULL)
		closedir(dir);
	dir = opendir("/proc");
	if (dir == NULL)
		return n;
	while ((d = readdir(dir)) != NULL) {
		struct netns_entry ns = { 0 };
		int pid = atoi(d->d_name);

		if (pid <= 0)
			continue;
		snprintf(ns.path, sizeof(ns.path), "/proc/%d/ns/net", pid);
		ns.inode = inode_of(ns.path);
		if (ns.inode == 0)
			continue; /* gone, or a kernel thread's */
		ns.pid = pid;
		snprintf(ns.name, sizeof(ns.name), "net:[%lu]", ns.inode);
		n = add_ns(list, n, max, &ns);
	}
	closedir(dir);
	return n;
}
