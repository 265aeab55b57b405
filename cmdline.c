/* cmdline.c: foil's command line, turned into a struct config and an
 * ordered list of setup operations (foil.h). Nothing here has any effect
 * beyond the config but reading the fds the options name (--args,
 * --seccomp) and the environment options: in setuid mode it runs in the
 * setup process, after the privileged start is over.
 */
#include "cmdline.h"
#include "lockdown.h"
#include "utils.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_SECCOMP_INSNS 4096   /* BPF_MAXINSNS: the kernel's limit per program */
#define CAPS_ALL ((CAP_LAST_CAP >= 63) ? ~0ULL : ((1ULL << (CAP_LAST_CAP + 1)) - 1))

void config_init(struct config *cfg, enum run_mode mode, uid_t uid, gid_t gid)
{
  memset(cfg, 0, sizeof *cfg);
  cfg->mode = mode;
  cfg->caller_uid = uid;
  cfg->caller_gid = gid;
  cfg->ops_tail = &cfg->ops;
  cfg->seccomp_tail = &cfg->seccomp;
  cfg->block_fd = cfg->info_fd = cfg->json_status_fd = cfg->sync_fd = -1;
  cfg->userns_fd = cfg->userns2_fd = cfg->pidns_fd = cfg->userns_block_fd = -1;
  cfg->reserved_fd = -1;
}

void print_usage(FILE *out)
{
  fprintf(out,
          "usage: %s [OPTIONS...] [--] COMMAND [ARGS...]\n\n"
          "    --help                       Print this help\n"
          "    --version                    Print version\n"
          "    --unshare-all                Unshare every namespace we support by default\n"
          "    --share-net                  Retain the network namespace (after --unshare-all)\n"
          "    --unshare-user               Create new user namespace\n"
          "    --unshare-user-try           Create new user namespace if possible\n"
          "    --unshare-ipc                Create new ipc namespace\n"
          "    --unshare-pid                Create new pid namespace\n"
          "    --unshare-net                Create new network namespace\n"
          "    --unshare-uts                Create new uts namespace\n"
          "    --unshare-cgroup             Create new cgroup namespace\n"
          "    --unshare-cgroup-try         Create new cgroup namespace if possible\n"
          "    --uid UID                    Custom uid in the sandbox\n"
          "    --gid GID                    Custom gid in the sandbox\n"
          "    --hostname NAME              Custom hostname in the sandbox (needs --unshare-uts)\n"
          "    --chdir DIR                  Change directory to DIR\n"
          "    --clearenv                   Unset all environment variables\n"
          "    --setenv VAR VALUE           Set an environment variable\n"
          "    --unsetenv VAR               Unset an environment variable\n"
          "    --bind SRC DEST              Bind mount the host path SRC on DEST\n"
          "    --bind-try SRC DEST          Equal to --bind but ignores non-existent SRC\n"
          "    --dev-bind SRC DEST          Bind mount SRC on DEST, allowing device access\n"
          "    --dev-bind-try SRC DEST      Equal to --dev-bind but ignores non-existent SRC\n"
          "    --ro-bind SRC DEST           Bind mount SRC read-only on DEST (recursively)\n"
          "    --ro-bind-try SRC DEST       Equal to --ro-bind but ignores non-existent SRC\n"
          "    --remount-ro DEST            Remount DEST as readonly; does not recursively remount\n"
          "    --proc DEST                  Mount new procfs on DEST\n"
          "    --dev DEST                   Mount new dev on DEST\n"
          "    --tmpfs DEST                 Mount new tmpfs on DEST\n"
          "    --mqueue DEST                Mount new mqueue on DEST\n"
          "    --dir DEST                   Create dir at DEST\n"
          "    --symlink SRC DEST           Create symlink at DEST with target SRC\n"
          "    --seccomp FD                 Load and use seccomp rules from FD (not repeatable)\n"
          "    --add-seccomp-fd FD          Load and use seccomp rules from FD (repeatable)\n"
          "    --new-session                Create a new terminal session\n"
          "    --die-with-parent            Kills with SIGKILL child process (COMMAND) when foil or "
          "its parent dies\n"
          "    --as-pid-1                   Do not install a reaper process with PID=1\n"
          "    --disable-userns             Disable further use of user namespaces inside sandbox\n"
          "    --assert-userns-disabled     Fail unless further use of user namespace inside sandbox "
          "is disabled\n"
          "    --cap-add CAP                Add cap CAP when running as privileged user\n"
          "    --cap-drop CAP               Drop cap CAP when running as privileged user\n"
          "    --args FD                    Parse NUL-separated args from FD\n"
          "    --argv0 VALUE                Set argv[0] to the value VALUE before running the program\n"
          "    --level-prefix               Prepend e.g. <3> to diagnostic messages\n"
          "    --bind-fd FD DEST            Bind open directory or path fd on DEST\n"
          "    --ro-bind-fd FD DEST         Bind open directory or path fd read-only on DEST\n"
          "    --file FD DEST               Copy from FD to file DEST\n"
          "    --chmod OCTAL PATH           Change permissions of PATH (must already exist)\n"
          "    --perms OCTAL                Set permissions of next argument (--dir, --file, --tmpfs)\n"
          "    --size BYTES                 Set size of next argument (only for --tmpfs)\n"
          "    --info-fd FD                 Write information about the running container to FD\n"
          "    --json-status-fd FD          Write container status to FD with multiple JSON objects\n"
          "    --block-fd FD                Block on FD until some data to read is available\n"
          "    --sync-fd FD                 Keep this fd open while sandbox is running\n"
          "    --bind-data FD DEST          Copy from FD to file which is bind-mounted on DEST\n"
          "    --ro-bind-data FD DEST       Copy from FD to file which is readonly bind-mounted on DEST\n"
          "    --overlay-src SRC            Read files from SRC in the following overlay\n"
          "    --overlay RWSRC WORKDIR DEST Mount overlayfs on DEST, with RWSRC as the host path for\n"
          "                                 writes and WORKDIR an empty directory on the same fs\n"
          "    --tmp-overlay DEST           Mount overlayfs on DEST, with writes going to an invisible tmpfs\n"
          "    --ro-overlay DEST            Mount overlayfs read-only on DEST\n"
          "    --lock-file DEST             Take a lock on DEST while sandbox is running\n"
          "    --userns FD                  Use this user namespace (cannot combine with --unshare-user)\n"
          "    --userns2 FD                 After setup switch to this user namespace\n"
          "    --pidns FD                   Use this pid namespace\n"
          "    --userns-block-fd FD         Block on FD until the user namespace is ready\n"
          "    --exec-label LABEL           Exec label for the sandbox\n"
          "    --file-label LABEL           File label for temporary sandbox content\n"
          "    --close-fds                  (foil) Close every inherited fd above 2 before running COMMAND\n"
          "    --keep-fd FD                 (foil) With --close-fds, still pass FD on to COMMAND\n"
          "    --forward-signals            (foil) Forward INT, TERM, HUP, QUIT, USR1, USR2 to COMMAND\n"
          "    --setup-error-status N       (foil) Exit with N when foil itself fails\n",
          prog_path);
}

