/* SPDX-License-Identifier: MIT */
#ifndef TRACER_TABLE_H
#define TRACER_TABLE_H

#include <stdio.h>

void print_states(FILE *out);
void print_arrows(FILE *out);

#endif /* TRACER_TABLE_H */
