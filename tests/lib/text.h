/* Matching a program's output line by line, reading the flat JSON objects
 * bwrap writes, and building strings that must not be cut. For the test
 * programs of the tree; nothing here knows about foil. */
#ifndef TEST_LIB_TEXT_H
#define TEST_LIB_TEXT_H

#include <check.h>
#include <stdbool.h>
#include <stddef.h>

/* True if BUF holds LINE as a whole line. */
bool has_line(const char *buf, const char *line);
bool has_linef(const char *buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Value after "KEY: " on the first such line, copied to a static buffer. */
const char *value_of(const char *buf, const char *key);
/* Lines in BUF, a last one without a newline included. */
size_t count_lines(const char *buf);

/* A flat JSON object of integers: { "k": 123, ... }. */
struct json_obj {
  int n;
  char key[16][64];
  long long val[16];
};
/* Parses { "k": 123, ... }; returns false on anything else. */
bool json_parse(const char *s, struct json_obj *o);
const long long *json_get(const struct json_obj *o, const char *key);
/* The keys, sorted and joined with spaces (for messages and comparisons). */
const char *json_keys(const struct json_obj *o);

/* snprintf that fails the test instead of truncating. */
void pathf(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
