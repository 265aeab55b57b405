/* What foil makes in the new root: --dir, --symlink, --file, --bind-data
 * and --ro-bind-data, --chmod, and the modes and sizes that --perms and
 * --size give them and the parents made on the way. The modes are bwrap's
 * (checked against Debian's 0.8.0). */
#include "harness.h"
#include "suites.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---------------- --dir, --symlink ---------------- */

START_TEST(dir_option)
{
  struct result r;
  RUN(&r, "--dir", "/a/b/c", "/probe", "stat", "/a/b/c", "+", "stat", "/a");
  assert_ok(&r);
  ck_assert_msg(strstr(r.out, "stat /a/b/c: dir 0755"), "--dir did not make a 0755 dir:\n%s", r.out);
  ck_assert_msg(strstr(r.out, "stat /a: dir 0755"), "--dir parents not 0755:\n%s", r.out);
  result_free(&r);
  /* A file is in the way. */
  RUN_EXPECT_ERROR("/probe", "--dir", "/probe/sub", "/probe", "status");
}
END_TEST

START_TEST(symlink_option)
{
  struct result r;
  RUN(&r, "--symlink", "/target/x", "/l", "--symlink", "../rel", "/d/l2", "/probe", "readlink", "/l", "+",
      "readlink", "/d/l2");
  assert_ok(&r);
  ASSERT_LINE(&r, "readlink /l: ok /target/x");
  ASSERT_LINE(&r, "readlink /d/l2: ok ../rel");
  result_free(&r);
  /* Something else already exists there. */
  RUN_EXPECT_ERROR("/probe", "--symlink", "/x", "/probe", "/probe", "status");
}
END_TEST

/* ---------------- --perms, --size, --chmod ---------------- */

START_TEST(modifier_errors)
{
  static const char *const cases[][8] = {
    { "--perms must be followed by an option that creates a file", "--perms", "0700", "--bind", "/", "/x" },
    { "--perms must be followed by an option that creates a file", "--perms", "0700", "--symlink", "a",
      "/x" },
    { "--perms must be followed by an option that creates a file", "--perms", "0700", "--chmod", "0700",
      "/" },
    { "--perms must be followed by an option that creates a file", "--perms", "0700", "--proc", "/x" },
    { "--perms must be followed by an option that creates a file", "--perms", "0700", "--setenv", "A", "B" },
    { "--size must be followed by --tmpfs", "--size", "4096", "--dir", "/x" },
    { "--size must be followed by --tmpfs", "--size", "4096", "--bind", "/", "/x" },
    { "--size must be followed by --tmpfs", "--size", "4096", "--unshare-pid" },
    { "--perms given twice for the same action", "--perms", "0700", "--perms", "0700", "--dir", "/x" },
    { "--size given twice for the same action", "--size", "4096", "--size", "4096", "--tmpfs", "/x" },
  };
  struct snapshot s;
  snap_take(&s);
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
      struct args a = { 0 };
      struct result r;
      for (int j = 1; j < 8 && cases[i][j]; j++)
        args_add(&a, cases[i][j]);
      args_addv(&a, "/probe", "exit", "0", END);
      run_with_fds(&r, &a, NULL, 0);
      /* bwrap refuses --size altogether in setuid mode. */
      if (suite.target_bwrap && suite.mode == SUITE_SETUID && strstr(cases[i][0], "--size"))
        assert_one_error(&r, "--size");
      else
        assert_error_text(&r, cases[i][0]);
      result_free(&r);
      args_free(&a);
    }
  snap_assert_unchanged(&s);
  assert_no_children();
}
END_TEST

START_TEST(modifier_bad_values)
{
  static const char *const modes[] = { "8", "010000", "abc", "-1", "", "0x1ff", "07777x" };
  static const char *const sizes[] = { "0",  "abc", "-1", "", "9223372036854775809", "18446744073709551616",
                                       "12k" };
  for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++)
    {
      RUN_EXPECT_ERROR("--perms", "--perms", modes[i], "--dir", "/x", "/probe", "exit", "0");
      RUN_EXPECT_ERROR("--chmod", "--dir", "/x", "--chmod", modes[i], "/x", "/probe", "exit", "0");
    }
  for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
    {
      RUN_EXPECT_ERROR("--size", "--size", sizes[i], "--tmpfs", "/x", "/probe", "exit", "0");
    }
  assert_no_children();
}
END_TEST

