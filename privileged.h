/* privileged.h: the only code that runs with setuid-root power (see SECURITY.md). */
#ifndef FOIL_PRIVILEGED_H
#define FOIL_PRIVILEGED_H

#include <sys/types.h>
#include "foil.h"

/* Work out how foil was started. In setuid mode this first sets fsuid/fsgid to
   the caller, so that no path is ever resolved with root's identity. */
enum run_mode priv_detect_mode(uid_t *caller_uid, gid_t *caller_gid);

/* Clone a child into a new user namespace (owned by root in setuid mode, by
   the caller otherwise) that maps only the caller, as id 0 in it.
   Returns 0 in the child, which then is uid/gid 0 of that namespace with all
   capabilities there and none outside. Returns the child's pid in the parent,
   which in setuid mode has dropped every privilege for good.
   With write_maps false (--userns-block-fd) someone else writes the maps:
   before_release(child, arg) runs in the parent until they are written, and
   the child closes close_in_child (the --info-fd its reader waits on). */
pid_t priv_spawn_in_user_namespace(enum run_mode mode, uid_t caller_uid, gid_t caller_gid,
                                   bool write_maps, void (*before_release)(pid_t, void *),
                                   void *arg, int close_in_child);

#endif
