/* The fd protocols of bwrap's command line, played from the caller's end
 * (except --info-fd and --json-status-fd, in check_status_fds.c): --args,
 * --block-fd, --userns-block-fd, --sync-fd, --lock-file, foil's
 * --close-fds and --keep-fd, and seccomp programs given as fds. */
#include "harness.h"
#include "suites.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* ---------------- --args ---------------- */

START_TEST(args_fd)
{
  const char *const first[] = { "--setenv", "A", "one", "--setenv", "C", "from-args" };
  const char *const second[] = { "--setenv", "B", "two", "--tmpfs", "/t" };
  int fds[2] = { args_data_fd(first, 6), args_data_fd(second, 5) };
  struct args a = { 0 };
  struct result r;
  add_fd_arg(&a, "--args", fds[0]);
  add_fd_arg(&a, "--args", fds[1]);
  /* Spliced in place: a later --setenv on the command line wins. */
  args_addv(&a, "--setenv", "C", "from-argv", "/probe", "env", "+", "stat", "/t", "+", "status", END);
  run_with_fds(&r, &a, fds, 2);
  assert_ok(&r);
  ASSERT_LINE(&r, "env: A=one");
  ASSERT_LINE(&r, "env: B=two");
  ASSERT_LINE(&r, "env: C=from-argv");
  ck_assert_msg(strstr(r.out, "stat /t: dir 0755 fs=1021994"), "--tmpfs from --args missing:\n%s", r.out);
  ASSERT_LINE(&r, "fds: 0 1 2");
  result_free(&r);
  args_free(&a);
  close(fds[0]);
  close(fds[1]);
  /* An empty arguments file is no argument at all. */
  fds[0] = data_fd("", 0);
  add_fd_arg(&a, "--args", fds[0]);
  args_addv(&a, "/probe", "exit", "0", END);
  run_with_fds(&r, &a, fds, 1);
  assert_ok(&r);
  result_free(&r);
  args_free(&a);
  close(fds[0]);
}
END_TEST

START_TEST(args_nested_refused)
{
  const char *const inner[] = { "--setenv", "A", "1" };
  int in = args_data_fd(inner, 3);
  char num[16];
  snprintf(num, sizeof num, "%d", in);
  const char *const outer[] = { "--setenv", "B", "2", "--args", num };
  int out = args_data_fd(outer, 5);
  int fds[2] = { in, out };
  struct args a = { 0 };
  struct result r;
  struct snapshot s;
  snap_take(&s);
  add_fd_arg(&a, "--args", out);
  args_addv(&a, "/probe", "env", END);
  run_with_fds(&r, &a, fds, 2);
  assert_error_text(&r, "--args not supported in arguments file");
  snap_assert_unchanged(&s);
  assert_no_children();
  result_free(&r);
  args_free(&a);
  close(in);
  close(out);
}
END_TEST

START_TEST(args_bad_fd)
{
  static const char *const bad[] = { "77", "abc", "-1", "" };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    {
      struct args a = { 0 };
      struct result r;
      args_addv(&a, "--args", bad[i], "/probe", "exit", "0", END);
      run_with_fds(&r, &a, NULL, 0);
      assert_one_error(&r, NULL);
      /* (An empty value cannot be named.) */
      ck_assert_msg(!bad[i][0] || strstr(r.err, "--args") || strstr(r.err, bad[i]),
                    "error for --args \"%s\" names neither:\n%s", bad[i], r.err);
      result_free(&r);
      args_free(&a);
    }
  assert_no_children();
}
END_TEST

/* Every fd argument must name an fd the caller passed, checked when it is
 * parsed: a closed number could otherwise land on one of foil's own fds by
 * the time it is used (the report pipe, its handle on the host's /proc).
 * Only 0, 1 and 2 are open in foil here, so 3 to 6 are all closed. */
