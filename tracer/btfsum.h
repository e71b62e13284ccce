/* SPDX-License-Identifier: MIT */
/*
 * One checksum of a kernel's BTF, the same at build time (tracer/btfsum,
 * which make runs) and at run time (kernel.c): FNV-1a over 64-bit words, so
 * that 5 MiB take about a millisecond.  It tells one kernel's BTF from
 * another's, nothing more.
 */
#ifndef TRACER_BTFSUM_H
#define TRACER_BTFSUM_H

#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

/* The checksum of file path; 0 if it cannot be read. */
static inline uint64_t btfsum_of(const char *path)
{
	static uint64_t buf[8192];
	uint64_t h = 14695981039346656037ull, len = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return 0;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		size_t words = ((size_t)n + 7) / 8;

		memset((char *)buf + n, 0, words * 8 - (size_t)n);
		for (size_t i = 0; i < words; i++)
			h = (h ^ buf[i]) * 1099511628211ull;
		len += (uint64_t)n;
	}
	close(fd);
	return n < 0 ? 0 : (h ^ len) | 1; /* never 0 */
}

#endif /* TRACER_BTFSUM_H */
