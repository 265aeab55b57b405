/* utils.c: messages, allocation, number and path parsing, whole-file I/O. */
#include "utils.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

const char *prog_name = "foil";
const char *prog_path = "foil";
static bool level_prefix;
static int error_exit_status = 1;
static int error_json_fd = -1;

/* Longest message, without the "<prog>: " prefix. */
#define MESSAGE_MAX 4096

void set_error_exit_status(int status)
{
  error_exit_status = status;
}

int error_exit_status_of_setup(void)
{
  return error_exit_status;
}

void set_error_json_fd(int fd)
{
  error_json_fd = fd;
}

/* Length of the well-formed UTF-8 character at s (RFC 3629), or 0 with *bad
   set to the length of its longest ill-formed start (at least 1). The
   lead-specific range of the second byte is what rules out overlong forms,
   surrogates and values above U+10FFFF. */
static size_t utf8_char(const unsigned char *s, size_t *bad)
{
  unsigned char lo = 0x80, hi = 0xbf;
  size_t need;

  if (s[0] < 0x80)
    return 1;
  if (s[0] >= 0xc2 && s[0] <= 0xdf)
    need = 2;
  else if (s[0] >= 0xe0 && s[0] <= 0xef)
    need = 3, lo = s[0] == 0xe0 ? 0xa0 : 0x80, hi = s[0] == 0xed ? 0x9f : 0xbf;
  else if (s[0] >= 0xf0 && s[0] <= 0xf4)
    need = 4, lo = s[0] == 0xf0 ? 0x90 : 0x80, hi = s[0] == 0xf4 ? 0x8f : 0xbf;
  else
    need = 0;
  for (size_t i = 1; i < need; i++)
    {
      if (s[i] < lo || s[i] > hi)   /* also stops at the terminating NUL */
        {
          *bad = i;
          return 0;
        }
      lo = 0x80, hi = 0xbf;   /* only the second byte has a narrower range */
    }
  *bad = 1;
  return need;
}

/* One unit of the escaped text into unit (7 bytes at least): a whole
   character, or the escape standing for a byte or an ill-formed sequence.
   Returns its length; *used is the input bytes it stands for.
   Ill-formed UTF-8 becomes U+FFFD, one per longest ill-formed start (as
   Unicode recommends), rather than \u00XX per byte: \u00XX would read back
   as a different, valid character (\xff as U+00FF), indistinguishable from a
   path really containing it, while U+FFFD says plainly the bytes were not text. */
static size_t json_unit(const unsigned char *s, char *unit, size_t *used)
{
  size_t len;

  *used = 1;
  if (*s == '"' || *s == '\\')
    return (size_t)snprintf(unit, 7, "\\%c", *s);
  if (*s < 0x20 || *s == 0x7f)
    return (size_t)snprintf(unit, 7, "\\u%04x", *s);
  len = utf8_char(s, used);
  if (len == 0)
    return (size_t)snprintf(unit, 7, "\\ufffd");
  memcpy(unit, s, len);
  *used = len;
  return len;
}

static size_t json_escaped_length(const unsigned char *s)
{
  size_t total = 0, used;
  char unit[8];

  for (; *s; s += used)
    total += json_unit(s, unit, &used);
  return total;
}

bool json_escape(char *out, size_t size, const char *in)
{
  const unsigned char *s = (const unsigned char *)in;
  bool whole = json_escaped_length(s) < size;
  size_t limit = whole ? size - 1 : size - 4, o = 0, used;
  char unit[8];

  for (; *s; s += used)
    {
      size_t len = json_unit(s, unit, &used);

      if (o + len > limit)
        break;
      memcpy(out + o, unit, len);
      o += len;
    }
  if (!whole)
    {
      memcpy(out + o, "...", 3);
      o += 3;
    }
  out[o] = '\0';
  return whole;
}

/* The message as one { "setup-error": "..." } line. An input byte takes at
   most 6 bytes escaped, so the buffer holds any message whole. */
