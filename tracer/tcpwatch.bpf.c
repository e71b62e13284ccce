// SPDX-License-Identifier: MIT
/*
 * tcpwatch's kernel half: every TCP state change of the watched namespaces,
 * with the socket's own namespace, its sequence state and the task that made
 * it (none in softirq or a timer).  Steps of other namespaces, ports and
 * addresses are left in the kernel: they never reach user space.
 */
#include "kernel.bpf.h"

#include <linux/bpf.h>

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "tcpwatch.h"

#define AF_INET 2
#define AF_INET6 10
#define IPPROTO_TCP 6

/* Set by user space before load: the filters (0: any). */
const volatile __u16 filter_port = 0;
const volatile __u8 filter_family = 0;
const volatile __u8 filter_addr_family = 0;
const volatile __u8 filter_addr[16] = {};

/* The watched namespaces: inode -> 1. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_WATCHED_NETNS);
	__type(key, __u32);
	__type(value, __u8);
} watched SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 8 << 20); /* 64k steps: 0.5 s of the bench's churn, for a watcher kept off the CPU */
} records SEC(".maps");

/* Steps the ring buffer had no room for, per CPU. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} lost SEC(".maps");

/*
 * Which softirq this CPU is serving (1 + its number; 0: none): NET_RX for a
 * segment, TIMER or HRTIMER for a TCP timer.  In one, the task on the CPU
 * is whichever one the softirq interrupted, and made nothing.  The preempt
 * count would say whether, but its per-CPU address is not to be had here
 * (no kallsyms for variables); the two softirq tracepoints also say which.
 * TCP changes no state in hardirq or NMI context.
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} serving_softirq SEC(".maps");

static void mark_softirq(__u32 on)
{
	__u32 zero = 0;
	__u32 *flag = bpf_map_lookup_elem(&serving_softirq, &zero);

	if (flag)
		*flag = on;
}

SEC("raw_tp/softirq_entry")
int BPF_PROG(on_softirq_entry, unsigned int vec)
{
	mark_softirq(vec + 1);
	return 0;
}

SEC("raw_tp/softirq_exit")
int on_softirq_exit(void *ctx)
{
	mark_softirq(0);
	return 0;
}

static __u8 current_softirq(void)
{
	__u32 zero = 0;
	__u32 *flag = bpf_map_lookup_elem(&serving_softirq, &zero);

	return flag ? (__u8)*flag : 0;
}

static int addr_is(const __u8 *addr, int len)
{
	for (int i = 0; i < 16 && i < len; i++)
		if (addr[i] != filter_addr[i])
			return 0;
	return 1;
}

static int wanted(const struct bpf_record *st)
{
	int len = st->family == AF_INET6 ? 16 : 4;

	if (filter_family && st->family != filter_family)
		return 0;
	if (filter_port && st->sport != filter_port && st->dport != filter_port)
		return 0;
	if (filter_addr_family &&
	    (st->family != filter_addr_family || (!addr_is(st->saddr, len) && !addr_is(st->daddr, len))))
		return 0;
	return 1;
}

static void count_lost(void)
{
	__u32 zero = 0;
	__u64 *n = bpf_map_lookup_elem(&lost, &zero);

	if (n)
		__sync_fetch_and_add(n, 1);
}

/* The socket's ends as the tracepoint gives them: local first, ports in host order. */
static void read_ends(const struct sock *sk, struct bpf_record *st)
{
	const struct inet_sock *inet = (const void *)sk;

	st->family = (__u8)BPF_CORE_READ(sk, __sk_common.skc_family);
	st->sport = bpf_ntohs(BPF_CORE_READ(inet, inet_sport));
	st->dport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	__builtin_memset(st->saddr, 0, sizeof(st->saddr));
	__builtin_memset(st->daddr, 0, sizeof(st->daddr));
	if (st->family == AF_INET6) {
		BPF_CORE_READ_INTO(&st->saddr, sk, __sk_common.skc_v6_rcv_saddr);
		BPF_CORE_READ_INTO(&st->daddr, sk, __sk_common.skc_v6_daddr);
	} else {
		BPF_CORE_READ_INTO((__be32 *)st->saddr, sk, __sk_common.skc_rcv_saddr);
		BPF_CORE_READ_INTO((__be32 *)st->daddr, sk, __sk_common.skc_daddr);
	}
}

