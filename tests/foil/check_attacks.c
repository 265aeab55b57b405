/* Attacks on the file system view: read-only binds, symlinks in
 * destinations, fds and the working directory, root-only files,
 * chroot-style escapes, and what a failed setup leaves behind. Attacks on
 * foil's processes are in check_attacks_procs.c.
 *
 * Each test is written so that it fails against a weaker sandbox. Those
 * that Debian's bwrap 0.8.0 is known to fail say so in a comment ("FAILS
 * AGAINST bwrap"), with the reason; they were checked to fail there, which
 * shows that they can fail. */
#include "harness.h"
#include "suites.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Accepts either a clean refusal (one error line, exit 1) or success. */
static void assert_refused_or_ok(const struct result *r)
{
  if (r->code == 1)
    assert_one_error(r, NULL);
  else
    ASSERT_CODE(r, 0);
}

/* ---------------- read-only binds ---------------- */

/* A tmpfs mounted (by the root wrapper) under the source must be read-only
 * in the sandbox too: the bind is recursive and so is read-only. */
START_TEST(ro_bind_nested_mount)
{
  char p[4200];
  struct result r;
  if (!suite.rosrc)
    {
      printf("SKIP %s:ro_bind_nested_mount: no submount prepared (needs root)\n", suite.mode_name);
      return;
    }
  /* Control: the submount is writable on the host for this user. */
  pathf(p, sizeof p, "%s/sub/host-%d", suite.rosrc, (int)getpid());
  write_file(p, "x");
  unlink(p);
  RUN(&r, suite.mode == SUITE_ROOT ? "--cap-drop" : "--unsetenv", suite.mode == SUITE_ROOT ? "ALL" : "NONE",
      "--unshare-pid", "--proc", "/proc", "--ro-bind", suite.rosrc, "/r", "/probe", "write", "/r/sub/evil",
      "+", "write", "/r/evil", "+", "remount-rw", "/r/sub", "/r/sub/evil2");
  assert_ok(&r);
  ASSERT_LINE(&r, "write /r/sub/evil: EROFS");
  ASSERT_LINE(&r, "write /r/evil: EROFS");
  ASSERT_LINE(&r, "write /r/sub/evil2: EROFS");
  result_free(&r);
  pathf(p, sizeof p, "%s/sub/evil", suite.rosrc);
  ck_assert_msg(access(p, F_OK) != 0, "file created on the host through --ro-bind's submount");
  pathf(p, sizeof p, "%s/sub/evil2", suite.rosrc);
  ck_assert_msg(access(p, F_OK) != 0, "file created on the host after a remount attack");
  /* And --bind keeps the submount (recursive) and writable. */
  RUN(&r, "--bind", suite.rosrc, "/r", "/probe", "stat", "/r/sub");
  assert_ok(&r);
  ck_assert_msg(strstr(r.out, "fs=1021994"), "--bind lost the submount:\n%s", r.out);
  result_free(&r);
}
END_TEST

/* The payload tries to undo the read-only flag: directly, and from a
 * nested user+mount namespace where it holds every capability. */
START_TEST(ro_bind_remount_attack)
{
  char src[4200], p[4200];
  struct result r;
  pathf(src, sizeof src, "%s/src", W);
  make_dir(src);
  /* Root mode: a payload that keeps root's capabilities may remount. */
  RUN(&r, suite.mode == SUITE_ROOT ? "--cap-drop" : "--unsetenv", suite.mode == SUITE_ROOT ? "ALL" : "NONE",
      "--unshare-pid", "--proc", "/proc", "--ro-bind", src, "/r", "/probe", "remount-rw", "/r", "/r/evil");
  assert_ok(&r);
  ck_assert_msg(!has_line(r.out, "remount-rw /r: ok") && !has_line(r.out, "remount-rw-nested /r: ok"),
                "read-only bind remounted read-write:\n%s", r.out);
  ASSERT_LINE(&r, "write /r/evil: EROFS");
  result_free(&r);
  pathf(p, sizeof p, "%s/evil", src);
  ck_assert_msg(access(p, F_OK) != 0, "file created on the host through --ro-bind");
}
END_TEST

/* ---------------- destination symlink escapes ---------------- */

enum symlink_form { FORM_ABSOLUTE, FORM_DOTDOT, FORM_PROC_ROOT, FORM_OLDROOT };

/* Plants appdata/evil and appdata/dangling pointing at the host dir
 * W/hostdst in the given form, binds appdata at /data, and runs each
 * create operation through the symlinks. Pass: W/hostdst stays empty. */
