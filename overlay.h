/* overlay.h: overlayfs mounts, detached, for bind-mount.c to attach. */
#ifndef FOIL_OVERLAY_H
#define FOIL_OVERLAY_H

#include <stdbool.h>
#include "foil.h"

/* Whether overlayfs takes its layers one per "lowerdir+" parameter. */
bool overlay_has_lowerdir_plus(void);
/* A detached overlay of OP's layers, with UPPER and WORK (NULL: read-only)
   and userxattr if asked: the fd-based way, or mount(2) on the scratch
   directory DIR where lowerdir+ is missing. */
int overlay_fs_mount(const struct setup_op *op, bool userxattr, const char *upper,
                     const char *work);
int overlay_legacy_mount(const struct setup_op *op, bool userxattr, const char *upper,
                         const char *work, const char *dir);

#endif
