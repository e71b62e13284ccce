#!/usr/bin/env bats
# tcpwatch: the kernel's transitions, from its own BPF programs.

load helper
tests_share_a_lab

# steps SIDE [FILE]: "OLD>NEW trigger / action" of SIDE's connection (not
# its listener) in the JSON output, one per line.
steps() {
	jq -r --arg s "$1" 'select(.event == "state" and .side == $s and .remote != "0.0.0.0:0")
		| .old + ">" + .new + " " + .trigger + " / " + .action' "${2:-$BATS_TEST_TMPDIR/out}"
}

CLIENT_STEPS="CLOSED>SYN_SENT active OPEN / snd SYN
SYN_SENT>ESTABLISHED rcv SYN,ACK / snd ACK
ESTABLISHED>FIN_WAIT1 CLOSE / snd FIN
FIN_WAIT1>FIN_WAIT2 rcv ACK of FIN / x
FIN_WAIT2>TIME_WAIT rcv FIN / snd ACK"
SERVER_STEPS="LISTEN>SYN_RECV rcv SYN / snd SYN,ACK
SYN_RECV>ESTABLISHED rcv ACK of SYN / x
ESTABLISHED>CLOSE_WAIT rcv FIN / snd ACK
CLOSE_WAIT>LAST_ACK CLOSE / snd FIN
LAST_ACK>CLOSED rcv ACK of FIN / x"

@test "one connection: the RFC's sequence on both sides, each step with its segments" {
	start_watch --json -v -p 32000 --netns "$TCPLAB_NS"
	one_connection
	wait_for 3 grep -q '"old":"LISTEN","new":"CLOSED"' "$BATS_TEST_TMPDIR/out"
	kill -INT "$WATCH_PID"
	wait "$WATCH_PID"
	jq -e -s 'length > 0 and all(.[]; has("time") and has("event") and has("netns") and has("pid")
		and has("comm") and has("side")) and all(.[] | select(.event == "state"); has("local")
		and has("remote") and has("old") and has("new") and has("ms") and has("trigger")
		and has("action"))' "$BATS_TEST_TMPDIR/out"
	diff -u <(echo "$CLIENT_STEPS") <(steps client)
	diff -u <(echo "$SERVER_STEPS") <(steps server)
	run -0 jq -r 'select(.remote == "0.0.0.0:0") | .side + " " + .old + ">" + .new + " " + .trigger + " / " + .action' "$BATS_TEST_TMPDIR/out"
	[ "$output" = "server CLOSED>LISTEN passive OPEN / create TCB
server LISTEN>CLOSED CLOSE / delete TCB" ]
	run -0 jq -r 'select(.side == "client" and .new == "SYN_SENT") | .local + " " + .remote' "$BATS_TEST_TMPDIR/out"
	[ "$output" = "$CLIENT_END $SERVER_END" ]
	# time in each state: SYN_RECV counts from the SYN, CLOSE_WAIT until the server's close
	run -0 jq -r 'select(.old == "SYN_RECV") | .ms > 0 and .ms < 100' "$BATS_TEST_TMPDIR/out"
	[ "$output" = true ]
	run -0 jq -r 'select(.old == "CLOSE_WAIT") | .ms > 0' "$BATS_TEST_TMPDIR/out"
	[ "$output" = true ]
	# -v: what Linux did underneath
	run -0 jq -r 'select(.new == "SYN_RECV") | .linux' "$BATS_TEST_TMPDIR/out"
	[[ $output == *"request socket"* ]]
}

