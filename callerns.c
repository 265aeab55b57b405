/* callerns.c: setuid mode's command in the caller's own user namespace.
 *
 * Without --unshare-user (see callerns_layout()), the setup process builds
 * the sandbox as always, but does not start the command: it hands the
 * monitor its namespaces (fds, over the socket priv_start() made) and what
 * the command needs to start (argv, environment, cwd, seccomp programs,
 * fds...), then stays as the sandbox's holder (pid 1 with --unshare-pid)
 * until the monitor closes that socket. The monitor checks and joins the
 * namespaces (priv_join(), privileged.c), which drops its last capabilities
 * for good; only then does it read the rest, here, and fork the command.
 * The message: a header (fd count, state length) carrying the fds, then the
 * state as records (tag, length, bytes).
 */
#include "callerns.h"
#include "privileged.h"
#include "utils.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

extern char **environ;

bool callerns_layout(const struct config *cfg)
{
  return cfg->mode == MODE_SETUID && !cfg->unshare_user && !cfg->unshare_user_try &&
         !cfg->uid_set && !cfg->gid_set && !cfg->as_pid_1 && !cfg->disable_userns &&
         !cfg->assert_userns_disabled && cfg->userns_fd < 0 && cfg->userns2_fd < 0 &&
         cfg->pidns_fd < 0 && cfg->caps_add == 0 && !cfg->unshare_time && cfg->scopes == 0 &&
         !cfg->tcp_connect.used && !cfg->tcp_bind.used && !cfg->cgroup.used;
}

struct header {
  uint32_t n_fds;
  uint32_t state_len;
};

enum tag {
  TAG_ARG = 1, TAG_ENV, TAG_CWD, TAG_ARGV0, TAG_EXEC_LABEL, TAG_SECCOMP, TAG_KEEP_FD,
  TAG_CLOSE_FD, TAG_SETTINGS,
  TAG_RLIMIT
};

/* The state's fixed part. */
struct settings {
  int32_t close_fds, new_session, die_with_parent, pidns;
  int32_t block_fd, sync_fd, info_fd, json_status_fd;
  int32_t error_status;   /* --setup-error-status */
  uint64_t ns_ids[N_REPORTED_NS];
};

/* One --rlimit, followed by its argument as written (a string). */
struct rlimit_record {
  uint64_t soft, hard;
  int32_t resource, hard_set;
};

/* The largest state accepted: argv and environment are bounded by the
   kernel's limit for exec, seccomp programs by their count. */
#define MAX_STATE (64u << 20)

struct buf {
  char *data;
  size_t len, cap;
};

static void put(struct buf *b, enum tag tag, const void *data, size_t len)
{
  uint32_t h[2] = { (uint32_t)tag, (uint32_t)len };

  if (len > MAX_STATE || b->len + sizeof h + len > MAX_STATE)
    die("The command's state is too large to hand over");
  while (b->len + sizeof h + len > b->cap)
    {
      b->cap = b->cap ? b->cap * 2 : 4096;
      b->data = xrealloc(b->data, b->cap);
    }
  memcpy(b->data + b->len, h, sizeof h);
  memcpy(b->data + b->len + sizeof h, data, len);
  b->len += sizeof h + len;
}

static void put_string(struct buf *b, enum tag tag, const char *s)
{
  put(b, tag, s, strlen(s) + 1);
}

static void put_int(struct buf *b, enum tag tag, int value)
{
  int32_t v = value;

  put(b, tag, &v, sizeof v);
}

static void put_seccomp(struct buf *b, const struct seccomp_program *p)
{
  size_t len = 2 * sizeof(int32_t) + (size_t)p->len * 8;
  int32_t *rec = xcalloc(1, len);

  rec[0] = p->fd;
  rec[1] = strcmp(p->option, "--seccomp") != 0;
  memcpy(rec + 2, p->insns, (size_t)p->len * 8);
  put(b, TAG_SECCOMP, rec, len);
  free(rec);
}

static void put_rlimit(struct buf *b, const struct rlimit_setting *set)
{
  struct rlimit_record rec = { set->soft, set->hard, set->resource, set->hard_set };
  size_t len = sizeof rec + strlen(set->arg) + 1;
  char *data = xmalloc(len);

  memcpy(data, &rec, sizeof rec);
  memcpy(data + sizeof rec, set->arg, len - sizeof rec);
  put(b, TAG_RLIMIT, data, len);
  free(data);
}