/* --size sets the tmpfs size; with --perms in either order. bwrap refuses
 * --size in setuid mode; foil's mounts need no privilege outside the
 * sandbox's user namespace, so it offers --size there too. */
START_TEST(size_tmpfs)
{
  struct result r;
  RUN(&r, "--size", "1048576", "--tmpfs", "/t", "--perms", "0700", "--size", "2097152", "--tmpfs", "/u",
      "--size", "65536", "--perms", "01777", "--tmpfs", "/v", "--tmpfs", "/w", "/probe", "statfs", "/t", "+",
      "statfs", "/u", "+", "stat", "/u", "+", "statfs", "/v", "+", "stat", "/v", "+", "statfs", "/w");
  if (suite.target_bwrap && suite.mode == SUITE_SETUID)
    {
      assert_one_error(&r, "--size");
      result_free(&r);
      return;
    }
  assert_ok(&r);
  ASSERT_LINE(&r, "statfs /t: ok size=1048576");
  ASSERT_LINE(&r, "statfs /u: ok size=2097152");
  ASSERT_LINE(&r, "statfs /v: ok size=65536");
  ck_assert_msg(strstr(r.out, "stat /u: dir 0700 fs=1021994"), "--perms with --size lost:\n%s", r.out);
  ck_assert_msg(strstr(r.out, "stat /v: dir 1777 fs=1021994"), "--size with --perms lost:\n%s", r.out);
  /* The size applies to the next --tmpfs only. */
  ASSERT_NO_LINE(&r, "statfs /w: ok size=65536");
  ASSERT_NO_LINE(&r, "statfs /w: ok size=1048576");
  result_free(&r);
}
END_TEST

/* The modes bwrap gives what it creates, and the parents it creates on
 * the way (Debian's bwrap 0.8.0, verified): --dir 0755, --file 0666,
 * --tmpfs 0755; parents of --dir, --file and --tmpfs 0755, and of the
 * destinations of binds, --symlink, --proc, --dev 0700. (--bind-data is
 * checked in bind_data_modes.) */
void default_modes_args(struct args *a, int *fds)
{
  char src[4200];
  pathf(src, sizeof src, "%s/src", W);
  make_dir(src);
  args_addv(a, "--dir", "/d", "--dir", "/dp/a/b", END);
  add_fd_arg(a, "--file", fds[0]);
  args_add(a, "/f");
  add_fd_arg(a, "--file", fds[1]);
  args_add(a, "/fp/a/f");
  args_addv(a, "--tmpfs", "/t", "--tmpfs", "/tp/a/t", "--ro-bind", src, "/rp/a/r", "--bind", suite.probe,
            "/bp/a/f", "--symlink", "x", "/sp/a/l", "--proc", "/pp/a/proc", "--dev", "/devp/a/dev", "/probe",
            END);
  static const char *const paths[] = { "/d",    "/dp",     "/dp/a", "/dp/a/b", "/f",    "/fp",
                                       "/fp/a", "/fp/a/f", "/t",    "/tp",     "/tp/a", "/tp/a/t",
                                       "/rp",   "/rp/a",   "/bp",   "/bp/a",   "/sp",   "/sp/a",
                                       "/pp",   "/pp/a",   "/devp", "/devp/a" };
  for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++)
    args_addv(a, i ? "+" : "stat", i ? "stat" : paths[i], i ? paths[i] : END, END);
}

START_TEST(default_modes)
{
  static const char *const want[][2] = {
    { "/d", "dir 0755" },    { "/dp", "dir 0755" },     { "/dp/a", "dir 0755" }, { "/dp/a/b", "dir 0755" },
    { "/f", "file 0666" },   { "/fp", "dir 0755" },     { "/fp/a", "dir 0755" }, { "/fp/a/f", "file 0666" },
    { "/t", "dir 0755" },    { "/tp", "dir 0755" },     { "/tp/a", "dir 0755" }, { "/tp/a/t", "dir 0755" },
    { "/rp", "dir 0700" },   { "/rp/a", "dir 0700" },   { "/bp", "dir 0700" },   { "/bp/a", "dir 0700" },
    { "/sp", "dir 0700" },   { "/sp/a", "dir 0700" },   { "/pp", "dir 0700" },   { "/pp/a", "dir 0700" },
    { "/devp", "dir 0700" }, { "/devp/a", "dir 0700" },
  };
  int fds[2];
  struct args a = { 0 };
  struct result r;
  open_data_fds(fds, 2);
  default_modes_args(&a, fds);
  run_with_fds(&r, &a, fds, 2);
  assert_ok(&r);
  for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
    {
      char line[128];
      pathf(line, sizeof line, "stat %s: %s ", want[i][0], want[i][1]);
      ck_assert_msg(strstr(r.out, line), "expected \"%s\":\n%s", line, r.out);
    }
  result_free(&r);
  args_free(&a);
  close_fds(fds, 2);
}
END_TEST

