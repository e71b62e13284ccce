# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# `tcplab deps`: what the lab, its build and its tests need, from Debian.

LAB_TOOLS=(ip ss ifconfig iptables watch tmux)
BUILD_TOOLS=(gcc make pkg-config)
TEST_TOOLS=(bats shellcheck valgrind jq dot)
PACKAGE_OF+=([shellcheck]=shellcheck [valgrind]=valgrind [jq]=jq [pkg-config]=pkg-config [dot]=graphviz)
# tcpwatch reads the tracepoint with these libraries (pkg-config name: package).
declare -A LIBRARY_PACKAGE=([libtracefs]=libtracefs-dev [libtraceevent]=libtraceevent-dev)

missing_packages() {
	local tool lib
	{
		for tool in "${LAB_TOOLS[@]}" "${BUILD_TOOLS[@]}" "${TEST_TOOLS[@]}"; do
			command -v "$tool" >/dev/null 2>&1 || printf '%s\n' "${PACKAGE_OF[$tool]}"
		done
		for lib in "${!LIBRARY_PACKAGE[@]}"; do
			pkg-config --exists "$lib" 2>/dev/null || printf '%s\n' "${LIBRARY_PACKAGE[$lib]}"
		done
	} | sort -u
}

deps() {
	local install=$1
	local -a missing
	mapfile -t missing < <(missing_packages)
	if ((${#missing[@]} == 0)); then
		say "all packages the lab needs are installed"
		return 0
	fi
	if ((install == 0)); then
		say "missing packages: ${missing[*]} (tcplab deps --install brings them)"
		return 1
	fi
	need_root deps --install
	command -v apt-get >/dev/null 2>&1 || die "no apt-get here: install ${missing[*]} by hand"
	say "installing: ${missing[*]}"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}