START_TEST(fd_arguments_must_be_open)
{
  if (not_foil("fd_arguments_must_be_open"))
    return;
  static const char *const opts[][2] = {
    { "--json-status-fd", NULL }, { "--sync-fd", NULL },        { "--info-fd", NULL },
    { "--block-fd", NULL },       { "--file", "/x" },           { "--bind-data", "/x" },
    { "--ro-bind-data", "/x" },   { "--bind-fd", "/x" },        { "--ro-bind-fd", "/x" },
    { "--seccomp", NULL },        { "--add-seccomp-fd", NULL }, { "--args", NULL },
    { "--keep-fd", NULL },
  };
  for (size_t i = 0; i < sizeof opts / sizeof opts[0]; i++)
    for (int fd = 3; fd <= 6; fd++)
      {
        struct args a = { 0 };
        struct result r;
        char want[128];
        args_add(&a, opts[i][0]);
        args_addf(&a, "%d", fd);
        if (opts[i][1])
          args_add(&a, opts[i][1]);
        args_addv(&a, "/probe", "exit", "0", END);
        run_with_fds(&r, &a, NULL, 0);
        pathf(want, sizeof want, "%s: fd %d is not open", opts[i][0], fd);
        assert_error_text(&r, want);
        result_free(&r);
        args_free(&a);
      }
  assert_no_children();
}
END_TEST

/* A consumed fd (read or written, then closed by foil) cannot be named twice. */
START_TEST(fd_argument_used_twice)
{
  if (not_foil("fd_argument_used_twice"))
    return;
  int fd = text_fd("data\n");
  struct args a = { 0 };
  struct result r;
  char want[128];
  add_fd_arg(&a, "--file", fd);
  args_add(&a, "/a");
  add_fd_arg(&a, "--bind-fd", fd);
  args_addv(&a, "/b", "/probe", "exit", "0", END);
  run_with_fds(&r, &a, &fd, 1);
  pathf(want, sizeof want, "--bind-fd: fd %d is already used by --file", fd);
  assert_error_text(&r, want);
  result_free(&r);
  args_free(&a);
  close(fd);
  assert_no_children();
}
END_TEST

/* At most 9000 arguments in all, counted as bwrap counts them: every word
 * after argv[0], "--args FD" included, plus every word of the files. */
static void args_limit_case(size_t file_words, bool accepted)
{
  /* Command-line words: --args FD --ro-bind PROBE /probe /probe exit 0 */
  const size_t cmdline = 8;
  size_t len = file_words * sizeof "--clearenv";
  char *buf = malloc(len);
  for (size_t i = 0; i < file_words; i++)
    memcpy(buf + i * sizeof "--clearenv", "--clearenv", sizeof "--clearenv");
  int fd = data_fd(buf, len);
  free(buf);
  struct args a = { 0 };
  struct result r;
  add_fd_arg(&a, "--args", fd);
  args_addv(&a, "/probe", "exit", "0", END);
  run_with_fds(&r, &a, &fd, 1);
  if (accepted)
    ck_assert_msg(r.code == 0 && r.err[0] == 0, "%zu arguments in all refused (exit %d):\n%s",
                  cmdline + file_words, r.code, r.err);
  else
    assert_error_text(&r, "Exceeded maximum number of arguments 9000");
  result_free(&r);
  args_free(&a);
  close(fd);
}

START_TEST(args_limit)
{
  args_limit_case(9000 - 8, true);
  args_limit_case(9000 - 8 + 1, false);
  /* The same limit on the plain command line: 9000 words after argv[0]. */
  for (int extra = 0; extra < 2; extra++)
    {
      struct args a = { 0 };
      struct result r;
      args_probe(&a); /* 3 words */
      for (int i = 0; i < 9000 - 3 - 3 + extra; i++)
        args_add(&a, "--clearenv");
      args_addv(&a, "/probe", "exit", "0", END);
      ck_assert_uint_eq(a.n, 9000u + (unsigned)extra);
      run(&r, NULL, &a);
      if (extra == 0)
        assert_ok(&r);
      else
        assert_error_text(&r, "Exceeded maximum number of arguments 9000");
      result_free(&r);
      args_free(&a);
    }
}
END_TEST

/* ---------------- --block-fd, --userns-block-fd ---------------- */

/* What a caller of --userns-block-fd does before the release (as
 * newuidmap would): map its own ids in the new user namespace, as
 * INSIDE_UID and INSIDE_GID there. bwrap leaves this to the caller; a
 * helper that wrote the maps itself makes these writes fail, which is
 * fine. */
