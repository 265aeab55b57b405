/* bind-mount.c: every mount foil makes, with the fd-based mount API.
 *
 * Sources are host paths, resolved with the caller's own rights and made
 * canonical (sources.c) before the new root is stacked on the host's "/";
 * overlays are made by overlay.c. Destinations are resolved only inside the
 * new root:
 * openat2(RESOLVE_IN_ROOT) clamps "..", absolute symlinks and "/oldroot"-style
 * links to the new root, and RESOLVE_NO_MAGICLINKS refuses /proc/self/root and
 * friends, so no symlink a user planted can make foil create or mount anything
 * on the host.
 * Each bind is open_tree(OPEN_TREE_CLONE|AT_RECURSIVE) + mount_setattr
 * (AT_RECURSIVE) + move_mount: constant work per bind, no mountinfo parsing,
 * and read-only/nosuid/nodev reach every submount of the source.
 */
#include "bind-mount.h"
#include "overlay.h"
#include "sources.h"
#include "utils.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* A second, close-on-exec handle on a mount: the first is consumed by attach(). */
static int dup_cloexec(int fd)
{
  int copy = fcntl(fd, F_DUPFD_CLOEXEC, 0);

  if (copy < 0)
    die_errno("Can't duplicate a mount fd");
  return copy;
}

static int resolve_in_root(int root_fd, const char *rel, int flags)
{
  struct open_how how = {
    .flags = (unsigned long long)(O_PATH | O_CLOEXEC | flags),
    .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
  };
  /* The kernel answers EAGAIN when a rename or mount anywhere on the system
     raced with a ".." step; that is a reason to try again, not to fail. */
  for (int attempt = 0;; attempt++)
    {
      int fd = (int)RETRY_EINTR(syscall(SYS_openat2, root_fd, *rel ? rel : ".", &how, sizeof how));
      if (fd >= 0 || errno != EAGAIN || attempt == 1000)
        return fd;
    }
}

int open_or_create_dir_in_root(int root_fd, const char *rel, mode_t mode)
{
  char *prefix;
  int parent, fd = resolve_in_root(root_fd, rel, O_DIRECTORY);

  if (fd >= 0 || errno != ENOENT)
    return fd;
  /* Walk from the root, creating each missing component under its resolved
     parent; every lookup is again confined to the new root. */
  prefix = xstrdup(rel);
  parent = resolve_in_root(root_fd, "", O_DIRECTORY);
  for (char *p = prefix; parent >= 0;)
    {
      char *end = strchrnul(p, '/'), *name;
      char saved = *end;

      *end = '\0';
      name = strrchr(prefix, '/');
      name = name ? name + 1 : prefix;
      fd = resolve_in_root(root_fd, prefix, O_DIRECTORY);
      /* Setup runs with umask 0, so MODE is the directory's mode. */
      if (fd < 0 && errno == ENOENT && mkdirat(parent, name, mode) == 0)
        fd = resolve_in_root(root_fd, prefix, O_DIRECTORY);
      close(parent);
      parent = fd;
      *end = saved;
      if (saved == '\0')
        break;
      p = end + 1;
    }
  free(prefix);
  return parent;
}

enum dest_kind { DEST_EXISTING, DEST_DIR, DEST_FILE };

/* bwrap's rule for directories created on the way to a destination: 0700,
   plus r-x for group and others where the operation's mode gives them any
   access; 0700 for operations without a mode (binds, --symlink, --proc...). */
static mode_t parent_mode(const struct setup_op *op)
{
  bool has_mode = op->type == OP_DIR || op->type == OP_FILE || op->type == OP_TMPFS ||
                  op->type == OP_BIND_DATA;
  mode_t p = has_mode ? op->perms : 0;

  return 0700 | ((p & 070) ? 050 : 0) | ((p & 07) ? 05 : 0);
}

/* The directory that will hold OP's destination, created (with bwrap's
   modes) where missing; *leaf gets the last component (free it). */
