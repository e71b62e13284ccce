#!/usr/bin/env bats
# The tutorial's steps on the real kernel, inside a lab of this file's own.

load helper

SYN_RULE=(-s 192.168.100.51 -p tcp --tcp-flags SYN SYN -j DROP)
# shellcheck disable=SC2054 # SYN,ACK is one iptables word
SYNACK_RULE=(-s 192.168.100.100 -p tcp --tcp-flags SYN,ACK SYN,ACK -j DROP)

setup_file() {
	make -C "$PROJECT" -s all
	TCPLAB_NS=$(file_lab_name)
	export TCPLAB_NS
}

setup() {
	fresh_lab
}

teardown() {
	"$TCPLAB" down >/dev/null
}

@test "the server listens on the tutorial's address and says so" {
	"$TCPLAB" start server
	expect_state LISTEN "$SERVER_END" "0.0.0.0:*"
	expect_log server "^server: listening on 192\.168\.100\.100:32000 \[LISTEN\]$"
}

@test "client and server are both ESTABLISHED on the tutorial's 4-tuple" {
	"$TCPLAB" start server
	expect_state LISTEN "$SERVER_END" "0.0.0.0:*"
	"$TCPLAB" start client
	expect_state ESTAB "$CLIENT_END" "$SERVER_END"
	expect_state ESTAB "$SERVER_END" "$CLIENT_END"
	expect_log client "^client: connected 192\.168\.100\.51:32089 -> 192\.168\.100\.100:32000 \[ESTABLISHED\]$"
	expect_log server "^server: Accepted connection from 192\.168\.100\.51:32089 \[ESTABLISHED\]$"
}

@test "client stays in SYN-SENT under the tutorial's SYN rule and reports each retransmission" {
	"$TCPLAB" exec iptables -A INPUT "${SYN_RULE[@]}"
	"$TCPLAB" start server
	"$TCPLAB" start client
	expect_state SYN-SENT "$CLIENT_END" "$SERVER_END"
	expect_log client "^client: SYN retransmission #1, still SYN_SENT" 5
	expect_log client "^client: SYN retransmission #2, still SYN_SENT" 5
	expect_state SYN-SENT "$CLIENT_END" "$SERVER_END" 0
	expect_state LISTEN "$SERVER_END" "0.0.0.0:*" 0
	run -0 "$TCPLAB" exec iptables -D INPUT "${SYN_RULE[@]}"
	expect_state ESTAB "$CLIENT_END" "$SERVER_END" 15
}

@test "client gives up after --timeout with a clear message, not a hang" {
	"$TCPLAB" exec iptables -A INPUT "${SYN_RULE[@]}"
	"$TCPLAB" start server
	run -1 "$TCPLAB" exec timeout 10 ./client --timeout 2 </dev/null
	[[ $output == *"client: connect 192.168.100.51:32089 -> 192.168.100.100:32000: Connection timed out"* ]]
}

@test "client reports a refused connection when nothing listens" {
	run -1 "$TCPLAB" exec timeout 10 ./client </dev/null
	[[ $output == *"client: connect 192.168.100.51:32089 -> 192.168.100.100:32000: Connection refused"* ]]
}

@test "server sits in SYN-RECV while its SYN,ACK is dropped" {
	"$TCPLAB" exec iptables -A INPUT "${SYNACK_RULE[@]}"
	"$TCPLAB" start server
	"$TCPLAB" start client
	expect_state SYN-RECV "$SERVER_END" "$CLIENT_END"
	expect_state SYN-SENT "$CLIENT_END" "$SERVER_END"
	sleep 2 # a retransmitted SYN,ACK is dropped too: still frozen
	expect_state SYN-RECV "$SERVER_END" "$CLIENT_END" 0
	run -0 "$TCPLAB" exec iptables -D INPUT "${SYNACK_RULE[@]}"
	expect_state ESTAB "$SERVER_END" "$CLIENT_END" 15
}

