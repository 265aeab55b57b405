/* The command line itself: --help and --version, parse errors and the
 * name they are prefixed with, the environment and working directory of
 * the command, --argv0, --level-prefix, long messages and SELinux labels. */
#include "harness.h"
#include "suites.h"
#include "../text-check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---------------- general ---------------- */

START_TEST(help)
{
  struct result r;
  RUN_BARE(&r, "--help");
  assert_ok(&r);
  /* bwrap's usage line names the program exactly as invoked (its suite checks that). */
  char want[4200];
  pathf(want, sizeof want, "usage: %s [", suite.foil);
  ck_assert_msg(!strncmp(r.out, want, strlen(want)), "--help output does not start with \"%s\":\n%s", want,
                r.out);
  ck_assert_msg(strstr(r.out, "--ro-bind") && strstr(r.out, "--unshare-user"), "--help lacks options");
  result_free(&r);
}
END_TEST

/* Invoked as bwrap, the second word of --version is bubblewrap's X.Y.Z, as
 * BuildStream parses it to decide on --die-with-parent (>= 0.1.8). */
START_TEST(version_as_bwrap)
{
  char link[4200];
  unsigned x, y, z;
  char end;
  pathf(link, sizeof link, "%s/bwrap", W);
  ck_assert(symlink(suite.foil, link) == 0);
  struct spawn o = { .exec_path = link };
  struct args a = { 0 };
  struct result r;
  args_add(&a, "--version");
  run(&r, &o, &a);
  assert_ok(&r);
  ck_assert_msg(sscanf(r.out, "bubblewrap %u.%u.%u%c", &x, &y, &z, &end) == 4 && (end == ' ' || end == '\n'),
                "--version as bwrap: expected \"bubblewrap X.Y.Z\":\n%s", r.out);
  ck_assert_msg(x > 0 || y > 1 || (y == 1 && z >= 8), "--version as bwrap: %u.%u.%u is older than 0.1.8", x,
                y, z);
  args_free(&a);
  result_free(&r);
}
END_TEST

START_TEST(version)
{
  struct result r;
  RUN_BARE(&r, "--version");
  assert_ok(&r);
  ck_assert_msg(count_lines(r.out) == 1, "--version: expected one line:\n%s", r.out);
  const char *sp = strchr(r.out, ' ');
  ck_assert_msg(sp && sp[1] >= '0' && sp[1] <= '9', "--version: expected \"NAME X.Y\":\n%s", r.out);
  result_free(&r);
}
END_TEST

/* Without a command there is nothing to run: usage on stderr, exit 1. */
START_TEST(no_arguments)
{
  struct result r;
  struct args a = { 0 };
  run(&r, NULL, &a);
  ck_assert_msg(r.code == 1, "exit %d, expected 1", r.code);
  ck_assert_msg(r.out[0] == 0, "stdout not empty:\n%s", r.out);
  ck_assert_msg(r.err[0] != 0, "no usage on stderr");
  result_free(&r);
}
END_TEST

START_TEST(unknown_option)
{
  struct result r;
  struct snapshot s;
  snap_take(&s);
  RUN(&r, "--frobnicate", "/probe", "status");
  assert_one_error(&r, "--frobnicate");
  snap_assert_unchanged(&s);
  assert_no_children();
  result_free(&r);
}
END_TEST

/* Each option given without its argument(s), at the end of the line. */
START_TEST(missing_arguments)
{
  static const char *const one[] = {
    "--uid",        "--gid",     "--hostname", "--chdir",   "--unsetenv",
    "--remount-ro", "--proc",    "--dev",      "--tmpfs",   "--mqueue",
    "--dir",        "--cap-add", "--cap-drop", "--seccomp", "--add-seccomp-fd",
  };
  static const char *const two[] = {
    "--setenv",      "--bind",     "--bind-try",     "--ro-bind",
    "--ro-bind-try", "--dev-bind", "--dev-bind-try", "--symlink",
  };
  struct snapshot s;
  snap_take(&s);
  for (size_t i = 0; i < sizeof one / sizeof one[0]; i++)
    RUN_BARE_EXPECT_ERROR(one[i], one[i]);
  for (size_t i = 0; i < sizeof two / sizeof two[0]; i++)
    {
      RUN_BARE_EXPECT_ERROR(two[i], two[i]);
      RUN_BARE_EXPECT_ERROR(two[i], two[i], "/x");
    }
  snap_assert_unchanged(&s);
  assert_no_children();
}
END_TEST

