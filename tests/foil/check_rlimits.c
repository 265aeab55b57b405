/* --rlimit NAME=SOFT[:HARD], one of foil's own options: the limits the
 * command sees (with the probe's getrlimit() and /proc/PID/limits), in both
 * of setuid mode's layouts (the command in the caller's user namespace, and
 * below the sandbox's with --unshare-user); that the sandbox's pid 1 and the
 * process the caller started keep the limits foil was started with; that
 * they are set before the seccomp programs; and the one-line errors, given
 * before anything is made.
 *
 * Expected values come from this process's own limits, which foil
 * inherits. A test that needs a limit this host does not allow prints SKIP. */
#include "harness.h"
#include "suites.h"

#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

/* A limit as the probe prints it. */
static const char *limit_text(char *buf, size_t size, rlim_t v)
{
  if (v == RLIM_INFINITY)
    pathf(buf, size, "unlimited");
  else
    pathf(buf, size, "%llu", (unsigned long long)v);
  return buf;
}

static struct rlimit limits_of(int resource)
{
  struct rlimit r;
  ck_assert_msg(getrlimit(resource, &r) == 0, "getrlimit: %s", strerror(errno));
  return r;
}

/* The hard limit of open files: never unlimited (the kernel caps it). */
static unsigned long long nofile_hard(void)
{
  struct rlimit r = limits_of(RLIMIT_NOFILE);
  ck_assert_msg(r.rlim_max != RLIM_INFINITY, "RLIMIT_NOFILE is unlimited");
  return (unsigned long long)r.rlim_max;
}

/* False (and SKIP) when this host's hard limit of the file size is below
   AT_LEAST bytes. */
static bool fsize_allows(const char *test, rlim_t at_least)
{
  if (limits_of(RLIMIT_FSIZE).rlim_max >= at_least)
    return true;
  printf("SKIP %s:%s: the hard limit of RLIMIT_FSIZE is below %llu here\n", suite.mode_name, test,
         (unsigned long long)at_least);
  return false;
}

/* ---------------- what the command sees ---------------- */

/* Soft and hard limits as given; a resource not named keeps what foil
   inherited. */
START_TEST(rlimit_soft_and_hard)
{
  char fsize[64], soft[32], hard[32];
  struct rlimit own = limits_of(RLIMIT_FSIZE);
  struct result r;

  if (not_foil("rlimit_soft_and_hard"))
    return;
  RUN(&r, "--rlimit", "nofile=100:200", "--rlimit", "core=0:0", "/probe", "rlimits");
  assert_ok(&r);
  ASSERT_LINE(&r, "rlimit nofile: 100 200");
  ASSERT_LINE(&r, "rlimit core: 0 0");
  pathf(fsize, sizeof fsize, "rlimit fsize: %s %s", limit_text(soft, sizeof soft, own.rlim_cur),
        limit_text(hard, sizeof hard, own.rlim_max));
  ASSERT_LINE(&r, fsize);
  result_free(&r);
}
END_TEST

/* Without :HARD the hard limit stays as it is. */
START_TEST(rlimit_soft_only)
{
  char want[64];
  struct result r;

  if (not_foil("rlimit_soft_only"))
    return;
  RUN(&r, "--rlimit", "nofile=64", "/probe", "rlimits");
  assert_ok(&r);
  pathf(want, sizeof want, "rlimit nofile: 64 %llu", nofile_hard());
  ASSERT_LINE(&r, want);
  result_free(&r);
}
END_TEST

/* Given twice for a resource, the last one counts. */
START_TEST(rlimit_last_one_counts)
{
  struct result r;

  if (not_foil("rlimit_last_one_counts"))
    return;
  RUN(&r, "--rlimit", "nofile=10:20", "--rlimit", "nofile=30:40", "/probe", "rlimits");
  assert_ok(&r);
  ASSERT_LINE(&r, "rlimit nofile: 30 40");
  result_free(&r);
}
END_TEST

/* K, M, G and T are powers of 1024. */
START_TEST(rlimit_suffixes)
{
  static const char *const cases[][2] = {
    { "fsize=12345", "rlimit fsize: 12345 " },
    { "fsize=1K:1M", "rlimit fsize: 1024 1048576" },
    { "fsize=3M:1G", "rlimit fsize: 3145728 1073741824" },
    { "fsize=1G:2T", "rlimit fsize: 1073741824 2199023255552" },
    { "fsize=2T:2T", "rlimit fsize: 2199023255552 2199023255552" },
  };
  char hard[32];

  if (not_foil("rlimit_suffixes") || !fsize_allows("rlimit_suffixes", 2ULL << 40))
    return;
  limit_text(hard, sizeof hard, limits_of(RLIMIT_FSIZE).rlim_max);
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
      char want[128];
      struct result r;

      /* Without :HARD, the hard limit is this process's. */
      pathf(want, sizeof want, "%s%s", cases[i][1], i == 0 ? hard : "");
      RUN(&r, "--rlimit", cases[i][0], "/probe", "rlimits");
      assert_ok(&r);
      ASSERT_LINE(&r, want);
      result_free(&r);
    }
}
END_TEST