@test "a frozen SYN_RECV is shown when the SYN arrives, not when the last ACK does" {
	start_watch --json -p 32000 --netns "$TCPLAB_NS"
	run -0 "$TCPLAB" freeze SYN_RECV
	wait_for 3 grep -q '"new":"SYN_RECV"' "$BATS_TEST_TMPDIR/out"
	expect_state SYN-RECV "$SERVER_END" "$CLIENT_END" 0 # still frozen: no ACK has landed
	run -0 jq -r 'select(.new == "SYN_RECV") | .side + " " + .old + " " + .trigger + " / " + .action' "$BATS_TEST_TMPDIR/out"
	[ "$output" = "server LISTEN rcv SYN / snd SYN,ACK" ]
	run ! grep -q '"new":"ESTABLISHED"' "$BATS_TEST_TMPDIR/out"
	"$TCPLAB" thaw >/dev/null
	wait_for 5 grep -q '"old":"SYN_RECV","new":"ESTABLISHED"' "$BATS_TEST_TMPDIR/out"
	run -0 jq -r 'select(.old == "SYN_RECV") | .ms > 900' "$BATS_TEST_TMPDIR/out"
	[ "$output" = true ]
}

@test "another namespace with the same addresses is not mixed in" {
	local foreign=tl-foreign-$$
	TCPLAB_NS=$foreign "$TCPLAB" up >/dev/null
	start_watch --json -p 32000 --netns "$TCPLAB_NS"
	# the foreign lab first, then ours, then both at once
	TCPLAB_NS=$foreign one_connection
	one_connection
	TCPLAB_NS=$foreign "$TCPLAB" start server >/dev/null
	"$TCPLAB" start server >/dev/null
	TCPLAB_NS=$foreign "$TCPLAB" start client >/dev/null
	"$TCPLAB" start client >/dev/null
	expect_state ESTAB "$SERVER_END" "$CLIENT_END"
	TCPLAB_NS=$foreign expect_state ESTAB "$SERVER_END" "$CLIENT_END"
	sleep 0.5
	kill -INT "$WATCH_PID"
	wait "$WATCH_PID"
	TCPLAB_NS=$foreign "$TCPLAB" down >/dev/null
	# ours: one whole connection, then one handshake; nothing twice
	diff -u <(printf '%s\n%s\n' "$CLIENT_STEPS" "$(head -2 <<<"$CLIENT_STEPS")") <(steps client)
	diff -u <(printf '%s\n%s\n' "$SERVER_STEPS" "$(head -2 <<<"$SERVER_STEPS")") <(steps server)
}

@test "another namespace's connection on the 4-tuple ours holds open is not mixed in" {
	local foreign=tl-foreign-$$
	TCPLAB_NS=$foreign "$TCPLAB" up >/dev/null
	start_watch --json -p 32000 --netns "$TCPLAB_NS"
	"$TCPLAB" start server >/dev/null
	"$TCPLAB" start client >/dev/null
	expect_state ESTAB "$SERVER_END" "$CLIENT_END"
	sleep 0.3 # ours quiet on the wire for longer than tcpwatch's memory of it
	TCPLAB_NS=$foreign one_connection
	expect_state ESTAB "$SERVER_END" "$CLIENT_END" # ours untouched
	sleep 0.3
	kill -INT "$WATCH_PID"
	wait "$WATCH_PID"
	TCPLAB_NS=$foreign "$TCPLAB" down >/dev/null
	diff -u <(head -2 <<<"$CLIENT_STEPS") <(steps client)
	diff -u <(head -2 <<<"$SERVER_STEPS") <(steps server)
}

@test "--netns: a namespace that does not exist is a clear error" {
	run -2 "$TCPWATCH" --netns tl-nowhere-$$
	[[ $output == *"no network namespace 'tl-nowhere-$$'"* ]]
}

# bats test_tags=slow
@test "TIME_WAIT ends 60 s later, and tcpwatch says so (slow)" {
	start_watch --json -p 32000 --netns "$TCPLAB_NS"
	one_connection
	wait_for 70 grep -q '"old":"TIME_WAIT","new":"CLOSED"' "$BATS_TEST_TMPDIR/out" || { cat "$BATS_TEST_TMPDIR/out"; false; }
	# 60 s, as the kernel's timer wheel keeps it: a timer that far off fires up to a
	# few seconds late (61.5 s measured here), never early
	run -0 jq -r 'select(.old == "TIME_WAIT") | .side + " " + .trigger + " / " + .action + " " + (.ms > 59900 and .ms < 65000 | tostring)' "$BATS_TEST_TMPDIR/out"
	[ "$output" = "client Timeout=2MSL / delete TCB true" ]
}