static void put_state(struct buf *b, const struct config *cfg, const char *cwd, bool pidns,
                      const uint64_t ns_ids[N_REPORTED_NS])
{
  struct settings s = {
    cfg->close_fds, cfg->new_session, cfg->die_with_parent, pidns,
    cfg->block_fd, cfg->sync_fd, cfg->info_fd, cfg->json_status_fd,
    error_exit_status_of_setup(), { 0 }
  };

  memcpy(s.ns_ids, ns_ids, sizeof s.ns_ids);
  put(b, TAG_SETTINGS, &s, sizeof s);
  put_string(b, TAG_CWD, cwd);
  for (char **a = cfg->command; *a != NULL; a++)
    put_string(b, TAG_ARG, *a);
  for (char **e = environ; e != NULL && *e != NULL; e++)
    put_string(b, TAG_ENV, *e);
  if (cfg->argv0 != NULL)
    put_string(b, TAG_ARGV0, cfg->argv0);
  if (cfg->exec_label != NULL)
    put_string(b, TAG_EXEC_LABEL, cfg->exec_label);
  for (const struct seccomp_program *p = cfg->seccomp; p != NULL; p = p->next)
    put_seccomp(b, p);
  for (size_t i = 0; i < cfg->n_keep_fds; i++)
    put_int(b, TAG_KEEP_FD, cfg->keep_fds[i]);
  for (size_t i = 0; i < cfg->n_rlimits; i++)
    put_rlimit(b, &cfg->rlimits[i]);
  /* Fds the options consumed: the setup process closed its copies, the
     monitor closes its own. --block-fd is the command's to read, --info-fd
     the monitor's to write. */
  for (size_t i = 0; i < cfg->n_fd_uses; i++)
    if (cfg->fd_uses[i].consumed && cfg->fd_uses[i].fd != cfg->block_fd &&
        cfg->fd_uses[i].fd != cfg->info_fd)
      put_int(b, TAG_CLOSE_FD, cfg->fd_uses[i].fd);
}

/* Whether namespace fd FD is owned by the user namespace we are in. */
static bool owned_by_us(int fd, const struct stat *own)
{
  struct stat st;
  int owner = ioctl(fd, NS_GET_USERNS);
  bool same;

  if (owner < 0)
    return false;
  same = fstat(owner, &st) == 0 && st.st_dev == own->st_dev && st.st_ino == own->st_ino;
  close(owner);
  return same;
}

size_t callerns_open_namespaces(int proc_fd, int fds[JOIN_MAX_FDS])
{
  static const char *const names[JOIN_MAX_FDS] = { "self/ns/mnt", "self/ns/pid", "self/ns/ipc",
                                                   "self/ns/uts", "self/ns/net", "self/ns/cgroup" };
  struct stat own;
  size_t n = 0;

  if (fstatat(proc_fd, "self/ns/user", &own, 0) < 0)
    die_errno("Can't stat our user namespace");
  /* Only those the sandbox created: they are owned by our user namespace
     (the pid namespace is ours when we are its pid 1). */
  for (size_t i = 0; i < JOIN_MAX_FDS; i++)
    {
      int fd = openat(proc_fd, names[i], O_RDONLY | O_CLOEXEC);
      if (fd < 0)
        die_errno("Can't open /proc/%s", names[i]);
      if (owned_by_us(fd, &own))
        fds[n++] = fd;
      else
        close(fd);
    }
  return n;
}

void callerns_send(int sock, const int *fds, size_t n, const struct config *cfg, const char *cwd,
                   bool pidns, const uint64_t ns_ids[N_REPORTED_NS])
{
  struct buf b = { NULL, 0, 0 };
  struct header h;
  union {
    char buf[CMSG_SPACE(sizeof(int) * JOIN_MAX_FDS)];
    struct cmsghdr align;
  } control;
  struct iovec iov = { &h, sizeof h };
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
  struct cmsghdr *c;

  put_state(&b, cfg, cwd, pidns, ns_ids);
  h.n_fds = (uint32_t)n;
  h.state_len = (uint32_t)b.len;
  memset(&control, 0, sizeof control);
  msg.msg_control = control.buf;
  msg.msg_controllen = CMSG_SPACE(sizeof(int) * n);
  c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int) * n);
  memcpy(CMSG_DATA(c), fds, sizeof(int) * n);
  if (RETRY_EINTR(sendmsg(sock, &msg, MSG_NOSIGNAL)) != (ssize_t)sizeof h ||
      write_all(sock, b.data, b.len) < 0)
    die_errno("Can't hand the sandbox over to the monitor");
  free(b.data);
}

/* Close the fds of a message we refuse. */
static void close_received(struct msghdr *msg)
{
  for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c != NULL; c = CMSG_NXTHDR(msg, c))
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
      {
        size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        int fd;
        for (size_t i = 0; i < n; i++)
          {
            memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
            close(fd);
          }
      }
}

/* Runs with the join capabilities still permitted (none effective): only
   receives, and reads two integers, nothing else. */
