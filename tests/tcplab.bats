#!/usr/bin/env bats
# tcplab: the disposable lab, its shells and its tmux layout.

load helper

setup_file() {
	make -C "$PROJECT" -s all
	TCPLAB_NS=$(file_lab_name)
	export TCPLAB_NS
}

setup() {
	export TMUX_TMPDIR=$BATS_TEST_TMPDIR
}

# client_on_terminal DIR: the client connected, on a tmux terminal ("keys"),
# with the terminal's settings before and after it, and its status, in DIR.
client_on_terminal() {
	local dir=$1
	"$TCPLAB" up
	"$TCPLAB" start server
	expect_state LISTEN "$SERVER_END" "0.0.0.0:*"
	tmux new-session -d -s keys -x 120 -y 20 \
		"stty -g >'$dir/before'; ip netns exec '$TCPLAB_NS' '$PROJECT/client'; echo \$? >'$dir/status'; stty -g >'$dir/after'; sleep 30"
	expect_state ESTAB "$CLIENT_END" "$SERVER_END"
	wait_for 5 bash -c "tmux capture-pane -p -t keys | grep -q 'press any key'"
}

teardown() {
	"$TCPLAB" down >/dev/null
	tmux kill-server 2>/dev/null || true
}

@test "up makes the lab with the tutorial's alias addresses on eth0" {
	run -0 "$TCPLAB" up
	[[ $output == *"ifconfig eth0:0 192.168.100.100 up"* ]]
	[[ $output == *"ifconfig eth0:1 192.168.100.51 up"* ]]
	run -0 ip -n "$TCPLAB_NS" -o -4 addr show dev eth0
	[[ $output == *"inet 192.168.100.100/24"*"eth0:0"* ]]
	[[ $output == *"inet 192.168.100.51/24"*"eth0:1"* ]]
	run -0 ip -n "$TCPLAB_NS" -o link show lo
	[[ $output == *"UP"* ]]
}

@test "up twice is harmless, down twice is harmless" {
	run -0 "$TCPLAB" up
	run -0 "$TCPLAB" up
	[[ $output == *"already up"* ]]
	run -0 ip -n "$TCPLAB_NS" -o -4 addr show dev eth0
	[ "${#lines[@]}" -eq 2 ]
	run -0 "$TCPLAB" down
	[ ! -e "/run/netns/$TCPLAB_NS" ]
	run -0 "$TCPLAB" down
	[[ $output == *"nothing to do"* ]]
}

@test "up completes a half-made lab" {
	ip netns add "$TCPLAB_NS"
	run -0 "$TCPLAB" up
	run -0 "$TCPLAB" exec ./server-state.sh
	run -0 ip -n "$TCPLAB_NS" -o -4 addr show dev eth0
	[ "${#lines[@]}" -eq 2 ]
}

@test "down ends the lab's programs and removes their files" {
	"$TCPLAB" up
	"$TCPLAB" start server
	local pid
	pid=$(program_pid server)
	pid_alive "$pid"
	run -0 "$TCPLAB" down
	run ! pid_alive "$pid"
	[ ! -e "$TCPLAB_RUN/$TCPLAB_NS" ]
}

@test "exec and status work inside the lab, and say so when it is down" {
	run -2 "$TCPLAB" exec true
	[[ $output == *"is not up: run tcplab up"* ]]
	run -3 "$TCPLAB" status
	"$TCPLAB" up
	run -0 "$TCPLAB" exec ip netns identify
	[ "$output" = "$TCPLAB_NS" ]
	"$TCPLAB" start server
	run -0 "$TCPLAB" status
	[[ $output == *"server pid"*running* ]]
	[[ $output == *"State = LISTEN"* ]]
}

@test "shell is a root shell inside the lab where the tutorial's commands work" {
	"$TCPLAB" up
	run -0 bash -c "printf '%s\n' 'ip netns identify' './server-state.sh' 'iptables -S INPUT' | '$TCPLAB' shell 2>/dev/null"
	[[ $output == *"$TCPLAB_NS"* ]]
	[[ $output == *"-P INPUT ACCEPT"* ]]
}

@test "tmux opens server, client, watcher and root shell panes, all inside the lab" {
	"$TCPLAB" up
	run -0 "$TCPLAB" tmux --detach
	local session=tcplab-$TCPLAB_NS pid
	run -0 tmux list-panes -t "$session" -F '#{pane_pid}'
	[ "${#lines[@]}" -eq 4 ]
	for pid in "${lines[@]}"; do
		[ "$(ip netns identify "$pid")" = "$TCPLAB_NS" ]
	done
	wait_for 5 bash -c "tmux capture-pane -p -t '$session:lab.0' | grep -q 'server: listening on 192.168.100.100:32000'"
	wait_for 5 bash -c "tmux capture-pane -p -t '$session:lab.2' | grep -q 'State = LISTEN'"
	wait_for 5 bash -c "tmux capture-pane -p -t '$session:lab.3' | grep -q 'iptables -A INPUT -s 192.168.100.51 -p tcp --tcp-flags SYN SYN -j DROP'"
	wait_for 5 bash -c "tmux capture-pane -p -t '$session:tcpwatch.0' | grep -q 'TIME(ms)'"
	wait_for 5 bash -c "tmux capture-pane -p -t '$session:tcpwatch.1' | grep -q 'server \[S\]:'"
	tmux send-keys -t "$session:lab.1" Enter
	expect_state ESTAB "$CLIENT_END" "$SERVER_END"
	# the second window saw the handshake: as a line, and on the diagram
	wait_for 5 bash -c "tmux capture-pane -p -t '$session:tcpwatch.0' | grep -q 'SYN_SENT -> ESTABLISHED'"
	wait_for 5 bash -c "tmux capture-pane -p -t '$session:tcpwatch.1' | grep -q 'server \[S\]: ESTABLISHED  *client \[C\]: ESTABLISHED'"
	run -0 "$TCPLAB" down
	run ! tmux has-session -t "$session"
}

@test "on a terminal one key, without Enter, closes; the terminal is restored" {
	local dir=$BATS_TEST_TMPDIR
	client_on_terminal "$dir"
	tmux send-keys -t keys x
	wait_for 5 test -s "$dir/after"
	[ "$(cat "$dir/status")" = 0 ]
	diff "$dir/before" "$dir/after"
	expect_state FIN-WAIT-2 "$CLIENT_END" "$SERVER_END"
}

@test "Ctrl-C while waiting for a key restores the terminal too, status 130" {
	local dir=$BATS_TEST_TMPDIR
	client_on_terminal "$dir"
	tmux send-keys -t keys C-c
	wait_for 5 test -s "$dir/after"
	[ "$(cat "$dir/status")" = 130 ]
	diff "$dir/before" "$dir/after"
}

@test "demo walks the tutorial's steps and leaves nothing behind" {
	run -0 "$TCPLAB" demo
	echo "$output"
	[[ $output == *"iptables -A INPUT -s 192.168.100.51 -p tcp --tcp-flags SYN SYN -j DROP"* ]]
	[[ $output == *"iptables -A INPUT -s 192.168.100.100 -p tcp --tcp-flags SYN,ACK SYN,ACK -j DROP"* ]]
	for state in LISTEN ESTAB SYN-SENT SYN-RECV FIN-WAIT-2 CLOSE-WAIT TIME-WAIT; do
		[[ $output == *"State = $state"* ]]
	done
	run -0 ip netns list
	[[ $output != *tcplab-demo* ]]
	run ! compgen -G "$TCPLAB_RUN/tcplab-demo-*"
}
