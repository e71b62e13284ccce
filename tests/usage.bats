#!/usr/bin/env bats
# Bad input is refused the way usage errors are: a message and exit 2.

load helper

setup_file() {
	make -C "$PROJECT" -s all
}

# What a bad input must leave as it was: namespaces, tcplab's run files,
# the host's firewall, and the lab's programs (none run outside a lab).
host_snapshot() {
	ip netns list
	ls -R "$TCPLAB_RUN" 2>/dev/null || true
	iptables -S 2>/dev/null || true
	ip6tables -S 2>/dev/null || true
	live_lab_processes
}

# refused STATUS PROGRAM ARGS...: PROGRAM (a path) refuses ARGS with exit
# STATUS, nothing on stdout, at most three lines on stderr, the first
# starting with its name (REFUSED_AS, when PROGRAM runs another), and the
# host as it was.  The message is in $stderr.
# shellcheck disable=SC2154 # run --separate-stderr sets stderr and stderr_lines
refused() {
	local want=$1 program=$2 before after
	shift 2
	before=$(host_snapshot)
	run --separate-stderr "$program" "$@"
	after=$(host_snapshot)
	printf 'status %s, stderr:\n%s\n' "$status" "$stderr"
	[ "$status" -eq "$want" ]
	[ -z "$output" ]
	[ "${#stderr_lines[@]}" -ge 1 ] && [ "${#stderr_lines[@]}" -le 3 ]
	[[ ${stderr_lines[0]} == "${REFUSED_AS:-${program##*/}}: "* ]]
	[ "$before" = "$after" ]
}

@test "server and client explain themselves with --help" {
	for program in server client; do
		run -0 "$PROJECT/$program" --help
		[[ ${lines[0]} == "usage: $program "* ]]
		[[ $output == *EXAMPLES* ]]
	done
}

@test "server refuses bad ports and addresses with exit 2" {
	for port in 0 65536 abc -1 "" 12x; do
		run -2 "$PROJECT/server" --port "$port"
		[[ $output == *"bad port '$port'"* ]]
	done
	for addr in 300.1.1.1 1.2.3 abc; do
		run -2 "$PROJECT/server" --addr "$addr"
		[[ $output == *"bad address '$addr'"* ]]
	done
	run -2 "$PROJECT/server" extra
	run -2 "$PROJECT/server" --bogus
}

@test "client refuses bad ports, addresses and timeouts with exit 2" {
	for port in 0 65536 abc; do
		run -2 "$PROJECT/client" "$port"
		[[ $output == *"bad CLIENT_PORT '$port'"* ]]
		run -2 "$PROJECT/client" --server-port "$port"
		[[ $output == *"bad port '$port'"* ]]
	done
	run -2 "$PROJECT/client" --addr 300.1.1.1
	[[ $output == *"bad address '300.1.1.1'"* ]]
	run -2 "$PROJECT/client" --server-addr 300.1.1.1
	run -2 "$PROJECT/client" --timeout 0
	run -2 "$PROJECT/client" 32090 32091
}

@test "-6 takes the IPv6 twins; an IPv4 address with it, or ends of two families, exit 2" {
	run -0 "$PROJECT/server" --help
	[[ $output == *"2001:db8::100"* ]]
	run -2 "$PROJECT/server" -6 -a 192.168.100.100
	[ "$output" = "server: -6 and an IPv4 address exclude each other" ]
	run -2 "$PROJECT/client" -a 2001:db8::51
	[ "$output" = "client: the address to bind and the server's are of two families (-6 for IPv6)" ]
	run -2 "$PROJECT/client" -6 -a 192.168.100.51 -s 192.168.100.100
	[ "$output" = "client: -6 and IPv4 addresses exclude each other" ]
	run -2 "$PROJECT/server" --addr 2001:db8::zz
	[[ $output == "server: bad address '2001:db8::zz': want IPv4 like 192.168.100.100 or IPv6 like 2001:db8::100" ]]
}

