# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# Shared by tcplab and its parts: messages, checks, bounded waits.

: "${TCPLAB_NS:=tcplab}"
: "${TCPLAB_RUN:=/run/tcplab}"
: "${WAIT_TIMEOUT:=10}"

# The tutorial's addresses; they exist only inside the lab's namespace.
# shellcheck disable=SC2034 # used by the other parts of tcplab
SERVER_ADDR=192.168.100.100
# shellcheck disable=SC2034
SERVER_PORT=32000
# shellcheck disable=SC2034
CLIENT_ADDR=192.168.100.51
# shellcheck disable=SC2034
CLIENT_PORT=32089
# Their IPv6 twins (the documentation prefix), with tcplab up --ipv6.
# shellcheck disable=SC2034
SERVER_ADDR6=2001:db8::100
# shellcheck disable=SC2034
CLIENT_ADDR6=2001:db8::51

# The firewall command of the lab's family; use_ipv6 switches it with the addresses.
IPTABLES=iptables
LAB_FAMILY=4

# use_ipv6: the recipes, checks and programs take the twins and ip6tables
# (freeze -6, arrow -6, tour -6).  The lab must have them (up --ipv6).
# shellcheck disable=SC2034 # the other parts of tcplab read them
use_ipv6() {
	SERVER_ADDR=$SERVER_ADDR6
	CLIENT_ADDR=$CLIENT_ADDR6
	IPTABLES=ip6tables
	LAB_FAMILY=6
	define_recipes
}

# sock_end ADDR PORT: an end as ss and tcpwatch print it ([ADDR]:PORT for IPv6).
sock_end() {
	if [[ $1 == *:* ]]; then printf '[%s]:%s' "$1" "$2"; else printf '%s:%s' "$1" "$2"; fi
}

# any_addr: the wildcard address of the lab's family (a listener's peer).
any_addr() { if ((LAB_FAMILY == 6)); then say '::'; else say 0.0.0.0; fi; }

# addr_of END: the address of ADDR:PORT or [ADDR]:PORT.
addr_of() {
	local addr=${1%:*}
	addr=${addr#[}
	printf '%s' "${addr%]}"
}

# Which Debian package brings each tool the lab runs.
declare -A PACKAGE_OF=(
	[ip]=iproute2 [ss]=iproute2 [ifconfig]=net-tools [iptables]=iptables [ip6tables]=iptables
	[watch]=procps [tmux]=tmux [gcc]=gcc [make]=make [bats]=bats
)

say() { printf '%s\n' "$*"; }
warn() { printf 'tcplab: %s\n' "$*" >&2; }
die() {
	warn "$*"
	exit 1
}
die_usage() {
	warn "$*"
	exit 2
}

need_root() {
	((EUID == 0)) || die_usage "must run as root (network namespaces and iptables need it); run it as root (or with sudo): $0 $*"
}

# Exit 2 naming every missing tool and the package that brings it.
need_tools() {
	local tool missing=()
	for tool in "$@"; do
		command -v "$tool" >/dev/null 2>&1 || missing+=("$tool (apt-get install ${PACKAGE_OF[$tool]:-$tool})")
	done
	((${#missing[@]} == 0)) && return 0
	local IFS=,
	die_usage "missing: ${missing[*]}; or run: tcplab deps --install"
}

valid_ns_name() {
	[[ $1 =~ ^[A-Za-z0-9][A-Za-z0-9_.-]{0,30}$ ]]
}

ns_exists() {
	[[ -e /run/netns/$1 ]]
}

need_lab() {
	ns_exists "$TCPLAB_NS" || die_usage "lab '$TCPLAB_NS' is not up: run tcplab up"
}

in_lab() {
	ip netns exec "$TCPLAB_NS" "$@"
}

# The lab has one host (one namespace, both addresses) or two (`up
# --two-hosts`): the server's host is TCPLAB_NS, the client's TCPLAB_NS-client.
client_host_ns() { printf '%s-client' "$TCPLAB_NS"; }

two_hosts() { ns_exists "$(client_host_ns)"; }

# host_ns server|client: the namespace that host lives in.
host_ns() {
	if [[ $1 == client ]] && two_hosts; then
		client_host_ns
	else
		printf '%s' "$TCPLAB_NS"
	fi
}

# in_host server|client CMD...: run CMD on that host of the lab.
in_host() {
	local ns
	ns=$(host_ns "$1")
	shift
	ip netns exec "$ns" "$@"
}

# lab_hosts: server, and client when it is a host of its own.
lab_hosts() {
	say server
	if two_hosts; then say client; fi
}

# host_of_addr ADDR:PORT: the host that has ADDR.
host_of_addr() {
	if [[ $(addr_of "$1") == "$CLIENT_ADDR" ]]; then say client; else say server; fi
}

# wait_for SECONDS CMD...: run CMD every 0.1 s until it succeeds or time is up.
wait_for() {
	local seconds=$1 tries
	shift
	for ((tries = seconds * 10; tries > 0; tries--)); do
		"$@" && return 0
		sleep 0.1
	done
	"$@"
}

# The state ss gives the exact socket LOCAL -> PEER in the lab ("" if none).
# A listener's peer is 0.0.0.0:* ([::]:* for IPv6).
socket_state() {
	in_host "$(host_of_addr "$1")" ss -Htan | awk -v l="$1" -v p="$2" '!found && $4 == l && $5 == p { print $1; found = 1 }'
}

# socket_in STATE LOCAL PEER: true when ss shows that socket in STATE.
socket_in() {
	[[ $(socket_state "$2" "$3") == "$1" ]]
}

socket_gone() {
	[[ -z $(socket_state "$1" "$2") ]]
}
