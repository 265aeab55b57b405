/* Mounts in the new root: the bind options (by path and by fd),
 * --remount-ro, --proc, --dev, --tmpfs, --mqueue, sources that are host
 * paths, and overlays. */
#include "harness.h"
#include "suites.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---------------- binds ---------------- */

static void make_src(void)
{
  char p[4200];
  pathf(p, sizeof p, "%s/src", W);
  make_dir(p);
  pathf(p, sizeof p, "%s/src/file", W);
  write_file(p, "host-content\n");
}

START_TEST(bind)
{
  char src[4200], p[4200];
  struct result r;
  make_src();
  pathf(src, sizeof src, "%s/src", W);
  RUN(&r, "--bind", src, "/b", "/probe", "read", "/b/file", "+", "write", "/b/new", "+", "stat", "/b");
  assert_ok(&r);
  ASSERT_LINE(&r, "read /b/file: ok host-content");
  ASSERT_LINE(&r, "write /b/new: ok");
  result_free(&r);
  pathf(p, sizeof p, "%s/src/new", W);
  char *c = read_file(p);
  ck_assert_msg(c && !strcmp(c, "written-by-probe\n"), "write through --bind not visible on the host");
  free(c);
}
END_TEST

START_TEST(bind_missing_source)
{
  static const char *const opts[] = { "--bind", "--ro-bind", "--dev-bind" };
  char src[4200];
  struct snapshot s;
  pathf(src, sizeof src, "%s/no-such-source", W);
  snap_take(&s);
  for (int i = 0; i < 3; i++)
    {
      RUN_EXPECT_ERROR(src, "--tmpfs", "/t", opts[i], src, "/t/b", "/probe", "status");
    }
  snap_assert_unchanged(&s);
  assert_no_children();
}
END_TEST

START_TEST(bind_try)
{
  static const char *const opts[] = { "--bind-try", "--ro-bind-try", "--dev-bind-try" };
  char src[4200], missing[4200];
  make_src();
  pathf(src, sizeof src, "%s/src", W);
  pathf(missing, sizeof missing, "%s/no-such-source", W);
  for (int i = 0; i < 3; i++)
    {
      struct result r;
      RUN(&r, opts[i], missing, "/b", opts[i], src, "/c", "/probe", "stat", "/b", "+", "read", "/c/file");
      assert_ok(&r);
      ASSERT_LINE(&r, "stat /b: ENOENT");
      ASSERT_LINE(&r, "read /c/file: ok host-content");
      result_free(&r);
    }
}
END_TEST

START_TEST(ro_bind)
{
  char src[4200], p[4200];
  struct result r;
  make_src();
  pathf(src, sizeof src, "%s/src", W);
  RUN(&r, "--ro-bind", src, "/r", "/probe", "read", "/r/file", "+", "write", "/r/new", "+", "write",
      "/r/file");
  assert_ok(&r);
  ASSERT_LINE(&r, "read /r/file: ok host-content");
  ASSERT_LINE(&r, "write /r/new: EROFS");
  ASSERT_LINE(&r, "write /r/file: EROFS");
  result_free(&r);
  pathf(p, sizeof p, "%s/src/new", W);
  ck_assert_msg(access(p, F_OK) != 0, "file created through --ro-bind");
  pathf(p, sizeof p, "%s/src/file", W);
  char *c = read_file(p);
  ck_assert_str_eq(c, "host-content\n");
  free(c);
  /* --ro-bind-try behaves the same when the source exists. */
  RUN(&r, "--ro-bind-try", src, "/r", "/probe", "write", "/r/new");
  assert_ok(&r);
  ASSERT_LINE(&r, "write /r/new: EROFS");
  result_free(&r);
}
END_TEST

/* --dev-bind allows device access, --bind does not (nodev). */
START_TEST(dev_bind)
{
  struct result r;
  RUN(&r, "--dev-bind", "/dev/null", "/n", "--dev-bind-try", "/dev/zero", "/z", "/probe", "write", "/n", "+",
      "read", "/z");
  assert_ok(&r);
  ASSERT_LINE(&r, "write /n: ok");
  ck_assert_msg(strstr(r.out, "read /z: ok"), "cannot read /dev/zero via --dev-bind-try:\n%s", r.out);
  result_free(&r);
  RUN(&r, "--bind", "/dev/null", "/n", "--ro-bind", "/dev/zero", "/z", "/probe", "write", "/n", "+", "read",
      "/z");
  assert_ok(&r);
  ASSERT_LINE(&r, "write /n: EACCES");
  ASSERT_LINE(&r, "read /z: EACCES");
  result_free(&r);
}
END_TEST

