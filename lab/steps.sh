# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# The recipe language that `tcplab freeze` and `tcplab arrow` share.  A
# recipe is lines of steps, run in order in the lab:
#   rule SPEC... | why     add an INPUT rule (tagged and recorded: thaw removes it)
#   thaw                   remove the rules added so far
#   start NAME [PROG] ARGS start ./PROG (server or client; default: NAME) as NAME
#   key NAME               press NAME's key: the program closes
#   stop NAME              end NAME with SIGTERM (a server then closes its listener)
#   kill END               abort END's socket from outside (ss -K: RST if it has a peer)
#   sysctl KEY=VALUE       set a sysctl of the lab's own namespace
#   wait STATE END [SECS]  wait until END's socket is in STATE
#   expect STATE END       the same, and say so as the evidence
#   before STATE END       arrows: wait for STATE, print END's ss line, start tracing
#   after STATE END [SECS] arrows: wait for STATE, print END's ss line, show the trace
#   also STATE END         arrows: after "after", one more end to wait for and print
#   trace OLD NEW END      arrows: the kernel must report END going OLD -> NEW
#   blind WHY              arrows: why the tracepoint cannot see this arrow
#   note TEXT              something worth knowing
# END is server (the server's end of the connection), client, or listener.
# States are the table's names (tcpwatch --list-states); CLOSED is "no socket".

# A rule step's argument is "SPEC | why"; these take it apart.
rule_spec() { printf '%s' "${1%% | *}"; }
rule_reason() { printf '%s' "${1#* | }"; }

tcpwatch_bin() {
	[[ -x $TCPLAB_DIR/tcpwatch ]] || die_usage "$TCPLAB_DIR/tcpwatch is not built: run make"
	printf '%s' "$TCPLAB_DIR/tcpwatch"
}

# The table's rows as NAME<TAB>kernel<TAB>ss<TAB>RFC.
table_states() { "$(tcpwatch_bin)" --list-states; }

# The table's arrows as FROM<TAB>TO<TAB>event<TAB>action<TAB>end<TAB>reachable<TAB>drawn.
table_arrows() { "$(tcpwatch_bin)" --list-arrows; }

squash() {
	local s=${1^^}
	s=${s//-/}
	printf '%s' "${s//_/}"
}

# Any spelling the table knows (lab, ss, RFC; any case, - or _) to the lab's.
state_name() {
	local want name _ ss rfc
	want=$(squash "$1")
	[[ $want == SYNRCVD ]] && want=SYNRECV
	while IFS=$'\t' read -r name _ ss rfc; do
		if [[ $want == "$(squash "$name")" || $want == "$(squash "$ss")" || $want == "$(squash "$rfc")" ]]; then
			printf '%s' "$name"
			return 0
		fi
	done < <(table_states)
	return 1
}

ss_spelling() {
	table_states | awk -F'\t' -v n="$1" '$1 == n { print $3 }'
}

# end_sockets END: the local and peer ends ss lists for END.
end_sockets() {
	local server client
	server=$(sock_end "$SERVER_ADDR" "$SERVER_PORT")
	client=$(sock_end "$CLIENT_ADDR" "$CLIENT_PORT")
	case $1 in
	server) printf '%s %s' "$server" "$client" ;;
	client) printf '%s %s' "$client" "$server" ;;
	listener) printf '%s %s' "$server" "$(sock_end "$(any_addr)" '*')" ;;
	*) die "recipe names an unknown end '$1'" ;;
	esac
}

# ss_state_of STATE: what socket_state prints for STATE ("" for CLOSED: no socket).
ss_state_of() {
	[[ $1 == CLOSED ]] || ss_spelling "$1"
}

rules_file() { printf '%s/rules' "$(run_dir)"; }

# rule_host SPEC...: the host whose INPUT sees the packets: the server's for
# packets from the client or to the server, the client's otherwise.
rule_host() {
	local prev='' word
	for word in "$@"; do
		case "$prev $word" in
		"-s $CLIENT_ADDR" | "-d $SERVER_ADDR")
			say server
			return
			;;
		"-s $SERVER_ADDR" | "-d $CLIENT_ADDR")
			say client
			return
			;;
		esac
		prev=$word
	done
	say server
}

# add_rule SPEC...: add one INPUT rule on the host it concerns, tagged with
# the recipe's name and recorded (host, firewall command, then the spec) for thaw.
add_rule() {
	local -a spec=("$@" -m comment --comment "tcplab $RECIPE_NAME")
	local host
	host=$(rule_host "$@")
	in_host "$host" "$IPTABLES" -A INPUT "${spec[@]}"
	mkdir -p "$(run_dir)"
	printf '%s %s %s\n' "$host" "$IPTABLES" "${spec[*]@Q}" >>"$(rules_file)"
}

print_rule() {
	local words=$1 why=$2 host
	if two_hosts; then
		# shellcheck disable=SC2086 # a rule spec is words without quotes
		host=$(rule_host $words)
		say "# on the $host host ($(host_ns "$host")):"
	fi
	say "$IPTABLES -A INPUT $words -m comment --comment \"tcplab $RECIPE_NAME\""
	say "    # drops $why"
}

# wait_state STATE END SECONDS: 0 once END's socket is in STATE; else say what ss shows.
wait_state() {
	local state=$1 end=$2 seconds=$3 want
	want=$(ss_state_of "$state")
	# shellcheck disable=SC2046 # end_sockets prints two words
	wait_for "$seconds" socket_in "$want" $(end_sockets "$end") && return 0
	warn "$RECIPE_NAME: the $end did not reach $state in ${seconds}s; ss shows:"
	lab_ss >&2
	return 1
}

