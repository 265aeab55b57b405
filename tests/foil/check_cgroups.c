/* cgroup v2, foil's own options: --cgroup DIR (the sandbox in a cgroup of
 * its own below DIR, everything in it killed and the cgroup removed at the
 * end), the limits (--memory-max, --pids-max, --cpus...), the accounting
 * line of --json-status-fd, and foil's own cgroup used when a limit is given
 * without --cgroup.
 *
 * run-integration.sh delegates a cgroup to the suite's user where cgroup2 is
 * mounted (suite.cgroup) and runs the suite in its leaf "suite", so that the
 * sandboxes' cgroups and the suite share a parent the user owns (a move
 * between two cgroups needs write access to their common ancestor). Each
 * test makes its own cgroups in it and removes them. Tests of limits run
 * only where the hierarchy offers the controller (the kernel-matrix VMs);
 * elsewhere they print SKIP with the reason, and the error a limit gets
 * without its controller is tested instead. */
#include "harness.h"
#include "suites.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ---------------- the hierarchy ---------------- */

/* The mount point of the first mount of type TYPE ("cgroup2", "cgroup")
   showing its hierarchy from the top, or NULL; static buffer. */
static const char *mount_of_type(const char *type)
{
  static char found[4096];
  char line[8192], root[4096], mp[4096], want[64];
  FILE *f = fopen("/proc/self/mountinfo", "re");
  bool ok = false;

  pathf(want, sizeof want, " - %s ", type);
  while (f && !ok && fgets(line, sizeof line, f))
    if (strstr(line, want) && sscanf(line, "%*s %*s %*s %4095s %4095s", root, mp) == 2 && !strcmp(root, "/"))
      {
        pathf(found, sizeof found, "%s", mp);
        ok = true;
      }
  if (f)
    fclose(f);
  return ok ? found : NULL;
}

/* A cgroup's path as /proc/PID/cgroup shows it (from the hierarchy's top). */
static const char *rel_path(const char *dir)
{
  const char *mnt = mount_of_type("cgroup2");
  ck_assert_msg(mnt && !strncmp(dir, mnt, strlen(mnt)), "%s is not below the cgroup2 mount %s", dir,
                mnt ? mnt : "(none)");
  return dir + strlen(mnt);
}

/* True (and prints SKIP) when there is no delegated test cgroup. */
static bool no_test_cgroup(const char *test)
{
  if (suite.cgroup)
    return false;
  printf("SKIP %s:%s: no delegated cgroup v2 dir for the tests (run-integration.sh makes one as root "
         "where cgroup2 is mounted, FOIL_TEST_CGROUP)\n",
         suite.mode_name, test);
  return true;
}

/* The contents of DIR/FILE without its trailing newline, or NULL. */
static char *cg_read(const char *dir, const char *file)
{
  char p[4200];
  pathf(p, sizeof p, "%s/%s", dir, file);
  char *s = read_file(p);
  if (s && *s && s[strlen(s) - 1] == '\n')
    s[strlen(s) - 1] = 0;
  return s;
}

static bool has_word(const char *list, const char *word)
{
  size_t n = strlen(word);
  for (const char *p = list; p && (p = strstr(p, word)); p += n)
    if ((p == list || p[-1] == ' ') && (p[n] == 0 || p[n] == ' ' || p[n] == '\n'))
      return true;
  return false;
}

/* Whether CONTROLLER is available in cgroup DIR (its parent enables it). */
static bool available(const char *dir, const char *controller)
{
  char *c = cg_read(dir, "cgroup.controllers");
  bool yes = has_word(c, controller);
  free(c);
  return yes;
}

/* True (and prints SKIP) when CONTROLLER is not available in DIR. */
static bool lacks_controller(const char *test, const char *dir, const char *controller)
{
  if (available(dir, controller))
    return false;
  char *c = cg_read(dir, "cgroup.controllers");
  printf("SKIP %s:%s: the %s controller is not available in the test cgroup (it offers \"%s\")\n",
         suite.mode_name, test, controller, c ? c : "?");
  free(c);
  return true;
}

static bool has_file(const char *dir, const char *file)
{
  char p[4200];
  pathf(p, sizeof p, "%s/%s", dir, file);
  return access(p, F_OK) == 0;
}

