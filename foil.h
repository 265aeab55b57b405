/* foil.h: the parsed command line (configuration and ordered setup operations). */
#ifndef FOIL_H
#define FOIL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

enum run_mode {
  MODE_SETUID, /* installed setuid root, run by another user */
  MODE_USERNS, /* unprivileged, using an unprivileged user namespace */
  MODE_ROOT,   /* run by real uid 0 */
};

/* One entry per kind of setup operation; bind-mount.c has one function each. */
enum op_type {
  OP_BIND,
  OP_REMOUNT_RO,
  OP_PROC,
  OP_DEV,
  OP_TMPFS,
  OP_MQUEUE,
  OP_DIR,
  OP_SYMLINK,
  OP_CHMOD,
  OP_FILE,
  OP_BIND_DATA,
  OP_OVERLAY,
  OP_COUNT
};

/* Flags of OP_BIND. */
#define BIND_READONLY  0x1u /* ro-bind */
#define BIND_DEVICES   0x2u /* dev-bind: device nodes stay usable */
#define BIND_TRY       0x4u /* a missing source is not an error */

/* Kinds of OP_OVERLAY (in flags). */
#define OVERLAY_RW     0x10u /* --overlay RWSRC WORKDIR DEST */
#define OVERLAY_TMP    0x20u /* --tmp-overlay: upper layer on a private tmpfs */
#define OVERLAY_RO     0x40u /* --ro-overlay */

struct setup_op {
  enum op_type type;
  unsigned flags;
  const char *option;   /* the option that created it, for messages */
  const char *source;   /* host path (binds) or link target (symlink) */
  const char *dest;     /* path inside the sandbox, as the user wrote it */
  int fd;               /* --bind-fd/--ro-bind-fd source, --file data; -1 if none */
  mode_t perms;
  unsigned long long size; /* --size for --tmpfs; 0 means the default */
  const char *workdir;  /* --overlay WORKDIR (source is RWSRC) */
  const char **layers;  /* --overlay-src paths, bottom first */
  size_t n_layers;
  struct setup_op *next;
};

struct seccomp_program {
  struct seccomp_program *next;
  const char *option;   /* "--seccomp" or "--add-seccomp-fd" */
  int fd;
  unsigned short len;   /* instructions */
  void *insns;          /* struct sock_filter[len] */
};

/* Landlock scopes the options ask for (landlock.c). */
#define SCOPE_ABSTRACT_UNIX 0x1u  /* --scope-abstract-unix */
#define SCOPE_SIGNALS       0x2u  /* --scope-signals */

/* --allow-connect-tcp, --allow-bind-tcp: the ports they allow. */
struct port_range {
  unsigned short first, last;
};
struct tcp_port_rules {
  bool used;            /* given, in either form: other ports are denied */
  bool required;        /* given in the plain form, not only as -try */
  struct port_range *ranges;
  size_t n_ranges;
};

/* --rlimit NAME=SOFT[:HARD]: one per resource (the last given counts). */
struct rlimit_setting {
  int resource;         /* RLIMIT_* */
  bool hard_set;        /* HARD given; without it the hard limit stays as it is */
  rlim_t soft, hard;    /* RLIM_INFINITY for unlimited */
  const char *arg;      /* NAME=SOFT[:HARD] as written, for messages */
};

/* --cgroup and the limits: what the options ask the monitor to set up
   (cgroup.c). Plain bytes: in setuid mode the setup process, which parses
   the command line, sends it as is to the monitor. */
