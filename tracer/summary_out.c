// SPDX-License-Identifier: MIT
/* The summary's output: once a second at most, so plain stdio will do. */
#define _GNU_SOURCE /* open_memstream */
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "render.h"
#include "summary_out.h"

#define CLEAR "\033[H\033[2J"

static void sock_ends(const struct report_sock *r, char *local, char *remote, size_t len)
{
	render_endpoint(r->family, r->local, r->lport, local, len);
	render_endpoint(r->family, r->remote, r->rport, remote, len);
}

/* "12.3 s", "4m05s", "3h02m": an age as people read it. */
static const char *age_text(uint64_t ns, char *out, size_t len)
{
	double s = (double)ns / 1e9;
	unsigned long whole = (unsigned long)s;

	if (s < 60)
		snprintf(out, len, "%.1f s", s);
	else if (s < 3600)
		snprintf(out, len, "%lum%02lus", whole / 60, whole % 60);
	else
		snprintf(out, len, "%luh%02lum", whole / 3600, whole / 60 % 60);
	return out;
}

static void json_states(FILE *out, const unsigned *states)
{
	const char *sep = "";

	fputc('{', out);
	for (int st = 0; st < LAB_STATES; st++) {
		if (states[st] == 0)
			continue;
		fprintf(out, "%s\"%s\":%u", sep, lab_state_name(st), states[st]);
		sep = ",";
	}
	fputc('}', out);
}

static void json_holder(FILE *out, const struct report_holder *h)
{
	if (h->pid == 0) {
		fputs("\"pid\":null,\"comm\":null,\"fd\":null", out);
		return;
	}
	fprintf(out, "\"pid\":%d,\"comm\":", h->pid);
	render_json_string(out, h->comm);
	fprintf(out, ",\"fd\":%d", h->fd);
}

/* "state":…,"age_s":…,"age_exact":…,"local":…,"remote":…,"pid":…,"comm":…,"fd":… */
static void json_sock(FILE *out, const struct report_sock *r)
{
	char local[64], remote[64];

	sock_ends(r, local, remote, sizeof(local));
	fprintf(out, "\"state\":\"%s\",\"age_s\":%.3f,\"age_exact\":%s,\"local\":\"%s\",\"remote\":\"%s\",",
		lab_state_name(r->state), (double)r->age_ns / 1e9, r->exact ? "true" : "false", local, remote);
	json_holder(out, &r->holder);
}

static void json_owners(FILE *out, const struct ns_report *r)
{
	unsigned none = 0;

	fputs(",\"owners\":[", out);
	for (size_t i = 0; i < r->nowners; i++) {
		fprintf(out, "%s{\"pid\":%d,\"comm\":", i ? "," : "", r->owner[i].pid);
		render_json_string(out, r->owner[i].comm);
		fputs(",\"states\":", out);
		json_states(out, r->owner[i].states);
		fputc('}', out);
	}
	for (int st = 0; st < LAB_STATES; st++)
		none += r->no_process[st];
	if (none) {
		fprintf(out, "%s{\"pid\":null,\"comm\":null,\"states\":", r->nowners ? "," : "");
		json_states(out, r->no_process);
		fputc('}', out);
	}
	fputc(']', out);
}

static void json_oldest(FILE *out, const struct ns_report *r)
{
	const char *sep = "";

	fputs(",\"oldest\":{", out);
	for (int st = 0; st < LAB_STATES; st++) {
		if (!r->has_oldest[st])
			continue;
		fprintf(out, "%s\"%s\":{", sep, lab_state_name(st));
		json_sock(out, &r->oldest[st]);
		fputc('}', out);
		sep = ",";
	}
	fputc('}', out);
}

static void json_rates(FILE *out, const struct ns_report *r)
{
	fputs(",\"rates\":{", out);
	for (int st = 0; st < LAB_STATES; st++) {
		fprintf(out, "%s\"%s\":", st ? "," : "", lab_state_name(st));
		if (r->interval_s > 0)
			fprintf(out, "%.3f", (double)r->entered[st] / r->interval_s);
		else
			fputs("null", out);
	}
	fputc('}', out);
}

