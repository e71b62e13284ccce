#!/usr/bin/env bats
# freeze, arrow and tour over the tutorial's IPv6 twins (tcplab up --ipv6):
# the same recipes with ip6tables, checked with ss on the exact 4-tuple.

load helper

SERVER6="[2001:db8::100]:32000"
CLIENT6="[2001:db8::51]:32089"

setup_file() { file_lab_up --ipv6; }

teardown_file() { file_lab_down; }

teardown() {
	lab_reset
	if [[ -n ${V4_ONLY:-} ]]; then
		TCPLAB_NS=$V4_ONLY "$TCPLAB" down >/dev/null
	fi
}

# no_rules_of_tcplab: neither firewall of the lab holds a rule of tcplab's.
no_rules_of_tcplab() {
	run -0 "$TCPLAB" exec iptables -S INPUT
	[[ $output != *tcplab* ]]
	run -0 "$TCPLAB" exec ip6tables -S INPUT
	[[ $output != *tcplab* ]]
}

@test "-6 in a lab without the twins says how to add them, exit 2, nothing made" {
	V4_ONLY=tl-v4only-$$
	TCPLAB_NS=$V4_ONLY "$TCPLAB" up >/dev/null
	TCPLAB_NS=$V4_ONLY run -2 "$TCPLAB" freeze -6 SYN_SENT
	[ "$output" = "tcplab: lab '$V4_ONLY' has no IPv6 twins: tcplab up --ipv6 adds them" ]
	TCPLAB_NS=$V4_ONLY run -2 "$TCPLAB" arrow -6 ESTABLISHED FIN_WAIT1
	[[ $output == *"has no IPv6 twins"* ]]
	run -0 ip netns exec "$V4_ONLY" ip6tables -S INPUT
	[[ $output != *tcplab* ]]
	[ -z "$(ip netns pids "$V4_ONLY")" ]
}

@test "the twins are found every time: ip's output is read whole, not cut short by grep -q" {
	# ip writes a line at a time; a reader that leaves at the first match
	# killed it with SIGPIPE now and then, and pipefail made that "no twins"
	# shellcheck disable=SC2016 # $1 expands in the inner shell
	run -0 bash -c 'set -euo pipefail; TCPLAB_DIR=$1; . "$1/lab/common.sh"; . "$1/lab/netns.sh"
		for _ in $(seq 300); do has_ipv6_twins || { echo missed; exit 1; }; done' _ "$BATS_TEST_DIRNAME/.."
}

@test "freeze -6 SYN_SENT: the rule is ip6tables', the IPv4 firewall is untouched, thaw removes it" {
	run -0 "$TCPLAB" freeze -6 SYN_SENT
	echo "$output"
	[[ $output == *"ip6tables -A INPUT -s 2001:db8::51 -p tcp --tcp-flags SYN SYN -j DROP"* ]]
	expect_state SYN-SENT "$CLIENT6" "$SERVER6" 0
	expect_state LISTEN "$SERVER6" "[::]:*" 0
	run -0 "$TCPLAB" exec iptables -S INPUT
	[[ $output != *tcplab* ]]
	wait_for 3 bash -c "'$TCPLAB' drops | grep -qE '^ +[1-9][0-9]* +[0-9]+ \(IPv6\) DROP.*tcplab SYN_SENT'"
	run -0 "$TCPLAB" thaw
	[[ $output == *"ip6tables -D INPUT"*"removed 1 rule(s)"* ]]
	no_rules_of_tcplab
	expect_state ESTAB "$CLIENT6" "$SERVER6" 15
}

@test "freeze -6 holds every state of the table on the twins' 4-tuple" {
	local state ss local_end peer
	while read -r state ss local_end peer; do
		run -0 "$TCPLAB" freeze -6 "$state"
		echo "$state: $output"
		if [[ $ss == - ]]; then
			wait_for 2 socket_gone "$local_end" "$peer"
		else
			expect_state "$ss" "$local_end" "$peer" 0
			sleep 0.5 # still there: frozen, not passing through
			expect_state "$ss" "$local_end" "$peer" 0
		fi
		lab_reset
	done <<EOF
LISTEN LISTEN $SERVER6 [::]:*
SYN_SENT SYN-SENT $CLIENT6 $SERVER6
SYN_RECV SYN-RECV $SERVER6 $CLIENT6
ESTABLISHED ESTAB $SERVER6 $CLIENT6
FIN_WAIT1 FIN-WAIT-1 $CLIENT6 $SERVER6
FIN_WAIT2 FIN-WAIT-2 $CLIENT6 $SERVER6
CLOSE_WAIT CLOSE-WAIT $SERVER6 $CLIENT6
CLOSING CLOSING $CLIENT6 $SERVER6
LAST_ACK LAST-ACK $SERVER6 $CLIENT6
TIME_WAIT TIME-WAIT $CLIENT6 $SERVER6
CLOSED - $SERVER6 $CLIENT6
EOF
	no_rules_of_tcplab
}

@test "freeze -6 --rules-only prints ip6tables rules without root or a lab" {
	TCPLAB_NS=no-such-lab run -0 "$TCPLAB" freeze --rules-only -6 SYN_RECV
	[[ $output == *"ip6tables -A INPUT -s 2001:db8::100 -p tcp --tcp-flags SYN,ACK SYN,ACK -j DROP"* ]]
}

@test "arrow -6 FIN_WAIT1 CLOSING: ss and the kernel's record on the twins' 4-tuple; --pcap writes its IPv6 segments" {
	local cap=$BATS_TEST_TMPDIR/closing.pcapng facts
	run -0 "$TCPLAB" arrow -6 --pcap "$cap" FIN_WAIT1 CLOSING
	echo "$output"
	[[ $output == *"  before  client: FIN-WAIT-1 $CLIENT6 $SERVER6"* ]]
	[[ $output == *"  after   client: CLOSING $CLIENT6 $SERVER6"* ]]
	[[ $output == *"  kernel  $CLIENT6 -> $SERVER6   FIN_WAIT1 -> CLOSING"* ]]
	[[ $output == *"verified: FIN_WAIT1 -> CLOSING"* ]]
	pcap_agree "$cap" "$BATS_TEST_TMPDIR/closing.json"
	facts=$output
	echo "$facts"
	jq -e '.packets >= 5 and .drops >= 1 and .steps >= 5' <<<"$facts"
	run -0 --separate-stderr tshark -r "$cap" -T fields -E separator=' ' -e ipv6.src -e ipv6.dst
	[ "$(sort -u <<<"$output" | wc -l)" -eq 2 ]
	grep -qx "2001:db8::51 2001:db8::100" <<<"$output"
	grep -qx "2001:db8::100 2001:db8::51" <<<"$output"
}

@test "the tour over IPv6 verifies every arrow, in a lab of its own that goes" {
	TCPLAB_NS=unused run -0 "$TCPLAB" tour -6
	echo "$output"
	[[ $output == *"(one host, IPv6)"* ]]
	[[ $output == *"tour: 11 of 11 states and 21 of 21 reachable arrows verified"* ]]
	[[ $output == *"0 failed"* ]]
	[[ $output == *"kernel  $CLIENT6 -> $SERVER6   ESTABLISHED -> FIN_WAIT1"* ]]
	[[ $(ip netns list) != *tcplab-tour-* ]]
}
