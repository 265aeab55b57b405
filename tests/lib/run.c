/* Running a child and capturing its output (see run.h). */
#include "run.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

void *xrealloc(void *p, size_t n)
{
  p = realloc(p, n);
  if (!p)
    abort();
  return p;
}

/* ---- argument lists ---- */

void args_add(struct args *a, const char *s)
{
  if (a->n + 2 > a->cap)
    {
      a->cap = a->cap ? a->cap * 2 : 32;
      a->v = xrealloc(a->v, a->cap * sizeof *a->v);
    }
  a->v[a->n++] = strdup(s);
  a->v[a->n] = NULL;
}

void args_addf(struct args *a, const char *fmt, ...)
{
  char *s;
  va_list ap;
  va_start(ap, fmt);
  if (vasprintf(&s, fmt, ap) < 0)
    abort();
  va_end(ap);
  args_add(a, s);
  free(s);
}

void args_addv(struct args *a, ...)
{
  va_list ap;
  va_start(ap, a);
  for (const char *s = va_arg(ap, const char *); s; s = va_arg(ap, const char *))
    args_add(a, s);
  va_end(ap);
}

void args_free(struct args *a)
{
  for (size_t i = 0; i < a->n; i++)
    free(a->v[i]);
  free(a->v);
  a->v = NULL;
  a->n = a->cap = 0;
}

/* ---- running ---- */

static bool kept(const struct spawn *o, int fd)
{
  for (int i = 0; i < o->nkeep; i++)
    if (o->keep_fds[i] == fd)
      return true;
  return false;
}

/* In the child: closes every fd but 0-2 and the kept ones. */
static void close_other_fds(const struct spawn *o)
{
  DIR *d = opendir("/proc/self/fd");
  int dfd = d ? dirfd(d) : -1;
  int fds[1024], n = 0;
  struct dirent *e;
  while (d && (e = readdir(d)) && n < 1024)
    {
      int fd = atoi(e->d_name);
      if (e->d_name[0] != '.' && fd > 2 && fd != dfd && !kept(o, fd))
        fds[n++] = fd;
    }
  if (d)
    closedir(d);
  for (int i = 0; i < n; i++)
    close(fds[i]);
  for (int i = 0; i < o->nkeep; i++)
    fcntl(o->keep_fds[i], F_SETFD, 0);
}

pid_t spawn_start(const struct spawn *o, char *const argv[], int *in_fd, int *out_fd, int *err_fd)
{
  int inp[2] = { -1, -1 }, outp[2] = { -1, -1 }, errp[2] = { -1, -1 };

  if ((in_fd && pipe2(inp, O_CLOEXEC) != 0) || (out_fd && pipe2(outp, O_CLOEXEC) != 0) ||
      (err_fd && pipe2(errp, O_CLOEXEC) != 0))
    ck_abort_msg("pipe: %s", strerror(errno));
  fflush(stdout);
  fflush(stderr);
  pid_t pid = fork();
  ck_assert_msg(pid >= 0, "fork: %s", strerror(errno));
  if (pid == 0)
    {
      int devnull = open("/dev/null", O_RDWR);
      if (o->pty > 0)
        {
          setsid();
          ioctl(o->pty, TIOCSCTTY, 0);
          dup2(o->pty, 0);
          dup2(o->pty, 1);
          dup2(o->pty, 2);
        }
      else
        {
          dup2(in_fd ? inp[0] : devnull, 0);
          dup2(out_fd ? outp[1] : devnull, 1);
          dup2(err_fd ? errp[1] : devnull, 2);
        }
      close_other_fds(o);
      signal(SIGPIPE, SIG_DFL);
      if (o->in_child)
        o->in_child(o->in_child_arg);
      if (!o->exec_path)
        _exit(0);
      if (o->search_path)
        execvp(o->exec_path, argv);
      else
        execv(o->exec_path, argv);
      dprintf(2, "exec %s: %s\n", o->exec_path, strerror(errno));
      _exit(127);
    }
  if (in_fd)
    {
      close(inp[0]);
      *in_fd = inp[1];
    }
  if (out_fd)
    {
      close(outp[1]);
      *out_fd = outp[0];
    }
  if (err_fd)
    {
      close(errp[1]);
      *err_fd = errp[0];
    }
  return pid;
}