@test "an unknown option is one line and a pointer to --help, exit 2" {
	for program in server client tcpwatch; do
		run -2 "$PROJECT/$program" --bogus
		[ "${#lines[@]}" -eq 2 ]
		[[ ${lines[0]} == *"$program: unrecognized option '--bogus'" ]]
		[ "${lines[1]}" = "try '$program --help'" ]
	done
}

@test "tcplab: a missing argument is named before whether the lab is up, exit 2" {
	TCPLAB_NS=tl-nowhere-$$ run -2 "$TCPLAB" key
	[ "$output" = "tcplab: key: which program? (server, client, or the NAME given to start --name)" ]
	TCPLAB_NS=tl-nowhere-$$ run -2 "$TCPLAB" log a b
	[[ $output == "tcplab: log: which program?"* ]]
	TCPLAB_NS=tl-nowhere-$$ run -2 "$TCPLAB" exec --on
	[ "$output" = "tcplab: exec: --on needs a host, server or client" ]
	TCPLAB_NS=tl-nowhere-$$ run -2 "$TCPLAB" exec --on client
	[ "$output" = "tcplab: exec: which command?" ]
	TCPLAB_NS=tl-nowhere-$$ run -2 "$TCPLAB" exec ls
	[[ $output == *"is not up"* ]]
}

@test "a failed bind names the call, the address and the cause, exit 1" {
	local port=$((40000 + $$ % 10000)) holder
	# Loopback only: these two never send a packet.
	sleep 5 | "$PROJECT/server" --addr 127.0.0.1 --port "$port" >/dev/null &
	holder=$!
	wait_for 5 bash -c "ss -Htln | grep -q '127.0.0.1:$port '"
	run -1 "$PROJECT/server" --addr 127.0.0.1 --port "$port"
	kill "$holder" 2>/dev/null || true
	pkill -f "server --addr 127.0.0.1 --port $port" || true
	[ "$output" = "server: bind 127.0.0.1:$port: Address already in use" ]
}

@test "server-state.sh refuses bad addresses with exit 2" {
	run -2 "$PROJECT/server-state.sh" 300.1.1.1
	[[ $output == *"bad address '300.1.1.1'"* ]]
	run -2 "$PROJECT/server-state.sh" 1.2.3.4 5.6.7.8 9.9.9.9
	run -0 "$PROJECT/server-state.sh" --help
}

@test "tcplab refuses unknown commands and bad lab names with exit 2" {
	run -2 "$TCPLAB" frobnicate
	run -2 "$TCPLAB"
	TCPLAB_NS='bad name' run -2 "$TCPLAB" up
	[[ $output == *"bad TCPLAB_NS"* ]]
	run -0 "$TCPLAB" --help
	[[ $output == *EXAMPLES* ]]
}

@test "tcplab refuses to run as an ordinary user, exit 2, nothing made" {
	TCPLAB_NS=tl-notroot-$$ run -2 setpriv --reuid=65534 --regid=65534 --clear-groups "$TCPLAB" up
	[[ $output == *"must run as root"* ]]
	[ ! -e "/run/netns/tl-notroot-$$" ]
}

@test "tcplab names the missing tool and its package, exit 2, nothing made" {
	TCPLAB_NS=tl-notools-$$ PATH=/usr/bin run -2 "$TCPLAB" up
	[[ $output == *"ifconfig (apt-get install net-tools)"* ]]
	[[ $output == *"iptables (apt-get install iptables)"* ]]
	[ ! -e "/run/netns/tl-notools-$$" ]
}

@test "server and client: the options the arrows need, and their errors" {
	run -0 "$PROJECT/server" --help
	[[ $output == *"--shutdown"* && $output == *"--abort"* && $output == *"--close-first"* ]]
	run -0 "$PROJECT/client" --help
	[[ $output == *"--syn-retries"* && $output == *"--mirror"* && $output == *"--abort"* ]]
	run -2 "$PROJECT/server" --shutdown --abort
	[[ $output == *"--shutdown and --abort exclude each other"* ]]
	run -2 "$PROJECT/client" --abort --shutdown
	run -2 "$PROJECT/client" --syn-retries 128
	[[ $output == *"bad SYN retries '128'"* ]]
}

