#!/usr/bin/env bats
# tcpwatch --summary and --leaks on sockets a plain Python process made and
# holds (tests/workload/sockets.py leaky): counts that are the kernel's,
# owners found by the sockets' inodes, ages never above the truth.

load helper

WORKLOAD="$PROJECT/tests/workload/sockets.py"

setup_file() { file_lab_up; }

teardown_file() { file_lab_down; }

teardown() {
	end_leaky
	if [[ -n ${MIXED_PID:-} ]]; then
		kill "$MIXED_PID" 2>/dev/null || true
		wait_for 5 pid_gone "$MIXED_PID"
		ip netns exec "$TCPLAB_NS" ss -K -tan "src [::1]" >/dev/null
	fi
	end_watch
	"$TCPLAB" reset >/dev/null
	if [[ -n ${FOREIGN:-} ]]; then
		end_leaky "$FOREIGN"
		TCPLAB_NS=$FOREIGN "$TCPLAB" down >/dev/null
	fi
}

# start_leaky CW TW [NETNS]: the workload holding CW CLOSE_WAIT sockets
# (and its TW TIME_WAIT ones) in NETNS (the lab's), ready; its pid in
# LEAKY_PID[NETNS].
declare -gA LEAKY_PID=()
start_leaky() {
	local ns=${3:-$TCPLAB_NS} out
	out="$BATS_TEST_TMPDIR/leaky-$ns"
	ip netns exec "$ns" "$WORKLOAD" leaky "$1" "$2" >"$out" 3>&- &
	wait_for 30 grep -q '^ready' "$out"
	LEAKY_PID[$ns]=$(sed -n 's/^pid //p' "$out")
}

# end_leaky [NETNS]: it ends, and its sockets close.
end_leaky() {
	local pid=${LEAKY_PID[${1:-$TCPLAB_NS}]:-}
	[[ -n $pid ]] || return 0
	kill "$pid" 2>/dev/null || true
	wait_for 5 pid_gone "$pid"
	unset "LEAKY_PID[${1:-$TCPLAB_NS}]"
}

@test "--summary --once: 50 CLOSE_WAIT of a process named leaky and 200 TIME_WAIT, made before it started" {
	local out=$BATS_TEST_TMPDIR/summary.json pid
	start_leaky 50 200
	pid=${LEAKY_PID[$TCPLAB_NS]}
	sleep 1.2 # old enough for the kernel's record to show it
	run -0 "$TCPWATCH" --netns "$TCPLAB_NS" --summary --once --json
	printf '%s\n' "$output" >"$out"
	[ "${#lines[@]}" -eq 1 ]
	run -0 jq -c '.states' "$out"
	[ "$output" = '{"LISTEN":1,"FIN_WAIT2":50,"CLOSE_WAIT":50,"TIME_WAIT":200}' ]
	run -0 jq -c '.owners' "$out"
	[ "$output" = "[{\"pid\":$pid,\"comm\":\"leaky\",\"states\":{\"LISTEN\":1,\"CLOSE_WAIT\":50}},{\"pid\":null,\"comm\":null,\"states\":{\"FIN_WAIT2\":50,\"TIME_WAIT\":200}}]" ]
	# the oldest CLOSE_WAIT is leaky's, with an age the kernel proves: at least, never more
	run -0 jq -r '.oldest.CLOSE_WAIT | "\(.pid) \(.comm) \(.local) \(.age_exact) \(.age_s >= 1.0 and .age_s < 60)"' "$out"
	[ "$output" = "$pid leaky 192.168.100.100:32000 false true" ]
	run -0 jq -r '.oldest.TIME_WAIT | "\(.pid) \(.age_exact) \(.age_s >= 1.0 and .age_s < 60)"' "$out"
	[ "$output" = "null false true" ]
	run -0 jq -r '.netns, .interval_s, (.rates | map(select(. != null)) | length), (.histograms | length)' "$out"
	[ "$output" = "$TCPLAB_NS"$'\nnull\n0\n0' ]
}