static void write_own_maps(long long pid, int inside_uid, int inside_gid)
{
  static const char *const files[] = { "setgroups", "uid_map", "gid_map" };
  for (int i = 0; i < 3; i++)
    {
      char path[64], text[64];
      pathf(path, sizeof path, "/proc/%lld/%s", pid, files[i]);
      if (i == 0)
        pathf(text, sizeof text, "deny");
      else if (i == 1)
        pathf(text, sizeof text, "%d %d 1", inside_uid, (int)getuid());
      else
        pathf(text, sizeof text, "%d %d 1", inside_gid, (int)getgid());
      int fd = open(path, O_WRONLY | O_CLOEXEC);
      if (fd >= 0)
        {
          (void)!write(fd, text, strlen(text));
          close(fd);
        }
    }
}

/* The kernel's overflow uid or gid (WHICH is "uid" or "gid"), 65534 unless
 * changed: what an id without a mapping reads as in a user namespace. */
static int overflow_id(const char *which)
{
  char path[64];
  pathf(path, sizeof path, "/proc/sys/kernel/overflow%s", which);
  char *v = read_file(path);
  int id = v ? atoi(v) : 65534;
  free(v);
  return id;
}

/* Starts the probe behind a blocking fd and checks that it runs only once
 * the caller writes a byte (or closes the pipe). FLAGS come first.
 * MAPS (--userns-block-fd only): 1 maps uid/gid 0 to the caller (what
 * newuidmap setups do), 2 maps the caller's ids to themselves, 3 maps them
 * to the overflow ids (mapped ids that read like unmapped ones). */
static void block_case(const char *opt, const char *const *flags, bool by_eof, int maps)
{
  int blk[2], inf[2];
  ck_assert(pipe(blk) == 0 && pipe(inf) == 0);
  struct args a = { 0 };
  for (; *flags; flags++)
    args_add(&a, *flags);
  add_fd_arg(&a, opt, blk[0]);
  add_fd_arg(&a, "--info-fd", inf[1]);
  args_addv(&a, "/probe", "status", END);
  int keep[2] = { blk[0], inf[1] };
  struct live l;
  live_start(&l, &a, keep, 2);
  close(blk[0]);
  close(inf[1]);
  args_free(&a);
  /* The sandbox exists (child-pid is known) but the payload waits. */
  char *info = read_json_object(inf[0], "--info-fd");
  close(inf[0]);
  struct json_obj o;
  ck_assert_msg(json_parse(info, &o) && json_get(&o, "child-pid"), "no child-pid before the release:\n%s",
                info);
  free(info);
  int inside_uid = (int)getuid(), inside_gid = (int)getgid();
  if (maps == 1)
    inside_uid = inside_gid = 0;
  else if (maps == 3)
    {
      inside_uid = overflow_id("uid");
      inside_gid = overflow_id("gid");
    }
  if (maps)
    write_own_maps(*json_get(&o, "child-pid"), inside_uid, inside_gid);
  ck_assert_msg(!readable_within(l.out, GRACE_MS), "the payload ran before %s was released", opt);
  if (by_eof)
    close(blk[1]);
  else
    ck_assert(write(blk[1], "x", 1) == 1);
  char line[256];
  expect_line(l.out, line, sizeof line, "the payload after the release");
  char want[64], mapped[64];
  pathf(want, sizeof want, "uid: %d", (int)getuid());
  pathf(mapped, sizeof mapped, "uid: %d", inside_uid);
  /* With the caller mapped to another id (0, the overflow id), bwrap
     leaves the payload that id there. */
  ck_assert_msg(!strcmp(line, want) || (maps && !strcmp(line, mapped)),
                "first line from the payload \"%s\", expected \"%s\"", line, want);
  char *err;
  int code = live_finish(&l, &err);
  ck_assert_msg(code == 0 && !err[0], "exit %d, stderr:\n%s", code, err);
  free(err);
  if (!by_eof)
    close(blk[1]);
}

START_TEST(block_fd)
{
  static const char *const none[] = { NULL };
  static const char *const pid[] = { "--unshare-pid", NULL };
  block_case("--block-fd", none, false, 0);
  block_case("--block-fd", pid, false, 0);
  block_case("--block-fd", none, true, 0);
  assert_no_children();
}
END_TEST

