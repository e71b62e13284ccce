# shellcheck shell=bash
# Shared by every test file: paths, a lab name of the file's own, waits.

bats_require_minimum_version 1.5.0

PROJECT=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
TCPLAB="$PROJECT/tcplab"
# shellcheck disable=SC2034 # used by the test files
SERVER_END=192.168.100.100:32000
# shellcheck disable=SC2034
CLIENT_END=192.168.100.51:32089

# socket_state, socket_in, wait_for, program_pid, wait_program_exit:
# the same checks and waits that tcplab's demo makes.
# shellcheck source=lab/common.sh
. "$PROJECT/lab/common.sh"
# shellcheck source=lab/programs.sh
. "$PROJECT/lab/programs.sh"

# A lab name no other test file or run uses (the kernel's tracepoint and
# ss see every namespace's sockets; namespaces themselves must not clash).
file_lab_name() {
	local file=${BATS_TEST_FILENAME##*/}
	printf 'tl-%s-%s' "${file%.bats}" "$$"
}

# A lab of the file's own for all its tests (setup_file), gone after
# (teardown_file); each test leaves it reset.  ARGS go to tcplab up.
file_lab_up() {
	make -C "$PROJECT" -s all
	TCPLAB_NS=$(file_lab_name)
	export TCPLAB_NS
	"$TCPLAB" up "$@" >/dev/null
}

file_lab_down() { "$TCPLAB" down >/dev/null; }

# tests_share_a_lab: the file's hooks for tests that watch one lab: up
# before the first test, down after the last; after each test the lab is
# reset and a watcher still running ended.
# shellcheck disable=SC2317 # bats calls the hooks
tests_share_a_lab() {
	setup_file() { file_lab_up "$@"; }
	teardown_file() { file_lab_down; }
	teardown() {
		"$TCPLAB" reset >/dev/null
		end_watch
	}
}

lab_reset() { "$TCPLAB" reset >/dev/null; }

fresh_lab() {
	"$TCPLAB" down >/dev/null
	"$TCPLAB" up >/dev/null
}

# expect_state STATE LOCAL PEER [SECONDS]: wait for ss to agree, or show why not.
expect_state() {
	local state=$1 local_end=$2 peer=$3 seconds=${4:-$WAIT_TIMEOUT}
	wait_for "$seconds" socket_in "$state" "$local_end" "$peer" && return 0
	echo "expected: $local_end -> $peer in $state" >&2
	echo "ss shows:" >&2
	in_lab ss -tan >&2
	return 1
}

# live_lab_processes: "PID NAME" of every server, client, tcpwatch and FIFO
# holder running on the machine (not the zombies: dead already, they wait
# for init to reap them).
live_lab_processes() {
	ps -eo pid=,stat=,comm=,args= |
		awk '$2 !~ /^Z/ && ($3 ~ /^(server|client|tcpwatch)$/ || $0 ~ /sleep '"$HOLD_SECONDS"'$/) { print $1, $3 }'
}

# One whole connection through the lab: the client closes first.
one_connection() {
	"$TCPLAB" start server >/dev/null
	"$TCPLAB" start client >/dev/null
	expect_state ESTAB "$SERVER_END" "$CLIENT_END"
	"$TCPLAB" key client >/dev/null
	expect_state CLOSE-WAIT "$SERVER_END" "$CLIENT_END"
	"$TCPLAB" key server >/dev/null
	wait_program_exit server 5
}

# ladder JSON: draw the recording JSON into JSON.svg (tcpwatch --ladder)
# and print what the picture says, as an SVG reader reads it.
ladder() {
	"$TCPWATCH" --ladder --replay "$1" >"$1.svg"
	"$PROJECT/tests/svgfacts.py" "$1.svg"
}

# What the ladder of the RFC's client-first close shows: each state where
# it began, each segment once, numbered from its end's SYN.
# shellcheck disable=SC2034 # used by the test files
LADDER_STATES='["LISTEN","SYN-SENT","SYN-RECEIVED","ESTABLISHED","ESTABLISHED","FIN-WAIT-1","CLOSE-WAIT","FIN-WAIT-2","LAST-ACK","TIME-WAIT","CLOSED"]'
# shellcheck disable=SC2034
LADDER_LABELS='["SYN seq=0","SYN,ACK seq=0 ack=1","ACK seq=1 ack=1","FIN,ACK seq=1 ack=1","ACK seq=1 ack=2","FIN,ACK seq=1 ack=2","ACK seq=2 ack=2"]'

# record_connection ARGS: one whole connection of the lab, recorded by
# tcpwatch --json --segments -p 32000 ARGS into $BATS_TEST_TMPDIR/out.
record_connection() {
	start_watch --json --segments -p 32000 "$@"
	one_connection
	wait_for 3 grep -q '"old":"LISTEN","new":"CLOSED"' "$BATS_TEST_TMPDIR/out"
	stop_watch "$WATCH_PID"
}

# pcap_agree CAPTURE RECORDING: tests/pcapagree.py holds a capture against
# the recording of the same run; what it says in $output.  When they
# disagree, why, and both in full (a run's files are gone once it ends).
# shellcheck disable=SC2154 # bats' run sets status and output
pcap_agree() {
	run "$PROJECT/tests/pcapagree.py" "$1" "$2"
	((status == 0)) && return 0
	echo "$output"
	echo "--- $1:"
	tshark -r "$1" -o tcp.relative_sequence_numbers:FALSE -T fields -e frame.time_epoch -e frame.interface_name \
		-e tcp.srcport -e tcp.dstport -e tcp.flags.str -e tcp.seq -e tcp.ack -e frame.comment 2>&1 || true
	echo "--- $2:"
	cat "$2"
	return 1
}

# expect_log NAME PATTERN [SECONDS]: wait for a started program to print PATTERN.
expect_log() {
	local name=$1 pattern=$2 seconds=${3:-$WAIT_TIMEOUT}
	wait_for "$seconds" grep -qE -- "$pattern" "$TCPLAB_RUN/$TCPLAB_NS/$name.log" && return 0
	echo "expected $name to print /$pattern/; it printed:" >&2
	cat "$TCPLAB_RUN/$TCPLAB_NS/$name.log" >&2
	return 1
}

# Everything of the host's network that the lab must never change.
host_network_snapshot() {
	echo "## addresses"
	ip -o addr
	echo "## routes"
	ip route
	ip -6 route
	echo "## iptables"
	iptables-save | { grep -v '^#' || true; }
	echo "## namespaces"
	ip netns list
	echo "## tracefs instances"
	ls /sys/kernel/tracing/instances 2>/dev/null || true
}

# ---- tcpwatch in the background -------------------------------------------

TCPWATCH="$PROJECT/tcpwatch"

pid_gone() { ! pid_alive "$1"; }

# The ids of the BPF programs process $1 holds, one a line.
bpf_programs_of() {
	local fd
	for fd in /proc/"$1"/fdinfo/*; do
		sed -n 's/^prog_id:[[:space:]]*//p' "$fd" 2>/dev/null
	done | sort -un
}

# Has process $1 attached all its programs (a link for each; its capture is open by then)?
attached() {
	local links progs
	links=$(find /proc/"$1"/fd -lname 'anon_inode:bpf_link' 2>/dev/null | wc -l)
	progs=$(find /proc/"$1"/fd -lname 'anon_inode:bpf-prog' 2>/dev/null | wc -l)
	((links > 0 && links == progs))
}

# None of these BPF program ids is loaded any more.
programs_gone() {
	local id
	for id in "$@"; do
		! bpftool prog show id "$id" >/dev/null 2>&1 || return 1
	done
}

declare -gA WATCH_ERR=()

# watching PID ERRFILE: PID is the watcher now (stop_watch shows ERRFILE if it fails).
watching() {
	WATCH_PID=$1
	WATCH_ERR[$1]=$2
}

# start_watch ARGS...: tcpwatch in the background, output in $BATS_TEST_TMPDIR/out.
start_watch() { watch_into "$BATS_TEST_TMPDIR/out" "$@"; }

# watch_into FILE ARGS...: the same, output in FILE (stderr in FILE.err).
watch_into() {
	local out=$1
	shift
	"$TCPWATCH" "$@" >"$out" 2>"$out.err" &
	watching "$!" "$out.err"
	wait_for 5 attached "$WATCH_PID"
	mapfile -t WATCH_PROGRAMS < <(bpf_programs_of "$WATCH_PID")
	((${#WATCH_PROGRAMS[@]} > 0))
}

# end_watch: in teardown, a watcher still running ends as a user would end it.
end_watch() {
	if [[ -n ${WATCH_PID:-} ]] && kill -INT "$WATCH_PID" 2>/dev/null; then
		wait_for 3 pid_gone "$WATCH_PID" || kill -KILL "$WATCH_PID" 2>/dev/null || true
	fi
}

# stop_watch [PID]: end a watcher as a user would (SIGINT) and wait for it;
# its status, and what it said on stderr when that is not 0.
stop_watch() {
	local pid=${1:-$WATCH_PID} rc=0
	kill -INT "$pid"
	wait "$pid" || rc=$?
	((rc == 0)) || cat "${WATCH_ERR[$pid]}" >&2
	return "$rc"
}
