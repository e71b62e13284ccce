#!/usr/bin/env bats
# tcpwatch --pcap: the watched segments as pcapng, read back with tshark and
# capinfos (Wireshark's own readers) and held against the --json --segments
# recording of the same run (tests/pcapagree.py).

load helper
tests_share_a_lab

# agree PCAP JSON: what the capture says, once it agrees with the recording
# (when not, why on stderr, which bats shows, and the status).
agree() {
	pcap_agree "$1" "$2" >&2 || return
	echo "$output"
}

@test "one connection: pcapng with nanosecond stamps, a packet per segment, each step commented on its segments" {
	local out=$BATS_TEST_TMPDIR/out cap=$BATS_TEST_TMPDIR/run.pcapng facts first
	record_connection --netns "$TCPLAB_NS" --pcap "$cap"
	run -0 capinfos "$cap"
	echo "$output"
	[[ $output == *"File type:"*"pcapng"* && $output == *"Number of interfaces in file: 1"* ]]
	[[ $output == *"Name = $TCPLAB_NS/lo"* && $output == *"Time precision = nanoseconds (9)"* ]]
	# the kernel's own stamps, on the wall clock
	first=$(tshark -r "$cap" -c 1 -T fields -e frame.time_epoch 2>/dev/null)
	[[ $first =~ ^[0-9]+\.[0-9]{9}$ ]]
	awk -v t="$first" -v now="$(date +%s.%N)" 'BEGIN { exit !(t > now - 60 && t <= now) }'
	facts=$(agree "$cap" "$out")
	# lo: each of the 7 segments once; every one both sent by a step and the cause of one
	jq -e '.packets == 7 and .interfaces == ["'"$TCPLAB_NS"'/lo"] and .steps == 14 and .drops == 0
		and all(.comments[]; length == 2)' <<<"$facts"
	jq -e '.comments[0] == ["client CLOSED -> SYN_SENT (active OPEN / snd SYN)",
		"server LISTEN -> SYN_RECV (rcv SYN / snd SYN,ACK)"]' <<<"$facts"
	jq -e '.comments[1][1] == "client SYN_SENT -> ESTABLISHED (rcv SYN,ACK / snd ACK)"' <<<"$facts"
}

@test "tcplab freeze SYN_SENT --pcap: every copy of the SYN commented with its drop and the netfilter reason" {
	local cap=$BATS_TEST_TMPDIR/syn.pcapng facts drops
	run -0 "$TCPLAB" freeze --pcap "$cap" SYN_SENT
	[[ $output == *"capture $cap (pcapng, "*"recording $BATS_TEST_TMPDIR/syn.json)"* ]]
	# the freeze recorded only the walk there; the SYN's first retransmission comes 1 s on
	start_watch --json --segments -p 32000 --netns "$TCPLAB_NS" --pcap "$cap.more.pcapng"
	wait_for 5 grep -q '"event":"retransmit".*"segment":"SYN"' "$BATS_TEST_TMPDIR/out"
	sleep 0.3
	stop_watch
	for run in "$cap $BATS_TEST_TMPDIR/syn.json" "$cap.more.pcapng $BATS_TEST_TMPDIR/out"; do
		read -r pcap json <<<"$run"
		facts=$(agree "$pcap" "$json")
		drops=$(jq -s 'map(select(.event == "drop")) | length' "$json")
		((drops >= 1))
		jq -e --argjson n "$drops" '.drops == $n and .packets == $n
			and all(.comments[]; index("dropped: NETFILTER_DROP") != null)' <<<"$facts"
	done
}

# refused_connect: a connect() from the client's address to the server's end, where
# nothing listens: a SYN, an RST back.
refused_connect() {
	ip netns exec "$TCPLAB_NS" python3 -c '
import socket
s = socket.socket()
s.bind(("192.168.100.51", 0))
try:
    s.connect(("192.168.100.100", 32000))
except ConnectionRefusedError:
    pass'
}

@test "a kernel that hands the segments over late (0.7 s, a timer a busy machine keeps waiting): every step still waits for its segments, the last ones too" {
	local out=$BATS_TEST_TMPDIR/out cap=$BATS_TEST_TMPDIR/late.pcapng facts
	# steps told while the watch goes on
	TCPWATCH_RETIRE_MS=700 record_connection --netns "$TCPLAB_NS" --pcap "$cap"
	facts=$(agree "$cap" "$out")
	jq -e '.packets == 7 and .steps == 14 and all(.comments[]; length == 2)' <<<"$facts"
	# a watch stopped at once, its segments still in the kernel's block
	TCPWATCH_RETIRE_MS=700 start_watch --json --segments -p 32000 --netns "$TCPLAB_NS" --pcap "$cap"
	refused_connect
	stop_watch
	facts=$(agree "$cap" "$out")
	# the SYN dropped where nothing listens, the RST back: both in the capture
	jq -e '.packets == 2 and .steps == 2 and .drops == 1' <<<"$facts"
	jq -e '.comments == [["client CLOSED -> SYN_SENT (active OPEN / snd SYN)", "dropped: NO_SOCKET"],
		["client SYN_SENT -> CLOSED (rcv RST / delete TCB)"]]' <<<"$facts"
}