/* User-namespace and root modes only (foil refuses it in setuid mode). */
START_TEST(userns_block_fd)
{
  static const char *const user[] = { "--unshare-user", NULL };
  static const char *const userpid[] = { "--unshare-user", "--unshare-pid", NULL };
  block_case("--userns-block-fd", user, false, 1);
  block_case("--userns-block-fd", userpid, false, 1);
  /* It needs --unshare-user and --info-fd. */
  int p[2];
  ck_assert(pipe(p) == 0);
  struct args a = { 0 };
  struct result r;
  add_fd_arg(&a, "--userns-block-fd", p[0]);
  args_addv(&a, "--unshare-user", "/probe", "exit", "0", END);
  run_with_fds(&r, &a, &p[0], 1);
  assert_one_error(&r, "--userns-block-fd");
  result_free(&r);
  args_free(&a);
  add_fd_arg(&a, "--userns-block-fd", p[0]);
  add_fd_arg(&a, "--info-fd", p[1]);
  args_addv(&a, "/probe", "exit", "0", END);
  run_with_fds(&r, &a, p, 2);
  assert_one_error(&r, "--userns-block-fd");
  result_free(&r);
  args_free(&a);
  close_fds(p, 2);
  assert_no_children();
}
END_TEST

/* A caller that maps only its own ids (no root in the namespace): bwrap
 * runs the payload, since the creator of a user namespace holds every
 * capability in it whatever the maps say. */
START_TEST(userns_block_fd_identity_map)
{
  static const char *const user[] = { "--unshare-user", NULL };
  block_case("--userns-block-fd", user, false, 2);
  assert_no_children();
}
END_TEST

/* A caller that maps its ids to the overflow ids (65534): mapped, though
 * they read like ids without a mapping. bwrap runs the payload (as 65534
 * there). A caller whose own uid is 65534 (nobody) with identity maps is
 * the same case. */
START_TEST(userns_block_fd_overflow_id_map)
{
  static const char *const user[] = { "--unshare-user", NULL };
  block_case("--userns-block-fd", user, false, 3);
  assert_no_children();
}
END_TEST

/* Released with no maps written, the sandbox's ids have no mapping and
 * nothing can work: one error, and the payload never runs (bwrap fails as
 * it makes the new root). The other side of the overflow-id case above. */
START_TEST(userns_block_fd_no_maps)
{
  int blk[2], inf[2];
  ck_assert(pipe(blk) == 0 && pipe(inf) == 0);
  struct args a = { 0 };
  args_add(&a, "--unshare-user");
  add_fd_arg(&a, "--userns-block-fd", blk[0]);
  add_fd_arg(&a, "--info-fd", inf[1]);
  args_addv(&a, "/probe", "status", END);
  int keep[2] = { blk[0], inf[1] };
  struct live l;
  live_start(&l, &a, keep, 2);
  close(blk[0]);
  close(inf[1]);
  args_free(&a);
  free(read_json_object(inf[0], "--info-fd"));
  close(inf[0]);
  ck_assert(write(blk[1], "x", 1) == 1);
  struct result r = { 0 };
  r.out = slurp_fd_within(l.out, LONG_MS, "the sandbox's stdout");
  r.code = live_finish(&l, &r.err);
  assert_one_error(&r, NULL);
  result_free(&r);
  close(blk[1]);
  assert_no_children();
}
END_TEST

/* ---------------- --sync-fd ---------------- */

START_TEST(sync_fd)
{
  static const char *const variants[][2] = { { "--unsetenv", "X" }, { "--unshare-pid", "--unshare-net" } };
  for (int v = 0; v < 2; v++)
    {
      int p[2];
      ck_assert(pipe(p) == 0);
      struct args a = { 0 };
      args_addv(&a, variants[v][0], variants[v][1], END);
      add_fd_arg(&a, "--sync-fd", p[1]);
      args_addv(&a, "/probe", "status", "+", "wait-stdin", END);
      struct live l;
      live_start(&l, &a, &p[1], 1);
      close(p[1]);
      args_free(&a);
      char line[256], fds[256] = "";
      do
        {
          expect_line(l.out, line, sizeof line, "the probe");
          if (!strncmp(line, "fds:", 4))
            snprintf(fds, sizeof fds, "%s", line);
        }
      while (strcmp(line, "ready"));
      /* The payload runs: the fd must still be open somewhere in the sandbox. */
      ck_assert_msg(!at_eof_now(p[0]), "--sync-fd closed while the sandbox runs");
      /* Like bwrap, foil keeps it out of the payload (pid 1 holds it). */
      ck_assert_msg(!strcmp(fds, "fds: 0 1 2"), "the payload holds the sync fd: %s", fds);
      char *err;
      int code = live_finish(&l, &err);
      ck_assert_msg(code == 0 && !err[0], "exit %d, stderr:\n%s", code, err);
      free(err);
      /* Once the sandbox is gone, EOF. */
      ck_assert_msg(readable_within(p[0], LONG_MS) && at_eof_now(p[0]), "no EOF on --sync-fd after the end");
      close(p[0]);
    }
  assert_no_children();
}
END_TEST

