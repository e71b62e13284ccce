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

#define CAPTURE_SNAPLEN 128	/* the bytes of a segment kept: its headers; the filter cuts the rest */
/*
 * A block of the ring not yet full is handed over at most this long after
 * its first segment, when the kernel's timer runs on time: a watcher that
 * ends waits for the last segments until capture_pending says none are left.
 */
#define CAPTURE_RETIRE_MS 20

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
	uint64_t id;		/* the capture's number for it, from 1 */
};

/* A segment's frame as the kernel captured it; valid only during the call. */
struct frame {
	const uint8_t *bytes;
	uint32_t caplen, len;	/* the bytes here (at most CAPTURE_SNAPLEN), the frame's on the wire */
	uint64_t real_ns;	/* the kernel's stamp, CLOCK_REALTIME */
	int ifindex;		/* the interface, in its namespace */
};

/*
 * An Ethernet frame of n bytes (lo has a zero header) carrying TCP over IPv4
 * or IPv6, into p's ends, numbers, flags and length; -1 if it is none or is
 * cut short.  Nothing in it is trusted.
 */
int packet_parse(const uint8_t *frame, size_t n, struct packet *p);

struct capture;

typedef void packet_fn(const struct packet *p, const struct frame *f, void *ctx);

/*
 * Capture in each of the n namespaces (names[i], "" for our own) the TCP
 * segments of family (0: both) from or to port (-1: any), filtered in the
 * kernel; NULL and err.  The set-up goes on in the background (the kernel
 * takes its time over it): capture_ready waits for it.
 */
struct capture *capture_open(const char *const *names, int n, int family, int port, char *err, size_t errlen);
/* The set-up done: 0, or -1 and the first failure's cause in err (capture_close it then). */
int capture_ready(struct capture *c, char *err, size_t errlen);
/* Hand every segment received so far to fn. */
void capture_read(struct capture *c, packet_fn *fn, void *ctx);
/* 1 if a segment the kernel has taken is not read yet (some are, until it hands their block over). */
int capture_pending(const struct capture *c);
/*
 * The time (CLOCK_MONOTONIC) before which every segment the kernel took has
 * been read, as of the last capture_read: a late block holds it back.
 */
uint64_t capture_read_to(const struct capture *c);
/* Up to max descriptors to poll() for new segments (a block handed over); how many. */
int capture_pollfds(const struct capture *c, struct pollfd *out, int max);
/* The name of interface ifindex of watched namespace where into name; -1 if it is gone. */
int capture_ifname(const struct capture *c, int where, int ifindex, char *name, size_t len);
/* Segments the kernel could not queue for us. */
unsigned long long capture_drops(struct capture *c);
void capture_close(struct capture *c);

#endif /* TRACER_PACKETS_H */
