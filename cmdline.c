/* cmdline.c: foil's command line, turned into a struct config and an
 * ordered list of setup operations (foil.h). Nothing here has any effect
 * beyond the config but reading the fds the options name (--args,
 * --seccomp) and the environment options: in setuid mode it runs in the
 * setup process, after the privileged start is over.
 * options[] is the one list of options: the parser, --help and the check
 * of man page and completions (tests/completions.sh) all read it.
 */
#include "cmdline.h"
#include "optvalues.h"
#include "landlock.h"
#include "lockdown.h"
#include "utils.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_SECCOMP_INSNS 4096   /* BPF_MAXINSNS: the kernel's limit per program */

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
  cfg->join_fd = -1;
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
  if (fd == cfg->reserved_fd || fd == cfg->join_fd || fcntl(fd, F_GETFD) < 0)
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

/* Each option is one table entry and one handler. A handler gets its entry
   (name, flags, and an argument that tells the options sharing a handler
   apart) and its operands, already counted. */
struct option_def;
typedef void (*option_handler)(struct config *cfg, const struct option_def *opt, char **args);

/* What the parser needs to know of an option beyond its handler. */
#define OPT_MODIFIER  0x1u  /* changes the next option (--perms, --size) */
#define OPT_OVERLAY   0x2u  /* --overlay-src, or an overlay that takes its layers */
#define OPT_NO_SETUID 0x4u  /* refused in setuid mode (--cap-add: validate_config) */
#define OPT_FOIL      0x8u  /* foil's own, not bwrap's: "(foil)" in --help */
#define OPT_ARGS_FILE 0x10u /* --args: replaced by the words read from its fd */

struct option_def {
  const char *name;
  const char *operands; /* as --help names them ("SRC DEST"), NULL for none */
  unsigned flags;
  option_handler handle;
  unsigned arg;         /* for the handler: BIND_* flags, an op type, ... */
  const char *help;     /* --help's text; a '\n' continues it on another line */
};

/* The handlers' signature is the table's: most use only part of it. */
#define HANDLER(name) \
  static void name(UNUSED struct config *c, UNUSED const struct option_def *o, UNUSED char **a)

enum { CAP_OPTION_DROP, CAP_OPTION_ADD };   /* arg of --cap-drop, --cap-add */
enum { LABEL_EXEC, LABEL_FILE };            /* arg of --exec-label, --file-label */
enum { TCP_CONNECT = 1, TCP_BIND };         /* arg of --allow-connect-tcp, --allow-bind-tcp */
#define LANDLOCK_TRY 0x100u                 /* or'ed into the arg of a -try form */

HANDLER(opt_help)
{
  print_usage(stdout);
  exit(0);
}
HANDLER(opt_version)
{
  print_version();
  exit(0);
}
HANDLER(opt_unshare_all)
{
  c->unshare_user_try = c->unshare_ipc = c->unshare_pid = c->unshare_net = true;
  c->unshare_uts = c->unshare_cgroup_try = true;
}
HANDLER(opt_share_net) { c->unshare_net = false; }
HANDLER(opt_unshare_user) { c->unshare_user = true; }
HANDLER(opt_unshare_user_try) { c->unshare_user_try = true; }
HANDLER(opt_unshare_ipc) { c->unshare_ipc = true; }
HANDLER(opt_unshare_pid) { c->unshare_pid = true; }
HANDLER(opt_unshare_net) { c->unshare_net = true; }
HANDLER(opt_unshare_uts) { c->unshare_uts = true; }
HANDLER(opt_unshare_cgroup) { c->unshare_cgroup = true; }
HANDLER(opt_unshare_cgroup_try) { c->unshare_cgroup_try = true; }
HANDLER(opt_unshare_time) { c->unshare_time = true; }
/* --monotonic-offset, --boottime-offset: arg is the clock. */
HANDLER(opt_time_offset)
{
  long long v = parse_time_offset(o->name, a[0]);

  if (o->arg == CLOCK_MONOTONIC)
    {
      c->monotonic_offset = v;
      c->monotonic_offset_set = true;
    }
  else
    {
      c->boottime_offset = v;
      c->boottime_offset_set = true;
    }
}
/* --scope-abstract-unix, --scope-signals and their -try forms: arg is a
   SCOPE_* bit, with LANDLOCK_TRY. */