static int hist_empty(const uint32_t *b)
{
	for (int i = 0; i < HIST_BUCKETS; i++)
		if (b[i])
			return 0;
	return 1;
}

/* Bucket i holds [2^i, 2^(i+1)) us; the first from 0. */
static unsigned long long bucket_from(int i)
{
	return i == 0 ? 0 : 1ull << i;
}

static void json_histograms(FILE *out, const struct ns_report *r)
{
	const char *sep = "";

	fputs(",\"histograms\":{", out);
	for (int st = 0; st < LAB_STATES && r->interval_s > 0; st++) {
		const char *bsep = "";

		if (hist_empty(r->hist[st]))
			continue;
		fprintf(out, "%s\"%s\":{\"unit\":\"us\",\"buckets\":[", sep, lab_state_name(st));
		for (int i = 0; i < HIST_BUCKETS; i++) {
			if (r->hist[st][i] == 0)
				continue;
			fprintf(out, "%s{\"from\":%llu,\"to\":%llu,\"count\":%u}", bsep, bucket_from(i),
				(1ull << (i + 1)) - 1, r->hist[st][i]);
			bsep = ",";
		}
		fputs("]}", out);
		sep = ",";
	}
	fputc('}', out);
}

static void summary_json(FILE *out, const struct ns_report *r)
{
	fprintf(out, "{\"event\":\"summary\",\"time\":%.3f,\"netns\":", r->time);
	render_json_string(out, r->netns);
	if (r->netns_pid) {
		fprintf(out, ",\"netns_pid\":%d,\"netns_comm\":", r->netns_pid);
		render_json_string(out, r->netns_comm);
	}
	fputs(",\"interval_s\":", out);
	if (r->interval_s > 0)
		fprintf(out, "%.3f", r->interval_s);
	else
		fputs("null", out);
	fputs(",\"states\":", out);
	json_states(out, r->states);
	json_owners(out, r);
	json_oldest(out, r);
	json_rates(out, r);
	json_histograms(out, r);
	fputs("}\n", out);
}

static void text_owner_row(FILE *out, const char *who, const unsigned *states)
{
	fprintf(out, "  %-24s", who);
	for (int st = 0; st < LAB_STATES; st++)
		if (states[st])
			fprintf(out, " %s %u", lab_state_name(st), states[st]);
	fputc('\n', out);
}

static void text_states(FILE *out, const struct ns_report *r)
{
	fprintf(out, "%-12s %7s %7s  %-10s  %s\n", "STATE", "SOCKETS", "IN/S", "OLDEST", "LOCAL -> REMOTE  OWNER");
	for (int st = 0; st < LAB_STATES; st++) {
		const struct report_sock *o = &r->oldest[st];
		char rate[32] = "-", age[32], oldest[40], local[64], remote[64], who[48] = "no process";

		if (r->states[st] == 0 && r->entered[st] == 0)
			continue;
		if (r->interval_s > 0)
			snprintf(rate, sizeof(rate), "%.1f", (double)r->entered[st] / r->interval_s);
		fprintf(out, "%-12s %7u %7s  ", lab_state_name(st), r->states[st], rate);
		if (!r->has_oldest[st]) {
			fputs("-\n", out);
			continue;
		}
		sock_ends(o, local, remote, sizeof(local));
		if (o->holder.pid)
			snprintf(who, sizeof(who), "%s %d fd %d", o->holder.comm, o->holder.pid, o->holder.fd);
		snprintf(oldest, sizeof(oldest), "%s%s", o->exact ? "" : ">= ", age_text(o->age_ns, age, sizeof(age)));
		fprintf(out, "%-10s  %s -> %s  %s\n", oldest, local, remote, who);
	}
}