/* bwrap's default modes: directories and tmpfs 0755, --file 0666. */
static mode_t default_perms(enum op_type type)
{
  return type == OP_FILE ? 0666 : type == OP_BIND_DATA ? 0600 : 0755;
}

static struct setup_op *add_op(struct config *cfg, enum op_type type, const char *option,
                               unsigned flags, const char *source, const char *dest)
{
  struct setup_op *op = xcalloc(1, sizeof *op);

  op->type = type;
  op->option = option;
  op->flags = flags;
  op->source = source;
  op->dest = dest;
  op->fd = -1;
  op->perms = default_perms(type);
  if (cfg->has_pending_perms &&
      (type == OP_DIR || type == OP_FILE || type == OP_TMPFS || type == OP_BIND_DATA))
    {
      op->perms = cfg->pending_perms;
      cfg->has_pending_perms = false;
    }
  if (cfg->has_pending_size && type == OP_TMPFS)
    {
      op->size = cfg->pending_size;
      cfg->has_pending_size = false;
    }
  *cfg->ops_tail = op;
  cfg->ops_tail = &op->next;
  return op;
}

/* How an option uses the fd it names: a consumed fd is closed by foil once
   read or written, so no other option may name it (foil's own fds could
   take its number by then). */
enum fd_use { FD_SHARED, FD_CONSUMED };

static void record_fd_use(struct config *cfg, const char *option, int fd, enum fd_use use)
{
  for (size_t i = 0; i < cfg->n_fd_uses; i++)
    if (cfg->fd_uses[i].fd == fd && (use == FD_CONSUMED || cfg->fd_uses[i].consumed))
      die("%s: fd %d is already used by %s", option, fd, cfg->fd_uses[i].option);
  cfg->fd_uses = xrealloc(cfg->fd_uses, sizeof *cfg->fd_uses * (cfg->n_fd_uses + 1));
  cfg->fd_uses[cfg->n_fd_uses].fd = fd;
  cfg->fd_uses[cfg->n_fd_uses].option = option;
  cfg->fd_uses[cfg->n_fd_uses].consumed = use == FD_CONSUMED;
  cfg->n_fd_uses++;
}

