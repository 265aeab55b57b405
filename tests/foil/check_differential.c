/* foil beside the reference bwrap (FOIL_TEST_BWRAP, set up by
 * run-integration.sh): the same arguments through both must give the same
 * results. Without a reference these tests print SKIP. Last, the option
 * set Flatpak hands to bwrap, run through a "bwrap" symlink to foil. */
#include "harness.h"
#include "suites.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---------------- differential runs against the reference bwrap ---------------- */

static bool no_reference(const char *test)
{
  if (!suite.bwrap)
    {
      printf("SKIP %s:%s: no reference bwrap installed\n", suite.mode_name, test);
      return true;
    }
  return false;
}

/* Runs the same arguments (made afresh by BUILD, which opens the fds it
 * needs) through foil and the reference bwrap. */
typedef int (*build_fn)(struct args *a, int *fds, const void *arg);

static void run_binary(struct result *r, const char *binary, build_fn build, const void *arg)
{
  int fds[8];
  struct args a = { 0 };
  int n = build(&a, fds, arg);
  run_binary_with_fds(r, binary, &a, fds, n);
  args_free(&a);
  close_fds(fds, n);
}

static void assert_same_run(build_fn build, const void *arg, const char *what)
{
  struct result f, b;
  run_binary(&f, suite.foil, build, arg);
  run_binary(&b, suite.bwrap, build, arg);
  ck_assert_msg(f.code == b.code, "%s: exit %d, bwrap %d\nfoil stderr:\n%s\nbwrap stderr:\n%s", what, f.code,
                b.code, f.err, b.err);
  ck_assert_msg(!strcmp(f.out, b.out), "%s: output differs\nfoil:\n%s\nbwrap:\n%s", what, f.out, b.out);
  ck_assert_msg(count_lines(f.err) == count_lines(b.err), "%s: stderr differs\nfoil:\n%s\nbwrap:\n%s", what,
                f.err, b.err);
  result_free(&f);
  result_free(&b);
}

static int build_default_modes(struct args *a, int *fds, UNUSED const void *arg)
{
  open_data_fds(fds, 2);
  default_modes_args(a, fds);
  return 2;
}

static int build_perms_parents(struct args *a, int *fds, const void *arg)
{
  open_data_fds(fds, 2);
  perms_parent_args(a, arg, fds);
  return 2;
}

START_TEST(diff_modes)
{
  if (no_reference("diff_modes"))
    return;
  assert_same_run(build_default_modes, NULL, "default modes");
  for (size_t i = 0; i < sizeof parent_perms / sizeof parent_perms[0]; i++)
    {
      char what[64];
      pathf(what, sizeof what, "--perms %s", parent_perms[i]);
      assert_same_run(build_perms_parents, parent_perms[i], what);
    }
}
END_TEST

static int build_data_ops(struct args *a, int *fds, UNUSED const void *arg)
{
  fds[0] = text_fd("file data\n");
  fds[1] = text_fd("bind data\n");
  fds[2] = text_fd("ro bind data\n");
  fds[3] = open(W, O_PATH | O_DIRECTORY);
  add_fd_arg(a, "--file", fds[0]);
  args_add(a, "/f");
  add_fd_arg(a, "--bind-data", fds[1]);
  args_add(a, "/bd");
  add_fd_arg(a, "--ro-bind-data", fds[2]);
  args_add(a, "/rbd");
  add_fd_arg(a, "--ro-bind-fd", fds[3]);
  args_addv(a, "/w", "--tmpfs", "/t", "--dir", "/t/d", "--chmod", "0710", "/t/d", "--chmod", "0604", "/f",
            "--perms", "0751", "--dir", "/t/d", "/probe", END);
  static const char *const cmds[][2] = {
    { "read", "/f" },    { "read", "/bd" },  { "read", "/rbd" }, { "stat", "/f" },   { "stat", "/bd" },
    { "stat", "/rbd" },  { "stat", "/t/d" }, { "write", "/f" },  { "write", "/bd" }, { "write", "/rbd" },
    { "write", "/w/x" }, { "read", "/bd" },  { "status", NULL },
  };
  for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
    {
      if (i)
        args_add(a, "+");
      args_add(a, cmds[i][0]);
      if (cmds[i][1])
        args_add(a, cmds[i][1]);
    }
  return 4;
}