enum cgroup_limit {
  CG_MEMORY_MAX, CG_MEMORY_HIGH, CG_MEMORY_SWAP_MAX, CG_PIDS_MAX,
  CG_CPU_MAX, CG_CPU_WEIGHT, CG_IO_WEIGHT, CG_N_LIMITS
};
#define CG_VALUE_MAX 48
#define CG_DIR_MAX 4096
struct cgroup_request {
  bool used;                               /* --cgroup or any limit */
  char dir[CG_DIR_MAX];                    /* --cgroup DIR; "" for foil's own cgroup */
  char value[CG_N_LIMITS][CG_VALUE_MAX];   /* the limit file's new content, "" if unset */
  char option[CG_N_LIMITS][24];            /* the option that set it (--cpus or --cpu-max...) */
  char memory_max_arg[CG_VALUE_MAX];       /* --memory-max as written, for the OOM message */
  /* Setuid mode: the monitor that makes the cgroup did not parse the
     command line, so its errors need these from the setup process. */
  int error_status;                        /* --setup-error-status, or 1 */
  int error_json_fd;                       /* --json-status-fd, or -1 */
};

struct config {
  enum run_mode mode;
  uid_t caller_uid;
  gid_t caller_gid;

  bool unshare_user, unshare_user_try;
  bool unshare_pid, unshare_net, unshare_ipc, unshare_uts;
  bool unshare_cgroup, unshare_cgroup_try;
  bool unshare_time;
  bool monotonic_offset_set, boottime_offset_set;
  long long monotonic_offset, boottime_offset;  /* seconds, for the time namespace */
  bool uid_set, gid_set;
  uid_t sandbox_uid;
  gid_t sandbox_gid;
  const char *hostname;
  const char *chdir_path;

  bool die_with_parent, new_session, as_pid_1;
  bool disable_userns, assert_userns_disabled;
  bool caps_changed;    /* --cap-add/--cap-drop were used */
  uint64_t caps_add;    /* added after the mode's starting set, in order */
  uint64_t caps_drop;   /* removed from it */

  struct setup_op *ops, **ops_tail;
  unsigned scopes;          /* SCOPE_* bits, in either form */
  unsigned scopes_required; /* those given in the plain form, not only as -try */
  struct tcp_port_rules tcp_connect, tcp_bind;

  struct seccomp_program *seccomp, **seccomp_tail;
  bool used_seccomp, used_add_seccomp;

  const char *argv0;    /* --argv0 */
  bool close_fds;       /* --close-fds: inherited fds above 2 do not reach the payload */
  int *keep_fds;        /* --keep-fd: passed on to the payload despite --close-fds */
  size_t n_keep_fds;
  const char **lock_files; /* --lock-file: read-locked by pid 1 while it runs */
  size_t n_lock_files;
  bool forward_signals;  /* --forward-signals */
  struct rlimit_setting *rlimits; /* --rlimit: set in the command only, just before exec */
  size_t n_rlimits;
  struct cgroup_request cgroup; /* --cgroup, --memory-max...: made by the monitor */
  const char **overlay_srcs; /* --overlay-src waiting for its overlay option */
  size_t n_overlay_srcs;
  const char *exec_label, *file_label;
  int block_fd, info_fd, json_status_fd, sync_fd;  /* -1 when unused */
  int userns_fd, userns2_fd, pidns_fd, userns_block_fd; /* -1 when unused */
  int reserved_fd;      /* foil's own fd when the command line is parsed, or -1 */
  int join_fd;          /* setuid mode: the socket to the monitor, also foil's own, or -1 */
  bool callerns;        /* the command runs in the caller's user namespace (callerns.c) */
  struct fd_use_record { int fd; bool consumed; const char *option; } *fd_uses;
  size_t n_fd_uses;     /* every fd argument so far, to refuse conflicting uses */
  bool info_written;    /* the monitor already wrote --info-fd (--userns-block-fd) */
  bool has_pending_perms, has_pending_size;  /* --perms/--size wait for their op */
  mode_t pending_perms;
  unsigned long long pending_size;

  char **command;       /* argv of the payload, NULL-terminated */
};

/* The signals --forward-signals passes on to the command. */
#define FORWARDED_SIGNALS SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2

/* Whether the sandbox runs in a user namespace foil created. */
static inline bool uses_user_namespace(const struct config *cfg)
{
  return cfg->mode != MODE_ROOT || cfg->unshare_user || cfg->userns_fd >= 0;
}

#endif
