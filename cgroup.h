/* cgroup.h: the sandbox's own cgroup v2 (--cgroup, --memory-max...), made
   by the monitor with the caller's identity, emptied and removed at the
   end; a keeper process does that if the monitor is killed. One per
   monitor, so the state is cgroup.c's. */
#ifndef FOIL_CGROUP_H
#define FOIL_CGROUP_H

#include "foil.h"

#include <stdbool.h>
#include <sys/types.h>

/* In the monitor, with no privilege: check that REQ can be honoured, make
   the cgroup, set its limits and start the keeper; dies with one line
   (leaving nothing) if it cannot. SETUP_PID > 0 (setuid mode): that
   process, already started, is moved in now; else the child calls
   cgroup_enter() as its first step. */
void cgroup_prepare(const struct cgroup_request *req, pid_t setup_pid);

/* After cgroup_prepare() in user-namespace and root mode: the sandbox's
   cgroup, for spawn_clone() to create the setup process in (else -1).
   cgroup_enter() is still the child's first step, and moves it there
   when clone3 could not. */
int cgroup_spawn_fd(void);

/* HOOK runs when cgroup_prepare() fails, after the undoing and before the
   error ends the process: setuid mode's monitor ends its waiting setup
   process there, so that nothing outlives foil. */
void cgroup_on_failure(void (*hook)(void));

/* In the setup process just forked by a monitor that prepared a cgroup:
   move into it (with the monitor's open-time identity) before anything. */
void cgroup_enter(void);

/* In the monitor once the sandbox's main process has exited with EXIT_CODE
   (nothing if no cgroup was made): kill what is left in the cgroup, say if
   the memory limit killed the command, give the usage line on JSON_FD
   (when >= 0) and remove the cgroup. */
void cgroup_finish(int json_fd, int exit_code);

#endif