static bool has_pid(const char *procs, long long pid)
{
  for (const char *p = procs; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
    if (atoll(p) == pid)
      return true;
  return false;
}

/* The child cgroups of DIR, sorted, each followed by a space ("" for none). */
static char *children_of(const char *dir)
{
  struct dirent **v;
  int n = scandir(dir, &v, NULL, alphasort);
  ck_assert_msg(n >= 0, "scandir %s: %s", dir, strerror(errno));
  char *s = calloc(1, 1);
  for (int i = 0; i < n; i++)
    {
      if (v[i]->d_type == DT_DIR && strcmp(v[i]->d_name, ".") && strcmp(v[i]->d_name, ".."))
        {
          s = xrealloc(s, strlen(s) + strlen(v[i]->d_name) + 2);
          strcat(strcat(s, v[i]->d_name), " ");
        }
      free(v[i]);
    }
  free(v);
  return s;
}

/* True if NAME is PREFIX and 8 hex digits. */
static bool foil_name(const char *name, const char *prefix)
{
  size_t n = strlen(prefix);
  if (strncmp(name, prefix, n) || strlen(name) != n + 8)
    return false;
  return strspn(name + n, "0123456789abcdefABCDEF") == 8;
}

/* The name of the cgroup foil made in DIR for the sandbox, checked to be
   the only one; static buffer. With OWN (foil's own cgroup is DIR) there is
   a foil-monitor-XXXXXXXX beside it, whose name goes to *MONITOR. */
static const char *sandbox_cgroup(const char *dir, bool own, char *monitor, size_t len)
{
  static char name[256];
  char *kids = children_of(dir), *save = NULL;
  int n = 0;
  bool ok = true;
  name[0] = 0;
  for (char *w = strtok_r(kids, " ", &save); w; w = strtok_r(NULL, " ", &save), n++)
    if (foil_name(w, "foil-sandbox-"))
      pathf(name, sizeof name, "%s", w);
    else if (own && foil_name(w, "foil-monitor-"))
      pathf(monitor, len, "%s", w);
    else
      ok = false;
  ck_assert_msg(ok && name[0] && n == (own ? 2 : 1),
                "while the sandbox runs, %s holds the cgroups \"%s\"; "
                "expected foil-sandbox-XXXXXXXX%s",
                dir, children_of(dir), own ? " and foil-monitor-XXXXXXXX" : "");
  free(kids);
  return name;
}

/* DIR as foil must leave it: no cgroup in it and no process (its
   subtree_control is checked by the callers that know what it was). */
static void assert_cgroup_unused(const char *dir, const char *when)
{
  char *kids = children_of(dir), *procs = cg_read(dir, "cgroup.procs");
  ck_assert_msg(!kids[0], "%s, %s still holds the cgroups: %s", when, dir, kids);
  ck_assert_msg(procs && !procs[0], "%s, processes are left in %s: %s", when, dir, procs ? procs : "?");
  free(kids);
  free(procs);
}

/* ---------------- the tests' own cgroups ---------------- */

/* What the test made, removed by cgroups_teardown() even when the test
   left processes in them. */
static char made[8][4096];
static int n_made;

static void make_cgroup(const char *path)
{
  ck_assert_msg(n_made < 8, "too many cgroups");
  ck_assert_msg(mkdir(path, 0755) == 0, "mkdir %s: %s", path, strerror(errno));
  pathf(made[n_made++], sizeof made[0], "%s", path);
}

/* A new cgroup in the test cgroup, with a name no other test uses. */
static void new_cgroup(char *path, size_t len)
{
  static const char hex[] = "0123456789abcdef";
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  unsigned v = (unsigned)ts.tv_nsec ^ (unsigned)getpid() << 12;
  char suffix[9];
  for (int i = 0; i < 8; i++, v >>= 4)
    suffix[i] = hex[v & 15];
  suffix[8] = 0;
  pathf(path, len, "%s/%s-%s", suite.cgroup, suite.mode_name, suffix);
  make_cgroup(path);
}

static int rmdir_entry(const char *path, UNUSED const struct stat *st, int flag, UNUSED struct FTW *ftw)
{
  if (flag == FTW_DP)
    rmdir(path);
  return 0;
}

static bool populated(const char *dir)
{
  char *ev = cg_read(dir, "cgroup.events");
  bool yes = ev && strstr(ev, "populated 1");
  free(ev);
  return yes;
}

/* Kills what a failed test left in its cgroups (cgroup.kill reaches the
   subtree and nothing else) and removes them, children first. */
static void cgroups_teardown(void)
{
  for (int i = n_made - 1; i >= 0; i--)
    {
      char p[4200];
      if (access(made[i], F_OK) != 0)
        continue;
      pathf(p, sizeof p, "%s/cgroup.kill", made[i]);
      int fd = open(p, O_WRONLY | O_CLOEXEC);
      if (fd >= 0)
        {
          if (write(fd, "1", 1) != 1)
            perror(p);
          close(fd);
        }
      for (int t = 0; t < LONG_MS / 10 && populated(made[i]); t++)
        {
          while (waitpid(-1, NULL, WNOHANG) > 0)
            ;
          usleep(10000);
        }
      nftw(made[i], rmdir_entry, 16, FTW_DEPTH | FTW_PHYS);
    }
  n_made = 0;
}

/* spawn's in_child: the child moves itself into the cgroup ARG before it
   execs foil. */
static void enter_cgroup(void *arg)
{
  char p[4200];
  snprintf(p, sizeof p, "%s/cgroup.procs", (const char *)arg);
  int fd = open(p, O_WRONLY | O_CLOEXEC);
  if (fd < 0 || write(fd, "0", 1) != 1)
    {
      dprintf(2, "cannot move into %s: %s\n", p, strerror(errno));
      _exit(126);
    }
  close(fd);
}

/* A process of ours sitting in cgroup DIR until killed. */
static pid_t sitter_in(const char *dir)
{
  int p[2];
  ck_assert(pipe2(p, O_CLOEXEC) == 0);
  pid_t pid = fork();
  ck_assert(pid >= 0);
  if (pid == 0)
    {
      enter_cgroup((void *)dir);
      if (write(p[1], "x", 1) != 1)
        _exit(1);
      for (;;)
        pause();
    }
  close(p[1]);
  char c;
  ck_assert_msg(read(p[0], &c, 1) == 1, "the process meant for %s did not get there", dir);
  close(p[0]);
  return pid;
}

/* True once PID has exited; reaps our children (foil's orphans come to us)
   so that a zombie is not taken for a live process. */
static bool gone(long long pid)
{
  char p[64];
  while (waitpid(-1, NULL, WNOHANG) > 0)
    ;
  pathf(p, sizeof p, "/proc/%lld/stat", pid);
  char *s = read_file(p);
  if (!s)
    return true;
  char *rp = strrchr(s, ')');
  bool dead = rp && (rp[2] == 'Z' || rp[2] == 'X');
  free(s);
  return dead;
}

/* The processes in DIR once those of foil's that were there have ended
   (within the two seconds assert_no_children gives: foil's setup process
   can end a moment after the monitor returns); ONLY is the one process
   that must stay, or 0. Reaps our children meanwhile. */
static char *settled_procs(const char *dir, long long only)
{
  char *procs = NULL;
  for (int t = 0; t < 200; t++)
    {
      while (waitpid(-1, NULL, WNOHANG) > 0)
        ;
      free(procs);
      procs = cg_read(dir, "cgroup.procs");
      if (procs && (only ? has_pid(procs, only) && count_lines(procs) == 1 : !procs[0]))
        break;
      usleep(10000);
    }
  return procs;
}

/* ---------------- running foil ---------------- */

static void expect_error(const struct result *r, const char *option, const char *phrase)
{
  assert_one_error(r, option);
  ck_assert_msg(strstr(r->err, phrase), "the error does not say \"%s\":\n%s", phrase, r->err);
}

/* Reads the probe's next line; when foil ends instead, fails with its
   exit status and what it said. */
static void probe_line(struct live *l, char *buf, size_t len)
{
  ck_assert_msg(readable_within(l->out, LONG_MS), "no line from the probe within %d ms", LONG_MS);
  if (read_line(l->out, buf, len))
    return;
  char *err;
  int code = live_finish(l, &err);
  ck_abort_msg("foil ended before the probe said all it had to: exit %d, stderr:\n%s", code, err);
}

/* Reads the probe's lines up to "ready"; returns the value of "cgroup: "
   if it printed one (static buffer) or "". */
static const char *read_until_ready(struct live *l)
{
  static char cg[4096];
  char line[4096];
  cg[0] = 0;
  for (;;)
    {
      probe_line(l, line, sizeof line);
      if (!strcmp(line, "ready"))
        return cg;
      if (!strncmp(line, "cgroup: ", 8))
        pathf(cg, sizeof cg, "%s", line + 8);
    }
}

/* Ends a sandbox started with live_start: exit 0, no stderr. */
static void finish_ok(struct live *l, const char *what)
{
  char *err;
  int code = live_finish(l, &err);
  ck_assert_msg(code == 0 && !err[0], "%s: exit %d, stderr:\n%s", what, code, err);
  free(err);
}

/* The lines of --json-status-fd after the child-pid one must be
   { "exit-code": CODE } and then the accounting line, which is parsed into
   O (the members of its inner object). */
static void resource_usage(const char *status, int code, struct json_obj *o)
{
  static const char head[] = "{ \"resource-usage\": { ";
  char want[64];
  const char *l2 = strchr(status, '\n');
  ck_assert_msg(l2 && !strncmp(status, "{ \"child-pid\": ", 15), "--json-status-fd:\n%s", status);
  l2++;
  pathf(want, sizeof want, "{ \"exit-code\": %d }\n", code);
  ck_assert_msg(!strncmp(l2, want, strlen(want)), "no line %s after the child-pid one:\n%s", want, status);
  const char *l3 = l2 + strlen(want), *end = strchr(l3, '\n');
  ck_assert_msg(!strncmp(l3, head, strlen(head)) && end,
                "no { \"resource-usage\": { ... } } line after the exit code:\n%s", status);
  ck_assert_msg(end[1] == 0, "more lines after the resource-usage one:\n%s", status);
  ck_assert_msg(end - l3 > (long)strlen(head) + 4 && !strncmp(end - 4, " } }", 4),
                "resource-usage line: %.*s", (int)(end - l3), l3);
  char flat[1024];
  const char *inner = l3 + strlen(head);
  pathf(flat, sizeof flat, "{ %.*s }", (int)(end - 4 - inner), inner);
  ck_assert_msg(json_parse(flat, o), "resource-usage is not an object of integers: %.*s", (int)(end - l3),
                l3);
  for (int i = 0; i < o->n; i++)
    ck_assert_msg(!strcmp(o->key[i], "memory-peak") || !strcmp(o->key[i], "cpu-usec") ||
                      !strcmp(o->key[i], "pids-peak") || !strcmp(o->key[i], "oom-kills"),
                  "unknown resource-usage member %s", o->key[i]);
  ck_assert_msg(json_get(o, "cpu-usec"), "resource-usage without cpu-usec (the kernel always has it): %s",
                flat);
}

/* Runs foil ARGS (after the probe's bind and "--json-status-fd FD") and
   returns everything the status fd got. */
static char *run_with_status(struct result *r, struct args *a)
{
  int js[2];
  ck_assert(pipe(js) == 0);
  struct args full = { 0 };
  add_fd_arg(&full, "--json-status-fd", js[1]);
  for (size_t i = 0; i < a->n; i++)
    args_add(&full, a->v[i]);
  run_with_fds(r, &full, &js[1], 1);
  args_free(&full);
  close(js[1]);
  char *status = slurp_within(js[0], "--json-status-fd");
  close(js[0]);
  return status;
}

/* ---------------- placement ---------------- */

/* The command (and with --unshare-pid, foil's pid 1) runs in
   DIR/foil-sandbox-XXXXXXXX, foil's monitor where it was; at the end the
   cgroup is gone. */
START_TEST(cgroup_placement)
{
  if (not_foil("cgroup_placement") || no_test_cgroup("cgroup_placement"))
    return;
  char dir[4096], want[4200];
  new_cgroup(dir, sizeof dir);
  for (int pidns = 0; pidns < 2; pidns++)
    {
      int inf[2];
      ck_assert(pipe(inf) == 0);
      struct args a = { 0 };
      args_addv(&a, "--cgroup", dir, "--proc", "/proc", END);
      if (pidns)
        args_add(&a, "--unshare-pid");
      add_fd_arg(&a, "--info-fd", inf[1]);
      args_addv(&a, "/probe", "cgroup", "+", "wait-stdin", END);
      struct live l;
      live_start(&l, &a, &inf[1], 1);
      close(inf[1]);
      args_free(&a);
      const char *seen = read_until_ready(&l);
      char *info = read_json_object(inf[0], "--info-fd");
      close(inf[0]);
      const char *name = sandbox_cgroup(dir, false, NULL, 0);
      pathf(want, sizeof want, "0::%s/%s", rel_path(dir), name);
      ck_assert_msg(!strcmp(seen, want), "[%s] the command is in the cgroup \"%s\", expected \"%s\"",
                    pidns ? "--unshare-pid" : "no pid namespace", seen, want);
      struct json_obj o;
      ck_assert_msg(json_parse(info, &o) && json_get(&o, "child-pid"), "--info-fd:\n%s", info);
      pathf(want, sizeof want, "%s/%s", dir, name);
      char *procs = cg_read(want, "cgroup.procs");
      ck_assert_msg(procs && has_pid(procs, *json_get(&o, "child-pid")),
                    "the sandbox's child-pid %lld is not in %s (it holds: %s)", *json_get(&o, "child-pid"),
                    want, procs ? procs : "?");
      ck_assert_msg(!has_pid(procs, l.pid), "foil's monitor %d is in the sandbox's cgroup", (int)l.pid);
      free(procs);
      free(info);
      finish_ok(&l, "--cgroup");
      assert_cgroup_unused(dir, "after foil returned");
    }
  assert_no_children();
}
END_TEST

/* spawn's in_child: from here on clone3 answers ENOSYS, as under the
   seccomp policies of Flatpak and of container runtimes. */
static void without_clone3(void *arg)
{
  (void)arg;
  struct sock_filter f[] = {
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_clone3, 0, 1),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  struct sock_fprog prog = { sizeof f / sizeof f[0], f };
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
    {
      dprintf(2, "cannot install the seccomp filter: %s\n", strerror(errno));
      _exit(126);
    }
}

/* foil puts the setup process into the cgroup as it creates it (clone3);
   where clone3 is refused, the process moves itself, and ends up in the
   same place. Not in setuid mode: the filter needs no_new_privs, which
   turns the setuid bit off (and that mode moves the process anyway). */
START_TEST(cgroup_placement_without_clone3)
{
  if (not_foil("cgroup_placement_without_clone3") || no_test_cgroup("cgroup_placement_without_clone3"))
    return;
  char dir[4096], want[4200];
  new_cgroup(dir, sizeof dir);
  pathf(want, sizeof want, "cgroup: 0::%s/foil-sandbox-", rel_path(dir));
  struct spawn o = { .in_child = without_clone3 };
  struct args a = { 0 };
  struct result r;
  args_probe(&a);
  args_addv(&a, "--cgroup", dir, "--proc", "/proc", "/probe", "cgroup", END);
  run(&r, &o, &a);
  args_free(&a);
  assert_ok(&r);
  ck_assert_msg(!strncmp(r.out, want, strlen(want)), "the command is in \"%s\", expected \"%s*\"", r.out, want);
  result_free(&r);
  assert_cgroup_unused(dir, "after foil returned");
  assert_no_children();
}
END_TEST

/* In a cgroup namespace made after the move, the command sees its own
   cgroup as the root. */
START_TEST(cgroup_unshare_cgroup_view)
{
  if (not_foil("cgroup_unshare_cgroup_view") || no_test_cgroup("cgroup_unshare_cgroup_view"))
    return;
  char dir[4096];
  new_cgroup(dir, sizeof dir);
  for (int pidns = 0; pidns < 2; pidns++)
    {
      struct result r;
      if (pidns)
        RUN(&r, "--cgroup", dir, "--unshare-cgroup", "--unshare-pid", "--proc", "/proc", "/probe", "cgroup");
      else
        RUN(&r, "--cgroup", dir, "--unshare-cgroup", "--proc", "/proc", "/probe", "cgroup");
      assert_ok(&r);
      ASSERT_LINE(&r, "cgroup: 0::/");
      result_free(&r);
      assert_cgroup_unused(dir, "after foil returned");
    }
  assert_no_children();
}
END_TEST

/* ---------------- cleanup ---------------- */

/* Without a pid namespace a daemon outlives the command, and without a
   cgroup foil as well (as with bwrap); with --cgroup it is gone by the
   time foil returns. */
START_TEST(cgroup_kills_daemon)
{
  if (not_foil("cgroup_kills_daemon") || no_test_cgroup("cgroup_kills_daemon"))
    return;
  char dir[4096];
  new_cgroup(dir, sizeof dir);
  struct result r;
  RUN(&r, "/probe", "daemon");
  assert_ok(&r);
  long long pid = atoll(value_of(r.out, "daemon") ? value_of(r.out, "daemon") : "0");
  ck_assert_msg(pid > 0, "no daemon:\n%s", r.out);
  ck_assert_msg(!gone(pid), "without --cgroup the daemon %lld did not outlive foil: the test shows nothing",
                pid);
  kill((pid_t)pid, SIGKILL);
  result_free(&r);

  RUN(&r, "--cgroup", dir, "/probe", "daemon");
  assert_ok(&r);
  pid = atoll(value_of(r.out, "daemon") ? value_of(r.out, "daemon") : "0");
  ck_assert_msg(pid > 0, "no daemon:\n%s", r.out);
  ck_assert_msg(gone(pid), "the daemon %lld of a --cgroup sandbox outlived foil", pid);
  assert_cgroup_unused(dir, "after foil returned");
  result_free(&r);
  assert_no_children();
}
END_TEST

/* foil's monitor SIGKILLed while the command runs: its keeper kills the
   sandbox and removes the cgroup. */
START_TEST(cgroup_monitor_killed)
{
  if (not_foil("cgroup_monitor_killed") || no_test_cgroup("cgroup_monitor_killed"))
    return;
  char dir[4096], sandbox[4200];
  new_cgroup(dir, sizeof dir);
  for (int pidns = 0; pidns < 2; pidns++)
    {
      const char *how = pidns ? "--unshare-pid" : "no pid namespace";
      struct args a = { 0 };
      args_addv(&a, "--cgroup", dir, END);
      if (pidns)
        args_add(&a, "--unshare-pid");
      args_addv(&a, "/probe", "sleep", END);
      struct live l;
      live_start(&l, &a, NULL, 0);
      args_free(&a);
      read_until_ready(&l);
      pathf(sandbox, sizeof sandbox, "%s/%s", dir, sandbox_cgroup(dir, false, NULL, 0));
      char *procs = cg_read(sandbox, "cgroup.procs");
      ck_assert_msg(procs && procs[0], "[%s] no process in %s", how, sandbox);
      ck_assert(kill(l.pid, SIGKILL) == 0);
      ck_assert(waitpid(l.pid, NULL, 0) == l.pid);
      bool clean = false;
      for (int t = 0; t < LONG_MS / 20 && !clean; t++)
        {
          char *kids = children_of(dir);
          clean = !kids[0];
          free(kids);
          for (const char *p = procs; clean && p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
            clean = gone(atoll(p));
          if (!clean)
            usleep(20000);
        }
      char *kids = children_of(dir);
      ck_assert_msg(clean,
                    "[%s] %d ms after foil's monitor was killed, %s holds \"%s\"; of the sandbox's "
                    "processes %s, some live",
                    how, LONG_MS, dir, kids, procs);
      free(kids);
      free(procs);
      /* EOF: the payload, which held the other end, is gone. */
      char *rest = slurp_within(l.out, "EOF on the payload's stdout");
      free(rest);
      close(l.in);
      close(l.out);
      close(l.err);
      assert_cgroup_unused(dir, "after the keeper's work");
    }
  assert_no_children();
}
END_TEST

/* ---------------- foil's own cgroup ---------------- */

/* A limit that the cgroup DIR offers the controller for, as foil's option,
   its value, the file it sets and what that must read. */
struct limit {
  const char *option, *value, *controller, *file, *want;
};

static const struct limit *first_available(const char *dir)
{
  static const struct limit own[] = {
    { "--pids-max", "64", "pids", "pids.max", "64" },
    { "--memory-max", "256M", "memory", "memory.max", "268435456" },
    { "--cpu-weight", "50", "cpu", "cpu.weight", "50" },
  };
  for (size_t i = 0; i < sizeof own / sizeof own[0]; i++)
    if (available(dir, own[i].controller))
      return &own[i];
  return NULL;
}

/* A limit without --cgroup, foil alone in a fresh delegated cgroup: the
   sandbox goes into DIR/foil-sandbox-*, foil into DIR/foil-monitor-*, and
   afterwards DIR is as it was. Without any controller, the limit's error,
   and DIR is as it was too. */
START_TEST(cgroup_own)
{
  if (not_foil("cgroup_own") || no_test_cgroup("cgroup_own"))
    return;
  char dir[4096], path[4300], monitor[256] = "";
  new_cgroup(dir, sizeof dir);
  char *before = cg_read(dir, "cgroup.subtree_control");
  const struct limit *lim = first_available(dir);
  struct spawn o = { .in_child = enter_cgroup, .in_child_arg = dir };
  struct args a = { 0 };
  args_probe(&a);
  args_addv(&a, lim ? lim->option : "--pids-max", lim ? lim->value : "64", "--proc", "/proc", "/probe",
            "cgroup", "+", "wait-stdin", END);
  if (!lim)
    {
      struct result r;
      printf("SKIP %s:cgroup_own: no memory, pids or cpu controller in the test cgroup: only the error\n",
             suite.mode_name);
      run(&r, &o, &a);
      expect_error(&r, "--pids-max", "the pids controller is not available");
      result_free(&r);
    }
  else
    {
      struct live l;
      l.pid = start(&o, &a, &l.in, &l.out, &l.err);
      const char *seen = read_until_ready(&l);
      const char *name = sandbox_cgroup(dir, true, monitor, sizeof monitor);
      pathf(path, sizeof path, "0::%s/%s", rel_path(dir), name);
      ck_assert_msg(!strcmp(seen, path), "the command is in the cgroup \"%s\", expected \"%s\"", seen, path);
      pathf(path, sizeof path, "%s/%s", dir, name);
      char *value = cg_read(path, lim->file);
      ck_assert_msg(value && !strcmp(value, lim->want), "%s %s: %s reads \"%s\", expected \"%s\"",
                    lim->option, lim->value, lim->file, value ? value : "(nothing)", lim->want);
      free(value);
      pathf(path, sizeof path, "%s/%s", dir, monitor);
      char *procs = cg_read(path, "cgroup.procs");
      ck_assert_msg(procs && has_pid(procs, l.pid), "foil (pid %d) is not in %s (it holds: %s)", (int)l.pid,
                    path, procs ? procs : "?");
      free(procs);
      procs = cg_read(dir, "cgroup.procs");
      ck_assert_msg(procs && !procs[0], "processes left in %s itself while it has children: %s", dir, procs);
      free(procs);
      finish_ok(&l, lim->option);
    }
  args_free(&a);
  /* A helper foil may have left in its cgroup gets a moment to exit (and
     is ours to wait for: foil's orphans come to us). */
  assert_no_children();
  assert_cgroup_unused(dir, "after foil returned");
  char *after = cg_read(dir, "cgroup.subtree_control");
  ck_assert_msg(before && after && !strcmp(before, after),
                "foil's own cgroup had the controllers \"%s\" enabled, afterwards \"%s\"", before, after);
  free(before);
  free(after);
}
END_TEST

/* Runs foil in cgroup DIR with a limit and no --cgroup; it must refuse
   with WHY, leaving DIR without a new cgroup. Without the controller the
   kernel offers for the limit, that error may come first. */
static void own_cgroup_refused(const char *dir, const char *why)
{
  const struct limit *lim = first_available(dir);
  struct spawn o = { .in_child = enter_cgroup, .in_child_arg = (void *)dir };
  struct args a = { 0 };
  struct result r;
  args_probe(&a);
  args_addv(&a, lim ? lim->option : "--pids-max", lim ? lim->value : "64", "/probe", "exit", "0", END);
  run(&r, &o, &a);
  args_free(&a);
  if (lim || !strstr(r.err, "controller is not available"))
    expect_error(&r, lim ? lim->option : "--pids-max", why);
  else
    assert_one_error(&r, "--pids-max");
  result_free(&r);
  char *kids = children_of(dir);
  ck_assert_msg(!kids[0], "foil refused its own cgroup %s but made \"%s\" in it", dir, kids);
  free(kids);
}

/* foil's own cgroup must hold only foil. */
START_TEST(cgroup_own_not_alone)
{
  if (not_foil("cgroup_own_not_alone") || no_test_cgroup("cgroup_own_not_alone"))
    return;
  char dir[4096];
  new_cgroup(dir, sizeof dir);
  pid_t other = sitter_in(dir);
  own_cgroup_refused(dir, "holds other processes");
  char *procs = settled_procs(dir, other);
  ck_assert_msg(procs && has_pid(procs, other) && count_lines(procs) == 1,
                "%s held pid %d alone before foil ran, now: %s", dir, (int)other, procs ? procs : "?");
  free(procs);
  kill(other, SIGKILL);
  waitpid(other, NULL, 0);
  assert_no_children();
}
END_TEST

/* foil's own cgroup must be delegated to the caller: one root made, whose
   cgroup.procs alone is the user's (so that the user can enter it), is not. */
START_TEST(cgroup_own_not_delegated)
{
  if (not_foil("cgroup_own_not_delegated") || no_test_cgroup("cgroup_own_not_delegated"))
    return;
  char dir[4096];
  pathf(dir, sizeof dir, "%s/procs-only", suite.cgroup);
  own_cgroup_refused(dir, "is not delegated to you");
  free(settled_procs(dir, 0));
  assert_cgroup_unused(dir, "after foil refused");
  assert_no_children();
}
END_TEST

/* ---------------- errors of --cgroup ---------------- */

START_TEST(cgroup_not_mounted)
{
  if (not_foil("cgroup_not_mounted"))
    return;
  const char *mnt = mount_of_type("cgroup2");
  if (mnt)
    {
      printf(
          "SKIP %s:cgroup_not_mounted: cgroup2 is mounted here (at %s); the error needs a host without it\n",
          suite.mode_name, mnt);
      return;
    }
  struct snapshot s;
  snap_take(&s);
  struct result r;
  RUN(&r, "--cgroup", W, "/probe", "exit", "0");
  expect_error(&r, "--cgroup", "cgroup v2 is not mounted");
  result_free(&r);
  snap_assert_unchanged(&s);
  assert_no_children();
}
END_TEST

/* A dir that is no cgroup v2 dir, and one that does not exist. */
START_TEST(cgroup_not_a_cgroup)
{
  if (not_foil("cgroup_not_a_cgroup"))
    return;
  if (!mount_of_type("cgroup2"))
    {
      printf("SKIP %s:cgroup_not_a_cgroup: cgroup2 is not mounted (see cgroup_not_mounted)\n",
             suite.mode_name);
      return;
    }
  struct snapshot s;
  snap_take(&s);
  struct result r;
  RUN(&r, "--cgroup", W, "/probe", "exit", "0");
  expect_error(&r, "--cgroup", "not a cgroup v2 directory");
  result_free(&r);
  snap_assert_unchanged(&s);
  /* A cgroup v1 hierarchy's top: only where the user cannot write it, so
     that a broken foil could not put anything there. */
  const char *v1 = mount_of_type("cgroup");
  if (v1 && suite.mode != SUITE_ROOT)
    {
      char *before = children_of(v1);
      RUN(&r, "--cgroup", v1, "/probe", "exit", "0");
      expect_error(&r, "--cgroup", "not a cgroup v2 directory");
      result_free(&r);
      char *after = children_of(v1);
      ck_assert_msg(!strcmp(before, after), "cgroups made in %s: \"%s\", before \"%s\"", v1, after, before);
      free(before);
      free(after);
    }
  if (suite.cgroup)
    {
      char dir[4096], missing[4200];
      new_cgroup(dir, sizeof dir);
      pathf(missing, sizeof missing, "%s/no-such-cgroup", dir);
      RUN(&r, "--cgroup", missing, "/probe", "exit", "0");
      expect_error(&r, "--cgroup", "No such file or directory");
      result_free(&r);
      assert_cgroup_unused(dir, "after foil refused");
    }
  assert_no_children();
}
END_TEST

/* An error found while the cgroup is made follows --setup-error-status and
   appears in --json-status-fd as any setup error does. In setuid mode the
   monitor finds it, not the process that parsed those two options. */
START_TEST(cgroup_error_status_and_json)
{
  if (not_foil("cgroup_error_status_and_json"))
    return;
  struct snapshot s;
  snap_take(&s);
  int js[2];
  ck_assert(pipe(js) == 0);
  struct args a = { 0 };
  struct result r;
  args_addv(&a, "--setup-error-status", "42", END);
  add_fd_arg(&a, "--json-status-fd", js[1]);
  args_addv(&a, "--cgroup", W, "/probe", "exit", "0", END);
  run_with_fds(&r, &a, &js[1], 1);
  /* No grace time: a process of foil's that outlived it is this process's
     child now (subreaper), alive or not yet reaped. */
  pid_t left = waitpid(-1, NULL, WNOHANG);
  ck_assert_msg(left <= 0, "a process of foil's (pid %d) outlived it", (int)left);
  close(js[1]);
  char *out = slurp_within(js[0], "--json-status-fd");
  close(js[0]);
  ck_assert_msg(r.code == 42 && count_lines(r.err) == 1 && strstr(r.err, "--cgroup"),
                "exit %d (expected 42), stderr:\n%s", r.code, r.err);
  ck_assert_msg(strstr(out, "{ \"setup-error\": \"") && strstr(out, "--cgroup"),
                "no setup-error line naming --cgroup in --json-status-fd:\n%s", out);
  ck_assert_msg(!strstr(out, "exit-code"), "exit-code reported for a command that never ran:\n%s", out);
  free(out);
  result_free(&r);
  args_free(&a);
  snap_assert_unchanged(&s);
  assert_no_children();
}
END_TEST

/* Cgroups that are not the user's: none of them gets a cgroup or a
   process, even from a setuid-root foil. */
START_TEST(cgroup_not_writable)
{
  if (not_foil("cgroup_not_writable") || no_test_cgroup("cgroup_not_writable"))
    return;
  static const char *const names[] = { "root-owned", "dir-only", "procs-only" };
  char dir[4096], link[4200];
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    {
      struct result r;
      pathf(dir, sizeof dir, "%s/%s", suite.cgroup, names[i]);
      RUN(&r, "--cgroup", dir, "/probe", "exit", "0");
      expect_error(&r, "--cgroup", "you may not create a cgroup here");
      result_free(&r);
      assert_cgroup_unused(dir, "after foil refused");
    }
  /* The same through a symlink the user made. */
  pathf(dir, sizeof dir, "%s/root-owned", suite.cgroup);
  pathf(link, sizeof link, "%s/cg-link", W);
  ck_assert(symlink(dir, link) == 0);
  struct result r;
  RUN(&r, "--cgroup", link, "/probe", "exit", "0");
  expect_error(&r, "--cgroup", "you may not create a cgroup here");
  result_free(&r);
  assert_cgroup_unused(dir, "after foil refused");
  assert_no_children();
}
END_TEST

/* ---------------- limits: errors ---------------- */

static const struct {
  const char *option, *value, *controller;
} limit_options[] = {
  { "--memory-max", "32M", "memory" },    { "--memory-high", "32M", "memory" },
  { "--memory-swap-max", "0", "memory" }, { "--pids-max", "16", "pids" },
  { "--cpu-max", "50000/100000", "cpu" }, { "--cpus", "0.5", "cpu" },
  { "--cpu-weight", "50", "cpu" },        { "--io-weight", "50", "io" },
};

/* Each limit in a cgroup without its controller: the one line naming the
   option and the controller, and nothing made. A cgroup made in a fresh
   one has none (its parent enables nothing for it), on any host. */
START_TEST(cgroup_controller_unavailable)
{
  if (not_foil("cgroup_controller_unavailable") || no_test_cgroup("cgroup_controller_unavailable"))
    return;
  char dir[4096], inner[4200], phrase[128];
  new_cgroup(dir, sizeof dir);
  pathf(inner, sizeof inner, "%s/inner", dir);
  make_cgroup(inner);
  for (size_t i = 0; i < sizeof limit_options / sizeof limit_options[0]; i++)
    {
      const char *d[2] = { inner, dir };
      pathf(phrase, sizeof phrase, "the %s controller is not available", limit_options[i].controller);
      /* DIR itself only where the test cgroup does not offer it either. */
      for (int k = 0; k < (available(dir, limit_options[i].controller) ? 1 : 2); k++)
        {
          struct result r;
          RUN(&r, "--cgroup", d[k], limit_options[i].option, limit_options[i].value, "/probe", "exit", "0");
          expect_error(&r, limit_options[i].option, phrase);
          result_free(&r);
          char *kids = children_of(d[k]);
          ck_assert_msg(!strcmp(kids, k ? "inner " : ""), "%s refused, but %s holds \"%s\"",
                        limit_options[i].option, d[k], kids);
          free(kids);
        }
    }
  assert_no_children();
}
END_TEST

/* Values no limit takes: one line naming the option, before anything. */
START_TEST(cgroup_malformed_values)
{
  if (not_foil("cgroup_malformed_values"))
    return;
  static const struct {
    const char *option;
    const char *bad[12];
  } cases[] = {
    { "--memory-max", { "12Q", "abc", "", "-1", "M", "1MB", "max1", "99999999999999999999T", NULL } },
    { "--memory-high", { "12Q", "abc", "", "-1", "M", "1MB", "max1", NULL } },
    { "--memory-swap-max", { "12Q", "abc", "", "-1", "M", "1MB", "max1", NULL } },
    { "--pids-max", { "0", "-1", "abc", "", "1.5", "max1", "99999999999999999999", NULL } },
    { "--cpu-max",
      { "", "abc", "0", "-5", "/100000", "50000/", "50000/0", "50000/abc", "50000/100000/1", "max/", NULL } },
    { "--cpus", { "0", "-1", "-0.5", "abc", "", "0.5.5", "1,5", "nan", "inf", NULL } },
    { "--cpu-weight", { "0", "10001", "-1", "abc", "", "1.5", "99999999999999999999", NULL } },
    { "--io-weight", { "0", "10001", "-1", "abc", "", "1.5", "99999999999999999999", NULL } },
  };
  struct snapshot s;
  snap_take(&s);
  struct result r;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    for (const char *const *v = cases[i].bad; *v; v++)
      {
        RUN(&r, cases[i].option, *v, "/probe", "exit", "0");
        assert_one_error(&r, cases[i].option);
        ck_assert_msg(!strstr(r.err, "nknown option"), "%s \"%s\": %s", cases[i].option, *v, r.err);
        result_free(&r);
      }
  /* The wordings the interface gives. */
  RUN(&r, "--memory-max", "12Q", "/probe", "exit", "0");
  expect_error(&r, "--memory-max", "--memory-max 12Q: invalid size");
  result_free(&r);
  RUN(&r, "--cpus", "0", "/probe", "exit", "0");
  expect_error(&r, "--cpus", "--cpus 0");
  result_free(&r);
  static const char *const weights[] = { "--cpu-weight", "--io-weight" };
  for (int w = 0; w < 2; w++)
    for (int k = 0; k < 2; k++)
      {
        RUN(&r, weights[w], k ? "10001" : "0", "/probe", "exit", "0");
        expect_error(&r, weights[w], "must be 1 to 10000");
        result_free(&r);
      }
  snap_assert_unchanged(&s);
  assert_no_children();
}
END_TEST

/* ---------------- accounting ---------------- */

/* The line after the exit code: cpu-usec everywhere, memory-peak,
   pids-peak and oom-kills where the controllers (and the kernel's files)
   are there. None without a cgroup. */
START_TEST(cgroup_json_accounting)
{
  if (not_foil("cgroup_json_accounting") || no_test_cgroup("cgroup_json_accounting"))
    return;
  char dir[4096];
  new_cgroup(dir, sizeof dir);
  struct result r;
  struct json_obj o;
  struct args a = { 0 };
  args_addv(&a, "--cgroup", dir, "/probe", "spin", "50", END);
  char *status = run_with_status(&r, &a);
  args_free(&a);
  assert_ok(&r);
  result_free(&r);
  resource_usage(status, 0, &o);
  /* 50 ms of the probe's own CPU time, and less than a minute of two CPUs'. */
  long long usec = *json_get(&o, "cpu-usec");
  ck_assert_msg(usec >= 50000 && usec < 120000000, "cpu-usec %lld after 50 ms of CPU time:\n%s", usec,
                status);
  if (json_get(&o, "memory-peak"))
    ck_assert_msg(*json_get(&o, "memory-peak") > 0 && *json_get(&o, "memory-peak") < (1LL << 30),
                  "memory-peak:\n%s", status);
  if (json_get(&o, "pids-peak"))
    ck_assert_msg(*json_get(&o, "pids-peak") >= 1 && *json_get(&o, "pids-peak") <= 16, "pids-peak:\n%s",
                  status);
  if (json_get(&o, "oom-kills"))
    ck_assert_msg(*json_get(&o, "oom-kills") == 0, "oom-kills:\n%s", status);
  free(status);
  assert_cgroup_unused(dir, "after foil returned");

  /* With the memory and pids controllers in use, their members. */
  if (available(dir, "memory") && available(dir, "pids"))
    {
      args_addv(&a, "--cgroup", dir, "--memory-max", "256M", "--pids-max", "64", "/probe", "spin", "10", END);
      status = run_with_status(&r, &a);
      args_free(&a);
      assert_ok(&r);
      result_free(&r);
      resource_usage(status, 0, &o);
      if (has_file(dir, "memory.peak"))
        ck_assert_msg(json_get(&o, "memory-peak") && *json_get(&o, "memory-peak") > 0 &&
                          *json_get(&o, "memory-peak") <= 256LL << 20,
                      "memory-peak (the kernel has memory.peak):\n%s", status);
      if (has_file(dir, "pids.peak"))
        ck_assert_msg(json_get(&o, "pids-peak") && *json_get(&o, "pids-peak") >= 1 &&
                          *json_get(&o, "pids-peak") <= 64,
                      "pids-peak (the kernel has pids.peak):\n%s", status);
      ck_assert_msg(json_get(&o, "oom-kills") && *json_get(&o, "oom-kills") == 0, "oom-kills:\n%s", status);
      free(status);
      assert_cgroup_unused(dir, "after foil returned");
    }
  else
    printf(
        "SKIP %s:cgroup_json_accounting: no memory and pids controllers in the test cgroup: cpu-usec only\n",
        suite.mode_name);

  /* No cgroup, no accounting line. */
  args_addv(&a, "/probe", "exit", "0", END);
  status = run_with_status(&r, &a);
  args_free(&a);
  assert_ok(&r);
  result_free(&r);
  ck_assert_msg(count_lines(status) == 2 && !strstr(status, "resource-usage"),
                "without a cgroup, --json-status-fd got:\n%s", status);
  free(status);
  assert_no_children();
}
END_TEST

/* ---------------- limits in force ---------------- */

/* Each option in SET whose controller (and file) the test cgroup has,
   set in one sandbox; the files of its cgroup read as they must. */
static void check_limit_set(const char *dir, const struct limit *set, size_t n)
{
  struct args a = { 0 };
  char sandbox[4200], used[512] = "";
  args_addv(&a, "--cgroup", dir, END);
  for (size_t i = 0; i < n; i++)
    if (available(dir, set[i].controller) && has_file(dir, set[i].file))
      {
        args_addv(&a, set[i].option, set[i].value, END);
        pathf(used + strlen(used), sizeof used - strlen(used), " %s %s", set[i].option, set[i].value);
      }
  if (!used[0])
    {
      args_free(&a);
      return;
    }
  args_addv(&a, "/probe", "wait-stdin", END);
  struct live l;
  live_start(&l, &a, NULL, 0);
  args_free(&a);
  read_until_ready(&l);
  pathf(sandbox, sizeof sandbox, "%s/%s", dir, sandbox_cgroup(dir, false, NULL, 0));
  for (size_t i = 0; i < n; i++)
    if (available(dir, set[i].controller) && has_file(dir, set[i].file))
      {
        char *v = cg_read(sandbox, set[i].file);
        /* io.weight: "default N", then one line per device set apart. */
        if (v)
          v[strcspn(v, "\n")] = 0;
        ck_assert_msg(v && !strcmp(v, set[i].want), "[%s] %s %s: %s reads \"%s\", expected \"%s\"", used,
                      set[i].option, set[i].value, set[i].file, v ? v : "(nothing)", set[i].want);
        free(v);
      }
  finish_ok(&l, used);
  assert_cgroup_unused(dir, "after foil returned");
}

START_TEST(cgroup_limits_written)
{
  if (not_foil("cgroup_limits_written") || no_test_cgroup("cgroup_limits_written"))
    return;
  char dir[4096];
  new_cgroup(dir, sizeof dir);
  if (!available(dir, "memory") && !available(dir, "pids") && !available(dir, "cpu") && !available(dir, "io"))
    {
      printf("SKIP %s:cgroup_limits_written: no memory, pids, cpu or io controller in the test cgroup\n",
             suite.mode_name);
      return;
    }
  static const struct limit a[] = {
    { "--memory-max", "64M", "memory", "memory.max", "67108864" },
    { "--memory-high", "49152K", "memory", "memory.high", "50331648" },
    { "--memory-swap-max", "16M", "memory", "memory.swap.max", "16777216" },
    { "--pids-max", "100", "pids", "pids.max", "100" },
    { "--cpu-max", "20000/50000", "cpu", "cpu.max", "20000 50000" },
    { "--cpu-weight", "50", "cpu", "cpu.weight", "50" },
    { "--io-weight", "200", "io", "io.weight", "default 200" },
  };
  static const struct limit b[] = {
    { "--memory-max", "max", "memory", "memory.max", "max" },
    { "--memory-high", "1G", "memory", "memory.high", "1073741824" },
    { "--memory-swap-max", "max", "memory", "memory.swap.max", "max" },
    { "--pids-max", "max", "pids", "pids.max", "max" },
    { "--cpu-max", "30000", "cpu", "cpu.max", "30000 100000" },
    { "--cpu-weight", "10000", "cpu", "cpu.weight", "10000" },
    { "--io-weight", "1", "io", "io.weight", "default 1" },
  };
  static const struct limit c[] = {
    { "--memory-max", "1T", "memory", "memory.max", "1099511627776" },
    { "--memory-high", "max", "memory", "memory.high", "max" },
    /* Not fewer: foil's own processes in the sandbox count too. */
    { "--pids-max", "8", "pids", "pids.max", "8" },
    { "--cpu-max", "max", "cpu", "cpu.max", "max 100000" },
    { "--cpu-weight", "1", "cpu", "cpu.weight", "1" },
  };
  static const struct limit d[] = {
    { "--memory-max", "268435456", "memory", "memory.max", "268435456" },
    { "--cpus", "1.5", "cpu", "cpu.max", "150000 100000" },
  };
  static const struct limit e[] = {
    { "--cpus", "0.25", "cpu", "cpu.max", "25000 100000" },
  };
  check_limit_set(dir, a, sizeof a / sizeof a[0]);
  check_limit_set(dir, b, sizeof b / sizeof b[0]);
  check_limit_set(dir, c, sizeof c / sizeof c[0]);
  check_limit_set(dir, d, sizeof d / sizeof d[0]);
  check_limit_set(dir, e, sizeof e / sizeof e[0]);
  assert_no_children();
}
END_TEST

/* Swap on, without the file to forbid the cgroup its use: a memory hog
   would be swapped out rather than killed. */
static bool swap_unlimitable(const char *dir)
{
  char *swaps = read_file("/proc/swaps");
  bool on = swaps && count_lines(swaps) > 1;
  free(swaps);
  return on && !has_file(dir, "memory.swap.max");
}

/* 128 MiB touched under a 32 MiB limit: the kernel kills the command,
   foil says why, exits 137 and counts the kill. Gentle on purpose: the
   probe is small and static, its memory anonymous (nothing to evict and
   read back). */
START_TEST(cgroup_memory_oom)
{
  if (not_foil("cgroup_memory_oom") || no_test_cgroup("cgroup_memory_oom"))
    return;
  char dir[4096], want[256];
  new_cgroup(dir, sizeof dir);
  if (lacks_controller("cgroup_memory_oom", dir, "memory"))
    return;
  if (swap_unlimitable(dir))
    {
      printf("SKIP %s:cgroup_memory_oom: swap is on and the kernel has no memory.swap.max\n",
             suite.mode_name);
      return;
    }
  struct args a = { 0 };
  struct result r;
  args_addv(&a, "--cgroup", dir, "--memory-max", "32M", END);
  if (has_file(dir, "memory.swap.max"))
    args_addv(&a, "--memory-swap-max", "0", END);
  args_addv(&a, "/probe", "hog", "128", END);
  char *status = run_with_status(&r, &a);
  args_free(&a);
  pathf(want, sizeof want, "%s: the command was killed: memory limit 32M reached\n", suite.name);
  ck_assert_msg(
      r.code == 137 && !strcmp(r.err, want),
      "128 MiB under --memory-max 32M: exit %d (expected 137), stdout:\n%s\nstderr (expected %s):\n%s",
      r.code, r.out, want, r.err);
  result_free(&r);
  struct json_obj o;
  resource_usage(status, 137, &o);
  ck_assert_msg(json_get(&o, "oom-kills") && *json_get(&o, "oom-kills") >= 1, "oom-kills:\n%s", status);
  /* The kernel may let a dying task overshoot the limit a little. */
  if (json_get(&o, "memory-peak"))
    ck_assert_msg(*json_get(&o, "memory-peak") > (1LL << 20) && *json_get(&o, "memory-peak") <= 64LL << 20,
                  "memory-peak under a 32 MiB limit:\n%s", status);
  free(status);
  assert_cgroup_unused(dir, "after foil returned");
  assert_no_children();
}
END_TEST

/* Forks under --pids-max 16 stop with EAGAIN inside, while the caller (the
   same user) forks on as many as it likes. */
START_TEST(cgroup_pids_forkbomb)
{
  if (not_foil("cgroup_pids_forkbomb") || no_test_cgroup("cgroup_pids_forkbomb"))
    return;
  char dir[4096], line[256];
  new_cgroup(dir, sizeof dir);
  if (lacks_controller("cgroup_pids_forkbomb", dir, "pids"))
    return;
  int js[2];
  ck_assert(pipe(js) == 0);
  struct args a = { 0 };
  add_fd_arg(&a, "--json-status-fd", js[1]);
  args_addv(&a, "--cgroup", dir, "--pids-max", "16", "/probe", "forkbomb", "200", END);
  struct live l;
  live_start(&l, &a, &js[1], 1);
  close(js[1]);
  args_free(&a);
  probe_line(&l, line, sizeof line);
  int got = -1;
  char why[64] = "";
  ck_assert_msg(sscanf(line, "forkbomb: %d %63s", &got, why) == 2, "probe: %s", line);
  ck_assert_msg(got >= 1 && got < 16 && !strcmp(why, "EAGAIN"),
                "under --pids-max 16 the command forked %d processes, then %s", got, why);
  probe_line(&l, line, sizeof line);
  /* Its processes all there, the caller forks 32 of its own. */
  pid_t kids[32];
  for (int i = 0; i < 32; i++)
    {
      kids[i] = fork();
      ck_assert_msg(kids[i] >= 0, "the caller cannot fork beside the contained fork bomb: %s",
                    strerror(errno));
      if (kids[i] == 0)
        {
          pause();
          _exit(0);
        }
    }
  for (int i = 0; i < 32; i++)
    {
      kill(kids[i], SIGKILL);
      waitpid(kids[i], NULL, 0);
    }
  finish_ok(&l, "--pids-max 16");
  char *status = slurp_within(js[0], "--json-status-fd");
  close(js[0]);
  struct json_obj o;
  resource_usage(status, 0, &o);
  if (json_get(&o, "pids-peak"))
    ck_assert_msg(*json_get(&o, "pids-peak") >= got + 1 && *json_get(&o, "pids-peak") <= 16,
                  "pids-peak after %d forks under --pids-max 16:\n%s", got, status);
  free(status);
  assert_cgroup_unused(dir, "after foil returned");
  assert_no_children();
}
END_TEST

/* Two busy processes under --cpus 0.5: cpu.max says so and the kernel
   throttles them (read from the sandbox's cgroup while it runs; waiting
   for it rather than for a fixed time, as a loaded machine may take a
   while to give them their half CPU per period). */
START_TEST(cgroup_cpu_throttled)
{
  if (not_foil("cgroup_cpu_throttled") || no_test_cgroup("cgroup_cpu_throttled"))
    return;
  char dir[4096], sandbox[4200];
  new_cgroup(dir, sizeof dir);
  if (lacks_controller("cgroup_cpu_throttled", dir, "cpu"))
    return;
  struct args a = { 0 };
  args_addv(&a, "--cgroup", dir, "--cpus", "0.5", "/probe", "burn", END);
  struct live l;
  live_start(&l, &a, NULL, 0);
  args_free(&a);
  read_until_ready(&l);
  pathf(sandbox, sizeof sandbox, "%s/%s", dir, sandbox_cgroup(dir, false, NULL, 0));
  char *max = cg_read(sandbox, "cpu.max");
  ck_assert_msg(max && !strcmp(max, "50000 100000"), "--cpus 0.5: cpu.max reads \"%s\"", max ? max : "?");
  free(max);
  long long throttled = 0;
  char *stat = NULL;
  for (int t = 0; t < LONG_MS / 50 && throttled <= 0; t++)
    {
      free(stat);
      stat = cg_read(sandbox, "cpu.stat");
      const char *p = stat ? strstr(stat, "nr_throttled ") : NULL;
      throttled = p ? atoll(p + 13) : 0;
      if (throttled <= 0)
        usleep(50000);
    }
  ck_assert_msg(throttled > 0, "two busy processes under --cpus 0.5, not throttled after %d ms:\n%s", LONG_MS,
                stat ? stat : "(no cpu.stat)");
  free(stat);
  finish_ok(&l, "--cpus 0.5");
  assert_cgroup_unused(dir, "after foil returned");
  assert_no_children();
}
END_TEST

/* ---------------- registration ---------------- */

void register_cgroup_tests(TCase *tc)
{
  const struct test_entry tests[] = {
    T(cgroup_placement, ALL),
    T(cgroup_placement_without_clone3, U | R),
    T(cgroup_unshare_cgroup_view, ALL),
    T(cgroup_kills_daemon, ALL),
    T(cgroup_monitor_killed, ALL),
    T(cgroup_own, ALL),
    T(cgroup_own_not_alone, ALL),
    /* Root may write any cgroup. */
    T(cgroup_own_not_delegated, S | U),
    T(cgroup_not_mounted, ALL),
    T(cgroup_not_a_cgroup, ALL),
    T(cgroup_error_status_and_json, ALL),
    T(cgroup_not_writable, S | U),
    T(cgroup_controller_unavailable, ALL),
    T(cgroup_malformed_values, ALL),
    T(cgroup_json_accounting, ALL),
    T(cgroup_limits_written, ALL),
    T(cgroup_memory_oom, ALL),
    T(cgroup_pids_forkbomb, ALL),
    T(cgroup_cpu_throttled, ALL),
    { NULL, 0 },
  };
  tcase_add_checked_fixture(tc, NULL, cgroups_teardown);
  add_tests(tc, tests);
}