/* "unlimited" and "infinity", for either limit; this process lowers its own
   soft limit for the runs, so that the command's can only come from foil. */
START_TEST(rlimit_unlimited)
{
  struct rlimit own = limits_of(RLIMIT_FSIZE), lowered = { 1 << 20, RLIM_INFINITY };
  struct result r[3];

  if (not_foil("rlimit_unlimited") || !fsize_allows("rlimit_unlimited", RLIM_INFINITY))
    return;
  ck_assert(setrlimit(RLIMIT_FSIZE, &lowered) == 0);
  RUN(&r[0], "--rlimit", "fsize=unlimited", "/probe", "rlimits");
  RUN(&r[1], "--rlimit", "fsize=infinity:unlimited", "/probe", "rlimits");
  RUN(&r[2], "--rlimit", "fsize=5M:infinity", "/probe", "rlimits");
  ck_assert(setrlimit(RLIMIT_FSIZE, &own) == 0);
  for (int i = 0; i < 3; i++)
    {
      assert_ok(&r[i]);
      ASSERT_LINE(&r[i], i < 2 ? "rlimit fsize: unlimited unlimited" : "rlimit fsize: 5242880 unlimited");
      result_free(&r[i]);
    }
}
END_TEST

/* A lowered hard limit holds: the command, without CAP_SYS_RESOURCE (in
   root mode dropped for the test), cannot raise it again, only its soft
   limit up to it. */
START_TEST(rlimit_lower_hard)
{
  struct args a = { 0 };
  struct result r;

  if (not_foil("rlimit_lower_hard"))
    return;
  args_probe(&a);
  if (suite.mode == SUITE_ROOT)
    args_addv(&a, "--cap-drop", "CAP_SYS_RESOURCE", END);
  args_addv(&a, "--rlimit", "nofile=50:60", "/probe", "rlimits", "+", "setrlimit", "nofile", "60", "61", "+",
            "setrlimit", "nofile", "60", "60", END);
  run(&r, NULL, &a);
  args_free(&a);
  assert_ok(&r);
  ASSERT_LINE(&r, "rlimit nofile: 50 60");
  ASSERT_LINE(&r, "setrlimit nofile: EPERM");
  ASSERT_LINE(&r, "setrlimit nofile: ok");
  result_free(&r);
}
END_TEST

/* The kernel enforces it: with three open files allowed and 0, 1 and 2
   open, the command can open no other. */
START_TEST(rlimit_enforced)
{
  struct result r;

  if (not_foil("rlimit_enforced"))
    return;
  RUN(&r, "--close-fds", "--rlimit", "nofile=3", "/probe", "read", "/probe");
  assert_ok(&r);
  ASSERT_LINE(&r, "read /probe: EMFILE");
  result_free(&r);
}
END_TEST

/* ---------------- only the command ---------------- */

/* The sandbox's pid 1 (the reaper; in setuid mode's default layout the
   holder, whose child the command is not) keeps foil's own limits, which
   are this process's. With and without --unshare-user: the two layouts of
   setuid mode. */
static void pid1_case(const char *test, bool unshare_user)
{
  struct rlimit own = limits_of(RLIMIT_NOFILE);
  char want[128], soft[32], hard[32];
  struct args a = { 0 };
  struct result r;

  if (not_foil(test))
    return;
  args_probe(&a);
  if (unshare_user)
    args_add(&a, "--unshare-user");
  args_addv(&a, "--unshare-pid", "--proc", "/proc", "--rlimit", "nofile=100:200", "/probe", "limits", "self",
            "+", "limits", "1", END);
  run(&r, NULL, &a);
  args_free(&a);
  assert_ok(&r);
  ASSERT_LINE(&r, "limits self nofile: 100 200");
  pathf(want, sizeof want, "limits 1 nofile: %s %s", limit_text(soft, sizeof soft, own.rlim_cur),
        limit_text(hard, sizeof hard, own.rlim_max));
  ASSERT_LINE(&r, want);
  result_free(&r);
}