static void symlink_escape(enum symlink_form form)
{
  char appdata[4200], hostdst[4200], target[8400], p[8400], srcfile[4200], srcdir[4200];
  pathf(appdata, sizeof appdata, "%s/appdata", W);
  pathf(hostdst, sizeof hostdst, "%s/hostdst", W);
  pathf(srcfile, sizeof srcfile, "%s/srcfile", W);
  pathf(srcdir, sizeof srcdir, "%s/srcdir", W);
  make_dir(appdata);
  make_dir(hostdst);
  make_dir(srcdir);
  write_file(srcfile, "bound\n");
  switch (form)
    {
    case FORM_ABSOLUTE:
      pathf(target, sizeof target, "%s", hostdst);
      break;
    case FORM_DOTDOT:
      pathf(target, sizeof target, "../../../../../../../../../../../../..%s", hostdst);
      break;
    case FORM_PROC_ROOT:
      pathf(target, sizeof target, "/proc/self/root%s", hostdst);
      break;
    case FORM_OLDROOT:
      pathf(target, sizeof target, "/oldroot%s", hostdst);
      break;
    }
  pathf(p, sizeof p, "%s/evil", appdata);
  ck_assert(symlink(target, p) == 0);
  pathf(p, sizeof p, "%s/created-by-bind-dest", target);
  char dangling[4200];
  pathf(dangling, sizeof dangling, "%s/dangling", appdata);
  ck_assert(symlink(p, dangling) == 0);

  const char *ops[][4] = {
    { "--dir", "/data/evil/created-by-dir", NULL, NULL },
    { "--tmpfs", "/data/evil/created-by-tmpfs", NULL, NULL },
    { "--symlink", "/x", "/data/evil/created-by-symlink", NULL },
    { "--mqueue", "/data/evil/created-by-mqueue", NULL, NULL },
    { "--ro-bind", srcfile, "/data/evil/created-by-file-bind", NULL },
    { "--bind", srcdir, "/data/evil/created-by-dir-bind", NULL },
    { "--dev-bind", "/dev/null", "/data/evil/created-by-dev-bind", NULL },
    { "--ro-bind", srcfile, "/data/dangling", NULL },
    { "--dir", "/data/dangling", NULL, NULL },
  };
  for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
    {
      struct result r;
      struct args a = { 0 };
      args_probe(&a);
      args_addv(&a, "--proc", "/proc", "--bind", appdata, "/data", END);
      for (int j = 0; ops[i][j]; j++)
        args_add(&a, ops[i][j]);
      args_addv(&a, "/probe", "exit", "0", END);
      run(&r, NULL, &a);
      args_free(&a);
      assert_refused_or_ok(&r);
      ck_assert_msg(dir_is_empty(hostdst), "%s %s created something on the host via %s", ops[i][0], ops[i][1],
                    target);
      assert_no_children();
      result_free(&r);
    }
}

START_TEST(symlink_escape_absolute) { symlink_escape(FORM_ABSOLUTE); }
END_TEST
START_TEST(symlink_escape_dotdot) { symlink_escape(FORM_DOTDOT); }
END_TEST
START_TEST(symlink_escape_proc_self_root) { symlink_escape(FORM_PROC_ROOT); }
END_TEST
/* FAILS AGAINST bwrap (CVE-2026-87766): its setup follows the planted
 * symlink through /oldroot and creates the entries on the host. */
START_TEST(symlink_escape_oldroot) { symlink_escape(FORM_OLDROOT); }
END_TEST

/* ---------------- fds and cwd ---------------- */

/* fds the caller left open reach the payload, as in bwrap (WebKitGTK hands
 * its web process fds that way), and none of foil's own do, however many
 * the options made it open. With --close-fds only 0, 1 and 2 are left. */
static void run_fd_case(struct result *r, bool close_fds, const int *fds)
{
  int meta[2], info[2];
  ck_assert(pipe(meta) == 0 && pipe(info) == 0);
  ck_assert(write(meta[1], "data\n", 5) == 5);
  close(meta[1]);
  struct spawn o = { .keep_fds = { fds[0], fds[1], fds[2], meta[0], info[1] }, .nkeep = 5 };
  struct args a = { 0 };
  args_probe(&a);
  if (close_fds)
    args_add(&a, "--close-fds");
  args_addv(&a, "--unshare-pid", "--proc", "/proc", "--dev", "/dev", "--lock-file", "/probe",
            "--ro-bind-data", END);
  args_addf(&a, "%d", meta[0]);
  args_addv(&a, "/data", "--info-fd", END);
  args_addf(&a, "%d", info[1]);
  args_addv(&a, "/probe", "status", END);
  run(r, &o, &a);
  args_free(&a);
  close(meta[0]);
  close(info[1]);
  free(slurp_fd(info[0]));
  close(info[0]);
}

