// SPDX-License-Identifier: MIT
/* Terminal control for the live diagram; every change is undone on exit. */
#include <sys/ioctl.h>

#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "screen.h"

volatile int screen_resized;

static struct termios saved_tty;
static int have_saved_tty;
static int active;

int screen_fits(int cols, int rows, int *have_cols, int *have_rows)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) < 0 || ws.ws_col == 0) {
		*have_cols = *have_rows = 0;
		return -1;
	}
	*have_cols = ws.ws_col;
	*have_rows = ws.ws_row;
	return ws.ws_col >= cols && ws.ws_row >= rows ? 0 : -1;
}

static void on_winch(int sig)
{
	(void)sig;
	screen_resized = 1;
}

void screen_leave(void)
{
	if (!active)
		return;
	active = 0;
	fputs("\033[0m\033[?25h\033[?1049l", stdout);
	fflush(stdout);
	if (have_saved_tty)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_tty);
}

void screen_enter(void)
{
	struct sigaction sa;

	if (isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved_tty) == 0) {
		struct termios raw = saved_tty;

		have_saved_tty = 1;
		raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
		raw.c_cc[VMIN] = 1;
		raw.c_cc[VTIME] = 0;
		tcsetattr(STDIN_FILENO, TCSANOW, &raw);
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_winch;
	sigaction(SIGWINCH, &sa, NULL);
	active = 1;
	atexit(screen_leave);
	fputs("\033[?1049h\033[?25l", stdout);
	fflush(stdout);
}

void screen_home(void)
{
	fputs("\033[H\033[2J", stdout);
}

int screen_key(int ms)
{
	struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
	unsigned char c;
	int n = poll(&pfd, 1, ms);

	if (n <= 0)
		return n;
	return read(STDIN_FILENO, &c, 1) == 1 ? c : -1;
}
