/* The life of a sandbox: exit status (the command's, and foil's own on a
 * setup failure), sessions and pid 1, --die-with-parent, and the signals
 * the command gets. */
#include "harness.h"
#include "suites.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---------------- exit status ---------------- */

START_TEST(exit_status)
{
  static const char *const pidns[] = { NULL, "--unshare-pid" };
  for (int p = 0; p < 2; p++)
    {
      struct result r;
      const char *flag = pidns[p] ? pidns[p] : "--unsetenv";
      const char *arg = pidns[p] ? "--unshare-net" : "NOTHING";
      RUN(&r, flag, arg, "/probe", "exit", "7");
      ASSERT_CODE(&r, 7);
      result_free(&r);
      RUN(&r, flag, arg, "/probe", "exit", "0");
      ASSERT_CODE(&r, 0);
      result_free(&r);
      RUN(&r, flag, arg, "/probe", "kill", "9");
      ASSERT_CODE(&r, 137);
      result_free(&r);
      RUN(&r, flag, arg, "/probe", "kill", "15");
      ASSERT_CODE(&r, 143);
      result_free(&r);
    }
}
END_TEST

START_TEST(exec_failure)
{
  struct result r;
  struct snapshot s;
  snap_take(&s);
  RUN(&r, "--unshare-pid", "/no-such-command");
  assert_one_error(&r, "/no-such-command");
  snap_assert_unchanged(&s);
  assert_no_children();
  result_free(&r);
}
END_TEST

START_TEST(setup_error_status)
{
  if (not_foil("setup_error_status"))
    return;
  struct snapshot s;
  snap_take(&s);
  struct result r;
  RUN(&r, "--setup-error-status", "42", "--chdir", "/no/such/dir", "/probe", "exit", "0");
  ck_assert_msg(r.code == 42 && count_lines(r.err) == 1 && strstr(r.err, "/no/such/dir"),
                "setup failure: exit %d (expected 42), stderr:\n%s", r.code, r.err);
  result_free(&r);
  RUN(&r, "--setup-error-status", "42", "--frobnicate", "/probe", "exit", "0");
  ck_assert_msg(r.code == 42 && count_lines(r.err) == 1 && strstr(r.err, "--frobnicate"),
                "parse failure: exit %d (expected 42), stderr:\n%s", r.code, r.err);
  result_free(&r);
  RUN(&r, "--setup-error-status", "42", "/no-such-command");
  ck_assert_msg(r.code == 42 && count_lines(r.err) == 1, "exec failure: exit %d (expected 42), stderr:\n%s",
                r.code, r.err);
  result_free(&r);
  /* The payload's own status passes through unchanged. */
  RUN(&r, "--setup-error-status", "42", "/probe", "exit", "1");
  ASSERT_CODE(&r, 1);
  result_free(&r);
  RUN(&r, "--setup-error-status", "42", "/probe", "exit", "0");
  ASSERT_CODE(&r, 0);
  result_free(&r);
  static const char *const bad[] = { "abc", "256", "-1", "" };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    {
      RUN_EXPECT_ERROR("--setup-error-status", "--setup-error-status", bad[i], "/probe", "exit", "0");
    }
  snap_assert_unchanged(&s);
  assert_no_children();
}
END_TEST

/* ---------------- sessions and pid 1 ---------------- */

START_TEST(new_session)
{
  struct result r;
  RUN(&r, "--new-session", "/probe", "status");
  assert_ok(&r);
  const char *sid = value_of(r.out, "sid");
  ck_assert_msg(sid && atoi(sid) != getsid(0), "--new-session kept the caller's session %d", (int)getsid(0));
  result_free(&r);
  RUN(&r, "/probe", "status");
  assert_ok(&r);
  sid = value_of(r.out, "sid");
  ck_assert_msg(sid && atoi(sid) == getsid(0), "without --new-session the session changed");
  result_free(&r);
}
END_TEST

START_TEST(as_pid_1)
{
  struct result r;
  RUN(&r, "--unshare-pid", "--as-pid-1", "/probe", "status", "+", "exit", "5");
  ASSERT_CODE(&r, 5);
  ASSERT_LINE(&r, "pid: 1");
  result_free(&r);
  RUN(&r, "--unshare-pid", "/probe", "status");
  assert_ok(&r);
  ASSERT_NO_LINE(&r, "pid: 1");
  result_free(&r);
  RUN_EXPECT_ERROR("--as-pid-1", "--as-pid-1", "/probe", "status");
}
END_TEST

