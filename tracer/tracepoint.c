// SPDX-License-Identifier: MIT
/*
 * The tracepoint sock/inet_sock_set_state, read through a private tracefs
 * instance "tcpwatch-PID" with libtracefs and parsed with libtraceevent.
 * The instance uses the monotonic clock and does not overwrite: when its
 * buffer is full the kernel counts the events it drops, and we report them.
 */
#include <sys/mount.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <ctype.h>
#include <fcntl.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event-parse.h>
#include <kbuffer.h>
#include <tracefs.h>

#include "mem.h"
#include "tracepoint.h"

#define TRACEFS_DIR "/sys/kernel/tracing"
#define INSTANCE_PREFIX "tcpwatch-"
#define BUFFER_KB 4096 /* per CPU: room for 50k events, 0.1 s at 500k/s on one CPU */

#define MAX_CPUS 1024
#define SUBBUF_KB "64"
#define FIRST_ROUND 4096 /* a round's events (10 ms) before the array grows */

/* Where a field lies in a record: libtraceevent reads the format, we the bytes. */
struct field {
	unsigned offset, size;
};

struct tracepoint {
	struct tracefs_instance *instance;
	struct tep_handle *tep;
	struct tep_event *event;
	struct field type, flags, pid, skaddr, old, new, sport, dport, family, protocol, saddr, daddr,
		saddr6, daddr6;
	/* One reader per CPU, open for the whole run: a read is one system call. */
	struct tracefs_cpu *cpu[MAX_CPUS];
	int fd[MAX_CPUS];	/* its trace_pipe_raw, -1 if none */
	int ncpu;
	int subbuf;		/* bytes a read can return */
	struct kbuffer *kbuf;
	void *page;
	/* A round's events, CPU after CPU; each CPU's run is in time order. */
	struct tcp_event *round;
	size_t nround, cap;
	size_t run_start[MAX_CPUS], run_end[MAX_CPUS];
	unsigned long long missed; /* as the pages report it */
};

/* An unsigned field of 1, 2, 4 or 8 bytes, in this machine's byte order. */
static uint64_t number(const void *data, struct field f)
{
	const uint8_t *p = (const uint8_t *)data + f.offset;
	uint64_t v64;
	uint32_t v32;
	uint16_t v16;

	switch (f.size) {
	case 1:
		return *p;
	case 2:
		memcpy(&v16, p, 2);
		return v16;
	case 4:
		memcpy(&v32, p, 4);
		return v32;
	default:
		memcpy(&v64, p, 8);
		return v64;
	}
}

static void bytes(const void *data, struct field f, uint8_t *out, size_t n)
{
	memcpy(out, (const uint8_t *)data + f.offset, f.size < n ? f.size : n);
}

/* A record of our event about TCP into out; 0 if it is neither. */
static int decode(const struct tracepoint *tp, const void *data, unsigned long long ts, struct tcp_event *out)
{
	unsigned flags;

	if (number(data, tp->type) != (uint64_t)tp->event->id || number(data, tp->protocol) != IPPROTO_TCP)
		return 0;
	memset(out, 0, sizeof(*out));
	out->ns = ts;
	out->sk = number(data, tp->skaddr);
	out->old_state = (int)number(data, tp->old);
	out->new_state = (int)number(data, tp->new);
	out->family = (int)number(data, tp->family);
	out->pid = (int)number(data, tp->pid);
	flags = (unsigned)number(data, tp->flags);
	out->in_irq = (flags & (TRACE_FLAG_HARDIRQ | TRACE_FLAG_SOFTIRQ)) != 0;
	out->sport = (uint16_t)number(data, tp->sport);
	out->dport = (uint16_t)number(data, tp->dport);
	if (out->family == AF_INET6) {
		bytes(data, tp->saddr6, out->saddr, sizeof(out->saddr));
		bytes(data, tp->daddr6, out->daddr, sizeof(out->daddr));
	} else {
		bytes(data, tp->saddr, out->saddr, 4);
		bytes(data, tp->daddr, out->daddr, 4);
	}
	return 1;
}

static int keep(struct tracepoint *tp, const struct tcp_event *ev)
{
	if (tp->nround == tp->cap) {
		size_t cap = tp->cap * 2;
		struct tcp_event *more = mem_resize(tp->round, tp->cap * sizeof(*more), cap * sizeof(*more));

		if (more == NULL)
			return -1;
		tp->round = more;
		tp->cap = cap;
	}
	tp->round[tp->nround++] = *ev;
	return 0;
}

