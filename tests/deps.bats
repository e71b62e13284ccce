#!/usr/bin/env bats
# The two README commands on a machine that lacks packages: what is missing
# is installed before anything is compiled, and where it cannot be, one
# message names the packages and the command, exit 2.

load helper

# A PATH that has every command of this machine but the ones named, and
# apt-get as the script $1 (none when $1 is "").
path_without() {
	local apt=$1 dir="$BATS_TEST_TMPDIR/bin" d f
	shift
	mkdir -p "$dir"
	for d in /usr/local/sbin /usr/local/bin /usr/sbin /usr/bin /sbin /bin; do
		for f in "$d"/*; do
			[[ -e $dir/${f##*/} ]] || ln -s "$f" "$dir/${f##*/}"
		done
	done
	rm -f "$dir/apt-get" "${@/#/$dir/}"
	if [[ -n $apt ]]; then
		printf '#!/bin/sh\n%s\n' "$apt" >"$dir/apt-get"
		chmod +x "$dir/apt-get"
	fi
	printf '%s' "$dir"
}

@test "deps names a missing package and how to install it, exit 1" {
	local path
	path=$(path_without "" jq)
	PATH=$path run -1 "$TCPLAB" deps
	[[ $output == "missing packages: jq; to install them: tcplab deps --install, or apt-get install jq (as root)" ]]
}

@test "deps --install without a reachable archive names the packages and the command, exit 2" {
	local path
	path=$(path_without 'echo "E: Failed to fetch (offline)" >&2; exit 100' jq shellcheck)
	PATH=$path run -2 "$TCPLAB" deps --install
	printf '%s\n' "$output"
	[[ ${lines[0]} == "tcplab: installing from Debian: jq shellcheck" ]]
	[[ $output == *"E: Failed to fetch (offline)"* ]]
	[[ ${lines[-1]} == "tcplab: could not install jq shellcheck (no network or no archive?); once it is reachable: apt-get install jq shellcheck (as root)" ]]
}

@test "deps --install without apt-get says so, exit 2" {
	local path
	path=$(path_without "" jq)
	PATH=$path run -2 "$TCPLAB" deps --install
	[ "$output" = "tcplab: missing packages: jq, and no apt-get here to install them: install them by hand" ]
}

@test "deps --install with nothing missing says nothing and runs no apt-get" {
	local path
	path=$(path_without 'echo apt-get ran; exit 1')
	PATH=$path run -0 "$TCPLAB" deps --install
	[ -z "$output" ]
}

@test "make test and make demo install what is missing before they compile anything" {
	local target first_cc deps_line
	for target in test demo; do
		run -0 make -C "$PROJECT" -n -B --no-print-directory "$target"
		deps_line=$(grep -n -m1 -F './tcplab deps --install' <<<"$output" | cut -d: -f1)
		first_cc=$(grep -n -m1 -E '^(cc|gcc|clang) ' <<<"$output" | cut -d: -f1)
		printf '%s: deps at line %s, first compile at line %s\n' "$target" "$deps_line" "$first_cc"
		[[ -n $deps_line && -n $first_cc ]]
		((deps_line < first_cc))
	done
}

@test ".ci/run is README's test command and nothing more" {
	run -0 grep -vE '^(#|set -euo pipefail$|cd |$)' "$PROJECT/.ci/run"
	[ "$output" = "make test" ]
	grep -qxF 'make test     # the test suite on the real kernel; ends with "N passed, N failed, N skipped"' "$PROJECT/README.md"
}
