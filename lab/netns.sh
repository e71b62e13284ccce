# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# The lab's network namespace(s): made by `up`, removed whole by `down`.
# Nothing here touches the host's interfaces, routes, firewall or sysctls:
# both ends of the veth pair are created inside the lab's namespaces.
# One host: one namespace with both addresses (the tutorial's set-up).
# Two hosts (`up --two-hosts`): the server's namespace and the client's,
# joined by the veth pair, each with its own address, firewall and sockets.

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

# Two hosts: eth0 in each namespace, the two ends of one veth pair.
two_hosts_configured() {
	ip -n "$TCPLAB_NS" -o -4 addr show dev eth0 2>/dev/null | grep -q " $SERVER_ADDR/" &&
		ip -n "$(client_host_ns)" -o -4 addr show dev eth0 2>/dev/null | grep -q " $CLIENT_ADDR/"
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
	if ns_exists "$TCPLAB_NS" && ! ns_exists "$client"; then
		die_usage "lab '$TCPLAB_NS' is up with one host: tcplab down first"
	fi
	if two_hosts_configured; then
		say "lab '$TCPLAB_NS' is already up (two hosts)"
		return 0
	fi
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
	if two_hosts; then
		die_usage "lab '$TCPLAB_NS' is up with two hosts: tcplab down first"
	fi
	if lab_is_configured; then
		say "lab '$TCPLAB_NS' is already up"
		return 0
	fi
	local created=0
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
	ip -n "$(host_ns server)" -o -6 addr show dev eth0 2>/dev/null | grep -q " $SERVER_ADDR6/" &&
		ip -n "$(host_ns client)" -o -6 addr show dev eth0 2>/dev/null | grep -q " $CLIENT_ADDR6/"
}

# need_ipv6: a command's -6 needs the twins in the lab.
need_ipv6() {
	has_ipv6_twins || die_usage "lab '$TCPLAB_NS' has no IPv6 twins: tcplab up --ipv6 adds them"
}

# End every process in namespace NS: TERM, up to 2 s of grace, then KILL.
end_ns_processes() {
	local ns=$1 pids tries
	pids=$(ip netns pids "$ns" 2>/dev/null) || return 0
	[[ -n $pids ]] || return 0
	# shellcheck disable=SC2086 # one pid per word
	kill -TERM $pids 2>/dev/null || true
	for ((tries = 20; tries > 0; tries--)); do
		[[ -z $(ip netns pids "$ns" 2>/dev/null) ]] && return 0
		sleep 0.1
	done
	pids=$(ip netns pids "$ns" 2>/dev/null) || return 0
	# shellcheck disable=SC2086
	[[ -n $pids ]] && kill -KILL $pids 2>/dev/null
	return 0
}

lab_down() {
	tmux_kill_lab_session
	if ! ns_exists "$TCPLAB_NS"; then
		rm -rf "${TCPLAB_RUN:?}/$TCPLAB_NS"
		say "lab '$TCPLAB_NS' is not up; nothing to do"
		return 0
	fi
	if two_hosts; then
		end_ns_processes "$(client_host_ns)"
		ip netns del "$(client_host_ns)"
	fi
	end_ns_processes "$TCPLAB_NS"
	ip netns del "$TCPLAB_NS"
	rm -rf "${TCPLAB_RUN:?}/$TCPLAB_NS"
	say "lab '$TCPLAB_NS' is down"
}

lab_status() {
	if ! ns_exists "$TCPLAB_NS"; then
		say "lab '$TCPLAB_NS' is down"
		return 3
	fi
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
