/* Namespaces, ids and capabilities: the --unshare-* options, --hostname,
 * --uid/--gid, --disable-userns, --cap-add/--cap-drop, and joining the
 * caller's namespaces with --userns, --userns2 and --pidns. */
#include "harness.h"
#include "suites.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *hostns(const char *ns)
{
  static char buf[8][64];
  static int i;
  i = (i + 1) % 8;
  pathf(buf[i], sizeof buf[i], "%s", ns_inode(0, ns));
  return buf[i];
}

/* Asserts that namespace NS inside (from probe status) is (not) the host's. */
static void assert_ns(const struct result *r, const char *ns, bool same)
{
  char key[32];
  pathf(key, sizeof key, "ns %s", ns);
  const char *in = value_of(r->out, key);
  ck_assert_msg(in != NULL, "no %s in probe output:\n%s\n%s", key, r->out, r->err);
  const char *host = hostns(ns);
  if (same)
    ck_assert_msg(!strcmp(in, host), "%s namespace differs from the host's (%s vs %s)", ns, in, host);
  else
    ck_assert_msg(strcmp(in, host) != 0, "%s namespace is the host's (%s)", ns, in);
}

/* ---------------- namespaces ---------------- */

START_TEST(ns_default)
{
  struct result r;
  RUN(&r, "--proc", "/proc", "/probe", "status");
  assert_ok(&r);
  assert_ns(&r, "net", true);
  assert_ns(&r, "ipc", true);
  assert_ns(&r, "uts", true);
  assert_ns(&r, "cgroup", true);
  assert_ns(&r, "pid", true);
  assert_ns(&r, "mnt", false);
  if (suite.mode == SUITE_ROOT)
    assert_ns(&r, "user", true);
  if (suite.mode == SUITE_USERNS)
    assert_ns(&r, "user", false);
  result_free(&r);
}
END_TEST

static void unshare_case(const char *flag, const char *ns)
{
  struct result r;
  RUN(&r, flag, "--proc", "/proc", "/probe", "status");
  assert_ok(&r);
  assert_ns(&r, ns, false);
  assert_ns(&r, "net", !strcmp(ns, "net") ? false : true);
  result_free(&r);
}

START_TEST(unshare_user) { unshare_case("--unshare-user", "user"); }
END_TEST
START_TEST(unshare_user_try) { unshare_case("--unshare-user-try", "user"); }
END_TEST
START_TEST(unshare_ipc) { unshare_case("--unshare-ipc", "ipc"); }
END_TEST
START_TEST(unshare_uts) { unshare_case("--unshare-uts", "uts"); }
END_TEST
START_TEST(unshare_cgroup) { unshare_case("--unshare-cgroup", "cgroup"); }
END_TEST
START_TEST(unshare_cgroup_try) { unshare_case("--unshare-cgroup-try", "cgroup"); }
END_TEST

START_TEST(unshare_pid)
{
  struct result r;
  RUN(&r, "--unshare-pid", "--proc", "/proc", "/probe", "status", "+", "stat", "/proc/1");
  assert_ok(&r);
  assert_ns(&r, "pid", false);
  const char *pid = value_of(r.out, "pid");
  ck_assert_msg(pid && atoi(pid) > 1 && atoi(pid) < 10,
                "payload pid %s, expected small and not 1 "
                "(a reaper is pid 1)",
                pid ? pid : "?");
  ck_assert_msg(strstr(r.out, "stat /proc/1: dir"), "no /proc/1:\n%s", r.out);
  result_free(&r);
}
END_TEST

START_TEST(unshare_net)
{
  struct result r;
  RUN(&r, "--unshare-net", "--proc", "/proc", "/probe", "status", "+", "lo");
  assert_ok(&r);
  assert_ns(&r, "net", false);
  ASSERT_LINE(&r, "lo up: 1");
  ASSERT_LINE(&r, "lo addr: 127.0.0.1");
  ASSERT_LINE(&r, "interfaces: lo");
  result_free(&r);
}
END_TEST

