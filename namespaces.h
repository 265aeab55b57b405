/* namespaces.h: the setup process's namespaces (see namespaces.c). */
#ifndef FOIL_NAMESPACES_H
#define FOIL_NAMESPACES_H

#include <sys/types.h>
#include "foil.h"

/* Unshare the mount namespace and those the options ask for (root mode
   with --unshare-user: the user namespace first); bring up lo, set the
   hostname. May set cfg->unshare_user (root mode, --unshare-user-try). */
void unshare_namespaces(struct config *cfg);

/* Files of our own /proc that must be opened before pivot_root. */
struct userns_files {
  int proc_fd;    /* the host's /proc, kept across pivot_root */
  int limit_fd;   /* /proc/sys/user/max_user_namespaces of our user namespace */
};
void open_userns_files(const struct config *cfg, struct userns_files *f);

/* Write "child-pid" and the namespace ids to --info-fd/--json-status-fd
   (not with cfg->callerns: the monitor does, see below). */
void report_namespaces(const struct config *cfg, pid_t child_pid, int proc_fd);
/* The same in two steps: the ids of the namespaces the options created
   (PROC_FD: the host's /proc; of cgroup, ipc, mnt, net, pid, time, uts; 0 when
   not created), and the report itself. */
#define N_REPORTED_NS 7   /* cgroup, ipc, mnt, net, pid, time, uts */
struct namespace_ids {
  unsigned long long ino[N_REPORTED_NS];   /* 0: not reported */
};
void collect_namespace_ids(const struct config *cfg, int proc_fd, struct namespace_ids *ids);
void write_namespace_report(const struct config *cfg, pid_t child_pid, const struct namespace_ids *ids);
/* --unshare-pid/--pidns: returns in the future pid 1 of the sandbox (the
   others report to the monitor and leave, or wait). */
void enter_pid_namespace(struct config *cfg, int report_fd, int proc_fd);
/* After pivot_root: the payload's ids, in a nested user namespace when
   needed, and the limit on further user namespaces. */
void enter_final_user_namespace(const struct config *cfg, struct userns_files *f);

#endif
