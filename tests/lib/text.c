/* Matching a program's output, and reading the flat JSON objects bwrap
 * writes (see text.h). */
#include "text.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- output matching ---- */

bool has_line(const char *buf, const char *line)
{
  size_t n = strlen(line);
  for (const char *p = buf; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
    if (!strncmp(p, line, n) && (p[n] == '\n' || p[n] == 0))
      return true;
  return false;
}

bool has_linef(const char *buf, const char *fmt, ...)
{
  char *s;
  va_list ap;
  va_start(ap, fmt);
  if (vasprintf(&s, fmt, ap) < 0)
    abort();
  va_end(ap);
  bool ok = has_line(buf, s);
  free(s);
  return ok;
}

const char *value_of(const char *buf, const char *key)
{
  static char val[4096];
  size_t n = strlen(key);
  for (const char *p = buf; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
    {
      if (!strncmp(p, key, n) && p[n] == ':' && p[n + 1] == ' ')
        {
          const char *v = p + n + 2;
          size_t l = strcspn(v, "\n");
          if (l >= sizeof val)
            l = sizeof val - 1;
          memcpy(val, v, l);
          val[l] = 0;
          return val;
        }
    }
  return NULL;
}

size_t count_lines(const char *buf)
{
  size_t n = 0;
  for (const char *p = buf; *p; p++)
    if (*p == '\n')
      n++;
  if (*buf && buf[strlen(buf) - 1] != '\n')
    n++;
  return n;
}

/* ---- JSON ---- */

/* Parses { "k": 123, ... }; returns false on anything else. */
bool json_parse(const char *s, struct json_obj *o)
{
  o->n = 0;
  while (*s == ' ' || *s == '\n')
    s++;
  if (*s++ != '{')
    return false;
  for (;;)
    {
      while (*s == ' ' || *s == '\n')
        s++;
      if (*s == '}')
        break;
      if (*s++ != '"' || o->n >= 16)
        return false;
      size_t l = strcspn(s, "\"");
      if (l >= 64 || s[l] != '"')
        return false;
      memcpy(o->key[o->n], s, l);
      o->key[o->n][l] = 0;
      s += l + 1;
      if (*s++ != ':')
        return false;
      char *end;
      o->val[o->n++] = strtoll(s, &end, 10);
      if (end == s)
        return false;
      s = end;
      while (*s == ' ' || *s == '\n')
        s++;
      if (*s == ',')
        s++;
      else if (*s != '}')
        return false;
    }
  s++;
  while (*s == ' ' || *s == '\n')
    s++;
  return *s == 0;
}

const long long *json_get(const struct json_obj *o, const char *key)
{
  for (int i = 0; i < o->n; i++)
    if (!strcmp(o->key[i], key))
      return &o->val[i];
  return NULL;
}

/* The keys, sorted and joined with spaces (for messages and comparisons). */
const char *json_keys(const struct json_obj *o)
{
  static char buf[4][1024];
  static int k;
  k = (k + 1) % 4;
  char *sorted[16];
  for (int i = 0; i < o->n; i++)
    sorted[i] = (char *)o->key[i];
  for (int i = 0; i < o->n; i++)
    for (int j = i + 1; j < o->n; j++)
      if (strcmp(sorted[j], sorted[i]) < 0)
        {
          char *t = sorted[i];
          sorted[i] = sorted[j];
          sorted[j] = t;
        }
  buf[k][0] = 0;
  for (int i = 0; i < o->n; i++)
    {
      strcat(buf[k], i ? " " : "");
      strcat(buf[k], sorted[i]);
    }
  return buf[k];
}

/* ---- strings ---- */

void pathf(char *buf, size_t len, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf, len, fmt, ap);
  va_end(ap);
  if (n < 0 || (size_t)n >= len)
    ck_abort_msg("string too long: %s", buf);
}
