/* privileged.h: the only code that runs with setuid-root power (see SECURITY.md).
   main() calls priv_start() first; nothing runs before it. */
#ifndef FOIL_PRIVILEGED_H
#define FOIL_PRIVILEGED_H

#include <signal.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>
#include "foil.h"

/* argv was "--help" or "--version" alone: nothing was started. */
enum priv_request { PRIV_RUN, PRIV_HELP, PRIV_VERSION };

struct priv_start {
  enum run_mode mode;
  enum priv_request request;
  uid_t caller_uid;
  gid_t caller_gid;
  uint64_t caller_caps;     /* the permitted set foil was started with */
  pid_t caller_pid;         /* foil's parent */
  pid_t monitor_pid;        /* the process that called priv_start() */
  int report[2];            /* the report pipe, once priv_prepare_spawn() made it */
  sigset_t caller_sigmask;  /* the mask before the held signals were blocked */
  pid_t child;              /* the setup process: its pid in the monitor, 0 in
                               it, -1 while it does not exist */
  int spawn_cgroup_fd;      /* user-namespace mode: the cgroup to create the
                               setup process in (cgroup.h), or -1 */
  /* Setuid mode only: */
  int join[2];              /* socket: the setup process's namespaces to the
                               monitor ([0] the monitor's end) */
  int owner_userns_fd;      /* the sandbox's user namespace, in the monitor */
  struct stat owner;        /* its identity, taken when it was opened */
  bool join_caps;           /* the monitor still holds JOIN_CAPS permitted */
};

/* How foil was started. In setuid mode this first sets fsuid/fsgid to the
   caller, so that no path is ever resolved with root's identity, then
   creates the setup process (priv_prepare_spawn(), then
   priv_spawn_in_user_namespace() writing the maps) and releases it: it
   returns in both processes, with every privilege dropped for good; with a
   lone --help or --version it only drops them. In the other modes it only
   finds out (child is -1): the caller parses the command line, then calls
   priv_prepare_spawn() and creates the setup process itself. */
void priv_start(int argc, char **argv, struct priv_start *st);

/* Before the setup process exists: the report pipe, the subreaper, and the
   signals --forward-signals forwards blocked (hold_signals) or not. */
void priv_prepare_spawn(struct priv_start *st, bool hold_signals);

/* Clone a child into a new user namespace (owned by root in setuid mode, by
   the caller otherwise) that maps only the caller, as id 0 in it.
   Returns 0 in the child once it is released, as uid/gid 0 of that
   namespace with all capabilities there and none outside. Returns the
   child's pid in the parent, which in setuid mode has dropped every
   privilege for good, with the child still held: *go_fd releases it
   (priv_release_child()).
   With write_maps false (--userns-block-fd) someone else writes the maps
   before the caller releases the child, and the child closes
   close_in_child (the --info-fd its reader waits on). */
pid_t priv_spawn_in_user_namespace(const struct priv_start *st, bool write_maps,
                                   int close_in_child, int *go_fd, int *userns_fd);
void priv_release_child(int go_fd);

/* Setuid mode: the monitor keeps CAP_SYS_ADMIN, CAP_SYS_CHROOT and
   CAP_SETPCAP permitted (none effective) after priv_start(), until either
   call below. priv_join() checks that each fd is a mount, pid, ipc, uts,
   net or cgroup namespace owned by the sandbox's user namespace (each type
   at most once, a mount namespace required), joins them all and drops
   every privilege for good; any other fd is a fatal error. priv_drop()
   drops every privilege for good (the command runs below that user
   namespace, or setup failed); it does nothing when none is held. */
#define JOIN_MAX_FDS 6
void priv_join(struct priv_start *st, const int *fds, size_t n);
/* The check priv_join() makes, on its own (for the tests): 0 if every fd
   is a namespace OWNER owns, as above, each type in TYPES; else -1. */
int priv_check_namespaces(const struct stat *owner, const int *fds, size_t n, int *types);
void priv_drop(struct priv_start *st);

/* The capability syscalls, also used by lockdown.c. */
struct cap_sets {
  uint64_t permitted, effective, inheritable;
};
int cap_sets_get(struct cap_sets *sets);
/* Set permitted, effective and inheritable all to caps. */
int cap_sets_set_all(uint64_t caps);

#endif
