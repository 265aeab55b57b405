/* callerns.h: setuid mode's command in the caller's user namespace (see callerns.c). */
#ifndef FOIL_CALLERNS_H
#define FOIL_CALLERNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "foil.h"
#include "namespaces.h"
#include "privileged.h"

/* Whether the command runs in the caller's own user namespace: setuid mode
   without an option that needs a user namespace of the sandbox's own
   (--unshare-user[-try], --uid, --gid, --as-pid-1, --disable-userns,
   --assert-userns-disabled; the others are refused in setuid mode), nor
   foil's --unshare-time or Landlock options (--scope-*, --allow-*-tcp),
   which the setup process applies to the processes below it. */
bool callerns_layout(const struct config *cfg);

/* Setup side: open the namespaces our user namespace owns (PROC_FD: the
   host's /proc); returns how many. */
size_t callerns_open_namespaces(int proc_fd, int fds[JOIN_MAX_FDS]);
/* Send them and the command's state to the monitor. */
void callerns_send(int sock, const int *fds, size_t n, const struct config *cfg, const char *cwd,
                   bool pidns, const uint64_t ns_ids[N_REPORTED_NS]);

/* Monitor side, still holding the join capabilities: the namespace fds
   (close-on-exec) and the length of the state that follows; -1 at end of
   file (setup failed). */
ssize_t callerns_receive_namespaces(int sock, int fds[JOIN_MAX_FDS], size_t *state_len);

/* What the command needs besides what fits in struct config. */
struct callerns_state {
  char **env;         /* the environment, NULL-terminated */
  char *cwd;          /* in the sandbox */
  int *close;         /* fds the options consumed */
  size_t n_close;
  bool pidns;         /* the holder is the sandbox's pid 1 */
  uint64_t ns_ids[N_REPORTED_NS]; /* for --info-fd/--json-status-fd (namespaces.h) */
};
/* Monitor side, privileges gone: read the state into CFG (config_init()ed)
   and OUT; a malformed state is a fatal error. */
void callerns_receive_state(int sock, size_t len, struct config *cfg, struct callerns_state *out);

/* Monitor side, once the command is forked: a pidfd of it, to the holder,
   which keeps the sandbox until the command exits (even if the monitor
   dies first). */
void callerns_send_command(int sock, pid_t pid);
/* Holder side: that pidfd, or -1 if the monitor went away first. It is
   only ever polled. */
int callerns_receive_command(int sock);

#endif
