#!/usr/bin/env bats
# tcpwatch tells the truth on workloads that do not share its assumptions:
# sockets made through setns by a process that lives elsewhere, another
# namespace with the very same 4-tuples, an orphan outliving its namespace.
# The workload is tests/workload/sockets.py: plain socket calls.

load helper

WORKLOAD="$PROJECT/tests/workload/sockets.py"

setup_file() { file_lab_up; }

teardown_file() { file_lab_down; }

teardown() {
	"$TCPLAB" reset >/dev/null
	end_watch
	if [[ -n ${FOREIGN:-} ]]; then
		TCPLAB_NS=$FOREIGN "$TCPLAB" down >/dev/null
	fi
}

# paths FILE: per connection (side and both ends), the states it went
# through, "SIDE LOCAL REMOTE: S0 S1 S2 ...", one a line, sorted; a chain
# that breaks (a step whose OLD is not the last NEW) shows as "!OLD".
paths() {
	jq -rs 'map(select(.event == "state")) | group_by([.side, .local, .remote])[]
		| "\(.[0].side) \(.[0].local) \(.[0].remote): "
		  + (reduce .[] as $s ({last: .[0].old, out: [.[0].old]};
			{last: $s.new,
			 out: (.out + [(if $s.old != .last then "!" + $s.old + " " else "" end) + $s.new])})
		     | .out | join(" "))' "$1" | sort
}