# ---- one test per bad input: one clear message, a meaningful status, no change

@test "bad input: tcplab freeze of an unknown state, lab down, names the state" {
	TCPLAB_NS=tl-down-$$ refused 2 "$TCPLAB" freeze NO_SUCH_STATE
	[[ $stderr == "tcplab: freeze: unknown state 'NO_SUCH_STATE'; the states are: CLOSED "* ]]
}

@test "bad input: tcplab freeze without a state" {
	TCPLAB_NS=tl-down-$$ refused 2 "$TCPLAB" freeze
	[[ $stderr == "tcplab: freeze: which state? one of: "* ]]
}

@test "bad input: tcplab freeze with an unknown option" {
	TCPLAB_NS=tl-down-$$ refused 2 "$TCPLAB" freeze --bogus SYN_SENT
	[ "$stderr" = "tcplab: freeze: unknown option '--bogus'" ]
}

@test "bad input: tcplab freeze --apply without --rules-only" {
	TCPLAB_NS=tl-down-$$ refused 2 "$TCPLAB" freeze --apply SYN_SENT
	[ "$stderr" = "tcplab: freeze: --apply goes with --rules-only" ]
}

@test "bad input: tcplab freeze, arrow and tour --svg and --pcap without a file, misnamed, or where nothing can be written" {
	TCPLAB_NS=tl-down-$$ refused 2 "$TCPLAB" freeze --svg
	[ "$stderr" = "tcplab: freeze: --svg needs a FILE" ]
	TCPLAB_NS=tl-down-$$ refused 2 "$TCPLAB" freeze --svg "$BATS_TEST_TMPDIR/x.png" SYN_SENT
	[ "$stderr" = "tcplab: --svg $BATS_TEST_TMPDIR/x.png: the file's name ends in .svg" ]
	TCPLAB_NS=tl-down-$$ refused 2 "$TCPLAB" freeze --svg /no/such/dir/x.svg SYN_SENT
	[ "$stderr" = "tcplab: --svg /no/such/dir/x.svg: cannot write in '/no/such/dir'" ]
	TCPLAB_NS=tl-down-$$ refused 2 "$TCPLAB" freeze --rules-only --svg "$BATS_TEST_TMPDIR/x.svg" SYN_SENT
	[ "$stderr" = "tcplab: freeze: --svg and --pcap record a walk, not --rules-only" ]
	TCPLAB_NS=tl-down-$$ refused 2 "$TCPLAB" freeze --rules-only --pcap "$BATS_TEST_TMPDIR/x.pcapng" SYN_SENT
	[ "$stderr" = "tcplab: freeze: --svg and --pcap record a walk, not --rules-only" ]
	TCPLAB_NS=tl-down-$$ refused 2 "$TCPLAB" freeze --pcap
	[ "$stderr" = "tcplab: freeze: --pcap needs a FILE" ]
	TCPLAB_NS=tl-down-$$ refused 2 "$TCPLAB" arrow --pcap "$BATS_TEST_TMPDIR/x.pcap" FIN_WAIT1 CLOSING
	[ "$stderr" = "tcplab: --pcap $BATS_TEST_TMPDIR/x.pcap: the file's name ends in .pcapng" ]
	TCPLAB_NS=tl-down-$$ refused 2 "$TCPLAB" arrow --pcap /no/such/dir/x.pcapng FIN_WAIT1 CLOSING
	[ "$stderr" = "tcplab: --pcap /no/such/dir/x.pcapng: cannot write in '/no/such/dir'" ]
	TCPLAB_NS=tl-down-$$ refused 2 "$TCPLAB" arrow --svg "" FIN_WAIT1 CLOSING
	[ "$stderr" = "tcplab: --svg: which file?" ]
	TCPLAB_NS=tl-down-$$ refused 2 "$TCPLAB" tour --svg /no/such/dir
	[ "$stderr" = "tcplab: tour: --svg /no/such/dir: no folder we can write in" ]
	TCPLAB_NS=tl-down-$$ refused 2 "$TCPLAB" tour --pcap "$BATS_TEST_TMPDIR/x.pcapng"
	[ "$stderr" = "tcplab: tour: --pcap $BATS_TEST_TMPDIR/x.pcapng: no folder we can write in" ]
}

