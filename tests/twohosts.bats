#!/usr/bin/env bats
# tcplab up --two-hosts: the server and the client in two namespaces joined
# by veth; each host's ss sees its own end, each host's INPUT its own rules.

load helper

setup_file() { file_lab_up --two-hosts; }

teardown_file() { file_lab_down; }

teardown() {
	lab_reset
	end_watch
}

client_ns() { echo "$TCPLAB_NS-client"; }

# rules_on NS: the INPUT rules tcplab added in namespace NS.
rules_on() { ip netns exec "$1" iptables -S INPUT | grep -c -- "tcplab " || true; }

@test "two namespaces, one address each, joined by one veth pair" {
	run -0 ip -n "$TCPLAB_NS" -o -4 addr show dev eth0
	[[ $output == *" 192.168.100.100/24 "* && $output != *192.168.100.51* ]]
	run -0 ip -n "$(client_ns)" -o -4 addr show dev eth0
	[[ $output == *" 192.168.100.51/24 "* && $output != *192.168.100.100* ]]
	run -0 ip -n "$(client_ns)" -o link show dev eth0
	[[ $output == *"eth0@"* ]]
	run -0 "$TCPLAB" up --two-hosts
	[[ $output == *"already up (two hosts)"* ]]
	run -2 "$TCPLAB" up
	[[ $output == *"up with two hosts"* ]]
}

@test "each host's ss sees only its own end of the connection" {
	"$TCPLAB" start server >/dev/null
	"$TCPLAB" start client >/dev/null
	expect_state ESTAB "$CLIENT_END" "$SERVER_END"
	run -0 ip netns exec "$TCPLAB_NS" ss -Htan
	[[ $output == *"$SERVER_END"*"$CLIENT_END"* && $output != *"ESTAB"*"$CLIENT_END "*"$SERVER_END"* ]]
	run -0 ip netns exec "$(client_ns)" ss -Htan
	[ "$(echo "$output" | awk '{ print $1, $4, $5 }')" = "ESTAB $CLIENT_END $SERVER_END" ]
}

@test "freeze SYN_SENT: the rule goes on the server's INPUT" {
	run -0 "$TCPLAB" freeze SYN_SENT
	[ "$(rules_on "$TCPLAB_NS")" -eq 1 ]
	[ "$(rules_on "$(client_ns)")" -eq 0 ]
	expect_state SYN-SENT "$CLIENT_END" "$SERVER_END" 0
	run -0 "$TCPLAB" thaw
	[ "$(rules_on "$TCPLAB_NS")" -eq 0 ]
}

@test "freeze SYN_RECV: the rule goes on the client's INPUT" {
	run -0 "$TCPLAB" freeze SYN_RECV
	[ "$(rules_on "$TCPLAB_NS")" -eq 0 ]
	[ "$(rules_on "$(client_ns)")" -eq 1 ]
	expect_state SYN-RECV "$SERVER_END" "$CLIENT_END" 0
	run -0 "$TCPLAB" drops
	[[ $output == *"client: DROP"* ]]
}

@test "arrows across two hosts: CLOSING, and a simultaneous open" {
	run -0 "$TCPLAB" arrow FIN_WAIT1 CLOSING
	[[ $output == *"  after   client: CLOSING $CLIENT_END $SERVER_END"* ]]
	[[ $output == *"  kernel  $CLIENT_END -> $SERVER_END   FIN_WAIT1 -> CLOSING"* ]]
	run -0 "$TCPLAB" arrow SYN_SENT SYN_RECV
	[[ $output == *"  kernel  $CLIENT_END -> $SERVER_END   SYN_SENT -> SYN_RECV"* ]]
}

@test "over IPv6 too: ip6tables' rule on the client's INPUT, an arrow on the twins" {
	local server6="[2001:db8::100]:32000" client6="[2001:db8::51]:32089"
	"$TCPLAB" up --two-hosts --ipv6 >/dev/null
	run -0 "$TCPLAB" freeze -6 SYN_RECV
	run -0 ip netns exec "$(client_ns)" ip6tables -S INPUT
	[[ $output == *"-A INPUT -s 2001:db8::100/128 "*"tcplab SYN_RECV"* ]]
	[ "$(rules_on "$(client_ns)")" -eq 0 ]
	expect_state SYN-RECV "$server6" "$client6" 0
	lab_reset
	run -0 "$TCPLAB" arrow -6 SYN_SENT SYN_RECV
	[[ $output == *"  kernel  $client6 -> $server6   SYN_SENT -> SYN_RECV"* ]]
	[[ $output == *"verified: SYN_SENT -> SYN_RECV"* ]]
}

