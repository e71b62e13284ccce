// SPDX-License-Identifier: MIT
/*
 * tcpwatch: the lab's view of the TCP state machine.  For now it exports the
 * one table of states and arrows (common/tcp_table.h) so that tcplab, the
 * tests and the docs read it instead of repeating it.
 */
#include <err.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "../common/lab.h"
#include "table.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: tcpwatch --list-states | --list-arrows\n"
		"\n"
		"  --list-states   NAME, kernel number, ss spelling, RFC 9293 spelling\n"
		"  --list-arrows   FROM, TO, event, action, usual end, reachable on Linux\n"
		"  -h, --help      show this help\n"
		"\n"
		"Output is one row per line, fields separated by tabs.\n"
		"\n"
		"EXAMPLES\n"
		"  ./tcpwatch --list-states | cut -f1\n"
		"  ./tcpwatch --list-arrows | awk -F'\\t' '$6 == \"no\"'\n");
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "list-states", no_argument, NULL, 'S' },
		{ "list-arrows", no_argument, NULL, 'A' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, what = 0;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'S':
		case 'A':
			if (what && what != c)
				errx(EXIT_USAGE, "--list-states and --list-arrows exclude each other");
			what = c;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc)
		errx(EXIT_USAGE, "unexpected argument '%s' (try --help)", argv[optind]);
	if (what == 'S')
		print_states(stdout);
	else if (what == 'A')
		print_arrows(stdout);
	else
		errx(EXIT_USAGE, "nothing to do: give --list-states or --list-arrows (try --help)");
	return 0;
}
