#!/usr/bin/env bats
# tcpwatch --ladder: real recordings (--json --segments) drawn as sequence
# diagrams, read back by an SVG reader (tests/svgfacts.py) and held against
# the recording they came from.

load helper

WORKLOAD="$PROJECT/tests/workload/sockets.py"
tests_share_a_lab

@test "one connection: every state on its lifeline, every segment once, numbered from each end's SYN" {
	local out=$BATS_TEST_TMPDIR/out facts
	record_connection --netns "$TCPLAB_NS"
	facts=$(ladder "$out")
	echo "$facts"
	jq -e '.width == 820 and .width / .height <= 3 and (.connections | length) == 1' <<<"$facts"
	[ "$(jq -c '.connections[0].states' <<<"$facts")" = "$LADDER_STATES" ]
	[ "$(jq -c '.connections[0].labels' <<<"$facts")" = "$LADDER_LABELS" ]
	# as many arrows as the recording has segments, and nothing dropped
	[ "$(jq -s 'map(select(.event == "segment")) | length' "$out")" -eq "$(jq '.connections[0].segments' <<<"$facts")" ]
	jq -e '.connections[0].drops == []' <<<"$facts"
	# the step a segment caused comes after it, named by its sequence number
	# shellcheck disable=SC2016 # jq's variable
	run -0 jq -sr '(map(select(.event == "segment" and .segment == "SYN")) | .[0].seq) as $syn
		| map(select(.event == "state" and .new == "SYN_RECV")) | .[0].cause_seq == $syn' "$out"
	[ "$output" = true ]
}

@test "a dropped SYN: a cross with the kernel's reason on each, the retransmissions counted" {
	local out=$BATS_TEST_TMPDIR/out facts drops
	start_watch --json --segments -p 32000 --netns "$TCPLAB_NS"
	"$TCPLAB" freeze SYN_SENT >/dev/null
	wait_for 5 grep -q '"event":"retransmit".*"segment":"SYN"' "$out"
	sleep 0.3
	stop_watch
	facts=$(ladder "$out")
	echo "$facts"
	drops=$(jq -s 'map(select(.event == "drop")) | length' "$out")
	((drops >= 2))
	jq -e --argjson n "$drops" '.connections[0] | .drops == [range($n) | "NETFILTER_DROP"]
		and .segments == $n and .states == ["LISTEN", "SYN-SENT"]
		and .labels[0] == "SYN seq=0" and .labels[1] == "SYN seq=0 resent #1"' <<<"$facts"
}

@test "connections one after another on one 4-tuple: a picture each, --conn N draws the N-th" {
	local out=$BATS_TEST_TMPDIR/out facts
	start_watch --json --segments -p 32000 --netns "$TCPLAB_NS"
	ip netns exec "$TCPLAB_NS" "$WORKLOAD" reuse 3 >/dev/null
	wait_for 5 bash -c "[ \$(grep -c '\"old\":\"LAST_ACK\",\"new\":\"CLOSED\"' '$out') -eq 3 ]"
	sleep 0.3
	stop_watch
	facts=$(ladder "$out")
	echo "$facts"
	# the server closes first; its TIME_WAIT, ended by the next SYN, is the last step of its own connection
	jq -e '(.connections | length) == 3 and all(.connections[]; .labels[0] == "SYN seq=0")
		and ([.connections[].states] == [range(3) | ["LISTEN", "SYN-SENT", "SYN-RECEIVED", "ESTABLISHED",
			"ESTABLISHED", "FIN-WAIT-1", "CLOSE-WAIT", "LAST-ACK", "TIME-WAIT", "CLOSED"]
			+ (if . < 2 then ["CLOSED"] else [] end)])' <<<"$facts"
	[ "$(jq -s 'map(select(.event == "segment")) | length' "$out")" -eq "$(jq '[.connections[].segments] | add' <<<"$facts")" ]
	"$TCPWATCH" --ladder --replay "$out" --conn 2 >"$out.2.svg"
	run -0 "$PROJECT/tests/svgfacts.py" "$out.2.svg"
	jq -e '(.connections | length) == 1' <<<"$output"
	grep -q ">connection 2 of 3: " "$out.2.svg"
}

@test "--ready FILE: made once tcpwatch watches; one it cannot make is a failure, exit 1" {
	local ready=$BATS_TEST_TMPDIR/ready
	start_watch --ready "$ready" -p 32000 --netns "$TCPLAB_NS"
	wait_for 3 test -e "$ready"
	stop_watch
	run --separate-stderr "$TCPWATCH" --ready /no/such/dir/ready -p 32000 --netns "$TCPLAB_NS" --duration 5
	[ "$status" -eq 1 ]
	# shellcheck disable=SC2154 # run --separate-stderr sets it
	[ "$stderr" = "tcpwatch: --ready /no/such/dir/ready: No such file or directory" ]
}

@test "--segments as text: a line per segment with its numbers" {
	local out=$BATS_TEST_TMPDIR/out
	start_watch --segments -p 32000 --netns "$TCPLAB_NS"
	one_connection
	wait_for 3 grep -q "LISTEN -> CLOSED" "$out"
	stop_watch
	run -0 grep -c " seen " "$out"
	[ "$output" -eq 7 ]
	grep -Eq "client seen SYN $CLIENT_END -> $SERVER_END seq [0-9]+ ack 0 len 0" "$out"
}