/* ---------------- --die-with-parent ---------------- */

/* Starts foil via an intermediate process, kills that process and
 * reports whether the payload died with it. */
static bool payload_dies_with_parent(bool die_flag)
{
  int out[2];
  ck_assert(pipe(out) == 0);
  pid_t mid = fork();
  if (mid == 0)
    {
      struct args a = { 0 };
      close(out[0]);
      args_probe(&a);
      if (die_flag)
        args_add(&a, "--die-with-parent");
      args_addv(&a, "--unshare-pid", "/probe", "sleep", END);
      dup2(out[1], 1);
      char **argv = calloc(a.n + 2, sizeof *argv);
      argv[0] = (char *)suite.foil;
      memcpy(argv + 1, a.v, a.n * sizeof *argv);
      execv(suite.foil, argv);
      _exit(127);
    }
  close(out[1]);
  char line[256];
  ck_assert_msg(read_line(out[0], line, sizeof line) && !strcmp(line, "ready"), "payload did not start");
  kill(mid, SIGKILL);
  waitpid(mid, NULL, 0);
  /* The payload holds the pipe: EOF means it (and foil) are gone. Without
     * --die-with-parent, one second of life is taken as survival. */
  struct pollfd p = { out[0], POLLIN, 0 };
  int n = poll(&p, 1, die_flag ? 20000 : 1000);
  bool died = n == 1 && read(out[0], line, sizeof line) == 0;
  close(out[0]);
  kill_children();
  return died;
}

START_TEST(die_with_parent)
{
  ck_assert_msg(payload_dies_with_parent(true), "payload survived its parent with --die-with-parent");
  ck_assert_msg(!payload_dies_with_parent(false), "payload died with its parent without --die-with-parent");
}
END_TEST

/* Where a tracee in a syscall stop is: entering (with the syscall's number
 * in *nr) or leaving a syscall. */
static bool syscall_entry(pid_t pid, unsigned long long *nr)
{
  struct __ptrace_syscall_info info;
  ck_assert(ptrace(PTRACE_GET_SYSCALL_INFO, pid, sizeof info, &info) > 0);
  *nr = info.entry.nr;
  return info.op == PTRACE_SYSCALL_INFO_ENTRY;
}

/* Starts foil ARGS under ptrace and stops its setup process (the monitor's
 * child) as its first write() returns; returns its pid, and the monitor's
 * in *monitor. Both are still traced. */
static pid_t stop_setup_after_first_write(struct args *a, pid_t *monitor)
{
  struct args full = { 0 };
  args_add(&full, suite.foil);
  for (size_t i = 0; i < a->n; i++)
    args_add(&full, a->v[i]);
  ck_assert(prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0);
  *monitor = fork();
  ck_assert(*monitor >= 0);
  if (*monitor == 0)
    {
      int devnull = open("/dev/null", O_RDWR);
      if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(devnull, 1) < 0 || ptrace(PTRACE_TRACEME, 0, 0, 0) < 0)
        _exit(126);
      signal(SIGPIPE, SIG_DFL);
      execv(suite.foil, full.v);
      _exit(127);
    }
  args_free(&full);
  int st;
  ck_assert(waitpid(*monitor, &st, 0) == *monitor && WIFSTOPPED(st)); /* at the exec */
  ck_assert(ptrace(PTRACE_SETOPTIONS, *monitor, 0,
                   PTRACE_O_TRACEFORK | PTRACE_O_TRACECLONE | PTRACE_O_TRACEVFORK | PTRACE_O_TRACESYSGOOD |
                       PTRACE_O_EXITKILL) == 0);
  ck_assert(ptrace(PTRACE_CONT, *monitor, 0, 0) == 0);
  bool in_write = false;
  for (;;)
    {
      pid_t w = waitpid(-1, &st, __WALL);
      ck_assert_msg(w > 0, "waitpid: %s", strerror(errno));
      ck_assert_msg(WIFSTOPPED(st), "%s %d ended before the setup process wrote",
                    w == *monitor ? "the monitor" : "process", (int)w);
      int sig = WSTOPSIG(st);
      unsigned long long nr;
      if (w == *monitor)
        {
          /* Event stops (SIGTRAP) deliver nothing; real signals pass. */
          ck_assert(ptrace(PTRACE_CONT, w, 0, sig == SIGTRAP ? 0 : sig) == 0);
          continue;
        }
      if (sig == (SIGTRAP | 0x80))
        {
          bool entry = syscall_entry(w, &nr);
          if (!entry && in_write)
            return w;
          in_write = entry && nr == SYS_write;
          sig = 0;
        }
      else if (sig == SIGSTOP)
        {
          sig = 0; /* the stop of a newly traced child */
        }
      ck_assert(ptrace(PTRACE_SYSCALL, w, 0, sig) == 0);
    }
}