@test "the tour on two hosts verifies every arrow; each walk's capture (--pcap) agrees with its recording" {
	local dir=$BATS_TEST_TMPDIR/captures cap
	mkdir "$dir"
	TCPLAB_NS=unused run -0 "$TCPLAB" tour --two-hosts --pcap "$dir"
	[[ $output == *"(two hosts, IPv4)"* ]]
	[[ $output == *"tour: 11 of 11 states and 21 of 21 reachable arrows verified"* ]]
	[[ $(ip netns list) != *tcplab-tour-* ]]
	[ "$(find "$dir" -name '*.pcapng' | wc -l)" -eq "$(grep -Eo '\(([0-9]+) walks' <<<"$output" | tr -dc 0-9)" ]
	for cap in "$dir"/*.pcapng; do
		pcap_agree "$cap" "${cap%.pcapng}.json"
	done
}

@test "down removes both hosts" {
	local ns=tl-2h-down-$$
	TCPLAB_NS=$ns "$TCPLAB" up --two-hosts >/dev/null
	TCPLAB_NS=$ns "$TCPLAB" start server >/dev/null
	run -0 env TCPLAB_NS="$ns" "$TCPLAB" down
	run -0 ip netns list
	[[ $output != *"$ns"* ]]
}

@test "two hosts: a segment both namespaces saw is drawn once, each end named with its namespace" {
	local out=$BATS_TEST_TMPDIR/out facts
	record_connection --netns "$TCPLAB_NS" --netns "$(client_ns)"
	[ "$(jq -s 'map(select(.event == "segment")) | length' "$out")" -eq 14 ] # each seen on both sides
	facts=$(ladder "$out")
	echo "$facts"
	[ "$(jq -c '.connections[0].states' <<<"$facts")" = "$LADDER_STATES" ]
	[ "$(jq -c '.connections[0].labels' <<<"$facts")" = "$LADDER_LABELS" ]
	grep -q ">client</tspan> in $(client_ns)<" "$out.svg"
	grep -q ">server</tspan> in $TCPLAB_NS<" "$out.svg"
}

@test "two hosts: --pcap: each host's copy on its own interface, the step that sent it on one, the step it caused on the other" {
	local out=$BATS_TEST_TMPDIR/out cap=$BATS_TEST_TMPDIR/run.pcapng facts
	record_connection --netns "$TCPLAB_NS" --netns "$(client_ns)" --pcap "$cap"
	pcap_agree "$cap" "$out"
	facts=$output
	echo "$facts"
	jq -e --arg s "$TCPLAB_NS/eth0" --arg c "$(client_ns)/eth0" \
		'.packets == 14 and .interfaces == ([$s, $c] | sort) and .steps == 14 and all(.comments[]; length == 1)' <<<"$facts"
}

@test "two hosts: tcplab freeze SYN_RECV --pcap: the client's copy of the SYN,ACK is dropped, the server's is not" {
	local cap=$BATS_TEST_TMPDIR/synrecv.pcapng facts
	run -0 "$TCPLAB" freeze --pcap "$cap" SYN_RECV
	pcap_agree "$cap" "$BATS_TEST_TMPDIR/synrecv.json"
	facts=$output
	echo "$facts"
	jq -e '.drops >= 1' <<<"$facts"
	run -0 --separate-stderr tshark -r "$cap" -T fields -e frame.interface_name -e frame.comment -Y 'tcp.flags == 0x012'
	echo "$output"
	[[ $output == *"$(client_ns)/eth0"*"dropped: NETFILTER_DROP"* ]]
	[[ $(grep "^$TCPLAB_NS/eth0" <<<"$output") != *dropped* ]]
}