/* An fd argument must name an fd the caller passed: open now, and not one of
   foil's own (only the report pipe exists when setuid mode parses). bwrap's
   wording for a malformed number: its test suite matches "Invalid fd: VALUE". */
static int parse_fd_arg(struct config *cfg, const char *option, const char *arg, enum fd_use use)
{
  int fd;

  if (!parse_fd(arg, &fd))
    die("Invalid fd: %s", arg);
  record_fd_use(cfg, option, fd, use);
  if (fd == cfg->reserved_fd || fcntl(fd, F_GETFD) < 0)
    die("%s: fd %d is not open", option, fd);
  return fd;
}

/* Read one raw BPF program and check what the kernel would check, so that a
   bad program is reported by option name before anything is set up. */
static void read_seccomp_program(struct config *cfg, const char *option, const char *fd_arg)
{
  struct seccomp_program *prog;
  char *data;
  size_t len;
  int fd = parse_fd_arg(cfg, option, fd_arg, FD_CONSUMED);

  if (read_all(fd, MAX_SECCOMP_INSNS * sizeof(struct sock_filter), &data, &len) < 0)
    {
      if (errno == E2BIG)
        die("Invalid seccomp data from %s %s: more than %d instructions", option, fd_arg,
            MAX_SECCOMP_INSNS);
      die_errno("Can't read seccomp data from %s %s", option, fd_arg);
    }
  close(fd);
  /* bwrap's test suite and its callers match bwrap's exact line, which
     names no fd: under that name foil keeps it. */
  if (len % sizeof(struct sock_filter) != 0 && strcmp(prog_name, "bwrap") == 0)
    die("Invalid seccomp data, must be multiple of 8");
  if (len % sizeof(struct sock_filter) != 0)
    die("Invalid seccomp data from %s %s: %zu bytes, not a multiple of 8", option, fd_arg, len);
  if (len == 0)
    die("Invalid seccomp data from %s %s: the program is empty", option, fd_arg);
  prog = xcalloc(1, sizeof *prog);
  prog->option = option;
  prog->fd = fd;
  prog->len = (unsigned short)(len / sizeof(struct sock_filter));
  prog->insns = data;
  *cfg->seccomp_tail = prog;
  cfg->seccomp_tail = &prog->next;
}

static void apply_capability_option(struct config *cfg, const char *option, const char *name)
{
  uint64_t mask;

  if (strcasecmp(name, "ALL") == 0)
    mask = CAPS_ALL;
  else
    {
      int cap = capability_from_name(name);
      if (cap < 0 || cap > CAP_LAST_CAP)
        die("%s: unknown capability %s", option, name);
      mask = 1ULL << cap;
    }
  cfg->caps_changed = true;
  if (strcmp(option, "--cap-add") == 0)
    {
      cfg->caps_add |= mask;
      cfg->caps_drop &= ~mask;
    }
  else
    {
      cfg->caps_drop |= mask;
      cfg->caps_add &= ~mask;
    }
}

static uid_t parse_id(const char *option, const char *arg)
{
  unsigned long v;

  /* (uid_t)-1 means "unchanged" to the kernel, so it can't be a sandbox id. */
  if (!parse_uint(arg, 0xfffffffeUL, &v))
    die("%s takes a numeric id, not \"%s\"", option, arg);
  return (uid_t)v;
}

/* Each option is one table entry and one handler; handlers get their
   arguments already counted. */
typedef void (*option_handler)(struct config *cfg, const char *option, char **args);

static void opt_help(struct config *c, const char *o, char **a)
{
  print_usage(stdout);
  exit(0);
}
/* Invoked as bwrap, the version is bubblewrap's: callers such as BuildStream
   read the second word as X.Y.Z and pick options by it. */
