#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# make recordings (as root): the real runs the ladders in docs/ are drawn
# from, recorded on this kernel by tcplab itself (--svg: tcpwatch --json
# --segments during the walk):
#   docs/arrows/FROM-TO[-WAY].json   every walk of the tour (tcplab tour
#                                    --slow --svg), one per way of each
#                                    reachable arrow; TABLE: the table
#                                    they were recorded against
#   docs/ladders/NAME.json           the tutorial's pictures: handshake
#                                    (freeze ESTABLISHED), syn-blocked
#                                    (freeze SYN_SENT), teardown (freeze
#                                    TIME_WAIT)
# and each one's picture beside it.  make docs draws the pictures again
# from the recordings, without root.  Takes about two minutes.
set -euo pipefail

here=$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")
project=$(dirname "$here")
tcplab=$project/tcplab
lab=tcplab-docs-$$

die() {
	printf 'record: %s\n' "$*" >&2
	exit "${2:-1}"
}

((EUID == 0)) || die "needs root: the walks run in labs of their own (run it as root, or with sudo)" 2
[[ -x $project/tcpwatch ]] || die "$project/tcpwatch is not built: run make"

work=$(mktemp -d "$here/.record.XXXXXX")
cleanup() {
	TCPLAB_NS=$lab "$tcplab" down >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT
mkdir "$work/arrows" "$work/ladders"

"$tcplab" tour --slow --svg "$work/arrows" >"$work/tour.log" || {
	cat "$work/tour.log" >&2
	die "the tour failed: nothing was replaced"
}
"$project/tcpwatch" --list-arrows >"$work/arrows/TABLE"

TCPLAB_NS=$lab "$tcplab" up >/dev/null
for picture in handshake:ESTABLISHED syn-blocked:SYN_SENT teardown:TIME_WAIT; do
	TCPLAB_NS=$lab "$tcplab" freeze --svg "$work/ladders/${picture%%:*}.svg" "${picture#*:}" >/dev/null ||
		die "freeze ${picture#*:} failed: nothing was replaced"
done
TCPLAB_NS=$lab "$tcplab" down >/dev/null

rm -rf "$here/arrows" "$here/ladders"
mv "$work/arrows" "$work/ladders" "$here/"
printf 'record: %s walks in %s, %s pictures in %s\n' "$(find "$here/arrows" -name '*.json' | wc -l)" \
	"$here/arrows" "$(find "$here/ladders" -name '*.json' | wc -l)" "$here/ladders"