/* CAN FAIL AGAINST setuid bwrap: its error for a missing --remount-ro
 * destination sometimes takes two lines (the second, "Can't read from
 * privileged_op_socket", depends on timing). */
START_TEST(remount_ro)
{
  struct result r;
  RUN(&r, "--tmpfs", "/t", "--dir", "/t/d", "--remount-ro", "/t", "/probe", "write", "/t/x", "+", "stat",
      "/t/d");
  assert_ok(&r);
  ASSERT_LINE(&r, "write /t/x: EROFS");
  ck_assert_msg(strstr(r.out, "stat /t/d: dir"), "--dir before --remount-ro lost:\n%s", r.out);
  result_free(&r);
  RUN(&r, "--tmpfs", "/t", "/probe", "write", "/t/x");
  assert_ok(&r);
  ASSERT_LINE(&r, "write /t/x: ok");
  result_free(&r);
  RUN_EXPECT_ERROR("/no/such/mount", "--remount-ro", "/no/such/mount", "/probe", "status");
}
END_TEST

/* ---------------- --bind-fd, --ro-bind-fd ---------------- */

START_TEST(bind_fd)
{
  char src[4200], moved[4200], p[4200];
  pathf(src, sizeof src, "%s/src", W);
  make_dir(src);
  pathf(p, sizeof p, "%s/src/file", W);
  write_file(p, "through the fd\n");
  int fds[2] = { open(src, O_PATH | O_DIRECTORY), open(src, O_RDONLY | O_DIRECTORY) };
  ck_assert(fds[0] >= 0 && fds[1] >= 0);
  /* The fd, not the path, decides what is bound. */
  pathf(moved, sizeof moved, "%s/moved", W);
  ck_assert(rename(src, moved) == 0);
  make_dir(src);
  struct args a = { 0 };
  struct result r;
  add_fd_arg(&a, "--bind-fd", fds[0]);
  args_add(&a, "/rw");
  add_fd_arg(&a, "--ro-bind-fd", fds[1]);
  args_addv(&a, "/ro", "/probe", "read", "/rw/file", "+", "read", "/ro/file", "+", "write", "/rw/new", "+",
            "write", "/ro/new2", "+", "status", END);
  run_with_fds(&r, &a, fds, 2);
  assert_ok(&r);
  ASSERT_LINE(&r, "read /rw/file: ok through the fd");
  ASSERT_LINE(&r, "read /ro/file: ok through the fd");
  ASSERT_LINE(&r, "write /rw/new: ok");
  ASSERT_LINE(&r, "write /ro/new2: EROFS");
  ASSERT_LINE(&r, "fds: 0 1 2");
  result_free(&r);
  args_free(&a);
  close_fds(fds, 2);
  pathf(p, sizeof p, "%s/new", moved);
  ck_assert_msg(access(p, F_OK) == 0, "write through --bind-fd did not reach the fd's dir");
  pathf(p, sizeof p, "%s/new", src);
  ck_assert_msg(access(p, F_OK) != 0, "--bind-fd followed the path instead of the fd");
  struct snapshot s;
  snap_take(&s);
  static const char *const opts[] = { "--bind-fd", "--ro-bind-fd" };
  for (int i = 0; i < 2; i++)
    {
      RUN_EXPECT_ERROR(NULL, opts[i], "77", "/x", "/probe", "exit", "0");
    }
  snap_assert_unchanged(&s);
  assert_no_children();
}
END_TEST

/* ---------------- file systems ---------------- */

START_TEST(proc)
{
  struct result r;
  RUN(&r, "--unshare-pid", "--proc", "/proc", "/probe", "stat", "/proc/self/status", "+", "stat", "/proc");
  assert_ok(&r);
  ck_assert_msg(strstr(r.out, "stat /proc/self/status: file"), "no /proc/self/status:\n%s", r.out);
  ck_assert_msg(strstr(r.out, "fs=9fa0"), "/proc is not procfs:\n%s", r.out);
  result_free(&r);
  RUN(&r, "/probe", "stat", "/proc");
  assert_ok(&r);
  ASSERT_LINE(&r, "stat /proc: ENOENT");
  result_free(&r);
}
END_TEST

