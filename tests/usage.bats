#!/usr/bin/env bats
# Bad input is refused the way usage errors are: a message and exit 2.

load helper

setup_file() {
	make -C "$PROJECT" -s all
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
