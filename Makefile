# SPDX-License-Identifier: MIT
# TCP State Lab.  `make` builds the tutorial's server and client.

CC      ?= cc
CFLAGS  ?= -O2 -g
WARN    := -std=c11 -D_DEFAULT_SOURCE -Wall -Wextra -Wpedantic -Wshadow \
           -Wformat=2 -Wstrict-prototypes -Wmissing-prototypes -Werror
PREFIX  ?= /usr/local
LIBEXEC := $(PREFIX)/libexec/tcplab

PROGRAMS := server client tcpwatch
TRACER   := tracer/tcpwatch.c tracer/table.c tracer/tracepoint.c tracer/render.c tracer/mem.c \
            tracer/rfc.c tracer/packets.c tracer/diag.c tracer/netns.c \
            tracer/diagram.c tracer/replay.c tracer/screen.c tracer/view.c
# -isystem: the libraries' own headers are not held to our -Wpedantic.
TRACE_CFLAGS := $(patsubst -I%,-isystem %,$(shell pkg-config --cflags libtracefs libtraceevent 2>/dev/null))
TRACE_LIBS   := $(shell pkg-config --libs libtracefs libtraceevent 2>/dev/null || echo -ltracefs -ltraceevent)
COMMON   := common/lab.c
HEADERS  := common/lab.h common/tcp_table.h $(wildcard tracer/*.h)
SCRIPTS  := tcplab server-state.sh

.PHONY: all deps test test-fast demo docs bench clean install uninstall

all: $(PROGRAMS)

# What the build, the lab and the tests need, from Debian's archive: only
# what is missing, before anything is compiled (as root).
deps:
	@./tcplab deps --install

server: server.c $(COMMON) $(HEADERS)
	$(CC) $(WARN) $(CFLAGS) $(CPPFLAGS) -o $@ server.c $(COMMON) $(LDFLAGS)

client: client.c $(COMMON) $(HEADERS)
	$(CC) $(WARN) $(CFLAGS) $(CPPFLAGS) -o $@ client.c $(COMMON) $(LDFLAGS)

tcpwatch: $(TRACER) $(HEADERS)
	@pkg-config --exists libtracefs libtraceevent || { \
		echo "make: tcpwatch needs libtracefs-dev and libtraceevent-dev: 'make deps' (as root) installs them" >&2; exit 2; }
	$(CC) $(WARN) $(CFLAGS) $(CPPFLAGS) $(TRACE_CFLAGS) -o $@ $(TRACER) common/lab.c \
		$(LDFLAGS) $(TRACE_LIBS)

# deps first, then a make of its own: the libraries' flags are read once they are there.
test: deps
	@$(MAKE) --no-print-directory all
	tests/run $(BATS_FLAGS)

# Everything but the tests tagged slow (minute-long kernel timers).
test-fast: deps
	@$(MAKE) --no-print-directory all
	tests/run --filter-tags '!slow' $(BATS_FLAGS)

demo: deps
	@$(MAKE) --no-print-directory all
	./tcplab demo
	./tcplab tour

bench/churn: bench/churn.c
	$(CC) $(WARN) $(CFLAGS) $(CPPFLAGS) -o $@ bench/churn.c $(LDFLAGS)

# tcpwatch against ss, on N connections through a lab of its own (N=10000).
bench: all bench/churn
	bench/run $(N)

# The pictures in docs/, drawn by Graphviz from the one table.
docs: all
	docs/make-docs.sh

clean:
	rm -f $(PROGRAMS) bench/churn

install: all
	install -d $(DESTDIR)$(LIBEXEC) $(DESTDIR)$(PREFIX)/bin
	install -m 755 $(PROGRAMS) $(SCRIPTS) $(DESTDIR)$(LIBEXEC)/
	install -d $(DESTDIR)$(LIBEXEC)/lab
	install -m 644 lab/*.sh lab/shellrc $(DESTDIR)$(LIBEXEC)/lab/
	ln -sf ../libexec/tcplab/tcplab $(DESTDIR)$(PREFIX)/bin/tcplab

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/tcplab
	rm -rf $(DESTDIR)$(LIBEXEC)
