/* Defence in depth for untrusted code, foil's own options: Landlock scoping
 * of abstract unix sockets and signals, the TCP port allow-lists, and the
 * time namespace.
 *
 * The Landlock options depend on the kernel: where it offers the ABI an
 * option needs, the test checks the confinement; where it does not, that the
 * plain form fails with its one line and the -try form runs the command
 * unconfined. Every test also runs without the option, to show that what it
 * checks does happen there. */
#include "harness.h"
#include "suites.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ABI_TCP 4
#define ABI_SCOPES 6

/* The kernel's Landlock ABI, asked as foil asks it (0: none). */
static int landlock_abi(void)
{
  long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, 1U /* LANDLOCK_CREATE_RULESET_VERSION */);
  return abi < 0 ? 0 : (int)abi;
}

/* foil [OPTION [OPERAND]] WORDS... with the probe bound at /probe; no
   option when OPTION is NULL. */
static void run_opt(struct result *r, const char *option, const char *operand, ...)
{
  struct args a = { 0 };
  va_list ap;
  const char *w;

  args_probe(&a);
  if (option != NULL)
    args_add(&a, option);
  if (option != NULL && operand != NULL)
    args_add(&a, operand);
  va_start(ap, operand);
  while ((w = va_arg(ap, const char *)) != NULL)
    args_add(&a, w);
  va_end(ap);
  run(r, NULL, &a);
  args_free(&a);
}

enum outcome { CONFINED, UNCONFINED, REFUSED };

static bool is_try_form(const char *option)
{
  size_t n = strlen(option);
  return n > 4 && !strcmp(option + n - 4, "-try");
}

/* What a run with OPTION must have done on this kernel: confined the
   command, run it unconfined (no option, or a -try form the kernel cannot
   honour), or refused with the one line that says why (checked here). */
static enum outcome expected(const struct result *r, const char *option, int need, const char *version)
{
  int abi = landlock_abi();
  char want[256], offered[32];

  if (option == NULL)
    return UNCONFINED;
  if (abi >= need)
    return CONFINED;
  if (is_try_form(option))
    return UNCONFINED;
  if (abi > 0)
    pathf(offered, sizeof offered, "ABI %d", abi);
  else
    pathf(offered, sizeof offered, "none");
  pathf(want, sizeof want, "%s needs Landlock ABI %d (Linux %s); this kernel offers %s", option, need,
        version, offered);
  assert_one_error(r, want);
  return REFUSED;
}

static void assert_linef(const struct result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void assert_linef(const struct result *r, const char *fmt, ...)
{
  char line[256];
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  ASSERT_LINE(r, line);
}

/* ---------------- --scope-abstract-unix ---------------- */

static socklen_t abstract_addr(struct sockaddr_un *sa, const char *name)
{
  memset(sa, 0, sizeof *sa);
  sa->sun_family = AF_UNIX;
  pathf(sa->sun_path + 1, sizeof sa->sun_path - 1, "%s", name);
  return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(name));
}

/* A host socket of TYPE bound to the abstract NAME (listening if a stream). */
static int abstract_socket(const char *name, int type)
{
  struct sockaddr_un sa;
  socklen_t len = abstract_addr(&sa, name);
  int s = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);

  ck_assert_msg(s >= 0, "socket: %s", strerror(errno));
  ck_assert_msg(bind(s, (struct sockaddr *)&sa, len) == 0, "bind @%s: %s", name, strerror(errno));
  ck_assert_msg(type != SOCK_STREAM || listen(s, 4) == 0, "listen: %s", strerror(errno));
  return s;
}

/* The host's abstract sockets, reached from a sandbox in the host's network
   namespace, and one the command makes itself. */
