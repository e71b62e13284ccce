# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# `tcplab arrow FROM TO` and `tcplab tour`: every arrow of the diagram the
# kernel can take, walked on command and verified twice: ss before and after
# (the state on the exact 4-tuple) and the kernel's own record of the step
# (the tracepoint sock/inet_sock_set_state, read by tcpwatch's BPF program
# with the socket's own namespace).  Recipes are keyed "FROM TO" or "FROM TO VIA" by the
# table's names and written in the steps of lab/steps.sh.

# The arrows' recipes, made for the lab's family's addresses (use_ipv6 makes them again).
arrow_recipes() {
	# Rules the recipes share; each says what it drops and why.
	DROP_CLIENT_SYN="rule -s $C -p tcp --tcp-flags SYN SYN -j DROP | the client's SYN: connect() waits in SYN_SENT"
	DROP_SERVER_SYNACK="rule -s $S -p tcp --tcp-flags SYN,ACK SYN,ACK -j DROP | the server's SYN,ACK: its request waits in SYN_RECV"
	DROP_SERVER_ACKS="rule -s $S -p tcp --sport $SERVER_PORT --tcp-flags ALL ACK -j DROP | the server's bare ACKs: the client's FIN stays unacknowledged"
	DROP_CLIENT_ACKS="rule -s $C -p tcp --sport $CLIENT_PORT --tcp-flags ALL ACK -j DROP | the client's bare ACKs: the server's FIN (or SYN,ACK) stays unacknowledged"
	DROP_SYNS_TO_MIRROR="rule -d $S -p tcp --dport $SERVER_PORT --tcp-flags SYN SYN -j DROP | every SYN to $S:$SERVER_PORT: only the mirror's SYN crosses, and the answer to it is lost"
	TIMEWAIT_CLIENT="$CONNECT
$CLIENT_CLOSES
key server"
	BLIND_REQUEST="blind a listener's SYN_RECV is a request socket, which the tracepoint never reports (it reports LISTEN -> SYN_RECV -> ESTABLISHED together, when the last ACK lands)"
	BLIND_TIMEWAIT="blind TIME_WAIT is a timewait minisocket, which the tracepoint never reports"

	declare -gA ARROW=(
		["CLOSED LISTEN"]="before CLOSED listener
start server
after LISTEN listener
trace CLOSED LISTEN listener"
		["LISTEN CLOSED"]="start server
before LISTEN listener
stop server
after CLOSED listener
trace LISTEN CLOSED listener"
		["CLOSED SYN_SENT"]="$DROP_CLIENT_SYN
start server
before CLOSED client
start client
after SYN_SENT client
trace CLOSED SYN_SENT client"
		["LISTEN SYN_RECV"]="$DROP_SERVER_SYNACK
start server
before LISTEN listener
start client
after SYN_RECV server
$BLIND_REQUEST"
		["SYN_SENT SYN_RECV"]="$DROP_SYNS_TO_MIRROR
start client
before SYN_SENT client
start mirror client --mirror
after SYN_RECV client
trace SYN_SENT SYN_RECV client
note simultaneous open: the client's SYN is dropped, the mirror's reaches the client while it is in SYN_SENT"
		["SYN_SENT ESTABLISHED"]="$DROP_CLIENT_SYN
start server
start client
before SYN_SENT client
thaw
after ESTABLISHED client 5
trace SYN_SENT ESTABLISHED client
note the rule goes, the client's next SYN (1 s later) gets its SYN,ACK"
		["SYN_SENT CLOSED"]="$DROP_CLIENT_SYN
start server
start client -t 2
before SYN_SENT client
after CLOSED client 5
trace SYN_SENT CLOSED client
note the client gives up after 2 s (-t 2) and calls close() in SYN_SENT"
		["SYN_SENT CLOSED rst"]="$DROP_CLIENT_SYN
start client
before SYN_SENT client
thaw
after CLOSED client 5
trace SYN_SENT CLOSED client
note no server listens: the client's next SYN is answered by RST (Connection refused)"
		["SYN_SENT CLOSED timeout"]="$DROP_CLIENT_SYN
start client --syn-retries 1
before SYN_SENT client
after CLOSED client 8
trace SYN_SENT CLOSED client
note the kernel sends the SYN twice (--syn-retries 1), waits 1 + 2 s, then gives up (Connection timed out)"
		["SYN_RECV ESTABLISHED"]="$DROP_SERVER_SYNACK
start server
start client
before SYN_RECV server
thaw
after ESTABLISHED server 5
trace SYN_RECV ESTABLISHED server
note the server's next SYN,ACK (1 s later) gets through and the client's ACK completes the request"
		["SYN_RECV LISTEN"]="$DROP_CLIENT_ACKS
start server
start client
before SYN_RECV server
kill client
after CLOSED server
also LISTEN listener
$BLIND_REQUEST
note the client's socket is aborted (ss -K): its RST ends the server's request, the listener stays"
		["SYN_RECV FIN_WAIT1"]="$DROP_SYNS_TO_MIRROR
start client -t 2
wait SYN_SENT client
start mirror client --mirror
before SYN_RECV client
after FIN_WAIT1 client 5
trace SYN_RECV FIN_WAIT1 client
note a simultaneous open held in SYN_RECV; the client gives up connecting (-t 2) and close() sends a FIN"
		["ESTABLISHED FIN_WAIT1"]="$CONNECT
$DROP_SERVER_ACKS
before ESTABLISHED client
key client
after FIN_WAIT1 client
trace ESTABLISHED FIN_WAIT1 client"
		["ESTABLISHED CLOSE_WAIT"]="$CONNECT
before ESTABLISHED server
key client
after CLOSE_WAIT server
trace ESTABLISHED CLOSE_WAIT server"
		["FIN_WAIT1 FIN_WAIT2"]="$CONNECT
$DROP_SERVER_ACKS
key client
before FIN_WAIT1 client
thaw
after FIN_WAIT2 client 5
trace FIN_WAIT1 FIN_WAIT2 client
note the rule goes and the client's next FIN is acknowledged"
		["FIN_WAIT1 CLOSING"]="$CONNECT
rule -s $C -p tcp --tcp-flags FIN FIN -j DROP | the client's FIN: the server hears it too late, so both ends close at once
key client
before FIN_WAIT1 client
key server
after CLOSING client
trace FIN_WAIT1 CLOSING client"
		["FIN_WAIT1 TIME_WAIT"]="$CONNECT
$DROP_SERVER_ACKS
key client
before FIN_WAIT1 client
key server
after TIME_WAIT client
trace FIN_WAIT1 FIN_WAIT2 client
trace FIN_WAIT2 CLOSED client
note the server's FIN carries the ACK of the client's FIN: Linux takes FIN_WAIT2 on the way and hands the connection to a TIME_WAIT minisocket (the kernel's CLOSED)"
		["FIN_WAIT2 TIME_WAIT"]="start server
start client --shutdown
wait ESTABLISHED server
key client
before FIN_WAIT2 client
key server
after TIME_WAIT client
trace FIN_WAIT2 CLOSED client
note the client half-closes (--shutdown), so its socket stays whole in FIN_WAIT2; the server's FIN moves it to a TIME_WAIT minisocket (the kernel's CLOSED)"
		["CLOSING TIME_WAIT"]="$CONNECT
rule -s $C -p tcp --tcp-flags FIN FIN -j DROP | the client's FIN, until the client is in CLOSING
key client
wait FIN_WAIT1 client
key server
before CLOSING client
thaw
after TIME_WAIT client 5
trace CLOSING CLOSED client
note the rule goes, the client's FIN is acknowledged and Linux hands the connection to a TIME_WAIT minisocket (the kernel's CLOSED)"
		["CLOSE_WAIT LAST_ACK"]="$CONNECT
$CLIENT_CLOSES
$DROP_CLIENT_ACKS
before CLOSE_WAIT server
key server
after LAST_ACK server
trace CLOSE_WAIT LAST_ACK server"
		["LAST_ACK CLOSED"]="$CONNECT
$CLIENT_CLOSES
$DROP_CLIENT_ACKS
key server
before LAST_ACK server
thaw
after CLOSED server 5
trace LAST_ACK CLOSED server
note the rule goes and the client acknowledges the server's next FIN"
		["TIME_WAIT CLOSED"]="$TIMEWAIT_CLIENT
before TIME_WAIT client
after CLOSED client 75
$BLIND_TIMEWAIT
note 60 s: Linux's TIME_WAIT is a constant (TCP_TIMEWAIT_LEN), not 2 x MSL as configured anywhere"
		["TIME_WAIT CLOSED rst"]="sysctl net.ipv4.tcp_rfc1337=0
$TIMEWAIT_CLIENT
before TIME_WAIT client
wait CLOSED listener
start mirror client --mirror -t 3
after CLOSED client 5
$BLIND_TIMEWAIT
note the mirror's SYN draws an ACK from the TIME_WAIT socket; the mirror answers with RST, which ends TIME_WAIT early because net.ipv4.tcp_rfc1337 is 0 in the lab (1 would ignore it)"
		["TIME_WAIT CLOSED reuse"]="start server --close-first
start client
wait CLOSE_WAIT client
key client
before TIME_WAIT server
wait CLOSED listener
start server2 server
wait LISTEN listener
start client2 client
after ESTABLISHED server
$BLIND_TIMEWAIT
note the server closed first, so it holds TIME_WAIT; a new SYN on the same 4-tuple, newer by its timestamp, replaces the TIME_WAIT socket with a new connection"
		["ESTABLISHED CLOSED"]="start server
start client --abort
wait ESTABLISHED server
before ESTABLISHED client
key client
after CLOSED client
trace ESTABLISHED CLOSED client
trace ESTABLISHED CLOSED server
note SO_LINGER 0 (--abort): close() sends RST, the client skips FIN_WAIT and TIME_WAIT, the server's end is reset"
	)
}
arrow_recipes

