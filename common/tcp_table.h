/* SPDX-License-Identifier: MIT */
/*
 * The one table of the lab: the states and arrows of the TCP state diagram
 * (RFC 9293, section 3.3.2).  Everything else -- the programs' narration,
 * tcplab's freezer, the tracer, the drawings and the docs -- reads it from
 * here, through these X-macros or through a program that prints it.
 */
#ifndef TCP_TABLE_H
#define TCP_TABLE_H

/*
 * X(NAME, kernel TCP_* number, how ss spells it, how RFC 9293 spells it)
 * NAME is the lab's spelling, the one the tutorial uses.
 */
#define TCP_STATES(X)                                          \
	X(CLOSED, 7, "UNCONN", "CLOSED")                                     \
	X(LISTEN, 10, "LISTEN", "LISTEN")                                    \
	X(SYN_SENT, 2, "SYN-SENT", "SYN-SENT")                               \
	X(SYN_RECV, 3, "SYN-RECV", "SYN-RECEIVED")                           \
	X(ESTABLISHED, 1, "ESTAB", "ESTABLISHED")                            \
	X(FIN_WAIT1, 4, "FIN-WAIT-1", "FIN-WAIT-1")                          \
	X(FIN_WAIT2, 5, "FIN-WAIT-2", "FIN-WAIT-2")                          \
	X(CLOSE_WAIT, 8, "CLOSE-WAIT", "CLOSE-WAIT")                         \
	X(CLOSING, 11, "CLOSING", "CLOSING")                                 \
	X(LAST_ACK, 9, "LAST-ACK", "LAST-ACK")                               \
	X(TIME_WAIT, 6, "TIME-WAIT", "TIME-WAIT")

/* The states as an enum, in table order: LAB_CLOSED, LAB_LISTEN, ... */
enum lab_state {
#define LAB_STATE_ENUM(name, num, ss, rfc) LAB_##name,
	TCP_STATES(LAB_STATE_ENUM)
#undef LAB_STATE_ENUM
	LAB_STATES,		/* how many */
	LAB_UNKNOWN = -1	/* not known (yet) */
};

/*
 * X(FROM, TO, event, action, end that usually takes it, reachable on Linux,
 *   drawn in the RFC's figure)
 * Labels follow the diagram: "event / action", "x" where nothing is sent.
 * The end is "client", "server" or "either".  The one arrow the figure
 * does not draw is the abortive close, which RFC 9293 gives in its text
 * (ABORT call, RST arrival) and which Linux takes on SO_LINGER 0.
 */
#define TCP_ARROWS(X)                                                        \
	X(CLOSED, LISTEN, "passive OPEN", "create TCB", "server", 1, 1)      \
	X(LISTEN, CLOSED, "CLOSE", "delete TCB", "server", 1, 1)             \
	X(CLOSED, SYN_SENT, "active OPEN", "snd SYN", "client", 1, 1)        \
	X(LISTEN, SYN_RECV, "rcv SYN", "snd SYN,ACK", "server", 1, 1)        \
	X(LISTEN, SYN_SENT, "SEND", "snd SYN", "server", 0, 1)               \
	X(SYN_SENT, SYN_RECV, "rcv SYN", "snd SYN,ACK", "either", 1, 1)      \
	X(SYN_SENT, ESTABLISHED, "rcv SYN,ACK", "snd ACK", "client", 1, 1)   \
	X(SYN_SENT, CLOSED, "CLOSE", "delete TCB", "client", 1, 1)           \
	X(SYN_RECV, ESTABLISHED, "rcv ACK of SYN", "x", "server", 1, 1)      \
	X(SYN_RECV, LISTEN, "rcv RST", "x", "server", 1, 1)                  \
	X(SYN_RECV, FIN_WAIT1, "CLOSE", "snd FIN", "either", 1, 1)           \
	X(ESTABLISHED, FIN_WAIT1, "CLOSE", "snd FIN", "either", 1, 1)        \
	X(ESTABLISHED, CLOSE_WAIT, "rcv FIN", "snd ACK", "either", 1, 1)     \
	X(FIN_WAIT1, FIN_WAIT2, "rcv ACK of FIN", "x", "either", 1, 1)       \
	X(FIN_WAIT1, CLOSING, "rcv FIN", "snd ACK", "either", 1, 1)          \
	X(FIN_WAIT1, TIME_WAIT, "rcv FIN,ACK", "snd ACK", "either", 1, 1)    \
	X(FIN_WAIT2, TIME_WAIT, "rcv FIN", "snd ACK", "either", 1, 1)        \
	X(CLOSING, TIME_WAIT, "rcv ACK of FIN", "x", "either", 1, 1)         \
	X(CLOSE_WAIT, LAST_ACK, "CLOSE", "snd FIN", "either", 1, 1)          \
	X(LAST_ACK, CLOSED, "rcv ACK of FIN", "x", "either", 1, 1)           \
	X(TIME_WAIT, CLOSED, "Timeout=2MSL", "delete TCB", "either", 1, 1)   \
	X(ESTABLISHED, CLOSED, "ABORT", "snd RST", "either", 1, 0)

#endif /* TCP_TABLE_H */
