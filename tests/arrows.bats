#!/usr/bin/env bats
# tcplab arrow and tour: every arrow of the diagram walked on the real
# kernel.  Each test says on its own what ss must show before and after on
# the exact 4-tuple, and which steps the kernel's tracepoint must report.

load helper

LISTENER="192.168.100.100:32000 0.0.0.0:*"
SERVER="$SERVER_END $CLIENT_END"
CLIENT="$CLIENT_END $SERVER_END"

setup_file() { file_lab_up; }

teardown_file() { file_lab_down; }

teardown() { lab_reset; }

# has LINE: the last run printed exactly LINE.
has() {
	grep -qxF -- "$1" <<<"$output" && return 0
	echo "missing line: '$1'" >&2
	return 1
}

# walk_arrow "FROM TO [VIA]" END BEFORE AFTER [KERNEL_STEP...]
# END is listener, server or client (or FIRST>THEN when the arrow moves
# from one socket to another); BEFORE and AFTER are ss states ("-" for no
# socket); a kernel step is "END OLD -> NEW"; none: the tracepoint is blind.
walk_arrow() {
	local -a arrow
	read -r -a arrow <<<"$1"
	local first=${2%>*} then=${2#*>} before=$3 after=$4 step kend
	shift 4
	run "$TCPLAB" arrow ${arrow[2]:+--via "${arrow[2]}"} "${arrow[0]}" "${arrow[1]}"
	echo "$output"
	[ "$status" -eq 0 ]
	has "  before  $first: $(ss_words "$before") $(tuple_of "$first")"
	has "  after   $then: $(ss_words "$after") $(tuple_of "$then")"
	for step in "$@"; do
		read -r kend step <<<"$step"
		has "  kernel  $(kernel_tuple "$kend")   $step"
	done
	if (($# == 0)); then
		[[ $output == *"  kernel  (blind: "* ]]
	fi
	[[ $output == *"verified: ${arrow[0]} -> ${arrow[1]}"* ]]
}

tuple_of() {
	case $1 in
	listener) echo "$LISTENER" ;;
	server) echo "$SERVER" ;;
	client) echo "$CLIENT" ;;
	esac
}

kernel_tuple() {
	case $1 in
	listener) echo "$SERVER_END -> 0.0.0.0:0" ;;
	server) echo "$SERVER_END -> $CLIENT_END" ;;
	client) echo "$CLIENT_END -> $SERVER_END" ;;
	esac
}

ss_words() {
	if [[ $1 == - ]]; then echo "no socket (CLOSED)"; else echo "$1"; fi
}

@test "CLOSED -> LISTEN: listen()" {
	walk_arrow "CLOSED LISTEN" listener - LISTEN "listener CLOSED -> LISTEN"
}

@test "LISTEN -> CLOSED: the listener is closed" {
	walk_arrow "LISTEN CLOSED" listener LISTEN - "listener LISTEN -> CLOSED"
}

@test "CLOSED -> SYN_SENT: connect()" {
	walk_arrow "CLOSED SYN_SENT" client - SYN-SENT "client CLOSED -> SYN_SENT"
}

@test "LISTEN -> SYN_RECV: a SYN arrives (request socket: ss only)" {
	walk_arrow "LISTEN SYN_RECV" "listener>server" LISTEN SYN-RECV
}

@test "SYN_SENT -> SYN_RECV: simultaneous open" {
	walk_arrow "SYN_SENT SYN_RECV" client SYN-SENT SYN-RECV "client SYN_SENT -> SYN_RECV"
}

@test "SYN_SENT -> ESTABLISHED: the SYN,ACK arrives" {
	walk_arrow "SYN_SENT ESTABLISHED" client SYN-SENT ESTAB "client SYN_SENT -> ESTABLISHED"
}

@test "SYN_SENT -> CLOSED: the client gives up and closes" {
	walk_arrow "SYN_SENT CLOSED" client SYN-SENT - "client SYN_SENT -> CLOSED"
}

@test "SYN_SENT -> CLOSED via rst: connection refused" {
	walk_arrow "SYN_SENT CLOSED rst" client SYN-SENT - "client SYN_SENT -> CLOSED"
	grep -q "Connection refused" "$TCPLAB_RUN/$TCPLAB_NS/client.log"
}

@test "SYN_SENT -> CLOSED via timeout: the kernel gives up" {
	walk_arrow "SYN_SENT CLOSED timeout" client SYN-SENT - "client SYN_SENT -> CLOSED"
	grep -q "timed out" "$TCPLAB_RUN/$TCPLAB_NS/client.log"
}