START_TEST(share_net)
{
  struct result r;
  RUN(&r, "--unshare-all", "--share-net", "--proc", "/proc", "/probe", "status");
  assert_ok(&r);
  assert_ns(&r, "net", true);
  assert_ns(&r, "ipc", false);
  assert_ns(&r, "uts", false);
  assert_ns(&r, "pid", false);
  result_free(&r);
}
END_TEST

START_TEST(unshare_all)
{
  struct result r;
  RUN(&r, "--unshare-all", "--proc", "/proc", "/probe", "status", "+", "lo");
  assert_ok(&r);
  static const char *const all[] = { "user", "mnt", "pid", "net", "ipc", "uts", "cgroup" };
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
    assert_ns(&r, all[i], false);
  ASSERT_LINE(&r, "lo up: 1");
  result_free(&r);
}
END_TEST

START_TEST(hostname)
{
  char before[256], after[256];
  struct result r;
  gethostname(before, sizeof before);
  RUN(&r, "--unshare-uts", "--hostname", "sbx-host", "/probe", "status");
  assert_ok(&r);
  ASSERT_LINE(&r, "hostname: sbx-host");
  result_free(&r);
  gethostname(after, sizeof after);
  ck_assert_str_eq(before, after);
  /* Without a UTS namespace the host's name must not be changed. */
  struct snapshot s;
  snap_take(&s);
  RUN(&r, "--hostname", "sbx-host", "/probe", "status");
  assert_one_error(&r, "--hostname");
  snap_assert_unchanged(&s);
  assert_no_children();
  result_free(&r);
  gethostname(after, sizeof after);
  ck_assert_str_eq(before, after);
}
END_TEST

/* ---------------- ids ---------------- */

START_TEST(uid_gid)
{
  struct result r;
  RUN(&r, "--unshare-user", "--uid", "1234", "--gid", "5678", "/probe", "status");
  if (setuid_keeps_caller_ids())
    {
      assert_one_error(&r, "--uid");
    }
  else
    {
      assert_ok(&r);
      ASSERT_LINE(&r, "uid: 1234");
      ASSERT_LINE(&r, "euid: 1234");
      ASSERT_LINE(&r, "gid: 5678");
      ASSERT_LINE(&r, "egid: 5678");
    }
  result_free(&r);
  /* The default is the caller's own ids. */
  RUN(&r, "/probe", "status");
  assert_ok(&r);
  ck_assert_msg(has_linef(r.out, "uid: %d", (int)getuid()), "default uid is not the caller's:\n%s", r.out);
  ck_assert_msg(has_linef(r.out, "gid: %d", (int)getgid()), "default gid is not the caller's:\n%s", r.out);
  result_free(&r);
}
END_TEST

/* Root mode only: without a user namespace there is nothing to map. */
START_TEST(uid_requires_userns)
{
  RUN_EXPECT_ERROR("--uid", "--uid", "1234", "/probe", "status");
  RUN_EXPECT_ERROR("--gid", "--gid", "1234", "/probe", "status");
}
END_TEST

/* ---------------- nested user namespaces ---------------- */

/* Setuid mode: the payload can never create a user namespace anyway, so
 * foil may either accept the option or refuse it with one line. */
START_TEST(disable_userns)
{
  struct result r;
  RUN(&r, "--unshare-user", "--disable-userns", "/probe", "unshare-user");
  if (suite.mode == SUITE_SETUID && r.code == 1)
    {
      assert_one_error(&r, NULL);
    }
  else
    {
      assert_ok(&r);
      ck_assert_msg(strstr(r.out, "unshare-user -: ") && !has_line(r.out, "unshare-user -: ok"),
                    "nested user namespace still possible:\n%s", r.out);
    }
  result_free(&r);
  if (suite.mode != SUITE_SETUID)
    {
      RUN(&r, "--unshare-user", "/probe", "unshare-user");
      assert_ok(&r);
      ASSERT_LINE(&r, "unshare-user -: ok");
      result_free(&r);
    }
  if (suite.mode == SUITE_ROOT)
    {
      RUN_EXPECT_ERROR("--disable-userns", "--disable-userns", "/probe", "status");
    }
}
END_TEST

