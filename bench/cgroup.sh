#!/bin/bash
# bench/cgroup.sh: what --cgroup adds to a sandbox's start-up time, alone and
# with limits, as a ratio against the same sandbox without it (the issue's
# target: under 1.3). The option sets run interleaved in one launcher run
# (plain, --cgroup, --cgroup + limits, plain, ...), in each mode lib.sh
# offers, with bench/run's Flatpak-like options and /bin/true. Prints the
# text of a markdown section on stdout (bench/run embeds it in RESULTS.md),
# progress on stderr; the last line starts with "Summary:" and holds the
# ratios.
#
#   bench/cgroup.sh                 # as root
#   FOIL=/path/foil BENCH_ROUNDS=41 bench/cgroup.sh
#
# Needs root, to make a test cgroup: DIR, a new directory with a unique name
# below the cgroup v2 mount named in /proc/self/mountinfo, delegated to
# lib.sh's throw-away user as systemd's Delegate=yes would do it (DIR and its
# cgroup.procs, cgroup.subtree_control and cgroup.threads given to the user).
# The launcher runs in DIR/bench: the kernel lets the user move the sandbox
# into DIR/foil-sandbox-* only because both lie below DIR, whose cgroup.procs
# the user may write. DIR is removed at the end, also on failure or Ctrl-C.
#
# Limits are measured only with the controllers the mount's root cgroup
# passes down (its cgroup.subtree_control): the script never changes a cgroup
# outside DIR, so on a host whose cgroup v2 has no controllers (all of them
# bound to cgroup v1) only the plain --cgroup figure is measured, and the
# output says so. The kernel-matrix VM enables them first (the bench-cgroup
# scenario of tests/kernels/guest).
#
# Environment: FOIL (default ./foil), BENCH_ROUNDS (default 21),
# BENCH_QUICK=1 (7 rounds). Exit status 0 when the figures were measured,
# 1 when they could not be (the reason on stdout, as the section's text).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
bench="$top/bench"
FOIL=${FOIL:-$top/foil}
ROUNDS=${BENCH_ROUNDS:-21}
[ "${BENCH_QUICK:-0}" = 1 ] && ROUNDS=${BENCH_ROUNDS:-7}
TARGET=1.3

# Without root no test cgroup can be made; say so where the table would be.
if [ "$(id -u)" != 0 ]; then
	echo "cgroup: not measured (run as root: the benchmark makes a delegated test cgroup)"
	exit 1
fi
cg_mnt=$(awk '{ i = 7; while ($i != "-") i++; if ($(i + 1) == "cgroup2") { print $5; exit } }' \
	/proc/self/mountinfo)
if [ -z "$cg_mnt" ]; then
	echo "cgroup: not measured (no cgroup v2 file system in /proc/self/mountinfo)"
	exit 1
fi

# Foil alone: the comparison is between its own option sets.
BWRAP=
# shellcheck source=bench/lib.sh
. "$bench/lib.sh"

cg_dir=""
# Runs from lib.sh's trap, after the launcher was stopped: kills whatever is
# left below DIR (nothing, unless foil failed to clean up or the run was
# interrupted) and removes DIR with its children.
# shellcheck disable=SC2317  # called through cleanup_hooks
cg_cleanup() {
	local procs pid
	[ -n "$cg_dir" ] && [ -d "$cg_dir" ] || return 0
	if [ -e "$cg_dir/cgroup.kill" ]; then
		echo 1 > "$cg_dir/cgroup.kill"
	else # before Linux 5.14
		find "$cg_dir" -name cgroup.procs -exec cat {} + |
			while read -r pid; do kill -KILL "$pid" 2>/dev/null; done
	fi
	for _ in $(seq 50); do
		procs=$(find "$cg_dir" -name cgroup.procs -exec cat {} +)
		[ -z "$procs" ] && break
		sleep 0.1
	done
	find "$cg_dir" -mindepth 1 -depth -type d -exec rmdir {} + 2>/dev/null || true
	rmdir "$cg_dir" 2>/dev/null || say "could not remove the test cgroup $cg_dir"
}
cleanup_hooks+=(cg_cleanup)

cg_dir="$cg_mnt/foil-bench-$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')"
mkdir "$cg_dir" || fail "cannot make a test cgroup in $cg_mnt"
mkdir "$cg_dir/bench"
chown "$run_uid:$run_gid" "$cg_dir" "$cg_dir/cgroup.procs" "$cg_dir/cgroup.subtree_control" \
	"$cg_dir/cgroup.threads"
# What the parent passes down; enabled in DIR for the sandboxes' cgroups.
# DIR itself holds no process (the launcher is in DIR/bench), so it may.
controllers=$(cat "$cg_dir/cgroup.controllers")
enable=""
for c in $controllers; do enable+="+$c "; done
[ -z "$enable" ] || echo "$enable" > "$cg_dir/cgroup.subtree_control" ||
	fail "cannot enable '$enable' in $cg_dir"

# The limits: generous, so that /bin/true never meets them; one or two per
# controller the test cgroup has.
limits=()
for c in $controllers; do
	case $c in
	memory) limits+=(--memory-max 1G --memory-high 768M) ;;
	pids) limits+=(--pids-max 512) ;;
	cpu) limits+=(--cpus 1 --cpu-weight 100) ;;
	io) limits+=(--io-weight 100) ;;
	esac
done

write_opts flatpak "${flatpak_opts[@]}"
: > "$work/opt/none"; chmod 0644 "$work/opt/none" # no words at all
write_opts cgroup --cgroup "$cg_dir"
sets=(none cgroup)
if [ "${#limits[@]}" -gt 0 ]; then
	write_opts limits --cgroup "$cg_dir" "${limits[@]}"
	sets+=(limits)