# Arrows the kernel cannot take, and why.
declare -A UNREACHABLE=(
	["LISTEN SYN_SENT"]="the RFC lets a SEND on a listening connection turn it active (LISTEN -> SYN_SENT). The sockets API has no such call: listen() makes a socket passive for good, connect() on a listening socket fails (EISCONN), and send() on it fails (ENOTCONN). Linux never takes this arrow; a client always starts from CLOSED."
)

# Which recipes take slow waits: left out of the tour unless --slow.
declare -A SLOW=(["TIME_WAIT CLOSED"]=1)

TRACE_PID=

trace_file() { printf '%s/trace' "$(run_dir)"; }

# trace_ends END: END's local and remote as tcpwatch prints them.
trace_ends() {
	if [[ $1 == listener ]]; then
		printf '%s %s' "$(sock_end "$SERVER_ADDR" "$SERVER_PORT")" "$(sock_end "$(any_addr)" 0)"
	else
		end_sockets "$1"
	fi
}

# --netns for every host of the lab: tcpwatch shows this lab's steps only.
watch_netns_args() {
	local host
	for host in $(lab_hosts); do
		printf -- '--netns %s ' "$(host_ns "$host")"
	done
}

# start_watcher FILE ARGS...: tcpwatch ARGS on the server's port of every
# host of the lab, into FILE (stderr: FILE.err), ending when we do; its pid
# in WATCHER_PID; 0 once it watches (--ready).
start_watcher() {
	local file=$1 parent=$BASHPID ready # taken here: in "cmd &" it would be the child's
	shift
	ready=$(run_dir)/${file##*/}.ready
	mkdir -p "$(run_dir)"
	rm -f "$ready"
	# shellcheck disable=SC2046 # watch_netns_args prints words
	"$(tcpwatch_bin)" "$@" --parent "$parent" --ready "$ready" -p "$SERVER_PORT" $(watch_netns_args) \
		>"$file" 2>"$file.err" &
	WATCHER_PID=$!
	wait_for 5 test -e "$ready" || {
		warn "tcpwatch did not start: $(cat "$file.err")"
		return 1
	}
	rm -f "$ready"
}

# stop_watcher PID: end it as a user would (SIGINT: it tells what it holds) and wait for it.
stop_watcher() {
	kill -INT "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}

start_trace() {
	start_watcher "$(trace_file)" --kernel || return 1
	TRACE_PID=$WATCHER_PID
}

stop_trace() {
	[[ -n $TRACE_PID ]] || return 0
	stop_watcher "$TRACE_PID"
	TRACE_PID=
}

# traced OLD NEW END: the kernel reported END going OLD -> NEW.
traced() {
	local -a ends
	read -r -a ends <<<"$(trace_ends "$3")"
	awk -v l="${ends[0]}" -v r="${ends[1]}" -v o="$1" -v n="$2" \
		'$3 == l && $5 == r && $6 == o && $8 == n { found = 1 } END { exit !found }' < <(traced_since_mark)
}

# The kernel's steps on END's 4-tuple during the arrow.
kernel_lines() {
	local -a ends
	read -r -a ends <<<"$(trace_ends "$1")"
	awk -v l="${ends[0]}" -v r="${ends[1]}" \
		'$3 == l && $5 == r { print "  kernel  " $3, $4, $5, " ", $6, $7, $8 }' < <(traced_since_mark)
}

arrow_also() {
	wait_state "$1" "$2" "$WAIT_TIMEOUT" || return 1
	say "  and     $2: $(ss_line "$2")"
}

# The tracer runs from the recipe's start, so it sees each socket made (and
# so knows its namespace); the evidence is what it saw after "before".
TRACE_MARK=0

traced_since_mark() { tail -n +"$((TRACE_MARK + 1))" "$(trace_file)"; }

arrow_before() {
	wait_state "$1" "$2" "$WAIT_TIMEOUT" || return 1
	say "  before  $2: $(ss_line "$2")"
	sleep 0.1 # let the steps that led here reach the file
	TRACE_MARK=$(wc -l <"$(trace_file)")
}

arrow_after() {
	local state=$1 end=$2 seconds=$3 old new tend ok=0
	wait_state "$state" "$end" "$seconds" || return 1
	say "  after   $end: $(ss_line "$end")"
	while read -r old new tend; do
		[[ -n $old ]] || continue
		wait_for 3 traced "$old" "$new" "$tend" && continue
		warn "$RECIPE_NAME: the kernel did not report the $tend going $old -> $new"
		ok=1
	done <<<"$ARROW_TRACES"
	stop_trace
	kernel_lines "$end"
	while read -r tend; do
		[[ $tend == "$end" ]] || kernel_lines "$tend"
	done < <(awk 'NF { print $3 }' <<<"$ARROW_TRACES" | sort -u)
	[[ -n $ARROW_BLIND ]] && say "  kernel  (blind: $ARROW_BLIND; ss above is the evidence)"
	return "$ok"
}

# The recipe's trace and blind lines, for arrow_after.
read_expectations() {
	local word arg
	ARROW_TRACES=
	ARROW_BLIND=
	while read -r word arg; do
		case $word in
		trace) ARROW_TRACES+="$arg"$'\n' ;;
		blind) ARROW_BLIND=$arg ;;
		esac
	done <<<"$1"
}

