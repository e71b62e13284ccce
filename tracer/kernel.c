// SPDX-License-Identifier: MIT
/*
 * The kernel's steps through tcpwatch.bpf.c: loaded from the skeleton that
 * bpftool made of it, attached to the tracepoint, read from one ring
 * buffer.  Programs and maps belong to this process: they go when it ends,
 * however it ends, so nothing is left behind in the kernel.
 */
#define _GNU_SOURCE /* memfd_create */
#include <sys/mman.h>
#include <sys/resource.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "btfsum.h"
#include "kernel.h"
#include "min_btf.h"
#include "record.h"
#include "tcpwatch.h"
/* bpftool embeds the BPF object as one long string: not ours to shorten. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverlength-strings"
#include "tcpwatch.skel.h"
#pragma GCC diagnostic pop

#define MAX_REASONS 256

/* The names of one of the kernel's enums, by value, from BTF. */
struct reasons {
	const char *prefix;		/* what the kernel's names start with */
	char *name[MAX_REASONS];	/* without the prefix; NULL: none */
	char fallback[24];
};

struct kernel {
	struct tcpwatch_bpf *skel;
	struct reasons drop, reset;
	struct ring_buffer *ring;
	kernel_fn *fn;
	void *ctx;
};

/* libbpf's own messages: only its warnings, and only when asked (TCPWATCH_DEBUG). */
static int print_libbpf(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG || getenv("TCPWATCH_DEBUG") == NULL)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static void set_filters(struct tcpwatch_bpf *skel, const struct kernel_filter *f)
{
	skel->rodata->filter_family = (__u8)f->family;
	skel->rodata->filter_port = f->port < 0 ? 0 : (__u16)f->port;
	skel->rodata->filter_addr_family = (__u8)f->addr_family;
	memcpy((void *)skel->rodata->filter_addr, f->addr, sizeof(f->addr));
}

static int watch_netns(struct tcpwatch_bpf *skel, const struct kernel_filter *f)
{
	__u8 one = 1;

	for (int i = 0; i < f->nnetns; i++) {
		__u32 inum = (__u32)f->netns[i];

		if (bpf_map__update_elem(skel->maps.watched, &inum, sizeof(inum), &one, sizeof(one), BPF_ANY) < 0)
			return -1;
	}
	return 0;
}

static int on_record(void *ctx, void *data, size_t size)
{
	struct kernel *k = ctx;
	struct tcp_event ev;

	if (record_decode(data, size, &ev) == 0)
		k->fn(&ev, k->ctx);
	return 0;
}

#define VMLINUX_BTF "/sys/kernel/btf/vmlinux"

/*
 * The BTF made at build time from this kernel's, as a file for libbpf
 * (a memfd: its fd, the path in path); -1 when the running kernel's BTF is
 * not the one it was made from, and libbpf must read the whole of it.
 */
static int small_btf(char *path, size_t len)
{
	int fd;

	if (MIN_BTF_OF_SUM == 0 || btfsum_of(VMLINUX_BTF) != MIN_BTF_OF_SUM)
		return -1;
	fd = memfd_create("tcpwatch-btf", MFD_CLOEXEC);
	if (fd < 0)
		return -1;
	if (write(fd, min_btf, sizeof(min_btf)) != (ssize_t)sizeof(min_btf)) {
		close(fd);
		return -1;
	}
	snprintf(path, len, "/proc/self/fd/%d", fd);
	return fd;
}

static const char *stage_error(const char *stage, int e, char *err, size_t errlen)
{
	snprintf(err, errlen, "BPF: %s: %s%s", stage, strerror(e),
		 e == EPERM ? " (needs root, or CAP_BPF and CAP_PERFMON)" : "");
	return err;
}

struct kernel *kernel_open(const struct kernel_filter *f, char *err, size_t errlen)
{
	struct kernel *k = calloc(1, sizeof(*k));
	LIBBPF_OPTS(bpf_object_open_opts, opts);
	char btf_path[64];
	int btf_fd = -1, loaded;

