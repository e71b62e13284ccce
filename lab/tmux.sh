# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# `tcplab tmux`: the tutorial's four panes in one window, all inside the lab.

tmux_session() { printf 'tcplab-%s' "$TCPLAB_NS"; }

tmux_kill_lab_session() {
	command -v tmux >/dev/null 2>&1 || return 0
	tmux kill-session -t "=$(tmux_session)" 2>/dev/null || true
}

cheatsheet() {
	local state
	say "Freezing rules (this pane is root, inside lab '$TCPLAB_NS'):"
	for state in SYN_SENT SYN_RECV; do
		say "  $state: drop $(recipe_rule_reason "$state" | cut -d: -f1):"
		say "    iptables -A INPUT $(recipe_rules "$state")"
	done
	cat <<EOF
  Remove a rule by repeating it with -D instead of -A (not by number):
    iptables -D INPUT $(recipe_rules SYN_SENT)
  See the rules and what they dropped:  iptables -L INPUT -v -n
  Every other state: ./tcplab freeze --rules-only STATE
Panes: server (top left), client (bottom left: press Enter to run it),
       watch -n 1 ./server-state.sh (top right), this shell.
Window 2 (prefix n): tcpwatch's lines above its live diagram.
Leave with: ./tcplab down  (ends everything in the lab)
EOF
}

# A pane command: a root bash on HOST of the lab, in the project's folder.
lab_shell_command() {
	printf 'cd %q && exec ip netns exec %q env TCPLAB_NS=%q TCPLAB_DIR=%q bash --rcfile %q -i' \
		"$TCPLAB_DIR" "$(host_ns "$1")" "$TCPLAB_NS" "$TCPLAB_DIR" "$TCPLAB_DIR/lab/shellrc"
}

# Four panes: server | watcher over client | root shell.
tmux_create() {
	local session=$1 shell
	shell=$(lab_shell_command server)
	tmux new-session -d -s "$session" -n lab -x 200 -y 50 "$shell"
	tmux split-window -h -t "=$session:lab.0" "$shell"
	tmux split-window -v -t "=$session:lab.0" "$(lab_shell_command client)"
	tmux split-window -v -t "=$session:lab.2" "$shell"
	# Panes now: 0 server, 1 client, 2 watcher, 3 root shell.
	tmux send-keys -t "=$session:lab.0" './server' Enter
	tmux send-keys -t "=$session:lab.1" './client'
	tmux send-keys -t "=$session:lab.2" 'watch -n 1 ./server-state.sh' Enter
	tmux send-keys -t "=$session:lab.3" 'tcplab_cheatsheet' Enter
	tmux select-pane -t "=$session:lab.3"
	# A second window: the kernel's transitions as lines, above the live diagram.
	tmux new-window -d -t "=$session:" -n tcpwatch "$shell"
	tmux split-window -v -p 80 -t "=$session:tcpwatch.0" "$shell"
	tmux send-keys -t "=$session:tcpwatch.0" "./tcplab watch" Enter
	tmux send-keys -t "=$session:tcpwatch.1" "./tcplab watch --diagram" Enter
}

tmux_open() {
	local attach=$1 session
	session=$(tmux_session)
	tmux has-session -t "=$session" 2>/dev/null || tmux_create "$session"
	if ((attach == 0)); then
		say "tmux session '$session' is ready: tmux attach -t $session"
	elif [[ -n ${TMUX:-} ]]; then
		tmux switch-client -t "=$session"
	else
		tmux attach-session -t "=$session"
	fi
}