static void read_seq(const struct sock *sk, struct seq_state *seq)
{
	const struct tcp_sock *tp = (const void *)sk;

	seq->snd_una = BPF_CORE_READ(tp, snd_una);
	seq->snd_nxt = BPF_CORE_READ(tp, snd_nxt);
	seq->rcv_nxt = BPF_CORE_READ(tp, rcv_nxt);
	seq->write_seq = BPF_CORE_READ(tp, write_seq);
	seq->segs_out = BPF_CORE_READ(tp, segs_out);
}

/* The task that made the step, in a system call; none in softirq. */
static void read_task(struct bpf_record *st)
{
	st->softirq = current_softirq();
	st->pid = 0;
	__builtin_memset(st->comm, 0, sizeof(st->comm));
	if (!st->softirq) {
		st->pid = (__u32)(bpf_get_current_pid_tgid() >> 32);
		bpf_get_current_comm(st->comm, sizeof(st->comm));
	}
}

/* A record of this kind (on the stack), its time and task filled. */
static void new_record(struct bpf_record *rec, __u8 kind)
{
	__builtin_memset(rec, 0, sizeof(*rec));
	rec->ns = bpf_ktime_get_ns();
	rec->kind = kind;
	read_task(rec);
}

/* Into the ring buffer if the filters want it; counted when there is no room (a loss, said). */
static void submit(const struct bpf_record *rec)
{
	if (wanted(rec) && bpf_ringbuf_output(&records, (void *)rec, sizeof(*rec), 0) < 0)
		count_lost();
}

static __u32 netns_of_sock(const struct sock *sk)
{
	return BPF_CORE_READ(sk, __sk_common.skc_net.net, ns.inum);
}

static int watched_netns(__u32 netns)
{
	return bpf_map_lookup_elem(&watched, &netns) != NULL;
}

/*
 * sock/inet_sock_set_state, raw: the socket and the two states, read
 * straight from the socket (a raw tracepoint needs no tracefs, and builds
 * no record).
 */
static __always_inline int set_state(const struct sock *sk, int oldstate, int newstate)
{
	struct bpf_record rec;
	__u32 netns;

	if (BPF_CORE_READ(sk, sk_protocol) != IPPROTO_TCP)
		return 0;
	netns = netns_of_sock(sk);
	if (!watched_netns(netns))
		return 0;
	new_record(&rec, KIND_STEP);
	rec.sk = (__u64)sk;
	rec.netns = netns;
	rec.old_state = (__u8)oldstate;
	rec.new_state = (__u8)newstate;
	read_ends(sk, &rec);
	read_seq(sk, &rec.seq);
	submit(&rec);
	return 0;
}

/* ---- segments: drops, retransmissions, resets --------------------------- */

#define ETH_P_IP 0x0800
#define ETH_P_IPV6 0x86DD

/*
 * The ends, sequence numbers and flags of the TCP segment in skb, from its
 * IP and TCP headers; -1 if it is no TCP segment.  Ends are src -> dst.
 */
static int read_segment(const struct sk_buff *skb, struct bpf_record *rec)
{
	unsigned char *ip = BPF_CORE_READ(skb, head) + BPF_CORE_READ(skb, network_header);
	__u16 proto = bpf_ntohs(BPF_CORE_READ(skb, protocol));
	unsigned char th[14];
	__u8 b[2];
	int ihl;

	if (proto == ETH_P_IP) {
		if (bpf_probe_read_kernel(b, 1, ip) < 0 || bpf_probe_read_kernel(b + 1, 1, ip + 9) < 0 ||
		    b[1] != IPPROTO_TCP)
			return -1;
		ihl = (b[0] & 15) * 4;
		rec->family = AF_INET;
		bpf_probe_read_kernel(rec->saddr, 4, ip + 12);
		bpf_probe_read_kernel(rec->daddr, 4, ip + 16);
	} else if (proto == ETH_P_IPV6) {
		if (bpf_probe_read_kernel(b + 1, 1, ip + 6) < 0 || b[1] != IPPROTO_TCP)
			return -1;
		ihl = 40;
		rec->family = AF_INET6;
		bpf_probe_read_kernel(rec->saddr, 16, ip + 8);
		bpf_probe_read_kernel(rec->daddr, 16, ip + 24);
	} else {
		return -1;
	}
	if (ihl < 20 || bpf_probe_read_kernel(th, sizeof(th), ip + ihl) < 0)
		return -1;
	rec->sport = (__u16)(th[0] << 8 | th[1]);
	rec->dport = (__u16)(th[2] << 8 | th[3]);
	rec->seg.seq = (__u32)th[4] << 24 | (__u32)th[5] << 16 | (__u32)th[6] << 8 | th[7];
	rec->seg.ack = (__u32)th[8] << 24 | (__u32)th[9] << 16 | (__u32)th[10] << 8 | th[11];
	rec->seg.flags = th[13] & 0x17; /* FIN, SYN, RST, ACK */
	return 0;
}