START_TEST(only_callers_fds_reach_payload)
{
  char p[4200];
  pathf(p, sizeof p, "%s/leak", W);
  write_file(p, "leak\n");
  int fds[3] = { open(p, O_RDWR), open("/", O_RDONLY | O_DIRECTORY), open("/", O_PATH) };
  ck_assert(fds[0] >= 0 && fds[1] >= 0 && fds[2] >= 0);
  struct result r;
  run_fd_case(&r, false, fds);
  assert_ok(&r);
  ck_assert_msg(has_linef(r.out, "fds: 0 1 2 %d %d %d", fds[0], fds[1], fds[2]),
                "expected exactly the caller's fds 0 1 2 %d %d %d in the payload:\n%s", fds[0], fds[1],
                fds[2], value_of(r.out, "fds"));
  result_free(&r);
  if (suite.target_bwrap)
    return; /* --close-fds is foil's */
  run_fd_case(&r, true, fds);
  assert_ok(&r);
  ck_assert_msg(has_line(r.out, "fds: 0 1 2"),
                "--close-fds: payload inherited fds (%d %d %d from the caller):\n%s", fds[0], fds[1], fds[2],
                value_of(r.out, "fds"));
  result_free(&r);
  for (int i = 0; i < 3; i++)
    close(fds[i]);
}
END_TEST

/* The cwd is inside the sandbox, and ".." from it does not reach the host. */
START_TEST(cwd_inside_sandbox)
{
  char marker[4200];
  char content[64];
  struct result r;
  pathf(marker, sizeof marker, "%s/marker", W);
  pathf(content, sizeof content, "marker-%d-cwd", (int)getpid());
  write_file(marker, content);
  /* The caller's cwd (W) is not in the sandbox. */
  RUN(&r, "--unshare-pid", "/probe", "cwd-escape", marker, content);
  assert_ok(&r);
  const char *cwd = value_of(r.out, "cwd");
  ck_assert_msg(cwd && cwd[0] == '/', "payload cwd is outside the sandbox: %s", cwd ? cwd : "?");
  ck_assert_msg(!strstr(r.out, "REACHED"), "host reached from the cwd:\n%s", r.out);
  ASSERT_LINE(&r, "cwd-escape: done");
  result_free(&r);
  /* When the caller's cwd exists in the sandbox, it is kept. */
  char sub[4200];
  pathf(sub, sizeof sub, "%s/inside", W);
  make_dir(sub);
  ck_assert(chdir(sub) == 0);
  RUN(&r, "--bind", sub, sub, "/probe", "status");
  assert_ok(&r);
  ck_assert_msg(has_linef(r.out, "cwd: %s", sub), "cwd not kept:\n%s", r.out);
  result_free(&r);
}
END_TEST

/* ---------------- root-only files ---------------- */

/* A 0600 root file (in a 0700 root dir) bound by the user must not be
 * readable inside; foil may refuse the bind. */
START_TEST(root_only_file)
{
  char dir[4200];
  if (!suite.secret)
    {
      printf("SKIP %s:root_only_file: no root-owned secret prepared (needs root)\n", suite.mode_name);
      return;
    }
  pathf(dir, sizeof dir, "%s", suite.secret);
  *strrchr(dir, '/') = 0;
  static const char *const extra[][6] = {
    { "--unsetenv", "NONE", "--unsetenv", "NONE", "--unsetenv", "NONE" },
    { "--unshare-user", "--uid", "0", "--gid", "0", "--unshare-pid" },
  };
  for (int v = 0; v < 2; v++)
    {
      struct result r;
      RUN(&r, extra[v][0], extra[v][1], extra[v][2], extra[v][3], extra[v][4], extra[v][5], "--ro-bind",
          suite.secret, "/secret", "/probe", "read", "/secret");
      assert_refused_or_ok(&r);
      ck_assert_msg(!strstr(r.out, "root-only-secret") && !strstr(r.err, "root-only-secret"),
                    "root-only file read in the sandbox:\n%s", r.out);
      result_free(&r);
      RUN(&r, extra[v][0], extra[v][1], extra[v][2], extra[v][3], extra[v][4], extra[v][5], "--ro-bind", dir,
          "/d", "/probe", "read", "/d/secret");
      assert_refused_or_ok(&r);
      ck_assert_msg(!strstr(r.out, "root-only-secret"), "root-only file read in the sandbox:\n%s", r.out);
      result_free(&r);
    }
}
END_TEST

/* ---------------- chroot-style escapes ---------------- */