/* --disable-userns holds against a payload with every capability as uid 0
 * (where foil needs no nested namespace for the ids): the limit must sit
 * one user namespace above it, where raising it is out of its reach. */
START_TEST(disable_userns_capable_payload)
{
  struct result r;
  struct args a = { 0 };
  args_probe(&a);
  args_addv(&a, "--unshare-user", "--uid", "0", "--gid", "0", END);
  if (suite.mode != SUITE_SETUID)
    args_addv(&a, "--cap-add", "ALL", END);
  args_addv(&a, "--disable-userns", "--bind", "/proc", "/proc", "/probe", "put",
            "/proc/sys/user/max_user_namespaces", "100", "+", "unshare-user", END);
  run(&r, NULL, &a);
  args_free(&a);
  if (setuid_keeps_caller_ids())
    {
      assert_one_error(&r, "--uid");
      result_free(&r);
      return;
    }
  assert_ok(&r);
  ck_assert_msg(strstr(r.out, "unshare-user -: ") && !has_line(r.out, "unshare-user -: ok"),
                "a capable payload lifted --disable-userns:\n%s", r.out);
  result_free(&r);
}
END_TEST

/* FAILS AGAINST setuid bwrap: its payload can create user namespaces, so
 * --assert-userns-disabled fails there; foil's never can. */
START_TEST(assert_userns_disabled)
{
  struct result r;
  RUN(&r, "--unshare-user", "--disable-userns", "--assert-userns-disabled", "/probe", "exit", "4");
  if (suite.mode == SUITE_SETUID && r.code == 1)
    assert_one_error(&r, NULL);
  else
    ASSERT_CODE(&r, 4);
  result_free(&r);
  RUN(&r, "--unshare-user", "--assert-userns-disabled", "/probe", "exit", "4");
  if (suite.mode == SUITE_SETUID)
    ASSERT_CODE(&r, 4); /* foil's setuid payload can never create one */
  else
    assert_one_error(&r, NULL);
  result_free(&r);
}
END_TEST

/* ---------------- capabilities ---------------- */

static unsigned long long capeff(const struct result *r)
{
  const char *v = value_of(r->out, "capeff");
  ck_assert_msg(v != NULL, "no capeff:\n%s\n%s", r->out, r->err);
  return strtoull(v, NULL, 16);
}

START_TEST(cap_add)
{
  struct result r;
  const unsigned long long net_admin = 1ULL << 12;
  if (suite.mode == SUITE_SETUID)
    {
      struct snapshot s;
      snap_take(&s);
      RUN(&r, "--cap-add", "CAP_NET_ADMIN", "/probe", "status");
      assert_one_error(&r, "--cap-add");
      snap_assert_unchanged(&s);
      assert_no_children();
      result_free(&r);
      return;
    }
  RUN(&r, "--unshare-user", "--cap-drop", "ALL", "--cap-add", "CAP_NET_ADMIN", "/probe", "status");
  assert_ok(&r);
  ck_assert_msg(capeff(&r) == net_admin, "capeff %llx, expected only CAP_NET_ADMIN", capeff(&r));
  result_free(&r);
  RUN_EXPECT_ERROR("CAP_BOGUS", "--unshare-user", "--cap-add", "CAP_BOGUS", "/probe", "status");
}
END_TEST

START_TEST(cap_drop)
{
  struct result r;
  RUN(&r, "--cap-drop", "ALL", "/probe", "status");
  assert_ok(&r);
  ck_assert_msg(capeff(&r) == 0, "capeff %llx after --cap-drop ALL", capeff(&r));
  result_free(&r);
  if (suite.mode == SUITE_ROOT)
    {
      /* Root keeps its capabilities unless told otherwise. */
      RUN(&r, "/probe", "status");
      assert_ok(&r);
      unsigned long long all = capeff(&r);
      ck_assert_msg(all & (1ULL << 21), "root lost CAP_SYS_ADMIN without --cap-drop");
      result_free(&r);
      RUN(&r, "--cap-drop", "CAP_SYS_ADMIN", "/probe", "status");
      assert_ok(&r);
      ck_assert_msg(capeff(&r) == (all & ~(1ULL << 21)), "--cap-drop CAP_SYS_ADMIN gave %llx", capeff(&r));
      result_free(&r);
    }
  RUN_EXPECT_ERROR("CAP_BOGUS", "--cap-drop", "CAP_BOGUS", "/probe", "status");
}
END_TEST

