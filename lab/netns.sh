# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# The lab's network namespace(s): made by `up`, removed whole by `down`.
# Nothing here touches the host's interfaces, routes, firewall or sysctls:
# both ends of the veth pair are created inside the lab's namespaces.
# One host: one namespace with both addresses (the tutorial's set-up).
# Two hosts (`up --two-hosts`): the server's namespace and the client's,
# joined by the veth pair, each with its own address, firewall and sockets.

# ---- the record of what made a lab: for status and clean ----------------
# tour and demo make labs of their own (LAB_MAKER and LAB_OWNER say which
# command and process): such a lab whose owner is gone is stale.  A lab of
# `tcplab up` has no owner: it stays until `tcplab down`.

# own_lab MAKER: the labs made from here on are MAKER's, owned by this process.
own_lab() {
	LAB_MAKER=$1
	LAB_OWNER=$$
}

lab_record() { printf '%s/%s/lab' "$TCPLAB_RUN" "${1:-$TCPLAB_NS}"; }

# start_time_of PID: when PID started (clock ticks since boot), so a pid
# the system has given to another process is not taken for the owner; none
# for a zombie (dead, its parent has not reaped it yet).
start_time_of() {
	local stat
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	# shellcheck disable=SC2086 # the fields after "(comm) " are words
	set -- ${stat##*) }
	[[ $1 != Z ]] || return 1
	printf '%s' "${20}"
}

# record_lab LAYOUT: what made the lab, next to its run files.
record_lab() {
	mkdir -p "$(run_dir)"
	{
		say "layout=$1"
		say "maker=${LAB_MAKER:-up}"
		if [[ -n ${LAB_OWNER:-} ]]; then
			say "owner=$LAB_OWNER"
			say "owner_start=$(start_time_of "$LAB_OWNER")"
		fi
	} >"$(lab_record)"
}

# record_field NAME FIELD: one field of lab NAME's record ("" if none).
record_field() {
	sed -n "s/^$2=//p" "$(lab_record "$1")" 2>/dev/null
}

# lab_standing NAME: "in use" (its owner runs), "kept" (a lab of up), or
# "stale" (its owner is gone, or nothing but its record is left).
lab_standing() {
	local owner
	owner=$(record_field "$1" owner)
	if [[ -n $owner && $(start_time_of "$owner") == "$(record_field "$1" owner_start)" ]]; then
		say "in use"
	elif [[ -z $(lab_namespaces "$1") ]]; then
		say stale
	elif [[ -z $owner ]]; then
		say kept
	else
		say stale
	fi
}

# lab_namespaces NAME: the namespaces of lab NAME that exist: NAME, and
# NAME-client when the lab has two hosts (by its record; a lab without one
# by whether that namespace is there).
lab_namespaces() {
	local layout
	layout=$(record_field "$1" layout)
	if ns_exists "$1"; then say "$1"; fi
	if [[ -z $layout || $layout == "two hosts" ]] && ns_exists "$1-client"; then say "$1-client"; fi
	return 0
}

# recorded_labs: the name of every lab this project made on the machine.
recorded_labs() {
	local record
	for record in "$TCPLAB_RUN"/*/lab; do
		[[ -e $record ]] || continue
		record=${record%/lab}
		say "${record##*/}"
	done
}

# One line for lab NAME: layout, standing and maker, what is inside it.
describe_lab() {
	local name=$1 standing maker owner ns procs=0 rules=0
	standing=$(lab_standing "$name")
	maker=$(record_field "$name" maker)
	owner=$(record_field "$name" owner)
	for ns in $(lab_namespaces "$name"); do
		procs=$((procs + $(ip netns pids "$ns" 2>/dev/null | wc -l)))
		rules=$((rules + $(ip netns exec "$ns" iptables -S INPUT 2>/dev/null | grep -c 'tcplab ' || true)))
		rules=$((rules + $(ip netns exec "$ns" ip6tables -S INPUT 2>/dev/null | grep -c 'tcplab ' || true)))
	done
	case $standing in
	kept) standing="kept (tcplab up; tcplab down removes it)" ;;
	"in use") standing="in use ($maker, pid $owner)" ;;
	stale) standing="STALE ($maker${owner:+, pid $owner gone}; tcplab clean removes it)" ;;
	esac
	[[ -n $(lab_namespaces "$name") ]] || standing+=", no namespace left"
	printf '  %-22s %-9s %s; %d process(es), %d rule(s)\n' "$name" "$(record_field "$name" layout)" "$standing" "$procs" "$rules"
}

list_labs() {
	local name found=0
	say "labs of tcplab on this machine (tcpwatch uses no tracefs instance):"
	for name in $(recorded_labs); do
		describe_lab "$name"
		found=1
	done
	((found)) || say "  none"
}

# clean: remove every stale lab, whole; never one in use, kept, or not ours.
clean_labs() {
	local name n=0
	for name in $(recorded_labs); do
		[[ $(lab_standing "$name") == stale ]] || continue
		remove_stale_lab "$name"
		n=$((n + 1))
	done
	say "removed $n stale lab(s)"
}

