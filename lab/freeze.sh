# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# `tcplab freeze STATE`: the recipe that holds a connection in STATE, keyed
# by the names of the one table (tcpwatch --list-states).  A recipe is a few
# lines of steps:
#   rule SPEC... | why    add an INPUT rule (recorded, so thaw removes it)
#   start server|client   start a program (its keys come through a FIFO)
#   key server|client     press its key: the program calls close()
#   wait STATE END        wait until END's socket is in STATE
#   expect STATE END      the same, and print it as the evidence
#   note TEXT             something worth knowing about this state
# END is server (the accepted socket), client, or listener.

S=$SERVER_ADDR
C=$CLIENT_ADDR
CONNECT=$'start server\nstart client\nwait ESTABLISHED server'
CLIENT_CLOSES=$'key client\nwait CLOSE_WAIT server'

declare -A RECIPE=(
	[LISTEN]=$'start server\nexpect LISTEN listener'
	[SYN_SENT]="rule -s $C -p tcp --tcp-flags SYN SYN -j DROP | the client's SYN: no SYN,ACK comes back, so connect() waits in SYN_SENT
start server
start client
expect SYN_SENT client
note the client retries its SYN for about 135 s, then connect() fails"
	[SYN_RECV]="rule -s $S -p tcp --tcp-flags SYN,ACK SYN,ACK -j DROP | the server's SYN,ACK: the client never answers it, so the server waits in SYN_RECV
start server
start client
expect SYN_RECV server
note the server resends its SYN,ACK for about 65 s, then drops the request"
	[ESTABLISHED]="$CONNECT
expect ESTABLISHED client
expect ESTABLISHED server"
	[FIN_WAIT1]="$CONNECT
rule -s $S -p tcp --sport $SERVER_PORT --tcp-flags ALL ACK -j DROP | the server's bare ACKs: the client's FIN is never acknowledged
key client
expect FIN_WAIT1 client
note the orphaned client resends its FIN for about 106 s, then gives up"
	[FIN_WAIT2]="$CONNECT
$CLIENT_CLOSES
expect FIN_WAIT2 client
note no rule needed: the server sends no FIN until its key; an orphaned FIN_WAIT2 ends after tcp_fin_timeout (60 s)"
	[CLOSE_WAIT]="$CONNECT
$CLIENT_CLOSES
expect CLOSE_WAIT server
note no rule needed: CLOSE_WAIT lasts until the server closes (tcplab key server)"
	[CLOSING]="$CONNECT
rule -s $C -p tcp --tcp-flags FIN FIN -j DROP | the client's FIN: the server never hears it, so both ends close at once
key client
wait FIN_WAIT1 client
key server
expect CLOSING client
note both ends sent a FIN before hearing the other's; the client's FIN keeps being dropped, so it waits for an ACK in CLOSING"
	[LAST_ACK]="$CONNECT
$CLIENT_CLOSES
rule -s $C -p tcp --sport $CLIENT_PORT --tcp-flags ALL ACK -j DROP | the client's bare ACKs: the server's FIN is never acknowledged
key server
expect LAST_ACK server
note the orphaned server resends its FIN for about 108 s, then gives up"
	[TIME_WAIT]="$CONNECT
$CLIENT_CLOSES
key server
expect TIME_WAIT client
note TIME_WAIT lasts 60 s on Linux (a constant compiled into the kernel)"
	[CLOSED]="$CONNECT
$CLIENT_CLOSES
key server
expect CLOSED server
note CLOSED is no socket at all: ss has nothing left to show for the server's end"
)

# A rule step's argument is "SPEC | why"; these take it apart.
rule_spec() { printf '%s' "${1%% | *}"; }
rule_reason() { printf '%s' "${1#* | }"; }

# recipe_rules STATE: the rule specs of STATE's recipe, one per line.
recipe_rules() {
	local word arg
	while read -r word arg; do
		[[ $word == rule ]] && printf '%s\n' "$(rule_spec "$arg")"
	done <<<"${RECIPE[$1]}"
	return 0
}

# recipe_rule_reason STATE: what the first rule of STATE's recipe drops.
recipe_rule_reason() {
	local word arg
	while read -r word arg; do
		if [[ $word == rule ]]; then
			rule_reason "$arg"
			return 0
		fi
	done <<<"${RECIPE[$1]}"
}

tcpwatch_bin() {
	[[ -x $TCPLAB_DIR/tcpwatch ]] || die_usage "$TCPLAB_DIR/tcpwatch is not built: run make"
	printf '%s' "$TCPLAB_DIR/tcpwatch"
}

# The table's rows as NAME<TAB>kernel<TAB>ss<TAB>RFC.
table_states() { "$(tcpwatch_bin)" --list-states; }

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
	case $1 in
	server) printf '%s %s' "$SERVER_ADDR:$SERVER_PORT" "$CLIENT_ADDR:$CLIENT_PORT" ;;
	client) printf '%s %s' "$CLIENT_ADDR:$CLIENT_PORT" "$SERVER_ADDR:$SERVER_PORT" ;;
	listener) printf '%s %s' "$SERVER_ADDR:$SERVER_PORT" "0.0.0.0:*" ;;
	esac
}

# ss_state_of STATE: what socket_state prints for STATE ("" for CLOSED: no socket).
ss_state_of() {
	[[ $1 == CLOSED ]] || ss_spelling "$1"
}

