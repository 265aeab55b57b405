/* Shared helpers of the foil integration suite: running the binary under
 * test, matching its output, and checking that nothing was left behind. */
#ifndef FOIL_TEST_HARNESS_H
#define FOIL_TEST_HARNESS_H

#include <check.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

enum mode { MODE_SETUID, MODE_USERNS, MODE_ROOT };

/* What the suite runs against; filled by harness_init() from the environment. */
struct config {
    const char *foil;     /* binary under test (FOIL) */
    const char *name;     /* basename of foil: the expected error prefix */
    enum mode mode;
    const char *mode_name;
    const char *probe;    /* host path of foil-probe */
    const char *bindir;   /* directory of the helpers */
    const char *tdir;     /* private temp dir (FOIL_TEST_DIR) */
    const char *workbase; /* where per-test dirs are made (writable) */
    const char *secret;   /* root-only 0600 file, or NULL */
    const char *rosrc;    /* dir with a tmpfs submount "sub", or NULL */
    const char *payload_comm; /* comm of the probe once exec'd */
    const char *bwrap;    /* reference bwrap for differential tests, or NULL */
    int target_bwrap;     /* the binary under test is bubblewrap: its minor version (0.8 -> 8), else 0 */
};
extern struct config cfg;

/* Per-test scratch dir (checked fixture), removed afterwards. */
extern char W[4096];
void work_setup(void);
void work_teardown(void);

