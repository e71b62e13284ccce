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
	__uint(max_entries, 16 << 20);
} steps SEC(".maps");

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

static int wanted(const struct bpf_step *st)
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
static void read_ends(const struct sock *sk, struct bpf_step *st)
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
static void read_task(struct bpf_step *st)
{
	st->softirq = current_softirq();
	st->pid = 0;
	__builtin_memset(st->comm, 0, sizeof(st->comm));
	if (!st->softirq) {
		st->pid = (__u32)(bpf_get_current_pid_tgid() >> 32);
		bpf_get_current_comm(st->comm, sizeof(st->comm));
	}
}

/*
 * sock/inet_sock_set_state, raw: the socket and the two states, read
 * straight from the socket (a raw tracepoint needs no tracefs, and builds
 * no record).
 */
SEC("raw_tp/inet_sock_set_state")
int BPF_PROG(on_set_state, const struct sock *sk, int oldstate, int newstate)
{
	struct bpf_step *st;
	__u32 netns;

	if (BPF_CORE_READ(sk, sk_protocol) != IPPROTO_TCP)
		return 0;
	netns = BPF_CORE_READ(sk, __sk_common.skc_net.net, ns.inum);
	if (bpf_map_lookup_elem(&watched, &netns) == NULL)
		return 0;
	st = bpf_ringbuf_reserve(&steps, sizeof(*st), 0);
	if (st == NULL) {
		count_lost();
		return 0;
	}
	st->ns = bpf_ktime_get_ns();
	st->sk = (__u64)sk;
	st->netns = netns;
	st->old_state = (__u8)oldstate;
	st->new_state = (__u8)newstate;
	read_ends(sk, st);
	if (!wanted(st)) {
		bpf_ringbuf_discard(st, 0);
		return 0;
	}
	read_seq(sk, &st->seq);
	read_task(st);
	bpf_ringbuf_submit(st, 0);
	return 0;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