@test "--summary --once as text: the counts, the owner and the oldest, on one screen" {
	local row='(^|'$'\n'')CLOSE_WAIT +5 +- +>='
	start_leaky 5 20
	run -0 "$TCPWATCH" --netns "$TCPLAB_NS" --summary --once
	printf '%s\n' "$output"
	[[ ${lines[0]} == "$TCPLAB_NS at "*": 31 TCP socket(s)" ]]
	[[ $output =~ $row ]]
	[[ $output == *"leaky ${LEAKY_PID[$TCPLAB_NS]} fd "* ]]
	[[ $output == *$'\n'"  leaky ${LEAKY_PID[$TCPLAB_NS]}"*"LISTEN 1 CLOSE_WAIT 5"* ]]
	[[ $output == *$'\n'"  (no process)"*"FIN_WAIT2 5 TIME_WAIT 20"* ]]
}

@test "--leaks 1 names all 50 CLOSE_WAIT with pid and fd, and each again when it goes" {
	local out=$BATS_TEST_TMPDIR/leaks.json pid fd
	start_leaky 50 0
	pid=${LEAKY_PID[$TCPLAB_NS]}
	start_watch --netns "$TCPLAB_NS" --leaks 1 --json -p 32000
	# both ends: leaky's in CLOSE_WAIT (as old as the kernel proves), the orphans in FIN_WAIT2 (from our start)
	wait_for 10 bash -c "[ \$(grep -c '\"event\":\"leak\".*CLOSE_WAIT' '$BATS_TEST_TMPDIR/out') -ge 50 ]"
	wait_for 10 bash -c "[ \$(grep -c '\"event\":\"leak\".*FIN_WAIT2' '$BATS_TEST_TMPDIR/out') -ge 50 ]"
	# each fd told is one of leaky's sockets, as /proc has it
	for fd in $(jq -r 'select(.event == "leak" and .state == "CLOSE_WAIT") | .fd' "$BATS_TEST_TMPDIR/out"); do
		[[ $(readlink "/proc/$pid/fd/$fd") == socket:* ]]
	done
	end_leaky
	wait_for 10 bash -c "[ \$(grep -c '\"event\":\"leak_end\".*CLOSE_WAIT' '$BATS_TEST_TMPDIR/out') -ge 50 ]"
	stop_watch
	cp "$BATS_TEST_TMPDIR/out" "$out"
	# 50 sockets, each once, each leaky's on a descriptor of its own
	run -0 jq -r 'select(.event == "leak" and .state == "CLOSE_WAIT") | "\(.pid) \(.comm) \(.remote) \(.fd) \(.age_s >= 1)"' "$out"
	[ "${#lines[@]}" -eq 50 ]
	[ "$(cut -d' ' -f1,2,5 <<<"$output" | sort -u)" = "$pid leaky true" ]
	[ "$(cut -d' ' -f3 <<<"$output" | sort -u | wc -l)" -eq 50 ]
	[ "$(cut -d' ' -f4 <<<"$output" | sort -u | wc -l)" -eq 50 ]
	# when leaky exits, each goes to LAST_ACK: its close() at last
	run -0 jq -r 'select(.event == "leak_end" and .state == "CLOSE_WAIT") | "\(.pid) \(.new)"' "$out"
	[ "${#lines[@]}" -eq 50 ]
	[ "$(sort -u <<<"$output")" = "$pid LAST_ACK" ]
	# the clients' ends, orphans in FIN_WAIT2, have no process
	run -0 jq -r 'select(.event == "leak" and .state == "FIN_WAIT2") | "\(.pid) \(.fd)"' "$out"
	[ "${#lines[@]}" -eq 50 ]
	[ "$(sort -u <<<"$output")" = "null null" ]
}

