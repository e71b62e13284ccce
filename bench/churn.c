// SPDX-License-Identifier: MIT
/*
 * churn: the bench's workload.  N connections, one after the other, from
 * 192.168.100.51 (any port) to a listener of its own on
 * 192.168.100.100:32000, in the namespace it runs in: the client closes
 * first, the server closes when it reads the end.  It prints each
 * connection's client port, so the bench knows the ground truth.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct sockaddr_in endpoint(const char *ip, unsigned short port)
{
	struct sockaddr_in sa;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons(port);
	if (inet_pton(AF_INET, ip, &sa.sin_addr) != 1)
		errx(2, "bad address %s", ip);
	return sa;
}

static int listener(void)
{
	struct sockaddr_in sa = endpoint("192.168.100.100", 32000);
	int one = 1, fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 128) < 0)
		err(1, "listen on 192.168.100.100:32000");
	return fd;
}

/* One connection, start to end; its client port. */
static unsigned short one_connection(int lfd)
{
	struct sockaddr_in to = endpoint("192.168.100.100", 32000), from = endpoint("192.168.100.51", 0);
	struct sockaddr_in me;
	socklen_t len = sizeof(me);
	char c;
	int cfd = socket(AF_INET, SOCK_STREAM, 0), sfd;

	if (cfd < 0 || bind(cfd, (struct sockaddr *)&from, sizeof(from)) < 0 ||
	    connect(cfd, (struct sockaddr *)&to, sizeof(to)) < 0)
		err(1, "connect");
	sfd = accept(lfd, NULL, NULL);
	if (sfd < 0)
		err(1, "accept");
	getsockname(cfd, (struct sockaddr *)&me, &len);
	close(cfd);
	if (read(sfd, &c, 1) != 0)
		errx(1, "expected the end of the stream");
	close(sfd);
	return ntohs(me.sin_port);
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 10000;
	int lfd;

	if (n < 1 || n > 25000)
		errx(2, "usage: churn [N]   (1-25000 connections)");
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	lfd = listener();
	for (long i = 0; i < n; i++)
		printf("%u\n", one_connection(lfd));
	close(lfd);
	return 0;
}
