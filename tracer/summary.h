/* SPDX-License-Identifier: MIT */
/*
 * The summary of the watched namespaces' sockets, for leaks and pile-ups:
 * each interval a walk of the kernel's table (a BPF iterator; --once: a
 * sock_diag dump) gives the kernel's own count of every state, the owners
 * (from the sockets' inodes, as ss -p finds them) and, from the RFC's steps seen since tcpwatch started, how long each socket
 * has been in its state, how many entered TIME_WAIT and SYN_RECV, and how
 * long the states left lasted.  A socket older than tcpwatch is given the
 * age the kernel's record proves at least (time since the peer's last
 * segment in CLOSE_WAIT and FIN_WAIT2, TIME_WAIT's timer), marked as not exact.
 */
#ifndef TRACER_SUMMARY_H
#define TRACER_SUMMARY_H

#include <stdint.h>
#include <stdio.h>

#include "diag.h"
#include "netns.h"
#include "rfc.h"

struct owners;
/* Who holds which socket, into o (owners_begin to owners_end): the sockets' inodes pick theirs; -1 (errno). */
typedef int summary_owners_fn(struct owners *o, void *ctx);

/* Every TCP socket of the namespace socket diag_fd is in, both families, to fn; -1 (errno). */
typedef int summary_sockets_fn(int diag_fd, diag_sock_fn *fn, void *fn_ctx, void *ctx);

typedef int summary_wanted_fn(void *ctx, int family, const uint8_t *local, uint16_t lport,
			      const uint8_t *remote, uint16_t rport);

struct summary_config {
	int nwhere;			/* watched namespaces */
	const int *diag_fd;		/* a sock_diag socket in each */
	const struct netns_entry *ns;	/* each: how it is named in the output, a process in it */
	int family;			/* AF_INET, AF_INET6; 0: both */
	summary_wanted_fn *wanted;	/* the -p/-a filters */
	void *wanted_ctx;
	summary_sockets_fn *sockets;	/* NULL: a sock_diag dump of each family */
	void *sockets_ctx;
	summary_owners_fn *owners;	/* NULL: every process's descriptors in /proc */
	void *owners_ctx;
	int json;			/* one object per namespace and interval; else text */
	int screen;			/* text on a terminal: redraw in place */
	int show;			/* --summary: the summaries; else only --leaks lines */
	double leak_s;			/* --leaks: CLOSE_WAIT or FIN_WAIT2 this long; 0: none */
	const char *prometheus;		/* --prometheus FILE; NULL: none */
	FILE *out;
};

struct summary;

struct summary *summary_new(const struct summary_config *cfg);
void summary_free(struct summary *s);
/* An RFC step: the socket's state and since when, exactly. */
void summary_step(struct summary *s, const struct rfc_step *st);
/*
 * Dump every namespace, bring the table up to date, print what is due;
 * -1 (errno) when a dump fails, -2 (errno) when the Prometheus file cannot be written.
 */
int summary_tick(struct summary *s, uint64_t now_ns);

#endif /* TRACER_SUMMARY_H */