/* ---------------- --lock-file ---------------- */

/* The type of lock another process holds on PATH (F_UNLCK if none). */
static int lock_held(const char *path)
{
  int fd = open(path, O_RDWR | O_CLOEXEC);
  ck_assert_msg(fd >= 0, "open %s: %s", path, strerror(errno));
  struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
  ck_assert(fcntl(fd, F_GETLK, &fl) == 0);
  close(fd);
  return fl.l_type;
}

/* The locks are taken before the payload runs: a caller that sees the
 * payload's first output can rely on them.
 * FAILS AGAINST bwrap now and then: its pid 1 takes the locks only after
 * forking the payload. */
START_TEST(lock_file)
{
  char l1[4200], l2[4200];
  pathf(l1, sizeof l1, "%s/lock1", W);
  pathf(l2, sizeof l2, "%s/lock2", W);
  write_file(l1, "");
  write_file(l2, "");
  static const char *const variants[] = { "--unsetenv", "--unshare-pid" };
  for (int v = 0; v < 2; v++)
    {
      struct args a = { 0 };
      args_addv(&a, variants[v], v ? "--unshare-net" : "X", "--bind", l1, "/lock1", "--ro-bind", l2,
                "/ro/lock2", "--lock-file", "/lock1", "--lock-file", "/ro/lock2", "/probe", "wait-stdin",
                END);
      struct live l;
      live_start(&l, &a, NULL, 0);
      args_free(&a);
      char line[64];
      expect_line(l.out, line, sizeof line, "the probe");
      ck_assert_msg(lock_held(l1) == F_RDLCK, "no read lock on the first --lock-file while the sandbox runs");
      ck_assert_msg(lock_held(l2) == F_RDLCK, "no read lock on the second --lock-file");
      char *err;
      int code = live_finish(&l, &err);
      ck_assert_msg(code == 0 && !err[0], "exit %d, stderr:\n%s", code, err);
      free(err);
      /* Released with the sandbox (the last process may need a moment). */
      int held = F_RDLCK;
      for (int i = 0; i < LONG_MS / 10 && held != F_UNLCK; i++)
        {
          held = lock_held(l1) | lock_held(l2);
          if (held != F_UNLCK)
            usleep(10000);
        }
      ck_assert_msg(held == F_UNLCK, "a lock outlived the sandbox");
    }
  struct snapshot s;
  snap_take(&s);
  RUN_EXPECT_ERROR("/no/such/lock", "--lock-file", "/no/such/lock", "/probe", "exit", "0");
  RUN_EXPECT_ERROR(NULL, "--unshare-pid", "--as-pid-1", "--bind", l1, "/l", "--lock-file", "/l", "/probe",
                   "exit", "0");
  snap_assert_unchanged(&s);
  assert_no_children();
}
END_TEST

/* ---------------- --close-fds, --keep-fd ---------------- */