/* The namespace an skb is in: its device's, else its socket's; 0 if neither is known. */
static __u32 netns_of_skb(const struct sk_buff *skb)
{
	const struct net_device *dev = BPF_CORE_READ(skb, dev);
	const struct sock *sk = BPF_CORE_READ(skb, sk);

	if (dev)
		return BPF_CORE_READ(dev, nd_net.net, ns.inum);
	return sk ? netns_of_sock(sk) : 0;
}

/*
 * Not every kfree_skb is a segment lost: NOT_SPECIFIED is also how the
 * kernel frees one it has dealt with (a FIN to a timewait socket, a SYN its
 * request already has), QUEUE_PURGE what a socket's queues still held when
 * it goes (its FIN, long acknowledged).
 */
static int is_drop(unsigned int reason)
{
	return reason != bpf_core_enum_value(enum skb_drop_reason, SKB_DROP_REASON_NOT_SPECIFIED) &&
	       reason != bpf_core_enum_value(enum skb_drop_reason, SKB_DROP_REASON_QUEUE_PURGE);
}

/* skb/kfree_skb: a segment the kernel dropped, and why (iptables: NETFILTER_DROP). */
static __always_inline int kfree_skb(const struct sk_buff *skb, unsigned int reason)
{
	struct bpf_record rec;
	__u32 netns;

	if (!is_drop(reason))
		return 0;
	netns = netns_of_skb(skb);
	if (!watched_netns(netns))
		return 0;
	new_record(&rec, KIND_DROP);
	rec.netns = netns;
	rec.sk = (__u64)BPF_CORE_READ(skb, sk);
	rec.seg.reason = (__u32)reason;
	if (read_segment(skb, &rec) < 0)
		return 0;
	submit(&rec);
	return 0;
}

/* tcp/tcp_retransmit_skb: a segment of sk sent again (not when sending failed). */
static __always_inline int retransmit(const struct sock *sk, const struct sk_buff *skb, int err)
{
	const struct inet_connection_sock *icsk = (const void *)sk;
	struct tcp_skb_cb cb;
	struct bpf_record rec;
	__u32 netns = netns_of_sock(sk);

	if (err != 0 || !watched_netns(netns))
		return 0;
	new_record(&rec, KIND_RETRANSMIT);
	rec.netns = netns;
	rec.sk = (__u64)sk;
	read_ends(sk, &rec);
	read_seq(sk, &rec.seq);
	bpf_core_read(&cb.seq, sizeof(cb.seq), &((struct tcp_skb_cb *)&skb->cb)->seq);
	bpf_core_read(&cb.tcp_flags, sizeof(cb.tcp_flags), &((struct tcp_skb_cb *)&skb->cb)->tcp_flags);
	rec.seg.seq = cb.seq;
	rec.seg.flags = (__u8)(cb.tcp_flags & 0x17);
	/* the retransmission timer counts before it resends; a fast retransmit is not counted (0) */
	rec.seg.count = BPF_CORE_READ(icsk, icsk_retransmits);
	rec.seg.state = BPF_CORE_READ(sk, __sk_common.skc_state);
	submit(&rec);
	return 0;
}

/* tcp/tcp_retransmit_synack: a listener's request sends its SYN,ACK again. */
static __always_inline int retransmit_synack(const struct sock *sk, const struct request_sock *req)
{
	struct bpf_record rec;
	__u32 netns = netns_of_sock(sk);

	if (!watched_netns(netns))
		return 0;
	new_record(&rec, KIND_RETRANSMIT);
	rec.netns = netns;
	rec.sk = (__u64)req;
	rec.family = (__u8)BPF_CORE_READ(req, __req_common.skc_family);
	rec.sport = BPF_CORE_READ(req, __req_common.skc_num);
	rec.dport = bpf_ntohs(BPF_CORE_READ(req, __req_common.skc_dport));
	if (rec.family == AF_INET6) {
		BPF_CORE_READ_INTO(&rec.saddr, req, __req_common.skc_v6_rcv_saddr);
		BPF_CORE_READ_INTO(&rec.daddr, req, __req_common.skc_v6_daddr);
	} else {
		BPF_CORE_READ_INTO((__be32 *)rec.saddr, req, __req_common.skc_rcv_saddr);
		BPF_CORE_READ_INTO((__be32 *)rec.daddr, req, __req_common.skc_daddr);
	}
	rec.seg.flags = 0x12; /* SYN,ACK */
	rec.seg.count = (__u8)(BPF_CORE_READ(req, num_retrans) + 1); /* counted after it is sent */
	rec.seg.state = 3; /* TCP_SYN_RECV */
	submit(&rec);
	return 0;
}

