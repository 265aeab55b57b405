/* utils.c: messages, allocation, number and path parsing, whole-file I/O. */
#include "utils.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *prog_name = "foil";
static bool level_prefix;
static int error_exit_status = 1;
static int error_json_fd = -1;

/* Longest message, without the "<prog>: " prefix. */
#define MESSAGE_MAX 4096

void set_error_exit_status(int status)
{
  error_exit_status = status;
}

void set_error_json_fd(int fd)
{
  error_json_fd = fd;
}

/* The message as a JSON string: quotes, backslashes and control characters escaped. */
static void report_json_error(const char *msg)
{
  char out[8192];
  size_t o = 0;

  o += (size_t)snprintf(out, sizeof out, "{ \"setup-error\": \"");
  for (const unsigned char *p = (const unsigned char *)msg; *p && o < sizeof out - 16; p++)
    {
      if (*p == '"' || *p == '\\')
        o += (size_t)snprintf(out + o, sizeof out - o, "\\%c", *p);
      else if (*p < 0x20)
        o += (size_t)snprintf(out + o, sizeof out - o, "\\u%04x", *p);
      else
        out[o++] = (char)*p;
    }
  o += (size_t)snprintf(out + o, sizeof out - o, "\" }\n");
  if (write_all(error_json_fd, out, o) < 0)
    error_json_fd = -1;
}

void set_prog_name(const char *argv0)
{
  const char *slash;

  if (argv0 == NULL || *argv0 == '\0')
    return;
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
