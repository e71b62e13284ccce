# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# `tcplab demo` (and `make demo`): the tutorial's steps, run and checked.
# Each part starts from a fresh lab, so no TIME_WAIT of an earlier part
# shows up in a later one.  The demo's lab has a name of its own and goes
# away on every exit path.

SERVER_END="$SERVER_ADDR:$SERVER_PORT"
CLIENT_END="$CLIENT_ADDR:$CLIENT_PORT"
# The tutorial's two rules are the freezer's SYN_SENT and SYN_RECV recipes.
read -ra SYN_RULE <<<"$(recipe_rules SYN_SENT)"
read -ra SYNACK_RULE <<<"$(recipe_rules SYN_RECV)"

heading() { printf '\n=== %s\n' "$*"; }

show_command() { printf '# %s\n' "$*"; }

show_states() {
	show_command ./server-state.sh
	in_lab "$TCPLAB_DIR/server-state.sh" | sed 's/^/  /'
}

# rule -A|-D SPEC...: change one INPUT rule in the lab, saying so.
rule() {
	local action=$1
	shift
	show_command iptables "$action" INPUT "$@"
	in_lab iptables "$action" INPUT "$@"
}

# expect SECONDS STATE LOCAL PEER: wait until ss agrees, or end the demo.
expect() {
	local seconds=$1 state=$2 local_end=$3 peer=$4
	wait_for "$seconds" socket_in "$state" "$local_end" "$peer" && return 0
	warn "demo: expected $local_end -> $peer in $state, ss shows '$(socket_state "$local_end" "$peer")'"
	exit 1
}

fresh_lab() {
	stop_programs
	lab_down >/dev/null
	lab_up >/dev/null
}

demo_listen_established() {
	heading "LISTEN, then ESTABLISHED on both ends"
	show_command ./server
	start_program server server >/dev/null
	expect "$WAIT_TIMEOUT" LISTEN "$SERVER_END" "0.0.0.0:*"
	show_states
	show_command ./client
	start_program client client >/dev/null
	expect "$WAIT_TIMEOUT" ESTAB "$CLIENT_END" "$SERVER_END"
	expect "$WAIT_TIMEOUT" ESTAB "$SERVER_END" "$CLIENT_END"
	show_states
}

demo_syn_sent() {
	heading "SYN_SENT: the client's SYN is dropped"
	rule -A "${SYN_RULE[@]}"
	start_program server server >/dev/null
	start_program client client >/dev/null
	expect "$WAIT_TIMEOUT" SYN-SENT "$CLIENT_END" "$SERVER_END"
	expect "$WAIT_TIMEOUT" LISTEN "$SERVER_END" "0.0.0.0:*"
	show_states
	wait_for 5 grep -q retransmission "$(run_dir)/client.log" || true
	show_command "client's log"
	sed 's/^/  /' "$(run_dir)/client.log"
	rule -D "${SYN_RULE[@]}"
	say "(the next retransmitted SYN gets through)"
	expect 15 ESTAB "$CLIENT_END" "$SERVER_END"
	show_states
}

demo_syn_recv() {
	heading "SYN_RECV: the server's SYN,ACK is dropped"
	rule -A "${SYNACK_RULE[@]}"
	start_program server server >/dev/null
	start_program client client >/dev/null
	expect "$WAIT_TIMEOUT" SYN-RECV "$SERVER_END" "$CLIENT_END"
	expect "$WAIT_TIMEOUT" SYN-SENT "$CLIENT_END" "$SERVER_END"
	show_states
	rule -D "${SYNACK_RULE[@]}"
	expect 15 ESTAB "$CLIENT_END" "$SERVER_END"
	show_states
}

demo_teardown() {
	heading "Teardown: the client closes first"
	start_program server server >/dev/null
	start_program client client >/dev/null
	expect "$WAIT_TIMEOUT" ESTAB "$SERVER_END" "$CLIENT_END"
	show_states
	show_command "key pressed in the client: close() sends FIN"
	press_key client >/dev/null
	expect "$WAIT_TIMEOUT" FIN-WAIT-2 "$CLIENT_END" "$SERVER_END"
	expect "$WAIT_TIMEOUT" CLOSE-WAIT "$SERVER_END" "$CLIENT_END"
	show_states
	show_command "key pressed in the server: close() sends FIN"
	press_key server >/dev/null
	expect "$WAIT_TIMEOUT" TIME-WAIT "$CLIENT_END" "$SERVER_END"
	wait_for "$WAIT_TIMEOUT" socket_gone "$SERVER_END" "$CLIENT_END"
	show_states
	cat <<'TABLE'
  trigger          | before             > after       | sends
  client close()   | client ESTABLISHED > FIN_WAIT1   | FIN
  server gets FIN  | server ESTABLISHED > CLOSE_WAIT  | ACK
  client gets ACK  | client FIN_WAIT1   > FIN_WAIT2   | -
  server close()   | server CLOSE_WAIT  > LAST_ACK    | FIN
  client gets FIN  | client FIN_WAIT2   > TIME_WAIT   | ACK
  server gets ACK  | server LAST_ACK    > CLOSED      | -
TABLE
	say "(TIME_WAIT would last 60 s; the demo's lab goes away now instead)"
}

demo_cleanup() {
	stop_programs
	lab_down >/dev/null
}

demo() {
	TCPLAB_NS="tcplab-demo-$$"
	own_lab demo # a lab of its own: stale if we are killed (tcplab clean)
	trap demo_cleanup EXIT
	lab_up >/dev/null
	say "lab '$TCPLAB_NS' is up: $SERVER_END (server) and $CLIENT_END (client)"
	demo_listen_established
	fresh_lab
	demo_syn_sent
	fresh_lab
	demo_syn_recv
	fresh_lab
	demo_teardown
	demo_cleanup
	trap - EXIT
	say
	say "demo done; lab '$TCPLAB_NS' removed, nothing left behind"
}