static void report_json_error(const char *msg)
{
  static const char head[] = "{ \"setup-error\": \"", tail[] = "\" }\n";
  char line[sizeof head + 6 * MESSAGE_MAX + sizeof tail];
  size_t n = sizeof head - 1;

  memcpy(line, head, n);
  json_escape(line + n, sizeof line - n - (sizeof tail - 1), msg);
  n += strlen(line + n);
  memcpy(line + n, tail, sizeof tail - 1);
  n += sizeof tail - 1;
  if (write_all(error_json_fd, line, n) < 0)
    error_json_fd = -1;
}

void set_prog_name(const char *argv0)
{
  const char *slash;

  if (argv0 == NULL || *argv0 == '\0')
    return;
  prog_path = argv0;
  slash = strrchr(argv0, '/');
  prog_name = slash ? slash + 1 : argv0;
  if (*prog_name == '\0')
    prog_name = "foil";
}

void set_level_prefix(bool enabled)
{
  level_prefix = enabled;
}

/* Back up from a cut before msg[end] to the start of the UTF-8 character it
   would split (at most 3 continuation bytes), so no half character is left. */
static size_t utf8_cut(const char *msg, size_t end)
{
  for (int i = 0; i < 3 && end > 0 && ((unsigned char)msg[end] & 0xc0) == 0x80; i++)
    end--;
  return end;
}

/* "<formatted>: <strerror>" into msg. When it does not fit, the formatted
   part (usually a long path) is cut and marked "...": the reason is what the
   reader needs most. */
static void format_message(char *msg, size_t size, const char *fmt, va_list ap, int errnum)
{
  char reason[256] = "";
  size_t room;
  int n;

  if (errnum != 0)
    snprintf(reason, sizeof reason, ": %s", strerror(errnum));
  room = size - strlen(reason);
  n = vsnprintf(msg, room, fmt, ap);
  if (n < 0)
    msg[0] = '\0';
  else if ((size_t)n >= room)
    strcpy(msg + utf8_cut(msg, room - 4), "...");
  strcat(msg, reason);
}

/* One fprintf per message so concurrent foil processes never interleave lines. */
static void vreport(const char *level, const char *fmt, va_list ap, int errnum)
{
  char msg[MESSAGE_MAX];

  format_message(msg, sizeof msg, fmt, ap, errnum);
  fprintf(stderr, "%s%s: %s\n", level_prefix ? level : "", prog_name, msg);
  if (error_json_fd >= 0 && level[1] == '3')
    report_json_error(msg);
}

void die(const char *fmt, ...)
{
  va_list ap;

  va_start(ap, fmt);
  vreport("<3>", fmt, ap, 0);
  va_end(ap);
  exit(error_exit_status);
}

void die_errno(const char *fmt, ...)
{
  int saved = errno;
  va_list ap;

  va_start(ap, fmt);
  vreport("<3>", fmt, ap, saved);
  va_end(ap);
  exit(error_exit_status);
}

void warn(const char *fmt, ...)
{
  va_list ap;

  va_start(ap, fmt);
  vreport("<4>", fmt, ap, 0);
  va_end(ap);
}

static void *check_alloc(void *p)
{
  if (p == NULL)
    die("out of memory");
  return p;
}

void *xmalloc(size_t size)
{
  return check_alloc(malloc(size ? size : 1));
}

void *xcalloc(size_t n, size_t size)
{
  return check_alloc(calloc(n ? n : 1, size ? size : 1));
}

void *xrealloc(void *ptr, size_t size)
{
  return check_alloc(realloc(ptr, size ? size : 1));
}

char *xstrdup(const char *s)
{
  return check_alloc(strdup(s));
}

bool parse_uint(const char *s, unsigned long max, unsigned long *out)
{
  char *end;
  unsigned long v;

  if (s == NULL || *s < '0' || *s > '9')
    return false;
  errno = 0;
  v = strtoul(s, &end, 10);
  if (errno != 0 || *end != '\0' || v > max)
    return false;
  *out = v;
  return true;
}

bool parse_fd(const char *s, int *fd)
{
  unsigned long v;

  if (!parse_uint(s, INT_MAX, &v))
    return false;
  *fd = (int)v;
  return true;
}

