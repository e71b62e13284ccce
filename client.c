// SPDX-License-Identifier: MIT
/*
 * client: the tutorial's blocking TCP client.  It binds its own address and
 * port (192.168.100.51:32089), connects to the server, then waits for a key
 * before closing, so every state of the connection can be watched with ss.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "common/lab.h"

#define CLIENT_IP_ADDRESS "192.168.100.51"
#define CLIENT_IP6_ADDRESS "2001:db8::51" /* the twins, with -6 */
#define CLIENT_PORT 32089
#define SERVER_IP_ADDRESS "192.168.100.100"
#define SERVER_IP6_ADDRESS "2001:db8::100"
#define SERVER_PORT 32000

struct options {
	struct lab_sockaddr bind_to;
	struct lab_sockaddr server;
	long timeout_ms; /* 0: wait as long as the kernel retries */
	int syn_retries; /* 0: the kernel's default */
	enum ending ending;
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: client [-6] [-a ADDR] [-s SERVER_ADDR] [-P SERVER_PORT] [-t SECONDS]\n"
		"              [--syn-retries N] [--shutdown | --abort] [--mirror]\n"
		"              [-p PORT | CLIENT_PORT]\n"
		"\n"
		"Bind ADDR:PORT, connect to SERVER_ADDR:SERVER_PORT, then close the\n"
		"connection when a key is pressed (or stdin reaches EOF).  While the\n"
		"SYN goes unanswered, each retransmission is reported.\n"
		"\n"
		"  -a, --addr ADDR          address to bind, IPv4 or IPv6 (default %s)\n"
		"  -p, --port PORT          port to bind (default %d); the optional\n"
		"                           CLIENT_PORT argument means the same\n"
		"  -s, --server-addr ADDR   server address (default %s)\n"
		"  -6, --ipv6               the defaults' IPv6 twins, %s and %s\n"
		"  -P, --server-port PORT   server port (default %d)\n"
		"  -t, --timeout SECONDS    give up connecting after SECONDS (default:\n"
		"                           when the kernel does, about 135 s)\n"
		"      --syn-retries N      let the kernel send the SYN at most N more\n"
		"                           times (TCP_SYNCNT, 1-127) before giving up\n"
		"      --shutdown           half close: on the key shutdown(SHUT_WR) sends\n"
		"                           our FIN while we keep reading; a second key\n"
		"                           closes\n"
		"      --abort              abortive close: SO_LINGER 0, so close() sends\n"
		"                           RST and the connection skips TIME_WAIT\n"
		"      --mirror             simultaneous open: bind the server's address\n"
		"                           and port and connect to the client's; run it\n"
		"                           with a plain ./client and both SYNs cross\n"
		"  -h, --help               show this help\n"
		"\n"
		"EXAMPLES\n"
		"  ./client                 the tutorial's client\n"
		"  ./client 32090           run again while 32089 sits in TIME_WAIT\n"
		"  ./client -t 5            stop waiting for a dropped SYN after 5 s\n"
		"  ./client --abort         a key resets the connection (RST)\n"
		"  ./client --mirror        the other end of a simultaneous open\n"
		"  ./client -6              the same over IPv6\n",
		CLIENT_IP_ADDRESS, CLIENT_PORT, SERVER_IP_ADDRESS, CLIENT_IP6_ADDRESS, SERVER_IP6_ADDRESS,
		SERVER_PORT);
}

static long parse_seconds(const char *s)
{
	char *end;
	long v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < 1 || v > 86400)
		return -1;
	return v * 1000;
}

static int parse_syn_retries(const char *s)
{
	uint16_t n;

	return parse_port(s, &n) < 0 || n > 127 ? -1 : n;
}

/*
 * The addresses not given: the tutorial's, their IPv6 twins with -6,
 * swapped with --mirror (the client binds the server's end); both ends of
 * one family.
 */
