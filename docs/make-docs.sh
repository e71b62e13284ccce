#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# make docs: the lab's pictures, drawn by Graphviz from the one table
# (tcpwatch --list-states / --list-arrows) and the freezer's recipes.
#   docs/make-docs.sh [OUTDIR]     (default: the folder of this script)
# Writes NAME.dot, NAME.svg and NAME.png for: tcp-states (the whole
# diagram), handshake, syn-blocked, teardown, and states/STATE.svg (the
# diagram with STATE marked) for each state; states.md, the README's
# state-by-state table, which goes into README.md too when OUTDIR is docs/.
set -euo pipefail

here=$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")
project=$(dirname "$here")
out=${1:-$here}
tcpwatch=$project/tcpwatch
# Where each state sits in the figure, top (0) to bottom: presentation only.
RANKS="CLOSED 0 LISTEN 1 SYN_RECV 2 SYN_SENT 2 ESTABLISHED 3 FIN_WAIT1 4 CLOSE_WAIT 4
FIN_WAIT2 5 CLOSING 5 LAST_ACK 5 TIME_WAIT 6"
SERVER_COLOUR="#1f5fbf" # the tutorial draws the server blue
CLIENT_COLOUR="#c0392b" # and the client red

die() {
	printf 'make-docs: %s\n' "$*" >&2
	exit 1
}

[[ -x $tcpwatch ]] || die "$tcpwatch is not built: run make"
command -v dot >/dev/null || die "Graphviz's dot is missing: apt-get install graphviz (or tcplab deps --install)"
mkdir -p "$out/states"

arrows() { "$tcpwatch" --list-arrows; }
states() { "$tcpwatch" --list-states | cut -f1; }

# label FROM TO: the arrow's "event / action" from the table.
label() {
	arrows | awk -F'\t' -v f="$1" -v t="$2" '$1 == f && $2 == t { print $3 " / " $4 }'
}

# The whole diagram; MARK (a state) is filled.  Ranks follow the RFC's figure.
diagram_dot() {
	local mark=${1:-}
	cat <<EOF
digraph tcp_states {
	graph [rankdir=TB, nodesep=0.6, ranksep=0.55, fontname="Helvetica", label="TCP states and arrows (RFC 9293, section 3.3.2), from common/tcp_table.h", labelloc=t];
	node [shape=box, style="rounded", fontname="Helvetica-Bold", width=1.6];
	edge [fontname="Helvetica", fontsize=10];
	{ rank=min; CLOSED; }
	{ rank=same; SYN_RECV; SYN_SENT; }
	{ rank=same; FIN_WAIT1; CLOSE_WAIT; }
	{ rank=same; FIN_WAIT2; CLOSING; LAST_ACK; }
	{ rank=max; TIME_WAIT; }
EOF
	local name
	for name in $(states); do
		if [[ $name == "$mark" ]]; then
			printf '\t%s [style="rounded,filled", fillcolor="#f6d55c", penwidth=2.5];\n' "$name"
		else
			printf '\t%s;\n' "$name"
		fi
	done
	# Arrows that climb the figure (back to CLOSED or LISTEN) do not set ranks.
	arrows | awk -F'\t' -v ranks="$RANKS" 'BEGIN {
		n = split(ranks, r, " ")
		for (i = 1; i <= n; i += 2) rank[r[i]] = r[i + 1]
	}
	{
		style = (rank[$2] <= rank[$1] && $1 != $2) ? ", constraint=false" : ""
		if ($6 == "no") style = style ", style=dashed, color=gray50, fontcolor=gray40"
		else if ($7 == "no") style = style ", style=dotted"
		extra = ($6 == "no") ? "\\n(not on Linux)" : ($7 == "no" ? "\\n(RFC text, not figure)" : "")
		printf "\t%s -> %s [id=\"arrow_%s_%s\", label=\"%s\\n/ %s%s\"%s];\n", $1, $2, $1, $2, $3, $4, extra, style
	}'
	echo "}"
}

# The three-way handshake, numbered, client red and server blue.
handshake_dot() {
	cat <<EOF
digraph handshake {
	graph [rankdir=TB, nodesep=2.5, fontname="Helvetica", label="The three-way handshake", labelloc=t];
	node [shape=box, style="rounded,filled", fontname="Helvetica-Bold", fontcolor=white];
	edge [fontname="Helvetica", fontsize=11];
	subgraph client { c0 [label="client\\nCLOSED", fillcolor="$CLIENT_COLOUR"]; c1 [label="SYN_SENT", fillcolor="$CLIENT_COLOUR"]; c2 [label="ESTABLISHED", fillcolor="$CLIENT_COLOUR"]; }
	subgraph server { s0 [label="server\\nLISTEN", fillcolor="$SERVER_COLOUR"]; s1 [label="SYN_RECV", fillcolor="$SERVER_COLOUR"]; s2 [label="ESTABLISHED", fillcolor="$SERVER_COLOUR"]; }
	{ rank=same; c0; s0; } { rank=same; c1; s1; } { rank=same; c2; s2; }
	c0 -> c1 [label="$(label CLOSED SYN_SENT)", color="$CLIENT_COLOUR"];
	c1 -> c2 [label="$(label SYN_SENT ESTABLISHED)", color="$CLIENT_COLOUR"];
	s0 -> s1 [label="$(label LISTEN SYN_RECV)", color="$SERVER_COLOUR"];
	s1 -> s2 [label="$(label SYN_RECV ESTABLISHED)", color="$SERVER_COLOUR"];
	c1 -> s1 [label="1  SYN", constraint=false, style=bold];
	s1 -> c1 [label="2  SYN,ACK", constraint=false, style=bold];
	c2 -> s2 [label="3  ACK", constraint=false, style=bold];
}
EOF
}

