/* SPDX-License-Identifier: MIT */
/* Small helpers shared by server.c and client.c: nothing socket-clever here. */
#ifndef LAB_H
#define LAB_H

#include <sys/socket.h>

#include <netinet/in.h>

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

/* Exit codes: 0 done, 1 a call failed, 2 bad usage, 128+N stopped by signal N. */
enum { EXIT_USAGE = 2 };

/* Set by SIGINT, SIGTERM and SIGHUP; blocking calls then fail with EINTR. */
extern volatile sig_atomic_t lab_signal;

/* An address of either family: 192.168.100.100 or its twin 2001:db8::100. */
struct lab_addr {
	int family; /* AF_INET or AF_INET6 */
	union {
		struct in_addr v4;
		struct in6_addr v6;
	};
};

/* A socket address of either family, with its length, for bind/connect/accept. */
struct lab_sockaddr {
	union {
		struct sockaddr sa;
		struct sockaddr_in in;
		struct sockaddr_in6 in6;
	};
	socklen_t len;
};

int parse_port(const char *s, uint16_t *port);
/* A dotted quad or an IPv6 address; -1 if s is neither. */
int parse_addr(const char *s, struct lab_addr *addr);
void make_sockaddr(struct lab_sockaddr *sa, const struct lab_addr *addr, uint16_t port);
/* ADDR:PORT, or [ADDR6]:PORT. */
const char *format_sockaddr(const struct sockaddr *sa, char *buf, size_t len);

void close_keeping_errno(int fd);
int tcp_state_of(int fd);
const char *tcp_state_name(int kernel_state);

/* All that went to stdout, written; -1, the cause said on stderr, if it could not be. */
int flush_stdout(void);
/* Exit 0 once all that went to stdout is written; 1, naming the cause, if it could not be. */
_Noreturn void exit_written(void);

void catch_signals(void);
int exit_status_for_signal(void);
int wait_for_keypress(const char *who, int watch_fd);

/* How a program ends its connection on the key (see end_connection). */
enum ending { END_CLOSE, END_SHUTDOWN, END_ABORT };
int end_connection(const char *who, int fd, enum ending how);
/* Option 'S' (--shutdown) or 'R' (--abort) into *how; exit 2 if both are given. */
void choose_ending(int option, enum ending *how);

#define ADDRSTRLEN sizeof("[ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255]:65535")

#endif /* LAB_H */
