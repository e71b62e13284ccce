/* SPDX-License-Identifier: MIT */
/*
 * What tcpwatch's BPF programs (tcpwatch.bpf.c) hand to user space, one
 * record per step, through one ring buffer.  Both sides compile this file.
 */
#ifndef TRACER_TCPWATCH_H
#define TRACER_TCPWATCH_H

#include <linux/types.h>

#define TASK_COMM_LEN 16
#define MAX_WATCHED_NETNS 8

/* The socket's sequence state when the step was made (tcp_sock's own). */
struct seq_state {
	__u32 snd_una;		/* oldest byte not yet acknowledged */
	__u32 snd_nxt;		/* next byte to send */
	__u32 rcv_nxt;		/* next byte expected */
	__u32 write_seq;	/* the end of what the application has written (a FIN's end) */
	__u32 segs_out;		/* segments sent so far, retransmissions included */
};

/* What a record tells. */
enum bpf_kind {
	KIND_STEP,		/* sock/inet_sock_set_state */
	KIND_DROP,		/* skb/kfree_skb of a TCP segment: ends are src -> dst */
	KIND_RETRANSMIT,	/* tcp/tcp_retransmit_skb, tcp/tcp_retransmit_synack */
	KIND_RESET_SENT,	/* tcp/tcp_send_reset */
	KIND_RESET_RECEIVED,	/* tcp/tcp_receive_reset */
	KIND_COUNT
};

/* The segment a drop, a retransmission or a reset is about. */
struct seg_info {
	__u32 seq, ack;
	__u32 reason;		/* a drop's enum skb_drop_reason, a reset's enum sk_rst_reason */
	__u8 flags;		/* FIN 0x01, SYN 0x02, RST 0x04, ACK 0x10 */
	__u8 count;		/* a retransmission: the how-many-th */
	__u8 state;		/* the socket's state then (kernel TCP_*; 0: no socket) */
	__u8 pad;
};

struct bpf_record {
	__u64 ns;		/* bpf_ktime_get_ns(): CLOCK_MONOTONIC */
	__u64 sk;		/* the kernel's socket address: an identity, nothing more */
	__u32 netns;		/* the socket's own namespace (its inode number) */
	__u32 pid;		/* the task's tgid, in a system call; 0 in softirq or a timer */
	__u8 softirq;		/* 1 + the softirq it ran in (NET_RX, TIMER...); 0: a system call */
	__u8 old_state, new_state; /* kernel TCP_* numbers */
	__u8 family;		/* AF_INET or AF_INET6 */
	__u8 kind;		/* enum bpf_kind */
	__u8 pad[3];
	__u16 sport, dport;	/* host byte order */
	__u8 saddr[16], daddr[16]; /* IPv4: the first 4 bytes */
	struct seq_state seq;
	struct seg_info seg;	/* all but steps */
	char comm[TASK_COMM_LEN]; /* the task's name; "" in softirq or a timer */
};

/*
 * The iterator socket_holders (walk.bpf.c) writes one of these for every
 * descriptor of every process that is a socket: who holds which
 * socket, as ss -p finds it in /proc, without a system call per descriptor.
 */
struct bpf_holder {
	__u32 inode;		/* the socket's, as sock_diag gives it */
	__u32 pid;		/* the process (tgid) */
	__u32 fd;
};

/*
 * The iterator sockets (walk.bpf.c) writes one of these for every TCP
 * socket of the namespace it was made in, what a sock_diag dump with
 * tcp_info tells of it, both families in one walk.
 */
struct bpf_socket {
	__u8 family;		/* AF_INET or AF_INET6 */
	__u8 state;		/* kernel TCP_*, as sock_diag names it: a minisocket's substate, a request's SYN_RECV */
	__u16 lport, rport;	/* host byte order */
	__u32 inode;		/* its file's; 0 for none (orphans, minisockets, requests) */
	__s32 last_heard_ms;	/* in CLOSE_WAIT and FIN_WAIT2, the time since a segment last came in; else -1 (or HZ unknown) */
	__u32 expires_ms;	/* a minisocket's timer's time left; 0: none (full sockets: not told) */
	__u8 local[16], remote[16]; /* network order; IPv4: the first 4 bytes */
};

#endif /* TRACER_TCPWATCH_H */