/* Parents of an op with --perms P lose the group bits if P has none, and
 * the other bits if P has none (and are 0755 otherwise). */
void perms_parent_args(struct args *a, const char *perms, int *fds)
{
  args_addv(a, "--perms", perms, "--dir", "/d/a/x", "--perms", perms, END);
  add_fd_arg(a, "--file", fds[0]);
  args_addv(a, "/f/a/x", "--perms", perms, "--tmpfs", "/t/a/x", "/probe", "stat", "/d", "+", "stat", "/d/a",
            "+", "stat", "/d/a/x", "+", "stat", "/f", "+", "stat", "/f/a/x", "+", "stat", "/t", "+", "stat",
            "/t/a/x", END);
}

const char *const parent_perms[] = { "0700", "0750", "0711", "0705", "0644", "0600", "0604",
                                     "0640", "0070", "0007", "0000", "1777", "0555" };

START_TEST(perms_parents)
{
  for (size_t i = 0; i < sizeof parent_perms / sizeof parent_perms[0]; i++)
    {
      unsigned p = (unsigned)strtoul(parent_perms[i], NULL, 8);
      unsigned parent = 0700 | ((p & 070) ? 050 : 0) | ((p & 07) ? 05 : 0);
      int fds[2];
      struct args a = { 0 };
      struct result r;
      open_data_fds(fds, 2);
      perms_parent_args(&a, parent_perms[i], fds);
      run_with_fds(&r, &a, fds, 2);
      assert_ok(&r);
      static const char *const parents[] = { "/d", "/d/a", "/f", "/t" };
      static const char *const leaves[][2] = { { "/d/a/x", "dir" },
                                               { "/f/a/x", "file" },
                                               { "/t/a/x", "dir" } };
      for (size_t j = 0; j < 4; j++)
        {
          char line[128];
          pathf(line, sizeof line, "stat %s: dir %04o ", parents[j], parent);
          ck_assert_msg(strstr(r.out, line), "--perms %s: expected \"%s\":\n%s", parent_perms[i], line,
                        r.out);
        }
      for (size_t j = 0; j < 3; j++)
        {
          char line[128];
          pathf(line, sizeof line, "stat %s: %s %04o ", leaves[j][0], leaves[j][1], p);
          ck_assert_msg(strstr(r.out, line), "--perms %s: expected \"%s\":\n%s", parent_perms[i], line,
                        r.out);
        }
      result_free(&r);
      args_free(&a);
      close_fds(fds, 2);
    }
}
END_TEST

/* The modes of mount points, hidden under the mounts: only a payload that
 * may unmount (root mode keeps root's capabilities) can see them. */
START_TEST(mount_point_modes)
{
  char src[4200], file[4200];
  struct result r;
  pathf(src, sizeof src, "%s/src", W);
  make_dir(src);
  chmod(src, 0711);
  pathf(file, sizeof file, "%s/file", W);
  write_file(file, "x");
  chmod(file, 0600);
  RUN(&r, "--ro-bind", src, "/md", "--ro-bind", file, "/mf", "/probe", "stat", "/md", "+", "stat", "/mf", "+",
      "umount", "/md", "+", "umount", "/mf", "+", "stat", "/md", "+", "stat", "/mf");
  assert_ok(&r);
  ASSERT_LINE(&r, "umount /md: ok");
  ASSERT_LINE(&r, "umount /mf: ok");
  ck_assert_msg(strstr(r.out, "stat /md: dir 0711"), "bind of the dir not seen first:\n%s", r.out);
  ck_assert_msg(strstr(r.out, "stat /md: dir 0755 fs=1021994"), "dir mount point not 0755:\n%s", r.out);
  ck_assert_msg(strstr(r.out, "stat /mf: file 0444 fs=1021994"), "file mount point not 0444:\n%s", r.out);
  result_free(&r);
}
END_TEST

