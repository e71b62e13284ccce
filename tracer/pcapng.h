/* SPDX-License-Identifier: MIT */
/*
 * --pcap FILE: the watched segments as pcapng, for Wireshark and tshark.
 * One interface block per namespace and interface, the kernel's own
 * nanosecond stamps, the headers as captured, and on each packet a comment
 * for each step it caused or was sent by (as tcpwatch tells the step) and
 * for its drop.  A packet is held until no step still to be told can name
 * it, then written, in time order.
 */
#ifndef TRACER_PCAPNG_H
#define TRACER_PCAPNG_H

#include <stddef.h>
#include <stdint.h>

#include "event.h"
#include "packets.h"

/* The name of interface ifindex of watched namespace where, into name; -1 if it is gone. */
typedef int pcap_ifname_fn(int where, int ifindex, char *name, size_t len, void *ctx);

struct pcap_config {
	const char *path;
	const char *const *netns;	/* each watched namespace's name, as the output names it (copied) */
	int nwhere;
	pcap_ifname_fn *ifname;
	void *ctx;
};

struct pcap;

/* The file made and its header written; NULL and err. */
struct pcap *pcap_open(const struct pcap_config *cfg, char *err, size_t errlen);
/* A segment as it was captured (p->id its number): held for its comments. */
void pcap_keep(struct pcap *pc, const struct packet *p, const struct frame *f);
/* Held segment id gets comment text. */
void pcap_comment(struct pcap *pc, uint64_t id, const char *text);
/* The kernel dropped, in watched namespace where, the segment ev names: the copy seen there gets a comment. */
void pcap_drop(struct pcap *pc, const struct tcp_event *ev, int where, const char *reason);
/* The segments in time order, as the steps are worked through: the order they are written in. */
void pcap_order(struct pcap *pc, const struct packet *p);
/* Write the ordered segments stamped before before_ns (UINT64_MAX: all); -1 on a write error (errno). */
int pcap_write(struct pcap *pc, uint64_t before_ns);
/* Segments left out of the file: too many were held at once. */
unsigned long long pcap_missed(const struct pcap *pc);
/* What is left written, the file closed; -1 on a write error (errno). */
int pcap_close(struct pcap *pc);

#endif /* TRACER_PCAPNG_H */