/* ---------------- --userns, --userns2, --pidns ---------------- */

/* FAILS AGAINST setuid bwrap 0.8.0, which accepts some of these. */
START_TEST(ns_fd_options_setuid)
{
  static const char *const opts[] = { "--userns", "--userns2", "--pidns", "--userns-block-fd" };
  int fd = open("/proc/self/ns/user", O_RDONLY);
  int pfd = open("/proc/self/ns/pid", O_RDONLY);
  ck_assert(fd >= 0 && pfd >= 0);
  struct snapshot s;
  snap_take(&s);
  for (size_t i = 0; i < 4; i++)
    {
      struct args a = { 0 };
      struct result r;
      int use = strstr(opts[i], "pid") ? pfd : fd;
      if (!strcmp(opts[i], "--userns-block-fd"))
        args_add(&a, "--unshare-user");
      add_fd_arg(&a, opts[i], use);
      add_fd_arg(&a, "--info-fd", 1);
      args_addv(&a, "/probe", "exit", "0", END);
      int keep[2] = { use, 1 };
      run_with_fds(&r, &a, keep, 2);
      assert_one_error(&r, opts[i]);
      result_free(&r);
      args_free(&a);
    }
  snap_assert_unchanged(&s);
  assert_no_children();
  close(fd);
  close(pfd);
}
END_TEST

/* A helper process holding new namespaces: a user namespace (mapped to the
 * caller's own ids) unless WITH_USER is false, and a pid namespace whose
 * pid 1 waits; that pid 1 also holds a second user namespace, a child of
 * the first (for --userns2). All die when *hold is closed. */
struct nsholder {
  pid_t outer, init;
  int hold;
  int userfd, pidfd, user2fd;
};

/* In the process itself: map its own ids in the user namespace it has
 * just created (allowed without privilege). */
static int map_self(uid_t uid, gid_t gid)
{
  char map[64];
  int fd = open("/proc/self/setgroups", O_WRONLY);
  if (fd < 0 || write(fd, "deny", 4) != 4)
    return -1;
  close(fd);
  snprintf(map, sizeof map, "%d %d 1", (int)uid, (int)uid);
  fd = open("/proc/self/uid_map", O_WRONLY);
  if (fd < 0 || write(fd, map, strlen(map)) != (ssize_t)strlen(map))
    return -1;
  close(fd);
  snprintf(map, sizeof map, "%d %d 1", (int)gid, (int)gid);
  fd = open("/proc/self/gid_map", O_WRONLY);
  if (fd < 0 || write(fd, map, strlen(map)) != (ssize_t)strlen(map))
    return -1;
  close(fd);
  return 0;
}

static void write_proc_file(const char *path, const char *text)
{
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  ck_assert_msg(fd >= 0, "open %s: %s", path, strerror(errno));
  ck_assert_msg(write(fd, text, strlen(text)) == (ssize_t)strlen(text), "write %s: %s", path,
                strerror(errno));
  close(fd);
}

