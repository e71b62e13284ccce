#!/usr/bin/env bats
# A killed run leaves nothing behind: tour, demo, freeze and arrow killed
# with SIGKILL at several points, then `tcplab clean` (and `down` for a lab
# of up): the host's interfaces, routes, firewall, namespaces and processes
# are as they were.  Two tours at once, in labs of their own, both pass.

load helper

setup_file() { make -C "$PROJECT" -s all; }

teardown() {
	"$TCPLAB" clean >/dev/null
	if [[ -n ${OWN_LAB:-} ]]; then
		TCPLAB_NS=$OWN_LAB "$TCPLAB" down >/dev/null
	fi
}

# The host as a killed run must leave it.  A process of the lab's outlives
# its namespace's name, so processes are counted by their names.
host_state() {
	ip -o link show | sed 's/^[0-9]*: //; s/ state .*//'
	ip route show table all
	iptables-save 2>/dev/null | grep -v '^#' || true
	ip6tables-save 2>/dev/null | grep -v '^#' || true
	ip netns list
	ls /sys/kernel/tracing/instances 2>/dev/null || true
	live_lab_processes | awk '{ print $2 }' | sort | uniq -c
}

# no_live NAME: no process of that name runs (a zombie has ended).
no_live() { ! live_lab_processes | awk -v n="$1" '$2 == n { found = 1 } END { exit !found }'; }

# kill_after SECONDS CMD...: CMD in the background, SIGKILLed after SECONDS.
kill_after() {
	local seconds=$1 pid
	shift
	"$@" >"$BATS_TEST_TMPDIR/killed.log" 2>&1 3>&- &
	pid=$!
	sleep "$seconds"
	kill -KILL "$pid"
	wait "$pid" 2>/dev/null || true
}

# kill_when PATTERN CMD...: CMD in the background, SIGKILLed as soon as its
# output shows PATTERN (half-way by what it did, not by a time that depends
# on the machine); fails if CMD ended first.
kill_when() {
	local pattern=$1 log=$BATS_TEST_TMPDIR/killed.log pid n
	shift
	"$@" >"$log" 2>&1 3>&- &
	pid=$!
	for ((n = 0; n < 1000; n++)); do
		! grep -q -- "$pattern" "$log" || break
		sleep 0.01
	done
	kill -KILL "$pid" 2>/dev/null || {
		echo "kill_when: '$*' ended before it printed '$pattern', or before the kill:" >&2
		cat "$log" >&2
		return 1
	}
	wait "$pid" 2>/dev/null || true
}

# nothing_left BEFORE: clean removes what the killed run left; the host is as BEFORE.
nothing_left() {
	local before=$1
	run -0 "$TCPLAB" clean
	wait_for 3 no_live tcpwatch
	[ "$(host_state)" = "$before" ] || {
		diff <(echo "$before") <(host_state) >&2
		false
	}
}

@test "tour killed at 2, 6 and 12 s: status marks its lab stale, clean removes all of it" {
	local before seconds
	before=$(host_state)
	for seconds in 2 6 12; do
		kill_after "$seconds" "$TCPLAB" tour
		run -3 env TCPLAB_NS="tl-none-$$" "$TCPLAB" status
		echo "$output"
		[[ $output == *"tcplab-tour-"*"STALE (tour, pid "*" gone; tcplab clean removes it)"* ]]
		nothing_left "$before"
		run -3 env TCPLAB_NS="tl-none-$$" "$TCPLAB" status
		[[ $output != *tcplab-tour-* ]]
	done
}

@test "tour on two hosts, killed at 5 s: clean removes both hosts" {
	local before
	before=$(host_state)
	kill_after 5 "$TCPLAB" tour --two-hosts
	run -3 env TCPLAB_NS="tl-none-$$" "$TCPLAB" status
	[[ $output == *"two hosts"*STALE* ]]
	nothing_left "$before"
}