@test "bad input: tcplab arrow from an unknown state, lab down" {
	TCPLAB_NS=tl-down-$$ refused 2 "$TCPLAB" arrow NOWHERE CLOSED
	[ "$stderr" = "tcplab: arrow: unknown state 'NOWHERE'" ]
}

@test "bad input: tcplab arrow the diagram lacks" {
	TCPLAB_NS=tl-down-$$ refused 2 "$TCPLAB" arrow CLOSED ESTABLISHED
	[[ $stderr == *"no arrow CLOSED -> ESTABLISHED; from CLOSED: LISTEN SYN_SENT"* ]]
}

@test "bad input: tcplab arrow with one state" {
	TCPLAB_NS=tl-down-$$ refused 2 "$TCPLAB" arrow CLOSED
	[ "$stderr" = "tcplab: arrow: which arrow? FROM TO (tcplab arrow --list names them)" ]
}

@test "bad input: tcplab arrow by a way it does not have" {
	TCPLAB_NS=tl-down-$$ refused 2 "$TCPLAB" arrow --via nowhere CLOSED LISTEN
	[[ $stderr == "tcplab: arrow: no way 'nowhere' for CLOSED -> LISTEN"* ]]
}

@test "bad input: tcplab arrow --via without a way" {
	TCPLAB_NS=tl-down-$$ refused 2 "$TCPLAB" arrow --via
	[ "$stderr" = "tcplab: arrow: --via needs a way (tcplab arrow --list names them)" ]
}

@test "bad input: tcplab start of a program that is neither server nor client" {
	TCPLAB_NS=tl-down-$$ refused 2 "$TCPLAB" start nc
	[ "$stderr" = "tcplab: start: which program? server or client" ]
}

@test "bad input: tcplab start --name without a name" {
	TCPLAB_NS=tl-down-$$ refused 2 "$TCPLAB" start --name
	[ "$stderr" = "tcplab: start: --name needs a NAME" ]
}

@test "bad input: tcplab start with a bad program name" {
	TCPLAB_NS=tl-down-$$ refused 2 "$TCPLAB" start --name 'two words' server
	[ "$stderr" = "tcplab: start: bad program name 'two words': a-z, 0-9, _ and -, at most 20" ]
}

@test "bad input: tcplab shell on a host that is not one" {
	TCPLAB_NS=tl-down-$$ refused 2 "$TCPLAB" shell router
	[ "$stderr" = "tcplab: no host 'router': server or client" ]
}

@test "bad input: tcplab exec --on a host that is not one" {
	TCPLAB_NS=tl-down-$$ refused 2 "$TCPLAB" exec --on router ls
	[ "$stderr" = "tcplab: no host 'router': server or client" ]
}

@test "bad input: tcplab down, status, stop, thaw, drops, reset take no arguments" {
	local cmd
	for cmd in down status stop thaw drops reset demo; do
		TCPLAB_NS=tl-down-$$ refused 2 "$TCPLAB" "$cmd" extra
		[ "$stderr" = "tcplab: $cmd takes no arguments (try tcplab --help)" ]
	done
}

@test "bad input: tcplab up, tour, tmux and deps with an unknown option" {
	local cmd
	for cmd in up tour tmux deps; do
		TCPLAB_NS=tl-down-$$ refused 2 "$TCPLAB" "$cmd" --bogus
		[ "$stderr" = "tcplab: $cmd: unknown option '--bogus'" ]
	done
}

@test "bad input: a lab name too long" {
	TCPLAB_NS=$(printf 'x%.0s' {1..32}) refused 2 "$TCPLAB" up
	[[ $stderr == "tcplab: bad TCPLAB_NS "* ]]
}

@test "bad input: a lab name with odd characters" {
	local name
	for name in 'a/b' '../x' '-x' 'a b' 'a;b'; do
		TCPLAB_NS=$name refused 2 "$TCPLAB" up
		[[ $stderr == "tcplab: bad TCPLAB_NS "* ]]
	done
}