@test "sockets made through setns by a process that then left the namespace are the lab's" {
	local out=$BATS_TEST_TMPDIR/out pid
	start_watch --json -p 32000 --netns "$TCPLAB_NS"
	run -0 "$WORKLOAD" setns "$TCPLAB_NS"
	pid=${lines[0]#pid }
	[[ $(readlink /proc/self/ns/net) != $(readlink "/run/netns/$TCPLAB_NS") ]] # the workload was not in the lab
	wait_for 3 grep -q '"old":"LISTEN","new":"CLOSED"' "$out"
	stop_watch
	run -0 paths "$out"
	printf '%s\n' "$output"
	[ "${#lines[@]}" -eq 3 ]
	[[ ${lines[0]} =~ ^client\ 192.168.100.51:32089\ 192.168.100.100:32000:\ CLOSED\ SYN_SENT\ ESTABLISHED\ FIN_WAIT1\ (FIN_WAIT2\ )?TIME_WAIT$ ]]
	[ "${lines[1]}" = "server 192.168.100.100:32000 0.0.0.0:0: CLOSED LISTEN CLOSED" ]
	[ "${lines[2]}" = "server 192.168.100.100:32000 192.168.100.51:32089: LISTEN SYN_RECV ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED" ]
	# the handshake's steps are the segments', named as such
	grep -q '"old":"LISTEN","new":"SYN_RECV".*"trigger":"rcv SYN"' "$out"
	grep -q '"old":"SYN_RECV","new":"ESTABLISHED".*"trigger":"rcv ACK of SYN"' "$out"
	# the calls are the workload's own, told with its pid; the SYN's step is the kernel's
	run -0 jq -r 'select(.event == "state" and .pid != null) | "\(.old)>\(.new) \(.pid) \(.comm)"' "$out"
	printf '%s\n' "$output"
	[ "$(grep -c " $pid python3$" <<<"$output")" -eq "${#lines[@]}" ]
	for step in "CLOSED>LISTEN" "CLOSED>SYN_SENT" "ESTABLISHED>FIN_WAIT1" "LISTEN>CLOSED"; do
		grep -q "^$step $pid " <<<"$output"
	done
	run -0 jq -r 'select(.old == "LISTEN" and .new == "SYN_RECV") | "\(.pid) \(.comm)"' "$out"
	[ "$output" = "null null" ]
	run -0 jq -r '.netns' "$out"
	[ "$(sort -u <<<"$output")" = "$TCPLAB_NS" ]
}

@test "another namespace with the very same 4-tuples at the same time is not mixed in" {
	local out=$BATS_TEST_TMPDIR/out n=20
	FOREIGN=tl-same-$$
	TCPLAB_NS=$FOREIGN "$TCPLAB" up >/dev/null
	start_watch --json -p 32000 --netns "$TCPLAB_NS"
	# ours: the client closes first; theirs: the server does, on the same tuples at once
	ip netns exec "$FOREIGN" "$WORKLOAD" pairs "$n" server-first >/dev/null &
	local theirs=$!
	ip netns exec "$TCPLAB_NS" "$WORKLOAD" pairs "$n" client-first >/dev/null
	wait "$theirs"
	wait_for 3 grep -q '"old":"LISTEN","new":"CLOSED"' "$out"
	sleep 0.3
	stop_watch
	run -0 paths "$out"
	printf '%s\n' "$output"
	[ "${#lines[@]}" -eq $((2 * n + 1)) ]
	[ "$(grep -cE '^client [0-9.]+:400[0-9]+ 192.168.100.100:32000: CLOSED SYN_SENT ESTABLISHED FIN_WAIT1 (FIN_WAIT2 )?TIME_WAIT$' <<<"$output")" -eq "$n" ]
	[ "$(grep -cE '^server 192.168.100.100:32000 [0-9.]+:400[0-9]+: LISTEN SYN_RECV ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED$' <<<"$output")" -eq "$n" ]
	[ "$(grep -c '^server 192.168.100.100:32000 0.0.0.0:0: CLOSED LISTEN CLOSED$' <<<"$output")" -eq 1 ]
}

@test "an orphan outliving its deleted namespace never shows on the same 4-tuple here" {
	local out=$BATS_TEST_TMPDIR/out theirs=$BATS_TEST_TMPDIR/theirs ours_pid
	FOREIGN=tl-orphan-$$
	TCPLAB_NS=$FOREIGN "$TCPLAB" up >/dev/null
	# their orphan gives up after three retransmissions: about 3 s after its close
	ip netns exec "$FOREIGN" sysctl -qw net.ipv4.tcp_orphan_retries=3
	watch_into "$theirs" --json -p 32000 --netns "$FOREIGN"
	local their_watch=$WATCH_PID
	TCPLAB_NS=$FOREIGN "$TCPLAB" start server >/dev/null
	TCPLAB_NS=$FOREIGN "$TCPLAB" start client >/dev/null
	TCPLAB_NS=$FOREIGN expect_state ESTAB "$SERVER_END" "$CLIENT_END"
	# nothing of the server's reaches their client: its FIN is never acknowledged
	TCPLAB_NS=$FOREIGN "$TCPLAB" exec iptables -A INPUT -p tcp --sport 32000 -j DROP
	TCPLAB_NS=$FOREIGN "$TCPLAB" key client >/dev/null
	TCPLAB_NS=$FOREIGN expect_state FIN-WAIT-1 "$CLIENT_END" "$SERVER_END"
	start_watch --json -p 32000 --netns "$TCPLAB_NS"
	ours_pid=$WATCH_PID
	"$TCPLAB" start server >/dev/null
	"$TCPLAB" start client >/dev/null
	expect_state ESTAB "$SERVER_END" "$CLIENT_END"
	TCPLAB_NS=$FOREIGN "$TCPLAB" down >/dev/null # the namespace goes; the orphan stays
	FOREIGN=
	# the orphan's end, told by the watcher that watched its namespace
	wait_for 10 grep -q '"side":"client".*"old":"FIN_WAIT1","new":"CLOSED"' "$theirs"
	"$TCPLAB" key client >/dev/null
	expect_state CLOSE-WAIT "$SERVER_END" "$CLIENT_END"
	"$TCPLAB" key server >/dev/null
	wait_program_exit server 5
	wait_for 3 grep -q '"old":"LISTEN","new":"CLOSED"' "$out"
	stop_watch "$their_watch"
	stop_watch "$ours_pid"
	run -0 paths "$out"
	printf '%s\n' "$output"
	[ "${#lines[@]}" -eq 3 ]
	[ "${lines[0]}" = "client 192.168.100.51:32089 192.168.100.100:32000: CLOSED SYN_SENT ESTABLISHED FIN_WAIT1 FIN_WAIT2 TIME_WAIT" ]
	[ "${lines[2]}" = "server 192.168.100.100:32000 192.168.100.51:32089: LISTEN SYN_RECV ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED" ]
}

@test "the next connection on the same 4-tuple is never taken for the last one's action" {
	local out=$BATS_TEST_TMPDIR/out n=10
	start_watch --json -p 32000 --netns "$TCPLAB_NS"
	# the server closes first; the client connects again from 32089 at once
	ip netns exec "$TCPLAB_NS" "$WORKLOAD" reuse "$n" >/dev/null
	wait_for 3 grep -q '"old":"LISTEN","new":"CLOSED"' "$out"
	sleep 0.3
	stop_watch
	run -0 jq -r 'select(.side == "client" and .old == "LAST_ACK") | .trigger + " / " + .action' "$out"
	printf '%s\n' "$output"
	[ "${#lines[@]}" -eq "$n" ]
	[ "$(sort -u <<<"$output")" = "rcv ACK of FIN / x" ]
	run -0 jq -r 'select(.action == "snd SYN") | .side + " " + .old + ">" + .new' "$out"
	[ "$(sort <<<"$output" | uniq -c | sed 's/^ *//')" = "$n client CLOSED>SYN_SENT" ]
	# the server's TIME_WAIT ends on the next SYN each time but the last
	run -0 jq -r 'select(.side == "server" and .old == "TIME_WAIT") | .trigger' "$out"
	[ "${#lines[@]}" -eq $((n - 1)) ]
	[ "$(sort -u <<<"$output")" = "rcv SYN" ]
}

@test "a connect() that fails before any SYN leaves (4-tuple in TIME_WAIT) changes no state" {
	local out=$BATS_TEST_TMPDIR/out
	ip netns exec "$TCPLAB_NS" sysctl -qw net.ipv4.tcp_timestamps=0 # no reuse of the TIME_WAIT
	start_watch --json -p 32000 --netns "$TCPLAB_NS"
	run -0 ip netns exec "$TCPLAB_NS" "$WORKLOAD" busy
	ip netns exec "$TCPLAB_NS" sysctl -qw net.ipv4.tcp_timestamps=1
	[ "${lines[1]}" = "connect: 99 EADDRNOTAVAIL" ]
	wait_for 3 grep -q '"old":"LISTEN","new":"CLOSED"' "$out"
	stop_watch
	run -0 jq -r 'select(.event == "state" and .side == "client") | .old + ">" + .new' "$out"
	printf '%s\n' "$output"
	[ "$(grep -c '^CLOSED>SYN_SENT$' <<<"$output")" -eq 1 ]
	[ "$(grep -c '^SYN_SENT>CLOSED$' <<<"$output")" -eq 0 ]
	[ "${lines[-1]}" = "FIN_WAIT1>TIME_WAIT" ] || [ "${lines[-1]}" = "FIN_WAIT2>TIME_WAIT" ]
}

@test "two hosts, 20 teardowns: every FIN received is told as one, never as a timeout" {
	local out=$BATS_TEST_TMPDIR/out n=20
	FOREIGN=tl-hosts-$$
	TCPLAB_NS=$FOREIGN "$TCPLAB" up --two-hosts >/dev/null
	start_watch --json -p 32000 --netns "$FOREIGN" --netns "$FOREIGN-client"
	run -0 "$WORKLOAD" hosts "$FOREIGN" "$FOREIGN-client" "$n"
	wait_for 3 grep -q '"old":"LISTEN","new":"CLOSED"' "$out"
	stop_watch
	run -0 jq -r 'select(.event == "state") | [.netns, .side, .old + ">" + .new, .trigger] | join(" ")' "$out"
	printf '%s\n' "$output"
	[ "$(grep -c "^$FOREIGN server ESTABLISHED>CLOSE_WAIT rcv FIN$" <<<"$output")" -eq "$n" ]
	[ "$(grep -cE "^$FOREIGN-client client FIN_WAIT[12]>TIME_WAIT rcv FIN(,ACK)?$" <<<"$output")" -eq "$n" ]
	[ "$(grep -c "^$FOREIGN server LAST_ACK>CLOSED rcv ACK of FIN$" <<<"$output")" -eq "$n" ]
	run ! grep -E ' (timeout|\?)$' <<<"$output"
	# every step in the namespace of its own end
	run -0 jq -r 'select(.side == "client") | .netns' "$out"
	[ "$(sort -u <<<"$output")" = "$FOREIGN-client" ]
}

@test "data both ways and a half close (shutdown): every step's segment found, every chain whole" {
	local out=$BATS_TEST_TMPDIR/out n=10 steps
	start_watch --json -p 32000 --netns "$TCPLAB_NS"
	run -0 ip netns exec "$TCPLAB_NS" "$WORKLOAD" talk "$n"
	wait_for 3 grep -q '"old":"LISTEN","new":"CLOSED"' "$out"
	stop_watch
	run -0 paths "$out"
	printf '%s\n' "$output"
	[ "$(grep -cE '^client .*: CLOSED SYN_SENT ESTABLISHED FIN_WAIT1 (FIN_WAIT2 )?TIME_WAIT$' <<<"$output")" -eq "$n" ]
	[ "$(grep -cE '^server .*: LISTEN SYN_RECV ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED$' <<<"$output")" -eq "$n" ]
	steps=$(jq -r 'select(.event == "state") | "\(.side) \(.old)>\(.new) \(.trigger) / \(.action)"' "$out")
	sort <<<"$steps" | uniq -c
	run ! grep -E ' (timeout|\?) /' <<<"$steps"
	output=$steps
	# the segments the table's arrows send, each found
	[ "$(grep -c '^client CLOSED>SYN_SENT active OPEN / snd SYN$' <<<"$output")" -eq "$n" ]
	[ "$(grep -c '^client SYN_SENT>ESTABLISHED rcv SYN,ACK / snd ACK$' <<<"$output")" -eq "$n" ]
	[ "$(grep -c '^client ESTABLISHED>FIN_WAIT1 CLOSE / snd FIN$' <<<"$output")" -eq "$n" ]
	[ "$(grep -cE '^client FIN_WAIT[12]>TIME_WAIT rcv FIN(,ACK)? / snd ACK$' <<<"$output")" -eq "$n" ]
	[ "$(grep -c '^server LISTEN>SYN_RECV rcv SYN / snd SYN,ACK$' <<<"$output")" -eq "$n" ]
	[ "$(grep -c '^server ESTABLISHED>CLOSE_WAIT rcv FIN / ' <<<"$output")" -eq "$n" ]
	[ "$(grep -c '^server CLOSE_WAIT>LAST_ACK CLOSE / snd FIN$' <<<"$output")" -eq "$n" ]
	[ "$(grep -c '^server LAST_ACK>CLOSED rcv ACK of FIN / x$' <<<"$output")" -eq "$n" ]
}

# hosts_story LAB N SKEW: N teardowns between LAB's two hosts watched with the wire's
# clock pushed SKEW ns off the steps' (TCPWATCH_CLOCK_SKEW_NS); the steps
# told, "SIDE OLD>NEW TRIGGER / ACTION" one a line, sorted, in story-SKEW.
hosts_story() {
	local lab=$1 out=$BATS_TEST_TMPDIR/out$3
	TCPWATCH_CLOCK_SKEW_NS=$3 watch_into "$out" --json -p 32000 --netns "$lab" --netns "$lab-client"
	run -0 "$WORKLOAD" hosts "$lab" "$lab-client" "$2"
	wait_for 3 grep -q '"old":"LISTEN","new":"CLOSED"' "$out"
	stop_watch
	# The ACK of the FIN in CLOSE_WAIT is delayed: sent with the server's FIN, or
	# alone when its close() comes later (a busy machine), by the timing. Alone,
	# the client passes FIN_WAIT2 (two arrows, not one): each end must tell the
	# same, and the story is then told in the one-arrow form.
	jq -e -s '([.[] | select(.event == "state" and .new == "CLOSE_WAIT" and .action == "snd ACK")] | length)
		== ([.[] | select(.event == "state" and .side == "client" and .old == "FIN_WAIT1" and .new == "FIN_WAIT2"
			and .trigger == "rcv ACK of FIN")] | length)' "$out"
	jq -r 'select(.event == "state" and ([.side, .old, .new, .trigger] != ["client", "FIN_WAIT1", "FIN_WAIT2", "rcv ACK of FIN"]))
		| if .side == "client" and .old == "FIN_WAIT2" and .new == "TIME_WAIT" and .trigger == "rcv FIN"
		  then "client FIN_WAIT1>TIME_WAIT rcv FIN,ACK / \(.action)"
		  else "\(.side) \(.old)>\(.new) \(.trigger) / " + (if .new == "CLOSE_WAIT" then "-" else .action end) end' \
		"$out" | sort >"$BATS_TEST_TMPDIR/story$3"
}

@test "two hosts: the wire's clock 5 us off the steps' either way, the same story, every segment matched" {
	local n=8 story=$BATS_TEST_TMPDIR/story
	FOREIGN=tl-skew-$$
	TCPLAB_NS=$FOREIGN "$TCPLAB" up --two-hosts >/dev/null
	hosts_story "$FOREIGN" "$n" 0
	hosts_story "$FOREIGN" "$n" -5000
	hosts_story "$FOREIGN" "$n" 5000
	cat "${story}0"
	[ "$(grep -c "^server ESTABLISHED>CLOSE_WAIT rcv FIN / -$" "${story}0")" -eq "$n" ]
	[ "$(grep -c "^client ESTABLISHED>FIN_WAIT1 CLOSE / snd FIN$" "${story}0")" -eq "$n" ]
	run ! grep -E ' (timeout|\?) /' "${story}0"
	diff "${story}0" "${story}-5000"
	diff "${story}0" "${story}5000"
}

@test "a SYN the firewall drops is told as a drop with the kernel's reason, and its retransmission" {
	local out=$BATS_TEST_TMPDIR/out
	start_watch --json -p 32000 --netns "$TCPLAB_NS"
	"$TCPLAB" freeze SYN_SENT >/dev/null # iptables drops the client's SYNs
	wait_for 5 grep -q '"event":"retransmit".*"segment":"SYN"' "$out"
	sleep 0.3
	stop_watch
	run -0 jq -r 'select(.event == "drop") | [.side, .segment, .src, .dst, .reason, .pid] | join(" ")' "$out"
	printf '%s\n' "$output"
	[ "${#lines[@]}" -ge 2 ] # the SYN and its first retransmission
	[ "$(sort -u <<<"$output")" = "client SYN $CLIENT_END $SERVER_END NETFILTER_DROP " ]
	run -0 jq -r 'select(.event == "retransmit") | [.side, .segment, .state, .count] | join(" ")' "$out"
	printf '%s\n' "$output"
	[ "${lines[0]}" = "client SYN SYN_SENT 1" ] || {
		cat "$out" # what else was told, to see why
		false
	}
	# in time order: the SYN is sent, dropped, sent again, dropped again
	run -0 jq -r 'select(.side == "client") | .event + " " + (.new // .segment)' "$out"
	[ "${lines[0]} ${lines[1]} ${lines[2]} ${lines[3]}" = "state SYN_SENT drop SYN retransmit SYN drop SYN" ]
	# a recording with such lines still replays
	run -0 "$TCPWATCH" --diagram --replay "$out" --to-end --ascii
}

@test "an abortive close: the RST sent by the program's close(), received by the kernel" {
	local out=$BATS_TEST_TMPDIR/out pid
	start_watch --json -p 32000 --netns "$TCPLAB_NS"
	"$TCPLAB" start server >/dev/null
	"$TCPLAB" start client --abort >/dev/null
	expect_state ESTAB "$SERVER_END" "$CLIENT_END"
	pid=$(program_pid client)
	"$TCPLAB" key client >/dev/null
	wait_for 3 grep -q '"side":"server".*"old":"ESTABLISHED","new":"CLOSED"' "$out"
	sleep 0.2
	stop_watch
	run -0 jq -r 'select(.event == "reset") | [.side, .direction, .src, .dst, (.pid // "kernel")] | join(" ")' "$out"
	printf '%s\n' "$output"
	grep -qx "client snd $CLIENT_END $SERVER_END $pid" <<<"$output"
	grep -qx "server rcv $CLIENT_END $SERVER_END kernel" <<<"$output"
	run -0 jq -r 'select(.event == "state" and .new == "CLOSED" and .old == "ESTABLISHED") | .side + " " + .trigger + " / " + .action' "$out"
	[ "$output" = "client ABORT / snd RST
server rcv RST / x" ]
}

@test "IPv6: the lab's server and client on the twins, every step told, and -4 / -6 filter in the kernel" {
	local out=$BATS_TEST_TMPDIR/out v4=$BATS_TEST_TMPDIR/v4 v4_pid
	"$TCPLAB" up --ipv6 >/dev/null
	watch_into "$v4" --json -4 -p 32000 --netns "$TCPLAB_NS"
	v4_pid=$WATCH_PID
	start_watch --json -6 -p 32000 --netns "$TCPLAB_NS"
	"$TCPLAB" start server -6 >/dev/null
	"$TCPLAB" start client -6 >/dev/null
	expect_state ESTAB "[2001:db8::100]:32000" "[2001:db8::51]:32089"
	"$TCPLAB" key client >/dev/null
	expect_state CLOSE-WAIT "[2001:db8::100]:32000" "[2001:db8::51]:32089"
	"$TCPLAB" key server >/dev/null
	wait_program_exit server 5
	wait_for 3 grep -q '"old":"LISTEN","new":"CLOSED"' "$out"
	stop_watch
	stop_watch "$v4_pid"
	run -0 paths "$out"
	printf '%s\n' "$output"
	[ "${#lines[@]}" -eq 3 ]
	[ "${lines[0]}" = "client [2001:db8::51]:32089 [2001:db8::100]:32000: CLOSED SYN_SENT ESTABLISHED FIN_WAIT1 FIN_WAIT2 TIME_WAIT" ]
	[ "${lines[1]}" = "server [2001:db8::100]:32000 [2001:db8::51]:32089: LISTEN SYN_RECV ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED" ]
	[ "${lines[2]}" = "server [2001:db8::100]:32000 [::]:0: CLOSED LISTEN CLOSED" ]
	run -0 jq -r 'select(.event == "state" and .side == "server" and .remote != "[::]:0") | .trigger + " / " + .action' "$out"
	[ "$output" = "rcv SYN / snd SYN,ACK
rcv ACK of SYN / x
rcv FIN / snd ACK
CLOSE / snd FIN
rcv ACK of FIN / x" ]
	[ ! -s "$v4" ] # nothing of it reached the IPv4-only watcher
}

@test "IPv6: a SYN that ip6tables drops is told with the netfilter reason" {
	local out=$BATS_TEST_TMPDIR/out rule=(INPUT -s 2001:db8::51 -p tcp --syn -j DROP)
	"$TCPLAB" up --ipv6 >/dev/null
	ip netns exec "$TCPLAB_NS" ip6tables -A "${rule[@]}"
	start_watch --json -p 32000 --netns "$TCPLAB_NS"
	"$TCPLAB" start server -6 >/dev/null
	"$TCPLAB" start client -6 --syn-retries 1 >/dev/null
	wait_for 5 grep -q '"event":"retransmit"' "$out"
	sleep 0.3
	stop_watch
	ip netns exec "$TCPLAB_NS" ip6tables -D "${rule[@]}"
	run -0 jq -r 'select(.event == "drop") | [.side, .segment, .src, .dst, .reason] | join(" ")' "$out"
	printf '%s\n' "$output"
	[ "${#lines[@]}" -ge 2 ]
	[ "$(sort -u <<<"$output")" = "client SYN [2001:db8::51]:32089 [2001:db8::100]:32000 NETFILTER_DROP" ]
}
