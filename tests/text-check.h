/* Checks of foil's message text shared by the unit and integration tests:
 * is it valid UTF-8. Functions are static inline so a test file that uses
 * only some of them builds without warnings. */
#ifndef FOIL_TEST_TEXT_CHECK_H
#define FOIL_TEST_TEXT_CHECK_H

#include <stdbool.h>
#include <stddef.h>

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
    for (size_t i = 1; i < need; i++) {
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

    for (size_t i = 0; i < len;) {
        size_t n = text_utf8_char(s + i, len - i);
        if (n == 0)
            return false;
        i += n;
    }
    return true;
}

#endif