static void default_addresses(int ipv6, int mirror, struct lab_addr *addr, struct lab_addr *server_addr)
{
	const char *mine = ipv6 ? CLIENT_IP6_ADDRESS : CLIENT_IP_ADDRESS;
	const char *theirs = ipv6 ? SERVER_IP6_ADDRESS : SERVER_IP_ADDRESS;

	if (addr->family == 0)
		parse_addr(mirror ? theirs : mine, addr);
	if (server_addr->family == 0)
		parse_addr(mirror ? mine : theirs, server_addr);
	if (addr->family != server_addr->family)
		errx(EXIT_USAGE, "the address to bind and the server's are of two families (-6 for IPv6)");
	if (ipv6 && addr->family != AF_INET6)
		errx(EXIT_USAGE, "-6 and IPv4 addresses exclude each other");
}

static void parse_options(int argc, char **argv, struct options *opt)
{
	static const struct option longopts[] = {
		{ "addr", required_argument, NULL, 'a' },
		{ "port", required_argument, NULL, 'p' },
		{ "server-addr", required_argument, NULL, 's' },
		{ "server-port", required_argument, NULL, 'P' },
		{ "timeout", required_argument, NULL, 't' },
		{ "syn-retries", required_argument, NULL, 'N' },
		{ "shutdown", no_argument, NULL, 'S' },
		{ "abort", no_argument, NULL, 'R' },
		{ "mirror", no_argument, NULL, 'M' },
		{ "ipv6", no_argument, NULL, '6' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct lab_addr addr = { 0 }, server_addr = { 0 };
	uint16_t port = CLIENT_PORT, server_port = SERVER_PORT;
	int c, ipv6 = 0, mirror = 0;

	opt->timeout_ms = 0;
	opt->syn_retries = 0;
	opt->ending = END_CLOSE;
	while ((c = getopt_long(argc, argv, "a:p:s:P:t:6h", longopts, NULL)) != -1) {
		switch (c) {
		case 'a':
		case 's':
			if (parse_addr(optarg, c == 'a' ? &addr : &server_addr) < 0)
				errx(EXIT_USAGE, "bad address '%s': want IPv4 like %s or IPv6 like %s",
				     optarg, CLIENT_IP_ADDRESS, CLIENT_IP6_ADDRESS);
			break;
		case '6':
			ipv6 = 1;
			break;
		case 'p':
		case 'P':
			if (parse_port(optarg, c == 'p' ? &port : &server_port) < 0)
				errx(EXIT_USAGE, "bad port '%s': want 1-65535", optarg);
			break;
		case 't':
			opt->timeout_ms = parse_seconds(optarg);
			if (opt->timeout_ms < 0)
				errx(EXIT_USAGE, "bad timeout '%s': want 1-86400 seconds", optarg);
			break;
		case 'N':
			opt->syn_retries = parse_syn_retries(optarg);
			if (opt->syn_retries < 0)
				errx(EXIT_USAGE, "bad SYN retries '%s': want 1-127", optarg);
			break;
		case 'S':
		case 'R':
			choose_ending(c, &opt->ending);
			break;
		case 'M':
			mirror = 1;
			port = SERVER_PORT;
			server_port = CLIENT_PORT;
			break;
		case 'h':
			usage(stdout);
			exit_written();
		default: /* getopt has named the option */
			fputs("try 'client --help'\n", stderr);
			exit(EXIT_USAGE);
		}
	}
	if (optind < argc && parse_port(argv[optind++], &port) < 0)
		errx(EXIT_USAGE, "bad CLIENT_PORT '%s': want 1-65535", argv[optind - 1]);
	if (optind < argc)
		errx(EXIT_USAGE, "unexpected argument '%s' (try --help)", argv[optind]);
	default_addresses(ipv6, mirror, &addr, &server_addr);
	make_sockaddr(&opt->bind_to, &addr, port);
	make_sockaddr(&opt->server, &server_addr, server_port);
}

/* socket, SO_REUSEADDR, bind, TCP_SYNCNT: returns the bound fd or -1. */
static int open_bound_socket(const struct lab_sockaddr *at, int syn_retries, const char **failed)
{
	int one = 1;
	int fd = socket(at->sa.sa_family, SOCK_STREAM, 0);

	*failed = "socket";
	if (fd < 0)
		return -1;
	*failed = "setsockopt SO_REUSEADDR";
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0)
		goto fail;
	*failed = "bind";
	if (bind(fd, &at->sa, at->len) < 0)
		goto fail;
	*failed = "setsockopt TCP_SYNCNT";
	if (syn_retries > 0 &&
	    setsockopt(fd, IPPROTO_TCP, TCP_SYNCNT, &syn_retries, sizeof(syn_retries)) < 0)
		goto fail;
	return fd;
fail:
	close_keeping_errno(fd);
	return -1;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Say so each time the kernel sends the SYN again: nothing came back. */
static void report_retransmissions(int fd, unsigned *seen)
{
	struct tcp_info info;
	socklen_t len = sizeof(info);

	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &len) < 0)
		return;
	if (info.tcpi_total_retrans <= *seen)
		return;
	*seen = info.tcpi_total_retrans;
	printf("client: SYN retransmission #%u, still %s: no SYN,ACK came back"
	       " (is the SYN or the SYN,ACK being dropped?)\n",
	       *seen, tcp_state_name(info.tcpi_state));
}