fi

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
declare -A R # R[mode,set] = "median min max n failures"
errors=""
for mode in "${modes[@]}"; do
	say "cgroup start-up cost, $mode mode ($ROUNDS rounds; ${sets[*]})"
	# (No process substitution: the kernel-matrix VM has no /dev/fd.)
	bin=$(bins_for "$mode" | head -n 1)
	eflags=() bins=()
	for s in "${sets[@]}"; do eflags+=(-e "$work/opt/$s"); bins+=("$bin"); done
	# The subshell moves itself into the leaf, then becomes the launcher.
	(
		echo "$BASHPID" > "$cg_dir/bench/cgroup.procs"
		exec_as_user "$work/launcher" time -r "$ROUNDS" -w 3 "${eflags[@]}" \
			"$work/opt/flatpak" "${bins[@]}" -- /bin/true
	) > "$work/result" 2> "$work/errors" &
	launcher_pid=$!
	wait "$launcher_pid" || true
	launcher_pid=""
	while read -r idx rest; do R[$mode,${sets[$idx]}]=$rest; done < "$work/result"
	[ -s "$work/errors" ] && errors+="$mode: $(head -n 1 "$work/errors")"$'\n'
done
left=$(find "$cg_dir" -mindepth 1 -maxdepth 1 -type d -name 'foil-*' | wc -l)

field() { local l=${R[$1,$2]:-}; [ -n "$l" ] && echo "$l" | cut -d' ' -f"$3"; }
ok() { local n; n=$(field "$1" "$2" 4); [ -n "$n" ] && [ "$n" -gt 0 ]; }
range() {
	if ok "$1" "$2"; then
		printf "%.2f (%.2f–%.2f)" "$(field "$1" "$2" 1)" "$(field "$1" "$2" 2)" "$(field "$1" "$2" 3)"
	else echo failed; fi
}
ratio() { # mode set [field]: of the medians, or of field 2, the minimums
	local f=${3:-1}
	if ok "$1" none && ok "$1" "$2"; then
		awk -v x="$(field "$1" "$2" "$f")" -v y="$(field "$1" none "$f")" 'BEGIN { printf "%.3f", x / y }'
	else echo n/a; fi
}
verdict() {
	case $1 in n/a) echo n/a ;; *) awk -v r="$1" -v t="$TARGET" 'BEGIN { print (r < t) ? "met" : "NOT met" }' ;; esac
}
worst() { # mode: the largest ratio of its cgroup sets, n/a if one is missing
	local set r w=0
	for set in "${sets[@]:1}"; do
		r=$(ratio "$1" "$set")
		[ "$r" = n/a ] && { echo n/a; return; }
		w=$(awk -v a="$w" -v b="$r" 'BEGIN { print (b > a) ? b : a }')
	done
	echo "$w"
}

no_limits="no controllers reach the test cgroup (cgroup.subtree_control of $cg_mnt is empty), so only --cgroup is measured; the limits need a cgroup v2 with controllers"
echo "Flatpak-like options and \`/bin/true\`; each sandbox gets a new \`DIR/foil-sandbox-*\`, where DIR is a"
echo "test cgroup under the cgroup v2 at \`$cg_mnt\`, delegated to the user the sandboxes run as."
echo "Controllers there: ${controllers:-none}. Milliseconds, median (min–max) of $ROUNDS, the option sets interleaved;"
echo "ratios of the medians (of the minimums) against the same sandbox without a cgroup; target < $TARGET."
echo "Kernel $(uname -r); load average before / after: $load_before / $(cut -d' ' -f1-3 /proc/loadavg)."
echo
if [ "${#limits[@]}" -gt 0 ]; then
	echo "| mode | no cgroup | \`--cgroup DIR\` | ratio | + limits | ratio | target |"
	echo "|---|---|---|---|---|---|---|"
else
	echo "| mode | no cgroup | \`--cgroup DIR\` | ratio | target |"
	echo "|---|---|---|---|---|"
fi
summary="" met=1
for mode in "${modes[@]}"; do
	row="| $mode | $(range "$mode" none) |"
	summary+="$mode:"
	for set in "${sets[@]:1}"; do
		r=$(ratio "$mode" "$set")
		row+=" $(range "$mode" "$set") | $r ($(ratio "$mode" "$set" 2)) |"
		summary+=" $set $r"
		[ "$(verdict "$r")" = met ] || met=0
	done
	echo "$row $(verdict "$(worst "$mode")") |"
	summary+="; "
done
echo
if [ "${#limits[@]}" -gt 0 ]; then
	echo "Limits: \`${limits[*]}\`."
else
	echo "Limits not measured: $no_limits."
	summary+="limits not measured: no controllers; "
fi
echo
if [ -n "$errors" ]; then
	echo "Launch failures (the first message of each mode):"
	echo
	echo '```'
	printf '%s' "$errors"
	echo '```'
	echo
fi
if [ "$left" != 0 ]; then
	echo "**$left foil-* cgroup(s) were left in DIR after the runs.**"
	echo
	summary+="$left cgroups left behind; "
fi
echo "Summary: ${summary%; } (target < $TARGET: $([ "$met" = 1 ] && echo met || echo NOT met))"

status=0
for mode in "${modes[@]}"; do
	for s in "${sets[@]}"; do ok "$mode" "$s" || status=1; done
done
[ "$left" = 0 ] || status=1
exit "$status"