HANDLER(opt_scope)
{
  unsigned scope = o->arg & ~LANDLOCK_TRY;

  c->scopes |= scope;
  if (!(o->arg & LANDLOCK_TRY))
    c->scopes_required |= scope;
}
/* --allow-connect-tcp, --allow-bind-tcp and their -try forms. */
HANDLER(opt_allow_tcp)
{
  struct tcp_port_rules *rules = (o->arg & ~LANDLOCK_TRY) == TCP_CONNECT ? &c->tcp_connect : &c->tcp_bind;

  parse_port_list(rules, o->name, a[0]);
  rules->used = true;
  if (!(o->arg & LANDLOCK_TRY))
    rules->required = true;
}
HANDLER(opt_uid)
{
  c->sandbox_uid = parse_id(o->name, a[0]);
  c->uid_set = true;
}
HANDLER(opt_gid)
{
  c->sandbox_gid = (gid_t)parse_id(o->name, a[0]);
  c->gid_set = true;
}
HANDLER(opt_hostname) { c->hostname = a[0]; }
HANDLER(opt_chdir)
{
  if (c->chdir_path != NULL)
    warn("Only the last --chdir option will take effect");
  c->chdir_path = a[0];
}
HANDLER(opt_clearenv)
{
  if (clearenv() != 0)
    die("--clearenv failed");
}
HANDLER(opt_setenv)
{
  if (a[0][0] == '\0' || strchr(a[0], '=') != NULL)
    die("--setenv: invalid variable name \"%s\"", a[0]);
  if (setenv(a[0], a[1], 1) < 0)
    die_errno("--setenv %s", a[0]);
}
HANDLER(opt_unsetenv)
{
  if (a[0][0] == '\0' || strchr(a[0], '=') != NULL)
    die("--unsetenv: invalid variable name \"%s\"", a[0]);
  if (unsetenv(a[0]) < 0)
    die_errno("--unsetenv %s", a[0]);
}
/* The --bind family: arg holds the BIND_* flags. */
HANDLER(opt_bind) { add_op(c, OP_BIND, o->name, o->arg, a[0], a[1]); }
/* Operations that take only a destination: arg is the op type. */
HANDLER(opt_dest_op) { add_op(c, (enum op_type)o->arg, o->name, 0, NULL, a[0]); }
HANDLER(opt_symlink) { add_op(c, OP_SYMLINK, o->name, 0, a[0], a[1]); }
HANDLER(opt_seccomp)
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
  read_seccomp_program(c, o->name, a[0]);
}
HANDLER(opt_add_seccomp_fd)
{
  if (c->used_seccomp)
    die("--add-seccomp-fd cannot be combined with --seccomp");
  c->used_add_seccomp = true;
  read_seccomp_program(c, o->name, a[0]);
}
HANDLER(opt_new_session) { c->new_session = true; }
HANDLER(opt_die_with_parent) { c->die_with_parent = true; }
HANDLER(opt_as_pid_1) { c->as_pid_1 = true; }
HANDLER(opt_disable_userns) { c->disable_userns = true; }
HANDLER(opt_assert_userns_disabled) { c->assert_userns_disabled = true; }
HANDLER(opt_cap) { apply_capability_option(c, o->name, a[0], o->arg == CAP_OPTION_ADD); }
HANDLER(opt_argv0)
{
  if (c->argv0 != NULL)
    die("--argv0 used multiple times");
  c->argv0 = a[0];
}
HANDLER(opt_level_prefix) { set_level_prefix(true); }
HANDLER(opt_perms)
{
  if (c->has_pending_perms)
    die("--perms given twice for the same action");
  if (!parse_octal_mode(a[0], &c->pending_perms))
    die("--perms takes an octal mode up to 07777, not \"%s\"", a[0]);
  c->has_pending_perms = true;
}
HANDLER(opt_size)
{
  unsigned long v;

  if (c->has_pending_size)
    die("--size given twice for the same action");
  if (!parse_uint(a[0], (unsigned long)(SIZE_MAX / 2), &v) || v == 0)
    die("--size takes a size in bytes greater than 0, not \"%s\"", a[0]);
  c->pending_size = v;
  c->has_pending_size = true;
}
HANDLER(opt_chmod)
{
  mode_t mode;

  if (!parse_octal_mode(a[0], &mode))
    die("--chmod takes an octal mode up to 07777, not \"%s\"", a[0]);
  add_op(c, OP_CHMOD, o->name, 0, NULL, a[1])->perms = mode;
}
HANDLER(opt_file)
{
  add_op(c, OP_FILE, o->name, 0, NULL, a[1])->fd = parse_fd_arg(c, o->name, a[0], FD_CONSUMED);
}
/* --bind-fd, --ro-bind-fd: arg holds the BIND_* flags. */
HANDLER(opt_bind_fd)
{
  add_op(c, OP_BIND, o->name, o->arg, a[0], a[1])->fd = parse_fd_arg(c, o->name, a[0], FD_CONSUMED);
}
/* --bind-data, --ro-bind-data: arg holds the BIND_* flags. */
HANDLER(opt_bind_data)
{
  add_op(c, OP_BIND_DATA, o->name, o->arg, NULL, a[1])->fd =
    parse_fd_arg(c, o->name, a[0], FD_CONSUMED);
}
HANDLER(opt_keep_fd)
{
  int fd = parse_fd_arg(c, o->name, a[0], FD_SHARED);

  c->keep_fds = xrealloc(c->keep_fds, sizeof(int) * (c->n_keep_fds + 1));
  c->keep_fds[c->n_keep_fds++] = fd;
}
HANDLER(opt_lock_file)
{
  c->lock_files = xrealloc(c->lock_files, sizeof(char *) * (c->n_lock_files + 1));
  c->lock_files[c->n_lock_files++] = a[0];
}
HANDLER(opt_forward_signals) { c->forward_signals = true; }
HANDLER(opt_close_fds) { c->close_fds = true; }
HANDLER(opt_setup_error_status)
{
  unsigned long v;

  if (!parse_uint(a[0], 255, &v) || v == 0)
    die("--setup-error-status takes a number from 1 to 255, not \"%s\"", a[0]);
  set_error_exit_status((int)v);
}
/* --rlimit NAME=SOFT[:HARD], repeatable: checked by validate_config(). */
HANDLER(opt_rlimit) { parse_rlimit(c, o->name, a[0]); }
/* --cgroup DIR, and the limits: arg is the enum cgroup_limit they set. */
HANDLER(opt_cgroup) { parse_cgroup_dir(&c->cgroup, o->name, a[0]); }
HANDLER(opt_cgroup_limit) { parse_cgroup_limit(&c->cgroup, (enum cgroup_limit)o->arg, o->name, a[0]); }
static bool selinux_enabled(void)
{
  return access("/sys/fs/selinux/enforce", F_OK) == 0;
}
HANDLER(opt_selinux_label)
{
  if (!selinux_enabled())
    die("%s: SELinux is not enabled on this system", o->name);
  if (o->arg == LABEL_EXEC)
    c->exec_label = a[0];
  else
    c->file_label = a[0];
}
HANDLER(opt_overlay_src)
{
  c->overlay_srcs = xrealloc(c->overlay_srcs, sizeof(char *) * (c->n_overlay_srcs + 1));
  c->overlay_srcs[c->n_overlay_srcs++] = a[0];
}
/* --overlay, --tmp-overlay, --ro-overlay: arg is OVERLAY_RW, _TMP or _RO. */
HANDLER(opt_overlay)
{
  bool rw = o->arg == OVERLAY_RW, ro = o->arg == OVERLAY_RO;
  size_t need = ro ? 2 : 1;
  struct setup_op *op;

  if (c->n_overlay_srcs < need)
    die("%s requires at least %s --overlay-src", o->name, need == 2 ? "two" : "one");
  op = add_op(c, OP_OVERLAY, o->name, o->arg, rw ? a[0] : NULL, rw ? a[2] : a[0]);
  op->workdir = rw ? a[1] : NULL;
  op->layers = c->overlay_srcs;
  op->n_layers = c->n_overlay_srcs;
  c->overlay_srcs = NULL;
  c->n_overlay_srcs = 0;
}
HANDLER(opt_block_fd) { c->block_fd = parse_fd_arg(c, o->name, a[0], FD_CONSUMED); }
HANDLER(opt_info_fd) { c->info_fd = parse_fd_arg(c, o->name, a[0], FD_CONSUMED); }
HANDLER(opt_json_status_fd)
{
  c->json_status_fd = parse_fd_arg(c, o->name, a[0], FD_SHARED);
  set_error_json_fd(c->json_status_fd);
}
HANDLER(opt_sync_fd) { c->sync_fd = parse_fd_arg(c, o->name, a[0], FD_SHARED); }
HANDLER(opt_userns) { c->userns_fd = parse_fd_arg(c, o->name, a[0], FD_SHARED); }
HANDLER(opt_userns2) { c->userns2_fd = parse_fd_arg(c, o->name, a[0], FD_SHARED); }
HANDLER(opt_pidns) { c->pidns_fd = parse_fd_arg(c, o->name, a[0], FD_SHARED); }
HANDLER(opt_userns_block_fd) { c->userns_block_fd = parse_fd_arg(c, o->name, a[0], FD_SHARED); }

