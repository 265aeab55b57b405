/* bind-mount.h: building the sandbox's root file system (everything that mounts). */
#ifndef FOIL_BIND_MOUNT_H
#define FOIL_BIND_MOUNT_H

#include <stdbool.h>
#include "foil.h"

struct mount_ctx {
  int root_fd;       /* topmost mount at the sandbox's "/" (changes if "/" is mounted over) */
  int base_fd;       /* the root tmpfs itself, even when covered */
  int scratch_fd;    /* private tmpfs holding --bind-data files, or -1 */
  char scratch_name[32];
  unsigned scratch_files;
  bool fresh_proc;   /* in a new pid namespace: --proc mounts a new procfs */
  bool in_user_namespace; /* overlays then keep their metadata in user.* xattrs */
  int mounts_over_root; /* how many operations mounted something on "/" */
  int proc_fd;       /* the host's /proc, for reaching O_PATH fds by path */
  const char *file_label; /* --file-label: SELinux context of every tmpfs foil mounts, or NULL */
};

/* Make every mount a slave of the host's, then attach a fresh tmpfs as the
   future root. Host paths stay reachable until pivot_into_new_root(). */
void new_root_create(struct mount_ctx *ctx);
/* Run one operation; destinations are resolved only inside the new root. */
void run_setup_op(struct mount_ctx *ctx, const struct setup_op *op);
/* pivot_root into the new root and detach the host's root for good. */
void pivot_into_new_root(struct mount_ctx *ctx);

/* Exposed for unit tests: open (creating missing directories with MODE)
   the directory REL inside the root; -1 with errno on failure. */
int open_or_create_dir_in_root(int root_fd, const char *rel, mode_t mode);

#endif