void print_version(void)
{
  if (strcmp(prog_name, "bwrap") == 0)
    printf("bubblewrap %s (foil %s)\n", BWRAP_COMPAT_VERSION, FOIL_VERSION);
  else
    printf("foil %s (bubblewrap %s compatible)\n", FOIL_VERSION, BWRAP_COMPAT_VERSION);
}
static void opt_version(struct config *c, const char *o, char **a)
{
  print_version();
  exit(0);
}
static void opt_unshare_all(struct config *c, const char *o, char **a)
{
  c->unshare_user_try = c->unshare_ipc = c->unshare_pid = c->unshare_net = true;
  c->unshare_uts = c->unshare_cgroup_try = true;
}
static void opt_share_net(struct config *c, const char *o, char **a) { c->unshare_net = false; }
static void opt_unshare_user(struct config *c, const char *o, char **a) { c->unshare_user = true; }
static void opt_unshare_user_try(struct config *c, const char *o, char **a) { c->unshare_user_try = true; }
static void opt_unshare_ipc(struct config *c, const char *o, char **a) { c->unshare_ipc = true; }
static void opt_unshare_pid(struct config *c, const char *o, char **a) { c->unshare_pid = true; }
static void opt_unshare_net(struct config *c, const char *o, char **a) { c->unshare_net = true; }
static void opt_unshare_uts(struct config *c, const char *o, char **a) { c->unshare_uts = true; }
static void opt_unshare_cgroup(struct config *c, const char *o, char **a) { c->unshare_cgroup = true; }
static void opt_unshare_cgroup_try(struct config *c, const char *o, char **a) { c->unshare_cgroup_try = true; }
static void opt_uid(struct config *c, const char *o, char **a)
{
  c->sandbox_uid = parse_id(o, a[0]);
  c->uid_set = true;
}
static void opt_gid(struct config *c, const char *o, char **a)
{
  c->sandbox_gid = (gid_t)parse_id(o, a[0]);
  c->gid_set = true;
}
static void opt_hostname(struct config *c, const char *o, char **a) { c->hostname = a[0]; }
static void opt_chdir(struct config *c, const char *o, char **a)
{
  if (c->chdir_path != NULL)
    warn("Only the last --chdir option will take effect");
  c->chdir_path = a[0];
}
static void opt_clearenv(struct config *c, const char *o, char **a)
{
  if (clearenv() != 0)
    die("--clearenv failed");
}
static void opt_setenv(struct config *c, const char *o, char **a)
{
  if (a[0][0] == '\0' || strchr(a[0], '=') != NULL)
    die("--setenv: invalid variable name \"%s\"", a[0]);
  if (setenv(a[0], a[1], 1) < 0)
    die_errno("--setenv %s", a[0]);
}
static void opt_unsetenv(struct config *c, const char *o, char **a)
{
  if (a[0][0] == '\0' || strchr(a[0], '=') != NULL)
    die("--unsetenv: invalid variable name \"%s\"", a[0]);
  if (unsetenv(a[0]) < 0)
    die_errno("--unsetenv %s", a[0]);
}
static void opt_bind(struct config *c, const char *o, char **a) { add_op(c, OP_BIND, o, 0, a[0], a[1]); }
static void opt_bind_try(struct config *c, const char *o, char **a) { add_op(c, OP_BIND, o, BIND_TRY, a[0], a[1]); }
static void opt_dev_bind(struct config *c, const char *o, char **a) { add_op(c, OP_BIND, o, BIND_DEVICES, a[0], a[1]); }
static void opt_dev_bind_try(struct config *c, const char *o, char **a)
{
  add_op(c, OP_BIND, o, BIND_DEVICES | BIND_TRY, a[0], a[1]);
}
static void opt_ro_bind(struct config *c, const char *o, char **a) { add_op(c, OP_BIND, o, BIND_READONLY, a[0], a[1]); }
static void opt_ro_bind_try(struct config *c, const char *o, char **a)
{
  add_op(c, OP_BIND, o, BIND_READONLY | BIND_TRY, a[0], a[1]);
}
static void opt_remount_ro(struct config *c, const char *o, char **a) { add_op(c, OP_REMOUNT_RO, o, 0, NULL, a[0]); }
static void opt_proc(struct config *c, const char *o, char **a) { add_op(c, OP_PROC, o, 0, NULL, a[0]); }
static void opt_dev(struct config *c, const char *o, char **a) { add_op(c, OP_DEV, o, 0, NULL, a[0]); }
static void opt_tmpfs(struct config *c, const char *o, char **a) { add_op(c, OP_TMPFS, o, 0, NULL, a[0]); }
static void opt_mqueue(struct config *c, const char *o, char **a) { add_op(c, OP_MQUEUE, o, 0, NULL, a[0]); }
static void opt_dir(struct config *c, const char *o, char **a) { add_op(c, OP_DIR, o, 0, NULL, a[0]); }
static void opt_symlink(struct config *c, const char *o, char **a) { add_op(c, OP_SYMLINK, o, 0, a[0], a[1]); }
static void opt_seccomp(struct config *c, const char *o, char **a)
{
  if (c->used_add_seccomp)
    die("--seccomp cannot be combined with --add-seccomp-fd");
  if (c->used_seccomp)
    {
      warn("Only the last --seccomp option will take effect");
      c->seccomp = NULL;
      c->seccomp_tail = &c->seccomp;
    }
  c->used_seccomp = true;
  read_seccomp_program(c, o, a[0]);
}
static void opt_add_seccomp_fd(struct config *c, const char *o, char **a)
{
  if (c->used_seccomp)
    die("--add-seccomp-fd cannot be combined with --seccomp");
  c->used_add_seccomp = true;
  read_seccomp_program(c, o, a[0]);
}
static void opt_new_session(struct config *c, const char *o, char **a) { c->new_session = true; }
static void opt_die_with_parent(struct config *c, const char *o, char **a) { c->die_with_parent = true; }
static void opt_as_pid_1(struct config *c, const char *o, char **a) { c->as_pid_1 = true; }
static void opt_disable_userns(struct config *c, const char *o, char **a) { c->disable_userns = true; }
static void opt_assert_userns_disabled(struct config *c, const char *o, char **a)
{
  c->assert_userns_disabled = true;
}
static void opt_cap(struct config *c, const char *o, char **a) { apply_capability_option(c, o, a[0]); }
static void opt_argv0(struct config *c, const char *o, char **a)
{
  if (c->argv0 != NULL)
    die("--argv0 used multiple times");
  c->argv0 = a[0];
}
static void opt_level_prefix(struct config *c, const char *o, char **a) { set_level_prefix(true); }
static void opt_perms(struct config *c, const char *o, char **a)
{
  if (c->has_pending_perms)
    die("--perms given twice for the same action");
  if (!parse_octal_mode(a[0], &c->pending_perms))
    die("--perms takes an octal mode up to 07777, not \"%s\"", a[0]);
  c->has_pending_perms = true;
}
static void opt_size(struct config *c, const char *o, char **a)
{
  unsigned long v;

  if (c->has_pending_size)
    die("--size given twice for the same action");
  if (!parse_uint(a[0], (unsigned long)(SIZE_MAX / 2), &v) || v == 0)
    die("--size takes a size in bytes greater than 0, not \"%s\"", a[0]);
  c->pending_size = v;
  c->has_pending_size = true;
}
static void opt_chmod(struct config *c, const char *o, char **a)
{
  mode_t mode;

  if (!parse_octal_mode(a[0], &mode))
    die("--chmod takes an octal mode up to 07777, not \"%s\"", a[0]);
  add_op(c, OP_CHMOD, o, 0, NULL, a[1])->perms = mode;
}
static void opt_file(struct config *c, const char *o, char **a)
{
  add_op(c, OP_FILE, o, 0, NULL, a[1])->fd = parse_fd_arg(c, o, a[0], FD_CONSUMED);
}
static void opt_bind_fd(struct config *c, const char *o, char **a)
{
  unsigned flags = strcmp(o, "--ro-bind-fd") == 0 ? BIND_READONLY : 0;

  add_op(c, OP_BIND, o, flags, a[0], a[1])->fd = parse_fd_arg(c, o, a[0], FD_CONSUMED);
}
static void opt_bind_data(struct config *c, const char *o, char **a)
{
  unsigned flags = strcmp(o, "--ro-bind-data") == 0 ? BIND_READONLY : 0;

  add_op(c, OP_BIND_DATA, o, flags, NULL, a[1])->fd = parse_fd_arg(c, o, a[0], FD_CONSUMED);
}
static void opt_keep_fd(struct config *c, const char *o, char **a)
{
  int fd = parse_fd_arg(c, o, a[0], FD_SHARED);

  c->keep_fds = xrealloc(c->keep_fds, sizeof(int) * (c->n_keep_fds + 1));
  c->keep_fds[c->n_keep_fds++] = fd;
}
static void opt_lock_file(struct config *c, const char *o, char **a)
{
  c->lock_files = xrealloc(c->lock_files, sizeof(char *) * (c->n_lock_files + 1));
  c->lock_files[c->n_lock_files++] = a[0];
}
static void opt_forward_signals(struct config *c, const char *o, char **a) { c->forward_signals = true; }
static void opt_close_fds(struct config *c, const char *o, char **a) { c->close_fds = true; }
static void opt_setup_error_status(struct config *c, const char *o, char **a)
{
  unsigned long v;

  if (!parse_uint(a[0], 255, &v) || v == 0)
    die("--setup-error-status takes a number from 1 to 255, not \"%s\"", a[0]);
  set_error_exit_status((int)v);
}
static bool selinux_enabled(void)
{
  return access("/sys/fs/selinux/enforce", F_OK) == 0;
}
static void opt_selinux_label(struct config *c, const char *o, char **a)
{
  if (!selinux_enabled())
    die("%s: SELinux is not enabled on this system", o);
  if (strcmp(o, "--exec-label") == 0)
    c->exec_label = a[0];
  else
    c->file_label = a[0];
}
/* bwrap's rule: a host that installs foil setuid restricts unprivileged user
   namespaces, and overlayfs in one is where copy-up escalations were found. */