/* Every page CPU cpu has for us now, decoded into the round. */
static int read_cpu(struct tracepoint *tp, int cpu)
{
	while (tracefs_cpu_read(tp->cpu[cpu], tp->page, true) > 0) {
		unsigned long long ts;
		int missed;

		if (kbuffer_load_subbuffer(tp->kbuf, tp->page) < 0)
			return -1;
		missed = kbuffer_missed_events(tp->kbuf);
		if (missed)
			tp->missed += missed > 0 ? (unsigned long long)missed : 1;
		for (void *data = kbuffer_read_event(tp->kbuf, &ts); data != NULL;
		     data = kbuffer_next_event(tp->kbuf, &ts)) {
			struct tcp_event ev;

			if (decode(tp, data, ts, &ev) && keep(tp, &ev) < 0)
				return -1;
		}
	}
	return 0;
}

static int find_fields(struct tracepoint *tp)
{
	struct {
		struct field *slot;
		const char *name;
		int common;
	} want[] = {
		{ &tp->type, "common_type", 1 }, { &tp->flags, "common_flags", 1 },
		{ &tp->pid, "common_pid", 1 }, { &tp->skaddr, "skaddr", 0 },
		{ &tp->old, "oldstate", 0 }, { &tp->new, "newstate", 0 },
		{ &tp->sport, "sport", 0 }, { &tp->dport, "dport", 0 },
		{ &tp->family, "family", 0 }, { &tp->protocol, "protocol", 0 },
		{ &tp->saddr, "saddr", 0 }, { &tp->daddr, "daddr", 0 },
		{ &tp->saddr6, "saddr_v6", 0 }, { &tp->daddr6, "daddr_v6", 0 },
	};

	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		struct tep_format_field *f = want[i].common ? tep_find_common_field(tp->event, want[i].name)
							    : tep_find_field(tp->event, want[i].name);

		if (f == NULL || f->size <= 0 || f->offset < 0)
			return -1;
		want[i].slot->offset = (unsigned)f->offset;
		want[i].slot->size = (unsigned)f->size;
	}
	return 0;
}

static int pid_is_tcpwatch(long pid)
{
	char path[64], comm[32] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/comm", pid);
	f = fopen(path, "r");
	if (f == NULL)
		return 0;
	if (fgets(comm, sizeof(comm), f) == NULL)
		comm[0] = '\0';
	fclose(f);
	return strncmp(comm, "tcpwatch", 8) == 0;
}

static int remove_if_stale(const char *name, void *count)
{
	const char *digits = name + strlen(INSTANCE_PREFIX);
	struct tracefs_instance *inst;
	char *end;
	long pid;

	if (strncmp(name, INSTANCE_PREFIX, strlen(INSTANCE_PREFIX)) != 0 || !isdigit((unsigned char)*digits))
		return 0;
	pid = strtol(digits, &end, 10);
	if (*end != '\0' || pid_is_tcpwatch(pid))
		return 0;
	inst = tracefs_instance_alloc(NULL, name);
	if (inst == NULL)
		return 0;
	if (tracefs_instance_destroy(inst) == 0)
		++*(int *)count;
	tracefs_instance_free(inst);
	return 0;
}

int tracepoint_remove_stale(void)
{
	int count = 0;

	tracefs_instances_walk(remove_if_stale, &count);
	return count;
}

/*
 * Sub-buffers of SUBBUF_KB where the kernel can (Linux 6.8): a read takes
 * 16 times more events than a page.  Their size in bytes, as the kernel has it.
 */
static int subbuf_bytes(struct tracepoint *tp)
{
	long long kb = 0;

	if (tracefs_instance_file_write(tp->instance, "buffer_subbuf_size_kb", SUBBUF_KB) < 0 ||
	    tracefs_instance_file_read_number(tp->instance, "buffer_subbuf_size_kb", &kb) < 0 || kb <= 0)
		return getpagesize();
	return (int)kb * 1024;
}

