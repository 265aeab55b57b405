#!/bin/bash
# Runs the integration suite (tests/foil/check_foil) against $FOIL (default: ./foil).
#
# As root: creates a throw-away user and a private temp dir under /var/tmp
# holding a setuid-root copy of foil, a plain copy, a root-only secret and a
# read-only-bind source with a tmpfs submount, then runs the suite three
# times: as the user with the setuid copy, as the user with the plain copy
# (user namespaces), and as root. Everything is removed at the end, also
# after a failure or an interrupt.
# As another user: runs the user-namespace mode only and says what it skipped.
# Where a cgroup2 filesystem is mounted, root also makes a private test
# cgroup under its root and delegates it to the user as systemd does (the
# directory and its cgroup.procs, cgroup.subtree_control and cgroup.threads
# chowned), with whatever of the memory, pids, cpu and io controllers the
# hierarchy has enabled in it; the suite runs in its leaf "suite" and finds
# it in FOIL_TEST_CGROUP. It is removed at the end too, and any process
# still in it is a failure.
# FOIL_TEST_ONLY=name1,name2 runs only the named tests (in every mode).
# FOIL_TEST_MODES (default "setuid userns root") picks the modes to run as root.
# If Debian's bwrap is installed (or BWRAP names another one), copies of it
# are made next to foil's (a setuid-root one for the setuid mode), so that
# differential tests can run the same arguments through both.
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
foil_arg=${FOIL:-$top/foil}
case $foil_arg in /*) ;; *) foil_arg=$PWD/$foil_arg ;; esac
[ -x "$foil_arg" ] || { echo "run-integration: $foil_arg is not an executable (set FOIL)" >&2; exit 1; }
foil_name=$(basename "$foil_arg")
ref_bwrap=${BWRAP:-/usr/bin/bwrap}
[ -x "$ref_bwrap" ] || ref_bwrap=
[ -x "$here/foil/check_foil" ] && [ -x "$here/foil/foil-probe" ] ||
  { echo "run-integration: build tests/foil/check_foil and tests/foil/foil-probe first (make test-programs)" >&2; exit 1; }

tdir=
user=
cg=
cg_root=
cg_enabled=
failed=0
summary=

# The first cgroup2 mount of the whole hierarchy (root "/"), from mountinfo:
# its fields after " - " are the type, the source and the options.
cgroup2_mount() {
  awk '{ for (i = 7; i < NF; i++) if ($i == "-") { if ($(i + 1) == "cgroup2" && $4 == "/") { print $5; exit } break } }' \
    /proc/self/mountinfo
}

# Every process in the test cgroup's subtree.
cgroup_pids() {
  find "$cg" -name cgroup.procs -exec cat {} + 2>/dev/null
}

# Makes $cg (see the top) for user $1:$2; without cgroup2 the suite skips
# its cgroup tests with the reason.
setup_cgroup() {
  local c
  cg_root=$(cgroup2_mount)
  [ -n "$cg_root" ] || { echo "run-integration: no cgroup2 filesystem mounted: no test cgroup"; return 0; }
  cg=$cg_root/foil-test.$(tr -dc a-z0-9 </dev/urandom | head -c 8)
  mkdir "$cg" || { echo "run-integration: cannot create $cg: no test cgroup"; cg=; return 0; }
  # A controller reaches the test cgroup only when its parent, the root,
  # enables it for its children; the root's subtree_control is written
  # only for one it offers and does not enable yet (and reset at the end).
  for c in memory pids cpu io; do
    grep -qw "$c" "$cg_root/cgroup.controllers" || continue
    if ! grep -qw "$c" "$cg_root/cgroup.subtree_control"; then
      echo "+$c" >"$cg_root/cgroup.subtree_control" && cg_enabled="$cg_enabled $c"
    fi
    # Enabled below the test cgroup too, so that every cgroup a test makes
    # in it has the controller (and foil's own work is to enable it further
    # down); the test cgroup never holds a process itself, which allows it.
    grep -qw "$c" "$cg/cgroup.controllers" && echo "+$c" >"$cg/cgroup.subtree_control"
  done
  chown "$1:$2" "$cg" "$cg/cgroup.procs" "$cg/cgroup.subtree_control" "$cg/cgroup.threads" || return 1
  # The suite's leaf, made by root: the user may move processes out of it
  # (the common ancestor, $cg, is theirs) but not make cgroups in it.
  mkdir "$cg/suite" || return 1
  # Cgroups the user must not be able to use with --cgroup: one root's
  # altogether, one whose directory is theirs but not its cgroup.procs, and
  # one that the user can enter (its cgroup.procs is theirs) but not make
  # cgroups in, as foil's own cgroup.
  mkdir "$cg/root-owned" "$cg/dir-only" "$cg/procs-only" || return 1
  chown "$1:$2" "$cg/dir-only" "$cg/procs-only/cgroup.procs" || return 1
  echo "test cgroup: $cg (controllers: $(cat "$cg/cgroup.subtree_control"))"
}

# Removes $cg: a process still in it is reported (a sandbox left behind)
# and killed; cgroup.kill reaches exactly the subtree and nothing else.
cleanup_cgroup() {
  local pids c
  [ -n "$cg" ] && [ -d "$cg" ] || return 0
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    pids=$(cgroup_pids)
    [ -z "$pids" ] && break
    sleep 0.2
  done
  if [ -n "$pids" ]; then
    echo "FAIL: processes left in the test cgroup $cg:" >&2
    ps -o pid,ppid,user,etime,args -p "$(echo $pids | tr ' ' ,)" >&2
    find "$cg" -name cgroup.procs ! -empty -printf '  in %h\n' >&2
    if [ -e "$cg/cgroup.kill" ]; then
      echo 1 >"$cg/cgroup.kill"
    else
      for p in $pids; do kill -9 "$p" 2>/dev/null; done
    fi
    failed=1
  fi
  # Children first; a cgroup whose last process has just been reaped can
  # refuse rmdir for a moment.
  for _ in $(seq 50); do
    find "$cg" -depth -type d -exec rmdir {} + 2>/dev/null
    [ -d "$cg" ] || break
    sleep 0.1
  done
  [ -d "$cg" ] && { echo "FAIL: cannot remove the test cgroup $cg" >&2; failed=1; }
  # The kernel refuses to disable a controller that a cgroup below still
  # enables for its children (another user of the hierarchy): that one stays.
  for c in $cg_enabled; do
    echo "-$c" >"$cg_root/cgroup.subtree_control" 2>/dev/null
  done
  cg=
}

cleanup() {
  local pids
  cleanup_cgroup
  if [ -n "$user" ]; then
    # Processes the suite left behind would be a bug: report and kill them.
    for _ in 1 2 3 4 5 6 7 8 9 10; do
      pids=$(ps -u "$user" -o pid= 2>/dev/null | tr -d ' ')
      [ -z "$pids" ] && break
      sleep 0.2
    done
    if [ -n "$pids" ]; then
      echo "FAIL: processes of $user left behind:" >&2
      ps -o pid,ppid,etime,args -p "$(echo $pids | tr ' ' ,)" >&2
      for p in $pids; do kill -9 "$p" 2>/dev/null; done
      failed=1
    fi
    userdel "$user" 2>/dev/null || { sleep 1; userdel -f "$user" 2>/dev/null; }
  fi
  if [ -n "$tdir" ]; then
    umount "$tdir/rosrc/sub" 2>/dev/null
    rm -rf --one-file-system "$tdir"
  fi
}
trap 'cleanup; exit 130' INT TERM
trap cleanup EXIT

# One run of the suite; $1 = mode, the rest is the command prefix.
run_mode() {
  local mode=$1; shift
  case " ${FOIL_TEST_MODES:-setuid userns root} " in
    *" $mode "*) ;;
    *) summary="$summary  $mode: not selected (FOIL_TEST_MODES)\n"; return 0 ;;
  esac
  echo "=== integration tests, mode $mode ==="
  if "${in_cgroup[@]}" "$@" env FOIL_TEST_MODE="$mode" "${envs[@]}" "$tdir/bin/check_foil"; then
    summary="$summary  $mode: ok\n"
  else
    summary="$summary  $mode: FAILED\n"
    failed=1
  fi
}

tdir=$(mktemp -d /var/tmp/foil-check.XXXXXX) || exit 1
chmod 755 "$tdir"
mkdir "$tdir/bin" "$tdir/plain" "$tdir/suid"
cp "$here/foil/check_foil" "$here/foil/foil-probe" "$tdir/bin/"
# The copies keep foil's name: it is the prefix of its error messages.
cp "$foil_arg" "$tdir/plain/$foil_name"
chmod 755 "$tdir/bin"/* "$tdir/plain/$foil_name"
# The reference copies live in their own dirs: their name must stay "bwrap"
# even when foil itself is tested under that name.
if [ -n "$ref_bwrap" ]; then
  mkdir "$tdir/ref-plain" "$tdir/ref-suid"
  cp "$ref_bwrap" "$tdir/ref-plain/bwrap"
  chmod 755 "$tdir/ref-plain/bwrap"
fi
envs=(CK_VERBOSITY="${CK_VERBOSITY:-verbose}" FOIL_TEST_DIR="$tdir" FOIL_TEST_BIN="$tdir/bin")
[ -n "${CK_RUN_CASE:-}" ] && envs+=(CK_RUN_CASE="$CK_RUN_CASE")
[ -n "${CK_RUN_SUITE:-}" ] && envs+=(CK_RUN_SUITE="$CK_RUN_SUITE")
[ -n "${CK_DEFAULT_TIMEOUT:-}" ] && envs+=(CK_DEFAULT_TIMEOUT="$CK_DEFAULT_TIMEOUT")
[ -n "${CK_FORK:-}" ] && envs+=(CK_FORK="$CK_FORK")
[ -n "${FOIL_TEST_ONLY:-}" ] && envs+=(FOIL_TEST_ONLY="$FOIL_TEST_ONLY")
# Without a test cgroup the suite runs where it is.
in_cgroup=()

if [ "$(id -u)" != 0 ]; then
  mkdir "$tdir/work-userns"
  run_mode userns env HOME="$tdir/work-userns" FOIL="$tdir/plain/$foil_name" FOIL_TEST_WORK="$tdir/work-userns" \
    FOIL_TEST_BWRAP="${ref_bwrap:+$tdir/ref-plain/bwrap}"
  echo "SKIP test cgroup: needs root (to delegate a cgroup to the user the suite runs as)"
  echo "SKIP setuid mode: needs root (to make a setuid-root copy of foil and a test user)"
  echo "SKIP root mode: not running as root"
  printf "integration summary:\n%b" "$summary"
  exit $failed
fi

# A throw-away user with a random name.
user=foilt-$(tr -dc a-z0-9 </dev/urandom | head -c 6)
useradd --system --user-group --no-create-home --home-dir / --shell /usr/sbin/nologin "$user" ||
  { user=; echo "run-integration: useradd failed" >&2; exit 1; }
uid=$(id -u "$user")
gid=$(id -g "$user")

cp "$foil_arg" "$tdir/suid/$foil_name"
chown root:root "$tdir/suid/$foil_name"
chmod 4755 "$tdir/suid/$foil_name"
if [ -n "$ref_bwrap" ]; then
  cp "$ref_bwrap" "$tdir/ref-suid/bwrap"
  chown root:root "$tdir/ref-suid/bwrap"
  chmod 4755 "$tdir/ref-suid/bwrap"
fi

# A root-only secret in a root-only dir: the user must never read it.
mkdir -m 700 "$tdir/rootonly"
echo root-only-secret >"$tdir/rootonly/secret"
chmod 600 "$tdir/rootonly/secret"

# A source dir with a tmpfs mounted under it, writable by the user on the
# host; --ro-bind must make the submount read-only too.
mkdir "$tdir/rosrc" "$tdir/rosrc/sub"
mount -t tmpfs -o size=1m,mode=0755,uid="$uid",gid="$gid" foil-test "$tdir/rosrc/sub"
chown "$uid:$gid" "$tdir/rosrc"

setup_cgroup "$uid" "$gid" || { echo "run-integration: cannot delegate the test cgroup $cg" >&2; exit 1; }
if [ -n "$cg" ]; then
  envs+=(FOIL_TEST_CGROUP="$cg")
  # Root moves the suite into the leaf before it becomes the user: the
  # sandboxes' cgroups and the suite's then share the delegated parent,
  # which cgroup v2 requires for a move between them.
  in_cgroup=(sh -c 'echo $$ >"$1/cgroup.procs" && shift && exec "$@"' sh "$cg/suite")
fi

for m in setuid userns root; do
  mkdir "$tdir/work-$m"
  [ $m != root ] && chown "$uid:$gid" "$tdir/work-$m"
done

as_user=(setpriv --reuid="$uid" --regid="$gid" --clear-groups --)
run_mode setuid "${as_user[@]}" env HOME="$tdir/work-setuid" FOIL="$tdir/suid/$foil_name" \
  FOIL_TEST_WORK="$tdir/work-setuid" FOIL_TEST_BWRAP="${ref_bwrap:+$tdir/ref-suid/bwrap}"
run_mode userns "${as_user[@]}" env HOME="$tdir/work-userns" FOIL="$tdir/plain/$foil_name" \
  FOIL_TEST_WORK="$tdir/work-userns" FOIL_TEST_BWRAP="${ref_bwrap:+$tdir/ref-plain/bwrap}"
run_mode root env HOME="$tdir/work-root" FOIL="$tdir/plain/$foil_name" FOIL_TEST_WORK="$tdir/work-root" \
  FOIL_TEST_BWRAP="${ref_bwrap:+$tdir/ref-plain/bwrap}"

printf "integration summary:\n%b" "$summary"
cleanup
user=
tdir=
exit $failed