# The tutorial's first freeze: the client's SYN dropped by the freezer's own rule.
syn_blocked_dot() {
	local rule
	rule=$("$project/tcplab" freeze --rules-only SYN_SENT | awk '/^iptables/ && !n++')
	cat <<EOF
digraph syn_blocked {
	graph [rankdir=LR, fontname="Helvetica", label="SYN blocked: the client waits in SYN_SENT, the server never hears it", labelloc=t];
	node [shape=box, style="rounded,filled", fontname="Helvetica-Bold", fontcolor=white];
	edge [fontname="Helvetica", fontsize=11];
	client [label="client 192.168.100.51:32089\\nSYN_SENT", fillcolor="$CLIENT_COLOUR"];
	drop [shape=octagon, label="DROP\\n${rule//\"/\\\"}", fillcolor="#444444", fontsize=10];
	server [label="server 192.168.100.100:32000\\nLISTEN", fillcolor="$SERVER_COLOUR"];
	client -> drop [label="SYN (sent again at 1, 3, 7 ... s)", style=bold];
	drop -> server [style=invis];
}
EOF
}

# The teardown, step by step, as a table: who closes, what crosses, what each end is.
teardown_dot() {
	row() { printf '<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>' "$@"; }
	cat <<EOF
digraph teardown {
	graph [fontname="Helvetica", label="The teardown, the client closing first", labelloc=t];
	node [shape=plaintext, fontname="Helvetica"];
	t [label=<<table border="0" cellborder="1" cellspacing="0" cellpadding="6">
	<tr><td><b>step</b></td><td><font color="$CLIENT_COLOUR"><b>client</b></font></td><td><b>segment</b></td><td><font color="$SERVER_COLOUR"><b>server</b></font></td></tr>
	$(row 0 ESTABLISHED "" ESTABLISHED)
	$(row 1 "FIN_WAIT1 ($(label ESTABLISHED FIN_WAIT1))" "FIN &#8594;" "")
	$(row 2 "" "&#8592; ACK" "CLOSE_WAIT ($(label ESTABLISHED CLOSE_WAIT))")
	$(row 3 "FIN_WAIT2 ($(label FIN_WAIT1 FIN_WAIT2))" "" "")
	$(row 4 "" "&#8592; FIN" "LAST_ACK ($(label CLOSE_WAIT LAST_ACK))")
	$(row 5 "TIME_WAIT ($(label FIN_WAIT2 TIME_WAIT))" "ACK &#8594;" "")
	$(row 6 "" "" "CLOSED ($(label LAST_ACK CLOSED))")
	$(row 7 "CLOSED ($(label TIME_WAIT CLOSED), 60 s on Linux)" "" "")
	</table>>];
}
EOF
}

# The README's state-by-state table: picture, freezing rule(s), command, note;
# read from the table and the freezer's recipes (tcplab freeze --rules-only).
states_section() {
	local name rules note
	echo "| state | picture | the rule that freezes it | command | good to know |"
	echo "| --- | --- | --- | --- | --- |"
	for name in $(states); do
		rules=$("$project/tcplab" freeze --rules-only "$name" |
			awk '/^iptables/ { sub(/ -m comment.*/, ""); printf "%s`%s`", n++ ? "<br>" : "", $0 }')
		note=$("$project/tcplab" freeze --rules-only "$name" | awk '/^# note: / { sub(/^# note: /, ""); print; exit }')
		# shellcheck disable=SC2016 # the backquotes are Markdown
		printf '| %s | [diagram](docs/states/%s.svg) | %s | `sudo ./tcplab freeze %s` | %s |\n' \
			"$name" "$name" "${rules:-none: the keys alone do it}" "$name" "${note:--}"
	done
}

# Put the section between its markers in README.md.
update_readme() {
	local readme=$project/README.md section
	section=$(states_section)
	awk -v section="$section" '
		/<!-- states:begin -->/ { print; print section; skip = 1; next }
		/<!-- states:end -->/ { skip = 0 }
		!skip { print }' "$readme" >"$readme.new"
	mv "$readme.new" "$readme"
}

render() {
	local name=$1 formats=$2 fmt
	for fmt in $formats; do
		dot -T"$fmt" "$out/$name.dot" -o "$out/$name.$fmt"
	done
}

diagram_dot >"$out/tcp-states.dot"
handshake_dot >"$out/handshake.dot"
syn_blocked_dot >"$out/syn-blocked.dot"
teardown_dot >"$out/teardown.dot"
for name in tcp-states handshake syn-blocked teardown; do
	render "$name" "svg png"
done
for name in $(states); do
	diagram_dot "$name" >"$out/states/$name.dot"
	render "states/$name" svg
done
states_section >"$out/states.md"
[[ $out == "$here" ]] && update_readme
printf 'make-docs: pictures written to %s\n' "$out"