static void text_histograms(FILE *out, const struct ns_report *r)
{
	int any = 0;

	for (int st = 0; st < LAB_STATES && r->interval_s > 0; st++) {
		if (hist_empty(r->hist[st]))
			continue;
		if (!any++)
			fputs("time in the states left (us):\n", out);
		fprintf(out, "  %-12s", lab_state_name(st));
		for (int i = 0; i < HIST_BUCKETS; i++)
			if (r->hist[st][i])
				fprintf(out, " %llu-%llu: %u", bucket_from(i), (1ull << (i + 1)) - 1, r->hist[st][i]);
		fputc('\n', out);
	}
}

static void summary_text(FILE *out, const struct ns_report *r)
{
	time_t t = (time_t)r->time;
	struct tm tm;
	char when[32], who[48];
	unsigned total = 0, none = 0;

	localtime_r(&t, &tm);
	strftime(when, sizeof(when), "%H:%M:%S", &tm);
	for (int st = 0; st < LAB_STATES; st++) {
		total += r->states[st];
		none += r->no_process[st];
	}
	fprintf(out, "%s", r->netns);
	if (r->netns_pid)
		fprintf(out, " (pid %d %s)", r->netns_pid, r->netns_comm);
	fprintf(out, " at %s: %u TCP socket(s)\n", when, total);
	text_states(out, r);
	if (r->nowners || none)
		fputs("owners:\n", out);
	for (size_t i = 0; i < r->nowners; i++) {
		snprintf(who, sizeof(who), "%s %d", r->owner[i].comm, r->owner[i].pid);
		text_owner_row(out, who, r->owner[i].states);
	}
	if (none)
		text_owner_row(out, "(no process)", r->no_process);
	text_histograms(out, r);
	fputc('\n', out);
}

void report_summary(FILE *out, int json, const struct ns_report *r)
{
	if (json)
		summary_json(out, r);
	else
		summary_text(out, r);
}

void report_leak(FILE *out, int json, double wall, const char *netns, const struct report_sock *r, int over,
		 int new_state)
{
	char local[64], remote[64], age[32];

	if (json) {
		fprintf(out, "{\"event\":\"%s\",\"time\":%.3f,\"netns\":", over ? "leak_end" : "leak", wall);
		render_json_string(out, netns);
		fputc(',', out);
		json_sock(out, r);
		if (over)
			fprintf(out, ",\"new\":%s%s%s", new_state < 0 ? "" : "\"",
				new_state < 0 ? "null" : lab_state_name(new_state), new_state < 0 ? "" : "\"");
		fputs("}\n", out);
		return;
	}
	sock_ends(r, local, remote, sizeof(local));
	fprintf(out, "%s %s %s%s  %s -> %s  in %s", over ? "leak over:" : "leak:", lab_state_name(r->state),
		r->exact ? "" : ">= ", age_text(r->age_ns, age, sizeof(age)), local, remote, netns);
	if (r->holder.pid)
		fprintf(out, "  held by %s %d fd %d", r->holder.comm, r->holder.pid, r->holder.fd);
	if (over)
		fprintf(out, "  now %s", new_state < 0 ? "gone" : lab_state_name(new_state));
	fputc('\n', out);
}

void report_clear(FILE *out)
{
	fputs(CLEAR, out);
}

enum { PROM_SOCKETS, PROM_ENTRIES, PROM_DURATION };

static const char *const prom_header[] = {
	"# HELP tcp_sockets TCP sockets by namespace, state and owner (the comm of the first process holding it; \"\" for none)\n"
	"# TYPE tcp_sockets gauge\n",
	"# HELP tcp_state_entries_total Entries into each TCP state since tcpwatch started\n"
	"# TYPE tcp_state_entries_total counter\n",
	"# HELP tcp_state_duration_seconds Time spent in a TCP state, told when it is left\n"
	"# TYPE tcp_state_duration_seconds histogram\n",
};