static int setup_instance(struct tracepoint *tp, char *err, size_t errlen)
{
	char name[64];

	snprintf(name, sizeof(name), INSTANCE_PREFIX "%ld", (long)getpid());
	tp->instance = tracefs_instance_create(name);
	if (tp->instance == NULL) {
		snprintf(err, errlen, "cannot create tracefs instance %s: %s", name, strerror(errno));
		return -1;
	}
	/* buffer_percent 0: poll() wakes on the first event, not when half full */
	if (tracefs_instance_file_write(tp->instance, "trace_clock", "mono") < 0 ||
	    tracefs_instance_file_write(tp->instance, "options/overwrite", "0") < 0 ||
	    tracefs_instance_file_write(tp->instance, "buffer_percent", "0") < 0) {
		snprintf(err, errlen, "cannot set up tracefs instance %s", name);
		return -1;
	}
	tp->subbuf = subbuf_bytes(tp);
	tracefs_instance_set_buffer_size(tp->instance, BUFFER_KB, -1);
	if (tracefs_instance_file_write(tp->instance, "events/sock/inet_sock_set_state/enable", "1") < 0) {
		snprintf(err, errlen, "cannot enable sock/inet_sock_set_state in %s", name);
		return -1;
	}
	return 0;
}

/*
 * The ring buffer's page header and our one event's format, and nothing
 * else: tracefs_local_events() would also parse /proc/kallsyms, most of
 * a 200 ms start, for names we never print.
 */
static int load_format(struct tracepoint *tp, char *err, size_t errlen)
{
	char *header = NULL, *format = NULL;
	int size = 0, fsize = 0;

	tp->tep = tep_alloc();
	if (tp->tep != NULL) {
		tep_set_long_size(tp->tep, (int)sizeof(long));
		tep_set_page_size(tp->tep, getpagesize());
		header = tracefs_instance_file_read(NULL, "events/header_page", &size);
	}
	if (header != NULL)
		format = tracefs_event_file_read(NULL, "sock", "inet_sock_set_state", "format", &fsize);
	if (format != NULL && tep_parse_header_page(tp->tep, header, (unsigned long)size, (int)sizeof(long)) == 0 &&
	    tep_parse_event(tp->tep, format, (size_t)fsize, "sock") == TEP_ERRNO__SUCCESS)
		tp->event = tep_find_event_by_name(tp->tep, "sock", "inet_sock_set_state");
	free(header);
	free(format);
	if (tp->event == NULL) {
		snprintf(err, errlen, "this kernel has no tracepoint sock/inet_sock_set_state");
		return -1;
	}
	if (find_fields(tp) < 0) {
		snprintf(err, errlen, "sock/inet_sock_set_state lacks a field tcpwatch reads");
		return -1;
	}
	return 0;
}

static int open_readers(struct tracepoint *tp, char *err, size_t errlen)
{
	int size = tp->subbuf;

	tp->ncpu = (int)sysconf(_SC_NPROCESSORS_CONF);
	if (tp->ncpu > MAX_CPUS)
		tp->ncpu = MAX_CPUS;
	for (int cpu = 0; cpu < tp->ncpu; cpu++) {
		char file[64], *path;

		snprintf(file, sizeof(file), "per_cpu/cpu%d/trace_pipe_raw", cpu);
		path = tracefs_instance_get_file(tp->instance, file);
		tp->fd[cpu] = path ? open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC) : -1;
		tracefs_put_tracing_file(path);
		if (tp->fd[cpu] >= 0)
			tp->cpu[cpu] = tracefs_cpu_alloc_fd(tp->fd[cpu], size, true);
	}
	tp->kbuf = tep_kbuffer(tp->tep);
	tp->page = malloc((size_t)size);
	tp->cap = FIRST_ROUND;
	tp->round = mem_new(tp->cap * sizeof(*tp->round));
	if (tp->kbuf == NULL || tp->page == NULL || tp->round == NULL) {
		snprintf(err, errlen, "cannot read the trace buffer of %s", tracefs_instance_get_name(tp->instance));
		return -1;
	}
	return 0;
}

/*
 * tracefs at its usual place, mounted if need be: inside `ip netns exec`
 * /sys is a fresh sysfs without it (that mount stays in that mount namespace).
 */
static int ensure_tracefs(void)
{
	const char *dir = NULL;

	if (access(TRACEFS_DIR "/events", F_OK) == 0)
		return 0;
	if (mount("nodev", TRACEFS_DIR, "tracefs", 0, NULL) == 0)
		return 0;
	return tracefs_tracing_dir_is_mounted(true, &dir) && dir != NULL ? 0 : -1;
}