@test "--leaks: a leak whose socket goes with no step (a timewait socket killed) ends as gone; the others stay told once" {
	local out=$BATS_TEST_TMPDIR/out
	start_leaky 40 0
	start_watch --netns "$TCPLAB_NS" --leaks 1 --json -p 32000 --interval 0.3
	wait_for 10 bash -c "[ \$(grep -c '\"event\":\"leak\".*FIN_WAIT2' '$out') -ge 40 ]"
	# the orphans' ends are timewait sockets: the kernel kills them with no state change to trace
	ip netns exec "$TCPLAB_NS" ss -K -tan state fin-wait-2 src 192.168.100.51 >/dev/null
	wait_for 5 bash -c "[ \$(grep -c '\"event\":\"leak_end\".*FIN_WAIT2' '$out') -ge 40 ]"
	sleep 1 # three more walks, with the table swept of them
	stop_watch
	run -0 jq -r 'select(.event == "leak_end" and .state == "FIN_WAIT2") | .new' "$out"
	[ "${#lines[@]}" -eq 40 ]
	[ "$(sort -u <<<"$output")" = null ]
	# each of leaky's CLOSE_WAIT sockets told once, still in the table after the sweep, none ended
	run -0 jq -r 'select(.state == "CLOSE_WAIT") | "\(.event) \(.remote)"' "$out"
	[ "${#lines[@]}" -eq 40 ]
	[ "$(cut -d' ' -f1 <<<"$output" | sort -u)" = leak ]
	[ "$(cut -d' ' -f2 <<<"$output" | sort -u | wc -l)" -eq 40 ]
}

@test "--summary live: entries into TIME_WAIT, exact ages and time in the states left, from the steps" {
	local out=$BATS_TEST_TMPDIR/out n=20
	start_watch --netns "$TCPLAB_NS" --summary --json -p 32000 --interval 0.5
	ip netns exec "$TCPLAB_NS" "$WORKLOAD" pairs "$n" client-first >/dev/null
	sleep 1.5 # the steps come 0.1 s late; an interval or two more
	stop_watch
	# every connection entered TIME_WAIT once: the rates add up to n
	run -0 jq -s '[.[] | select(.interval_s != null) | .rates.TIME_WAIT * .interval_s] | add | round' "$out"
	[ "$output" -eq "$n" ]
	run -0 jq -rs '.[-1] | "\(.states.TIME_WAIT) \(.oldest.TIME_WAIT.age_exact) \(.oldest.TIME_WAIT.pid)"' "$out"
	[ "$output" = "$n true null" ]
	# each connection left ESTABLISHED at both ends: 2n in the histograms
	run -0 jq -s '[.[].histograms.ESTABLISHED.buckets // [] | .[].count] | add' "$out"
	[ "$output" -eq $((2 * n)) ]
	run -0 jq -rs '[.[].histograms[] | .unit] | unique | join(" ")' "$out"
	[ "$output" = us ]
}

@test "--summary of two namespaces with the same 4-tuples: each counts its own" {
	local out=$BATS_TEST_TMPDIR/two.json
	FOREIGN=tl-sumb-$$
	TCPLAB_NS=$FOREIGN "$TCPLAB" up >/dev/null
	start_leaky 7 30
	start_leaky 3 11 "$FOREIGN"
	run -0 "$TCPWATCH" --netns "$TCPLAB_NS" --netns "$FOREIGN" --summary --once --json
	printf '%s\n' "$output" >"$out"
	run -0 jq -r '"\(.netns) \(.states.CLOSE_WAIT) \(.states.TIME_WAIT) \(.owners[0].pid) \(.owners[0].states.CLOSE_WAIT)"' "$out"
	[ "${lines[0]}" = "$TCPLAB_NS 7 30 ${LEAKY_PID[$TCPLAB_NS]} 7" ]
	[ "${lines[1]}" = "$FOREIGN 3 11 ${LEAKY_PID[$FOREIGN]} 3" ]
	# watching one, the other's sockets are not there at all
	run -0 "$TCPWATCH" --netns "$FOREIGN" --summary --once --json
	[ "$(jq -c .states <<<"$output")" = '{"LISTEN":1,"FIN_WAIT2":3,"CLOSE_WAIT":3,"TIME_WAIT":11}' ]
	# live, the kernel's walk of each namespace (made inside it) counts the same
	run -0 --separate-stderr "$TCPWATCH" --netns "$FOREIGN" --summary --json --duration 0.3
	[ "$(head -n 1 <<<"$output" | jq -c '[.states, .owners[0].pid]')" = \
		"[{\"LISTEN\":1,\"FIN_WAIT2\":3,\"CLOSE_WAIT\":3,\"TIME_WAIT\":11},${LEAKY_PID[$FOREIGN]}]" ]
	run -0 --separate-stderr "$TCPWATCH" --netns "$TCPLAB_NS" --netns "$FOREIGN" --summary --json --duration 0.3
	run -0 jq -r '"\(.netns) \(.states.CLOSE_WAIT) \(.states.TIME_WAIT) \(.owners[0].pid)"' <<<"$output"
	[ "${lines[0]}" = "$TCPLAB_NS 7 30 ${LEAKY_PID[$TCPLAB_NS]}" ]
	[ "${lines[1]}" = "$FOREIGN 3 11 ${LEAKY_PID[$FOREIGN]}" ]
}

