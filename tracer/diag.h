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

#endif /* TRACER_DIAG_H */