/* Malformed numbers: the error names the option or the value. */
START_TEST(bad_numbers)
{
  static const char *const cases[][2] = {
    { "--uid", "abc" },           { "--gid", "12x" },    { "--seccomp", "abc" },
    { "--add-seccomp-fd", "-1" }, { "--seccomp", "0a" },
  };
  struct snapshot s;
  snap_take(&s);
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
      struct result r;
      RUN(&r, "--unshare-user", cases[i][0], cases[i][1], "/probe", "status");
      assert_one_error(&r, NULL);
      ck_assert_msg(strstr(r.err, cases[i][0]) || strstr(r.err, cases[i][1]),
                    "error for %s %s names neither:\n%s", cases[i][0], cases[i][1], r.err);
      result_free(&r);
    }
  snap_assert_unchanged(&s);
  assert_no_children();
}
END_TEST

/* "--" ends the options: a command that looks like an option runs. */
START_TEST(double_dash)
{
  struct result r;
  RUN(&r, "--setenv", "PATH", "/x", "--ro-bind", suite.probe, "/x/--frob", "--", "--frob", "exit", "3");
  ASSERT_CODE(&r, 3);
  result_free(&r);
  RUN_EXPECT_ERROR("--frob", "--setenv", "PATH", "/x", "--ro-bind", suite.probe, "/x/--frob", "--frob",
                   "exit", "3");
}
END_TEST

/* Runs an unknown option through a symlink named NAME to the binary:
 * exit 1 and one stderr line "NAME: ...". */
static void assert_error_prefix(const char *name)
{
  char link[4200], want[256];
  struct result r;
  struct args a = { 0 };
  struct spawn o = { 0 };
  pathf(link, sizeof link, "%s/%s", W, name);
  pathf(want, sizeof want, "%s: ", name);
  ck_assert(symlink(suite.foil, link) == 0);
  o.exec_path = link;
  args_addv(&a, "--frobnicate", "true", END);
  run(&r, &o, &a);
  ck_assert_msg(r.code == 1 && !strncmp(r.err, want, strlen(want)) && count_lines(r.err) == 1,
                "expected one line \"%s...\", exit 1; got exit %d, stderr:\n%s", want, r.code, r.err);
  args_free(&a);
  result_free(&r);
}

/* A "bwrap" symlink to the binary prints "bwrap: ". */
START_TEST(error_prefix_bwrap_symlink) { assert_error_prefix("bwrap"); }
END_TEST

/* foil-specific: the prefix is the name foil was invoked as.
 * EXPECTED TO FAIL AGAINST bwrap, which always prints "bwrap: ". */
START_TEST(error_prefix_invoked_name) { assert_error_prefix("sbx-tool"); }
END_TEST

/* A path too long for the message buffer: the line keeps its reason and
 * stays one line (the path is cut, marked "..."). The path starts with "/x"
 * and continues with two-byte characters, so a cut may fall inside one. */
START_TEST(long_path_error_keeps_reason)
{
  static const char tail[] = ": File name too long\n";
  char path[2 + 2 * 2500 + 1] = "/x";
  for (int i = 0; i < 2500; i++)
    memcpy(path + 2 + 2 * i, "\xc3\xa9", 3);
  struct result r;
  RUN(&r, "--chdir", path, "/probe", "exit", "0");
  assert_one_error(&r, "Can't chdir to /x\xc3\xa9");
  size_t len = strlen(r.err);
  ck_assert_msg(len > sizeof tail && !strcmp(r.err + len - (sizeof tail - 1), tail),
                "the reason is cut off: \"...%s\"", r.err + (len > 80 ? len - 80 : 0));
  ck_assert_msg(text_utf8_valid(r.err, len), "the cut split a character: \"...%s\"",
                r.err + (len > 40 ? len - 40 : 0));
  result_free(&r);
  assert_no_children();
}
END_TEST

/* ---------------- environment and working directory ---------------- */

START_TEST(chdir_option)
{
  struct result r;
  RUN(&r, "--dir", "/some/where", "--chdir", "/some/where", "/probe", "status");
  assert_ok(&r);
  ASSERT_LINE(&r, "cwd: /some/where");
  result_free(&r);
  struct snapshot s;
  snap_take(&s);
  RUN(&r, "--chdir", "/no/such/dir", "/probe", "status");
  assert_one_error(&r, "/no/such/dir");
  snap_assert_unchanged(&s);
  assert_no_children();
  result_free(&r);
}
END_TEST