int wait_code(pid_t pid)
{
  int st;
  while (waitpid(pid, &st, 0) < 0)
    if (errno != EINTR)
      return -1;
  if (WIFEXITED(st))
    return WEXITSTATUS(st);
  return 128 + WTERMSIG(st);
}

/* Collects stdout and stderr together with poll, so neither pipe fills up. */
static void collect(int out, int err, struct result *r)
{
  size_t len[2] = { 0, 0 }, cap[2] = { 4096, 4096 };
  char *buf[2] = { xrealloc(NULL, 4096), xrealloc(NULL, 4096) };
  struct pollfd p[2] = { { out, POLLIN, 0 }, { err, POLLIN, 0 } };
  int open_fds = 2;
  while (open_fds > 0)
    {
      if (poll(p, 2, -1) < 0)
        {
          if (errno == EINTR)
            continue;
          break;
        }
      for (int i = 0; i < 2; i++)
        {
          if (p[i].fd < 0 || !p[i].revents)
            continue;
          if (len[i] + 4096 >= cap[i])
            buf[i] = xrealloc(buf[i], cap[i] *= 2);
          ssize_t n = read(p[i].fd, buf[i] + len[i], cap[i] - len[i] - 1);
          if (n <= 0)
            {
              close(p[i].fd);
              p[i].fd = -1;
              open_fds--;
            }
          else
            {
              len[i] += (size_t)n;
            }
        }
    }
  buf[0][len[0]] = 0;
  buf[1][len[1]] = 0;
  r->out = buf[0];
  r->err = buf[1];
  r->out_len = len[0];
  r->err_len = len[1];
}

void spawn_run(struct result *r, const struct spawn *o, char *const argv[])
{
  int in = -1, out, err;
  const char *data = o->stdin_data;
  pid_t pid = spawn_start(o, argv, data ? &in : NULL, &out, &err);
  if (data)
    {
      signal(SIGPIPE, SIG_IGN);
      if (write(in, data, strlen(data)) < 0)
        {
          /* the child may exit without reading: not an error of the test */
        }
      close(in);
    }
  collect(out, err, r);
  r->code = wait_code(pid);
}

void result_free(struct result *r)
{
  free(r->out);
  free(r->err);
  r->out = r->err = NULL;
  r->out_len = r->err_len = 0;
}

/* ---- reading fds ---- */

bool readable_within(int fd, int ms)
{
  struct pollfd p = { fd, POLLIN, 0 };
  int n;
  while ((n = poll(&p, 1, ms)) < 0 && errno == EINTR)
    ;
  return n == 1;
}

char *slurp_fd_within(int fd, int ms, const char *what)
{
  size_t len = 0, cap = 4096;
  char *buf = xrealloc(NULL, cap);
  for (;;)
    {
      if (len + 1 >= cap)
        buf = xrealloc(buf, cap *= 2);
      buf[len] = 0;
      ck_assert_msg(ms < 0 || readable_within(fd, ms), "no EOF on %s; got so far:\n%s", what, buf);
      ssize_t n = read(fd, buf + len, cap - len - 1);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      len += (size_t)n;
    }
  buf[len] = 0;
  return buf;
}

char *slurp_fd(int fd) { return slurp_fd_within(fd, -1, NULL); }

bool read_line(int fd, char *buf, size_t len)
{
  size_t i = 0;
  while (i + 1 < len)
    {
      char c;
      ssize_t n = read(fd, &c, 1);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      if (c == '\n')
        {
          buf[i] = 0;
          return true;
        }
      buf[i++] = c;
    }
  buf[i] = 0;
  return i > 0;
}

void read_line_within(int fd, char *buf, size_t len, int ms, const char *what)
{
  ck_assert_msg(readable_within(fd, ms), "timed out waiting for %s", what);
  ck_assert_msg(read_line(fd, buf, len), "EOF instead of %s", what);
}

bool at_eof_now(int fd)
{
  struct pollfd p = { fd, POLLIN, 0 };
  if (poll(&p, 1, 0) != 1)
    return false;
  char c;
  return read(fd, &c, 1) == 0;
}

/* ---- data for a child ---- */

int data_fd(const void *data, size_t len)
{
  int fd = (int)syscall(SYS_memfd_create, "test-data", 0);
  ck_assert_msg(fd >= 0, "memfd_create: %s", strerror(errno));
  ck_assert(write(fd, data, len) == (ssize_t)len);
  lseek(fd, 0, SEEK_SET);
  return fd;
}

int text_fd(const char *text) { return data_fd(text, strlen(text)); }