/* Wait for a non-blocking connect to finish, reporting retransmissions. */
static int wait_for_connect(int fd, long timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };
	long deadline = now_ms() + timeout_ms;
	unsigned seen = 0;
	int error = 0;
	socklen_t len = sizeof(error);

	for (;;) {
		int n = poll(&pfd, 1, 100);

		if (n < 0)
			return -1;
		if (n > 0)
			break;
		report_retransmissions(fd, &seen);
		if (timeout_ms > 0 && now_ms() >= deadline) {
			errno = ETIMEDOUT;
			return -1;
		}
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len) < 0)
		return -1;
	errno = error;
	return error ? -1 : 0;
}

/* connect() without blocking, so the wait in SYN_SENT can be narrated. */
static int connect_reporting(int fd, const struct lab_sockaddr *to, long timeout_ms)
{
	int flags = fcntl(fd, F_GETFL);

	if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
		return -1;
	if (connect(fd, &to->sa, to->len) < 0) {
		if (errno != EINPROGRESS)
			return -1;
		if (tcp_state_of(fd) == TCP_SYN_SENT)
			printf("client: SYN sent, waiting for the SYN,ACK [%s]\n",
			       tcp_state_name(TCP_SYN_SENT));
		if (wait_for_connect(fd, timeout_ms) < 0)
			return -1;
	}
	return fcntl(fd, F_SETFL, flags);
}

int main(int argc, char **argv)
{
	struct options opt;
	char here[ADDRSTRLEN], there[ADDRSTRLEN];
	const char *failed;
	int fd, status = 0;

	parse_options(argc, argv, &opt);
	setvbuf(stdout, NULL, _IOLBF, 0);
	catch_signals();
	format_sockaddr(&opt.bind_to.sa, here, sizeof(here));
	format_sockaddr(&opt.server.sa, there, sizeof(there));

	fd = open_bound_socket(&opt.bind_to, opt.syn_retries, &failed);
	if (fd < 0)
		err(1, "%s %s", failed, here);
	printf("client: bound %s, connecting to %s\n", here, there);

	if (connect_reporting(fd, &opt.server, opt.timeout_ms) < 0) {
		if (lab_signal) {
			status = exit_status_for_signal();
		} else {
			warn("connect %s -> %s", here, there);
			status = 1;
		}
		goto close_socket;
	}
	printf("client: connected %s -> %s [%s]\n", here, there,
	       tcp_state_name(tcp_state_of(fd)));

	printf("client: press any key to continue\n");
	if (wait_for_keypress("client", fd) < 0 && lab_signal)
		status = exit_status_for_signal();
	printf("client: closing connection %s -> %s (was %s)\n", here, there,
	       tcp_state_name(tcp_state_of(fd)));
	if (end_connection("client", fd, opt.ending) < 0) {
		warn("close %s", here);
		status = 1;
	}
	goto out;
close_socket:
	if (close(fd) < 0) {
		warn("close %s", here);
		status = 1;
	}
out:
	if (lab_signal)
		fprintf(stderr, "client: stopped by signal %d\n", (int)lab_signal);
	return status;
}
