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

int netns_socket(const char *name, int domain, int type, int protocol, char *err, size_t errlen)
{
	char path[300];
	int self, target, fd, saved;

	if (name == NULL || *name == '\0') {
		fd = socket(domain, type, protocol);
		if (fd < 0)
			snprintf(err, errlen, "socket: %s", strerror(errno));
		return fd;
	}
	snprintf(path, sizeof(path), "/run/netns/%s", name);
	target = open(path, O_RDONLY | O_CLOEXEC);
	if (target < 0) {
		snprintf(err, errlen, "no network namespace '%s' (%s: %s)", name, path, strerror(errno));
		return -1;
	}
	self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (self < 0 || setns(target, CLONE_NEWNET) < 0) {
		snprintf(err, errlen, "cannot enter namespace '%s': %s", name, strerror(errno));
		close(target);
		if (self >= 0)
			close(self);
		return -1;
	}
	fd = socket(domain, type, protocol);
	saved = errno;
	if (setns(self, CLONE_NEWNET) < 0) {
		snprintf(err, errlen, "cannot come back from namespace '%s': %s", name, strerror(errno));
		if (fd >= 0)
			close(fd);
		fd = -1;
	} else if (fd < 0) {
		snprintf(err, errlen, "socket in namespace '%s': %s", name, strerror(saved));
	}
	close(self);
	close(target);
	return fd;
}