@test "text: a header, then one line per step with side, ends and states" {
	start_watch -p 32000 -c 2 --netns "$TCPLAB_NS"
	"$TCPLAB" start server >/dev/null
	"$TCPLAB" start client >/dev/null
	wait "$WATCH_PID"
	run -0 cat "$BATS_TEST_TMPDIR/out"
	[[ ${lines[0]} == *"TIME(ms)"*"SIDE"*"LOCAL -> REMOTE"*"OLD -> NEW"*"MS_IN_OLD"*"TRIGGER / ACTION  in NETNS by TASK" ]]
	[[ ${lines[1]} =~ ^\ *[0-9]+\.[0-9]{3}\ server\ +192\.168\.100\.100:32000\ -\>\ 0\.0\.0\.0:0\ +CLOSED\ -\>\ LISTEN\ +-\ passive\ OPEN\ /\ create\ TCB\ \ in\ $TCPLAB_NS\ by\ server\ $(program_pid server)$ ]]
	[[ ${lines[2]} == *" client "*"$CLIENT_END -> $SERVER_END"*"CLOSED -> SYN_SENT"*"active OPEN / snd SYN  in $TCPLAB_NS by client $(program_pid client)" ]]
	[ "${#lines[@]}" -eq 3 ]
	[[ ${lines[1]} != *$'\033'* ]] # not a terminal: no colour
}