/* In --help's order, which is bwrap's, with foil's own options last. */
static const struct option_def options[] = {
  { "--help", NULL, 0, opt_help, 0, "Print this help" },
  { "--version", NULL, 0, opt_version, 0, "Print version" },
  { "--unshare-all", NULL, 0, opt_unshare_all, 0,
    "Unshare every namespace we support by default" },
  { "--share-net", NULL, 0, opt_share_net, 0,
    "Retain the network namespace (after --unshare-all)" },
  { "--unshare-user", NULL, 0, opt_unshare_user, 0, "Create new user namespace" },
  { "--unshare-user-try", NULL, 0, opt_unshare_user_try, 0,
    "Create new user namespace if possible" },
  { "--unshare-ipc", NULL, 0, opt_unshare_ipc, 0, "Create new ipc namespace" },
  { "--unshare-pid", NULL, 0, opt_unshare_pid, 0, "Create new pid namespace" },
  { "--unshare-net", NULL, 0, opt_unshare_net, 0, "Create new network namespace" },
  { "--unshare-uts", NULL, 0, opt_unshare_uts, 0, "Create new uts namespace" },
  { "--unshare-cgroup", NULL, 0, opt_unshare_cgroup, 0, "Create new cgroup namespace" },
  { "--unshare-cgroup-try", NULL, 0, opt_unshare_cgroup_try, 0,
    "Create new cgroup namespace if possible" },
  { "--uid", "UID", 0, opt_uid, 0, "Custom uid in the sandbox" },
  { "--gid", "GID", 0, opt_gid, 0, "Custom gid in the sandbox" },
  { "--hostname", "NAME", 0, opt_hostname, 0,
    "Custom hostname in the sandbox (needs --unshare-uts)" },
  { "--chdir", "DIR", 0, opt_chdir, 0, "Change directory to DIR" },
  { "--clearenv", NULL, 0, opt_clearenv, 0, "Unset all environment variables" },
  { "--setenv", "VAR VALUE", 0, opt_setenv, 0, "Set an environment variable" },
  { "--unsetenv", "VAR", 0, opt_unsetenv, 0, "Unset an environment variable" },
  { "--bind", "SRC DEST", 0, opt_bind, 0, "Bind mount the host path SRC on DEST" },
  { "--bind-try", "SRC DEST", 0, opt_bind, BIND_TRY,
    "Equal to --bind but ignores non-existent SRC" },
  { "--dev-bind", "SRC DEST", 0, opt_bind, BIND_DEVICES,
    "Bind mount SRC on DEST, allowing device access" },
  { "--dev-bind-try", "SRC DEST", 0, opt_bind, BIND_DEVICES | BIND_TRY,
    "Equal to --dev-bind but ignores non-existent SRC" },
  { "--ro-bind", "SRC DEST", 0, opt_bind, BIND_READONLY,
    "Bind mount SRC read-only on DEST (recursively)" },
  { "--ro-bind-try", "SRC DEST", 0, opt_bind, BIND_READONLY | BIND_TRY,
    "Equal to --ro-bind but ignores non-existent SRC" },
  { "--remount-ro", "DEST", 0, opt_dest_op, OP_REMOUNT_RO,
    "Remount DEST as readonly; does not recursively remount" },
  { "--proc", "DEST", 0, opt_dest_op, OP_PROC, "Mount new procfs on DEST" },
  { "--dev", "DEST", 0, opt_dest_op, OP_DEV, "Mount new dev on DEST" },
  { "--tmpfs", "DEST", 0, opt_dest_op, OP_TMPFS, "Mount new tmpfs on DEST" },
  { "--mqueue", "DEST", 0, opt_dest_op, OP_MQUEUE, "Mount new mqueue on DEST" },
  { "--dir", "DEST", 0, opt_dest_op, OP_DIR, "Create dir at DEST" },
  { "--symlink", "SRC DEST", 0, opt_symlink, 0, "Create symlink at DEST with target SRC" },
  { "--seccomp", "FD", 0, opt_seccomp, 0,
    "Load and use seccomp rules from FD (not repeatable)" },
  { "--add-seccomp-fd", "FD", 0, opt_add_seccomp_fd, 0,
    "Load and use seccomp rules from FD (repeatable)" },
  { "--new-session", NULL, 0, opt_new_session, 0, "Create a new terminal session" },
  { "--die-with-parent", NULL, 0, opt_die_with_parent, 0,
    "Kills with SIGKILL child process (COMMAND) when foil or its parent dies" },
  { "--as-pid-1", NULL, 0, opt_as_pid_1, 0, "Do not install a reaper process with PID=1" },
  { "--disable-userns", NULL, 0, opt_disable_userns, 0,
    "Disable further use of user namespaces inside sandbox" },
  { "--assert-userns-disabled", NULL, 0, opt_assert_userns_disabled, 0,
    "Fail unless further use of user namespace inside sandbox is disabled" },
  { "--cap-add", "CAP", 0, opt_cap, CAP_OPTION_ADD, "Add cap CAP when running as privileged user" },
  { "--cap-drop", "CAP", 0, opt_cap, CAP_OPTION_DROP,
    "Drop cap CAP when running as privileged user" },
  { "--args", "FD", OPT_ARGS_FILE, NULL, 0, "Parse NUL-separated args from FD" },
  { "--argv0", "VALUE", 0, opt_argv0, 0,
    "Set argv[0] to the value VALUE before running the program" },
  { "--level-prefix", NULL, 0, opt_level_prefix, 0, "Prepend e.g. <3> to diagnostic messages" },
  { "--bind-fd", "FD DEST", 0, opt_bind_fd, 0, "Bind open directory or path fd on DEST" },
  { "--ro-bind-fd", "FD DEST", 0, opt_bind_fd, BIND_READONLY,
    "Bind open directory or path fd read-only on DEST" },
  { "--file", "FD DEST", 0, opt_file, 0, "Copy from FD to file DEST" },
  { "--chmod", "OCTAL PATH", 0, opt_chmod, 0, "Change permissions of PATH (must already exist)" },
  { "--perms", "OCTAL", OPT_MODIFIER, opt_perms, 0,
    "Set permissions of next argument (--dir, --file, --tmpfs)" },
  { "--size", "BYTES", OPT_MODIFIER, opt_size, 0, "Set size of next argument (only for --tmpfs)" },
  { "--info-fd", "FD", 0, opt_info_fd, 0, "Write information about the running container to FD" },
  { "--json-status-fd", "FD", 0, opt_json_status_fd, 0,
    "Write container status to FD with multiple JSON objects" },
  { "--block-fd", "FD", 0, opt_block_fd, 0, "Block on FD until some data to read is available" },
  { "--sync-fd", "FD", 0, opt_sync_fd, 0, "Keep this fd open while sandbox is running" },
  { "--bind-data", "FD DEST", 0, opt_bind_data, 0,
    "Copy from FD to file which is bind-mounted on DEST" },
  { "--ro-bind-data", "FD DEST", 0, opt_bind_data, BIND_READONLY,
    "Copy from FD to file which is readonly bind-mounted on DEST" },
  { "--overlay-src", "SRC", OPT_OVERLAY | OPT_NO_SETUID, opt_overlay_src, 0,
    "Read files from SRC in the following overlay" },
  { "--overlay", "RWSRC WORKDIR DEST", OPT_OVERLAY | OPT_NO_SETUID, opt_overlay, OVERLAY_RW,
    "Mount overlayfs on DEST, with RWSRC as the host path for\n"
    "writes and WORKDIR an empty directory on the same fs" },
  { "--tmp-overlay", "DEST", OPT_OVERLAY | OPT_NO_SETUID, opt_overlay, OVERLAY_TMP,
    "Mount overlayfs on DEST, with writes going to an invisible tmpfs" },
  { "--ro-overlay", "DEST", OPT_OVERLAY | OPT_NO_SETUID, opt_overlay, OVERLAY_RO,
    "Mount overlayfs read-only on DEST" },
  { "--lock-file", "DEST", 0, opt_lock_file, 0, "Take a lock on DEST while sandbox is running" },
  { "--userns", "FD", OPT_NO_SETUID, opt_userns, 0,
    "Use this user namespace (cannot combine with --unshare-user)" },
  { "--userns2", "FD", OPT_NO_SETUID, opt_userns2, 0,
    "After setup switch to this user namespace" },
  { "--pidns", "FD", OPT_NO_SETUID, opt_pidns, 0, "Use this pid namespace" },
  { "--userns-block-fd", "FD", OPT_NO_SETUID, opt_userns_block_fd, 0,
    "Block on FD until the user namespace is ready" },
  { "--exec-label", "LABEL", 0, opt_selinux_label, LABEL_EXEC, "Exec label for the sandbox" },
  { "--file-label", "LABEL", 0, opt_selinux_label, LABEL_FILE,
    "File label for temporary sandbox content" },
  { "--close-fds", NULL, OPT_FOIL, opt_close_fds, 0,
    "Close every inherited fd above 2 before running COMMAND" },
  { "--keep-fd", "FD", OPT_FOIL, opt_keep_fd, 0, "With --close-fds, still pass FD on to COMMAND" },
  { "--forward-signals", NULL, OPT_FOIL, opt_forward_signals, 0,
    "Forward INT, TERM, HUP, QUIT, USR1, USR2 to COMMAND" },
  { "--setup-error-status", "N", OPT_FOIL, opt_setup_error_status, 0,
    "Exit with N when foil itself fails" },
  { "--rlimit", "NAME=SOFT[:HARD]", OPT_FOIL, opt_rlimit, 0,
    "Set COMMAND's resource limit NAME (as prlimit names it);\n"
    "SOFT, HARD: a number with K/M/G/T, or unlimited" },
  { "--cgroup", "DIR", OPT_FOIL, opt_cgroup, 0,
    "Run the sandbox in a new cgroup below the cgroup v2 directory DIR\n"
    "(delegated to you); everything in it is killed at the end" },
  { "--memory-max", "SIZE", OPT_FOIL, opt_cgroup_limit, CG_MEMORY_MAX,
    "The sandbox's memory limit (bytes, K, M, G, T, or max): OOM kill beyond" },
  { "--memory-high", "SIZE", OPT_FOIL, opt_cgroup_limit, CG_MEMORY_HIGH,
    "Throttle and reclaim the sandbox's memory above SIZE" },
  { "--memory-swap-max", "SIZE", OPT_FOIL, opt_cgroup_limit, CG_MEMORY_SWAP_MAX,
    "The sandbox's swap limit" },
  { "--pids-max", "N", OPT_FOIL, opt_cgroup_limit, CG_PIDS_MAX,
    "At most N processes and threads in the sandbox" },
  { "--cpu-max", "QUOTA[/PERIOD]", OPT_FOIL, opt_cgroup_limit, CG_CPU_MAX,
    "CPU time per period, in microseconds (period 100000 by default)" },
  { "--cpus", "N", OPT_FOIL, opt_cgroup_limit, CG_CPU_MAX,
    "At most N CPUs' worth of time (fractional: 0.5)" },
  { "--cpu-weight", "N", OPT_FOIL, opt_cgroup_limit, CG_CPU_WEIGHT,
    "Relative CPU share, 1 to 10000 (default 100)" },
  { "--io-weight", "N", OPT_FOIL, opt_cgroup_limit, CG_IO_WEIGHT,
    "Relative I/O share, 1 to 10000 (default 100)" },
  { "--unshare-time", NULL, OPT_FOIL, opt_unshare_time, 0,
    "Create new time namespace (not part of --unshare-all)" },
  { "--monotonic-offset", "SECONDS", OPT_FOIL, opt_time_offset, CLOCK_MONOTONIC,
    "Move CLOCK_MONOTONIC in the time namespace by SECONDS" },
  { "--boottime-offset", "SECONDS", OPT_FOIL, opt_time_offset, CLOCK_BOOTTIME,
    "Move CLOCK_BOOTTIME in the time namespace by SECONDS" },
  { "--scope-abstract-unix", NULL, OPT_FOIL, opt_scope, SCOPE_ABSTRACT_UNIX,
    "Deny abstract unix sockets made outside the sandbox\n"
    "(Landlock ABI 6, Linux 6.12)" },
  { "--scope-abstract-unix-try", NULL, OPT_FOIL, opt_scope, SCOPE_ABSTRACT_UNIX | LANDLOCK_TRY,
    "Equal to --scope-abstract-unix if the kernel can" },
  { "--scope-signals", NULL, OPT_FOIL, opt_scope, SCOPE_SIGNALS,
    "Deny signals to processes outside the sandbox\n(Landlock ABI 6, Linux 6.12)" },
  { "--scope-signals-try", NULL, OPT_FOIL, opt_scope, SCOPE_SIGNALS | LANDLOCK_TRY,
    "Equal to --scope-signals if the kernel can" },
  { "--allow-connect-tcp", "PORTS", OPT_FOIL, opt_allow_tcp, TCP_CONNECT,
    "Allow TCP connect only to PORTS (e.g. 443,8000-8080)\n(Landlock ABI 4, Linux 6.7)" },
  { "--allow-connect-tcp-try", "PORTS", OPT_FOIL, opt_allow_tcp, TCP_CONNECT | LANDLOCK_TRY,
    "Equal to --allow-connect-tcp if the kernel can" },
  { "--allow-bind-tcp", "PORTS", OPT_FOIL, opt_allow_tcp, TCP_BIND,
    "Allow TCP bind only to PORTS (Landlock ABI 4, Linux 6.7)" },
  { "--allow-bind-tcp-try", "PORTS", OPT_FOIL, opt_allow_tcp, TCP_BIND | LANDLOCK_TRY,
    "Equal to --allow-bind-tcp if the kernel can" },
};

