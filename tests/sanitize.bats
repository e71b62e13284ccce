#!/usr/bin/env bats
# server, client and tcpwatch built with AddressSanitizer and UBSan (make
# sanitize, in build/sanitize/), over a whole connection, a live trace, a
# replay and garbage replays: no report.  And valgrind over a live tcpwatch.

load helper

SAN="$PROJECT/build/sanitize"
export ASAN_OPTIONS=abort_on_error=0:detect_leaks=1:exitcode=66
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=67

setup_file() {
	make -C "$PROJECT" -s sanitize
	file_lab_up
}

teardown_file() { file_lab_down; }

teardown() {
	end_watch
	lab_reset
}

# no_report FILE: neither sanitizer said anything in FILE.
no_report() {
	if grep -E 'AddressSanitizer|LeakSanitizer|runtime error:' "$1"; then
		return 1
	fi
}

# keys_after SECONDS: stdin for a program that presses its key SECONDS on.
keys_after() { sleep "$1"; echo k; }

@test "server and client under ASan and UBSan: a whole connection, no report" {
	local dir=$BATS_TEST_TMPDIR server client
	keys_after 3 | in_lab "$SAN/server" >"$dir/server.out" 2>"$dir/server.err" &
	server=$!
	expect_state LISTEN "$SERVER_END" "0.0.0.0:*"
	keys_after 1.5 | in_lab "$SAN/client" >"$dir/client.out" 2>"$dir/client.err" &
	client=$!
	wait "$client"
	wait "$server"
	cat "$dir"/*.out "$dir"/*.err
	no_report "$dir/server.err"
	no_report "$dir/client.err"
	grep -q ESTABLISHED "$dir/client.out"
}

@test "tcpwatch under ASan and UBSan: a live trace of a connection, every step, its capture, no report" {
	local out=$BATS_TEST_TMPDIR/out
	TCPWATCH="$SAN/tcpwatch" start_watch --json -p 32000 --netns "$TCPLAB_NS" --pcap "$BATS_TEST_TMPDIR/run.pcapng"
	one_connection
	wait_for 5 grep -q '"old":"LISTEN","new":"CLOSED"' "$out"
	stop_watch
	cat "$out.err"
	no_report "$out.err"
	[ "$(jq -r 'select(.event == "state") | .old + ">" + .new' "$out" | wc -l)" -ge 9 ]
	[ "$(capinfos -c -M "$BATS_TEST_TMPDIR/run.pcapng" | awk '/Number of packets/ { print $NF }')" -eq 7 ]
	cp "$out" "$BATS_FILE_TMPDIR/run.json"
}

# shellcheck disable=SC2154 # run --separate-stderr sets stderr
@test "tcpwatch --summary, --leaks and --prometheus under ASan and UBSan: live and once, no report" {
	local out=$BATS_TEST_TMPDIR/out
	TCPWATCH="$SAN/tcpwatch" start_watch --json --summary --leaks 0.5 --prometheus "$BATS_TEST_TMPDIR/p.prom" \
		--interval 0.2 -p 32000 --netns "$TCPLAB_NS"
	"$TCPLAB" freeze CLOSE_WAIT >/dev/null
	wait_for 5 grep -q '"event":"leak".*"state":"CLOSE_WAIT"' "$out"
	lab_reset
	wait_for 5 grep -q '"event":"leak_end".*"state":"CLOSE_WAIT"' "$out"
	stop_watch
	cat "$out.err"
	no_report "$out.err"
	grep -q '"event":"summary".*"CLOSE_WAIT":1' "$out"
	run -0 --separate-stderr "$SAN/tcpwatch" --summary --once --prometheus "$BATS_TEST_TMPDIR/p.prom" --netns "$TCPLAB_NS"
	no_report <(printf '%s\n' "$stderr")
	[[ $output == "$TCPLAB_NS at "* ]]
}

# shellcheck disable=SC2154 # run --separate-stderr sets stderr
@test "a replay, and replays of garbage, under ASan and UBSan: no report" {
	local dir=$BATS_TEST_TMPDIR rec=$BATS_FILE_TMPDIR/run.json
	[[ -s $rec ]] || rec=$PROJECT/tests/golden/all-states.json
	run -0 --separate-stderr "$SAN/tcpwatch" --diagram --replay "$rec" --to-end --ascii
	[[ $output == *"== step"* ]]
	head -c 200000 /dev/urandom >"$dir/random.json"
	# cut inside a line: a byte count alone may fall just after one (CI once did)
	{
		head -n 2 "$rec"
		sed -n 3p "$rec" | head -c 40
	} >"$dir/cut.json"
	tr ':,' ',:' <"$rec" >"$dir/mangled.json"
	for f in random cut mangled; do
		run --separate-stderr "$SAN/tcpwatch" --diagram --replay "$dir/$f.json" --to-end --ascii
		echo "$f: status $status: $stderr"
		[ "$status" -eq 2 ]
		[[ $stderr == "tcpwatch: "* && $stderr != *Sanitizer* && $stderr != *"runtime error"* ]]
	done
}

@test "valgrind finds no error or leak in tcpwatch over a live trace and its capture" {
	local out=$BATS_TEST_TMPDIR/out rc=0
	valgrind --quiet --error-exitcode=9 --leak-check=full --errors-for-leak-kinds=definite,indirect \
		--suppressions="$PROJECT/tests/valgrind-bpf.supp" "$PROJECT/tcpwatch" --json -p 32000 --netns "$TCPLAB_NS" \
		--pcap "$out.pcapng" >"$out" 2>"$out.err" &
	watching "$!" "$out.err"
	wait_for 30 attached "$WATCH_PID" # valgrind takes its time to start
	one_connection
	wait_for 20 grep -q '"old":"LISTEN","new":"CLOSED"' "$out"
	stop_watch || rc=$?
	echo "status $rc"
	grep -v 'WARNING: unhandled eBPF command' "$out.err" || true # valgrind's word on new BPF commands
	[ "$rc" -eq 0 ]
	[ "$(jq -r 'select(.event == "state") | .new' "$out" | wc -l)" -ge 9 ]
}
