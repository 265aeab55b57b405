/* Shared helpers of the foil integration suite: what the suite runs
 * against, running the binary under test with the probe, assertions on
 * its output, and checking that nothing was left behind. The generic
 * parts (running and capturing, text and JSON, files) are in tests/lib/. */
#ifndef FOIL_TEST_HARNESS_H
#define FOIL_TEST_HARNESS_H

#include "../lib/files.h"
#include "../lib/run.h"
#include "../lib/text.h"

#include <check.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* The three ways run-integration.sh runs the suite: as a user with a
 * setuid-root copy of foil, as the same user with plain foil (user
 * namespaces), and as root. */
enum suite_mode { SUITE_SETUID, SUITE_USERNS, SUITE_ROOT };

/* What the suite runs against; filled by harness_init() from the environment. */
struct suite_env {
  const char *foil; /* binary under test (FOIL) */
  const char *name; /* basename of foil: the expected error prefix */
  enum suite_mode mode;
  const char *mode_name;
  const char *probe;        /* host path of foil-probe */
  const char *bindir;       /* directory of the helpers */
  const char *tdir;         /* private temp dir (FOIL_TEST_DIR) */
  const char *workbase;     /* where per-test dirs are made (writable) */
  const char *secret;       /* root-only 0600 file, or NULL */
  const char *rosrc;        /* dir with a tmpfs submount "sub", or NULL */
  const char *payload_comm; /* comm of the probe once exec'd */
  const char *bwrap;        /* reference bwrap for differential tests, or NULL */
  int target_bwrap;         /* the binary under test is bubblewrap: its minor version (0.8 -> 8), else 0 */
  const char *cgroup;       /* cgroup v2 dir delegated to the suite's user (FOIL_TEST_CGROUP), or NULL */
};
extern struct suite_env suite;

/* Per-test scratch dir (checked fixture), removed afterwards. */
extern char W[4096];
void work_setup(void);
void work_teardown(void);

/* How long a "must not happen yet" check waits. It can only let a broken
 * foil pass (if foil were that slow), never fail a correct one. */
/* For callbacks whose signature is fixed by their caller (nftw, the
   argument builders). */
#define UNUSED __attribute__((unused))

#define GRACE_MS 300
/* Upper bound for things that must happen; never reached when all is well. */
#define LONG_MS 10000

/* ---- running foil ---- */

/* "--ro-bind PROBE /probe", the minimal sandbox for the probe. */
void args_probe(struct args *a);
/* Appends "OPT FD". */
void add_fd_arg(struct args *a, const char *opt, int fd);

/* Runs foil (O's exec_path, default suite.foil; O may be NULL) with ARGS
 * (argv[0] is added), waits, and captures everything. */
void run(struct result *r, const struct spawn *o, struct args *a);
/* Starts it without waiting; returns its pid, stdin/stdout/stderr fds (or -1). */
pid_t start(const struct spawn *o, struct args *a, int *in_fd, int *out_fd, int *err_fd);
/* Runs ARGS (the probe is bound first) with fds FDS left open. */
void run_with_fds(struct result *r, struct args *a, const int *fds, int n);
/* The same with BINARY (the reference bwrap, say) instead of suite.foil. */
void run_binary_with_fds(struct result *r, const char *binary, struct args *a, const int *fds, int n);

/* Runs "foil ARGS" with the probe bound at /probe into result r. */
#define RUN(r, ...)                     \
  do                                    \
    {                                   \
      struct args a_ = { 0 };           \
      args_probe(&a_);                  \
      args_addv(&a_, __VA_ARGS__, END); \
      run((r), NULL, &a_);              \
      args_free(&a_);                   \
    }                                   \
  while (0)

/* Same without the probe bind (for errors before anything runs). */
#define RUN_BARE(r, ...)                \
  do                                    \
    {                                   \
      struct args a_ = { 0 };           \
      args_addv(&a_, __VA_ARGS__, END); \
      run((r), NULL, &a_);              \
      args_free(&a_);                   \
    }                                   \
  while (0)

/* RUN_BARE, then assert_one_error(WHAT) (WHAT may be NULL). */
#define RUN_BARE_EXPECT_ERROR(what, ...) \
  do                                     \
    {                                    \
      struct result r_;                  \
      RUN_BARE(&r_, __VA_ARGS__);        \
      assert_one_error(&r_, (what));     \
      result_free(&r_);                  \
    }                                    \
  while (0)

