// SPDX-License-Identifier: MIT
/* The BPF side's records, checked and laid out as the tracer's events. */
#include <sys/socket.h>

#include <string.h>

#include "record.h"
#include "tcpwatch.h"

/* The kernel's softirq numbers (include/linux/interrupt.h), as softirq_entry gives them. */
enum { TIMER_SOFTIRQ = 1, HRTIMER_SOFTIRQ = 8 };

#define MAX_KERNEL_STATE 12 /* TCP_NEW_SYN_RECV */

static int well_formed(const struct bpf_record *st)
{
	if (st->kind >= KIND_COUNT || (st->family != AF_INET && st->family != AF_INET6))
		return 0;
	if (st->kind == KIND_STEP)
		return st->old_state >= 1 && st->old_state <= MAX_KERNEL_STATE && st->new_state >= 1 &&
		       st->new_state <= MAX_KERNEL_STATE;
	return st->seg.state <= MAX_KERNEL_STATE;
}

int record_decode(const void *data, size_t size, struct tcp_event *ev)
{
	struct bpf_record st;

	if (size < sizeof(st))
		return -1;
	memcpy(&st, data, sizeof(st)); /* the ring's records are 8-byte aligned; a fuzzer's need not be */
	if (!well_formed(&st))
		return -1;
	memset(ev, 0, sizeof(*ev));
	ev->kind = st.kind;
	ev->ns = st.ns;
	ev->sk = st.sk;
	ev->netns = st.netns;
	ev->old_state = st.old_state;
	ev->new_state = st.new_state;
	ev->family = st.family;
	ev->sport = st.sport;
	ev->dport = st.dport;
	memcpy(ev->saddr, st.saddr, sizeof(ev->saddr));
	memcpy(ev->daddr, st.daddr, sizeof(ev->daddr));
	ev->pid = (int32_t)st.pid;
	ev->in_irq = st.softirq != 0;
	ev->by_timer = st.softirq == 1 + TIMER_SOFTIRQ || st.softirq == 1 + HRTIMER_SOFTIRQ;
	memcpy(ev->comm, st.comm, sizeof(ev->comm));
	ev->comm[sizeof(ev->comm) - 1] = '\0';
	if (st.kind == KIND_STEP)
		ev->seq = (struct tcp_seq){ st.seq.snd_una, st.seq.snd_nxt, st.seq.rcv_nxt, st.seq.write_seq,
					    st.seq.segs_out };
	else
		ev->seg = (struct tcp_segment){ st.seg.seq, st.seg.ack, st.seg.reason, st.seg.flags,
						st.seg.count, st.seg.state };
	return 0;
}