static void abstract_case(const char *option)
{
  char stream[64], dgram[64], own[64];
  struct result r;

  pathf(stream, sizeof stream, "foil-test-%d-stream", (int)getpid());
  pathf(dgram, sizeof dgram, "foil-test-%d-dgram", (int)getpid());
  pathf(own, sizeof own, "foil-test-%d-own", (int)getpid());
  int ls = abstract_socket(stream, SOCK_STREAM), ld = abstract_socket(dgram, SOCK_DGRAM);
  run_opt(&r, option, NULL, "--unshare-all", "--share-net", "/probe", "abstract-connect", stream, "+",
          "abstract-send", dgram, "+", "abstract-self", own, END);
  switch (expected(&r, option, ABI_SCOPES, "6.12"))
    {
    case CONFINED:
      assert_ok(&r);
      assert_linef(&r, "abstract-connect %s: EPERM", stream);
      assert_linef(&r, "abstract-send %s: EPERM", dgram);
      assert_linef(&r, "abstract-self %s: ok", own);
      break;
    case UNCONFINED:
      assert_ok(&r);
      assert_linef(&r, "abstract-connect %s: ok", stream);
      assert_linef(&r, "abstract-send %s: ok", dgram);
      assert_linef(&r, "abstract-self %s: ok", own);
      break;
    case REFUSED:
      break;
    }
  result_free(&r);
  close(ls);
  close(ld);
}

START_TEST(abstract_unix_reachable) { abstract_case(NULL); }
END_TEST
START_TEST(scope_abstract_unix)
{
  if (!not_foil("scope_abstract_unix"))
    abstract_case("--scope-abstract-unix");
}
END_TEST
START_TEST(scope_abstract_unix_try)
{
  if (!not_foil("scope_abstract_unix_try"))
    abstract_case("--scope-abstract-unix-try");
}
END_TEST

/* ---------------- --scope-signals ---------------- */

/* A host process of the caller's: it waits for EOF on a pipe. It must die
   of SIGTERM, not run Check's handler (which takes the whole test down):
   SIGTERM stays blocked until the child has reset it. */
static pid_t start_victim(int *release)
{
  int p[2];
  char c;
  sigset_t term, old;

  ck_assert(pipe2(p, O_CLOEXEC) == 0);
  sigemptyset(&term);
  sigaddset(&term, SIGTERM);
  ck_assert(sigprocmask(SIG_BLOCK, &term, &old) == 0);
  pid_t pid = fork();
  ck_assert(pid >= 0);
  if (pid == 0)
    {
      signal(SIGTERM, SIG_DFL);
      sigprocmask(SIG_SETMASK, &old, NULL);
      close(p[1]);
      _exit(read(p[0], &c, 1) == 0 ? 0 : 1);
    }
  ck_assert(sigprocmask(SIG_SETMASK, &old, NULL) == 0);
  close(p[0]);
  *release = p[1];
  return pid;
}

/* Without --unshare-pid the command sees the victim's pid. Within the
   sandbox it may still signal its own child. */
static void signals_case(const char *option)
{
  int release, st;
  pid_t victim = start_victim(&release);
  char pid[16];
  struct result r;

  pathf(pid, sizeof pid, "%d", (int)victim);
  run_opt(&r, option, NULL, "/probe", "signal", pid, "15", "+", "signal-child", END);
  switch (expected(&r, option, ABI_SCOPES, "6.12"))
    {
    case CONFINED:
      assert_ok(&r);
      assert_linef(&r, "signal %s: EPERM", pid);
      ASSERT_LINE(&r, "signal-child: ok");
      ck_assert_msg(waitpid(victim, &st, WNOHANG) == 0, "the host process died");
      break;
    case UNCONFINED:
      assert_ok(&r);
      assert_linef(&r, "signal %s: ok", pid);
      ASSERT_LINE(&r, "signal-child: ok");
      ck_assert(waitpid(victim, &st, 0) == victim);
      ck_assert_msg(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM, "the host process was not killed");
      victim = 0;
      break;
    case REFUSED:
      break;
    }
  close(release);
  if (victim > 0)
    ck_assert(waitpid(victim, &st, 0) == victim && WIFEXITED(st) && WEXITSTATUS(st) == 0);
  result_free(&r);
}

START_TEST(signals_reach_host) { signals_case(NULL); }
END_TEST
START_TEST(scope_signals)
{
  if (!not_foil("scope_signals"))
    signals_case("--scope-signals");
}
END_TEST
START_TEST(scope_signals_try)
{
  if (!not_foil("scope_signals_try"))
    signals_case("--scope-signals-try");
}
END_TEST

/* ---------------- --allow-connect-tcp, --allow-bind-tcp ---------------- */