START_TEST(dev)
{
  static const char *const nodes[] = { "null", "zero", "full", "random", "urandom", "tty" };
  struct result r;
  struct args a = { 0 };
  args_probe(&a);
  args_addv(&a, "--dev", "/dev", "/probe", END);
  for (size_t i = 0; i < 6; i++)
    args_addv(&a, "stat", END), args_addf(&a, "/dev/%s", nodes[i]), args_add(&a, "+");
  args_addv(&a, "stat", "/dev/pts", "+", "stat", "/dev/shm", "+", "stat", "/dev/ptmx", "+", "write",
            "/dev/null", "+", "read", "/dev/zero", "+", "stat", "/dev/vda", "+", "stat", "/dev/sda", "+",
            "stat", "/dev/mem", "+", "stat", "/dev", END);
  run(&r, NULL, &a);
  args_free(&a);
  assert_ok(&r);
  for (size_t i = 0; i < 6; i++)
    {
      char want[64];
      pathf(want, sizeof want, "stat /dev/%s: chr 0666 ", nodes[i]);
      ck_assert_msg(strstr(r.out, want), "/dev/%s missing or not a 0666 char device:\n%s", nodes[i], r.out);
    }
  ck_assert_msg(strstr(r.out, "stat /dev/pts: dir") && strstr(r.out, "fs=1cd1"), "no devpts:\n%s", r.out);
  ck_assert_msg(strstr(r.out, "stat /dev/shm: dir"), "no /dev/shm:\n%s", r.out);
  ck_assert_msg(!strstr(r.out, "stat /dev/ptmx: ENOENT"), "no /dev/ptmx:\n%s", r.out);
  ASSERT_LINE(&r, "write /dev/null: ok");
  ASSERT_LINE(&r, "stat /dev/vda: ENOENT");
  ASSERT_LINE(&r, "stat /dev/sda: ENOENT");
  ASSERT_LINE(&r, "stat /dev/mem: ENOENT");
  ck_assert_msg(strstr(r.out, "stat /dev: dir 0755 fs=1021994"), "/dev is not a 0755 tmpfs:\n%s", r.out);
  result_free(&r);
}
END_TEST

START_TEST(tmpfs)
{
  struct result r;
  RUN(&r, "--tmpfs", "/t", "/probe", "stat", "/t", "+", "write", "/t/x", "+", "read", "/t/x");
  assert_ok(&r);
  ck_assert_msg(strstr(r.out, "stat /t: dir 0755 fs=1021994"), "/t is not a 0755 tmpfs:\n%s", r.out);
  ASSERT_LINE(&r, "write /t/x: ok");
  ASSERT_LINE(&r, "read /t/x: ok written-by-probe");
  result_free(&r);
}
END_TEST

START_TEST(mqueue)
{
  struct result r;
  RUN(&r, "--unshare-ipc", "--mqueue", "/mq", "/probe", "stat", "/mq");
  assert_ok(&r);
  ck_assert_msg(strstr(r.out, "stat /mq: dir") && strstr(r.out, "fs=19800202"), "/mq is not mqueue:\n%s",
                r.out);
  result_free(&r);
}
END_TEST

/* ---------------- sources are host paths ---------------- */

/* While the operations run, foil's new root is stacked on the host's "/", and
 * a ".." step that lands on "/" would continue in it. These paths make such
 * steps: a source must still name the host's file, as with bwrap. */

/* W/NAME spelled "/FIRST/../W/NAME", FIRST being W's first component. */
static void via_root(char *buf, size_t len, const char *name)
{
  int first = (int)strcspn(W + 1, "/");
  pathf(buf, len, "/%.*s/..%s/%s", first, W + 1, W, name);
}

/* W/NAME as a relative path from W/SUB (SUB: DEPTH components below W),
 * up to "/" with ".." and down again. */
static void relative_via_root(char *buf, size_t len, int depth, const char *name)
{
  size_t n = 0;
  for (const char *p = W; *p; p++)
    depth += *p == '/';
  for (int i = 0; i < depth; i++, n += 3)
    pathf(buf + n, len - n, "../");
  pathf(buf + n, len - n, "%s/%s", W + 1, name);
}

