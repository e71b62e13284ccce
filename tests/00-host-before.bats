#!/usr/bin/env bats
# Records the host's network before the suite; zz-host-after.bats compares.

load helper

@test "the host's network is recorded before the suite" {
	host_network_snapshot >"$BATS_RUN_TMPDIR/host-before"
	[ -s "$BATS_RUN_TMPDIR/host-before" ]
}
