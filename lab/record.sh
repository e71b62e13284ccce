# shellcheck shell=bash
# SPDX-License-Identifier: MIT
# --svg FILE for freeze, arrow and tour: tcpwatch records the walk (--json
# --segments, every host of the lab), and the recording is drawn as a
# ladder (tcpwatch --ladder).  The recording is kept beside the picture
# (FILE with .json for .svg): it replays (tcpwatch --diagram --replay) and
# draws again.

RECORD_PID=
RECORD_SVG=

# The recording of FILE.svg: FILE.json.
record_json() { printf '%s.json' "${1%.svg}"; }

# check_svg_file FILE: a picture we can write, or a usage error (before the lab is touched).
check_svg_file() {
	local dir
	[[ -n $1 ]] || die_usage "--svg: which file?"
	[[ $1 == *.svg ]] || die_usage "--svg $1: the picture's name ends in .svg"
	dir=$(dirname -- "$1")
	[[ -d $dir && -w $dir ]] || die_usage "--svg $1: cannot write in '$dir'"
}

# start_record FILE.svg: tcpwatch recording every host of the lab into FILE.json.
start_record() {
	RECORD_SVG=$1
	start_watcher "$(record_json "$1")" --json --segments || return 1
	RECORD_PID=$WATCHER_PID
}

# stop_record: the recording ends (its last lines come 0.1 s late) and is drawn.
stop_record() {
	local json
	[[ -n $RECORD_PID ]] || return 0
	sleep 0.2
	stop_watcher "$RECORD_PID"
	RECORD_PID=
	json=$(record_json "$RECORD_SVG")
	rm -f "$json.err"
	if "$(tcpwatch_bin)" --ladder --replay "$json" >"$RECORD_SVG"; then
		say "  ladder  $RECORD_SVG (from $json)"
	else
		warn "no ladder drawn from $json"
		return 1
	fi
}