/* W/etc/link -> ../(...)/W/usr/lib/file, like Debian's /etc/os-release ->
 * ../usr/lib/os-release. The same path in the new root holds another file,
 * bound there first: the host's must win. */
START_TEST(bind_source_symlink_on_host)
{
  char file[4200], decoy[4200], link[4200], target[4200], p[4200];
  pathf(p, sizeof p, "%s/usr", W);
  make_dir(p);
  pathf(p, sizeof p, "%s/usr/lib", W);
  make_dir(p);
  pathf(p, sizeof p, "%s/etc", W);
  make_dir(p);
  pathf(file, sizeof file, "%s/usr/lib/file", W);
  write_file(file, "host file\n");
  pathf(decoy, sizeof decoy, "%s/decoy", W);
  write_file(decoy, "new root file\n");
  relative_via_root(target, sizeof target, 1, "usr/lib/file");
  pathf(link, sizeof link, "%s/etc/link", W);
  ck_assert_msg(symlink(target, link) == 0, "symlink: %s", strerror(errno));
  struct result r;
  RUN(&r, "--ro-bind", decoy, file, "--ro-bind", link, "/result", "/probe", "read", "/result", "+", "read",
      file);
  assert_ok(&r);
  ASSERT_LINE(&r, "read /result: ok host file");
  ck_assert_msg(has_linef(r.out, "read %s: ok new root file", file), "decoy not in place:\n%s", r.out);
  result_free(&r);
}
END_TEST

/* "/var/../var/tmp/...": bwrap's realpath() makes it the host's path. A
 * -try source missing on the host is dropped even when the new root has it. */
START_TEST(bind_source_dotdot)
{
  char file[4200], src[4200], decoy[4200], missing[4200], try_src[4200];
  pathf(file, sizeof file, "%s/file", W);
  write_file(file, "host file\n");
  pathf(decoy, sizeof decoy, "%s/decoy", W);
  write_file(decoy, "new root file\n");
  pathf(missing, sizeof missing, "%s/missing", W);
  via_root(src, sizeof src, "file");
  via_root(try_src, sizeof try_src, "missing");
  struct result r;
  RUN(&r, "--ro-bind", src, "/a", "--ro-bind", decoy, missing, "--ro-bind-try", try_src, "/b", "/probe",
      "read", "/a", "+", "read", "/b");
  assert_ok(&r);
  ASSERT_LINE(&r, "read /a: ok host file");
  ASSERT_LINE(&r, "read /b: ENOENT");
  result_free(&r);
  char msg[4300];
  pathf(msg, sizeof msg, "Can't find source path %s: No such file or directory", try_src);
  RUN_EXPECT_ERROR_TEXT(msg, "--ro-bind", decoy, missing, "--ro-bind", try_src, "/b", "/probe", "exit", "0");
}
END_TEST

/* Relative sources are relative to the caller's cwd (W, here). */
START_TEST(bind_source_relative)
{
  char file[4200], up[4200], p[4200];
  pathf(file, sizeof file, "%s/file", W);
  write_file(file, "host file\n");
  pathf(p, sizeof p, "%s/sub", W);
  make_dir(p);
  relative_via_root(up, sizeof up, 0, "file");
  struct result r;
  RUN(&r, "--ro-bind", "file", "/a", "--ro-bind", "sub/../file", "/b", "--ro-bind", up, "/c", "/probe",
      "read", "/a", "+", "read", "/b", "+", "read", "/c");
  assert_ok(&r);
  ASSERT_LINE(&r, "read /a: ok host file");
  ASSERT_LINE(&r, "read /b: ok host file");
  ASSERT_LINE(&r, "read /c: ok host file");
  result_free(&r);
  RUN_EXPECT_ERROR_TEXT("Can't find source path nothing: No such file or directory", "--ro-bind", "nothing",
                        "/a", "/probe", "exit", "0");
}
END_TEST

/* ---------------- overlays (bwrap 0.11; refused in setuid mode) ---------------- */

/* Setuid mode refuses every overlay option (bwrap's rule; SECURITY.md says
 * why): true, after checking that R is that refusal of OPTION, there; false
 * in the other modes. */