/* RUN, then assert_one_error(WHAT) (WHAT may be NULL). */
#define RUN_EXPECT_ERROR(what, ...)  \
  do                                 \
    {                                \
      struct result r_;              \
      RUN(&r_, __VA_ARGS__);         \
      assert_one_error(&r_, (what)); \
      result_free(&r_);              \
    }                                \
  while (0)

/* RUN, then assert_error_text(MSG). */
#define RUN_EXPECT_ERROR_TEXT(msg, ...) \
  do                                    \
    {                                   \
      struct result r_;                 \
      RUN(&r_, __VA_ARGS__);            \
      assert_error_text(&r_, (msg));    \
      result_free(&r_);                 \
    }                                   \
  while (0)

/* A started sandbox whose payload is the probe, talking over pipes. */
struct live {
  pid_t pid;
  int in, out, err;
};
void live_start(struct live *l, struct args *a, const int *fds, int n);
/* Closes the payload's stdin and collects the exit status. */
int live_finish(struct live *l, char **err);

/* ---- assertions ---- */

/* Assertions with good messages (they print foil's output on failure). */
#define ASSERT_CODE(r, c)                                                                           \
  ck_assert_msg((r)->code == (c), "exit %d, expected %d\nstdout:\n%s\nstderr:\n%s", (r)->code, (c), \
                (r)->out, (r)->err)
#define ASSERT_LINE(r, l)                                                                            \
  ck_assert_msg(has_line((r)->out, l), "missing line \"%s\" (exit %d)\nstdout:\n%s\nstderr:\n%s", l, \
                (r)->code, (r)->out, (r)->err)
#define ASSERT_NO_LINE(r, l)                                                                             \
  ck_assert_msg(!has_line((r)->out, l), "unexpected line \"%s\"\nstdout:\n%s\nstderr:\n%s", l, (r)->out, \
                (r)->err)

/* Exit 1, nothing on stdout, exactly one stderr line "NAME: ..." containing WHAT. */
void assert_one_error(const struct result *r, const char *what);
/* Exit 1 and exactly the line "NAME: MSG" on stderr. */
void assert_error_text(const struct result *r, const char *msg);
/* Exit 0 and empty stderr. */
void assert_ok(const struct result *r);
/* Setuid mode on a host that forbids unprivileged user namespaces
 * (kernel.unprivileged_userns_clone=0): --uid/--gid other than the caller's
 * are refused there with one error naming --uid. */
bool setuid_keeps_caller_ids(void);
/* True (and prints SKIP) when the binary under test is a bwrap older than
 * 0.MINOR, which does not have the option the test is about. */
bool bwrap_lacks(const char *test, int minor);
/* True (and prints SKIP) when the binary under test is bwrap: the test is
 * about one of foil's extensions. */
bool not_foil(const char *test);

/* ---- fds ---- */

/* Reads one line within LONG_MS; fails the test on timeout or EOF. */
static inline void expect_line(int fd, char *buf, size_t len, const char *what)
{
  read_line_within(fd, buf, len, LONG_MS, what);
}
/* Reads fd until EOF, failing after LONG_MS without EOF. */
static inline char *slurp_within(int fd, const char *what) { return slurp_fd_within(fd, LONG_MS, what); }
/* Reads a pretty-printed JSON object (up to the line "}") without waiting
 * for EOF, so that tests of other fds do not depend on when foil closes
 * this one. */
char *read_json_object(int fd, const char *what);
/* NUL-separated words, for --args. */
int args_data_fd(const char *const *words, size_t n);
/* N memfds holding "data\n", and closing N fds. */
void open_data_fds(int *fds, int n);
void close_fds(const int *fds, int n);

/* ---- leftovers ---- */

/* Leftover detection: mounts of the host, files, processes. */
struct snapshot {
  char *mounts; /* sorted mount ids of /proc/self/mountinfo */
  char *files;  /* recursive listing of W, plus our entries in /tmp etc. */
};
void snap_take(struct snapshot *s);
/* Compares with a fresh snapshot, then frees BEFORE. */
void snap_assert_unchanged(struct snapshot *before);
/* Fails if any process whose parent is this test process is still alive;
 * needs prctl(PR_SET_CHILD_SUBREAPER), which run()/start() set. */
void assert_no_children(void);
void kill_children(void);

/* The inode of PID's (0: our own) namespace NS, in a static buffer. */
const char *ns_inode(pid_t pid, const char *ns);

#endif