@test "SYN_RECV -> ESTABLISHED: the last ACK of the handshake" {
	walk_arrow "SYN_RECV ESTABLISHED" server SYN-RECV ESTAB "server SYN_RECV -> ESTABLISHED"
}

@test "SYN_RECV -> LISTEN: an RST ends the request, the listener stays" {
	walk_arrow "SYN_RECV LISTEN" server SYN-RECV -
	has "  and     listener: LISTEN $LISTENER"
}

@test "SYN_RECV -> FIN_WAIT1: close() during a simultaneous open" {
	walk_arrow "SYN_RECV FIN_WAIT1" client SYN-RECV FIN-WAIT-1 "client SYN_RECV -> FIN_WAIT1"
}

@test "ESTABLISHED -> FIN_WAIT1: close()" {
	walk_arrow "ESTABLISHED FIN_WAIT1" client ESTAB FIN-WAIT-1 "client ESTABLISHED -> FIN_WAIT1"
}

@test "ESTABLISHED -> CLOSE_WAIT: the peer's FIN" {
	walk_arrow "ESTABLISHED CLOSE_WAIT" server ESTAB CLOSE-WAIT "server ESTABLISHED -> CLOSE_WAIT"
}

@test "FIN_WAIT1 -> FIN_WAIT2: the ACK of our FIN" {
	walk_arrow "FIN_WAIT1 FIN_WAIT2" client FIN-WAIT-1 FIN-WAIT-2 "client FIN_WAIT1 -> FIN_WAIT2"
}

@test "FIN_WAIT1 -> CLOSING: simultaneous close" {
	walk_arrow "FIN_WAIT1 CLOSING" client FIN-WAIT-1 CLOSING "client FIN_WAIT1 -> CLOSING"
}

@test "FIN_WAIT1 -> TIME_WAIT: FIN and ACK in one segment" {
	walk_arrow "FIN_WAIT1 TIME_WAIT" client FIN-WAIT-1 TIME-WAIT \
		"client FIN_WAIT1 -> FIN_WAIT2" "client FIN_WAIT2 -> CLOSED"
}

@test "FIN_WAIT2 -> TIME_WAIT: the peer's FIN after a half close" {
	walk_arrow "FIN_WAIT2 TIME_WAIT" client FIN-WAIT-2 TIME-WAIT "client FIN_WAIT2 -> CLOSED"
}

@test "CLOSING -> TIME_WAIT: the ACK of our FIN at last" {
	walk_arrow "CLOSING TIME_WAIT" client CLOSING TIME-WAIT "client CLOSING -> CLOSED"
}

@test "CLOSE_WAIT -> LAST_ACK: close() after the peer's FIN" {
	walk_arrow "CLOSE_WAIT LAST_ACK" server CLOSE-WAIT LAST-ACK "server CLOSE_WAIT -> LAST_ACK"
}

@test "LAST_ACK -> CLOSED: the ACK of our FIN" {
	walk_arrow "LAST_ACK CLOSED" server LAST-ACK - "server LAST_ACK -> CLOSED"
}

@test "TIME_WAIT -> CLOSED via rst: assassination with tcp_rfc1337=0" {
	walk_arrow "TIME_WAIT CLOSED rst" client TIME-WAIT -
	[ "$(ip netns exec "$TCPLAB_NS" sysctl -n net.ipv4.tcp_rfc1337)" = 0 ]
}

@test "TIME_WAIT -> CLOSED via reuse: a newer SYN on the same 4-tuple" {
	walk_arrow "TIME_WAIT CLOSED reuse" server TIME-WAIT ESTAB
}

@test "ESTABLISHED -> CLOSED: abortive close (SO_LINGER 0) resets both ends" {
	walk_arrow "ESTABLISHED CLOSED" client ESTAB - \
		"client ESTABLISHED -> CLOSED" "server ESTABLISHED -> CLOSED"
}

# bats test_tags=slow
@test "TIME_WAIT -> CLOSED: the 60 s timeout (slow)" {
	walk_arrow "TIME_WAIT CLOSED" client TIME-WAIT -
}

@test "LISTEN -> SYN_SENT is explained, not walked" {
	run -2 "$TCPLAB" arrow LISTEN SYN_SENT
	[[ $output == *"not reachable on Linux"*"EISCONN"* ]]
}