static const struct option_def *find_option(const char *name)
{
  for (size_t i = 0; i < sizeof options / sizeof options[0]; i++)
    if (strcmp(options[i].name, name) == 0)
      return &options[i];
  return NULL;
}

/* One word per operand in the table's operands. */
static int operand_count(const struct option_def *def)
{
  int n = def->operands != NULL;

  for (const char *p = def->operands; p != NULL && *p != '\0'; p++)
    n += *p == ' ';
  return n;
}

/* "    --bind SRC DEST              Bind mount ...", as bwrap lays it out. */
static void print_option_help(FILE *out, const struct option_def *def)
{
  char synopsis[64];
  const char *help = def->help, *nl;

  snprintf(synopsis, sizeof synopsis, "%s%s%s", def->name, def->operands ? " " : "",
           def->operands ? def->operands : "");
  /* A synopsis too wide for its column gets a line of its own. */
  if (strlen(synopsis) > 28)
    fprintf(out, "    %s\n%33s", synopsis, "");
  else
    fprintf(out, "    %-28s ", synopsis);
  fprintf(out, "%s", def->flags & OPT_FOIL ? "(foil) " : "");
  while ((nl = strchr(help, '\n')) != NULL)
    {
      fprintf(out, "%.*s\n%33s", (int)(nl - help), help, "");
      help = nl + 1;
    }
  fprintf(out, "%s\n", help);
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

void print_usage(FILE *out)
{
  fprintf(out, "usage: %s [OPTIONS...] [--] COMMAND [ARGS...]\n\n", prog_path);
  for (size_t i = 0; i < sizeof options / sizeof options[0]; i++)
    print_option_help(out, &options[i]);
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
static void splice_args_file(struct config *cfg, struct word_list *wl, int i, const char *option)
{
  char *data, *p, **words;
  bool *from_file;
  size_t len;
  int fd = parse_fd_arg(cfg, option, wl->words[i + 1], FD_CONSUMED), n = 0, count, tail;

  if (read_all(fd, 64 << 20, &data, &len) < 0)
    die_errno("Can't read %s %s", option, wl->words[i + 1]);
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

/* bwrap's rules: namespace fds would let the caller choose namespaces the
   setuid start did not create (CVE-2020-5291); a host that installs foil
   setuid restricts unprivileged user namespaces, and overlayfs in one is
   where copy-up escalations were found. */
static void refuse_in_setuid_mode(const struct option_def *def)
{
  if (def->flags & OPT_OVERLAY)
    die("%s is not allowed in setuid mode: overlayfs in user namespaces is a known "
        "privilege-escalation surface", def->name);
  die("%s is not allowed in setuid mode", def->name);
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
      int nargs;
      bool pending = cfg->has_pending_perms || cfg->has_pending_size;
      bool overlay_pending = cfg->n_overlay_srcs > 0;

      if (strcmp(wl.words[i], "--") == 0)
        {
          i++;
          break;
        }
      def = find_option(wl.words[i]);
      if (def == NULL)
        die("Unknown option %s", wl.words[i]);
      nargs = operand_count(def);
      if (wl.count - i - 1 < nargs)
        die("%s takes %s", wl.words[i], arg_counts[nargs]);
      if (def->flags & OPT_ARGS_FILE)
        {
          if (wl.from_file[i])
            die("--args not supported in arguments file");
          splice_args_file(cfg, &wl, i, def->name);
          continue;
        }
      if ((def->flags & OPT_NO_SETUID) && cfg->mode == MODE_SETUID)
        refuse_in_setuid_mode(def);
      def->handle(cfg, def, wl.words + i + 1);
      i += 1 + nargs;
      /* A modifier must be consumed by the very next option (another
         modifier aside), and overlay sources by an overlay. */
      if (pending && !(def->flags & OPT_MODIFIER))
        check_modifiers_used(cfg);
      if (overlay_pending && !(def->flags & OPT_OVERLAY))
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
  if (cfg->monotonic_offset_set && !cfg->unshare_time)
    die("--monotonic-offset requires --unshare-time");
  if (cfg->boottime_offset_set && !cfg->unshare_time)
    die("--boottime-offset requires --unshare-time");
  check_rlimits(cfg);
  /* Last: it asks the kernel, and a -try request it cannot honour is dropped. */
  landlock_check(cfg);
}
