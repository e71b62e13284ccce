# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# `tcplab freeze STATE`: the recipe that holds a connection in STATE, keyed
# by the names of the one table (tcpwatch --list-states), in the steps of
# lab/steps.sh.

# The recipes, made for the lab's family's addresses (use_ipv6 makes them again).
freeze_recipes() {
	S=$SERVER_ADDR
	C=$CLIENT_ADDR
	CONNECT=$'start server\nstart client\nwait ESTABLISHED server'
	CLIENT_CLOSES=$'key client\nwait CLOSE_WAIT server'

	declare -gA RECIPE=(
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
}
freeze_recipes

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

# freeze STATE [SVG [PCAP]]: hold STATE; with SVG, the walk there drawn as
# a ladder; with PCAP, its segments written there for Wireshark.
freeze() {
	local state=$1 svg=${2:-} pcap=${3:-} rc=0
	reset_lab >/dev/null
	start_record "$svg" "$pcap" || return 1
	run_recipe "$state" "${RECIPE[$state]}" || rc=1
	if ((rc == 0)); then
		say "evidence (ss -tan in lab '$TCPLAB_NS'):"
		lab_ss | sed 's/^/  /'
	fi
	stop_record || rc=1
	((rc == 0)) || return 1
	say "(tcplab thaw removes the rules; tcplab reset also ends the programs)"
}

# --rules-only: the rules, with the steps around them as comments.
freeze_rules_only() {
	local state=$1 apply=$2 word arg later=0
	# shellcheck disable=SC2034 # print_rule and add_rule tag rules with it
	RECIPE_NAME=$state
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

cmd_freeze() {
	local rules_only=0 apply=0 ipv6=0 svg='' pcap='' name state
	while [[ ${1:-} == -* ]]; do
		case $1 in
		--rules-only) rules_only=1 ;;
		--apply) apply=1 ;;
		-6 | --ipv6) ipv6=1 ;;
		--svg | --pcap)
			record_option freeze "$@"
			shift
			;;
		*) die_usage "freeze: unknown option '$1'" ;;
		esac
		shift
	done
	(($# == 1)) || die_usage "freeze: which state? one of: $(table_states | cut -f1 | tr '\n' ' ')"
	((apply == 0 || rules_only == 1)) || die_usage "freeze: --apply goes with --rules-only"
	[[ -z $svg$pcap ]] || ((rules_only == 0)) || die_usage "freeze: --svg and --pcap record a walk, not --rules-only"
	name=$1
	state=$(state_name "$name") || die_usage "freeze: unknown state '$name'; the states are: $(table_states | cut -f1 | tr '\n' ' ')"
	[[ -n ${RECIPE[$state]:-} ]] || die "freeze: no recipe for $state"
	if ((!rules_only || apply)); then
		need_lab
		((ipv6 == 0)) || need_ipv6
	fi
	((ipv6 == 0)) || use_ipv6
	if ((rules_only)); then
		freeze_rules_only "$state" "$apply"
	else
		trap stop_record EXIT
		freeze "$state" "$svg" "$pcap"
	fi
}