/* --die-with-parent: a setup process whose monitor dies before it has set
 * its death signal must stop there. foil took the parent to expect from
 * getppid() right at the check, after its first report to the monitor, so
 * a monitor that died just after that report went unnoticed: the setup
 * process, adopted by then, passed the check and set the sandbox up for
 * nothing. Made deterministic with ptrace: the monitor is killed as that
 * first write returns. */
START_TEST(die_with_parent_monitor_gone_before_check)
{
  if (not_foil("die_with_parent_monitor_gone_before_check"))
    return;
  char made[4096];
  pathf(made, sizeof made, "%s/made", W);
  struct args a = { 0 };
  args_probe(&a);
  args_addv(&a, "--die-with-parent", "--bind", W, "/w", "--dir", "/w/made", "/probe", "exit", "0", END);
  pid_t monitor, setup = stop_setup_after_first_write(&a, &monitor);
  args_free(&a);
  int st;
  ck_assert(kill(monitor, SIGKILL) == 0);
  while (waitpid(monitor, &st, __WALL) == monitor && !WIFSIGNALED(st) && !WIFEXITED(st))
    ;
  /* Adopted by us (the subreaper), it goes on. */
  ck_assert(ptrace(PTRACE_DETACH, setup, 0, 0) == 0);
  ck_assert(waitpid(setup, &st, 0) == setup);
  ck_assert_msg(access(made, F_OK) != 0, "the setup process went on without its monitor");
  ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 1, "setup process: wait status 0x%x, expected exit 1",
                st);
  assert_no_children();
}
END_TEST

/* ---------------- signals ---------------- */

/* foil ignores SIGPIPE while it sets up (a gone status reader is an error
 * with a message); the command still gets the caller's disposition. */
START_TEST(sigpipe_disposition_passed_on)
{
  struct result r;
  RUN(&r, "/probe", "status");
  assert_ok(&r);
  ASSERT_LINE(&r, "sigpipe: default");
  result_free(&r);
  RUN(&r, "--unshare-pid", "/probe", "status");
  assert_ok(&r);
  ASSERT_LINE(&r, "sigpipe: default");
  result_free(&r);
}
END_TEST

/* A pidfd of foil (readable once it has exited), so that the tests below
 * wait for the payload's answer or foil's end, whichever comes first. */
static int pidfd_of(pid_t pid)
{
  int fd = (int)syscall(SYS_pidfd_open, pid, 0);
  ck_assert_msg(fd >= 0, "pidfd_open: %s", strerror(errno));
  return fd;
}

/* How foil ended, for messages ("exited with 143", "was killed by SIGTERM"). */
static const char *describe_status(int st)
{
  static char buf[64];
  if (WIFSIGNALED(st))
    pathf(buf, sizeof buf, "was killed by SIG%s", sigabbrev_np(WTERMSIG(st)));
  else
    pathf(buf, sizeof buf, "exited with %d", WEXITSTATUS(st));
  return buf;
}

/* Fails the test: foil ended while the payload should have reported SENT.
 * Foil killed by a signal it was sent after the payload had started means
 * that it was not yet forwarding then: a race in foil, not in the test. */
static void foil_ended(pid_t pid, const char *sent, const char *flags)
{
  int st;
  ck_assert(waitpid(pid, &st, 0) == pid);
  ck_abort_msg("[%s] sent %s to foil once the payload was running; foil %s instead of forwarding it", flags,
               sent, describe_status(st));
}