# label FROM TO: the diagram's "event / action" and the usual end.
arrow_label() {
	table_arrows | awk -F'\t' -v f="$1" -v t="$2" '$1 == f && $2 == t {
		print $3 " / " $4 ($5 == "either" ? " (either end)" : " (usually the " $5 ")") }'
}

# walk KEY [SVG [PCAP]]: run one recipe and print its evidence; 0 when
# verified.  With SVG, the walk is also drawn as a ladder; with PCAP, its
# segments are written there for Wireshark.
walk() {
	local key=$1 svg=${2:-} pcap=${3:-} rc=0
	read -r from to via <<<"$key"
	say "arrow $from -> $to${via:+ (via $via)}: $(arrow_label "$from" "$to")"
	read_expectations "${ARROW[$key]}"
	reset_lab >/dev/null
	start_record "$svg" "$pcap" || return 1
	start_trace || return 1
	run_recipe "$key" "${ARROW[$key]}" || rc=1
	stop_trace
	stop_record || rc=1
	if ((rc == 0)); then
		say "  verified: $from -> $to${via:+ (via $via)}"
	else
		say "  NOT verified: $from -> $to${via:+ (via $via)}"
	fi
	reset_lab >/dev/null
	return "$rc"
}

# The recipe keys of FROM TO: the plain one first, then the variants.
arrow_keys() {
	local key
	[[ -n ${ARROW["$1 $2"]:-} ]] && printf '%s\n' "$1 $2"
	for key in "${!ARROW[@]}"; do
		[[ $key == "$1 $2 "* ]] && printf '%s\n' "$key"
	done | sort
}