/* --dir on an existing dir keeps its mode, unless --perms says otherwise;
 * --chmod changes what an earlier op made. */
START_TEST(existing_dir_modes)
{
  struct result r;
  RUN(&r, "--tmpfs", "/t", "--perms", "0700", "--dir", "/t/x", "--dir", "/t/x", "--perms", "0750", "--dir",
      "/t/y", "--perms", "0711", "--dir", "/t/y", "--dir", "/t/z", "--perms", "0700", "--dir", "/t/z",
      "--chmod", "0701", "/t", "--perms", "01777", "--tmpfs", "/t/s", "/probe", "stat", "/t/x", "+", "stat",
      "/t/y", "+", "stat", "/t/z", "+", "stat", "/t", "+", "stat", "/t/s");
  assert_ok(&r);
  ck_assert_msg(strstr(r.out, "stat /t/x: dir 0700 "), "/t/x:\n%s", r.out);
  ck_assert_msg(strstr(r.out, "stat /t/y: dir 0750 "), "/t/y:\n%s", r.out);
  ck_assert_msg(strstr(r.out, "stat /t/z: dir 0755 "), "/t/z:\n%s", r.out);
  ck_assert_msg(strstr(r.out, "stat /t: dir 0701 "), "/t:\n%s", r.out);
  ck_assert_msg(strstr(r.out, "stat /t/s: dir 1777 "), "/t/s:\n%s", r.out);
  result_free(&r);
}
END_TEST

START_TEST(chmod_option)
{
  int fd = text_fd("x");
  struct args a = { 0 };
  struct result r;
  args_addv(&a, "--dir", "/d", "--chmod", "0700", "/d", END);
  add_fd_arg(&a, "--file", fd);
  args_addv(&a, "/f", "--chmod", "0640", "/f", "--chmod", "04755", "/d", "/probe", "stat", "/d", "+", "stat",
            "/f", END);
  run_with_fds(&r, &a, &fd, 1);
  assert_ok(&r);
  ck_assert_msg(strstr(r.out, "stat /d: dir 4755 "), "--chmod of a dir:\n%s", r.out);
  ck_assert_msg(strstr(r.out, "stat /f: file 0640 "), "--chmod of a --file:\n%s", r.out);
  result_free(&r);
  args_free(&a);
  close(fd);
  /* It never creates. */
  struct snapshot s;
  snap_take(&s);
  RUN(&r, "--chmod", "0700", "/no/such/path", "/probe", "exit", "0");
  assert_one_error(&r, "/no/such/path");
  snap_assert_unchanged(&s);
  assert_no_children();
  result_free(&r);
}
END_TEST

/* ---------------- --file, --bind-data, --ro-bind-data ---------------- */

START_TEST(file_option)
{
  size_t big = 300 * 1024;
  char *data = malloc(big);
  memset(data, 'z', big);
  memcpy(data, "first-line\n", 11);
  int fds[3] = { text_fd("small content\n"), data_fd(data, big), -1 };
  free(data);
  /* A pipe, as Flatpak passes data. */
  int p[2];
  ck_assert(pipe(p) == 0);
  ck_assert(write(p[1], "from a pipe\n", 12) == 12);
  close(p[1]);
  fds[2] = p[0];
  struct args a = { 0 };
  struct result r;
  add_fd_arg(&a, "--file", fds[0]);
  args_add(&a, "/etc/small");
  add_fd_arg(&a, "--file", fds[1]);
  args_add(&a, "/big");
  args_addv(&a, "--perms", "0640", END);
  add_fd_arg(&a, "--file", fds[2]);
  args_addv(&a, "/piped", "/probe", "read", "/etc/small", "+", "stat", "/etc/small", "+", "read", "/big", "+",
            "size", "/big", "+", "read", "/piped", "+", "stat", "/piped", "+", "write", "/etc/small", "+",
            "status", END);
  run_with_fds(&r, &a, fds, 3);
  assert_ok(&r);
  ASSERT_LINE(&r, "read /etc/small: ok small content");
  ck_assert_msg(strstr(r.out, "stat /etc/small: file 0666 "), "--file mode not 0666:\n%s", r.out);
  ASSERT_LINE(&r, "read /big: ok first-line");
  ck_assert_msg(has_linef(r.out, "size /big: ok %zu", big), "--file lost data:\n%s", r.out);
  ASSERT_LINE(&r, "read /piped: ok from a pipe");
  ck_assert_msg(strstr(r.out, "stat /piped: file 0640 "), "--perms 0640 --file:\n%s", r.out);
  /* A plain file in the sandbox's own tmpfs: writable, private. */
  ASSERT_LINE(&r, "write /etc/small: ok");
  /* The data fds are consumed, not passed on. */
  ASSERT_LINE(&r, "fds: 0 1 2");
  result_free(&r);
  args_free(&a);
  close_fds(fds, 3);
  /* A later --file replaces an earlier one at the same place. */
  fds[0] = text_fd("one\n");
  fds[1] = text_fd("two\n");
  add_fd_arg(&a, "--file", fds[0]);
  args_add(&a, "/f");
  add_fd_arg(&a, "--file", fds[1]);
  args_addv(&a, "/f", "/probe", "read", "/f", END);
  run_with_fds(&r, &a, fds, 2);
  assert_ok(&r);
  ASSERT_LINE(&r, "read /f: ok two");
  result_free(&r);
  args_free(&a);
  close_fds(fds, 2);
}
END_TEST