static bool overlay_refused(const struct result *r, const char *option)
{
  char msg[256];
  if (suite.mode != SUITE_SETUID)
    return false;
  if (suite.target_bwrap)
    {
      assert_one_error(r, "setuid mode");
      return true;
    }
  pathf(msg, sizeof msg,
        "%s is not allowed in setuid mode: overlayfs in user namespaces is a known privilege-escalation "
        "surface",
        option);
  assert_error_text(r, msg);
  return true;
}

/* Exit 1 with MSG, or in setuid mode the refusal of OPTION; frees R. */
static void assert_overlay_error(struct result *r, const char *option, const char *msg)
{
  if (!overlay_refused(r, option))
    assert_error_text(r, msg);
  result_free(r);
}

START_TEST(overlay_errors)
{
  if (bwrap_lacks("overlay_errors", 11))
    return;
  char l1[4200], l2[4200], up[4200], wk[4200];
  pathf(l1, sizeof l1, "%s/l1", W);
  pathf(l2, sizeof l2, "%s/l2", W);
  pathf(up, sizeof up, "%s/up", W);
  pathf(wk, sizeof wk, "%s/wk", W);
  make_dir(l1), make_dir(l2), make_dir(up), make_dir(wk);
  struct snapshot s;
  snap_take(&s);
  struct result r;
  RUN(&r, "--overlay", up, wk, "/o", "/probe", "exit", "0");
  assert_overlay_error(&r, "--overlay", "--overlay requires at least one --overlay-src");
  RUN(&r, "--tmp-overlay", "/o", "/probe", "exit", "0");
  assert_overlay_error(&r, "--tmp-overlay", "--tmp-overlay requires at least one --overlay-src");
  RUN(&r, "--overlay-src", l1, "--ro-overlay", "/o", "/probe", "exit", "0");
  assert_overlay_error(&r, "--overlay-src", "--ro-overlay requires at least two --overlay-src");
  RUN(&r, "--ro-overlay", "/o", "/probe", "exit", "0");
  assert_overlay_error(&r, "--ro-overlay", "--ro-overlay requires at least two --overlay-src");
  RUN(&r, "--overlay-src", l1, "--dir", "/o", "/probe", "exit", "0");
  assert_overlay_error(&r, "--overlay-src",
                       "--overlay-src must be followed by another --overlay-src or one of "
                       "--overlay, --tmp-overlay, or --ro-overlay");
  RUN_EXPECT_ERROR("--overlay-src", "--overlay-src", l1, "/probe", "exit", "0");
  snap_assert_unchanged(&s);
  assert_no_children();
}
END_TEST

/* Two lower dirs: l1 (bottom) and l2 (top) both have "shared"; only l1
 * has "low", only l2 has "high". */
static void make_lowers(char *l1, char *l2, size_t len)
{
  char p[4200];
  snprintf(l1, len, "%s/l1", W);
  snprintf(l2, len, "%s/l2", W);
  make_dir(l1);
  make_dir(l2);
  pathf(p, sizeof p, "%s/shared", l1);
  write_file(p, "from l1\n");
  pathf(p, sizeof p, "%s/shared", l2);
  write_file(p, "from l2\n");
  pathf(p, sizeof p, "%s/low", l1);
  write_file(p, "low\n");
  pathf(p, sizeof p, "%s/high", l2);
  write_file(p, "high\n");
}

static void assert_lowers_untouched(const char *l1, const char *l2)
{
  char p[4200];
  pathf(p, sizeof p, "%s/new", l1);
  ck_assert_msg(access(p, F_OK) != 0, "overlay wrote into a lower dir");
  pathf(p, sizeof p, "%s/new", l2);
  ck_assert_msg(access(p, F_OK) != 0, "overlay wrote into a lower dir");
  pathf(p, sizeof p, "%s/shared", l2);
  char *c = read_file(p);
  ck_assert_msg(c && !strcmp(c, "from l2\n"), "a lower file changed");
  free(c);
}