@test "bad input: a lab name too long for its client's host" {
	TCPLAB_NS=tl-$(printf 'y%.0s' {1..24}) refused 2 "$TCPLAB" up --two-hosts
	[[ $stderr == *"is too long for two hosts"* ]]
}

@test "bad input: tcplab -6 in a lab that is down" {
	TCPLAB_NS=tl-down-$$ refused 2 "$TCPLAB" freeze -6 SYN_SENT
	[ "$stderr" = "tcplab: lab 'tl-down-$$' is not up: run tcplab up" ]
}

@test "bad input: tcpwatch ports out of range" {
	local port
	for port in 0 65536 abc -1; do
		refused 2 "$PROJECT/tcpwatch" -p "$port"
		[[ $stderr == "tcpwatch: bad port '$port'"* ]]
	done
}

@test "bad input: tcpwatch counts that are not whole numbers from 1" {
	local count
	for count in 0 -3 abc 1.5; do
		refused 2 "$PROJECT/tcpwatch" -c "$count"
		[[ $stderr == "tcpwatch: bad count '$count'"* ]]
	done
}

@test "bad input: tcpwatch durations that are not seconds above 0" {
	local d
	for d in 0 -1 abc 1s; do
		refused 2 "$PROJECT/tcpwatch" --duration "$d"
		[[ $stderr == "tcpwatch: bad duration '$d'"* ]]
	done
}

@test "bad input: tcpwatch --summary, --leaks, --once and --interval out of place" {
	local d
	for d in 0 -1 abc; do
		refused 2 "$PROJECT/tcpwatch" --leaks "$d"
		[[ $stderr == "tcpwatch: bad --leaks '$d'"* ]]
		refused 2 "$PROJECT/tcpwatch" --summary --interval "$d"
		[[ $stderr == "tcpwatch: bad --interval '$d'"* ]]
	done
	refused 2 "$PROJECT/tcpwatch" --once
	[[ $stderr == "tcpwatch: --once and --interval go with --summary, --leaks or --prometheus" ]]
	refused 2 "$PROJECT/tcpwatch" --interval 2
	refused 2 "$PROJECT/tcpwatch" --summary --diagram
	[[ $stderr == "tcpwatch: --diagram shows steps: not with --summary, --leaks or --prometheus" ]]
	refused 2 "$PROJECT/tcpwatch" --leaks 5 -c 3
	[[ $stderr == "tcpwatch: --count counts steps"* ]]
	refused 2 "$PROJECT/tcpwatch" --summary --once --duration 2
	[[ $stderr == "tcpwatch: --once and --duration exclude each other" ]]
	REFUSED_AS=tcpwatch refused 2 setpriv --reuid=65534 --regid=65534 --clear-groups "$PROJECT/tcpwatch" --summary --once
	[[ $stderr == "tcpwatch: must run as root"* ]]
	refused 2 "$PROJECT/tcpwatch" --all-netns --netns tcplab --summary
	[[ $stderr == "tcpwatch: --all-netns and --netns exclude each other" ]]
	refused 2 "$PROJECT/tcpwatch" --prometheus ""
	[[ $stderr == "tcpwatch: --prometheus: which file?" ]]
	# a file that cannot be written is a failure, not bad usage
	refused 1 "$PROJECT/tcpwatch" --prometheus "$BATS_TEST_TMPDIR/no/such/dir.prom" --once
	[[ $stderr == "tcpwatch: --prometheus $BATS_TEST_TMPDIR/no/such/dir.prom: No such file or directory" ]]
}

@test "bad input: tcpwatch addresses of no family" {
	refused 2 "$PROJECT/tcpwatch" -a 300.1.1.1
	[[ $stderr == "tcpwatch: bad address '300.1.1.1'"* ]]
}

@test "bad input: tcpwatch namespace names with odd characters, and one that is not there" {
	refused 2 "$PROJECT/tcpwatch" --netns ../x
	[ "$stderr" = "tcpwatch: bad namespace name '../x'" ]
	refused 2 "$PROJECT/tcpwatch" --netns "tl-no-such-$$"
	[[ $stderr == "tcpwatch: "*"tl-no-such-$$"* ]]
}