/*
 * tcp/tcp_send_reset: an RST sent, in answer to skb (ends the other way
 * round) or, with no skb, by the socket itself (an abort).
 */
static __always_inline int send_reset(const struct sock *sk, const struct sk_buff *skb, int reason)
{
	struct bpf_record rec;
	__u32 netns = sk ? netns_of_sock(sk) : netns_of_skb(skb);

	if (!watched_netns(netns))
		return 0;
	new_record(&rec, KIND_RESET_SENT);
	rec.netns = netns;
	rec.sk = (__u64)sk;
	rec.seg.reason = (__u32)reason;
	rec.seg.state = sk ? BPF_CORE_READ(sk, __sk_common.skc_state) : 0;
	if (skb) {
		struct bpf_record in;

		__builtin_memset(&in, 0, sizeof(in));
		if (read_segment(skb, &in) < 0)
			return 0;
		rec.family = in.family;
		rec.sport = in.dport;
		rec.dport = in.sport;
		__builtin_memcpy(rec.saddr, in.daddr, 16);
		__builtin_memcpy(rec.daddr, in.saddr, 16);
	} else {
		read_ends(sk, &rec);
	}
	submit(&rec);
	return 0;
}

/* tcp/tcp_receive_reset: an RST the socket took. */
static __always_inline int receive_reset(const struct sock *sk)
{
	struct bpf_record rec;
	__u32 netns = netns_of_sock(sk);

	if (!watched_netns(netns))
		return 0;
	new_record(&rec, KIND_RESET_RECEIVED);
	rec.netns = netns;
	rec.sk = (__u64)sk;
	rec.seg.state = BPF_CORE_READ(sk, __sk_common.skc_state);
	read_ends(sk, &rec);
	submit(&rec);
	return 0;
}

/*
 * A BPF program does not run inside itself on one CPU: a softirq that
 * interrupts it (on a system call's behalf) finds it busy, and the kernel
 * skips that run -- a step or a segment never told.  So the two busy
 * tracepoints, which fire in both, have two programs each, one for system
 * calls and one for softirqs, and neither ever interrupts itself (a softirq
 * does not nest in a softirq, and a tracepoint runs with preemption off).
 * The rare ones keep one program each (each program attached costs start-up
 * time); what the kernel skips of any of them is counted and said.
 */
#define TWO_PROGRAMS(tp, fn, call, ...)                                      \
	SEC("raw_tp/" #tp)                                                   \
	int BPF_PROG(fn##_in_task, __VA_ARGS__)                              \
	{                                                                    \
		return current_softirq() ? 0 : fn call;                      \
	}                                                                    \
	SEC("raw_tp/" #tp)                                                   \
	int BPF_PROG(fn##_in_softirq, __VA_ARGS__)                           \
	{                                                                    \
		return current_softirq() ? fn call : 0;                      \
	}

#define ONE_PROGRAM(tp, fn, call, ...)                                       \
	SEC("raw_tp/" #tp)                                                   \
	int BPF_PROG(fn##_anywhere, __VA_ARGS__)                             \
	{                                                                    \
		return fn call;                                              \
	}

TWO_PROGRAMS(inet_sock_set_state, set_state, (sk, oldstate, newstate), const struct sock *sk, int oldstate,
	     int newstate)
TWO_PROGRAMS(kfree_skb, kfree_skb, (skb, reason), const struct sk_buff *skb, void *location, unsigned int reason)
ONE_PROGRAM(tcp_retransmit_skb, retransmit, (sk, skb, err), const struct sock *sk, const struct sk_buff *skb,
	    int err)
ONE_PROGRAM(tcp_retransmit_synack, retransmit_synack, (sk, req), const struct sock *sk,
	    const struct request_sock *req)
ONE_PROGRAM(tcp_send_reset, send_reset, (sk, skb, reason), const struct sock *sk, const struct sk_buff *skb,
	    int reason)
ONE_PROGRAM(tcp_receive_reset, receive_reset, (sk), const struct sock *sk)

char LICENSE[] SEC("license") = "Dual MIT/GPL";
