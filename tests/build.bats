#!/usr/bin/env bats
# The programs build cleanly and the scripts pass their checkers.

load helper

@test "server and client build from scratch with no warning" {
	run -0 make -C "$PROJECT" -B all
	echo "$output"
	[[ $output != *warning* ]]
	[ -x "$PROJECT/server" ] && [ -x "$PROJECT/client" ]
}

@test "a warning is an error in the build" {
	printf 'int unused_warning(void); int unused_warning(void) { int x; return 0; }\n' \
		>"$BATS_TEST_TMPDIR/w.c"
	run ! make -C "$PROJECT" -B server COMMON="common/lab.c $BATS_TEST_TMPDIR/w.c"
	[[ $output == *"unused variable"* ]]
	make -C "$PROJECT" -B server >/dev/null
}

@test "every shell script is shellcheck-clean" {
	cd "$PROJECT"
	run -0 shellcheck -x tcplab server-state.sh lab/*.sh lab/shellrc .ci/run tests/run tests/*.bash tests/*.bats \
		bench/run bench/summary docs/make-docs.sh
}

@test "install and uninstall honour PREFIX and DESTDIR" {
	local dest=$BATS_TEST_TMPDIR/dest
	run -0 make -C "$PROJECT" install DESTDIR="$dest" PREFIX=/opt/lab
	[ -x "$dest/opt/lab/libexec/tcplab/server" ]
	[ -x "$dest/opt/lab/libexec/tcplab/client" ]
	[ -x "$dest/opt/lab/libexec/tcplab/server-state.sh" ]
	run -0 "$dest/opt/lab/bin/tcplab" --help
	[[ $output == usage:* ]]
	run -0 make -C "$PROJECT" uninstall DESTDIR="$dest" PREFIX=/opt/lab
	[ ! -e "$dest/opt/lab/bin/tcplab" ]
	[ ! -e "$dest/opt/lab/libexec/tcplab" ]
}
