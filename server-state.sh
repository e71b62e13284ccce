#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# server-state.sh: the tutorial's state watcher.  Prints every TCP socket of
# the server's address, then of the client's, as
#   ip:port = 192.168.100.100:32000  State = LISTEN
# Addresses are matched exactly (192.168.100.51 never matches .510).
# Run it under `watch -n 1 ./server-state.sh`, inside the lab.
set -euo pipefail

usage() {
	cat <<'USAGE'
usage: server-state.sh [SERVER_ADDR [CLIENT_ADDR]]

Show the TCP sockets of SERVER_ADDR (default 192.168.100.100), then of
CLIENT_ADDR (default 192.168.100.51), with their state as ss spells it.
SERVER_ADDR and CLIENT_ADDR may also come from the environment.

EXAMPLES
  ./server-state.sh
  watch -n 1 ./server-state.sh
  ./tcplab exec ./server-state.sh
USAGE
}

is_ipv4() {
	local addr=$1 part
	local -a parts
	[[ $addr =~ ^[0-9]{1,3}(\.[0-9]{1,3}){3}$ ]] || return 1
	IFS=. read -r -a parts <<<"$addr"
	for part in "${parts[@]}"; do
		((10#$part <= 255)) || return 1
	done
}

# Rows of `ss -Htan` whose local address is exactly $1, in the tutorial's format.
show_address() {
	local want=$1
	ss -Htan | awk -v want="$want" '{
		local_end = $4
		ip = local_end
		sub(/:[^:]*$/, "", ip)
		gsub(/^\[|\]$/, "", ip)
		sub(/^::ffff:/, "", ip)
		if (ip == want)
			print "ip:port = " local_end "  State = " $1
	}'
}

main() {
	case "${1:-}" in
	-h | --help)
		usage
		return 0
		;;
	esac
	if (($# > 2)); then
		usage >&2
		return 2
	fi
	local server=${1:-${SERVER_ADDR:-192.168.100.100}}
	local client=${2:-${CLIENT_ADDR:-192.168.100.51}}
	local addr
	for addr in "$server" "$client"; do
		if ! is_ipv4 "$addr"; then
			echo "server-state.sh: bad address '$addr': want a dotted quad" >&2
			return 2
		fi
	done
	show_address "$server"
	show_address "$client"
}

main "$@"