START_TEST(tmp_overlay)
{
  if (bwrap_lacks("tmp_overlay", 11))
    return;
  char l1[4200], l2[4200];
  make_lowers(l1, l2, sizeof l1);
  struct result r;
  RUN(&r, "--overlay-src", l1, "--overlay-src", l2, "--tmp-overlay", "/o", "/probe", "read", "/o/shared", "+",
      "read", "/o/low", "+", "read", "/o/high", "+", "write", "/o/new", "+", "read", "/o/new", "+", "write",
      "/o/shared", "+", "read", "/o/shared");
  if (overlay_refused(&r, "--overlay-src"))
    {
      result_free(&r);
      return;
    }
  assert_ok(&r);
  ASSERT_LINE(&r, "read /o/shared: ok from l2");
  ASSERT_LINE(&r, "read /o/low: ok low");
  ASSERT_LINE(&r, "read /o/high: ok high");
  ASSERT_LINE(&r, "write /o/new: ok");
  ASSERT_LINE(&r, "read /o/new: ok written-by-probe");
  ASSERT_LINE(&r, "write /o/shared: ok");
  ASSERT_LINE(&r, "read /o/shared: ok written-by-probe");
  result_free(&r);
  assert_lowers_untouched(l1, l2);
  /* The upper layer is gone with the sandbox. */
  RUN(&r, "--overlay-src", l1, "--tmp-overlay", "/o", "/probe", "read", "/o/new");
  assert_ok(&r);
  ASSERT_LINE(&r, "read /o/new: ENOENT");
  result_free(&r);
}
END_TEST

START_TEST(overlay_rw)
{
  if (bwrap_lacks("overlay_rw", 11))
    return;
  char l1[4200], l2[4200], up[4200], wk[4200], p[4200];
  make_lowers(l1, l2, sizeof l1);
  pathf(up, sizeof up, "%s/up", W);
  pathf(wk, sizeof wk, "%s/wk", W);
  make_dir(up);
  make_dir(wk);
  struct result r;
  RUN(&r, "--overlay-src", l1, "--overlay-src", l2, "--overlay", up, wk, "/o", "/probe", "read", "/o/shared",
      "+", "read", "/o/low", "+", "write", "/o/new", "+", "write", "/o/low");
  if (overlay_refused(&r, "--overlay-src"))
    {
      result_free(&r);
      return;
    }
  assert_ok(&r);
  ASSERT_LINE(&r, "read /o/shared: ok from l2");
  ASSERT_LINE(&r, "read /o/low: ok low");
  ASSERT_LINE(&r, "write /o/new: ok");
  ASSERT_LINE(&r, "write /o/low: ok");
  result_free(&r);
  assert_lowers_untouched(l1, l2);
  /* The writes are in the upper dir, on the host. */
  pathf(p, sizeof p, "%s/new", up);
  char *c = read_file(p);
  ck_assert_msg(c && !strcmp(c, "written-by-probe\n"), "upper dir lacks the new file");
  free(c);
  pathf(p, sizeof p, "%s/low", l1);
  c = read_file(p);
  ck_assert_msg(c && !strcmp(c, "low\n"), "lower file modified");
  free(c);
  /* And they persist into the next sandbox. */
  RUN(&r, "--overlay-src", l1, "--overlay", up, wk, "/o", "/probe", "read", "/o/new");
  assert_ok(&r);
  ASSERT_LINE(&r, "read /o/new: ok written-by-probe");
  result_free(&r);
}
END_TEST

START_TEST(ro_overlay)
{
  if (bwrap_lacks("ro_overlay", 11))
    return;
  char l1[4200], l2[4200];
  make_lowers(l1, l2, sizeof l1);
  struct result r;
  RUN(&r, "--overlay-src", l1, "--overlay-src", l2, "--ro-overlay", "/o", "/probe", "read", "/o/shared", "+",
      "read", "/o/low", "+", "read", "/o/high", "+", "write", "/o/new");
  if (overlay_refused(&r, "--overlay-src"))
    {
      result_free(&r);
      return;
    }
  assert_ok(&r);
  ASSERT_LINE(&r, "read /o/shared: ok from l2");
  ASSERT_LINE(&r, "read /o/low: ok low");
  ASSERT_LINE(&r, "read /o/high: ok high");
  ASSERT_LINE(&r, "write /o/new: EROFS");
  result_free(&r);
  assert_lowers_untouched(l1, l2);
}
END_TEST

/* bwrap's suite case "--overlay path escaping": the kernel unescapes
 * backslashes in the upper and work dir values, not in lower layers. */
