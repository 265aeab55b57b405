/* overlay.c: overlayfs mounts for --overlay, --tmp-overlay and --ro-overlay,
 * made as detached mounts for bind-mount.c to attach: one layer per
 * "lowerdir+" parameter where the kernel has it (Linux 6.8), else one
 * option string through mount(2).
 */
#include "overlay.h"
#include "utils.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

/* The kernel unescapes upperdir and workdir values (a backslash quotes the
   next character; checked on Linux 6.18) but takes lowerdir+ values as they
   are: the former need their backslashes doubled. */
static char *overlay_escape(const char *path)
{
  char *out = xmalloc(2 * strlen(path) + 1), *d = out;

  for (; *path; path++)
    {
      if (*path == '\\')
        *d++ = '\\';
      *d++ = *path;
    }
  *d = '\0';
  return out;
}

static void overlay_set(int fs, const char *key, const char *value, const char *dest)
{
  bool kernel_unescapes = strcmp(key, "upperdir") == 0 || strcmp(key, "workdir") == 0;
  char *escaped = kernel_unescapes ? overlay_escape(value) : NULL;

  if (fsconfig(fs, FSCONFIG_SET_STRING, key, escaped ? escaped : value, 0) < 0)
    die_errno("Can't use %s for the overlay on %s", value, dest);
  free(escaped);
}

/* Whether overlayfs takes its layers one per "lowerdir+" parameter (Linux
   6.8 and later). Before 6.5 overlayfs has no parameters of its own: the VFS
   strings whatever fsconfig() is given into a legacy option string (any key,
   but no comma in a value) that overlayfs parses only at create time; such a
   context gives itself away by accepting an unknown flag. */
bool overlay_has_lowerdir_plus(void)
{
  static int known = -1;
  int fs;

  if (known >= 0)
    return known;
  fs = fsopen("overlay", FSOPEN_CLOEXEC);
  if (fs < 0)
    die_mount_api("Can't create an overlay for", "a feature probe");
  if (fsconfig(fs, FSCONFIG_SET_FLAG, "foil-no-such-option", NULL, 0) == 0)
    known = 0;
  else if (errno != EINVAL)
    die_errno("Can't probe the overlay parameters of this kernel");
  else if (fsconfig(fs, FSCONFIG_SET_STRING, "lowerdir+", "/", 0) == 0)
    known = 1;
  else if (errno == EINVAL)
    known = 0;
  else
    die_errno("Can't probe the overlay parameters of this kernel");
  close(fs);
  return known;
}

/* An overlay option string being built: overlayfs's own parser splits it at
   ',' and the lowerdir value at ':' unless a backslash precedes them, and
   drops every quoting backslash from the paths. */
struct opt_string {
  char *s;
  size_t len;
};

/* Appends SEP (unless first), then KEY, "=" and VALUE escaped, either of
   them NULL for none. */
static void opt_append(struct opt_string *o, char sep, const char *key, const char *value)
{
  size_t need = o->len + (key ? strlen(key) : 0) + 3 + (value ? 2 * strlen(value) : 0);
  char *d;

  o->s = xrealloc(o->s, need);
  d = o->s + o->len;
  if (o->len > 0)
    *d++ = sep;
  if (key != NULL)
    d = stpcpy(d, key);
  if (key != NULL && value != NULL)
    *d++ = '=';
  for (; value != NULL && *value; value++)
    {
      if (*value == '\\' || *value == ',' || *value == ':')
        *d++ = '\\';
      *d++ = *value;
    }
  *d = '\0';
  o->len = (size_t)(d - o->s);
}

/* Where lowerdir+ is missing: mount(2) with the one option string every
   kernel since 5.11 parses (fsconfig() refuses commas in legacy values), on
   the scratch dir DIR, and clone the result as a detached mount like
   fsmount's. */
int overlay_legacy_mount(const struct setup_op *op, bool userxattr, const char *upper,
                         const char *work, const char *dir)
{
  struct opt_string o = { NULL, 0 };
  int tree;

  /* Uppermost layer first, as with lowerdir+. */
  opt_append(&o, ',', "lowerdir", op->layers[op->n_layers - 1]);
  for (size_t i = op->n_layers - 1; i-- > 0;)
    opt_append(&o, ':', NULL, op->layers[i]);
  if (upper != NULL)
    {
      opt_append(&o, ',', "upperdir", upper);
      opt_append(&o, ',', "workdir", work);
    }
  if (userxattr)
    opt_append(&o, ',', "userxattr", NULL);
  /* mount(2) copies one page of options: more would be cut off. */
  if (o.len >= (size_t)sysconf(_SC_PAGESIZE))
    die("Can't mount overlay on %s: its layer paths are too long for this kernel "
        "(Linux 6.8 or later takes any length)", op->dest);
  if (mount("overlay", dir, "overlay", MS_NOSUID | MS_NODEV, o.s) < 0)
    die_errno("Can't mount overlay on %s", op->dest);
  tree = open_tree(AT_FDCWD, dir, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
  if (tree < 0)
    die_errno("Can't mount overlay on %s", op->dest);
  if (umount2(dir, MNT_DETACH) < 0)
    die_errno("Can't detach the scratch overlay for %s", op->dest);
  free(o.s);
  return tree;
}

/* The fd-based way, one layer per "lowerdir+" parameter. */
int overlay_fs_mount(const struct setup_op *op, bool userxattr, const char *upper,
                     const char *work)
{
  int fs = fsopen("overlay", FSOPEN_CLOEXEC), mnt;

  if (fs < 0)
    die_mount_api("Can't create an overlay for", op->dest);
  /* "lowerdir+" takes one layer per call, uppermost first. */
  for (size_t i = op->n_layers; i-- > 0;)
    overlay_set(fs, "lowerdir+", op->layers[i], op->dest);
  if (upper != NULL)
    {
      overlay_set(fs, "upperdir", upper, op->dest);
      overlay_set(fs, "workdir", work, op->dest);
    }
  if (userxattr && fsconfig(fs, FSCONFIG_SET_FLAG, "userxattr", NULL, 0) < 0)
    die_errno("Can't set userxattr for the overlay on %s", op->dest);
  if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
    die_errno("Can't mount overlay on %s", op->dest);
  mnt = fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
  if (mnt < 0)
    die_errno("Can't mount overlay on %s", op->dest);
  close(fs);
  return mnt;
}