struct tracepoint *tracepoint_open(char *err, size_t errlen)
{
	struct tracepoint *tp;

	if (ensure_tracefs() < 0) {
		snprintf(err, errlen, "tracefs is not mounted and cannot be (mount -t tracefs nodev /sys/kernel/tracing)");
		return NULL;
	}
	tp = calloc(1, sizeof(*tp));
	if (tp == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	tracepoint_remove_stale();
	if (load_format(tp, err, errlen) < 0 || setup_instance(tp, err, errlen) < 0 ||
	    open_readers(tp, err, errlen) < 0) {
		tracepoint_close(tp);
		return NULL;
	}
	return tp;
}

/* Every CPU's run of the round to fn, merged into one time order. */
static void merge_runs(struct tracepoint *tp, tracepoint_fn *fn, void *ctx)
{
	int active[MAX_CPUS], n = 0;

	for (int cpu = 0; cpu < tp->ncpu; cpu++)
		if (tp->run_start[cpu] < tp->run_end[cpu])
			active[n++] = cpu;
	while (n > 0) {
		int best = 0;

		for (int k = 1; k < n; k++)
			if (tp->round[tp->run_start[active[k]]].ns < tp->round[tp->run_start[active[best]]].ns)
				best = k;
		fn(&tp->round[tp->run_start[active[best]]++], ctx);
		if (tp->run_start[active[best]] == tp->run_end[active[best]])
			active[best] = active[--n];
	}
}

int tracepoint_drain(struct tracepoint *tp, tracepoint_fn *fn, void *ctx)
{
	int status = 0;

	tp->nround = 0;
	for (int cpu = 0; cpu < tp->ncpu; cpu++) {
		tp->run_start[cpu] = tp->nround;
		if (tp->cpu[cpu] != NULL && read_cpu(tp, cpu) < 0)
			status = -1;
		tp->run_end[cpu] = tp->nround;
	}
	merge_runs(tp, fn, ctx);
	return status;
}

int tracepoint_pollfds(const struct tracepoint *tp, struct pollfd *out, int max)
{
	int n = 0;

	for (int cpu = 0; cpu < tp->ncpu && n < max; cpu++)
		if (tp->fd[cpu] >= 0)
			out[n++] = (struct pollfd){ .fd = tp->fd[cpu], .events = POLLIN };
	return n;
}

/* Sum "NAME: N" over the per-CPU stats files of the instance. */
static unsigned long long stat_sum(struct tracepoint *tp, const char *name)
{
	unsigned long long sum = 0;
	long ncpu = sysconf(_SC_NPROCESSORS_CONF);
	size_t namelen = strlen(name);

	for (long cpu = 0; cpu < ncpu; cpu++) {
		char file[64], *text, *line;

		snprintf(file, sizeof(file), "per_cpu/cpu%ld/stats", cpu);
		text = tracefs_instance_file_read(tp->instance, file, NULL);
		if (text == NULL)
			continue;
		for (line = text; line != NULL; line = strchr(line, '\n')) {
			line += *line == '\n';
			if (strncmp(line, name, namelen) == 0 && line[namelen] == ':')
				sum += strtoull(line + namelen + 1, NULL, 10);
		}
		free(text);
	}
	return sum;
}

unsigned long long tracepoint_lost(struct tracepoint *tp)
{
	unsigned long long kernel = stat_sum(tp, "overrun") + stat_sum(tp, "dropped events");

	return kernel > tp->missed ? kernel : tp->missed;
}

void tracepoint_close(struct tracepoint *tp)
{
	if (tp == NULL)
		return;
	for (int cpu = 0; cpu < tp->ncpu; cpu++) {
		if (tp->cpu[cpu] != NULL)
			tracefs_cpu_free_fd(tp->cpu[cpu]);
		if (tp->fd[cpu] >= 0)
			close(tp->fd[cpu]);
	}
	if (tp->kbuf != NULL)
		kbuffer_free(tp->kbuf);
	free(tp->page);
	mem_free(tp->round, tp->cap * sizeof(*tp->round));
	if (tp->instance != NULL) {
		tracefs_instance_destroy(tp->instance);
		tracefs_instance_free(tp->instance);
	}
	tep_free(tp->tep);
	free(tp);
}