START_TEST(overlay_path_escaping)
{
  if (bwrap_lacks("overlay_path_escaping", 11))
    return;
  static const char lower[] = "lower \":,\\", upper[] = "upper \":,\\", work[] = "work \":,\\";
  char p[4200];
  make_dir(lower), make_dir(upper), make_dir(work);
  pathf(p, sizeof p, "%s/%s/a", W, lower);
  write_file(p, "1\n");
  struct result r;
  RUN(&r, "--overlay-src", lower, "--overlay", upper, work, "/o", "/probe", "read", "/o/a", "+", "write",
      "/o/a", "+", "read", "/o/a");
  if (overlay_refused(&r, "--overlay-src"))
    {
      result_free(&r);
      return;
    }
  assert_ok(&r);
  ASSERT_LINE(&r, "read /o/a: ok 1");
  ASSERT_LINE(&r, "read /o/a: ok written-by-probe");
  result_free(&r);
  char *c = read_file(p);
  ck_assert_msg(c && !strcmp(c, "1\n"), "the lower layer changed");
  free(c);
  pathf(p, sizeof p, "%s/%s/a", W, upper);
  c = read_file(p);
  ck_assert_msg(c && !strcmp(c, "written-by-probe\n"), "the upper dir lacks the write");
  free(c);
}
END_TEST

/* Layers, upper and work dirs are host paths too (see the bind source tests). */
START_TEST(overlay_sources_on_host)
{
  if (bwrap_lacks("overlay_sources_on_host", 11))
    return;
  char l1[4200], l2[4200], v1[4200], v2[4200], up[4200], wk[4200], p[4200];
  make_lowers(l1, l2, sizeof l1);
  pathf(p, sizeof p, "%s/up", W);
  make_dir(p);
  pathf(p, sizeof p, "%s/wk", W);
  make_dir(p);
  via_root(v1, sizeof v1, "l1");
  via_root(v2, sizeof v2, "l2");
  via_root(up, sizeof up, "up");
  via_root(wk, sizeof wk, "wk");
  struct result r;
  RUN(&r, "--overlay-src", v1, "--overlay-src", v2, "--overlay", up, wk, "/o", "--overlay-src", v1,
      "--overlay-src", "l2", "--ro-overlay", "/r", "/probe", "read", "/o/low", "+", "read", "/o/high", "+",
      "write", "/o/new", "+", "read", "/r/shared");
  if (overlay_refused(&r, "--overlay-src"))
    {
      result_free(&r);
      return;
    }
  assert_ok(&r);
  ASSERT_LINE(&r, "read /o/low: ok low");
  ASSERT_LINE(&r, "read /o/high: ok high");
  ASSERT_LINE(&r, "write /o/new: ok");
  ASSERT_LINE(&r, "read /r/shared: ok from l2");
  result_free(&r);
  assert_lowers_untouched(l1, l2);
  pathf(p, sizeof p, "%s/up/new", W);
  ck_assert_msg(access(p, F_OK) == 0, "the upper dir lacks the new file");
  pathf(p, sizeof p, "%s/missing", W);
  RUN(&r, "--overlay-src", p, "--tmp-overlay", "/o", "/probe", "exit", "0");
  if (!overlay_refused(&r, "--overlay-src"))
    {
      char msg[4300];
      pathf(msg, sizeof msg, "Can't find source path %s: No such file or directory", p);
      assert_error_text(&r, msg);
    }
  result_free(&r);
}
END_TEST

/* ---------------- registration ---------------- */

void register_mount_tests(TCase *tc)
{
  const struct test_entry tests[] = {
    T(bind, ALL),
    T(bind_missing_source, ALL),
    T(bind_try, ALL),
    T(ro_bind, ALL),
    T(dev_bind, ALL),
    T(remount_ro, ALL),
    T(bind_fd, ALL),
    T(proc, ALL),
    T(dev, ALL),
    T(tmpfs, ALL),
    T(mqueue, ALL),
    T(bind_source_symlink_on_host, ALL),
    T(bind_source_dotdot, ALL),
    T(bind_source_relative, ALL),
    T(overlay_errors, ALL),
    T(tmp_overlay, ALL),
    T(overlay_rw, ALL),
    T(ro_overlay, ALL),
    T(overlay_path_escaping, ALL),
    T(overlay_sources_on_host, ALL),
    { NULL, 0 },
  };
  add_tests(tc, tests);
}
