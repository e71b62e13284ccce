#!/usr/bin/env bats
# tcplab freeze / thaw / drops / reset: every state of the table held on the
# real kernel, checked with ss on the exact 4-tuple.

load helper

setup_file() { file_lab_up; }

teardown_file() { file_lab_down; }

teardown() { lab_reset; }

# freeze_and_check STATE SS_STATE LOCAL PEER
freeze_and_check() {
	run -0 "$TCPLAB" freeze "$1"
	echo "$output"
	[[ $output == *"frozen: "* ]]
	expect_state "$2" "$3" "$4" 0
	sleep 1 # still there a second later: frozen, not passing through
	expect_state "$2" "$3" "$4" 0
}

@test "every state of the table has a recipe and every recipe names a state" {
	local -a table
	mapfile -t table < <("$PROJECT/tcpwatch" --list-states | cut -f1)
	[ "${#table[@]}" -eq 11 ]
	for state in "${table[@]}"; do
		run -0 "$TCPLAB" freeze --rules-only "$state"
	done
	# shellcheck source=lab/freeze.sh
	. "$PROJECT/lab/freeze.sh"
	for state in "${!RECIPE[@]}"; do
		[[ " ${table[*]} " == *" $state "* ]] || {
			echo "recipe $state is not a state of the table"
			return 1
		}
	done
}

@test "state names are taken in the lab's, ss's and the RFC's spellings, any case" {
	run -0 "$TCPLAB" freeze --rules-only SYN-RECV
	[[ $output == *"tcplab SYN_RECV"* ]]
	run -0 "$TCPLAB" freeze --rules-only syn_rcvd
	[[ $output == *"tcplab SYN_RECV"* ]]
	run -0 "$TCPLAB" freeze --rules-only SYN-RECEIVED
	[[ $output == *"tcplab SYN_RECV"* ]]
	run -0 "$TCPLAB" freeze --rules-only estab
	[[ $output == *"ESTABLISHED"* ]]
	run -0 "$TCPLAB" freeze --rules-only fin-wait-1
	[[ $output == *"--sport 32000 --tcp-flags ALL ACK -j DROP"* ]]
}

@test "an unknown state lists the valid ones, exits 2 and changes nothing" {
	run -2 "$TCPLAB" freeze SYN_WAIT
	[[ $output == *"unknown state 'SYN_WAIT'"* ]]
	[[ $output == *"LISTEN SYN_SENT SYN_RECV ESTABLISHED"* ]]
	run -0 "$TCPLAB" exec iptables -S INPUT
	[ "$output" = "-P INPUT ACCEPT" ]
}

@test "freeze LISTEN" {
	freeze_and_check LISTEN LISTEN "$SERVER_END" "0.0.0.0:*"
}

@test "freeze SYN_SENT with the tutorial's rule, shown with its reason" {
	freeze_and_check SYN_SENT SYN-SENT "$CLIENT_END" "$SERVER_END"
	[[ $output == *"iptables -A INPUT -s 192.168.100.51 -p tcp --tcp-flags SYN SYN -j DROP"* ]]
	[[ $output == *"# drops the client's SYN"* ]]
}

@test "freeze --svg: the walk to the frozen state drawn, each dropped SYN crossed" {
	local svg=$BATS_TEST_TMPDIR/syn-sent.svg
	run -0 "$TCPLAB" freeze --svg "$svg" SYN_SENT
	[[ $output == *"frozen: "* && $output == *"  ladder  $svg"* ]]
	run -0 "$PROJECT/tests/svgfacts.py" "$svg"
	echo "$output"
	jq -e '.connections[0] | .states == ["LISTEN", "SYN-SENT"] and .labels[0] == "SYN seq=0"
		and .drops[0] == "NETFILTER_DROP"' <<<"$output"
}

@test "freeze SYN_RECV" {
	freeze_and_check SYN_RECV SYN-RECV "$SERVER_END" "$CLIENT_END"
}

@test "freeze ESTABLISHED" {
	freeze_and_check ESTABLISHED ESTAB "$SERVER_END" "$CLIENT_END"
	expect_state ESTAB "$CLIENT_END" "$SERVER_END" 0
}

@test "freeze FIN_WAIT1" {
	freeze_and_check FIN_WAIT1 FIN-WAIT-1 "$CLIENT_END" "$SERVER_END"
}

@test "freeze FIN_WAIT2" {
	freeze_and_check FIN_WAIT2 FIN-WAIT-2 "$CLIENT_END" "$SERVER_END"
}

@test "freeze CLOSE_WAIT" {
	freeze_and_check CLOSE_WAIT CLOSE-WAIT "$SERVER_END" "$CLIENT_END"
}

@test "freeze CLOSING (a simultaneous close)" {
	freeze_and_check CLOSING CLOSING "$CLIENT_END" "$SERVER_END"
}

@test "freeze LAST_ACK" {
	freeze_and_check LAST_ACK LAST-ACK "$SERVER_END" "$CLIENT_END"
}

@test "freeze TIME_WAIT" {
	freeze_and_check TIME_WAIT TIME-WAIT "$CLIENT_END" "$SERVER_END"
}

@test "freeze CLOSED: the server's end has no socket left" {
	run -0 "$TCPLAB" freeze CLOSED
	wait_for 1 socket_gone "$SERVER_END" "$CLIENT_END"
	expect_state TIME-WAIT "$CLIENT_END" "$SERVER_END" 0
}

@test "thaw removes exactly tcplab's rules and the frozen connection moves on" {
	"$TCPLAB" exec iptables -A INPUT -s 192.0.2.99 -p tcp -j DROP
	"$TCPLAB" freeze SYN_SENT
	run -0 "$TCPLAB" drops
	echo "$output"
	[[ $output =~ [[:space:]]+[1-9][0-9]*\ +[0-9]+\ .*tcplab\ SYN_SENT ]]
	run -0 "$TCPLAB" thaw
	[[ $output == *"removed 1 rule(s)"* ]]
	run -0 "$TCPLAB" exec iptables -S INPUT
	[[ $output == *"-A INPUT -s 192.0.2.99/32 -p tcp -j DROP"* ]]
	[[ $output != *tcplab* ]]
	expect_state ESTAB "$CLIENT_END" "$SERVER_END" 15
	"$TCPLAB" exec iptables -D INPUT -s 192.0.2.99 -p tcp -j DROP
}

@test "reset ends the programs and the lab's connections" {
	"$TCPLAB" freeze CLOSE_WAIT
	run -0 "$TCPLAB" reset
	run -0 "$TCPLAB" status
	[[ $output != *running* ]]
	wait_for 2 socket_gone "$SERVER_END" "$CLIENT_END"
}

@test "--rules-only --apply adds the rules for someone running the programs by hand" {
	run -0 "$TCPLAB" freeze --rules-only --apply SYN_SENT
	run -0 "$TCPLAB" exec iptables -S INPUT
	[[ $output == *"-A INPUT -s 192.168.100.51/32 -p tcp -m tcp --tcp-flags SYN SYN"*"tcplab SYN_SENT"* ]]
	run -2 "$TCPLAB" freeze --apply SYN_SENT
}
