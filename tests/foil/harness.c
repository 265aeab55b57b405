/* Helpers of the foil integration suite (see harness.h). */
#include "harness.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

struct suite_env suite;
char W[4096];

/* ---- per-test scratch dir ---- */

void work_setup(void)
{
  /* foil's orphans come back to this process, to be found and killed. */
  prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
  snprintf(W, sizeof W, "%s/t.XXXXXX", suite.workbase);
  ck_assert_msg(mkdtemp(W) != NULL, "mkdtemp %s: %s", W, strerror(errno));
  chmod(W, 0755);
  if (chdir(W) != 0)
    ck_abort_msg("chdir %s", W);
}

static int rm_entry(const char *path, UNUSED const struct stat *st, int flag, UNUSED struct FTW *ftw)
{
  if (flag == FTW_DP || flag == FTW_D)
    chmod(path, 0700), rmdir(path);
  else
    unlink(path);
  return 0;
}

void work_teardown(void)
{
  kill_children();
  if (chdir("/") != 0)
    return;
  if (W[0])
    nftw(W, rm_entry, 32, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
}

/* ---- running foil ---- */

void args_probe(struct args *a) { args_addv(a, "--ro-bind", suite.probe, "/probe", END); }

void add_fd_arg(struct args *a, const char *opt, int fd)
{
  args_add(a, opt);
  args_addf(a, "%d", fd);
}

/* The child O describes (O may be NULL), suite.foil being the default
 * program, and its argument vector: the program's path, then ARGS. */
static void foil_child(const struct spawn *o, struct args *a, struct spawn *s, struct args *full)
{
  *s = o ? *o : (struct spawn){ 0 };
  if (!s->exec_path)
    s->exec_path = suite.foil;
  args_add(full, s->exec_path);
  for (size_t i = 0; i < a->n; i++)
    args_add(full, a->v[i]);
  /* foil's orphans come back to this process, to be found and killed. */
  prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
}

pid_t start(const struct spawn *o, struct args *a, int *in_fd, int *out_fd, int *err_fd)
{
  struct spawn s;
  struct args full = { 0 };
  foil_child(o, a, &s, &full);
  pid_t pid = spawn_start(&s, full.v, in_fd, out_fd, err_fd);
  args_free(&full);
  return pid;
}

void run(struct result *r, const struct spawn *o, struct args *a)
{
  struct spawn s;
  struct args full = { 0 };
  foil_child(o, a, &s, &full);
  spawn_run(r, &s, full.v);
  args_free(&full);
}

/* The probe's bind, then ARGS, into FULL; FDS into O's kept fds. */
static void with_probe(struct args *a, const int *fds, int n, struct args *full, struct spawn *o)
{
  *o = (struct spawn){ 0 };
  args_probe(full);
  for (size_t i = 0; i < a->n; i++)
    args_add(full, a->v[i]);
  for (int i = 0; i < n; i++)
    o->keep_fds[o->nkeep++] = fds[i];
}

void run_binary_with_fds(struct result *r, const char *binary, struct args *a, const int *fds, int n)
{
  struct spawn o;
  struct args full = { 0 };
  with_probe(a, fds, n, &full, &o);
  o.exec_path = binary;
  run(r, &o, &full);
  args_free(&full);
}

void run_with_fds(struct result *r, struct args *a, const int *fds, int n)
{
  run_binary_with_fds(r, NULL, a, fds, n);
}

void live_start(struct live *l, struct args *a, const int *fds, int n)
{
  struct spawn o;
  struct args full = { 0 };
  with_probe(a, fds, n, &full, &o);
  l->pid = start(&o, &full, &l->in, &l->out, &l->err);
  args_free(&full);
}

/* Closes the payload's stdin and collects the exit status. */
int live_finish(struct live *l, char **err)
{
  if (l->in >= 0)
    close(l->in);
  l->in = -1;
  char *rest = slurp_fd(l->out);
  free(rest);
  char *e = slurp_fd(l->err);
  close(l->out);
  close(l->err);
  int code = wait_code(l->pid);
  if (err)
    *err = e;
  else
    free(e);
  return code;
}

/* ---- assertions ---- */

void assert_one_error(const struct result *r, const char *what)
{
  char prefix[256];
  snprintf(prefix, sizeof prefix, "%s: ", suite.name);
  ck_assert_msg(r->code == 1, "exit %d, expected 1\nstdout:\n%s\nstderr:\n%s", r->code, r->out, r->err);
  ck_assert_msg(r->out[0] == 0, "stdout not empty:\n%s", r->out);
  ck_assert_msg(count_lines(r->err) == 1, "expected exactly one stderr line, got:\n%s", r->err);
  ck_assert_msg(!strncmp(r->err, prefix, strlen(prefix)), "stderr does not start with \"%s\":\n%s", prefix,
                r->err);
  ck_assert_msg(!what || strstr(r->err, what), "stderr does not name \"%s\":\n%s", what, r->err);
}

/* Exit 1 and exactly the line "NAME: MSG" on stderr. */
void assert_error_text(const struct result *r, const char *msg)
{
  char want[512];
  pathf(want, sizeof want, "%s: %s\n", suite.name, msg);
  assert_one_error(r, NULL);
  ck_assert_msg(!strcmp(r->err, want), "expected the error\n%sgot\n%s", want, r->err);
}

void assert_ok(const struct result *r)
{
  ck_assert_msg(r->code == 0, "exit %d, expected 0\nstdout:\n%s\nstderr:\n%s", r->code, r->out, r->err);
  ck_assert_msg(r->err[0] == 0, "unexpected stderr:\n%s", r->err);
}

bool setuid_keeps_caller_ids(void)
{
  char *v = read_file("/proc/sys/kernel/unprivileged_userns_clone");
  bool forbidden = v && v[0] == '0';
  free(v);
  return suite.mode == SUITE_SETUID && forbidden;
}

/* True (and prints SKIP) when the binary under test is a bwrap older than
 * 0.MINOR, which does not have the option the test is about. */
bool bwrap_lacks(const char *test, int minor)
{
  if (suite.target_bwrap && suite.target_bwrap < minor)
    {
      printf("SKIP %s:%s: bubblewrap 0.%d has no such option\n", suite.mode_name, test, suite.target_bwrap);
      return true;
    }
  return false;
}

/* True (and prints SKIP) when the binary under test is bwrap: the test is
 * about one of foil's extensions. */
bool not_foil(const char *test)
{
  if (suite.target_bwrap)
    {
      printf("SKIP %s:%s: a foil extension\n", suite.mode_name, test);
      return true;
    }
  return false;
}

/* ---- fds ---- */

/* Reads a pretty-printed JSON object (up to the line "}") without waiting
 * for EOF, so that tests of other fds do not depend on when foil closes
 * this one. */
char *read_json_object(int fd, const char *what)
{
  char *buf = calloc(1, 8192), line[1024];
  do
    {
      expect_line(fd, line, sizeof line, what);
      ck_assert_msg(strlen(buf) + strlen(line) + 2 < 8192, "%s too long", what);
      strcat(buf, line);
      strcat(buf, "\n");
    }
  while (strcmp(line, "}"));
  return buf;
}

/* NUL-separated words, for --args. */
int args_data_fd(const char *const *words, size_t n)
{
  size_t len = 0;
  for (size_t i = 0; i < n; i++)
    len += strlen(words[i]) + 1;
  char *buf = malloc(len + 1), *p = buf;
  for (size_t i = 0; i < n; i++)
    {
      size_t l = strlen(words[i]) + 1;
      memcpy(p, words[i], l);
      p += l;
    }
  int fd = data_fd(buf, len);
  free(buf);
  return fd;
}

void open_data_fds(int *fds, int n)
{
  for (int i = 0; i < n; i++)
    fds[i] = text_fd("data\n");
}

void close_fds(const int *fds, int n)
{
  for (int i = 0; i < n; i++)
    close(fds[i]);
}

/* ---- leftovers ---- */

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Joins sorted lines into one string, so two snapshots compare with strcmp. */
static char *join_sorted(char **v, size_t n)
{
  size_t len = 1;
  qsort(v, n, sizeof *v, cmp_str);
  for (size_t i = 0; i < n; i++)
    len += strlen(v[i]) + 1;
  char *s = xrealloc(NULL, len);
  s[0] = 0;
  for (size_t i = 0; i < n; i++)
    {
      strcat(s, v[i]);
      strcat(s, "\n");
      free(v[i]);
    }
  free(v);
  return s;
}

static char **list_v;
static size_t list_n, list_cap;

static void list_push(const char *s)
{
  if (list_n + 1 > list_cap)
    list_v = xrealloc(list_v, (list_cap = list_cap ? list_cap * 2 : 64) * sizeof *list_v);
  list_v[list_n++] = strdup(s);
}

static int list_entry(const char *path, UNUSED const struct stat *st, UNUSED int flag,
                      UNUSED struct FTW *ftw)
{
  list_push(path);
  return 0;
}

/* Where every run of the suite keeps its private temp dir (run-integration.sh
 * and harness_init() make it with mktemp). */
#define TDIR_PREFIX "/var/tmp/foil-check."

/* True for a mount in the temp dir of another run of this suite: a
 * concurrent `make check` mounts and unmounts its fixture there. */
static bool other_runs_mount(const char *mount_point)
{
  size_t n = strlen(suite.tdir);
  if (strncmp(mount_point, TDIR_PREFIX, strlen(TDIR_PREFIX)) != 0)
    return false;
  return strncmp(mount_point, suite.tdir, n) != 0 || (mount_point[n] != '/' && mount_point[n] != 0);
}

/* "ID MOUNT-POINT" of each mount of our mount namespace. */
static char *mount_list(void)
{
  FILE *f = fopen("/proc/self/mountinfo", "r");
  char line[8192], id[32], mp[4096];
  list_v = NULL;
  list_n = list_cap = 0;
  while (f && fgets(line, sizeof line, f))
    {
      if (sscanf(line, "%31s %*s %*s %*s %4095s", id, mp) != 2 || other_runs_mount(mp))
        continue;
      pathf(line, sizeof line, "%s %s", id, mp);
      list_push(line);
    }
  if (f)
    fclose(f);
  return join_sorted(list_v, list_n);
}

void snap_take(struct snapshot *s)
{
  s->mounts = mount_list();

  list_v = NULL;
  list_n = list_cap = 0;
  nftw(W, list_entry, 32, FTW_PHYS);
  /* Shared temp dirs: only entries owned by us, and only when we are a
     * throw-away user; root shares these dirs with the whole machine. */
  static const char *const shared[] = { "/tmp", "/var/tmp", "/dev/shm" };
  for (size_t i = 0; getuid() != 0 && i < 3; i++)
    {
      DIR *d = opendir(shared[i]);
      struct dirent *e;
      while (d && (e = readdir(d)))
        {
          char p[4096];
          struct stat st;
          snprintf(p, sizeof p, "%s/%s", shared[i], e->d_name);
          if (e->d_name[0] != '.' || strlen(e->d_name) > 2)
            if (lstat(p, &st) == 0 && st.st_uid == getuid())
              list_push(p);
        }
      if (d)
        closedir(d);
    }
  s->files = join_sorted(list_v, list_n);
}

void snap_assert_unchanged(struct snapshot *before)
{
  struct snapshot after;
  snap_take(&after);
  ck_assert_msg(!strcmp(before->mounts, after.mounts), "host mount table changed:\nbefore:\n%s\nafter:\n%s",
                before->mounts, after.mounts);
  ck_assert_msg(!strcmp(before->files, after.files), "files changed:\nbefore:\n%s\nafter:\n%s", before->files,
                after.files);
  free(after.mounts);
  free(after.files);
  free(before->mounts);
  free(before->files);
  before->mounts = before->files = NULL;
}

/* Children of this process (foil's orphans are reparented to us). */
static int list_children(pid_t *pids, int max)
{
  int n = 0;
  DIR *d = opendir("/proc");
  struct dirent *e;
  while (d && (e = readdir(d)) && n < max)
    {
      char p[64], buf[1024];
      int pid = atoi(e->d_name);
      if (pid <= 0)
        continue;
      snprintf(p, sizeof p, "/proc/%d/stat", pid);
      int fd = open(p, O_RDONLY | O_CLOEXEC);
      if (fd < 0)
        continue;
      ssize_t len = read(fd, buf, sizeof buf - 1);
      close(fd);
      if (len <= 0)
        continue;
      buf[len] = 0;
      char *rp = strrchr(buf, ')');
      char state;
      int ppid;
      if (rp && sscanf(rp + 2, "%c %d", &state, &ppid) == 2 && ppid == getpid() && state != 'Z')
        pids[n++] = pid;
    }
  if (d)
    closedir(d);
  return n;
}

void assert_no_children(void)
{
  pid_t pids[64];
  int n = 0;
  /* A process in the middle of exiting is not left behind: give the
     * kernel up to two seconds to finish it. */
  for (int i = 0; i < 200; i++)
    {
      while (waitpid(-1, NULL, WNOHANG) > 0)
        ;
      n = list_children(pids, 64);
      if (n == 0)
        break;
      usleep(10000);
    }
  if (n > 0)
    {
      char comm[64] = "?", p[64];
      snprintf(p, sizeof p, "/proc/%d/comm", pids[0]);
      char *c = read_file(p);
      if (c)
        snprintf(comm, sizeof comm, "%s", c);
      free(c);
      kill_children();
      ck_abort_msg("%d process(es) left behind, e.g. pid %d %s", n, pids[0], comm);
    }
}

void kill_children(void)
{
  pid_t pids[64];
  for (int round = 0; round < 50; round++)
    {
      while (waitpid(-1, NULL, WNOHANG) > 0)
        ;
      int n = list_children(pids, 64);
      if (n == 0)
        return;
      for (int i = 0; i < n; i++)
        kill(pids[i], SIGKILL);
      usleep(10000);
    }
}

const char *ns_inode(pid_t pid, const char *ns)
{
  static char buf[64];
  char p[64];
  struct stat st;
  if (pid)
    snprintf(p, sizeof p, "/proc/%d/ns/%s", (int)pid, ns);
  else
    snprintf(p, sizeof p, "/proc/self/ns/%s", ns);
  if (stat(p, &st) != 0)
    return "unknown";
  snprintf(buf, sizeof buf, "%llu", (unsigned long long)st.st_ino);
  return buf;
}

/* ---- configuration ---- */

#include "suites.h"

static char own_tdir[64];

static const char *env_or(const char *name, const char *dflt)
{
  const char *v = getenv(name);
  return v && *v ? v : dflt;
}

static enum suite_mode detect_mode(void)
{
  const char *m = getenv("FOIL_TEST_MODE");
  struct stat st;
  if (m && !strcmp(m, "setuid"))
    return SUITE_SETUID;
  if (m && !strcmp(m, "userns"))
    return SUITE_USERNS;
  if (m && !strcmp(m, "root"))
    return SUITE_ROOT;
  if (getuid() == 0)
    return SUITE_ROOT;
  if (stat(suite.foil, &st) == 0 && (st.st_mode & S_ISUID) && st.st_uid == 0)
    return SUITE_SETUID;
  return SUITE_USERNS;
}

static char *abs_path(const char *p)
{
  char *r = realpath(p, NULL);
  if (!r)
    {
      fprintf(stderr, "check_foil: %s: %s\n", p, strerror(errno));
      exit(2);
    }
  return r;
}

/* "bubblewrap 0.8.0" -> 8; anything else (foil, under any name) -> 0. Runs before any
 * test, so it must not use Check's assertions. */
static int bwrap_minor(const char *binary)
{
  int p[2], minor = 0;
  char buf[256] = "";
  if (pipe2(p, O_CLOEXEC) != 0)
    return 0;
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0)
    {
      dup2(p[1], 1);
      execl(binary, binary, "--version", (char *)NULL);
      _exit(127);
    }
  close(p[1]);
  ssize_t n = pid > 0 ? read(p[0], buf, sizeof buf - 1) : -1;
  buf[n > 0 ? n : 0] = 0;
  close(p[0]);
  if (pid > 0)
    waitpid(pid, NULL, 0);
  /* foil invoked as bwrap says "bubblewrap 0.11.1 (foil X.Y.Z)": still foil. */
  if (strstr(buf, "foil") || sscanf(buf, "bubblewrap 0.%d", &minor) != 1)
    minor = 0;
  return minor;
}

