/* SPDX-License-Identifier: MIT */
/* The BPF side's records (struct bpf_record) as the tracer's events. */
#ifndef TRACER_RECORD_H
#define TRACER_RECORD_H

#include <stddef.h>

#include "event.h"

/*
 * The record of size bytes at data into ev; -1 if it is no record the BPF
 * side writes (too short, or a kind, family or state it never sends).
 */
int record_decode(const void *data, size_t size, struct tcp_event *ev);

#endif /* TRACER_RECORD_H */