# arrows_from FROM: the states the diagram's arrows from FROM lead to.
arrows_from() {
	table_arrows | awk -F'\t' -v f="$1" '$1 == f { printf "%s%s", sep, $2; sep = " " }'
}

arrow_list() {
	table_arrows | awk -F'\t' '{ printf "%s %s%s\n", $1, $2, $6 == "no" ? " (not reachable on Linux)" : "" }'
}

cmd_arrow() {
	local via='' ipv6=0 svg='' pcap='' from to key
	while [[ ${1:-} == -* ]]; do
		case $1 in
		-6 | --ipv6) ipv6=1 ;;
		--svg | --pcap)
			record_option arrow "$@"
			shift
			;;
		--via)
			(($# >= 2)) || die_usage "arrow: --via needs a way (tcplab arrow --list names them)"
			via=$2
			shift
			;;
		--list)
			arrow_list
			return 0
			;;
		*) die_usage "arrow: unknown option '$1'" ;;
		esac
		shift
	done
	(($# == 2)) || die_usage "arrow: which arrow? FROM TO (tcplab arrow --list names them)"
	from=$(state_name "$1") || die_usage "arrow: unknown state '$1'"
	to=$(state_name "$2") || die_usage "arrow: unknown state '$2'"
	[[ -n $(arrow_label "$from" "$to") ]] ||
		die_usage "arrow: the diagram has no arrow $from -> $to; from $from: $(arrows_from "$from") (tcplab arrow --list names them all)"
	key="$from $to"
	if [[ -n ${UNREACHABLE[$key]:-} ]]; then
		say "arrow $from -> $to: not reachable on Linux: ${UNREACHABLE[$key]}"
		return 2
	fi
	[[ -z $via ]] || key+=" $via"
	[[ -n ${ARROW[$key]:-} ]] || die_usage "arrow: no way '$via' for $from -> $to; the ways: $(arrow_keys "$from" "$to" | awk '{ print ($3 == "" ? "(default)" : $3) }' | tr '\n' ' ')"
	need_lab
	if ((ipv6)); then
		need_ipv6
		use_ipv6
	fi
	trap 'stop_trace; stop_record' EXIT
	walk "$key" "$svg" "$pcap"
}

# The tour's tally.
declare -A TOUR_STATES=() TOUR_ARROWS=()
TOUR_WALKS=0
TOUR_FAILED=0

# tour_arrow FROM TO SLOW [SVG_DIR [PCAP_DIR]]: every way of one arrow;
# tally what was verified.  With SVG_DIR, each walk drawn in
# SVG_DIR/FROM-TO[-WAY].svg; with PCAP_DIR, its segments in
# PCAP_DIR/FROM-TO[-WAY].pcapng.
tour_arrow() {
	local from=$1 to=$2 slow=$3 svg_dir=${4:-} pcap_dir=${5:-} key ok=1 svg='' pcap='' way
	while read -r key; do
		if [[ -n ${SLOW[$key]:-} ]] && ((!slow)); then
			say "(skipped: $key takes a minute; tcplab tour --slow walks it)"
			continue
		fi
		say
		TOUR_WALKS=$((TOUR_WALKS + 1))
		read -r _ _ way <<<"$key"
		[[ -z $svg_dir ]] || svg=$svg_dir/$from-$to${way:+-$way}.svg
		[[ -z $pcap_dir ]] || pcap=$pcap_dir/$from-$to${way:+-$way}.pcapng
		if walk "$key" "$svg" "$pcap"; then
			TOUR_STATES[$from]=1
			TOUR_STATES[$to]=1
		else
			ok=0
			TOUR_FAILED=$((TOUR_FAILED + 1))
		fi
	done < <(arrow_keys "$from" "$to")
	((ok)) && TOUR_ARROWS["$from $to"]=1
	return 0
}

tour_cleanup() {
	stop_trace
	stop_record
	stop_programs
	lab_down >/dev/null
}

# `tcplab tour [--slow]`: every arrow in the table's (the diagram's) order,
# in a lab of its own that goes away on every exit path.
tour() {
	local slow=0 two=0 ipv6=0 svg_dir='' pcap_dir='' from to reachable started elapsed nstates narrows
	while (($# > 0)); do
		case $1 in
		--slow) slow=1 ;;
		--svg)
			(($# >= 2)) || die_usage "tour: --svg needs a DIR"
			check_out_dir tour --svg "$2"
			svg_dir=$2
			shift
			;;
		--pcap)
			(($# >= 2)) || die_usage "tour: --pcap needs a DIR"
			check_out_dir tour --pcap "$2"
			pcap_dir=$2
			shift
			;;
		--two-hosts) two=1 ;;
		-6 | --ipv6) ipv6=1 ;;
		*) die_usage "tour: unknown option '$1'" ;;
		esac
		shift
	done
	TCPLAB_NS="tcplab-tour-$$"
	own_lab tour # a lab of its own: stale if we are killed (tcplab clean)
	trap tour_cleanup EXIT
	if ((two)); then lab_up_two_hosts >/dev/null; else lab_up >/dev/null; fi
	if ((ipv6)); then
		add_ipv6_twins >/dev/null
		use_ipv6
	fi
	started=$(date +%s.%N)
	say "tour of the TCP state diagram in lab '$TCPLAB_NS' ($( ((two)) && echo two hosts || echo one host), IPv$LAB_FAMILY): each arrow is walked with ss before and"
	say "after on the exact 4-tuple, and the kernel's own record of the step where it keeps one"
	while IFS=$'\t' read -r from to _ _ _ reachable _; do
		if [[ $reachable == no ]]; then
			say
			say "arrow $from -> $to: not reachable on Linux: ${UNREACHABLE["$from $to"]}"
			continue
		fi
		tour_arrow "$from" "$to" "$slow" "$svg_dir" "$pcap_dir"
	done < <(table_arrows)
	elapsed=$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
	nstates=$(table_states | wc -l)
	narrows=$(table_arrows | awk -F'\t' '$6 == "yes"' | wc -l)
	tour_cleanup
	trap - EXIT
	say
	say "tour: ${#TOUR_STATES[@]} of $nstates states and ${#TOUR_ARROWS[@]} of $narrows reachable arrows verified"
	say "      ($TOUR_WALKS walks, $TOUR_FAILED failed) in ${elapsed} s; lab '$TCPLAB_NS' removed"
	((slow)) || say "      TIME_WAIT's 60 s expiry was left out: tcplab tour --slow, or tcplab arrow TIME_WAIT CLOSED"
	((TOUR_FAILED == 0))
}