static void refuse_overlay_in_setuid(const struct config *c, const char *o)
{
  if (c->mode == MODE_SETUID)
    die("%s is not allowed in setuid mode: overlayfs in user namespaces is a known "
        "privilege-escalation surface", o);
}
static void opt_overlay_src(struct config *c, const char *o, char **a)
{
  refuse_overlay_in_setuid(c, o);
  c->overlay_srcs = xrealloc(c->overlay_srcs, sizeof(char *) * (c->n_overlay_srcs + 1));
  c->overlay_srcs[c->n_overlay_srcs++] = a[0];
}
static void opt_overlay(struct config *c, const char *o, char **a)
{
  bool rw = strcmp(o, "--overlay") == 0, ro = strcmp(o, "--ro-overlay") == 0;
  size_t need = ro ? 2 : 1;
  struct setup_op *op;

  refuse_overlay_in_setuid(c, o);
  if (c->n_overlay_srcs < need)
    die("%s requires at least %s --overlay-src", o, need == 2 ? "two" : "one");
  op = add_op(c, OP_OVERLAY, o, rw ? OVERLAY_RW : ro ? OVERLAY_RO : OVERLAY_TMP, rw ? a[0] : NULL,
              rw ? a[2] : a[0]);
  op->workdir = rw ? a[1] : NULL;
  op->layers = c->overlay_srcs;
  op->n_layers = c->n_overlay_srcs;
  c->overlay_srcs = NULL;
  c->n_overlay_srcs = 0;
}
static void opt_block_fd(struct config *c, const char *o, char **a)
{
  c->block_fd = parse_fd_arg(c, o, a[0], FD_CONSUMED);
}
static void opt_info_fd(struct config *c, const char *o, char **a)
{
  c->info_fd = parse_fd_arg(c, o, a[0], FD_CONSUMED);
}
static void opt_json_status_fd(struct config *c, const char *o, char **a)
{
  c->json_status_fd = parse_fd_arg(c, o, a[0], FD_SHARED);
  set_error_json_fd(c->json_status_fd);
}
static void opt_sync_fd(struct config *c, const char *o, char **a)
{
  c->sync_fd = parse_fd_arg(c, o, a[0], FD_SHARED);
}
/* Namespace fds would let the caller choose namespaces the setuid start did
   not create: refused there, as bwrap does (CVE-2020-5291). */