# mixed_sockets: in the lab, what leaky makes (LISTEN, CLOSE_WAIT, FIN_WAIT2
# and TIME_WAIT minisockets, IPv4) and, over IPv6 on the namespace's lo, a
# request socket (SYN_RECV: a listener with TCP_DEFER_ACCEPT holds the
# handshake's last ACK), an accepted connection, held by one Python process
# (closed by a reset when it ends), and a TIME_WAIT (killed in teardown).
mixed_sockets() {
	start_leaky 5 7
	ip netns exec "$TCPLAB_NS" /usr/bin/python3 - >"$BATS_TEST_TMPDIR/mixed" 3>&- <<'PY' &
import socket, struct, time
held = []
for port, defer in ((32100, True), (32101, False)):
    listener = socket.socket(socket.AF_INET6)
    if defer:
        listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_DEFER_ACCEPT, 30)
    listener.bind(("::1", port))
    listener.listen(8)
    client = socket.create_connection(("::1", port), timeout=5)
    held += [listener, client]
    if not defer:
        held.append(listener.accept()[0])
for s in held:
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
listener = socket.socket(socket.AF_INET6)
listener.bind(("::1", 32102))
listener.listen(1)
client = socket.create_connection(("::1", 32102), timeout=5)
server = listener.accept()[0]
client.close()                   # first: its end waits in TIME_WAIT
server.recv(1)
server.close()
listener.close()
print("ready", flush=True)
time.sleep(120)
PY
	MIXED_PID=$!
	wait_for 10 grep -q '^ready' "$BATS_TEST_TMPDIR/mixed"
}

@test "--summary live walks the kernel's table: what sock_diag dumps, both families, requests and minisockets" {
	local once live
	mixed_sockets
	sleep 1.2 # old enough for the kernel's record to date them
	run -0 "$TCPWATCH" --netns "$TCPLAB_NS" --summary --once --json
	once=$output
	run -0 --separate-stderr "$TCPWATCH" --netns "$TCPLAB_NS" --summary --json --duration 0.3
	live=$(head -n 1 <<<"$output")
	[ "$(jq -c .states <<<"$once")" = \
		'{"LISTEN":3,"SYN_RECV":1,"ESTABLISHED":3,"FIN_WAIT2":5,"CLOSE_WAIT":5,"TIME_WAIT":8}' ]
	[ "$(jq -c .states <<<"$live")" = "$(jq -c .states <<<"$once")" ]
	[ "$(jq -c .owners <<<"$live")" = "$(jq -c .owners <<<"$once")" ]
	# the ages the kernel's record proves (CLOSE_WAIT: the peer's last segment; TIME_WAIT: its timer), as sock_diag's
	jq -e --argjson once "$once" '.oldest.CLOSE_WAIT.age_s as $l | $once.oldest.CLOSE_WAIT.age_s as $o |
		$l >= 1.0 and ($l - $o | fabs) < 0.5' <<<"$live"
	jq -e --argjson once "$once" '.oldest.TIME_WAIT.age_s as $l | $once.oldest.TIME_WAIT.age_s as $o |
		$l >= 1.0 and ($l - $o | fabs) < 0.5' <<<"$live"
}