/* Two loopback listeners in the sandbox's own network namespace: the port
   allowed (inside a range) connects, the other does not. */
static void connect_case(const char *option)
{
  struct result r;

  run_opt(&r, option, "39999-40001,40005", "--unshare-net", "/probe", "tcp-listen", "40001", "+",
          "tcp-listen", "40002", "+", "tcp-connect", "40001", "+", "tcp-connect", "40002", END);
  switch (expected(&r, option, ABI_TCP, "6.7"))
    {
    case CONFINED:
    case UNCONFINED:
      assert_ok(&r);
      ASSERT_LINE(&r, "tcp-listen 40001: ok");
      ASSERT_LINE(&r, "tcp-listen 40002: ok");
      ASSERT_LINE(&r, "tcp-connect 40001: ok");
      ASSERT_LINE(&r, option != NULL && landlock_abi() >= ABI_TCP ? "tcp-connect 40002: EACCES"
                                                                  : "tcp-connect 40002: ok");
      break;
    case REFUSED:
      break;
    }
  result_free(&r);
}

static void bind_case(const char *option)
{
  struct result r;

  run_opt(&r, option, "40001", "--unshare-net", "/probe", "tcp-bind", "40001", "+", "tcp-bind", "40002", "+",
          "tcp-listen", "40003", "+", "tcp-connect", "40001", END);
  switch (expected(&r, option, ABI_TCP, "6.7"))
    {
    case CONFINED:
      assert_ok(&r);
      ASSERT_LINE(&r, "tcp-bind 40001: ok");
      ASSERT_LINE(&r, "tcp-bind 40002: EACCES");
      ASSERT_LINE(&r, "tcp-listen 40003: EACCES");
      /* Connecting is not restricted by the bind list. */
      ASSERT_LINE(&r, "tcp-connect 40001: ECONNREFUSED");
      break;
    case UNCONFINED:
      assert_ok(&r);
      ASSERT_LINE(&r, "tcp-bind 40001: ok");
      ASSERT_LINE(&r, "tcp-bind 40002: ok");
      ASSERT_LINE(&r, "tcp-listen 40003: ok");
      break;
    case REFUSED:
      break;
    }
  result_free(&r);
}

START_TEST(tcp_unrestricted)
{
  connect_case(NULL);
  bind_case(NULL);
}
END_TEST
START_TEST(allow_connect_tcp)
{
  if (!not_foil("allow_connect_tcp"))
    connect_case("--allow-connect-tcp");
}
END_TEST
START_TEST(allow_connect_tcp_try)
{
  if (!not_foil("allow_connect_tcp_try"))
    connect_case("--allow-connect-tcp-try");
}
END_TEST
START_TEST(allow_bind_tcp)
{
  if (!not_foil("allow_bind_tcp"))
    bind_case("--allow-bind-tcp");
}
END_TEST
START_TEST(allow_bind_tcp_try)
{
  if (!not_foil("allow_bind_tcp_try"))
    bind_case("--allow-bind-tcp-try");
}
END_TEST

/* The Landlock ruleset fd never reaches the command. */
START_TEST(landlock_no_fd_leak)
{
  struct result r;

  if (not_foil("landlock_no_fd_leak"))
    return;
  RUN(&r, "--scope-signals-try", "--scope-abstract-unix-try", "--allow-connect-tcp-try", "1",
      "--allow-bind-tcp-try", "1", "/probe", "status");
  assert_ok(&r);
  ASSERT_LINE(&r, "fds: 0 1 2");
  result_free(&r);
}
END_TEST

/* ---------------- --unshare-time ---------------- */