/* bwrap leaves inherited fds open; foil closes them. */
static void drop_fds_line(char *out)
{
  char *p = strstr(out, "fds:");
  if (p)
    memset(p, ' ', strcspn(p, "\n"));
}

START_TEST(diff_data_ops)
{
  if (no_reference("diff_data_ops"))
    return;
  struct result f, b;
  run_binary(&f, suite.foil, build_data_ops, NULL);
  run_binary(&b, suite.bwrap, build_data_ops, NULL);
  ck_assert_msg(f.code == 0 && b.code == 0, "exit %d / bwrap %d\n%s\n%s", f.code, b.code, f.err, b.err);
  /* Keep only what both must agree on: file operations. */
  static const char *const keep[] = { "read ", "stat ", "write " };
  char fo[8192] = "", bo[8192] = "";
  for (int w = 0; w < 2; w++)
    {
      const char *src = w ? b.out : f.out;
      char *dst = w ? bo : fo;
      for (const char *p = src; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
        for (int k = 0; k < 3; k++)
          if (!strncmp(p, keep[k], strlen(keep[k])))
            strncat(dst, p, strcspn(p, "\n") + 1 < 8000 - strlen(dst) ? strcspn(p, "\n") + 1 : 0);
    }
  drop_fds_line(fo);
  drop_fds_line(bo);
  ck_assert_msg(!strcmp(fo, bo), "foil:\n%s\nbwrap:\n%s", fo, bo);
  result_free(&f);
  result_free(&b);
}
END_TEST

/* Error cases both must refuse with one line, and with the same words
 * where bwrap's test suite matches them. */
struct err_case {
  const char *words[8];
  const char *exact; /* NULL: only "one line, exit 1" */
};

static int build_err_case(struct args *a, UNUSED int *fds, const void *arg)
{
  const struct err_case *c = arg;
  for (int i = 0; i < 8 && c->words[i]; i++)
    args_add(a, c->words[i]);
  args_addv(a, "/probe", "exit", "0", END);
  return 0;
}

START_TEST(diff_errors)
{
  if (no_reference("diff_errors"))
    return;
  static const struct err_case cases[] = {
    { { "--perms", "0700", "--bind", "/", "/x" },
      "--perms must be followed by an option that creates a file" },
    { { "--perms", "0700", "--perms", "0700", "--dir", "/x" }, "--perms given twice for the same action" },
    { { "--perms", "8", "--dir", "/x" }, NULL },
    { { "--chmod", "0700", "/nope" }, NULL },
    { { "--file", "77", "/x" }, NULL },
    { { "--bind-data", "77", "/x" }, NULL },
    { { "--ro-bind-fd", "77", "/x" }, NULL },
    { { "--lock-file", "/nope" }, NULL },
    { { "--args", "77" }, NULL },
    { { "--unshare-pid", "--as-pid-1", "--lock-file", "/probe" }, NULL },
  };
  struct snapshot s;
  snap_take(&s);
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
      struct result f, b;
      run_binary(&f, suite.foil, build_err_case, &cases[i]);
      run_binary(&b, suite.bwrap, build_err_case, &cases[i]);
      ck_assert_msg(b.code == 1 && f.code == 1, "case %zu (%s): exit %d, bwrap %d\n%s%s", i,
                    cases[i].words[0], f.code, b.code, f.err, b.err);
      ck_assert_msg(count_lines(f.err) == 1, "case %zu (%s): not one line:\n%s", i, cases[i].words[0], f.err);
      if (cases[i].exact)
        {
          const char *fm = strchr(f.err, ' '), *bm = strchr(b.err, ' ');
          ck_assert_msg(fm && bm && !strcmp(fm, bm), "messages differ:\n%s%s", f.err, b.err);
        }
      result_free(&f);
      result_free(&b);
    }
  snap_assert_unchanged(&s);
  assert_no_children();
}
END_TEST