@test "--summary finds the owner of sockets made in the namespace by a process living outside it" {
	local pid out=$BATS_TEST_TMPDIR/setns.out
	"$WORKLOAD" leaky 4 0 "$TCPLAB_NS" >"$out" 3>&- &
	pid=$!
	LEAKY_PID[$TCPLAB_NS]=$pid
	wait_for 30 grep -q '^ready' "$out"
	[[ $(readlink "/proc/$pid/ns/net") != $(readlink "/run/netns/$TCPLAB_NS") ]]
	run -0 "$TCPWATCH" --netns "$TCPLAB_NS" --summary --once --json
	[ "$(jq -c '.owners[0]' <<<"$output")" = "{\"pid\":$pid,\"comm\":\"leaky\",\"states\":{\"LISTEN\":1,\"CLOSE_WAIT\":4}}" ]
	# live, the kernel walks the descriptors (BPF's iterator), and finds them by the sockets' own namespace
	run -0 --separate-stderr "$TCPWATCH" --netns "$TCPLAB_NS" --summary --json --duration 0.5
	[ "$(head -n 1 <<<"$output" | jq -c '.owners[0]')" = "{\"pid\":$pid,\"comm\":\"leaky\",\"states\":{\"LISTEN\":1,\"CLOSE_WAIT\":4}}" ]
	# and the host's own namespace holds none of them
	run -0 "$TCPWATCH" --summary --once --json -p 32000
	[ "$(jq -c '.states' <<<"$output")" = '{}' ]
}

# prom FILE: the samples of a Prometheus text file, read by the format's own
# parser (python3-prometheus-client), "NAME{label=value,...} VALUE" a line.
prom() {
	/usr/bin/python3 - "$1" <<'PY'
import sys
from prometheus_client.parser import text_string_to_metric_families
for family in text_string_to_metric_families(open(sys.argv[1]).read()):
    for s in family.samples:
        labels = ",".join(f"{k}={v}" for k, v in sorted(s.labels.items()))
        print(f"{family.type} {s.name}{{{labels}}} {s.value:g}")
PY
}

@test "--prometheus --once: the leaky process's sockets as gauges a real parser reads" {
	local file=$BATS_TEST_TMPDIR/tcp.prom
	start_leaky 50 200
	run -0 "$TCPWATCH" --netns "$TCPLAB_NS" --prometheus "$file" --once
	[ -z "$output" ]
	[ ! -e "$file.tmp" ]
	run -0 prom "$file"
	printf '%s\n' "$output" | grep tcp_sockets
	grep -qxF "gauge tcp_sockets{comm=leaky,netns=$TCPLAB_NS,state=CLOSE_WAIT} 50" <<<"$output"
	grep -qxF "gauge tcp_sockets{comm=leaky,netns=$TCPLAB_NS,state=LISTEN} 1" <<<"$output"
	grep -qxF "gauge tcp_sockets{comm=,netns=$TCPLAB_NS,state=TIME_WAIT} 200" <<<"$output"
	[ "$(grep -c '^gauge tcp_sockets{' <<<"$output")" -eq 4 ]
	[[ $output == *"counter tcp_state_entries_total{netns=$TCPLAB_NS,state=TIME_WAIT} 0"* ]]
}