static long long now_ns(clockid_t id)
{
  struct timespec ts;

  ck_assert(clock_gettime(id, &ts) == 0);
  return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* "clock NAME: SEC.NSEC" of the probe, in nanoseconds. */
static long long probe_clock(const struct result *r, const char *name)
{
  char key[64];
  long long sec, nsec;

  pathf(key, sizeof key, "clock %s", name);
  const char *v = value_of(r->out, key);
  ck_assert_msg(v != NULL && sscanf(v, "%lld.%lld", &sec, &nsec) == 2, "no %s in:\n%s\n%s", key, r->out,
                r->err);
  return sec * 1000000000LL + nsec;
}

/* The command's CLOCK_NAME minus OFFSET seconds must be the host's clock
   at some moment between BEFORE and AFTER. */
static void assert_clock(const struct result *r, const char *name, long long before, long long after,
                         long long offset)
{
  long long in = probe_clock(r, name) - offset * 1000000000LL;

  ck_assert_msg(in >= before && in <= after, "%s is %+.3f s from the host's (offset %lld s expected)", name,
                (double)(in - before) / 1e9 + (double)offset, offset);
}

/* EXTRA (NULL-terminated) changes which process enters the time namespace
   first: none, the payload at exec; --unshare-pid, pid 1 when forked;
   --as-pid-1, the payload as pid 1; --lock-file, the payload forked by a
   reaper outside any new pid namespace. */
static void time_case(const char *const *extra, bool unshare_time)
{
  long long mono0 = now_ns(CLOCK_MONOTONIC), boot0 = now_ns(CLOCK_BOOTTIME), real0 = now_ns(CLOCK_REALTIME);
  struct args a = { 0 };
  struct result r;

  args_probe(&a);
  for (; *extra != NULL; extra++)
    args_add(&a, *extra);
  if (unshare_time)
    args_addv(&a, "--unshare-time", "--monotonic-offset", "86400", "--boottime-offset", "3600", END);
  args_addv(&a, "--proc", "/proc", "/probe", "clocks", END);
  run(&r, NULL, &a);
  args_free(&a);
  long long mono1 = now_ns(CLOCK_MONOTONIC), boot1 = now_ns(CLOCK_BOOTTIME), real1 = now_ns(CLOCK_REALTIME);
  assert_ok(&r);
  assert_clock(&r, "monotonic", mono0, mono1, unshare_time ? 86400 : 0);
  assert_clock(&r, "boottime", boot0, boot1, unshare_time ? 3600 : 0);
  assert_clock(&r, "realtime", real0, real1, 0);
  const char *ns = value_of(r.out, "ns time");
  ck_assert_msg(ns != NULL && (strcmp(ns, ns_inode(0, "time")) != 0) == unshare_time,
                "time namespace %s, the host's is %s", ns ? ns : "?", ns_inode(0, "time"));
  result_free(&r);
}

static const char *const no_extra[] = { NULL };

START_TEST(host_time) { time_case(no_extra, false); }
END_TEST

START_TEST(unshare_time)
{
  static const char *const pid[] = { "--unshare-pid", NULL };
  static const char *const pid_1[] = { "--unshare-pid", "--as-pid-1", NULL };
  static const char *const reaper[] = { "--lock-file", "/probe", NULL };

  if (not_foil("unshare_time"))
    return;
  time_case(no_extra, true);
  time_case(pid, true);
  time_case(pid_1, true);
  time_case(reaper, true);
}
END_TEST

static char *read_pipe_end(int fd, const char *what)
{
  char *s = slurp_within(fd, what);
  close(fd);
  return s;
}

/* --info-fd and --json-status-fd name the time namespace the command is in. */
START_TEST(time_namespace_reported)
{
  int info[2], status[2];
  struct args a = { 0 };
  struct result r;
  struct json_obj o;

  if (not_foil("time_namespace_reported"))
    return;
  ck_assert(pipe(info) == 0 && pipe(status) == 0);
  args_addv(&a, "--unshare-time", "--proc", "/proc", END);
  add_fd_arg(&a, "--info-fd", info[1]);
  add_fd_arg(&a, "--json-status-fd", status[1]);
  args_addv(&a, "/probe", "clocks", END);
  int fds[2] = { info[1], status[1] };
  run_with_fds(&r, &a, fds, 2);
  args_free(&a);
  close(info[1]);
  close(status[1]);
  char *i = read_pipe_end(info[0], "--info-fd"), *s = read_pipe_end(status[0], "--json-status-fd");
  assert_ok(&r);
  /* The first line of --json-status-fd is the one about namespaces. */
  s[strcspn(s, "\n")] = '\0';
  const char *ns = value_of(r.out, "ns time");
  ck_assert_msg(ns != NULL, "no time namespace in:\n%s", r.out);
  ck_assert_msg(json_parse(i, &o) && json_get(&o, "time-namespace") != NULL &&
                  *json_get(&o, "time-namespace") == atoll(ns),
                "--info-fd does not give the command's time namespace %s:\n%s", ns, i);
  ck_assert_msg(json_parse(s, &o) && json_get(&o, "time-namespace") != NULL &&
                  *json_get(&o, "time-namespace") == atoll(ns),
                "--json-status-fd does not give the command's time namespace %s:\n%s", ns, s);
  free(i);
  free(s);
  result_free(&r);
}
END_TEST

/* Without --unshare-time, nothing is reported about time. */
START_TEST(time_namespace_not_reported)
{
  int info[2];
  struct args a = { 0 };
  struct result r;

  ck_assert(pipe(info) == 0);
  add_fd_arg(&a, "--info-fd", info[1]);
  args_addv(&a, "/probe", "exit", "0", END);
  run_with_fds(&r, &a, &info[1], 1);
  args_free(&a);
  close(info[1]);
  char *i = read_pipe_end(info[0], "--info-fd");
  assert_ok(&r);
  ck_assert_msg(strstr(i, "time-namespace") == NULL, "--info-fd:\n%s", i);
  free(i);
  result_free(&r);
}
END_TEST

/* ---------------- bad values ---------------- */

START_TEST(bad_values)
{
  if (not_foil("bad_values"))
    return;
  static const char *const ports[] = { "0", "70000", "a-b", "8080-80", "80,", "", "-5", "1-65536" };
  for (size_t i = 0; i < sizeof ports / sizeof ports[0]; i++)
    {
      RUN_BARE_EXPECT_ERROR("--allow-connect-tcp: ", "--allow-connect-tcp", ports[i], "true");
      RUN_BARE_EXPECT_ERROR("--allow-bind-tcp-try: ", "--allow-bind-tcp-try", ports[i], "true");
    }
  RUN_BARE_EXPECT_ERROR("--monotonic-offset", "--unshare-time", "--monotonic-offset", "99999999999999999999",
                        "true");
  RUN_BARE_EXPECT_ERROR("--monotonic-offset", "--unshare-time", "--monotonic-offset", "4611686019", "true");
  RUN_BARE_EXPECT_ERROR("--boottime-offset", "--unshare-time", "--boottime-offset", "1.5", "true");
  RUN_BARE_EXPECT_ERROR("--boottime-offset", "--unshare-time", "--boottime-offset", "", "true");
  RUN_BARE_EXPECT_ERROR("--monotonic-offset requires --unshare-time", "--monotonic-offset", "1", "true");
  RUN_BARE_EXPECT_ERROR("--boottime-offset requires --unshare-time", "--boottime-offset", "1", "true");
}
END_TEST

/* An offset the kernel refuses (the clock would be negative) is found only
   once the namespace exists: still one line naming the option, and nothing
   left behind. */
START_TEST(offset_refused_by_kernel)
{
  struct snapshot s;

  if (not_foil("offset_refused_by_kernel"))
    return;
  snap_take(&s);
  RUN_EXPECT_ERROR("--monotonic-offset -4611686018", "--unshare-time", "--monotonic-offset", "-4611686018",
                   "/probe", "exit", "0");
  snap_assert_unchanged(&s);
  assert_no_children();
}
END_TEST

/* ---------------- registration ---------------- */

void register_confinement_tests(TCase *tc)
{
  const struct test_entry tests[] = {
    T(abstract_unix_reachable, ALL),
    T(scope_abstract_unix, ALL),
    T(scope_abstract_unix_try, ALL),
    T(signals_reach_host, ALL),
    T(scope_signals, ALL),
    T(scope_signals_try, ALL),
    T(tcp_unrestricted, ALL),
    T(allow_connect_tcp, ALL),
    T(allow_connect_tcp_try, ALL),
    T(allow_bind_tcp, ALL),
    T(allow_bind_tcp_try, ALL),
    T(landlock_no_fd_leak, ALL),
    T(host_time, ALL),
    T(unshare_time, ALL),
    T(time_namespace_reported, ALL),
    T(time_namespace_not_reported, ALL),
    T(bad_values, ALL),
    T(offset_refused_by_kernel, ALL),
    { NULL, 0 },
  };
  add_tests(tc, tests);
}
