# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# `tcplab deps`: what the lab, its build and its tests need, from Debian.

LAB_TOOLS=(ip ss ifconfig iptables watch tmux)
BUILD_TOOLS=(gcc make)
TEST_TOOLS=(bats shellcheck valgrind)
PACKAGE_OF+=([shellcheck]=shellcheck [valgrind]=valgrind)

missing_packages() {
	local tool
	for tool in "${LAB_TOOLS[@]}" "${BUILD_TOOLS[@]}" "${TEST_TOOLS[@]}"; do
		command -v "$tool" >/dev/null 2>&1 || printf '%s\n' "${PACKAGE_OF[$tool]}"
	done | sort -u
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