static int namespace_fd_option(struct config *c, const char *o, const char *arg)
{
  if (c->mode == MODE_SETUID)
    die("%s is not allowed in setuid mode", o);
  return parse_fd_arg(c, o, arg, FD_SHARED);
}
static void opt_userns(struct config *c, const char *o, char **a) { c->userns_fd = namespace_fd_option(c, o, a[0]); }
static void opt_userns2(struct config *c, const char *o, char **a) { c->userns2_fd = namespace_fd_option(c, o, a[0]); }
static void opt_pidns(struct config *c, const char *o, char **a) { c->pidns_fd = namespace_fd_option(c, o, a[0]); }
static void opt_userns_block_fd(struct config *c, const char *o, char **a)
{
  c->userns_block_fd = namespace_fd_option(c, o, a[0]);
}

struct option_def {
  const char *name;
  int nargs;
  option_handler handle;
};

static const struct option_def options[] = {
  { "--help", 0, opt_help },
  { "--version", 0, opt_version },
  { "--unshare-all", 0, opt_unshare_all },
  { "--share-net", 0, opt_share_net },
  { "--unshare-user", 0, opt_unshare_user },
  { "--unshare-user-try", 0, opt_unshare_user_try },
  { "--unshare-ipc", 0, opt_unshare_ipc },
  { "--unshare-pid", 0, opt_unshare_pid },
  { "--unshare-net", 0, opt_unshare_net },
  { "--unshare-uts", 0, opt_unshare_uts },
  { "--unshare-cgroup", 0, opt_unshare_cgroup },
  { "--unshare-cgroup-try", 0, opt_unshare_cgroup_try },
  { "--uid", 1, opt_uid },
  { "--gid", 1, opt_gid },
  { "--hostname", 1, opt_hostname },
  { "--chdir", 1, opt_chdir },
  { "--clearenv", 0, opt_clearenv },
  { "--setenv", 2, opt_setenv },
  { "--unsetenv", 1, opt_unsetenv },
  { "--bind", 2, opt_bind },
  { "--bind-try", 2, opt_bind_try },
  { "--dev-bind", 2, opt_dev_bind },
  { "--dev-bind-try", 2, opt_dev_bind_try },
  { "--ro-bind", 2, opt_ro_bind },
  { "--ro-bind-try", 2, opt_ro_bind_try },
  { "--remount-ro", 1, opt_remount_ro },
  { "--proc", 1, opt_proc },
  { "--dev", 1, opt_dev },
  { "--tmpfs", 1, opt_tmpfs },
  { "--mqueue", 1, opt_mqueue },
  { "--dir", 1, opt_dir },
  { "--symlink", 2, opt_symlink },
  { "--seccomp", 1, opt_seccomp },
  { "--add-seccomp-fd", 1, opt_add_seccomp_fd },
  { "--new-session", 0, opt_new_session },
  { "--die-with-parent", 0, opt_die_with_parent },
  { "--as-pid-1", 0, opt_as_pid_1 },
  { "--disable-userns", 0, opt_disable_userns },
  { "--assert-userns-disabled", 0, opt_assert_userns_disabled },
  { "--cap-add", 1, opt_cap },
  { "--cap-drop", 1, opt_cap },
  { "--argv0", 1, opt_argv0 },
  { "--level-prefix", 0, opt_level_prefix },
  { "--perms", 1, opt_perms },
  { "--size", 1, opt_size },
  { "--chmod", 2, opt_chmod },
  { "--file", 2, opt_file },
  { "--bind-fd", 2, opt_bind_fd },
  { "--ro-bind-fd", 2, opt_bind_fd },
  { "--block-fd", 1, opt_block_fd },
  { "--info-fd", 1, opt_info_fd },
  { "--json-status-fd", 1, opt_json_status_fd },
  { "--sync-fd", 1, opt_sync_fd },
  { "--userns", 1, opt_userns },
  { "--userns2", 1, opt_userns2 },
  { "--pidns", 1, opt_pidns },
  { "--userns-block-fd", 1, opt_userns_block_fd },
  { "--lock-file", 1, opt_lock_file },
  { "--close-fds", 0, opt_close_fds },
  { "--keep-fd", 1, opt_keep_fd },
  { "--forward-signals", 0, opt_forward_signals },
  { "--setup-error-status", 1, opt_setup_error_status },
  { "--bind-data", 2, opt_bind_data },
  { "--ro-bind-data", 2, opt_bind_data },
  { "--overlay-src", 1, opt_overlay_src },
  { "--overlay", 3, opt_overlay },
  { "--tmp-overlay", 1, opt_overlay },
  { "--ro-overlay", 1, opt_overlay },
  { "--exec-label", 1, opt_selinux_label },
  { "--file-label", 1, opt_selinux_label },
};

