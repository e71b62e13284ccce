# SPDX-License-Identifier: MIT
# TCP State Lab.  `make` builds the tutorial's server and client.

CC      ?= cc
CFLAGS  ?= -O2 -g
WARN    := -std=c11 -D_DEFAULT_SOURCE -Wall -Wextra -Wpedantic -Wshadow \
           -Wformat=2 -Wstrict-prototypes -Wmissing-prototypes -Werror
PREFIX  ?= /usr/local
LIBEXEC := $(PREFIX)/libexec/tcplab

PROGRAMS := server client tcpwatch
TRACER   := tracer/tcpwatch.c tracer/table.c tracer/kernel.c tracer/render.c tracer/mem.c \
            tracer/rfc.c tracer/packets.c tracer/diag.c tracer/netns.c \
            tracer/diagram.c tracer/replay.c tracer/screen.c tracer/view.c tracer/record.c \
            tracer/summary.c tracer/summary_out.c tracer/owners.c tracer/ladder.c tracer/pcapng.c \
            tracer/walk.c
# The BPF half: compiled by clang for the BPF target, CO-RE against the
# running kernel's BTF, embedded in tcpwatch as bpftool's skeleton.
CLANG    ?= clang
BPFTOOL  ?= bpftool
BPF_ARCH := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(BPF_ARCH) -I/usr/include/$(shell uname -m)-linux-gnu \
              -Wall -Wextra -Wno-unused-parameter -Werror  # BPF_PROG leaves ctx unused
# -isystem: the libraries' own headers are not held to our -Wpedantic.
TRACE_CFLAGS := $(patsubst -I%,-isystem %,$(shell pkg-config --cflags libbpf 2>/dev/null))
TRACE_LIBS   := $(shell pkg-config --libs libbpf 2>/dev/null || echo -lbpf -lelf -lz) -lm -pthread
COMMON   := common/lab.c
HEADERS  := common/lab.h common/tcp_table.h $(wildcard tracer/*.h)
SCRIPTS  := tcplab server-state.sh

.PHONY: all deps test test-fast demo docs recordings bench clean install uninstall sanitize check-sanitize fuzz

all: $(PROGRAMS)

# What the build, the lab and the tests need, from Debian's archive: only
# what is missing, before anything is compiled (as root).
deps:
	@./tcplab deps --install

server: server.c $(COMMON) $(HEADERS)
	$(CC) $(WARN) $(CFLAGS) $(CPPFLAGS) -o $@ server.c $(COMMON) $(LDFLAGS)

client: client.c $(COMMON) $(HEADERS)
	$(CC) $(WARN) $(CFLAGS) $(CPPFLAGS) -o $@ client.c $(COMMON) $(LDFLAGS)

# Two BPF objects: tcpwatch.bpf.c (the tracer), and walk.bpf.c (the summary's
# iterators, a skeleton of its own, loaded only for a live summary).
tracer/%.bpf.o: tracer/%.bpf.c tracer/kernel.bpf.h tracer/tcpwatch.h
	@pkg-config --exists libbpf && command -v $(BPFTOOL) >/dev/null || { \
		echo "make: tcpwatch needs libbpf-dev and bpftool: 'make deps' (as root) installs them" >&2; exit 2; }
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

tracer/%.skel.h: tracer/%.bpf.o
	$(BPFTOOL) gen skeleton $< name $*_bpf > $@

.SECONDARY: tracer/tcpwatch.bpf.o tracer/walk.bpf.o

# The few kernel types the programs read, cut out of this machine's BTF
# (bpftool gen min_core_btf), with the checksum (tracer/btfsum.h) of the BTF they came from:
# when the running kernel's is the same, libbpf reads 7 KiB instead of
# parsing 5 MiB (most of tcpwatch's start-up); else it parses the kernel's.
tracer/btfsum: tracer/btfsum.c tracer/btfsum.h
	$(CC) $(WARN) $(CFLAGS) $(CPPFLAGS) -o $@ tracer/btfsum.c $(LDFLAGS)

tracer/min_btf.h: tracer/tcpwatch.bpf.o tracer/btfsum
	@if [ -r /sys/kernel/btf/vmlinux ] && $(BPFTOOL) gen min_core_btf /sys/kernel/btf/vmlinux \
		tracer/tcpwatch.min.btf $< 2>/dev/null; then \
		{ echo "/* Made by make: the BTF tcpwatch.bpf.c reads, and the checksum of the kernel's it is from. */"; \
		  echo "#define MIN_BTF_OF_SUM $$(tracer/btfsum /sys/kernel/btf/vmlinux)ull"; \
		  echo "static const unsigned char min_btf[] = {"; \
		  od -An -v -tx1 tracer/tcpwatch.min.btf | sed 's/[0-9a-f][0-9a-f]/0x&,/g'; echo "};"; } > $@; \
	else \
		printf '/* No kernel BTF at build time. */\n#define MIN_BTF_OF_SUM 0ull\nstatic const unsigned char min_btf[1];\n' > $@; \
	fi