START_TEST(rlimit_not_on_pid1) { pid1_case("rlimit_not_on_pid1", false); }
END_TEST

START_TEST(rlimit_not_on_pid1_unshare_user) { pid1_case("rlimit_not_on_pid1_unshare_user", true); }
END_TEST

/* The limits of open files in /proc/PID/limits, as "SOFT HARD". */
static void nofile_of(pid_t pid, char *out, size_t size)
{
  char path[64], *text, *line;
  char soft[32], hard[32];

  pathf(path, sizeof path, "/proc/%d/limits", (int)pid);
  text = read_file(path);
  ck_assert_msg(text != NULL, "cannot read %s", path);
  line = strstr(text, "\nMax open files ");
  ck_assert_msg(line != NULL && sscanf(line + strlen("\nMax open files "), " %31s %31s", soft, hard) == 2,
                "no open files in %s:\n%s", path, text);
  pathf(out, size, "%s %s", soft, hard);
  free(text);
}

/* The process the caller started (foil's monitor, which in setuid mode's
   default layout forks the command itself) keeps its limits while the
   command runs with its own. */
static void monitor_case(bool unshare_user)
{
  struct rlimit own = limits_of(RLIMIT_NOFILE);
  char want[64], got[64], soft[32], hard[32], line[128];
  struct args a = { 0 };
  struct live l;
  bool seen = false;
  char *err;

  if (unshare_user)
    args_add(&a, "--unshare-user");
  args_addv(&a, "--rlimit", "nofile=100:200", "/probe", "rlimits", "+", "wait-stdin", END);
  live_start(&l, &a, NULL, 0);
  args_free(&a);
  do
    {
      expect_line(l.out, line, sizeof line, "the probe");
      seen = seen || !strcmp(line, "rlimit nofile: 100 200");
    }
  while (strcmp(line, "ready") != 0);
  ck_assert_msg(seen, "the command's limits were not set");
  nofile_of(l.pid, got, sizeof got);
  pathf(want, sizeof want, "%s %s", limit_text(soft, sizeof soft, own.rlim_cur),
        limit_text(hard, sizeof hard, own.rlim_max));
  ck_assert_msg(!strcmp(got, want), "foil's own process has open files %s, expected %s", got, want);
  ck_assert_int_eq(live_finish(&l, &err), 0);
  ck_assert_msg(!err[0], "stderr:\n%s", err);
  free(err);
}

START_TEST(rlimit_not_on_monitor)
{
  if (not_foil("rlimit_not_on_monitor"))
    return;
  monitor_case(false);
  monitor_case(true);
}
END_TEST

/* With --as-pid-1 the command is pid 1, and has them. */
START_TEST(rlimit_as_pid_1)
{
  struct result r;

  if (not_foil("rlimit_as_pid_1"))
    return;
  RUN(&r, "--unshare-pid", "--as-pid-1", "--proc", "/proc", "--rlimit", "nofile=100:200", "/probe", "limits",
      "1");
  assert_ok(&r);
  ASSERT_LINE(&r, "limits 1 nofile: 100 200");
  result_free(&r);
}
END_TEST

/* Architectures without setrlimit have prlimit64 only. */
#ifdef SYS_setrlimit
#define SETRLIMIT_NR SYS_setrlimit
#else
#define SETRLIMIT_NR SYS_prlimit64
#endif

/* A seccomp program that forbids setting limits (EPERM for setrlimit and
   prlimit64) does not keep foil from setting them: they are set before it
   is loaded. The command's own attempt shows that the program is there. */
START_TEST(rlimit_before_seccomp)
{
  struct sock_filter filter[] = {
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_prlimit64, 2, 0),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SETRLIMIT_NR, 1, 0),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
  };
  int fd;
  struct args a = { 0 };
  struct result r;

  if (not_foil("rlimit_before_seccomp"))
    return;
  fd = data_fd(filter, sizeof filter);
  args_addv(&a, "--unshare-pid", "--proc", "/proc", END);
  add_fd_arg(&a, "--seccomp", fd);
  args_addv(&a, "--rlimit", "nofile=100:200", "/probe", "limits", "self", "+", "setrlimit", "nofile", "100",
            "100", END);
  run_with_fds(&r, &a, &fd, 1);
  args_free(&a);
  close(fd);
  assert_ok(&r);
  ASSERT_LINE(&r, "limits self nofile: 100 200");
  ASSERT_LINE(&r, "setrlimit nofile: EPERM");
  result_free(&r);
}
END_TEST

/* ---------------- errors: one line, exit 1, nothing made ---------------- */