static void nsholder_start(struct nsholder *h, bool with_user)
{
  int up[2], go[2], hold[2];
  ck_assert(pipe(up) == 0 && pipe(go) == 0 && pipe(hold) == 0);
  h->outer = fork();
  ck_assert(h->outer >= 0);
  if (h->outer == 0)
    {
      char c;
      close(up[0]);
      close(go[1]);
      close(hold[1]);
      if (with_user && unshare(CLONE_NEWUSER) != 0)
        _exit(1);
      if (write(up[1], "u", 1) != 1 || read(go[0], &c, 1) != 1)
        _exit(1);
      if (unshare(CLONE_NEWPID) != 0)
        _exit(2);
      int ready[2];
      if (pipe(ready) != 0)
        _exit(1);
      pid_t init = fork();
      if (init == 0)
        {
          uid_t uid = getuid();
          gid_t gid = getgid();
          if (with_user && (unshare(CLONE_NEWUSER) != 0 || map_self(uid, gid) != 0))
            _exit(3);
          (void)!write(ready[1], "r", 1);
          (void)!read(hold[0], &c, 1);
          _exit(0);
        }
      close(ready[1]);
      if (read(ready[0], &c, 1) != 1)
        _exit(3);
      if (write(up[1], &init, sizeof init) != sizeof init)
        _exit(1);
      (void)!read(hold[0], &c, 1);
      waitpid(init, NULL, 0);
      _exit(0);
    }
  close(up[1]);
  close(go[0]);
  close(hold[0]);
  char c, path[128];
  ck_assert_msg(read(up[0], &c, 1) == 1, "namespace helper failed");
  if (with_user)
    {
      char map[64];
      pathf(path, sizeof path, "/proc/%d/setgroups", (int)h->outer);
      write_proc_file(path, "deny");
      pathf(path, sizeof path, "/proc/%d/uid_map", (int)h->outer);
      pathf(map, sizeof map, "%d %d 1", (int)getuid(), (int)getuid());
      write_proc_file(path, map);
      pathf(path, sizeof path, "/proc/%d/gid_map", (int)h->outer);
      pathf(map, sizeof map, "%d %d 1", (int)getgid(), (int)getgid());
      write_proc_file(path, map);
    }
  ck_assert(write(go[1], "g", 1) == 1);
  ck_assert_msg(read(up[0], &h->init, sizeof h->init) == sizeof h->init, "pid namespace helper failed");
  close(up[0]);
  close(go[1]);
  h->hold = hold[1];
  pathf(path, sizeof path, "/proc/%d/ns/user", (int)h->outer);
  h->userfd = open(path, O_RDONLY);
  pathf(path, sizeof path, "/proc/%d/ns/pid", (int)h->init);
  h->pidfd = open(path, O_RDONLY);
  pathf(path, sizeof path, "/proc/%d/ns/user", (int)h->init);
  h->user2fd = open(path, O_RDONLY);
  ck_assert_msg(h->userfd >= 0 && h->pidfd >= 0 && h->user2fd >= 0, "cannot open the helper's namespaces: %s",
                strerror(errno));
}

static void nsholder_stop(struct nsholder *h)
{
  close(h->user2fd);
  close(h->hold);
  close(h->userfd);
  close(h->pidfd);
  waitpid(h->outer, NULL, 0);
}

static unsigned long long fd_inode(int fd)
{
  struct stat st;
  ck_assert(fstat(fd, &st) == 0);
  return (unsigned long long)st.st_ino;
}

START_TEST(userns_option)
{
  struct nsholder h;
  nsholder_start(&h, true);
  struct args a = { 0 };
  struct result r;
  add_fd_arg(&a, "--userns", h.userfd);
  args_addv(&a, "--proc", "/proc", "/probe", "status", END);
  run_with_fds(&r, &a, &h.userfd, 1);
  assert_ok(&r);
  /* The payload lives in that user namespace (as with bwrap). */
  const char *v = value_of(r.out, "ns user");
  ck_assert_msg(v && strtoull(v, NULL, 10) == fd_inode(h.userfd), "payload in user namespace %s, not %llu",
                v ? v : "?", fd_inode(h.userfd));
  ck_assert_msg(has_linef(r.out, "uid: %d", (int)getuid()), "uid changed:\n%s", r.out);
  result_free(&r);
  args_free(&a);
  /* Not together with --unshare-user. */
  add_fd_arg(&a, "--userns", h.userfd);
  args_addv(&a, "--unshare-user", "/probe", "exit", "0", END);
  run_with_fds(&r, &a, &h.userfd, 1);
  assert_one_error(&r, "--userns");
  result_free(&r);
  args_free(&a);
  nsholder_stop(&h);
  assert_no_children();
}
END_TEST