void harness_init(void)
{
  static const char *const names[] = { "setuid", "userns", "root" };
  static char self[4096];
  char p[4200];
  struct stat st;

  suite.foil = abs_path(env_or("FOIL", "./foil"));
  /* Not the realpath: a symlink's own name is what foil prints. */
  {
    const char *f = env_or("FOIL", "./foil");
    const char *slash = strrchr(f, '/');
    suite.name = slash ? slash + 1 : f;
  }
  suite.mode = detect_mode();
  suite.mode_name = names[suite.mode];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  self[n > 0 ? n : 0] = 0;
  suite.bindir = env_or("FOIL_TEST_BIN", dirname(self));
  snprintf(p, sizeof p, "%s/foil-probe", suite.bindir);
  suite.probe = strdup(p);
  suite.payload_comm = "probe"; /* bound and run as /probe */
  if (access(suite.probe, X_OK) != 0)
    {
      fprintf(stderr, "check_foil: helper %s missing\n", suite.probe);
      exit(2);
    }
  if (getenv("FOIL_TEST_DIR"))
    {
      suite.tdir = getenv("FOIL_TEST_DIR");
    }
  else
    {
      /* Not /tmp: sandboxes commonly hide it, and it is shared. */
      snprintf(own_tdir, sizeof own_tdir, TDIR_PREFIX "XXXXXX");
      if (!mkdtemp(own_tdir))
        {
          perror("check_foil: mkdtemp");
          exit(2);
        }
      chmod(own_tdir, 0755);
      suite.tdir = own_tdir;
    }
  suite.workbase = env_or("FOIL_TEST_WORK", suite.tdir);
  /* The secret's dir is 0700 root: its existence is all we can see. */
  snprintf(p, sizeof p, "%s/rootonly", suite.tdir);
  if (stat(p, &st) == 0 && st.st_uid == 0 && (st.st_mode & 0777) == 0700 && getuid() != 0)
    {
      snprintf(p, sizeof p, "%s/rootonly/secret", suite.tdir);
      suite.secret = strdup(p);
    }
  snprintf(p, sizeof p, "%s/rosrc/sub", suite.tdir);
  struct stat parent;
  char pp[4200];
  snprintf(pp, sizeof pp, "%s/rosrc", suite.tdir);
  if (stat(p, &st) == 0 && stat(pp, &parent) == 0 && st.st_dev != parent.st_dev)
    suite.rosrc = strdup(pp);
  setenv("TMPDIR", suite.workbase, 1);
  if (getenv("FOIL_TEST_BWRAP") && access(getenv("FOIL_TEST_BWRAP"), X_OK) == 0)
    suite.bwrap = getenv("FOIL_TEST_BWRAP");
  suite.target_bwrap = bwrap_minor(suite.foil);
  if (getenv("FOIL_TEST_CGROUP") && *getenv("FOIL_TEST_CGROUP"))
    suite.cgroup = getenv("FOIL_TEST_CGROUP");
  printf("foil integration suite: mode %s, binary %s (prefix \"%s:\"), uid %d, reference bwrap %s\n",
         suite.mode_name, suite.foil, suite.name, (int)getuid(), suite.bwrap ? suite.bwrap : "(none)");
  fflush(stdout);
}

