/* Files for and from a test (see files.h). */
#include "files.h"
#include "run.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void write_file(const char *path, const char *text)
{
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  ck_assert_msg(fd >= 0, "open %s: %s", path, strerror(errno));
  ck_assert(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
  close(fd);
}

char *read_file(const char *path)
{
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return NULL;
  char *s = slurp_fd(fd);
  close(fd);
  return s;
}

bool dir_is_empty(const char *path)
{
  DIR *d = opendir(path);
  struct dirent *e;
  bool empty = true;
  while (d && (e = readdir(d)))
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
      empty = false;
  if (d)
    closedir(d);
  return empty;
}

void make_dir(const char *path)
{
  ck_assert_msg(mkdir(path, 0755) == 0 || errno == EEXIST, "mkdir %s: %s", path, strerror(errno));
}