# remove_stale_lab NAME: its processes, its namespaces (the client's first), its run files.
remove_stale_lab() {
	local owner
	owner=$(record_field "$1" owner)
	say "removing stale lab '$1' ($(record_field "$1" maker)${owner:+, pid $owner gone})"
	delete_lab "$1"
}

# stale_in_the_way: a stale lab of this name.  tour and demo (their pid
# reused) remove it, as does up when only its files are left; else up says how.
stale_in_the_way() {
	[[ -e $(lab_record) && $(lab_standing "$TCPLAB_NS") == stale ]] || return 0
	if [[ -n ${LAB_OWNER:-} || -z $(lab_namespaces "$TCPLAB_NS") ]]; then
		remove_stale_lab "$TCPLAB_NS" >/dev/null
		return 0
	fi
	local owner
	owner=$(record_field "$TCPLAB_NS" owner)
	die_usage "lab '$TCPLAB_NS' is stale ($(record_field "$TCPLAB_NS" maker)${owner:+, pid $owner gone}): tcplab clean removes it"
}

lab_is_configured() {
	local addrs
	addrs=$(ip -n "$TCPLAB_NS" -o -4 addr show dev eth0 2>/dev/null) || return 1
	[[ $addrs == *" $SERVER_ADDR/"* && $addrs == *" $CLIENT_ADDR/"* ]]
}

# Each step checks first, so `up` completes a half-made lab and repeats safely.
configure_lab() {
	ip -n "$TCPLAB_NS" link set lo up
	if ! ip -n "$TCPLAB_NS" link show eth0 >/dev/null 2>&1; then
		ip -n "$TCPLAB_NS" link add eth0 type veth peer name eth1
	fi
	ip -n "$TCPLAB_NS" link set eth1 up
	ip -n "$TCPLAB_NS" link set eth0 up
	lab_is_configured && return 0
	# The tutorial's own commands, run inside the lab.
	say "+ ifconfig eth0:0 $SERVER_ADDR up"
	in_lab ifconfig eth0:0 "$SERVER_ADDR" up
	say "+ ifconfig eth0:1 $CLIENT_ADDR up"
	in_lab ifconfig eth0:1 "$CLIENT_ADDR" up
}

# has_addr NS -4|-6 ADDR: eth0 of namespace NS has ADDR.  The list is read
# whole, not piped to grep -q: ip writes a line at a time, and one that
# finds its reader gone dies of SIGPIPE, which pipefail takes for "no".
has_addr() {
	local addrs
	addrs=$(ip -n "$1" -o "$2" addr show dev eth0 2>/dev/null) || return 1
	[[ $addrs == *" $3/"* ]]
}

# Two hosts: eth0 in each namespace, the two ends of one veth pair.
two_hosts_configured() {
	has_addr "$TCPLAB_NS" -4 "$SERVER_ADDR" && has_addr "$(client_host_ns)" -4 "$CLIENT_ADDR"
}

configure_two_hosts() {
	local client
	client=$(client_host_ns)
	ip -n "$TCPLAB_NS" link set lo up
	ip -n "$client" link set lo up
	if ! ip -n "$TCPLAB_NS" link show eth0 >/dev/null 2>&1; then
		ip -n "$TCPLAB_NS" link add eth0 type veth peer name eth0 netns "$client"
	fi
	two_hosts_configured && return 0
	say "+ (server host) ifconfig eth0 $SERVER_ADDR netmask 255.255.255.0 up"
	in_host server ifconfig eth0 "$SERVER_ADDR" netmask 255.255.255.0 up
	say "+ (client host) ifconfig eth0 $CLIENT_ADDR netmask 255.255.255.0 up"
	in_host client ifconfig eth0 "$CLIENT_ADDR" netmask 255.255.255.0 up
}

lab_up_two_hosts() {
	local client ns made=()
	client=$(client_host_ns)
	valid_ns_name "$client" || die_usage "TCPLAB_NS '$TCPLAB_NS' is too long for two hosts (its '-client' twin must fit 31)"
	stale_in_the_way
	if ns_exists "$TCPLAB_NS" && ! ns_exists "$client"; then
		die_usage "lab '$TCPLAB_NS' is up with one host: tcplab down first"
	fi
	if two_hosts_configured; then
		say "lab '$TCPLAB_NS' is already up (two hosts)"
		return 0
	fi
	record_lab "two hosts" # first: a run killed now leaves a lab clean knows
	for ns in "$TCPLAB_NS" "$client"; do
		ns_exists "$ns" && continue
		ip netns add "$ns"
		made+=("$ns")
	done
	if ! configure_two_hosts; then
		for ns in "${made[@]}"; do ip netns del "$ns"; done
		die "could not set up lab '$TCPLAB_NS' (two hosts)"
	fi
	say "lab '$TCPLAB_NS' is up: server $SERVER_ADDR in '$TCPLAB_NS', client $CLIENT_ADDR in '$client'"
}