static const struct option_def *find_option(const char *name)
{
  for (size_t i = 0; i < sizeof options / sizeof options[0]; i++)
    if (strcmp(options[i].name, name) == 0)
      return &options[i];
  return NULL;
}

static const char *const arg_counts[] = { "no arguments", "one argument", "two arguments",
                                          "three arguments" };

#define MAX_ARGS 9000   /* bwrap's limit, command line and --args together */

struct word_list {
  char **words;
  bool *from_file;
  int count;
  int total;      /* every word seen, "--args FD" included, for the limit */
};

/* Replace "--args FD" at position i by the NUL-separated words read from FD.
   The lists are rebuilt rather than resized in place: the file may hold
   fewer words than the two it replaces. */
static void splice_args_file(struct config *cfg, struct word_list *wl, int i)
{
  char *data, *p, **words;
  bool *from_file;
  size_t len;
  int fd = parse_fd_arg(cfg, "--args", wl->words[i + 1], FD_CONSUMED), n = 0, count, tail;

  if (read_all(fd, 64 << 20, &data, &len) < 0)
    die_errno("Can't read --args %s", wl->words[i + 1]);
  close(fd);
  for (p = data; p < data + len; p += strlen(p) + 1)
    n++;
  wl->total += n;
  if (wl->total > MAX_ARGS)
    die("Exceeded maximum number of arguments %d", MAX_ARGS);
  count = wl->count - 2 + n;
  tail = wl->count - i - 2;
  words = xcalloc((size_t)count + 1, sizeof(char *));
  from_file = xcalloc((size_t)count + 1, sizeof(bool));
  memcpy(words, wl->words, sizeof(char *) * (size_t)i);
  memcpy(from_file, wl->from_file, sizeof(bool) * (size_t)i);
  for (p = data; p < data + len; p += strlen(p) + 1, i++)
    {
      words[i] = p;
      from_file[i] = true;
    }
  memcpy(words + i, wl->words + wl->count - tail, sizeof(char *) * (size_t)tail);
  memcpy(from_file + i, wl->from_file + wl->count - tail, sizeof(bool) * (size_t)tail);
  free(wl->words);
  free(wl->from_file);
  wl->words = words;
  wl->from_file = from_file;
  wl->count = count;
}

