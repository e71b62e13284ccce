/* SPDX-License-Identifier: MIT */
/* The summary as it is shown: a screen of text, or one JSON object per namespace; leak lines. */
#ifndef TRACER_SUMMARY_OUT_H
#define TRACER_SUMMARY_OUT_H

#include <stdint.h>
#include <stdio.h>

#include "table.h"

#define HIST_BUCKETS 40		/* log2 of microseconds: 1 us to 2^40 us (12 days) */

struct report_holder {
	int pid, fd;		/* pid 0: no process */
	char comm[16];
};

struct report_sock {
	int family;
	uint8_t local[16], remote[16];
	uint16_t lport, rport;
	int state;		/* enum lab_state */
	uint64_t age_ns;	/* in its state */
	int exact;		/* 0: at least age_ns (older than tcpwatch) */
	struct report_holder holder;
};

struct report_owner {
	int pid;
	const char *comm;
	unsigned states[LAB_STATES], total;
};

/* One namespace's interval. */
struct ns_report {
	double time;		/* wall clock, seconds since 1970 */
	const char *netns;
	int netns_pid;		/* a namespace without a name: a process in it; else 0 */
	char netns_comm[16];
	unsigned states[LAB_STATES];
	unsigned no_process[LAB_STATES]; /* sockets without an owner: orphans, minisockets, requests */
	struct report_owner *owner;	/* most sockets first */
	size_t nowners;
	struct report_sock oldest[LAB_STATES];
	int has_oldest[LAB_STATES];
	double interval_s;	/* since the last report; 0: the first (no rates, no histograms) */
	uint64_t entered[LAB_STATES];
	uint32_t (*hist)[HIST_BUCKETS]; /* time in the states left, per old state */
	/* for Prometheus: each socket once, under its first holder's comm; totals since the start */
	struct report_owner *by_comm;	/* comm and states only */
	size_t ncomms;
	const uint64_t *entered_total;
	uint64_t (*hist_total)[HIST_BUCKETS];
	const double *seconds_total;	/* time in the states left, summed */
};

/* The Prometheus text exposition of every namespace's report, one metric family after another. */
struct prom {
	FILE *family[3];
	char *text[3];
	size_t len[3];
};

void report_summary(FILE *out, int json, const struct ns_report *r);
/* A socket told as a leak (over: 0), or its end (over: 1; new_state LAB_UNKNOWN: it is gone). */
void report_leak(FILE *out, int json, double wall, const char *netns, const struct report_sock *r, int over,
		 int new_state);
int prom_begin(struct prom *p);
void prom_add(struct prom *p, const struct ns_report *r);
/* All of it into path, atomically (a file beside it, renamed); -1 (errno). */
int prom_write(struct prom *p, const char *path);

/* A terminal's screen, cleared for the next one. */
void report_clear(FILE *out);

#endif /* TRACER_SUMMARY_OUT_H */