/* --userns2: after setup the sandbox moves into that (nested) user
 * namespace. */
START_TEST(userns2_option)
{
  struct nsholder h;
  nsholder_start(&h, true);
  struct args a = { 0 };
  struct result r;
  int keep[2] = { h.userfd, h.user2fd };
  add_fd_arg(&a, "--userns", h.userfd);
  add_fd_arg(&a, "--userns2", h.user2fd);
  args_addv(&a, "--proc", "/proc", "/probe", "status", END);
  run_with_fds(&r, &a, keep, 2);
  assert_ok(&r);
  const char *v = value_of(r.out, "ns user");
  ck_assert_msg(v && strtoull(v, NULL, 10) == fd_inode(h.user2fd), "payload in user namespace %s, not %llu",
                v ? v : "?", fd_inode(h.user2fd));
  ck_assert_msg(has_linef(r.out, "uid: %d", (int)getuid()), "uid changed:\n%s", r.out);
  result_free(&r);
  args_free(&a);
  nsholder_stop(&h);
  assert_no_children();
}
END_TEST

START_TEST(pidns_option)
{
  struct nsholder h;
  bool user = suite.mode != SUITE_ROOT;
  nsholder_start(&h, user);
  for (int new_pidns = 0; new_pidns < 2; new_pidns++)
    {
      struct args a = { 0 };
      struct result r;
      int keep[2] = { h.pidfd, h.userfd };
      if (user)
        add_fd_arg(&a, "--userns", h.userfd);
      add_fd_arg(&a, "--pidns", h.pidfd);
      if (new_pidns)
        args_add(&a, "--unshare-pid");
      args_addv(&a, "--proc", "/proc", "/probe", "status", END);
      run_with_fds(&r, &a, keep, 2);
      assert_ok(&r);
      char pidns_buf[64], pid_buf[64];
      const char *v = value_of(r.out, "ns pid");
      pathf(pidns_buf, sizeof pidns_buf, "%s", v ? v : "?");
      v = value_of(r.out, "pid");
      pathf(pid_buf, sizeof pid_buf, "%s", v ? v : "?");
      ck_assert_msg(atoi(pid_buf) > 1 && atoi(pid_buf) < 20, "payload pid %s in the joined namespace",
                    pid_buf);
      if (!new_pidns)
        ck_assert_msg(strtoull(pidns_buf, NULL, 10) == fd_inode(h.pidfd),
                      "payload not in the given pid namespace: %s", pidns_buf);
      else
        ck_assert_msg(strtoull(pidns_buf, NULL, 10) != fd_inode(h.pidfd),
                      "--unshare-pid did not make a child pid namespace");
      result_free(&r);
      args_free(&a);
    }
  nsholder_stop(&h);
  assert_no_children();
}
END_TEST

/* ---------------- registration ---------------- */

void register_namespace_tests(TCase *tc)
{
  const struct test_entry tests[] = {
    T(ns_default, ALL),
    T(unshare_user, ALL),
    T(unshare_user_try, ALL),
    T(unshare_ipc, ALL),
    T(unshare_uts, ALL),
    T(unshare_cgroup, ALL),
    T(unshare_cgroup_try, ALL),
    T(unshare_pid, ALL),
    T(unshare_net, ALL),
    T(share_net, ALL),
    T(unshare_all, ALL),
    T(hostname, ALL),
    T(uid_gid, ALL),
    T(uid_requires_userns, R),
    T(disable_userns, ALL),
    T(disable_userns_capable_payload, ALL),
    T(assert_userns_disabled, ALL),
    T(cap_add, ALL),
    T(cap_drop, ALL),
    T(ns_fd_options_setuid, S),
    T(userns_option, U | R),
    T(userns2_option, U | R),
    T(pidns_option, U | R),
    { NULL, 0 },
  };
  add_tests(tc, tests);
}
