// SPDX-License-Identifier: MIT
/*
 * The summary's two walks of the kernel's own tables, as BPF iterators
 * read once per interval: every TCP socket of a namespace (what a
 * sock_diag dump tells, both families at once, no netlink message per
 * socket), and who holds which of them (every process's descriptors).
 * Loaded only for a live summary: iterators need the kernel's whole BTF.
 */
#include "kernel.bpf.h"

#include <linux/bpf.h>

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>

#include "tcpwatch.h"

#define AF_INET 2
#define TCP_SYN_RECV 3
#define TCP_FIN_WAIT2 5
#define TCP_TIME_WAIT 6
#define TCP_CLOSE_WAIT 8
#define TCP_NEW_SYN_RECV 12

/* The kernel's tick, from its configuration (/proc/config.gz); 0 when libbpf cannot tell. */
extern unsigned int CONFIG_HZ __kconfig __weak;

static __s64 ms_of_jiffies(__s64 j)
{
	if (CONFIG_HZ == 0)
		return -1;
	return j > 0 ? (__s64)((__u64)j * 1000 / CONFIG_HZ) : 0;
}

/* A full socket's time since a segment came in: the later of the last ACK and the last data, as tcp_info's. */
static __s32 last_heard_ms(const struct tcp_sock *tp)
{
	const struct inet_connection_sock *icsk = (const void *)tp;
	__u32 now = (__u32)bpf_jiffies64();
	__s32 ack = (__s32)(now - tp->rcv_tstamp), data = (__s32)(now - icsk->icsk_ack.lrcvtime);

	return (__s32)ms_of_jiffies(ack < data ? ack : data);
}

static __u32 inode_of(const struct tcp_sock *tp)
{
	struct socket *sock = ((const struct sock *)tp)->sk_socket;
	struct socket_alloc *both;

	if (sock == NULL)
		return 0; /* an orphan */
	both = (void *)sock - bpf_core_field_offset(struct socket_alloc, socket);
	return (__u32)BPF_CORE_READ(both, vfs_inode.i_ino);
}

/* The iterator walks the namespace of the task that made it: no other socket reaches here. */
SEC("iter/tcp")
int sockets(struct bpf_iter__tcp *ctx)
{
	const struct sock_common *skc = ctx->sk_common;
	struct bpf_socket s = {};

	if (skc == NULL)
		return 0;
	s.family = skc->skc_family;
	s.state = skc->skc_state;
	s.lport = skc->skc_num;
	s.rport = __builtin_bswap16(skc->skc_dport);
	s.last_heard_ms = -1;
	/* each line of a socket not yet read is a miss: read only what the summary uses */
	if (s.family == AF_INET) {
		__builtin_memcpy(s.local, &skc->skc_rcv_saddr, 4);
		__builtin_memcpy(s.remote, &skc->skc_daddr, 4);
	} else {
		__builtin_memcpy(s.local, &skc->skc_v6_rcv_saddr, 16);
		__builtin_memcpy(s.remote, &skc->skc_v6_daddr, 16);
	}
	if (s.state == TCP_NEW_SYN_RECV) {
		s.state = TCP_SYN_RECV;
	} else if (s.state == TCP_TIME_WAIT) {
		/* read as what its state says it is: bpf_skc_to_tcp_timewait_sock fails for IPv6 built as a module */
		const struct inet_timewait_sock *tw = (const void *)skc;
		__s64 left;

		s.state = BPF_CORE_READ(tw, tw_substate);
		left = ms_of_jiffies((__s64)(BPF_CORE_READ(tw, tw_timer.expires) - bpf_jiffies64()));
		s.expires_ms = left > 0 ? (__u32)left : 0;
	} else {
		/* a full TCP socket (its protocol is all the helper asks): read straight; never left out of the count */
		const struct tcp_sock *tp = bpf_skc_to_tcp_sock((void *)skc);

		if (tp != NULL && (s.state == TCP_CLOSE_WAIT || s.state == TCP_FIN_WAIT2))
			s.last_heard_ms = last_heard_ms(tp); /* what dates a leak older than tcpwatch */
		if (tp != NULL)
			s.inode = inode_of(tp);
	}
	bpf_seq_write(ctx->meta->seq, &s, sizeof(s));
	return 0;
}

/*
 * Who holds which socket: every process's descriptors, walked in the
 * kernel (the task_file iterator skips threads that share their leader's
 * table), and a holder written for each socket.  Not a line of the socket
 * itself is read (each would be a miss, its inode's number the one read):
 * user space keeps those whose inode the socket walk names, so another
 * namespace's, a UDP or a UNIX socket, are left there.
 */
SEC("iter/task_file")
int socket_holders(struct bpf_iter__task_file *ctx)
{
	/* the iterator's pointers are the kernel's own (BTF): read straight, no helper per field */
	struct file *file = ctx->file;
	struct task_struct *task = ctx->task;
	struct bpf_holder h;

	/* a socket by the file's operations: not a line of it read */
	if (file == NULL || task == NULL || bpf_sock_from_file(file) == NULL)
		return 0;
	h.inode = (__u32)file->f_inode->i_ino;
	h.pid = (__u32)task->tgid;
	h.fd = ctx->fd;
	bpf_seq_write(ctx->meta->seq, &h, sizeof(h));
	return 0;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
