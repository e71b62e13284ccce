// SPDX-License-Identifier: MIT
/*
 * tcpwatch: every TCP state change of the watched namespaces, live, as the
 * RFC's diagram names it, with the segments that caused and followed it.
 * Here: options, the read loop and the output; the sources are in
 * kernel.c (with tcpwatch.bpf.c), packets.c and diag.c, the RFC's view in rfc.c, the drawing in
 * diagram.c and view.c.  It also exports the one table of states and arrows
 * for scripts (--list-states/--list-arrows).
 */
#include <sys/prctl.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../common/lab.h"
#include "diag.h"
#include "kernel.h"
#include "ladder.h"
#include "netns.h"
#include "owners.h"
#include "packets.h"
#include "pcapng.h"
#include "render.h"
#include "rfc.h"
#include "table.h"
#include "screen.h"
#include "summary.h"
#include "view.h"
#include "walk.h"

#define DEFAULT_SERVER "192.168.100.100:32000"
#define DEFAULT_SERVER6 "[2001:db8::100]:32000" /* its twin, the server's end too by default */
#define POLL_NS 10000000L /* read the ring buffer every 10 ms at most */
#define IDLE_NS 1000000000ull /* and, idle, once a second at least */
#define MAX_NETNS 8
#define OUT_BUFFER (1 << 20)
#define ENDPOINT_CACHE 256
/*
 * --pcap: a segment is written once it is this old.  By then every step
 * that can name it is told: steps are told 0.1 s late, and a step names the
 * segment that caused it (stamped before it, or within the clocks' slack)
 * and the one it sent (at most 60 ms after it).
 */
#define PCAP_HOLD_NS 300000000ull
/*
 * At the end: the segments the kernel has taken are read before the last
 * round, however late its timer hands them over (each step of the wait
 * 5 ms, at most 2 s of them: a wire that never stops is cut there).
 */
#define LAST_WAIT_NS 5000000L
#define LAST_WAITS 400

enum { EXIT_LOST = 3 };

struct endpoint {
	int family;
	uint8_t addr[16];
	int any_addr; /* match the port only */
	uint16_t port;
};

struct options {
	enum render_mode mode;
	int diagram;		/* draw the diagram instead of lines */
	const char *replay;	/* --replay FILE */
	int to_end, force_colour, force_ascii;
	int kernel_only;	/* --kernel */
	int verbose;		/* -v: the Linux detail too */
	int segments;		/* --segments: every segment seen, too */
	int ladder;		/* --ladder: a --replay drawn as a sequence diagram */
	long conn;		/* --conn N: only the ladder of the N-th connection; 0: all */
	const char *ready;	/* --ready FILE: made once watching */
	const char *pcap;	/* --pcap FILE: the segments for Wireshark */
	const char *netns[MAX_NETNS]; /* --netns; none: our own */
	int nnetns;
	int all_netns;		/* --all-netns */
	long count;		/* 0: no limit */
	double duration;	/* seconds, 0: no limit */
	int family;		/* 0: both */
	int port;		/* -1: any */
	int have_addr;
	struct endpoint addr;	/* port unused */
	struct endpoint server; /* which end is the server's */
	struct endpoint server6; /* without --server: the IPv6 twin's too */
	int have_server;	/* --server given: only it */
	pid_t parent;		/* --parent: 0, the one at start */
	int summary;		/* --summary */
	int once;		/* --once: one summary from one dump, no BPF */
	double leak_s;		/* --leaks SECONDS; 0: none */
	const char *prometheus;	/* --prometheus FILE */
	double interval_s;	/* --interval: the summary's */
	int have_interval;
};

/*
 * Endpoints as text, by a hash of address and port: a connection's lines
 * repeat its ends.  One cache for local ends, one for remote: the two texts
 * of a line never share a slot.
 */
struct endpoint_cache {
	struct {
		int family;
		uint16_t port;
		uint8_t addr[16];
		char text[64];
	} slot[ENDPOINT_CACHE];
};