void harness_done(void)
{
  if (own_tdir[0])
    {
      W[0] = 0;
      snprintf(W, sizeof W, "%s", own_tdir);
      work_teardown();
    }
}

/* FOIL_TEST_ONLY="a,b": only the tests named. Check's own CK_RUN_CASE
 * cannot pick one test: each TCase here is a whole mode. */
static bool selected(const char *name)
{
  const char *only = getenv("FOIL_TEST_ONLY");
  size_t n = strlen(name);
  if (!only || !*only)
    return true;
  for (const char *p = only; p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
    if (!strncmp(p, name, n) && (p[n] == ',' || p[n] == 0))
      return true;
  return false;
}

void add_tests(TCase *tc, const struct test_entry *t)
{
  const char *to = getenv("CK_DEFAULT_TIMEOUT");
  tcase_set_timeout(tc, to ? atof(to) : 60);
  tcase_add_checked_fixture(tc, work_setup, work_teardown);
  for (; t->test; t++)
    {
      if (!selected(t->test->name))
        continue;
      if (t->modes & (1u << suite.mode))
        tcase_add_test(tc, t->test);
      else
        printf("SKIP %s:%s: not meaningful in %s mode\n", suite.mode_name, t->test->name, suite.mode_name);
    }
  fflush(stdout);
}
