#!/usr/bin/env bats
# The diagram: drawn from the one table, in a terminal (live or replayed)
# and as pictures (make docs).

load helper

TCPWATCH="$PROJECT/tcpwatch"
GOLDEN="$PROJECT/tests/golden"
RUN="$GOLDEN/all-states.json"

setup_file() {
	make -C "$PROJECT" -s all
}

teardown() {
	[[ -z ${TMUX_SOCKET:-} ]] || tmux -L "$TMUX_SOCKET" kill-server 2>/dev/null || true
}

@test "replay, plain ASCII: every frame as the golden file has it" {
	run -0 "$TCPWATCH" --diagram --replay "$RUN" --ascii
	diff -u "$GOLDEN/all-states.plain.txt" <(printf '%s\n' "$output")
	[[ $output != *$'\033'* ]]
}

@test "replay, colours and UTF-8 lines: as the golden file has it" {
	run -0 env LC_ALL=C.UTF-8 "$TCPWATCH" --diagram --replay "$RUN" --color
	diff -u "$GOLDEN/all-states.color.txt" <(printf '%s\n' "$output")
	[[ $output == *$'\033[1;34m'* ]] # the server blue
	[[ $output == *$'\033[1;31m'* ]] # the client red
	[[ $output == *$'\033[1;33m'* ]] # the arrow just taken
	[[ $output == *"▶"* && $output == *"┼"* ]]
}

@test "the recorded run marks every state of the table, on both sides" {
	local state
	run -0 "$TCPWATCH" --diagram --replay "$RUN" --ascii
	for state in $("$TCPWATCH" --list-states | cut -f1); do
		grep -qE "(server \[S\]|client \[C\]): $state " <<<"$output" || {
			echo "$state never marked"
			false
		}
	done
	[[ $output == *"[S]"* && $output == *"[C]"* && $output == *"***"* ]]
}

@test "--to-end draws the last frame only" {
	run -0 "$TCPWATCH" --diagram --replay "$RUN" --ascii --to-end
	[ "$(grep -c '^== step' <<<"$output")" -eq 1 ]
	[[ ${lines[0]} == "== step 15" ]]
	diff <(sed -n '/^== step 15$/,$p' "$GOLDEN/all-states.plain.txt") <(printf '%s\n' "$output")
}

@test "every arrow of the table has its path in the drawing" {
	run -0 "$TCPWATCH" --diagram --replay "$RUN" --ascii --to-end
	[[ $output != *"no path"* ]]
	run -0 "$TCPWATCH" --list-arrows
	local from to event
	while IFS=$'\t' read -r from to event _; do
		grep -qF -- "$event" <<<"$("$TCPWATCH" --diagram --replay "$RUN" --ascii --to-end)" ||
			{ echo "no label for $from -> $to"; false; }
	done <<<"$output"
}

@test "replay needs no root" {
	run -0 setpriv --reuid=65534 --regid=65534 --clear-groups "$TCPWATCH" --diagram --replay "$RUN" --to-end
	[[ $output == *"TIME_WAIT"* ]]
}

@test "a bad or cut-off recording: a clear error naming the line, exit 2" {
	run -2 "$TCPWATCH" --diagram --replay "$BATS_TEST_TMPDIR/nothing.json"
	[[ $output == *"cannot read"*"nothing.json"* ]]
	head -c 300 "$RUN" >"$BATS_TEST_TMPDIR/cut.json"
	run -2 "$TCPWATCH" --diagram --replay "$BATS_TEST_TMPDIR/cut.json"
	[[ $output == *"cut.json:2: the object is cut off"* ]]
	printf 'hello\n' >"$BATS_TEST_TMPDIR/text.json"
	run -2 "$TCPWATCH" --diagram --replay "$BATS_TEST_TMPDIR/text.json"
	[[ $output == *"text.json:1: not a JSON object"* ]]
	sed 's/"new":"LISTEN"/"new":"LISTENING"/' "$RUN" >"$BATS_TEST_TMPDIR/state.json"
	run -2 "$TCPWATCH" --diagram --replay "$BATS_TEST_TMPDIR/state.json"
	[[ $output == *"state.json:1: a state the table does not know"* ]]
	: >"$BATS_TEST_TMPDIR/empty.json"
	run -2 "$TCPWATCH" --diagram --replay "$BATS_TEST_TMPDIR/empty.json"
	[[ $output == *"no transitions"* ]]
	run -2 "$TCPWATCH" --replay "$RUN"
	[[ $output == *"goes with --diagram or --ladder"* ]]
}

# in_tmux COLS ROWS CMD: run CMD in a terminal of that size on a private tmux server.
in_tmux() {
	TMUX_SOCKET=tl-diagram-$$
	tmux -L "$TMUX_SOCKET" new-session -d -s d -x "$1" -y "$2" "$3; echo EXIT=\$?; sleep 30"
}

