#!/usr/bin/env bats
# Runs last: the suite left the host's network exactly as it found it.

load helper

@test "the host's addresses, routes, firewall and namespaces are as before the suite" {
	[ -s "$BATS_RUN_TMPDIR/host-before" ] || skip "00-host-before.bats did not run"
	host_network_snapshot >"$BATS_RUN_TMPDIR/host-after"
	run diff -u "$BATS_RUN_TMPDIR/host-before" "$BATS_RUN_TMPDIR/host-after"
	echo "$output"
	[ "$status" -eq 0 ]
}