tracer/kernel.c: tracer/tcpwatch.skel.h tracer/min_btf.h
tracer/walk.c: tracer/walk.skel.h

tcpwatch: $(TRACER) $(HEADERS) tracer/tcpwatch.skel.h tracer/walk.skel.h tracer/min_btf.h
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

# server, client and tcpwatch built again with AddressSanitizer and UBSan,
# in build/sanitize/; check-sanitize runs them (tests/sanitize.bats).
SAN_FLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
SAN_DIR   := build/sanitize

sanitize: $(SAN_DIR)/server $(SAN_DIR)/client $(SAN_DIR)/tcpwatch

$(SAN_DIR)/server: server.c $(COMMON) $(HEADERS)
	@mkdir -p $(SAN_DIR)
	$(CC) $(WARN) $(SAN_FLAGS) $(CPPFLAGS) -o $@ server.c $(COMMON) $(LDFLAGS)

$(SAN_DIR)/client: client.c $(COMMON) $(HEADERS)
	@mkdir -p $(SAN_DIR)
	$(CC) $(WARN) $(SAN_FLAGS) $(CPPFLAGS) -o $@ client.c $(COMMON) $(LDFLAGS)

$(SAN_DIR)/tcpwatch: $(TRACER) $(COMMON) $(HEADERS) tracer/tcpwatch.skel.h tracer/walk.skel.h tracer/min_btf.h
	@mkdir -p $(SAN_DIR)
	$(CC) $(WARN) $(SAN_FLAGS) $(CPPFLAGS) $(TRACE_CFLAGS) -o $@ $(TRACER) $(COMMON) $(LDFLAGS) $(TRACE_LIBS)

check-sanitize: deps
	@$(MAKE) --no-print-directory all sanitize
	bats tests/sanitize.bats

# libFuzzer targets for every parser of outside input, FUZZ_SECONDS each,
# from the seeds in fuzz/corpus/NAME (what they find is kept in build/fuzz/).
FUZZ_SECONDS ?= 10
FUZZERS   := replay segment diag record
FUZZ_FLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -Itracer -Icommon -pthread
FUZZ_DEPS_replay  := tracer/replay.c tracer/ladder.c tracer/table.c common/lab.c
FUZZ_DEPS_segment := tracer/packets.c tracer/netns.c
FUZZ_DEPS_diag    := tracer/diag.c tracer/netns.c
FUZZ_DEPS_record  := tracer/record.c

.SECONDEXPANSION:
build/fuzz/%: fuzz/%.c $$(FUZZ_DEPS_$$*) $(HEADERS)
	@mkdir -p build/fuzz
	$(CLANG) $(FUZZ_FLAGS) -o $@ $< $(FUZZ_DEPS_$*)

fuzz: $(addprefix build/fuzz/,$(FUZZERS))
	@for f in $(FUZZERS); do \
		mkdir -p build/fuzz/corpus-$$f build/fuzz/crash-$$f; \
		echo "fuzz: $$f, $(FUZZ_SECONDS) s"; \
		build/fuzz/$$f -max_total_time=$(FUZZ_SECONDS) -artifact_prefix=build/fuzz/crash-$$f/ \
			build/fuzz/corpus-$$f fuzz/corpus/$$f >build/fuzz/$$f.log 2>&1; rc=$$?; \
		grep -E '^Done [0-9]+ runs' build/fuzz/$$f.log; \
		if [ $$rc -ne 0 ]; then tail -n 40 build/fuzz/$$f.log; exit 1; fi; \
	done

bench/churn: bench/churn.c
	$(CC) $(WARN) $(CFLAGS) $(CPPFLAGS) -o $@ bench/churn.c $(LDFLAGS)

# tcpwatch against ss, on N connections through a lab of its own (N=10000).
bench: all bench/churn
	bench/run $(N)
	bench/summary

# The pictures in docs/, drawn by Graphviz from the one table.
docs: all
	docs/make-docs.sh

# The real runs the ladders in docs/ are drawn from, recorded again (as
# root, about two minutes): after a change to the table or the recipes.
recordings: all
	docs/record.sh
	docs/make-docs.sh

clean:
	rm -f $(PROGRAMS) bench/churn tracer/tcpwatch.bpf.o tracer/tcpwatch.skel.h tracer/tcpwatch.min.btf \
		tracer/walk.bpf.o tracer/walk.skel.h \
		tracer/min_btf.h tracer/btfsum
	rm -rf build

install: all
	install -d $(DESTDIR)$(LIBEXEC) $(DESTDIR)$(PREFIX)/bin
	install -m 755 $(PROGRAMS) $(SCRIPTS) $(DESTDIR)$(LIBEXEC)/
	install -d $(DESTDIR)$(LIBEXEC)/lab
	install -m 644 lab/*.sh lab/shellrc $(DESTDIR)$(LIBEXEC)/lab/
	ln -sf ../libexec/tcplab/tcplab $(DESTDIR)$(PREFIX)/bin/tcplab

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/tcplab
	rm -rf $(DESTDIR)$(LIBEXEC)