/* The JSON both write: same keys on both fds, same exit-code lines. */
static void json_both(const char *binary, const char *flag, const char *cmd_exit, char **info, char **status)
{
  int js[2], inf[2];
  ck_assert(pipe(js) == 0 && pipe(inf) == 0);
  struct args a = { 0 };
  struct spawn o = { .exec_path = binary, .keep_fds = { js[1], inf[1] }, .nkeep = 2 };
  struct result r;
  args_probe(&a);
  if (flag)
    args_add(&a, flag);
  add_fd_arg(&a, "--json-status-fd", js[1]);
  add_fd_arg(&a, "--info-fd", inf[1]);
  if (cmd_exit)
    args_addv(&a, "/probe", "exit", cmd_exit, END);
  else
    args_add(&a, "/no-such-command");
  run(&r, &o, &a);
  close(js[1]);
  close(inf[1]);
  *info = slurp_fd(inf[0]);
  *status = slurp_fd(js[0]);
  close(inf[0]);
  close(js[0]);
  args_free(&a);
  result_free(&r);
}

START_TEST(diff_json)
{
  if (no_reference("diff_json"))
    return;
  static const char *const flags[] = { NULL, "--unshare-all", "--unshare-pid", "--unshare-net" };
  static const char *const exits[] = { "0", "5", NULL };
  for (size_t i = 0; i < 4; i++)
    for (size_t e = 0; e < 3; e++)
      {
        char *fi, *fs, *bi, *bs;
        json_both(suite.foil, flags[i], exits[e], &fi, &fs);
        json_both(suite.bwrap, flags[i], exits[e], &bi, &bs);
        struct json_obj a, b;
        ck_assert_msg(json_parse(fi, &a) && json_parse(bi, &b), "info not JSON:\n%s\n%s", fi, bi);
        ck_assert_msg(!strcmp(json_keys(&a), json_keys(&b)), "%s: --info-fd keys \"%s\", bwrap \"%s\"",
                      flags[i] ? flags[i] : "no flag", json_keys(&a), json_keys(&b));
        ck_assert_msg(count_lines(fi) == count_lines(bi), "pretty-printing differs:\n%s\n%s", fi, bi);
        /* Status: the same number of lines, the same last line. */
        ck_assert_msg(count_lines(fs) == count_lines(bs), "status lines:\n%s\nbwrap:\n%s", fs, bs);
        const char *fl = strrchr(fs, '{'), *bl = strrchr(bs, '{');
        if (exits[e])
          ck_assert_msg(fl && bl && !strcmp(fl, bl), "last status line \"%s\", bwrap \"%s\"", fl, bl);
        free(fi), free(fs), free(bi), free(bs);
      }
  assert_no_children();
}
END_TEST

/* ---------------- Flatpak's option set through a bwrap symlink ---------------- */

/* What Flatpak's `flatpak run` hands to bwrap, in the same shape: most options
 * through --args, the app metadata through --ro-bind-data, a file through
 * --file, a seccomp program, and --info-fd/--json-status-fd/--sync-fd watched
 * from this end. foil runs as "bwrap" (a symlink), as Flatpak would find it. */