struct watch {
	const struct options *opt;
	struct view *view;	/* --diagram */
	struct rfc *rfc;
	struct capture *capture;
	struct kernel *kernel;	/* for the names of the kernel's reasons */
	struct summary *summary; /* --summary, --leaks: steps go there, not out */
	struct walk *walk;	/* a live summary's walks of the kernel's tables */
	struct pcap *pcap;	/* --pcap */
	uint64_t next_tick;	/* the summary's next dump */
	uint64_t start_ns;
	long printed;
	struct endpoint_cache local_text, remote_text;
	struct netns_entry *ns;	/* the watched namespaces: how each is named in the output */
	int nns;
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: tcpwatch [--netns NAME... | --all-netns] [-p PORT] [-a ADDR] [-4|-6]\n"
		"                [--server ADDR:PORT] [--json | --diagram] [--segments]\n"
		"                [-v | --kernel] [-c COUNT] [--duration SECONDS] [--parent PID]\n"
		"                [--pcap FILE] [--ready FILE]\n"
		"       tcpwatch --summary | --leaks S | --prometheus FILE (one or more)\n"
		"                [--once | --duration S] [--interval S]\n"
		"                [--json] [--netns NAME... | --all-netns] [-p PORT] [-a ADDR]\n"
		"                [-4|-6]\n"
		"       tcpwatch --diagram --replay FILE [--to-end] [--color] [--ascii]\n"
		"       tcpwatch --ladder --replay FILE [--conn N] > FILE.svg\n"
		"       tcpwatch --list-states | --list-arrows\n"
		"\n"
		"Print every TCP state change of the watched namespaces as RFC 9293's\n"
		"diagram names it, one line each, until interrupted:\n"
		"  TIME(ms) SIDE LOCAL -> REMOTE OLD -> NEW MS_IN_OLD TRIGGER / ACTION\n"
		"      in NETNS by TASK\n"
		"TRIGGER is the segment received that caused the step (rcv FIN, rcv ACK\n"
		"of SYN...) or the call or timer that did; ACTION the segment it sent\n"
		"(snd SYN,ACK...), 'x' for none.  NETNS is the socket's own namespace\n"
		"(its ip netns name, else net:[INODE]); TASK the program whose system\n"
		"call made the step (COMM PID), or 'the kernel' when a segment or a\n"
		"timer did (softirq).  Segments the kernel dropped (with its reason:\n"
		"NETFILTER_DROP for an iptables rule), sent again, and RSTs sent and\n"
		"received get lines of their own, in time order with the steps:\n"
		"  TIME(ms) SIDE dropped|resent|snd|rcv SEGMENT [#N] SRC -> DST [in STATE]\n"
		"      [: REASON]  in NETNS by TASK\n"
		"Each line comes 0.1 s late: tcpwatch\n"
		"waits for the segment a step sends.  A listener's SYN_RECV starts at the\n"
		"SYN; TIME_WAIT is followed to its end.\n"
		"\n");
	fprintf(out,
		"      --netns NAME       watch namespace NAME (ip netns); repeat for more\n"
		"                         (default: tcpwatch's own namespace)\n"
		"      --all-netns        every namespace of the host, named by its ip netns\n"
		"                         name or as net:[INODE] with a process in it (at most\n"
		"                         8 at once live; --once takes any number)\n"
		"  -p, --port PORT        only connections with PORT at either end\n"
		"  -a, --addr ADDR        only connections with ADDR at either end\n"
		"  -4, -6                 only IPv4 or only IPv6\n"
		"      --server ADDR:PORT the server's end, to tell SIDE (default %s\n"
		"                         and its twin %s; ADDR may be *)\n"
		"      --json             one JSON object per line: time, event (state),\n"
		"                         netns, pid and comm (null: the kernel), side,\n"
		"                         local, remote, old, new, ms, trigger, action;\n"
		"                         event drop, retransmit or reset: side, segment,\n"
		"                         src, dst, state, count, reason, direction, seq,\n"
		"                         ack; a step caused by a segment or sending one:\n"
		"                         cause_seq, sent_seq (that segment's seq)\n"
		"      --segments         also a line per segment seen, in time order:\n"
		"                         TIME SIDE seen FLAGS SRC -> DST seq S ack A len N\n"
		"                         (SIDE: the sender's; --json: event segment, seq,\n"
		"                         ack, len; each namespace that saw it tells it)\n",
		DEFAULT_SERVER, DEFAULT_SERVER6);
	fprintf(out,
		"      --pcap FILE        also write the segments seen to FILE as pcapng\n"
		"                         (Wireshark, tshark): an interface per namespace\n"
		"                         and interface, the kernel's stamps (ns), the\n"
		"                         headers; on each segment a comment for each step\n"
		"                         it caused or was sent by ('client SYN_SENT ->\n"
		"                         ESTABLISHED (rcv SYN,ACK / snd ACK)') and for its\n"
		"                         drop ('dropped: NETFILTER_DROP')\n"
		"      --diagram          draw the state diagram instead: the server's state\n"
		"                         blue [S], the client's red [C], the last arrow\n"
		"                         bold (plain: '*'); full-screen on a terminal of\n"
		"                         at least %dx%d, frame after frame otherwise\n"
		"      --replay FILE      with --diagram: redraw a recorded --json run, a\n"
		"                         key per step (no root needed); --to-end draws\n"
		"                         only the last frame\n"
		"      --ladder           with --replay: a recording made with --json\n"
		"                         --segments drawn as sequence diagrams in SVG on\n"
		"                         stdout, one per connection: the client's lifeline\n"
		"                         red on the left, the server's blue on the right,\n"
		"                         each state (RFC 9293's name) where it began, each\n"
		"                         segment an arrow with its flags, seq and ack from\n"
		"                         each end's SYN, drops crossed with the kernel's\n"
		"                         reason, retransmissions counted (no root needed)\n"
		"      --conn N           with --ladder: only the N-th connection\n"
		"      --color, --ascii   colours even off a terminal; ASCII lines only\n"
		"  -v, --verbose          also say what Linux did underneath (request and\n"
		"                         timewait minisockets, hand-overs)\n"
		"      --kernel           the kernel's own steps (sock/inet_sock_set_state)\n"
		"  -c, --count N          stop after N transitions\n"
		"      --duration S       stop after S seconds\n"
		"      --parent PID       end when process PID, the one starting it, does\n"
		"                         (so its death before we start counts too)\n"
		"      --ready FILE       make FILE (empty) once watching: a script waits\n"
		"                         for it before it starts what is to be seen\n"
		"      --summary, --leaks S, --prometheus FILE, --once, --interval S:\n"
		"                         see SUMMARY below\n"
		"      --list-states      the table's states: NAME, kernel number, ss and\n"
		"                         RFC 9293 spellings (tab-separated)\n"
		"      --list-arrows      the table's arrows: FROM, TO, event, action, usual\n"
		"                         end, reachable on Linux, drawn in the RFC figure\n"
		"  -h, --help             show this help\n"
		"\n",
		DIAGRAM_COLS, DIAGRAM_ROWS);
	fprintf(out,
		"SUMMARY\n"
		"      --summary          instead of the steps, each interval and namespace:\n"
		"                         its sockets by state (the kernel's count: its table\n"
		"                         walked by BPF; --once: sock_diag), by owner (pid and\n"
		"                         comm of each process holding one, as ss -p finds\n"
		"                         them; orphans and timewait sockets under 'no\n"
		"                         process'), the oldest in each state (age, ends,\n"
		"                         owner; '>=' when it is older than tcpwatch: the age\n"
		"                         the kernel's record proves), entries per second\n"
		"                         into each state and the time spent in the states\n"
		"                         left (log2 us); a screen on a terminal.  --json:\n"
		"                         an object per namespace, event summary: time,\n"
		"                         netns (netns_pid and netns_comm for one without a\n"
		"                         name), interval_s, states, owners, oldest, rates,\n"
		"                         histograms\n"
		"      --leaks S          a line for each socket S seconds or more in\n"
		"                         CLOSE_WAIT or FIN_WAIT2: state, age, ends, pid,\n"
		"                         comm, fd (--json: event leak), and one when it\n"
		"                         leaves (leak_end, new: its state then, null: gone)\n"
		"      --once             one dump, told, and exit (no BPF)\n"
		"      --interval S       the summary's interval (default 1 s)\n"
		"      --prometheus FILE  the summary in Prometheus' text format, written\n"
		"                         anew each interval (FILE.tmp, renamed): for\n"
		"                         node_exporter's textfile collector; gauge\n"
		"                         tcp_sockets{netns,state,comm} (each socket once,\n"
		"                         under its first holder's comm; \"\" for none),\n"
		"                         counter tcp_state_entries_total{netns,state},\n"
		"                         histogram tcp_state_duration_seconds{netns,state}\n"
		"\n"
		"Needs root (BPF).  Its programs are filtered in the kernel to the watched\n"
		"namespaces and filters, and go with the process, however it ends; it\n"
		"ends (as on SIGTERM) when the process that started it does.\n"
		"Colours (server blue, client red) only on a terminal and without NO_COLOR.\n"
		"Exit status: 0 done, 1 failed (the output could not be written, say), 2 bad\n"
		"usage (a --replay FILE that is no recording too), not root or no such\n"
		"namespace, 3 the kernel dropped steps or segments or skipped its programs,\n"
		"or --pcap had to leave segments out (said on stderr).\n"
		"\n"
		"EXAMPLES\n"
		"  sudo ./tcpwatch --netns tcplab -p 32000\n"
		"  sudo ./tcpwatch --netns tcplab --json -c 6 -p 32000 > run.json\n"
		"  sudo ./tcpwatch --netns tcplab --summary --leaks 60\n"
		"  ./tcpwatch --diagram --replay run.json\n"
		"  sudo ./tcpwatch --netns tcplab --json --segments -p 32000 > run.json\n"
		"  ./tcpwatch --ladder --replay run.json > run.svg\n"
		"  sudo ./tcpwatch --netns tcplab -p 32000 --pcap run.pcapng\n"
		"  ./tcpwatch --list-arrows | awk -F'\\t' '$6 == \"no\"'\n");
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ADDR (IPv4, IPv6 or *) into e; -1 if it is none of them. */
static int parse_end_addr(const char *s, struct endpoint *e)
{
	memset(e->addr, 0, sizeof(e->addr));
	e->any_addr = strcmp(s, "*") == 0;
	if (e->any_addr)
		return 0;
	if (inet_pton(AF_INET, s, e->addr) == 1) {
		e->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, e->addr) == 1) {
		e->family = AF_INET6;
		return 0;
	}
	return -1;
}