@test "--prometheus live: entries and time in state as counters and histograms, rewritten each interval" {
	local file=$BATS_TEST_TMPDIR/tcp.prom n=20
	start_watch --netns "$TCPLAB_NS" --prometheus "$file" -p 32000 --interval 0.3
	wait_for 5 test -s "$file"
	ip netns exec "$TCPLAB_NS" "$WORKLOAD" pairs "$n" client-first >/dev/null
	sleep 1
	run -0 prom "$file"
	stop_watch
	local counts
	[[ $output == *"counter tcp_state_entries_total{netns=$TCPLAB_NS,state=TIME_WAIT} $n"* ]]
	[[ $output == *"counter tcp_state_entries_total{netns=$TCPLAB_NS,state=SYN_RECV} $n"* ]]
	[[ $output == *"histogram tcp_state_duration_seconds_count{netns=$TCPLAB_NS,state=ESTABLISHED} $((2 * n))"* ]]
	[[ $output == *"histogram tcp_state_duration_seconds_bucket{le=+Inf,netns=$TCPLAB_NS,state=ESTABLISHED} $((2 * n))"* ]]
	# cumulative buckets: never fewer at a larger bound
	counts=$(grep '_bucket{.*state=ESTABLISHED}' <<<"$output" | cut -d' ' -f3)
	[ "$(wc -l <<<"$counts")" -eq 11 ]
	[ "$counts" = "$(sort -n <<<"$counts")" ]
}

@test "--summary live: a socket whose holder forked and exited is the child's" {
	local out=$BATS_TEST_TMPDIR/out work=$BATS_TEST_TMPDIR/handover parent child
	ip netns exec "$TCPLAB_NS" "$WORKLOAD" handover 3 >"$work" 3>&- &
	wait_for 30 grep -q '^ready' "$work"
	parent=$(sed -n 's/^pid //p' "$work")
	start_watch --netns "$TCPLAB_NS" --summary --json -p 32000 --interval 0.3
	wait_for 10 grep -q '^child ' "$work"
	child=$(sed -n 's/^child //p' "$work")
	LEAKY_PID[$TCPLAB_NS]=$child
	wait_for 5 pid_gone "$parent"
	sleep 0.7
	stop_watch
	run -0 jq -c '.owners[0] | [.pid, .states.CLOSE_WAIT]' "$out"
	printf '%s\n' "$output"
	[ "${lines[0]}" = "[$parent,3]" ]
	[ "${lines[-1]}" = "[$child,3]" ]
	[ "$(grep -c "^\[$child,3\]" <<<"$output")" -ge 2 ]
}

# shellcheck disable=SC2016 # the $ of jq's variables and of the inner shell are theirs
@test "--all-netns --once: every namespace, by its name or as net:[INODE] with a process in it" {
	local out=$BATS_TEST_TMPDIR/all.json work=$BATS_TEST_TMPDIR/unnamed pid inode
	start_leaky 2 3
	# a namespace of no name, made here for the test and gone with its one process
	unshare --net bash -c 'ip link set lo up
		ip addr add 192.168.100.100/32 dev lo
		ip addr add 192.168.100.51/32 dev lo
		exec "$0" leaky 4 5' "$WORKLOAD" >"$work" 3>&- &
	pid=$!
	LEAKY_PID[unnamed]=$pid
	wait_for 30 grep -q '^ready' "$work"
	inode=$(stat -L -c %i "/proc/$pid/ns/net")
	run -0 "$TCPWATCH" --all-netns --summary --once --json
	printf '%s\n' "$output" >"$out"
	run -0 jq -r --arg lab "$TCPLAB_NS" 'select(.netns == $lab) | "\(.netns_pid) \(.states.CLOSE_WAIT) \(.states.TIME_WAIT) \(.owners[0].pid)"' "$out"
	[ "$output" = "null 2 3 ${LEAKY_PID[$TCPLAB_NS]}" ]
	run -0 jq -r --arg ns "net:[$inode]" 'select(.netns == $ns) | "\(.netns_pid) \(.netns_comm) \(.states.CLOSE_WAIT) \(.states.TIME_WAIT) \(.owners[0].pid)"' "$out"
	[ "$output" = "$pid leaky 4 5 $pid" ]
	# and the host's own namespace, once: every namespace is there once
	[ "$(jq -r .netns "$out" | sort | uniq -d)" = "" ]
	[ "$(jq -r .netns "$out" | grep -c "^net:\[$(stat -L -c %i /proc/self/ns/net)\]$")" -eq 1 ]
	end_leaky unnamed
}
