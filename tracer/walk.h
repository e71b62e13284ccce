/* SPDX-License-Identifier: MIT */
/*
 * The live summary's walks of the kernel's tables (walk.bpf.c, BPF
 * iterators): every TCP socket of a namespace, as a sock_diag dump tells
 * them but in one pass for both families, and who holds which of them.
 */
#ifndef TRACER_WALK_H
#define TRACER_WALK_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"

struct walk;

/* Load the iterators; NULL on failure, with the cause in err. */
struct walk *walk_open(char *err, size_t errlen);
/*
 * Every TCP socket of the namespace that socket fd is in, to fn, as
 * diag_dump gives them (but expires_ms: a minisocket's timer only; last_heard_ms:
 * CLOSE_WAIT and FIN_WAIT2 only); -1 (errno).
 */
int walk_sockets(struct walk *w, int fd, diag_sock_fn *fn, void *ctx);
typedef int holder_fn(uint32_t inode, int pid, int fd, void *ctx);
/*
 * Every descriptor of every process that is a socket (of any namespace,
 * family and type: the inodes walk_sockets gives pick the TCP ones),
 * to fn (which returns -1 to stop): who holds which socket.  -1 (errno) if
 * the walk fails, or fn's -1.
 */
int walk_holders(struct walk *w, holder_fn *fn, void *ctx);
void walk_close(struct walk *w);

#endif /* TRACER_WALK_H */
