/* Files for and from a test; failures fail the test. */
#ifndef TEST_LIB_FILES_H
#define TEST_LIB_FILES_H

#include <check.h>
#include <stdbool.h>

void write_file(const char *path, const char *text);
char *read_file(const char *path); /* malloc'd, NULL if unreadable */
bool dir_is_empty(const char *path);
/* mkdir 0755; an existing one is fine. */
void make_dir(const char *path);

#endif