/* ADDR:PORT or [ADDR6]:PORT into e. */
static int parse_endpoint(const char *s, struct endpoint *e)
{
	char buf[80];
	char *colon, *host = buf;

	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	colon = strrchr(buf, ':');
	if (colon == NULL)
		return -1;
	*colon = '\0';
	if (*host == '[' && colon > host && colon[-1] == ']') {
		host++;
		colon[-1] = '\0';
	}
	return parse_end_addr(host, e) < 0 || parse_port(colon + 1, &e->port) < 0 ? -1 : 0;
}

/* Option's FILE: not empty. */
static const char *file_of(const char *option, const char *arg)
{
	if (*arg == '\0')
		errx(EXIT_USAGE, "%s: which file?", option);
	return arg;
}

static double parse_duration(const char *s)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !(v > 0) || v > 86400 * 365)
		return -1;
	return v;
}

static long parse_count(const char *s)
{
	char *end;
	long v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	return errno != 0 || *end != '\0' || v < 1 ? -1 : v;
}

static int addr_len(int family)
{
	return family == AF_INET6 ? 16 : 4;
}

/* Is addr (of family) e's address? */
static int addr_is(int family, const uint8_t *addr, const struct endpoint *e)
{
	return e->any_addr ||
	       (e->family == family && memcmp(addr, e->addr, (size_t)addr_len(e->family)) == 0);
}

/* Do the filters let a connection between a:ap and b:bp through? */
static int wanted(const struct options *opt, int family, const uint8_t *a, uint16_t ap,
		  const uint8_t *b, uint16_t bp)
{
	if (opt->family && family != opt->family)
		return 0;
	if (opt->port >= 0 && ap != opt->port && bp != opt->port)
		return 0;
	if (opt->have_addr && !addr_is(family, a, &opt->addr) && !addr_is(family, b, &opt->addr))
		return 0;
	return 1;
}

static int summary_wanted(void *ctx, int family, const uint8_t *local, uint16_t lport, const uint8_t *remote,
			  uint16_t rport)
{
	return wanted(ctx, family, local, lport, remote, rport);
}

static int is_server(const struct options *opt, int family, const uint8_t *addr, uint16_t port)
{
	const struct endpoint *srv = &opt->server, *twin = &opt->server6;

	return (port == srv->port && addr_is(family, addr, srv)) ||
	       (!opt->have_server && port == twin->port && addr_is(family, addr, twin));
}

/* Whose end local is: the server's, the client's (its peer is the server), or "-". */
static const char *side_of(const struct options *opt, int family, const uint8_t *local, uint16_t lport,
			   const uint8_t *remote, uint16_t rport)
{
	if (is_server(opt, family, local, lport))
		return "server";
	if (is_server(opt, family, remote, rport))
		return "client";
	return "-";
}

/* ADDR:PORT as text, from its cache. */
static const char *endpoint_text(struct endpoint_cache *cache, int family, const uint8_t *addr, uint16_t port)
{
	size_t n = (size_t)addr_len(family);
	unsigned h = port;

	for (size_t i = 0; i < n; i++)
		h = h * 31u + addr[i];
	h %= ENDPOINT_CACHE;
	if (cache->slot[h].family != family || cache->slot[h].port != port ||
	    memcmp(cache->slot[h].addr, addr, n) != 0) {
		cache->slot[h].family = family;
		cache->slot[h].port = port;
		memcpy(cache->slot[h].addr, addr, n);
		render_endpoint(family, addr, port, cache->slot[h].text, sizeof(cache->slot[h].text));
	}
	return cache->slot[h].text;
}

/* --pcap: the step named on the segments that caused it and that it sent. */
static void pcap_step(struct watch *w, const struct transition *t, const struct rfc_step *st)
{
	char text[256];

	snprintf(text, sizeof(text), "%s %s -> %s (%s / %s)", strcmp(t->side, "-") ? t->side : t->local,
		 t->old_state, t->new_state, t->trigger, t->action);
	if (st->cause)
		pcap_comment(w->pcap, st->cause->id, text);
	if (st->sent)
		pcap_comment(w->pcap, st->sent->id, text);
}

