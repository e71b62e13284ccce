/* SPDX-License-Identifier: MIT */
/*
 * Socket diagnostics (netlink sock_diag): the one way to see the sockets the
 * tracepoint never reports -- timewait minisockets (TIME_WAIT, or FIN_WAIT2
 * after close()) and request sockets (a listener's SYN_RECV).
 */
#ifndef TRACER_DIAG_H
#define TRACER_DIAG_H

#include <stddef.h>
#include <stdint.h>

/* A sock_diag socket in namespace NAME ("" for ours); -1 and err. */
int diag_open(const char *name, char *err, size_t errlen);
/*
 * The kernel's state of the TCP socket local -> remote (addresses in network
 * order, 4 or 16 bytes by family; ports in host order): a minisocket reports
 * its substate (FIN_WAIT2 or TIME_WAIT); 0 when there is no such connection.
 */
int diag_state(int fd, int family, const uint8_t *local, uint16_t lport, const uint8_t *remote,
	       uint16_t rport);

/* The state a sock_diag reply of n bytes names (as diag_state); 0 for an error, none, or a short reply. */
int diag_reply_state(const void *buf, size_t n);

/* One socket of a dump, as the kernel keeps it. */
struct diag_sock {
	int family;
	int state;		/* kernel TCP_*: a minisocket's is its substate */
	uint8_t local[16], remote[16]; /* network order */
	uint16_t lport, rport;	/* host order */
	uint32_t inode;		/* its file's; 0 for none (orphans, minisockets, requests) */
	uint32_t uid;
	uint32_t expires_ms;	/* its timer's time left; 0: none running */
	int64_t last_heard_ms;	/* tcp_info's time since a segment last came in (ACK or data); -1: not told */
};

typedef void diag_sock_fn(const struct diag_sock *s, void *ctx);

/* Every TCP socket of family (AF_INET, AF_INET6) in fd's namespace, to fn, as ss lists them; -1 (errno). */
int diag_dump(int fd, int family, diag_sock_fn *fn, void *ctx);
/*
 * The sockets of one datagram of a dump's reply (n bytes), to fn: 1 when
 * more datagrams follow, 0 at the dump's end, -1 for an error reply or
 * one that is no dump's.
 */
int diag_dump_parse(const void *buf, size_t n, diag_sock_fn *fn, void *ctx);

#endif /* TRACER_DIAG_H */