bool parse_octal_mode(const char *s, mode_t *mode)
{
  char *end;
  unsigned long v;

  if (s == NULL || *s < '0' || *s > '7')
    return false;
  errno = 0;
  v = strtoul(s, &end, 8);
  if (errno != 0 || *end != '\0' || v > 07777)
    return false;
  *mode = (mode_t)v;
  return true;
}

int read_all(int fd, size_t max_size, char **buf, size_t *len)
{
  size_t cap = 4096, used = 0;
  char *data = xmalloc(cap + 1);

  for (;;)
    {
      ssize_t n;

      if (used == cap)
        {
          if (cap > max_size)
            {
              free(data);
              errno = E2BIG;
              return -1;
            }
          cap *= 2;
          data = xrealloc(data, cap + 1);
        }
      n = RETRY_EINTR(read(fd, data + used, cap - used));
      if (n < 0)
        {
          int saved = errno;
          free(data);
          errno = saved;
          return -1;
        }
      if (n == 0)
        break;
      used += (size_t)n;
    }
  if (used > max_size)
    {
      free(data);
      errno = E2BIG;
      return -1;
    }
  data[used] = '\0';
  *buf = data;
  *len = used;
  return 0;
}

int write_all(int fd, const void *buf, size_t len)
{
  const char *p = buf;

  while (len > 0)
    {
      ssize_t n = RETRY_EINTR(write(fd, p, len));
      if (n < 0)
        return -1;
      p += n;
      len -= (size_t)n;
    }
  return 0;
}

int write_file_at(int dirfd, const char *path, const char *content)
{
  int fd = openat(dirfd, path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);

  if (fd < 0)
    return -1;
  if (write_all(fd, content, strlen(content)) < 0)
    {
      int saved = errno;
      close(fd);
      errno = saved;
      return -1;
    }
  return close(fd);
}

char *path_relative_to_root(const char *path)
{
  char *out = xmalloc(strlen(path) + 1);
  const char *p = path;
  char *o = out;

  /* Drop empty and "." components; keep ".." for the kernel to clamp at the root. */
  while (*p)
    {
      const char *end;
      size_t n;

      while (*p == '/')
        p++;
      end = strchrnul(p, '/');
      n = (size_t)(end - p);
      if (n == 0 || (n == 1 && p[0] == '.'))
        {
          p = end;
          continue;
        }
      if (o != out)
        *o++ = '/';
      memcpy(o, p, n);
      o += n;
      p = end;
    }
  *o = '\0';
  return out;
}

void path_split_leaf(const char *rel, char **parent, char **leaf)
{
  char *copy = xstrdup(rel);
  size_t n = strlen(copy);
  char *slash;

  while (n > 0 && copy[n - 1] == '/')
    copy[--n] = '\0';
  slash = strrchr(copy, '/');
  if (slash == NULL)
    {
      *parent = xstrdup("");
      *leaf = copy;
      return;
    }
  *slash = '\0';
  *parent = copy;
  *leaf = xstrdup(slash + 1);
}

void die_mount_api(const char *what, const char *arg)
{
  if (errno == ENOSYS)
    die("%s: this kernel lacks the mount API foil needs (Linux 5.12 or later)", what);
  die_errno("%s %s", what, arg);
}

static bool child_in_cgroup;

pid_t spawn_clone(unsigned long flags, int cgroup_fd)
{
  if (cgroup_fd >= 0)
    {
      struct clone_args args = { 0 };
      long pid;

      args.flags = (flags & ~(unsigned long)CSIGNAL) | CLONE_INTO_CGROUP;
      args.exit_signal = flags & CSIGNAL;
      args.cgroup = (unsigned)cgroup_fd;
      pid = syscall(SYS_clone3, &args, sizeof args);
      if (pid == 0)
        child_in_cgroup = true;
      if (pid >= 0)
        return (pid_t)pid;
      /* Seccomp policies (Flatpak's, container runtimes') answer clone3
         with ENOSYS so that callers fall back to clone; the caller's
         cgroup.procs write explains any other refusal. */
    }
  if (flags == SIGCHLD)
    return fork();
  return (pid_t)syscall(SYS_clone, flags, NULL, NULL, NULL, NULL);
}

bool spawned_in_cgroup(void)
{
  return child_in_cgroup;
}