static void hex_handle(const char *path, char *hex, size_t len, int *type)
{
  struct file_handle *fh = calloc(1, sizeof *fh + MAX_HANDLE_SZ);
  int mount_id;
  fh->handle_bytes = MAX_HANDLE_SZ;
  hex[0] = 0;
  *type = 0;
  if (name_to_handle_at(AT_FDCWD, path, fh, &mount_id, 0) == 0)
    {
      for (unsigned i = 0; i < fh->handle_bytes && 2 * i + 2 < len; i++)
        pathf(hex + 2 * i, 3, "%02x", fh->f_handle[i]);
      *type = fh->handle_type;
    }
  free(fh);
}

/* From inside: absolute path, /proc/N/root, cwd climbing, chroot+chdir(..)
 * (also in a nested user namespace where chroot is allowed), a new procfs,
 * a bind of "/", open_by_handle_at with a handle of the host file. None
 * may reach the host marker. Root mode runs with --cap-drop ALL: root
 * keeping its capabilities is not a sandbox. */
START_TEST(chroot_style_escapes)
{
  char marker[4200], content[64], inside[4200], hex[2 * MAX_HANDLE_SZ + 2], type[16];
  int htype;
  pathf(marker, sizeof marker, "%s/marker", W);
  pathf(content, sizeof content, "marker-%d-escape", (int)getpid());
  write_file(marker, content);
  pathf(inside, sizeof inside, "%s/inside", W);
  make_dir(inside);
  hex_handle(marker, hex, sizeof hex, &htype);
  pathf(type, sizeof type, "%d", htype);
  for (int v = 0; v < 2; v++)
    {
      struct result r;
      struct args a = { 0 };
      args_probe(&a);
      if (suite.mode == SUITE_ROOT)
        args_addv(&a, "--cap-drop", "ALL", END);
      args_addv(&a, "--unshare-pid", "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/scratch", "--bind",
                inside, "/w", END);
      if (v == 1)
        args_addv(&a, "--unshare-all", "--unshare-user", "--uid", "0", "--gid", "0", END);
      args_addv(&a, "/probe", "escape", marker, content, hex, type, "/w", "/scratch", END);
      run(&r, NULL, &a);
      args_free(&a);
      if (v == 1 && setuid_keeps_caller_ids())
        {
          assert_one_error(&r, "--uid");
          result_free(&r);
          continue;
        }
      assert_ok(&r);
      ck_assert_msg(!strstr(r.out, "REACHED"), "escape from the sandbox:\n%s", r.out);
      ASSERT_LINE(&r, "escape: done");
      result_free(&r);
    }
}
END_TEST

/* ---------------- nothing left behind ---------------- */

/* Failures at different points: in the middle of the op list, at a late
 * op after mounts were made, at exec; and a bad option after good ones.
 * CAN FAIL AGAINST setuid bwrap: a failing --remount-ro sometimes prints
 * a second line ("Can't read from privileged_op_socket"). */
START_TEST(nothing_left_after_failure)
{
  char src[4200], missing[4200];
  pathf(src, sizeof src, "%s/src", W);
  pathf(missing, sizeof missing, "%s/missing", W);
  make_dir(src);
  struct snapshot s;
  snap_take(&s);
  RUN_EXPECT_ERROR(missing, "--unshare-pid", "--bind", src, "/a", "--tmpfs", "/t", "--dir", "/t/d", "--bind",
                   missing, "/b", "/probe", "status");
  RUN_EXPECT_ERROR("/nowhere", "--unshare-all", "--proc", "/proc", "--dev", "/dev", "--bind", src, "/a",
                   "--remount-ro", "/nowhere", "/probe", "status");
  RUN_EXPECT_ERROR("/t/no-such-command", "--unshare-all", "--bind", src, "/a", "--tmpfs", "/t",
                   "/t/no-such-command");
  RUN_EXPECT_ERROR("--no-such-option", "--unshare-all", "--bind", src, "/a", "--no-such-option", "/probe",
                   "status");
  snap_assert_unchanged(&s);
  assert_no_children();
  ck_assert_msg(dir_is_empty(src), "files created in a bound source");
}
END_TEST

/* ---------------- registration ---------------- */

void register_attack_tests(TCase *tc)
{
  const struct test_entry tests[] = {
    T(ro_bind_nested_mount, ALL),
    T(ro_bind_remount_attack, ALL),
    T(symlink_escape_absolute, ALL),
    T(symlink_escape_dotdot, ALL),
    T(symlink_escape_proc_self_root, ALL),
    T(symlink_escape_oldroot, ALL),
    T(only_callers_fds_reach_payload, ALL),
    T(cwd_inside_sandbox, ALL),
    T(root_only_file, S | U),
    T(chroot_style_escapes, ALL),
    T(nothing_left_after_failure, ALL),
    { NULL, 0 },
  };
  add_tests(tc, tests);
}
