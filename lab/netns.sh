# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# The lab's network namespace: made by `up`, removed whole by `down`.
# Nothing here touches the host's interfaces, routes, firewall or sysctls:
# both ends of the veth pair are created inside the namespace.

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

lab_up() {
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

# End every process in the namespace: TERM, up to 2 s of grace, then KILL.
end_lab_processes() {
	local pids tries
	pids=$(ip netns pids "$TCPLAB_NS" 2>/dev/null) || return 0
	[[ -n $pids ]] || return 0
	# shellcheck disable=SC2086 # one pid per word
	kill -TERM $pids 2>/dev/null || true
	for ((tries = 20; tries > 0; tries--)); do
		[[ -z $(ip netns pids "$TCPLAB_NS" 2>/dev/null) ]] && return 0
		sleep 0.1
	done
	pids=$(ip netns pids "$TCPLAB_NS" 2>/dev/null) || return 0
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
	end_lab_processes
	ip netns del "$TCPLAB_NS"
	rm -rf "${TCPLAB_RUN:?}/$TCPLAB_NS"
	say "lab '$TCPLAB_NS' is down"
}

lab_status() {
	if ! ns_exists "$TCPLAB_NS"; then
		say "lab '$TCPLAB_NS' is down"
		return 3
	fi
	say "lab '$TCPLAB_NS' is up"
	say "-- addresses"
	ip -n "$TCPLAB_NS" -o -4 addr show | awk '{ print "  " $2 " " $4 }'
	say "-- programs"
	list_programs | sed 's/^/  /'
	say "-- iptables INPUT rules"
	in_lab iptables -S INPUT | sed 's/^/  /'
	say "-- server-state.sh"
	in_lab "$TCPLAB_DIR/server-state.sh" | sed 's/^/  /'
}
