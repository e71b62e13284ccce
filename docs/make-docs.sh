#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# make docs: the lab's pictures, drawn by Graphviz from the one table
# (tcpwatch --list-states / --list-arrows) and the freezer's recipes, and
# by tcpwatch --ladder from the runs docs/record.sh recorded.
#   docs/make-docs.sh [OUTDIR]     (default: the folder of this script)
# Writes tcp-states.dot, .svg and .png (the whole diagram) and
# states/STATE.svg (the diagram with STATE marked) for each state;
# arrows/*.svg and ladders/*.svg from the recordings beside them; states.md,
# the README's state-by-state table, which goes into README.md too when
# OUTDIR is docs/.
set -euo pipefail

here=$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")
project=$(dirname "$here")
out=${1:-$here}
tcpwatch=$project/tcpwatch
# Where each state sits in the figure, top (0) to bottom: presentation only.
RANKS="CLOSED 0 LISTEN 1 SYN_RECV 2 SYN_SENT 2 ESTABLISHED 3 FIN_WAIT1 4 CLOSE_WAIT 4
FIN_WAIT2 5 CLOSING 5 LAST_ACK 5 TIME_WAIT 6"

die() {
	printf 'make-docs: %s\n' "$*" >&2
	exit 1
}

[[ -x $tcpwatch ]] || die "$tcpwatch is not built: run make"
command -v dot >/dev/null || die "Graphviz's dot is missing: apt-get install graphviz (or tcplab deps --install)"
mkdir -p "$out/states"

arrows() { "$tcpwatch" --list-arrows; }
states() { "$tcpwatch" --list-states | cut -f1; }

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

# The ladders: every recording made by docs/record.sh (make recordings), in
# docs/arrows (a walk per way of each reachable arrow) and docs/ladders (the
# tutorial's handshake, SYN blocked and teardown), drawn again by tcpwatch.
draw_ladders() {
	local dir json
	for dir in arrows ladders; do
		mkdir -p "$out/$dir"
		for json in "$here/$dir"/*.json; do
			[[ -e $json ]] || continue
			"$tcpwatch" --ladder --replay "$json" >"$out/$dir/$(basename "$json" .json).svg"
		done
	done
}

# ladders_into STATE: links to the ladders of the arrows that lead to STATE.
ladders_into() {
	local json from to way sep=''
	for json in "$here"/arrows/*-"$1".json "$here"/arrows/*-"$1"-*.json; do
		[[ -e $json ]] || continue
		IFS=- read -r from to way <<<"$(basename "$json" .json)"
		[[ $to == "$1" ]] || continue
		printf '%s[from %s%s](docs/arrows/%s.svg)' "$sep" "$from" "${way:+ ($way)}" "$(basename "$json" .json)"
		sep=', '
	done
}

# The README's state-by-state table: picture, freezing rule(s), command, note;
# read from the table and the freezer's recipes (tcplab freeze --rules-only).
states_section() {
	local name rules note
	echo "| state | picture | the rule that freezes it | command | ladders of the arrows into it | good to know |"
	echo "| --- | --- | --- | --- | --- | --- |"
	for name in $(states); do
		rules=$("$project/tcplab" freeze --rules-only "$name" |
			awk '/^iptables/ { sub(/ -m comment.*/, ""); printf "%s`%s`", n++ ? "<br>" : "", $0 }')
		note=$("$project/tcplab" freeze --rules-only "$name" | awk '/^# note: / { sub(/^# note: /, ""); print; exit }')
		# shellcheck disable=SC2016 # the backquotes are Markdown
		printf '| %s | [diagram](docs/states/%s.svg) | %s | `sudo ./tcplab freeze %s` | %s | %s |\n' \
			"$name" "$name" "${rules:-none: the keys alone do it}" "$name" "$(ladders_into "$name")" "${note:--}"
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
render tcp-states "svg png"
draw_ladders
for name in $(states); do
	diagram_dot "$name" >"$out/states/$name.dot"
	render "states/$name" svg
done
states_section >"$out/states.md"
[[ $out == "$here" ]] && update_readme
printf 'make-docs: pictures written to %s\n' "$out"