/* A hard limit above the one foil has cannot be set (CAP_SYS_RESOURCE would
   be needed): refused while the options are checked, before any process or
   mount of the sandbox exists. */
START_TEST(rlimit_raise_hard_refused)
{
  unsigned long long hard = nofile_hard();
  char arg[64], want[256];
  struct snapshot s;

  if (not_foil("rlimit_raise_hard_refused"))
    return;
  snap_take(&s);
  pathf(arg, sizeof arg, "nofile=100:%llu", hard + 1);
  pathf(want, sizeof want,
        "--rlimit %s: can't raise the hard limit above %llu (foil holds no CAP_SYS_RESOURCE)", arg, hard);
  RUN_EXPECT_ERROR_TEXT(want, "--unshare-pid", "--rlimit", arg, "/probe", "rlimits");
  pathf(want, sizeof want,
        "--rlimit nofile=1:unlimited: can't raise the hard limit above %llu (foil holds no CAP_SYS_RESOURCE)",
        hard);
  RUN_EXPECT_ERROR_TEXT(want, "--rlimit", "nofile=1:unlimited", "/probe", "rlimits");
  snap_assert_unchanged(&s);
  assert_no_children();
}
END_TEST

START_TEST(rlimit_soft_above_hard)
{
  unsigned long long hard = nofile_hard();
  char arg[64], want[256];

  if (not_foil("rlimit_soft_above_hard"))
    return;
  RUN_EXPECT_ERROR_TEXT("--rlimit nofile=10:5: the soft limit is above the hard limit", "--rlimit",
                        "nofile=10:5", "/probe", "rlimits");
  /* Without :HARD, the soft limit is held against foil's hard limit. */
  pathf(arg, sizeof arg, "nofile=%llu", hard + 1);
  pathf(want, sizeof want, "--rlimit %s: the soft limit is above the hard limit %llu", arg, hard);
  RUN_EXPECT_ERROR_TEXT(want, "--rlimit", arg, "/probe", "rlimits");
}
END_TEST

START_TEST(rlimit_unknown_resource)
{
  if (not_foil("rlimit_unknown_resource"))
    return;
  RUN_EXPECT_ERROR_TEXT("--rlimit foo=1: unknown resource foo", "--rlimit", "foo=1", "/probe", "rlimits");
  RUN_EXPECT_ERROR_TEXT("--rlimit NOFILE=1: unknown resource NOFILE", "--rlimit", "NOFILE=1", "/probe",
                        "rlimits");
  RUN_EXPECT_ERROR_TEXT("--rlimit nofiles=1: unknown resource nofiles", "--rlimit", "nofiles=1", "/probe",
                        "rlimits");
}
END_TEST

START_TEST(rlimit_invalid_values)
{
  static const char *const values[] = {
    "nofile",           "nofile=",
    "nofile=:5",        "nofile=5:",
    "nofile=-1",        "nofile=1.5",
    "nofile=1Q",        "nofile=1KB",
    "nofile=1:2:3",     "nofile=0x10",
    "nofile=K",         "nofile= 1",
    "fsize=unlimitedK", "fsize=18446744073709551615",
    "fsize=16777216T",
  };

  if (not_foil("rlimit_invalid_values"))
    return;
  for (size_t i = 0; i < sizeof values / sizeof values[0]; i++)
    {
      char want[128];

      pathf(want, sizeof want, "--rlimit %s: invalid value", values[i]);
      RUN_EXPECT_ERROR_TEXT(want, "--rlimit", values[i], "/probe", "rlimits");
    }
}
END_TEST

/* ---------------- registration ---------------- */

void register_rlimit_tests(TCase *tc)
{
  const struct test_entry tests[] = {
    T(rlimit_soft_and_hard, ALL),
    T(rlimit_soft_only, ALL),
    T(rlimit_last_one_counts, ALL),
    T(rlimit_suffixes, ALL),
    T(rlimit_unlimited, ALL),
    T(rlimit_lower_hard, ALL),
    T(rlimit_enforced, ALL),
    T(rlimit_not_on_pid1, ALL),
    T(rlimit_not_on_pid1_unshare_user, ALL),
    T(rlimit_not_on_monitor, ALL),
    T(rlimit_as_pid_1, ALL),
    T(rlimit_before_seccomp, ALL),
    T(rlimit_raise_hard_refused, ALL),
    T(rlimit_soft_above_hard, ALL),
    T(rlimit_unknown_resource, ALL),
    T(rlimit_invalid_values, ALL),
    { NULL, 0 },
  };
  add_tests(tc, tests);
}
