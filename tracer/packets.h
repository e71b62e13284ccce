/* SPDX-License-Identifier: MIT */
/*
 * The segments on the wire of the watched namespaces (AF_PACKET, TCP only),
 * with the time each was seen on the same clock as the tracepoint's.
 */
#ifndef TRACER_PACKETS_H
#define TRACER_PACKETS_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

enum { TCP_FL_FIN = 0x01, TCP_FL_SYN = 0x02, TCP_FL_RST = 0x04, TCP_FL_ACK = 0x10 };

struct packet {
	uint64_t ns;		/* CLOCK_MONOTONIC */
	int family;
	uint8_t src[16], dst[16];
	uint16_t sport, dport;	/* host order */
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t len;		/* payload bytes */
	int where;		/* which watched namespace */
	uint8_t booked;		/* rfc.c's: already handed to its receiver, ahead of its time */
};

/*
 * An Ethernet frame of n bytes (lo has a zero header) carrying TCP over IPv4
 * or IPv6, into p's ends, numbers, flags and length; -1 if it is none or is
 * cut short.  Nothing in it is trusted.
 */
int packet_parse(const uint8_t *frame, size_t n, struct packet *p);

struct capture;

typedef void packet_fn(const struct packet *p, void *ctx);

/*
 * Capture in each of the n namespaces (names[i], "" for our own) the TCP
 * segments of family (0: both) from or to port (-1: any), filtered in the
 * kernel; NULL and err.
 */
struct capture *capture_open(const char *const *names, int n, int family, int port, char *err, size_t errlen);
/* Hand every segment received so far to fn. */
void capture_read(struct capture *c, packet_fn *fn, void *ctx);
/* Up to max descriptors to poll() for new segments (a block handed over); how many. */
int capture_pollfds(const struct capture *c, struct pollfd *out, int max);
/* Segments the kernel could not queue for us. */
unsigned long long capture_drops(struct capture *c);
void capture_close(struct capture *c);

#endif /* TRACER_PACKETS_H */