/* A label value: backslash, double quote and newline escaped. */
static void prom_value(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			fputc('\\', out);
		if (*s == '\n')
			fputs("\\n", out);
		else
			fputc(*s, out);
	}
	fputc('"', out);
}

int prom_begin(struct prom *p)
{
	for (int i = 0; i < 3; i++) {
		p->text[i] = NULL;
		p->family[i] = open_memstream(&p->text[i], &p->len[i]);
		if (p->family[i] == NULL)
			return -1;
	}
	return 0;
}

static void prom_sockets(FILE *out, const char *netns, const char *comm, const unsigned *states)
{
	for (int st = 0; st < LAB_STATES; st++) {
		if (states[st] == 0)
			continue;
		fputs("tcp_sockets{netns=", out);
		prom_value(out, netns);
		fprintf(out, ",state=\"%s\",comm=", lab_state_name(st));
		prom_value(out, comm);
		fprintf(out, "} %u\n", states[st]);
	}
}

/* Buckets of 16 times the last: le = 2 us, 32 us, ... of the log2 ones, summed up to there. */
static void prom_histogram(FILE *out, const char *netns, int st, const uint64_t *hist, double seconds)
{
	uint64_t count = 0;

	for (int i = 0; i < HIST_BUCKETS; i++) {
		count += hist[i];
		if (i % 4 != 0)
			continue;
		fputs("tcp_state_duration_seconds_bucket{netns=", out);
		prom_value(out, netns);
		fprintf(out, ",state=\"%s\",le=\"%g\"} %llu\n", lab_state_name(st), (double)(1ull << (i + 1)) / 1e6,
			(unsigned long long)count);
	}
	fputs("tcp_state_duration_seconds_bucket{netns=", out);
	prom_value(out, netns);
	fprintf(out, ",state=\"%s\",le=\"+Inf\"} %llu\n", lab_state_name(st), (unsigned long long)count);
	fputs("tcp_state_duration_seconds_sum{netns=", out);
	prom_value(out, netns);
	fprintf(out, ",state=\"%s\"} %.9f\n", lab_state_name(st), seconds);
	fputs("tcp_state_duration_seconds_count{netns=", out);
	prom_value(out, netns);
	fprintf(out, ",state=\"%s\"} %llu\n", lab_state_name(st), (unsigned long long)count);
}

void prom_add(struct prom *p, const struct ns_report *r)
{
	for (size_t i = 0; i < r->ncomms; i++)
		prom_sockets(p->family[PROM_SOCKETS], r->netns, r->by_comm[i].comm, r->by_comm[i].states);
	prom_sockets(p->family[PROM_SOCKETS], r->netns, "", r->no_process);
	for (int st = 0; st < LAB_STATES; st++) {
		fputs("tcp_state_entries_total{netns=", p->family[PROM_ENTRIES]);
		prom_value(p->family[PROM_ENTRIES], r->netns);
		fprintf(p->family[PROM_ENTRIES], ",state=\"%s\"} %llu\n", lab_state_name(st),
			(unsigned long long)r->entered_total[st]);
		prom_histogram(p->family[PROM_DURATION], r->netns, st, r->hist_total[st], r->seconds_total[st]);
	}
}

int prom_write(struct prom *p, const char *path)
{
	char tmp[4096];
	FILE *f;
	int failed = 0;

	for (int i = 0; i < 3; i++)
		failed |= fclose(p->family[i]) != 0;
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		failed = 1;
	f = failed ? NULL : fopen(tmp, "we");
	if (f != NULL) {
		for (int i = 0; i < 3; i++) {
			fputs(prom_header[i], f);
			fwrite(p->text[i], 1, p->len[i], f);
		}
		failed = fclose(f) != 0 || rename(tmp, path) != 0;
		if (failed)
			unlink(tmp);
	}
	for (int i = 0; i < 3; i++)
		free(p->text[i]);
	return f == NULL || failed ? -1 : 0;
}