@test "the teardown table runs in order, driven by keys through stdin" {
	"$TCPLAB" start server
	"$TCPLAB" start client
	expect_state ESTAB "$SERVER_END" "$CLIENT_END"
	"$TCPLAB" key client
	expect_state FIN-WAIT-2 "$CLIENT_END" "$SERVER_END"
	expect_state CLOSE-WAIT "$SERVER_END" "$CLIENT_END"
	expect_log server "^server: connection is now CLOSE_WAIT$"
	wait_program_exit client 5
	"$TCPLAB" key server
	expect_state TIME-WAIT "$CLIENT_END" "$SERVER_END"
	wait_for 5 socket_gone "$SERVER_END" "$CLIENT_END"
	wait_program_exit server 5
	expect_log server "^server: closing connection .* \(was CLOSE_WAIT\)$"
}

@test "the client runs again on the same 4-tuple while the old one is in TIME_WAIT" {
	"$TCPLAB" start server
	"$TCPLAB" start client
	expect_state ESTAB "$SERVER_END" "$CLIENT_END"
	"$TCPLAB" key client
	"$TCPLAB" key server
	expect_state TIME-WAIT "$CLIENT_END" "$SERVER_END"
	wait_program_exit server 5
	"$TCPLAB" start server
	expect_state LISTEN "$SERVER_END" "0.0.0.0:*"
	"$TCPLAB" start client
	expect_state ESTAB "$CLIENT_END" "$SERVER_END"
}

@test "the client's optional port argument picks a new 4-tuple" {
	"$TCPLAB" start server
	"$TCPLAB" start client 32090
	expect_state ESTAB 192.168.100.51:32090 "$SERVER_END"
	expect_state ESTAB "$SERVER_END" 192.168.100.51:32090
}

@test "EOF on stdin counts as the key: both programs close and exit 0" {
	local spid status=0 log=$BATS_TEST_TMPDIR/server.log
	ip netns exec "$TCPLAB_NS" "$PROJECT/server" </dev/null >"$log" 2>&1 &
	spid=$!
	expect_state LISTEN "$SERVER_END" "0.0.0.0:*"
	run -0 "$TCPLAB" exec timeout 10 ./client </dev/null
	[[ $output == *"closing connection"* ]]
	wait "$spid" || status=$?
	cat "$log"
	[ "$status" -eq 0 ]
	grep -q "^server: closing listener 192.168.100.100:32000$" "$log"
}

@test "SIGTERM ends a waiting program cleanly with status 143" {
	local pid status=0 log=$BATS_TEST_TMPDIR/server.log
	ip netns exec "$TCPLAB_NS" "$PROJECT/server" < <(sleep 30) >"$log" 2>&1 &
	pid=$!
	expect_state LISTEN "$SERVER_END" "0.0.0.0:*"
	kill -TERM "$pid"
	wait "$pid" || status=$?
	cat "$log"
	[ "$status" -eq 143 ]
	grep -q "^server: closing listener 192.168.100.100:32000$" "$log"
	grep -q "^server: stopped by signal 15$" "$log"
}

@test "valgrind finds no leak or error in server and client over a whole connection" {
	# shellcheck disable=SC2054 # definite,indirect is one word
	local vg=(valgrind --quiet --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=99)
	local dir=$BATS_TEST_TMPDIR sfd cfd
	mkfifo "$dir/s.in" "$dir/c.in"
	ip netns exec "$TCPLAB_NS" "${vg[@]}" "$PROJECT/server" <"$dir/s.in" >"$dir/s.log" 2>&1 &
	local spid=$!
	exec {sfd}>"$dir/s.in"
	expect_state LISTEN "$SERVER_END" "0.0.0.0:*" 20
	ip netns exec "$TCPLAB_NS" "${vg[@]}" "$PROJECT/client" <"$dir/c.in" >"$dir/c.log" 2>&1 &
	local cpid=$!
	exec {cfd}>"$dir/c.in"
	expect_state ESTAB "$SERVER_END" "$CLIENT_END" 20
	printf k >&"$cfd"
	exec {cfd}>&-
	local cstatus=0 sstatus=0
	wait "$cpid" || cstatus=$?
	printf k >&"$sfd"
	exec {sfd}>&-
	wait "$spid" || sstatus=$?
	cat "$dir/s.log" "$dir/c.log"
	[ "$cstatus" -eq 0 ] && [ "$sstatus" -eq 0 ]
	grep -q "closing connection" "$dir/c.log"
	grep -q "closing listener" "$dir/s.log"
	run ! grep -q '^==[0-9]*==' "$dir/s.log" "$dir/c.log"
}
