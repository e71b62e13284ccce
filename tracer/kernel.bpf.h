/* SPDX-License-Identifier: MIT */
/*
 * The few kernel types tcpwatch.bpf.c and walk.bpf.c read, as CO-RE sees them: only the
 * fields used, named as in the kernel; libbpf moves each read to where the
 * running kernel's BTF (/sys/kernel/btf/vmlinux) says the field lies.
 */
#ifndef TRACER_KERNEL_BPF_H
#define TRACER_KERNEL_BPF_H

#include <linux/types.h>

#define CORE __attribute__((preserve_access_index))

struct ns_common {
	unsigned int inum;
} CORE;

struct net {
	struct ns_common ns;
} CORE;

typedef struct {
	struct net *net;
} possible_net_t;

struct in6_addr {
	union {
		__u8 u6_addr8[16];
	} in6_u;
} CORE;

struct sock_common {
	__be32 skc_daddr;
	__be32 skc_rcv_saddr;
	__be16 skc_dport;
	__u16 skc_num;
	unsigned short skc_family;
	volatile unsigned char skc_state;
	possible_net_t skc_net;
	struct in6_addr skc_v6_daddr;
	struct in6_addr skc_v6_rcv_saddr;
} CORE;

struct socket;

struct sock {
	struct sock_common __sk_common;
	__u16 sk_protocol;
	struct socket *sk_socket;	/* NULL once orphaned */
} CORE;

struct inet_sock {
	__be16 inet_sport;
} CORE;

struct inet_connection_sock {
	__u8 icsk_retransmits;
	struct {
		__u32 lrcvtime;	/* jiffies: the last data received */
	} icsk_ack;
} CORE;

struct request_sock {
	struct sock_common __req_common;
	__u8 num_retrans;
} CORE;

struct net_device {
	possible_net_t nd_net;
} CORE;

struct sk_buff {
	struct net_device *dev;
	struct sock *sk;
	char cb[48];
	__be16 protocol;
	__u16 network_header;
	unsigned char *head;
} CORE;

/*
 * The drop reasons tcpwatch leaves out, by name: libbpf puts in the running
 * kernel's values (bpf_core_enum_value); the numbers here are placeholders.
 */
enum skb_drop_reason {
	SKB_DROP_REASON_NOT_SPECIFIED = 1,
	SKB_DROP_REASON_QUEUE_PURGE = 2,
};

/* What TCP keeps in an skb's cb[]: the segment's sequence numbers and flags. */
struct tcp_skb_cb {
	__u32 seq;
	__u32 end_seq;
	__u16 tcp_flags;
} CORE;

struct tcp_sock {
	__u32 snd_una;
	__u32 snd_nxt;
	__u32 rcv_nxt;
	__u32 write_seq;
	__u32 segs_out;
	__u32 rcv_tstamp;	/* jiffies: the last ACK taken */
} CORE;

/* For the iterator over every process's descriptors. */
struct inode {
	unsigned long i_ino;
} CORE;

struct socket {
	struct sock *sk;
} CORE;

/* A socket's inode lies right after it (SOCK_INODE in the kernel). */
struct socket_alloc {
	struct socket socket;
	struct inode vfs_inode;
} CORE;

struct file {
	struct inode *f_inode;
	void *private_data;	/* a socket's: its struct socket */
} CORE;

struct task_struct {
	int tgid;
} CORE;

struct seq_file;

struct bpf_iter_meta {
	struct seq_file *seq;
} CORE;

struct bpf_iter__task_file {
	struct bpf_iter_meta *meta;
	struct task_struct *task;
	__u32 fd;
	struct file *file;
} CORE;

/* For the iterator over every TCP socket of a namespace. */
struct bpf_iter__tcp {
	struct bpf_iter_meta *meta;
	struct sock_common *sk_common;
} CORE;

struct timer_list {
	unsigned long expires;	/* jiffies */
} CORE;

struct inet_timewait_sock {
	struct sock_common __tw_common;
	unsigned char tw_substate;	/* FIN_WAIT2 or TIME_WAIT */
	struct timer_list tw_timer;
} CORE;

#endif /* TRACER_KERNEL_BPF_H */
