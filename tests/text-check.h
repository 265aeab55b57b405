/* Checks of foil's message text shared by the unit and integration tests:
 * is it valid UTF-8, is it a valid JSON string. Functions are static inline so a test file that uses
 * only some of them builds without warnings. */
#ifndef FOIL_TEST_TEXT_CHECK_H
#define FOIL_TEST_TEXT_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

/* Bytes in the well-formed UTF-8 character at s (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF), or 0. Written from the
 * RFC's table independently of foil's own decoder, so the two check each
 * other. */
static inline size_t text_utf8_char(const unsigned char *s, size_t left)
{
  unsigned int cp, min;
  size_t need;

  if (s[0] < 0x80)
    return 1;
  if ((s[0] & 0xe0) == 0xc0)
    need = 2, cp = s[0] & 0x1f, min = 0x80;
  else if ((s[0] & 0xf0) == 0xe0)
    need = 3, cp = s[0] & 0x0f, min = 0x800;
  else if ((s[0] & 0xf8) == 0xf0)
    need = 4, cp = s[0] & 0x07, min = 0x10000;
  else
    return 0;
  if (left < need)
    return 0;
  for (size_t i = 1; i < need; i++)
    {
      if ((s[i] & 0xc0) != 0x80)
        return 0;
      cp = cp << 6 | (s[i] & 0x3f);
    }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
    return 0;
  return need;
}

static inline bool text_utf8_valid(const char *text, size_t len)
{
  const unsigned char *s = (const unsigned char *)text;

  for (size_t i = 0; i < len;)
    {
      size_t n = text_utf8_char(s + i, len - i);
      if (n == 0)
        return false;
      i += n;
    }
  return true;
}

static inline bool text_hex4(const char *s, unsigned int *v)
{
  *v = 0;
  for (int i = 0; i < 4; i++)
    {
      char c = s[i];
      unsigned int d = c >= '0' && c <= '9'   ? (unsigned int)(c - '0')
                       : c >= 'a' && c <= 'f' ? (unsigned int)(c - 'a' + 10)
                       : c >= 'A' && c <= 'F' ? (unsigned int)(c - 'A' + 10)
                                              : 16;
      if (d == 16)
        return false;
      *v = *v << 4 | d;
    }
  return true;
}

/* Length of the valid escape at s (which starts with a backslash), or 0.
 * A \u escape of a surrogate must be a high one followed by a low one
 * (RFC 8259 allows lone ones in the grammar, but they are not text). */
static inline size_t text_json_escape_len(const char *s, size_t left)
{
  unsigned int v, w;

  if (left >= 2 && s[1] && strchr("\"\\/bfnrt", s[1]))
    return 2;
  if (left < 6 || s[1] != 'u' || !text_hex4(s + 2, &v))
    return 0;
  if (v < 0xd800 || v > 0xdfff)
    return 6;
  if (v <= 0xdbff && left >= 12 && s[6] == '\\' && s[7] == 'u' && text_hex4(s + 8, &w) && w >= 0xdc00 &&
      w <= 0xdfff)
    return 12;
  return 0;
}

/* Is text[0..len) the inside of a valid JSON string (RFC 8259), as UTF-8? */
static inline bool text_json_string_valid(const char *text, size_t len)
{
  const unsigned char *s = (const unsigned char *)text;

  for (size_t i = 0; i < len;)
    {
      size_t n;
      if (s[i] == '"' || s[i] < 0x20)
        return false;
      if (s[i] == '\\')
        n = text_json_escape_len(text + i, len - i);
      else
        n = text_utf8_char(s + i, len - i);
      if (n == 0)
        return false;
      i += n;
    }
  return true;
}

/* Is line (up to and with its newline) exactly { "setup-error": "<valid
 * JSON string>" }, the form foil writes? */
static inline bool text_setup_error_line_valid(const char *line, size_t len)
{
  static const char head[] = "{ \"setup-error\": \"", tail[] = "\" }\n";
  size_t h = sizeof head - 1, t = sizeof tail - 1;

  return len >= h + t && !memcmp(line, head, h) && !memcmp(line + len - t, tail, t) &&
         text_json_string_valid(line + h, len - h - t);
}

#endif