/* With --close-fds inherited fds are closed; --keep-fd keeps one (and only that one). */
START_TEST(keep_fd)
{
  if (not_foil("keep_fd"))
    return;
  int fds[3] = { text_fd("kept data\n"), text_fd("other\n"), -1 };
  int p[2];
  ck_assert(pipe(p) == 0);
  ck_assert(write(p[1], "piped\n", 6) == 6);
  close(p[1]);
  fds[2] = p[0];
  struct args a = { 0 };
  struct result r;
  args_addv(&a, "--close-fds", "/probe", "status", END);
  run_with_fds(&r, &a, fds, 3);
  assert_ok(&r);
  ASSERT_LINE(&r, "fds: 0 1 2");
  result_free(&r);
  args_free(&a);
  args_add(&a, "--close-fds");
  add_fd_arg(&a, "--keep-fd", fds[0]);
  add_fd_arg(&a, "--keep-fd", fds[2]);
  args_addv(&a, "/probe", "status", "+", "readfd", END);
  args_addf(&a, "%d", fds[0]);
  args_addv(&a, "+", "readfd", END);
  args_addf(&a, "%d", fds[2]);
  run_with_fds(&r, &a, fds, 3);
  assert_ok(&r);
  ck_assert_msg(has_linef(r.out, "fds: 0 1 2 %d %d", fds[0] < fds[2] ? fds[0] : fds[2],
                          fds[0] < fds[2] ? fds[2] : fds[0]),
                "expected exactly fds 0 1 2 %d %d:\n%s", fds[0], fds[2], r.out);
  ck_assert_msg(has_linef(r.out, "readfd %d: ok kept data", fds[0]), "kept memfd unreadable:\n%s", r.out);
  ck_assert_msg(has_linef(r.out, "readfd %d: ok piped", fds[2]), "kept pipe unreadable:\n%s", r.out);
  result_free(&r);
  args_free(&a);
  close_fds(fds, 3);
  RUN(&r, "--keep-fd", "abc", "/probe", "exit", "0");
  assert_one_error(&r, NULL);
  ck_assert_msg(strstr(r.err, "--keep-fd") || strstr(r.err, "abc"),
                "error names neither --keep-fd nor abc:\n%s", r.err);
  result_free(&r);
  assert_no_children();
}
END_TEST

/* ---------------- seccomp ---------------- */

#if defined(__x86_64__)
#define TEST_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define TEST_AUDIT_ARCH AUDIT_ARCH_AARCH64
#elif defined(__i386__)
#define TEST_AUDIT_ARCH AUDIT_ARCH_I386
#endif

/* uname() fails with ERR; everything else is allowed. Hand-assembled. */
static int uname_filter_fd(int err)
{
  struct sock_filter prog[] = {
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, TEST_AUDIT_ARCH, 1, 0),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_uname, 0, 1),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (unsigned)err),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  return data_fd(prog, sizeof prog);
}

/* N instructions: N-1 harmless loads, then allow. */
static int long_filter_fd(size_t n)
{
  struct sock_filter *prog = calloc(n, sizeof *prog);
  for (size_t i = 0; i + 1 < n; i++)
    prog[i] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
  prog[n - 1] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
  int fd = data_fd(prog, n * sizeof *prog);
  free(prog);
  return fd;
}

/* Runs the probe with FLAG FD for each fd in FDS (fds stay open in foil). */
static void run_seccomp(struct result *r, const char *flag, const int *fds, int n, const char *cmd)
{
  struct args a = { 0 };
  struct spawn o = { 0 };
  args_probe(&a);
  for (int i = 0; i < n; i++)
    {
      args_add(&a, flag);
      args_addf(&a, "%d", fds[i]);
      o.keep_fds[o.nkeep++] = fds[i];
    }
  args_addv(&a, "/probe", cmd, "+", "status", END);
  run(r, &o, &a);
  args_free(&a);
}

START_TEST(seccomp)
{
  struct result r;
  int fd = uname_filter_fd(EXDEV);
  run_seccomp(&r, "--seccomp", &fd, 1, "uname");
  assert_ok(&r);
  ASSERT_LINE(&r, "uname -: EXDEV");
  ASSERT_LINE(&r, "nnp: 1");
  /* The program's fd is consumed, not passed on. */
  ASSERT_LINE(&r, "fds: 0 1 2");
  result_free(&r);
  close(fd);
  run_seccomp(&r, "--seccomp", NULL, 0, "uname");
  assert_ok(&r);
  ASSERT_LINE(&r, "uname -: ok");
  result_free(&r);
}
END_TEST

/* Stacked programs: on equal actions the most recently loaded one, the
 * last on the command line, decides. */
START_TEST(add_seccomp_fd_order)
{
  struct result r;
  int fds[2] = { uname_filter_fd(EXDEV), uname_filter_fd(ENOTTY) };
  run_seccomp(&r, "--add-seccomp-fd", fds, 2, "uname");
  assert_ok(&r);
  ASSERT_LINE(&r, "uname -: ENOTTY");
  result_free(&r);
  close(fds[0]);
  close(fds[1]);
  fds[0] = uname_filter_fd(ENOTTY);
  fds[1] = uname_filter_fd(EXDEV);
  run_seccomp(&r, "--add-seccomp-fd", fds, 2, "uname");
  assert_ok(&r);
  ASSERT_LINE(&r, "uname -: EXDEV");
  result_free(&r);
  close(fds[0]);
  close(fds[1]);
}
END_TEST