ssize_t callerns_receive_namespaces(int sock, int fds[JOIN_MAX_FDS], size_t *state_len)
{
  struct header h;
  union {
    char buf[CMSG_SPACE(sizeof(int) * JOIN_MAX_FDS)];
    struct cmsghdr align;
  } control;
  struct iovec iov = { &h, sizeof h };
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
                        .msg_controllen = sizeof control.buf };
  struct cmsghdr *c;
  ssize_t got;
  size_t n = 0;

  memset(&control, 0, sizeof control);
  got = RETRY_EINTR(recvmsg(sock, &msg, MSG_CMSG_CLOEXEC));
  if (got == 0)
    return -1;   /* the setup process failed, and said why */
  if (got < 0)
    die_errno("Can't receive the sandbox's namespaces");
  c = CMSG_FIRSTHDR(&msg);
  if (got == (ssize_t)sizeof h && !(msg.msg_flags & MSG_CTRUNC) && c != NULL &&
      c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS && CMSG_NXTHDR(&msg, c) == NULL)
    n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
  if (n == 0 || n != h.n_fds || n > JOIN_MAX_FDS || h.state_len > MAX_STATE)
    {
      close_received(&msg);
      die("The sandbox handed over a malformed message");
    }
  memcpy(fds, CMSG_DATA(c), n * sizeof(int));
  *state_len = h.state_len;
  return (ssize_t)n;
}

/* The records of the state, checked as they are read. From here on the
   monitor holds no privilege at all. */
struct reader {
  const char *p, *end;
};

static bool next_record(struct reader *r, uint32_t *tag, const char **data, uint32_t *len)
{
  uint32_t h[2];

  if (r->p == r->end)
    return false;
  if ((size_t)(r->end - r->p) < sizeof h)
    die("The sandbox handed over a malformed state");
  memcpy(h, r->p, sizeof h);
  if (h[1] > (size_t)(r->end - r->p) - sizeof h)
    die("The sandbox handed over a malformed state");
  *tag = h[0];
  *len = h[1];
  *data = r->p + sizeof h;
  r->p += sizeof h + h[1];
  return true;
}

static const char *string_of(const char *data, uint32_t len)
{
  if (len == 0 || data[len - 1] != '\0' || memchr(data, '\0', len) != data + len - 1)
    die("The sandbox handed over a malformed string");
  return data;
}

static int fd_of(const char *data, uint32_t len)
{
  int32_t v;

  if (len != sizeof v)
    die("The sandbox handed over a malformed fd");
  memcpy(&v, data, sizeof v);
  if (v < -1)
    die("The sandbox handed over a malformed fd");
  return v;
}

static void add_string(char ***list, size_t *n, const char *s)
{
  *list = xrealloc(*list, sizeof **list * (*n + 2));
  (*list)[(*n)++] = xstrdup(s);
  (*list)[*n] = NULL;
}

static void read_seccomp(struct config *cfg, const char *data, uint32_t len)
{
  struct seccomp_program *p;
  int32_t head[2];
  size_t bytes;

  if (len < sizeof head || (len - sizeof head) % 8 != 0 || len - sizeof head == 0 ||
      (len - sizeof head) / 8 > 4096)
    die("The sandbox handed over a malformed seccomp program");
  memcpy(head, data, sizeof head);
  bytes = len - sizeof head;
  p = xcalloc(1, sizeof *p);
  p->fd = head[0];
  p->option = head[1] ? "--add-seccomp-fd" : "--seccomp";
  p->len = (unsigned short)(bytes / 8);
  p->insns = xcalloc(1, bytes);
  memcpy(p->insns, data + sizeof head, bytes);
  *cfg->seccomp_tail = p;
  cfg->seccomp_tail = &p->next;
}

static void read_rlimit(struct config *cfg, const char *data, uint32_t len)
{
  struct rlimit_record rec;
  struct rlimit_setting *set;

  if (len <= sizeof rec)
    die("The sandbox handed over a malformed resource limit");
  memcpy(&rec, data, sizeof rec);
  if (rec.resource < 0 || rec.resource >= RLIM_NLIMITS || (rec.hard_set != 0 && rec.soft > rec.hard))
    die("The sandbox handed over a malformed resource limit");
  cfg->rlimits = xrealloc(cfg->rlimits, sizeof *cfg->rlimits * (cfg->n_rlimits + 1));
  set = &cfg->rlimits[cfg->n_rlimits++];
  set->resource = rec.resource;
  set->hard_set = rec.hard_set != 0;
  set->soft = (rlim_t)rec.soft;
  set->hard = (rlim_t)rec.hard;
  set->arg = xstrdup(string_of(data + sizeof rec, len - (uint32_t)sizeof rec));
}

