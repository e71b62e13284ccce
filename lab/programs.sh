# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# The lab's server and client run in the background, each reading "keys"
# from a FIFO: `tcplab key NAME` writes one byte there, which the program
# takes as the keypress before its close().  A holder process keeps the
# FIFO open for writing, so the programs see no EOF between keys.  Both
# carry TCPLAB_LAB=NAME in their environment: the lab's own processes,
# found wherever they are (lab_pids), even in a namespace already deleted.

: "${HOLD_SECONDS:=3600}"

run_dir() { printf '%s/%s' "$TCPLAB_RUN" "$TCPLAB_NS"; }

program_pid() {
	local file
	file="$(run_dir)/$1.pid"
	[[ -r $file ]] && cat "$file"
}

# A zombie is not running: it may wait a while for a reaper that is not us.
pid_alive() {
	local stat
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	stat=${stat##*) }
	[[ ${stat:0:1} != Z ]]
}

program_running() {
	local pid
	pid=$(program_pid "$1") || return 1
	pid_alive "$pid"
}

# program_host PROGRAM ARGS...: the host a program runs on: the server's,
# unless it is a client (a client --mirror binds the server's address).
program_host() {
	local program=$1 arg
	shift
	[[ $program == server ]] && {
		say server
		return
	}
	for arg in "$@"; do
		[[ $arg == --mirror ]] && {
			say server
			return
		}
	done
	say client
}

# start_program NAME PROGRAM [ARGS...]: PROGRAM is server or client.
start_program() {
	local name=$1 program=$2 dir ns
	shift 2
	[[ $name =~ ^[a-z0-9_-]{1,20}$ ]] || die_usage "bad program name '$name'"
	[[ $program == server || $program == client ]] || die_usage "can start server or client, not '$program'"
	[[ -x $TCPLAB_DIR/$program ]] || die_usage "$TCPLAB_DIR/$program is not built: run make"
	program_running "$name" && die_usage "'$name' is already running in lab '$TCPLAB_NS'"
	dir=$(run_dir)
	mkdir -p "$dir"
	rm -f "$dir/$name".{in,log,pid,hold}
	mkfifo -m 600 "$dir/$name.in"
	ns=$(host_ns "$(program_host "$program" "$@")")
	# The holder first, the FIFO opened read-write so that neither open
	# blocks: a run killed between the two leaves no process waiting in open().
	ip netns exec "$ns" env "TCPLAB_LAB=$TCPLAB_NS" sleep "$HOLD_SECONDS" 1<>"$dir/$name.in" 2>/dev/null 3>&- &
	echo "$!" >"$dir/$name.hold"
	(cd "$TCPLAB_DIR" && exec ip netns exec "$ns" env "TCPLAB_LAB=$TCPLAB_NS" "./$program" "$@" \
		<"$dir/$name.in" >"$dir/$name.log" 2>&1 3>&-) &
	echo "$!" >"$dir/$name.pid"
	say "started $name: ./$program $* (pid $(cat "$dir/$name.pid"), log $dir/$name.log)"
}

# Send one keypress; the program then does its close().
press_key() {
	local name=$1 fifo
	fifo="$(run_dir)/$name.in"
	program_running "$name" || die_usage "'$name' is not running in lab '$TCPLAB_NS'"
	# shellcheck disable=SC2016 # $1 expands in the inner shell
	timeout 2 bash -c 'printf k >"$1"' _ "$fifo" || die "could not send a key to '$name'"
	say "key sent to $name"
}

# wait_program_exit NAME SECONDS: 0 once NAME has exited.
wait_program_exit() {
	wait_for "$2" program_stopped "$1"
}

program_stopped() { ! program_running "$1"; }

show_log() {
	local file
	file="$(run_dir)/$1.log"
	[[ -r $file ]] || die_usage "no log for '$1' in lab '$TCPLAB_NS'"
	cat "$file"
}

list_programs() {
	local pidfile name state
	for pidfile in "$(run_dir)"/*.pid; do
		[[ -e $pidfile ]] || continue
		name=$(basename "$pidfile" .pid)
		state=exited
		program_running "$name" && state=running
		say "$name pid $(cat "$pidfile") $state"
	done
}

# End the lab's programs and their FIFO holders; safe to run twice.
stop_programs() {
	local file pid
	for file in "$(run_dir)"/*.pid "$(run_dir)"/*.hold; do
		[[ -e $file ]] || continue
		pid=$(cat "$file")
		kill -TERM "$pid" 2>/dev/null || true
	done
	for file in "$(run_dir)"/*.pid; do
		[[ -e $file ]] || continue
		wait_for 2 program_stopped "$(basename "$file" .pid)" || kill -KILL "$(cat "$file")" 2>/dev/null || true
	done
	rm -f "$(run_dir)"/*.{in,pid,hold}
}