/* One RFC-level step, out as a line, a JSON object or a new frame of the diagram. */
static void on_step(const struct rfc_step *st, void *ctx)
{
	struct watch *w = ctx;
	const struct options *opt = w->opt;
	struct transition t;

	if (w->summary) {
		summary_step(w->summary, st);
		return;
	}
	if (opt->count && w->printed >= opt->count)
		return;
	t.time_ns = st->ns > w->start_ns ? st->ns - w->start_ns : 0;
	t.side = side_of(opt, st->family, st->local, st->lport, st->remote, st->rport);
	t.local = endpoint_text(&w->local_text, st->family, st->local, st->lport);
	t.remote = endpoint_text(&w->remote_text, st->family, st->remote, st->rport);
	t.old_state = st->old_state;
	t.new_state = st->new_state;
	t.ns_in_old = st->ns_in_old;
	t.trigger = st->trigger;
	t.action = st->action;
	t.detail = opt->verbose ? st->linux_detail : "";
	t.netns = w->ns[st->where].name;
	t.pid = st->pid;
	t.comm = st->comm;
	t.has_cause = st->cause != NULL;
	t.cause_seq = st->cause ? st->cause->seq : 0;
	t.has_sent = st->sent != NULL;
	t.sent_seq = st->sent ? st->sent->seq : 0;
	if (w->pcap)
		pcap_step(w, &t, st);
	if (w->view)
		view_step(w->view, t.side, t.old_state, t.new_state, (double)t.time_ns / 1e6);
	else
		render_transition(stdout, opt->mode, &t);
	w->printed++;
}

/*
 * A drop, a retransmission or a reset, as a line of its own.  A drop's ends
 * are the segment's src -> dst; the others' are the socket's, and the RST
 * it received came the other way.
 */
static void on_note(const struct tcp_event *ev, int where, void *ctx)
{
	static const char *const event[] = { "state", "drop", "retransmit", "reset", "reset" };
	static const char *const verb[] = { "", "dropped", "resent", "snd", "rcv" };
	struct watch *w = ctx;
	int in = ev->kind == KIND_RESET_RECEIVED;
	struct note n = {
		.time_ns = ev->ns > w->start_ns ? ev->ns - w->start_ns : 0,
		.event = event[ev->kind],
		.verb = verb[ev->kind],
		.side = side_of(w->opt, ev->family, ev->saddr, ev->sport, ev->daddr, ev->dport),
		.segment = ev->kind == KIND_RESET_SENT || in ? "RST" : flags_name(ev->seg.flags),
		.src = endpoint_text(&w->local_text, ev->family, in ? ev->daddr : ev->saddr, in ? ev->dport : ev->sport),
		.dst = endpoint_text(&w->remote_text, ev->family, in ? ev->saddr : ev->daddr, in ? ev->sport : ev->dport),
		.state = ev->seg.state ? state_name(ev->seg.state) : NULL,
		.count = ev->kind == KIND_RETRANSMIT ? ev->seg.count : 0,
		.seq = ev->seg.seq,
		.ack = ev->seg.ack,
		.len = -1,
		.netns = w->ns[where].name,
		.pid = ev->in_irq ? 0 : ev->pid,
		.comm = ev->in_irq ? NULL : ev->comm,
	};

	if (w->summary)
		return;
	if (ev->kind == KIND_DROP || ev->kind == KIND_RESET_SENT)
		n.reason = kernel_reason(w->kernel, ev->kind == KIND_RESET_SENT, ev->seg.reason);
	if (ev->kind == KIND_DROP && w->pcap)
		pcap_drop(w->pcap, ev, where, n.reason);
	if (!w->view)
		render_note(stdout, w->opt->mode, &n);
}

/* --segments: a segment of the wire as a line of its own. */
static void tell_segment(struct watch *w, const struct packet *p)
{
	struct note n = {
		.time_ns = p->ns > w->start_ns ? p->ns - w->start_ns : 0,
		.event = "segment",
		.verb = "seen",
		.side = side_of(w->opt, p->family, p->src, p->sport, p->dst, p->dport),
		.segment = flags_name(p->flags),
		.src = endpoint_text(&w->local_text, p->family, p->src, p->sport),
		.dst = endpoint_text(&w->remote_text, p->family, p->dst, p->dport),
		.seq = p->seq,
		.ack = p->ack,
		.len = p->len,
		.netns = w->ns[p->where].name,
	};

	render_note(stdout, w->opt->mode, &n); /* never with --diagram */
}

/* A segment of the wire, in time order with the steps: --segments' line, --pcap's order. */
static void on_segment(const struct packet *p, void *ctx)
{
	struct watch *w = ctx;

	if (w->pcap)
		pcap_order(w->pcap, p);
	if (w->opt->segments)
		tell_segment(w, p);
}

/* The kernel sent only what the filters let through. */
static void on_event(const struct tcp_event *ev, void *ctx)
{
	struct watch *w = ctx;

	rfc_kernel(w->rfc, ev);
}

static void on_packet(const struct packet *p, const struct frame *f, void *ctx)
{
	struct watch *w = ctx;

	if (!wanted(w->opt, p->family, p->src, p->sport, p->dst, p->dport))
		return;
	rfc_packet(w->rfc, p);
	if (w->pcap)
		pcap_keep(w->pcap, p, f);
}

static enum render_mode text_mode(void)
{
	const char *no_color = getenv("NO_COLOR");

	if (isatty(STDOUT_FILENO) && (no_color == NULL || *no_color == '\0'))
		return RENDER_COLOR;
	return RENDER_TEXT;
}

/* --summary, --leaks, --prometheus: a dump each interval, the steps kept to date it. */
static int summarising(const struct options *opt)
{
	return opt->summary || opt->leak_s > 0 || opt->prometheus;
}