static void read_settings(struct config *cfg, struct callerns_state *out, const char *data,
                          uint32_t len)
{
  struct settings s;

  if (len != sizeof s)
    die("The sandbox handed over malformed settings");
  memcpy(&s, data, sizeof s);
  if (s.block_fd < -1 || s.sync_fd < -1 || s.info_fd < -1 || s.json_status_fd < -1 ||
      s.error_status < 1 || s.error_status > 255)
    die("The sandbox handed over malformed settings");
  set_error_exit_status(s.error_status);
  cfg->close_fds = s.close_fds != 0;
  cfg->new_session = s.new_session != 0;
  cfg->die_with_parent = s.die_with_parent != 0;
  cfg->block_fd = s.block_fd;
  cfg->sync_fd = s.sync_fd;
  cfg->info_fd = s.info_fd;
  cfg->json_status_fd = s.json_status_fd;
  out->pidns = s.pidns != 0;
  memcpy(out->ns_ids, s.ns_ids, sizeof out->ns_ids);
}

static void read_record(struct config *cfg, struct callerns_state *out, uint32_t tag,
                        const char *data, uint32_t len, size_t *n_args, size_t *n_env)
{
  switch (tag)
    {
    case TAG_SETTINGS: read_settings(cfg, out, data, len); break;
    case TAG_ARG: add_string(&cfg->command, n_args, string_of(data, len)); break;
    case TAG_ENV: add_string(&out->env, n_env, string_of(data, len)); break;
    case TAG_CWD: out->cwd = xstrdup(string_of(data, len)); break;
    case TAG_ARGV0: cfg->argv0 = xstrdup(string_of(data, len)); break;
    case TAG_EXEC_LABEL: cfg->exec_label = xstrdup(string_of(data, len)); break;
    case TAG_SECCOMP: read_seccomp(cfg, data, len); break;
    case TAG_KEEP_FD:
      cfg->keep_fds = xrealloc(cfg->keep_fds, sizeof(int) * (cfg->n_keep_fds + 1));
      cfg->keep_fds[cfg->n_keep_fds++] = fd_of(data, len);
      break;
    case TAG_CLOSE_FD:
      out->close = xrealloc(out->close, sizeof(int) * (out->n_close + 1));
      out->close[out->n_close++] = fd_of(data, len);
      break;
    case TAG_RLIMIT: read_rlimit(cfg, data, len); break;
    default: die("The sandbox handed over an unknown record");
    }
}

void callerns_receive_state(int sock, size_t len, struct config *cfg, struct callerns_state *out)
{
  char *data = xcalloc(1, len + 1);
  struct reader r = { data, data + len };
  size_t n_args = 0, n_env = 0;
  const char *rec;
  uint32_t tag, rec_len;
  ssize_t got;

  for (size_t off = 0; off < len; off += (size_t)got)
    {
      got = RETRY_EINTR(read(sock, data + off, len - off));
      if (got <= 0)
        die("The sandbox's state ended early");
    }
  memset(out, 0, sizeof *out);
  out->env = xcalloc(1, sizeof *out->env);
  while (next_record(&r, &tag, &rec, &rec_len))
    read_record(cfg, out, tag, rec, rec_len, &n_args, &n_env);
  if (n_args == 0 || out->cwd == NULL)
    die("The sandbox handed over no command");
  free(data);
}

/* One byte carrying one fd, each way the same. */
static int send_fd(int sock, int fd)
{
  union {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } control;
  char byte = 'c';
  struct iovec iov = { &byte, 1 };
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
                        .msg_controllen = sizeof control.buf };
  struct cmsghdr *c;

  memset(&control, 0, sizeof control);
  c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(c), &fd, sizeof fd);
  return RETRY_EINTR(sendmsg(sock, &msg, MSG_NOSIGNAL)) == 1 ? 0 : -1;
}

void callerns_send_command(int sock, pid_t pid)
{
  int fd = (int)syscall(SYS_pidfd_open, pid, 0);

  if (fd < 0 || send_fd(sock, fd) < 0)
    die_errno("Can't tell the sandbox which process is the command");
  close(fd);
}

int callerns_receive_command(int sock)
{
  union {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } control;
  char byte;
  struct iovec iov = { &byte, 1 };
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
                        .msg_controllen = sizeof control.buf };
  struct cmsghdr *c;
  int fd;

  memset(&control, 0, sizeof control);
  if (RETRY_EINTR(recvmsg(sock, &msg, MSG_CMSG_CLOEXEC)) != 1)
    return -1;
  c = CMSG_FIRSTHDR(&msg);
  if ((msg.msg_flags & MSG_CTRUNC) || c == NULL || c->cmsg_level != SOL_SOCKET ||
      c->cmsg_type != SCM_RIGHTS || c->cmsg_len != CMSG_LEN(sizeof(int)))
    {
      close_received(&msg);
      return -1;
    }
  memcpy(&fd, CMSG_DATA(c), sizeof fd);
  return fd;
}
