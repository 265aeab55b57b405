#!/bin/sh
# Cost per system call without a filter and under the Docker default
# profile compiled linearly and as a binary tree, with the programs'
# instruction counts.  Columns (see bench/seccomp-bench.c): getppid (the
# kernel caches its "allow" and skips the filter), personality(-1) (the
# filter runs, argument check) and an unused call number (the filter runs
# to its default).  Prints a markdown table; always exits 0.
cd "$(dirname "$0")/.." || exit 0
docker_json=/usr/share/gocode/src/github.com/docker/docker/profiles/seccomp/default.json

if ! make -s seccomp-compile/seccomp-compile bench/seccomp-bench >&2; then
	echo "seccomp-compile or bench/seccomp-bench did not build" >&2
	exit 0
fi
tmp=$(mktemp -d) || exit 0
trap 'rm -rf "$tmp"' EXIT

# row LABEL COMPILER-ARGS...: compiles (unless LABEL is "no filter"),
# measures, prints one table row.
row() {
	label=$1; shift
	if [ "$label" = "no filter" ]; then
		prog=- insns=0
	else
		prog=$tmp/prog.bpf
		if ! seccomp-compile/seccomp-compile "$@" -o "$prog" 2>"$tmp/err"; then
			echo "| $label | failed: $(head -n1 "$tmp/err") | | | |"
			return
		fi
		insns=$(( $(wc -c <"$prog") / 8 ))
	fi
	line="| $label | $insns |"
	for call in getppid personality nosys; do
		ns=$(bench/seccomp-bench "$prog" $call 2>"$tmp/err") ||
			ns="failed: $(head -n1 "$tmp/err")"
		line="$line $ns |"
	done
	echo "$line"
}

echo "| filter | BPF instructions | getppid ns/call | personality(-1) ns/call | unused call ns/call |"
echo "|---|---:|---:|---:|---:|"
row "no filter"
if [ -f "$docker_json" ]; then
	row "Docker default.json, linear" --optimize linear "$docker_json"
	row "Docker default.json, binary tree" --optimize tree "$docker_json"
	row "Docker default.json, native arch only, linear" --arch native --optimize linear "$docker_json"
	row "Docker default.json, native arch only, binary tree" --arch native --optimize tree "$docker_json"
else
	echo "| Docker default.json | not installed (golang-github-docker-docker-dev) | | | |"
fi
row "preset docker-default, linear" --optimize linear --preset docker-default
row "preset docker-default, binary tree" --optimize tree --preset docker-default
row "preset build (layered), binary tree" --optimize tree --preset build
exit 0