/* --summary and --leaks: what goes with them. */
static void check_summary_options(const struct options *opt)
{
	if ((opt->once || opt->have_interval) && !summarising(opt))
		errx(EXIT_USAGE, "--once and --interval go with --summary, --leaks or --prometheus");
	if (!summarising(opt))
		return;
	if (opt->diagram)
		errx(EXIT_USAGE, "--diagram shows steps: not with --summary, --leaks or --prometheus");
	if (opt->count)
		errx(EXIT_USAGE, "--count counts steps: not with --summary, --leaks or --prometheus (--duration ends them)");
	if (opt->once && opt->duration > 0)
		errx(EXIT_USAGE, "--once and --duration exclude each other");
}

static void parse_options(int argc, char **argv, struct options *opt, int *list)
{
	static const struct option longopts[] = {
		{ "port", required_argument, NULL, 'p' },
		{ "addr", required_argument, NULL, 'a' },
		{ "server", required_argument, NULL, 'S' },
		{ "json", no_argument, NULL, 'j' },
		{ "diagram", no_argument, NULL, 'D' },
		{ "netns", required_argument, NULL, 'N' },
		{ "kernel", no_argument, NULL, 'K' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "segments", no_argument, NULL, 'G' },
		{ "ladder", no_argument, NULL, 'X' },
		{ "conn", required_argument, NULL, 'n' },
		{ "ready", required_argument, NULL, 'y' },
		{ "pcap", required_argument, NULL, 'w' },
		{ "replay", required_argument, NULL, 'R' },
		{ "to-end", no_argument, NULL, 'E' },
		{ "color", no_argument, NULL, 'C' },
		{ "ascii", no_argument, NULL, 'Z' },
		{ "count", required_argument, NULL, 'c' },
		{ "duration", required_argument, NULL, 'd' },
		{ "parent", required_argument, NULL, 'P' },
		{ "summary", no_argument, NULL, 's' },
		{ "once", no_argument, NULL, 'O' },
		{ "leaks", required_argument, NULL, 'l' },
		{ "interval", required_argument, NULL, 'i' },
		{ "prometheus", required_argument, NULL, 'M' },
		{ "all-netns", no_argument, NULL, 'W' },
		{ "list-states", no_argument, NULL, 'L' },
		{ "list-arrows", no_argument, NULL, 'A' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint16_t port;
	int c, json = 0;

	memset(opt, 0, sizeof(*opt));
	opt->port = -1;
	opt->interval_s = 1;
	parse_endpoint(DEFAULT_SERVER, &opt->server);
	parse_endpoint(DEFAULT_SERVER6, &opt->server6);
	*list = 0;
	while ((c = getopt_long(argc, argv, "p:a:c:46vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			if (parse_port(optarg, &port) < 0)
				errx(EXIT_USAGE, "bad port '%s': want 1-65535", optarg);
			opt->port = port;
			break;
		case 'a':
			if (parse_end_addr(optarg, &opt->addr) < 0 || opt->addr.any_addr)
				errx(EXIT_USAGE, "bad address '%s': want IPv4 or IPv6", optarg);
			opt->have_addr = 1;
			break;
		case 'S':
			if (parse_endpoint(optarg, &opt->server) < 0)
				errx(EXIT_USAGE, "bad server '%s': want ADDR:PORT, [ADDR6]:PORT or *:PORT", optarg);
			opt->have_server = 1;
			break;
		case '4':
		case '6':
			opt->family = c == '4' ? AF_INET : AF_INET6;
			break;
		case 'j':
			json = 1;
			break;
		case 'D':
			opt->diagram = 1;
			break;
		case 'N':
			if (opt->nnetns == MAX_NETNS)
				errx(EXIT_USAGE, "at most %d --netns", MAX_NETNS);
			if (*optarg == '\0' || strchr(optarg, '/') != NULL)
				errx(EXIT_USAGE, "bad namespace name '%s'", optarg);
			opt->netns[opt->nnetns++] = optarg;
			break;
		case 'K':
			opt->kernel_only = 1;
			break;
		case 'v':
			opt->verbose = 1;
			break;
		case 'G':
			opt->segments = 1;
			break;
		case 'X':
			opt->ladder = 1;
			break;
		case 'y':
			opt->ready = file_of("--ready", optarg);
			break;
		case 'w':
			opt->pcap = file_of("--pcap", optarg);
			break;
		case 'n':
			opt->conn = parse_count(optarg);
			if (opt->conn <= 0)
				errx(EXIT_USAGE, "--conn: '%s' is not a connection number (1, 2, ...)", optarg);
			break;
		case 'R':
			opt->replay = optarg;
			break;
		case 'E':
			opt->to_end = 1;
			break;
		case 'C':
			opt->force_colour = 1;
			break;
		case 'Z':
			opt->force_ascii = 1;
			break;
		case 'c':
			opt->count = parse_count(optarg);
			if (opt->count < 0)
				errx(EXIT_USAGE, "bad count '%s': want a whole number from 1", optarg);
			break;
		case 'd':
			opt->duration = parse_duration(optarg);
			if (opt->duration < 0)
				errx(EXIT_USAGE, "bad duration '%s': want seconds above 0", optarg);
			break;
		case 'P': {
			long pid = parse_count(optarg);

			if (pid < 2 || pid > INT_MAX)
				errx(EXIT_USAGE, "bad parent '%s': want a process id from 2", optarg);
			opt->parent = (pid_t)pid;
			break;
		}
		case 's':
			opt->summary = 1;
			break;
		case 'O':
			opt->once = 1;
			break;
		case 'l':
			opt->leak_s = parse_duration(optarg);
			if (opt->leak_s < 0)
				errx(EXIT_USAGE, "bad --leaks '%s': want seconds above 0", optarg);
			break;
		case 'i':
			opt->interval_s = parse_duration(optarg);
			if (opt->interval_s < 0)
				errx(EXIT_USAGE, "bad --interval '%s': want seconds above 0", optarg);
			opt->have_interval = 1;
			break;
		case 'W':
			opt->all_netns = 1;
			break;
		case 'M':
			opt->prometheus = file_of("--prometheus", optarg);
			break;
		case 'L':
		case 'A':
			if (*list && *list != c)
				errx(EXIT_USAGE, "--list-states and --list-arrows exclude each other");
			*list = c;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default: /* getopt has named the option */
			fputs("try 'tcpwatch --help'\n", stderr);
			exit(EXIT_USAGE);
		}
	}
	if (optind < argc)
		errx(EXIT_USAGE, "unexpected argument '%s' (try --help)", argv[optind]);
	if (json && opt->diagram)
		errx(EXIT_USAGE, "--json and --diagram exclude each other");
	if (opt->all_netns && opt->nnetns)
		errx(EXIT_USAGE, "--all-netns and --netns exclude each other");
	if (opt->ladder && opt->diagram)
		errx(EXIT_USAGE, "--ladder and --diagram exclude each other");
	if (opt->ladder && !opt->replay)
		errx(EXIT_USAGE, "--ladder draws a recording: --ladder --replay FILE");
	if (opt->conn && !opt->ladder)
		errx(EXIT_USAGE, "--conn goes with --ladder");
	if (opt->replay && !opt->diagram && !opt->ladder)
		errx(EXIT_USAGE, "--replay goes with --diagram or --ladder");
	if (opt->to_end && !opt->diagram)
		errx(EXIT_USAGE, "--to-end goes with --diagram");
	if (opt->segments && (opt->diagram || summarising(opt)))
		errx(EXIT_USAGE, "--segments adds lines: not with --diagram, --summary, --leaks or --prometheus");
	if (opt->pcap && (opt->replay || summarising(opt)))
		errx(EXIT_USAGE, "--pcap writes the segments of a watch: not with --replay, --summary, --leaks or --prometheus");
	check_summary_options(opt);
	opt->mode = json ? RENDER_JSON : text_mode();
}

static int done(const struct watch *w, uint64_t deadline)
{
	if (lab_signal)
		return 1;
	if (w->opt->count && w->printed >= w->opt->count)
		return 1;
	return deadline && mono_ns() >= deadline;
}

/* The full-screen diagram: q quits, a resize redraws; -1 to stop. */
static int live_keys(struct view *v)
{
	int key = screen_key(0);

	if (screen_resized)
		view_draw(v);
	return key == 'q' ? -1 : 0;
}

/* The kernel's steps, then the wire: the segments taken before the steps are read; -1 on a failure. */
static int read_kernel(struct kernel *k, struct watch *w)
{
	if (kernel_drain(k, on_event, w) < 0 && errno != EINTR && errno != EAGAIN) {
		warn("reading the BPF ring buffer");
		return -1;
	}
	capture_read(w->capture, on_packet, w);
	return 0;
}

/* One round: what the kernel has, then what is old enough to tell; -1 on a failure. */
static int read_round(struct kernel *k, struct watch *w, int all)
{
	uint64_t now;

	if (read_kernel(k, w) < 0)
		return -1;
	/* a step waits for the segments it names, however late the kernel hands them over */
	now = mono_ns();
	if (capture_read_to(w->capture) < now)
		now = capture_read_to(w->capture);
	rfc_flush(w->rfc, now, all);
	if (w->pcap && pcap_write(w->pcap, all ? UINT64_MAX : now > PCAP_HOLD_NS ? now - PCAP_HOLD_NS : 0) < 0) {
		warn("--pcap %s", w->opt->pcap);
		return -1;
	}
	return flush_stdout(); /* once a round: each line out within 10 ms, not a write each */
}

/*
 * The last round, told once every segment the kernel took before the steps
 * read is read too: a step or a drop never ends the recording without its
 * segment.  A drop is traced after its segment was captured, so a segment
 * still in the kernel's block is seen pending after the drain.  Nothing is
 * told while it waits: a drop told before its segment is read would not
 * find it.
 */
static int read_last(struct kernel *k, struct watch *w)
{
	for (int n = 0; n < LAST_WAITS; n++) {
		nanosleep(&(struct timespec){ 0, LAST_WAIT_NS }, NULL); /* a segment on its way in */
		if (read_kernel(k, w) < 0)
			return -1;
		if (!capture_pending(w->capture))
			break;
	}
	return read_round(k, w, 1);
}

/* Anything lost on the way is said, and is the exit status. */
static int report_loss(struct kernel *k, struct watch *w)
{
	unsigned long long lost = kernel_lost(k), skipped = kernel_skipped(k), missed = capture_drops(w->capture);
	unsigned long long unwritten = w->pcap ? pcap_missed(w->pcap) : 0;

	if (lost)
		warnx("the kernel had no room for %llu step(s): the transitions above are incomplete", lost);
	if (skipped)
		warnx("the kernel skipped tcpwatch's programs %llu time(s), each busy on the same CPU: "
		      "the transitions above may be incomplete",
		      skipped);
	if (missed)
		warnx("the kernel dropped %llu segment(s) before we read them: some triggers and actions may be wrong",
		      missed);
	if (unwritten)
		warnx("--pcap %s: %llu segment(s) left out: more were waiting for their steps than it holds",
		      w->opt->pcap, unwritten);
	return lost || skipped || missed || unwritten ? EXIT_LOST : 0;
}

static int tell_summary(struct summary *s, uint64_t now, const struct options *opt)
{
	int rc = summary_tick(s, now);

	if (rc == -2)
		warn("--prometheus %s", opt->prometheus);
	else if (rc < 0)
		warn("the summary's dump");
	return rc < 0 ? -1 : 0;
}

/* The summary's dump, when it is due: then once each interval. */
static int summary_due(struct watch *w)
{
	uint64_t now = mono_ns(), interval = (uint64_t)(w->opt->interval_s * 1e9);

	if (now < w->next_tick)
		return 0;
	if (tell_summary(w->summary, now, w->opt) < 0)
		return -1;
	while (w->next_tick <= now)
		w->next_tick += interval;
	return flush_stdout();
}

/*
 * Idle, sleep until there is something to do: an event or a segment, a
 * queued step falling due, a key in the full-screen diagram, the end of
 * --duration, the summary's next dump; a second at most.  So an idle tcpwatch wakes about once a
 * second, not a hundred times.
 */
static void wait_for_work(struct kernel *k, struct watch *w, uint64_t deadline)
{
	struct pollfd fds[MAX_NETNS + 2];
	uint64_t now = mono_ns(), due = rfc_next_due(w->rfc);
	int n = kernel_pollfd(k, fds);
	uint64_t wait_ns;

	n += capture_pollfds(w->capture, fds + n, MAX_NETNS);
	if (w->view && w->view->fullscreen)
		fds[n++] = (struct pollfd){ .fd = STDIN_FILENO, .events = POLLIN };
	if (deadline && deadline < due)
		due = deadline;
	if (w->summary && w->next_tick < due)
		due = w->next_tick;
	wait_ns = due <= now ? 0 : due - now < IDLE_NS ? due - now : IDLE_NS;
	poll(fds, (nfds_t)n, (int)((wait_ns + 999999) / 1000000)); /* a signal ends it too */
}

/* --ready FILE: made (empty) once the programs are attached and the capture open. */
static int tell_ready(const char *file)
{
	int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0 || close(fd) < 0) {
		warn("--ready %s", file);
		return -1;
	}
	return 0;
}

/* Read until a signal, the count or the duration ends it; the exit status. */
static int watch_loop(struct kernel *k, struct watch *w)
{
	const struct timespec pause = { 0, POLL_NS };
	uint64_t deadline = 0;

	if (w->opt->duration > 0)
		deadline = w->start_ns + (uint64_t)(w->opt->duration * 1e9);
	if (w->view)
		view_draw(w->view);
	else if (w->opt->mode != RENDER_JSON && !w->summary)
		render_header(stdout, w->opt->mode);
	if (w->opt->ready && tell_ready(w->opt->ready) < 0)
		return 1;
	while (!done(w, deadline)) {
		if (read_round(k, w, 0) < 0)
			return 1;
		if (w->summary && summary_due(w) < 0)
			return 1;
		if (w->view && w->view->fullscreen && live_keys(w->view) < 0)
			break;
		/* the rings hold far more than a round: a busy wire needs no sooner read */
		nanosleep(&pause, NULL);
		wait_for_work(k, w, deadline);
	}
	if (read_last(k, w) < 0)
		return 1;
	return report_loss(k, w);
}

/* --all-netns: every namespace of the host, found now; *n of them. */
static struct netns_entry *all_namespaces(int *n)
{
	int max = 64;

	for (;;) {
		struct netns_entry *ns = calloc((size_t)max, sizeof(*ns));

		if (ns == NULL)
			errx(1, "out of memory");
		*n = netns_list(ns, max);
		if (*n <= max)
			return ns;
		free(ns);
		max = *n + 16; /* more came */
	}
}

/* The namespaces to watch: --netns NAME..., --all-netns, or our own; *n of them. */
static struct netns_entry *watched_namespaces(const struct options *opt, int *n)
{
	struct netns_entry *ns;

	if (opt->all_netns)
		return all_namespaces(n);
	*n = opt->nnetns ? opt->nnetns : 1;
	ns = calloc((size_t)*n, sizeof(*ns));
	if (ns == NULL)
		errx(1, "out of memory");
	for (int i = 0; i < opt->nnetns; i++) {
		ns[i].inode = netns_inode(opt->netns[i]);
		if (ns[i].inode == 0)
			errx(EXIT_USAGE, "no network namespace '%s' (ip netns list shows them)", opt->netns[i]);
		snprintf(ns[i].name, sizeof(ns[i].name), "%s", opt->netns[i]);
		snprintf(ns[i].path, sizeof(ns[i].path), "%s", opt->netns[i]);
	}
	if (opt->nnetns == 0) {
		ns[0].inode = netns_self_inode();
		netns_name(ns[0].inode, ns[0].name, sizeof(ns[0].name)); /* path "": our own */
	}
	return ns;
}

/* A sock_diag socket in each watched namespace; with capture, the wire's sockets in each too. */
static void open_namespaces(struct watch *w, unsigned long *inode, int *diag_fd, int capture)
{
	const char *where[MAX_NETNS];
	char err[256];

	for (int i = 0; i < w->nns; i++) {
		inode[i] = w->ns[i].inode;
		where[i] = w->ns[i].path;
		diag_fd[i] = diag_open(w->ns[i].path, err, sizeof(err));
		if (diag_fd[i] < 0)
			errx(1, "%s", err);
	}
	if (!capture)
		return;
	w->capture = capture_open(where, w->nns, w->opt->family, w->opt->port, err, sizeof(err)); /* ready later */
	if (w->capture == NULL)
		errx(1, "%s", err);
}

/*
 * A watcher started by a script (tcplab arrow, tour, watch) ends with it,
 * however the script ends (kill -9 too): SIGTERM when the parent goes.
 * A parent killed before we ask is seen only by one that names itself
 * (--parent): by then getppid() is already init's.
 */
static void end_with_parent(pid_t parent)
{
	if (parent == 0)
		parent = getppid();
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0)
		warn("prctl PR_SET_PDEATHSIG");
	else if (getppid() != parent) /* it went before we asked */
		raise(SIGTERM);
}

/* What the kernel is to let through: the namespaces and the filters. */
static void kernel_filter_of(const struct options *opt, const unsigned long *inode, int n,
			     struct kernel_filter *f)
{
	memset(f, 0, sizeof(*f));
	f->netns = inode;
	f->nnetns = n;
	f->family = opt->family;
	f->port = opt->port;
	if (opt->have_addr) {
		f->addr_family = opt->addr.family;
		memcpy(f->addr, opt->addr.addr, sizeof(f->addr));
	}
}

static int add_holder(uint32_t inode, int pid, int fd, void *ctx)
{
	return owners_add(ctx, inode, pid, fd);
}

/* The live summary's owners: the kernel walks every process's descriptors (no system call per descriptor). */
static int kernel_owners(struct owners *o, void *ctx)
{
	struct watch *w = ctx;

	owners_begin(o);
	if (walk_holders(w->walk, add_holder, o) < 0)
		return -1;
	owners_end(o);
	return 0;
}

static int kernel_sockets(int diag_fd, diag_sock_fn *fn, void *fn_ctx, void *ctx)
{
	struct watch *w = ctx;

	return walk_sockets(w->walk, diag_fd, fn, fn_ctx);
}

static struct summary *open_summary(const struct options *opt, struct watch *w, const int *diag_fd, int n)
{
	struct summary_config sc = {
		.nwhere = n,
		.diag_fd = diag_fd,
		.ns = w->ns,
		.family = opt->family,
		.wanted = summary_wanted,
		.wanted_ctx = (void *)opt,
		.sockets = w->walk ? kernel_sockets : NULL, /* --once: sock_diag and /proc, no BPF */
		.sockets_ctx = w,
		.owners = w->walk ? kernel_owners : NULL,
		.owners_ctx = w,
		.json = opt->mode == RENDER_JSON,
		.screen = isatty(STDOUT_FILENO),
		.show = opt->summary,
		.leak_s = opt->leak_s,
		.prometheus = opt->prometheus,
		.out = stdout,
	};
	struct summary *s = summary_new(&sc);

	if (s == NULL)
		errx(1, "out of memory");
	return s;
}

/*
 * --once: one dump of each namespace, told, and done; no BPF, and no limit
 * to the namespaces (one gone since --all-netns found it is left out).
 */
static int summary_once(const struct options *opt)
{
	struct watch w = { .opt = opt };
	int *diag_fd, kept = 0, status = 0;
	struct summary *s;
	char err[256];

	if (geteuid() != 0)
		errx(EXIT_USAGE, "must run as root: other namespaces and processes need it (run it as root, or with sudo)");
	w.ns = watched_namespaces(opt, &w.nns);
	diag_fd = calloc((size_t)w.nns, sizeof(*diag_fd));
	if (diag_fd == NULL)
		errx(1, "out of memory");
	for (int i = 0; i < w.nns; i++) {
		diag_fd[kept] = diag_open(w.ns[i].path, err, sizeof(err));
		if (diag_fd[kept] >= 0)
			w.ns[kept++] = w.ns[i];
		else if (!opt->all_netns)
			errx(1, "%s", err);
	}
	w.nns = kept;
	s = open_summary(opt, &w, diag_fd, w.nns);
	if (tell_summary(s, mono_ns(), opt) < 0)
		status = 1;
	summary_free(s);
	for (int i = 0; i < w.nns; i++)
		close(diag_fd[i]);
	free(diag_fd);
	free(w.ns);
	return flush_stdout() < 0 ? 1 : status;
}

static int ifname_of(int where, int ifindex, char *name, size_t len, void *ctx)
{
	const struct watch *w = ctx;

	return capture_ifname(w->capture, where, ifindex, name, len);
}

/* --pcap FILE: made now, its header written. */
static void open_pcap(struct watch *w)
{
	const char *names[MAX_NETNS];
	struct pcap_config pc = { w->opt->pcap, names, w->nns, ifname_of, w };
	char err[256];

	for (int i = 0; i < w->nns; i++)
		names[i] = w->ns[i].name;
	w->pcap = pcap_open(&pc, err, sizeof(err));
	if (w->pcap == NULL)
		errx(1, "%s", err);
}

static int watch(const struct options *opt)
{
	struct watch w = { .opt = opt };
	struct view view;
	struct kernel *k;
	struct kernel_filter filter;
	unsigned long inode[MAX_NETNS];
	int diag_fd[MAX_NETNS];
	struct rfc_config cfg = { 0, inode, diag_fd, opt->kernel_only, on_step, on_note, &w, NULL };
	char err[256];
	int status;

	if (geteuid() != 0)
		errx(EXIT_USAGE, "must run as root: BPF needs it (run it as root, or with sudo)");
	catch_signals(); /* SIGINT, SIGTERM, SIGHUP end the loop; the programs go */
	end_with_parent(opt->parent);
	signal(SIGPIPE, SIG_IGN);
	w.ns = watched_namespaces(opt, &w.nns);
	if (w.nns > MAX_NETNS)
		errx(EXIT_USAGE, "%d network namespaces here, and tcpwatch follows %d at most (--once summarises them all; --netns picks)",
		     w.nns, MAX_NETNS);
	open_namespaces(&w, inode, diag_fd, 1);
	cfg.nwhere = w.nns;
	cfg.segment = opt->segments || opt->pcap ? on_segment : NULL;
	if (opt->pcap)
		open_pcap(&w);
	w.rfc = rfc_new(&cfg);
	if (w.rfc == NULL)
		errx(1, "out of memory");
	kernel_filter_of(opt, inode, cfg.nwhere, &filter);
	k = kernel_open(&filter, err, sizeof(err));
	if (k == NULL)
		errx(1, "%s", err);
	w.kernel = k;
	if (capture_ready(w.capture, err, sizeof(err)) < 0)
		errx(1, "%s", err);
	w.start_ns = mono_ns();
	w.next_tick = w.start_ns;
	if (summarising(opt)) {
		w.walk = walk_open(err, sizeof(err));
		if (w.walk == NULL)
			errx(1, "%s", err);
		w.summary = open_summary(opt, &w, diag_fd, cfg.nwhere);
	}
	if (opt->diagram) {
		view_open(&view, opt->force_colour, opt->force_ascii);
		w.view = &view;
	} else {
		/* written once a round (read_round flushes), not once a line */
		static char out_buffer[OUT_BUFFER];

		setvbuf(stdout, out_buffer, _IOFBF, sizeof(out_buffer));
	}
	status = watch_loop(k, &w);
	if (pcap_close(w.pcap) < 0) {
		warn("--pcap %s", opt->pcap);
		status = 1;
	}
	if (w.view)
		view_close(w.view);
	kernel_close(k);
	summary_free(w.summary);
	walk_close(w.walk);
	rfc_free(w.rfc);
	capture_close(w.capture);
	for (int i = 0; i < cfg.nwhere; i++)
		close(diag_fd[i]);
	free(w.ns);
	return status;
}

int main(int argc, char **argv)
{
	struct options opt;
	int list;

	parse_options(argc, argv, &opt, &list);
	if (list == 'L') {
		print_states(stdout);
		return 0;
	}
	if (list == 'A') {
		print_arrows(stdout);
		return 0;
	}
	if (diagram_missing(stderr))
		return 1;
	if (opt.ladder)
		return ladder_replay(opt.replay, opt.conn);
	if (opt.replay) {
		struct view view;

		view_open(&view, opt.force_colour, opt.force_ascii);
		return view_replay(&view, opt.replay, opt.to_end);
	}
	if (opt.once)
		return summary_once(&opt);
	return watch(&opt);
}