@test "text and JSON tell the same steps; the text keeps its columns" {
	local text=$BATS_TEST_TMPDIR/text text_pid
	"$TCPWATCH" -v -p 32000 --netns "$TCPLAB_NS" >"$text" 2>&1 &
	text_pid=$!
	wait_for 5 test -s "$text" # its header: it is watching
	start_watch --json -v -p 32000 --netns "$TCPLAB_NS"
	one_connection
	wait_for 3 grep -q '"old":"LISTEN","new":"CLOSED"' "$BATS_TEST_TMPDIR/out"
	wait_for 3 grep -q 'LISTEN -> CLOSED' "$text"
	kill -INT "$WATCH_PID" "$text_pid"
	wait "$WATCH_PID"
	wait "$text_pid"
	# Each watcher has its own start and its own reading of the wire's clock:
	# TIME and MS_IN_OLD differ by microseconds; the rest is the same, column for column.
	diff -u <(jq -r 'def who: "  in " + .netns + " by "
				+ (if .pid == null then "the kernel" else "\(.comm) \(.pid)" end);
		if .event == "state" then
			["state", .side, .local + " -> " + .remote, .old + " -> " + .new,
			 (.ms // "-" | tostring), .trigger, .action + who, .linux // ""]
		else
			["note", .side, ({"drop": "dropped", "retransmit": "resent"}[.event] // .direction)
			 + " " + .segment + (if .count then " #\(.count)" else "" end) + " " + .src + " -> " + .dst
			 + (if .state then " in " + .state else "" end)
			 + (if .reason then ": " + .reason else "" end) + who]
		end | @tsv' "$BATS_TEST_TMPDIR/out" |
		awk -F'\t' '$1 == "note" { printf "%10s %-6s %s\n", "", $2, $3; next }
			{ ms = $5 == "-" ? "-" : sprintf("%.3f", $5)
			printf "%10s %-6s %-45s %-25s %9s %s / %s\n", "", $2, $3, $4, ms, $6, $7
			if ($8 != "") printf "%10s %-6s linux: %s\n", "", "", $8 }' | mask_times) \
		<(tail -n +2 "$text" | mask_times)
}

# Blank a text line's TIME(ms) and MS_IN_OLD columns (a number, or "-"; linux: lines have neither).
mask_times() {
	awk '/^ +linux: / { print; next }
		substr($0, 19) ~ /^(dropped|resent|snd|rcv) / { printf "%10s%s\n", "", substr($0, 11); next }
		{ ms = substr($0, 91, 9); sub(/^ +/, "", ms); if (ms != "-") ms = "#"
		  printf "%10s%s%9s%s\n", "", substr($0, 11, 80), ms, substr($0, 100) }'
}

@test "filters: another port is not shown" {
	start_watch --json -p 32001 --duration 3 --netns "$TCPLAB_NS"
	one_connection
	wait "$WATCH_PID"
	[ ! -s "$BATS_TEST_TMPDIR/out" ]
}

# wire_filter: the classic BPF program on the watcher's packet socket in the lab, as ss shows it.
wire_filter() {
	ip netns exec "$TCPLAB_NS" ss -0 -b -p | grep -A1 "pid=$WATCH_PID," | sed -n 's/.*bpf filter ([0-9]*): *//p'
}

@test "filters: the wire too is filtered in the kernel, to -p's port (another port's segments never reach us)" {
	local filter
	start_watch --json -p 32000 --netns "$TCPLAB_NS"
	filter=$(wire_filter)
	printf '%s\n' "$filter"
	# IPv4 and IPv6, source and destination port: 0x15 (jeq) 32000, four times
	[ "$(grep -oE '0x15 [0-9]+ [0-9]+ 32000,' <<<"$filter" | wc -l)" -eq 4 ]
	stop_watch
	start_watch --json --netns "$TCPLAB_NS"
	filter=$(wire_filter)
	[ -n "$filter" ]
	[ "$(grep -oE '0x15 [0-9]+ [0-9]+ 32000,' <<<"$filter" | wc -l)" -eq 0 ]
}

@test "what the kernel drops while tcpwatch stalls is said on stderr, and the exit status is 3" {
	make -C "$PROJECT" --no-print-directory bench/churn >/dev/null
	start_watch --json -p 32000 --netns "$TCPLAB_NS"
	kill -STOP "$WATCH_PID"
	# 10000 connections, 60000 segments: more than its packet ring holds
	ip netns exec "$TCPLAB_NS" "$PROJECT/bench/churn" 10000 >/dev/null
	kill -CONT "$WATCH_PID"
	kill -INT "$WATCH_PID"
	local status=0
	wait "$WATCH_PID" || status=$?
	[ "$status" -eq 3 ]
	grep -Eq "the kernel (dropped [0-9]+ segment|had no room for [0-9]+ step)" "$BATS_TEST_TMPDIR/out.err"
}

@test "--duration ends the run; its BPF programs are gone after it" {
	start_watch --duration 1
	wait "$WATCH_PID" # exit 0, or the test fails here
	wait_for 3 programs_gone "${WATCH_PROGRAMS[@]}"
}

@test "SIGINT and SIGTERM end it cleanly and unload its programs" {
	local sig
	for sig in INT TERM; do
		start_watch
		kill -"$sig" "$WATCH_PID"
		wait "$WATCH_PID" # exit 0, or the test fails here
		wait_for 3 programs_gone "${WATCH_PROGRAMS[@]}"
	done
}

@test "after SIGKILL nothing of it is left in the kernel" {
	start_watch
	bpftool prog show id "${WATCH_PROGRAMS[0]}" >/dev/null # loaded while it runs
	kill -KILL "$WATCH_PID"
	wait "$WATCH_PID" || true
	wait_for 3 programs_gone "${WATCH_PROGRAMS[@]}"
}

@test "it ends with the process that started it, however that one ends (kill -9 too)" {
	local parent child
	# shellcheck disable=SC2016 # expanded by the inner shell
	bash -c '"$0" --json -p 32000 --netns "$1" >/dev/null & echo $!; exec sleep 60' \
		"$TCPWATCH" "$TCPLAB_NS" >"$BATS_TEST_TMPDIR/pid" &
	parent=$!
	wait_for 5 test -s "$BATS_TEST_TMPDIR/pid"
	child=$(cat "$BATS_TEST_TMPDIR/pid")
	wait_for 5 attached "$child"
	mapfile -t WATCH_PROGRAMS < <(bpf_programs_of "$child")
	kill -KILL "$parent"
	wait "$parent" || true
	wait_for 5 pid_gone "$child"
	wait_for 3 programs_gone "${WATCH_PROGRAMS[@]}"
}

@test "--parent: a parent killed before tcpwatch could ask ends it too" {
	local child
	# the parent dies before tcpwatch has even started: getppid() is init's
	# shellcheck disable=SC2016 # expanded by the inner shell
	bash -c '"$0" --parent $$ --json -p 32000 --netns "$1" >/dev/null 2>&1 3>&- & echo $!; kill -KILL $$' \
		"$TCPWATCH" "$TCPLAB_NS" >"$BATS_TEST_TMPDIR/pid" || true
	child=$(cat "$BATS_TEST_TMPDIR/pid")
	[[ $child =~ ^[0-9]+$ ]]
	wait_for 5 pid_gone "$child" || {
		kill "$child"
		false
	}
}

@test "clear errors: bad options exit 2; not root exits 2" {
	run -2 "$TCPWATCH" -p 0
	[[ $output == *"bad port '0'"* ]]
	run -2 "$TCPWATCH" --count x
	run -2 "$TCPWATCH" --duration -1
	run -2 "$TCPWATCH" --server nowhere
	run -2 "$TCPWATCH" --list-states --list-arrows
	run -2 setpriv --reuid=65534 --regid=65534 --clear-groups "$TCPWATCH" --duration 1
	[[ $output == *"must run as root"* ]]
	run -0 "$TCPWATCH" --help
	[[ $output == *"--json"* && $output == *"Exit status"* ]]
}

@test "the table: 11 states, 22 arrows, LISTEN -> SYN_SENT unreachable" {
	run -0 "$TCPWATCH" --list-states
	[ "${#lines[@]}" -eq 11 ]
	run -0 "$TCPWATCH" --list-arrows
	[ "${#lines[@]}" -eq 22 ]
	[ "$(awk -F'\t' '$6 == "no" { print $1, $2 }' <<<"$output")" = "LISTEN SYN_SENT" ]
}

@test "--diagram live, off a terminal: one frame per transition" {
	start_watch --diagram -p 32000 -c 2 --netns "$TCPLAB_NS"
	"$TCPLAB" start server >/dev/null
	"$TCPLAB" start client >/dev/null
	wait "$WATCH_PID"
	run -0 cat "$BATS_TEST_TMPDIR/out"
	[ "$(grep -c '^== step' <<<"$output")" -eq 3 ]
	grep -q '^server \[S\]: LISTEN *client \[C\]: SYN_SENT *last: client CLOSED -> SYN_SENT' <<<"$output"
}

@test "inside a namespace (ip netns exec, where /sys has no tracefs) it still traces" {
	[ ! -e /sys/kernel/tracing/events ] || ip netns exec "$TCPLAB_NS" test ! -e /sys/kernel/tracing/events
	run -0 ip netns exec "$TCPLAB_NS" "$TCPWATCH" --duration 0.5
	[[ ${lines[0]} == *"TIME(ms)"* ]]
}

@test "--diagram live, full screen under tmux: q quits and its programs go" {
	local sock=tl-live-$$
	tmux -L "$sock" new-session -d -s d -x 120 -y 40 "'$TCPWATCH' --diagram -p 32000 --netns '$TCPLAB_NS'; echo EXIT=\$?; sleep 30"
	wait_for 5 bash -c "tmux -L '$sock' capture-pane -p -t d | grep -q 'server \[S\]: -'"
	"$TCPLAB" start server >/dev/null
	wait_for 5 bash -c "tmux -L '$sock' capture-pane -p -t d | grep -q 'server \[S\]: LISTEN'"
	tmux -L "$sock" send-keys -t d q
	wait_for 5 bash -c "tmux -L '$sock' capture-pane -p -t d | grep -q 'EXIT=0'"
	tmux -L "$sock" kill-server
	run ! pgrep -f "$TCPWATCH --diagram -p 32000 --netns $TCPLAB_NS"
}