static bool is_overlay_option(const char *name)
{
  return strcmp(name, "--overlay-src") == 0 || strcmp(name, "--overlay") == 0 ||
         strcmp(name, "--tmp-overlay") == 0 || strcmp(name, "--ro-overlay") == 0;
}

static void check_overlay_sources_used(const struct config *cfg)
{
  if (cfg->n_overlay_srcs > 0)
    die("--overlay-src must be followed by another --overlay-src or one of --overlay, "
        "--tmp-overlay, or --ro-overlay");
}

static void check_modifiers_used(const struct config *cfg)
{
  check_overlay_sources_used(cfg);
  if (cfg->has_pending_perms)
    die("--perms must be followed by an option that creates a file");
  if (cfg->has_pending_size)
    die("--size must be followed by --tmpfs");
}

void parse_args(struct config *cfg, int argc, char **argv)
{
  struct word_list wl = { xcalloc((size_t)argc + 1, sizeof(char *)),
                          xcalloc((size_t)argc + 1, sizeof(bool)), argc, argc };
  int i = 0;

  if (argc > MAX_ARGS)
    die("Exceeded maximum number of arguments %d", MAX_ARGS);
  memcpy(wl.words, argv, sizeof(char *) * (size_t)argc);
  while (i < wl.count && wl.words[i][0] == '-')
    {
      const struct option_def *def;
      bool pending = cfg->has_pending_perms || cfg->has_pending_size;
      bool overlay_pending = cfg->n_overlay_srcs > 0;

      if (strcmp(wl.words[i], "--") == 0)
        {
          i++;
          break;
        }
      def = find_option(wl.words[i]);
      if (def == NULL && strcmp(wl.words[i], "--args") != 0)
        die("Unknown option %s", wl.words[i]);
      if (wl.count - i - 1 < (def ? def->nargs : 1))
        die("%s takes %s", wl.words[i], arg_counts[def ? def->nargs : 1]);
      if (def == NULL)
        {
          if (wl.from_file[i])
            die("--args not supported in arguments file");
          splice_args_file(cfg, &wl, i);
          continue;
        }
      def->handle(cfg, def->name, wl.words + i + 1);
      i += 1 + def->nargs;
      /* A modifier must be consumed by the very next option. */
      if (pending && strcmp(def->name, "--perms") != 0 && strcmp(def->name, "--size") != 0)
        check_modifiers_used(cfg);
      if (overlay_pending && !is_overlay_option(def->name))
        check_modifiers_used(cfg);
    }
  /* Like bwrap, a --perms or --size right before the command is ignored. */
  check_overlay_sources_used(cfg);
  if (i >= wl.count)
    die("No command specified (see %s --help)", prog_name);
  cfg->command = wl.words + i;
}

void validate_config(struct config *cfg)
{
  if (cfg->mode == MODE_SETUID && cfg->caps_add != 0)
    die("--cap-add in setuid mode can be used only by root");
  if (cfg->hostname != NULL && !cfg->unshare_uts)
    die("Specifying --hostname requires --unshare-uts");
  if (cfg->as_pid_1 && !cfg->unshare_pid)
    die("Specifying --as-pid-1 requires --unshare-pid");
  if (cfg->as_pid_1 && cfg->n_lock_files > 0)
    die("Specifying --as-pid-1 and --lock-file is not permitted");
  if (cfg->userns_fd >= 0 && (cfg->unshare_user || cfg->unshare_user_try))
    die("--userns is not compatible with --unshare-user or --unshare-user-try");
  if (cfg->userns_fd >= 0 && cfg->mode == MODE_USERNS && cfg->unshare_user_try)
    die("--userns is not compatible with --unshare-user-try");
  if (cfg->userns_block_fd >= 0 && cfg->info_fd < 0)
    die("--userns-block-fd requires --info-fd");
  if (cfg->userns_block_fd >= 0 && (cfg->userns_fd >= 0 || cfg->disable_userns))
    die("--userns-block-fd is not compatible with --userns or --disable-userns");
  if (cfg->userns_block_fd >= 0 && !cfg->unshare_user)
    die("--userns-block-fd requires --unshare-user");
  if (cfg->userns2_fd >= 0 && cfg->disable_userns)
    die("--userns2 is not compatible with --disable-userns");
  if (!uses_user_namespace(cfg) && !cfg->unshare_user_try && (cfg->uid_set || cfg->gid_set))
    die("Specifying --%s requires --unshare-user", cfg->uid_set ? "uid" : "gid");
  if (!uses_user_namespace(cfg) && !cfg->unshare_user_try && cfg->disable_userns)
    die("--disable-userns requires --unshare-user");
}