/* After SIG was sent to foil (run with FLAGS): the payload must report it. */
static void expect_forwarded(const struct live *l, int pidfd, int sig, const char *flags)
{
  char want[64], line[128];
  struct pollfd p[2] = { { l->out, POLLIN, 0 }, { pidfd, POLLIN, 0 } };
  int n;
  pathf(want, sizeof want, "signal: %s", sigabbrev_np(sig));
  while ((n = poll(p, 2, LONG_MS)) < 0 && errno == EINTR)
    ;
  ck_assert_msg(n > 0, "[%s] sent %s to foil; after %d ms foil still runs and the payload has not got it",
                flags, want + 8, LONG_MS);
  if (!p[0].revents)
    foil_ended(l->pid, want + 8, flags);
  ck_assert_msg(read_line(l->out, line, sizeof line), "[%s] EOF instead of \"%s\"", flags, want);
  ck_assert_msg(!strcmp(line, want), "[%s] sent %s to foil, the payload got \"%s\"", flags, want + 8, line);
}

static void forward_case(const char *const *flags)
{
  static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 };
  struct args a = { 0 };
  char label[128] = "--forward-signals";
  args_add(&a, "--forward-signals");
  for (; *flags; flags++)
    {
      args_add(&a, *flags);
      pathf(label + strlen(label), sizeof label - strlen(label), " %s", *flags);
    }
  args_addv(&a, "/probe", "signals", END);
  struct live l;
  live_start(&l, &a, NULL, 0);
  args_free(&a);
  int pidfd = pidfd_of(l.pid);
  char line[128];
  expect_line(l.out, line, sizeof line, "the probe");
  ck_assert_msg(!strcmp(line, "ready"), "probe: %s", line);
  for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
    {
      ck_assert(kill(l.pid, sigs[i]) == 0);
      expect_forwarded(&l, pidfd, sigs[i], label);
    }
  close(pidfd);
  char *err;
  int code = live_finish(&l, &err);
  ck_assert_msg(code == 0 && !err[0], "[%s] exit %d, stderr:\n%s", label, code, err);
  free(err);
}

/* A payload that does not catch SIGTERM dies of it, and foil exits with
 * 128 + 15 as bwrap does (foil itself killed by it would look the same to
 * wait_code(), and leave the payload running). */
static void forward_fatal_signal(void)
{
  struct args a = { 0 };
  args_addv(&a, "--forward-signals", "--unshare-pid", "/probe", "sleep", END);
  struct live l;
  live_start(&l, &a, NULL, 0);
  args_free(&a);
  int pidfd = pidfd_of(l.pid), st;
  char line[64];
  expect_line(l.out, line, sizeof line, "the probe");
  ck_assert(kill(l.pid, SIGTERM) == 0);
  ck_assert_msg(readable_within(pidfd, LONG_MS), "foil still runs %d ms after SIGTERM", LONG_MS);
  ck_assert(waitpid(l.pid, &st, 0) == l.pid);
  ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 128 + SIGTERM, "foil %s after SIGTERM, expected exit %d",
                describe_status(st), 128 + SIGTERM);
  close(pidfd);
  close(l.in);
  close(l.out);
  close(l.err);
}

START_TEST(forward_signals)
{
  if (not_foil("forward_signals"))
    return;
  static const char *const plain[] = { NULL };
  static const char *const session[] = { "--new-session", NULL };
  static const char *const pid[] = { "--unshare-pid", "--new-session", NULL };
  static const char *const pid_only[] = { "--unshare-pid", NULL };
  /* Landlock's signal scope restricts signals from the sandbox out, not
     foil's from outside in (where the kernel lacks it, the -try form runs
     the command unscoped). */
  static const char *const scoped[] = { "--scope-signals-try", NULL };
  static const char *const scoped_pid[] = { "--scope-signals-try", "--unshare-pid", NULL };
  forward_case(plain);
  forward_case(session);
  forward_case(pid);
  forward_case(pid_only);
  forward_case(scoped);
  forward_case(scoped_pid);
  forward_fatal_signal();
  assert_no_children();
}
END_TEST

/* ---------------- registration ---------------- */

void register_lifecycle_tests(TCase *tc)
{
  const struct test_entry tests[] = {
    T(exit_status, ALL),
    T(exec_failure, ALL),
    T(setup_error_status, ALL),
    T(new_session, ALL),
    T(as_pid_1, ALL),
    T(die_with_parent, ALL),
    T(die_with_parent_monitor_gone_before_check, R),
    T(sigpipe_disposition_passed_on, ALL),
    T(forward_signals, ALL),
    { NULL, 0 },
  };
  add_tests(tc, tests);
}
