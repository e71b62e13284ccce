/* SPDX-License-Identifier: MIT */
/*
 * The terminal for the full-screen diagram: alternate screen, no cursor,
 * keys without Enter; all put back on every way out (exit, signal).
 */
#ifndef TRACER_SCREEN_H
#define TRACER_SCREEN_H

/* 0 if the terminal on stdout is at least cols x rows; else -1 and its size. */
int screen_fits(int cols, int rows, int *have_cols, int *have_rows);
/* Enter full-screen mode; screen_leave (also run at exit) undoes it. */
void screen_enter(void);
void screen_leave(void);
/* Clear and home, ready for a frame. */
void screen_home(void);
/* Wait up to ms for a key; the key, 0 on timeout, -1 on error or EOF. */
int screen_key(int ms);
/* Set when the terminal was resized. */
extern volatile int screen_resized;

#endif /* TRACER_SCREEN_H */
