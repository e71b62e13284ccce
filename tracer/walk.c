// SPDX-License-Identifier: MIT
/*
 * The summary's walks through walk.bpf.c: each read is one run of an
 * iterator, made afresh (an iterator is read once); the socket walk's is
 * made inside the namespace to walk, since the kernel's TCP iterator
 * walks its maker's.
 */
#include <sys/ioctl.h>

#include <errno.h>
#include <linux/sockios.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "netns.h"
#include "tcpwatch.h"
#include "walk.h"
/* bpftool embeds the BPF object as one long string: not ours to shorten. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverlength-strings"
#include "walk.skel.h"
#pragma GCC diagnostic pop

struct walk {
	struct walk_bpf *skel;
	uint8_t *buf;		/* what the last run wrote */
	size_t cap;
};

struct walk *walk_open(char *err, size_t errlen)
{
	struct walk *w = calloc(1, sizeof(*w));

	if (w == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	w->skel = walk_bpf__open_and_load();
	if (w->skel == NULL || walk_bpf__attach(w->skel) < 0) {
		snprintf(err, errlen, "BPF: loading the summary's iterators (iter/tcp, iter/task_file): %s",
			 strerror(errno));
		walk_close(w);
		return NULL;
	}
	return w;
}

/* All that a run of iterator fd writes, into w->buf; its length, or -1 (errno). */
static ssize_t read_run(struct walk *w, int fd)
{
	size_t n = 0;

	for (;;) {
		ssize_t got;

		if (n == w->cap) {
			size_t cap = w->cap ? w->cap * 2 : 1u << 16;
			uint8_t *more = realloc(w->buf, cap);

			if (more == NULL) {
				errno = ENOMEM;
				return -1;
			}
			w->buf = more;
			w->cap = cap;
		}
		got = read(fd, w->buf + n, w->cap - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return got < 0 ? -1 : (ssize_t)n;
		n += (size_t)got;
	}
}

/* The run of iterator fd (-1: none made), read whole and closed; its length, or -1 (errno). */
static ssize_t read_walk(struct walk *w, int fd)
{
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read_run(w, fd);
	close(fd);
	return n;
}

static int make_socket_walk(void *ctx)
{
	const struct walk *w = ctx;

	return bpf_iter_create(bpf_link__fd(w->skel->links.sockets));
}

static void sock_of(const struct bpf_socket *b, struct diag_sock *d)
{
	memset(d, 0, sizeof(*d));
	d->family = b->family;
	d->state = b->state;
	memcpy(d->local, b->local, sizeof(d->local));
	memcpy(d->remote, b->remote, sizeof(d->remote));
	d->lport = b->lport;
	d->rport = b->rport;
	d->inode = b->inode;
	d->expires_ms = b->expires_ms;
	d->last_heard_ms = b->last_heard_ms;
}

int walk_sockets(struct walk *w, int fd, diag_sock_fn *fn, void *ctx)
{
	int nsfd = ioctl(fd, SIOCGSKNS), iter, saved;
	ssize_t n;

	if (nsfd < 0)
		return -1;
	iter = netns_run(nsfd, make_socket_walk, w);
	saved = errno;
	close(nsfd);
	errno = saved;
	n = read_walk(w, iter);
	if (n < 0)
		return -1;
	for (size_t at = 0; at + sizeof(struct bpf_socket) <= (size_t)n; at += sizeof(struct bpf_socket)) {
		struct bpf_socket b;
		struct diag_sock d;

		memcpy(&b, w->buf + at, sizeof(b));
		sock_of(&b, &d);
		fn(&d, ctx);
	}
	return 0;
}

int walk_holders(struct walk *w, holder_fn *fn, void *ctx)
{
	ssize_t n;

	n = read_walk(w, bpf_iter_create(bpf_link__fd(w->skel->links.socket_holders)));
	if (n < 0)
		return -1;
	for (size_t at = 0; at + sizeof(struct bpf_holder) <= (size_t)n; at += sizeof(struct bpf_holder)) {
		struct bpf_holder h;

		memcpy(&h, w->buf + at, sizeof(h));
		if (fn(h.inode, (int)h.pid, (int)h.fd, ctx) < 0)
			return -1;
	}
	return 0;
}

void walk_close(struct walk *w)
{
	if (w == NULL)
		return;
	walk_bpf__destroy(w->skel);
	free(w->buf);
	free(w);
}