	libbpf_set_print(print_libbpf);
	if (k == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	btf_fd = small_btf(btf_path, sizeof(btf_path));
	opts.btf_custom_path = btf_fd >= 0 ? btf_path : NULL;
	k->skel = tcpwatch_bpf__open_opts(&opts);
	if (k->skel == NULL) {
		stage_error("opening the programs", errno, err, errlen);
		goto fail;
	}
	set_filters(k->skel, f);
	loaded = tcpwatch_bpf__load(k->skel);
	if (btf_fd >= 0)
		close(btf_fd);
	btf_fd = -1;
	if (loaded < 0) {
		stage_error("loading the programs (is " VMLINUX_BTF " there?)", errno, err, errlen);
		goto fail;
	}
	if (watch_netns(k->skel, f) < 0) {
		stage_error("the namespace map", errno, err, errlen);
		goto fail;
	}
	if (tcpwatch_bpf__attach(k->skel) < 0) {
		stage_error("attaching to sock/inet_sock_set_state", errno, err, errlen);
		goto fail;
	}
	k->ring = ring_buffer__new(bpf_map__fd(k->skel->maps.records), on_record, k, NULL);
	if (k->ring == NULL) {
		stage_error("the ring buffer", errno, err, errlen);
		goto fail;
	}
	return k;
fail:
	if (btf_fd >= 0)
		close(btf_fd);
	kernel_close(k);
	return NULL;
}

int kernel_drain(struct kernel *k, kernel_fn *fn, void *ctx)
{
	k->fn = fn;
	k->ctx = ctx;
	return ring_buffer__consume(k->ring) < 0 ? -1 : 0;
}

int kernel_pollfd(const struct kernel *k, struct pollfd *out)
{
	*out = (struct pollfd){ .fd = ring_buffer__epoll_fd(k->ring), .events = POLLIN };
	return 1;
}

unsigned long long kernel_lost(struct kernel *k)
{
	int ncpu = libbpf_num_possible_cpus();
	unsigned long long sum = 0;
	__u32 zero = 0;
	__u64 *per_cpu;

	if (ncpu <= 0 || (per_cpu = calloc((size_t)ncpu, sizeof(*per_cpu))) == NULL)
		return 0;
	if (bpf_map__lookup_elem(k->skel->maps.lost, &zero, sizeof(zero), per_cpu,
				 (size_t)ncpu * sizeof(*per_cpu), 0) == 0)
		for (int i = 0; i < ncpu; i++)
			sum += per_cpu[i];
	free(per_cpu);
	return sum;
}

/*
 * Runs of our programs the kernel skipped: a program does not run inside
 * itself on one CPU, and each skip is a step or a segment not seen.  With a
 * program for system calls and one for softirqs on the busy tracepoints (see
 * tcpwatch.bpf.c) few are left, on the rare ones; any that is, is said.
 */
unsigned long long kernel_skipped(struct kernel *k)
{
	unsigned long long sum = 0;
	struct bpf_program *prog;

	bpf_object__for_each_program(prog, k->skel->obj) {
		struct bpf_prog_info info;
		__u32 len = sizeof(info);

		memset(&info, 0, sizeof(info));
		if (bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &len) == 0)
			sum += info.recursion_misses;
	}
	return sum;
}

/* Enum enum_name's names from the running kernel's BTF into rs (none if it has no BTF). */
static void load_reasons(struct reasons *rs, const char *enum_name, const char *prefix)
{
	struct btf *btf = btf__load_vmlinux_btf();
	int id = btf ? btf__find_by_name_kind(btf, enum_name, BTF_KIND_ENUM) : -1;
	const struct btf_type *t = id > 0 ? btf__type_by_id(btf, (__u32)id) : NULL;
	size_t skip = strlen(prefix);

	rs->prefix = prefix;
	for (int i = 0; t != NULL && i < btf_vlen(t); i++) {
		const struct btf_enum *e = btf_enum(t) + i;
		const char *name = btf__name_by_offset(btf, e->name_off);

		if (e->val < 0 || e->val >= MAX_REASONS || name == NULL)
			continue;
		rs->name[e->val] = strdup(strncmp(name, prefix, skip) == 0 ? name + skip : name);
	}
	btf__free(btf);
}

const char *kernel_reason(struct kernel *k, int reset, unsigned value)
{
	struct reasons *rs = reset ? &k->reset : &k->drop;

	if (rs->prefix == NULL) /* asked for the first time */
		load_reasons(rs, reset ? "sk_rst_reason" : "skb_drop_reason",
			     reset ? "SK_RST_REASON_" : "SKB_DROP_REASON_");
	if (value < MAX_REASONS && rs->name[value] != NULL)
		return rs->name[value];
	snprintf(rs->fallback, sizeof(rs->fallback), "REASON(%u)", value);
	return rs->fallback;
}

static void free_reasons(struct reasons *rs)
{
	for (int i = 0; i < MAX_REASONS; i++)
		free(rs->name[i]);
}

void kernel_close(struct kernel *k)
{
	if (k == NULL)
		return;
	free_reasons(&k->drop);
	free_reasons(&k->reset);
	ring_buffer__free(k->ring);
	tcpwatch_bpf__destroy(k->skel);
	free(k);
}