START_TEST(file_bad_fd)
{
  static const char *const opts[] = { "--file", "--bind-data", "--ro-bind-data" };
  struct snapshot s;
  snap_take(&s);
  for (size_t i = 0; i < 3; i++)
    {
      struct result r;
      RUN_EXPECT_ERROR(NULL, opts[i], "77", "/f", "/probe", "exit", "0");
      RUN(&r, opts[i], "x7", "/f", "/probe", "exit", "0");
      assert_one_error(&r, NULL);
      ck_assert_msg(strstr(r.err, "x7") || strstr(r.err, opts[i]), "error names neither %s nor x7:\n%s",
                    opts[i], r.err);
      result_free(&r);
    }
  snap_assert_unchanged(&s);
  assert_no_children();
}
END_TEST

/* A read error on the data fd names the option, the fd and the destination. */
START_TEST(file_read_error)
{
  if (not_foil("file_read_error"))
    return;
  static const char *const opts[] = { "--file", "--bind-data", "--ro-bind-data" };
  int dir = open(W, O_RDONLY | O_DIRECTORY);
  ck_assert(dir >= 0);
  struct snapshot s;
  snap_take(&s);
  for (size_t i = 0; i < 3; i++)
    {
      struct args a = { 0 };
      struct result r;
      char msg[256];
      add_fd_arg(&a, opts[i], dir);
      args_addv(&a, "/f", "/probe", "exit", "0", END);
      run_with_fds(&r, &a, &dir, 1);
      pathf(msg, sizeof msg, "Can't read %s fd %d for /f: Is a directory", opts[i], dir);
      assert_error_text(&r, msg);
      result_free(&r);
      args_free(&a);
    }
  snap_assert_unchanged(&s);
  assert_no_children();
  close(dir);
}
END_TEST

START_TEST(bind_data)
{
  char host[4200];
  pathf(host, sizeof host, "%s/hostfile", W);
  write_file(host, "host\n");
  int fds[3] = { text_fd("rw data\n"), text_fd("ro data\n"), text_fd("over\n") };
  struct args a = { 0 };
  struct result r;
  add_fd_arg(&a, "--bind-data", fds[0]);
  args_add(&a, "/etc/rw");
  add_fd_arg(&a, "--ro-bind-data", fds[1]);
  args_add(&a, "/etc/ro");
  args_addv(&a, "--ro-bind", host, "/over", "--perms", "0644", END);
  add_fd_arg(&a, "--ro-bind-data", fds[2]);
  args_addv(&a, "/over", "/probe", "read", "/etc/rw", "+", "read", "/etc/ro", "+", "read", "/over", "+",
            "stat", "/etc/rw", "+", "stat", "/etc/ro", "+", "stat", "/over", "+", "write", "/etc/rw", "+",
            "read", "/etc/rw", "+", "write", "/etc/ro", "+", "write", "/over", "+", "status", END);
  run_with_fds(&r, &a, fds, 3);
  assert_ok(&r);
  ASSERT_LINE(&r, "read /etc/rw: ok rw data");
  ASSERT_LINE(&r, "read /etc/ro: ok ro data");
  ASSERT_LINE(&r, "read /over: ok over");
  ck_assert_msg(strstr(r.out, "stat /etc/rw: file 0600 "), "--bind-data mode:\n%s", r.out);
  ck_assert_msg(strstr(r.out, "stat /etc/ro: file 0600 "), "--ro-bind-data mode:\n%s", r.out);
  ck_assert_msg(strstr(r.out, "stat /over: file 0644 "), "--perms --ro-bind-data mode:\n%s", r.out);
  ASSERT_LINE(&r, "write /etc/rw: ok");
  ASSERT_LINE(&r, "read /etc/rw: ok written-by-probe");
  ASSERT_LINE(&r, "write /etc/ro: EROFS");
  ASSERT_LINE(&r, "write /over: EROFS");
  ASSERT_LINE(&r, "fds: 0 1 2");
  result_free(&r);
  args_free(&a);
  close_fds(fds, 3);
  char *c = read_file(host);
  ck_assert_msg(c && !strcmp(c, "host\n"), "host file changed under --ro-bind-data");
  free(c);
}
END_TEST