@test "bad input: tcpwatch not run as root" {
	REFUSED_AS=tcpwatch refused 2 setpriv --reuid=65534 --regid=65534 --clear-groups "$PROJECT/tcpwatch" -p 32000
	[ "$stderr" = "tcpwatch: must run as root: BPF needs it (run it as root, or with sudo)" ]
}

@test "bad input: tcpwatch --replay of a file that is not there" {
	refused 2 "$PROJECT/tcpwatch" --diagram --replay "$BATS_TEST_TMPDIR/nothing.json"
	[[ $stderr == "tcpwatch: cannot read "*"No such file or directory" ]]
}

@test "bad input: tcpwatch --replay of a truncated recording" {
	printf '{"time":0.1,"side":"client","old":"CLO' >"$BATS_TEST_TMPDIR/cut.json"
	refused 2 "$PROJECT/tcpwatch" --diagram --replay "$BATS_TEST_TMPDIR/cut.json"
	[[ $stderr == *"cut.json:1: the object is cut off"* ]]
}

@test "bad input: tcpwatch --replay of a binary file" {
	head -c 65536 "$PROJECT/tcpwatch" | tr -d '\n' >"$BATS_TEST_TMPDIR/binary.json"
	refused 2 "$PROJECT/tcpwatch" --diagram --replay "$BATS_TEST_TMPDIR/binary.json"
	[[ $stderr == *"binary.json:1: line too long" ]]
	printf '\177ELF\002\001\001\n' >"$BATS_TEST_TMPDIR/short.json"
	refused 2 "$PROJECT/tcpwatch" --diagram --replay "$BATS_TEST_TMPDIR/short.json"
	[[ $stderr == *"short.json:1: not a JSON object" ]]
}

@test "bad input: tcpwatch --replay of a recording with the wrong types" {
	echo '{"event":"state","time":"soon","side":"client","old":"CLOSED","new":"SYN_SENT"}' >"$BATS_TEST_TMPDIR/typed.json"
	refused 2 "$PROJECT/tcpwatch" --diagram --replay "$BATS_TEST_TMPDIR/typed.json"
	[[ $stderr == *'typed.json:1: no number "time"'* ]]
}

@test "bad input: tcpwatch --replay of a directory" {
	refused 2 "$PROJECT/tcpwatch" --diagram --replay "$BATS_TEST_TMPDIR"
	[[ $stderr == "tcpwatch: $BATS_TEST_TMPDIR: read error"* ]]
}

@test "bad input: tcpwatch --pcap without a file, beside a summary or a replay, or where it cannot be made" {
	refused 2 "$PROJECT/tcpwatch" --pcap ""
	[ "$stderr" = "tcpwatch: --pcap: which file?" ]
	for other in --summary "--leaks 5" "--diagram --replay $BATS_TEST_TMPDIR/x.json"; do
		# shellcheck disable=SC2086 # the options are words
		refused 2 "$PROJECT/tcpwatch" --pcap "$BATS_TEST_TMPDIR/x.pcapng" $other
		[ "$stderr" = "tcpwatch: --pcap writes the segments of a watch: not with --replay, --summary, --leaks or --prometheus" ]
	done
	run --separate-stderr "$PROJECT/tcpwatch" --pcap /no/such/dir/x.pcapng --duration 5
	[ "$status" -eq 1 ]
	[ "$stderr" = "tcpwatch: --pcap /no/such/dir/x.pcapng: No such file or directory" ]
}