static int open_dest_parent(struct mount_ctx *ctx, const struct setup_op *op, char **leaf)
{
  char *rel = path_relative_to_root(op->dest), *parent_rel;
  int parent;

  path_split_leaf(rel, &parent_rel, leaf);
  parent = open_or_create_dir_in_root(ctx->root_fd, parent_rel, parent_mode(op));
  if (parent < 0)
    die_errno("Can't create parent directories of %s", op->dest);
  free(rel);
  free(parent_rel);
  return parent;
}

/* Open DEST (inside the new root) as an O_PATH fd, creating a directory or an
   empty 0444 file as the mount point when it is missing. */
static int open_dest(struct mount_ctx *ctx, const struct setup_op *op, enum dest_kind kind)
{
  const char *dest = op->dest;
  char *rel = path_relative_to_root(dest), *leaf;
  int parent, fd;

  fd = resolve_in_root(ctx->root_fd, rel, kind == DEST_DIR ? O_DIRECTORY : 0);
  if (fd >= 0 || errno != ENOENT || kind == DEST_EXISTING)
    goto out;
  parent = open_dest_parent(ctx, op, &leaf);
  if (kind == DEST_DIR)
    {
      if (mkdirat(parent, leaf, 0755) < 0 && errno != EEXIST)
        die_errno("Can't mkdir %s", dest);
    }
  else
    {
      /* O_EXCL never follows a symlink in the last component. */
      int f = openat(parent, leaf, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0444);
      if (f < 0 && errno != EEXIST)
        die_errno("Can't create file at %s", dest);
      if (f >= 0)
        close(f);
    }
  close(parent);
  free(leaf);
  fd = resolve_in_root(ctx->root_fd, rel, kind == DEST_DIR ? O_DIRECTORY : 0);
  if (fd < 0 && errno == ENOENT)
    die("Can't mount on %s: it is a dangling symbolic link", dest);
out:
  if (fd < 0)
    die_errno("Can't resolve %s inside the sandbox", dest);
  free(rel);
  return fd;
}