struct args {
    char **v;
    size_t n, cap;
};
void args_add(struct args *a, const char *s);
void args_addf(struct args *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Typed end marker for args_addv (a bare NULL may be an int). */
#define END ((const char *)NULL)
/* Appends every string up to END. */
void args_addv(struct args *a, ...) __attribute__((sentinel));
void args_free(struct args *a);
/* "--ro-bind PROBE /probe", the minimal sandbox for the probe. */
void args_probe(struct args *a);

struct spawn {
    const char *exec_path;  /* default cfg.foil */
    const char *argv0;      /* default exec_path */
    const char *stdin_data; /* NULL: /dev/null */
    int keep_fds[8];        /* left open (same numbers) in foil */
    int nkeep;
    int pty;                /* > 0: this fd is a pty slave, made the controlling tty */
    bool own_pgrp;          /* setpgid(0,0) in the child */
};

struct result {
    int code;               /* exit code, or 128+signal */
    char *out, *err;
};

/* Runs foil with ARGS (argv[0] is added), waits, and captures everything. */
void run(struct result *r, const struct spawn *o, struct args *a);
/* Starts foil without waiting; returns its pid, stdin/stdout fds (or -1). */
pid_t start(const struct spawn *o, struct args *a, int *in_fd, int *out_fd, int *err_fd);
/* Reads fd until EOF into a malloc'd string. */
char *slurp_fd(int fd);
/* Reads one line from fd (unbuffered); false at EOF. */
bool read_line(int fd, char *buf, size_t len);
int wait_code(pid_t pid);
void result_free(struct result *r);

/* Output matching. */
bool has_line(const char *buf, const char *line);
bool has_linef(const char *buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Value after "KEY: " on the first such line, copied to a static buffer. */
const char *value_of(const char *buf, const char *key);
size_t count_lines(const char *buf);

/* Assertions with good messages (they print foil's output on failure). */
#define ASSERT_CODE(r, c)                                                            \
    ck_assert_msg((r)->code == (c), "exit %d, expected %d\nstdout:\n%s\nstderr:\n%s", \
                  (r)->code, (c), (r)->out, (r)->err)
#define ASSERT_LINE(r, l)                                                            \
    ck_assert_msg(has_line((r)->out, l), "missing line \"%s\" (exit %d)\nstdout:\n%s\nstderr:\n%s", \
                  l, (r)->code, (r)->out, (r)->err)
#define ASSERT_NO_LINE(r, l)                                                         \
    ck_assert_msg(!has_line((r)->out, l), "unexpected line \"%s\"\nstdout:\n%s\nstderr:\n%s", \
                  l, (r)->out, (r)->err)
/* Exit 1, nothing on stdout, exactly one stderr line "NAME: ..." containing WHAT. */
/* Runs "foil ARGS" with the probe bound at /probe into result r. */
#define RUN(r, ...)                          \
    do {                                     \
        struct args a_ = { 0 };              \
        args_probe(&a_);                     \
        args_addv(&a_, __VA_ARGS__, END);   \
        run((r), NULL, &a_);                 \
        args_free(&a_);                      \
    } while (0)

/* Same without the probe bind (for errors before anything runs). */
#define RUN_BARE(r, ...)                     \
    do {                                     \
        struct args a_ = { 0 };              \
        args_addv(&a_, __VA_ARGS__, END);   \
        run((r), NULL, &a_);                 \
        args_free(&a_);                      \
    } while (0)

void assert_one_error(const struct result *r, const char *what);
/* Exit 1 and exactly the line "NAME: MSG" on stderr. */
void assert_error_text(const struct result *r, const char *msg);
/* Setuid mode on a host that forbids unprivileged user namespaces
 * (kernel.unprivileged_userns_clone=0): --uid/--gid other than the caller's
 * are refused there with one error naming --uid. */
bool setuid_keeps_caller_ids(void);
/* Exit 0 and empty stderr. */
void assert_ok(const struct result *r);

/* Leftover detection: mounts of the host, files, processes. */
struct snapshot {
    char *mounts;   /* sorted mount ids of /proc/self/mountinfo */
    char *files;    /* recursive listing of W, plus our entries in /tmp etc. */
};
void snap_take(struct snapshot *s);
/* Compares with a fresh snapshot, then frees BEFORE. */
void snap_assert_unchanged(struct snapshot *before);
/* Fails if any process whose parent is this test process is still alive;
 * needs prctl(PR_SET_CHILD_SUBREAPER), which run()/start() set. */
void assert_no_children(void);
void kill_children(void);

/* snprintf that fails the test instead of truncating. */
void pathf(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* File helpers. */
void write_file(const char *path, const char *text);
char *read_file(const char *path);  /* NULL if unreadable */
bool dir_is_empty(const char *path);
void make_dir(const char *path);
const char *ns_inode(pid_t pid, const char *ns); /* static buffer */

/* A memfd holding DATA, not CLOEXEC, for --seccomp / --add-seccomp-fd. */
int data_fd(const void *data, size_t len);

/* How long a "must not happen yet" check waits. It can only let a broken
 * foil pass (if foil were that slow), never fail a correct one. */
#define GRACE_MS 300
/* Upper bound for things that must happen; never reached when all is well. */
#define LONG_MS 10000

/* True (and prints SKIP) when the binary under test is a bwrap older than
 * 0.MINOR, which does not have the option the test is about. */
bool bwrap_lacks(const char *test, int minor);
/* True (and prints SKIP) when the binary under test is bwrap: the test is
 * about one of foil's extensions. */
bool not_foil(const char *test);

/* Runs ARGS (the probe is bound first) with fds FDS left open. */
void run_with_fds(struct result *r, struct args *a, const int *fds, int n);
/* Appends "OPT FD". */
void add_fd_arg(struct args *a, const char *opt, int fd);
/* A memfd holding TEXT (not CLOEXEC). */
int text_fd(const char *text);
/* NUL-separated words, for --args. */
int args_data_fd(const char *const *words, size_t n);
/* N memfds holding "data\n", and closing N fds. */
void open_data_fds(int *fds, int n);
void close_fds(const int *fds, int n);

/* Waits up to MS for fd to become readable (or hang up). */
bool readable_within(int fd, int ms);
/* Reads one line with a generous limit; fails the test on timeout. */
void expect_line(int fd, char *buf, size_t len, const char *what);
/* Reads fd until EOF, failing after LONG_MS without EOF. */
char *slurp_within(int fd, const char *what);
/* Reads a pretty-printed JSON object (up to the line "}") without waiting
 * for EOF. */
char *read_json_object(int fd, const char *what);
/* True if fd is at EOF right now (without blocking: every writer is gone). */
bool at_eof_now(int fd);

/* A started sandbox whose payload is the probe, talking over pipes. */
struct live {
    pid_t pid;
    int in, out, err;
};
void live_start(struct live *l, struct args *a, const int *fds, int n);
/* Closes the payload's stdin and collects the exit status. */
int live_finish(struct live *l, char **err);

/* A tiny reader for the flat JSON objects bwrap writes. */
struct json_obj {
    int n;
    char key[16][64];
    long long val[16];
};
/* Parses { "k": 123, ... }; returns false on anything else. */
bool json_parse(const char *s, struct json_obj *o);
const long long *json_get(const struct json_obj *o, const char *key);
/* The keys, sorted and joined with spaces (for messages and comparisons). */
const char *json_keys(const struct json_obj *o);

#endif