START_TEST(seccomp_invalid_fd)
{
  static const char *const flags[] = { "--seccomp", "--add-seccomp-fd" };
  struct snapshot s;
  snap_take(&s);
  for (int i = 0; i < 2; i++)
    {
      struct result r;
      int fd = 77; /* closed in foil: run() closes everything not kept */
      run_seccomp(&r, flags[i], &fd, 1, "uname");
      assert_one_error(&r, NULL);
      result_free(&r);
    }
  snap_assert_unchanged(&s);
  assert_no_children();
}
END_TEST

START_TEST(seccomp_bad_size)
{
  static const char *const flags[] = { "--seccomp", "--add-seccomp-fd" };
  for (int i = 0; i < 2; i++)
    {
      struct result r;
      int fd = data_fd("0123456789ab", 12);
      run_seccomp(&r, flags[i], &fd, 1, "uname");
      assert_one_error(&r, NULL);
      ck_assert_msg(strstr(r.err, "8"), "size error does not say \"multiple of 8\":\n%s", r.err);
      result_free(&r);
      close(fd);
    }
}
END_TEST

/* At most 4096 instructions (BPF_MAXINSNS): 4096 runs, 4097 is refused. */
START_TEST(seccomp_size_limit)
{
  static const char *const flags[] = { "--seccomp", "--add-seccomp-fd" };
  for (int i = 0; i < 2; i++)
    {
      struct result r;
      int fd = long_filter_fd(4096);
      run_seccomp(&r, flags[i], &fd, 1, "uname");
      assert_ok(&r);
      ASSERT_LINE(&r, "uname -: ok");
      result_free(&r);
      close(fd);
      fd = long_filter_fd(4097);
      struct snapshot s;
      snap_take(&s);
      run_seccomp(&r, flags[i], &fd, 1, "uname");
      assert_one_error(&r, NULL);
      ck_assert_msg(!strstr(r.out, "uname"), "payload ran with a rejected filter");
      snap_assert_unchanged(&s);
      assert_no_children();
      result_free(&r);
      close(fd);
    }
}
END_TEST

/* A program the kernel refuses (misaligned load): one line with the
 * kernel's reason, and the payload never runs. */
START_TEST(seccomp_kernel_rejects)
{
  static const char *const flags[] = { "--seccomp", "--add-seccomp-fd" };
  struct sock_filter prog[] = {
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 1),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  for (int i = 0; i < 2; i++)
    {
      struct result r;
      int fd = data_fd(prog, sizeof prog);
      run_seccomp(&r, flags[i], &fd, 1, "uname");
      assert_one_error(&r, NULL);
      ck_assert_msg(strstr(r.err, strerror(EINVAL)) || strstr(r.err, "EINVAL"),
                    "error does not give the kernel's errno (EINVAL):\n%s", r.err);
      ck_assert_msg(!strstr(r.out, "uname"), "payload ran with a rejected filter");
      result_free(&r);
      close(fd);
    }
}
END_TEST

/* ---------------- registration ---------------- */

void register_fd_protocol_tests(TCase *tc)
{
  const struct test_entry tests[] = {
    T(args_fd, ALL),
    T(args_nested_refused, ALL),
    T(args_bad_fd, ALL),
    T(fd_arguments_must_be_open, ALL),
    T(fd_argument_used_twice, ALL),
    T(args_limit, ALL),
    T(block_fd, ALL),
    T(userns_block_fd, U | R),
    T(userns_block_fd_identity_map, U | R),
    T(userns_block_fd_overflow_id_map, U | R),
    T(userns_block_fd_no_maps, U | R),
    T(sync_fd, ALL),
    T(lock_file, ALL),
    T(keep_fd, ALL),
    T(seccomp, ALL),
    T(add_seccomp_fd_order, ALL),
    T(seccomp_invalid_fd, ALL),
    T(seccomp_bad_size, ALL),
    T(seccomp_size_limit, ALL),
    T(seccomp_kernel_rejects, ALL),
    { NULL, 0 },
  };
  add_tests(tc, tests);
}