/* Move the detached tree onto dest_fd; a mount over "/" becomes the new top. */
static void attach(struct mount_ctx *ctx, int tree, int dest_fd, const char *dest, const char *what)
{
  char *rel = path_relative_to_root(dest);

  if (move_mount(tree, "", dest_fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    die_mount_api(what, dest);
  if (*rel == '\0')
    {
      close(ctx->root_fd);
      ctx->root_fd = tree;
      ctx->mounts_over_root++;
    }
  else
    close(tree);
  close(dest_fd);
  free(rel);
}

static void set_attrs(int tree, unsigned long long attrs, bool recursive, const char *what, const char *arg)
{
  struct mount_attr attr = { .attr_set = attrs };

  if (mount_setattr(tree, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &attr, sizeof attr) < 0)
    die_mount_api(what, arg);
}

/* A new, detached instance of a kernel file system. */
static int new_fs_mount(const char *fstype, const char *const *options, unsigned attrs, const char *dest)
{
  int fs = fsopen(fstype, FSOPEN_CLOEXEC), mnt;

  if (fs < 0)
    die_mount_api("Can't create a file system for", dest);
  for (; options && options[0]; options += 2)
    {
      int rc = options[1] ? fsconfig(fs, FSCONFIG_SET_STRING, options[0], options[1], 0)
                          : fsconfig(fs, FSCONFIG_SET_FLAG, options[0], NULL, 0);
      if (rc < 0)
        die_errno("Can't set option %s for %s on %s", options[0], fstype, dest);
    }
  if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
    die_errno("Can't mount %s on %s", fstype, dest);
  mnt = fsmount(fs, FSMOUNT_CLOEXEC, attrs);
  if (mnt < 0)
    die_errno("Can't mount %s on %s", fstype, dest);
  close(fs);
  return mnt;
}

/* A tmpfs with MODE and SIZE (0: the default), labelled with --file-label. */
static int new_tmpfs(const struct mount_ctx *ctx, mode_t mode, unsigned long long size,
                     const char *dest)
{
  char mode_str[16], size_str[32];
  const char *opts[7] = { "mode", mode_str, NULL };
  int n = 2;

  snprintf(mode_str, sizeof mode_str, "0%o", (unsigned)mode);
  snprintf(size_str, sizeof size_str, "%llu", size);
  if (size)
    {
      opts[n++] = "size";
      opts[n++] = size_str;
    }
  if (ctx->file_label != NULL)
    {
      opts[n++] = "context";
      opts[n++] = ctx->file_label;
    }
  opts[n] = NULL;
  return new_fs_mount("tmpfs", opts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, dest);
}

void new_root_create(struct mount_ctx *ctx)
{
  struct mount_attr unbindable = { .propagation = MS_UNBINDABLE };

  /* Safe: only changes propagation inside our own new mount namespace, so
     nothing we mount is ever seen by the host. */
  if (mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) < 0)
    die_errno("Can't make / a slave mount");
  ctx->root_fd = new_tmpfs(ctx, 0755, 0, "/");
  ctx->base_fd = dup_cloexec(ctx->root_fd);
  ctx->scratch_fd = -1;
  /* A recursive bind of a host path above it (--bind / /) must not copy the
     new root into itself. */
  if (mount_setattr(ctx->root_fd, "", AT_EMPTY_PATH, &unbindable, sizeof unbindable) < 0)
    die_mount_api("Can't make the new root unbindable:", "/");
  /* Stack the root tmpfs on "/": path lookups keep starting at the host root
     (mounts stacked on the start of a lookup are not entered) until pivot. */
  if (move_mount(ctx->root_fd, "", AT_FDCWD, "/", MOVE_MOUNT_F_EMPTY_PATH) < 0)
    die_mount_api("Can't attach the new root tmpfs on", "/");
}

/* The caller's fd names a mount of the caller's mount namespace, which the
   kernel will not clone into ours: bind the path it has now, then check that
   the result is the very same inode, so a rename in between is caught. */
static int open_tree_of_fd(struct mount_ctx *ctx, const struct setup_op *op)
{
  char link[32], path[4096];
  struct stat want, got;
  ssize_t n;
  int tree;

  snprintf(link, sizeof link, "self/fd/%d", op->fd);
  if (fstat(op->fd, &want) < 0)
    die_errno("Can't use %s %d", op->option, op->fd);
  n = readlinkat(ctx->proc_fd, link, path, sizeof path - 1);
  if (n < 0 || path[0] != '/')
    die("Can't use %s %d: it has no path", op->option, op->fd);
  path[n] = '\0';
  tree = open_tree(AT_FDCWD, path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
  if (tree < 0)
    die_errno("Can't bind %s %d (%s)", op->option, op->fd, path);
  if (fstat(tree, &got) < 0 || got.st_dev != want.st_dev || got.st_ino != want.st_ino)
    die("Can't bind %s %d: %s changed while it was being bound", op->option, op->fd, path);
  close(op->fd);
  return tree;
}

static void op_bind(struct mount_ctx *ctx, const struct setup_op *op)
{
  unsigned long long attrs = MOUNT_ATTR_NOSUID;
  struct stat st;
  int tree;

  if (op->fd >= 0)
    tree = open_tree_of_fd(ctx, op);
  else
    tree = open_tree(AT_FDCWD, op->source, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
  if (tree < 0)
    {
      if ((op->flags & BIND_TRY) && errno == ENOENT)
        return;
      if (errno == ENOSYS)
        die_mount_api("Can't bind", op->source);
      die_errno("Can't find source path %s", op->source);
    }
  if (fstat(tree, &st) < 0)
    die_errno("Can't stat source path %s", op->source);
  if (!(op->flags & BIND_DEVICES))
    attrs |= MOUNT_ATTR_NODEV;
  if (op->flags & BIND_READONLY)
    attrs |= MOUNT_ATTR_RDONLY;
  set_attrs(tree, attrs, true, "Can't set mount flags of bind from", op->source);
  attach(ctx, tree, open_dest(ctx, op, S_ISDIR(st.st_mode) ? DEST_DIR : DEST_FILE),
         op->dest, "Can't bind mount on");
}

static void op_remount_ro(struct mount_ctx *ctx, const struct setup_op *op)
{
  int fd = open_dest(ctx, op, DEST_EXISTING);

  set_attrs(fd, MOUNT_ATTR_RDONLY, false, "Can't remount readonly on", op->dest);
  close(fd);
}

/* Parts of /proc that must not be writable even by the sandbox's root. */
static void cover_proc_paths(int proc_mnt)
{
  static const char *const read_only[] = { "sys", "sysrq-trigger", "irq", "bus" };

  for (size_t i = 0; i < sizeof read_only / sizeof read_only[0]; i++)
    {
      int sub = open_tree(proc_mnt, read_only[i], OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
      if (sub < 0)
        {
          if (errno == ENOENT || errno == EACCES || errno == EPERM)
            continue;
          die_errno("Can't cover /proc/%s", read_only[i]);
        }
      set_attrs(sub, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, true,
                "Can't remount readonly", read_only[i]);
      if (move_mount(sub, "", proc_mnt, read_only[i], MOVE_MOUNT_F_EMPTY_PATH) < 0)
        die_errno("Can't cover /proc/%s", read_only[i]);
      close(sub);
    }
}

static void op_proc(struct mount_ctx *ctx, const struct setup_op *op)
{
  const unsigned attrs = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
  int mnt, keep;

  if (ctx->fresh_proc)
    mnt = new_fs_mount("proc", NULL, attrs, op->dest);
  else
    {
      /* Without a pid namespace a new procfs would show the same pids: bind the host's. */
      mnt = open_tree(AT_FDCWD, "/proc", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
      if (mnt < 0)
        die_mount_api("Can't bind /proc on", op->dest);
      set_attrs(mnt, attrs, true, "Can't set mount flags of /proc on", op->dest);
    }
  keep = dup_cloexec(mnt);
  attach(ctx, mnt, open_dest(ctx, op, DEST_DIR), op->dest, "Can't mount proc on");
  cover_proc_paths(keep);
  close(keep);
}

static void bind_host_node(int dev_fd, const char *host_path, const char *name, const char *dest)
{
  int f = openat(dev_fd, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0444);
  int tree;

  if (f < 0)
    die_errno("Can't create %s/%s", dest, name);
  close(f);
  tree = open_tree(AT_FDCWD, host_path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
  if (tree < 0)
    die_errno("Can't bind %s into %s", host_path, dest);
  set_attrs(tree, MOUNT_ATTR_NOSUID, false, "Can't set mount flags of", host_path);
  if (move_mount(tree, "", dev_fd, name, MOVE_MOUNT_F_EMPTY_PATH) < 0)
    die_errno("Can't bind %s into %s", host_path, dest);
  close(tree);
}

static void make_dev_symlinks(int dev_fd, const char *dest)
{
  static const char *const links[][2] = {
    { "stdin", "/proc/self/fd/0" }, { "stdout", "/proc/self/fd/1" },
    { "stderr", "/proc/self/fd/2" }, { "fd", "/proc/self/fd" },
    { "core", "/proc/kcore" }, { "ptmx", "pts/ptmx" },
  };

  for (size_t i = 0; i < sizeof links / sizeof links[0]; i++)
    if (symlinkat(links[i][1], dev_fd, links[i][0]) < 0)
      die_errno("Can't create symlink %s/%s", dest, links[i][0]);
}

static void op_dev(struct mount_ctx *ctx, const struct setup_op *op)
{
  static const char *const nodes[] = { "null", "zero", "full", "random", "urandom", "tty" };
  static const char *const devpts_opts[] = { "newinstance", NULL, "ptmxmode", "0666", "mode", "620", NULL };
  int mnt = new_tmpfs(ctx, 0755, 0, op->dest), dev_fd, pts;
  char host_path[64], tty[256];

  dev_fd = dup_cloexec(mnt);
  attach(ctx, mnt, open_dest(ctx, op, DEST_DIR), op->dest, "Can't mount tmpfs on");
  for (size_t i = 0; i < sizeof nodes / sizeof nodes[0]; i++)
    {
      snprintf(host_path, sizeof host_path, "/dev/%s", nodes[i]);
      bind_host_node(dev_fd, host_path, nodes[i], op->dest);
    }
  make_dev_symlinks(dev_fd, op->dest);
  if (mkdirat(dev_fd, "shm", 0755) < 0 || mkdirat(dev_fd, "pts", 0755) < 0)
    die_errno("Can't create directories in %s", op->dest);
  pts = new_fs_mount("devpts", devpts_opts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, op->dest);
  if (move_mount(pts, "", dev_fd, "pts", MOVE_MOUNT_F_EMPTY_PATH) < 0)
    die_errno("Can't mount devpts on %s/pts", op->dest);
  close(pts);
  /* Programs that look up their terminal's name expect /dev/console to be it. */
  if (isatty(1) && ttyname_r(1, tty, sizeof tty) == 0 && strncmp(tty, "/dev/", 5) == 0)
    bind_host_node(dev_fd, tty, "console", op->dest);
  close(dev_fd);
}

static void op_tmpfs(struct mount_ctx *ctx, const struct setup_op *op)
{
  int mnt = new_tmpfs(ctx, op->perms, op->size, op->dest);

  attach(ctx, mnt, open_dest(ctx, op, DEST_DIR), op->dest, "Can't mount tmpfs on");
}

static void op_mqueue(struct mount_ctx *ctx, const struct setup_op *op)
{
  int mnt = new_fs_mount("mqueue", NULL, 0, op->dest);

  attach(ctx, mnt, open_dest(ctx, op, DEST_DIR), op->dest, "Can't mount mqueue on");
}

/* Reach an O_PATH fd's inode by path: chmod has no fd-only form for O_PATH. */
static void chmod_fd(struct mount_ctx *ctx, int fd, mode_t mode, const char *dest)
{
  char path[32];

  snprintf(path, sizeof path, "self/fd/%d", fd);
  if (fchmodat(ctx->proc_fd, path, mode, 0) < 0)
    die_errno("Can't chmod %#o %s", (unsigned)mode, dest);
}

static void op_dir(struct mount_ctx *ctx, const struct setup_op *op)
{
  char *rel = path_relative_to_root(op->dest);
  int fd = resolve_in_root(ctx->root_fd, rel, O_DIRECTORY);

  /* An existing directory keeps its mode; a new one gets --perms (0755). */
  if (fd < 0 && errno == ENOENT)
    {
      char *leaf;

      close(open_dest_parent(ctx, op, &leaf));
      free(leaf);
      fd = open_or_create_dir_in_root(ctx->root_fd, rel, op->perms & 0777);
      if (fd >= 0 && op->perms != (op->perms & 0777))
        chmod_fd(ctx, fd, op->perms, op->dest);
    }
  if (fd < 0)
    die_errno("Can't mkdir %s", op->dest);
  close(fd);
  free(rel);
}

static void op_symlink(struct mount_ctx *ctx, const struct setup_op *op)
{
  char *leaf;
  int parent = open_dest_parent(ctx, op, &leaf);

  if (*leaf == '\0')
    die("Can't make symlink at %s: it is the root", op->dest);
  if (symlinkat(op->source, parent, leaf) < 0)
    {
      char existing[4096];
      ssize_t n;

      if (errno != EEXIST)
        die_errno("Can't make symlink at %s", op->dest);
      /* Like bwrap >= 0.9: an identical symlink already there is fine. */
      n = readlinkat(parent, leaf, existing, sizeof existing - 1);
      if (n < 0)
        die_errno("Can't make symlink at %s", op->dest);
      existing[n] = '\0';
      if (strcmp(existing, op->source) != 0)
        die("Can't make symlink at %s: existing destination is %s", op->dest, existing);
    }
  close(parent);
  free(leaf);
}

static void op_chmod(struct mount_ctx *ctx, const struct setup_op *op)
{
  int fd = open_dest(ctx, op, DEST_EXISTING);

  chmod_fd(ctx, fd, op->perms, op->dest);
  close(fd);
}

/* Copy the data of OP's fd (--file, --bind-data) into TO. */
static void copy_fd_to(const struct setup_op *op, int to)
{
  char buf[65536];
  ssize_t n;

  while ((n = RETRY_EINTR(read(op->fd, buf, sizeof buf))) > 0)
    if (write_all(to, buf, (size_t)n) < 0)
      die_errno("Can't write %s", op->dest);
  if (n < 0)
    die_errno("Can't read %s fd %d for %s", op->option, op->fd, op->dest);
}

static void op_file(struct mount_ctx *ctx, const struct setup_op *op)
{
  char *leaf;
  int parent = open_dest_parent(ctx, op, &leaf), fd;

  /* O_NOFOLLOW: a symlink at the destination is refused, never followed. */
  fd = openat(parent, leaf, O_CREAT | O_WRONLY | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, op->perms);
  if (fd < 0)
    die_errno("Can't create file at %s", op->dest);
  copy_fd_to(op, fd);
  if (fchmod(fd, op->perms) < 0 || close(fd) < 0)
    die_errno("Can't write %s", op->dest);
  close(op->fd);
  close(parent);
  free(leaf);
}

/* --bind-data needs files to bind from, and the root tmpfs is unbindable:
   they live on a private scratch tmpfs attached under a fresh directory of
   the root tmpfs, and detached (directory removed) before pivot_root. */
static int scratch_mount(struct mount_ctx *ctx)
{
  for (unsigned i = 0; ctx->scratch_fd < 0; i++)
    {
      snprintf(ctx->scratch_name, sizeof ctx->scratch_name, ".foil-scratch-%u", i);
      if (mkdirat(ctx->base_fd, ctx->scratch_name, 0700) < 0)
        {
          if (errno == EEXIST)
            continue;
          die_errno("Can't create a scratch directory for --bind-data");
        }
      ctx->scratch_fd = new_tmpfs(ctx, 0700, 0, "--bind-data");
      if (move_mount(ctx->scratch_fd, "", ctx->base_fd, ctx->scratch_name, MOVE_MOUNT_F_EMPTY_PATH) < 0)
        die_errno("Can't mount a scratch tmpfs for --bind-data");
    }
  return ctx->scratch_fd;
}

static void scratch_remove(struct mount_ctx *ctx)
{
  char path[64];

  if (ctx->scratch_fd < 0)
    return;
  /* umount2 takes no dirfd: name the mount through our own fd to it. */
  snprintf(path, sizeof path, "/proc/self/fd/%d", ctx->scratch_fd);
  if (umount2(path, MNT_DETACH) < 0)
    die_errno("Can't detach the scratch tmpfs");
  close(ctx->scratch_fd);
  ctx->scratch_fd = -1;
  if (unlinkat(ctx->base_fd, ctx->scratch_name, AT_REMOVEDIR) < 0)
    die_errno("Can't remove the scratch directory");
}

/* --bind-data, --ro-bind-data: copy FD into a file on the scratch tmpfs and
   bind that file onto DEST; no other path leads to it once the scratch tmpfs
   is detached. */
static void op_bind_data(struct mount_ctx *ctx, const struct setup_op *op)
{
  char name[32];
  int scratch = scratch_mount(ctx), fd, tree;

  snprintf(name, sizeof name, "%u", ctx->scratch_files++);
  fd = openat(scratch, name, O_CREAT | O_EXCL | O_RDWR | O_NOFOLLOW | O_CLOEXEC, op->perms);
  if (fd < 0)
    die_errno("Can't create the data file for %s", op->dest);
  copy_fd_to(op, fd);
  if (fchmod(fd, op->perms) < 0)
    die_errno("Can't chmod the data file for %s", op->dest);
  close(op->fd);
  close(fd);
  tree = open_tree(scratch, name, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
  if (tree < 0)
    die_errno("Can't bind the data for %s", op->dest);
  set_attrs(tree, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | ((op->flags & BIND_READONLY) ? MOUNT_ATTR_RDONLY : 0),
            false, "Can't set mount flags for", op->dest);
  attach(ctx, tree, open_dest(ctx, op, DEST_FILE), op->dest, "Can't bind mount on");
}

/* A fresh directory on the scratch tmpfs, for mount(2) to use: its path
   through /proc/self/fd, in BUF. */
static const char *new_scratch_dir(struct mount_ctx *ctx, const struct setup_op *op, char *buf,
                                   size_t size)
{
  int scratch = scratch_mount(ctx);

  snprintf(buf, size, "m%u", ctx->scratch_files++);
  if (mkdirat(scratch, buf, 0700) < 0)
    die_errno("Can't create a scratch directory for the overlay on %s", op->dest);
  snprintf(buf, size, "/proc/self/fd/%d/m%u", scratch, ctx->scratch_files - 1);
  return buf;
}

/* --overlay, --tmp-overlay, --ro-overlay (never in setuid mode, see
   SECURITY.md): the kernel resolves the layer paths, canonical host paths by
   now, with our credentials, which are the caller's own. */
static void op_overlay(struct mount_ctx *ctx, const struct setup_op *op)
{
  char upper[64], work[64];
  const char *up = NULL, *wk = NULL;
  bool userxattr = ctx->in_user_namespace && !(op->flags & OVERLAY_RO);
  int mnt;

  if (op->flags & OVERLAY_RW)
    {
      up = op->source;
      wk = op->workdir;
    }
  else if (op->flags & OVERLAY_TMP)
    {
      int scratch = scratch_mount(ctx);

      snprintf(upper, sizeof upper, "u%u", ctx->scratch_files);
      snprintf(work, sizeof work, "w%u", ctx->scratch_files++);
      if (mkdirat(scratch, upper, 0755) < 0 || mkdirat(scratch, work, 0755) < 0)
        die_errno("Can't create the upper layer for %s", op->dest);
      snprintf(upper, sizeof upper, "/proc/self/fd/%d/u%u", scratch, ctx->scratch_files - 1);
      snprintf(work, sizeof work, "/proc/self/fd/%d/w%u", scratch, ctx->scratch_files - 1);
      up = upper;
      wk = work;
    }
  if (overlay_has_lowerdir_plus())
    mnt = overlay_fs_mount(op, userxattr, up, wk);
  else
    {
      char dir[64];

      mnt = overlay_legacy_mount(op, userxattr, up, wk, new_scratch_dir(ctx, op, dir, sizeof dir));
    }
  attach(ctx, mnt, open_dest(ctx, op, DEST_DIR), op->dest, "Can't mount overlay on");
}

typedef void (*op_runner)(struct mount_ctx *ctx, const struct setup_op *op);

static const op_runner op_runners[OP_COUNT] = {
  [OP_BIND] = op_bind,     [OP_REMOUNT_RO] = op_remount_ro, [OP_PROC] = op_proc,
  [OP_DEV] = op_dev,       [OP_TMPFS] = op_tmpfs,           [OP_MQUEUE] = op_mqueue,
  [OP_DIR] = op_dir,       [OP_SYMLINK] = op_symlink,       [OP_CHMOD] = op_chmod,
  [OP_FILE] = op_file,     [OP_BIND_DATA] = op_bind_data,   [OP_OVERLAY] = op_overlay,
};

void run_setup_op(struct mount_ctx *ctx, const struct setup_op *op)
{
  op_runners[op->type](ctx, op);
}

void pivot_into_new_root(struct mount_ctx *ctx)
{
  scratch_remove(ctx);
  if (fchdir(ctx->root_fd) < 0)
    die_errno("Can't enter the new root");
  /* The old root ends up stacked on the new one, carrying the root tmpfs and
     every mount made over "/" before the last one; each umount takes the top
     of that stack, the old root last. Then no path leads back to the host. */
  if (syscall(SYS_pivot_root, ".", ".") < 0)
    die_errno("pivot_root");
  for (int i = 0; i <= ctx->mounts_over_root; i++)
    if (umount2(".", MNT_DETACH) < 0)
      die_errno("Can't detach the old root");
  if (chdir("/") < 0)
    die_errno("chdir /");
  close(ctx->root_fd);
  close(ctx->base_fd);
  ctx->root_fd = ctx->base_fd = -1;
}
