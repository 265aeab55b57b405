/* sources.c: the host paths the options name (bind sources, overlay
 * layers, upper and work directories), made canonical with the caller's own
 * rights before the new root is stacked on the host's "/" (see
 * resolve_sources() and SECURITY.md).
 */
#include "sources.h"
#include "utils.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Absolute, and every component a name (none empty, "." or ".."). */
static bool spelled_canonically(const char *path)
{
  if (path[0] != '/')
    return false;
  if (path[1] == '\0')
    return true;  /* "/" itself */
  for (const char *c = path + 1;; c += strcspn(c, "/") + 1)
    {
      size_t n = strcspn(c, "/");

      if (n == 0 || (n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
        return false;
      if (c[n] == '\0')
        return true;
    }
}

/* realpath() reads each component as a link, each time walking from "/":
   with 1000 binds that shows. A path spelled canonically that one openat2
   resolves without meeting a symlink is its own realpath(). */
static bool already_canonical(const char *path)
{
  struct open_how how = { .flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_NO_SYMLINKS };
  int fd;

  if (!spelled_canonically(path))
    return false;
  fd = (int)RETRY_EINTR(syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof how));
  if (fd < 0)
    return false;  /* a symlink on the way, or an error realpath() reports */
  close(fd);
  return true;
}

/* Replace *PATH by its canonical host path: absolute, with no "." or ".."
   and no symlink. False if it is missing and MAY_BE_MISSING allows that. */
static bool canonicalize_source(const char **path, bool may_be_missing)
{
  char *real;

  if (already_canonical(*path))
    return true;
  real = realpath(*path, NULL);
  if (real == NULL)
    {
      if (may_be_missing && errno == ENOENT)
        return false;
      die_errno("Can't find source path %s", *path);
    }
  *path = real;
  return true;
}

static void canonicalize_overlay(struct setup_op *op)
{
  for (size_t i = 0; i < op->n_layers; i++)
    canonicalize_source(&op->layers[i], false);
  if (op->flags & OVERLAY_RW)
    {
      canonicalize_source(&op->source, false);
      canonicalize_source(&op->workdir, false);
    }
}

/* Must run before new_root_create(). Once the new root is stacked on "/", a
   ".." that reaches "/" during a lookup steps into the mount stacked there
   (the kernel follows mounts after every step), so /etc/os-release ->
   ../usr/lib/os-release would be looked up in the new root. A canonical
   path never takes a ".." step. --bind-fd sources are fds: nothing to do. */
void resolve_sources(struct config *cfg)
{
  struct setup_op **link = &cfg->ops;

  while (*link != NULL)
    {
      struct setup_op *op = *link;

      if (op->type == OP_BIND && op->fd < 0 &&
          !canonicalize_source(&op->source, (op->flags & BIND_TRY) != 0))
        {
          *link = op->next;  /* a -try bind of a missing source does nothing */
          continue;
        }
      if (op->type == OP_OVERLAY)
        canonicalize_overlay(op);
      link = &op->next;
    }
  cfg->ops_tail = link;
}