/* --bind-data and --ro-bind-data are 0600, their parents 0700; with
 * --perms P the parents follow the rule of perms_parents. */
START_TEST(bind_data_modes)
{
  int fds[3];
  struct args a = { 0 };
  struct result r;
  open_data_fds(fds, 3);
  add_fd_arg(&a, "--bind-data", fds[0]);
  args_add(&a, "/bd");
  add_fd_arg(&a, "--ro-bind-data", fds[1]);
  args_add(&a, "/rbd");
  add_fd_arg(&a, "--bind-data", fds[2]);
  args_addv(&a, "/bdp/a/f", "/probe", "stat", "/bd", "+", "stat", "/rbd", "+", "stat", "/bdp", "+", "stat",
            "/bdp/a", "+", "stat", "/bdp/a/f", END);
  run_with_fds(&r, &a, fds, 3);
  assert_ok(&r);
  static const char *const want[] = { "stat /bd: file 0600 ", "stat /rbd: file 0600 ", "stat /bdp: dir 0700 ",
                                      "stat /bdp/a: dir 0700 ", "stat /bdp/a/f: file 0600 " };
  for (size_t i = 0; i < 5; i++)
    ck_assert_msg(strstr(r.out, want[i]), "expected \"%s\":\n%s", want[i], r.out);
  result_free(&r);
  args_free(&a);
  close_fds(fds, 3);
  for (size_t i = 0; i < sizeof parent_perms / sizeof parent_perms[0]; i++)
    {
      unsigned p = (unsigned)strtoul(parent_perms[i], NULL, 8);
      unsigned parent = 0700 | ((p & 070) ? 050 : 0) | ((p & 07) ? 05 : 0);
      int fd = text_fd("x");
      char line[128];
      args_addv(&a, "--perms", parent_perms[i], END);
      add_fd_arg(&a, "--ro-bind-data", fd);
      args_addv(&a, "/b/a/x", "/probe", "stat", "/b", "+", "stat", "/b/a", "+", "stat", "/b/a/x", END);
      run_with_fds(&r, &a, &fd, 1);
      assert_ok(&r);
      pathf(line, sizeof line, "stat /b: dir %04o ", parent);
      ck_assert_msg(strstr(r.out, line), "--perms %s: expected \"%s\":\n%s", parent_perms[i], line, r.out);
      pathf(line, sizeof line, "stat /b/a/x: file %04o ", p);
      ck_assert_msg(strstr(r.out, line), "--perms %s: expected \"%s\":\n%s", parent_perms[i], line, r.out);
      result_free(&r);
      args_free(&a);
      close(fd);
    }
}
END_TEST

/* ---------------- registration ---------------- */

void register_file_tests(TCase *tc)
{
  const struct test_entry tests[] = {
    T(dir_option, ALL),         T(symlink_option, ALL), T(modifier_errors, ALL), T(modifier_bad_values, ALL),
    T(size_tmpfs, ALL),         T(default_modes, ALL),  T(perms_parents, ALL),   T(mount_point_modes, R),
    T(existing_dir_modes, ALL), T(chmod_option, ALL),   T(file_option, ALL),     T(file_bad_fd, ALL),
    T(file_read_error, ALL),    T(bind_data, ALL),      T(bind_data_modes, ALL), { NULL, 0 },
  };
  add_tests(tc, tests);
}
