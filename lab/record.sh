# shellcheck shell=bash
# SPDX-License-Identifier: MIT
# --svg FILE and --pcap FILE for freeze, arrow and tour: tcpwatch records
# the walk (--json --segments, every host of the lab), and the recording is
# drawn as a ladder (tcpwatch --ladder) or the segments written for
# Wireshark (tcpwatch --pcap).  The recording is kept beside them (FILE
# with .json for .svg or .pcapng; the picture's name first): it replays
# (tcpwatch --diagram --replay) and draws again.

RECORD_PID=
RECORD_SVG=
RECORD_PCAP=

# The recording of FILE.svg or FILE.pcapng: FILE.json.
record_json() { printf '%s.json' "${1%.*}"; }

# check_out_file OPTION FILE EXT: a file named *EXT we can write, or a
# usage error (before the lab is touched).
check_out_file() {
	local opt=$1 file=$2 ext=$3 dir
	[[ -n $file ]] || die_usage "$opt: which file?"
	[[ $file == *"$ext" && $file != "$ext" ]] || die_usage "$opt $file: the file's name ends in $ext"
	dir=$(dirname -- "$file")
	[[ -d $dir && -w $dir ]] || die_usage "$opt $file: cannot write in '$dir'"
}

# record_option CMD OPTION FILE...: CMD's (freeze's, arrow's) --svg FILE or
# --pcap FILE, checked, into the caller's svg or pcap.
record_option() {
	(($# >= 3)) || die_usage "$1: $2 needs a FILE"
	# shellcheck disable=SC2034 # the caller's locals
	case $2 in
	--svg)
		check_out_file --svg "$3" .svg
		svg=$3
		;;
	--pcap)
		check_out_file --pcap "$3" .pcapng
		pcap=$3
		;;
	esac
}

# check_out_dir CMD OPTION DIR: a folder we can write in, or a usage error.
check_out_dir() {
	[[ -d $3 && -w $3 ]] || die_usage "$1: $2 $3: no folder we can write in"
}

# start_record SVG PCAP: tcpwatch recording every host of the lab, for the
# picture SVG and the capture PCAP (either may be ""; none: nothing to do).
start_record() {
	local -a pcap=()
	RECORD_SVG=$1
	RECORD_PCAP=$2
	[[ -n $RECORD_SVG || -n $RECORD_PCAP ]] || return 0
	[[ -z $RECORD_PCAP ]] || pcap=(--pcap "$RECORD_PCAP")
	start_watcher "$(record_json "${RECORD_SVG:-$RECORD_PCAP}")" --json --segments "${pcap[@]}" || return 1
	RECORD_PID=$WATCHER_PID
}

# stop_record: the recording ends (its last lines come 0.1 s late, the
# capture's 0.3 s) and is drawn.
stop_record() {
	local json rc=0
	[[ -n $RECORD_PID ]] || return 0
	sleep 0.2
	stop_watcher "$RECORD_PID"
	RECORD_PID=
	json=$(record_json "${RECORD_SVG:-$RECORD_PCAP}")
	rm -f "$json.err"
	if [[ -n $RECORD_PCAP ]]; then
		if [[ -s $RECORD_PCAP ]]; then
			say "  capture $RECORD_PCAP (pcapng, $(grep -c '"event":"segment"' "$json") segment(s); recording $json)"
		else
			warn "no capture written in $RECORD_PCAP"
			rc=1
		fi
	fi
	[[ -n $RECORD_SVG ]] || return "$rc"
	if "$(tcpwatch_bin)" --ladder --replay "$json" >"$RECORD_SVG"; then
		say "  ladder  $RECORD_SVG (from $json)"
	else
		warn "no ladder drawn from $json"
		rc=1
	fi
	return "$rc"
}