# lab_ss: ss -tan on every host of the lab.
lab_ss() {
	local host
	for host in $(lab_hosts); do
		two_hosts && say "($host host)"
		in_host "$host" ss -tan
	done
}

# ss_line END: END's socket as ss shows it: STATE LOCAL PEER, or a note for none.
ss_line() {
	local line
	# shellcheck disable=SC2046 # end_sockets prints two words
	set -- $(end_sockets "$1")
	line=$(in_host "$(host_of_addr "$1")" ss -Htan | awk -v l="$1" -v p="$2" '!found && $4 == l && $5 == p { print $1, $4, $5; found = 1 }')
	printf '%s' "${line:-no socket (CLOSED) $1 $2}"
}

# start_step NAME [PROGRAM] ARGS...: PROGRAM defaults to NAME; over IPv6 it gets -6.
start_step() {
	local name=$1 program
	shift
	if [[ $name == server || $name == client ]]; then
		program=$name
	else
		program=$1
		shift
	fi
	((LAB_FAMILY == 4)) || set -- -6 "$@"
	start_program "$name" "$program" "$@" >/dev/null
}

stop_step() {
	local pid
	pid=$(program_pid "$1") || return 0
	kill -TERM "$pid" 2>/dev/null || true
	wait_program_exit "$1" 3
}

kill_step() {
	# shellcheck disable=SC2046 # end_sockets prints two words
	set -- $(end_sockets "$1")
	in_host "$(host_of_addr "$1")" ss -K -tan "src $1 and dst $2" >/dev/null
}

# sysctl_step KEY=VALUE: on every host of the lab; only per-namespace keys,
# so the machine's own stay as they are.
sysctl_step() {
	local host
	for host in $(lab_hosts); do
		in_host "$host" sysctl -q -w "$1" >/dev/null
	done
}

# run_step WORD ARGS: one step of a recipe; return 1 if it did not happen.
run_step() {
	local word=$1 arg=$2 spec state end seconds
	read -r state end seconds <<<"$arg"
	case $word in
	rule)
		spec=$(rule_spec "$arg")
		print_rule "$spec" "$(rule_reason "$arg")"
		# shellcheck disable=SC2086 # a rule spec is words without quotes
		add_rule $spec
		;;
	thaw) thaw >/dev/null ;;
	start)
		# shellcheck disable=SC2086 # start's arguments are words
		start_step $arg
		;;
	key) press_key "$arg" >/dev/null ;;
	stop) stop_step "$arg" ;;
	kill) kill_step "$arg" ;;
	sysctl) sysctl_step "$arg" ;;
	wait | expect)
		wait_state "$state" "$end" "${seconds:-$WAIT_TIMEOUT}" || return 1
		[[ $word == expect ]] && say "frozen: $end is $state"
		;;
	before) arrow_before "$state" "$end" || return 1 ;;
	after) arrow_after "$state" "$end" "${seconds:-$WAIT_TIMEOUT}" || return 1 ;;
	also) arrow_also "$state" "$end" || return 1 ;;
	note) say "note: $arg" ;;
	trace | blind) ;; # read by the arrow runner before the steps run
	*) die "recipe $RECIPE_NAME: unknown step '$word'" ;;
	esac
	return 0
}

# run_recipe NAME TEXT: run TEXT's steps (the caller resets the lab first).
run_recipe() {
	local word arg
	RECIPE_NAME=$1
	while read -r word arg; do
		run_step "$word" "$arg" || return 1
	done <<<"$2"
}

# Delete exactly the rules tcplab added, by their full spec, newest first.
thaw() {
	local file host cmd line n=0
	local -a spec
	file=$(rules_file)
	[[ -s $file ]] || {
		say "no rules of tcplab's to remove"
		return 0
	}
	while read -r host cmd line; do
		[[ $cmd == iptables || $cmd == ip6tables ]] || continue
		eval "spec=($line)"
		if in_host "$host" "$cmd" -D INPUT "${spec[@]}" 2>/dev/null; then
			say "$cmd -D INPUT ${spec[*]}"
			n=$((n + 1))
		fi
	done < <(tac "$file")
	rm -f "$file"
	say "removed $n rule(s)"
}

# What each of tcplab's rules dropped so far: iptables' own counters.
drops() {
	local host cmd
	say "packets bytes rule"
	for host in $(lab_hosts); do
		for cmd in iptables ip6tables; do
			in_host "$host" "$cmd" -L INPUT -v -n -x 2>/dev/null |
				awk -v h="$(two_hosts && echo "$host: ")" -v v6="$([[ $cmd == ip6tables ]] && echo "(IPv6) ")" '/tcplab / {
				line = $0; sub(/^ *[0-9]+ +[0-9]+ +/, "", line)
				printf "%7d %5d %s%s%s\n", $1, $2, h, v6, line }'
		done
	done
}

# Thaw, end the programs and abort every connection left in the lab.
reset_lab() {
	local host
	thaw
	stop_programs
	for host in $(lab_hosts); do
		in_host "$host" ss -K -tan "src $SERVER_ADDR or src $CLIENT_ADDR" >/dev/null 2>&1 || true
		in_host "$host" ss -K -tan "src [$SERVER_ADDR6] or src [$CLIENT_ADDR6]" >/dev/null 2>&1 || true
	done
	say "lab '$TCPLAB_NS' reset: no rules of tcplab's, no programs, no connections"
}