screen() { tmux -L "$TMUX_SOCKET" capture-pane -p -t d; }

@test "full screen under tmux: steps on keys, and the terminal comes back" {
	in_tmux 120 40 "cd '$PROJECT' && ./tcpwatch --diagram --replay '$RUN'"
	wait_for 5 bash -c "tmux -L '$TMUX_SOCKET' capture-pane -p -t d | grep -q 'space/enter: next step'"
	run -0 screen
	[[ $output == *"server [S]: -"* ]]
	tmux -L "$TMUX_SOCKET" send-keys -t d Space
	wait_for 5 bash -c "tmux -L '$TMUX_SOCKET' capture-pane -p -t d | grep -q 'server \[S\]: LISTEN'"
	tmux -L "$TMUX_SOCKET" send-keys -t d e
	wait_for 5 bash -c "tmux -L '$TMUX_SOCKET' capture-pane -p -t d | grep -q 'end of'"
	run -0 screen
	[[ $output == *"client [C]: TIME_WAIT"* ]]
	tmux -L "$TMUX_SOCKET" send-keys -t d q
	wait_for 5 bash -c "tmux -L '$TMUX_SOCKET' capture-pane -p -t d | grep -q 'EXIT=0'"
	run -0 screen
	[[ $output != *"TIME_WAIT"* ]] # the alternate screen is gone
	run -0 tmux -L "$TMUX_SOCKET" display -p -t d '#{cursor_flag}'
	[ "$output" = 1 ]
}

@test "a terminal too small for the diagram is refused clearly" {
	in_tmux 80 24 "cd '$PROJECT' && ./tcpwatch --diagram --replay '$RUN'"
	wait_for 5 bash -c "tmux -L '$TMUX_SOCKET' capture-pane -p -t d | grep -q 'EXIT='"
	run -0 screen
	[[ $output == *"needs a terminal of at least 108x36; this one is 80x24"* ]]
	[[ $output == *"EXIT=2"* ]]
}

@test "make docs draws every arrow of the table, and a picture per state" {
	run -0 "$PROJECT/docs/make-docs.sh" "$BATS_TEST_TMPDIR/docs"
	local from to
	while IFS=$'\t' read -r from to _; do
		grep -q "id=\"arrow_${from}_${to}\"" "$BATS_TEST_TMPDIR/docs/tcp-states.svg" ||
			{ echo "arrow $from -> $to missing from the picture"; false; }
	done < <("$TCPWATCH" --list-arrows)
	[ -s "$BATS_TEST_TMPDIR/docs/tcp-states.svg" ] && [ -s "$BATS_TEST_TMPDIR/docs/tcp-states.png" ]
	[ "$(find "$BATS_TEST_TMPDIR/docs/states" -name '*.svg' | wc -l)" -eq 11 ]
	# README's table gives each state its freezing rule, from the freezer itself
	grep -q "tcp-flags SYN SYN" "$BATS_TEST_TMPDIR/docs/states.md"
}

@test "every reachable arrow has its ladder, recorded since the table last changed" {
	local from to reachable svg
	# recordings of another table would show arrows it no longer has: make recordings
	diff -u "$PROJECT/docs/arrows/TABLE" <("$TCPWATCH" --list-arrows)
	while IFS=$'\t' read -r from to _ _ _ reachable _; do
		[[ $reachable == yes ]] || continue
		[ -s "$PROJECT/docs/arrows/$from-$to.json" ] || { echo "no recording of $from -> $to"; false; }
		grep -q "docs/arrows/$from-$to.svg" "$PROJECT/README.md" || { echo "README links no ladder of $from -> $to"; false; }
	done < <("$TCPWATCH" --list-arrows)
	for svg in "$PROJECT"/docs/arrows/*.svg "$PROJECT"/docs/ladders/{handshake,syn-blocked,teardown}.svg; do
		"$PROJECT/tests/svgfacts.py" "$svg" |
			jq -e '.width / .height <= 3 and (.connections | length) >= 1' >/dev/null ||
			{ echo "$svg: no picture of a walk"; false; }
	done
}

@test "the committed pictures are the ones make docs draws now" {
	run -0 "$PROJECT/docs/make-docs.sh" "$BATS_TEST_TMPDIR/docs"
	local dot
	for dot in "$PROJECT"/docs/*.dot "$PROJECT"/docs/states/*.dot "$PROJECT"/docs/states.md \
		"$PROJECT"/docs/arrows/*.svg "$PROJECT"/docs/ladders/*.svg; do
		diff -u "$dot" "$BATS_TEST_TMPDIR/docs/${dot#"$PROJECT"/docs/}"
	done
	# and README's state-by-state table is the one make docs writes
	diff -u "$BATS_TEST_TMPDIR/docs/states.md" \
		<(sed -n '/<!-- states:begin -->/,/<!-- states:end -->/p' "$PROJECT/README.md" | sed '1d;$d')
}