@test "bad input: tcpwatch --replay without --diagram or --ladder, and the ladder's options out of place" {
	refused 2 "$PROJECT/tcpwatch" --replay "$BATS_TEST_TMPDIR/x.json"
	[ "$stderr" = "tcpwatch: --replay goes with --diagram or --ladder" ]
	refused 2 "$PROJECT/tcpwatch" --to-end
	[ "$stderr" = "tcpwatch: --to-end goes with --diagram" ]
	refused 2 "$PROJECT/tcpwatch" --ladder
	[ "$stderr" = "tcpwatch: --ladder draws a recording: --ladder --replay FILE" ]
	refused 2 "$PROJECT/tcpwatch" --ladder --diagram --replay "$BATS_TEST_TMPDIR/x.json"
	[ "$stderr" = "tcpwatch: --ladder and --diagram exclude each other" ]
	refused 2 "$PROJECT/tcpwatch" --conn 1
	[ "$stderr" = "tcpwatch: --conn goes with --ladder" ]
	for n in 0 -1 x 1.5 ""; do
		refused 2 "$PROJECT/tcpwatch" --ladder --replay "$BATS_TEST_TMPDIR/x.json" --conn "$n"
		[ "$stderr" = "tcpwatch: --conn: '$n' is not a connection number (1, 2, ...)" ]
	done
	refused 2 "$PROJECT/tcpwatch" --segments --summary
	[ "$stderr" = "tcpwatch: --segments adds lines: not with --diagram, --summary, --leaks or --prometheus" ]
	refused 2 "$PROJECT/tcpwatch" --ready ""
	[ "$stderr" = "tcpwatch: --ready: which file?" ]
}

@test "bad input: tcpwatch --ladder of a recording without segments, or without that connection" {
	local rec=$BATS_TEST_TMPDIR/states.json
	cp "$PROJECT/tests/golden/all-states.json" "$rec"
	refused 2 "$PROJECT/tcpwatch" --ladder --replay "$rec"
	[ "$stderr" = "tcpwatch: $rec: no segments in it (record with tcpwatch --json --segments)" ]
	echo '{"time":0.2,"event":"segment","side":"client","segment":"SYN","src":"192.168.100.51:32089","dst":"192.168.100.100:32000","seq":"x","ack":0,"len":0}' >>"$rec"
	refused 2 "$PROJECT/tcpwatch" --ladder --replay "$rec"
	[[ $stderr == *'states.json:16: "seq" or "ack" is no 32-bit sequence number' ]]
	sed -i '$d' "$rec"
	echo '{"time":0.2,"event":"segment","side":"client","segment":"SYN","src":"192.168.100.51:32089","dst":"192.168.100.100:32000","seq":1,"ack":0,"len":0}' >>"$rec"
	refused 2 "$PROJECT/tcpwatch" --ladder --replay "$rec" --conn 9
	[[ $stderr == "tcpwatch: $rec: no connection 9: it has "* ]]
	run --separate-stderr bash -c "'$PROJECT/tcpwatch' --ladder --replay '$rec' >/dev/full"
	[ "$status" -eq 1 ]
	[ "$stderr" = "tcpwatch: writing the output: No space left on device" ]
}

@test "bad input: an output that cannot be written is a failure, exit 1" {
	local rec=$BATS_TEST_TMPDIR/ok.json
	echo '{"event":"state","time":0.1,"side":"client","local":"192.168.100.51:32089","remote":"192.168.100.100:32000","old":"CLOSED","new":"SYN_SENT"}' >"$rec"
	run --separate-stderr bash -c "'$PROJECT/tcpwatch' --diagram --replay '$rec' --to-end >/dev/full"
	[ "$status" -eq 1 ]
	[ "$stderr" = "tcpwatch: writing the output: No space left on device" ]
	run --separate-stderr bash -c "'$PROJECT/server' --help >/dev/full"
	[ "$status" -eq 1 ]
	[ "$stderr" = "server: writing the output: No space left on device" ]
}

@test "bad input: server and client ports, addresses and timeouts (one line each)" {
	refused 2 "$PROJECT/server" --port 0
	refused 2 "$PROJECT/server" --addr 1.2.3
	refused 2 "$PROJECT/client" --timeout -5
	refused 2 "$PROJECT/client" --server-port 65536
	refused 2 "$PROJECT/client" 32090 32091
}

@test "bad input: server-state.sh with a bad address" {
	refused 2 "$PROJECT/server-state.sh" 300.1.1.1
	[[ $stderr == *"bad address '300.1.1.1'"* ]]
}