lab_up() {
	stale_in_the_way
	if two_hosts; then
		die_usage "lab '$TCPLAB_NS' is up with two hosts: tcplab down first"
	fi
	if lab_is_configured; then
		say "lab '$TCPLAB_NS' is already up"
		return 0
	fi
	local created=0
	record_lab "one host" # first: a run killed now leaves a lab clean knows
	if ! ns_exists "$TCPLAB_NS"; then
		ip netns add "$TCPLAB_NS"
		created=1
	fi
	if ! configure_lab; then
		((created)) && ip netns del "$TCPLAB_NS"
		die "could not set up lab '$TCPLAB_NS'"
	fi
	say "lab '$TCPLAB_NS' is up: server $SERVER_ADDR, client $CLIENT_ADDR on eth0"
}

# The tutorial's addresses' IPv6 twins on eth0, beside them (no duplicate
# address detection: nobody else is on this wire); again is harmless.
add_ipv6_twins() {
	local server_ns client_ns
	server_ns=$(host_ns server)
	client_ns=$(host_ns client)
	ip -n "$server_ns" -6 addr replace "$SERVER_ADDR6/64" dev eth0 nodad
	ip -n "$client_ns" -6 addr replace "$CLIENT_ADDR6/64" dev eth0 nodad
	say "lab '$TCPLAB_NS' has IPv6 too: server $SERVER_ADDR6, client $CLIENT_ADDR6"
}

has_ipv6_twins() {
	has_addr "$(host_ns server)" -6 "$SERVER_ADDR6" && has_addr "$(host_ns client)" -6 "$CLIENT_ADDR6"
}

# need_ipv6: a command's -6 needs the twins in the lab.
need_ipv6() {
	has_ipv6_twins || die_usage "lab '$TCPLAB_NS' has no IPv6 twins: tcplab up --ipv6 adds them"
}

# lab_pids NAME: the processes tcplab started for lab NAME (TCPLAB_LAB=NAME
# in their environment), and every process in its namespaces.
lab_pids() {
	local ns
	grep -lzx "TCPLAB_LAB=$1" /proc/[0-9]*/environ 2>/dev/null | cut -d/ -f3
	for ns in $(lab_namespaces "$1"); do
		ip netns pids "$ns" 2>/dev/null
	done
	return 0
}

# End every process of lab NAME: TERM, up to 2 s of grace, then KILL.
end_lab_processes() {
	local name=$1 pids tries
	pids=$(lab_pids "$name" | sort -u)
	[[ -n $pids ]] || return 0
	# shellcheck disable=SC2086 # one pid per word
	kill -TERM $pids 2>/dev/null || true
	for ((tries = 20; tries > 0; tries--)); do
		[[ -z $(lab_pids "$name") ]] && return 0
		sleep 0.1
	done
	pids=$(lab_pids "$name" | sort -u)
	# shellcheck disable=SC2086
	[[ -n $pids ]] && kill -KILL $pids 2>/dev/null
	return 0
}

# delete_lab NAME: its processes, its namespaces (the client's first), its
# processes again (one a killed run forked may enter a namespace late).
delete_lab() {
	local ns
	end_lab_processes "$1"
	for ns in $(lab_namespaces "$1" | sort -r); do
		ip netns del "$ns"
	done
	end_lab_processes "$1"
	rm -rf "${TCPLAB_RUN:?}/$1"
}

lab_down() {
	tmux_kill_lab_session
	if ! ns_exists "$TCPLAB_NS"; then
		rm -rf "${TCPLAB_RUN:?}/$TCPLAB_NS"
		say "lab '$TCPLAB_NS' is not up; nothing to do"
		return 0
	fi
	delete_lab "$TCPLAB_NS"
	say "lab '$TCPLAB_NS' is down"
}

# status: this lab in full, then every lab of the project's on the machine.
lab_status() {
	local rc=0
	if ns_exists "$TCPLAB_NS"; then
		lab_details
	else
		say "lab '$TCPLAB_NS' is down"
		rc=3
	fi
	list_labs
	return "$rc"
}

lab_details() {
	local host
	if two_hosts; then
		say "lab '$TCPLAB_NS' is up (two hosts: '$TCPLAB_NS' and '$(client_host_ns)')"
	else
		say "lab '$TCPLAB_NS' is up"
	fi
	for host in $(lab_hosts); do
		two_hosts && say "== $host host"
		say "-- addresses"
		in_host "$host" ip -o addr show scope global | awk '{ print "  " $2 " " $4 }'
		say "-- iptables INPUT rules"
		in_host "$host" iptables -S INPUT | sed 's/^/  /'
		if has_ipv6_twins; then
			say "-- ip6tables INPUT rules"
			in_host "$host" ip6tables -S INPUT | sed 's/^/  /'
		fi
		say "-- server-state.sh"
		in_host "$host" "$TCPLAB_DIR/server-state.sh" | sed 's/^/  /'
	done
	say "-- programs"
	list_programs | sed 's/^/  /'
}
