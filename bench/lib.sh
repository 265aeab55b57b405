# bench/lib.sh: set-up shared by bench/run and bench/profile. Sourcing it
# (with $bench, $FOIL and $BWRAP set) resolves both binaries, builds the
# launcher, creates a private work directory under /var/tmp, picks the user
# the sandboxes run as (a throw-away user when run as root), installs plain
# and setuid-root copies of the binaries and a trap that undoes all of it.
#
# It leaves: FOIL BWRAP have_bwrap bwrap_asked work run_uid run_gid user_note
# sides (a = foil, b = bwrap) bin_userns bin_setuid setuid_note modes
# flatpak_opts, and the functions say fail exec_as_user bins_for write_opts.
# A script that makes more to undo adds a function name to cleanup_hooks: the
# trap calls it first.
# shellcheck shell=bash disable=SC2034,SC2154
umask 022

say() { printf '%s\n' "bench: $*" >&2; }
fail() { say "$*"; exit 1; }

FOIL=$(command -v "$FOIL" || true)
if [ -z "$FOIL" ] || [ ! -x "$FOIL" ]; then
	fail "no foil binary (build it with make, or set FOIL)"
fi
FOIL=$(readlink -f "$FOIL")
have_bwrap=0
bwrap_asked=$BWRAP
if BWRAP=$(command -v "$bwrap_asked") && [ -x "$BWRAP" ]; then
	BWRAP=$(readlink -f "$BWRAP")
	have_bwrap=1
fi

work=""
bench_user=""
launcher_pid=""
cleanup_hooks=()
cleanup() {
	local rc=$? hook
	trap - EXIT INT TERM HUP
	if [ -n "$launcher_pid" ]; then # interrupted: it kills its sandboxes
		kill -TERM "$launcher_pid" 2>/dev/null || true
		wait "$launcher_pid" 2>/dev/null || true
	fi
	for hook in "${cleanup_hooks[@]}"; do "$hook" || true; done
	if [ -n "$bench_user" ]; then
		userdel "$bench_user" 2>/dev/null || userdel -f "$bench_user" 2>/dev/null ||
			say "could not delete user $bench_user"
	fi
	if [ -n "$work" ] && [ -d "$work" ]; then
		rm -rf -- "$work"
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- set-up ---------------------------------------------------------------

mkdir -p "$bench/out"
cc -std=gnu11 -D_GNU_SOURCE -O2 -Wall -Wextra -o "$bench/out/launcher" "$bench/launcher.c" ||
	fail "could not build bench/launcher.c"

work=$(mktemp -d /var/tmp/foil-bench.XXXXXX)
chmod 0711 "$work"
install -m 0755 "$bench/out/launcher" "$work/launcher"

if [ "$(id -u)" = 0 ]; then
	bench_user="foilbench$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')"
	useradd --system --no-create-home --user-group --home-dir / \
		--shell /usr/sbin/nologin "$bench_user" || { bench_user=""; fail "useradd failed"; }
	run_uid=$(id -u "$bench_user")
	run_gid=$(id -g "$bench_user")
	exec_as_user() {
		exec setpriv --reuid="$run_uid" --regid="$run_gid" --clear-groups \
			env -i PATH=/usr/bin:/bin HOME=/ LC_ALL=C "$@"
	}
	user_note="a temporary unprivileged user (uid $run_uid), created and deleted by the script"
else
	run_uid=$(id -u)
	exec_as_user() { exec env -i PATH=/usr/bin:/bin HOME=/ LC_ALL=C "$@"; }
	user_note="the invoking user (uid $run_uid)"
fi

# Side a is foil, side b is bwrap; each copy keeps its base name so error
# messages read as usual.
sides=(a)
[ "$have_bwrap" = 1 ] && sides+=(b)
src_of() { if [ "$1" = a ]; then echo "$FOIL"; else echo "$BWRAP"; fi; }

is_setuid_root() { [ -u "$1" ] && [ "$(stat -c %u "$1")" = 0 ]; }

declare -A bin_userns bin_setuid
for s in "${sides[@]}"; do
	src=$(src_of "$s")
	mkdir -p "$work/plain/$s"
	install -m 0755 "$src" "$work/plain/$s/"
	bin_userns[$s]="$work/plain/$s/$(basename "$src")"
done
setuid_note=""
if [ "$(id -u)" = 0 ]; then
	for s in "${sides[@]}"; do
		src=$(src_of "$s")
		mkdir -p "$work/suid/$s"
		install -m 4755 -o root -g root "$src" "$work/suid/$s/"
		bin_setuid[$s]="$work/suid/$s/$(basename "$src")"
	done
else
	for s in "${sides[@]}"; do
		src=$(src_of "$s")
		if is_setuid_root "$src"; then
			bin_setuid[$s]="$src"
		else
			setuid_note="setuid mode skipped: not run as root and $src is not setuid root"
		fi
	done
	[ -z "$setuid_note" ] || bin_setuid=()
fi
modes=(userns)
[ "${#bin_setuid[@]}" -gt 0 ] && modes=(setuid userns)

bins_for() { # mode -> binary paths, foil first
	local s
	for s in "${sides[@]}"; do
		if [ "$1" = setuid ]; then echo "${bin_setuid[$s]}"; else echo "${bin_userns[$s]}"; fi
	done
}

mkdir -m 0755 "$work/opt"
write_opts() { # file words...
	local f="$work/opt/$1"; shift
	printf '%s\0' "$@" > "$f"
	chmod 0644 "$f"
}

# What a Flatpak app launch asks for, minus the options that need fds
# (--bind-data, --file, --seccomp), plus --unshare-all.
flatpak_opts=(
	--unshare-all --die-with-parent --new-session
	--ro-bind /usr /usr
	--symlink usr/bin /bin --symlink usr/sbin /sbin
	--symlink usr/lib /lib --symlink usr/lib64 /lib64
	--ro-bind /etc /etc
	--proc /proc --dev /dev
	--tmpfs /tmp --tmpfs /var --tmpfs /run --dir "/run/user/$run_uid"
	--ro-bind-try /sys/block /sys/block --ro-bind-try /sys/bus /sys/bus
	--ro-bind-try /sys/class /sys/class --ro-bind-try /sys/dev /sys/dev
	--ro-bind-try /sys/devices /sys/devices
	--dir /home/user --setenv HOME /home/user
	--setenv XDG_RUNTIME_DIR "/run/user/$run_uid" --setenv PATH /usr/bin:/bin
	--chdir /home/user
)