START_TEST(flatpak_set_via_bwrap_symlink)
{
  static const char *const words[] = {
    "--unshare-ipc",
    "--unshare-net",
    "--unshare-pid",
    "--unshare-uts",
    "--unshare-cgroup-try",
    "--die-with-parent",
    "--new-session",
    "--clearenv",
    "--setenv",
    "HOME",
    "/home/user",
    "--setenv",
    "FLATPAK_ID",
    "org.example.App",
    "--proc",
    "/proc",
    "--dev",
    "/dev",
    "--dir",
    "/tmp",
    "--dir",
    "/run/user/1000",
    "--perms",
    "0700",
    "--dir",
    "/run/user/1000/.flatpak",
    "--symlink",
    "../run",
    "/var/run",
    "--tmpfs",
    "/app",
    "--dir",
    "/home/user",
    "--chdir",
    "/home/user",
    "--ro-bind-try",
    "/nonexistent-resolv.conf",
    "/run/host/monitor/resolv.conf",
    "--lock-file",
    "/.flatpak-info",
    "--unsetenv",
    "TMPDIR",
  };
  /* "ret ALLOW": what matters is that the program goes through. */
  static const unsigned char allow[8] = { 0x06, 0, 0, 0, 0, 0, 0xff, 0x7f };
  char link[4200];
  int info[2], js[2], sync[2];
  ck_assert(pipe(info) == 0 && pipe(js) == 0 && pipe(sync) == 0);
  int args = args_data_fd(words, sizeof words / sizeof words[0]);
  int meta = text_fd("[Application]\nname=org.example.App\n");
  int passwd = text_fd("user:x:1000:1000::/home/user:/bin/sh\n");
  int seccomp = data_fd(allow, sizeof allow);
  pathf(link, sizeof link, "%s/bwrap", W);
  ck_assert(symlink(suite.foil, link) == 0);
  struct spawn o = { .exec_path = link,
                     .keep_fds = { args, info[1], js[1], sync[1], meta, passwd, seccomp },
                     .nkeep = 7 };
  struct args a = { 0 };
  struct result r;
  args_probe(&a);
  add_fd_arg(&a, "--args", args);
  add_fd_arg(&a, "--info-fd", info[1]);
  add_fd_arg(&a, "--json-status-fd", js[1]);
  add_fd_arg(&a, "--sync-fd", sync[1]);
  add_fd_arg(&a, "--ro-bind-data", meta);
  args_add(&a, "/.flatpak-info");
  add_fd_arg(&a, "--file", passwd);
  args_add(&a, "/etc/passwd");
  add_fd_arg(&a, "--seccomp", seccomp);
  args_addv(&a, "--", "/probe", "read", "/.flatpak-info", "+", "read", "/etc/passwd", "+", "status", "+",
            "readlink", "/var/run", "+", "stat", "/run/user/1000/.flatpak", "+", "env", "+", "exit", "3",
            END);
  run(&r, &o, &a);
  int own[] = { args, info[1], js[1], sync[1], meta, passwd, seccomp };
  for (size_t i = 0; i < sizeof own / sizeof own[0]; i++)
    close(own[i]);
  char *info_text = slurp_fd(info[0]), *status = slurp_fd(js[0]), *sync_left = slurp_fd(sync[0]);
  ck_assert_msg(r.code == 3 && r.err[0] == 0, "exit %d, stderr:\n%s", r.code, r.err);
  ASSERT_LINE(&r, "read /.flatpak-info: ok [Application]");
  ASSERT_LINE(&r, "read /etc/passwd: ok user:x:1000:1000::/home/user:/bin/sh");
  ASSERT_LINE(&r, "cwd: /home/user");
  ASSERT_LINE(&r, "readlink /var/run: ok ../run");
  ck_assert_msg(has_line(r.out, "env: FLATPAK_ID=org.example.App") && has_line(r.out, "env: HOME=/home/user"),
                "environment:\n%s", r.out);
  ck_assert_msg(strstr(r.out, "stat /run/user/1000/.flatpak: dir 0700 "), "--perms --dir:\n%s", r.out);
  struct json_obj o_info;
  ck_assert_msg(json_parse(info_text, &o_info), "--info-fd is not JSON:\n%s", info_text);
  ck_assert_msg(!strcmp(json_keys(&o_info), "cgroup-namespace child-pid ipc-namespace mnt-namespace "
                                            "net-namespace pid-namespace uts-namespace"),
                "--info-fd keys \"%s\"", json_keys(&o_info));
  ck_assert_msg(count_lines(status) == 2 && strstr(status, "{ \"exit-code\": 3 }"), "status:\n%s", status);
  ck_assert_msg(sync_left[0] == 0, "--sync-fd carried data: %s", sync_left);
  free(info_text);
  free(status);
  free(sync_left);
  close(info[0]);
  close(js[0]);
  close(sync[0]);
  result_free(&r);
  args_free(&a);
  assert_no_children();
}
END_TEST

/* ---------------- registration ---------------- */

void register_differential_tests(TCase *tc)
{
  const struct test_entry tests[] = {
    T(diff_modes, ALL),
    T(diff_data_ops, ALL),
    T(diff_errors, ALL),
    T(diff_json, ALL),
    T(flatpak_set_via_bwrap_symlink, ALL),
    { NULL, 0 },
  };
  add_tests(tc, tests);
}