rules_file() { printf '%s/rules' "$(run_dir)"; }

# add_rule SPEC...: add one INPUT rule, tagged and recorded for thaw.
add_rule() {
	local -a spec=("$@" -m comment --comment "tcplab $FREEZING")
	in_lab iptables -A INPUT "${spec[@]}"
	mkdir -p "$(run_dir)"
	printf '%s\n' "${spec[*]@Q}" >>"$(rules_file)"
}

print_rule() {
	local words=$1 why=$2
	say "iptables -A INPUT $words -m comment --comment \"tcplab $FREEZING\""
	say "    # drops $why"
}

# run_step WORD ARGS: one step of a recipe; return 1 if it did not happen.
run_step() {
	local word=$1 arg=$2 spec state end want
	case $word in
	rule)
		spec=$(rule_spec "$arg")
		print_rule "$spec" "$(rule_reason "$arg")"
		# shellcheck disable=SC2086 # a rule spec is words without quotes
		add_rule $spec
		;;
	start) start_program "$arg" "$arg" >/dev/null ;;
	key) press_key "$arg" >/dev/null ;;
	wait | expect)
		read -r state end <<<"$arg"
		want=$(ss_state_of "$state")
		# shellcheck disable=SC2046 # end_sockets prints two words
		wait_for "$WAIT_TIMEOUT" socket_in "$want" $(end_sockets "$end") || {
			warn "freeze $FREEZING: $end did not reach $state; ss shows:"
			in_lab ss -tan >&2
			return 1
		}
		[[ $word == expect ]] && say "frozen: $end is $state"
		;;
	note) say "note: $arg" ;;
	esac
	return 0
}

freeze() {
	local state=$1 word arg
	FREEZING=$state
	reset_lab >/dev/null
	while read -r word arg; do
		run_step "$word" "$arg" || return 1
	done <<<"${RECIPE[$state]}"
	say "evidence (ss -tan in lab '$TCPLAB_NS'):"
	in_lab ss -tan | sed 's/^/  /'
	say "(tcplab thaw removes the rules; tcplab reset also ends the programs)"
}

# --rules-only: the rules, with the steps around them as comments.
freeze_rules_only() {
	local state=$1 apply=$2 word arg later=0
	FREEZING=$state
	while read -r word arg; do
		case $word in
		rule)
			print_rule "$(rule_spec "$arg")" "$(rule_reason "$arg")"
			((apply)) || continue
			((later)) && say "    # added now: add it yourself after the steps above if it stops them"
			# shellcheck disable=SC2046 # a rule spec is words without quotes
			add_rule $(rule_spec "$arg")
			;;
		start)
			later=1
			say "# run ./$arg"
			;;
		key) say "# press a key in the $arg" ;;
		wait) say "# wait until the $(cut -d' ' -f2 <<<"$arg") is ${arg%% *}" ;;
		expect) say "# and the $(cut -d' ' -f2 <<<"$arg") stays in ${arg%% *}" ;;
		note) say "# note: $arg" ;;
		esac
	done <<<"${RECIPE[$state]}"
}

# Delete exactly the rules tcplab added, by their full spec, newest first.
thaw() {
	local file line n=0
	local -a spec
	file=$(rules_file)
	[[ -s $file ]] || {
		say "no rules of tcplab's to remove"
		return 0
	}
	while read -r line; do
		eval "spec=($line)"
		if in_lab iptables -D INPUT "${spec[@]}" 2>/dev/null; then
			say "iptables -D INPUT ${spec[*]}"
			n=$((n + 1))
		fi
	done < <(tac "$file")
	rm -f "$file"
	say "removed $n rule(s)"
}

# What each of tcplab's rules dropped so far: iptables' own counters.
drops() {
	say "packets bytes rule"
	in_lab iptables -L INPUT -v -n -x | awk '/tcplab / {
		line = $0; sub(/^ *[0-9]+ +[0-9]+ +/, "", line)
		printf "%7d %5d %s\n", $1, $2, line }'
}

# Thaw, end the programs and abort every connection left in the lab.
reset_lab() {
	thaw
	stop_programs
	in_lab ss -K -tan "src $SERVER_ADDR or src $CLIENT_ADDR" >/dev/null 2>&1 || true
	say "lab '$TCPLAB_NS' reset: no rules of tcplab's, no programs, no connections"
}

cmd_freeze() {
	local rules_only=0 apply=0 name state
	while [[ ${1:-} == --* ]]; do
		case $1 in
		--rules-only) rules_only=1 ;;
		--apply) apply=1 ;;
		*) die_usage "freeze: unknown option '$1'" ;;
		esac
		shift
	done
	(($# == 1)) || die_usage "freeze: which state? one of: $(table_states | cut -f1 | tr '\n' ' ')"
	((apply == 0 || rules_only == 1)) || die_usage "freeze: --apply goes with --rules-only"
	name=$1
	state=$(state_name "$name") || die_usage "freeze: unknown state '$name'; the states are: $(table_states | cut -f1 | tr '\n' ' ')"
	[[ -n ${RECIPE[$state]:-} ]] || die "freeze: no recipe for $state"
	if ((rules_only)); then
		((apply)) && need_lab
		freeze_rules_only "$state" "$apply"
	else
		need_lab
		freeze "$state"
	fi
}
