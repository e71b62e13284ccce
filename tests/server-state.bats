#!/usr/bin/env bats
# server-state.sh: the tutorial's format, TCP only, exact address matching.

load helper

setup_file() {
	make -C "$PROJECT" -s all
	TCPLAB_NS=$(file_lab_name)
	export TCPLAB_NS
	fresh_lab
	"$TCPLAB" start server >/dev/null
	"$TCPLAB" start client >/dev/null
	expect_state ESTAB "$CLIENT_END" "$SERVER_END"
	expect_state ESTAB "$SERVER_END" "$CLIENT_END"
}

teardown_file() {
	"$TCPLAB" down >/dev/null
}

@test "server rows come first, then client rows, in the tutorial's format" {
	run -0 "$TCPLAB" exec ./server-state.sh
	[ "${lines[0]}" = "ip:port = 192.168.100.100:32000  State = LISTEN" ]
	[ "${lines[1]}" = "ip:port = 192.168.100.100:32000  State = ESTAB" ]
	[ "${lines[2]}" = "ip:port = 192.168.100.51:32089  State = ESTAB" ]
	[ "${#lines[@]}" -eq 3 ]
}

@test "only TCP sockets are listed" {
	in_lab bash -c 'exec 5<>/dev/udp/192.168.100.51/9; sleep 3' &
	wait_for 3 bash -c "ip netns exec '$TCPLAB_NS' ss -Huan | grep -q 192.168.100.51"
	run -0 "$TCPLAB" exec ./server-state.sh
	[ "${#lines[@]}" -eq 3 ]
	wait
}

@test "addresses match exactly, never by prefix" {
	run -0 "$TCPLAB" exec ./server-state.sh 192.168.100.10 192.168.100.5
	[ -z "$output" ]
	run -0 "$TCPLAB" exec ./server-state.sh 192.168.100.1 192.168.100.100
	[ "${#lines[@]}" -eq 2 ]
	[[ $output != *192.168.100.51* ]]
}

@test "addresses can come from the environment" {
	run -0 "$TCPLAB" exec env SERVER_ADDR=192.168.100.51 CLIENT_ADDR=192.168.100.100 ./server-state.sh
	[ "${lines[0]}" = "ip:port = 192.168.100.51:32089  State = ESTAB" ]
}

@test "it works under watch -n 1 in a tmux pane, as the tutorial runs it" {
	export TMUX_TMPDIR=$BATS_TEST_TMPDIR
	tmux new-session -d -s watcher -x 120 -y 20 \
		"cd '$PROJECT' && ip netns exec '$TCPLAB_NS' watch -n 1 ./server-state.sh"
	wait_for 5 bash -c "tmux capture-pane -p -t watcher | grep -q '192.168.100.51:32089  State = ESTAB'"
	run -0 tmux capture-pane -p -t watcher
	tmux kill-server
	[[ $output == *"Every 1.0s: ./server-state.sh"* ]]
	[[ $output == *"ip:port = 192.168.100.100:32000  State = LISTEN"* ]]
	[[ $output == *"ip:port = 192.168.100.51:32089  State = ESTAB"* ]]
}
