// SPDX-License-Identifier: MIT
/* Port and address parsing, TCP state names, signals and "press any key". */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <err.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "lab.h"
#include "tcp_table.h"

volatile sig_atomic_t lab_signal;

/* Accept 1-65535 written in decimal, nothing else. */
int parse_port(const char *s, uint16_t *port)
{
	char *end;
	unsigned long v;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < 1 || v > 65535)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

/* A dotted quad (inet_pton rejects 300.1.1.1 and "1.2.3") or an IPv6 address. */
int parse_addr(const char *s, struct lab_addr *addr)
{
	memset(addr, 0, sizeof(*addr));
	if (inet_pton(AF_INET, s, &addr->v4) == 1)
		addr->family = AF_INET;
	else if (inet_pton(AF_INET6, s, &addr->v6) == 1)
		addr->family = AF_INET6;
	else
		return -1;
	return 0;
}

void make_sockaddr(struct lab_sockaddr *sa, const struct lab_addr *addr, uint16_t port)
{
	memset(sa, 0, sizeof(*sa));
	if (addr->family == AF_INET6) {
		sa->in6.sin6_family = AF_INET6;
		sa->in6.sin6_addr = addr->v6;
		sa->in6.sin6_port = htons(port);
		sa->len = sizeof(sa->in6);
	} else {
		sa->in.sin_family = AF_INET;
		sa->in.sin_addr = addr->v4;
		sa->in.sin_port = htons(port);
		sa->len = sizeof(sa->in);
	}
}

const char *format_sockaddr(const struct sockaddr *sa, char *buf, size_t len)
{
	char ip[INET6_ADDRSTRLEN] = "?";

	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;

		inet_ntop(AF_INET6, &in6->sin6_addr, ip, sizeof(ip));
		snprintf(buf, len, "[%s]:%u", ip, (unsigned)ntohs(in6->sin6_port));
	} else {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;

		inet_ntop(AF_INET, &in->sin_addr, ip, sizeof(ip));
		snprintf(buf, len, "%s:%u", ip, (unsigned)ntohs(in->sin_port));
	}
	return buf;
}

/* For failure paths: close fd without losing the errno that explains why. */
void close_keeping_errno(int fd)
{
	int saved = errno;

	close(fd);
	errno = saved;
}

/* The kernel's TCP_* state of a socket, or -1 if it cannot be read. */
int tcp_state_of(int fd)
{
	struct tcp_info info;
	socklen_t len = sizeof(info);

	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &len) < 0)
		return -1;
	return info.tcpi_state;
}

/* The lab's name for a kernel state; unknown numbers print as STATE(n). */
const char *tcp_state_name(int kernel_state)
{
	static char unknown[sizeof("STATE(-2147483648)")];

	switch (kernel_state) {
#define STATE_CASE(name, num, ss, rfc) \
	case num:                      \
		return #name;
		TCP_STATES(STATE_CASE)
#undef STATE_CASE
	}
	snprintf(unknown, sizeof(unknown), "STATE(%d)", kernel_state);
	return unknown;
}

static void note_signal(int sig)
{
	lab_signal = sig;
}

/* No SA_RESTART: accept(), poll() and read() return EINTR so main can clean up. */
void catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = note_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

int exit_status_for_signal(void)
{
	return 128 + lab_signal;
}

static void report_state_change(const char *who, int fd, int *last)
{
	int now = tcp_state_of(fd);

	if (now < 0 || now == *last)
		return;
	printf("%s: connection is now %s\n", who, tcp_state_name(now));
	*last = now;
}

/* Wait for one byte (or EOF) on stdin, watching watch_fd's state meanwhile. */
static int read_key(const char *who, int watch_fd)
{
	struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
	int last = watch_fd >= 0 ? tcp_state_of(watch_fd) : -1;
	char c;

	for (;;) {
		int n = poll(&pfd, 1, watch_fd >= 0 ? 100 : -1);

		if (n < 0)
			return -1;
		if (n > 0)
			return read(STDIN_FILENO, &c, 1) < 0 ? -1 : 0;
		report_state_change(who, watch_fd, &last);
	}
}

/*
 * "Press any key": on a terminal any single key counts (raw mode, restored
 * before returning, whatever happened); otherwise one byte or EOF does, so a
 * pipe or FIFO can drive the program.  Returns 0, or -1 with errno set.
 */
int wait_for_keypress(const char *who, int watch_fd)
{
	struct termios saved, raw;
	int tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0;
	int rc, saved_errno;

	if (tty) {
		raw = saved;
		raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
		raw.c_cc[VMIN] = 1;
		raw.c_cc[VTIME] = 0;
		tcsetattr(STDIN_FILENO, TCSANOW, &raw);
	}
	rc = read_key(who, watch_fd);
	saved_errno = errno;
	if (tty)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
	errno = saved_errno;
	return rc;
}

void choose_ending(int option, enum ending *how)
{
	if (*how != END_CLOSE)
		errx(EXIT_USAGE, "--shutdown and --abort exclude each other");
	*how = option == 'S' ? END_SHUTDOWN : END_ABORT;
}

/*
 * End a connection the chosen way: close(); or shutdown(SHUT_WR) -- our FIN,
 * while we still read -- then a second key, then close(); or an abortive
 * close: SO_LINGER with a zero timeout makes close() send RST, not FIN.
 */
int end_connection(const char *who, int fd, enum ending how)
{
	struct linger abort_now = { .l_onoff = 1, .l_linger = 0 };

	if (how == END_ABORT) {
		printf("%s: SO_LINGER 0: close() will send RST, not FIN\n", who);
		if (setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort_now, sizeof(abort_now)) < 0)
			return -1;
	}
	if (how == END_SHUTDOWN) {
		if (shutdown(fd, SHUT_WR) < 0)
			return -1;
		printf("%s: shutdown(SHUT_WR): FIN sent, still reading [%s]\n", who,
		       tcp_state_name(tcp_state_of(fd)));
		printf("%s: press any key to close\n", who);
		wait_for_keypress(who, fd);
		printf("%s: closing (was %s)\n", who, tcp_state_name(tcp_state_of(fd)));
	}
	return close(fd);
}

int flush_stdout(void)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return 0;
	warn("writing the output");
	return -1;
}

_Noreturn void exit_written(void)
{
	exit(flush_stdout() < 0 ? 1 : 0);
}