@test "demo killed in its second part and in its last: clean removes its lab" {
	local before part
	before=$(host_state)
	# by what it printed, not by the clock: the whole demo takes under 4 s here
	for part in "=== SYN_SENT" "=== Teardown"; do
		kill_when "$part" "$TCPLAB" demo
		nothing_left "$before"
	done
}

@test "freeze and arrow killed half-way in a lab of up: nothing outside it, the lab is kept, down removes it" {
	local before freeze_at arrow_at
	before=$(host_state)
	OWN_LAB=tl-killed-$$
	# shellcheck disable=SC2030,SC2031 # each test has a lab of its own
	export TCPLAB_NS=$OWN_LAB
	"$TCPLAB" up >/dev/null
	# killed as its rule goes in (arrow: as it begins), then again just after
	# (arrow: its tcpwatch running, the step not yet made)
	while IFS='|' read -r freeze_at arrow_at; do
		kill_when "$freeze_at" "$TCPLAB" freeze CLOSING
		kill_when "$arrow_at" "$TCPLAB" arrow FIN_WAIT1 CLOSING
		# arrow's tcpwatch ends with it (PR_SET_PDEATHSIG); the lab is the user's
		wait_for 3 no_live tcpwatch
		run -0 "$TCPLAB" status
		[[ $output == *"$OWN_LAB"*"kept (tcplab up"* ]]
		[[ $output != *STALE* ]]
		run -0 "$TCPLAB" clean
		[[ $output == *"removed 0 stale lab(s)"* ]]
		ns_exists "$OWN_LAB"
	done <<<$'iptables -A|arrow FIN_WAIT1 -> CLOSING:\n    # drops|  before '
	"$TCPLAB" down >/dev/null
	OWN_LAB=
	nothing_left "$before"
}

@test "freeze and arrow on two hosts killed half-way: arrow's tcpwatch goes with it, down removes both hosts" {
	local before
	before=$(host_state)
	OWN_LAB=tl-killed2-$$
	# shellcheck disable=SC2030,SC2031 # each test has a lab of its own
	export TCPLAB_NS=$OWN_LAB
	"$TCPLAB" up --two-hosts >/dev/null
	kill_when "iptables -A" "$TCPLAB" freeze FIN_WAIT1
	kill_when "  before " "$TCPLAB" arrow FIN_WAIT1 CLOSING
	wait_for 3 no_live tcpwatch
	"$TCPLAB" down >/dev/null
	OWN_LAB=
	nothing_left "$before"
}

@test "up on the name of a stale lab says how to remove it; clean never touches a lab in use" {
	local before name pid
	before=$(host_state)
	"$TCPLAB" tour >"$BATS_TEST_TMPDIR/tour.log" 2>&1 &
	pid=$!
	name=tcplab-tour-$pid
	wait_for 5 ns_exists "$name"
	run -0 "$TCPLAB" clean
	[[ $output == *"removed 0 stale lab(s)"* ]]
	ns_exists "$name"
	kill -KILL "$pid"
	wait "$pid" 2>/dev/null || true
	TCPLAB_NS=$name run -2 "$TCPLAB" up
	[ "$output" = "tcplab: lab '$name' is stale (tour, pid $pid gone): tcplab clean removes it" ]
	nothing_left "$before"
}

@test "two tours at once, each in a lab of its own whatever TCPLAB_NS says, both pass" {
	local before one two
	before=$(host_state)
	TCPLAB_NS=tl-a-$$ "$TCPLAB" tour >"$BATS_TEST_TMPDIR/one" 2>&1 &
	one=$!
	TCPLAB_NS=tl-b-$$ "$TCPLAB" tour >"$BATS_TEST_TMPDIR/two" 2>&1 &
	two=$!
	wait "$one" || { cat "$BATS_TEST_TMPDIR/one"; false; }
	wait "$two" || { cat "$BATS_TEST_TMPDIR/two"; false; }
	grep -q "21 of 21 reachable arrows verified" "$BATS_TEST_TMPDIR/one"
	grep -q "21 of 21 reachable arrows verified" "$BATS_TEST_TMPDIR/two"
	[ "$(host_state)" = "$before" ]
}
