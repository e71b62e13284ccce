/* SPDX-License-Identifier: MIT */
/*
 * The few kernel types tcpwatch.bpf.c reads, as CO-RE sees them: only the
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
	unsigned short skc_family;
	possible_net_t skc_net;
	struct in6_addr skc_v6_daddr;
	struct in6_addr skc_v6_rcv_saddr;
} CORE;

struct sock {
	struct sock_common __sk_common;
	__u16 sk_protocol;
} CORE;

struct inet_sock {
	__be16 inet_sport;
} CORE;

struct tcp_sock {
	__u32 snd_una;
	__u32 snd_nxt;
	__u32 rcv_nxt;
	__u32 write_seq;
	__u32 segs_out;
} CORE;

#endif /* TRACER_KERNEL_BPF_H */