@test "an arrow the diagram lacks, or an unknown state, is refused with the ways on" {
	run -2 "$TCPLAB" arrow CLOSED ESTABLISHED
	[ "$output" = "tcplab: arrow: the diagram has no arrow CLOSED -> ESTABLISHED; from CLOSED: LISTEN SYN_SENT (tcplab arrow --list names them all)" ]
	run -2 "$TCPLAB" arrow CLOSED NOWHERE
	[[ $output == *"unknown state 'NOWHERE'"* ]]
	run -2 "$TCPLAB" arrow --via nope SYN_SENT CLOSED
	[[ $output == *"rst"*"timeout"* ]]
	run -0 "$TCPLAB" arrow --list
	[ "${#lines[@]}" -eq "$("$PROJECT/tcpwatch" --list-arrows | wc -l)" ]
}

@test "every reachable arrow of the table has a recipe and every recipe names an arrow" {
	# shellcheck source=lab/steps.sh
	. "$PROJECT/lab/steps.sh"
	# shellcheck source=lab/freeze.sh
	. "$PROJECT/lab/freeze.sh"
	# shellcheck source=lab/arrows.sh
	. "$PROJECT/lab/arrows.sh"
	local from to reachable key
	while IFS=$'\t' read -r from to _ _ _ reachable _; do
		if [[ $reachable == yes ]]; then
			[ -n "${ARROW["$from $to"]:-}" ] || { echo "no recipe for $from $to"; false; }
		else
			[ -n "${UNREACHABLE["$from $to"]:-}" ] || { echo "no reason for $from $to"; false; }
		fi
	done < <("$PROJECT/tcpwatch" --list-arrows)
	for key in "${!ARROW[@]}"; do
		read -r from to _ <<<"$key"
		"$PROJECT/tcpwatch" --list-arrows | awk -F'\t' -v f="$from" -v t="$to" \
			'$1 == f && $2 == t && $6 == "yes" { ok = 1 } END { exit !ok }' ||
			{ echo "recipe $key names no reachable arrow"; false; }
	done
}

@test "the tour walks every arrow and counts them, draws each walk (--svg) and writes its segments (--pcap)" {
	local dir=$BATS_TEST_TMPDIR/ladders walks svg from to rfc cap
	mkdir "$dir"
	TCPLAB_NS=unused run -0 "$TCPLAB" tour --svg "$dir" --pcap "$dir"
	[[ $output == *"tour: 11 of 11 states and 21 of 21 reachable arrows verified"* ]]
	[[ $output == *"0 failed"* ]]
	[[ $output == *"LISTEN -> SYN_SENT: not reachable on Linux"* ]]
	[[ $(ip netns list) != *tcplab-tour-* ]]
	# a ladder per walk, each showing the state the arrow leads to, by its RFC name
	walks=$(grep -Eo '\(([0-9]+) walks' <<<"$output" | tr -dc 0-9)
	[ "$(find "$dir" -name '*.svg' | wc -l)" -eq "$walks" ]
	for svg in "$dir"/*.svg; do
		IFS=- read -r from to _ <<<"$(basename "$svg" .svg)"
		rfc=$("$TCPWATCH" --list-states | awk -F'\t' -v s="$to" '$1 == s { print $4 }')
		"$PROJECT/tests/svgfacts.py" "$svg" | jq -e --arg to "$rfc" '[.connections[].states[]] | index($to) != null' >/dev/null ||
			{ echo "$svg: no $rfc drawn for $from -> $to"; false; }
	done
	# a capture per walk, beside its picture, that says what the walk's recording says
	[ "$(find "$dir" -name '*.pcapng' | wc -l)" -eq "$walks" ]
	for cap in "$dir"/*.pcapng; do
		pcap_agree "$cap" "${cap%.pcapng}.json"
	done
}

@test "arrow --svg: the walk recorded and drawn, the dropped FIN crossed" {
	local svg=$BATS_TEST_TMPDIR/closing.svg
	run -0 "$TCPLAB" arrow --svg "$svg" FIN_WAIT1 CLOSING
	[[ $output == *"  ladder  $svg (from ${svg%.svg}.json)"* ]]
	run -0 "$PROJECT/tests/svgfacts.py" "$svg"
	echo "$output"
	jq -e '.connections[0] | (.states | index("FIN-WAIT-1") != null and index("CLOSING") != null)
		and (.drops | length) >= 1 and all(.drops[]; . == "NETFILTER_DROP")' <<<"$output"
	jq -e -s 'map(select(.event == "segment")) | length > 0' "${svg%.svg}.json"
}
