# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# `tcplab deps`: what the lab, its build and its tests need, from Debian.

LAB_TOOLS=(ip ss ifconfig iptables watch tmux)
BUILD_TOOLS=(gcc make pkg-config clang bpftool)
TEST_TOOLS=(bats shellcheck valgrind jq dot tshark capinfos)
PACKAGE_OF+=([shellcheck]=shellcheck [valgrind]=valgrind [jq]=jq [pkg-config]=pkg-config [dot]=graphviz [clang]=clang [bpftool]=bpftool)
# tshark and capinfos (Wireshark's readers) read tcpwatch --pcap back in the tests.
PACKAGE_OF+=([tshark]=tshark [capinfos]=tshark)
# tcpwatch loads its BPF programs with this library (pkg-config name: package).
declare -A LIBRARY_PACKAGE=([libbpf]=libbpf-dev)
# The tests read tcpwatch --prometheus with a real parser of that format
# (module: package, for Debian's own python3).
declare -A PYTHON_PACKAGE=([prometheus_client]=python3-prometheus-client)
DEBIAN_PYTHON=/usr/bin/python3

missing_packages() {
	local tool lib module
	{
		for tool in "${LAB_TOOLS[@]}" "${BUILD_TOOLS[@]}" "${TEST_TOOLS[@]}"; do
			command -v "$tool" >/dev/null 2>&1 || printf '%s\n' "${PACKAGE_OF[$tool]}"
		done
		for lib in "${!LIBRARY_PACKAGE[@]}"; do
			pkg-config --exists "$lib" 2>/dev/null || printf '%s\n' "${LIBRARY_PACKAGE[$lib]}"
		done
		for module in "${!PYTHON_PACKAGE[@]}"; do
			"$DEBIAN_PYTHON" -c "import $module" 2>/dev/null || printf '%s\n' "${PYTHON_PACKAGE[$module]}"
		done
	} | sort -u
}

# apt-get, quietly; its own words only when it fails.
apt_quietly() {
	local out
	out=$(DEBIAN_FRONTEND=noninteractive apt-get -qq "$@" 2>&1) && return 0
	printf '%s\n' "$out" | tail -n 3 >&2
	return 1
}

# deps 0|1: say what is missing (1), or install it (0 done, 2 not possible here).
deps() {
	local install=$1
	local -a missing
	mapfile -t missing < <(missing_packages)
	if ((${#missing[@]} == 0)); then
		((install)) || say "all packages the lab needs are installed"
		return 0
	fi
	local hint="apt-get install ${missing[*]} (as root)"
	if ((install == 0)); then
		say "missing packages: ${missing[*]}; to install them: tcplab deps --install, or $hint"
		return 1
	fi
	((EUID == 0)) || die_usage "missing packages: ${missing[*]}; installing them needs root: run 'make deps' or $hint as root (or with sudo)"
	command -v apt-get >/dev/null 2>&1 || die_usage "missing packages: ${missing[*]}, and no apt-get here to install them: install them by hand"
	say "tcplab: installing from Debian: ${missing[*]}"
	if ! apt_quietly update || ! apt_quietly install -y "${missing[@]}"; then
		die_usage "could not install ${missing[*]} (no network or no archive?); once it is reachable: $hint"
	fi
	mapfile -t missing < <(missing_packages)
	((${#missing[@]} == 0)) || die_usage "still missing after apt-get: ${missing[*]}"
}
