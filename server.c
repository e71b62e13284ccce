// SPDX-License-Identifier: MIT
/*
 * server: the tutorial's blocking TCP server.  It listens on
 * 192.168.100.100:32000, accepts one connection, then waits for a key before
 * closing it, so every state of the connection can be watched with ss.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "common/lab.h"

#define SERVER_IP_ADDRESS "192.168.100.100"
#define SERVER_IP6_ADDRESS "2001:db8::100" /* its twin, with -6 */
#define SERVER_PORT 32000
#define BACKLOG 10

struct options {
	struct lab_sockaddr listen_on;
	enum ending ending;
	int close_first; /* close as soon as the connection is accepted */
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: server [-6] [-a ADDR] [-p PORT] [--shutdown | --abort] [--close-first]\n"
		"\n"
		"Listen on ADDR:PORT, accept one connection, then close it and\n"
		"the listener when a key is pressed (or stdin reaches EOF).\n"
		"\n"
		"  -a, --addr ADDR   address to listen on, IPv4 or IPv6 (default %s)\n"
		"  -6, --ipv6        the default address's IPv6 twin, %s\n"
		"  -p, --port PORT   port to listen on (default %d)\n"
		"      --shutdown    half close: on the key shutdown(SHUT_WR) sends our\n"
		"                    FIN while we keep reading; a second key closes\n"
		"      --abort       abortive close: SO_LINGER 0, so close() sends RST\n"
		"                    and the connection skips FIN_WAIT and TIME_WAIT\n"
		"      --close-first close as soon as the connection is accepted, no\n"
		"                    key: the server, not the client, closes first\n"
		"  -h, --help        show this help\n"
		"\n"
		"EXAMPLES\n"
		"  ./server                     the tutorial's server\n"
		"  ./server -p 32001            a second server beside the first\n"
		"  ./server --close-first       the server closes first: it gets TIME_WAIT\n"
		"  ./server --abort             a key resets the connection (RST)\n"
		"  ./server -6                  the same over IPv6\n",
		SERVER_IP_ADDRESS, SERVER_IP6_ADDRESS, SERVER_PORT);
}

static void parse_options(int argc, char **argv, struct options *opt)
{
	static const struct option longopts[] = {
		{ "addr", required_argument, NULL, 'a' },
		{ "ipv6", no_argument, NULL, '6' },
		{ "port", required_argument, NULL, 'p' },
		{ "shutdown", no_argument, NULL, 'S' },
		{ "abort", no_argument, NULL, 'R' },
		{ "close-first", no_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct lab_addr addr;
	uint16_t port = SERVER_PORT;
	int c, have_addr = 0, ipv6 = 0;

	opt->ending = END_CLOSE;
	opt->close_first = 0;
	while ((c = getopt_long(argc, argv, "a:p:6h", longopts, NULL)) != -1) {
		switch (c) {
		case 'a':
			if (parse_addr(optarg, &addr) < 0)
				errx(EXIT_USAGE, "bad address '%s': want IPv4 like %s or IPv6 like %s",
				     optarg, SERVER_IP_ADDRESS, SERVER_IP6_ADDRESS);
			have_addr = 1;
			break;
		case '6':
			ipv6 = 1;
			break;
		case 'p':
			if (parse_port(optarg, &port) < 0)
				errx(EXIT_USAGE, "bad port '%s': want 1-65535", optarg);
			break;
		case 'S':
		case 'R':
			choose_ending(c, &opt->ending);
			break;
		case 'F':
			opt->close_first = 1;
			break;
		case 'h':
			usage(stdout);
			exit_written();
		default: /* getopt has named the option */
			fputs("try 'server --help'\n", stderr);
			exit(EXIT_USAGE);
		}
	}
	if (optind < argc)
		errx(EXIT_USAGE, "unexpected argument '%s' (try --help)", argv[optind]);
	if (have_addr && ipv6 && addr.family != AF_INET6)
		errx(EXIT_USAGE, "-6 and an IPv4 address exclude each other");
	if (!have_addr)
		parse_addr(ipv6 ? SERVER_IP6_ADDRESS : SERVER_IP_ADDRESS, &addr);
	make_sockaddr(&opt->listen_on, &addr, port);
}

/* socket, SO_REUSEADDR, bind, listen: returns the listening fd or -1. */
static int open_listener(const struct lab_sockaddr *on, const char **failed)
{
	int one = 1;
	int fd = socket(on->sa.sa_family, SOCK_STREAM, 0);

	*failed = "socket";
	if (fd < 0)
		return -1;
	*failed = "setsockopt SO_REUSEADDR";
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0)
		goto fail;
	*failed = "bind";
	if (bind(fd, &on->sa, on->len) < 0)
		goto fail;
	*failed = "listen";
	if (listen(fd, BACKLOG) < 0)
		goto fail;
	return fd;
fail:
	close_keeping_errno(fd);
	return -1;
}

int main(int argc, char **argv)
{
	struct options opt;
	struct lab_sockaddr peer;
	socklen_t peer_len = sizeof(peer.in6);
	char here[ADDRSTRLEN], there[ADDRSTRLEN];
	const char *failed;
	int listen_fd, conn_fd, status = 0;

	parse_options(argc, argv, &opt);
	setvbuf(stdout, NULL, _IOLBF, 0);
	catch_signals();
	format_sockaddr(&opt.listen_on.sa, here, sizeof(here));

	listen_fd = open_listener(&opt.listen_on, &failed);
	if (listen_fd < 0)
		err(1, "%s %s", failed, here);
	printf("server: listening on %s [%s]\n", here,
	       tcp_state_name(tcp_state_of(listen_fd)));

	conn_fd = accept(listen_fd, &peer.sa, &peer_len);
	if (conn_fd < 0) {
		if (lab_signal) {
			status = exit_status_for_signal();
		} else {
			warn("accept on %s", here);
			status = 1;
		}
		goto close_listener;
	}
	format_sockaddr(&peer.sa, there, sizeof(there));
	printf("server: Accepted connection from %s [%s]\n", there,
	       tcp_state_name(tcp_state_of(conn_fd)));

	if (!opt.close_first) {
		printf("server: press any key to exit\n");
		if (wait_for_keypress("server", conn_fd) < 0 && lab_signal)
			status = exit_status_for_signal();
	}

	printf("server: closing connection %s -> %s (was %s)\n", here, there,
	       tcp_state_name(tcp_state_of(conn_fd)));
	if (end_connection("server", conn_fd, opt.ending) < 0) {
		warn("close connection from %s", there);
		status = 1;
	}
close_listener:
	printf("server: closing listener %s\n", here);
	if (close(listen_fd) < 0) {
		warn("close listener %s", here);
		status = 1;
	}
	if (lab_signal)
		fprintf(stderr, "server: stopped by signal %d\n", (int)lab_signal);
	return status;
}