START_TEST(clearenv_option)
{
  struct result r;
  RUN(&r, "--setenv", "FOO", "1", "--clearenv", "--setenv", "BAR", "2", "/probe", "env");
  assert_ok(&r);
  ASSERT_LINE(&r, "env: BAR=2");
  ASSERT_NO_LINE(&r, "env: FOO=1");
  for (const char *p = r.out; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
    if (!strncmp(p, "env: ", 5))
      ck_assert_msg(!strncmp(p, "env: BAR=2", 10) || !strncmp(p, "env: PWD=", 9), "--clearenv left %.*s",
                    (int)strcspn(p, "\n"), p);
  result_free(&r);
}
END_TEST

START_TEST(setenv_unsetenv)
{
  struct result r;
  setenv("FOIL_TEST_KEEP", "kept", 1);
  setenv("FOIL_TEST_DROP", "dropped", 1);
  RUN(&r, "--setenv", "FOO", "bar baz", "--unsetenv", "FOIL_TEST_DROP", "--setenv", "FOO2", "", "/probe",
      "env");
  assert_ok(&r);
  ASSERT_LINE(&r, "env: FOO=bar baz");
  ASSERT_LINE(&r, "env: FOO2=");
  ASSERT_LINE(&r, "env: FOIL_TEST_KEEP=kept");
  ASSERT_NO_LINE(&r, "env: FOIL_TEST_DROP=dropped");
  result_free(&r);
}
END_TEST

/* ---------------- --argv0, --level-prefix ---------------- */

START_TEST(argv0_option)
{
  if (bwrap_lacks("argv0_option", 9))
    return;
  struct result r;
  RUN(&r, "--argv0", "renamed-probe", "/probe", "argv0");
  assert_ok(&r);
  ASSERT_LINE(&r, "argv0: renamed-probe");
  result_free(&r);
  RUN(&r, "/probe", "argv0");
  assert_ok(&r);
  ASSERT_LINE(&r, "argv0: /probe");
  result_free(&r);
  RUN_EXPECT_ERROR("--argv0", "--argv0", "a", "--argv0", "b", "/probe", "argv0");
}
END_TEST

START_TEST(level_prefix)
{
  if (bwrap_lacks("level_prefix", 11))
    return;
  struct result r;
  char want[256];
  RUN(&r, "--level-prefix", "--chdir", "/no/such/dir", "/probe", "exit", "0");
  ck_assert_msg(r.code == 1 && count_lines(r.err) == 1, "exit %d, stderr:\n%s", r.code, r.err);
  pathf(want, sizeof want, "<3>%s: ", suite.name);
  ck_assert_msg(!strncmp(r.err, want, strlen(want)), "error not prefixed with \"%s\":\n%s", want, r.err);
  result_free(&r);
  /* Without the option there is no prefix. */
  RUN_EXPECT_ERROR("/no/such/dir", "--chdir", "/no/such/dir", "/probe", "exit", "0");
  /* Warnings are level 4. */
  RUN(&r, "--level-prefix", "--chdir", "/", "--chdir", "/", "/probe", "exit", "0");
  ASSERT_CODE(&r, 0);
  pathf(want, sizeof want, "<4>%s: Only the last --chdir option will take effect", suite.name);
  ck_assert_msg(has_line(r.err, want), "no warning line \"%s\":\n%s", want, r.err);
  result_free(&r);
}
END_TEST

/* ---------------- SELinux labels ---------------- */

/* SELinux is not enabled here: one line naming the option, nothing run.
 * FAILS AGAINST bwrap, whose line ("labeling not supported on this
 * system") does not name the option. */
START_TEST(selinux_labels)
{
  if (access("/sys/fs/selinux/enforce", F_OK) == 0)
    {
      printf("SKIP %s:selinux_labels: SELinux is enabled here\n", suite.mode_name);
      return;
    }
  static const char *const opts[] = { "--exec-label", "--file-label" };
  struct snapshot s;
  snap_take(&s);
  for (int i = 0; i < 2; i++)
    {
      RUN_EXPECT_ERROR(opts[i], opts[i], "system_u:object_r:usr_t:s0", "/probe", "exit", "0");
    }
  snap_assert_unchanged(&s);
  assert_no_children();
}
END_TEST

/* ---------------- registration ---------------- */

void register_option_tests(TCase *tc)
{
  const struct test_entry tests[] = {
    T(help, ALL),
    T(version_as_bwrap, ALL),
    T(version, ALL),
    T(no_arguments, ALL),
    T(unknown_option, ALL),
    T(missing_arguments, ALL),
    T(bad_numbers, ALL),
    T(double_dash, ALL),
    T(error_prefix_bwrap_symlink, ALL),
    T(error_prefix_invoked_name, ALL),
    T(long_path_error_keeps_reason, ALL),
    T(chdir_option, ALL),
    T(clearenv_option, ALL),
    T(setenv_unsetenv, ALL),
    T(argv0_option, ALL),
    T(level_prefix, ALL),
    T(selinux_labels, ALL),
    { NULL, 0 },
  };
  add_tests(tc, tests);
}
